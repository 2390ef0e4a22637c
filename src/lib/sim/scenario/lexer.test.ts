/**
 * The lexer (words, quoted strings, comments) and the value parsers (ports, ranges, times,
 * IPv4 addresses, flags, key=value arguments), with the columns their errors point at.
 */
import { describe, expect, it } from 'vitest';
import { LineErrors, show, tokenize, type Token } from './lexer';
import { ipv4Problem, parseFlags, parsePortText, parseRange, parseRangeText, parseTimeText, splitArgs } from './values';
import type { ScenarioError } from './types';

function lex(src: string): { tokens: Token[] | null; errors: ScenarioError[] } {
	const errors: ScenarioError[] = [];
	return { tokens: tokenize(src, new LineErrors(errors, 3)), errors };
}
const tok = (text: string, col = 1): Token => ({ text, raw: text, col, quoted: false });

describe('lexer', () => {
	it('splits words, keeps columns, and stops at a comment', () => {
		const { tokens } = lex('  10ms\tc1 send 5 # a comment "x"');
		expect(tokens!.map((t) => [t.text, t.col])).toEqual([
			['10ms', 3],
			['c1', 8],
			['send', 11],
			['5', 16]
		]);
	});

	it('resolves quotes and escapes, also inside a word, and keeps # inside quotes', () => {
		const { tokens } = lex('send "a # b\\"\\n" payload="x y"');
		expect(tokens!.map((t) => [t.text, t.quoted])).toEqual([
			['send', false],
			['a # b"\n', true],
			['payload=x y', true]
		]);
	});

	it('reports an unterminated string at the column of its word', () => {
		const { tokens, errors } = lex('0ms c send 5 "abc');
		expect(tokens).toBeNull();
		expect(errors).toEqual([{ line: 3, column: 14, message: 'unterminated string: add a closing "' }]);
	});
});

describe('value parsers', () => {
	it('reads times: units, fractions, relative times; refuses numbers without a unit', () => {
		expect(parseTimeText('250ms')).toEqual({ ms: 250, relative: false });
		expect(parseTimeText('+1.5s')).toEqual({ ms: 1500, relative: true });
		expect(parseTimeText('2min')).toEqual({ ms: 120_000, relative: false });
		expect(parseTimeText('0.0005ms')).toEqual({ ms: 0.001, relative: false });
		for (const bad of ['250', '1h', '-1ms', '1e3ms', '']) expect(parseTimeText(bad)).toBeNull();
	});

	it('reads port ranges LOW-HIGH and LOW..HIGH, and single ports where allowed', () => {
		expect(parseRangeText('40000..40003', false)).toEqual([40000, 40003]);
		expect(parseRangeText('1-2', false)).toEqual([1, 2]);
		expect(parseRangeText('80', true)).toEqual([80, 80]);
		expect(parseRangeText('80', false)).toBeNull();
		expect(parseRangeText('1-65536', false)).toBeNull();
	});

	it('reports ranges that are backwards or out of bounds at the token', () => {
		const errors: ScenarioError[] = [];
		const err = new LineErrors(errors, 7);
		expect(parseRange(tok('range=9-1', 12), 'range=', err, 1, false)).toBeNull();
		expect(parseRange(tok('range=0-5', 30), 'range=', err, 1, false)).toBeNull();
		expect(errors).toEqual([
			{ line: 7, column: 12, message: 'port range 9-1 after "range=" is backwards: LOW must be <= HIGH' },
			{ line: 7, column: 30, message: 'expected a port range LOW-HIGH with ports 1-65535 after "range=", got "0-5"' }
		]);
	});

	it('checks IPv4 addresses with the engine parser, and refuses leading zeros', () => {
		expect(ipv4Problem('192.168.1.10')).toBeNull();
		expect(ipv4Problem('10.0.0.256')).toEqual({ kind: 'range', part: '256' });
		expect(ipv4Problem('10.0.0.01')).toEqual({ kind: 'zero', part: '01' });
		expect(ipv4Problem('10.0.0')).toEqual({ kind: 'shape' });
		expect(ipv4Problem('a.b.c.d')).toEqual({ kind: 'shape' });
	});

	it('reads TCP flags as tcpdump letters or as trace names', () => {
		const err = new LineErrors([], 1);
		expect(parseFlags(tok('S.'), err)).toEqual(['SYN', 'ACK']);
		expect(parseFlags(tok('[F.]'), err)).toEqual(['FIN', 'ACK']);
		expect(parseFlags(tok('ACK,SYN'), err)).toEqual(['SYN', 'ACK']);
		expect(parseFlags(tok('RST'), err)).toEqual(['RST']);
		const errors: ScenarioError[] = [];
		expect(parseFlags(tok('SX', 9), new LineErrors(errors, 2))).toBeNull();
		expect(parseFlags(tok('SYN,XYZ', 4), new LineErrors(errors, 2))).toBeNull();
		expect(errors.map((e) => [e.column, e.message.split(';')[0]])).toEqual([
			[9, 'unknown flag letter "X" in "SX"'],
			[4, 'unknown flag name "XYZ" in "SYN,XYZ"']
		]);
	});

	it('sorts key=value arguments and flag words, and reports unknown and repeated ones', () => {
		const errors: ScenarioError[] = [];
		const args = splitArgs([tok('80'), tok('as=web', 4), tok('manualread', 11), tok('as=x', 22), tok('colour=red', 27)], { keys: ['as'], flags: ['manualread'] }, new LineErrors(errors, 5), 'listen');
		expect(args.positional.map((t) => t.text)).toEqual(['80']);
		expect(args.keys.get('as')!.text).toBe('as=web');
		expect([...args.flags]).toEqual(['manualread']);
		expect(errors).toEqual([
			{ line: 5, column: 22, message: '"as=" given twice' },
			{ line: 5, column: 27, message: 'unknown key "colour=" for listen; allowed: as=' }
		]);
	});

	it('shows a token on one terminal-safe line: control characters as \\xNN, quotes and backslashes escaped', () => {
		expect(show(tok('a\x1b[31mb\x07'))).toBe('"a\\x1b[31mb\\x07"');
		expect(show(tok('say"hi\\'))).toBe('"say\\"hi\\\\"');
		expect(show(tok('\x9bx'))).toBe('"\\x9bx"');
	});

	it('reads ports without leading zeros', () => {
		expect(['0', '80', '65535', '080', '00', '65536', '1e3', ''].map(parsePortText)).toEqual([0, 80, 65535, null, null, null, null, null]);
		expect(parseRangeText('01-80', false)).toBeNull();
	});
});
