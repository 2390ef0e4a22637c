/**
 * Decoding one captured packet: link layer, then IPv4 (RFC 791) or IPv6 (RFC 8200), then TCP
 * (RFC 9293 §3.1), UDP (RFC 768), ICMP (RFC 792) or ICMPv6 (RFC 4443).
 *
 * Lengths come from the IP headers, not from the captured bytes, so a packet cut short by the
 * snap length still has its true TCP payload length (as Wireshark reports `tcp.len`); only the
 * headers themselves must have been captured. Fragments are flagged and not reassembled: a
 * first fragment's transport header is read, later fragments carry none.
 *
 * {@link decodePacket} writes into a reused {@link Decoded} object and never throws.
 *
 * @module
 */
import ipaddr from 'ipaddr.js';
import { linkPayload, newLinkResult, NET_IPV4, NET_IPV6, type LinkResult } from './link';

/** IP protocol numbers (IANA "Assigned Internet Protocol Numbers"). */
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

/** TCP control bits as on the wire (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_PSH = 0x08;
export const TH_ACK = 0x10;
export const TH_URG = 0x20;
export const TH_ECE = 0x40;
export const TH_CWR = 0x80;

/** Transport of a decoded packet. */
export type L4 = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'other' | 'none';

/** The headers an ICMP error quotes (RFC 792 / RFC 4443 §2.4: the offending packet's start). */
export interface Quoted {
	proto: number;
	src: string;
	dst: string;
	/** Ports (TCP/UDP), or 0. */
	sport: number;
	dport: number;
	/** Quoted TCP sequence number (0 when not TCP). */
	seq: number;
	/** Quoted ICMP echo identifier and sequence number, or -1. */
	id: number;
	echoSeq: number;
}

/** One decoded packet. Reused by {@link decodePacket}: copy what you keep. */
export interface Decoded {
	/** 4 or 6; 0 when no IP header was found. */
	ipVersion: 0 | 4 | 6;
	src: string;
	dst: string;
	/** IPv4 as a 32-bit number (for fast keys), 0 for IPv6. */
	src4: number;
	dst4: number;
	/** IPv4 Identification (0 for IPv6 unless a Fragment header gives one). */
	ipId: number;
	/** TTL (IPv4) or Hop Limit (IPv6). */
	ttl: number;
	/** The upper-layer protocol number after IPv6 extension headers. */
	ipProto: number;
	/** Bytes of IPv4 options (0–40). */
	ipOptionsLen: number;
	/** IPv6 extension header types walked, in order (e.g. [0, 43, 44]). */
	extHeaders: number[];
	/** Part of a fragmented datagram (IPv4 MF or offset, or an IPv6 Fragment header). */
	fragment: boolean;
	/** Offset of this fragment in the datagram, bytes (0 = first fragment). */
	fragOffset: number;
	/** Bytes of IP payload as the IP header states it (upper-layer header + data). */
	ipPayloadLen: number;
	l4: L4;
	sport: number;
	dport: number;
	/** TCP: SEG.SEQ, SEG.ACK (raw, unsigned 32-bit), control bits (TH_*), raw window field. */
	seq: number;
	ack: number;
	flags: number;
	window: number;
	/** TCP header length including options, bytes. */
	tcpHeaderLen: number;
	/** TCP options from a SYN: MSS (0 if absent), window scale shift (-1 if absent), SACK permitted. */
	mss: number;
	wscale: number;
	sackPermitted: boolean;
	/** TCP/UDP payload length in bytes (from the IP lengths); ICMP: bytes after the 8-byte header. */
	payloadLen: number;
	/** Offset of the payload in the captured bytes and how many of its bytes were captured. */
	payloadOffset: number;
	payloadCaptured: number;
	/** UDP length field (header + data). */
	udpLen: number;
	icmpType: number;
	icmpCode: number;
	/** ICMP echo identifier and sequence number, or -1. */
	icmpId: number;
	icmpSeq: number;
	/** For ICMP errors: the quoted packet's headers, or null. */
	quoted: Quoted | null;
	/** VLAN ids walked (outermost first). */
	vlans: number[];
	/** Why the packet could not be fully decoded ('' when it was). */
	problem: string;
}

/** A fresh {@link Decoded} to pass to {@link decodePacket}. */
export function newDecoded(): Decoded {
	return {
		ipVersion: 0,
		src: '',
		dst: '',
		src4: 0,
		dst4: 0,
		ipId: 0,
		ttl: 0,
		ipProto: 0,
		ipOptionsLen: 0,
		extHeaders: [],
		fragment: false,
		fragOffset: 0,
		ipPayloadLen: 0,
		l4: 'none',
		sport: 0,
		dport: 0,
		seq: 0,
		ack: 0,
		flags: 0,
		window: 0,
		tcpHeaderLen: 0,
		mss: 0,
		wscale: -1,
		sackPermitted: false,
		payloadLen: 0,
		payloadOffset: 0,
		payloadCaptured: 0,
		udpLen: 0,
		icmpType: 0,
		icmpCode: 0,
		icmpId: -1,
		icmpSeq: -1,
		quoted: null,
		vlans: [],
		problem: ''
	};
}

const link: LinkResult = newLinkResult();

/**
 * Decode one captured packet.
 *
 * @param linkType - the interface's LinkType.
 * @param d - the captured bytes.
 * @param out - filled in; `out.l4` says how far decoding got and `out.problem` why it stopped.
 * @returns true when an IP header was decoded (the transport may still be missing: see `out.l4`).
 */
export function decodePacket(linkType: number, d: Uint8Array, out: Decoded): boolean {
	out.ipVersion = 0;
	out.l4 = 'none';
	out.problem = '';
	out.fragment = false;
	out.fragOffset = 0;
	out.ipOptionsLen = 0;
	out.extHeaders.length = 0;
	out.quoted = null;
	out.icmpId = -1;
	out.icmpSeq = -1;
	out.payloadLen = 0;
	out.payloadCaptured = 0;
	out.sport = 0;
	out.dport = 0;
	const net = linkPayload(linkType, d, link);
	out.vlans = link.vlans;
	if (net === NET_IPV4) return ipv4(d, link.offset, out);
	if (net === NET_IPV6) return ipv6(d, link.offset, out);
	out.problem = link.reason;
	return false;
}

function ipv4(d: Uint8Array, o: number, out: Decoded): boolean {
	const n = d.length;
	if (n < o + 20) {
		out.problem = `only ${Math.max(0, n - o)} bytes of the 20-byte IPv4 header were captured`;
		return false;
	}
	const vihl = d[o];
	if (vihl >> 4 !== 4) {
		out.problem = `IP version ${vihl >> 4} in an IPv4 packet`;
		return false;
	}
	const ihl = (vihl & 0x0f) * 4;
	if (ihl < 20) {
		out.problem = `IPv4 header length ${ihl} is below the minimum of 20 (RFC 791)`;
		return false;
	}
	if (n < o + ihl) {
		out.problem = `only ${n - o} bytes of the ${ihl}-byte IPv4 header (with options) were captured`;
		return false;
	}
	let total = (d[o + 2] << 8) | d[o + 3];
	if (total === 0) total = n - o; // TCP segmentation offload: Linux captures large sends with total length 0.
	if (total < ihl) {
		out.problem = `IPv4 total length ${total} is shorter than its header (${ihl})`;
		return false;
	}
	out.ipVersion = 4;
	out.ipId = (d[o + 4] << 8) | d[o + 5];
	const frag = (d[o + 6] << 8) | d[o + 7];
	const mf = (frag & 0x2000) !== 0;
	out.fragOffset = (frag & 0x1fff) * 8;
	out.fragment = mf || out.fragOffset > 0;
	out.ttl = d[o + 8];
	out.ipProto = d[o + 9];
	out.src4 = ((d[o + 12] << 24) | (d[o + 13] << 16) | (d[o + 14] << 8) | d[o + 15]) >>> 0;
	out.dst4 = ((d[o + 16] << 24) | (d[o + 17] << 16) | (d[o + 18] << 8) | d[o + 19]) >>> 0;
	out.src = `${d[o + 12]}.${d[o + 13]}.${d[o + 14]}.${d[o + 15]}`;
	out.dst = `${d[o + 16]}.${d[o + 17]}.${d[o + 18]}.${d[o + 19]}`;
	out.ipOptionsLen = ihl - 20;
	out.ipPayloadLen = total - ihl;
	if (out.fragOffset > 0) {
		out.l4 = 'other';
		out.problem = `a later IPv4 fragment (offset ${out.fragOffset}): its transport header is in the first fragment`;
		return true;
	}
	transport(d, o + ihl, out.ipProto, out.ipPayloadLen, out);
	return true;
}

/** IPv6 extension headers that share the generic layout (RFC 8200 §4; RFC 7045 list). */
function isGenericExt(h: number): boolean {
	return h === 0 || h === 43 || h === 60 || h === 135 || h === 139 || h === 140 || h === 253 || h === 254;
}
/** At most this many extension headers are walked. */
const MAX_EXT_HEADERS = 16;

function ipv6(d: Uint8Array, o: number, out: Decoded): boolean {
	const n = d.length;
	if (n < o + 40) {
		out.problem = `only ${Math.max(0, n - o)} bytes of the 40-byte IPv6 header were captured`;
		return false;
	}
	if (d[o] >> 4 !== 6) {
		out.problem = `IP version ${d[o] >> 4} in an IPv6 packet`;
		return false;
	}
	out.ipVersion = 6;
	out.ipId = 0;
	out.src4 = 0;
	out.dst4 = 0;
	let payload = (d[o + 4] << 8) | d[o + 5];
	let next = d[o + 6];
	out.ttl = d[o + 7];
	out.src = ipv6Text(d, o + 8);
	out.dst = ipv6Text(d, o + 24);
	// A zero Payload Length with a Hop-by-Hop header is a jumbogram (RFC 2675); use what was captured.
	if (payload === 0 && next === 0) payload = n - o - 40;
	let p = o + 40;
	const end = o + 40 + payload;
	for (let i = 0; i < MAX_EXT_HEADERS; i++) {
		if (isGenericExt(next) || next === 51 || next === 44) {
			if (n < p + 8) {
				out.ipProto = next;
				out.ipPayloadLen = Math.max(0, end - p);
				out.l4 = 'other';
				out.problem = `the IPv6 extension header (type ${next}) was cut off by the snap length`;
				return true;
			}
			out.extHeaders.push(next);
			const h = next;
			next = d[p];
			let len: number;
			if (h === 44) {
				// Fragment header (RFC 8200 §4.5): fixed 8 bytes, offset in 8-octet units, M flag.
				len = 8;
				const off = ((d[p + 2] << 8) | d[p + 3]) & 0xfff8;
				out.fragment = true;
				out.fragOffset = off;
				out.ipId = ((d[p + 4] << 24) | (d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7]) >>> 0;
			} else if (h === 51) len = (d[p + 1] + 2) * 4; // AH (RFC 4302): length in 4-octet units, minus 2.
			else len = (d[p + 1] + 1) * 8; // Generic: length in 8-octet units, not counting the first 8.
			p += len;
			if (out.fragment && out.fragOffset > 0) {
				out.ipProto = next;
				out.ipPayloadLen = Math.max(0, end - p);
				out.l4 = 'other';
				out.problem = `a later IPv6 fragment (offset ${out.fragOffset}): its transport header is in the first fragment`;
				return true;
			}
			continue;
		}
		break;
	}
	out.ipProto = next;
	out.ipPayloadLen = Math.max(0, end - p);
	if (p > end) {
		out.l4 = 'other';
		out.problem = 'IPv6 extension headers run past the payload length';
		return true;
	}
	transport(d, p, next, out.ipPayloadLen, out);
	return true;
}

function transport(d: Uint8Array, o: number, proto: number, len: number, out: Decoded): void {
	const n = d.length;
	switch (proto) {
		case IPPROTO_TCP: {
			if (n < o + 20) {
				out.l4 = 'other';
				out.problem = `the snap length cut off the TCP header (${Math.max(0, n - o)} of 20 bytes captured)`;
				return;
			}
			out.sport = (d[o] << 8) | d[o + 1];
			out.dport = (d[o + 2] << 8) | d[o + 3];
			out.seq = ((d[o + 4] << 24) | (d[o + 5] << 16) | (d[o + 6] << 8) | d[o + 7]) >>> 0;
			out.ack = ((d[o + 8] << 24) | (d[o + 9] << 16) | (d[o + 10] << 8) | d[o + 11]) >>> 0;
			const hl = (d[o + 12] >> 4) * 4;
			out.flags = d[o + 13];
			out.window = (d[o + 14] << 8) | d[o + 15];
			if (hl < 20 || hl > len) {
				out.l4 = 'other';
				out.problem = hl < 20 ? `TCP data offset ${hl} is below the minimum of 20 (RFC 9293 §3.1)` : `TCP header (${hl} bytes) is longer than the IP payload (${len})`;
				return;
			}
			out.tcpHeaderLen = hl;
			out.mss = 0;
			out.wscale = -1;
			out.sackPermitted = false;
			if (n >= o + hl) tcpOptions(d, o + 20, o + hl, out);
			out.payloadLen = len - hl;
			out.payloadOffset = o + hl;
			out.payloadCaptured = Math.max(0, Math.min(n - (o + hl), out.payloadLen));
			out.l4 = 'tcp';
			return;
		}
		case IPPROTO_UDP: {
			if (n < o + 8) {
				out.l4 = 'other';
				out.problem = `the snap length cut off the UDP header (${Math.max(0, n - o)} of 8 bytes captured)`;
				return;
			}
			out.sport = (d[o] << 8) | d[o + 1];
			out.dport = (d[o + 2] << 8) | d[o + 3];
			out.udpLen = (d[o + 4] << 8) | d[o + 5];
			// The UDP length covers the whole datagram even when IP fragmented it.
			const ulen = out.udpLen >= 8 ? out.udpLen : len;
			out.payloadLen = Math.max(0, ulen - 8);
			out.payloadOffset = o + 8;
			out.payloadCaptured = Math.max(0, Math.min(n - (o + 8), out.payloadLen));
			out.l4 = 'udp';
			return;
		}
		case IPPROTO_ICMP:
		case IPPROTO_ICMPV6: {
			if (n < o + 4) {
				out.l4 = 'other';
				out.problem = 'the snap length cut off the ICMP header';
				return;
			}
			const v6 = proto === IPPROTO_ICMPV6;
			out.l4 = v6 ? 'icmpv6' : 'icmp';
			out.icmpType = d[o];
			out.icmpCode = d[o + 1];
			out.payloadLen = Math.max(0, len - 8);
			out.payloadOffset = o + 8;
			out.payloadCaptured = Math.max(0, Math.min(n - (o + 8), out.payloadLen));
			const t = out.icmpType;
			const echo = v6 ? t === 128 || t === 129 : t === 0 || t === 8;
			if (echo && n >= o + 8) {
				out.icmpId = (d[o + 4] << 8) | d[o + 5];
				out.icmpSeq = (d[o + 6] << 8) | d[o + 7];
			}
			const error = v6 ? t >= 1 && t <= 4 : t === 3 || t === 4 || t === 5 || t === 11 || t === 12;
			if (error) out.quoted = quote(d, o + 8, v6);
			return;
		}
		default:
			out.l4 = 'other';
	}
}

/** RFC 9293 §3.2 options on a segment: MSS (2), window scale (3, RFC 7323), SACK permitted (4, RFC 2018). */
function tcpOptions(d: Uint8Array, p: number, end: number, out: Decoded) {
	while (p < end) {
		const kind = d[p];
		if (kind === 0) return;
		if (kind === 1) {
			p++;
			continue;
		}
		if (p + 1 >= end) return;
		const len = d[p + 1];
		if (len < 2 || p + len > end) return;
		if (kind === 2 && len === 4) out.mss = (d[p + 2] << 8) | d[p + 3];
		else if (kind === 3 && len === 3) out.wscale = Math.min(d[p + 2], 14);
		else if (kind === 4 && len === 2) out.sackPermitted = true;
		p += len;
	}
}

/** The offending packet's headers quoted in an ICMP error body, or null when too little was quoted. */
function quote(d: Uint8Array, o: number, v6: boolean): Quoted | null {
	const n = d.length;
	let proto: number;
	let src: string;
	let dst: string;
	let p: number;
	if (!v6) {
		if (n < o + 20 || d[o] >> 4 !== 4) return null;
		const ihl = (d[o] & 0x0f) * 4;
		if (ihl < 20) return null;
		proto = d[o + 9];
		src = `${d[o + 12]}.${d[o + 13]}.${d[o + 14]}.${d[o + 15]}`;
		dst = `${d[o + 16]}.${d[o + 17]}.${d[o + 18]}.${d[o + 19]}`;
		p = o + ihl;
	} else {
		if (n < o + 40 || d[o] >> 4 !== 6) return null;
		proto = d[o + 6];
		src = ipv6Text(d, o + 8);
		dst = ipv6Text(d, o + 24);
		p = o + 40;
		for (let i = 0; i < MAX_EXT_HEADERS && (isGenericExt(proto) || proto === 44) && n >= p + 8; i++) {
			const h = proto;
			proto = d[p];
			p += h === 44 ? 8 : (d[p + 1] + 1) * 8;
		}
	}
	const q: Quoted = { proto, src, dst, sport: 0, dport: 0, seq: 0, id: -1, echoSeq: -1 };
	if ((proto === IPPROTO_TCP || proto === IPPROTO_UDP) && n >= p + 4) {
		q.sport = (d[p] << 8) | d[p + 1];
		q.dport = (d[p + 2] << 8) | d[p + 3];
		if (proto === IPPROTO_TCP && n >= p + 8) q.seq = ((d[p + 4] << 24) | (d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7]) >>> 0;
	} else if ((proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) && n >= p + 8) {
		q.id = (d[p + 4] << 8) | d[p + 5];
		q.echoSeq = (d[p + 6] << 8) | d[p + 7];
	}
	return q;
}

/**
 * An IPv6 address as text in the recommended form of RFC 5952 §4 (ipaddr.js's
 * `toRFC5952String`: lowercase hex, leading zeros dropped, the longest run of zero groups as
 * `::`), IPv4-mapped addresses in the mixed notation of §5, e.g. `::ffff:192.0.2.1`.
 */
export function ipv6Text(d: Uint8Array, o: number): string {
	let mapped = d[o + 10] === 0xff && d[o + 11] === 0xff;
	for (let i = 0; i < 10 && mapped; i++) if (d[o + i] !== 0) mapped = false;
	if (mapped) return `::ffff:${d[o + 12]}.${d[o + 13]}.${d[o + 14]}.${d[o + 15]}`;
	return (ipaddr.fromByteArray(Array.from(d.subarray(o, o + 16))) as ipaddr.IPv6).toRFC5952String();
}

/** The TCP control bits of a flags byte as names, in the trace's order (SYN, FIN, RST, PSH, ACK) then URG, ECE, CWR. */
export function flagNames(flags: number): string[] {
	const out: string[] = [];
	if (flags & TH_SYN) out.push('SYN');
	if (flags & TH_FIN) out.push('FIN');
	if (flags & TH_RST) out.push('RST');
	if (flags & TH_PSH) out.push('PSH');
	if (flags & TH_ACK) out.push('ACK');
	if (flags & TH_URG) out.push('URG');
	if (flags & TH_ECE) out.push('ECE');
	if (flags & TH_CWR) out.push('CWR');
	return out;
}

/**
 * A short text preview of a payload when it looks like text (HTTP, SMTP, ...): the printable
 * start of its first line, at most `max` characters; '' for binary data.
 */
export function textPreview(d: Uint8Array, offset: number, captured: number, max = 40): string {
	const end = offset + Math.min(captured, 256);
	let s = '';
	for (let i = offset; i < end; i++) {
		const c = d[i];
		if (c === 13 || c === 10) break;
		if (c < 32 || c > 126) {
			if (c === 9) {
				s += ' ';
				continue;
			}
			return '';
		}
		s += String.fromCharCode(c);
		if (s.length >= max) break;
	}
	return s.length >= 3 ? s : '';
}
