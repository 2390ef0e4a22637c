import { describe, expect, it } from 'vitest';
import { Simulation, SimError, type SegmentEvent, type StateEvent, type Trace, type ErrorEvent, type PortEvent, type WindowEvent } from './index';

function pair(seed = 42, opts: { latencyMs?: number; clientOs?: 'linux' | 'freebsd' | 'macos' } = {}) {
	const sim = new Simulation({ seed });
	sim.addHost({ name: 'client', ip: '192.168.1.10', os: opts.clientOs ?? 'linux' });
	sim.addHost({ name: 'server', ip: '203.0.113.5', root: true });
	sim.addLink('client', 'server', { latencyMs: opts.latencyMs ?? 10 });
	return sim;
}
const segs = (t: Trace) => t.events.filter((e): e is SegmentEvent => e.kind === 'segment');
const states = (t: Trace, sock: string) =>
	t.events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === sock);
const errors = (t: Trace) => t.events.filter((e): e is ErrorEvent => e.kind === 'error');
const flags = (s: SegmentEvent) => s.flags.join(',');

function happy(seed = 42) {
	const sim = pair(seed);
	sim.at(0, () => sim.host('server').tcp('web').listen(80));
	sim.at(10, () => sim.host('client').tcp('c1').connect('203.0.113.5', 80));
	sim.at(60, () => sim.socket('c1').send(120, 'GET / HTTP/1.1'));
	sim.at(100, () => sim.socket('web.1').send(512));
	sim.at(1000, () => sim.socket('c1').close());
	sim.at(2000, () => sim.socket('web.1').close());
	return { sim, trace: sim.run({ until: 130_000 }) };
}

describe('happy path (RFC 9293 Figures 6 and 12)', () => {
	it('three-way handshake with random ISNs and mod-2^32 SEG.SEQ/SEG.ACK', () => {
		const { trace } = happy();
		const s = segs(trace);
		const [syn, synack, ack] = s;
		expect(flags(syn)).toBe('SYN');
		expect(flags(synack)).toBe('SYN,ACK');
		expect(flags(ack)).toBe('ACK');
		expect(synack.ack).toBe((syn.seq + 1) >>> 0);
		expect(ack.seq).toBe((syn.seq + 1) >>> 0);
		expect(ack.ack).toBe((synack.seq + 1) >>> 0);
		// server reply swaps ports (facts 14)
		expect(synack.src).toEqual(syn.dst);
		expect(synack.dst).toEqual(syn.src);
		expect(syn.arrivedAt).toBe(syn.t + 10);
		expect(states(trace, 'c1').map((e) => e.to)).toEqual([
			'SYN-SENT',
			'ESTABLISHED',
			'FIN-WAIT-1',
			'FIN-WAIT-2',
			'TIME-WAIT',
			'CLOSED'
		]);
		expect(states(trace, 'web.1').map((e) => `${e.from}>${e.to}`)).toEqual([
			'LISTEN>SYN-RECEIVED',
			'SYN-RECEIVED>ESTABLISHED',
			'ESTABLISHED>CLOSE-WAIT',
			'CLOSE-WAIT>LAST-ACK',
			'LAST-ACK>CLOSED'
		]);
	});

	it('data advances SEG.SEQ by the payload length and is ACKed', () => {
		const { trace } = happy();
		const s = segs(trace);
		const data = s.find((x) => x.len === 120) as SegmentEvent;
		expect(data.payload).toBe('GET / HTTP/1.1');
		const ackOfData = s.find((x) => x.from === 'server' && x.t >= (data.arrivedAt as number) && x.ack === ((data.seq + 120) >>> 0));
		expect(ackOfData).toBeDefined();
		const fin = s.find((x) => x.from === 'client' && x.flags.includes('FIN')) as SegmentEvent;
		expect(fin.seq).toBe((data.seq + 120) >>> 0);
	});

	it('active closer stays in TIME-WAIT exactly timeWaitMs (Linux 60 s), then releases its port', () => {
		const { trace } = happy();
		const c = states(trace, 'c1');
		const tw = c.find((e) => e.to === 'TIME-WAIT') as StateEvent;
		const closed = c.find((e) => e.from === 'TIME-WAIT') as StateEvent;
		expect(closed.t - tw.t).toBe(60_000);
		const ports = trace.events.filter((e): e is PortEvent => e.kind === 'port' && e.host === 'client');
		expect(ports.map((p) => p.action)).toEqual(['allocate', 'release']);
		expect(ports[1].t).toBe(closed.t);
		expect(ports[0].port).toBeGreaterThanOrEqual(32768);
		expect(ports[0].port).toBeLessThanOrEqual(60999);
	});

	it('passive closer never enters TIME-WAIT (facts 1)', () => {
		const { trace } = happy();
		expect(states(trace, 'web.1').some((e) => e.to === 'TIME-WAIT')).toBe(false);
	});

	it('accepted sockets share the listener port and allocate no port (facts 15)', () => {
		const sim = pair();
		sim.addHost({ name: 'client2', ip: '192.168.1.11' });
		sim.addLink('client2', 'server', { latencyMs: 5 });
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(1, () => sim.host('client').tcp('a').connect('203.0.113.5', 80));
		sim.at(1, () => sim.host('client2').tcp('b').connect('203.0.113.5', 80));
		const tr = sim.run({ until: 100 });
		const live = sim.sockets().filter((s) => s.host === 'server');
		expect(live.map((s) => s.local.port)).toEqual([80, 80, 80]);
		expect(live.map((s) => s.id).sort()).toEqual(['web', 'web.1', 'web.2']);
		const serverPorts = tr.events.filter((e) => e.kind === 'port' && e.host === 'server');
		expect(serverPorts).toHaveLength(1);
		expect(sim.host('server').portsInUse()).toEqual([80]);
	});

	it('same seed gives an identical trace; a different seed gives different ISNs', () => {
		const a = JSON.stringify(happy(7).trace);
		const b = JSON.stringify(happy(7).trace);
		expect(a).toBe(b);
		const isnA = segs(happy(7).trace)[0].seq;
		const isnB = segs(happy(8).trace)[0].seq;
		expect(isnA).not.toBe(isnB);
	});

	it('each connection gets its own ISN', () => {
		const sim = pair();
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		for (let i = 0; i < 5; i++) sim.at(1, () => sim.host('client').tcp(`c${i}`).connect('203.0.113.5', 80));
		const tr = sim.run({ until: 100 });
		const isns = new Set(segs(tr).filter((s) => flags(s) === 'SYN').map((s) => s.seq));
		expect(isns.size).toBe(5);
	});
});

describe('errors and resets', () => {
	it('SYN to a port with no socket gets <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>; connect fails ECONNREFUSED (facts 7)', () => {
		const sim = pair();
		sim.at(0, () => sim.host('client').tcp('c').connect('203.0.113.5', 81));
		const tr = sim.run();
		const [syn, rst] = segs(tr);
		expect(flags(rst)).toBe('RST,ACK');
		expect(rst.seq).toBe(0);
		expect(rst.ack).toBe((syn.seq + 1) >>> 0);
		expect(errors(tr).map((e) => e.errno)).toEqual(['ECONNREFUSED']);
		expect(sim.socket('c').state).toBe('CLOSED');
		expect(sim.host('client').portsInUse()).toEqual([]);
		expect(segs(tr)).toHaveLength(2); // the RST is not answered
	});

	it('close() with unread data sends RST instead of FIN (RFC 9293 3.6.1 SHLD-3)', () => {
		const sim = pair();
		sim.at(0, () => sim.host('server').tcp('web', { autoRead: false }).listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('203.0.113.5', 80));
		sim.at(100, () => sim.socket('c').send(100));
		sim.at(200, () => sim.socket('web.1').close());
		const tr = sim.run({ until: 1000 });
		const last = segs(tr).filter((s) => s.from === 'server').pop() as SegmentEvent;
		expect(last.flags).toContain('RST');
		expect(sim.socket('web.1').state).toBe('CLOSED');
		expect(sim.socket('c').state).toBe('CLOSED');
		expect(errors(tr).map((e) => e.errno)).toEqual(['ECONNRESET']);
	});

	it('close() after read() sends FIN', () => {
		const sim = pair();
		sim.at(0, () => sim.host('server').tcp('web', { autoRead: false }).listen(80));
		sim.at(1, () => sim.host('client').tcp('c').connect('203.0.113.5', 80));
		sim.at(100, () => sim.socket('c').send(100));
		sim.at(150, () => sim.socket('web.1').read());
		sim.at(200, () => sim.socket('web.1').close());
		const tr = sim.run({ until: 1000 });
		const last = segs(tr).filter((s) => s.from === 'server').pop() as SegmentEvent;
		expect(flags(last)).toBe('FIN,ACK');
		expect(sim.socket('c').state).toBe('CLOSE-WAIT');
	});

	it('retransmits a lost SYN after 1 s, then completes', () => {
		const sim = pair();
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(0, () => sim.dropNext({ from: 'client', to: 'server' }));
		sim.at(0, () => sim.host('client').tcp('c').connect('203.0.113.5', 80));
		const tr = sim.run({ until: 5000 });
		const s = segs(tr);
		expect(s[0].arrivedAt).toBeNull();
		expect(s[0].dropped).toBe('lost');
		expect(s[1].t).toBe(1000);
		expect(s[1].retransmission).toBe(true);
		expect(s[1].seq).toBe(s[0].seq);
		expect(sim.socket('c').state).toBe('ESTABLISHED');
	});

	it('connect() to a silent host gives up with ETIMEDOUT after 6 SYN retransmissions (1,2,4,…64 s)', () => {
		const sim = pair();
		sim.addHost({ name: 'void', ip: '198.51.100.9', scripted: true });
		sim.addLink('client', 'void', { latencyMs: 10 });
		sim.at(0, () => sim.host('client').tcp('c').connect('198.51.100.9', 80));
		const tr = sim.run();
		const s = segs(tr);
		expect(s.map((x) => x.t)).toEqual([0, 1000, 3000, 7000, 15000, 31000, 63000]);
		const err = errors(tr);
		expect(err.map((e) => e.errno)).toEqual(['ETIMEDOUT']);
		expect(err[0].t).toBe(127_000);
		expect(sim.host('client').portsInUse()).toEqual([]);
	});

	it('a lost data segment is retransmitted and the receiver ends in sync', () => {
		const sim = pair();
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(0, () => sim.host('client').tcp('c').connect('203.0.113.5', 80));
		sim.at(100, () => {
			sim.dropNext({ from: 'client', to: 'server' });
			sim.socket('c').send(4000);
		});
		const tr = sim.run({ until: 10_000 });
		const c = sim.sockets().find((x) => x.id === 'c')!;
		const w = sim.sockets().find((x) => x.id === 'web.1')!;
		expect(c.sndNxt).toBe(w.rcvNxt);
		expect(c.sndUna).toBe(c.sndNxt);
		expect(segs(tr).filter((s) => s.retransmission)).toHaveLength(1);
	});

	it('RST in TIME-WAIT: Linux closes, FreeBSD ignores (RFC 1337)', () => {
		for (const [os, expected] of [
			['linux', 'CLOSED'],
			['freebsd', 'TIME-WAIT']
		] as const) {
			const sim = pair(1, { clientOs: os });
			sim.at(0, () => sim.host('server').tcp('web').listen(80));
			sim.at(0, () => sim.host('client').tcp('c').connect('203.0.113.5', 80));
			sim.at(100, () => sim.socket('c').close());
			sim.at(200, () => sim.socket('web.1').close());
			sim.run({ until: 500 });
			expect(sim.socket('c').state).toBe('TIME-WAIT');
			const c = sim.sockets().find((x) => x.id === 'c')!;
			sim.inject({
				from: 'server',
				proto: 'TCP',
				src: { ip: '203.0.113.5', port: 80 },
				dst: c.local,
				flags: ['RST'],
				seq: c.rcvNxt!
			});
			sim.run({ until: 1000 });
			expect(sim.socket('c').state).toBe(expected);
		}
	});

	it('programming errors throw SimError', () => {
		const sim = pair();
		expect(() => sim.host('nope')).toThrow(SimError);
		expect(() => sim.socket('nope')).toThrow(SimError);
		expect(() => sim.host('client').tcp('x').connect('1.2.3', 80)).toThrow(SimError);
		expect(() => sim.host('client').tcp('y').listen(70000)).toThrow(SimError);
		expect(() => sim.host('client').tcp('x')).toThrow(/already exists/);
		expect(() => sim.addHost({ name: 'client', ip: '10.0.0.1' })).toThrow(SimError);
		expect(() => sim.addHost({ name: 'z', ip: '192.168.1.10' })).toThrow(/already used/);
		sim.run({ until: 10 });
		expect(() => sim.at(5, () => {})).toThrow(/past/);
	});

	it('bind below 1024 without root fails EACCES; a second bind fails EADDRINUSE', () => {
		const sim = pair();
		let r1 = true;
		let r2 = true;
		sim.at(0, () => {
			r1 = sim.host('client').tcp('a').bind(80);
			sim.host('server').tcp('b').listen(80);
			r2 = sim.host('server').tcp('c').bind(80);
		});
		const tr = sim.run();
		expect(r1).toBe(false);
		expect(r2).toBe(false);
		expect(errors(tr).map((e) => e.errno)).toEqual(['EACCES', 'EADDRINUSE']);
	});

	it('listen() without a port autobinds an odd ephemeral port on Linux', () => {
		const sim = pair();
		sim.at(0, () => sim.host('client').tcp('l').listen());
		sim.run();
		const p = sim.socket('l').localPort;
		expect(p % 2).toBe(1);
		expect(p).toBeGreaterThanOrEqual(32768);
	});
});

describe('socket ids', () => {
	it('children are found as <listener>.<n>; a user id of that form clashes in either order', () => {
		const sim = pair();
		const web = sim.host('server').tcp('web');
		web.listen(80);
		// a user id in child form taken first: the child that would get it makes the run throw
		sim.host('server').tcp('web.2');
		sim.at(0, () => sim.host('client').tcp('c1').connect('203.0.113.5', 80));
		sim.run({ until: 100 });
		expect(sim.socket('web.1').state).toBe('ESTABLISHED');
		expect(sim.socket('web.1').remote).toEqual({ ip: '192.168.1.10', port: sim.socket('c1').localPort });
		expect(sim.socketOrNull('web.3')).toBeNull();
		expect(() => sim.socket('nosuch.1')).toThrow(SimError);
		// a child taken first: the user's id is refused
		expect(() => sim.host('server').tcp('web.1')).toThrow(/already exists/);
		sim.at(200, () => sim.host('client').tcp('c2').connect('203.0.113.5', 80));
		expect(() => sim.run({ until: 300 })).toThrow(/"web.2" already exists/);
	});

	it('generated ids <host>#<n> are found and clash with user ids of that form', () => {
		const sim = pair();
		const a = sim.host('client').tcp();
		expect(a.id).toBe('client#1');
		expect(sim.socket('client#1')).toBe(a);
		expect(() => sim.host('server').tcp('client#1')).toThrow(/already exists/);
		// every tcp() call on a host advances its counter, named or not
		sim.host('server').tcp('client#3');
		expect(sim.host('client').tcp().id).toBe('client#2');
		expect(() => sim.host('client').tcp()).toThrow(/"client#3" already exists/);
	});
});

describe('retransmission queue', () => {
	it('a long transfer over a lossy link delivers every byte; the queue holds at most a window of segments', () => {
		const sim = new Simulation({ seed: 5 });
		sim.addHost({ name: 'client', ip: '10.0.0.1' });
		sim.addHost({ name: 'server', ip: '10.0.0.2', root: true });
		sim.addLink('client', 'server', { latencyMs: 5, loss: 0.02 });
		sim.host('server').tcp('web').listen(80);
		const c = sim.host('client').tcp('c');
		sim.at(0, () => c.connect('10.0.0.2', 80));
		// 4 MB in 64 KB sends: about 2,900 segments of 1448 bytes, at most a window's worth (44) in flight at a time
		for (let i = 0; i < 64; i++) sim.at(100 + i, () => c.send(65536));
		// look at the queue every 10 ms of the transfer
		let longest = 0;
		let flight = 0;
		for (let t = 100; t < 20_000; t += 10) {
			sim.at(t, () => {
				longest = Math.max(longest, c.rtx?.length ?? 0);
				flight = Math.max(flight, (c.snd.nxt - c.snd.una) >>> 0);
			});
		}
		// (Linux recovers most losses with RACK-TLP and SACK now; the run is bounded all the same)
		const trace = sim.run({ until: 7_200_000 });
		expect(sim.socket('web.1').bytesReceived).toBe(64 * 65536);
		const segs = trace.events.filter((e): e is SegmentEvent => e.kind === 'segment');
		expect(segs.filter((s) => s.retransmission).length).toBeGreaterThan(10);
		expect(segs.filter((s) => s.src.port !== 80 && s.len > 0 && !s.retransmission).length).toBeGreaterThan(2800);
		expect(c.rtx === null || c.rtx.isEmpty()).toBe(true); // everything acknowledged (an empty queue is dropped unless loss recovery has begun)
		// The window is min(cwnd, SND.WND) (RFC 5681 §2, RFC 9293 §3.8.6): output() records a window
		// event right after the segments it sends, so the first one after new data shows the gate it passed.
		let pending = false;
		let bound = 0;
		let reached = 0;
		for (const e of trace.events) {
			if (e.kind === 'segment' && e.from === 'client' && e.len > 0 && !e.retransmission) pending = true;
			if (e.kind !== 'window' || e.socket !== 'c') continue;
			const w = e as WindowEvent;
			const allowed = Math.min(w.cwnd ?? Infinity, w.sndWnd);
			if (pending) expect(w.inFlight, `at ${w.t} ms`).toBeLessThanOrEqual(allowed); // never more than the window …
			if (pending) reached = Math.max(reached, w.inFlight);
			bound = Math.max(bound, allowed);
			pending = false;
		}
		// cwnd outgrew the receiver's window, so the largest window was SND.WND: Linux's 64,240 rounded up to 502 << 7
		expect(bound).toBe(64256);
		// … and the sender filled it, up to less than one segment: it keeps back a sub-MSS remainder
		// (sender-side silly window avoidance, RFC 9293 §3.8.6.2.1; Linux tcp_snd_wnd_test())
		expect(reached).toBeGreaterThan(bound - 1448);
		expect(flight).toBeLessThanOrEqual(bound); // the 10 ms samples agree
		expect(flight).toBeGreaterThan(bound - 1448);
		expect(longest).toBeGreaterThan(40); // … as a window's worth of segments …
		expect(longest).toBeLessThan(100); // … and the queue held no more than that: acknowledged segments leave it (the transfer has 2,900)
	});
});
