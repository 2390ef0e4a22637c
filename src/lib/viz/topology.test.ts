import { describe, expect, it } from 'vitest';
import { drawnInside, layoutTopology, linksOf, natTableAt, packetsInFlight, routeBetween, routersBetween, type TraceLink } from './topology';
import type { NatEvent, SegmentEvent, Trace } from '$lib/sim/trace';

const hosts: Trace['hosts'] = [
	{ name: 'phone', ip: '192.168.1.10', os: 'linux', role: 'host' },
	{ name: 'laptop', ip: '192.168.1.11', os: 'linux', role: 'host' },
	{ name: 'web', ip: '203.0.113.5', os: 'linux', role: 'host' },
	{ name: 'r1', ip: '192.168.1.1', os: 'linux', role: 'nat' }
];
function seg(t: number, from: string, to: string, arrivedAt: number | null): SegmentEvent {
	return { kind: 'segment', t, id: t, proto: 'TCP', from, to, src: { ip: '192.168.1.10', port: 51234 }, dst: { ip: '203.0.113.5', port: 443 }, flags: ['SYN'], seq: 1, ack: 0, len: 0, wnd: 65535, arrivedAt };
}
const nat = (t: number, action: NatEvent['action'], port: number): NatEvent => ({
	kind: 'nat', t, host: 'r1', action, proto: 'TCP', inside: { ip: '192.168.1.10', port: 51234 }, outside: { ip: '198.51.100.7', port }, remote: { ip: '203.0.113.5', port: 443 }
});
const trace: Trace = { seed: 1, hosts, events: [nat(3, 'create', 51234), seg(0, 'phone', 'web', 23), seg(10, 'laptop', 'web', null), nat(50, 'create', 1025), nat(90, 'expire', 51234)].sort((a, b) => a.t - b.t), end: 100 };

describe('links and layout', () => {
	it('draws private and CGNAT addresses on the inside', () => {
		expect(drawnInside('10.1.2.3')).toBe(true);
		expect(drawnInside('172.31.0.1')).toBe(true);
		expect(drawnInside('172.32.0.1')).toBe(false);
		expect(drawnInside('192.168.0.1')).toBe(true);
		expect(drawnInside('100.64.0.9')).toBe(true);
		expect(drawnInside('100.128.0.1')).toBe(false);
		expect(drawnInside('203.0.113.5')).toBe(false);
	});

	it('infers a star around the router, private hosts on the left', () => {
		const { links, known } = linksOf(trace);
		expect(known).toBe(false);
		expect(links.map((l) => `${l.a}-${l.b}`).sort()).toEqual(['laptop-r1', 'phone-r1', 'web-r1']);
		const topo = layoutTopology(trace, 720);
		const col = Object.fromEntries(topo.nodes.map((n) => [n.host.name, n.col]));
		expect(col).toEqual({ phone: 0, laptop: 0, r1: 1, web: 2 });
		const x = Object.fromEntries(topo.nodes.map((n) => [n.host.name, n.x]));
		expect(x.phone).toBeLessThan(x.r1);
		expect(x.r1).toBeLessThan(x.web);
		for (const n of topo.nodes) {
			expect(n.x).toBeGreaterThan(0);
			expect(n.x).toBeLessThan(720);
			expect(n.y).toBeGreaterThan(0);
			expect(n.y).toBeLessThan(topo.height);
		}
		const ys = topo.nodes.filter((n) => n.col === 0).map((n) => n.y);
		expect(ys[0]).not.toBe(ys[1]);
	});

	it('links directly hosts that talk when there is no router', () => {
		const t2: Trace = { seed: 1, hosts: [hosts[0], hosts[2]], events: [seg(0, 'phone', 'web', 5)], end: 5 };
		expect(linksOf(t2).links).toEqual([{ a: 'phone', b: 'web', latencyMs: 1 }]);
		expect(layoutTopology(t2).nodes.map((n) => n.col)).toEqual([0, 1]);
	});

	it('uses the trace links when given and routes by least latency', () => {
		const links: TraceLink[] = [
			{ a: 'phone', b: 'r1', latencyMs: 3 },
			{ a: 'r1', b: 'web', latencyMs: 20 },
			{ a: 'phone', b: 'web', latencyMs: 50 }
		];
		const withLinks = { ...trace, links } as Trace;
		expect(linksOf(withLinks).known).toBe(true);
		expect(routeBetween(links, 'phone', 'web')).toEqual({ nodes: ['phone', 'r1', 'web'], latencies: [3, 20] });
		expect(routeBetween(links, 'web', 'laptop')).toBeNull();
		expect(routersBetween(withLinks, links, 'phone', 'web')).toBe(1);
		const direct: TraceLink[] = [{ a: 'phone', b: 'r1', latencyMs: 30 }, { a: 'r1', b: 'web', latencyMs: 30 }, { a: 'phone', b: 'web', latencyMs: 50 }];
		expect(routeBetween(direct, 'phone', 'web')?.nodes).toEqual(['phone', 'web']);
	});
});

describe('packets in flight', () => {
	const links: TraceLink[] = [
		{ a: 'phone', b: 'r1', latencyMs: 3 },
		{ a: 'laptop', b: 'r1', latencyMs: 3 },
		{ a: 'r1', b: 'web', latencyMs: 20 }
	];
	const t = { ...trace, links } as Trace;
	const topo = layoutTopology(t, 720);
	const at = (name: string) => topo.nodes.find((n) => n.host.name === name)!;

	it('moves a packet along its route in proportion to link latency', () => {
		const atRouter = packetsInFlight(t, topo, 3, () => 0);
		expect(atRouter).toHaveLength(1);
		expect(atRouter[0].x).toBeCloseTo(at('r1').x);
		expect(atRouter[0].y).toBeCloseTo(at('r1').y);
		const half = packetsInFlight(t, topo, 13, () => 0)[0];
		expect(half.x).toBeCloseTo((at('r1').x + at('web').x) / 2);
		expect(packetsInFlight(t, topo, 23, () => 0)).toHaveLength(0);
		expect(packetsInFlight(t, topo, -1, () => 0)).toHaveLength(0);
	});

	it('shows a lost packet on its first link until told', () => {
		const lost = packetsInFlight(t, topo, 10, () => 11).filter((p) => p.lost);
		expect(lost).toHaveLength(1);
		expect(lost[0].x).toBeCloseTo((at('laptop').x + at('r1').x) / 2);
		expect(packetsInFlight(t, topo, 11, () => 11).filter((p) => p.lost)).toHaveLength(0);
	});
});

describe('NAT table', () => {
	it('lists translations created and not expired', () => {
		expect(natTableAt(trace, 2)).toEqual([]);
		expect(natTableAt(trace, 60).map((r) => r.outside.port)).toEqual([51234, 1025]);
		expect(natTableAt(trace, 95).map((r) => r.outside.port)).toEqual([1025]);
		expect(natTableAt(trace, 60)[1].since).toBe(50);
		expect(natTableAt(trace, 60).map((r) => r.static)).toEqual([false, false]);
	});

	it('marks the translations of a port forward as static', async () => {
		const { runScenario } = await import('$lib/sim/scenario');
		const r = runScenario(
			'seed 3\nhost nas 192.168.1.20 root\nrouter r1 192.168.1.1 198.51.100.7\nhost friend 203.0.113.9\nnat r1 public=198.51.100.7\nforward r1 tcp 8080 192.168.1.20:80\nlink nas r1\nlink r1 friend\n0ms nas listen 80 as=web\n10ms friend connect 198.51.100.7:8080 as=c\n+0ms nas connect 203.0.113.9:9 as=o\nrun until=100ms\n'
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const rows = natTableAt(r.trace, 100);
		expect(rows.map((x) => [x.outside.port === 8080, x.static])).toEqual([
			[true, true],
			[false, false]
		]);
	});
});
