import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compressToEncodedURIComponent } from 'lz-string';
import { encodeShare, decodeShare, shareUrl, isShareFragment, MAX_SHARED_CHARS, MAX_SEED } from './share';

const sample = `seed 42
host client 192.168.1.10 os=linux
host server 203.0.113.5 os=linux root
link client server latency=10ms

0ms    server listen 80 as=web
10ms   client connect 203.0.113.5:80 as=c1
+50ms  c1 send "GET / HTTP/1.1\\r\\n\\r\\n"   # a comment with & and = and #
run until=70s
`;

describe('encodeShare / decodeShare', () => {
	it('round-trips text, seed and step', () => {
		const frag = encodeShare({ text: sample, seed: 42, step: 7 });
		expect(frag).toMatch(/^v=1&seed=42&step=7&s=[A-Za-z0-9+\-$]+$/);
		expect(decodeShare(frag)).toEqual({ ok: true, demo: { text: sample, seed: 42, step: 7 } });
		expect(decodeShare('#' + frag)).toEqual({ ok: true, demo: { text: sample, seed: 42, step: 7 } });
	});

	it('round-trips any text within the limit (property)', () => {
		fc.assert(
			fc.property(
				fc.string({ maxLength: 500 }).filter((t) => t.length > 0 && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/.test(t)),
				fc.option(fc.integer({ min: 0, max: MAX_SEED }), { nil: null }),
				fc.nat(5000),
				(text, seed, step) => {
					expect(decodeShare(encodeShare({ text, seed, step }))).toEqual({ ok: true, demo: { text, seed, step } });
				}
			),
			{ numRuns: 200 }
		);
	});

	it('omits the seed when there is none and defaults the step to 0', () => {
		const frag = encodeShare({ text: 'seed 1', seed: null, step: 0 });
		expect(frag).not.toContain('seed=');
		const s = frag.split('&s=')[1];
		expect(decodeShare(`v=1&s=${s}`)).toEqual({ ok: true, demo: { text: 'seed 1', seed: null, step: 0 } });
	});

	it('accepts a percent-escaped $ and ignores unknown keys', () => {
		const text = 'x'.repeat(40) + ' host a 10.0.0.1';
		const s = compressToEncodedURIComponent(text);
		const escaped = s.replace(/\$/g, '%24');
		expect(decodeShare(`v=1&step=2&s=${escaped}&utm=foo`)).toEqual({ ok: true, demo: { text, seed: null, step: 2 } });
	});

	it('refuses to encode what it could not decode', () => {
		expect(() => encodeShare({ text: 'a'.repeat(MAX_SHARED_CHARS + 1), seed: null, step: 0 })).toThrow(/at most 20,000/);
		expect(() => encodeShare({ text: 'a', seed: -1, step: 0 })).toThrow(/seed/);
		expect(() => encodeShare({ text: 'a', seed: 1.5, step: 0 })).toThrow(/seed/);
		expect(() => encodeShare({ text: 'a', seed: null, step: -2 })).toThrow(/step/);
	});

	it('shareUrl replaces an existing fragment', () => {
		const url = shareUrl('https://example.test/playground#old', { text: 'seed 3', seed: 3, step: 1 });
		expect(url.startsWith('https://example.test/playground#v=1&seed=3&step=1&s=')).toBe(true);
		expect(decodeShare(new URL(url).hash)).toMatchObject({ ok: true, demo: { text: 'seed 3' } });
	});
});

describe('decodeShare rejects bad links with a message', () => {
	const good = encodeShare({ text: sample, seed: 42, step: 3 });
	const s = good.split('&s=')[1];
	const cases: [string, string, RegExp][] = [
		['no version', `seed=1&s=${s}`, /no format version/],
		['a future version', `v=9&s=${s}`, /version 9/],
		['a seed that is not a number', `v=1&seed=abc&s=${s}`, /"seed" must be a whole number/],
		['a seed out of range', `v=1&seed=4294967296&s=${s}`, /"seed" must be at most/],
		['a negative step', `v=1&step=-1&s=${s}`, /"step" must be a whole number/],
		['a huge step', `v=1&step=99999999&s=${s}`, /"step" must be at most/],
		['a key twice', `v=1&v=1&s=${s}`, /appears twice/],
		['a pair without =', `v=1&junk&s=${s}`, /not a key=value pair/],
		['a broken %-escape', `v=1&s=${s}%E0%A4%A`, /broken %-escape/],
		['no scenario', `v=1&seed=1`, /carries no scenario/],
		['foreign characters', `v=1&s=${s.slice(0, 10)}<script>`, /characters a PortLab link never has/],
		['a truncated stream', `v=1&s=${s.slice(0, Math.floor(s.length / 2))}`, /damaged/],
		['an oversized text', `v=1&s=${compressToEncodedURIComponent('# '.repeat(MAX_SHARED_CHARS))}`, /longer than 20,000/],
		['a decompression bomb', `v=1&s=${compressToEncodedURIComponent('a'.repeat(100_000))}`, /longer than 20,000/],
		['binary text', `v=1&s=${compressToEncodedURIComponent('seed 1\u0000\u0001')}`, /binary data/],
		['an enormous fragment', `v=1&s=${'A'.repeat(50_000)}`, /too long/]
	];
	for (const [name, frag, msg] of cases) {
		it(name, () => {
			const r = decodeShare(frag);
			expect(r.ok).toBe(false);
			if (!r.ok) expect(r.error).toMatch(msg);
		});
	}

	it('never throws on arbitrary fragments (property)', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 300 }), (f) => {
				const r = decodeShare(f);
				expect(typeof r.ok).toBe('boolean');
			}),
			{ numRuns: 500 }
		);
	});

	it('flipping characters of a real link gives a result or an error, never an exception', () => {
		fc.assert(
			fc.property(fc.nat(s.length - 1), fc.constantFrom(...'AZaz09+-$'), (i, ch) => {
				const r = decodeShare(`v=1&s=${s.slice(0, i)}${ch}${s.slice(i + 1)}`);
				if (r.ok) expect(r.demo.text.length).toBeLessThanOrEqual(MAX_SHARED_CHARS);
				else expect(r.error.length).toBeGreaterThan(10);
			}),
			{ numRuns: 300 }
		);
	});
});

describe('isShareFragment', () => {
	it('tells demo fragments from plain anchors', () => {
		expect(isShareFragment('#v=1&s=abc')).toBe(true);
		expect(isShareFragment('s=abc')).toBe(true);
		expect(isShareFragment('#gallery')).toBe(false);
		expect(isShareFragment('')).toBe(false);
	});
});
