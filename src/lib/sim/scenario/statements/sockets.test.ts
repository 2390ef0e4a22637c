/**
 * The TCP socket calls family: host verbs (listen, connect, bind), socket verbs (listen,
 * connect, send, read, close, abort), their errors with line and column, and how they run.
 */
import { describe, expect, it } from 'vitest';
import { formatScenarioError, MAX_TOTAL_SEND_BYTES } from '../types';
import { runScenario } from '../run';
import { BASE, errs, ok, where } from '../test-support';

describe('TCP socket calls: parsing', () => {
	it('resolves absolute and relative times and builds actions', () => {
		const s = ok(
			BASE +
				`0ms server listen 80 as=web
10ms client connect 203.0.113.5:80 as=c1
+50ms c1 send 120 "GET / HTTP/1.1\\r\\n"
+50ms web.1 send 512
+0ms web.1 read
1.5s c1 close
+0ms web.1 abort
2min client connect server:443
run until=130s
`
		);
		expect(s.steps.map((x) => [x.line, x.t, x.action.kind])).toEqual([
			[6, 0, 'tcp-listen'],
			[7, 10, 'tcp-connect'],
			[8, 60, 'send'],
			[9, 110, 'send'],
			[10, 110, 'read'],
			[11, 1500, 'close'],
			[12, 1500, 'abort'],
			[13, 120_000, 'tcp-connect']
		]);
		expect(s.steps[0].action).toEqual({ kind: 'tcp-listen', host: 'server', as: 'web', port: 80, autoRead: true });
		expect(s.steps[1].action).toEqual({ kind: 'tcp-connect', host: 'client', as: 'c1', ip: '203.0.113.5', port: 80, autoRead: true });
		expect(s.steps[2].action).toEqual({ kind: 'send', socket: 'c1', len: 120, text: 'GET / HTTP/1.1\r\n' });
		expect(s.steps[7].action).toMatchObject({ ip: '203.0.113.5', port: 443, as: null });
		expect(s.run).toEqual({ line: 14, until: 130_000 });
	});
	it('infers the byte count of a quoted payload as its UTF-8 length', () => {
		const s = ok(BASE + '0ms client connect server:80 as=c\n+1ms c send "héllo"\n');
		expect(s.steps[1].action).toEqual({ kind: 'send', socket: 'c', len: 6, text: 'héllo' });
	});
	it('reports the example error from the brief', () => {
		const [e] = errs(BASE + '0ms server listen 80a\n');
		expect(formatScenarioError(e)).toBe('line 6: expected a port number 0-65535 after "listen", got "80a"');
		expect(e.column).toBe(19);
		expect(formatScenarioError(e, 'x.scn')).toBe('x.scn:6: expected a port number 0-65535 after "listen", got "80a"');
	});
	it('accepts accepted-socket names of a bound socket that later listens', () => {
		const s = ok(BASE + '0ms server bind 8080 reuseaddr as=b\n+0ms b listen\n+1s b.2 close\n');
		expect(s.steps.map((x) => x.action)).toEqual([
			{ kind: 'tcp-bind', host: 'server', as: 'b', port: 8080, reuseAddr: true, autoRead: true },
			{ kind: 'socket-listen', socket: 'b', port: null },
			{ kind: 'close', socket: 'b.2' }
		]);
	});
	it('checks verbs against the socket kind', () => {
		const e = errs(BASE + '0ms server listen 80 as=web\n0ms web send 10\n0ms web read\n0ms client udp bind 53 as=u\n0ms u abort\n0ms u send 5\n');
		expect(e.map((x) => x.line)).toEqual([7, 8, 10, 11]);
		expect(e[0].message).toContain('does not apply to the listening socket "web"');
		expect(e[3].message).toContain('expected a destination IP:PORT');
	});
});

describe('TCP socket calls: names', () => {
	it('rejects unknown sockets, sockets used before they exist, and reused names', () => {
		const e = errs(
			BASE +
				`0ms c1 send 10
0ms client connect server:80 as=c1
0ms client connect server:80 as=c1
0ms client connect server:80 as=server
0ms c1.1 close
0ms nope.1 close
`
		);
		expect(e.map((x) => x.line)).toEqual([6, 8, 9, 10, 11]);
		expect(e[0].message).toContain('unknown host or socket "c1"');
		expect(e[1].message).toContain('already used on line 7');
		expect(e[2].message).toContain('already the name of a host');
		expect(e[3].message).toContain('not a listening socket');
		expect(e[4].message).toContain('unknown socket "nope"');
	});
});

describe('TCP socket calls: errors and runs', () => {
	it('needs a verb after a host or socket, and names the ones that fit', () => {
		const e = errs(BASE + '0ms client\n0ms client connect server:80 as=c\n+1ms c\n+1ms client frobnicate\n+1ms client send 5\n');
		expect(where(e)).toEqual([[6, 5], [8, 6], [9, 13], [10, 13]]);
		expect(e[0].message).toBe('expected what host "client" does: listen, connect, bind, udp bind, udp send, ping, ping6, traceroute, traceroute6');
		expect(e[1].message).toBe('expected what socket "c" does: send LEN, read, shutdown SHUT_RD|SHUT_WR|SHUT_RDWR, keepalive, close, abort');
		expect(e[2].message).toContain('unknown action "frobnicate" for host "client"');
		expect(e[3].message).toContain('"send" applies to a socket: name one with as= and write "SOCKET send"');
	});

	it('checks a bind line: a port, known flags, and listen or connect after it', () => {
		const e = errs(BASE + '0ms client bind as=b\n0ms client bind 80 fast as=b2\n0ms client bind 9 as=b3\n+0ms b3 send 1\n');
		expect(where(e)).toEqual([[6, 12], [7, 20], [9, 9]]);
		expect(e[0].message).toContain('expected a port number 0-65535 after "bind"');
		expect(e[1].message).toBe('unexpected "fast" in bind; expected reuseaddr, reuseunicastport, manualread or as=NAME');
		expect(e[2].message).toContain('"send" does not apply to the unconnected socket "b3" (line 8); expected listen, connect IP:PORT, keepalive, close, abort');
	});

	it('runs: typed sockets for named, accepted and bound sockets', () => {
		const r = runScenario(BASE + '0ms server listen 80 as=web\n10ms client bind 40000 manualread as=c\n+0ms c connect server:80\n+100ms c send 10 "hi"\n+50ms web.1 send 5\n+50ms c read\n+0ms web.1 close\n+0ms c abort\nrun until=1s\n');
		if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e)).join('\n'));
		const calls = r.trace.events.filter((e) => e.kind === 'call').map((e) => (e.kind === 'call' ? `${e.socket} ${e.call}` : ''));
		expect(calls).toEqual(expect.arrayContaining(['c bind', 'c connect', 'c send', 'web.1 send', 'c read', 'web.1 close', 'c abort']));
	});

	it('refuses ports with leading zeros, as addresses (issue 12)', () => {
		const e = errs(BASE + '0ms server listen 080\n0ms client connect server:0443\n0ms client bind 00 as=b\n');
		expect(where(e)).toEqual([[6, 19], [7, 20], [8, 17]]);
		expect(e[0].message).toBe('expected a port number 0-65535 after "listen", got "080" (no leading zeros: write 80)');
		expect(e[1].message).toBe('expected a port number 1-65535 after "server:", got "0443" (no leading zeros: write 443)');
		expect(e[2].message).toContain('(no leading zeros: write 0)');
		expect(ok(BASE + '0ms server listen 80\n0ms client bind 0 as=b\n').steps).toHaveLength(2);
	});

	it('bounds the bytes the whole scenario sends, at the send that passes the limit', () => {
		const sends = Array.from({ length: 10 }, () => '+1ms c send 1000000\n').join('');
		const head = BASE + '0ms server listen 80 as=web\n0ms client connect server:80 as=c\n';
		expect(ok(head + sends).steps).toHaveLength(12);
		const e = errs(head + sends + '+1ms web.1 send 1 "x"\n+1ms c send 5\n');
		expect(where(e)).toEqual([[18, 17]]);
		expect(e[0].message).toBe(`this payload brings the bytes sent by the scenario to ${MAX_TOTAL_SEND_BYTES + 1}; a scenario may send at most ${MAX_TOTAL_SEND_BYTES} bytes in all`);
	});
});

describe('shutdown and keepalive', () => {
	it('parse into actions', () => {
		const s = ok(BASE + '0ms server listen 80 as=web\n+0ms web keepalive idle=30s\n10ms client connect server:80 as=c\n+1s c shutdown SHUT_WR\n+0ms c keepalive idle=10s intvl=2s cnt=3\n');
		expect(s.steps.map((x) => x.action).filter((a) => a.kind === 'shutdown' || a.kind === 'keepalive')).toEqual([
			{ kind: 'keepalive', socket: 'web', idleMs: 30_000, intvlMs: null, cnt: null },
			{ kind: 'shutdown', socket: 'c', how: 'SHUT_WR' },
			{ kind: 'keepalive', socket: 'c', idleMs: 10_000, intvlMs: 2000, cnt: 3 }
		]);
	});
	it('report a missing or unknown how, and keep-alive values Linux would refuse', () => {
		const e = errs(BASE + '0ms client connect server:80 as=c\n+1s c shutdown\n+0ms c shutdown WR\n+0ms c keepalive idle=500ms\n+0ms c keepalive cnt=200\n+0ms c keepalive intvl=1.5s\n');
		expect(e.map((x) => x.message)).toEqual([
			'expected SHUT_RD, SHUT_WR or SHUT_RDWR after "shutdown", got nothing',
			'expected SHUT_RD, SHUT_WR or SHUT_RDWR after "shutdown", got "WR"',
			'"idle=" must be 1s-32767s (Linux TCP_KEEPIDLE is in whole seconds, 1-32767)',
			'expected a probe count 1-127 after "cnt=", got "200"',
			'"intvl=" must be 1s-32767s (Linux TCP_KEEPINTVL is in whole seconds, 1-32767)'
		]);
	});
	it('a stateful firewall takes idle=, a stateless one does not', () => {
		const top = '# x\nhost a 192.168.1.10\nrouter fw 192.168.1.1 203.0.113.1\nhost b 203.0.113.5\nlink a fw\nlink fw b\n';
		expect(ok(top + 'firewall fw stateful idle=60s\n').firewalls[0]).toMatchObject({ mode: 'stateful', idleMs: 60_000 });
		expect(errs(top + 'firewall fw stateless idle=60s\nrule fw allow out\n').map((x) => x.message)).toContain(
			'idle= needs a stateful firewall (a stateless one tracks no connections)'
		);
	});
	it('run: shutdown(SHUT_WR) half-closes, keepalive probes', () => {
		const r = runScenario(
			BASE + '0ms server listen 80 as=web\n10ms client connect server:80 as=c\n+0ms c keepalive idle=5s intvl=1s cnt=2\n+1s c shutdown SHUT_WR\n+0ms c send 5\nrun until=3s\n'
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const ev = r.trace.events;
		expect(ev.filter((e) => e.kind === 'state' && e.socket === 'c').map((e) => (e as { to: string }).to)).toEqual(['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2']);
		expect(ev.filter((e) => e.kind === 'error').map((e) => (e as { errno: string }).errno)).toEqual(['EPIPE']);
	});
});
