/**
 * Seeded, deterministic pseudo-random number generation for the simulation core.
 *
 * Generator: **sfc32** (Chris Doty-Humphrey's "Small Fast Chaotic" generator from PractRand,
 * 128-bit state, 32-bit output), with its state seeded through **splitmix32** so that
 * nearby seeds (0, 1, 2, …) give unrelated streams. Only `Math.imul`, 32-bit bitwise
 * operators and `>>> 0` are used, so every engine (Node, browsers) produces the identical
 * sequence for the same seed — the simulator's "same scenario + seed ⇒ identical trace" rule.
 *
 * Never use `Math.random` inside `src/lib/sim`; take an {@link Rng} instead.
 *
 * @module
 */

/**
 * A deterministic random stream.
 *
 * All methods advance the stream except {@link Rng.fork}, which does not consume numbers from
 * the parent: a fork depends only on the parent's seed/lineage and the label.
 */
export interface Rng {
	/** Next float, uniformly distributed in [0, 1) with 32 bits of resolution. */
	next(): number;
	/**
	 * Next integer uniformly in `0 .. n-1` (`floor(u32 · n / 2^32)`; bias ≤ n / 2^32, negligible
	 * for the port-range sizes used here).
	 * @param n - count of possible values; an integer in `1 .. 2^32`.
	 * @throws RangeError if `n` is not an integer in `1 .. 2^32`.
	 */
	int(n: number): number;
	/** Next unsigned 32-bit integer in `0 .. 2^32-1`. */
	u32(): number;
	/**
	 * Derive an independent child stream identified by `label` (e.g. a host name, `"ports:tcp"`).
	 *
	 * The child is a function of (this stream's lineage key, `label`) only: it does not depend on
	 * how many numbers the parent has produced, and forking does not advance the parent. So adding
	 * a host (a new fork) never perturbs another host's numbers. Forking twice with the same label
	 * yields two identical streams, by design.
	 * @param label - any string; hashed with FNV-1a over UTF-16 code units, then mixed.
	 */
	fork(label: string): Rng;
}

/** splitmix32 finaliser (a.k.a. the "lowbias32"-style avalanche mix): a bijection on u32. */
function mix32(x: number): number {
	x = x >>> 0;
	x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
	x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
	return (x ^ (x >>> 15)) >>> 0;
}

/** splitmix32 sequence: state += golden-ratio increment, output = mix32(state). */
function splitmix32(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x9e3779b9) >>> 0;
		return mix32(s);
	};
}

/** FNV-1a (32-bit) over the UTF-16 code units of `label`. */
function fnv1a(label: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < label.length; i++) {
		h ^= label.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

class Sfc32 implements Rng {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	/** @param key - 32-bit lineage key; identifies the stream (root seed or fork derivation). */
	constructor(private readonly key: number) {
		const sm = splitmix32(key);
		this.a = sm();
		this.b = sm();
		this.c = sm();
		this.d = 1; // sfc32 counter, conventionally started at 1
		// Discard the first outputs so the state is well mixed (as recommended for sfc32).
		for (let i = 0; i < 12; i++) this.u32();
	}

	u32(): number {
		// sfc32 step (PractRand): t = a + b + d; d++; a = b ^ (b >>> 9); b = c + (c << 3);
		// c = rotl(c, 21) + t.
		const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
		this.d = (this.d + 1) >>> 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) >>> 0;
		this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
		this.c = (this.c + t) >>> 0;
		return t;
	}

	next(): number {
		return this.u32() / 4294967296;
	}

	int(n: number): number {
		if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
			throw new RangeError(`Rng.int(n): n must be an integer in 1..2^32, got ${String(n)}`);
		}
		return Math.floor((this.u32() / 4294967296) * n);
	}

	fork(label: string): Rng {
		// Child key = mix of (parent key, label hash); the odd constant keeps fork('') != parent.
		const childKey = mix32((mix32(this.key ^ 0x5bd1e995) + fnv1a(label)) >>> 0);
		return new Sfc32(childKey);
	}
}

/**
 * Create a deterministic random stream.
 *
 * @param seed - any finite number; it is reduced to a 32-bit unsigned integer (`seed >>> 0`),
 *   so `42`, `42 + 2^32` and `42.7` give the same stream. The scenario seed is a 32-bit integer.
 * @returns an sfc32 generator seeded via splitmix32.
 * @throws RangeError if `seed` is not a finite number.
 */
export function createRng(seed: number): Rng {
	if (typeof seed !== 'number' || !Number.isFinite(seed)) {
		throw new RangeError(`createRng(seed): seed must be a finite number, got ${String(seed)}`);
	}
	return new Sfc32(seed >>> 0);
}
