/**
 * The parser never throws: random text, random token soups from the language's vocabulary and
 * random mutations of a valid scenario (every statement family, expectations included) give a
 * scenario or line-numbered errors, never an exception or an "internal parser error".
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario } from './parse';
import { ok } from './test-support';

/** A valid scenario that uses every statement family. */
const VALID = `seed 7
host client 192.168.1.10 os=linux
host server 203.0.113.5 root range=1024-2000
router r1 192.168.1.1 203.0.113.1
nat r1 public=198.51.100.7 mode=remap
firewall r1 stateless
rule r1 allow in tcp dport=80
link client r1 latency=10ms loss=0
link r1 server latency=20ms
0ms server listen 80 as=web
10ms client connect 203.0.113.5:80 as=c1
+50ms c1 send 120 "GET / HTTP/1.1"
+50ms web.1 send 512
+0ms web.1 read
1s c1 close
+0ms web.1 close
+0ms client udp send 8.8.8.8:53 40 as=q1
+0ms client ping 8.8.8.8 count=3
+0ms client traceroute 8.8.8.8 style=unix
+0ms drop next client->r1
+0ms inject client->r1 40000>80 S. seq=1000 ack=1 win=65535
+0ms expect c1 state FIN-WAIT-1
+0ms expect segment client > r1 SYN,ACK seq=c1.iss+1 within=1s
+0ms expect port client 32768..60999 free
+0ms expect nothing sent from=server for=1s
run until=130s
`;

/** A parse result is a scenario or well-formed, line-numbered errors. */
function check(text: string): void {
	const r = parseScenario(text);
	if (r.ok) {
		expect(r.scenario).toBeTypeOf('object');
	} else {
		expect(r.errors.length).toBeGreaterThan(0);
		for (const e of r.errors) {
			expect(Number.isInteger(e.line) && e.line >= 1).toBe(true);
			expect(e.message).not.toMatch(/internal parser error/);
			expect(e.message.length).toBeGreaterThan(0);
		}
	}
}

describe('parseScenario: never throws (fast-check)', () => {
	it('the fuzz base scenario is valid', () => {
		expect(ok(VALID).steps).toHaveLength(16);
	});

	it('random strings', () => {
		fc.assert(fc.property(fc.string({ maxLength: 300 }), check), { numRuns: 1500 });
		fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 500 });
	});
});

describe('parseScenario: never throws on the language\'s own words (fast-check)', () => {
	it('random token soups from the scenario vocabulary', () => {
		const words = fc.constantFrom(
			'seed', 'host', 'router', 'nat', 'firewall', 'rule', 'link', 'run', 'drop', 'next', 'inject', 'udp',
			'listen', 'connect', 'send', 'read', 'close', 'abort', 'bind', 'ping', 'traceroute', 'as=x', 'as=web',
			'client', 'server', 'r1', 'web', 'web.1', 'web.0', 'c1', '0ms', '+5ms', '1.5s', '2min', '80', '65536',
			'10.0.0.1', '10.0.0.1:80', 'server:80', 'S.', '.', 'R', 'seq=1', 'ack=', 'win=99999', 'until=1s', '"x',
			'"a b"', '#', '->', 'client->server', 'os=linux', 'root', 'range=5-1', 'loss=2', 'latency=0ms', 'mode=x',
			'stateless', 'stateful', 'allow', 'deny', 'in', 'tcp', 'dport=80-81', 'public=1.2.3.4', '=', 'x=',
			'expect', 'state', 'error', 'local', 'remote', 'segment', 'datagram', 'icmp', 'icmp6', 'port', 'nothing', 'sent', '>',
			'TIME-WAIT', 'ECONNREFUSED', 'SYN,ACK', 'seq=c1.iss+1', 'ack=web.1.irs', 'within=1s', 'for=5s', 'from=client',
			'40000..40003', 'use', 'free', 'lost', 'delivered', 'dropped=ttl', 'echo-reply', 'port-unreachable', 'id=1'
		);
		const line = fc.array(words, { maxLength: 8 }).map((ws) => ws.join(' '));
		fc.assert(fc.property(fc.array(line, { maxLength: 30 }), (ls) => check(ls.join('\n'))), { numRuns: 1500 });
	});

	it('random mutations of a valid scenario', () => {
		const mutation = fc.oneof(
			fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
			fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 8 }) }),
			fc.record({ kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat() }),
			fc.record({ kind: fc.constant('dup-line' as const), a: fc.nat() })
		);
		fc.assert(
			fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => {
				let text = VALID;
				for (const m of ms) {
					if (m.kind === 'delete') {
						const at = m.at % text.length;
						text = text.slice(0, at) + text.slice(at + m.len);
					} else if (m.kind === 'insert') {
						const at = m.at % (text.length + 1);
						text = text.slice(0, at) + m.text + text.slice(at);
					} else {
						const lines = text.split('\n');
						const a = m.a % lines.length;
						if (m.kind === 'dup-line') lines.splice(a, 0, lines[a]);
						else {
							const b = m.b % lines.length;
							[lines[a], lines[b]] = [lines[b], lines[a]];
						}
						text = lines.join('\n');
					}
				}
				check(text);
			}),
			{ numRuns: 2000 }
		);
	});
});
