/**
 * Static NAT and dynamic NAT from a pool (nat.ts, "Static NAT and dynamic NAT from a pool"):
 * Cisco IOS `ip nat inside source static` and `ip nat inside source list … pool …` without
 * `overload`. The address alone is translated; ports stay. A property test replays random
 * traffic against a model of the bindings.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, SimError, type DatagramEvent, type ErrorEvent, type NatEvent } from './index';
import type { NatOptions } from './nat';

const POOL = ['198.51.100.10', '198.51.100.11'];

/** Three inside hosts behind a router with a two-address pool; two outside servers with UDP sockets on 1000. */
function net(opts: Partial<NatOptions> = {}, seed = 3, statics: [string, string][] = []) {
	const sim = new Simulation({ seed });
	sim.addRouter({ name: 'r1', ips: ['10.0.0.1', '198.51.100.1'] });
	sim.setNat('r1', { publicIp: POOL[0], mode: 'remap', pool: POOL, ...opts });
	for (const [i, g] of statics) sim.staticNat('r1', i, g);
	for (let h = 0; h < 3; h++) {
		sim.addHost({ name: `h${h}`, ip: `10.0.0.${10 + h}` });
		sim.addLink(`h${h}`, 'r1', { latencyMs: 1 });
	}
	for (let s = 0; s < 2; s++) {
		sim.addHost({ name: `s${s}`, ip: `203.0.113.${s + 1}`, root: true });
		sim.addLink('r1', `s${s}`, { latencyMs: 5 });
	}
	sim.at(0, () => {
		for (let s = 0; s < 2; s++) sim.host(`s${s}`).udp(`s${s}`).bind(1000);
		for (let h = 0; h < 3; h++) sim.host(`h${h}`).udp(`u${h}`).bind(40000 + h);
	});
	return sim;
}
const datagrams = (sim: Simulation) => sim.trace().events.filter((e): e is DatagramEvent => e.kind === 'datagram');
const natEvents = (sim: Simulation) => sim.trace().events.filter((e): e is NatEvent => e.kind === 'nat');
const errors = (sim: Simulation) => sim.trace().events.filter((e): e is ErrorEvent => e.kind === 'error');

describe('dynamic NAT from a pool (no overload)', () => {
	it('gives each inside address its own pool address with ports unchanged; the third is dropped with EADDRNOTAVAIL', () => {
		const sim = net();
		for (let h = 0; h < 3; h++) sim.at(10 + h, () => sim.udpSocket(`u${h}`).sendTo('203.0.113.1', 1000, 8));
		sim.run({ until: 200 });
		const out = datagrams(sim).filter((d) => d.from.startsWith('h'));
		expect(out.map((d) => d.translated?.src ?? null)).toEqual([
			{ ip: '198.51.100.10', port: 40000 },
			{ ip: '198.51.100.11', port: 40001 },
			null
		]);
		expect(out[2].dropped).toBe('nat');
		const e = errors(sim);
		expect(e).toHaveLength(1);
		expect(e[0]).toMatchObject({ host: 'r1', call: 'nat', errno: 'EADDRNOTAVAIL' });
		expect(e[0].message).toMatch(/address allocation failed/);
		const created = natEvents(sim).filter((n) => n.action === 'create');
		expect(created.map((n) => [n.type, n.inside.ip, n.outside.ip, n.outside.port])).toEqual([
			['dynamic', '10.0.0.10', '198.51.100.10', 40000],
			['dynamic', '10.0.0.11', '198.51.100.11', 40001]
		]);
	});

	it('translates replies back, and lets any outside host reach an inside host while it holds its address', () => {
		const sim = net();
		sim.at(10, () => sim.udpSocket('u0').sendTo('203.0.113.1', 1000, 8));
		sim.at(50, () => sim.udpSocket('s0').sendTo('198.51.100.10', 40000, 8)); // the reply
		sim.at(60, () => sim.udpSocket('s1').sendTo('198.51.100.10', 40000, 8)); // another host, never contacted
		sim.at(70, () => sim.udpSocket('s1').sendTo('198.51.100.11', 40001, 8)); // an unbound pool address
		sim.run({ until: 200 });
		const inbound = datagrams(sim).filter((d) => d.from.startsWith('s'));
		expect(inbound.map((d) => d.to)).toEqual(['h0', 'h0', 'r1']);
		expect(inbound[0].translated?.dst).toEqual({ ip: '10.0.0.10', port: 40000 });
		expect(inbound[1].arrivedAt).not.toBeNull();
		expect(inbound[2].dropped).toBe('nat');
	});

	it('keeps a binding for poolTimeoutMs after its last packet (IOS default 24 h), then frees the address', () => {
		for (const [hold, third] of [
			[undefined, null],
			[10_000, '198.51.100.10']
		] as const) {
			const sim = net({ ...(hold !== undefined ? { poolTimeoutMs: hold } : {}) });
			sim.at(10, () => sim.udpSocket('u0').sendTo('203.0.113.1', 1000, 8));
			sim.at(11, () => sim.udpSocket('u1').sendTo('203.0.113.1', 1000, 8));
			// Linux UDP timeout 30 s: both flows expire at about 30 s; the bindings last 10 s more or 24 h.
			sim.at(60_000, () => sim.udpSocket('u2').sendTo('203.0.113.1', 1000, 8));
			sim.run({ until: 61_000 });
			const d = datagrams(sim).filter((x) => x.from === 'h2');
			expect(d[0].translated?.src.ip ?? null, `hold ${hold}`).toBe(third);
			expect(natEvents(sim).filter((n) => n.action === 'expire')).toHaveLength(2);
		}
	});

	it('rejects PAT-only options, bad pools and addresses owned by another node', () => {
		expect(() => net({ overload: true })).toThrow(/overload applies to port translation/);
		expect(() => net({ range: [2000, 3000] })).toThrow(/range applies to port translation/);
		expect(() => net({ pool: [] })).toThrow(SimError);
		expect(() => net({ pool: ['198.51.100.10', '198.51.100.10'] })).toThrow(/twice/);
		expect(() => net({ publicIp: '198.51.100.11' })).toThrow(/first address/);
		expect(() => net({ poolTimeoutMs: -1 })).toThrow(/poolTimeoutMs/);
		const sim = new Simulation({ seed: 1 });
		sim.addRouter({ name: 'r1', ips: ['10.0.0.1', '198.51.100.1'] });
		sim.addHost({ name: 'x', ip: '198.51.100.11' });
		expect(() => sim.setNat('r1', { publicIp: POOL[0], mode: 'remap', pool: POOL })).toThrow(/198.51.100.11 is already used by x/);
	});
});

describe('static NAT', () => {
	it('maps one inside address both ways with ports unchanged, beside PAT for everyone else', () => {
		const sim = new Simulation({ seed: 2 });
		sim.addRouter({ name: 'r1', ips: ['10.0.0.1', '198.51.100.7'] });
		sim.setNat('r1', { publicIp: '198.51.100.7', mode: 'remap' });
		sim.staticNat('r1', '10.0.0.20', '198.51.100.20');
		sim.addHost({ name: 'web', ip: '10.0.0.20', root: true });
		sim.addHost({ name: 'pc', ip: '10.0.0.10' });
		sim.addHost({ name: 'client', ip: '203.0.113.9' });
		sim.addLink('web', 'r1');
		sim.addLink('pc', 'r1');
		sim.addLink('r1', 'client', { latencyMs: 5 });
		sim.at(0, () => {
			sim.host('web').tcp('srv').listen(80);
			sim.host('client').udp('c').bind(5000);
		});
		sim.at(10, () => sim.host('client').tcp('cli').connect('198.51.100.20', 80));
		sim.at(100, () => sim.host('pc').udp('p').sendTo('203.0.113.9', 5000, 4));
		sim.at(110, () => sim.host('web').udp('w').sendTo('203.0.113.9', 5000, 4));
		sim.run({ until: 300 });
		const ev = sim.trace().events;
		const segs = ev.filter((e) => e.kind === 'segment');
		expect(segs.some((s) => s.kind === 'segment' && s.from === 'client' && s.to === 'web' && s.translated?.dst.ip === '10.0.0.20' && s.translated.dst.port === 80)).toBe(true);
		const synAck = segs.find((s) => s.kind === 'segment' && s.from === 'web');
		expect(synAck && synAck.kind === 'segment' && synAck.translated?.src).toEqual({ ip: '198.51.100.20', port: 80 });
		expect(ev.some((e) => e.kind === 'state' && e.host === 'client' && e.to === 'ESTABLISHED')).toBe(true);
		const udp = datagrams(sim);
		expect(udp.find((d) => d.from === 'pc')?.translated?.src.ip).toBe('198.51.100.7'); // PAT
		const w = udp.find((d) => d.from === 'web')!;
		expect(w.translated?.src).toEqual({ ip: '198.51.100.20', port: w.src.port }); // static: port kept
		expect(natEvents(sim).filter((n) => n.action === 'create').map((n) => n.type ?? 'PAT')).toEqual(['static', 'PAT', 'static']);
		expect(() => sim.staticNat('r1', '10.0.0.20', '198.51.100.21')).toThrow(/already has the static entry/);
		expect(() => sim.staticNat('r1', '10.0.0.21', '198.51.100.7')).toThrow(/already the NAT's public address/);
	});

	it('takes precedence over the pool and never runs out', () => {
		const sim = net({}, 4, [['10.0.0.12', '198.51.100.30']]);
		for (let h = 0; h < 3; h++) sim.at(10 + h, () => sim.udpSocket(`u${h}`).sendTo('203.0.113.1', 1000, 8));
		sim.run({ until: 200 });
		expect(datagrams(sim).filter((d) => d.from.startsWith('h')).map((d) => d.translated?.src.ip)).toEqual(['198.51.100.10', '198.51.100.11', '198.51.100.30']);
		expect(errors(sim)).toHaveLength(0);
	});
});

describe('pool NAT property', () => {
	it('each global address serves one inside address at a time, ports never change, and drops happen only when the pool is full', () => {
		const step = fc.oneof(
			fc.record({ k: fc.constant('out' as const), h: fc.nat(2), s: fc.nat(1) }),
			fc.record({ k: fc.constant('in' as const), s: fc.nat(1), g: fc.nat(POOL.length) })
		);
		fc.assert(
			fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.boolean(), fc.nat(1000), (steps, withStatic, seed) => {
				// Steps 4 s apart with a 10 s hold: bindings come and go within one run.
				const sim = net({ poolTimeoutMs: 10_000 }, seed, withStatic ? [['10.0.0.12', '198.51.100.30']] : []);
				const globals = [...POOL, '198.51.100.30'];
				steps.forEach((st, i) => {
					sim.at(10 + 4000 * i, () => {
						if (st.k === 'out') sim.udpSocket(`u${st.h}`).sendTo(`203.0.113.${st.s + 1}`, 1000, 4);
						else sim.udpSocket(`s${st.s}`).sendTo(globals[st.g], 40000, 4);
					});
				});
				sim.run({ until: 10 + 4000 * steps.length + 100 });
				// Model: global -> inside address, with the last time it was used and its live flows.
				const bound = new Map<string, { inside: string; last: number }>();
				const flowsLive = new Map<string, number>(); // global -> live flows (from nat events)
				const ev = sim.trace().events;
				const expireAt = (t: number) => {
					for (const [g, b] of bound) if (!g.endsWith('.30') && (flowsLive.get(g) ?? 0) === 0 && b.last + 10_000 <= t) bound.delete(g);
				};
				if (withStatic) bound.set('198.51.100.30', { inside: '10.0.0.12', last: Infinity });
				for (const e of ev) {
					expireAt(e.t);
					if (e.kind === 'nat') {
						flowsLive.set(e.outside.ip, (flowsLive.get(e.outside.ip) ?? 0) + (e.action === 'create' ? 1 : -1));
						expect(e.outside.port, 'ports are kept').toBe(e.inside.port);
						expireAt(e.t);
						continue;
					}
					if (e.kind !== 'datagram') continue;
					if (e.from.startsWith('h')) {
						const mine = [...bound].find(([, b]) => b.inside === e.src.ip);
						if (mine) {
							expect(e.translated?.src, 'an inside address keeps its global address').toEqual({ ip: mine[0], port: e.src.port });
							mine[1].last = e.t;
						} else if (POOL.every((g) => bound.has(g))) {
							expect(e.dropped, 'pool full: dropped').toBe('nat');
						} else {
							const g = e.translated!.src.ip;
							expect(POOL.includes(g) && !bound.has(g), `${g} was free`).toBe(true);
							expect(g, 'the first free pool address').toBe(POOL.find((p) => !bound.has(p)));
							expect(e.translated!.src.port).toBe(e.src.port);
							bound.set(g, { inside: e.src.ip, last: e.t });
						}
					} else {
						const b = bound.get(e.dst.ip);
						if (b === undefined) expect(e.dropped, `${e.dst.ip} unbound`).toBe(POOL.includes(e.dst.ip) ? 'nat' : 'no-route');
						else {
							expect(e.translated?.dst, `${e.dst.ip} -> ${b.inside}`).toEqual({ ip: b.inside, port: 40000 });
							b.last = e.t;
						}
					}
				}
			}),
			{ numRuns: 120 }
		);
	});
});
