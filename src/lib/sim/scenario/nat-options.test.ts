/** The `nat` line's RFC 4787/5382 options: parsed into the header, handed to the engine, errors named. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from './parse';
import { failedExpectations, runScenario } from './run';

const TOPO = 'router r1 192.168.1.1 198.51.100.7\nhost a 192.168.1.10\nlink a r1\n';

describe('nat options', () => {
	it('parses every option into the header and leaves absent ones out', () => {
		const r = parseScenario(`${TOPO}nat r1 public=198.51.100.7 mapping=address-dependent filtering=endpoint-independent hairpin=off parity=on timeouts=rfc\n`);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.scenario.nats[0]).toEqual({
			line: 4, router: 'r1', publicIp: '198.51.100.7', mode: 'remap', range: null,
			mapping: 'address-dependent', filtering: 'endpoint-independent', hairpin: false, parity: true, timeouts: 'rfc'
		});
		const plain = parseScenario(`${TOPO}nat r1 public=198.51.100.7\n`);
		if (!plain.ok) throw new Error(JSON.stringify(plain.errors));
		expect(Object.keys(plain.scenario.nats[0]).sort()).toEqual(['line', 'mode', 'publicIp', 'range', 'router']);
	});

	it('names a bad value, and overload with another behaviour', () => {
		const r = parseScenario(`${TOPO}nat r1 public=198.51.100.7 mapping=symmetric hairpin=yes timeouts=bsd\n`);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => e.message)).toEqual([
			'expected mapping=endpoint-independent or address-dependent or address-and-port-dependent, got "symmetric"',
			'expected hairpin=on or off, got "yes"',
			'expected timeouts=linux or rfc or cisco, got "bsd"'
		]);
		const o = parseScenario(`${TOPO}nat r1 public=198.51.100.7 overload=on filtering=endpoint-independent\n`);
		expect(o.ok).toBe(false);
		if (o.ok) return;
		expect(o.errors[0].message).toMatch(/overload=on needs filtering=address-and-port-dependent/);
	});

	it('reaches the engine: hairpin=off drops a packet to the own public address', () => {
		const text = `seed 1\nrouter r1 192.168.1.1 198.51.100.7\nhost a 192.168.1.10\nhost nas 192.168.1.20 root\nlink a r1\nlink nas r1\nnat r1 public=198.51.100.7 hairpin=off\nforward r1 tcp 8080 192.168.1.20:80\n0ms nas listen 80 as=w\n10ms a connect 198.51.100.7:8080 as=c\n+0ms expect segment a > r1 SYN dropped=nat\nrun until=100ms\n`;
		const r = runScenario(text);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.expectations).toHaveLength(1);
		expect(failedExpectations(r)).toEqual([]);
		const on = runScenario(text.replace(' hairpin=off', '').replace('expect segment a > r1 SYN dropped=nat', 'expect segment a > nas SYN delivered'));
		if (!on.ok) throw new Error(JSON.stringify(on.errors));
		expect(on.expectations).toHaveLength(1);
		expect(failedExpectations(on)).toEqual([]);
	});
});

describe('nat pool= and static lines (Cisco dynamic and static NAT)', () => {
	const T2 = 'router r1 192.168.1.1 198.51.100.1\nhost a 192.168.1.10\nlink a r1\n';
	it('expands pool=FIRST-LAST, attaches static lines to their NAT, and hands both to the engine', () => {
		const r = parseScenario(`${T2}nat r1 pool=198.51.100.254-198.51.101.1 pool-timeout=10s timeouts=cisco\nstatic r1 192.168.1.20 198.51.100.20\n`);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.scenario.nats[0]).toEqual({
			line: 4, router: 'r1', publicIp: '198.51.100.254', mode: 'remap', range: null,
			pool: ['198.51.100.254', '198.51.100.255', '198.51.101.0', '198.51.101.1'], poolTimeoutMs: 10_000, timeouts: 'cisco',
			statics: [{ line: 5, inside: '192.168.1.20', global: '198.51.100.20' }]
		});
		const run = runScenario(`seed 1\n${T2}host b 192.168.1.11\nlink b r1\nhost w 203.0.113.5 root\nlink r1 w\nnat r1 pool=198.51.100.10-198.51.100.10\n0ms w udp bind 53 as=s\n10ms a udp send 203.0.113.5:53 4 "q"\n+0ms expect datagram a > w delivered\n20ms b udp send 203.0.113.5:53 4 "q"\n+0ms expect datagram b > w dropped=nat\nrun until=100ms\n`);
		if (!run.ok) throw new Error(JSON.stringify(run.errors));
		expect(run.expectations).toHaveLength(2);
		expect(failedExpectations(run)).toEqual([]);
		expect(run.trace.events.some((e) => e.kind === 'error' && e.errno === 'EADDRNOTAVAIL' && e.host === 'r1')).toBe(true);
	});

	it('names PAT-only keys on a pool NAT, bad pools, and static lines without a NAT or with a taken address', () => {
		const msgs = (text: string) => {
			const r = parseScenario(text);
			return r.ok ? [] : r.errors.map((e) => e.message);
		};
		expect(msgs(`${T2}nat r1 pool=198.51.100.10-198.51.100.20 overload=on\n`)[0]).toMatch(/"overload=" is for port translation \(PAT\) with public=/);
		expect(msgs(`${T2}nat r1 pool=198.51.100.20-198.51.100.10\n`)[0]).toMatch(/backwards/);
		expect(msgs(`${T2}nat r1 pool=198.51.100.0-198.51.101.255\n`)[0]).toMatch(/has 512 addresses; at most 256/);
		expect(msgs(`${T2}nat r1 pool=198.51.100.10\n`)[0]).toMatch(/expected pool=FIRST-LAST/);
		expect(msgs(`${T2}nat r1 public=198.51.100.1 pool-timeout=1s\n`)[0]).toMatch(/belongs to a NAT with pool=/);
		expect(msgs(`${T2}static r1 192.168.1.20 198.51.100.20\n`)[0]).toMatch(/needs a line "nat r1 public=IP" or "nat r1 pool=FIRST-LAST"/);
		expect(msgs(`${T2}nat r1 public=198.51.100.1\nstatic r1 192.168.1.20 192.168.1.10\n`)[0]).toMatch(/already belongs to a/);
		expect(msgs(`${T2}nat r1 pool=198.51.100.10-198.51.100.11\nstatic r1 192.168.1.20 198.51.100.11\n`)[0]).toMatch(/already belongs to r1|in the pool/);
		expect(msgs(`${T2}nat r1 public=198.51.100.1\nstatic r1 192.168.1.20 198.51.100.20\nstatic r1 192.168.1.20 198.51.100.21\n`)[0]).toMatch(/192.168.1.20 already has a static entry on r1 \(line 5\)/);
		expect(msgs(`${T2}nat r1 public=198.51.100.1\nstatic r1 192.168.1.20\n`)[0]).toMatch(/expected "static ROUTER INSIDE-IP GLOBAL-IP"/);
	});
});
