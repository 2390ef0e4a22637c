/**
 * ACK-loop protection (issue 12 item 1): one forged in-window data segment must not start an
 * endless ACK exchange. ACKs sent in reply to invalid segments are throttled per OS preset
 * (Linux tcp_invalid_ratelimit = 500 ms; RFC 5961 §7 elsewhere), and Linux drops an ACK of
 * data it never sent without answering.
 */
import { describe, expect, it } from 'vitest';
import { OS_PRESET_IDS, Simulation, type OsPresetId, type SegmentEvent, type Trace } from './index';
import { runScenario } from './scenario/run';
import { ackStorm } from './ack-storm.testkit';

const segs = (t: Trace): SegmentEvent[] => t.events.filter((e): e is SegmentEvent => e.kind === 'segment');

describe('the ACK storm of one forged in-window data segment', () => {
	it('Linux to Linux: ends by itself (5 segments: handshake, forged data, one ACK the client drops)', () => {
		const r = runScenario(ackStorm('linux', 'linux'), { maxEvents: 20_000 });
		if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
		expect(segs(r.trace).map((s) => `${s.t} ${s.from}>${s.to} ${s.flags.join(',')}`)).toEqual([
			'10 client>server SYN',
			'20 server>client SYN,ACK',
			'30 client>server ACK',
			'100 client>server PSH,ACK',
			'110 server>client ACK'
		]);
	});

	it('Windows client, Linux server: the server sends one duplicate ACK per 500 ms, so the loop stops', () => {
		const r = runScenario(ackStorm('windows', 'linux'), { maxEvents: 20_000 });
		if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
		const s = segs(r.trace);
		expect(s).toHaveLength(8);
		expect(s.at(-1)?.t).toBe(140);
	});

	for (const a of OS_PRESET_IDS) {
		for (const b of OS_PRESET_IDS) {
			it(`${a} client, ${b} server: ends within a few dozen segments`, () => {
				const r = runScenario(ackStorm(a, b), { maxEvents: 20_000 });
				if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
				expect(segs(r.trace).length).toBeLessThanOrEqual(30);
			});
		}
	}
});

/** An established Linux/`os` connection client:40000 → server:80 with a scripted attacker host. */
function established(os: OsPresetId) {
	const sim = new Simulation({ seed: 5 });
	sim.addHost({ name: 'client', ip: '192.168.1.10', os });
	sim.addHost({ name: 'server', ip: '203.0.113.5', os, root: true });
	sim.addHost({ name: 'attacker', ip: '198.51.100.9', scripted: true });
	sim.addLink('client', 'server', { latencyMs: 1 });
	sim.addLink('attacker', 'server', { latencyMs: 1 });
	sim.at(0, () => sim.host('server').tcp('web').listen(80));
	sim.at(1, () => {
		const c = sim.host('client').tcp('c1');
		c.bind(40000);
		c.connect('203.0.113.5', 80);
	});
	sim.run({ until: 50 });
	/** Forge a segment "from" the client, arriving at the server 1 ms later. */
	const forge = (t: number, flags: ('ACK' | 'RST' | 'SYN' | 'PSH')[], seqOffset: number, len = 0): void =>
		sim.at(t, () => {
			const w = sim.socket('web.1');
			sim.inject({
				from: 'attacker',
				proto: 'TCP',
				src: { ip: '192.168.1.10', port: 40000 },
				dst: { ip: '203.0.113.5', port: 80 },
				flags,
				seq: (w.snapshot().rcvNxt! + seqOffset) >>> 0,
				ack: w.snapshot().sndNxt!,
				len
			});
		});
	/** Times at which the server sent a segment to the client from `since` on. */
	const replies = (since: number): number[] =>
		segs(sim.trace())
			.filter((s) => s.from === 'server' && s.t >= since)
			.map((s) => s.t);
	return { sim, forge, replies };
}

describe('throttled ACKs to invalid segments (per preset)', () => {
	it('Linux: a duplicate ACK to out-of-window pure ACKs at most once per 500 ms (tcp_invalid_ratelimit)', () => {
		const { sim, forge, replies } = established('linux');
		// An old pure ACK (SEG.SEQ 1000 bytes behind RCV.NXT) every 100 ms, from 100 to 1500 ms.
		for (let t = 100; t <= 1500; t += 100) forge(t, ['ACK'], -1000);
		sim.run({ until: 3000 });
		expect(replies(100)).toEqual([101, 601, 1101]);
	});

	it('Linux: out-of-window data is always answered (data is not part of an ACK loop)', () => {
		const { sim, forge, replies } = established('linux');
		for (let t = 100; t <= 500; t += 100) forge(t, ['PSH', 'ACK'], -1000, 10);
		sim.run({ until: 3000 });
		expect(replies(100)).toEqual([101, 201, 301, 401, 501]);
	});

	it('Linux: challenge ACKs to in-window RSTs share the same 500 ms limit', () => {
		const { sim, forge, replies } = established('linux');
		for (let t = 100; t <= 900; t += 100) forge(t, ['RST'], 5);
		sim.run({ until: 3000 });
		expect(replies(100)).toEqual([101, 601]);
		expect(sim.socket('web.1').snapshot().state).toBe('ESTABLISHED');
	});

	it('Windows (RFC 5961 §7, assumed 10 per 5 s): the 11th ACK within 5 s is not sent', () => {
		const { sim, forge, replies } = established('windows');
		for (let t = 100; t <= 1500; t += 100) forge(t, ['ACK'], -1000);
		forge(5200, ['ACK'], -1000);
		sim.run({ until: 8000 });
		expect(replies(100)).toEqual([101, 201, 301, 401, 501, 601, 701, 801, 901, 1001, 5201]);
	});

	it('every preset documents its limit in its notes', async () => {
		const { OS_PRESETS } = await import('./os');
		for (const id of OS_PRESET_IDS) {
			const p = OS_PRESETS[id];
			expect(p.invalidAck.intervalMs).toBeGreaterThan(0);
			expect(p.invalidAck.count).toBeGreaterThan(0);
			expect(p.notes).toMatch(/Invalid segments:/);
		}
	});
});
