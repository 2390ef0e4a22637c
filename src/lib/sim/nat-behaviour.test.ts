/**
 * RFC 4787 / RFC 5382 NAT behaviours (nat.ts): mapping and filtering types, hairpinning, port
 * parity, port overloading and the timeout tables. The scenario files content/scenarios/
 * nat-mapping.scn, nat-filtering.scn and nat-hairpin.scn show the same behaviours as figures;
 * here each is checked through the engine API, and a property test replays random traffic
 * against a model of what the configured behaviour allows.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, SimError, type DatagramEvent, type NatEvent } from './index';
import { CISCO_NAT_TIMEOUTS, NAT_BEHAVIOURS, RFC_NAT_TIMEOUTS, type NatBehaviour, type NatOptions } from './nat';

/** Two inside hosts behind one NAT, two outside servers with UDP sockets on ports 1000 and 2000. */
function net(opts: Partial<NatOptions> = {}, seed = 5) {
	const sim = new Simulation({ seed });
	sim.addRouter({ name: 'nat', ips: ['10.0.0.1', '198.51.100.1'] });
	sim.setNat('nat', { publicIp: '198.51.100.1', mode: 'preserve', ...opts });
	for (let h = 0; h < 2; h++) {
		sim.addHost({ name: `h${h}`, ip: `10.0.0.${10 + h}` });
		sim.addLink(`h${h}`, 'nat', { latencyMs: 1 });
	}
	for (let s = 0; s < 2; s++) {
		sim.addHost({ name: `s${s}`, ip: `203.0.113.${s + 1}`, root: true });
		sim.addLink('nat', `s${s}`, { latencyMs: 5 });
	}
	sim.at(0, () => {
		for (let s = 0; s < 2; s++) for (const p of [1000, 2000]) sim.host(`s${s}`).udp(`s${s}_${p}`).bind(p);
	});
	return sim;
}
const datagrams = (sim: Simulation) => sim.trace().events.filter((e): e is DatagramEvent => e.kind === 'datagram');
const natEvents = (sim: Simulation) => sim.trace().events.filter((e): e is NatEvent => e.kind === 'nat');

describe('NAT configuration', () => {
	it('rejects unknown behaviours, timeouts, and overload with anything but address-and-port-dependent', () => {
		expect(() => net({ mapping: 'cone' as NatBehaviour })).toThrow(SimError);
		expect(() => net({ filtering: 'full-cone' as NatBehaviour })).toThrow(/filtering must be one of endpoint-independent/);
		expect(() => net({ timeouts: 'bsd' as 'linux' })).toThrow(/timeouts must be one of linux, rfc, cisco/);
		expect(() => net({ overload: true, mapping: 'endpoint-independent' })).toThrow(/with overload, mapping must be address-and-port-dependent/);
		expect(() => net({ overload: true, filtering: 'address-dependent' })).toThrow(/with overload, filtering/);
		const sim = net({ overload: true });
		const nat = sim.router('nat').nat as unknown as { mapping: string; filtering: string; hairpin: boolean };
		expect([nat.mapping, nat.filtering, nat.hairpin]).toEqual(['address-and-port-dependent', 'address-and-port-dependent', true]);
	});
});

describe('port parity (RFC 4787 REQ-4)', () => {
	it('a remapped port keeps the inside port parity', () => {
		for (const inside of [40000, 40001]) {
			const sim = net({ mode: 'remap', parity: true }, inside);
			sim.at(1, () => {
				const u = sim.host('h0').udp('u');
				u.bind(inside);
				for (let i = 0; i < 6; i++) u.sendTo('203.0.113.1', 1000 + i, 4); // no reply: one session each
			});
			sim.at(2, () => {
				for (let i = 0; i < 6; i++) sim.host('h1').udp(`v${i}`).bind(inside + 2 * i) && sim.udpSocket(`v${i}`).sendTo('203.0.113.2', 1000, 4);
			});
			sim.run({ until: 100 });
			const ports = natEvents(sim).filter((e) => e.action === 'create').map((e) => e.outside.port);
			expect(ports.length).toBe(12);
			for (const p of ports) expect(p % 2).toBe(inside % 2);
		}
	});

	it('without parity, remapped ports come in both parities', () => {
		const sim = net({ mode: 'remap' });
		sim.at(1, () => {
			for (let i = 0; i < 20; i++) sim.host('h0').udp(`v${i}`).sendTo('203.0.113.1', 1000, 4);
		});
		sim.run({ until: 100 });
		const ports = natEvents(sim).filter((e) => e.action === 'create').map((e) => e.outside.port % 2);
		expect(new Set(ports)).toEqual(new Set([0, 1]));
	});
});

describe('port overloading (Linux SNAT/MASQUERADE)', () => {
	it('two inside sockets share one public port towards different servers, and replies reach each', () => {
		const sim = net({ overload: true });
		sim.at(1, () => {
			sim.host('h0').udp('a').bind(40000);
			sim.udpSocket('a').sendTo('203.0.113.1', 1000, 4);
			sim.host('h1').udp('b').bind(40000);
			sim.udpSocket('b').sendTo('203.0.113.2', 1000, 4);
		});
		sim.at(50, () => {
			sim.udpSocket('s0_1000').reply(8);
			sim.udpSocket('s1_1000').reply(8);
		});
		sim.run({ until: 200 });
		const created = natEvents(sim).filter((e) => e.action === 'create');
		expect(created.map((e) => e.outside.port)).toEqual([40000, 40000]); // the same public port, twice
		expect(sim.udpSocket('a').received).toBe(1);
		expect(sim.udpSocket('b').received).toBe(1);
	});

	it('the same server and port forces a different public port (the 5-tuple must stay unique)', () => {
		const sim = net({ overload: true });
		sim.at(1, () => {
			sim.host('h0').udp('a').bind(40000);
			sim.udpSocket('a').sendTo('203.0.113.1', 1000, 4);
			sim.host('h1').udp('b').bind(40000);
			sim.udpSocket('b').sendTo('203.0.113.1', 1000, 4);
		});
		sim.run({ until: 100 });
		const ports = natEvents(sim).filter((e) => e.action === 'create').map((e) => e.outside.port);
		expect(ports[0]).toBe(40000);
		expect(ports[1]).not.toBe(40000);
	});

	it('without overload, the second socket never gets the first one’s port', () => {
		const sim = net();
		sim.at(1, () => {
			sim.host('h0').udp('a').bind(40000);
			sim.udpSocket('a').sendTo('203.0.113.1', 1000, 4);
			sim.host('h1').udp('b').bind(40000);
			sim.udpSocket('b').sendTo('203.0.113.2', 1000, 4);
		});
		sim.run({ until: 100 });
		const ports = natEvents(sim).filter((e) => e.action === 'create').map((e) => e.outside.port);
		expect(ports[0]).toBe(40000);
		expect(ports[1]).not.toBe(40000);
	});
});

describe('timeouts', () => {
	it('the RFC minimums and Cisco defaults are what the lesson table says', () => {
		expect(RFC_NAT_TIMEOUTS.udp).toBe(2 * 60_000); // RFC 4787 REQ-5
		expect(RFC_NAT_TIMEOUTS.tcpEstablished).toBe((2 * 60 + 4) * 60_000); // RFC 5382 REQ-5
		expect(RFC_NAT_TIMEOUTS.tcpSynSent).toBe(4 * 60_000);
		expect(CISCO_NAT_TIMEOUTS.udp).toBe(5 * 60_000);
		expect(CISCO_NAT_TIMEOUTS.tcpEstablished).toBe(24 * 3_600_000);
	});

	it.each([
		['linux', 30_000],
		['rfc', 120_000],
		['cisco', 300_000]
	] as const)('timeouts=%s: an unanswered UDP mapping expires after %i ms', (timeouts, ms) => {
		const sim = net({ timeouts });
		sim.at(0, () => sim.host('h0').udp('u').sendTo('203.0.113.1', 1000, 4));
		sim.run({ until: 400_000 });
		const ev = natEvents(sim);
		expect(ev.map((e) => e.action)).toEqual(['create', 'expire']);
		expect(ev[1].t - ev[0].t).toBe(ms);
	});
});

describe('NAT behaviour property', () => {
	it("mapping and filtering behave as configured across random traffic", () => {
		const step = fc.oneof(
			// inside host h, local port index p, sends to server s, port index q
			fc.record({ k: fc.constant('out' as const), h: fc.nat(1), p: fc.nat(1), s: fc.nat(1), q: fc.nat(1) }),
			// server s sends from its port q to the public port of a mapping (index m into the ones seen) or a random port
			fc.record({ k: fc.constant('in' as const), s: fc.nat(1), q: fc.nat(1), m: fc.nat(7) })
		);
		fc.assert(
			fc.property(
				fc.constantFrom(...NAT_BEHAVIOURS),
				fc.constantFrom(...NAT_BEHAVIOURS),
				fc.constantFrom('preserve' as const, 'remap' as const),
				fc.array(step, { minLength: 1, maxLength: 25 }),
				fc.nat(1000),
				(mapping, filtering, mode, steps, seed) => {
					const sim = net({ mapping, filtering, mode }, seed);
					const insidePort = (p: number) => 40000 + p;
					const serverPort = (q: number) => (q === 0 ? 1000 : 2000);
					const made = new Map<string, ReturnType<Simulation['udpSocket']>>();
					// Steps 10 ms apart: every packet has arrived before the next step, and the run
					// (< 1 s) stays far inside every timeout, so no mapping expires.
					steps.forEach((st, i) => {
						sim.at(10 + 10 * i, () => {
							if (st.k === 'out') {
								const id = `h${st.h}_${st.p}`;
								let u = made.get(id);
								if (u === undefined) {
									u = sim.host(`h${st.h}`).udp(id);
									u.bind(insidePort(st.p));
									made.set(id, u);
								}
								u.sendTo(`203.0.113.${st.s + 1}`, serverPort(st.q), 4);
							} else {
								const seen = [...new Set(datagrams(sim).filter((d) => d.from.startsWith('h') && d.translated).map((d) => d.translated!.src.port))];
								const port = seen.length ? seen[st.m % seen.length] : 50000 + st.m;
								sim.udpSocket(`s${st.s}_${serverPort(st.q)}`).sendTo('198.51.100.1', port, 4);
							}
						});
					});
					sim.run({ until: 10 + 10 * steps.length + 100 });

					// Model: each inside endpoint's public ports, and the remotes each public port has a session with.
					const scope = (ip: string, port: number) => (mapping === 'endpoint-independent' ? '' : mapping === 'address-dependent' ? ip : `${ip}:${port}`);
					const portOf = new Map<string, number>(); // inside endpoint + scope -> public port
					const adopted = new Map<string, number>(); // inside endpoint + remote let in from outside -> public port
					const owner = new Map<number, string>(); // public port -> inside endpoint
					const sessions = new Map<number, Set<string>>(); // public port -> "ip:port" remotes
					const session = (port: number, remote: string) => {
						if (!sessions.has(port)) sessions.set(port, new Set());
						sessions.get(port)!.add(remote);
					};
					for (const d of datagrams(sim).sort((a, b) => a.t - b.t || a.id - b.id)) {
						const remoteOut = `${d.dst.ip}:${d.dst.port}`;
						if (d.from.startsWith('h')) {
							const inside = `${d.src.ip}:${d.src.port}`;
							const pub = d.translated!.src.port;
							const k = `${inside}|${scope(d.dst.ip, d.dst.port)}`;
							const expected = portOf.get(k) ?? adopted.get(`${inside}|${remoteOut}`);
							// Mapping: a known scope reuses its public port; a new scope gets a port no
							// other endpoint holds and this endpoint does not use yet.
							if (expected !== undefined) expect(pub, `mapping ${mapping}: ${k}`).toBe(expected);
							else {
								expect(owner.get(pub) ?? inside, `public port ${pub} shared`).toBe(inside);
								for (const [k2, p2] of portOf) if (k2.startsWith(`${inside}|`)) expect(p2, `mapping ${mapping}: new scope ${k} reused ${k2}'s port`).not.toBe(pub);
								portOf.set(k, pub);
								owner.set(pub, inside);
							}
							session(pub, remoteOut);
						} else {
							// Filtering: delivered exactly when the behaviour admits this remote.
							const inside = owner.get(d.dst.port);
							const remote = `${d.src.ip}:${d.src.port}`;
							const known = [...(sessions.get(d.dst.port) ?? [])];
							const admit =
								inside !== undefined &&
								(filtering === 'endpoint-independent' ||
									(filtering === 'address-dependent' && known.some((r) => r.split(':')[0] === d.src.ip)) ||
									known.includes(remote));
							expect(d.arrivedAt !== null, `filtering ${filtering}, mapping ${mapping}: ${remote} -> :${d.dst.port} (${inside ?? 'no mapping'})`).toBe(admit);
							if (admit) {
								expect(`${d.translated!.dst.ip}:${d.translated!.dst.port}`).toBe(inside);
								if (!known.includes(remote)) adopted.set(`${inside}|${remote}`, d.dst.port);
								session(d.dst.port, remote);
							} else expect(d.dropped).toBe('nat');
						}
					}
				}
			),
			{ numRuns: 150 }
		);
	});
});
