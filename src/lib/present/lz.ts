/**
 * A bounded decompressor for lz-string's `compressToEncodedURIComponent` format.
 *
 * lz-string's own `decompressFromEncodedURIComponent` has no output limit, and LZ-style
 * dictionaries grow quadratically: a 2 260-character link decompresses to a million
 * characters, and a 40 000-character one to hundreds of millions (enough to crash a tab).
 * Shared links are untrusted, so this re-implementation of the same bit format (lz-string
 * 1.5, `_decompress` with 6 bits per character, MIT/WTFPL, Pieroxy) stops as soon as the
 * output passes `maxChars`. Its results equal lz-string's for every input within the limit
 * (see lz.test.ts, which checks that against the library on random inputs).
 *
 * @module
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const VALUE = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

/** Result of {@link decompressUriBounded}. */
export type BoundedResult = { ok: true; text: string } | { ok: false; reason: 'damaged' | 'too-long' };

/**
 * Decompress `input` (lz-string URI-safe alphabet; spaces read as `+`, as lz-string does).
 *
 * @param maxChars largest output accepted, in UTF-16 code units.
 * @returns the text, or `reason: 'damaged'` when the bits are not a valid stream (or decode to
 *   nothing), or `reason: 'too-long'` as soon as the output would pass `maxChars`.
 */
export function decompressUriBounded(input: string, maxChars: number): BoundedResult {
	if (input === '') return { ok: false, reason: 'damaged' };
	const src = input.replace(/ /g, '+');
	const length = src.length;
	const RESET = 32;
	const at = (i: number) => VALUE.get(src.charAt(i)) ?? 0;
	let val = at(0);
	let position = RESET;
	let index = 1;

	const readBits = (n: number): number => {
		let bits = 0;
		const max = 2 ** n;
		let power = 1;
		while (power !== max) {
			const resb = val & position;
			position >>= 1;
			if (position === 0) {
				position = RESET;
				val = at(index++);
			}
			bits |= (resb > 0 ? 1 : 0) * power;
			power *= 2;
		}
		return bits;
	};

	const dictionary: string[] = [];
	let enlargeIn = 4;
	let dictSize = 4;
	let numBits = 3;
	let total = 0;
	const out: string[] = [];

	let c: string;
	switch (readBits(2)) {
		case 0:
			c = String.fromCharCode(readBits(8));
			break;
		case 1:
			c = String.fromCharCode(readBits(16));
			break;
		case 2:
			return { ok: false, reason: 'damaged' };
		default:
			return { ok: false, reason: 'damaged' };
	}
	dictionary[3] = c;
	let w = c;
	out.push(c);
	total = 1;
	if (total > maxChars) return { ok: false, reason: 'too-long' };

	for (;;) {
		if (index > length) return { ok: false, reason: 'damaged' };
		let code = readBits(numBits);
		if (code === 0 || code === 1) {
			dictionary[dictSize++] = String.fromCharCode(readBits(code === 0 ? 8 : 16));
			code = dictSize - 1;
			enlargeIn--;
		} else if (code === 2) {
			return { ok: true, text: out.join('') };
		}
		if (enlargeIn === 0) {
			enlargeIn = 2 ** numBits;
			numBits++;
		}
		let entry: string;
		const known = dictionary[code];
		if (known) entry = known;
		else if (code === dictSize) entry = w + w.charAt(0);
		else return { ok: false, reason: 'damaged' };
		total += entry.length;
		if (total > maxChars) return { ok: false, reason: 'too-long' };
		out.push(entry);
		dictionary[dictSize++] = w + entry.charAt(0);
		enlargeIn--;
		w = entry;
		if (enlargeIn === 0) {
			enlargeIn = 2 ** numBits;
			numBits++;
		}
	}
}
