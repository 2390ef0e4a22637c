/**
 * What the simulation worker does with one request, apart from the worker plumbing, so that
 * Node runs the very same code in tests: parse and run the scenario with `runScenario` (same
 * engine, same seed, same trace as the CLI), report progress while it runs, and keep the reply
 * small enough to copy to the page.
 *
 * @module
 */
import { runScenario, type RunScenarioResult } from '$lib/sim/scenario';
import { MAX_FIGURE_EVENTS, PROGRESS_EVERY_MS, type FromSimWorker, type RunRequest } from './protocol';

/** The line an error about the whole run is reported on: the last non-blank line. */
function lastLine(text: string): number {
	const lines = text.split('\n');
	let n = lines.length;
	while (n > 1 && lines[n - 1].trim() === '') n--;
	return n;
}

/**
 * Run `req` and post progress reports and then exactly one `done` message.
 * @param post - receives the messages (the worker's `postMessage`).
 * @param clock - real time in ms, for spacing progress reports only (never recorded).
 * @returns nothing; never throws (an unexpected exception becomes a `done` with an error on line 1).
 */
export function handleRun(req: RunRequest, post: (m: FromSimWorker) => void, clock: () => number = () => performance.now()): void {
	let lastReport = clock();
	const onProgress = (events: number, now: number) => {
		const t = clock();
		if (t - lastReport < PROGRESS_EVERY_MS) return;
		lastReport = t;
		post({ type: 'progress', id: req.id, events, now });
	};
	let result: RunScenarioResult;
	try {
		result = runScenario(req.text, {
			...(req.seed === undefined ? {} : { seed: req.seed }),
			...(req.maxEvents === undefined ? {} : { maxEvents: req.maxEvents }),
			...(req.maxWallMs === undefined ? {} : { maxWallMs: req.maxWallMs }),
			onProgress
		});
	} catch (e) {
		result = { ok: false, errors: [{ line: 1, message: `the simulator failed: ${e instanceof Error ? e.message : String(e)}` }] };
	}
	if (!result.ok) {
		// The partial trace of a run stopped by the budget may hold millions of events.
		result = { ok: false, errors: result.errors };
	} else {
		const max = req.maxTraceEvents ?? MAX_FIGURE_EVENTS;
		const n = result.trace.events.length;
		if (n > max) {
			const fmt = (x: number) => x.toLocaleString('en');
			result = {
				ok: false,
				errors: [{ line: lastLine(req.text), message: `the run recorded ${fmt(n)} trace events; a figure shows at most ${fmt(max)}: send less or run for less time` }]
			};
		}
	}
	post({ type: 'done', id: req.id, result });
}
