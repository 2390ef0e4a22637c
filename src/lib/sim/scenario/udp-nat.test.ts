/**
 * The scenario statements added with the engine's UDP/NAT side: `SOCKET reply` and `forward`.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from './parse';
import { runScenario } from './run';
import type { DatagramEvent, NatEvent, StateEvent } from '../trace';

const DNS = `seed 2
host client 192.168.1.10
host server 203.0.113.5 root
link client server latency=10ms
0ms   server udp bind 53 as=dns
10ms  client udp send 203.0.113.5:53 40 "query" as=q
+20ms dns reply 120 "answer"
+0ms  dns reply "again"
run until=1s
`;

describe('SOCKET reply', () => {
	it('parses LEN ["TEXT"] and "TEXT" forms on UDP sockets', () => {
		const r = parseScenario(DNS);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.scenario.steps.slice(2).map((s) => s.action)).toEqual([
			{ kind: 'udp-reply', socket: 'dns', len: 120, text: 'answer' },
			{ kind: 'udp-reply', socket: 'dns', len: 5, text: 'again' }
		]);
	});

	it('is rejected on TCP sockets and needs a length or text', () => {
		const r = parseScenario('host a 10.0.0.1\nhost b 10.0.0.2 root\nlink a b\n0ms b listen 80 as=web\n+0ms web reply 10\n+0ms a udp bind 5000 as=u\n+0ms u reply\n');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => e.line)).toEqual([5, 7]);
		expect(r.errors[0].message).toMatch(/"reply" does not apply to the listening socket "web"/);
		expect(r.errors[1].message).toMatch(/expected a byte count after "reply"/);
	});

	it('runs: the reply goes back to the sender with the ports swapped', () => {
		const r = runScenario(DNS);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const d = r.trace.events.filter((e): e is DatagramEvent => e.kind === 'datagram');
		expect(d).toHaveLength(3);
		expect(d[1].src).toEqual(d[0].dst);
		expect(d[1].dst).toEqual(d[0].src);
		expect(d[1].len).toBe(120);
		expect(d[2].len).toBe(5);
	});
});

const FWD = `seed 3
host nas 192.168.1.20 root
router r1 192.168.1.1 198.51.100.7
host friend 203.0.113.9
nat r1 public=198.51.100.7
forward r1 tcp 8080 192.168.1.20:80
link nas r1 latency=2ms
link r1 friend latency=20ms
0ms  nas listen 80 as=web
10ms friend connect 198.51.100.7:8080 as=c
run until=1s
`;

describe('forward', () => {
	it('parses and runs: an outside client reaches the inside server through the forwarded port', () => {
		const p = parseScenario(FWD);
		if (!p.ok) throw new Error(JSON.stringify(p.errors));
		expect(p.scenario.forwards).toEqual([{ line: 6, router: 'r1', proto: 'tcp', publicPort: 8080, to: { ip: '192.168.1.20', port: 80 } }]);
		const r = runScenario(FWD);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const est = r.trace.events.filter((e): e is StateEvent => e.kind === 'state' && e.to === 'ESTABLISHED');
		expect(est.map((e) => e.socket).sort()).toEqual(['c', 'web.1']);
		const nat = r.trace.events.filter((e): e is NatEvent => e.kind === 'nat');
		expect(nat[0]).toMatchObject({ action: 'create', inside: { ip: '192.168.1.20', port: 80 }, outside: { ip: '198.51.100.7', port: 8080 } });
	});

	it('reports a missing nat line, a bad protocol and a duplicate port', () => {
		const r = parseScenario(
			'router r1 10.0.0.1 198.51.100.7\nforward r1 tcp 8080 10.0.0.5:80\nforward r1 icmp 1 10.0.0.5:1\nnat r1 public=198.51.100.7\nforward r1 tcp 8080 10.0.0.6:80\n'
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const r2 = parseScenario('router r1 10.0.0.1 198.51.100.7\nforward r1 udp 53 10.0.0.5:53\n');
		expect(r2.ok ? [] : r2.errors.map((e) => e.message)).toEqual(['"forward r1" needs a line "nat r1 public=IP" (port forwarding is part of NAT)']);
		expect(r.errors.map((e) => e.line)).toEqual([3, 5]);
		expect(r.errors[0].message).toMatch(/expected "tcp" or "udp"/);
		expect(r.errors[1].message).toMatch(/already forwarded \(line 2\)/);
	});
});
