/**
 * Packet filters on routers: stateless rule lists and a stateful (connection-tracking) filter.
 *
 * **Directions.** A packet's direction is decided by the interface it **arrives on**: arriving
 * from a neighbour on an inside interface it is `'out'` (leaving the inside network), from an
 * outside interface `'in'`. Which interfaces are inside (iface.ts): the `inside` list of the
 * config if given; else, when the router also does NAT, every interface but the public one;
 * else the interfaces with RFC 1918 private addresses (if that splits them; otherwise the first
 * interface is the inside). A neighbour is on the interface with the longest common prefix; one
 * that shares fewer than 16 bits with every interface is outside (default route; iface.ts).
 *
 * **What is filtered.** Packets the router forwards (Linux FORWARD chain). Packets addressed to
 * the router itself or sent by it (its ICMP messages) are not filtered. With NAT on the same
 * router the filter sees inside addresses in both directions, as in Linux (DNAT/de-NAT in
 * PREROUTING before the filter, SNAT in POSTROUTING after it).
 *
 * **Stateless** (`{ mode: 'stateless', rules, default? }`): the rules are tried in order and the
 * first that matches decides (allow/deny); no match → `default` (`'deny'` unless given). A rule
 * matches on direction, protocol (`'any'` matches all) and optional source/destination port or
 * inclusive range (ports only ever match TCP/UDP). `deny` drops silently (iptables DROP: the
 * sender only sees silence); `reject` drops and has the router answer (iptables REJECT: an ICMP
 * Destination Unreachable, port unreachable by default, or a TCP RST; `rejectWith`). Return traffic is judged like any other
 * packet, so a client's replies need a rule opening the ephemeral range.
 *
 * **Stateful** (`{ mode: 'stateful', rules? }`): connection tracking. A packet that belongs to a
 * tracked flow (same 5-tuple either way; for ICMP echo the identifier) is allowed and refreshes
 * it; an ICMP error quoting a tracked flow is allowed ("RELATED"). Other packets are judged by the
 * rules (first match), defaulting to allow for `'out'` and deny for `'in'`; an allowed packet
 * starts a new tracked flow. Timeouts as NAT ({@link CONNTRACK_TIMEOUTS}), except that `idleMs`
 * replaces the 5-day timeout of an established TCP flow (the idle timeout of a real firewall, so
 * that a lesson can show an idle connection silently forgotten); expired flows are forgotten
 * lazily (the firewall records no events of its own).
 *
 * Dropped packets stay in the trace with `dropped: 'firewall'`.
 *
 * @module
 */

import { SimError } from './errors';
import { insideInterfaces, neighbourInside } from './iface';
import type { Direction, FirewallHook, FirewallRule, RejectWith, Router } from './router';
import { newTracked, trackPacket, type Tracked } from './nat';
import type { Packet } from './wire';

/** Firewall configuration accepted by `sim.setFirewall` (contract form plus `default`, `inside`). */
export type FirewallOptions =
	| { mode: 'stateless'; rules: FirewallRule[]; default?: 'allow' | 'deny'; inside?: string[] }
	| { mode: 'stateful'; rules?: FirewallRule[]; inside?: string[]; idleMs?: number };

/** Does `rule` match this packet travelling in `dir`? */
export function ruleMatches(rule: FirewallRule, pkt: Packet, dir: Direction): boolean {
	if (rule.direction !== dir) return false;
	if (rule.proto !== 'any' && rule.proto !== pkt.proto) return false;
	if (rule.sport === undefined && rule.dport === undefined) return true;
	if (pkt.proto === 'ICMP') return false;
	return inPorts(rule.sport, pkt.sport) && inPorts(rule.dport, pkt.dport);
}

function inPorts(spec: number | [number, number] | undefined, port: number): boolean {
	if (spec === undefined) return true;
	if (typeof spec === 'number') return spec === port;
	return port >= spec[0] && port <= spec[1];
}

function checkRule(r: FirewallRule, i: number, router: string): void {
	const where = `setFirewall(${router}): rule ${i + 1}`;
	if (!r || typeof r !== 'object') throw new SimError(`${where} must be an object { action, direction, proto, sport?, dport? }.`, 'rules');
	if (r.action !== 'allow' && r.action !== 'deny' && r.action !== 'reject') throw new SimError(`${where}: action must be 'allow', 'deny' or 'reject' (got ${JSON.stringify(r.action)}).`, 'action');
	if (r.rejectWith !== undefined) {
		if (r.action !== 'reject') throw new SimError(`${where}: rejectWith needs action 'reject'.`, 'rejectWith');
		if (!REJECT_WITH.includes(r.rejectWith)) throw new SimError(`${where}: rejectWith must be one of ${REJECT_WITH.join(', ')} (got ${JSON.stringify(r.rejectWith)}).`, 'rejectWith');
		if (r.rejectWith === 'tcp-reset' && r.proto !== 'TCP') throw new SimError(`${where}: rejectWith 'tcp-reset' needs proto 'TCP'.`, 'rejectWith');
	}
	if (r.direction !== 'in' && r.direction !== 'out') throw new SimError(`${where}: direction must be 'in' or 'out' (got ${JSON.stringify(r.direction)}).`, 'direction');
	if (!['TCP', 'UDP', 'ICMP', 'any'].includes(r.proto)) throw new SimError(`${where}: proto must be 'TCP', 'UDP', 'ICMP' or 'any' (got ${JSON.stringify(r.proto)}).`, 'proto');
	for (const k of ['sport', 'dport'] as const) {
		const v = r[k];
		if (v === undefined) continue;
		const ok = typeof v === 'number' ? isPort(v) : Array.isArray(v) && v.length === 2 && isPort(v[0]) && isPort(v[1]) && v[0] <= v[1];
		if (!ok) throw new SimError(`${where}: ${k} must be a port 0-65535 or [low, high] (got ${JSON.stringify(v)}).`, k);
		if (r.proto === 'ICMP') throw new SimError(`${where}: ${k} needs proto TCP or UDP (ICMP has no ports).`, k);
	}
}

/** The answers a `reject` rule can give (iptables REJECT `--reject-with`). */
export const REJECT_WITH: readonly RejectWith[] = ['port-unreachable', 'host-unreachable', 'net-unreachable', 'host-prohibited', 'net-prohibited', 'admin-prohibited', 'tcp-reset'];

const isPort = (p: unknown): boolean => Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 65535;

/** Flow key of a packet in its own direction, and of the reverse direction. */
function flowKeys(pkt: Packet): [string, string] {
	if (pkt.proto === 'ICMP') {
		const id = pkt.identifier ?? 0;
		return [`ICMP|${pkt.srcIp}|${pkt.dstIp}|${id}`, `ICMP|${pkt.dstIp}|${pkt.srcIp}|${id}`];
	}
	return [`${pkt.proto}|${pkt.srcIp}:${pkt.sport}|${pkt.dstIp}:${pkt.dport}`, `${pkt.proto}|${pkt.dstIp}:${pkt.dport}|${pkt.srcIp}:${pkt.sport}`];
}

/** The firewall of one router. Installed in `router.firewall` by `sim.setFirewall`. */
export class Firewall implements FirewallHook {
	readonly mode: 'stateless' | 'stateful';
	readonly rules: readonly FirewallRule[];
	private readonly defaultAction: 'allow' | 'deny';
	private readonly insideIf: boolean[];
	private readonly sideCache = new Map<string, boolean>();
	/** Tracked flows by the key of their first packet. */
	private readonly flows = new Map<string, Tracked>();
	/** New flows since construction (expired flows are swept every 1024). */
	private inserts = 0;
	/** Idle timeout of an established TCP flow, ms, or null for conntrack's default. */
	private readonly idleMs: number | null;

	/**
	 * @param publicIp - the NAT public address when the router also does NAT (decides inside).
	 * @throws SimError for an unknown mode, malformed rules, or inside addresses that are not interfaces.
	 */
	constructor(
		private readonly router: Router,
		cfg: FirewallOptions,
		publicIp?: string
	) {
		if (!cfg || (cfg.mode !== 'stateless' && cfg.mode !== 'stateful')) {
			throw new SimError(`setFirewall(${router.name}): mode must be 'stateless' or 'stateful' (got ${JSON.stringify((cfg as { mode?: unknown })?.mode)}).`, 'mode');
		}
		const rules = cfg.rules ?? [];
		if (!Array.isArray(rules)) throw new SimError(`setFirewall(${router.name}): rules must be a list.`, 'rules');
		if (cfg.mode === 'stateless' && rules.length === 0) throw new SimError(`setFirewall(${router.name}): a stateless firewall needs at least one rule.`, 'rules');
		rules.forEach((r, i) => checkRule(r, i, router.name));
		const def = cfg.mode === 'stateless' ? (cfg.default ?? 'deny') : 'deny';
		if (def !== 'allow' && def !== 'deny') throw new SimError(`setFirewall(${router.name}): default must be 'allow' or 'deny'.`, 'default');
		if (cfg.inside !== undefined) {
			for (const ip of cfg.inside) {
				if (!router.ipList.includes(ip)) throw new SimError(`setFirewall(${router.name}): inside address ${ip} is not one of the router's interfaces (${router.ipList.join(', ')}).`, 'inside');
			}
		}
		const idle = cfg.mode === 'stateful' ? cfg.idleMs : undefined;
		if (idle !== undefined && !(Number.isFinite(idle) && idle > 0)) {
			throw new SimError(`setFirewall(${router.name}): idleMs must be a positive number of ms (got ${JSON.stringify(idle)}).`, 'idleMs');
		}
		this.idleMs = idle ?? null;
		this.mode = cfg.mode;
		this.rules = rules.map((r) => ({ ...r }));
		this.defaultAction = def;
		this.insideIf = insideInterfaces(router.ipList, { inside: cfg.inside, publicIp });
	}

	/** Direction of a packet arriving from the neighbour named `fromNode`. */
	direction(fromNode: string): Direction {
		let v = this.sideCache.get(fromNode);
		if (v === undefined) {
			const n = this.router.net.nodes.get(fromNode);
			v = n === undefined ? false : neighbourInside(this.router.ipList, this.insideIf, n);
			this.sideCache.set(fromNode, v);
		}
		return v ? 'out' : 'in';
	}

	/** The first matching rule's verdict; a `reject` also makes the router answer (iptables REJECT). */
	private byRules(pkt: Packet, dir: Direction, fromNode: string, t: number): 'allow' | 'deny' | null {
		for (const r of this.rules) {
			if (!ruleMatches(r, pkt, dir)) continue;
			if (r.action !== 'reject') return r.action;
			this.router.onReject?.(pkt, t, fromNode, r.rejectWith ?? 'port-unreachable');
			return 'deny';
		}
		return null;
	}

	/** FirewallHook: true = forward, false = drop (`dropped: 'firewall'`). */
	filter(pkt: Packet, fromNode: string, _toNode: string, t: number): boolean {
		const dir = this.direction(fromNode);
		if (this.mode === 'stateless') return (this.byRules(pkt, dir, fromNode, t) ?? this.defaultAction) === 'allow';

		const [fwd, rev] = flowKeys(pkt);
		const own = this.live(fwd, t);
		if (own) {
			this.track(own, pkt, false, t);
			return true;
		}
		const back = this.live(rev, t);
		if (back) {
			this.track(back, pkt, true, t);
			return true;
		}
		if (pkt.proto === 'ICMP' && pkt.quoted !== undefined && pkt.type !== 8 && pkt.type !== 0) {
			// RELATED: an error about a tracked flow (its quoted packet went the other way).
			const q = pkt.quoted;
			const k = q.proto === 'ICMP' ? `ICMP|${q.src.ip}|${q.dst.ip}|${q.identifier ?? 0}` : `${q.proto}|${q.src.ip}:${q.src.port}|${q.dst.ip}:${q.dst.port}`;
			if (this.live(k, t)) return true;
		}
		const verdict = this.byRules(pkt, dir, fromNode, t) ?? (dir === 'out' ? 'allow' : 'deny');
		if (verdict === 'deny') return false;
		if (pkt.proto !== 'ICMP' || pkt.type === 8) {
			const f = newTracked(pkt.proto, t);
			this.track(f, pkt, false, t);
			this.flows.set(fwd, f);
			if (++this.inserts % 1024 === 0) for (const [k, g] of this.flows) if (g.expiresAt <= t) this.flows.delete(k);
		}
		return true;
	}

	/** Update a flow for a packet (nat.ts `trackPacket`), with the idle timeout for established TCP. */
	private track(f: Tracked, pkt: Packet, reply: boolean, t: number): void {
		trackPacket(f, pkt, reply, t);
		if (this.idleMs !== null && f.proto === 'TCP' && f.tcp === 'established') f.expiresAt = t + this.idleMs;
	}

	private live(k: string, t: number): Tracked | undefined {
		const f = this.flows.get(k);
		if (f === undefined) return undefined;
		if (f.expiresAt <= t) {
			this.flows.delete(k);
			return undefined;
		}
		return f;
	}

	/** Number of tracked flows that are still alive at `t` (ms). */
	trackedCount(t: number): number {
		let n = 0;
		for (const f of this.flows.values()) if (f.expiresAt > t) n++;
		return n;
	}
}
