/**
 * Windows behaviour from Microsoft's documentation (issue 11 item 4), one scenario per
 * behaviour, asserting the segments, states and errors each produces:
 * - the dynamic port pool and the port reuse in Event 4227's text;
 * - WSAEADDRINUSE (10048) on a TIME-WAIT collision (Event 4227);
 * - WSAENOBUFS (10055) when every port holds a live connection (Event 4231), for connect() and bind(0);
 * - Windows XP / Server 2003 before SP1, where TIME-WAIT ports count as free;
 * - SO_REUSE_UNICASTPORT and the auto-reuse port range;
 * - WSAECONNRESET (10054) from recvfrom() after ICMP Port Unreachable (SIO_UDP_CONNRESET);
 * - WinSock names and numbers for every error on a Windows host, POSIX names elsewhere.
 * Sources: os.ts (windows preset) and ports.ts (PortTableOptions).
 */
import { describe, expect, it } from 'vitest';
import {
	Simulation,
	SimError,
	type DatagramEvent,
	type ErrorEvent,
	type IcmpEvent,
	type OsPresetId,
	type PortEvent,
	type SegmentEvent,
	type StateEvent,
	type Trace
} from './index';
import { runScenario } from './scenario';

const API = '203.0.113.5';
const OTHER = '198.51.100.7';

/** A client with a tiny dynamic range and two servers listening on 443. */
function lab(os: OsPresetId = 'windows', range: [number, number] = [50000, 50003], autoReuse?: [number, number]) {
	const sim = new Simulation({ seed: 41 });
	sim.addHost({ name: 'client', ip: '192.168.1.10', os, ephemeral: range, ...(autoReuse ? { autoReuse } : {}) });
	sim.addHost({ name: 'api', ip: API, root: true });
	sim.addHost({ name: 'other', ip: OTHER, root: true });
	sim.addRouter({ name: 'r1', ips: ['192.168.1.1', '203.0.113.1', '198.51.100.1'] });
	sim.addLink('client', 'r1', { latencyMs: 5 });
	sim.addLink('r1', 'api', { latencyMs: 5 });
	sim.addLink('r1', 'other', { latencyMs: 5 });
	sim.at(0, () => {
		sim.host('api').tcp('a').listen(443);
		sim.host('other').tcp('o').listen(443);
	});
	return sim;
}

/** `n` short connections to the API, each closed by the client first (TIME-WAIT on the client). */
function shortConnections(sim: Simulation, n: number, from = 10): number {
	let t = from;
	for (let i = 1; i <= n; i++) {
		sim.at(t, () => sim.host('client').tcp(`c${i}`).connect(API, 443));
		sim.at(t + 100, () => sim.socket(`c${i}`).close());
		sim.at(t + 130, () => sim.socket(`a.${i}`).close());
		t += 140;
	}
	return t;
}

const segs = (tr: Trace, sock?: { src?: number }) =>
	tr.events.filter((e): e is SegmentEvent => e.kind === 'segment' && (sock?.src === undefined || e.src.port === sock.src));
const states = (tr: Trace, socket: string) => tr.events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === socket);
const errors = (tr: Trace, socket?: string) =>
	tr.events.filter((e): e is ErrorEvent => e.kind === 'error' && (socket === undefined || e.socket === socket));
const allocs = (tr: Trace, socket: string) =>
	tr.events.filter((e): e is PortEvent => e.kind === 'port' && e.socket === socket && e.action === 'allocate');
const synsFrom = (tr: Trace, port: number) => segs(tr).filter((s) => s.src.port === port && s.flags.join(',') === 'SYN');

describe('Windows dynamic port pool (netsh int ipv4 show dynamicport tcp, KB929851)', () => {
	it('the default pool is 49152-65535 and connect() hands ports out in order', () => {
		const sim = new Simulation({ seed: 3 });
		sim.addHost({ name: 'win', ip: '192.168.1.11', os: 'windows' });
		sim.addHost({ name: 'web', ip: API, root: true });
		sim.addLink('win', 'web');
		sim.at(0, () => sim.host('web').tcp('w').listen(443));
		for (let i = 0; i < 3; i++) sim.at(10 + i, () => sim.host('win').tcp(`c${i}`).connect(API, 443));
		const tr = sim.run({ until: 500 });
		const ports = [0, 1, 2].map((i) => allocs(tr, `c${i}`)[0]!.port);
		expect(ports).toEqual([49152, 49153, 49154]);
		expect(sim.host('win').preset.ephemeral).toEqual([49152, 65535]);
	});
});

describe('Event 4227: when no port is free, TCP/IP reuses a TIME-WAIT port', () => {
	it('towards a different remote endpoint the reused port connects (SYN from it, SYN-SENT -> ESTABLISHED) beside its TIME-WAIT', () => {
		const sim = lab();
		const t = shortConnections(sim, 4);
		sim.at(t, () => sim.host('client').tcp('d1').connect(OTHER, 443));
		const tr = sim.run({ until: 2000 });
		expect(errors(tr)).toEqual([]);
		const port = allocs(tr, 'd1')[0]!.port;
		expect(port).toBe(50000); // the rover wrapped to the first port
		const syn = synsFrom(tr, port).find((s) => s.dst.ip === OTHER)!;
		expect(syn).toMatchObject({ from: 'client', dst: { ip: OTHER, port: 443 } });
		expect(states(tr, 'd1').map((s) => s.to)).toEqual(['SYN-SENT', 'ESTABLISHED']);
		// The old connection on the same local port is still in TIME-WAIT towards the API.
		expect(states(tr, 'c1').at(-1)).toMatchObject({ to: 'TIME-WAIT', local: { port: 50000 }, remote: { ip: API, port: 443 } });
		expect(sim.host('client').tcpPorts.tuplesOn(50000).map((x) => `${x.remoteIp} ${x.state}`)).toEqual([
			`${OTHER} live`,
			`${API} time-wait`
		]);
	});

	it('towards the same remote endpoint it fails WSAEADDRINUSE (10048): no SYN, no state change', () => {
		const sim = lab();
		const t = shortConnections(sim, 4);
		sim.at(t, () => sim.host('client').tcp('c5').connect(API, 443));
		const tr = sim.run({ until: 2000 });
		const [e] = errors(tr, 'c5');
		expect(e).toMatchObject({ call: 'connect', errno: 'WSAEADDRINUSE', code: 10048 });
		expect(e!.message).toContain('Event 4227');
		expect(states(tr, 'c5')).toEqual([]);
		expect(allocs(tr, 'c5')).toEqual([]);
		expect(segs(tr).filter((s) => s.t >= t && s.flags.join(',') === 'SYN')).toEqual([]);
	});

	it('a retry after the collision selects the next TIME-WAIT port (still the same endpoint: fails again)', () => {
		const sim = lab();
		const t = shortConnections(sim, 4);
		sim.at(t, () => sim.host('client').tcp('c5').connect(API, 443));
		sim.at(t + 1, () => sim.host('client').tcp('c6').connect(API, 443));
		const tr = sim.run({ until: 2000 });
		expect(errors(tr).map((e) => e.message.match(/local port (\d+)/)?.[1])).toEqual(['50000', '50001']);
	});

	it('while a port is free, connect() never takes a TIME-WAIT port (Windows Vista and later)', () => {
		const sim = lab('windows', [50000, 50003]);
		shortConnections(sim, 2); // 50000 and 50001 in TIME-WAIT
		sim.at(400, () => sim.host('client').tcp('n1').connect(API, 443));
		sim.at(401, () => sim.host('client').tcp('n2').connect(API, 443));
		const tr = sim.run({ until: 1000 });
		expect(errors(tr)).toEqual([]);
		expect([allocs(tr, 'n1')[0]!.port, allocs(tr, 'n2')[0]!.port]).toEqual([50002, 50003]);
	});
});

describe('Event 4231: the whole pool holds live connections', () => {
	it('connect() fails WSAENOBUFS (10055) and sends nothing', () => {
		const sim = lab();
		for (let i = 1; i <= 4; i++) sim.at(10 + i, () => sim.host('client').tcp(`d${i}`).connect(OTHER, 443));
		sim.at(100, () => sim.host('client').tcp('d5').connect(API, 443));
		const tr = sim.run({ until: 500 });
		expect(errors(tr)).toEqual([expect.objectContaining({ socket: 'd5', call: 'connect', errno: 'WSAENOBUFS', code: 10055 })]);
		expect(errors(tr)[0]!.message).toContain('Event 4231');
		expect(segs(tr).filter((s) => s.dst.ip === API)).toEqual([]);
		expect(states(tr, 'd5')).toEqual([]);
	});

	it('bind(0) (and listen() autobind) fail WSAENOBUFS too; an explicit busy port is WSAEADDRINUSE', () => {
		const sim = lab();
		for (let i = 1; i <= 4; i++) sim.at(10 + i, () => sim.host('client').tcp(`d${i}`).connect(OTHER, 443));
		sim.at(100, () => sim.host('client').tcp('b').bind(0));
		sim.at(101, () => sim.host('client').tcp('l').listen());
		sim.at(102, () => sim.host('client').tcp('x').bind(50001));
		const tr = sim.run({ until: 500 });
		expect(errors(tr).map((e) => `${e.socket} ${e.call} ${e.errno} ${e.code}`)).toEqual([
			'b bind WSAENOBUFS 10055',
			'l listen WSAENOBUFS 10055',
			'x bind WSAEADDRINUSE 10048'
		]);
	});

	it('the same exhaustion on Linux is per destination: EADDRNOTAVAIL, POSIX names, no number', () => {
		const sim = lab('linux', [50000, 50003]);
		for (let i = 1; i <= 4; i++) sim.at(10 + i, () => sim.host('client').tcp(`d${i}`).connect(OTHER, 443));
		sim.at(100, () => sim.host('client').tcp('d5').connect(OTHER, 443));
		sim.at(101, () => sim.host('client').tcp('p1').connect(API, 443));
		const tr = sim.run({ until: 500 });
		expect(errors(tr)).toEqual([expect.objectContaining({ socket: 'd5', errno: 'EADDRNOTAVAIL' })]);
		expect(errors(tr)[0]!.code).toBeUndefined();
		expect(states(tr, 'p1').map((s) => s.to)).toEqual(['SYN-SENT', 'ESTABLISHED']);
	});
});

describe('Windows XP / Server 2003 before SP1: a TIME-WAIT port counts as free', () => {
	/** c1 leaves 50000 in TIME-WAIT; the server closes c2 first, so 50001 is free again. */
	function twoPorts(os: OsPresetId) {
		const sim = lab(os, [50000, 50001]);
		sim.at(10, () => sim.host('client').tcp('c1').connect(API, 443));
		sim.at(110, () => sim.socket('c1').close());
		sim.at(140, () => sim.socket('a.1').close());
		sim.at(200, () => sim.host('client').tcp('c2').connect(API, 443));
		sim.at(300, () => sim.socket('a.2').close());
		sim.at(330, () => sim.socket('c2').close());
		sim.at(500, () => sim.host('client').tcp('c3').connect(API, 443));
		return sim.run({ until: 1000 });
	}

	it('XP takes the TIME-WAIT port the rover reaches first and collides: WSAEADDRINUSE although 50001 is free', () => {
		const tr = twoPorts('windows-xp');
		expect(states(tr, 'c2').at(-1)?.to).toBe('CLOSED'); // passive close: 50001 is free again
		expect(errors(tr, 'c3')).toEqual([expect.objectContaining({ errno: 'WSAEADDRINUSE', code: 10048 })]);
	});

	it('Vista and later take the free port instead', () => {
		const tr = twoPorts('windows');
		expect(errors(tr)).toEqual([]);
		expect(allocs(tr, 'c3')[0]!.port).toBe(50001);
		expect(states(tr, 'c3').map((s) => s.to)).toEqual(['SYN-SENT', 'ESTABLISHED']);
	});
});

describe('SO_REUSE_UNICASTPORT and the auto-reuse port range', () => {
	it('with an auto-reuse range, connect() shares one port between destinations (4-tuples unique)', () => {
		const sim = lab('windows', [50000, 50003], [50100, 50100]); // a one-port auto-reuse range
		sim.at(10, () => sim.host('client').tcp('x1').connect(API, 443));
		sim.at(11, () => sim.host('client').tcp('x2').connect(OTHER, 443));
		sim.at(12, () => sim.host('client').tcp('x3').connect(API, 443));
		const tr = sim.run({ until: 500 });
		expect(allocs(tr, 'x1')[0]!.port).toBe(50100);
		expect(allocs(tr, 'x2')[0]!.port).toBe(50100);
		const syns = synsFrom(tr, 50100);
		expect(syns.map((s) => s.dst.ip)).toEqual([API, OTHER]);
		expect(states(tr, 'x2').map((s) => s.to)).toEqual(['SYN-SENT', 'ESTABLISHED']);
		// A second connection to the same endpoint would duplicate the 4-tuple: no port left.
		expect(errors(tr)).toEqual([expect.objectContaining({ socket: 'x3', errno: 'WSAENOBUFS', code: 10055 })]);
	});

	it('bind(0) with SO_REUSE_UNICASTPORT defers the port to connect(); without it bind(0) takes an exclusive port', () => {
		const sim = lab('windows', [50000, 50003], [50100, 50101]);
		sim.at(10, () => sim.host('client').tcp('u1').bind(0, { reuseUnicastPort: true }));
		sim.at(11, () => sim.host('client').tcp('b1').bind(0));
		sim.at(20, () => sim.socket('u1').connect(API, 443));
		sim.at(21, () => sim.socket('b1').connect(OTHER, 443));
		const tr = sim.run({ until: 500 });
		expect(allocs(tr, 'u1')).toEqual([expect.objectContaining({ t: 20, via: 'connect' })]);
		expect(allocs(tr, 'u1')[0]!.port).toBeGreaterThanOrEqual(50100);
		expect(allocs(tr, 'b1')).toEqual([expect.objectContaining({ t: 11, via: 'bind', port: 50000 })]);
		expect(states(tr, 'u1').map((s) => s.to)).toEqual(['SYN-SENT', 'ESTABLISHED']);
		expect(errors(tr)).toEqual([]);
	});

	it('the auto-reuse range leaves the ordinary pool: an explicit bind there fails, bind(0) never picks it', () => {
		const sim = lab('windows', [50000, 50003], [50002, 50003]);
		sim.at(10, () => sim.host('client').tcp('e').bind(50002));
		sim.at(11, () => sim.host('client').tcp('z1').bind(0));
		sim.at(12, () => sim.host('client').tcp('z2').bind(0));
		sim.at(13, () => sim.host('client').tcp('z3').bind(0));
		const tr = sim.run({ until: 100 });
		expect(errors(tr).map((e) => `${e.socket} ${e.errno}`)).toEqual(['e WSAEADDRINUSE', 'z3 WSAENOBUFS']);
		expect([allocs(tr, 'z1')[0]!.port, allocs(tr, 'z2')[0]!.port]).toEqual([50000, 50001]);
	});

	it('without an auto-reuse range SO_REUSE_UNICASTPORT only defers the choice: ports come from the dynamic pool', () => {
		const sim = lab();
		sim.at(10, () => sim.host('client').tcp('u1').bind(0, { reuseUnicastPort: true }));
		sim.at(20, () => sim.socket('u1').connect(API, 443));
		const tr = sim.run({ until: 500 });
		expect(allocs(tr, 'u1')).toEqual([expect.objectContaining({ t: 20, port: 50000, via: 'connect' })]);
	});

	it('is a Windows option: other hosts reject it, and only os=windows takes an auto-reuse range', () => {
		const sim = lab('linux');
		expect(() => sim.host('client').tcp('u').bind(0, { reuseUnicastPort: true })).toThrow(SimError);
		const s2 = new Simulation({ seed: 1 });
		expect(() => s2.addHost({ name: 'xp', ip: '10.0.0.1', os: 'windows-xp', autoReuse: [50000, 50010] })).toThrow(/Windows setting/);
	});
});

describe('SIO_UDP_CONNRESET: recvfrom() fails WSAECONNRESET (10054) after ICMP Port Unreachable', () => {
	function udp(os: OsPresetId) {
		const sim = new Simulation({ seed: 2 });
		sim.addHost({ name: 'client', ip: '192.168.1.10', os });
		sim.addHost({ name: 'server', ip: API, root: true });
		sim.addLink('client', 'server', { latencyMs: 10 });
		return sim;
	}

	it('Windows, unconnected socket: the ICMP 3/3 arrives and recvfrom fails WSAECONNRESET at that moment', () => {
		const sim = udp('windows');
		sim.at(0, () => sim.host('client').udp('q').sendTo(API, 5353, 40, 'query'));
		const tr = sim.run();
		const d = tr.events.find((e): e is DatagramEvent => e.kind === 'datagram')!;
		const icmp = tr.events.find((e): e is IcmpEvent => e.kind === 'icmp')!;
		expect([icmp.type, icmp.code]).toEqual([3, 3]);
		expect(icmp.quoted).toMatchObject({ proto: 'UDP', src: d.src, dst: { ip: API, port: 5353 } });
		expect(errors(tr, 'q')).toEqual([
			expect.objectContaining({ t: icmp.arrivedAt, call: 'recvfrom', errno: 'WSAECONNRESET', code: 10054 })
		]);
	});

	it('Windows, connected socket: recv fails WSAECONNRESET; a later send still goes out (no pending error)', () => {
		const sim = udp('windows');
		sim.at(0, () => {
			const s = sim.host('client').udp('c');
			s.connect(API, 5353);
			s.send(10);
		});
		sim.at(100, () => sim.udpSocket('c').send(10));
		const tr = sim.run();
		expect(errors(tr, 'c').map((e) => `${e.call} ${e.errno}`)).toEqual(['recv WSAECONNRESET', 'recv WSAECONNRESET']);
		expect(tr.events.filter((e) => e.kind === 'datagram')).toHaveLength(2);
	});

	it('WSAIoctl(SIO_UDP_CONNRESET, FALSE) silences it; Linux ignores the ICMP on an unconnected socket', () => {
		const win = udp('windows');
		win.at(0, () => {
			const s = win.host('client').udp('q');
			s.setUdpConnReset(false);
			s.sendTo(API, 5353, 40);
		});
		const tw = win.run();
		expect(tw.events.some((e) => e.kind === 'icmp')).toBe(true);
		expect(errors(tw)).toEqual([]);
		const lin = udp('linux');
		lin.at(0, () => lin.host('client').udp('q').sendTo(API, 5353, 40));
		const tl = lin.run();
		expect(tl.events.some((e) => e.kind === 'icmp')).toBe(true);
		expect(errors(tl)).toEqual([]);
		expect(() => lin.host('client').udp('r').setUdpConnReset(false)).toThrow(SimError);
	});
});

describe('no privileged ports on Windows, nor for wildcard binds on macOS', () => {
	it('a program without root binds port 80 on Windows and macOS; on Linux and FreeBSD it gets EACCES', () => {
		for (const [os, failed] of [
			['windows', []],
			// macOS 10.14+: XNU in_pcbbind() checks the privilege only for a specific local address,
			// and scenario sockets bind the wildcard
			['macos', []],
			['freebsd', ['web EACCES']],
			['linux', ['web EACCES']]
		] as const) {
			const sim = new Simulation({ seed: 1 });
			sim.addHost({ name: 'srv', ip: API, os });
			sim.at(0, () => sim.host('srv').tcp('web').listen(80));
			sim.at(1, () => sim.host('srv').udp('dns').bind(53));
			const tr = sim.run();
			expect(errors(tr).filter((e) => e.socket === 'web').map((e) => `${e.socket} ${e.errno}`)).toEqual(failed);
			expect(errors(tr).some((e) => e.socket === 'dns')).toBe(os === 'linux' || os === 'freebsd');
		}
	});
});

describe('WinSock error names and numbers on Windows hosts', () => {
	it('a refused connect() is WSAECONNREFUSED (10061) on Windows and ECONNREFUSED on Linux', () => {
		for (const [os, want] of [
			['windows', { errno: 'WSAECONNREFUSED', code: 10061 }],
			['linux', { errno: 'ECONNREFUSED' }]
		] as const) {
			const sim = new Simulation({ seed: 1 });
			sim.addHost({ name: 'client', ip: '192.168.1.10', os });
			sim.addHost({ name: 'server', ip: API });
			sim.addLink('client', 'server');
			sim.at(0, () => sim.host('client').tcp('c').connect(API, 81));
			const tr = sim.run();
			const [e] = errors(tr);
			expect(e).toMatchObject(want);
			if (os === 'linux') expect(e!.code).toBeUndefined();
			// The RST that refused it is the same on the wire either way.
			expect(segs(tr).map((s) => s.flags.join(','))).toEqual(['SYN', 'RST,ACK']);
		}
	});
});

describe('scenario files: autoreuse=, reuseunicastport, noconnreset', () => {
	const head = `host w 192.168.1.10 os=windows range=50000-50003 autoreuse=50100-50101
host api ${API} root
host other ${OTHER} root
link w api
link w other
0ms api listen 443 as=a
0ms other listen 443 as=o
`;

	it('run as the engine calls do', () => {
		const r = runScenario(
			head +
				`10ms w bind 0 reuseunicastport as=u
+0ms u connect ${API}:443
+1ms w connect ${OTHER}:443 as=v
+1ms w udp bind 0 noconnreset as=q
+0ms q send ${API}:9 10
run until=1s
`
		);
		if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
		const tr = r.trace;
		expect(allocs(tr, 'u')[0]!.port).toBeGreaterThanOrEqual(50100);
		expect(allocs(tr, 'v')[0]!.port).toBeGreaterThanOrEqual(50100);
		expect(tr.events.some((e) => e.kind === 'icmp' && e.type === 3)).toBe(true);
		expect(errors(tr)).toEqual([]);
	});

	it('reject the Windows options on other hosts, naming the line', () => {
		const r = runScenario(`host l 10.0.0.1 os=linux autoreuse=50000-50010
host x 10.0.0.2 os=windows-xp autoreuse=50000-50010
0ms l bind 0 reuseunicastport as=b
+0ms l udp bind 0 noconnreset as=u
`);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => e.line)).toEqual([1, 2, 3, 4]);
		expect(r.errors[0]!.message).toMatch(/autoreuse= is a Windows setting/);
		expect(r.errors[2]!.message).toMatch(/reuseunicastport .* is a Windows socket option/);
	});
});
