/**
 * Which lifelines a ladder draws, in which order, and where a dropped packet died: derived from
 * the trace's hosts, links and packets alone.
 *
 * Order is *path order*, as a reader follows a packet: the clients (hosts that send before they
 * receive anything), then the routers in hop order, then the servers. Each node gets the score
 * `hops from the nearest client − hops from the nearest server` over the trace's links, and the
 * lifelines are sorted by it (declaration order breaks ties), so a traceroute figure reads
 * laptop · r1 · r2 · server whatever order the scenario declared them in. When exactly two
 * clients send to each other (peers), the score is the hops from the first peer minus the hops
 * from the second instead, so a STUN figure reads alice · natA · stun · natB · bob.
 *
 * @module
 */
import type { HostInfo, PacketEvent, Trace } from '$lib/sim/trace';
import { isPacket } from './timeline';

/** Adjacency list of the trace's links (empty when the trace has none). */
function neighbours(trace: Trace): Map<string, { node: string; latencyMs: number }[]> {
	const adj = new Map<string, { node: string; latencyMs: number }[]>();
	for (const l of trace.links ?? []) {
		if (!adj.has(l.a)) adj.set(l.a, []);
		if (!adj.has(l.b)) adj.set(l.b, []);
		adj.get(l.a)!.push({ node: l.b, latencyMs: l.latencyMs });
		adj.get(l.b)!.push({ node: l.a, latencyMs: l.latencyMs });
	}
	return adj;
}

/** Hop counts from the nearest of `sources` over the links (breadth-first). */
function hops(trace: Trace, sources: Iterable<string>): Map<string, number> {
	const adj = neighbours(trace);
	const dist = new Map<string, number>();
	const queue: string[] = [];
	for (const s of sources) {
		dist.set(s, 0);
		queue.push(s);
	}
	for (let i = 0; i < queue.length; i++) {
		const n = queue[i];
		for (const { node } of adj.get(n) ?? []) {
			if (!dist.has(node)) {
				dist.set(node, dist.get(n)! + 1);
				queue.push(node);
			}
		}
	}
	return dist;
}

/**
 * The clients of a trace: hosts whose first packet leaves before any packet reaches them (they
 * start conversations; servers and routers only answer).
 */
export function initiators(trace: Trace): Set<string> {
	const firstSend = new Map<string, number>();
	const firstRecv = new Map<string, number>();
	for (const e of trace.events) {
		if (!isPacket(e)) continue;
		if (!firstSend.has(e.from)) firstSend.set(e.from, e.t);
		if (e.to && e.arrivedAt !== null) {
			const r = firstRecv.get(e.to);
			if (r === undefined || e.arrivedAt < r) firstRecv.set(e.to, e.arrivedAt);
		}
	}
	const out = new Set<string>();
	for (const h of trace.hosts) {
		if (h.role !== 'host') continue;
		const s = firstSend.get(h.name);
		const r = firstRecv.get(h.name);
		if (s !== undefined && (r === undefined || s < r)) out.add(h.name);
	}
	return out;
}

/**
 * Every node in path order (see the module comment): clients, routers by hop, servers.
 * @param only when given, only these nodes are returned (still in path order).
 */
export function pathOrder(trace: Trace, only?: ReadonlySet<string>): HostInfo[] {
	const clients = initiators(trace);
	const servers = trace.hosts.filter((h) => h.role === 'host' && !clients.has(h.name)).map((h) => h.name);
	const fromClients = hops(trace, clients);
	const fromServers = hops(trace, servers);
	// Without links (or for a node the links do not reach): clients first, servers last.
	const fallback = (h: HostInfo) => (clients.has(h.name) ? -1e6 : h.role === 'host' ? 1e6 : 0);
	const score = (h: HostInfo) => {
		const c = fromClients.get(h.name);
		const s = fromServers.get(h.name);
		return c === undefined || s === undefined ? fallback(h) : c - s;
	};
	const index = new Map(trace.hosts.map((h, i) => [h.name, i]));
	// Two peers that send to each other (hole punching, simultaneous open): the line runs from
	// one peer to the other, and servers and routers fall where their hops put them.
	// A packet goes "to the other peer" when it is addressed to a node nearer that peer than its
	// sender (the peer itself, or the NAT in front of it).
	const peers = [...clients].sort((a, b) => index.get(a)! - index.get(b)!);
	const fromA = peers.length === 2 ? hops(trace, [peers[0]]) : null;
	const fromB = peers.length === 2 ? hops(trace, [peers[1]]) : null;
	const towardsOther = (e: PacketEvent): boolean => {
		if (e.to === null) return false;
		const a = fromA!.get(e.to);
		const b = fromB!.get(e.to);
		if (a === undefined || b === undefined) return false;
		return (e.from === peers[0] && b < a) || (e.from === peers[1] && a < b);
	};
	const p2p = peers.length === 2 && trace.events.some((e) => isPacket(e) && towardsOther(e));
	const peerScore = (h: HostInfo) => {
		const a = fromA!.get(h.name);
		const b = fromB!.get(h.name);
		return a === undefined || b === undefined ? score(h) : a - b;
	};
	return trace.hosts
		.filter((h) => !only || only.has(h.name))
		.map((h) => ({ h, s: p2p ? peerScore(h) : score(h) }))
		.sort((a, b) => a.s - b.s || index.get(a.h.name)! - index.get(b.h.name)!)
		.map((x) => x.h);
}

/** The nodes on the shortest path (by hops) from `a` to `b`, both included; null when none. */
export function pathBetween(trace: Trace, a: string, b: string): string[] | null {
	if (a === b) return [a];
	const adj = neighbours(trace);
	const prev = new Map<string, string>([[a, a]]);
	const queue = [a];
	for (let i = 0; i < queue.length; i++) {
		const n = queue[i];
		for (const { node } of adj.get(n) ?? []) {
			if (prev.has(node)) continue;
			prev.set(node, n);
			if (node === b) {
				const path = [b];
				while (path[0] !== a) path.unshift(prev.get(path[0])!);
				return path;
			}
			queue.push(node);
		}
	}
	return null;
}

/** One-way latency (ms) along a path of adjacent nodes (0 for unknown links). */
export function pathLatency(trace: Trace, path: readonly string[]): number {
	let ms = 0;
	for (let i = 1; i < path.length; i++) {
		const l = (trace.links ?? []).find((k) => (k.a === path[i - 1] && k.b === path[i]) || (k.b === path[i - 1] && k.a === path[i]));
		ms += l?.latencyMs ?? 0;
	}
	return ms;
}

/** Where and when a dropped packet died, when the trace tells. */
export interface DropSite {
	/** The router that discarded it. */
	node: string;
	/** ms of virtual time it reached that router. */
	t: number;
}

/**
 * The router where a dropped packet died, when the trace tells:
 * - `ttl`: the router whose ICMP Time Exceeded quotes it (RFC 792; RFC 1812 §5.3.1);
 * - `firewall` / `nat`: the router on its path, when exactly one router (for `nat`, one NAT)
 *   lies between sender and destination.
 *
 * Returns null for a packet lost on a link (`lost`), with no route, or when the trace leaves
 * it open (then the ladder draws it dying half-way).
 */
export function dropSite(trace: Trace, p: PacketEvent): DropSite | null {
	if (p.arrivedAt !== null || !p.dropped) return null;
	if (p.dropped === 'ttl' || p.dropped === 'too-big') {
		// The router's answer: Time Exceeded (ICMP 11, ICMPv6 3) or Packet Too Big (ICMPv6 2, ICMP 3/4).
		const answers = (e: Extract<PacketEvent, { kind: 'icmp' }>) =>
			p.dropped === 'ttl' ? e.type === (e.icmpv6 ? 3 : 11) : e.icmpv6 ? e.type === 2 : e.type === 3 && e.code === 4;
		for (const e of trace.events) {
			if (e.kind !== 'icmp' || !answers(e) || e.t < p.t || !e.quoted) continue;
			if (quotes(e.quoted, p)) return { node: e.from, t: e.t };
		}
		return null;
	}
	if ((p.dropped === 'firewall' || p.dropped === 'nat') && p.to) {
		const path = pathBetween(trace, p.from, p.to);
		if (!path) return null;
		const roleOf = new Map(trace.hosts.map((h) => [h.name, h.role]));
		// Addressed to a NAT's public address and refused there (no mapping, filtering, no hairpinning).
		if (p.dropped === 'nat' && roleOf.get(p.to) === 'nat') return { node: p.to, t: p.t + pathLatency(trace, path) };
		const inner = path.slice(1, -1).filter((n) => (p.dropped === 'nat' ? roleOf.get(n) === 'nat' : roleOf.get(n) !== 'host'));
		if (inner.length !== 1) return null;
		const upTo = path.slice(0, path.indexOf(inner[0]) + 1);
		return { node: inner[0], t: p.t + pathLatency(trace, upTo) };
	}
	return null;
}

type Quoted = NonNullable<Extract<PacketEvent, { kind: 'icmp' }>['quoted']>;

/** Does an ICMP error's quoted header describe packet `p`? */
function quotes(q: Quoted, p: PacketEvent): boolean {
	if (p.kind === 'icmp') {
		return q.proto === 'ICMP' && q.src.ip === p.srcIp && q.dst.ip === p.dstIp && q.identifier === p.identifier && q.sequence === p.sequence;
	}
	return q.proto === p.proto && q.src.ip === p.src.ip && q.src.port === p.src.port && q.dst.ip === p.dst.ip && q.dst.port === p.dst.port;
}

/** The packets of a trace (segments, datagrams, ICMP), in trace order. */
export function packetsOf(trace: Trace): PacketEvent[] {
	return trace.events.filter(isPacket);
}
