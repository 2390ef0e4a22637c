/**
 * Micro-benchmark of ephemeral-port selection: the cost of one Linux-algorithm connect()
 * (followed by releasing the 4-tuple, so occupancy stays constant) as the range fills up.
 *
 * No top-level side effects; run e.g.
 * `npx tsx -e "import('./src/lib/sim/ports.bench.ts').then(m => console.table(m.benchAllocation()))"`.
 * Wall-clock timing is for humans only: no test asserts it.
 *
 * @module
 */

import { PortTable } from './ports';
import { OS_PRESETS } from './os';
import { createRng } from './prng';

/** One measured point. */
export interface BenchPoint {
	/** Fraction of the Linux range (32768–60999) already holding a connection to the destination. */
	occupancy: number;
	/**
	 * Wall-clock nanoseconds per connect() + releaseTuple() pair: the mean over a batch, best of
	 * five batches (the batch least disturbed by other load on the machine).
	 */
	nsPerAlloc: number;
}

/**
 * Measure connect()+release cost at 0 %, 50 %, 99 % and 99.99 % occupancy of the Linux range
 * against a single destination.
 *
 * The four tables are filled first, then timed in interleaved rounds (one batch per level per
 * round), so every level is measured with the same optimised code and under the same machine
 * load; a level's figure is its fastest batch.
 *
 * @param iterations - timed connect/release pairs per occupancy level (default 200 000), in five
 *   batches, after a warm-up of a tenth of that on every level.
 * @returns one {@link BenchPoint} per level, in increasing occupancy.
 */
export function benchAllocation(iterations = 200_000): BenchPoint[] {
	const preset = OS_PRESETS.linux;
	const [low, high] = preset.ephemeral;
	const size = high - low + 1;
	const local = '192.168.1.10';
	const remote = '203.0.113.5';
	const levels = [0, 0.5, 0.99, 0.9999];
	const tables = levels.map((occupancy) => {
		const table = new PortTable({ range: [low, high], algorithm: preset.algorithm, rng: createRng(1234) });
		const held = Math.floor(occupancy * size);
		for (let i = 0; i < held; i++) {
			const r = table.connect(local, remote, 80);
			if (!r.ok) throw new Error(`bench setup: connect failed at ${i}: ${r.errno}`);
		}
		return table;
	});
	const cycle = (table: PortTable, count: number): void => {
		for (let i = 0; i < count; i++) {
			const r = table.connect(local, remote, 80);
			if (!r.ok) throw new Error(`bench: connect failed: ${r.errno}`);
			table.releaseTuple(r.port, remote, 80);
		}
	};
	for (const t of tables) cycle(t, Math.ceil(iterations / 10));
	const batch = Math.max(1, Math.ceil(iterations / 5));
	const best = levels.map(() => Infinity);
	for (let round = 0; round < 5; round++) {
		tables.forEach((table, k) => {
			const t0 = performance.now();
			cycle(table, batch);
			const t1 = performance.now();
			best[k] = Math.min(best[k], ((t1 - t0) * 1e6) / batch);
		});
	}
	return levels.map((occupancy, k) => ({ occupancy, nsPerAlloc: best[k] }));
}
