/**
 * Value parsers of the scenario language: ports, port ranges, times and durations, IPv4
 * addresses, counts, TCP flags and the `key=value` / flag-word arguments of a statement.
 *
 * Each `parse*` taking a {@link Token} returns the value, or null after reporting an error at the
 * token's column. The `*Text` variants take plain text and report nothing (the playground's
 * forms use them to check a field before writing a statement).
 *
 * @module
 */
import type { TcpFlag } from '../trace';
import { canonicalIp, isIp6, parseIp as engineParseIp } from '../wire';
import { type LineErrors, type Token, show } from './lexer';
import { MAX_TIME_MS } from './types';

// --- numbers and ports ---------------------------------------------------------------------

/** Decimal digits (at most 10) with a value 0..max, or null. */
export function parseUint(text: string, max: number): number | null {
	if (!/^\d{1,10}$/.test(text)) return null;
	const v = Number(text);
	return v <= max ? v : null;
}

/**
 * A port number 0-65535 written in decimal, or null. Leading zeros are refused (`080`), as in
 * addresses: some tools read them as octal.
 */
export function parsePortText(text: string): number | null {
	return text.length > 1 && text[0] === '0' ? null : parseUint(text, 65535);
}

/** A hint for a port written with leading zeros: ` (no leading zeros: write 80)`, else ''. */
export function portHint(text: string): string {
	const m = /^0+(\d+)$/.exec(text);
	return m ? ` (no leading zeros: write ${Number(m[1])})` : '';
}

/** A port token (`80`); `min` is 1 where port 0 makes no sense. */
export function parsePort(tok: Token, context: string, err: LineErrors, min = 0): number | null {
	const v = tok.quoted ? null : parsePortText(tok.text);
	if (v === null || v < min) {
		err.at(tok, `expected a port number ${min}-65535 ${context}, got ${show(tok)}${tok.quoted ? '' : portHint(tok.text)}`);
		return null;
	}
	return v;
}

/** `LOW-HIGH` or `LOW..HIGH`, or one port `P` when `single` (=> `[P, P]`); null if it is neither. */
export function parseRangeText(text: string, single: boolean): [number, number] | null {
	const m = /^(\d+)(?:-|\.\.)(\d+)$/.exec(text);
	const lo = m ? parsePortText(m[1]) : single ? parsePortText(text) : null;
	const hi = m ? parsePortText(m[2]) : lo;
	return lo === null || hi === null ? null : [lo, hi];
}

/**
 * A port range: the text of `tok` after `prefix` (`range=`, `dport=`, or nothing).
 * @param min - smallest port allowed (1 for ephemeral ranges).
 * @param single - a single port `P` is accepted as `[P, P]`.
 */
export function parseRange(tok: Token, prefix: string, err: LineErrors, min: number, single: boolean): [number, number] | null {
	const text = tok.text.slice(prefix.length);
	const r = tok.quoted ? null : parseRangeText(text, single);
	const shape = single ? 'a port or a range LOW-HIGH' : 'a port range LOW-HIGH';
	const where = prefix ? ` after "${prefix}"` : '';
	if (r === null || r[0] < min) {
		const zeros = tok.quoted ? '' : text.split(/-|\.\./).map(portHint).find(Boolean) ?? '';
		err.at(tok, `expected ${shape} with ports ${min}-65535${where}, got ${JSON.stringify(text)}${zeros}`);
		return null;
	}
	if (r[0] > r[1]) {
		err.at(tok, `port range ${r[0]}-${r[1]}${where} is backwards: LOW must be <= HIGH`);
		return null;
	}
	return r;
}

/** `key=N`: an integer min..max; `what` names it in the error ("a count"). */
export function parseIntKey(tok: Token, key: string, err: LineErrors, min: number, max: number, what: string): number | null {
	const text = tok.text.slice(key.length + 1);
	const v = tok.quoted ? null : parseUint(text, max);
	if (v === null || v < min) {
		err.at(tok, `expected ${what} ${min}-${max} after "${key}=", got ${JSON.stringify(text)}`);
		return null;
	}
	return v;
}

// --- addresses ---------------------------------------------------------------------------------

/** What is wrong with an IPv4 address text: its shape, a part with a leading zero, or a part above 255. */
export type Ipv4Problem = { kind: 'shape' } | { kind: 'zero' | 'range'; part: string };

/**
 * Check a dotted-quad IPv4 address as the language accepts it: the engine's parser (wire.ts)
 * decides the value, and the language also refuses leading zeros (`10.0.0.01` is octal to some
 * tools). Returns the first problem (parts in order), or null when the address is valid.
 */
export function ipv4Problem(text: string): Ipv4Problem | null {
	if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return { kind: 'shape' };
	const outOfRange = engineParseIp(text) < 0;
	for (const part of text.split('.')) {
		if (part.length > 1 && part[0] === '0') return { kind: 'zero', part };
		if (outOfRange && Number(part) > 255) return { kind: 'range', part };
	}
	return null;
}

/** An IPv4 address token; `what` names it in the error ("the host address"). */
export function parseIp(tok: Token, what: string, err: LineErrors): string | null {
	const problem: Ipv4Problem | null = tok.quoted ? { kind: 'shape' } : ipv4Problem(tok.text);
	if (problem === null) return tok.text;
	if (problem.kind === 'zero') {
		err.at(tok, `IPv4 address ${show(tok)} has a leading zero in "${problem.part}" (ambiguous: octal in some tools); write it without`);
	} else if (problem.kind === 'range') err.at(tok, `IPv4 address ${show(tok)}: each part must be 0-255, got ${problem.part}`);
	else err.at(tok, `expected ${what} as a dotted-quad IPv4 address like 192.168.1.10, got ${show(tok)}`);
	return null;
}

/**
 * An IPv6 address token (`2001:db8::1`), returned in RFC 5952 text (`2001:DB8:0::1` becomes
 * `2001:db8::1`); parsed by ipaddr.js (wire.ts `canonicalIp`). Zone ids (`%eth0`) are refused.
 */
export function parseIp6(tok: Token, what: string, err: LineErrors): string | null {
	const c = tok.quoted ? null : canonicalIp(tok.text);
	if (c !== null && isIp6(c)) return c;
	err.at(tok, `expected ${what} as an IPv6 address like 2001:db8::1, got ${show(tok)}`);
	return null;
}

/** An IPv4 or IPv6 address token (a colon means IPv6). */
export function parseAnyIp(tok: Token, what: string, err: LineErrors): string | null {
	return tok.text.includes(':') ? parseIp6(tok, what, err) : parseIp(tok, what, err);
}

// --- times -------------------------------------------------------------------------------------

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000 };

/** Round to a microsecond so `0.1s + 0.2s` stays 300 ms. */
export function roundMs(v: number): number {
	return Math.round(v * 1000) / 1000;
}

/** `250ms`, `1.5s`, `2min` -> ms; `relative` is true for a leading `+`. Null if it is not a time. */
export function parseTimeText(text: string): { ms: number; relative: boolean } | null {
	const m = /^(\+)?(\d{1,12}(?:\.\d{1,6})?)(ms|s|min)$/.exec(text);
	if (!m) return null;
	const ms = roundMs(Number(m[2]) * UNIT_MS[m[3]]);
	if (!Number.isFinite(ms)) return null;
	return { ms, relative: m[1] === '+' };
}

/** A hint for a number written without a unit: ` (add a unit: 250ms)`. */
export function timeHint(text: string): string {
	return /^\+?\d+(\.\d+)?$/.test(text) ? ` (add a unit: ${text}ms)` : '';
}

/** `key=DURATION` (not relative), at most one day. */
export function parseDuration(tok: Token, key: string, err: LineErrors): number | null {
	const text = tok.text.slice(key.length + 1);
	const t = tok.quoted ? null : parseTimeText(text);
	if (t === null || t.relative) {
		err.at(tok, `expected a duration like 10ms, 1.5s or 2min after "${key}=", got ${JSON.stringify(text)}${timeHint(text)}`);
		return null;
	}
	if (t.ms > MAX_TIME_MS) {
		err.at(tok, `duration after "${key}=" is too long: at most ${MAX_TIME_MS} ms (one day)`);
		return null;
	}
	return t.ms;
}

// --- TCP flags ---------------------------------------------------------------------------------

const FLAG_LETTERS: Readonly<Record<string, TcpFlag>> = { S: 'SYN', F: 'FIN', R: 'RST', P: 'PSH', '.': 'ACK' };
/** The five flags in the trace's canonical order. */
export const FLAG_ORDER: readonly TcpFlag[] = ['SYN', 'FIN', 'RST', 'PSH', 'ACK'];

/**
 * TCP flags as tcpdump prints them (`S`, `S.`, `.`, `F.`, `R`, `R.`, `P.`, `[S.]`) or as the
 * trace names them (`SYN,ACK`, `RST`) -> the canonical list. Null after reporting an error.
 */
export function parseFlags(tok: Token, err: LineErrors): TcpFlag[] | null {
	let s = tok.text;
	if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
	if (s.length === 0 || tok.quoted) {
		err.at(tok, `expected tcpdump-style flags (S SYN, F FIN, R RST, P PSH, . ACK; e.g. "S." for SYN,ACK), got ${show(tok)}`);
		return null;
	}
	const named = /^[A-Z]{3}(,[A-Z]{3})*$/.test(s) && s !== 'SSS';
	const parts = named ? s.split(',') : [...s];
	const seen = new Set<TcpFlag>();
	for (const part of parts) {
		const f = named ? FLAG_ORDER.find((x) => x === part) : FLAG_LETTERS[part];
		if (!f) {
			const what = named ? `flag name "${part}"` : `flag letter "${part}"`;
			err.at(tok, `unknown ${what} in ${show(tok)}; use S SYN, F FIN, R RST, P PSH, . ACK (or SYN,ACK,FIN,RST,PSH)`);
			return null;
		}
		if (seen.has(f)) {
			err.at(tok, `flag "${part}" appears twice in ${show(tok)}`);
			return null;
		}
		seen.add(f);
	}
	return FLAG_ORDER.filter((f) => seen.has(f));
}

// --- key=value and flag words ----------------------------------------------------------------

/** The `key=` names and bare flag words a statement accepts. */
export interface ArgSpec {
	keys: readonly string[];
	flags: readonly string[];
}

/** A statement's words, sorted: positionals in order, `key=value` tokens by key, flag words present. */
export interface Args {
	positional: Token[];
	keys: Map<string, Token>;
	flags: Set<string>;
}

/** Split tokens into positionals, `key=value` (value kept in the token) and bare flag words. */
export function splitArgs(tokens: readonly Token[], spec: ArgSpec, err: LineErrors, statement: string): Args {
	const args: Args = { positional: [], keys: new Map(), flags: new Set() };
	for (const tok of tokens) {
		const eq = tok.raw.indexOf('=');
		if (eq > 0 && !tok.raw.startsWith('"')) {
			const key = tok.raw.slice(0, eq);
			if (!spec.keys.includes(key)) {
				const allowed = spec.keys.length ? `allowed: ${spec.keys.map((k) => k + '=').join(', ')}` : 'it takes no key=value arguments';
				err.at(tok, `unknown key "${key}=" for ${statement}; ${allowed}`);
			} else if (args.keys.has(key)) err.at(tok, `"${key}=" given twice`);
			else args.keys.set(key, tok);
		} else if (!tok.quoted && spec.flags.includes(tok.text)) {
			if (args.flags.has(tok.text)) err.at(tok, `"${tok.text}" given twice`);
			args.flags.add(tok.text);
		} else {
			args.positional.push(tok);
		}
	}
	return args;
}

/** Text after `key=` (quotes resolved; the key itself is never quoted, so slicing is safe). */
export function keyValue(tok: Token, key: string): string {
	return tok.text.slice(key.length + 1);
}

/** Report the first of `extra` tokens a statement did not expect. */
export function tooMany(extra: readonly Token[], statement: string, err: LineErrors, expected: string): void {
	if (extra.length) err.at(extra[0], `unexpected ${show(extra[0])} in ${statement}; expected ${expected}`);
}
