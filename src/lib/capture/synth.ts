/**
 * Writing captures: packets built byte by byte (link layer, IPv4/IPv6, TCP/UDP/ICMP/ICMPv6
 * with correct checksums) and the two file formats (pcap, draft-ietf-opsawg-pcap §4–5; pcapng,
 * draft-ietf-opsawg-pcapng §3–4) in either byte order.
 *
 * Used by the simulation exporter ({@link tracePcapng} in export.ts), the benchmark's capture
 * generator and the hand-built test fixtures. Checksums: RFC 1071 one's-complement sums; the
 * TCP and UDP pseudo-headers of RFC 9293 §3.1 / RFC 768 (IPv4) and RFC 8200 §8.1 (IPv6);
 * ICMPv6 covers its pseudo-header too (RFC 4443 §2.3), ICMP does not (RFC 792).
 *
 * @module
 */
import ipaddr from 'ipaddr.js';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP } from './decode';
import { LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_LOOP, LINKTYPE_NULL, LINKTYPE_RAW } from './link';

const parsed = new Map<string, Uint8Array>();

/** An address as bytes (4 for IPv4, 16 for IPv6), via ipaddr.js. @throws Error for text that is not an address. */
export function addressBytes(text: string): Uint8Array {
	let b = parsed.get(text);
	if (!b) {
		b = new Uint8Array(ipaddr.parse(text).toByteArray());
		if (parsed.size > 50_000) parsed.clear();
		parsed.set(text, b);
	}
	return b;
}

/** RFC 1071 sum of `len` bytes at `off`, added to `sum` (not yet folded or complemented). */
export function sum16(b: Uint8Array, off: number, len: number, sum = 0): number {
	let s = sum;
	let i = off;
	const end = off + len - 1;
	for (; i < end; i += 2) s += (b[i] << 8) | b[i + 1];
	if (i === end) s += b[i] << 8;
	return s;
}

/** Fold a running sum to 16 bits and complement it: the Internet checksum (RFC 1071 §4.1). */
export function fold(sum: number): number {
	let s = sum;
	while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
	return ~s & 0xffff;
}

/** The transport part of a packet to build. */
export type L4Spec =
	| { proto: 'tcp'; sport: number; dport: number; seq: number; ack: number; flags: number; window: number; options?: Uint8Array; urgent?: number; payload?: Uint8Array }
	| { proto: 'udp'; sport: number; dport: number; payload?: Uint8Array; /** Write 0 (IPv4: checksum not used). */ noChecksum?: boolean }
	| { proto: 'icmp' | 'icmpv6'; type: number; code: number; /** Bytes 4–7 of the header (identifier and sequence, unused, MTU...). */ rest?: Uint8Array; payload?: Uint8Array }
	| { proto: 'raw'; number: number; payload: Uint8Array };

/** An IP packet to build. */
export interface IpSpec {
	src: string;
	dst: string;
	ttl?: number;
	/** IPv4 Identification. */
	id?: number;
	df?: boolean;
	/** IPv4: more-fragments flag and fragment offset (bytes, a multiple of 8). */
	mf?: boolean;
	fragOffset?: number;
	/** IPv4 options (padded to a multiple of 4 here). */
	options?: Uint8Array;
	/** IPv6 extension headers before the transport header, in order: type and body (after next-header and length). */
	ext?: Array<{ type: number; body: Uint8Array }>;
	l4: L4Spec;
	/** Write this IPv4 total length / IPv6 payload length instead of the true one (damaged fixtures). */
	lengthOverride?: number;
}

function transportBytes(l4: L4Spec): { proto: number; bytes: Uint8Array; sumAt: number; pseudo: boolean } {
	switch (l4.proto) {
		case 'tcp': {
			const opts = l4.options ?? new Uint8Array(0);
			const optLen = (opts.length + 3) & ~3;
			const hl = 20 + optLen;
			const pl = l4.payload ?? new Uint8Array(0);
			const b = new Uint8Array(hl + pl.length);
			b[0] = l4.sport >> 8;
			b[1] = l4.sport;
			b[2] = l4.dport >> 8;
			b[3] = l4.dport;
			w32(b, 4, l4.seq);
			w32(b, 8, l4.ack);
			b[12] = (hl / 4) << 4;
			b[13] = l4.flags;
			b[14] = l4.window >> 8;
			b[15] = l4.window;
			b[18] = (l4.urgent ?? 0) >> 8;
			b[19] = l4.urgent ?? 0;
			b.set(opts, 20);
			b.set(pl, hl);
			return { proto: IPPROTO_TCP, bytes: b, sumAt: 16, pseudo: true };
		}
		case 'udp': {
			const pl = l4.payload ?? new Uint8Array(0);
			const b = new Uint8Array(8 + pl.length);
			b[0] = l4.sport >> 8;
			b[1] = l4.sport;
			b[2] = l4.dport >> 8;
			b[3] = l4.dport;
			b[4] = b.length >> 8;
			b[5] = b.length;
			b.set(pl, 8);
			return { proto: IPPROTO_UDP, bytes: b, sumAt: l4.noChecksum ? -1 : 6, pseudo: true };
		}
		case 'icmp':
		case 'icmpv6': {
			const pl = l4.payload ?? new Uint8Array(0);
			const b = new Uint8Array(8 + pl.length);
			b[0] = l4.type;
			b[1] = l4.code;
			if (l4.rest) b.set(l4.rest.subarray(0, 4), 4);
			b.set(pl, 8);
			const v6 = l4.proto === 'icmpv6';
			return { proto: v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, bytes: b, sumAt: 2, pseudo: v6 };
		}
		case 'raw':
			return { proto: l4.number, bytes: l4.payload, sumAt: -1, pseudo: false };
	}
}

/** Build an IPv4 or IPv6 packet (by the source address's family) with correct checksums. */
export function ipPacket(spec: IpSpec): Uint8Array {
	const src = addressBytes(spec.src);
	const dst = addressBytes(spec.dst);
	const t = transportBytes(spec.l4);
	const l4 = t.bytes;
	if (src.length === 4) {
		const opts = spec.options ?? new Uint8Array(0);
		const optLen = (opts.length + 3) & ~3;
		const ihl = 20 + optLen;
		const total = ihl + l4.length;
		const b = new Uint8Array(total);
		b[0] = 0x40 | (ihl / 4);
		const len = spec.lengthOverride ?? total;
		b[2] = len >> 8;
		b[3] = len;
		const id = spec.id ?? 0;
		b[4] = id >> 8;
		b[5] = id;
		const frag = (spec.df ? 0x4000 : 0) | (spec.mf ? 0x2000 : 0) | ((spec.fragOffset ?? 0) >> 3);
		b[6] = frag >> 8;
		b[7] = frag;
		b[8] = spec.ttl ?? 64;
		b[9] = t.proto;
		b.set(src, 12);
		b.set(dst, 16);
		b.set(opts, 20);
		const hsum = fold(sum16(b, 0, ihl));
		b[10] = hsum >> 8;
		b[11] = hsum;
		b.set(l4, ihl);
		if (t.sumAt >= 0 && !(spec.fragOffset ?? 0)) {
			let s = 0;
			if (t.pseudo) {
				s = sum16(src, 0, 4, s);
				s = sum16(dst, 0, 4, s);
				s += t.proto + l4.length;
			}
			s = sum16(l4, 0, l4.length, s);
			let c = fold(s);
			if (c === 0 && t.proto === IPPROTO_UDP) c = 0xffff; // RFC 768: a computed 0 is sent as all ones.
			b[ihl + t.sumAt] = c >> 8;
			b[ihl + t.sumAt + 1] = c;
		}
		return b;
	}
	// IPv6 (RFC 8200 §3), extension headers in the generic layout (§4).
	const ext = spec.ext ?? [];
	const extLen = ext.reduce((n, e) => n + (e.type === 44 ? 8 : (2 + e.body.length + 7) & ~7), 0);
	const payloadLen = extLen + l4.length;
	const b = new Uint8Array(40 + payloadLen);
	b[0] = 0x60;
	const len = spec.lengthOverride ?? payloadLen;
	b[4] = len >> 8;
	b[5] = len;
	b[6] = ext.length ? ext[0].type : t.proto;
	b[7] = spec.ttl ?? 64;
	b.set(src, 8);
	b.set(dst, 24);
	let p = 40;
	ext.forEach((e, i) => {
		const next = i + 1 < ext.length ? ext[i + 1].type : t.proto;
		const size = e.type === 44 ? 8 : (2 + e.body.length + 7) & ~7;
		b[p] = next;
		b[p + 1] = e.type === 44 ? 0 : size / 8 - 1;
		b.set(e.body.subarray(0, size - 2), p + 2);
		p += size;
	});
	b.set(l4, p);
	if (t.sumAt >= 0) {
		let s = sum16(src, 0, 16);
		s = sum16(dst, 0, 16, s);
		s += Math.floor(l4.length / 65536) + (l4.length & 0xffff) + t.proto;
		s = sum16(l4, 0, l4.length, s);
		let c = fold(s);
		if (c === 0 && t.proto === IPPROTO_UDP) c = 0xffff;
		b[p + t.sumAt] = c >> 8;
		b[p + t.sumAt + 1] = c;
	}
	return b;
}

/** A link-layer header to put in front of an IP packet. */
export type LinkSpec =
	| { type: 'ethernet'; src?: Uint8Array; dst?: Uint8Array; /** VLAN ids, outermost first; the outer ones tagged 802.1ad (0x88a8) when `qinq`. */ vlans?: number[]; qinq?: boolean }
	| { type: 'sll'; packetType?: number }
	| { type: 'sll2'; packetType?: number; ifindex?: number }
	| { type: 'null'; bigEndian?: boolean; family6?: number }
	| { type: 'loop'; family6?: number }
	| { type: 'raw' };

/** Put a link-layer header in front of an IP packet. */
export function frame(link: LinkSpec, ip: Uint8Array): Uint8Array {
	const v6 = ip[0] >> 4 === 6;
	const ethertype = v6 ? 0x86dd : 0x0800;
	let head: Uint8Array;
	switch (link.type) {
		case 'ethernet': {
			const vlans = link.vlans ?? [];
			head = new Uint8Array(14 + 4 * vlans.length);
			head.set(link.dst ?? new Uint8Array([2, 0, 0, 0, 0, 2]), 0);
			head.set(link.src ?? new Uint8Array([2, 0, 0, 0, 0, 1]), 6);
			let o = 12;
			vlans.forEach((id, i) => {
				const tpid = link.qinq && i < vlans.length - 1 ? 0x88a8 : 0x8100;
				head[o] = tpid >> 8;
				head[o + 1] = tpid & 0xff;
				head[o + 2] = (id >> 8) & 0x0f;
				head[o + 3] = id & 0xff;
				o += 4;
			});
			head[o] = ethertype >> 8;
			head[o + 1] = ethertype & 0xff;
			break;
		}
		case 'sll':
			// Packet type, ARPHRD_LOOPBACK (772), address length 6, address (8), protocol.
			head = new Uint8Array(16);
			head[1] = link.packetType ?? 0;
			head[2] = 0x03;
			head[3] = 0x04;
			head[5] = 6;
			head[14] = ethertype >> 8;
			head[15] = ethertype & 0xff;
			break;
		case 'sll2':
			// Protocol, reserved, interface index, ARPHRD type, packet type, address length, address.
			head = new Uint8Array(20);
			head[0] = ethertype >> 8;
			head[1] = ethertype & 0xff;
			w32(head, 4, link.ifindex ?? 1);
			head[8] = 0x03;
			head[9] = 0x04;
			head[10] = link.packetType ?? 0;
			head[11] = 6;
			break;
		case 'null':
		case 'loop': {
			head = new Uint8Array(4);
			const family = v6 ? (link.family6 ?? 24) : 2;
			const be = link.type === 'loop' || link.bigEndian;
			if (be) w32(head, 0, family);
			else {
				head[0] = family & 0xff;
				head[1] = (family >> 8) & 0xff;
			}
			break;
		}
		case 'raw':
			return ip;
	}
	const out = new Uint8Array(head.length + ip.length);
	out.set(head);
	out.set(ip, head.length);
	return out;
}

function w32(b: Uint8Array, o: number, v: number) {
	b[o] = v >>> 24;
	b[o + 1] = (v >>> 16) & 0xff;
	b[o + 2] = (v >>> 8) & 0xff;
	b[o + 3] = v & 0xff;
}

/** A growable byte buffer writing numbers in one byte order. */
export class ByteWriter {
	#buf = new Uint8Array(4096);
	#dv = new DataView(this.#buf.buffer);
	length = 0;
	readonly le: boolean;

	constructor(littleEndian = true) {
		this.le = littleEndian;
	}

	#room(n: number) {
		if (this.length + n <= this.#buf.length) return;
		let cap = this.#buf.length * 2;
		while (cap < this.length + n) cap *= 2;
		const b = new Uint8Array(cap);
		b.set(this.#buf.subarray(0, this.length));
		this.#buf = b;
		this.#dv = new DataView(b.buffer);
	}
	u8(v: number) {
		this.#room(1);
		this.#buf[this.length++] = v;
	}
	u16(v: number) {
		this.#room(2);
		this.#dv.setUint16(this.length, v, this.le);
		this.length += 2;
	}
	u32(v: number) {
		this.#room(4);
		this.#dv.setUint32(this.length, v >>> 0, this.le);
		this.length += 4;
	}
	bytes(b: Uint8Array) {
		this.#room(b.length);
		this.#buf.set(b, this.length);
		this.length += b.length;
	}
	pad4() {
		while (this.length % 4) this.u8(0);
	}
	/** Overwrite a u32 already written at `at`. */
	patch32(at: number, v: number) {
		this.#dv.setUint32(at, v >>> 0, this.le);
	}
	/** The bytes written so far (a copy). */
	result(): Uint8Array {
		return this.#buf.slice(0, this.length);
	}
}

/** A packet for {@link pcapFile}: timestamp in seconds + nanoseconds, bytes, and its length on the wire. */
export interface PcapPacket {
	sec: number;
	nsec: number;
	data: Uint8Array;
	origLen?: number;
}

/** A whole pcap file (draft-ietf-opsawg-pcap §4 header, §5 records). */
export function pcapFile(packets: readonly PcapPacket[], opts: { linkType: number; nano?: boolean; bigEndian?: boolean; snapLen?: number; modified?: boolean }): Uint8Array {
	const w = new ByteWriter(!opts.bigEndian);
	w.u32(opts.modified ? 0xa1b2cd34 : opts.nano ? 0xa1b23c4d : 0xa1b2c3d4);
	w.u16(2);
	w.u16(4);
	w.u32(0);
	w.u32(0);
	w.u32(opts.snapLen ?? 262144);
	w.u32(opts.linkType);
	for (const p of packets) {
		const snap = opts.snapLen ?? 262144;
		const data = p.data.length > snap ? p.data.subarray(0, snap) : p.data;
		w.u32(p.sec);
		w.u32(opts.nano ? p.nsec : Math.floor(p.nsec / 1000));
		w.u32(data.length);
		w.u32(p.origLen ?? p.data.length);
		if (opts.modified) {
			w.u32(1);
			w.u16(0x0800);
			w.u8(0);
			w.u8(0);
		}
		w.bytes(data);
	}
	return w.result();
}

/** Options of an Interface Description Block (pcapng §4.2). */
export interface IdbOptions {
	snapLen?: number;
	name?: string;
	description?: string;
	/** if_tsresol byte: 6 = µs (default), 9 = ns, 0x80|k = 2^-k s. */
	tsresol?: number;
	/** if_tsoffset, seconds. */
	tsoffset?: number;
	/** if_IPv4addr values: address and netmask. */
	ipv4?: Array<[string, string]>;
	/** if_MACaddr. */
	mac?: Uint8Array;
}

const enc = new TextEncoder();

/** A 64-bit count as its upper and lower 32 bits. */
function split64(units: number | bigint): [number, number] {
	if (typeof units === 'bigint') return [Number((units >> 32n) & 0xffffffffn), Number(units & 0xffffffffn)];
	const hi = Math.floor(units / 4294967296);
	return [hi, units - hi * 4294967296];
}

/**
 * A pcapng file, block by block (draft-ietf-opsawg-pcapng §3.1 block structure; §3.5 options).
 * Each section starts with {@link shb}, which may switch the byte order for the blocks after it.
 */
export class PcapngWriter {
	#w: ByteWriter;
	readonly #parts: Uint8Array[] = [];

	constructor(littleEndian = true) {
		this.#w = new ByteWriter(littleEndian);
	}

	#block(type: number, body: (w: ByteWriter) => void) {
		const w = this.#w;
		const start = w.length;
		w.u32(type);
		w.u32(0);
		body(w);
		w.pad4();
		const len = w.length - start + 4;
		w.u32(len);
		w.patch32(start + 4, len);
	}

	#option(w: ByteWriter, code: number, value: Uint8Array) {
		w.u16(code);
		w.u16(value.length);
		w.bytes(value);
		w.pad4();
	}

	/** Section Header Block (§4.1); starts a new section in `littleEndian` order. */
	shb(opts: { littleEndian?: boolean; userappl?: string; hardware?: string; os?: string; minor?: number } = {}): this {
		if (opts.littleEndian !== undefined && opts.littleEndian !== this.#w.le) {
			this.#parts.push(this.#w.result());
			this.#w = new ByteWriter(opts.littleEndian);
		}
		this.#block(0x0a0d0d0a, (w) => {
			w.u32(0x1a2b3c4d);
			w.u16(1);
			w.u16(opts.minor ?? 0);
			w.u32(0xffffffff); // Section Length: -1, not specified.
			w.u32(0xffffffff);
			const has = opts.userappl || opts.hardware || opts.os;
			if (opts.hardware) this.#option(w, 2, enc.encode(opts.hardware));
			if (opts.os) this.#option(w, 3, enc.encode(opts.os));
			if (opts.userappl) this.#option(w, 4, enc.encode(opts.userappl));
			if (has) w.u32(0); // opt_endofopt
		});
		return this;
	}

	/** Interface Description Block (§4.2). */
	idb(linkType: number, opts: IdbOptions = {}): this {
		this.#block(1, (w) => {
			w.u16(linkType);
			w.u16(0);
			w.u32(opts.snapLen ?? 0);
			let any = false;
			if (opts.name) {
				this.#option(w, 2, enc.encode(opts.name));
				any = true;
			}
			if (opts.description) {
				this.#option(w, 3, enc.encode(opts.description));
				any = true;
			}
			for (const [ip, mask] of opts.ipv4 ?? []) {
				const v = new Uint8Array(8);
				v.set(addressBytes(ip), 0);
				v.set(addressBytes(mask), 4);
				this.#option(w, 4, v);
				any = true;
			}
			if (opts.mac) {
				this.#option(w, 6, opts.mac);
				any = true;
			}
			if (opts.tsresol !== undefined) {
				this.#option(w, 9, new Uint8Array([opts.tsresol]));
				any = true;
			}
			if (opts.tsoffset !== undefined) {
				const v = new ByteWriter(w.le);
				const hi = Math.floor(opts.tsoffset / 4294967296);
				const lo = opts.tsoffset - hi * 4294967296;
				if (w.le) {
					v.u32(lo);
					v.u32(hi);
				} else {
					v.u32(hi);
					v.u32(lo);
				}
				this.#option(w, 14, v.result());
				any = true;
			}
			if (any) w.u32(0);
		});
		return this;
	}

	/**
	 * Enhanced Packet Block (§4.3); `units` is the timestamp in the interface's units (if_tsresol),
	 * a bigint when it passes 2^53 (nanoseconds since 1970 do).
	 */
	epb(iface: number, units: number | bigint, data: Uint8Array, origLen = data.length, opts: { comment?: string } = {}): this {
		const [hi, lo] = split64(units);
		this.#block(6, (w) => {
			w.u32(iface);
			w.u32(hi);
			w.u32(lo);
			w.u32(data.length);
			w.u32(origLen);
			w.bytes(data);
			w.pad4();
			if (opts.comment) {
				this.#option(w, 1, enc.encode(opts.comment));
				w.u32(0);
			}
		});
		return this;
	}

	/** Simple Packet Block (§4.4): interface 0, no timestamp. */
	spb(data: Uint8Array, origLen = data.length): this {
		this.#block(3, (w) => {
			w.u32(origLen);
			w.bytes(data);
		});
		return this;
	}

	/** The obsolete Packet Block (Appendix A). */
	pb(iface: number, units: number | bigint, data: Uint8Array): this {
		const [hi, lo] = split64(units);
		this.#block(2, (w) => {
			w.u16(iface);
			w.u16(0xffff);
			w.u32(hi);
			w.u32(lo);
			w.u32(data.length);
			w.u32(data.length);
			w.bytes(data);
		});
		return this;
	}

	/** Any other block (skipped by readers that do not know it, §3.1): raw body bytes. */
	other(type: number, body: Uint8Array): this {
		this.#block(type, (w) => w.bytes(body));
		return this;
	}

	/** The file. */
	result(): Uint8Array {
		const parts = [...this.#parts, this.#w.result()];
		const n = parts.reduce((s, p) => s + p.length, 0);
		const out = new Uint8Array(n);
		let o = 0;
		for (const p of parts) {
			out.set(p, o);
			o += p.length;
		}
		return out;
	}
}
