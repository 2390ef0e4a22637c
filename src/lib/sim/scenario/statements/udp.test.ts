/**
 * The UDP socket calls family: udp bind, udp send, SOCKET send IP:PORT, and their errors with
 * line and column (`SOCKET reply` and NAT port forwarding: udp-nat.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { BASE, errs, ok, where } from '../test-support';

describe('UDP socket calls', () => {
	it('parses udp bind, udp send (new socket) and send from a bound socket', () => {
		const s = ok(BASE + '0ms client udp bind 5353 as=u\n0ms client udp send 8.8.8.8:53 40 "q" as=q1\n+1ms q1 send server:53 "hello"\n+1ms u close\n');
		expect(s.steps.map((x) => x.action)).toEqual([
			{ kind: 'udp-bind', host: 'client', as: 'u', port: 5353 },
			{ kind: 'udp-send', host: 'client', as: 'q1', ip: '8.8.8.8', port: 53, len: 40, text: 'q' },
			{ kind: 'udp-sendto', socket: 'q1', ip: '203.0.113.5', port: 53, len: 5, text: 'hello' },
			{ kind: 'close', socket: 'u' }
		]);
	});

	it('reports a missing or wrong second word, port, payload and verbs TCP-only', () => {
		const e = errs(
			BASE +
				'0ms client udp\n0ms client udp listen 53\n0ms client udp bind\n0ms client udp send 8.8.8.8:53 70000\n0ms client udp bind 53 as=u\n+0ms u abort\n+0ms u read\n'
		);
		expect(where(e)).toEqual([[6, 12], [7, 16], [8, 16], [9, 32], [11, 8], [12, 8]]);
		expect(e[0].message).toBe('expected "udp bind PORT [noconnreset] [as=NAME]" or "udp send IP:PORT LEN ["TEXT"] [as=NAME]", got nothing after "udp"');
		expect(e[1].message).toContain('got "listen" after "udp"');
		expect(e[2].message).toBe('expected a port number 0-65535 after "udp bind"');
		expect(e[3].message).toBe('expected a byte count 0-65507 after "udp send 8.8.8.8:53", got "70000"');
		expect(e[4].message).toContain('"abort" does not apply to the UDP socket "u" (line 10)');
		expect(e[5].message).toContain('"read" does not apply to the UDP socket "u"');
	});
});
