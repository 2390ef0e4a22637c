/**
 * Run a scenario in the simulation's Web Worker, with a timeout and a way to stop it (the
 * browser side of sim.worker.ts).
 *
 * One worker is kept between runs (loading the engine costs a few hundred ms). Stopping a run,
 * or a run that outlasts its timeout, terminates the worker: a busy worker cannot be
 * interrupted any other way. The next run starts a fresh one.
 *
 * @module
 */
import type { RunScenarioResult } from '$lib/sim/scenario';
import { handleRun } from './handle';
import type { FromSimWorker, RunRequest } from './protocol';

/**
 * Real time after which the page gives up on the worker, ms: well above the engine's own
 * wall-clock budget (10 s), which normally ends a long run first with its own message and line.
 */
export const WORKER_TIMEOUT_MS = 20_000;

/** How a run in the worker ended. */
export type WorkerOutcome =
	/**
	 * The worker answered: the trace, or the scenario's errors (parse, run, budget). `recorded`
	 * is set when the trace was cut to what a figure can draw: the events the run recorded.
	 */
	| { status: 'done'; result: RunScenarioResult; recorded?: number }
	/** {@link SimRun.stop} was called (the user pressed Stop, or a newer run replaced this one). */
	| { status: 'stopped' }
	/** No answer within the timeout, or the worker itself failed: `message` says which. */
	| { status: 'failed'; message: string };

/** A run in progress. */
export interface SimRun {
	/** Resolves once; never rejects. */
	outcome: Promise<WorkerOutcome>;
	/** Stop the run now (terminates the worker); the outcome becomes `stopped`. Harmless after the end. */
	stop(): void;
}

/** What the caller hears while the run goes on. */
export interface RunHooks {
	/** Engine events processed and virtual time reached (ms), at most every 100 ms. */
	onProgress?: (events: number, now: number) => void;
	/** Give up after this many ms of real time (default {@link WORKER_TIMEOUT_MS}). */
	timeoutMs?: number;
}

let worker: Worker | null = null;
let nextId = 1;

function spawn(): Worker {
	return new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module' });
}

/**
 * Run a scenario in the worker.
 * @param req - the text, seed and budgets (`id` is assigned here).
 * @returns the run: its outcome and a stop function. Without Web Workers (a very old browser)
 *   the scenario runs on this thread, under the engine's budget.
 */
export function runInWorker(req: Omit<RunRequest, 'id'>, hooks: RunHooks = {}): SimRun {
	const id = nextId++;
	if (typeof Worker === 'undefined') {
		let done: WorkerOutcome = { status: 'failed', message: 'the simulator gave no result' };
		handleRun({ ...req, id }, (m) => {
			if (m.type === 'done') done = { status: 'done', result: m.result, ...(m.recorded === undefined ? {} : { recorded: m.recorded }) };
		});
		return { outcome: Promise.resolve(done), stop() {} };
	}
	let settle: (o: WorkerOutcome) => void = () => {};
	const outcome = new Promise<WorkerOutcome>((resolve) => (settle = resolve));
	let w: Worker;
	try {
		w = worker ??= spawn();
	} catch (e) {
		return { outcome: Promise.resolve({ status: 'failed', message: `the simulator could not start: ${e instanceof Error ? e.message : String(e)}` }), stop() {} };
	}
	let over = false;
	const kill = () => {
		w.terminate();
		if (worker === w) worker = null;
	};
	const finish = (o: WorkerOutcome) => {
		if (over) return;
		over = true;
		clearTimeout(timer);
		w.removeEventListener('message', onMessage);
		w.removeEventListener('error', onError);
		settle(o);
	};
	const timeoutMs = hooks.timeoutMs ?? WORKER_TIMEOUT_MS;
	const timer = setTimeout(() => {
		kill();
		finish({ status: 'failed', message: `the simulator gave no answer within ${timeoutMs / 1000} s and was stopped` });
	}, timeoutMs);
	const onMessage = (e: MessageEvent<FromSimWorker>) => {
		const m = e.data;
		if (m.id !== id) return;
		if (m.type === 'progress') hooks.onProgress?.(m.events, m.now);
		else finish({ status: 'done', result: m.result, ...(m.recorded === undefined ? {} : { recorded: m.recorded }) });
	};
	const onError = (e: ErrorEvent) => {
		e.preventDefault();
		kill();
		finish({ status: 'failed', message: `the simulator stopped with an error${e.message ? `: ${e.message}` : ''}` });
	};
	w.addEventListener('message', onMessage);
	w.addEventListener('error', onError);
	w.postMessage({ ...req, id } satisfies RunRequest);
	return {
		outcome,
		stop() {
			if (over) return;
			kill();
			finish({ status: 'stopped' });
		}
	};
}
