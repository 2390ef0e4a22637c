/**
 * Seeded shuffling for quizzes and practice exams, so an attempt can be reproduced from its seed.
 * Uses the simulator's PRNG (`createRng`, sfc32 seeded by splitmix32) — identical in every browser.
 *
 * @module
 */
import { createRng, type Rng } from '../sim/prng';

/** Fisher–Yates shuffle of a copy of `items` driven by `rng`. */
export function shuffleWith<T>(items: readonly T[], rng: Rng): T[] {
	const out = items.slice();
	for (let i = out.length - 1; i > 0; i--) {
		const j = rng.int(i + 1);
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

/**
 * Shuffle `items` with a stream derived from (`seed`, `label`): the same seed and label always give
 * the same order, and different labels (e.g. question ids) give unrelated orders.
 */
export function seededShuffle<T>(items: readonly T[], seed: number, label = ''): T[] {
	return shuffleWith(items, createRng(seed).fork(label));
}

/** A fresh 32-bit seed for a new attempt (UI only; never used inside the simulator). */
export function randomSeed(): number {
	if (typeof crypto !== 'undefined' && 'getRandomValues' in crypto) {
		return crypto.getRandomValues(new Uint32Array(1))[0];
	}
	return Math.floor(Math.random() * 2 ** 32) >>> 0;
}
