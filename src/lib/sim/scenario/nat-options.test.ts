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
