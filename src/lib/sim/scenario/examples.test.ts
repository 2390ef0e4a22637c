/**
 * Every example in content/scenarios parses; those the engine can run are run and checked
 * against the facts each file claims in its comment header.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenarioError } from './types';
import { parseScenario } from './parse';
import { runScenario } from './run';
import type { DatagramEvent, ErrorEvent, IcmpEvent, NatEvent, SegmentEvent, StateEvent, Trace, TcpState } from '../trace';

const DIR = fileURLToPath(new URL('../../../../content/scenarios', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.scn')).sort();
const read = (f: string): string => readFileSync(join(DIR, f), 'utf8');

type Feature = 'udp' | 'ping' | 'traceroute' | 'nat' | 'firewall' | 'range';

const PROBE_HEAD = 'host a 10.0.0.1\nhost b 10.0.0.2\nrouter r 10.0.0.254 10.0.1.254\nlink a b\n';
const PROBES: Record<Feature, string> = {
	udp: PROBE_HEAD + '0ms a udp bind 53 as=u\n',
	ping: PROBE_HEAD + '0ms a ping 10.0.0.2\n',
	traceroute: PROBE_HEAD + '0ms a traceroute 10.0.0.2\n',
	nat: PROBE_HEAD + 'nat r public=198.51.100.1\n',
	firewall: PROBE_HEAD + 'firewall r stateful\n',
	range: 'host a 10.0.0.1 range=50000-50002\n'
};

/** True when the engine build can run scenarios that use `feature` (probed by running one). */
function engineSupports(feature: Feature): boolean {
	return runScenario(PROBES[feature] + 'run until=1s\n').ok;
}
const SUPPORTED = Object.fromEntries((Object.keys(PROBES) as Feature[]).map((f) => [f, engineSupports(f)])) as Record<Feature, boolean>;

function run(file: string): Trace {
	const r = runScenario(read(file));
	if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e, file)).join('\n'));
	return r.trace;
}

const segments = (t: Trace): SegmentEvent[] => t.events.filter((e): e is SegmentEvent => e.kind === 'segment');
const states = (t: Trace, socket: string): StateEvent[] =>
	t.events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === socket);
const path = (t: Trace, socket: string): TcpState[] => {
	const s = states(t, socket);
	return s.length ? [s[0].from, ...s.map((e) => e.to)] : [];
};
const errorsOf = (t: Trace, socket: string): ErrorEvent[] =>
	t.events.filter((e): e is ErrorEvent => e.kind === 'error' && e.socket === socket);
const icmps = (t: Trace): IcmpEvent[] => t.events.filter((e): e is IcmpEvent => e.kind === 'icmp');
const datagrams = (t: Trace): DatagramEvent[] => t.events.filter((e): e is DatagramEvent => e.kind === 'datagram');
const flags = (s: SegmentEvent): string => s.flags.join(',');
const entered = (t: Trace, socket: string, state: TcpState): StateEvent | undefined =>
	states(t, socket).find((e) => e.to === state);
const left = (t: Trace, socket: string, state: TcpState): StateEvent | undefined =>
	states(t, socket).find((e) => e.from === state);

describe('content/scenarios', () => {
	it('has the example files the lessons use', () => {
		for (const f of [
			'handshake', 'two-tabs', 'simultaneous-open', 'simultaneous-close', 'rst-closed-port', 'lost-segment',
			'time-wait-fin-retransmit', 'port-exhaustion', 'udp-closed-port', 'ping', 'traceroute-unix',
			'traceroute-windows', 'nat-remap', 'firewall-stateless', 'firewall-stateful', 'rst-in-time-wait'
		]) {
			expect(FILES).toContain(`${f}.scn`);
		}
	});

	it.each(FILES)('%s parses and opens with a comment header naming itself', (f) => {
		const text = read(f);
		expect(text.split('\n')[0]).toMatch(new RegExp(`^# ${f.replace('.', '\\.')}: `));
		const r = parseScenario(text);
		expect(r.ok ? [] : r.errors.map((e) => formatScenarioError(e, f))).toEqual([]);
	});

	it('runs are deterministic: same seed, same trace; another seed, other ISNs', () => {
		const text = read('handshake.scn');
		const a = runScenario(text);
		const b = runScenario(text);
		const c = runScenario(text, { seed: 99 });
		if (!a.ok || !b.ok || !c.ok) throw new Error('handshake.scn failed');
		expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
		expect(c.trace.seed).toBe(99);
		expect(segments(c.trace)[0].seq).not.toBe(segments(a.trace)[0].seq);
	});
});

describe('example runs (TCP)', () => {
	it('handshake.scn: SYN, SYN-ACK, ACK arithmetic; active closer leaves TIME-WAIT 60 000 ms after entering', () => {
		const t = run('handshake.scn');
		const [syn, synAck, ack, req] = segments(t);
		expect([flags(syn), flags(synAck), flags(ack)]).toEqual(['SYN', 'SYN,ACK', 'ACK']);
		expect(syn.src.ip).toBe('192.168.1.10');
		expect(syn.dst).toEqual({ ip: '203.0.113.5', port: 80 });
		expect(syn.src.port).toBeGreaterThanOrEqual(32768);
		expect(syn.src.port).toBeLessThanOrEqual(60999);
		expect(synAck.src).toEqual(syn.dst);
		expect(synAck.dst).toEqual(syn.src);
		expect(synAck.ack).toBe((syn.seq + 1) >>> 0); // SYN consumes one sequence number
		expect(ack.seq).toBe((syn.seq + 1) >>> 0);
		expect(ack.ack).toBe((synAck.seq + 1) >>> 0);
		expect(req.len).toBe(38); // UTF-8 length of the quoted request
		expect(req.seq).toBe(ack.seq); // a bare ACK does not consume sequence space
		expect(path(t, 'c1')).toEqual(['CLOSED', 'SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED']);
		expect(path(t, 'web.1')).toEqual(['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
		const tw = entered(t, 'c1', 'TIME-WAIT')!;
		expect(left(t, 'c1', 'TIME-WAIT')!.t - tw.t).toBe(60_000);
		expect(t.end).toBe(70_000);
	});

	it('two-tabs.scn: same server port, two ephemeral ports, two accepted sockets on port 443', () => {
		const t = run('two-tabs.scn');
		const syns = segments(t).filter((s) => flags(s) === 'SYN');
		expect(syns).toHaveLength(2);
		expect(syns[0].dst).toEqual(syns[1].dst);
		expect(syns[0].src.port).not.toBe(syns[1].src.port);
		for (const s of ['web.1', 'web.2']) {
			expect(entered(t, s, 'ESTABLISHED')!.local.port).toBe(443);
		}
		expect(entered(t, 'web.1', 'ESTABLISHED')!.remote.port).not.toBe(entered(t, 'web.2', 'ESTABLISHED')!.remote.port);
	});

	it('simultaneous-open.scn: SYN-SENT -> SYN-RECEIVED -> ESTABLISHED on both sides, same ISN in SYN and SYN,ACK', () => {
		const t = run('simultaneous-open.scn');
		for (const s of ['a', 'b']) expect(path(t, s)).toEqual(['CLOSED', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
		const segs = segments(t);
		expect(segs).toHaveLength(4);
		for (const host of ['alice', 'bob']) {
			const mine = segs.filter((s) => s.from === host);
			expect(mine.map(flags)).toEqual(['SYN', 'SYN,ACK']);
			expect(mine[1].seq).toBe(mine[0].seq); // RFC 9293 MUST-10: the SYN,ACK reuses the ISN
		}
	});

	it('simultaneous-close.scn: both sides go FIN-WAIT-1 -> CLOSING -> TIME-WAIT and leave 60 s later', () => {
		const t = run('simultaneous-close.scn');
		for (const s of ['c1', 'web.1']) {
			expect(path(t, s).slice(-4)).toEqual(['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT', 'CLOSED']);
			expect(left(t, s, 'TIME-WAIT')!.t - entered(t, s, 'TIME-WAIT')!.t).toBe(60_000);
		}
	});

	it('rst-closed-port.scn: RST,ACK with SEQ=0, ACK=ISN+1; ECONNREFUSED; no retry', () => {
		const t = run('rst-closed-port.scn');
		const [syn, rst, ...rest] = segments(t);
		expect(rest).toEqual([]);
		expect(syn.dst.port).toBe(81);
		expect(flags(rst)).toBe('RST,ACK');
		expect(rst.seq).toBe(0);
		expect(rst.ack).toBe((syn.seq + 1) >>> 0);
		expect(errorsOf(t, 'c1').map((e) => e.errno)).toEqual(['ECONNREFUSED']);
		expect(t.events.some((e) => e.kind === 'icmp')).toBe(false);
	});

	it('lost-segment.scn: the lost data segment is retransmitted with the same SEQ and then ACKed', () => {
		const t = run('lost-segment.scn');
		const data = segments(t).filter((s) => s.len === 100);
		expect(data.length).toBeGreaterThanOrEqual(2);
		expect(data[0].arrivedAt).toBeNull();
		expect(data[0].dropped).toBe('lost');
		const retx = data[1];
		expect(retx.retransmission).toBe(true);
		expect(retx.seq).toBe(data[0].seq);
		expect(retx.arrivedAt).not.toBeNull();
		expect(retx.t).toBeGreaterThan(data[0].t);
		const ackOfData = segments(t).find((s) => s.from === 'server' && s.t >= retx.arrivedAt! && s.ack === ((retx.seq + 100) >>> 0));
		expect(ackOfData).toBeDefined();
	});

	it('time-wait-fin-retransmit.scn: TIME-WAIT re-ACKs the retransmitted FIN and restarts its timer', () => {
		const t = run('time-wait-fin-retransmit.scn');
		const serverFins = segments(t).filter((s) => s.from === 'server' && s.flags.includes('FIN'));
		expect(serverFins).toHaveLength(2);
		expect(serverFins[1].retransmission).toBe(true);
		const clientAcks = segments(t).filter((s) => s.from === 'client' && flags(s) === 'ACK' && s.ack === ((serverFins[0].seq + 1) >>> 0));
		expect(clientAcks).toHaveLength(2);
		expect(clientAcks[0].dropped).toBe('lost');
		expect(clientAcks[1].arrivedAt).not.toBeNull();
		expect(path(t, 'web.1').slice(-2)).toEqual(['LAST-ACK', 'CLOSED']);
		// Only one TIME-WAIT period, measured from the second ACK (RFC 9293 §3.10.7.4: restart the 2 MSL timeout).
		expect(states(t, 'c1').filter((e) => e.to === 'TIME-WAIT')).toHaveLength(1);
		expect(left(t, 'c1', 'TIME-WAIT')!.t).toBe(clientAcks[1].t + 60_000);
	});

	it('rst-in-time-wait.scn: Linux drops TIME-WAIT on the RST, FreeBSD ignores it (RFC 1337)', () => {
		const t = run('rst-in-time-wait.scn');
		const rsts = segments(t).filter((s) => flags(s) === 'RST');
		expect(rsts).toHaveLength(2);
		const lxOut = left(t, 'lx', 'TIME-WAIT')!;
		expect(lxOut.to).toBe('CLOSED');
		expect(lxOut.t).toBe(rsts.find((r) => r.dst.ip === '192.168.1.10')!.arrivedAt);
		const fbIn = entered(t, 'fb', 'TIME-WAIT')!;
		expect(left(t, 'fb', 'TIME-WAIT')!.t - fbIn.t).toBe(60_000);
	});

	it.skipIf(!SUPPORTED.range)('port-exhaustion.scn: four ports, then EADDRNOTAVAIL; TIME-WAIT holds the port', () => {
		const t = run('port-exhaustion.scn');
		const local = (s: string): number => entered(t, s, 'SYN-SENT')!.local.port;
		const ports = ['c1', 'c2', 'c3', 'c4'].map(local);
		expect(new Set(ports).size).toBe(4);
		for (const p of ports) expect(p >= 50000 && p <= 50003).toBe(true);
		expect(errorsOf(t, 'c5').map((e) => e.errno)).toEqual(['EADDRNOTAVAIL']);
		expect(entered(t, 'other', 'ESTABLISHED')).toBeDefined();
		expect(errorsOf(t, 'c6').map((e) => e.errno)).toEqual(['EADDRNOTAVAIL']);
		expect(entered(t, 'c7', 'ESTABLISHED')).toBeDefined();
		expect(local('c7')).toBe(local('c1')); // the port c1's TIME-WAIT held is the one freed
	});
});

describe('example runs (UDP, ICMP, NAT, firewall)', () => {
	it.skipIf(!SUPPORTED.udp)('udp-closed-port.scn: ICMP port unreachable for 9999, delivery for 53', () => {
		const t = run('udp-closed-port.scn');
		const [toDns, toClosed] = datagrams(t);
		expect(toDns.dst.port).toBe(53);
		expect(toDns.arrivedAt).not.toBeNull();
		expect(toClosed.dst.port).toBe(9999);
		const unreach = icmps(t).filter((i) => i.type === 3 && i.code === 3);
		expect(unreach).toHaveLength(1);
		expect(unreach[0].from).toBe('server');
		expect(unreach[0].quoted?.dst.port).toBe(9999);
		expect(unreach[0].quoted?.src.port).toBe(toClosed.src.port);
	});

	it.skipIf(!SUPPORTED.ping)('ping.scn: three echo requests, three matching replies', () => {
		const t = run('ping.scn');
		const req = icmps(t).filter((i) => i.type === 8);
		const rep = icmps(t).filter((i) => i.type === 0);
		expect(req).toHaveLength(3);
		expect(rep).toHaveLength(3);
		for (let k = 0; k < 3; k++) {
			expect(rep[k].identifier).toBe(req[k].identifier);
			expect(rep[k].sequence).toBe(req[k].sequence);
			expect(rep[k].srcIp).toBe('203.0.113.5');
		}
		expect(req[1].t - req[0].t).toBe(1000);
	});

	it.skipIf(!SUPPORTED.traceroute)('traceroute-unix.scn: UDP probes from port 33434 up, Time Exceeded from r1 and r2, then Port Unreachable', () => {
		const t = run('traceroute-unix.scn');
		const probes = datagrams(t);
		expect(probes.length).toBeGreaterThanOrEqual(3);
		for (const p of probes) expect(p.dst.port).toBeGreaterThanOrEqual(33434);
		const exceeded = icmps(t).filter((i) => i.type === 11);
		expect(new Set(exceeded.map((i) => i.srcIp))).toEqual(new Set(['192.168.1.1', '10.0.0.2']));
		expect(icmps(t).some((i) => i.type === 3 && i.code === 3 && i.srcIp === '203.0.113.5')).toBe(true);
	});

	it.skipIf(!SUPPORTED.traceroute)('traceroute-windows.scn: ICMP echo probes with rising TTL, echo reply from the target', () => {
		const t = run('traceroute-windows.scn');
		const probes = icmps(t).filter((i) => i.type === 8 && i.from === 'laptop');
		const ttls = new Set(probes.map((p) => p.ttl));
		for (const ttl of [1, 2, 3]) expect(ttls.has(ttl)).toBe(true);
		expect(datagrams(t)).toHaveLength(0);
		expect(icmps(t).some((i) => i.type === 11 && i.srcIp === '192.168.1.1')).toBe(true);
		expect(icmps(t).some((i) => i.type === 0 && i.srcIp === '203.0.113.5')).toBe(true);
	});

	it.skipIf(!SUPPORTED.nat)('nat-remap.scn: both laptops use port 40000 inside; the NAT gives them different outside ports', () => {
		const t = run('nat-remap.scn');
		const created = t.events.filter((e): e is NatEvent => e.kind === 'nat' && e.action === 'create' && e.proto === 'TCP');
		expect(created).toHaveLength(2);
		expect(created.map((n) => n.inside.port)).toEqual([40000, 40000]);
		expect(created[0].outside.ip).toBe('198.51.100.7');
		expect(created[0].outside.port).not.toBe(created[1].outside.port);
		const remotes = ['web.1', 'web.2'].map((s) => entered(t, s, 'ESTABLISHED')!.remote);
		expect(remotes[0].ip).toBe('198.51.100.7');
		expect(remotes[0].port).not.toBe(remotes[1].port);
	});

	it.skipIf(!SUPPORTED.firewall)('firewall-stateless.scn: inbound :80 allowed; replies to an outbound connection dropped', () => {
		const t = run('firewall-stateless.scn');
		expect(entered(t, 'browser', 'ESTABLISHED')).toBeDefined();
		expect(entered(t, 'backend', 'ESTABLISHED')).toBeUndefined();
		expect(segments(t).some((s) => flags(s) === 'SYN,ACK' && s.dst.ip === '10.0.0.5' && s.dropped === 'firewall')).toBe(true);
	});

	it.skipIf(!SUPPORTED.firewall)('firewall-stateful.scn: outbound connection works; unsolicited inbound SYN dropped', () => {
		const t = run('firewall-stateful.scn');
		expect(entered(t, 'backend', 'ESTABLISHED')).toBeDefined();
		expect(entered(t, 'browser', 'ESTABLISHED')).toBeUndefined();
		expect(segments(t).some((s) => flags(s) === 'SYN' && s.dst.ip === '10.0.0.5' && s.dropped === 'firewall')).toBe(true);
	});
});

