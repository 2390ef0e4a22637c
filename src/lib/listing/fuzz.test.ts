/**
 * Property tests: whatever text is pasted, the explainer returns a result (never throws past its
 * API), every row it reports is well formed, and input over the limits is refused with a message
 * instead of being read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from './examples';
import { explainListing } from './index';
import type { ListingResult } from './types';

const STATES = new Set([
	'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING',
	'LAST-ACK', 'TIME-WAIT', 'CLOSED', 'UNCONN', 'BOUND', 'DELETE-TCB', 'UNKNOWN'
]);

function wellFormed(text: string, r: ListingResult) {
	const lineCount = text.split(/\r\n|\r|\n/).length;
	expect(typeof r.format).toBe('string');
	for (const row of r.rows) {
		expect(row.line).toBeGreaterThanOrEqual(1);
		expect(row.line).toBeLessThanOrEqual(lineCount);
		expect(STATES.has(row.state)).toBe(true);
		for (const ep of [row.local, row.peer]) {
			if (ep.port !== null) {
				expect(Number.isInteger(ep.port)).toBe(true);
				expect(ep.port).toBeGreaterThanOrEqual(0);
				expect(ep.port).toBeLessThanOrEqual(65535);
			}
		}
		// A port the tool cut is never reported as a real one.
		for (const side of ['local', 'peer'] as const) {
			if (row.truncatedParts?.includes(`${side}.port`)) expect(row[side].port).toBeNull();
		}
	}
	const lines = new Set(r.rows.map((x) => x.line));
	if (r.summary) lines.add(r.summary.line);
	for (const f of r.findings) for (const l of f.rows) expect(lines.has(l)).toBe(true);
	expect(() => JSON.stringify(r)).not.toThrow();
}

/** Pieces real listings are made of, so random text reaches the readers' deeper branches. */
const piece = fc.constantFrom(
	'tcp', 'tcp6', 'tcp46', 'udp', 'TCP', 'UDP', 'ESTAB', 'LISTEN', 'TIME_WAIT', 'CLOSE-WAIT', 'SynReceived', 'LISTENING',
	'0', '1', '65535', '65536', '99999999999999', '*:*', '*.*', '0.0.0.0:*', '[::]:0', ':::*', '[fe80::1%9]:445',
	'127.0.0.53%lo:53', '10.0.0.1.443', '::1.631', 'fe80::1%en0.5000', '2a02:8109:9a40:3.49761', 'users:(("Web Content",pid=123,fd=4))',
	'users:((', '"', '(', ')', '[chrome.exe]', 'Active UNIX domain sockets', 'Active Internet connections', 'Active Connections',
	'Proto', 'Recv-Q', 'Send-Q', 'Local Address', 'Foreign Address', '(state)', 'LocalAddress', 'LocalPort', '-----', '...',
	'COMMAND', 'IPv4', 'IPv6', 'TCP', '->', '(ESTABLISHED)', 'USER', 'sockstat', '$ ss -tan state time-wait', 'Total: 12',
	'TCP:   9 (estab 2, closed 1, orphaned 0, timewait 5)', 'process:pid', 'Google Chrome H:66713', '1234/java', '\\x20', '%', ':', '.'
);
const line = fc.array(fc.oneof(piece, fc.string({ maxLength: 12 })), { maxLength: 12 }).map((p) => p.join(' '));
const listing = fc.tuple(fc.array(line, { maxLength: 40 }), fc.constantFrom('\n', '\r\n', '\r')).map(([ls, eol]) => ls.join(eol));

describe('explainListing on any input', () => {
	it('never throws and returns well-formed rows for random text', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 2000 }), (text) => {
				wellFormed(text, explainListing(text));
			}),
			{ numRuns: 300 }
		);
	});

	it('never throws on text built from the tools’ own words, with any line ends', () => {
		fc.assert(
			fc.property(listing, (text) => {
				wellFormed(text, explainListing(text));
			}),
			{ numRuns: 500 }
		);
	});

	it('never throws on real listings cut anywhere, with characters dropped or changed', () => {
		const example = fc.constantFrom(...EXAMPLES.map((e) => e.text));
		fc.assert(
			fc.property(example, fc.nat(), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })), { maxLength: 20 }), (text, a, b, edits) => {
				const from = a % text.length;
				const to = from + (b % (text.length - from + 1));
				let cut = text.slice(from, to);
				for (const [at, ch] of edits) {
					if (cut.length === 0) break;
					const i = at % cut.length;
					cut = cut.slice(0, i) + ch + cut.slice(i + 1);
				}
				wellFormed(cut, explainListing(cut));
			}),
			{ numRuns: 150 }
		);
	});

	it('refuses input over its limits with a message, reading nothing', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), (maxChars, extra) => {
				const text = 'x'.repeat(maxChars + extra);
				const r = explainListing(text, { limits: { maxChars } });
				expect(r.error).toMatch(/at most/);
				expect(r.rows).toEqual([]);
			}),
			{ numRuns: 50 }
		);
		const many = explainListing('\n'.repeat(200), { limits: { maxLines: 100 } });
		expect(many.error).toMatch(/201 lines.*at most 100/);
	});

	it('reads a listing at its size limit with work proportional to its lines (one row per socket line)', () => {
		const ex = EXAMPLES.find((e) => e.id === 'linux')!.text;
		const body = ex.split('\n').slice(2, -1).join('\n');
		const big = (ex.split('\n').slice(0, 2).join('\n') + '\n' + Array(1000).fill(body).join('\n')).slice(0, 4 * 1024 * 1024);
		const r = explainListing(big);
		expect(r.error).toBeUndefined();
		expect(r.rows.length).toBe(29 * 1000);
		expect(r.findings.some((f) => f.kind === 'time-wait-pileup')).toBe(true);
	});
});
