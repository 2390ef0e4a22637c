/**
 * TIME-WAIT as a compact record (tcp-timewait.ts): the TCB is released when the connection
 * enters TIME-WAIT, and the record does what TIME-WAIT does (RFC 9293 §3.10.7.4): it holds the
 * port, answers a retransmitted FIN with an ACK and restarts the 2MSL wait, and ends after 2MSL.
 * The program's socket handle reports the record's state. (RST and SYN in TIME-WAIT: simulation.test.ts,
 * tcp-tw-reuse.test.ts and the golden traces.)
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation';
import type { TcpSocket } from './tcp-socket';
import type { SegmentEvent } from './trace';

/** A Linux client closes first, so it ends in TIME-WAIT (60 s) at about 23 ms. */
function closedPair(record: boolean) {
	const sim = new Simulation({ seed: 1, record });
	sim.addHost({ name: 'client', ip: '10.0.0.1' });
	const server = sim.addHost({ name: 'server', ip: '10.0.0.2', root: true });
	sim.addLink('client', 'server', { latencyMs: 1 });
	const client = sim.host('client');
	server.tcp('web').listen(80);
	const c = client.tcp();
	c.connect('10.0.0.2', 80);
	sim.at(10, () => c.close());
	sim.at(20, () => (server.lookup(80, '10.0.0.1', c.localPort) as TcpSocket).close());
	sim.run({ until: 100 });
	return { sim, client, c };
}

/**
 * The peer's FIN again (SEG.SEQ = RCV.NXT − 1), as if our ACK of it had been lost. The server's
 * listener is closed first: it would answer the client's ACK with a RST, which ends TIME-WAIT on
 * Linux (tcp_rfc1337 = 0); a host that injected from port 80 stays silent on it instead.
 */
function retransmitFin(sim: Simulation, c: TcpSocket): void {
	if (sim.socket('web').state === 'LISTEN') sim.socket('web').close();
	sim.inject({
		from: 'server',
		proto: 'TCP',
		src: { ip: '10.0.0.2', port: 80 },
		dst: { ip: '10.0.0.1', port: c.localPort },
		flags: ['FIN', 'ACK'],
		seq: (c.rcv.nxt - 1) >>> 0,
		ack: c.snd.nxt
	});
}

describe('TIME-WAIT record', () => {
	for (const record of [true, false]) {
		it(`record: ${record}: the socket reports TIME-WAIT, then CLOSED after 2MSL; the port is held until then`, () => {
			const { sim, client, c } = closedPair(record);
			expect(c.state).toBe('TIME-WAIT');
			expect(c.timeWait).not.toBeNull();
			expect(client.portsInUse()).toEqual([c.localPort]);
			const snap = client.sockets().find((s) => s.id === c.id);
			expect(snap).toMatchObject({ state: 'TIME-WAIT', local: { ip: '10.0.0.1', port: c.localPort }, remote: { ip: '10.0.0.2', port: 80 }, rcvNxt: c.rcv.nxt, sndNxt: c.snd.nxt });
			sim.run({ until: 60_000 });
			expect(c.state).toBe('TIME-WAIT');
			sim.run({ until: 60_100 });
			expect(c.state).toBe('CLOSED');
			expect(client.portsInUse()).toEqual([]);
		});

		it(`record: ${record}: a retransmitted FIN restarts the 2MSL wait`, () => {
			const { sim, c } = closedPair(record);
			sim.at(30_000, () => retransmitFin(sim, c));
			sim.run({ until: 60_100 });
			expect(c.state).toBe('TIME-WAIT'); // the wait started again at 30 s
			sim.run({ until: 90_100 });
			expect(c.state).toBe('CLOSED');
		});
	}

	it('with record: false the TCB leaves the host (only the record and the program hold it)', () => {
		const { client, c } = closedPair(false);
		expect(client.tcpSockets).not.toContain(c);
		expect(client.sockets().map((s) => s.id)).toEqual([c.id]);
	});

	it('the record answers a retransmitted FIN with <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and the timestamps', () => {
		const { sim, c } = closedPair(true);
		sim.at(30_000, () => retransmitFin(sim, c));
		sim.run({ until: 30_100 });
		const acks = sim.trace().events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === 'client' && e.t >= 30_000);
		expect(acks).toHaveLength(1);
		expect(acks[0]).toMatchObject({ flags: ['ACK'], seq: c.snd.nxt, ack: c.rcv.nxt, len: 0 });
		expect(acks[0].options?.ts?.ecr).toBe(c.tsRecent);
	});
});
