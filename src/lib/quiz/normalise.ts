/**
 * Answer normalisation for typed (short-answer) responses.
 *
 * Rules: trim; lower-case; spaces around commas, slashes and colons removed; runs of
 * whitespace, `_` and `-` become one `-`; a leading `port ` / `port:` word is dropped; a
 * number written with thousands separators (`1,001`) loses them. So "TIME WAIT", "time_wait"
 * and "Time-Wait" all become `time-wait`, and "Port 443" becomes `443`.
 *
 * @module
 */

/** Normalise a typed answer (or an accepted alternative) for comparison. */
export function normaliseAnswer(text: string): string {
	let s = String(text).trim().toLowerCase();
	s = s.replace(/\s*([,/:])\s*/g, '$1');
	s = s.replace(/[\s_-]+/g, '-');
	s = s.replace(/^port[-:]?(?=\d)/, '');
	if (/^\d{1,3}(,\d{3})+$/.test(s)) s = s.replace(/,/g, '');
	s = s.replace(/^-+|-+$/g, '');
	return s;
}

/** True when `given` matches any accepted answer after normalisation. */
export function matchesAny(given: string, accepted: readonly string[]): boolean {
	const g = normaliseAnswer(given);
	if (g === '') return false;
	return accepted.some((a) => normaliseAnswer(a) === g);
}
