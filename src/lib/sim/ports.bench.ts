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
 * @param iterations - timed connect/release pairs per occupancy level (default 200 000), in five
 *   batches of which the fastest counts, after a warm-up of a tenth of that.
 * @returns one {@link BenchPoint} per level, in increasing occupancy.
 */
export function benchAllocation(iterations = 200_000): BenchPoint[] {
	const preset = OS_PRESETS.linux;
	const [low, high] = preset.ephemeral;
	const size = high - low + 1;
	const local = '192.168.1.10';
	const remote = '203.0.113.5';
	const out: BenchPoint[] = [];
	for (const occupancy of [0, 0.5, 0.99, 0.9999]) {
		const table = new PortTable({ range: [low, high], algorithm: preset.algorithm, rng: createRng(1234) });
		const held = Math.floor(occupancy * size);
		for (let i = 0; i < held; i++) {
			const r = table.connect(local, remote, 80);
			if (!r.ok) throw new Error(`bench setup: connect failed at ${i}: ${r.errno}`);
		}
		const cycle = (count: number): void => {
			for (let i = 0; i < count; i++) {
				const r = table.connect(local, remote, 80);
				if (!r.ok) throw new Error(`bench: connect failed: ${r.errno}`);
				table.releaseTuple(r.port, remote, 80);
			}
		};
		cycle(Math.ceil(iterations / 10));
		const batch = Math.max(1, Math.ceil(iterations / 5));
		let best = Infinity;
		for (let b = 0; b < 5; b++) {
			const t0 = performance.now();
			cycle(batch);
			const t1 = performance.now();
			best = Math.min(best, ((t1 - t0) * 1e6) / batch);
		}
		out.push({ occupancy, nsPerAlloc: best });
	}
	return out;
}
