/**
 * Any simulation as a capture: a {@link Trace} written as pcapng (draft-ietf-opsawg-pcapng)
 * that Wireshark and tshark open, so a lesson's run can be explored with the tools of the trade.
 *
 * - One Interface Description Block per host or router (LinkType Ethernet, `if_name` the host's
 *   name, `if_tsresol` nanoseconds); each packet is recorded once, on its sender's interface, at
 *   the virtual time it was sent (the trace records packets as they leave the sender), so the
 *   file holds exactly the trace's packets, lost ones included.
 * - Timestamps are the virtual time: 0 ms is 1970-01-01 00:00:00 UTC.
 * - Synthesised Ethernet (locally administered MACs 02:00:00:00:HH:HH, one per host) and IPv4
 *   headers (IPv6 when the trace's addresses are IPv6, as in traces replayed from captures),
 *   TCP/UDP/ICMP headers from the trace's fields, with correct checksums. TCP segments carry no
 *   options (the trace has none) and the don't-fragment bit, as Linux sets it; their window is
 *   the trace's `wnd` (at most 65535). Payload bytes start with the trace's text preview, if
 *   any, and are padded with spaces to the segment's length.
 * - ICMP errors quote the offending packet's IP header and first 8 bytes (RFC 792), rebuilt from
 *   the event's `quoted` addresses. ICMPv6 Packet Too Big carries its MTU (RFC 4443 §3.2);
 *   Neighbour Solicitation and Advertisement carry their target address and the sender's
 *   link-layer address option, an advertisement the Solicited and Override flags (and Router
 *   from a router), and a solicitation goes to the Ethernet multicast address of its
 *   solicited-node group, 33:33 and the group's last 32 bits (RFC 4861 §4.3–4.4, RFC 2464 §7).
 *
 * @module
 */
import type { DatagramEvent, IcmpEvent, SegmentEvent, Trace } from '../sim/trace';
import { TH_ACK, TH_CWR, TH_ECE, TH_FIN, TH_PSH, TH_RST, TH_SYN, TH_URG } from './decode';
import { LINKTYPE_ETHERNET } from './link';
import { addressBytes, frame, ipPacket, PcapngWriter, type IpSpec } from './synth';

const enc = new TextEncoder();
const FLAG_BITS: Record<string, number> = { SYN: TH_SYN, FIN: TH_FIN, RST: TH_RST, PSH: TH_PSH, ACK: TH_ACK, URG: TH_URG, ECE: TH_ECE, CWR: TH_CWR };

/** The MAC address of the i-th host: locally administered, unicast (02:00:00:00:HH:LL). */
export function hostMac(i: number): Uint8Array {
	return new Uint8Array([0x02, 0, 0, 0, ((i + 1) >> 8) & 0xff, (i + 1) & 0xff]);
}

/**
 * `len` payload bytes. TCP: the text preview (UTF-8) first, then spaces, so Wireshark shows a
 * request line such as `GET / HTTP/1.1`. UDP: zeros, because UDP services' dissectors parse a
 * single datagram strictly (a text preview on port 53 would be a malformed DNS message); the
 * preview is then in the packet's comment. A datagram from port 53 gets the QR bit of a DNS
 * header (RFC 1035 §4.1.1, third octet), so a DNS reader takes it as the response to the query
 * it answers rather than as a second query with the same id (which it reports as a retransmission).
 */
function payloadBytes(len: number, preview: string | undefined, text: boolean, dnsResponse = false): Uint8Array {
	const b = new Uint8Array(len);
	if (!text) {
		if (dnsResponse && len >= 12) b[2] = 0x80;
		return b;
	}
	b.fill(0x20);
	if (preview) b.set(enc.encode(preview).subarray(0, len));
	return b;
}

/**
 * Write a trace as a pcapng file.
 * @returns the file's bytes.
 * @throws Error when an address in the trace is not an IP address.
 */
export function tracePcapng(trace: Trace): Uint8Array {
	const w = new PcapngWriter(true);
	w.shb({ userappl: `PortLab simulation (seed ${trace.seed})` });
	const index = new Map<string, number>();
	const roles = new Map<string, string>();
	trace.hosts.forEach((h, i) => {
		index.set(h.name, i);
		roles.set(h.name, h.role);
		const v4 = !h.ip.includes(':');
		w.idb(LINKTYPE_ETHERNET, {
			name: h.name,
			description: `${h.role} ${h.ip}${h.os && h.os !== 'router' ? ` (${h.os})` : ''}`,
			tsresol: 9,
			mac: hostMac(i),
			...(v4 ? { ipv4: [[h.ip, '255.255.255.255'] as [string, string]] } : {})
		});
	});
	// An interface for packets from a sender the host list does not name (not expected).
	let spare = -1;
	const ipId = new Map<string, number>();
	const nextId = (host: string) => {
		const v = ((ipId.get(host) ?? 0) + 1) & 0xffff;
		ipId.set(host, v);
		return v;
	};
	for (const e of trace.events) {
		if (e.kind !== 'segment' && e.kind !== 'datagram' && e.kind !== 'icmp') continue;
		let iface = index.get(e.from);
		if (iface === undefined) {
			if (spare < 0) {
				spare = trace.hosts.length;
				w.idb(LINKTYPE_ETHERNET, { name: 'other', tsresol: 9 });
			}
			iface = spare;
		}
		const toIndex = e.to !== null ? index.get(e.to) : undefined;
		const ip = ipPacket(ipSpec(e, nextId(e.from), hostMac(iface), roles.get(e.from) === 'router'));
		const dst = multicastMac(e) ?? (toIndex !== undefined ? hostMac(toIndex) : new Uint8Array([0x02, 0, 0, 0, 0xff, 0xff]));
		const bytes = frame({ type: 'ethernet', src: hostMac(iface), dst }, ip);
		const comment = e.kind === 'datagram' && e.payload ? `payload: ${e.payload}` : e.arrivedAt === null ? `${e.dropped ?? 'lost'}: never arrived` : undefined;
		w.epb(iface, Math.round(e.t * 1e6), bytes, bytes.length, comment ? { comment } : {});
	}
	return w.result();
}

/** An IPv6 multicast destination's Ethernet address: 33:33 and its last 32 bits (RFC 2464 §7). */
function multicastMac(e: SegmentEvent | DatagramEvent | IcmpEvent): Uint8Array | undefined {
	if (e.kind !== 'icmp' || !e.dstIp.toLowerCase().startsWith('ff')) return undefined;
	const a = addressBytes(e.dstIp);
	return new Uint8Array([0x33, 0x33, a[12], a[13], a[14], a[15]]);
}

/**
 * Neighbour discovery's body after the first 8 bytes: the target address, then a Source (NS) or
 * Target (NA) Link-Layer Address option with the sender's MAC (RFC 4861 §4.3, §4.4, §4.6.1).
 */
function ndBody(target: string, type: number, mac: Uint8Array): Uint8Array {
	const b = new Uint8Array(16 + 8);
	b.set(addressBytes(target), 0);
	b[16] = type === ICMP6_NS ? 1 : 2;
	b[17] = 1; // option length in units of 8 bytes
	b.set(mac, 18);
	return b;
}

const ICMP6_PACKET_TOO_BIG = 2;
const ICMP6_NS = 135;
const ICMP6_NA = 136;

function ipSpec(e: SegmentEvent | DatagramEvent | IcmpEvent, id: number, mac: Uint8Array, router: boolean): IpSpec {
	if (e.kind === 'segment') {
		const wire = (e as SegmentEvent & { flagsOnWire?: string[] }).flagsOnWire ?? e.flags;
		const flags = wire.reduce((f, n) => f | (FLAG_BITS[n] ?? 0), 0);
		return {
			src: e.src.ip,
			dst: e.dst.ip,
			ttl: 64,
			id,
			df: true,
			l4: { proto: 'tcp', sport: e.src.port, dport: e.dst.port, seq: e.seq >>> 0, ack: e.ack >>> 0, flags, window: Math.min(65535, Math.max(0, e.wnd)), payload: payloadBytes(e.len, e.payload, true) }
		};
	}
	if (e.kind === 'datagram') {
		return { src: e.src.ip, dst: e.dst.ip, ttl: e.ttl, id, l4: { proto: 'udp', sport: e.src.port, dport: e.dst.port, payload: payloadBytes(e.len, e.payload, false, e.src.port === 53) } };
	}
	const v6 = e.srcIp.includes(':') || (e as IcmpEvent & { icmpv6?: boolean }).icmpv6 === true;
	const rest = new Uint8Array(4);
	let payload: Uint8Array | undefined;
	if (e.identifier !== undefined) {
		rest[0] = e.identifier >> 8;
		rest[1] = e.identifier;
		rest[2] = (e.sequence ?? 0) >> 8;
		rest[3] = e.sequence ?? 0;
	} else if (v6 && (e.type === ICMP6_NS || e.type === ICMP6_NA) && e.target !== undefined) {
		// NA flags: Router (a router's own address), Solicited (it answers an NS), Override.
		if (e.type === ICMP6_NA) rest[0] = (router ? 0x80 : 0) | 0x40 | 0x20;
		payload = ndBody(e.target, e.type, mac);
	} else if (e.quoted) {
		if (v6 && e.type === ICMP6_PACKET_TOO_BIG && e.mtu !== undefined) {
			rest[0] = e.mtu >>> 24;
			rest[1] = e.mtu >>> 16;
			rest[2] = e.mtu >>> 8;
			rest[3] = e.mtu;
		} else if (!v6 && e.type === 3 && e.code === 4 && e.mtu !== undefined) {
			// Fragmentation needed: the next-hop MTU in the low 16 bits (RFC 1191 §4).
			rest[2] = e.mtu >> 8;
			rest[3] = e.mtu;
		}
		payload = quotedBytes(e.quoted);
	}
	return { src: e.srcIp, dst: e.dstIp, ttl: e.ttl, id, l4: { proto: v6 ? 'icmpv6' : 'icmp', type: e.type, code: e.code, rest, payload } };
}

/** The offending packet's IP header and first 8 bytes, as an ICMP error carries them (RFC 792, RFC 4443 §3). */
function quotedBytes(q: NonNullable<IcmpEvent['quoted']>): Uint8Array {
	const first8 = new Uint8Array(8);
	let l4: IpSpec['l4'];
	if (q.proto === 'UDP') {
		l4 = { proto: 'raw', number: 17, payload: first8 };
		first8[0] = q.src.port >> 8;
		first8[1] = q.src.port;
		first8[2] = q.dst.port >> 8;
		first8[3] = q.dst.port;
		first8[5] = 8; // the quoted datagram's length is not in the trace: its header alone.
	} else if (q.proto === 'TCP') {
		l4 = { proto: 'raw', number: 6, payload: first8 };
		first8[0] = q.src.port >> 8;
		first8[1] = q.src.port;
		first8[2] = q.dst.port >> 8;
		first8[3] = q.dst.port;
	} else {
		const v6 = q.src.ip.includes(':');
		first8[0] = v6 ? 128 : 8;
		first8[4] = (q.identifier ?? 0) >> 8;
		first8[5] = q.identifier ?? 0;
		first8[6] = (q.sequence ?? 0) >> 8;
		first8[7] = q.sequence ?? 0;
		let s = 0;
		for (let i = 0; i < 8; i += 2) s += (first8[i] << 8) | first8[i + 1];
		while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
		const c = ~s & 0xffff;
		if (!v6) {
			first8[2] = c >> 8;
			first8[3] = c;
		}
		l4 = { proto: 'raw', number: v6 ? 58 : 1, payload: first8 };
	}
	return ipPacket({ src: q.src.ip, dst: q.dst.ip, ttl: 1, l4 });
}
