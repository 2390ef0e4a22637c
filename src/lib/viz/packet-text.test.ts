import { describe, expect, it } from 'vitest';
import type { PacketEvent } from '$lib/sim/trace';
import { packetText, oneLine, twoLines, threeLines, packetLine } from './packet-text';
import { relativeNumbers } from './seqspace';
import { packetsOf } from './lifelines';
import { lessonTraces } from './test-traces';

const lessons = lessonTraces();
const first = (file: string, pred: (p: PacketEvent) => boolean) => packetsOf(lessons.get(file)!).find(pred)!;

describe('packet labels', () => {
	it('name ICMPv6 messages by their own numbers: 135 is a Neighbor Solicitation, 2 Packet Too Big, 128 an echo', () => {
		const base = { kind: 'icmp', t: 0, id: 1, proto: 'ICMP', from: 'a', to: 'b', srcIp: '2001:db8::1', dstIp: '2001:db8::2', ttl: 64, arrivedAt: 1, icmpv6: true } as const;
		const ns = packetText({ ...base, type: 135, code: 0, target: '2001:db8::2' } as PacketEvent);
		expect(ns.body).toBe('ICMPv6 Neighbor Solicitation');
		const ptb = packetText({ ...base, type: 2, code: 0, mtu: 1280, quoted: { proto: 'TCP', src: { ip: '2001:db8::1', port: 40000 }, dst: { ip: '2001:db8::2', port: 443 } } } as PacketEvent);
		expect(ptb).toMatchObject({ body: 'ICMPv6 Packet Too Big', detail: 'type 2 for 40000 → 443' });
		const echo = packetText({ ...base, type: 128, code: 0, identifier: 7, sequence: 1 } as PacketEvent);
		expect(echo).toMatchObject({ body: 'ICMPv6 Echo Request', detail: 'id=7 seq=1' });
		// The same type numbers over IPv4 mean something else: type 3 is Destination Unreachable.
		expect(packetText({ ...base, icmpv6: undefined, srcIp: '192.0.2.1', dstIp: '192.0.2.2', type: 3, code: 3 } as PacketEvent).body).toBe('ICMP Port Unreachable');
	});
	it('start with the ports: 51234 → 80  SYN seq=0', () => {
		const t = lessons.get('handshake.scn')!;
		const syn = packetsOf(t)[0];
		const rel = relativeNumbers(t).numbers.get(syn.id)!;
		// a Linux SYN names the options it offers: MSS, window scale 7, SACK-permitted, timestamps
		expect(packetLine(syn, { relative: rel })).toBe(`${(syn as { src: { port: number } }).src.port} → 80  SYN seq=0  mss 1460 ws 7 sack ts`);
		expect(packetLine(syn)).toMatch(/^\d+ → 80 {2}SYN seq=\d{5,} {2}mss 1460 ws 7 sack ts$/);
		// three lines: ports, flags and SEG.SEQ, then the options
		expect(threeLines(packetText(syn, { relative: rel }))).toEqual([expect.stringMatching(/^\d+ → 80$/), 'SYN seq=0', 'mss 1460 ws 7 sack ts']);
	});

	it('split into ports, then the rest, or three lines where even that is too wide', () => {
		const t = lessons.get('handshake.scn')!;
		const data = packetsOf(t).find((p) => p.kind === 'segment' && p.len === 100)!;
		const text = packetText(data, { relative: relativeNumbers(t).numbers.get(data.id) });
		expect(twoLines(text)).toEqual([expect.stringMatching(/^\d+ → 80$/), 'PSH,ACK seq=1 ack=1 len=100']);
		expect(threeLines(text)).toEqual([expect.stringMatching(/^\d+ → 80$/), 'PSH,ACK seq=1', 'ack=1 len=100']);
		expect(oneLine(text)).toBe(`${twoLines(text)[0]}  PSH,ACK seq=1 ack=1 len=100`);
	});

	it('show the ports a NAT delivered when it rewrote one', () => {
		const reply = first('two-devices.scn', (p) => p.kind === 'segment' && p.flags.join() === 'SYN,ACK' && p.translated?.dst.ip === '192.168.1.11');
		const text = packetText(reply);
		expect(text.ports).toBe(`443 → ${(reply as { dst: { port: number } }).dst.port}`);
		expect(text.nat).toBe('NAT: 443 → 51234');
		expect(twoLines(text)[0]).toBe(`${text.ports} (NAT: 443 → 51234)`);
		expect(threeLines(text)).toEqual([text.ports, 'NAT: 443 → 51234', twoLines(text)[1]]);
	});

	it('UDP shows ports, length and a traceroute TTL; ICMP its name and what it is about', () => {
		const probe = first('traceroute-unix.scn', (p) => p.kind === 'datagram');
		expect(packetLine(probe)).toMatch(/^\d+ → 33434 {2}UDP len=32 ttl=1$/);
		const te = first('traceroute-unix.scn', (p) => p.kind === 'icmp');
		expect(packetLine(te)).toMatch(/^ICMP Time Exceeded {2}type 11 for \d+ → 33434$/);
		expect(packetLine(te, { short: true })).toBe('ICMP Time Exceeded');
		const echo = first('ping.scn', (p) => p.kind === 'icmp');
		expect(twoLines(packetText(echo))).toEqual(['ICMP Echo Request', 'id=1 seq=1']);
		const syslog = first('syslog.scn', (p) => p.kind === 'datagram');
		expect(packetLine(syslog)).toMatch(/^\d+ → 514 {2}UDP len=60$/);
	});

	it('phones say "(resent)" but keep the ports', () => {
		const rtx = first('lost-segment.scn', (p) => p.kind === 'segment' && p.retransmission === true);
		expect(packetLine(rtx)).toContain('(retransmission)');
		const short = packetLine(rtx, { short: true });
		expect(short).toContain('(resent)');
		expect(short).toMatch(/^\d+ → 80 /);
	});
});

describe('SACK blocks on a label', () => {
	const ack: PacketEvent = {
		kind: 'segment', t: 335, id: 7, proto: 'TCP', from: 'server', to: 'client',
		src: { ip: '203.0.113.5', port: 80 }, dst: { ip: '192.168.1.10', port: 60758 },
		flags: ['ACK'], seq: 5001, ack: 1000 + 1001, len: 0, wnd: 65535, arrivedAt: 360,
		options: { sack: [{ left: 1000 + 2001, right: 1000 + 3001 }] }
	};
	it('show the blocks in the numbering of the ACK field (relative when it is)', () => {
		expect(packetText(ack, { relative: { seq: 1, ack: 1001 } }).detail).toBe('SACK 2001-3001');
		expect(packetText(ack).detail).toBe('SACK 3001-4001');
		expect(oneLine(packetText(ack, { relative: { seq: 1, ack: 1001 } }))).toBe('80 → 60758  ACK seq=1 ack=1001  SACK 2001-3001');
	});
	it('add nothing without blocks', () => {
		expect(packetText({ ...ack, options: undefined }).detail).toBeNull();
	});
});
