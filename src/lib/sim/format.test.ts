import { describe, expect, it } from 'vitest';
import { formatEvent, formatTime, formatTrace, icmpName } from './format';
import type { Trace, TraceEvent } from './trace';

const client = { ip: '192.168.1.10', port: 51234 };
const server = { ip: '203.0.113.5', port: 80 };

const events: TraceEvent[] = [
	{ kind: 'call', t: 0, host: 'client', socket: 'c1', call: 'connect', detail: '203.0.113.5:80' },
	{ kind: 'port', t: 0, host: 'client', proto: 'TCP', action: 'allocate', port: 51234, via: 'connect', socket: 'c1' },
	{
		kind: 'segment', t: 10, id: 1, proto: 'TCP', from: 'client', to: 'server', src: client, dst: server,
		flags: ['SYN'], seq: 123, ack: 0, len: 0, wnd: 64240, arrivedAt: 20
	},
	{
		kind: 'segment', t: 20, id: 2, proto: 'TCP', from: 'server', to: 'client', src: server, dst: client,
		flags: ['SYN', 'ACK'], seq: 900, ack: 124, len: 0, wnd: 65160, arrivedAt: null, dropped: 'lost'
	},
	{
		kind: 'state', t: 30, host: 'client', socket: 'client#1', local: client, remote: server,
		from: 'SYN-SENT', to: 'ESTABLISHED', cause: 'rcv SYN,ACK'
	},
	{
		kind: 'datagram', t: 40, id: 3, proto: 'UDP', from: 'client', to: null, src: client,
		dst: { ip: '8.8.8.8', port: 53 }, len: 40, ttl: 64, arrivedAt: null, dropped: 'firewall', payload: 'q'
	},
	{
		kind: 'icmp', t: 50, id: 4, proto: 'ICMP', from: 'r1', to: 'client', srcIp: '192.168.1.1', dstIp: '192.168.1.10',
		type: 3, code: 3, ttl: 64, arrivedAt: 55, quoted: { proto: 'UDP', src: client, dst: { ip: '8.8.8.8', port: 53 } }
	},
	{ kind: 'error', t: 60, host: 'client', socket: 'c2', call: 'connect', errno: 'ECONNREFUSED', message: 'RST received' },
	{
		kind: 'nat', t: 70, host: 'r1', action: 'create', proto: 'TCP', inside: client,
		outside: { ip: '198.51.100.7', port: 1024 }, remote: server
	}
];

const trace: Trace = {
	seed: 42,
	hosts: [
		{ name: 'client', ip: '192.168.1.10', os: 'linux', role: 'host' },
		{ name: 'server', ip: '203.0.113.5', os: 'linux', role: 'host' },
		{ name: 'r1', ip: '192.168.1.1', os: 'nat', role: 'nat' }
	],
	events,
	end: 1234.5
};

describe('format', () => {
	it('formats times right-aligned with three decimals', () => {
		expect(formatTime(10)).toBe('    10.000 ms');
		expect(formatTime(123456.5)).toBe('123456.500 ms');
	});

	it('formats a segment like the brief example', () => {
		expect(formatEvent(events[2], 6)).toBe(
			'    10.000 ms  client  192.168.1.10:51234 > 203.0.113.5:80  [SYN] seq=123 ack=0 len=0 win=64240'
		);
	});

	it('formats a state change', () => {
		expect(formatEvent(events[4], 6)).toBe('    30.000 ms  client  client#1 SYN-SENT -> ESTABLISHED (rcv SYN,ACK)');
	});

	it('marks lost and dropped packets, and quotes ICMP errors', () => {
		expect(formatEvent(events[3])).toMatch(/\[SYN,ACK\] seq=900 ack=124 len=0 win=65160  LOST$/);
		expect(formatEvent(events[5])).toMatch(/UDP len=40 ttl=64  "q"  DROPPED \(firewall\)$/);
		expect(formatEvent(events[6])).toContain('ICMP port unreachable ttl=64 (about UDP 192.168.1.10:51234 > 8.8.8.8:53)');
	});

	it('keeps every event on one line, escaping newlines in previews', () => {
		const e: TraceEvent = { kind: 'call', t: 1, host: 'client', socket: 'c1', call: 'send', detail: '3 bytes "a\r\nb\u0001"' };
		expect(formatEvent(e)).toBe('     1.000 ms  client  c1 send(3 bytes "a\\r\\nb\\x01")');
	});

	it('names the ICMP types the simulator sends', () => {
		expect(icmpName(8, 0)).toBe('echo request');
		expect(icmpName(0, 0)).toBe('echo reply');
		expect(icmpName(11, 0)).toBe('time exceeded in transit');
		expect(icmpName(3, 3)).toBe('port unreachable');
	});

	it('prints one line per event between a header and a footer', () => {
		const text = formatTrace(trace);
		const lines = text.trimEnd().split('\n');
		expect(lines[0]).toBe('# seed 42');
		expect(lines[3]).toBe('# nat r1 192.168.1.1 os=nat');
		expect(lines.at(-1)).toBe('# end 1234.500 ms');
		expect(lines.length).toBe(1 + trace.hosts.length + events.length + 1);
		expect(lines[4]).toBe('     0.000 ms  client  c1 connect(203.0.113.5:80)');
		expect(lines[5]).toBe('     0.000 ms  client  c1 allocate TCP port 51234 (connect)');
		expect(lines.at(-3)).toBe('    60.000 ms  client  c2 connect() failed: ECONNREFUSED (RST received)');
		expect(lines.at(-2)).toBe('    70.000 ms  r1      NAT create TCP 192.168.1.10:51234 <-> 198.51.100.7:1024 (remote 203.0.113.5:80)');
		expect(formatTrace(trace, { header: false }).split('\n').filter(Boolean)).toHaveLength(events.length);
	});
});
