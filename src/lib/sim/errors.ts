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
