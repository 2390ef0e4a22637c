/**
 * The TIME-WAIT slab (tcp-tw-slab.ts): blocks in use never overlap, keep their numbers while the
 * slab grows, are reused once released, and a release of a block not in use is refused.
 */
import { describe, expect, it } from 'vitest';
import { CLOSED_BLOCK, TimeWaitSlab, TW_STRIDE } from './tcp-tw-slab';
import { Simulation } from './simulation';
import type { TcpSocket } from './tcp-socket';

/** Hand out a block and write `id` into all its numbers. */
function take(slab: TimeWaitSlab, id: number): { c: Float64Array; o: number } {
	const o = slab.alloc();
	const c = slab.chunk;
	for (let k = 0; k < TW_STRIDE; k++) c[o + k] = id;
	return { c, o };
}

describe('TimeWaitSlab', () => {
	it('hands out disjoint blocks that keep their numbers across chunks', () => {
		const slab = new TimeWaitSlab();
		const blocks = Array.from({ length: 10_000 }, (_, i) => take(slab, i + 1));
		expect(slab.used).toBe(10_000);
		expect(new Set(blocks.map((b) => b.c)).size).toBeGreaterThan(1); // more than one chunk
		let wrong = 0;
		blocks.forEach((b, i) => {
			for (let k = 0; k < TW_STRIDE; k++) if (b.c[b.o + k] !== i + 1) wrong++;
		});
		expect(wrong).toBe(0);
	});

	it('reuses a released block (last released first), NaN until written', () => {
		const slab = new TimeWaitSlab();
		const a = take(slab, 1);
		const b = take(slab, 2);
		take(slab, 3);
		slab.release(a.c, a.o);
		expect(a.c[a.o]).toBeNaN();
		slab.release(b.c, b.o);
		expect(slab.alloc()).toBe(b.o);
		expect(slab.chunk).toBe(b.c);
		expect(slab.chunk[b.o]).toBeNaN();
		expect(slab.alloc()).toBe(a.o);
		expect(slab.used).toBe(3);
	});

	it('refuses a double release and the closed block', () => {
		const slab = new TimeWaitSlab();
		const a = take(slab, 1);
		take(slab, 2);
		slab.release(a.c, a.o);
		expect(() => slab.release(a.c, a.o)).toThrow(/not in use/);
		expect(() => slab.release(CLOSED_BLOCK, 0)).toThrow(/not in use/);
		expect(() => slab.release(a.c, a.o + 1)).toThrow(/not in use/);
	});

	it('drops its chunks once no block is in use', () => {
		const slab = new TimeWaitSlab();
		const a = take(slab, 1);
		slab.release(a.c, a.o);
		expect(slab.used).toBe(0);
		take(slab, 2);
		expect(slab.chunk).not.toBe(a.c);
	});

	it('holds the numbers of a simulation’s TIME-WAITs, and none after 2MSL', () => {
		const sim = new Simulation({ seed: 1, record: false });
		const client = sim.addHost({ name: 'client', ip: '10.0.0.1' });
		const server = sim.addHost({ name: 'server', ip: '10.0.0.2', root: true });
		sim.addLink('client', 'server', { latencyMs: 1 });
		server.tcp('web').listen(80);
		const socks: TcpSocket[] = [];
		for (let i = 0; i < 3; i++) {
			const c = client.tcp();
			c.connect('10.0.0.2', 80);
			socks.push(c);
		}
		sim.at(10, () => socks.forEach((c) => c.close()));
		sim.at(20, () => socks.forEach((c) => (server.lookup(80, '10.0.0.1', c.localPort) as TcpSocket).close()));
		sim.run({ until: 100 });
		expect(socks.map((c) => c.state)).toEqual(['TIME-WAIT', 'TIME-WAIT', 'TIME-WAIT']);
		expect(client.timeWaits.slab.used).toBe(3);
		const snap = client.sockets().filter((s) => s.state === 'TIME-WAIT');
		expect(snap.map((s) => s.sndNxt)).toEqual(socks.map((c) => c.snd.nxt));
		sim.run({ until: 70_000 });
		expect(socks.map((c) => c.state)).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
		expect(client.timeWaits.slab.used).toBe(0);
		expect([...CLOSED_BLOCK].every(Number.isNaN)).toBe(true);
	});
});
