/**
 * Delayed ACK per OS preset (issue 11 item 1; tcp-delack.ts, os.ts `delack`) and RFC 6298 §5.7's
 * 3 s RTO after a retransmitted SYN. Each test asserts when the ACK leaves and which segment
 * carries it; two properties hold the RFC 1122 / RFC 5681 bounds for every preset.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OS_PRESETS, Simulation, type OsPresetId, type SegmentEvent } from './index';

const SERVER = '203.0.113.5';

/** Client and server of one OS, 10 ms apart, connected by 100 ms; the server reads at once. */
function conn(os: OsPresetId, latencyMs = 10, seed = 3) {
	const sim = new Simulation({ seed });
	sim.addHost({ name: 'client', ip: '192.168.1.10', os });
	sim.addHost({ name: 'server', ip: SERVER, os, root: true });
	sim.addLink('client', 'server', { latencyMs });
	sim.at(0, () => sim.host('server').tcp('web').listen(80));
	sim.at(1, () => sim.host('client').tcp('c1').connect(SERVER, 80));
	sim.run({ until: 100 });
	return sim;
}
const segs = (sim: Simulation, from: string, after = 0) =>
	sim.trace().events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === from && e.t > after);
const flags = (s: SegmentEvent) => s.flags.join(',');
/** SEG.SEQ + SEG.LEN of a segment: the ACK that covers it. */
const end = (s: SegmentEvent) => (s.seq + s.len) >>> 0;

describe('Linux: quick ACKs, the ATO, pingpong mode (tcp_input.c, tcp_output.c, tcp_timer.c)', () => {
	it('the first data is ACKed at once (quick-ACK mode); a reply within one ATO enters pingpong mode, and the next request waits 40 ms', () => {
		const sim = conn('linux');
		sim.at(100, () => sim.socket('c1').send(100, 'request 1'));
		sim.run({ until: 115 });
		const [ack1] = segs(sim, 'server', 100);
		expect([ack1.t, flags(ack1), ack1.ack]).toEqual([110, 'ACK', end(segs(sim, 'client', 99)[0])]);
		// the reply leaves 10 ms after the request arrived, within the ATO (40 ms): pingpong
		sim.at(120, () => sim.socket('web.1').send(100, 'reply 1'));
		sim.at(200, () => sim.socket('c1').send(100, 'request 2'));
		sim.run({ until: 300 });
		const req2 = segs(sim, 'client', 199).find((s) => s.len > 0)!;
		const after = segs(sim, 'server', 200);
		// no quick ACK in pingpong mode: the ACK waits for the delayed-ACK timer, ATO = 40 ms
		expect(after.map((s) => [s.t, flags(s), s.ack])).toEqual([[250, 'ACK', end(req2)]]);
		// the timer fired in pingpong mode: pingpong ends, so the next request is quick-ACKed again
		sim.at(300, () => sim.socket('c1').send(100, 'request 3'));
		sim.run({ until: 400 });
		expect(segs(sim, 'server', 300).map((s) => [s.t, flags(s)])).toEqual([[310, 'ACK']]);
	});

	it('in pingpong mode the ACK of a request rides on the reply', () => {
		const sim = conn('linux');
		sim.at(100, () => sim.socket('c1').send(100, 'request 1'));
		sim.at(120, () => sim.socket('web.1').send(100, 'reply 1'));
		sim.at(200, () => sim.socket('c1').send(100, 'request 2'));
		sim.at(230, () => sim.socket('web.1').send(300, 'reply 2'));
		sim.run({ until: 400 });
		const req2 = segs(sim, 'client', 199).find((s) => s.len > 0)!;
		const out = segs(sim, 'server', 200);
		expect(out.map((s) => [s.t, flags(s), s.len, s.ack])).toEqual([[230, 'PSH,ACK', 300, end(req2)]]);
	});

	it('the ACK of a FIN that moves ESTABLISHED to CLOSE-WAIT waits 40 ms (or rides on our FIN); in FIN-WAIT-2 a FIN is ACKed at once', () => {
		const sim = conn('linux');
		sim.at(100, () => sim.socket('c1').send(100, 'request'));
		sim.at(150, () => sim.socket('c1').close());
		sim.run({ until: 300 });
		const fin = segs(sim, 'client', 149)[0];
		expect(flags(fin)).toBe('FIN,ACK');
		const ackOfFin = segs(sim, 'server', 150)[0];
		expect([ackOfFin.t, flags(ackOfFin), ackOfFin.ack]).toEqual([200, 'ACK', end(fin) + 1]);
		// the server closes: its FIN reaches the client in FIN-WAIT-2, which ACKs it at once
		sim.at(300, () => sim.socket('web.1').close());
		sim.run({ until: 400 });
		const [srvFin] = segs(sim, 'server', 299);
		const [last] = segs(sim, 'client', 300);
		expect([last.t, flags(last), last.ack]).toEqual([srvFin.t + 10, 'ACK', (srvFin.seq + 1) >>> 0]);
	});

	it('a server that closes within the ATO sends one FIN,ACK that also ACKs the client FIN (a three-segment close)', () => {
		const sim = conn('linux');
		sim.at(100, () => sim.socket('c1').send(100, 'request'));
		sim.at(150, () => sim.socket('c1').close());
		sim.at(180, () => sim.socket('web.1').close()); // 20 ms after the FIN arrived
		sim.run({ until: 400 });
		const fin = segs(sim, 'client', 149)[0];
		expect(segs(sim, 'server', 150).map((s) => [s.t, flags(s), s.ack])).toEqual([[180, 'FIN,ACK', end(fin) + 1]]);
	});

	it('a connection that has received no data ACKs a FIN at once (the ATO is still 0)', () => {
		const sim = conn('linux');
		sim.at(100, () => sim.socket('c1').close());
		sim.run({ until: 200 });
		expect(segs(sim, 'server', 100).map((s) => [s.t, flags(s)])).toEqual([[110, 'ACK']]);
	});

	it('after the 16 quick ACKs, every second full-sized segment is ACKed at once', () => {
		const sim = conn('linux');
		sim.at(100, () => sim.socket('c1').send(60 * 1448));
		sim.run({ until: 1000 });
		const data = segs(sim, 'client', 99).filter((s) => s.len === 1448);
		const acks = segs(sim, 'server', 99);
		// the quick ACKs: one per segment for the first 16
		expect(acks.slice(0, 16).map((a) => a.ack)).toEqual(data.slice(0, 16).map(end));
		// then each ACK covers two full-sized segments
		const later = acks.slice(16).filter((a) => data.some((d) => end(d) === a.ack));
		expect(later.length).toBeGreaterThan(10);
		for (const a of later.slice(0, 10)) expect(((a.ack - acks[acks.indexOf(a) - 1].ack) >>> 0) / 1448).toBe(2);
	});
});

describe('fixed delayed-ACK timers: FreeBSD 40 ms, macOS 100 ms, Windows 200 ms, RFC 9293 200 ms', () => {
	// macOS: XNU ACKs its first 16 segments at once (forced ACKs) and any PSH segment the program
	// reads at once; the others delay. The lone-segment case uses a segment without PSH there.
	it.each([
		{ os: 'freebsd' as const, delay: 40 },
		{ os: 'windows' as const, delay: 200 },
		{ os: 'windows-xp' as const, delay: 200 },
		{ os: 'rfc9293' as const, delay: 200 }
	])('$os: a lone segment is ACKed after $delay ms; two segments are ACKed at once; a FIN at once', ({ os, delay }) => {
		const sim = conn(os);
		sim.at(100, () => sim.socket('c1').send(100, 'one'));
		sim.run({ until: 1000 });
		const one = segs(sim, 'client', 99)[0];
		expect(segs(sim, 'server', 100).map((s) => [s.t, flags(s), s.ack])).toEqual([[110 + delay, 'ACK', end(one)]]);
		const full = OS_PRESETS[os].tcp.ts ? 1448 : 1460; // 12 bytes of timestamps per segment
		sim.at(1000, () => sim.socket('c1').send(2 * full, 'two'));
		sim.run({ until: 2000 });
		const two = segs(sim, 'client', 999).filter((s) => s.len > 0);
		expect(two).toHaveLength(2);
		expect(segs(sim, 'server', 1000).map((s) => [s.t, s.ack])).toEqual([[1010, end(two[1])]]);
		sim.at(2000, () => sim.socket('c1').close());
		sim.run({ until: 2100 });
		expect(segs(sim, 'server', 2000).map((s) => [s.t, flags(s)])).toEqual([[2010, 'ACK']]);
	});

	it('the ACK rides on a reply sent before the timer fires (FreeBSD, 30 ms < 40 ms)', () => {
		const sim = conn('freebsd');
		sim.at(100, () => sim.socket('c1').send(100, 'request'));
		sim.at(140, () => sim.socket('web.1').send(200, 'reply'));
		sim.run({ until: 400 });
		const req = segs(sim, 'client', 99)[0];
		expect(segs(sim, 'server', 100).map((s) => [s.t, flags(s), s.len, s.ack])).toEqual([[140, 'PSH,ACK', 200, end(req)]]);
	});

	it('macOS: the first 16 ACKs are forced; then a non-PSH segment waits 100 ms and a PSH segment read at once is ACKed at once', () => {
		const sim = conn('macos');
		sim.at(100, () => {
			for (let i = 0; i < 16; i++) sim.socket('c1').send(100);
		});
		sim.run({ until: 300 });
		expect(segs(sim, 'server', 100)).toHaveLength(16);
		// one send() of 1.5 MSS: the first segment has no PSH (delayed), the second has PSH (at once)
		sim.at(300, () => sim.socket('c1').send(1448 + 700)); // 1448: MSS less 12 bytes of timestamps
		sim.run({ until: 600 });
		const [a, b] = segs(sim, 'client', 299);
		expect([flags(a), flags(b)]).toEqual(['ACK', 'PSH,ACK']);
		expect(segs(sim, 'server', 300).map((s) => [s.t, s.ack])).toEqual([[310, end(b)]]);
		sim.at(600, () => sim.socket('c1').send(3 * 1448));
		sim.run({ until: 900 });
		const three = segs(sim, 'client', 599);
		// first: timer; second: the second unACKed segment, at once; third: PSH, read at once
		expect(segs(sim, 'server', 600).map((s) => [s.t, s.ack])).toEqual([
			[610, end(three[1])],
			[610, end(three[2])]
		]);
	});
});

describe('properties (RFC 1122 4.2.3.2, RFC 5681 §4.2)', () => {
	const presets: OsPresetId[] = ['linux', 'freebsd', 'macos', 'windows', 'windows-xp', 'rfc9293', 'nat'];
	/** A client sends `sizes` one after another with `gapMs` between; the server only reads. */
	function oneWay(os: OsPresetId, seed: number, latency: number, sizes: number[], gapMs: number) {
		const sim = conn(os, latency, seed);
		sizes.forEach((n, i) => sim.at(100 + 4 * latency + i * gapMs, () => sim.socket('c1').send(n)));
		sim.run({ until: 100 + 4 * latency + sizes.length * gapMs + 5000 });
		const data = segs(sim, 'client', 100).filter((s) => s.len > 0 && s.arrivedAt !== null && !s.retransmission);
		const acks = segs(sim, 'server', 100);
		return { data, acks };
	}
	const arb = fc.tuple(
		fc.constantFrom(...presets),
		fc.integer({ min: 0, max: 2 ** 31 }),
		fc.integer({ min: 1, max: 60 }),
		fc.array(fc.integer({ min: 1, max: 6000 }), { minLength: 1, maxLength: 12 }),
		fc.integer({ min: 0, max: 400 })
	);

	it('no in-order data segment waits longer than the preset delayed-ACK maximum for its ACK', () => {
		fc.assert(
			fc.property(arb, ([os, seed, latency, sizes, gap]) => {
				const { data, acks } = oneWay(os, seed, latency, sizes, gap);
				const max = OS_PRESETS[os].delack.maxMs;
				for (const d of data) {
					const covering = acks.find((a) => ((a.ack - end(d)) | 0) >= 0 && a.t >= d.arrivedAt!);
					expect(covering, `${os}: segment seq=${d.seq} arrived at ${d.arrivedAt}`).toBeDefined();
					expect(covering!.t - d.arrivedAt!).toBeLessThanOrEqual(max);
				}
			}),
			{ numRuns: 60 }
		);
	});

	it('of two full-sized segments in a row, the first is ACKed by the time the second arrives', () => {
		fc.assert(
			fc.property(arb, ([os, seed, latency, sizes, gap]) => {
				const { data, acks } = oneWay(os, seed, latency, sizes, gap);
				const full = OS_PRESETS[os].tcp.ts ? 1448 : 1460;
				const byArrival = [...data].sort((x, y) => x.arrivedAt! - y.arrivedAt! || ((x.seq - y.seq) | 0));
				for (let i = 1; i < byArrival.length; i++) {
					const [p, d] = [byArrival[i - 1], byArrival[i]];
					if (p.len < full || d.len < full || end(p) !== d.seq) continue;
					const ok = acks.some((a) => ((a.ack - end(p)) | 0) >= 0 && a.t <= d.arrivedAt!);
					expect(ok, `${os}: no ACK of seq=${p.seq} by ${d.arrivedAt} ms`).toBe(true);
				}
			}),
			{ numRuns: 60 }
		);
	});
});

describe('RFC 6298 §5.7: 3 s RTO once ESTABLISHED after a retransmitted SYN', () => {
	function lostSyn(os: OsPresetId) {
		const sim = new Simulation({ seed: 9 });
		// without SACK, so that Linux's tail loss probe (1 s before any RTT sample, RFC 8985 §7.2)
		// does not resend first: the retransmission timer does
		sim.addHost({ name: 'client', ip: '192.168.1.10', os, tcp: { sack: false } });
		sim.addHost({ name: 'server', ip: SERVER, os, root: true, tcp: { sack: false } });
		sim.addLink('client', 'server', { latencyMs: 10 });
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(1, () => {
			sim.dropNext({ from: 'client', to: 'server' }); // the first SYN
			sim.host('client').tcp('c1').connect(SERVER, 80);
		});
		// once established (SYN again at 1001 ms), the first data segment is lost too
		sim.at(1500, () => {
			sim.dropNext({ from: 'client', to: 'server' });
			sim.socket('c1').send(100, 'first data');
		});
		const tr = sim.run({ until: 10_000 });
		const data = tr.events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === 'client' && e.len > 0);
		return data[1].t - data[0].t;
	}

	it.each(['linux', 'rfc9293'] as const)('%s: the first data is resent 3 s after it was sent, not after the backed-off 2 s', (os) => {
		expect(lostSyn(os)).toBe(3000);
	});

	it('a handshake measured without retransmission keeps its RTT-based RTO (linux: 20 + 200 ms … )', () => {
		const sim = conn('linux');
		sim.at(100, () => {
			sim.dropNext({ from: 'client', to: 'server' });
			sim.socket('c1').send(100);
		});
		const tr = sim.run({ until: 5000 });
		const data = tr.events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === 'client' && e.len > 0);
		expect(data[1].t - data[0].t).toBeLessThan(1000);
	});
});
