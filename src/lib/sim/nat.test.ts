import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, SimError, type DatagramEvent, type ErrorEvent, type IcmpEvent, type NatEvent, type PortEvent, type SegmentEvent } from './index';
import { CONNTRACK_TIMEOUTS } from './nat';

/** Two inside laptops, a home router doing NAT, and two outside servers. */
function home(mode: 'preserve' | 'remap' = 'preserve', range?: [number, number]) {
	const sim = new Simulation({ seed: 8 });
	sim.addHost({ name: 'l1', ip: '192.168.1.10' });
	sim.addHost({ name: 'l2', ip: '192.168.1.11' });
	sim.addRouter({ name: 'home', ips: ['192.168.1.1', '198.51.100.7'] });
	sim.addHost({ name: 'web', ip: '203.0.113.5', root: true });
	sim.addHost({ name: 'evil', ip: '203.0.113.66', root: true });
	sim.setNat('home', range ? { publicIp: '198.51.100.7', mode, range } : { publicIp: '198.51.100.7', mode });
	sim.addLink('l1', 'home', { latencyMs: 2 });
	sim.addLink('l2', 'home', { latencyMs: 2 });
	sim.addLink('home', 'web', { latencyMs: 20 });
	sim.addLink('home', 'evil', { latencyMs: 20 });
	return sim;
}
const ev = <K extends string>(sim: Simulation, kind: K) => sim.trace().events.filter((e) => e.kind === kind);
const nats = (sim: Simulation) => ev(sim, 'nat') as NatEvent[];
const segs = (sim: Simulation) => ev(sim, 'segment') as SegmentEvent[];
const dgrams = (sim: Simulation) => ev(sim, 'datagram') as DatagramEvent[];

describe('NAT', () => {
	it('preserve: keeps the inside port when free, remaps a clash; replies are translated back', () => {
		const sim = home();
		sim.at(0, () => sim.host('web').tcp('srv').listen(80));
		sim.at(10, () => {
			const a = sim.host('l1').tcp('a');
			a.bind(40000);
			a.connect('203.0.113.5', 80);
			const b = sim.host('l2').tcp('b');
			b.bind(40000);
			b.connect('203.0.113.5', 80);
		});
		sim.run({ until: 1000 });
		expect(sim.socket('a').state).toBe('ESTABLISHED');
		expect(sim.socket('b').state).toBe('ESTABLISHED');
		const created = nats(sim).filter((n) => n.action === 'create');
		expect(created.map((n) => n.inside)).toEqual([
			{ ip: '192.168.1.10', port: 40000 },
			{ ip: '192.168.1.11', port: 40000 }
		]);
		expect(created[0].outside).toEqual({ ip: '198.51.100.7', port: 40000 });
		expect(created[1].outside.port).not.toBe(40000);
		expect(created[0].t).toBe(12); // recorded when the SYN reaches the router
		// The server sees the public address; the trace keeps sent addresses and adds `translated`.
		expect(sim.socket('srv.1').remote).toEqual({ ip: '198.51.100.7', port: 40000 });
		expect(sim.socket('srv.2').remote).toEqual({ ip: '198.51.100.7', port: created[1].outside.port });
		const syn = segs(sim)[0];
		expect(syn.src).toEqual({ ip: '192.168.1.10', port: 40000 });
		expect(syn.translated?.src).toEqual({ ip: '198.51.100.7', port: 40000 });
		const synAck = segs(sim).find((s) => s.from === 'web' && s.dst.port === created[1].outside.port)!;
		expect(synAck.to).toBe('l2');
		expect(synAck.translated?.dst).toEqual({ ip: '192.168.1.11', port: 40000 });
		expect(synAck.arrivedAt! - synAck.t).toBe(22);
		expect(sim.hosts().find((h) => h.name === 'home')?.role).toBe('nat');
	});

	it('remap: every mapping gets a port from the range; exhaustion drops the packet and records EADDRNOTAVAIL', () => {
		const sim = home('remap', [20000, 20001]);
		sim.at(0, () => {
			for (const [h, id] of [['l1', 'u1'], ['l1', 'u2'], ['l2', 'u3']] as const) sim.host(h).udp(id).sendTo('203.0.113.5', 53, 10);
		});
		sim.run({ until: 100 });
		const d = dgrams(sim);
		expect(d.slice(0, 2).map((x) => x.translated!.src.port).sort()).toEqual([20000, 20001]);
		expect(d[2].dropped).toBe('nat');
		expect(d[2].arrivedAt).toBeNull();
		const err = ev(sim, 'error') as ErrorEvent[];
		expect(err).toHaveLength(1);
		expect(err[0]).toMatchObject({ host: 'home', call: 'nat', errno: 'EADDRNOTAVAIL' });
	});

	it('drops unsolicited inbound packets and packets from a remote the mapping never talked to', () => {
		const sim = home();
		sim.at(0, () => sim.host('l1').tcp('srv').listen(8080));
		sim.at(0, () => sim.host('l1').udp('u').bind(5000));
		sim.at(1, () => sim.udpSocket('u').sendTo('203.0.113.5', 53, 10)); // mapping 5000 -> web:53
		sim.at(100, () => sim.host('evil').tcp('x').connect('198.51.100.7', 8080));
		sim.at(100, () => sim.host('evil').udp('y').sendTo('198.51.100.7', 5000, 4));
		sim.at(100, () => sim.host('evil').udp('z').sendTo('192.168.1.10', 5000, 4)); // private address from outside
		sim.run({ until: 2000 });
		const syn = segs(sim).find((s) => s.from === 'evil')!;
		expect(syn.dropped).toBe('nat');
		const fromEvil = dgrams(sim).filter((x) => x.from === 'evil');
		expect(fromEvil.map((x) => x.dropped)).toEqual(['nat', 'nat']);
		expect(sim.udpSocket('u').received).toBe(0);
	});

	it('UDP mappings expire after 30 s idle (nat expire + port release); TCP 120 s after both FINs', () => {
		const sim = home();
		sim.at(0, () => sim.host('web').tcp('srv').listen(80));
		sim.at(0, () => sim.host('l1').udp('u').sendTo('203.0.113.5', 53, 10));
		sim.at(0, () => sim.host('l2').tcp('c').connect('203.0.113.5', 80));
		sim.at(500, () => sim.socket('c').close());
		sim.at(500, () => sim.socket('srv.1').close());
		sim.run({ until: 200_000 });
		const udpEv = nats(sim).filter((n) => n.proto === 'UDP');
		expect(udpEv.map((n) => [n.action, n.t])).toEqual([
			['create', 2],
			['expire', 2 + CONNTRACK_TIMEOUTS.udp]
		]);
		const tcpEv = nats(sim).filter((n) => n.proto === 'TCP');
		expect(tcpEv.map((n) => n.action)).toEqual(['create', 'expire']);
		// Last packet through the router: the final ACK of the close.
		const last = segs(sim).filter((s) => s.t < tcpEv[1].t).at(-1)!;
		const lastAtRouter = last.from === 'l2' ? last.t + 2 : last.t + 20;
		expect(tcpEv[1].t).toBe(lastAtRouter + CONNTRACK_TIMEOUTS.tcpTimeWait);
		const natPorts = (ev(sim, 'port') as PortEvent[]).filter((p) => p.host === 'home');
		expect(natPorts.map((p) => `${p.proto} ${p.action}`)).toEqual(['UDP allocate', 'TCP allocate', 'UDP release', 'TCP release']);
		expect(natPorts.every((p) => p.via === 'nat')).toBe(true);
	});

	it('translates ICMP echo identifiers both ways, and Time Exceeded back to the inside host', () => {
		const sim = home();
		sim.addRouter({ name: 'isp', ips: ['203.0.113.1', '198.51.100.1'] });
		sim.addLink('home', 'isp', { latencyMs: 1 });
		sim.addHost({ name: 'far', ip: '198.51.100.200' });
		sim.addLink('isp', 'far', { latencyMs: 1 });
		sim.at(0, () => sim.host('l1').ping('203.0.113.5', { count: 2 }));
		sim.at(0, () => sim.host('l2').ping('203.0.113.5', { count: 1 }));
		sim.at(3000, () => sim.host('l1').traceroute('198.51.100.200', { probes: 1 }));
		sim.run({ until: 60_000 });
		const icmp = ev(sim, 'icmp') as IcmpEvent[];
		const req = icmp.filter((i) => i.type === 8);
		// Both pings start with identifier 1 inside (one rover per host): the NAT keeps one, remaps the other.
		expect(req.slice(0, 2).map((r) => r.identifier)).toEqual([1, 1]);
		const outIds = new Set(req.map((r) => r.translated!.identifier));
		expect(outIds.size).toBe(2);
		const rep = icmp.filter((i) => i.type === 0);
		expect(rep).toHaveLength(3);
		for (const r of rep) expect(r.translated!.identifier).toBe(1);
		expect(rep.map((r) => r.to).sort()).toEqual(['l1', 'l1', 'l2']);
		// traceroute through NAT: home and isp answer Time Exceeded, far Port Unreachable, all delivered to l1.
		const hops = sim
			.trace()
			.events.filter((e) => e.kind === 'call' && e.call === 'hop' && e.socket.startsWith('l1#traceroute'))
			.map((e) => (e as { detail: string }).detail.trim().split(/\s+/)[1]);
		// isp answers from the interface facing home (198.51.100.1 shares the longest prefix with 198.51.100.7).
		expect(hops).toEqual(['192.168.1.1', '198.51.100.1', '198.51.100.200']);
		const te = icmp.find((i) => i.type === 11 && i.srcIp === '198.51.100.1')!;
		expect(te.dstIp).toBe('198.51.100.7');
		expect(te.to).toBe('l1');
		expect(te.translated?.dst.ip).toBe('192.168.1.10');
	});

	it('forwardPort sends inbound connections to an inside server, whose replies leave from the public port', () => {
		const sim2 = home();
		sim2.forwardPort('home', { proto: 'TCP', publicPort: 8080, to: { ip: '192.168.1.11', port: 8000 } });
		sim2.at(0, () => sim2.host('l2').tcp('app').listen(8000));
		sim2.at(10, () => sim2.host('evil').tcp('c').connect('198.51.100.7', 8080));
		sim2.run({ until: 500 });
		expect(sim2.socket('c').state).toBe('ESTABLISHED');
		expect(sim2.socket('app.1').remote).toEqual({ ip: '203.0.113.66', port: sim2.socket('c').localPort });
		const synAck = segs(sim2).find((s) => s.from === 'l2')!;
		expect(synAck.translated?.src).toEqual({ ip: '198.51.100.7', port: 8080 });
		expect(() => sim2.forwardPort('home', { proto: 'TCP', publicPort: 8080, to: { ip: '192.168.1.10', port: 1 } })).toThrow(SimError);
		expect(() => sim2.forwardPort('web', { proto: 'TCP', publicPort: 1, to: { ip: '192.168.1.10', port: 1 } })).toThrow(SimError);
	});

	it('validates its configuration', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addRouter({ name: 'r', ips: ['10.0.0.1', '198.51.100.1'] });
		sim.addHost({ name: 'h', ip: '198.51.100.9' });
		expect(() => sim.setNat('r', { publicIp: '1.2.3', mode: 'remap' })).toThrow(SimError);
		expect(() => sim.setNat('r', { publicIp: '198.51.100.1', mode: 'cone' as 'remap' })).toThrow(/mode/);
		expect(() => sim.setNat('r', { publicIp: '198.51.100.1', mode: 'remap', range: [5, 4] })).toThrow(/range/);
		expect(() => sim.setNat('r', { publicIp: '198.51.100.9', mode: 'remap' })).toThrow(/already used by h/);
		expect(() => sim.setNat('nope', { publicIp: '198.51.100.1', mode: 'remap' })).toThrow(SimError);
		sim.setNat('r', { publicIp: '198.51.100.2', mode: 'remap' }); // an extra address is fine
		expect(() => sim.setNat('r', { publicIp: '198.51.100.2', mode: 'remap' })).toThrow(/already has NAT/);
	});
});

describe('NAT property', () => {
	it('never maps two inside 5-tuples to the same outside 5-tuple, and translates replies back to the right inside socket', () => {
		const flow = fc.record({
			t: fc.integer({ min: 0, max: 60_000 }),
			host: fc.integer({ min: 0, max: 3 }),
			port: fc.integer({ min: 30000, max: 30003 }),
			dst: fc.integer({ min: 0, max: 2 }),
			dport: fc.constantFrom(53, 123)
		});
		fc.assert(
			fc.property(
				fc.record({
					mode: fc.constantFrom('preserve' as const, 'remap' as const),
					lo: fc.integer({ min: 30000, max: 30004 }),
					size: fc.integer({ min: 1, max: 8 }),
					flows: fc.array(flow, { maxLength: 30 }),
					seed: fc.integer({ min: 0, max: 1000 })
				}),
				({ mode, lo, size, flows, seed }) => {
					const sim = new Simulation({ seed });
					sim.addRouter({ name: 'nat', ips: ['10.0.0.1', '198.51.100.1'] });
					sim.setNat('nat', { publicIp: '198.51.100.1', mode, range: [lo, lo + size - 1] });
					for (let h = 0; h < 4; h++) {
						sim.addHost({ name: `h${h}`, ip: `10.0.0.${10 + h}` });
						sim.addLink(`h${h}`, 'nat', { latencyMs: 1 });
					}
					for (let d = 0; d < 3; d++) {
						sim.addHost({ name: `s${d}`, ip: `203.0.113.${d + 1}`, root: true });
						sim.addLink('nat', `s${d}`, { latencyMs: 5 });
						sim.at(0, () => {
							for (const p of [53, 123]) {
								const u = sim.host(`s${d}`).udp(`s${d}p${p}`);
								u.bind(p);
								u.onDatagram = () => u.reply(8); // echo server
							}
						});
					}
					const socks = new Map<string, ReturnType<Simulation['udpSocket']>>();
					const sorted = flows.map((f, i) => ({ f, i })).sort((a, b) => a.f.t - b.f.t || a.i - b.i);
					for (const { f } of sorted) {
						sim.at(f.t, () => {
							const k = `${f.host}:${f.port}`;
							let s = socks.get(k);
							if (!s) {
								s = sim.host(`h${f.host}`).udp(`u${f.host}_${f.port}`);
								s.bind(f.port);
								socks.set(k, s);
							}
							s.sendTo(`203.0.113.${f.dst + 1}`, f.dport, 4);
						});
					}
					const trace = sim.run({ until: 200_000 });
					// Replay the NAT's sessions: live outside 5-tuples must be unique at every moment.
					const live = new Map<string, string>();
					for (const e of trace.events) {
						if (e.kind !== 'nat') continue;
						const outside = `${e.proto}|${e.outside.ip}:${e.outside.port}|${e.remote.ip}:${e.remote.port}`;
						const inside = `${e.inside.ip}:${e.inside.port}`;
						if (e.action === 'create') {
							expect(live.has(outside), `outside ${outside} reused by ${inside} while held by ${live.get(outside)}`).toBe(false);
							expect(e.outside.port >= lo && e.outside.port <= lo + size - 1).toBe(true);
							live.set(outside, inside);
						} else {
							expect(live.get(outside)).toBe(inside);
							live.delete(outside);
						}
					}
					// Every reply that got through reached the socket that sent the request.
					for (const d of trace.events) {
						if (d.kind !== 'datagram' || !d.from.startsWith('s') || d.arrivedAt === null) continue;
						const to = d.translated!.dst;
						expect(d.to).toBe(`h${Number(to.ip.split('.')[3]) - 10}`);
						expect(socks.has(`${Number(to.ip.split('.')[3]) - 10}:${to.port}`)).toBe(true);
					}
					let sent = 0;
					let got = 0;
					for (const s of socks.values()) got += s.received;
					for (const d of trace.events) if (d.kind === 'datagram' && d.from.startsWith('s') && d.arrivedAt !== null) sent++;
					expect(got).toBe(sent);
				}
			),
			{ numRuns: 60 }
		);
	});
});
