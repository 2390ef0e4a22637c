/** `inject FROM->TO SRC>DST udp`: a hand-made UDP datagram, its source possibly forged. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from './parse';
import { runScenario } from './run';
import type { DatagramEvent } from '../trace';

const NET = 'host a 198.51.100.66\nhost s 203.0.113.53 root\nhost v 192.0.2.80\nrouter r 198.51.100.1 203.0.113.1 192.0.2.1\nlink a r\nlink r s\nlink r v\n';

describe('inject ... udp', () => {
	it('sends a datagram with the forged source; the server answers the forged address', () => {
		const r = runScenario(`${NET}0ms s udp bind 53 as=dns\n10ms inject a->s 192.0.2.80:40000>203.0.113.53:53 udp len=40 payload="q"\n+30ms dns reply 1400\nrun until=200ms\n`);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const d = r.trace.events.filter((e): e is DatagramEvent => e.kind === 'datagram');
		expect(d.map((x) => [x.from, x.to, `${x.src.ip}:${x.src.port}`, `${x.dst.ip}:${x.dst.port}`, x.len])).toEqual([
			['a', 's', '192.0.2.80:40000', '203.0.113.53:53', 40],
			['s', 'v', '203.0.113.53:53', '192.0.2.80:40000', 1400]
		]);
		expect(d[0].payload).toBe('q');
	});

	it('refuses TCP fields and oversized datagrams', () => {
		const r = parseScenario(`${NET}10ms inject a->s 40000>53 udp seq=5\n+0ms inject a->s 40000>53 udp len=65508\n`);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => [e.line, e.message])).toEqual([
			[8, 'seq= is a TCP field; a udp inject takes only len= and payload='],
			[9, 'a UDP datagram carries at most 65507 bytes']
		]);
	});
});
