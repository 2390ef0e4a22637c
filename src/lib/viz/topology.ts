/**
 * Network topology of a trace: which nodes are linked, where each is drawn, which way
 * a packet travels, and where it is at a given moment; and the NAT translations alive
 * at a moment.
 *
 * Links come from the `links` field of a trace ({@link TraceLink}, filled by the engine
 * since it records them). Without it they are inferred: hosts on private addresses
 * (RFC 1918) sit left of the routers, other hosts right; routers are chained in trace
 * order; with no routers, hosts that exchange packets are linked directly.
 *
 * Paths follow the engine's routing rule (routing.ts): least total latency, ties by hop
 * count, then by node order.
 */
import { scalePoint } from 'd3';
import { isPrivateIp } from '$lib/sim/iface';
import type { HostInfo, NatEvent, PacketEvent, SocketAddress, Trace, TraceLink } from '$lib/sim/trace';

export type { TraceLink } from '$lib/sim/trace';

/** A node placed in the figure. */
export interface TopoNode {
	host: HostInfo;
	/** Column (0 = left). */
	col: number;
	x: number;
	y: number;
}

/** The laid-out topology. */
export interface Topology {
	nodes: TopoNode[];
	links: TraceLink[];
	/** True when links came from the trace, false when inferred. */
	linksKnown: boolean;
	width: number;
	height: number;
}

/**
 * Is a host drawn on the inside (left) of the figure? Private (RFC 1918, the engine's own
 * test) or CGNAT shared space (RFC 6598: an ISP's inside network, though the engine counts it
 * as outside when it decides a NAT's interfaces).
 */
export function drawnInside(ip: string): boolean {
	if (isPrivateIp(ip)) return true;
	const [a, b] = ip.split('.').map(Number);
	return a === 100 && b >= 64 && b <= 127;
}

/** The links of a trace: its `links` field when present, otherwise inferred (see module doc). */
export function linksOf(trace: Trace): { links: TraceLink[]; known: boolean } {
	const given = trace.links;
	if (Array.isArray(given) && given.length > 0) return { links: given, known: true };
	const routers = trace.hosts.filter((h) => h.role !== 'host');
	const ends = trace.hosts.filter((h) => h.role === 'host');
	const links: TraceLink[] = [];
	const seen = new Set<string>();
	const add = (a: string, b: string) => {
		const k = a < b ? `${a}|${b}` : `${b}|${a}`;
		if (a === b || seen.has(k)) return;
		seen.add(k);
		links.push({ a, b, latencyMs: 1 });
	};
	if (routers.length === 0) {
		for (const e of trace.events) {
			if ((e.kind === 'segment' || e.kind === 'datagram' || e.kind === 'icmp') && e.to) add(e.from, e.to);
		}
		return { links, known: false };
	}
	for (let i = 1; i < routers.length; i++) add(routers[i - 1].name, routers[i].name);
	const allPrivate = ends.every((h) => drawnInside(h.ip));
	for (const h of ends) {
		const left = allPrivate ? h === ends[0] : drawnInside(h.ip);
		add(h.name, left ? routers[0].name : routers[routers.length - 1].name);
	}
	return { links, known: false };
}

/**
 * Place the nodes left to right: private-side hosts, then routers in order of their
 * distance from them, then the other hosts; nodes of one column spread vertically.
 * Coordinates are in a `width` × `height` viewBox.
 */
export function layoutTopology(trace: Trace, width = 720): Topology {
	const { links, known } = linksOf(trace);
	const hosts = trace.hosts;
	const adj = adjacency(links);
	const ends = hosts.filter((h) => h.role === 'host');
	const routers = hosts.filter((h) => h.role !== 'host');
	let leftSet = ends.filter((h) => drawnInside(h.ip));
	if (leftSet.length === 0 || leftSet.length === ends.length) leftSet = ends.slice(0, 1);
	const col = new Map<string, number>();
	for (const h of leftSet) col.set(h.name, 0);
	// BFS distance from the left hosts orders the routers.
	const dist = new Map<string, number>(leftSet.map((h) => [h.name, 0]));
	const queue = leftSet.map((h) => h.name);
	while (queue.length) {
		const n = queue.shift()!;
		for (const m of adj.get(n) ?? []) {
			if (!dist.has(m)) {
				dist.set(m, dist.get(n)! + 1);
				queue.push(m);
			}
		}
	}
	const routerLayers = [...new Set(routers.map((r) => dist.get(r.name) ?? Infinity))].sort((a, b) => a - b);
	routers.forEach((r) => col.set(r.name, 1 + routerLayers.indexOf(dist.get(r.name) ?? Infinity)));
	const last = routers.length ? 1 + routerLayers.length : 1;
	for (const h of ends) if (!col.has(h.name)) col.set(h.name, last);
	const cols = [...new Set(col.values())].sort((a, b) => a - b);
	const margin = width < 480 ? 56 : 90;
	const x = scalePoint<number>().domain(cols).range([margin, width - margin]);
	const perCol = new Map<number, HostInfo[]>();
	for (const h of hosts) perCol.set(col.get(h.name)!, [...(perCol.get(col.get(h.name)!) ?? []), h]);
	const rows = Math.max(1, ...[...perCol.values()].map((v) => v.length));
	const rowH = 92;
	const height = 40 + rows * rowH + 24;
	const nodes: TopoNode[] = hosts.map((h) => {
		const c = col.get(h.name)!;
		const list = perCol.get(c)!;
		// Columns with fewer nodes are centred vertically.
		const i = list.indexOf(h);
		const y = 36 + ((rows - list.length) * rowH) / 2 + rowH * (i + 0.5);
		return { host: h, col: c, x: x(c) ?? margin, y };
	});
	return { nodes, links, linksKnown: known, width, height };
}

function adjacency(links: TraceLink[]): Map<string, string[]> {
	const adj = new Map<string, string[]>();
	for (const l of links) {
		adj.set(l.a, [...(adj.get(l.a) ?? []), l.b]);
		adj.set(l.b, [...(adj.get(l.b) ?? []), l.a]);
	}
	return adj;
}

/**
 * The route from `from` to `to`: node names and the latency (ms) of each link, least
 * total latency first, then fewest hops (Dijkstra; as the engine routes). Null if unreachable.
 */
export function routeBetween(links: TraceLink[], from: string, to: string): { nodes: string[]; latencies: number[] } | null {
	if (from === to) return { nodes: [from], latencies: [] };
	const best = new Map<string, { cost: number; hops: number; prev: string | null; lat: number }>([[from, { cost: 0, hops: 0, prev: null, lat: 0 }]]);
	const done = new Set<string>();
	for (;;) {
		let cur: string | null = null;
		for (const [n, v] of best) {
			if (done.has(n)) continue;
			const c = cur === null ? null : best.get(cur)!;
			if (c === null || v.cost < c.cost || (v.cost === c.cost && v.hops < c.hops)) cur = n;
		}
		if (cur === null) return null;
		if (cur === to) break;
		done.add(cur);
		const cv = best.get(cur)!;
		for (const l of links) {
			const other = l.a === cur ? l.b : l.b === cur ? l.a : null;
			if (other === null || done.has(other)) continue;
			const cost = cv.cost + l.latencyMs;
			const ov = best.get(other);
			if (!ov || cost < ov.cost || (cost === ov.cost && cv.hops + 1 < ov.hops)) best.set(other, { cost, hops: cv.hops + 1, prev: cur, lat: l.latencyMs });
		}
	}
	const nodes: string[] = [];
	const latencies: number[] = [];
	for (let n: string | null = to; n !== null; n = best.get(n)!.prev) {
		nodes.unshift(n);
		if (best.get(n)!.prev !== null) latencies.unshift(best.get(n)!.lat);
	}
	return { nodes, latencies };
}

/** Routers strictly between two nodes on their route (each decrements the TTL). */
export function routersBetween(trace: Trace, links: TraceLink[], from: string, to: string): number {
	const r = routeBetween(links, from, to);
	if (!r) return 0;
	const role = new Map(trace.hosts.map((h) => [h.name, h.role]));
	return r.nodes.slice(1, -1).filter((n) => role.get(n) !== 'host').length;
}

/** A packet drawn on the topology at some moment. */
export interface PacketInFlight {
	packet: PacketEvent;
	x: number;
	y: number;
	/** Fraction of the route covered (0…1). */
	progress: number;
	lost: boolean;
}

/**
 * Packets on the wire at virtual time `t` (sent at or before `t`, arriving after it),
 * positioned along their route with each link's share of the time proportional to its
 * latency. A lost packet is shown at the middle of its first link during the instant it
 * was sent (until `lostUntil(p)`, e.g. the next moment of the trace).
 */
export function packetsInFlight(trace: Trace, topo: Topology, t: number, lostUntil: (p: PacketEvent) => number): PacketInFlight[] {
	const pos = new Map(topo.nodes.map((n) => [n.host.name, n]));
	const out: PacketInFlight[] = [];
	const routes = new Map<string, ReturnType<typeof routeBetween>>();
	const routeOf = (a: string, b: string) => {
		const k = `${a}>${b}`;
		if (!routes.has(k)) routes.set(k, routeBetween(topo.links, a, b));
		return routes.get(k)!;
	};
	for (const e of trace.events) {
		if (e.t > t) break;
		if (e.kind !== 'segment' && e.kind !== 'datagram' && e.kind !== 'icmp') continue;
		if (!e.to) continue;
		const r = routeOf(e.from, e.to);
		if (!r || r.nodes.length < 2) continue;
		if (e.arrivedAt === null) {
			if (t < lostUntil(e)) {
				const a = pos.get(r.nodes[0])!;
				const b = pos.get(r.nodes[1])!;
				out.push({ packet: e, x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, progress: 0.5 / r.latencies.length, lost: true });
			}
			continue;
		}
		if (t >= e.arrivedAt || e.arrivedAt === e.t) continue;
		const f = (t - e.t) / (e.arrivedAt - e.t);
		const xy = alongRoute(r, pos, f);
		out.push({ packet: e, ...xy, progress: f, lost: false });
	}
	return out;
}

function alongRoute(r: { nodes: string[]; latencies: number[] }, pos: Map<string, TopoNode>, f: number): { x: number; y: number } {
	const total = r.latencies.reduce((a, b) => a + b, 0);
	const weights = total > 0 ? r.latencies.map((l) => l / total) : r.latencies.map(() => 1 / r.latencies.length);
	let acc = 0;
	for (let i = 0; i < weights.length; i++) {
		if (f <= acc + weights[i] || i === weights.length - 1) {
			const g = weights[i] > 0 ? Math.max(0, Math.min(1, (f - acc) / weights[i])) : 1;
			const a = pos.get(r.nodes[i])!;
			const b = pos.get(r.nodes[i + 1])!;
			return { x: a.x + (b.x - a.x) * g, y: a.y + (b.y - a.y) * g };
		}
		acc += weights[i];
	}
	const z = pos.get(r.nodes[r.nodes.length - 1])!;
	return { x: z.x, y: z.y };
}

/** A NAT translation alive at some moment. */
export interface NatRow {
	host: string;
	proto: NatEvent['proto'];
	inside: SocketAddress;
	outside: SocketAddress;
	remote: SocketAddress;
	/** ms of virtual time it was created. */
	since: number;
	/** Created through a port forward (static PAT, Cisco `ip nat inside source static tcp ...`). */
	static: boolean;
}

const addrKey = (a: SocketAddress) => `${a.ip}:${a.port}`;

/** NAT translations created at or before `t` and not yet expired, in creation order. */
export function natTableAt(trace: Trace, t: number): NatRow[] {
	const alive = new Map<string, NatRow>();
	const forwards = new Set<string>();
	for (const e of trace.events) {
		if (e.t > t) break;
		if (e.kind === 'port' && e.via === 'nat' && e.action === 'allocate' && e.socket.startsWith('forward:')) forwards.add(`${e.host}|${e.proto}|${e.port}`);
		if (e.kind !== 'nat') continue;
		const k = `${e.host}|${e.proto}|${addrKey(e.inside)}|${addrKey(e.outside)}|${addrKey(e.remote)}`;
		const isStatic = forwards.has(`${e.host}|${e.proto}|${e.outside.port}`);
		if (e.action === 'create') alive.set(k, { host: e.host, proto: e.proto, inside: e.inside, outside: e.outside, remote: e.remote, since: e.t, static: isStatic });
		else alive.delete(k);
	}
	return [...alive.values()];
}
