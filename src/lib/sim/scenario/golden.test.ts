/**
 * Golden traces: every scenario in `content/` (the examples and every lesson's scenarios), and
 * the benchmark's lifecycle workload, must produce exactly the trace committed under
 * `__golden__/`. This pins the engine's behaviour, so a change made for speed cannot quietly
 * change what a lesson shows. A deliberate change in behaviour is reviewed as a diff of these
 * files: `npx vitest run src/lib/sim/scenario/golden.test.ts -u` rewrites them.
 *
 * Format: one JSON object per line; the first line is the trace without its events
 * (`seed`, `hosts`, `end`), then one line per event (docs/trace-schema.md).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenarioError } from './types';
import { runScenario } from './run';
import { lifecycleWorkload } from '../lifecycle.bench';
import type { Trace } from '../trace';

const CONTENT = fileURLToPath(new URL('../../../../content', import.meta.url));

/** All `.scn` files under `dir`, as paths relative to `content/`, sorted. */
function scenarioFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...scenarioFiles(path));
		else if (name.endsWith('.scn')) out.push(relative(CONTENT, path));
	}
	return out.sort();
}

/** The golden text of a trace: header line, then one event per line. */
function goldenText(trace: Trace): string {
	const { events, ...head } = trace;
	return [JSON.stringify(head), ...events.map((e) => JSON.stringify(e))].join('\n') + '\n';
}

/** Snapshot file for a scenario path: `lessons/02-tcp/01-tcp-handshake/handshake.scn` → `lessons--02-tcp--01-tcp-handshake--handshake.jsonl`. */
const goldenPath = (file: string): string => `./__golden__/${file.replace(/\.scn$/, '').split(/[\\/]/).join('--')}.jsonl`;

const FILES = scenarioFiles(CONTENT);

describe('golden traces', () => {
	it('finds the scenarios in content/ (examples and lessons)', () => {
		expect(FILES.filter((f) => f.startsWith('scenarios')).length).toBeGreaterThanOrEqual(16);
		expect(FILES.filter((f) => f.startsWith('lessons')).length).toBeGreaterThanOrEqual(19);
	});

	for (const file of FILES) {
		it(`${file} gives its committed trace`, async () => {
			const r = runScenario(readFileSync(join(CONTENT, file), 'utf8'));
			if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e, file)).join('\n'));
			await expect(goldenText(r.trace)).toMatchFileSnapshot(goldenPath(file));
		});
	}

	it('the benchmark workload (40 lifecycles, recorded) gives its committed trace', async () => {
		const { sim, done } = lifecycleWorkload(40, true);
		sim.run();
		expect(done()).toBe(40);
		await expect(goldenText(sim.trace())).toMatchFileSnapshot('./__golden__/bench-lifecycles.jsonl');
	});
});
