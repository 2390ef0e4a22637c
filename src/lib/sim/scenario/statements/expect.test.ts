/**
 * The run-and-expect family: each `expect` form parses to its action, reports its errors at
 * the right line and column, and is checked against the run: it holds when it should, and
 * fails with a message saying what happened instead.
 */
import { describe, expect, it } from 'vitest';
import { failedExpectations, runScenario } from '../run';
import { formatScenarioError } from '../types';
import { BASE, errs, ok, where } from '../test-support';

/** A connection, a request, and a client-side close (client: Linux, server: FreeBSD). */
const RUN = BASE + `0ms server listen 80 as=web
10ms client connect server:80 as=c1
+100ms c1 send 100
+100ms c1 close
`;

/** The failure messages of `lines` appended to {@link RUN}, by line (empty when all hold). */
function failures(lines: string, until = '70s'): string[] {
	const r = runScenario(`${RUN}${lines}run until=${until}\n`);
	if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
	return failedExpectations(r).map((e) => formatScenarioError(e));
}

describe('expect: parsing', () => {
	it('parses every form into its action', () => {
		const s = ok(
			RUN +
				`+0ms expect c1 state FIN-WAIT-1
+0ms expect c1 error ECONNREFUSED
+0ms expect web.1 remote client:32768..60999
+0ms expect segment client > server FIN,ACK seq=c1.iss+101 ack=web.1.iss+1 within=1s
+0ms expect datagram client>server dport=53 ttl=64 lost
+0ms expect icmp server -> client port-unreachable dropped=firewall
+0ms expect port client 40000..40003 in use udp
+0ms expect nothing sent from=client for=5s
`
		);
		const a = s.steps.slice(4).map((x) => x.action);
		expect(a[0]).toEqual({ kind: 'expect-state', socket: 'c1', state: 'FIN-WAIT-1' });
		expect(a[1]).toEqual({ kind: 'expect-error', socket: 'c1', errno: 'ECONNREFUSED' });
		expect(a[2]).toEqual({ kind: 'expect-address', socket: 'web.1', side: 'remote', ip: '192.168.1.10', ports: [32768, 60999] });
		expect(a[3]).toMatchObject({ match: { proto: 'TCP', from: 'client', to: 'server', flags: ['FIN', 'ACK'], withinMs: 1000 } });
		expect(a[3]).toMatchObject({ match: { seq: { socket: 'c1', field: 'iss', offset: 101 }, ack: { socket: 'web.1', field: 'iss', offset: 1 } } });
		expect(a[4]).toMatchObject({ match: { proto: 'UDP', dport: [53, 53], ttl: 64, fate: 'lost' } });
		expect(a[5]).toMatchObject({ match: { proto: 'ICMP', icmp: { type: 3, code: 3 }, fate: 'firewall' } });
		expect(a[6]).toEqual({ kind: 'expect-port', host: 'client', proto: 'UDP', ports: [40000, 40003], inUse: true });
		expect(a[7]).toEqual({ kind: 'expect-nothing', from: 'client', forMs: 5000 });
	});

	it('reports socket expectations with their line and column', () => {
		const e = errs(RUN + '+0ms expect c9 state CLOSED\n+0ms expect c1 status CLOSED\n+0ms expect c1 state TIMEWAIT\n+0ms expect c1 error EOOPS\n+0ms expect c1 local nowhere:80\n');
		expect(where(e)).toEqual([[10, 13], [11, 16], [12, 22], [13, 22], [14, 22]]);
		expect(e[0].message).toContain('unknown host or socket "c9"');
		expect(e[1].message).toBe('expected what to check on "c1": state, error, local, remote; got "status"');
		expect(e[2].message).toContain('expected a TCP state (CLOSED, LISTEN, SYN-SENT');
		expect(e[3].message).toContain('expected an error name (ECONNREFUSED');
		expect(e[4].message).toContain('unknown host "nowhere"');
	});

	it('reports packet, port and nothing-sent errors with their line and column', () => {
		const e = errs(
			RUN +
				`+0ms expect segment client > server
+0ms expect segment client > server SYN seq=c1.sndnxt
+0ms expect icmp server > client pong
+0ms expect port client 80 taken
+0ms expect nothing sent for=soon
+0ms expect
`
		);
		expect(where(e)).toEqual([[10, 13], [11, 41], [12, 34], [13, 28], [14, 26], [15, 6]]);
		expect(e[0].message).toContain("expected the segment's flags");
		expect(e[1].message).toContain('sndnxt changes during the run; here use c1.iss or c1.irs (+N)');
		expect(e[2].message).toContain('expected an ICMP message: echo-reply, echo-request');
		expect(e[3].message).toContain('expect port HOST PORTS in use');
		expect(e[4].message).toContain('expected a duration like 10ms');
		expect(e[5].message).toContain('expected what to expect');
	});
});

describe('expect: checking a run', () => {
	it('holds for what happened', () => {
		const lines = `+0ms expect c1 state FIN-WAIT-1
+0ms expect segment client > server FIN,ACK seq=c1.iss+101 ack=web.1.iss+1
+10ms expect web.1 state CLOSE-WAIT
+0ms expect web.1 local 203.0.113.5:80
+0ms expect port client 32768..60999 free
+0ms expect nothing sent from=client for=1s
`;
		expect(failures(lines.replace('32768..60999 free', '80 free'))).toEqual([]);
	});

	it('says what happened instead, and when what was expected does happen', () => {
		const got = failures(`+0ms expect c1 state TIME-WAIT
+0ms expect c1 error ECONNRESET
+0ms expect segment client > server SYN
+5ms expect segment server > client ACK within=1ms
+0ms expect web.1 remote 10.0.0.1:1
+0ms expect nothing sent
`);
		expect(got).toHaveLength(6);
		expect(got[0]).toMatch(/^line 10: expectation failed: c1 is FIN-WAIT-1 at 210 ms \(since 210 ms: .*\), not TIME-WAIT$/);
		expect(got[1]).toBe('line 11: expectation failed: c1 reported no error by 210 ms, not ECONNRESET');
		expect(got[2]).toMatch(/client sent .*\[FIN,ACK\].* at 210 ms, but its flags are FIN,ACK$/);
		expect(got[3]).toMatch(/server sent no segment from 215 ms to 216 ms; its next leaves at 220 ms/);
		expect(got[4]).toMatch(/web\.1's remote address at 215 ms is 192\.168\.1\.10:\d+, not 10\.0\.0\.1:1$/);
		expect(got[5]).toMatch(/server sent .* at 220 ms$/);
	});

	it('checks the WinSock name a Windows host records, not the POSIX one', () => {
		const text = `host win 192.168.1.40 os=windows
host server 203.0.113.5 os=linux
link win server latency=5ms
0ms win connect server:81 as=c1
+20ms expect c1 error WSAECONNREFUSED
+0ms expect c1 error ECONNREFUSED
run until=1s
`;
		const r = runScenario(text);
		if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
		expect(failedExpectations(r).map((e) => e.line)).toEqual([6]);
		expect(failedExpectations(r)[0].message).toContain('reported WSAECONNREFUSED');
	});

	it('names a socket that does not exist yet, and when it appears', () => {
		const r = runScenario(BASE + '0ms server listen 80 as=web\n+0ms expect web.1 state ESTABLISHED\n10ms client connect server:80 as=c1\nrun until=1s\n');
		if (!r.ok) throw new Error('run failed');
		expect(failedExpectations(r)[0].message).toBe('expectation failed: socket web.1 does not exist yet at 0 ms; it becomes ESTABLISHED at 40 ms');
	});

	it('checks the window of nothing sent against the end of the run', () => {
		expect(failures('+0ms expect nothing sent from=server for=10s\n', '5s')[0]).toContain('after the run stops (5000 ms); use a later run until=');
		const r = runScenario(`${RUN}61s expect c1 state CLOSED\n`, { until: 30_000 });
		if (!r.ok) throw new Error('run failed');
		expect(failedExpectations(r)[0].message).toContain('the run stopped at 30000 ms, before this line');
	});

	it('never changes the run: the trace is the same with and without expect lines', () => {
		const a = runScenario(`${RUN}run until=70s\n`);
		const b = runScenario(`${RUN}+0ms expect c1 state FIN-WAIT-1\n69s expect nothing sent\nrun until=70s\n`);
		const c = runScenario(RUN);
		const d = runScenario(`${RUN}+0ms expect c1 state FIN-WAIT-1\n`);
		if (!a.ok || !b.ok || !c.ok || !d.ok) throw new Error('run failed');
		expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
		expect(JSON.stringify(d.trace)).toBe(JSON.stringify(c.trace));
		expect(b.expectations.map((x) => x.passed)).toEqual([true, true]);
	});
});
