/**
 * Steady-state ephemeral-port exhaustion towards one destination.
 *
 * Model: a client opens `rate` new connections per second to one remote IP:port and
 * closes each one at once (the active closer), so every connection holds its local
 * port for the TIME-WAIT length (2×MSL, RFC 9293 §3.4.1 MUST-13; Linux
 * TCP_TIMEWAIT_LEN = 60 s). The 4-tuple must be unique, so towards one destination at
 * most `range` ports can be in use: Linux `__inet_hash_connect()` then fails with
 * EADDRNOTAVAIL ("Cannot assign requested address").
 *
 * Ports in use at time t (s) = min(range, rate × min(t, TIME-WAIT)). The sustainable
 * ceiling is range ÷ TIME-WAIT connections per second; above it, the range is full at
 * t = range ÷ rate, every connect() fails until the first TIME-WAIT ends, and from then on
 * ports return in bursts: on average only `ceiling` connections per second succeed.
 */

/** Inputs of the exhaustion model, as typed into the lab. */
export interface ExhaustionInput {
	/** Lowest ephemeral port (inclusive), 1…65535. */
	low: number;
	/** Highest ephemeral port (inclusive), low…65535. */
	high: number;
	/** TIME-WAIT length, seconds (> 0, ≤ 3600). */
	twSeconds: number;
	/** New connections per second to one destination (≥ 0). */
	rate: number;
}

/** Results of the model. */
export interface ExhaustionResult {
	/** Ports in the range: high − low + 1. */
	range: number;
	/** Sustainable connections per second: range ÷ TIME-WAIT. */
	ceiling: number;
	/** Seconds until the first EADDRNOTAVAIL, or null if the rate is sustainable. */
	exhaustAt: number | null;
	/** Ports in use once steady: min(range, rate × TIME-WAIT). */
	steadyInUse: number;
	/**
	 * Connections per second that fail on average once the range is full (0 if sustainable):
	 * rate − ceiling. (All fail between exhaustion and the first TIME-WAIT expiry; after that
	 * ports return in bursts, and on average `ceiling` per second succeed.)
	 */
	failingPerSecond: number;
}

/** A problem with one input, naming the field. */
export interface InputError {
	field: keyof ExhaustionInput;
	message: string;
}

/** Check the inputs; an empty list means they are usable. */
export function validateExhaustion(i: ExhaustionInput): InputError[] {
	const errs: InputError[] = [];
	const port = (f: 'low' | 'high', v: number) => {
		if (!Number.isFinite(v)) errs.push({ field: f, message: `${f} must be a number` });
		else if (!Number.isInteger(v)) errs.push({ field: f, message: `${f} must be a whole port number` });
		else if (v < 1 || v > 65535) errs.push({ field: f, message: `${f} must be between 1 and 65535` });
	};
	port('low', i.low);
	port('high', i.high);
	if (errs.length === 0 && i.low >= i.high) errs.push({ field: 'low', message: 'low must be below high' });
	if (!Number.isFinite(i.twSeconds)) errs.push({ field: 'twSeconds', message: 'TIME-WAIT must be a number of seconds' });
	else if (i.twSeconds <= 0) errs.push({ field: 'twSeconds', message: 'TIME-WAIT must be more than 0 s' });
	else if (i.twSeconds > 3600) errs.push({ field: 'twSeconds', message: 'TIME-WAIT must be at most 3600 s' });
	if (!Number.isFinite(i.rate)) errs.push({ field: 'rate', message: 'the rate must be a number' });
	else if (i.rate < 0) errs.push({ field: 'rate', message: 'the rate cannot be negative' });
	else if (i.rate > 1e7) errs.push({ field: 'rate', message: 'the rate must be at most 10,000,000 per second' });
	return errs;
}

/**
 * Ports in use `t` seconds after the client starts opening `rate` connections per
 * second, each holding its port for `twSeconds`, with `range` ports available.
 * @returns min(range, rate × min(t, twSeconds)); 0 for t ≤ 0.
 */
export function portsInUse(rate: number, range: number, twSeconds: number, t: number): number {
	if (t <= 0 || rate <= 0) return 0;
	return Math.min(range, rate * Math.min(t, twSeconds));
}

/** Apply the model to valid inputs (call {@link validateExhaustion} first). */
export function analyseExhaustion(i: ExhaustionInput): ExhaustionResult {
	const range = i.high - i.low + 1;
	const ceiling = range / i.twSeconds;
	const fill = i.rate > 0 ? range / i.rate : Infinity;
	const exhaustAt = fill < i.twSeconds ? fill : null;
	return {
		range,
		ceiling,
		exhaustAt,
		steadyInUse: Math.min(range, i.rate * i.twSeconds),
		failingPerSecond: exhaustAt === null ? 0 : i.rate - ceiling
	};
}

/**
 * Points of the ports-in-use curve from 0 to `until` seconds: the corners of the
 * piecewise-linear function plus evenly spaced samples, sorted by time.
 */
export function inUseSeries(i: ExhaustionInput, until: number, samples = 60): { t: number; inUse: number }[] {
	const range = i.high - i.low + 1;
	const ts = new Set<number>();
	for (let k = 0; k <= samples; k++) ts.add((until * k) / samples);
	const a = analyseExhaustion(i);
	if (a.exhaustAt !== null && a.exhaustAt <= until) ts.add(a.exhaustAt);
	if (i.twSeconds <= until) ts.add(i.twSeconds);
	return [...ts].sort((x, y) => x - y).map((t) => ({ t, inUse: portsInUse(i.rate, range, i.twSeconds, t) }));
}
