/**
 * IPv6 facts the engine uses in more than one place: the per-OS default of IPV6_V6ONLY, the
 * ICMPv6 message numbers (RFC 4443, RFC 4861), the IPv6 minimum MTU and header sizes.
 *
 * @module
 */

import type { OsPresetId } from './os';

/**
 * IPV6_V6ONLY of a new AF_INET6 socket (RFC 3493 §5.3), per OS:
 * - Linux: off. `np->ipv6only = net->ipv6.sysctl.bindv6only` (net/ipv6/af_inet6.c), and
 *   `net.ipv6.bindv6only` defaults to 0 (Documentation/networking/ip-sysctl.rst; IPV6_V6ONLY(2const):
 *   "The default value for that file is 0 (false)").
 * - Windows (Vista and later): on. Microsoft's "Dual-Stack Sockets for IPv6-Only Applications"
 *   (Winsock documentation): an AF_INET6 socket is IPv6-only unless the program clears
 *   IPV6_V6ONLY before bind(). Windows XP had no dual-stack sockets at all (separate IPv4 and
 *   IPv6 stacks), so on; the simulator treats it as Vista's.
 * - FreeBSD: on. `net.inet6.ip6.v6only` defaults to 1 (inet6(4): "By default, FreeBSD does not
 *   route IPv4 traffic to AF_INET6 sockets").
 * - macOS: off. XNU's `ip6_v6only = 0` (bsd/netinet6/in6_proto.c; sysctl net.inet6.ip6.v6only).
 * - The model presets (rfc9293, iana, nat) follow RFC 3493 §5.3: off by default.
 */
export function v6onlyDefault(os: OsPresetId): boolean {
	return os === 'windows' || os === 'windows-xp' || os === 'freebsd';
}

/** ICMPv6 message types (RFC 4443 §2.1, RFC 4861 §4). */
export const ICMP6 = Object.freeze({
	DEST_UNREACH: 1,
	PACKET_TOO_BIG: 2,
	TIME_EXCEEDED: 3,
	ECHO_REQUEST: 128,
	ECHO_REPLY: 129,
	NEIGHBOR_SOLICIT: 135,
	NEIGHBOR_ADVERT: 136
});

/** Destination Unreachable code 4: port unreachable (RFC 4443 §3.1). */
export const ICMP6_PORT_UNREACH = 4;

/** IPv6 facts in bytes. */
export const IPV6 = Object.freeze({
	/** Every link must carry 1280-byte packets (RFC 8200 §5). */
	minMtu: 1280,
	/** Fixed header (RFC 8200 §3); IPv4's is 20 without options. */
	header: 40,
	ipv4Header: 20,
	tcpHeader: 20,
	/** Ethernet MTU, the default of a link. */
	defaultMtu: 1500
});

/** True for ICMPv6 error messages (types 0–127, RFC 4443 §2.1): never answered with another error (§2.4 e). */
export function isIcmp6Error(type: number): boolean {
	return type < 128;
}
