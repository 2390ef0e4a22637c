import { describe, expect, it } from 'vitest';
import { Simulation, SimError, type DatagramEvent, type ErrorEvent, type IcmpEvent, type PortEvent } from './index';

function pair(opts: { clientRange?: [number, number] } = {}) {
	const sim = new Simulation({ seed: 5 });
	sim.addHost({ name: 'client', ip: '192.168.1.10', ...(opts.clientRange ? { ephemeral: opts.clientRange } : {}) });
	sim.addHost({ name: 'server', ip: '203.0.113.5', root: true });
	sim.addLink('client', 'server', { latencyMs: 10 });
	return sim;
}
const dgrams = (sim: Simulation) => sim.trace().events.filter((e): e is DatagramEvent => e.kind === 'datagram');
const icmps = (sim: Simulation) => sim.trace().events.filter((e): e is IcmpEvent => e.kind === 'icmp');
const errors = (sim: Simulation, socket: string) => sim.trace().events.filter((e): e is ErrorEvent => e.kind === 'error' && e.socket === socket);
const ports = (sim: Simulation) => sim.trace().events.filter((e): e is PortEvent => e.kind === 'port');

describe('UDP', () => {
	it('autobinds an ephemeral port at the first send (port event via send), keeps it for later sends', () => {
		const sim = pair();
		sim.at(0, () => sim.host('server').udp('dns').bind(53));
		sim.at(5, () => {
			const q = sim.host('client').udp('q');
			expect(q.localPort).toBe(0); // socket() takes no port
			q.sendTo('203.0.113.5', 53, 40, 'query');
		});
		sim.at(50, () => sim.udpSocket('q').sendTo('203.0.113.5', 53, 10));
		sim.run();
		const [a, b] = dgrams(sim);
		expect(a.src.port).toBeGreaterThanOrEqual(32768);
		expect(a.src.port).toBeLessThanOrEqual(60999);
		expect(b.src.port).toBe(a.src.port);
		expect(a.ttl).toBe(64);
		const alloc = ports(sim).filter((p) => p.socket === 'q');
		expect(alloc).toEqual([expect.objectContaining({ proto: 'UDP', action: 'allocate', via: 'send', port: a.src.port, t: 5 })]);
		expect(sim.udpSocket('dns').received).toBe(2);
		expect(sim.udpSocket('dns').bytesReceived).toBe(50);
		expect(sim.host('client').portsInUse('UDP')).toEqual([a.src.port]);
		expect(sim.host('client').portsInUse('TCP')).toEqual([]);
	});

	it('reply() answers the last sender with the ports swapped', () => {
		const sim = pair();
		sim.at(0, () => sim.host('server').udp('dns').bind(53));
		sim.at(1, () => sim.host('client').udp('q').sendTo('203.0.113.5', 53, 40));
		sim.at(20, () => expect(sim.udpSocket('dns').reply(120, 'answer')).toBe(true));
		sim.run();
		const [q, r] = dgrams(sim);
		expect(r.src).toEqual(q.dst);
		expect(r.dst).toEqual(q.src);
		expect(r.len).toBe(120);
		expect(r.payload).toBe('answer');
		expect(sim.udpSocket('q').received).toBe(1);
		expect(sim.udpSocket('q').lastSender).toEqual({ ip: '203.0.113.5', port: 53 });
	});

	it('reply() before any datagram fails with EDESTADDRREQ and sends nothing', () => {
		const sim = pair();
		sim.at(0, () => {
			const s = sim.host('server').udp('dns');
			s.bind(53);
			expect(s.reply(10)).toBe(false);
		});
		sim.run();
		expect(dgrams(sim)).toHaveLength(0);
		expect(errors(sim, 'dns').map((e) => e.errno)).toEqual(['EDESTADDRREQ']);
	});

	it('a datagram to a closed port draws ICMP type 3 code 3 quoting its 5-tuple; an unconnected sender sees no error', () => {
		const sim = pair();
		sim.at(0, () => sim.host('client').udp('q').sendTo('203.0.113.5', 9999, 12));
		sim.at(100, () => expect(sim.udpSocket('q').sendTo('203.0.113.5', 9999, 12)).toBe(true));
		sim.run();
		const [d] = dgrams(sim);
		expect(d.arrivedAt).toBe(10);
		const un = icmps(sim).filter((i) => i.type === 3 && i.code === 3);
		expect(un).toHaveLength(2);
		expect(un[0]).toMatchObject({ from: 'server', srcIp: '203.0.113.5', dstIp: '192.168.1.10', t: 10, arrivedAt: 20 });
		expect(un[0].quoted).toEqual({ proto: 'UDP', src: d.src, dst: d.dst });
		expect(errors(sim, 'q')).toEqual([]);
	});

	it('connected socket: the ICMP error makes the next call fail with ECONNREFUSED (Linux sk_err), then it works again', () => {
		const sim = pair();
		sim.at(0, () => {
			const c = sim.host('client').udp('c');
			expect(c.connect('203.0.113.5', 7777)).toBe(true);
			expect(c.send(8)).toBe(true);
		});
		sim.at(50, () => expect(sim.udpSocket('c').send(8)).toBe(false));
		sim.at(60, () => expect(sim.udpSocket('c').send(8)).toBe(true));
		sim.run();
		expect(errors(sim, 'c')).toEqual([expect.objectContaining({ errno: 'ECONNREFUSED', call: 'send', t: 50 })]);
		expect(dgrams(sim).map((d) => d.t)).toEqual([0, 60]);
		const p = ports(sim).find((e) => e.socket === 'c')!;
		expect(p.via).toBe('connect');
	});

	it('a connected socket only accepts datagrams from its peer; others get Port Unreachable', () => {
		const sim = pair();
		sim.addHost({ name: 'other', ip: '203.0.113.9' });
		sim.addLink('other', 'client', { latencyMs: 1 });
		sim.at(0, () => {
			const c = sim.host('client').udp('c');
			c.bind(5000);
			c.connect('203.0.113.5', 53);
		});
		sim.at(1, () => sim.host('other').udp('o').sendTo('192.168.1.10', 5000, 4));
		sim.at(2, () => sim.host('server').udp('s').sendTo('192.168.1.10', 5000, 4)); // right IP, wrong port
		sim.at(3, () => {
			const s = sim.host('server').udp('s53');
			s.bind(53);
			s.sendTo('192.168.1.10', 5000, 4);
		});
		sim.run();
		expect(sim.udpSocket('c').received).toBe(1);
		expect(sim.udpSocket('c').lastSender).toEqual({ ip: '203.0.113.5', port: 53 });
		const un = icmps(sim).filter((i) => i.type === 3);
		expect(un.map((i) => i.dstIp)).toEqual(['203.0.113.9', '203.0.113.5']);
	});

	it('bind errors: EADDRINUSE, EACCES without root, EINVAL twice; close releases the port', () => {
		const sim = pair();
		sim.at(0, () => {
			const h = sim.host('client');
			const a = h.udp('a');
			expect(a.bind(5353)).toBe(true);
			expect(h.udp('b').bind(5353)).toBe(false);
			expect(h.udp('c').bind(53)).toBe(false);
			expect(a.bind(5354)).toBe(false);
			// TCP and UDP are separate port spaces.
			expect(h.tcp('t').bind(5353)).toBe(true);
			a.close();
			expect(h.udp('d').bind(5353)).toBe(true);
		});
		sim.run();
		const errs = sim.trace().events.filter((e): e is ErrorEvent => e.kind === 'error').map((e) => `${e.socket}:${e.errno}`);
		expect(errs).toEqual(['b:EADDRINUSE', 'c:EACCES', 'a:EINVAL']);
		expect(ports(sim).filter((p) => p.socket === 'a').map((p) => p.action)).toEqual(['allocate', 'release']);
	});

	it('send() on an unconnected socket fails with EDESTADDRREQ; bad arguments throw SimError', () => {
		const sim = pair();
		const s = sim.host('client').udp('u');
		expect(s.send(1)).toBe(false);
		expect(() => s.sendTo('1.2.3', 53, 1)).toThrow(SimError);
		expect(() => s.sendTo('1.2.3.4', 0, 1)).toThrow(SimError);
		expect(() => s.sendTo('1.2.3.4', 53, 65508)).toThrow(/0-65507/);
		expect(() => sim.host('client').udp('u')).toThrow(/already exists/);
		expect(() => sim.host('client').tcp('u')).toThrow(/already exists/);
		expect(errors(sim, 'u').map((e) => e.errno)).toEqual(['EDESTADDRREQ']);
	});

	it('ephemeral: [low, high] narrows the range for TCP and UDP, and is visible in host.preset', () => {
		const sim = pair({ clientRange: [40000, 40001] });
		expect(sim.host('client').preset.ephemeral).toEqual([40000, 40001]);
		expect(sim.host('client').preset.timeWaitMs).toBe(60_000);
		sim.at(0, () => {
			for (const id of ['u1', 'u2', 'u3']) sim.host('client').udp(id).sendTo('203.0.113.5', 9, 1);
		});
		sim.run();
		expect(dgrams(sim).map((d) => d.src.port).sort()).toEqual([40000, 40001]);
		expect(errors(sim, 'u3').map((e) => e.errno)).toEqual(['EADDRINUSE']);
		expect(() => new Simulation({ seed: 1 }).addHost({ name: 'x', ip: '10.0.0.1', ephemeral: [5, 4] })).toThrow(SimError);
		expect(() => new Simulation({ seed: 1 }).addHost({ name: 'x', ip: '10.0.0.1', ephemeral: [0, 4] })).toThrow(/ephemeral/);
	});
});
