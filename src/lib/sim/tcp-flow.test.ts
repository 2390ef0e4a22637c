/**
 * SYN options per OS preset and their negotiation (RFC 7323, RFC 2018), timestamps and PAWS,
 * the scaled receive window, zero-window probes per OS, and tcp_tw_reuse; the lesson scenarios
 * (content/lessons/02-tcp/03-flow-and-congestion, 05-port-exhaustion/tw-reuse.scn) assert the
 * rest with `expect` lines.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, type SegmentEvent, type WindowEvent } from './index';
import type { OsPresetId } from './os';
import { runScenario } from './scenario';
import type { TcpSocket } from './tcp-socket';

const segments = (events: readonly { kind: string }[]) => events.filter((e): e is SegmentEvent => e.kind === 'segment');

function pair(client: OsPresetId, server: OsPresetId, opts: { clientTcp?: object; serverTcp?: object; latencyMs?: number } = {}) {
	const sim = new Simulation({ seed: 9 });
	sim.addHost({ name: 'client', ip: '10.0.0.1', os: client, ...(opts.clientTcp ? { tcp: opts.clientTcp } : {}) });
	sim.addHost({ name: 'server', ip: '10.0.0.2', os: server, root: true, ...(opts.serverTcp ? { tcp: opts.serverTcp } : {}) });
	sim.addLink('client', 'server', { latencyMs: opts.latencyMs ?? 10 });
	return sim;
}

describe('SYN options per OS preset', () => {
	const cases: [OsPresetId, object][] = [
		['linux', { mss: 1460, wscale: 7, sackOk: true, ts: expect.anything() }],
		['windows', { mss: 1460, wscale: 8, sackOk: true }],
		['freebsd', { mss: 1460, wscale: 6, sackOk: true, ts: expect.anything() }],
		['macos', { mss: 1460, wscale: 6, sackOk: true, ts: expect.anything() }],
		['rfc9293', { mss: 1460 }]
	];
	for (const [os, want] of cases) {
		it(`${os} offers ${JSON.stringify(want)}`, () => {
			const sim = pair(os, 'linux');
			sim.at(0, () => sim.host('server').tcp('web').listen(80));
			sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
			const syn = segments(sim.run({ until: 100 }).events)[0];
			expect(syn.flags).toEqual(['SYN']);
			expect(syn.options).toEqual(want);
			if (syn.options?.ts) expect(syn.options.ts.ecr).toBe(0);
		});
	}

	it('the SYN,ACK answers only what the SYN offered, and the connection uses only what both sent', () => {
		const sim = pair('rfc9293', 'linux');
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
		sim.at(50, () => sim.socket('c').send(3000));
		const segs = segments(sim.run({ until: 500 }).events);
		expect(segs[1].flags).toEqual(['SYN', 'ACK']);
		expect(segs[1].options).toEqual({ mss: 1460 }); // no ws, sack or ts: the SYN had none
		const c = sim.socket('c') as TcpSocket;
		const s = sim.socket('web.1') as TcpSocket;
		for (const t of [c, s]) expect([t.wscaleOk, t.sackOk, t.tsOk, t.sndWscale, t.rcvWscale]).toEqual([false, false, false, 0, 0]);
		expect(segs.filter((x) => x.len > 0).map((x) => x.len)).toEqual([1460, 1460, 80]); // no timestamps: full MSS
		expect(segs.filter((x) => !x.flags.includes('SYN')).every((x) => x.options === undefined)).toBe(true);
	});

	it('options=-ts,-sack,-wscale turns options off per host', () => {
		const r = runScenario('host a 10.0.0.1 options=-ts,-sack\nhost b 10.0.0.2 root options=-wscale\nlink a b\n0ms b listen 80\n1ms a connect 10.0.0.2:80 as=c\nrun until=100ms\n');
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const [syn, synAck] = segments(r.trace.events);
		expect(syn.options).toEqual({ mss: 1460, wscale: 7 });
		expect(synAck.options).toEqual({ mss: 1460 }); // b offers neither ws (off) nor sack/ts (not offered by a)
	});

	it('rejects bad host settings with a message naming the key', () => {
		for (const [line, msg] of [
			['host a 10.0.0.1 options=ts', /options=-ts,-sack,-wscale/],
			['host a 10.0.0.1 options=-mss', /options=-ts,-sack,-wscale/],
			['host a 10.0.0.1 rcvbuf=0', /receive buffer/],
			['host a 10.0.0.1 os=freebsd tw_reuse=1', /tw_reuse= is a Linux setting/],
			['host a 10.0.0.1 tw_reuse=3', /tcp_tw_reuse 0-2/]
		] as const) {
			const r = runScenario(`${line}\nhost b 10.0.0.2\nlink a b\nrun\n`);
			expect(r.ok).toBe(false);
			if (!r.ok) expect(r.errors[0].message).toMatch(msg);
		}
	});
});

describe('timestamps and PAWS (RFC 7323)', () => {
	it('every segment carries TSval/TSecr once negotiated; TSecr echoes the peer’s latest TSval', () => {
		const sim = pair('linux', 'linux');
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
		sim.at(50, () => sim.socket('c').send(100));
		const segs = segments(sim.run({ until: 500 }).events);
		for (const s of segs) expect(s.options?.ts).toBeDefined();
		const data = segs.find((s) => s.len === 100)!;
		const ack = segs.find((s) => s.from === 'server' && s.t > data.t)!;
		expect(ack.options!.ts!.ecr).toBe(data.options!.ts!.val);
		expect(data.options!.ts!.val - segs[0].options!.ts!.val).toBe(Math.floor(data.t) - Math.floor(segs[0].t)); // a 1 kHz clock
	});

	it('drops and acknowledges a segment whose TSval is older than TS.Recent; accepts a newer one', () => {
		const sim = pair('linux', 'linux');
		sim.at(0, () => sim.host('server').tcp('web', { autoRead: false }).listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
		const inject = (tsVal: number, len: number) => () => {
			const c = sim.socket('c') as TcpSocket;
			const s = sim.socket('web.1') as TcpSocket;
			sim.inject({ from: 'client', proto: 'TCP', src: { ip: '10.0.0.1', port: c.localPort }, dst: { ip: '10.0.0.2', port: 80 }, flags: ['PSH', 'ACK'], seq: s.rcv.nxt, ack: s.snd.nxt, len, options: { ts: { val: tsVal, ecr: 0 } } });
		};
		let recent = 0;
		sim.at(100, () => {
			recent = (sim.socket('web.1') as TcpSocket).tsRecent;
		});
		sim.at(101, () => inject((recent - 1000) >>> 0, 10)());
		sim.at(150, () => inject((recent + 1000) >>> 0, 20)());
		const trace = sim.run({ until: 300 });
		const s = sim.socket('web.1') as TcpSocket;
		expect(s.bytesReceived).toBe(20); // the old one was dropped, the new one taken
		const acks = segments(trace.events).filter((e) => e.from === 'server' && e.t >= 111 && e.t < 150);
		expect(acks.length).toBe(1); // PAWS answers the old duplicate with an ACK (RFC 7323 §5.3 R1)
	});
});

describe('flow control: receive window, zero window, probes', () => {
	it('a FreeBSD sender probes a zero window with one byte, 5 s after it closed, then 10 s later', () => {
		const sim = pair('freebsd', 'linux', { serverTcp: { rcvBuf: 4000 } });
		sim.at(0, () => sim.host('server').tcp('web', { autoRead: false }).listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
		sim.at(100, () => sim.socket('c').send(10_000));
		const segs = segments(sim.run({ until: 30_000 }).events);
		const zero = segs.find((s) => s.from === 'server' && s.wnd === 0)!;
		const probes = segs.filter((s) => s.from === 'client' && s.t > zero.t && s.len === 1);
		expect(probes.length).toBeGreaterThanOrEqual(2);
		expect(probes[0].t - zero.arrivedAt!).toBeCloseTo(5000, 0); // TCPTV_PERSMIN
		expect(probes[1].t - probes[0].t).toBeCloseTo(10_000, 0); // doubled
		expect(probes[1].seq).toBe(probes[0].seq); // the same byte again
		expect(probes[1].retransmission).toBe(true);
	});

	it('in flight never exceeds the peer’s window, and the receiver never shrinks its window (property)', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1500, max: 40_000 }), fc.integer({ min: 1, max: 30_000 }), fc.constantFrom<OsPresetId>('linux', 'freebsd', 'windows', 'rfc9293'), fc.integer({ min: 1, max: 5 }), (buf, bytes, os, reads) => {
				const sim = pair(os, 'linux', { serverTcp: { rcvBuf: buf } });
				sim.at(0, () => sim.host('server').tcp('web', { autoRead: false }).listen(80));
				sim.at(1, () => sim.host('client').tcp('c').connect('10.0.0.2', 80));
				sim.at(50, () => sim.socket('c').send(bytes));
				for (let i = 1; i <= reads; i++) sim.at(50 + i * 3000, () => sim.socket('web.1').read());
				const trace = sim.run({ until: 60_000 });
				for (const w of trace.events.filter((e): e is WindowEvent => e.kind === 'window')) {
					if (w.socket === 'c') expect(w.inFlight).toBeLessThanOrEqual(Math.max(w.sndWnd, 1)); // a one-byte probe may exceed a zero window
				}
				// right edge (ACK + window) of the server's segments never moves left
				let edge = -1;
				for (const s of segments(trace.events).filter((e) => e.from === 'server' && !e.flags.includes('SYN'))) {
					const right = s.ack + s.wnd;
					expect(right).toBeGreaterThanOrEqual(edge);
					edge = right;
				}
				// every byte sent was read or is waiting: nothing beyond the window was accepted
				const server = sim.socket('web.1') as TcpSocket;
				expect(server.bytesReceived).toBeLessThanOrEqual(bytes);
			}),
			{ numRuns: 25 }
		);
	});
});
