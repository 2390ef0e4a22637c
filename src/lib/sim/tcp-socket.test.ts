/**
 * The socket calls beyond open/send/close: shutdown() (half-close, SHUT_RD per OS), close() on
 * any open descriptor, the RST for data after close, SO_KEEPALIVE, and read()'s end of stream.
 * Each test asserts the segments on the wire and the states.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, type CallEvent, type ErrorEvent, type SegmentEvent, type StateEvent } from './index';
import { KEEPALIVE_DEFAULTS } from './tcp-keepalive';
import type { OsPresetId } from './os';

type Os = OsPresetId;

/** client 10.0.0.1 and server 10.0.0.2 (listener `web` on :80, manual reads), 10 ms apart; c1 connected. */
function pair(os: Os = 'linux', serverOs: Os = 'linux') {
	const sim = new Simulation({ seed: 7 });
	sim.addHost({ name: 'client', ip: '10.0.0.1', os });
	sim.addHost({ name: 'server', ip: '10.0.0.2', os: serverOs, root: true });
	sim.addLink('client', 'server', { latencyMs: 10 });
	sim.at(0, () => sim.host('server').tcp('web', { autoRead: false }).listen(80));
	sim.at(1, () => sim.host('client').tcp('c1', { autoRead: false }).connect('10.0.0.2', 80));
	sim.run({ until: 100 });
	return sim;
}
const segs = (sim: Simulation, from?: string, after = 0) =>
	sim.trace().events.filter((e): e is SegmentEvent => e.kind === 'segment' && (from === undefined || e.from === from) && e.t > after);
const errors = (sim: Simulation, socket: string) => sim.trace().events.filter((e): e is ErrorEvent => e.kind === 'error' && e.socket === socket);
const reads = (sim: Simulation, socket: string) =>
	sim.trace().events.filter((e): e is CallEvent => e.kind === 'call' && e.call === 'read' && e.socket === socket).map((e) => e.detail);
const state = (sim: Simulation, id: string) => sim.sockets().find((s) => s.id === id)?.state ?? 'CLOSED';
const flags = (s: SegmentEvent) => s.flags.join(',');

describe('shutdown(SHUT_WR): half-close', () => {
	it('sends FIN after the queued data, keeps receiving, and fails a later send() with EPIPE', () => {
		const sim = pair();
		const c1 = sim.socket('c1');
		sim.at(100, () => {
			c1.send(100);
			expect(c1.shutdown('SHUT_WR')).toBe(true);
		});
		sim.run({ until: 149 });
		const out = segs(sim, 'client', 99);
		expect(out.map(flags)).toEqual(['PSH,ACK', 'FIN,ACK']);
		expect(out[1].seq).toBe((c1.snapshot().iss! + 101) >>> 0);
		// Linux delays the ACK of the FIN (pingpong mode, tcp-delack.ts): 40 ms after it arrived
		expect(state(sim, 'c1')).toBe('FIN-WAIT-1');
		sim.run({ until: 170 });
		expect(state(sim, 'c1')).toBe('FIN-WAIT-2');
		expect(state(sim, 'web.1')).toBe('CLOSE-WAIT');
		sim.at(170, () => sim.socket('web.1').send(500));
		sim.at(170, () => expect(c1.send(10)).toBe(false));
		sim.run({ until: 220 });
		expect(errors(sim, 'c1').map((e) => e.errno)).toEqual(['EPIPE']);
		// the reply arrives and is ACKed; the client can read it
		const acks = segs(sim, 'client', 170);
		expect(acks.map(flags)).toEqual(['ACK']);
		expect(acks[0].ack).toBe((sim.socket('web.1').snapshot().iss! + 501) >>> 0);
		sim.at(220, () => c1.read());
		sim.run({ until: 221 });
		expect(reads(sim, 'c1')).toEqual(['500 bytes']);
		expect(state(sim, 'c1')).toBe('FIN-WAIT-2');
	});

	it('from CLOSE-WAIT goes to LAST-ACK; close() afterwards succeeds and sends nothing more', () => {
		const sim = pair();
		sim.at(100, () => sim.socket('c1').close());
		sim.run({ until: 150 });
		const w = sim.socket('web.1');
		sim.at(150, () => expect(w.shutdown('SHUT_WR')).toBe(true));
		sim.run({ until: 151 });
		expect(state(sim, 'web.1')).toBe('LAST-ACK');
		sim.at(151, () => expect(w.close()).toBe(true));
		sim.run({ until: 200 });
		expect(segs(sim, 'server', 149).map(flags)).toEqual(['FIN,ACK']);
		expect(state(sim, 'web.1')).toBe('CLOSED');
		expect(errors(sim, 'web.1')).toEqual([]);
	});

	it('Windows names the failed send WSAESHUTDOWN (10058)', () => {
		const sim = pair('windows', 'windows');
		sim.at(100, () => sim.socket('c1').shutdown('SHUT_WR'));
		sim.at(120, () => sim.socket('c1').send(5));
		sim.run({ until: 130 });
		expect(errors(sim, 'c1').map((e) => [e.errno, e.code])).toEqual([['WSAESHUTDOWN', 10058]]);
	});

	it('property: no send() succeeds after shutdown(SHUT_WR), and nothing new follows the FIN', () => {
		const op = fc.oneof(
			fc.record({ k: fc.constant('send' as const), n: fc.integer({ min: 1, max: 4000 }) }),
			fc.record({ k: fc.constant('shutwr' as const) }),
			fc.record({ k: fc.constant('shutrd' as const) }),
			fc.record({ k: fc.constant('read' as const) }),
			fc.record({ k: fc.constant('peer' as const), n: fc.integer({ min: 1, max: 3000 }) })
		);
		fc.assert(
			fc.property(fc.constantFrom<Os>('linux', 'freebsd', 'windows', 'rfc9293'), fc.array(op, { minLength: 1, maxLength: 12 }), (os, ops) => {
				const sim = pair(os, os);
				const c1 = sim.socket('c1');
				let shut = false;
				let t = 100;
				for (const o of ops) {
					sim.at(t, () => {
						if (o.k === 'send') {
							const ok = c1.send(o.n);
							if (shut) expect(ok).toBe(false);
						} else if (o.k === 'shutwr') {
							shut ||= c1.shutdown('SHUT_WR');
						} else if (o.k === 'shutrd') c1.shutdown('SHUT_RD');
						else if (o.k === 'read') c1.read();
						else sim.socketOrNull('web.1')?.send(o.n);
					});
					t += 7;
				}
				sim.run({ until: t + 2000 });
				const fin = segs(sim, 'client').find((s) => s.flags.includes('FIN'));
				if (fin) {
					const end = (fin.seq + 1) >>> 0;
					for (const s of segs(sim, 'client', fin.t)) {
						if (s.len > 0 || s.flags.includes('FIN')) expect((s.seq + s.len) >>> 0 <= end || s.retransmission).toBe(true);
					}
				}
			}),
			{ numRuns: 60 }
		);
	});
});

describe('shutdown(SHUT_RD), per OS', () => {
	const run = (os: Os) => {
		const sim = pair(os, os);
		sim.at(100, () => sim.socket('c1').shutdown('SHUT_RD'));
		sim.at(110, () => sim.socket('web.1').send(300));
		sim.at(140, () => sim.socket('c1').read());
		sim.at(141, () => sim.socket('c1').read());
		sim.run({ until: 200 });
		return sim;
	};
	it('Linux: data is still ACKed and queued; read() returns it, then 0 (end of stream)', () => {
		const sim = run('linux');
		expect(segs(sim, 'client', 100).map(flags)).toEqual(['ACK']);
		expect(reads(sim, 'c1')).toEqual(['300 bytes', '0 bytes (end of stream: SHUT_RD)']);
		expect(state(sim, 'c1')).toBe('ESTABLISHED');
	});
	it('FreeBSD: data is ACKed and discarded; read() returns 0', () => {
		const sim = run('freebsd');
		expect(segs(sim, 'client', 100).map(flags)).toEqual(['ACK']);
		expect(reads(sim, 'c1')).toEqual(['0 bytes (end of stream: SHUT_RD)', '0 bytes (end of stream: SHUT_RD)']);
	});
	it('Windows: data arriving after SD_RECEIVE resets the connection', () => {
		const sim = run('windows');
		const out = segs(sim, 'client', 100);
		expect(out.map(flags)).toEqual(['RST']);
		expect(out[0].seq).toBe(segs(sim, 'server', 100)[0].ack);
		expect(state(sim, 'c1')).toBe('CLOSED');
		expect(errors(sim, 'web.1').map((e) => e.errno)).toEqual(['WSAECONNRESET']);
	});
});

describe('close() on any open descriptor', () => {
	it('returns true after ECONNREFUSED, and EBADF on a second close()', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addHost({ name: 'client', ip: '10.0.0.1' });
		sim.addHost({ name: 'server', ip: '10.0.0.2' });
		sim.addLink('client', 'server', { latencyMs: 5 });
		const c = sim.host('client').tcp('c');
		sim.at(0, () => c.connect('10.0.0.2', 81));
		sim.run({ until: 50 });
		expect(errors(sim, 'c').map((e) => e.errno)).toEqual(['ECONNREFUSED']);
		sim.at(50, () => expect(c.close()).toBe(true));
		sim.run({ until: 51 });
		expect(errors(sim, 'c').map((e) => e.errno)).toEqual(['ECONNREFUSED']);
		sim.at(51, () => expect(c.close()).toBe(false));
		sim.run({ until: 52 });
		expect(errors(sim, 'c').map((e) => e.errno)).toEqual(['ECONNREFUSED', 'EBADF']);
		expect(segs(sim, 'client', 49)).toEqual([]);
	});
	it('returns true on a socket that never connected (RFC CLOSE row 9 is a deviation)', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addHost({ name: 'a', ip: '10.0.0.1' });
		const s = sim.host('a').tcp('s');
		expect(s.close()).toBe(true);
		expect(errors(sim, 's')).toEqual([]);
	});
	it('after shutdown(SHUT_WR) with unread data: RST,ACK and CLOSED (Linux tcp_close)', () => {
		const sim = pair();
		sim.at(100, () => sim.socket('c1').shutdown('SHUT_WR'));
		sim.at(130, () => sim.socket('web.1').send(40));
		sim.at(160, () => sim.socket('c1').close());
		sim.run({ until: 200 });
		expect(segs(sim, 'client', 155).map(flags)).toEqual(['RST,ACK']);
		expect(state(sim, 'c1')).toBe('CLOSED');
	});
});

describe('data arriving after a full close()', () => {
	for (const os of ['linux', 'freebsd', 'macos', 'windows', 'rfc9293'] as const) {
		it(`${os}: answered with <SEQ=SEG.ACK><CTL=RST>; the TCB is deleted without TIME-WAIT`, () => {
			const sim = pair(os, os);
			sim.at(100, () => sim.socket('c1').close());
			sim.at(130, () => sim.socket('web.1').send(200));
			sim.run({ until: 200 });
			const data = segs(sim, 'server', 125)[0];
			expect(data.len).toBe(200);
			const out = segs(sim, 'client', 130);
			expect(out.map(flags)).toEqual(['RST']);
			expect(out[0].seq).toBe(data.ack);
			expect(state(sim, 'c1')).toBe('CLOSED');
			const ev = sim.trace().events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === 'c1');
			expect(ev.at(-1)).toMatchObject({ from: 'FIN-WAIT-2', to: 'CLOSED' });
			expect(errors(sim, 'c1')).toEqual([]); // nobody left to tell
			expect(errors(sim, 'web.1').map((e) => e.errno)).toEqual([os === 'windows' ? 'WSAECONNRESET' : 'ECONNRESET']);
		});
	}
	it('after shutdown(SHUT_RDWR) without close(): Linux resets (RCV_SHUTDOWN), FreeBSD ACKs', () => {
		for (const [os, want] of [
			['linux', 'RST'],
			['freebsd', 'ACK']
		] as const) {
			const sim = pair(os, os);
			sim.at(100, () => sim.socket('c1').shutdown('SHUT_RDWR'));
			sim.at(130, () => sim.socket('web.1').send(200));
			sim.run({ until: 200 });
			expect(segs(sim, 'client', 130).map(flags)).toEqual([want]);
			if (os === 'linux') expect(errors(sim, 'c1').map((e) => e.errno)).toEqual(['ECONNRESET']);
		}
	});
});

describe('SO_KEEPALIVE', () => {
	it('defaults per OS (Linux 7200 s / 75 s / 9; BSD 2 h / 75 s / 8; Windows 2 h / 1 s / 10)', () => {
		expect(KEEPALIVE_DEFAULTS.linux).toMatchObject({ idleMs: 7_200_000, intvlMs: 75_000, cnt: 9 });
		expect(KEEPALIVE_DEFAULTS.freebsd).toMatchObject({ idleMs: 7_200_000, intvlMs: 75_000, cnt: 8 });
		expect(KEEPALIVE_DEFAULTS.macos).toMatchObject({ idleMs: 7_200_000, intvlMs: 75_000, cnt: 8 });
		expect(KEEPALIVE_DEFAULTS.windows).toMatchObject({ idleMs: 7_200_000, intvlMs: 1000, cnt: 10 });
	});

	it('Linux defaults: the first probe after 2 h idle, <SEQ=SND.UNA-1> with no data; a live peer ACKs it', () => {
		const sim = pair();
		sim.at(100, () => sim.socket('c1').setKeepalive());
		sim.run({ until: 7_300_000 });
		const probes = segs(sim, 'client', 100);
		expect(probes).toHaveLength(1);
		expect(probes[0].t).toBe(100 + 7_200_000);
		expect(flags(probes[0])).toBe('ACK');
		expect(probes[0].len).toBe(0);
		expect(probes[0].seq).toBe((sim.socket('c1').snapshot().sndUna! - 1) >>> 0);
		const answer = segs(sim, 'server', 100);
		expect(answer.map(flags)).toEqual(['ACK']);
		expect(answer[0].ack).toBe(sim.socket('c1').snapshot().sndUna);
		expect(state(sim, 'c1')).toBe('ESTABLISHED');
	});

	it('a peer that rebooted answers the probe with RST: ECONNRESET', () => {
		const sim = pair();
		sim.at(100, () => sim.socket('c1').setKeepalive({ idleMs: 10_000, intvlMs: 2000, cnt: 3 }));
		// the server loses the connection silently: its RST never arrives (a crash and reboot)
		sim.at(200, () => {
			sim.dropNext({ from: 'server', to: 'client' });
			sim.socket('web.1').abort();
		});
		sim.run({ until: 20_000 });
		const out = segs(sim, 'client', 200);
		expect(out.map(flags)).toEqual(['ACK']);
		expect(out[0].t).toBe(10_100);
		const rst = segs(sim, 'server', 10_000);
		expect(rst.map(flags)).toEqual(['RST']);
		expect(rst[0].seq).toBe(out[0].ack);
		expect(errors(sim, 'c1').map((e) => e.errno)).toEqual(['ECONNRESET']);
		expect(state(sim, 'c1')).toBe('CLOSED');
	});

	it('a peer that is gone: cnt probes every intvl, then RST,ACK and ETIMEDOUT (FreeBSD keepcnt 8)', () => {
		// The client sits behind a stateful firewall that forgets the idle connection after 2 s:
		// the server's probes come from outside and match nothing, so they are dropped.
		const sim = new Simulation({ seed: 3 });
		sim.addHost({ name: 'client', ip: '192.168.1.10' });
		sim.addRouter({ name: 'fw', ips: ['192.168.1.1', '203.0.113.1'] });
		sim.addHost({ name: 'server', ip: '203.0.113.5', os: 'freebsd', root: true });
		sim.setFirewall('fw', { mode: 'stateful', idleMs: 2000 });
		sim.addLink('client', 'fw', { latencyMs: 5 });
		sim.addLink('fw', 'server', { latencyMs: 5 });
		sim.at(0, () => {
			const l = sim.host('server').tcp('web');
			l.setKeepalive({ idleMs: 5000, intvlMs: 1000 });
			l.listen(80);
		});
		sim.at(1, () => sim.host('client').tcp('c1').connect('203.0.113.5', 80));
		sim.run({ until: 20_000 });
		const out = segs(sim, 'server', 100);
		// the child inherited SO_KEEPALIVE; ESTABLISHED at 31 ms: probes at 5 s, 6 s, ... 12 s, the drop at 13 s
		expect(out.map(flags)).toEqual([...Array(8).fill('ACK'), 'RST,ACK']);
		expect(out.map((s) => s.t - 31)).toEqual([5000, 6000, 7000, 8000, 9000, 10000, 11000, 12000, 13000]);
		expect(out.every((s) => s.dropped === 'firewall')).toBe(true);
		expect(errors(sim, 'web.1').map((e) => e.errno)).toEqual(['ETIMEDOUT']);
		expect(state(sim, 'web.1')).toBe('CLOSED');
		expect(state(sim, 'c1')).toBe('ESTABLISHED'); // half-open: the client never hears of it
	});
});

describe('read() returns 0 only at end of stream', () => {
	it('says "0 bytes (end of stream" only after the peer\'s FIN or SHUT_RD', () => {
		const sim = pair();
		sim.at(100, () => sim.socket('c1').read()); // nothing yet
		sim.at(110, () => sim.socket('web.1').send(10));
		sim.at(130, () => sim.socket('c1').read());
		sim.at(131, () => sim.socket('c1').read());
		sim.at(140, () => sim.socket('web.1').close());
		sim.at(160, () => sim.socket('c1').read());
		sim.run({ until: 200 });
		const r = reads(sim, 'c1');
		expect(r).toEqual(['0 bytes', '10 bytes', '0 bytes', '0 bytes (end of stream: peer sent FIN)']);
	});
});
