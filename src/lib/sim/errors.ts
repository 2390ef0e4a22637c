/**
 * Programming errors raised by the simulation engine.
 *
 * Network failures (ECONNREFUSED, EADDRINUSE, ETIMEDOUT, …) are *not* exceptions: socket calls
 * record an `ErrorEvent` in the trace and return `false`. A {@link SimError} means the caller
 * asked for something impossible (unknown host or socket, invalid IP or port, time in the past)
 * and is meant to be turned into a line-numbered message by the scenario runner.
 *
 * @module
 */

import type { Trace } from './trace';

/**
 * Thrown for misuse of the engine API (never for simulated network errors).
 *
 * `field` names the offending argument (e.g. `"port"`, `"host"`), so a scenario runner can point
 * at the right token; `message` is a complete human-readable sentence.
 */
export class SimError extends Error {
	/** Name of the argument or option that was wrong, when there is one. */
	readonly field: string | undefined;

	/**
	 * @param message - a complete sentence saying what was wrong and what is allowed.
	 * @param field - the argument or option name at fault, if any.
	 */
	constructor(message: string, field?: string) {
		super(message);
		this.name = 'SimError';
		this.field = field;
	}
}

/** Why {@link Simulation.run} stopped early: see {@link WorkBudgetError}. */
export type BudgetReason = 'events' | 'wall-clock' | 'stuck-time';

/**
 * Thrown by `Simulation.run` when a run exceeds its work budget (`RunOptions.maxEvents`,
 * `maxWallMs`, `maxEventsAtOneTime`): the scenario does more work than a learner's browser
 * tab should do (for example an endless ACK exchange). The simulation stays usable: `trace`
 * holds everything recorded up to the stop, and `run()` may be called again to continue.
 *
 * The message is one sentence: `stopped after N events at t = T ms: …`.
 */
export class WorkBudgetError extends SimError {
	/**
	 * @param reason - which limit was hit.
	 * @param events - events processed by the `run()` call that stopped.
	 * @param time - virtual time (ms) at the stop.
	 * @param trace - the trace recorded so far (shared with the simulation, not copied).
	 * @param sameTimeEvents - for `'stuck-time'`: how many events ran at `time` without the clock moving.
	 * @param wallMs - for `'wall-clock'`: the limit, ms of real time.
	 */
	constructor(
		readonly reason: BudgetReason,
		readonly events: number,
		readonly time: number,
		readonly trace: Trace,
		sameTimeEvents = 0,
		wallMs = 0
	) {
		const n = (v: number): string => v.toLocaleString('en-US');
		const why =
			reason === 'stuck-time'
				? `virtual time stopped moving (the last ${n(sameTimeEvents)} events all happened at ${time} ms), the scenario does more work than the budget allows`
				: reason === 'wall-clock'
					? `the scenario does more work than the budget allows (it ran for more than ${n(wallMs)} ms of real time)`
					: 'the scenario does more work than the budget allows';
		super(`stopped after ${n(events)} events at t = ${time} ms: ${why}.`, 'budget');
		this.name = 'WorkBudgetError';
	}
}
