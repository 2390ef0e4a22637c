/**
 * Routers and their NAT/firewall configuration: a {@link Router} owns one IP per interface,
 * forwards packets (the network decrements the TTL at each router, RFC 791) and has hook slots
 * for NAT ({@link NatHook}, implemented by nat.ts) and a packet filter ({@link FirewallHook},
 * firewall.ts). This module defines the slots and the configuration shapes that `sim.setNat` and
 * `sim.setFirewall` accept; routing.ts calls the hooks as packets cross the router.
 *
 * @module
 */

import { SimError } from './errors';
import { NetNode, type Network } from './node';
import type { Protocol } from './trace';
import { checkIp, type Packet } from './wire';

/** Which way a packet crosses a router, relative to a NAT's or firewall's inside network. */
export type Direction = 'in' | 'out';

/**
 * NAT hook slot on a router. Called for every packet the router forwards.
 * Return the (possibly rewritten) packet to forward it, or `null` to drop it
 * (recorded as `dropped: 'nat'`). Implementations may mutate and return `pkt`.
 */
export interface NatHook {
	/**
	 * @param pkt - the packet as it arrives at the router.
	 * @param fromNode - name of the node it came from; `toNode` - next hop.
	 * @param t - virtual time (ms) at which the packet reaches the router.
	 */
	translate(pkt: Packet, fromNode: string, toNode: string, t: number): Packet | null;
	/**
	 * Optional: a packet addressed to one of the router's own addresses (a NAT public address)
	 * arrived from `fromNode` at `t`. Return the packet translated to an inside destination (the
	 * network forwards it on, decrementing TTL and running the firewall after translation),
	 * `null` to drop it (`dropped: 'nat'`), or `'local'` to deliver it to the router itself.
	 */
	inbound?(pkt: Packet, fromNode: string, t: number): Packet | null | 'local';
}

/** Firewall hook slot on a router. Return false to drop (recorded as `dropped: 'firewall'`). */
export interface FirewallHook {
	/**
	 * Same arguments as {@link NatHook.translate}. At a router the packet passes through, runs
	 * before {@link NatHook.translate}; for a packet addressed to a NAT public address, runs after
	 * {@link NatHook.inbound} has translated it (so it always sees inside addresses).
	 */
	filter(pkt: Packet, fromNode: string, toNode: string, t: number): boolean;
}

/** NAT configuration as in the engine contract (`sim.setNat`). */
export interface NatConfig {
	publicIp: string;
	mode: 'remap' | 'preserve';
	/** Inclusive public port range, default [1024, 65535]. */
	range?: [number, number];
}

/**
 * What a `reject` rule answers with (iptables-extensions(8) REJECT `--reject-with`): an ICMP
 * Destination Unreachable (port unreachable, iptables' default: code 3; host unreachable 1; net
 * unreachable 0; host prohibited 10; net prohibited 9; administratively prohibited 13) from the
 * router, or for TCP a RST in the name of the destination (`tcp-reset`).
 */
export type RejectWith = 'port-unreachable' | 'host-unreachable' | 'net-unreachable' | 'host-prohibited' | 'net-prohibited' | 'admin-prohibited' | 'tcp-reset';

/** A stateless firewall rule (`sim.setFirewall`). */
export interface FirewallRule {
	/** `deny` drops silently (iptables DROP); `reject` drops and answers (iptables REJECT). */
	action: 'allow' | 'deny' | 'reject';
	/** For `reject`: the answer; default `'port-unreachable'`, as iptables REJECT. */
	rejectWith?: RejectWith;
	direction: Direction;
	proto: Protocol | 'any';
	/** Destination port or inclusive range. */
	dport?: number | [number, number];
	sport?: number | [number, number];
}

/** Firewall configuration as in the engine contract (`sim.setFirewall`). */
/**
 * Firewall configuration (contract form). `idleMs` (stateful only): idle timeout of an
 * established TCP flow, instead of conntrack's 5 days (`nf_conntrack_tcp_timeout_established`);
 * firewalls and NATs in the field often use minutes to an hour.
 */
export type FirewallConfig = { mode: 'stateful'; idleMs?: number } | { mode: 'stateless'; rules: FirewallRule[] };

/**
 * A router: owns one IP per interface, forwards packets (decrementing TTL) and has hook slots
 * for NAT and a firewall. Packets addressed to a router's own IP are passed to
 * {@link Router.onLocalPacket} (ICMP helper) and otherwise dropped silently.
 */
export class Router extends NetNode {
	/** Interface addresses. */
	readonly ipList: string[];
	/** NAT hook slot (set by `sim.setNat`). */
	nat?: NatHook;
	/** Firewall hook slot (set by `sim.setFirewall`). */
	firewall?: FirewallHook;
	/**
	 * Called when a packet's TTL reaches 0 here (ICMP Time Exceeded hook, RFC 792 type 11), with
	 * the time it reached the router and the neighbour it came from (decides the ingress interface).
	 */
	onTtlExceeded?: (pkt: Packet, t: number, from?: NetNode) => void;
	/**
	 * Called when a packet is larger than the MTU of the link it would leave on (IPv6, or IPv4
	 * TCP with DF): the ICMP Packet Too Big hook (RFC 4443 §3.2, RFC 1191), with that MTU.
	 */
	onTooBig?: (pkt: Packet, t: number, mtu: number, from?: NetNode) => void;
	/** Called for packets addressed to one of the router's own IPs. */
	onLocalPacket?: (pkt: Packet) => void;
	/**
	 * Called when a firewall `reject` rule drops `pkt` (arrived at `t` from the neighbour named
	 * `from`): the router answers as `how` says (icmp.ts).
	 */
	onReject?: (pkt: Packet, t: number, from: string, how: RejectWith) => void;

	/**
	 * @internal use `Simulation.addRouter`.
	 * @throws SimError without at least one valid IPv4 or IPv6 address.
	 */
	constructor(net: Network, name: string, ips: string[]) {
		super(name, net);
		if (!Array.isArray(ips) || ips.length === 0) {
			throw new SimError(`Router ${name} needs at least one IP address.`, 'ips');
		}
		for (const ip of ips) checkIp(ip, 'ips');
		this.ipList = ips.slice();
	}
	get ips(): readonly string[] {
		return this.ipList;
	}
	/** @internal */
	receive(pkt: Packet): void {
		this.onLocalPacket?.(pkt);
	}
}
