/**
 * Issue 12: port tables cost memory only for the ports in use, so 2,000 hosts fit in a few MB.
 * Until this was fixed every PortTable held a 65,536-slot array (about 0.53 MB), and 2,000
 * hosts took over 1 GB. These tests measure the V8 heap after a full garbage collection.
 */
import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PortTable } from './ports';
import { createRng } from './prng';
import { Simulation } from './simulation';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap bytes retained by what `build` returns (kept alive until measured). */
function retained(build: () => unknown): number {
	gc();
	gc();
	const before = process.memoryUsage().heapUsed;
	const kept = build();
	gc();
	gc();
	const after = process.memoryUsage().heapUsed;
	expect(kept).toBeTruthy(); // keep `kept` reachable until after the measurement
	return after - before;
}

const MB = 1024 * 1024;

describe('port tables are sparse (issue 12)', () => {
	it('2,000 idle hosts (Linux and Windows) take less than 8 MB in all, port tables included', () => {
		const bytes = retained(() => {
			const sim = new Simulation({ seed: 1 });
			for (let i = 0; i < 2000; i++) {
				sim.addHost({ name: `h${i}`, ip: `10.${(i >> 8) & 255}.${i & 255}.1`, os: i % 2 === 0 ? 'linux' : 'windows' });
			}
			return sim;
		});
		expect(bytes).toBeLessThan(8 * MB);
	});

	it('2,000 port tables each holding a listener, an accepted connection and ten connects take less than 16 MB', () => {
		const bytes = retained(() => {
			const rng = createRng(7);
			const tables: PortTable[] = [];
			for (let i = 0; i < 2000; i++) {
				const t = new PortTable({ range: [32768, 60999], algorithm: 'linux', rng: rng.fork(`h${i}`) });
				t.bind(443, { root: true });
				t.attachTuple(443, '198.51.100.1', 50000);
				for (let k = 0; k < 10; k++) {
					const r = t.connect('10.0.0.1', '203.0.113.5', 80);
					if (!r.ok) throw new Error(r.message);
				}
				tables.push(t);
			}
			return tables;
		});
		// Measured about 4 KB per table (the range-sized bitmaps of one destination); the old dense
		// tables cost 1 MB each once the Linux perturbation table was allocated.
		expect(bytes).toBeLessThan(16 * MB);
	});

	it('a table that filled and emptied its range gives the memory back', () => {
		const t = new PortTable({ range: [1024, 65535], algorithm: 'sequential', rng: createRng(1) });
		const ports: number[] = [];
		for (let i = 0; i < 64512; i++) {
			const r = t.connect('10.0.0.1', '203.0.113.5', 80);
			if (!r.ok) throw new Error(r.message);
			ports.push(r.port);
		}
		for (const p of ports) t.releaseTuple(p, '203.0.113.5', 80);
		expect(t.inUseCount()).toBe(0);
		const after = retained(() => {
			const again = new PortTable({ range: [1024, 65535], algorithm: 'sequential', rng: createRng(1) });
			for (let i = 0; i < 64512; i++) {
				const r = again.connect('10.0.0.1', '203.0.113.5', 80);
				if (r.ok) again.releaseTuple(r.port, '203.0.113.5', 80);
			}
			return again;
		});
		// Only the bitmaps over the range (about 16 KB) remain, not a 65,536-entry port map.
		expect(after).toBeLessThan(256 * 1024);
	});
});
