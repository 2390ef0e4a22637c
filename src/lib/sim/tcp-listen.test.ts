import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation, SimError, type ErrorEvent, type QueueEvent, type SegmentEvent, type StateEvent, type Trace } from './index';
import { COOKIE_MSS, listenBacklog } from './tcp-listen';
import type { TcpSocket } from './tcp-socket';

const segs = (t: Trace) => t.events.filter((e): e is SegmentEvent => e.kind === 'segment');
const queueEvents = (t: Trace) => t.events.filter((e): e is QueueEvent => e.kind === 'queue');
const errors = (t: Trace) => t.events.filter((e): e is ErrorEvent => e.kind === 'error');
const statesOf = (t: Trace, sock: string) => t.events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === sock).map((e) => e.to);
const flags = (s: SegmentEvent) => s.flags.join(',');

/** `n` Linux clients c1..cn, each on its own 10 ms link to a Linux server. */
function net(n: number, serverOpts: { syncookies?: boolean } = {}, seed = 9) {
	const sim = new Simulation({ seed });
	sim.addHost({ name: 'server', ip: '203.0.113.5', root: true, ...serverOpts });
	for (let i = 1; i <= n; i++) {
		sim.addHost({ name: `c${i}`, ip: `192.168.1.${10 + i}` });
		sim.addLink(`c${i}`, 'server', { latencyMs: 10 });
	}
	return sim;
}

describe('listen backlog (Linux __sys_listen: min(backlog, somaxconn))', () => {
	it('clamps the backlog to somaxconn (4096 on Linux, 128 on FreeBSD) and gives SOMAXCONN for none or a negative one', () => {
		const sim = new Simulation({ seed: 1 });
		const lx = sim.addHost({ name: 'lx', ip: '10.0.0.1', root: true });
		const bsd = sim.addHost({ name: 'bsd', ip: '10.0.0.2', os: 'freebsd', root: true });
		expect(listenBacklog(lx, 511)).toBe(511);
		expect(listenBacklog(lx, 100_000)).toBe(4096);
		expect(listenBacklog(lx)).toBe(4096);
		expect(listenBacklog(lx, -1)).toBe(4096);
		expect(listenBacklog(bsd, 511)).toBe(128);
		const s = lx.tcp('web');
		s.listen(80, { backlog: 7 });
		expect(s.backlog).toBe(7);
		expect(() => lx.tcp('x').listen(81, { backlog: 1.5 })).toThrow(SimError);
	});

	it('rejects a synRetries override outside 0..127', () => {
		const sim = new Simulation({ seed: 1 });
		expect(() => sim.addHost({ name: 'h', ip: '10.0.0.1', synRetries: 128 })).toThrow(SimError);
		expect(() => sim.addHost({ name: 'g', ip: '10.0.0.2', synRetries: -1 })).toThrow(SimError);
	});
});

describe('the accept queue (tcp_conn_request, tcp_check_req)', () => {
	it('holds backlog + 1 connections; a SYN that finds it full is dropped and retried by the client', () => {
		const sim = net(3);
		sim.at(0, () => sim.host('server').tcp('web').listen(80, { backlog: 1, manualAccept: true }));
		sim.at(10, () => sim.host('c1').tcp('a').connect('203.0.113.5', 80));
		sim.at(100, () => sim.host('c2').tcp('b').connect('203.0.113.5', 80));
		sim.at(200, () => sim.host('c3').tcp('c').connect('203.0.113.5', 80));
		sim.at(1500, () => sim.socket('web').accept());
		const tr = sim.run({ until: 5000 });
		const web = sim.socket('web') as TcpSocket;
		// two wait (backlog + 1), the third SYN is dropped at 210 ms and at 1210 ms
		const drops = queueEvents(tr).filter((e) => e.action === 'syn-dropped');
		expect(drops.map((e) => e.t)).toEqual([210, 1210]);
		expect(drops.every((e) => e.acceptQueue === 2 && e.backlog === 1)).toBe(true);
		const c3 = segs(tr).filter((s) => s.from === 'c3');
		expect(c3.map((s) => [s.t, flags(s)])).toEqual([
			[200, 'SYN'],
			[1200, 'SYN'],
			[3200, 'SYN'],
			[3220, 'ACK']
		]);
		// accept() at 1500 made room: the SYN of 3200 gets web.3, which waits in the queue
		expect(statesOf(tr, 'web.3')).toEqual(['SYN-RECEIVED', 'ESTABLISHED']);
		expect(web.acceptQueue?.map((c) => c.id)).toEqual(['web.2', 'web.3']);
	});

	it('drops the final ACK when the queue filled meanwhile; the SYN,ACK is resent and a later ACK gets in', () => {
		const sim = net(3);
		sim.at(0, () => sim.host('server').tcp('web').listen(80, { backlog: 1, manualAccept: true }));
		sim.at(10, () => sim.host('c1').tcp('a').connect('203.0.113.5', 80));
		sim.at(100, () => sim.host('c2').tcp('b').connect('203.0.113.5', 80));
		sim.at(101, () => sim.host('c3').tcp('c').connect('203.0.113.5', 80));
		sim.at(1500, () => sim.socket('web').accept());
		const tr = sim.run({ until: 5000 });
		expect(sim.socket('c').state).toBe('ESTABLISHED');
		const acks = queueEvents(tr).filter((e) => e.action === 'ack-dropped');
		expect(acks.map((e) => e.t)).toEqual([131, 1131]);
		const toC3 = segs(tr).filter((s) => s.to === 'c3');
		expect(toC3.map((s) => [s.t, flags(s), s.retransmission === true])).toEqual([
			[111, 'SYN,ACK', false],
			[1111, 'SYN,ACK', true],
			[3111, 'SYN,ACK', true]
		]);
		const web3 = tr.events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === 'web.3');
		expect(web3.map((e) => [e.t, e.to])).toEqual([
			[111, 'SYN-RECEIVED'],
			[3131, 'ESTABLISHED']
		]);
	});

	it('accept() with an empty queue waits for the next connection; accept() on an ordinary listener is EINVAL', () => {
		const sim = net(1);
		sim.at(0, () => {
			sim.host('server').tcp('web').listen(80, { manualAccept: true });
			sim.host('server').tcp('auto').listen(81);
		});
		sim.at(5, () => sim.socket('web').accept());
		sim.at(6, () => sim.socket('auto').accept());
		sim.at(10, () => sim.host('c1').tcp('a').connect('203.0.113.5', 80));
		const tr = sim.run({ until: 1000 });
		const calls = tr.events.filter((e) => e.kind === 'call' && e.call === 'accept');
		expect(calls.map((e) => [e.t, e.kind === 'call' ? e.detail : ''])).toEqual([
			[5, '(blocks: accept queue empty)'],
			[6, ''],
			[40, 'web.1 from 192.168.1.11:' + (sim.socket('a') as TcpSocket).local.port]
		]);
		expect(errors(tr).map((e) => [e.socket, e.errno])).toEqual([['auto', 'EINVAL']]);
	});

	it('closing the listener resets the connections still waiting in the accept queue', () => {
		const sim = net(1);
		sim.at(0, () => sim.host('server').tcp('web').listen(80, { manualAccept: true }));
		sim.at(10, () => sim.host('c1').tcp('a').connect('203.0.113.5', 80));
		sim.at(100, () => sim.socket('web').close());
		const tr = sim.run({ until: 1000 });
		const rst = segs(tr).find((s) => s.from === 'server' && s.flags.includes('RST'));
		expect(rst?.t).toBe(100);
		expect(sim.socket('a').state).toBe('CLOSED');
		expect(errors(tr).map((e) => [e.socket, e.errno])).toEqual([['a', 'ECONNRESET']]);
	});
});

describe('SYN flood and SYN cookies (net/ipv4/syncookies.c)', () => {
	/** A listener with backlog 2 flooded by 6 spoofed SYNs, then a real client at 500 ms. */
	function flood(cookies: boolean, more?: (sim: Simulation) => void) {
		const sim = net(1, { syncookies: cookies });
		sim.addHost({ name: 'ghost', ip: '198.51.100.66', scripted: true });
		sim.addHost({ name: 'attacker', ip: '198.51.100.9' });
		sim.addLink('ghost', 'server', { latencyMs: 10 });
		sim.addLink('attacker', 'server', { latencyMs: 10 });
		sim.at(0, () => sim.host('server').tcp('web').listen(80, { backlog: 2 }));
		for (let i = 0; i < 6; i++) {
			sim.at(100 + 10 * i, () =>
				sim.inject({ from: 'attacker', proto: 'TCP', src: { ip: '198.51.100.66', port: 40000 + i }, dst: { ip: '203.0.113.5', port: 80 }, flags: ['SYN'], seq: 1000 * i })
			);
		}
		sim.at(500, () => sim.host('c1').tcp('a').connect('203.0.113.5', 80));
		more?.(sim);
		return { sim, tr: sim.run({ until: 10_000 }) };
	}

	it('keeps backlog + 1 half-open connections, then answers with a cookie and keeps nothing', () => {
		const { sim, tr } = flood(true);
		const web = sim.socket('web') as TcpSocket;
		// web.1..web.3 are the flood's half-open connections (3 = backlog + 1); SYNs 4-6 get cookies
		const sent = queueEvents(tr).filter((e) => e.action === 'cookie-sent');
		expect(sent.map((e) => e.remote.port)).toEqual([40003, 40004, 40005, sim.socket('a').local.port]);
		expect(sent.every((e) => e.synQueue === 3)).toBe(true);
		// the cookie is the SYN,ACK's ISN, and the client's IRS
		const synack = segs(tr).find((s) => s.to === 'c1' && flags(s) === 'SYN,ACK')!;
		expect(synack.seq).toBe(sent[3].cookie);
		expect((sim.socket('a') as TcpSocket).snapshot().irs).toBe(sent[3].cookie);
		// the returning ACK makes web.4 straight into ESTABLISHED, with the cookie as its ISS
		expect(statesOf(tr, 'web.4')).toEqual(['ESTABLISHED']);
		const child = sim.socket('web.4') as TcpSocket;
		expect(child.snapshot().iss).toBe(sent[3].cookie);
		expect(sim.socket('a').state).toBe('ESTABLISHED');
		expect(queueEvents(tr).filter((e) => e.action === 'cookie-accepted')).toHaveLength(1);
		// no more children than the three half-open ones and the client's
		expect(web.childCount).toBe(4);
	});

	it('encodes an MSS from the cookie table: 536 for a SYN without an MSS option', () => {
		const { sim, tr } = flood(true);
		expect(COOKIE_MSS).toEqual([536, 1300, 1440, 1460]);
		// the injected flood SYNs carry no options: RFC 9293 §3.7.1's default 536 goes into their cookies
		const sent = queueEvents(tr).filter((e) => e.action === 'cookie-sent');
		const flooded = sent.filter((e) => e.remote.port !== sim.socket('a').local.port);
		expect(flooded).toHaveLength(3);
		for (const e of flooded) expect(e.detail).toContain('(MSS 536)');
		// the real client's SYN offers MSS 1460 (tcp-options.ts), a table value: its cookie keeps it
		const clientSyn = segs(tr).find((s) => s.from === 'c1' && flags(s) === 'SYN')!;
		expect(clientSyn.options?.mss).toBe(1460);
		expect(sent.at(-1)!.detail).toContain('(MSS 1460)');
		expect(queueEvents(tr).find((e) => e.action === 'cookie-accepted')!.detail).toContain('(MSS 1460)');
	});

	it('without cookies the real client SYN is dropped and retried while the flood holds the queue', () => {
		const { sim, tr } = flood(false);
		const drops = queueEvents(tr).filter((e) => e.action === 'syn-dropped' && e.remote.ip === '192.168.1.11');
		expect(drops.map((e) => e.t)).toEqual([510, 1510, 3510, 7510]);
		expect(sim.socket('a').state).toBe('SYN-SENT');
	});

	it('answers a forged ACK (no valid cookie) with RST, even during an overflow', () => {
		const { tr } = flood(true, (sim) =>
			sim.at(600, () =>
				sim.inject({ from: 'attacker', proto: 'TCP', src: { ip: '198.51.100.66', port: 41000 }, dst: { ip: '203.0.113.5', port: 80 }, flags: ['ACK'], seq: 5, ack: 12345 })
			)
		);
		expect(queueEvents(tr).filter((e) => e.action === 'cookie-rejected')).toHaveLength(1);
		const rst = segs(tr).find((s) => s.t >= 600 && s.from === 'server' && s.to === 'ghost' && flags(s) === 'RST');
		expect(rst?.seq).toBe(12345);
	});
});

describe('connect() failures: RST, silence, ICMP', () => {
	function behindFirewall(clientOs: 'linux' | 'windows' | 'freebsd', rule: { rejectWith?: 'port-unreachable' | 'host-prohibited' | 'admin-prohibited' | 'tcp-reset'; deny?: boolean }) {
		const sim = new Simulation({ seed: 4 });
		sim.addHost({ name: 'client', ip: '192.168.1.10', os: clientOs });
		sim.addRouter({ name: 'fw', ips: ['192.168.1.1', '203.0.113.1'] });
		sim.addHost({ name: 'server', ip: '203.0.113.5', root: true });
		sim.addLink('client', 'fw', { latencyMs: 10 });
		sim.addLink('fw', 'server', { latencyMs: 10 });
		sim.setFirewall('fw', {
			mode: 'stateless',
			rules: [
				rule.deny
					? { action: 'deny', direction: 'out', proto: 'TCP', dport: 8080 }
					: { action: 'reject', direction: 'out', proto: 'TCP', dport: 8080, ...(rule.rejectWith ? { rejectWith: rule.rejectWith } : {}) },
				{ action: 'allow', direction: 'out', proto: 'any' },
				{ action: 'allow', direction: 'in', proto: 'any' }
			]
		});
		sim.at(0, () => sim.host('client').tcp('c').connect('203.0.113.5', 8080));
		return { sim, tr: sim.run({ until: 200_000 }) };
	}

	it('Linux: REJECT with the default port-unreachable → ECONNREFUSED after one round trip to the firewall', () => {
		const { tr } = behindFirewall('linux', {});
		const icmp = tr.events.find((e) => e.kind === 'icmp');
		expect(icmp && icmp.kind === 'icmp' ? [icmp.from, icmp.type, icmp.code, icmp.t] : null).toEqual(['fw', 3, 3, 10]);
		expect(errors(tr).map((e) => [e.errno, e.t])).toEqual([['ECONNREFUSED', 20]]);
	});

	it('Linux: host-prohibited and admin-prohibited → EHOSTUNREACH at once', () => {
		for (const w of ['host-prohibited', 'admin-prohibited'] as const) {
			const { tr, sim } = behindFirewall('linux', { rejectWith: w });
			expect(errors(tr).map((e) => [e.errno, e.t])).toEqual([['EHOSTUNREACH', 20]]);
			expect(sim.socket('c').state).toBe('CLOSED');
		}
	});

	it('FreeBSD drops the attempt on admin-prohibited but not on host-prohibited (a soft error: it retries)', () => {
		expect(errors(behindFirewall('freebsd', { rejectWith: 'admin-prohibited' }).tr).map((e) => e.errno)).toEqual(['EHOSTUNREACH']);
		const soft = errors(behindFirewall('freebsd', { rejectWith: 'host-prohibited' }).tr);
		expect(soft.map((e) => [e.errno, e.t])).toEqual([['ETIMEDOUT', 127_000]]);
	});

	it('REJECT with tcp-reset: the RST comes from the firewall in the server\'s name → ECONNREFUSED', () => {
		const { tr } = behindFirewall('linux', { rejectWith: 'tcp-reset' });
		const rst = segs(tr).find((s) => s.flags.includes('RST'))!;
		expect([rst.from, rst.src.ip, rst.src.port, flags(rst)]).toEqual(['fw', '203.0.113.5', 8080, 'RST,ACK']);
		expect(errors(tr).map((e) => e.errno)).toEqual(['ECONNREFUSED']);
	});

	it('DROP: silence; Linux resends the SYN 6 times and fails at 127 s, Windows twice and fails at 21 s', () => {
		const lx = behindFirewall('linux', { deny: true }).tr;
		expect(segs(lx).map((s) => s.t)).toEqual([0, 1000, 3000, 7000, 15000, 31000, 63000]);
		expect(errors(lx).map((e) => [e.errno, e.t])).toEqual([['ETIMEDOUT', 127_000]]);
		const win = behindFirewall('windows', { deny: true }).tr;
		expect(segs(win).map((s) => s.t)).toEqual([0, 3000, 9000]);
		expect(errors(win).map((e) => [e.errno, e.code, e.t])).toEqual([['WSAETIMEDOUT', 10060, 21_000]]);
	});

	it('Windows is assumed to follow RFC 1122: host-prohibited is a soft error, port-unreachable a hard one', () => {
		expect(errors(behindFirewall('windows', { rejectWith: 'host-prohibited' }).tr).map((e) => [e.errno, e.t])).toEqual([['WSAETIMEDOUT', 21_000]]);
		expect(errors(behindFirewall('windows', { rejectWith: 'port-unreachable' }).tr).map((e) => e.errno)).toEqual(['WSAECONNREFUSED']);
	});

	it('a reject rule needs action reject; tcp-reset needs TCP', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addRouter({ name: 'r', ips: ['192.168.1.1', '203.0.113.1'] });
		expect(() => sim.setFirewall('r', { mode: 'stateless', rules: [{ action: 'deny', direction: 'in', proto: 'TCP', rejectWith: 'tcp-reset' }] })).toThrow(SimError);
		expect(() => sim.setFirewall('r', { mode: 'stateless', rules: [{ action: 'reject', direction: 'in', proto: 'UDP', rejectWith: 'tcp-reset' }] })).toThrow(SimError);
	});
});

describe('property: the listener queues never exceed what Linux allows', () => {
	it('for any arrivals, flood and accept() times, SYN queue and accept queue stay ≤ backlog + 1 ("full" is "> backlog"), and every connection is in at most one', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 4 }),
				fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 12 }),
				fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 8 }),
				fc.integer({ min: 0, max: 10 }),
				fc.boolean(),
				fc.integer({ min: 0, max: 2 ** 31 }),
				(backlog, arrivals, accepts, floodCount, cookies, seed) => {
					const sim = net(arrivals.length, { syncookies: cookies }, seed);
					sim.addHost({ name: 'ghost', ip: '198.51.100.66', scripted: true });
					sim.addLink('ghost', 'server', { latencyMs: 10 });
					sim.at(0, () => sim.host('server').tcp('web').listen(80, { backlog, manualAccept: true }));
					arrivals.forEach((t, i) => sim.at(t, () => sim.host(`c${i + 1}`).tcp(`k${i}`).connect('203.0.113.5', 80)));
					for (let i = 0; i < floodCount; i++) {
						sim.at(50 + 7 * i, () =>
							sim.inject({ from: 'ghost', proto: 'TCP', src: { ip: '198.51.100.66', port: 40000 + i }, dst: { ip: '203.0.113.5', port: 80 }, flags: ['SYN'], seq: i })
						);
					}
					for (const t of accepts) sim.at(t, () => sim.socket('web').accept());
					sim.run({ until: 0 });
					const web = sim.socket('web') as TcpSocket;
					for (let now = 0; now <= 12_000; now += 5) {
						sim.run({ until: now });
						const aq = web.acceptQueue ?? [];
						if (aq.length > backlog + 1 || web.synQueueLen > backlog + 1) return false;
						const half = sim.host('server').tcpSockets.filter((s) => s.listener === web && s.state === 'SYN-RECEIVED');
						if (half.length !== web.synQueueLen) return false;
						if (aq.some((c) => c.accepted || c.state === 'SYN-RECEIVED')) return false;
					}
					return true;
				}
			),
			{ numRuns: 40 }
		);
	});
});
