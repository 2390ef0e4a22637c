import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { decompressUriBounded } from './lz';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';

describe('decompressUriBounded', () => {
	it('round-trips what lz-string compresses', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
				fc.pre(text.length > 0);
				const r = decompressUriBounded(compressToEncodedURIComponent(text), 10_000);
				expect(r).toEqual({ ok: true, text });
			}),
			{ numRuns: 300 }
		);
	});

	it('agrees with lz-string on arbitrary (tampered) input', () => {
		const arbInput = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 300 });
		fc.assert(
			fc.property(arbInput, (input) => {
				// A stream whose first two bits are 3 is undefined in lz-string (it pushes `undefined`
				// or throws); ours calls it damaged. Compare everything else exactly.
				const first = ALPHABET.indexOf(input[0]);
				fc.pre(((first & 32 ? 1 : 0) | (first & 16 ? 2 : 0)) !== 3);
				let lib: string | null;
				try {
					lib = decompressFromEncodedURIComponent(input);
				} catch {
					lib = null;
				}
				const mine = decompressUriBounded(input, 1_000_000);
				if (lib === null || lib === '') expect(mine.ok).toBe(false);
				else expect(mine).toEqual({ ok: true, text: lib });
			}),
			{ numRuns: 500 }
		);
	});

	it('stops a small input that expands to a huge output', () => {
		const bomb = compressToEncodedURIComponent('a'.repeat(100_000));
		expect(bomb.length).toBeLessThan(1000);
		expect(decompressUriBounded(bomb, 20_000)).toEqual({ ok: false, reason: 'too-long' });
		// Exactly at the limit is accepted.
		const edge = compressToEncodedURIComponent('ab'.repeat(50));
		expect(decompressUriBounded(edge, 100)).toEqual({ ok: true, text: 'ab'.repeat(50) });
		expect(decompressUriBounded(edge, 99)).toEqual({ ok: false, reason: 'too-long' });
	});

	it('reports an empty or truncated stream as damaged', () => {
		expect(decompressUriBounded('', 100)).toEqual({ ok: false, reason: 'damaged' });
		const full = compressToEncodedURIComponent('host client 192.168.1.10 os=linux\n'.repeat(5));
		expect(decompressUriBounded(full.slice(0, full.length - 8), 10_000)).toEqual({ ok: false, reason: 'damaged' });
	});
});
