/**
 * The TCB's records made on first use (tcb.ts): an idle connection holds none of them, and a
 * record made for a zero window is dropped once the window has opened. These pin what the
 * idle-memory benchmark measures (lifecycle.bench.ts `benchIdleMemory`), so a change that makes
 * them eagerly again fails here, not only in a figure nobody reads.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from './index';
import type { TcpSocket } from './tcp-socket';

function pair(client: 'linux' | 'freebsd', serverRcvBuf?: number): Simulation {
	const sim = new Simulation({ seed: 11 });
	sim.addHost({ name: 'client', ip: '10.0.0.1', os: client });
	sim.addHost({ name: 'server', ip: '10.0.0.2', os: 'linux', root: true, ...(serverRcvBuf ? { tcp: { rcvBuf: serverRcvBuf } } : {}) });
	sim.addLink('client', 'server', { latencyMs: 10 });
	return sim;
}

describe('records made on first use', () => {
	it('an idle ESTABLISHED connection holds no retransmission queue, persist, throttle, loss or keep-alive record', () => {
		const sim = pair('linux');
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
		sim.run({ until: 2000 });
		for (const id of ['c', 'web.1']) {
			const t = sim.socket(id) as TcpSocket;
			expect(t.state).toBe('ESTABLISHED');
			expect([t.rtx, t.persist, t.invalidAcks, t.loss, t.keepalive, t.outOfOrder, t.sendQueue]).toEqual([null, null, null, null, null, null, null]);
			expect([t.family, t.inet6, t.v6only, t.mapped]).toEqual(['inet', false, false, false]);
		}
	});

	it('the retransmission queue holds what is unacknowledged and is dropped when an ACK empties it', () => {
		const sim = pair('linux');
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
		sim.at(100, () => sim.socket('c').send(3000));
		sim.run({ until: 105 });
		const c = sim.socket('c') as TcpSocket;
		expect(c.rtx?.length).toBe(3); // 1448 + 1448 + 104 bytes in flight, none acknowledged yet
		sim.run({ until: 200 });
		expect(c.rtx).toBeNull();
		expect((sim.socket('web.1') as TcpSocket).bytesReceived).toBe(3000);
	});

	it('a zero window makes the persist record; it is dropped once the window opens and the data is through', () => {
		const sim = pair('freebsd', 4000);
		sim.at(0, () => sim.host('server').tcp('web', { autoRead: false }).listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
		sim.at(100, () => sim.socket('c').send(10_000));
		sim.run({ until: 20_000 });
		const c = sim.socket('c') as TcpSocket;
		expect(c.persist).not.toBeNull();
		expect(c.persist!.deadline).toBeGreaterThan(20_000); // the next zero-window probe is due
		expect(c.persist!.probesOut).toBeGreaterThan(0);
		const s = sim.socket('web.1') as TcpSocket;
		for (let i = 1; i <= 10; i++) sim.at(20_000 + i * 1000, () => s.read());
		sim.run({ until: 120_000 });
		expect(s.bytesReceived).toBe(10_000);
		expect(c.persist).toBeNull();
		// (kept, empty, only once loss recovery has begun)
		expect(c.rtx === null || (c.rtx.isEmpty() && c.loss !== null)).toBe(true);
	});
});
