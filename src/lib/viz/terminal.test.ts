import { describe, expect, it } from 'vitest';
import { formatPingRtt, terminalSessions } from './terminal';
import type { DatagramEvent, IcmpEvent, Trace, TraceEvent } from '$lib/sim/trace';

const C = '192.168.1.10';
const R = '192.168.1.1';
const D = '8.8.8.8';
let id = 0;
function icmp(t: number, from: string, to: string, srcIp: string, dstIp: string, type: number, code: number, arrivedAt: number | null, extra: Partial<IcmpEvent> = {}): IcmpEvent {
	return { kind: 'icmp', t, id: ++id, proto: 'ICMP', from, to, srcIp, dstIp, type, code, ttl: 64, arrivedAt, ...extra };
}
function udp(t: number, ttl: number, dport: number, arrivedAt: number | null): DatagramEvent {
	return { kind: 'datagram', t, id: ++id, proto: 'UDP', from: 'client', to: 'dns', src: { ip: C, port: 45000 }, dst: { ip: D, port: dport }, len: 32, ttl, arrivedAt, ...(arrivedAt === null ? { dropped: 'ttl' as const } : {}) };
}
function mk(events: TraceEvent[], os = 'linux'): Trace {
	return {
		seed: 1,
		hosts: [
			{ name: 'client', ip: C, os, role: 'host' },
			{ name: 'r1', ip: R, os: 'linux', role: 'router' },
			{ name: 'dns', ip: D, os: 'linux', role: 'host' }
		],
		events: events.sort((a, b) => a.t - b.t),
		end: Math.max(...events.map((e) => ('arrivedAt' in e && e.arrivedAt !== null ? e.arrivedAt : e.t)))
	};
}

describe('ping', () => {
	const events: TraceEvent[] = [];
	for (let s = 1; s <= 3; s++) {
		const t0 = (s - 1) * 1000;
		const lost = s === 2;
		events.push(icmp(t0, 'client', 'dns', C, D, 8, 0, lost ? null : t0 + 20, { identifier: 7, sequence: s }));
		if (!lost) events.push(icmp(t0 + 20, 'dns', 'client', D, C, 0, 0, t0 + 40, { identifier: 7, sequence: s, ttl: 64 }));
	}
	const trace = mk(events);

	it('prints iputils lines as replies arrive, and statistics at the end', () => {
		const hop = () => 1;
		const at30 = terminalSessions(trace, 30, { routersBetween: hop });
		expect(at30).toHaveLength(1);
		expect(at30[0].lines).toEqual(['PING 8.8.8.8 (8.8.8.8) 56(84) bytes of data.']);
		const at40 = terminalSessions(trace, 40, { routersBetween: hop })[0];
		expect(at40.lines[1]).toBe('64 bytes from 8.8.8.8: icmp_seq=1 ttl=63 time=40.0 ms');
		expect(at40.done).toBe(false);
		expect(at40.command).toBe('ping -c 3 8.8.8.8');
		const endLines = terminalSessions(trace, trace.end, { routersBetween: hop })[0];
		expect(endLines.lines).toEqual([
			'PING 8.8.8.8 (8.8.8.8) 56(84) bytes of data.',
			'64 bytes from 8.8.8.8: icmp_seq=1 ttl=63 time=40.0 ms',
			'64 bytes from 8.8.8.8: icmp_seq=3 ttl=63 time=40.0 ms',
			'',
			'--- 8.8.8.8 ping statistics ---',
			'3 packets transmitted, 2 received, 33% packet loss, time 2000ms',
			'rtt min/avg/max/mdev = 40.000/40.000/40.000/0.000 ms'
		]);
		expect(endLines.done).toBe(true);
		expect(terminalSessions(trace, -1)).toEqual([]);
	});

	it('prints the Windows format for a Windows host', () => {
		const s = terminalSessions(mk(events.map((e) => ({ ...e })), 'windows'), 10_000)[0];
		expect(s.style).toBe('windows');
		expect(s.lines).toEqual([
			'Pinging 8.8.8.8 with 32 bytes of data:',
			'Reply from 8.8.8.8: bytes=32 time=40ms TTL=64',
			'Request timed out.',
			'Reply from 8.8.8.8: bytes=32 time=40ms TTL=64',
			'',
			'Ping statistics for 8.8.8.8:',
			'    Packets: Sent = 3, Received = 2, Lost = 1 (33% loss),',
			'Approximate round trip times in milli-seconds:',
			'    Minimum = 40ms, Maximum = 40ms, Average = 40ms'
		]);
	});

	it('formats RTTs with three significant digits', () => {
		expect(formatPingRtt(40)).toBe('40.0');
		expect(formatPingRtt(123.4)).toBe('123');
		expect(formatPingRtt(1.234)).toBe('1.23');
		expect(formatPingRtt(0.4567)).toBe('0.457');
	});
});

describe('traceroute (Unix, UDP probes)', () => {
	const ev: TraceEvent[] = [];
	// hop 1: router answers all three; hop 2: all lost; hop 3: destination, port unreachable.
	let t = 0;
	let port = 33434;
	for (let ttl = 1; ttl <= 3; ttl++) {
		for (let k = 0; k < 3; k++, port++, t += 100) {
			const pr = udp(t, ttl, port, ttl === 3 ? t + 20 : null);
			ev.push(pr);
			const quoted = { proto: 'UDP' as const, src: pr.src, dst: pr.dst };
			if (ttl === 1) ev.push(icmp(t + 5, 'r1', 'client', R, C, 11, 0, t + 10, { quoted }));
			if (ttl === 3) ev.push(icmp(t + 20, 'dns', 'client', D, C, 3, 3, t + 40, { quoted }));
		}
		t += 5000;
	}
	const trace = mk(ev);

	it('prints hop lines as traceroute -n does', () => {
		const s = terminalSessions(trace, trace.end);
		expect(s).toHaveLength(1);
		expect(s[0].command).toBe('traceroute -n 8.8.8.8');
		expect(s[0].lines).toEqual([
			'traceroute to 8.8.8.8 (8.8.8.8), 30 hops max, 60 byte packets',
			' 1  192.168.1.1  10.000 ms  10.000 ms  10.000 ms',
			' 2  * * *',
			' 3  8.8.8.8  40.000 ms  40.000 ms  40.000 ms'
		]);
		expect(s[0].done).toBe(true);
	});

	it('shows only what has happened by t', () => {
		const s = terminalSessions(trace, 110)[0];
		expect(s.lines[1]).toBe(' 1  192.168.1.1  10.000 ms  10.000 ms');
		expect(s.lines).toHaveLength(2);
		expect(s.done).toBe(false);
	});
});

describe('traceroute with probes in flight together', () => {
	it('does not print a hop before the previous hop is complete', () => {
		const ev: TraceEvent[] = [];
		let port = 33434;
		for (let ttl = 1; ttl <= 3; ttl++)
			for (let k = 0; k < 3; k++, port++) {
				const t = port - 33434; // all nine probes leave within 9 ms
				const pr = udp(t, ttl, port, ttl === 3 ? t + 20 : null);
				ev.push(pr);
				const quoted = { proto: 'UDP' as const, src: pr.src, dst: pr.dst };
				if (ttl === 1) ev.push(icmp(t + 5, 'r1', 'client', R, C, 11, 0, t + 10, { quoted }));
				if (ttl === 3) ev.push(icmp(t + 20, 'dns', 'client', D, C, 3, 3, t + 40, { quoted }));
			}
		const trace = { ...mk(ev), end: 20_000 };
		const early = terminalSessions(trace, 1000)[0];
		expect(early.lines).toEqual(['traceroute to 8.8.8.8 (8.8.8.8), 30 hops max, 60 byte packets', ' 1  192.168.1.1  10.000 ms  10.000 ms  10.000 ms', ' 2 ']);
		const late = terminalSessions(trace, 6000)[0];
		expect(late.lines.slice(2)).toEqual([' 2  * * *', ' 3  8.8.8.8  40.000 ms  40.000 ms  40.000 ms']);
	});
});

describe('tracert (Windows, ICMP echo probes)', () => {
	const ev: TraceEvent[] = [];
	let t = 0;
	let seq = 1;
	for (let ttl = 1; ttl <= 2; ttl++) {
		for (let k = 0; k < 3; k++, t += 100, seq++) {
			const last = ttl === 2;
			const pr = icmp(t, 'client', 'dns', C, D, 8, 0, last ? t + 20 : null, { ttl, identifier: 1, sequence: seq });
			ev.push(pr);
			if (!last) ev.push(icmp(t + 5, 'r1', 'client', R, C, 11, 0, t + 10, { quoted: { proto: 'ICMP', src: { ip: C, port: 0 }, dst: { ip: D, port: 0 } } }));
			else ev.push(icmp(t + 20, 'dns', 'client', D, C, 0, 0, t + 40.4, { identifier: 1, sequence: seq, ttl: 128 }));
		}
	}
	const trace = mk(ev, 'windows');
	it('prints tracert -d lines and Trace complete.', () => {
		const s = terminalSessions(trace, trace.end)[0];
		expect(s.style).toBe('windows');
		expect(s.kind).toBe('traceroute');
		expect(s.lines).toEqual([
			'Tracing route to 8.8.8.8 over a maximum of 30 hops',
			'',
			'  1    10 ms    10 ms    10 ms  192.168.1.1',
			'  2    40 ms    40 ms    40 ms  8.8.8.8',
			'',
			'Trace complete.'
		]);
	});
	it('matches errors by the quoted identifier and sequence when present', () => {
		// Hop 1's second probe is lost; the router's errors quote the exact sequence numbers.
		const ev2: TraceEvent[] = [];
		let seq = 1;
		for (let k = 0; k < 3; k++, seq++) {
			const t0 = k * 100;
			ev2.push(icmp(t0, 'client', 'dns', C, D, 8, 0, null, { ttl: 1, identifier: 1, sequence: seq }));
			if (k !== 1) ev2.push(icmp(t0 + 5, 'r1', 'client', R, C, 11, 0, t0 + 10 + k, { quoted: { proto: 'ICMP', src: { ip: C, port: 0 }, dst: { ip: D, port: 0 }, identifier: 1, sequence: seq } as never }));
		}
		ev2.push(icmp(5000, 'client', 'dns', C, D, 8, 0, 5020, { ttl: 2, identifier: 1, sequence: seq }));
		ev2.push(icmp(5020, 'dns', 'client', D, C, 0, 0, 5040, { identifier: 1, sequence: seq }));
		const s = terminalSessions(mk(ev2, 'windows'), 10_000)[0];
		expect(s.lines[2]).toBe('  1    10 ms     *       12 ms  192.168.1.1');
	});

	it('prints a timed-out hop', () => {
		const lost = ev.filter((e) => !(e.kind === 'icmp' && e.type === 11));
		const s = terminalSessions(mk(lost.map((e) => ({ ...e })), 'windows'), 20_000)[0];
		expect(s.lines[2]).toBe('  1     *        *        *     Request timed out.');
	});
});

describe('failed socket calls', () => {
	it('prints each failed call as strace would, once it has happened', async () => {
		const { terminalSessions } = await import('./terminal');
		const a = { ip: '192.168.1.10', port: 0 };
		const trace = {
			seed: 1,
			end: 100,
			hosts: [{ name: 'laptop', ip: a.ip, os: 'linux', role: 'host' as const }],
			events: [
				{ kind: 'call' as const, t: 10, host: 'laptop', socket: 'b', call: 'bind', detail: '0.0.0.0:80' },
				{ kind: 'error' as const, t: 10, host: 'laptop', socket: 'b', call: 'bind', errno: 'EACCES' as const, message: 'port 80 needs root' }
			]
		};
		expect(terminalSessions(trace, 5)).toEqual([]);
		const [s] = terminalSessions(trace, 10);
		expect(s.kind).toBe('strace');
		expect(s.lines).toEqual(['bind(b, 0.0.0.0:80) = -1 EACCES (Permission denied)']);
		expect(s.command).toBe('strace -e trace=network ./app');
	});

	it('on Windows (no strace) the program reports the failure at a C:\\> prompt', async () => {
		const { terminalSessions } = await import('./terminal');
		const trace = {
			seed: 1,
			end: 100,
			hosts: [{ name: 'pc', ip: '192.168.1.20', os: 'windows', role: 'host' as const }],
			events: [
				{ kind: 'call' as const, t: 10, host: 'pc', socket: 'c5', call: 'connect', detail: '203.0.113.5:443' },
				{ kind: 'error' as const, t: 10, host: 'pc', socket: 'c5', call: 'connect', errno: 'EADDRNOTAVAIL' as const, message: 'no free local port' }
			]
		};
		const [s] = terminalSessions(trace, 10);
		expect(s.style).toBe('windows');
		expect(s.command).toBe('app.exe');
		expect(s.lines).toEqual(['connect(c5, 203.0.113.5:443) failed: EADDRNOTAVAIL (Cannot assign requested address)']);
	});
});
