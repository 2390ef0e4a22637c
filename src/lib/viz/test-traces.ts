/**
 * Test helper: the trace of every lesson scenario under content/lessons (unit tests of the
 * figures' maths run against the real figures, not toy traces).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario } from '$lib/sim/scenario';
import type { Trace } from '$lib/sim/trace';

const LESSONS = fileURLToPath(new URL('../../../content/lessons', import.meta.url));

function files(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...files(path));
		else if (name.endsWith('.scn')) out.push(path);
	}
	return out.sort();
}

/** Every lesson scenario's trace, keyed by its file name (`handshake.scn`). */
export function lessonTraces(): Map<string, Trace> {
	const out = new Map<string, Trace>();
	for (const path of files(LESSONS)) {
		const r = runScenario(readFileSync(path, 'utf8'));
		if (!r.ok) throw new Error(`${relative(LESSONS, path)}: ${r.errors.map((e) => e.message).join('; ')}`);
		out.set(path.split('/').pop()!, r.trace);
	}
	return out;
}

/** Run a scenario given as text; throws on errors. */
export function traceOf(text: string): Trace {
	const r = runScenario(text);
	if (!r.ok) throw new Error(r.errors.map((e) => `line ${e.line}: ${e.message}`).join('; '));
	return r.trace;
}
