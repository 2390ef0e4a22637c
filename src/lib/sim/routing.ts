/**
 * Topology and routing: nodes, links, shortest paths and packet transmission.
 *
 * When a node transmits a packet, {@link Topology.transmit} resolves the destination node from the
 * destination IP, walks the shortest path (by total latency, ties broken by hop count and then by
 * the order nodes were added; hosts never forward), and at each hop:
 *
 * 1. applies a pending {@link Topology.dropNext} or the link's loss probability (drawn from the
 *    seeded PRNG, only on lossy links, so adding a loss-free link never shifts other numbers);
 * 2. at each router: decrements the IP TTL (RFC 791; a packet whose TTL reaches 0 is dropped
 *    with `dropped: 'ttl'` and {@link Router.onTtlExceeded} is called, the hook for ICMP Time
 *    Exceeded), then runs the router's optional {@link FirewallHook} and {@link NatHook}.
 *
 * The packet's trace event is recorded when it leaves the sender, with `arrivedAt` = send time +
 * the sum of link latencies along the path, or `null` when it was lost. Delivery is one queue
 * event at `arrivedAt` targeted at the destination node ({@link EV_DELIVER}).
 *
 * Hooks run at send time with the virtual time the packet reaches the router
 * (`t + latency so far`); see docs/tcp-deviations.md.
 *
 * @module
 */

import type { SimCore } from './core';
import { SimError } from './errors';
import { EV_DELIVER, type Network, type NetNode } from './node';
import type { Rng } from './prng';
import { Router, type FirewallHook, type NatHook } from './router';
import type { SegmentEvent, TcpOptions } from './trace';
import type { EventTarget } from './clock';
import { interfaceFacing } from './iface';
import { ICMP6, IPV6 } from './ipv6';
import { canonicalIp, F_SYN, flagsToList, ipBytes, isIp6, type IcmpPacket, type Packet, type TcpPacket } from './wire';

/** A bidirectional link. */
export interface Link {
	a: NetNode;
	b: NetNode;
	/** One-way latency, ms. */
	latencyMs: number;
	/** Loss probability per packet per traversal, 0..1. */
	loss: number;
	/** Largest IP packet the link carries, bytes (default 1500, Ethernet; IPv6 needs ≥ 1280, RFC 8200 §5). */
	mtu: number;
}

/**
 * Bytes of TCP options on a segment, laid out as Linux `tcp_options_write()` does (each option
 * padded with NOPs to 32 bits): MSS 4, SACK-permitted and Timestamps together 12 (Timestamps
 * alone 12, SACK-permitted alone 4), Window Scale 4, SACK blocks 4 + 8 per block.
 */
function tcpOptionBytes(p: TcpPacket): number {
	const o = p.options;
	const ts = p.tsVal !== undefined;
	if (o === undefined) return ts ? 12 : 0;
	let n = 0;
	if (o.mss !== undefined) n += 4;
	if (ts || o.ts !== undefined) n += 12;
	else if (o.sackOk) n += 4;
	if (o.wscale !== undefined) n += 4;
	if (o.sack !== undefined && o.sack.length > 0) n += 4 + 8 * o.sack.length;
	return n;
}

/**
 * A segment's options as the trace shows them (`SegmentEvent.options`): its `options`, with the
 * Timestamps option (the segment's `tsVal`, `tsEcr`) as `ts`, last on a SYN (after MSS, Window
 * Scale and SACK-permitted, as tcp-options.ts `synOptions` lists them), first on other segments
 * (before SACK blocks). A segment injected with `options.ts` keeps its options as given.
 */
function traceOptions(p: TcpPacket): TcpOptions | undefined {
	const o = p.options;
	if (p.tsVal === undefined || o?.ts !== undefined) return o;
	const ts = { val: p.tsVal, ecr: p.tsEcr ?? 0 };
	if (o === undefined) return { ts };
	return p.flags & F_SYN ? { ...o, ts } : { ts, ...o };
}

/**
 * Size on the wire of an IP packet, bytes: IP header (20, or 40 for IPv6: RFC 8200 §3) + TCP
 * header (20 + options) or UDP/ICMP header (8) + payload. ICMP echo payloads are 56 bytes
 * (ping's default); ICMP errors quote the offending headers (IPv6: as much as fits in 1280).
 */
export function packetSize(p: Packet): number {
	const ip = isIp6(p.srcIp) ? IPV6.header : IPV6.ipv4Header;
	if (p.proto === 'TCP') return ip + IPV6.tcpHeader + tcpOptionBytes(p) + p.len;
	if (p.proto === 'UDP') return ip + 8 + p.len;
	return ip + 8 + (p.quoted ? ip + 8 : 56);
}

/** A cached route between two nodes. */
interface Route {
	/** Links in order from the source. */
	links: Link[];
	/** Nodes after each link (last one is the destination). */
	nodes: NetNode[];
	latency: number;
	/** True if any link is lossy or any intermediate node is a router (slow path needed). */
	slow: boolean;
}

/** Addresses of a packet as the trace's `translated` field shows them (ICMP: port 0, echo identifier). */
function packetAddresses(p: Packet): NonNullable<SegmentEvent['translated']> {
	if (p.proto === 'ICMP') {
		const a: NonNullable<SegmentEvent['translated']> = { src: { ip: p.srcIp, port: 0 }, dst: { ip: p.dstIp, port: 0 } };
		if (p.identifier !== undefined) a.identifier = p.identifier;
		return a;
	}
	return { src: { ip: p.srcIp, port: p.sport }, dst: { ip: p.dstIp, port: p.dport } };
}

/** Queue event kinds of neighbour discovery: the advertisement goes out; the waiting packet goes out. */
const EV_ND_ADVERT = 1;
const EV_ND_SEND = 2;

/** A pending `dropNext` request. */
interface DropRequest {
	from: string;
	to: string | undefined;
}

/**
 * The topology: nodes, links, routes, and packet transmission (the {@link Network} every node
 * sends through). Internal; use the `Simulation` methods.
 */
export class Topology implements Network {
	readonly nodes = new Map<string, NetNode>();
	readonly byIp = new Map<string, NetNode>();
	readonly links: Link[] = [];
	private adj = new Map<NetNode, Link[]>();
	private routes = new Map<NetNode, Map<NetNode, Route | null>>();
	private drops: DropRequest[] = [];
	private lossRng: Rng;

	constructor(private core: SimCore) {
		this.lossRng = core.rng.fork('loss');
	}

	/**
	 * @internal Add a node (before any link to it).
	 * @throws SimError for a duplicate name or an IP another node owns.
	 */
	addNode(n: NetNode): void {
		if (this.nodes.has(n.name)) throw new SimError(`A host or router named "${n.name}" already exists.`, 'name');
		for (const ip of n.ips) {
			const owner = this.byIp.get(ip);
			if (owner) throw new SimError(`IP ${ip} is already used by ${owner.name}.`, 'ip');
		}
		n.index = this.nodes.size;
		this.nodes.set(n.name, n);
		for (const ip of n.ips) this.byIp.set(ip, n);
		this.adj.set(n, []);
		this.routes.clear();
		this.routeEpoch++;
	}

	/**
	 * @internal Join two nodes.
	 * @throws SimError for a node linked to itself, a duplicate link, latency < 0 or loss outside 0..1.
	 */
	addLink(a: NetNode, b: NetNode, latencyMs: number, loss: number, mtu: number = IPV6.defaultMtu): void {
		if (a === b) throw new SimError(`A link needs two different nodes (got ${a.name} twice).`, 'link');
		for (const l of this.adj.get(a) ?? []) {
			if (l.a === b || l.b === b) throw new SimError(`${a.name} and ${b.name} are already linked.`, 'link');
		}
		if (!Number.isFinite(latencyMs) || latencyMs < 0) {
			throw new SimError(`Link latency must be a number of ms >= 0 (got ${latencyMs}).`, 'latencyMs');
		}
		if (!Number.isFinite(loss) || loss < 0 || loss > 1) {
			throw new SimError(`Link loss must be a probability 0..1 (got ${loss}).`, 'loss');
		}
		if (!Number.isInteger(mtu) || mtu < 576 || mtu > 65535) {
			throw new SimError(`Link MTU must be an integer 576-65535 bytes (got ${mtu}).`, 'mtu');
		}
		const link: Link = { a, b, latencyMs, loss, mtu };
		this.links.push(link);
		(this.adj.get(a) as Link[]).push(link);
		(this.adj.get(b) as Link[]).push(link);
		this.routes.clear();
		this.routeEpoch++;
	}

	/** @internal queue a one-shot loss for the next packet leaving `from` towards `to`. */
	dropNext(from: string, to: string | undefined): void {
		this.drops.push({ from, to });
	}

	/** Shortest path (Dijkstra on latency; ties: fewer hops, then lower node index). */
	route(src: NetNode, dst: NetNode): Route | null {
		// Two-entry cache in front of the route table: a conversation alternates between the two
		// directions of one pair, so most packets skip both map lookups.
		if (this.rcEpoch === this.routeEpoch) {
			if (this.rcSrc0 === src && this.rcDst0 === dst) return this.rcRoute0;
			if (this.rcSrc1 === src && this.rcDst1 === dst) return this.rcRoute1;
		} else {
			this.rcEpoch = this.routeEpoch;
			this.rcSrc0 = this.rcSrc1 = this.rcDst0 = this.rcDst1 = null;
		}
		const r = this.routeUncached(src, dst);
		this.rcSrc1 = this.rcSrc0;
		this.rcDst1 = this.rcDst0;
		this.rcRoute1 = this.rcRoute0;
		this.rcSrc0 = src;
		this.rcDst0 = dst;
		this.rcRoute0 = r;
		return r;
	}
	private dcIp0: string | null = null;
	private dcNode0: NetNode | undefined = undefined;
	private dcIp1: string | null = null;
	private dcNode1: NetNode | undefined = undefined;
	/** Incremented whenever the route table is cleared (topology change). */
	private routeEpoch = 0;
	private rcEpoch = -1;
	private rcSrc0: NetNode | null = null;
	private rcDst0: NetNode | null = null;
	private rcRoute0: Route | null = null;
	private rcSrc1: NetNode | null = null;
	private rcDst1: NetNode | null = null;
	private rcRoute1: Route | null = null;

	private routeUncached(src: NetNode, dst: NetNode): Route | null {
		let m = this.routes.get(src);
		if (m === undefined) {
			m = new Map();
			this.routes.set(src, m);
		}
		const cached = m.get(dst);
		if (cached !== undefined) return cached;
		const dist = new Map<NetNode, [number, number]>();
		const prev = new Map<NetNode, Link>();
		const done = new Set<NetNode>();
		dist.set(src, [0, 0]);
		for (;;) {
			let best: NetNode | null = null;
			let bd: [number, number] = [Infinity, Infinity];
			for (const [n, d] of dist) {
				if (done.has(n)) continue;
				if (d[0] < bd[0] || (d[0] === bd[0] && (d[1] < bd[1] || (d[1] === bd[1] && best !== null && n.index < best.index)))) {
					best = n;
					bd = d;
				}
			}
			if (best === null) break;
			done.add(best);
			if (best === dst) break;
			// Hosts do not forward: only the source or routers relay packets.
			if (best !== src && !(best instanceof Router)) continue;
			for (const l of this.adj.get(best) ?? []) {
				const o = l.a === best ? l.b : l.a;
				if (done.has(o)) continue;
				const nd: [number, number] = [bd[0] + l.latencyMs, bd[1] + 1];
				const od = dist.get(o);
				if (od === undefined || nd[0] < od[0] || (nd[0] === od[0] && nd[1] < od[1])) {
					dist.set(o, nd);
					prev.set(o, l);
				}
			}
		}
		let r: Route | null = null;
		if (done.has(dst) && dst !== src) {
			const links: Link[] = [];
			const nodes: NetNode[] = [];
			let cur: NetNode = dst;
			while (cur !== src) {
				const l = prev.get(cur) as Link;
				links.push(l);
				nodes.push(cur);
				cur = l.a === cur ? l.b : l.a;
			}
			links.reverse();
			nodes.reverse();
			let latency = 0;
			let slow = false;
			for (let i = 0; i < links.length; i++) {
				latency += links[i].latencyMs;
				if (links[i].loss > 0 || links[i].mtu < IPV6.defaultMtu) slow = true;
				if (i < nodes.length - 1) slow = true; // passes through a router
			}
			r = { links, nodes, latency, slow };
		}
		m.set(dst, r);
		return r;
	}

	/**
	 * Put `pkt` on the wire from `from` at the current virtual time: record its trace event,
	 * decide its fate, and schedule its delivery.
	 */
	transmit(pkt: Packet, from: NetNode): void {
		if (isIp6(pkt.dstIp) && this.resolveNeighbour(pkt, from)) return;
		const core = this.core;
		const t = core.queue.now;
		pkt.id = core.nextPacketId();
		// Two-entry cache in front of byIp (a conversation alternates between two destination
		// IPs). Only hits are cached: byIp entries are added, never removed or reassigned.
		const dstIp = pkt.dstIp;
		let dstNode: NetNode | undefined;
		if (dstIp === this.dcIp0) dstNode = this.dcNode0;
		else if (dstIp === this.dcIp1) dstNode = this.dcNode1;
		else {
			dstNode = this.byIp.get(dstIp);
			if (dstNode !== undefined) {
				this.dcIp1 = this.dcIp0;
				this.dcNode1 = this.dcNode0;
				this.dcIp0 = dstIp;
				this.dcNode0 = dstNode;
			}
		}
		let arrivedAt: number | null = null;
		let dropped: SegmentEvent['dropped'] = undefined;
		let finalPkt: Packet | null = pkt;
		const ev = core.record ? this.recordPacket(pkt, from, dstNode, t) : null;

		if (dstNode === undefined) {
			dropped = 'no-route';
		} else if (dstNode === from) {
			// Loopback: delivered immediately (after already-scheduled events at this instant).
			arrivedAt = t;
		} else {
			const r = this.route(from, dstNode);
			if (r === null) {
				dropped = 'no-route';
			} else {
				let forced = false;
				if (this.drops.length > 0) {
					for (let i = 0; i < this.drops.length; i++) {
						const d = this.drops[i];
						if (d.from === from.name && (d.to === undefined || d.to === dstNode.name)) {
							this.drops.splice(i, 1);
							forced = true;
							break;
						}
					}
				}
				if (forced) {
					dropped = 'lost';
				} else if (!r.slow && !(dstNode instanceof Router && dstNode.nat?.inbound !== undefined)) {
					arrivedAt = t + r.latency;
				} else {
					let at = t;
					let prevNode: NetNode = from;
					let p: Packet | null = pkt;
					let rt: Route = r;
					// Leg 1: to the destination node. When that is a router whose NAT translates the
					// packet back to an inside address (NatHook.inbound), further legs carry it inside.
					for (let leg = 0; leg < 4 && p !== null; leg++) {
						const legStart = prevNode;
						for (let i = 0; i < rt.links.length && p !== null; i++) {
							const l = rt.links[i];
							if (l.loss > 0 && this.lossRng.next() < l.loss) {
								dropped = 'lost';
								p = null;
								break;
							}
							at += l.latencyMs;
							const node = rt.nodes[i];
							if (i < rt.nodes.length - 1 && node instanceof Router) {
								const next = rt.nodes[i + 1];
								// A router without an address of the packet's family has no route for it
								// (an IPv4-only router on an IPv6 path: the "broken IPv6" happy eyeballs works around).
								if (!node.ipList.some((ip) => isIp6(ip) === isIp6(p!.dstIp))) {
									dropped = 'no-route';
									p = null;
									break;
								}
								p.ttl -= 1;
								if (p.ttl <= 0) {
									dropped = 'ttl';
									node.onTtlExceeded?.(p, at, prevNode);
									p = null;
									break;
								}
								// Larger than the next link's MTU: IPv6 routers never fragment (RFC 8200 §5);
								// IPv4 TCP leaves Linux with DF set (PMTUD, ip_no_pmtu_disc = 0). Other IPv4
								// packets would be fragmented, which is not modelled: they pass.
								const out = rt.links[i + 1];
								if (out.mtu < IPV6.defaultMtu && packetSize(p) > out.mtu && (isIp6(p.srcIp) || p.proto === 'TCP')) {
									dropped = 'too-big';
									node.onTooBig?.(p, at, out.mtu, prevNode);
									p = null;
									break;
								}
								if (node.firewall && !node.firewall.filter(p, prevNode.name, next.name, at)) {
									dropped = 'firewall';
									p = null;
									break;
								}
								if (node.nat) {
									p = node.nat.translate(p, prevNode.name, next.name, at);
									if (p === null) {
										dropped = 'nat';
										break;
									}
								}
							}
							prevNode = node;
						}
						const last = rt.nodes[rt.nodes.length - 1];
						if (p === null || !(last instanceof Router) || last.nat?.inbound === undefined) break;
						const before = rt.nodes.length > 1 ? rt.nodes[rt.nodes.length - 2] : legStart;
						const res = last.nat.inbound(p, before.name, at);
						if (res === 'local') break;
						if (res === null) {
							dropped = 'nat';
							p = null;
							break;
						}
						const inner = this.byIp.get(res.dstIp);
						const r2 = inner === undefined || inner === last ? null : this.route(last, inner);
						if (r2 === null) {
							dropped = 'no-route';
							p = null;
							break;
						}
						// The NAT router forwards the translated packet: TTL, then its firewall.
						res.ttl -= 1;
						if (res.ttl <= 0) {
							dropped = 'ttl';
							last.onTtlExceeded?.(res, at, before);
							p = null;
							break;
						}
						if (last.firewall && !last.firewall.filter(res, before.name, r2.nodes[0].name, at)) {
							dropped = 'firewall';
							p = null;
							break;
						}
						p = res;
						rt = r2;
						prevNode = last;
					}
					finalPkt = p;
					if (p !== null) arrivedAt = at;
				}
			}
		}
		if (ev !== null) {
			ev.arrivedAt = arrivedAt;
			if (dropped !== undefined) ev.dropped = dropped;
		}
		if (arrivedAt !== null && finalPkt !== null) {
			// NAT may have re-addressed the packet: deliver to the owner of the final dst IP.
			const target = finalPkt === pkt ? dstNode : this.byIp.get(finalPkt.dstIp);
			if (ev !== null && finalPkt !== pkt) {
				ev.to = target ? target.name : null;
				ev.translated = packetAddresses(finalPkt);
			}
			if (target !== undefined) core.queue.push(arrivedAt, target, EV_DELIVER, finalPkt);
		}
	}

	/** Neighbour cache: `from>neighbour` → the time the neighbour's link-layer address is known. */
	private neighbours = new Map<string, number>();
	private ndTarget: EventTarget | null = null;

	/**
	 * IPv6 neighbour discovery (RFC 4861 §7.2), shown as one exchange: before `from` sends its
	 * first IPv6 packet to a neighbour (the next hop: a router, or the destination on the same
	 * link) it multicasts a Neighbor Solicitation (type 135) to the target's solicited-node
	 * address `ff02::1:ffXX:XXXX` (RFC 4291 §2.7.1) and waits for the Neighbor Advertisement
	 * (136); packets wait in the meantime (§7.2.2 queues them). Both carry Hop Limit 255
	 * (§7.1.1: a receiver drops ND packets that crossed a router). The neighbour learns the
	 * sender's address from the solicitation (§7.2.3), so it does not ask back.
	 * Not modelled: NUD (reachable time, DELAY/PROBE), retries of an unanswered NS, router
	 * solicitation and advertisement (SLAAC), the link-layer addresses themselves.
	 * @returns true when `pkt` has been queued until the exchange completes.
	 */
	private resolveNeighbour(pkt: Packet, from: NetNode): boolean {
		const dst = this.byIp.get(pkt.dstIp);
		if (dst === undefined || dst === from) return false;
		const r = this.route(from, dst);
		if (r === null) return false;
		const nb = r.nodes[0];
		// A next hop without an IPv6 address answers no solicitation; the routing drops the packet.
		if (nb !== dst && !nb.ips.some(isIp6)) return false;
		const key = `${from.name}>${nb.name}`;
		const now = this.core.queue.now;
		let ready = this.neighbours.get(key);
		if (ready !== undefined && ready <= now) return false;
		this.ndTarget ??= {
			onEvent: (kind: number, arg: unknown) => {
				const a = arg as { pkt: Packet; from: NetNode };
				if (kind === EV_ND_ADVERT) this.transmitNd(a.pkt as IcmpPacket, a.from);
				else this.transmit(a.pkt, a.from);
			}
		};
		if (ready === undefined) {
			const lat = r.links[0].latencyMs;
			ready = now + 2 * lat;
			this.neighbours.set(key, ready);
			this.neighbours.set(`${nb.name}>${from.name}`, now + lat);
			const v6 = nb.ips.filter(isIp6);
			const target = nb === dst ? pkt.dstIp : v6[interfaceFacing(v6, from)];
			const b = ipBytes(target);
			const hex = (i: number) => b[i].toString(16).padStart(2, '0');
			const solicited = canonicalIp(`ff02::1:ff${hex(13)}:${hex(14)}${hex(15)}`) as string;
			const ns: IcmpPacket = { proto: 'ICMP', srcIp: pkt.srcIp, dstIp: solicited, ttl: 255, id: 0, type: ICMP6.NEIGHBOR_SOLICIT, code: 0, target };
			this.transmitNd(ns, from, nb, lat);
			const na: IcmpPacket = { proto: 'ICMP', srcIp: target, dstIp: pkt.srcIp, ttl: 255, id: 0, type: ICMP6.NEIGHBOR_ADVERT, code: 0, target };
			this.core.queue.push(now + lat, this.ndTarget, EV_ND_ADVERT, { pkt: na, from: nb });
		}
		this.core.queue.push(ready, this.ndTarget, EV_ND_SEND, { pkt, from });
		return true;
	}

	/** Record a neighbour discovery message on the one link between `from` and its neighbour. */
	private transmitNd(pkt: IcmpPacket, from: NetNode, to?: NetNode, latency?: number): void {
		const core = this.core;
		pkt.id = core.nextPacketId();
		if (to === undefined) {
			to = this.byIp.get(pkt.dstIp);
			latency = to === undefined ? 0 : (this.route(from, to)?.links[0].latencyMs ?? 0);
		}
		if (!core.record || to === undefined) return;
		const ev = this.recordPacket(pkt, from, to, core.queue.now);
		ev.arrivedAt = core.queue.now + (latency ?? 0);
	}

	private recordPacket(
		pkt: Packet,
		from: NetNode,
		dstNode: NetNode | undefined,
		t: number
	): { arrivedAt: number | null; dropped?: SegmentEvent['dropped']; to: string | null; translated?: SegmentEvent['translated'] } {
		const to = dstNode ? dstNode.name : null;
		if (pkt.proto === 'TCP') {
			const ev: SegmentEvent = {
				kind: 'segment',
				t,
				id: pkt.id,
				proto: 'TCP',
				from: from.name,
				to,
				src: { ip: pkt.srcIp, port: pkt.sport },
				dst: { ip: pkt.dstIp, port: pkt.dport },
				flags: flagsToList(pkt.flags),
				seq: pkt.seq,
				ack: pkt.ack,
				len: pkt.len,
				wnd: pkt.wnd,
				arrivedAt: null
			};
			if (pkt.retransmission) ev.retransmission = true;
			if (pkt.payload !== undefined) ev.payload = pkt.payload;
			const options = traceOptions(pkt);
			if (options !== undefined) ev.options = options;
			this.core.events.push(ev);
			return ev;
		}
		if (pkt.proto === 'UDP') {
			const ev = {
				kind: 'datagram' as const,
				t,
				id: pkt.id,
				proto: 'UDP' as const,
				from: from.name,
				to,
				src: { ip: pkt.srcIp, port: pkt.sport },
				dst: { ip: pkt.dstIp, port: pkt.dport },
				len: pkt.len,
				ttl: pkt.ttl,
				arrivedAt: null as number | null,
				...(pkt.payload !== undefined ? { payload: pkt.payload } : {})
			};
			this.core.events.push(ev);
			return ev;
		}
		const ev = {
			kind: 'icmp' as const,
			t,
			id: pkt.id,
			proto: 'ICMP' as const,
			from: from.name,
			to,
			srcIp: pkt.srcIp,
			dstIp: pkt.dstIp,
			type: pkt.type,
			code: pkt.code,
			ttl: pkt.ttl,
			arrivedAt: null as number | null,
			...(pkt.identifier !== undefined ? { identifier: pkt.identifier } : {}),
			...(pkt.sequence !== undefined ? { sequence: pkt.sequence } : {}),
			...(pkt.quoted !== undefined ? { quoted: pkt.quoted } : {}),
			...(isIp6(pkt.srcIp) ? { icmpv6: true } : {}),
			...(pkt.mtu !== undefined ? { mtu: pkt.mtu } : {}),
			...(pkt.target !== undefined ? { target: pkt.target } : {})
		};
		this.core.events.push(ev);
		return ev;
	}
}
