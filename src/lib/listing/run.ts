/**
 * Explain a listing in a Web Worker under a time budget (the browser side of the explainer).
 *
 * The text is checked against the size limits before it is sent, so an oversized paste is
 * refused at once with the limit in the message. The worker is terminated when the budget runs
 * out or the caller cancels; a new worker is started for the next run.
 *
 * @module
 */
import { DEFAULT_LIMITS, explainListing } from './index';
import type { ListingResult } from './types';

/** Wall-clock budget for one explanation in the worker, ms. A 4 MB listing takes about a second. */
export const WORKER_BUDGET_MS = 15_000;

/** A running explanation: its result, and a way to stop it. */
export interface ExplainRun {
	result: Promise<ListingResult>;
	cancel(): void;
}

function failed(error: string): ListingResult {
	return { format: 'unknown', os: 'unknown', rows: [], skipped: [], findings: [], notes: [], error };
}

/** The size check the worker would make, done before sending the text: a message, or null when it fits. */
export function sizeProblem(text: string): string | null {
	if (text.length > DEFAULT_LIMITS.maxChars) {
		const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
		return `The listing is ${mb(text.length)}; the explainer reads at most ${mb(DEFAULT_LIMITS.maxChars)}. Paste a part of it, for example one state (ss -tan state time-wait) or one port.`;
	}
	return null;
}

let worker: Worker | null = null;
let nextId = 1;

/**
 * Explain `text` in a Web Worker.
 * @param budgetMs stop after this many milliseconds and resolve with an `error` result.
 * @returns never rejects: errors (budget, cancel, worker failure) come back as `result.error`.
 */
export function explainInWorker(text: string, budgetMs = WORKER_BUDGET_MS): ExplainRun {
	const tooBig = sizeProblem(text);
	if (tooBig) return { result: Promise.resolve(failed(tooBig)), cancel() {} };
	if (typeof Worker === 'undefined') {
		// No workers (very old browser): small listings only, on this thread.
		return { result: Promise.resolve(text.length <= 256 * 1024 ? explainListing(text) : failed('This browser cannot run the explainer in the background; paste at most 256 KB.')), cancel() {} };
	}
	const id = nextId++;
	let settle: (r: ListingResult) => void = () => {};
	const result = new Promise<ListingResult>((resolve) => (settle = resolve));
	const w = (worker ??= new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }));
	const kill = () => {
		w.terminate();
		if (worker === w) worker = null;
	};
	const timer = setTimeout(() => {
		kill();
		settle(failed(`Stopped after ${budgetMs / 1000} s: the listing takes more work than the explainer allows. Paste a part of it.`));
	}, budgetMs);
	const done = (r: ListingResult) => {
		clearTimeout(timer);
		w.removeEventListener('message', onMessage);
		w.removeEventListener('error', onError);
		settle(r);
	};
	const onMessage = (e: MessageEvent<{ id: number; result: ListingResult }>) => {
		if (e.data.id === id) done(e.data.result);
	};
	const onError = (e: ErrorEvent) => {
		kill();
		done(failed(`The explainer stopped with an error: ${e.message || 'unknown error'}`));
	};
	w.addEventListener('message', onMessage);
	w.addEventListener('error', onError);
	w.postMessage({ id, text });
	return {
		result,
		cancel() {
			kill();
			done(failed('Stopped.'));
		}
	};
}
