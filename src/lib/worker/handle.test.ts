/**
 * The simulation worker's request handler (issue 12 item 3), run here in Node: the worker gives
 * the page the same result as `runScenario` (same engine, seed and trace), reports progress
 * while a long run goes on, sends one `done` last, and never sends a trace too big to copy.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '$lib/sim/scenario';
import { handleRun } from './handle';
import { MAX_FIGURE_EVENTS, PROGRESS_EVERY_MS, type FromSimWorker } from './protocol';

const scenario = (name: string) => readFileSync(new URL(`../../../content/scenarios/${name}`, import.meta.url), 'utf8');

function collect(req: Parameters<typeof handleRun>[0], clock?: () => number): FromSimWorker[] {
	const out: FromSimWorker[] = [];
	handleRun(req, (m) => out.push(structuredClone(m)), clock);
	return out;
}

/** Many pings: a run of about 30,000 engine events. */
const PINGS = `host client 192.168.1.10
host server 203.0.113.5
link client server latency=10ms
${'+0ms client ping 203.0.113.5 count=100 interval=1ms\n'.repeat(50)}`;

describe('handleRun', () => {
	it('answers with exactly what runScenario returns in Node, after a structured clone, for the same seed', () => {
		for (const [name, seed] of [['handshake.scn', undefined], ['lost-segment.scn', 7], ['ack-loop.scn', undefined]] as const) {
			const text = scenario(name);
			const out = collect(seed === undefined ? { id: 3, text } : { id: 3, text, seed });
			expect(out.map((m) => m.type)).toEqual(['done']);
			const done = out[0] as Extract<FromSimWorker, { type: 'done' }>;
			expect(done.id).toBe(3);
			expect(done.result).toEqual(runScenario(text, seed === undefined ? {} : { seed }));
			expect(done.result.ok).toBe(true);
		}
	});

	it('reports progress at most every PROGRESS_EVERY_MS of real time, then done', () => {
		// A fake clock that advances 40 ms per reading: every third engine chunk is reported.
		let t = 0;
		const out = collect({ id: 9, text: PINGS, maxTraceEvents: Infinity }, () => (t += 40));
		const progress = out.filter((m) => m.type === 'progress');
		expect(out.at(-1)?.type).toBe('done');
		expect(out.filter((m) => m.type === 'done')).toHaveLength(1);
		expect(progress.length).toBeGreaterThan(3);
		for (let i = 1; i < progress.length; i++) {
			expect(progress[i].events).toBeGreaterThan(progress[i - 1].events);
			expect(progress[i].now).toBeGreaterThanOrEqual(progress[i - 1].now);
		}
		expect(PROGRESS_EVERY_MS).toBeGreaterThan(40);
		expect(progress.every((m) => m.id === 9)).toBe(true);
		// Progress changes nothing in the trace.
		const done = out.at(-1) as Extract<FromSimWorker, { type: 'done' }>;
		expect(done.result).toEqual(runScenario(PINGS));
	});

	it('a run over the budget comes back as its error, without the partial trace', () => {
		const out = collect({ id: 1, text: PINGS, maxEvents: 5_000 });
		const done = out.at(-1) as Extract<FromSimWorker, { type: 'done' }>;
		expect(done.result.ok).toBe(false);
		if (done.result.ok) return;
		expect(done.result.errors).toEqual([{ line: 53, message: expect.stringMatching(/^stopped after 5,000 events at t = \d+ ms: the scenario does more work than the budget allows/) }]);
		expect('partial' in done.result).toBe(false);
		// runScenario itself keeps the partial trace (for the CLI and tests).
		const direct = runScenario(PINGS, { maxEvents: 5_000 });
		expect(!direct.ok && direct.partial?.events.length).toBeGreaterThan(1000);
	});

	it('a trace longer than a figure can draw comes cut to its first events, with the count it had', () => {
		const full = runScenario(PINGS);
		if (!full.ok) throw new Error('PINGS should run');
		const n = full.trace.events.length;
		expect(n).toBeGreaterThan(MAX_FIGURE_EVENTS);
		const out = collect({ id: 2, text: PINGS });
		const done = out.at(-1) as Extract<FromSimWorker, { type: 'done' }>;
		expect(done.recorded).toBe(n);
		expect(done.result.ok).toBe(true);
		if (!done.result.ok) return;
		expect(done.result.trace.events).toEqual(full.trace.events.slice(0, MAX_FIGURE_EVENTS));
		expect(done.result.trace.end).toBe(full.trace.events[MAX_FIGURE_EVENTS - 1].t);
		expect(done.result.trace.end).toBeLessThan(full.trace.end);
		expect(done.result.expectations).toEqual(full.expectations);
		// A trace that fits is sent whole, without the count.
		const small = collect({ id: 3, text: PINGS, maxTraceEvents: n }).at(-1) as Extract<FromSimWorker, { type: 'done' }>;
		expect(small).toEqual({ type: 'done', id: 3, result: full });
	});

	it('parse errors come back as they are, without running', () => {
		const out = collect({ id: 4, text: 'host a 10.0.0.1\nbogus line\n' });
		expect(out).toEqual([{ type: 'done', id: 4, result: runScenario('host a 10.0.0.1\nbogus line\n') }]);
	});
});
