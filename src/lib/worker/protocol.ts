/**
 * Messages between a page and the simulation's Web Worker (sim.worker.ts). Plain,
 * structured-clonable data: a scenario's text goes in, progress reports and one result come out.
 *
 * @module
 */
import type { RunScenarioResult } from '$lib/sim/scenario';

/** Page → worker: run this scenario text (the same `runScenario` as Node, same seed, same trace). */
export interface RunRequest {
	/** Matches the replies to the request. */
	id: number;
	text: string;
	/** Overrides the file's `seed` line. */
	seed?: number;
	/** Engine work budget, events (default: the engine's 2,000,000). */
	maxEvents?: number;
	/** Engine work budget, ms of real time (default: the engine's 10 s). */
	maxWallMs?: number;
	/** Most trace events the page is given to draw; a larger trace is an error (default {@link MAX_FIGURE_EVENTS}). */
	maxTraceEvents?: number;
}

/** Worker → page: how far a long run has come (sent at most every {@link PROGRESS_EVERY_MS}). */
export interface RunProgress {
	type: 'progress';
	id: number;
	/** Engine events processed so far. */
	events: number;
	/** Virtual time reached, ms. */
	now: number;
}

/** Worker → page: the outcome. A budget error comes without the partial trace (it can be huge). */
export interface RunDone {
	type: 'done';
	id: number;
	result: RunScenarioResult;
}

export type FromSimWorker = RunProgress | RunDone;

/**
 * Most trace events a figure is handed. A scenario at the parser's limits (100 KB of `ping
 * count=100` lines) records about 580,000 events, a 100 MB trace that would take the page
 * seconds to copy and lay out on its own thread; every lesson scenario records under 20,000.
 */
export const MAX_FIGURE_EVENTS = 100_000;

/** Least real time between two progress reports, ms. */
export const PROGRESS_EVERY_MS = 100;
