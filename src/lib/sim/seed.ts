/**
 * Seeds as people type them and links carry them: one parser for the scenario runner, the
 * playground, share links, the exam setup and the port picker.
 *
 * A seed is an unsigned 32-bit integer, the state {@link createRng} starts from (prng.ts), so the
 * same scenario and seed give the same trace everywhere.
 *
 * @module
 */

/** Largest seed (2^32 - 1). */
export const MAX_SEED = 4_294_967_295;

/** The sentence every seed field shows for a value it cannot use. */
export const SEED_PROBLEM = `The seed must be a whole number from 0 to ${MAX_SEED}.`;

/** Result of {@link parseSeed}: `seed` is null when the text was empty (use the default). */
export type SeedParse = { ok: true; seed: number | null } | { ok: false; error: string };

/** Is `n` a usable seed (an integer 0–{@link MAX_SEED})? */
export function isSeed(n: unknown): n is number {
	return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_SEED;
}

/**
 * Read a seed from text: surrounding spaces are ignored, an empty text means "no seed"
 * (`seed: null`), anything else must be 1–10 decimal digits with a value 0–{@link MAX_SEED}.
 * Signs, exponents, fractions and hex are refused (`Number()` would accept `1e3` or `0x10`).
 * Never throws.
 */
export function parseSeed(text: string): SeedParse {
	const s = text.trim();
	if (s === '') return { ok: true, seed: null };
	if (!/^\d{1,10}$/.test(s)) return { ok: false, error: SEED_PROBLEM };
	const n = Number(s);
	return n <= MAX_SEED ? { ok: true, seed: n } : { ok: false, error: SEED_PROBLEM };
}
