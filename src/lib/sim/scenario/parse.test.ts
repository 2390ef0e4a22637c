import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	HOST_OS_IDS,
	MAX_LINES,
	MAX_INPUT_CHARS,
	formatScenarioError,
	parseScenario,
	type Scenario,
	type ScenarioError
} from './index';
import { OS_PRESET_IDS } from '../os';

const BASE = `# a comment line
seed 42
host client 192.168.1.10 os=linux
host server 203.0.113.5 os=freebsd root
link client server latency=10ms
`;

function ok(text: string): Scenario {
	const r = parseScenario(text);
	if (!r.ok) throw new Error('unexpected errors:\n' + r.errors.map((e) => formatScenarioError(e)).join('\n'));
	return r.scenario;
}

function errs(text: string): ScenarioError[] {
	const r = parseScenario(text);
	if (r.ok) throw new Error('expected errors, got a scenario');
	return r.errors;
}

describe('parseScenario: header statements', () => {
	it('parses seed, hosts, links with defaults', () => {
		const s = ok(BASE + 'link client server2 latency=1ms\n'.replace(/.*\n/, ''));
		expect(s.seed).toBe(42);
		expect(s.hosts).toEqual([
			{ line: 3, name: 'client', ip: '192.168.1.10', os: 'linux', root: false, range: null, scripted: false },
			{ line: 4, name: 'server', ip: '203.0.113.5', os: 'freebsd', root: true, range: null, scripted: false }
		]);
		expect(s.links).toEqual([{ line: 5, a: 'client', b: 'server', latencyMs: 10, loss: 0 }]);
		expect(s.steps).toEqual([]);
		expect(s.run).toBeNull();
	});

	it('parses routers, nat, firewall rules, range overrides and loss as a percentage', () => {
		const s = ok(`host a 10.0.0.2 range=60000-60003
host b 203.0.113.5
router r1 10.0.0.1 203.0.113.1
nat r1 public=198.51.100.7 mode=preserve range=2000-2999
firewall r1 stateless
rule r1 allow in tcp dport=80
rule r1 allow any udp sport=53
rule r1 deny in any
link a r1 latency=1.5ms loss=5%
link r1 b latency=2min loss=0.25
`);
		expect(s.hosts[0].range).toEqual([60000, 60003]);
		expect(s.routers).toEqual([{ line: 3, name: 'r1', ips: ['10.0.0.1', '203.0.113.1'] }]);
		expect(s.nats).toEqual([{ line: 4, router: 'r1', publicIp: '198.51.100.7', mode: 'preserve', range: [2000, 2999] }]);
		expect(s.firewalls).toHaveLength(1);
		expect(s.firewalls[0].rules.map((r) => [r.line, r.action, r.direction, r.proto, r.sport, r.dport])).toEqual([
			[6, 'allow', 'in', 'tcp', null, [80, 80]],
			[7, 'allow', 'any', 'udp', [53, 53], null],
			[8, 'deny', 'in', 'any', null, null]
		]);
		expect(s.links.map((l) => [l.latencyMs, l.loss])).toEqual([
			[1.5, 0.05],
			[120_000, 0.25]
		]);
	});

	it('every OS id it accepts is a real engine preset, and every preset is accepted', () => {
		expect([...HOST_OS_IDS].sort()).toEqual([...OS_PRESET_IDS].sort());
	});

	it('rejects an unknown OS preset and lists the valid ones', () => {
		const [e] = errs('host a 10.0.0.1 os=solaris\n');
		expect(e.line).toBe(1);
		expect(e.column).toBe(17);
		expect(e.message).toContain('unknown OS preset "solaris"');
		for (const id of HOST_OS_IDS) expect(e.message).toContain(id);
	});

	it('rejects bad IPs, duplicate names and duplicate IPs', () => {
		const e = errs(`host a 10.0.0.256
host b 10.0.0.01
host c 10.0.0.1
host c 10.0.0.2
host d 10.0.0.1
host e not-an-ip
`);
		expect(e.map((x) => x.line)).toEqual([1, 2, 4, 5, 6]);
		expect(e[0].message).toContain('0-255');
		expect(e[1].message).toContain('leading zero');
		expect(e[2].message).toContain('already used by the host on line 3');
		expect(e[3].message).toContain('10.0.0.1 already belongs to c (line 3)');
		expect(e[4].message).toContain('dotted-quad');
	});

	it('rejects unknown keys, naming the allowed ones', () => {
		const [e] = errs('host a 10.0.0.1 color=red\n');
		expect(e.message).toBe('unknown key "color=" for host; allowed: os=, range=, autoreuse=');
		expect(e.column).toBe(17);
	});

	it('rejects keywords as names, rules without a stateless firewall, and an empty stateless firewall', () => {
		const e = errs(`host run 10.0.0.1
router r1 10.0.0.2 10.0.1.1
router r2 10.0.2.1
firewall r1 stateful
rule r1 allow in tcp dport=80
firewall r2 stateless
`);
		expect(e.map((x) => x.line)).toEqual([1, 5, 6]);
		expect(e[0].message).toContain('keyword');
		expect(e[1].message).toContain('only to a stateless firewall');
		expect(e[2].message).toContain('has no rule lines');
	});

	it('rejects links to unknown nodes, self links and duplicate links', () => {
		const e = errs(`host a 10.0.0.1
host b 10.0.0.2
link a c
link a a
link a b
link b a
`);
		expect(e.map((x) => [x.line, x.column])).toEqual([
			[3, 8],
			[4, 8],
			[6, 6]
		]);
		expect(e[0].message).toContain('unknown host or router "c"');
		expect(e[0].message).toContain('declared: a, b');
	});
});

describe('parseScenario: timed statements', () => {
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

	it('rejects times going backwards and times without units', () => {
		const e = errs(BASE + '1s server listen 80\n500ms client connect server:80\n250 client connect server:80\n');
		expect(e.map((x) => x.line)).toEqual([7, 8]);
		expect(e[0].message).toContain('time goes backwards');
		expect(e[0].message).toContain('line 6 is already at 1000 ms');
		expect(e[1].message).toContain('add a unit: 250ms');
	});

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

	it('parses UDP, ping, traceroute, drop and inject', () => {
		const s = ok(
			BASE +
				`0ms client udp bind 5353 as=u
0ms client udp send 8.8.8.8:53 40 "q" as=q1
+1ms q1 send server:53 "hello"
+1ms u close
+1ms client ping 8.8.8.8 count=3 interval=500ms
+1ms client traceroute server style=windows maxhops=5
+1ms drop next client->server
+1ms drop next server -> client
+1ms inject client->server 40000>80 S seq=1000
+1ms inject server->client 10.9.9.9:80>192.168.1.10:40000 [R.] seq=5 ack=1001 win=0
+1ms inject client->server 40000>80 P. seq=1001 ack=1 payload="hi there"
`
		);
		const a = s.steps.map((x) => x.action);
		expect(a[0]).toEqual({ kind: 'udp-bind', host: 'client', as: 'u', port: 5353 });
		expect(a[1]).toEqual({ kind: 'udp-send', host: 'client', as: 'q1', ip: '8.8.8.8', port: 53, len: 40, text: 'q' });
		expect(a[2]).toEqual({ kind: 'udp-sendto', socket: 'q1', ip: '203.0.113.5', port: 53, len: 5, text: 'hello' });
		expect(a[3]).toEqual({ kind: 'close', socket: 'u' });
		expect(a[4]).toEqual({ kind: 'ping', host: 'client', ip: '8.8.8.8', count: 3, intervalMs: 500 });
		expect(a[5]).toEqual({ kind: 'traceroute', host: 'client', ip: '203.0.113.5', style: 'windows', maxHops: 5 });
		expect(a[6]).toEqual({ kind: 'drop-next', from: 'client', to: 'server' });
		expect(a[7]).toEqual({ kind: 'drop-next', from: 'server', to: 'client' });
		expect(a[8]).toEqual({
			kind: 'inject',
			from: 'client',
			to: 'server',
			src: { ip: '192.168.1.10', port: 40000 },
			dst: { ip: '203.0.113.5', port: 80 },
			flags: ['SYN'],
			seq: 1000,
			ack: 0,
			wnd: 65535,
			len: 0,
			text: null
		});
		expect(a[9]).toMatchObject({ src: { ip: '10.9.9.9', port: 80 }, flags: ['RST', 'ACK'], seq: 5, ack: 1001, wnd: 0 });
		expect(a[10]).toMatchObject({ flags: ['PSH', 'ACK'], len: 8, text: 'hi there' });
	});

	it('accepts sequence numbers read from a socket at run time', () => {
		const s = ok(BASE + '0ms client bind 40000 as=c1\n+0ms c1 connect server:80\n1s inject server->client 80>40000 R. seq=c1.rcvnxt ack=c1.sndnxt-1\n');
		expect(s.steps[2].action).toMatchObject({
			seq: { socket: 'c1', field: 'rcvnxt', offset: 0 },
			ack: { socket: 'c1', field: 'sndnxt', offset: -1 }
		});
		const e = errs(BASE + '0ms inject server->client 80>40000 R seq=zz.rcvnxt\n0ms inject server->client 80>40000 R seq=abc\n');
		expect(e[0].message).toContain('unknown host or socket "zz"');
		expect(e[1].message).toContain('SOCKET.iss|irs|sndnxt|rcvnxt');
	});

	it('rejects bad inject flags and ack= without ACK', () => {
		const e = errs(BASE + '0ms inject client->server 1>2 SX\n0ms inject client->server 1>2 S ack=5\n0ms inject client->server 1>99999 S\n');
		expect(e.map((x) => x.line)).toEqual([6, 7, 8]);
		expect(e[0].message).toContain('unknown flag letter "X"');
		expect(e[1].message).toContain('have no ACK');
		expect(e[2].message).toContain('destination port');
	});

	it('requires header statements before timed ones and nothing after run', () => {
		const e = errs(BASE + '0ms server listen 80\nhost x 10.1.1.1\nrun until=1s\n0ms server listen 81\n');
		expect(e.map((x) => x.line)).toEqual([7, 9]);
		expect(e[0].message).toContain('must come before the first timed statement (line 6)');
		expect(e[1].message).toContain('nothing may follow the "run"');
	});

	it('rejects run until= earlier than the last timed line', () => {
		const [e] = errs(BASE + '5s server listen 80\nrun until=1s\n');
		expect(e.message).toContain('ends before line 6');
	});

	it('points at a missing time', () => {
		const [e] = errs(BASE + 'server listen 80\n');
		expect(e.message).toContain('expected a time before "server"');
	});

	it('collects all errors instead of stopping at the first', () => {
		const e = errs('host a 1.2.3\nhost b 10.0.0.1 os=x\nbogus\n0ms a listen 1\n');
		expect(e.length).toBeGreaterThanOrEqual(3);
		expect(e.map((x) => x.line)).toEqual([...e.map((x) => x.line)].sort((p, q) => p - q));
	});

	it('does not cascade: a host with a bad address is still a known name', () => {
		const e = errs('host a 1.2.3\n0ms a listen 80a\n');
		expect(e.map((x) => x.line)).toEqual([1, 2]);
		expect(e[1].message).toContain('expected a port number');
	});

	it('reports an unterminated string at its column', () => {
		const [e] = errs(BASE + '0ms client connect server:80 as=c\n0ms c send 5 "abc\n');
		expect(e).toEqual({ line: 7, column: 14, message: 'unterminated string: add a closing "' });
	});

	it('limits input size and line count', () => {
		const big = errs('#'.repeat(MAX_INPUT_CHARS + 1));
		expect(big[0].message).toMatch(/limit is 100 KB/);
		const many = errs('seed 1\n'.padEnd(0) + '# x\n'.repeat(MAX_LINES + 5));
		expect(many[0].line).toBe(MAX_LINES + 1);
		expect(many[0].message).toContain('the limit is 2000');
	});

	it('handles CRLF line ends', () => {
		expect(ok(BASE.replace(/\n/g, '\r\n')).hosts).toHaveLength(2);
	});
});

describe('parseScenario: never throws (fast-check)', () => {
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
run until=130s
`;

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

	it('the fuzz base scenario is valid', () => {
		expect(ok(VALID).steps).toHaveLength(12);
	});

	it('random strings', () => {
		fc.assert(fc.property(fc.string({ maxLength: 300 }), check), { numRuns: 1500 });
		fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 500 });
	});

	it('random token soups from the scenario vocabulary', () => {
		const words = fc.constantFrom(
			'seed', 'host', 'router', 'nat', 'firewall', 'rule', 'link', 'run', 'drop', 'next', 'inject', 'udp',
			'listen', 'connect', 'send', 'read', 'close', 'abort', 'bind', 'ping', 'traceroute', 'as=x', 'as=web',
			'client', 'server', 'r1', 'web', 'web.1', 'web.0', 'c1', '0ms', '+5ms', '1.5s', '2min', '80', '65536',
			'10.0.0.1', '10.0.0.1:80', 'server:80', 'S.', '.', 'R', 'seq=1', 'ack=', 'win=99999', 'until=1s', '"x',
			'"a b"', '#', '->', 'client->server', 'os=linux', 'root', 'range=5-1', 'loss=2', 'latency=0ms', 'mode=x',
			'stateless', 'stateful', 'allow', 'deny', 'in', 'tcp', 'dport=80-81', 'public=1.2.3.4', '=', 'x='
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
