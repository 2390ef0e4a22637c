/**
 * The ICMP tools family: ping and traceroute, their defaults and errors (line and column).
 */
import { describe, expect, it } from 'vitest';
import { BASE, errs, ok, where } from '../test-support';

describe('ICMP tools', () => {
	it('parses ping and traceroute with their defaults and options', () => {
		const s = ok(BASE + '0ms client ping 8.8.8.8\n+1ms client ping server count=3 interval=500ms\n+1ms client traceroute server\n+1ms client traceroute 8.8.8.8 style=windows maxhops=5\n');
		expect(s.steps.map((x) => x.action)).toEqual([
			{ kind: 'ping', host: 'client', ip: '8.8.8.8', count: 1, intervalMs: 1000 },
			{ kind: 'ping', host: 'client', ip: '203.0.113.5', count: 3, intervalMs: 500 },
			{ kind: 'traceroute', host: 'client', ip: '203.0.113.5', style: 'unix', maxHops: null },
			{ kind: 'traceroute', host: 'client', ip: '8.8.8.8', style: 'windows', maxHops: 5 }
		]);
	});

	it('reports a missing target, unknown hosts and values out of range', () => {
		const e = errs(
			BASE + '0ms client ping\n0ms client ping nowhere\n0ms client ping 8.8.8.8 count=0 interval=0ms\n0ms client traceroute 8.8.8.8 style=mac\n0ms client traceroute 8.8.8.8 maxhops=65\n'
		);
		expect(where(e)).toEqual([[6, 12], [7, 17], [8, 25], [8, 33], [9, 31], [10, 31]]);
		expect(e[0].message).toBe('expected an address after "ping" (an IP address or a host name)');
		expect(e[1].message).toContain('unknown host "nowhere" after "ping"');
		expect(e[2].message).toBe('expected a count 1-100 after "count=", got "0"');
		expect(e[3].message).toBe('interval= must be more than 0 ms');
		expect(e[4].message).toContain('style=unix (UDP probes) or style=windows (ICMP echo)');
		expect(e[5].message).toBe('expected a hop count 1-64 after "maxhops=", got "65"');
	});

	it('keeps a ping series within one day of virtual time', () => {
		const e = errs(BASE + '0ms client ping server count=100 interval=1440min\n');
		expect(e[0]).toMatchObject({ line: 6, column: 34 });
		expect(e[0].message).toBe('ping sends its last request at 8553600000 ms (count=100, 86400000 ms apart), beyond the limit of 86400000 ms (one day of virtual time)');
		const late = errs(BASE + '1440min client ping server count=2\n');
		expect(late[0]).toMatchObject({ line: 6, column: 28 });
		expect(late[0].message).toContain('last request at 86401000 ms');
		expect(ok(BASE + '0ms client ping server count=100 interval=14min\n1439min client ping server count=2 interval=1min\n').steps).toHaveLength(2);
	});
});
