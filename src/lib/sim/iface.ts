/**
 * Router interfaces: which interface a neighbour sits on, and which interfaces face the
 * "inside" network (for NAT and firewall directions).
 *
 * Links in the simulator join nodes, not interfaces, so the interface a neighbour is attached
 * to is inferred from addresses: **a neighbour is on the router interface whose IP shares the
 * longest common prefix with one of the neighbour's IPs** (ties: the interface listed first).
 * This is what a subnet mask would decide on a real router when every interface has its own
 * subnet (192.168.1.1 faces 192.168.1.10; 10.0.0.2 faces a neighbouring router's 10.0.0.1).
 * For inside/outside decisions ({@link neighbourInside}), a neighbour that shares fewer than
 * {@link SAME_SUBNET_BITS} bits with every interface is taken to be reached through the
 * default route, i.e. on the outside (203.0.113.5 next to a router 192.168.1.1/198.51.100.7).
 *
 * Inside vs outside (see {@link insideInterfaces}):
 * 1. an explicit list of inside interface IPs given in the NAT or firewall config wins;
 * 2. with NAT, the interface that owns the public address (or, when the public address is an
 *    extra address, the interface closest to it by prefix) is the outside; all others are inside;
 * 3. otherwise interfaces with private addresses (RFC 1918: 10/8, 172.16/12, 192.168/16) are
 *    inside and the rest outside; if that leaves no inside or no outside interface, the first
 *    interface is inside and the others outside.
 *
 * @module
 */

import { ipBytes, isIp6, parseIp } from './wire';

/** Minimal view of a node: its IPs (hosts have one, routers one per interface). */
export interface HasIps {
	readonly ips: readonly string[];
}

/**
 * Number of leading bits two addresses share: 0..32 for two IPv4 addresses, 0..128 for two
 * IPv6 addresses, and -1 for addresses of different families (an IPv6 neighbour never sits on
 * an interface because of its IPv4 address, and the reverse).
 */
export function commonPrefix(a: string, b: string): number {
	const six = isIp6(a);
	if (six !== isIp6(b)) return -1;
	if (!six) {
		const x = (parseIp(a) ^ parseIp(b)) >>> 0;
		return x === 0 ? 32 : Math.clz32(x);
	}
	const x = ipBytes(a);
	const y = ipBytes(b);
	for (let i = 0; i < 16; i++) {
		const d = x[i] ^ y[i];
		if (d !== 0) return i * 8 + Math.clz32(d) - 24;
	}
	return 128;
}

/**
 * The router interface (index into `routerIps`) that faces `neighbour`: the interface with the
 * longest common prefix with any of the neighbour's addresses; ties go to the lower index.
 */
export function interfaceFacing(routerIps: readonly string[], neighbour: HasIps): number {
	return closestInterface(routerIps, neighbour).index;
}

/** The interface sharing the longest prefix with any of the neighbour's addresses, and that length in bits. */
function closestInterface(routerIps: readonly string[], neighbour: HasIps): { index: number; bits: number } {
	let index = 0;
	let bits = -1;
	for (let i = 0; i < routerIps.length; i++) {
		for (const ip of neighbour.ips) {
			const l = commonPrefix(routerIps[i], ip);
			if (l >= 0 && l > bits) {
				bits = l;
				index = i;
			}
		}
	}
	return { index, bits };
}

/** Common-prefix length (bits) below which a neighbour is not taken to share an interface's subnet. */
export const SAME_SUBNET_BITS = 16;

/**
 * Is `neighbour` on an inside interface? `inside` is the result of {@link insideInterfaces}.
 * Neighbours that share fewer than {@link SAME_SUBNET_BITS} bits with every interface are
 * outside (default route), unless the router has no outside interface.
 */
export function neighbourInside(routerIps: readonly string[], inside: readonly boolean[], neighbour: HasIps): boolean {
	const { index, bits } = closestInterface(routerIps, neighbour);
	if (bits < SAME_SUBNET_BITS && inside.some((v) => !v)) return false;
	return inside[index];
}

/** True for RFC 1918 private addresses (10/8, 172.16/12, 192.168/16). */
export function isPrivateIp(ip: string): boolean {
	const v = parseIp(ip);
	if (v < 0) return false;
	const a = Math.floor(v / 16777216);
	const b = Math.floor(v / 65536) % 256;
	return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/**
 * Which of a router's interfaces face the inside network (module doc, rules 1-3).
 * @param routerIps - the router's interface addresses, in declaration order.
 * @param opts.inside - explicit inside interface IPs (must be among `routerIps`; checked by the caller).
 * @param opts.publicIp - NAT public address, when NAT is configured.
 * @returns one boolean per interface: true = inside.
 */
export function insideInterfaces(
	routerIps: readonly string[],
	opts: { inside?: readonly string[]; publicIp?: string } = {}
): boolean[] {
	if (opts.inside && opts.inside.length > 0) return routerIps.map((ip) => opts.inside!.includes(ip));
	if (opts.publicIp !== undefined) {
		const out = interfaceFacing(routerIps, { ips: [opts.publicIp] });
		return routerIps.map((_, i) => i !== out || routerIps.length === 1);
	}
	const priv = routerIps.map(isPrivateIp);
	if (priv.some((p) => p) && priv.some((p) => !p)) return priv;
	return routerIps.map((_, i) => i === 0);
}
