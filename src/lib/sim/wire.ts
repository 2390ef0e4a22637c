/**
 * What travels on the wire, and the arithmetic on its fields: the packet types every layer
 * shares ({@link TcpPacket}, {@link UdpPacket}, {@link IcmpPacket}), the TCP control bits,
 * sequence-number comparison modulo 2^32 (RFC 9293 §3.4) and IPv4 address / port validation.
 *
 * This module is the bottom of the engine's import graph (as smoltcp's `wire`): it knows nothing
 * of sockets, hosts or routing, so tcp, udp, icmp, hosts and the network can all import it
 * without importing each other.
 *
 * A packet is a tagged union on `proto`. IP addresses are dotted-quad strings; sequence and
 * acknowledgement numbers are unsigned 32-bit integers (0 … 2^32 − 1), as in the trace.
 *
 * TCP options (MSS, window scale, SACK-permitted, SACK blocks, timestamps) travel on
 * {@link TcpPacket} as `TcpOptions`; tcp-options.ts and tcp-sack.ts give them meaning. Not on the
 * wire here (see docs/tcp-deviations.md): URG and the urgent pointer, checksums, IP
 * fragmentation.
 *
 * @module
 */

import ipaddr from 'ipaddr.js';
import { SimError } from './errors';
import type { Protocol, SocketAddress, TcpFlag, TcpOptions } from './trace';

export type { TcpOptions } from './trace';

// ---------------------------------------------------------------------------------------------
// Packets

/**
 * Fields common to every IP packet. IPv4 addresses are dotted-quad strings, IPv6 addresses
 * their RFC 5952 text (`2001:db8::1`, see {@link canonicalIp}); a packet's two addresses are
 * always of one family ({@link isIp6} tells which).
 */
export interface IpCommon {
	srcIp: string;
	dstIp: string;
	/**
	 * IPv4 time-to-live (RFC 791) or IPv6 Hop Limit (RFC 8200 §3): decremented by each router,
	 * which drops the packet when it reaches 0. Hosts send 64.
	 */
	ttl: number;
	/** Trace id of this transmission (set when the network transmits it). */
	id: number;
}

/**
 * A TCP segment on the wire (RFC 9293 §3.1). `len` is payload bytes (SYN and FIN are not
 * counted; see {@link segLen}).
 */
export interface TcpPacket extends IpCommon {
	proto: 'TCP';
	/** Source port. */
	sport: number;
	/** Destination port. */
	dport: number;
	/** Bit mask of {@link F_SYN}, {@link F_ACK}, {@link F_FIN}, {@link F_RST}, {@link F_PSH}. */
	flags: number;
	/** SEG.SEQ, unsigned 32-bit. */
	seq: number;
	/** SEG.ACK, unsigned 32-bit (0 when the ACK bit is off). */
	ack: number;
	/** Payload bytes. */
	len: number;
	/** SEG.WND, bytes. */
	wnd: number;
	/** Optional text shown as the payload in views (the first segment of a send() carries it). */
	payload?: string;
	/** True when the sender resent this segment (drawn as a retransmission; not a header bit). */
	retransmission: boolean;
	/** TCP options (MSS, window scale, SACK-permitted, SACK blocks), when present; the Timestamps option is in {@link tsVal} and {@link tsEcr}. */
	options?: TcpOptions;
	/**
	 * The Timestamps option (RFC 7323 §3): TSval and TSecr, unsigned 32-bit, or undefined when the
	 * segment carries none. Two numbers on the segment rather than `options.ts`, an object in an
	 * object, made for nearly every segment of a connection that negotiated timestamps (`npm run
	 * bench`: see tcp-output.ts `sendSegment`). The trace shows them as `options.ts`
	 * (routing.ts `recordPacket`).
	 */
	tsVal?: number;
	tsEcr?: number;
}

/** A UDP datagram (RFC 768). `len` is payload bytes. */
export interface UdpPacket extends IpCommon {
	proto: 'UDP';
	sport: number;
	dport: number;
	len: number;
	payload?: string;
}

/**
 * An ICMP message (RFC 792), or an ICMPv6 message (RFC 4443, RFC 4861) when its addresses are
 * IPv6: `type` and `code` are then ICMPv6's numbers (echo 128/129, errors 1–4, ND 135/136).
 * ICMP has no ports.
 */
export interface IcmpPacket extends IpCommon {
	proto: 'ICMP';
	/** Packet Too Big (ICMPv6 type 2): the MTU of the next-hop link, bytes (RFC 4443 §3.2). */
	mtu?: number;
	/** Neighbour Solicitation/Advertisement (types 135/136): the target address (RFC 4861 §4.3-4.4). */
	target?: string;
	type: number;
	code: number;
	identifier?: number;
	sequence?: number;
	/**
	 * For errors (types 3, 11): the offending packet's 5-tuple. When the quoted packet is an
	 * ICMP echo, ports are 0 and `identifier`/`sequence` are the echo's.
	 */
	quoted?: { proto: Protocol; src: SocketAddress; dst: SocketAddress; identifier?: number; sequence?: number };
}

/** Any packet the network carries, tagged by `proto`. */
export type Packet = TcpPacket | UdpPacket | IcmpPacket;

// ---------------------------------------------------------------------------------------------
// TCP control bits

/** FIN control bit (RFC 9293 §3.1), as a bit of {@link TcpPacket.flags}. */
export const F_FIN = 1;
/** SYN bit. */
export const F_SYN = 2;
/** RST bit. */
export const F_RST = 4;
/** PSH bit. */
export const F_PSH = 8;
/** ACK bit. */
export const F_ACK = 16;

const FLAG_ARRAYS: TcpFlag[][] = [];
for (let m = 0; m < 32; m++) {
	const a: TcpFlag[] = [];
	if (m & F_SYN) a.push('SYN');
	if (m & F_FIN) a.push('FIN');
	if (m & F_RST) a.push('RST');
	if (m & F_PSH) a.push('PSH');
	if (m & F_ACK) a.push('ACK');
	FLAG_ARRAYS.push(a);
}

/** Flag mask → trace flag list in canonical order SYN, FIN, RST, PSH, ACK (fresh array). */
export function flagsToList(mask: number): TcpFlag[] {
	return FLAG_ARRAYS[mask & 31].slice();
}

/** Trace flag list → mask. @throws SimError on an unknown flag name. */
export function flagsFromList(flags: readonly string[]): number {
	let m = 0;
	for (const f of flags) {
		switch (f) {
			case 'SYN':
				m |= F_SYN;
				break;
			case 'FIN':
				m |= F_FIN;
				break;
			case 'RST':
				m |= F_RST;
				break;
			case 'PSH':
				m |= F_PSH;
				break;
			case 'ACK':
				m |= F_ACK;
				break;
			default:
				throw new SimError(`Unknown TCP flag "${f}"; use SYN, ACK, FIN, RST or PSH.`, 'flags');
		}
	}
	return m;
}

/** SEG.LEN: the sequence space a segment occupies, payload + 1 for SYN + 1 for FIN (RFC 9293 §3.4). */
export function segLen(seg: TcpPacket): number {
	return seg.len + (seg.flags & F_SYN ? 1 : 0) + (seg.flags & F_FIN ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// Sequence numbers (RFC 9293 §3.4: arithmetic modulo 2^32)

/** a < b modulo 2^32 (a lies in the 2^31 numbers before b). */
export function seqLt(a: number, b: number): boolean {
	return ((a - b) | 0) < 0;
}
/** a =< b modulo 2^32. */
export function seqLe(a: number, b: number): boolean {
	return ((a - b) | 0) <= 0;
}
/** (a + n) mod 2^32, as an unsigned 32-bit number. */
export function seqAdd(a: number, n: number): number {
	return (a + n) >>> 0;
}
/** b − a modulo 2^32: how far b lies after a (0 … 2^32 − 1). */
export function seqDiff(b: number, a: number): number {
	return (b - a) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Addresses

/**
 * Parse a dotted-quad IPv4 address: four decimal fields of 1–3 digits, each 0–255 (leading
 * zeros allowed, read as decimal). Reads the characters in place, without building substrings:
 * connect() checks its address on every call.
 * @returns the 32-bit value, or -1 when invalid.
 */
export function parseIp(ip: string): number {
	if (typeof ip !== 'string') return -1;
	let v = 0;
	let field = 0;
	let digits = 0;
	let dots = 0;
	for (let i = 0; i < ip.length; i++) {
		const c = ip.charCodeAt(i);
		if (c === 46 /* . */) {
			if (digits === 0 || dots === 3) return -1;
			v = v * 256 + field;
			field = 0;
			digits = 0;
			dots++;
		} else if (c >= 48 && c <= 57 && digits < 3) {
			field = field * 10 + (c - 48);
			digits++;
			if (field > 255) return -1;
		} else {
			return -1;
		}
	}
	if (dots !== 3 || digits === 0) return -1;
	return v * 256 + field;
}

/** True for an IPv6 address (its text has a colon; dotted quads never do). */
export function isIp6(ip: string): boolean {
	return ip.includes(':');
}

/**
 * An address in the one spelling the engine uses: a dotted quad for IPv4 (as given), and for
 * IPv6 the recommended text of RFC 5952 §4 (lower case, leading zeros dropped, the longest run
 * of zero groups as `::`), with IPv4-mapped addresses in the mixed notation of §5
 * (`::ffff:192.0.2.1`). Parsing is ipaddr.js's; zone ids (`fe80::1%eth0`) are refused.
 * @returns the canonical text, or null when `ip` is neither an IPv4 nor an IPv6 address.
 */
export function canonicalIp(ip: string): string | null {
	if (typeof ip !== 'string') return null;
	if (parseIp(ip) >= 0) return ip;
	if (!ip.includes(':') || ip.includes('%') || !ipaddr.IPv6.isValid(ip)) return null;
	const a = ipaddr.IPv6.parse(ip);
	if (a.isIPv4MappedAddress()) return `::ffff:${a.toIPv4Address().toString()}`;
	return a.toRFC5952String();
}

/** @throws SimError unless `ip` is a dotted-quad IPv4 address or an IPv6 address in RFC 5952 text. */
export function checkIp(ip: string, field = 'ip'): void {
	if (canonicalIp(ip) !== ip) {
		if (canonicalIp(ip) !== null) throw new SimError(`IPv6 address ${JSON.stringify(ip)} must be written as RFC 5952 recommends: ${canonicalIp(ip)}.`, field);
		throw new SimError(`Invalid IP address ${JSON.stringify(ip)} (expected an IPv4 address a.b.c.d or an IPv6 address like 2001:db8::1).`, field);
	}
}

/** The IPv4-mapped IPv6 address of an IPv4 address (RFC 4291 §2.5.5.2): `::ffff:192.0.2.1`. */
export function mapped4(ip4: string): string {
	return `::ffff:${ip4}`;
}

/** The 16 bytes of an IPv6 address or the 4 of an IPv4 address (for prefix comparisons). */
export function ipBytes(ip: string): number[] {
	return ipaddr.parse(ip).toByteArray();
}

/** `ip:port`, with an IPv6 address in brackets (`[2001:db8::1]:80`, RFC 5952 §6). */
export function hostPort(ip: string, port: number | string): string {
	return isIp6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Unspecified address of a family: `0.0.0.0` or `::`. */
export function anyAddress(ip6: boolean): string {
	return ip6 ? '::' : '0.0.0.0';
}

/** @throws SimError unless `port` is an integer 0..65535. */
export function checkPort(port: number, field = 'port'): void {
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new SimError(`Invalid port ${JSON.stringify(port)} (expected an integer 0-65535).`, field);
	}
}
