/**
 * WSAECONNRESET (10054) from recvfrom() on an unconnected Windows UDP socket after an ICMP Port
 * Unreachable (issue 11 item 4), as a scenario whose `expect` lines assert the datagram, the ICMP
 * message and the error: WinSock's SIO_UDP_CONNRESET is on by default (KB263823; Winsock
 * `recvfrom`, WSAECONNRESET: "For a UDP datagram socket, this error would indicate that a previous
 * send operation resulted in an ICMP 'Port Unreachable' message"). `noconnreset` is
 * `WSAIoctl(SIO_UDP_CONNRESET, FALSE)`; Linux reports nothing on an unconnected socket (udp.ts).
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario';

const scenario = (os: string, bind: string) => `seed 3
host client 192.168.1.10 os=${os}
host server 203.0.113.5 os=linux root
link client server latency=10ms

0ms    client udp bind ${bind} as=q
+10ms  q send 203.0.113.5:9999 40 "anyone here?"
+0ms   expect datagram client > server dport=9999 delivered
+10ms  expect icmp server > client port-unreachable
`;

function run(text: string) {
	const r = runScenario(text);
	if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
	expect(r.expectations).toHaveLength(text.split('\n').filter((l) => / expect /.test(l)).length);
	for (const x of r.expectations) expect(x.passed, `line ${x.line}: ${x.message}`).toBe(true);
	return r.trace;
}

describe('SIO_UDP_CONNRESET in the scenario format', () => {
	it('Windows: the ICMP Port Unreachable makes the pending recvfrom() fail WSAECONNRESET (10054)', () => {
		const tr = run(scenario('windows', '0') + '+10ms  expect q error WSAECONNRESET\nrun until=1s\n');
		const err = tr.events.find((e) => e.kind === 'error' && e.socket === 'q');
		expect(err).toMatchObject({ call: 'recvfrom', errno: 'WSAECONNRESET', code: 10054 });
	});

	it('Windows with noconnreset, and Linux: the same ICMP message, and no error on the socket', () => {
		for (const [os, bind] of [['windows', '0 noconnreset'], ['linux', '0']]) {
			const tr = run(scenario(os, bind) + 'run until=1s\n');
			expect(tr.events.filter((e) => e.kind === 'error' && e.socket === 'q')).toEqual([]);
		}
	});
});
