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
	/** Most trace events the page is given to draw; a longer trace is cut (default {@link MAX_FIGURE_EVENTS}). */
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

/**
 * Worker → page: the outcome. A budget error comes without the partial trace (it can be huge);
 * a trace longer than the figure can draw comes cut to its first events, with `recorded`.
 */
export interface RunDone {
	type: 'done';
	id: number;
	result: RunScenarioResult;
	/** Set when the trace was cut: how many events the run recorded in all. */
	recorded?: number;
}

export type FromSimWorker = RunProgress | RunDone;

/**
 * Most trace events a figure is handed. The figure lays out every event on the page's thread:
 * measured in Chromium on a loaded 2-core machine, a 1 MB transfer (1,387 events) held the page
 * for 11 s and 300 pings (900 events) for 9 s (about 1 s per 1,000 events unloaded). Every
 * lesson scenario records at most 138; a scenario at the parser's limits (100 KB of `ping
 * count=100` lines) about 580,000, a 100 MB trace.
 */
export const MAX_FIGURE_EVENTS = 1_000;

/** Least real time between two progress reports, ms. */
export const PROGRESS_EVERY_MS = 100;
