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

/**
 * Does the lesson beside this scenario draw it with a ladder? Its figures are the `<SimPlayer
 * scenario={NAME} views="…">` tags of index.md, NAME imported from `./FILE.scn?raw`; without
 * `views=` a figure shows the default `ladder,sockets,header`.
 */
function drawnAsLadder(path: string): boolean {
	const file = path.split('/').pop()!;
	const md = readFileSync(join(path, '..', 'index.md'), 'utf8');
	const name = new RegExp(`import\\s+(\\w+)\\s+from\\s+'\\./${file.replace('.', '\\.')}\\?raw'`).exec(md)?.[1];
	if (name === undefined) return false;
	const tags = md.match(new RegExp(`<SimPlayer\\b[^>]*scenario=\\{${name}\\}[^>]*>`, 'g')) ?? [];
	return tags.some((tag) => {
		const views = /views="([^"]*)"/.exec(tag)?.[1];
		return views === undefined || views.split(',').includes('ladder');
	});
}

/**
 * Every lesson scenario's trace, keyed by its file name (`handshake.scn`).
 * @param options.ladderOnly - only the scenarios a lesson draws as a ladder (wscale-lfn's 838
 *   packets are drawn as a window chart, not a ladder).
 */
export function lessonTraces(options: { ladderOnly?: boolean } = {}): Map<string, Trace> {
	const out = new Map<string, Trace>();
	for (const path of files(LESSONS)) {
		if (options.ladderOnly && !drawnAsLadder(path)) continue;
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
