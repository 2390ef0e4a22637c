/**
 * What the simulation worker does with one request, apart from the worker plumbing, so that
 * Node runs the very same code in tests: parse and run the scenario with `runScenario` (same
 * engine, same seed, same trace as the CLI), report progress while it runs, and keep the reply
 * small enough for the page to copy and draw.
 *
 * @module
 */
import { runScenario, type RunScenarioResult } from '$lib/sim/scenario';
import { MAX_FIGURE_EVENTS, PROGRESS_EVERY_MS, type FromSimWorker, type RunRequest } from './protocol';

/**
 * Run `req` and post progress reports and then exactly one `done` message.
 *
 * A trace longer than `req.maxTraceEvents` (default {@link MAX_FIGURE_EVENTS}) is cut to its
 * first events: the figure shows them, up to the time of the last one kept, and `done.recorded`
 * says how many the run recorded. Expectations are checked on the whole run.
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
		post({ type: 'done', id: req.id, result: { ok: false, errors: result.errors } });
		return;
	}
	const max = req.maxTraceEvents ?? MAX_FIGURE_EVENTS;
	const { events } = result.trace;
	if (events.length <= max) {
		post({ type: 'done', id: req.id, result });
		return;
	}
	const kept = events.slice(0, max);
	const trace = { ...result.trace, events: kept, end: kept[kept.length - 1].t };
	post({ type: 'done', id: req.id, result: { ...result, trace }, recorded: events.length });
}
