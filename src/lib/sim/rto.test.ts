/**
 * Retransmission timers per OS (issue 11 item 1): one scenario per preset asserting when the lost
 * segment is resent, the backoff and its ceiling, and property tests of the estimators' floors
 * and ceilings. Sources: os.ts (`rto` of each preset) and tcp-timer.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OS_PRESET_IDS, OS_PRESETS, Simulation, type OsPresetId, type SegmentEvent, type Trace } from './index';
import { rttSample } from './tcp-timer';

const SERVER = '203.0.113.5';

/**
 * Client and server of one OS on a link of `latencyMs` each way; once the handshake is done the
 * client sends two 1000-byte segments and the first is lost.
 */
function lostSegment(os: OsPresetId, latencyMs: number): { sim: Simulation; trace: Trace; data: SegmentEvent[] } {
	const sim = new Simulation({ seed: 21 });
	sim.addHost({ name: 'client', ip: '192.168.1.10', os });
	// The server offers no SACK (rfc9293 preset), so the client's loss recovery is NewReno and
	// one duplicate ACK starts nothing: neither RACK nor a tail loss probe (tcp-recovery.ts)
	// resends the segment before the timer, and the test isolates the RTO.
	sim.addHost({ name: 'server', ip: SERVER, os: 'rfc9293', root: true });
	sim.addLink('client', 'server', { latencyMs });
	sim.at(0, () => sim.host('server').tcp('web').listen(80));
	sim.at(10, () => sim.host('client').tcp('c1').connect(SERVER, 80));
	sim.at(10 + 4 * latencyMs + 200, () => {
		sim.dropNext({ from: 'client', to: 'server' });
		sim.socket('c1').send(1000, 'block 1');
		sim.socket('c1').send(1000, 'block 2');
	});
	const trace = sim.run({ until: 5000 });
	const data = trace.events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === 'client' && e.len > 0);
	return { sim, trace, data };
}

describe('when a lost segment is resent, per OS preset', () => {
	// RTT 2 × latency; the handshake's SYN,ACK gives the client its only sample before the loss.
	const cases: [OsPresetId, number, number, string][] = [
		// Linux: SRTT + max(2·RTT, tcp_rto_min 200 ms) after the first sample
		['linux', 25, 250, 'RTT 50 ms + 200 ms (tcp_rto_min under the variance term)'],
		['linux', 5, 210, 'RTT 10 ms + 200 ms'],
		['linux', 150, 900, 'RTT 300 ms + 2 × 300 ms (the variance term above 200 ms)'],
		// RFC 6298: at least 1 s
		['rfc9293', 25, 1000, 'the 1 s minimum of RFC 6298 §2.4'],
		// FreeBSD: max(30 ms, SRTT + 4·RTTVAR) + 200 ms slop; RTTVAR = RTT/2 after one sample
		['freebsd', 5, 230, 'max(30, 10 + 20) + 200'],
		['freebsd', 25, 350, 'max(30, 50 + 100) + 200'],
		// macOS: the same with a 100 ms floor (net.inet.tcp.rtt_min)
		['macos', 5, 300, 'max(100, 10 + 20) + 200'],
		// Windows: RFC 6298 with the assumed 300 ms MinRto
		['windows', 5, 300, 'MinRto 300 ms'],
		['windows', 100, 600, 'SRTT 200 + 4 × 100']
	];
	for (const [os, latency, rto, why] of cases) {
		it(`${os}, ${2 * latency} ms RTT: ${rto} ms after the original (${why})`, () => {
			const { data } = lostSegment(os, latency);
			const first = data[0];
			expect(first.dropped).toBe('lost');
			const resent = data.find((s) => s.retransmission && s.seq === first.seq);
			expect(resent, 'the lost segment is retransmitted').toBeDefined();
			expect(resent!.t - first.t).toBe(rto);
			expect(resent!.flags).toEqual(['PSH', 'ACK']);
			expect(resent!.len).toBe(1000);
			// nothing else is resent: the second segment arrived, the cumulative ACK covers both
			expect(data.filter((s) => s.retransmission)).toHaveLength(1);
		});
	}

	it('before any RTT sample: the SYN is resent after the initial RTO, then 2×, 4×, … (Windows XP: 3 s)', () => {
		for (const os of ['linux', 'windows-xp'] as const) {
			const sim = new Simulation({ seed: 5 });
			sim.addHost({ name: 'client', ip: '10.0.0.1', os });
			sim.addHost({ name: 'sink', ip: '10.0.0.2', scripted: true });
			sim.addLink('client', 'sink', { latencyMs: 1 });
			sim.at(0, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
			const tr = sim.run({ until: 20_000 });
			const syns = tr.events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === 'client').map((s) => s.t);
			const init = OS_PRESETS[os].rto.initialMs;
			expect(syns.slice(0, 4)).toEqual([0, init, 3 * init, 7 * init].filter((t) => t <= 20_000));
		}
	});

	it('backoff doubles up to the ceiling: Linux 120 s, RFC 6298 preset 60 s, FreeBSD 64 s', () => {
		for (const [os, max] of [
			['linux', 120_000],
			['rfc9293', 60_000],
			['freebsd', 64_000]
		] as const) {
			// a scripted peer completes the handshake 10 ms after the SYN, then never answers again
			const sim = new Simulation({ seed: 5 });
			sim.addHost({ name: 'client', ip: '10.0.0.1', os });
			sim.addHost({ name: 'peer', ip: '10.0.0.2', scripted: true });
			sim.addLink('client', 'peer', { latencyMs: 0 });
			sim.at(0, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
			sim.run({ until: 10 });
			const c = sim.sockets().find((s) => s.id === 'c')!;
			sim.inject({ from: 'peer', proto: 'TCP', src: { ip: '10.0.0.2', port: 80 }, dst: c.local, flags: ['SYN', 'ACK'], seq: 5000, ack: c.sndNxt!, len: 0 });
			sim.run({ until: 100 });
			sim.socket('c').send(100);
			const tr = sim.run({ until: 3_000_000 });
			const t = tr.events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === 'client' && e.len > 0).map((s) => s.t);
			const gaps = t.slice(1).map((x, i) => x - t[i]);
			expect(gaps.length).toBe(15); // tcp_retries2 for every preset (tcp-timer.ts)
			expect(Math.max(...gaps)).toBe(max);
			for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBe(Math.min(2 * gaps[i - 1], max));
		}
	});
});

describe('RTO estimators (property tests)', () => {
	const host = (os: OsPresetId) => {
		const sim = new Simulation({ seed: 1 });
		return sim.addHost({ name: 'h', ip: '10.0.0.1', os }).tcp('s');
	};

	it('the RTO never falls below the preset floor nor rises above its ceiling, whatever the RTT samples', () => {
		fc.assert(
			fc.property(
				fc.constantFrom(...OS_PRESET_IDS),
				fc.array(fc.record({ rtt: fc.integer({ min: 0, max: 200_000 }), advance: fc.integer({ min: 0, max: 5000 }) }), { minLength: 1, maxLength: 40 }),
				(os, samples) => {
					const t = host(os);
					const p = OS_PRESETS[os].rto;
					t.state = 'ESTABLISHED';
					for (const { rtt, advance } of samples) {
						// SND.UNA and SND.NXT move on, so Linux's per-round-trip decay runs too
						t.snd.una = (t.snd.una + advance) >>> 0;
						t.snd.nxt = (t.snd.una + advance) >>> 0;
						rttSample(t, rtt);
						expect(t.rto).toBeGreaterThanOrEqual(p.estimator === 'linux' ? Math.min(p.maxMs, t.srtt + p.minMs) : p.minMs);
						expect(t.rto).toBeGreaterThanOrEqual(Math.min(p.minMs, p.maxMs));
						expect(t.rto).toBeLessThanOrEqual(p.maxMs);
						expect(Number.isFinite(t.rto)).toBe(true);
					}
				}
			)
		);
	});

	it('a steady RTT settles the RTO at the steady-state value of each estimator', () => {
		const settle = (os: OsPresetId, rtt: number): number => {
			const t = host(os);
			t.state = 'ESTABLISHED';
			for (let i = 0; i < 200; i++) {
				t.snd.una = (t.snd.una + 1000) >>> 0;
				t.snd.nxt = (t.snd.una + 1000) >>> 0;
				rttSample(t, rtt);
			}
			return t.rto;
		};
		// RTTVAR → 0: RFC 6298 gives SRTT + G (but at least 1 s), Linux SRTT + 200 ms, BSD max(min, SRTT) + 200 ms
		expect(settle('rfc9293', 40)).toBe(1000);
		expect(settle('rfc9293', 3000)).toBeCloseTo(3001, 0);
		expect(settle('linux', 40)).toBeCloseTo(240, 0);
		expect(settle('freebsd', 40)).toBeCloseTo(240, 0);
		expect(settle('macos', 40)).toBeCloseTo(300, 0);
		expect(settle('windows', 40)).toBe(300);
	});
});
