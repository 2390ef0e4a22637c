/**
 * One pass over a capture: packets decoded, grouped into conversations (TCP 4-tuples, UDP
 * flows, ICMP flows) with the counts of Wireshark's Conversations window, and every TCP
 * connection replayed through {@link TcpInference} as it streams by.
 *
 * Memory is bounded whatever the file's size: each conversation keeps counters, its inference
 * state and its first anomalies; packets themselves are kept (in a compact columnar
 * {@link PacketStore}) only up to a budget, after which conversations are still counted and
 * inferred but their packets must be read again from the file to be replayed
 * ({@link CaptureAnalysis.rescanFor}). Conversations beyond {@link AnalysisOptions.maxConversations}
 * are counted as "not tracked".
 *
 * Conversation identity follows Wireshark: endpoint A is the source of the first packet; a
 * SYN that reopens a 4-tuple whose connection is over on both ends starts a new TCP stream
 * (`tcp.stream`); streams are numbered per protocol in order of first packet.
 *
 * @module
 */
import type { TcpState } from '../sim/trace';
import {
	decodePacket,
	newDecoded,
	textPreview,
	IPPROTO_ICMP,
	IPPROTO_ICMPV6,
	IPPROTO_TCP,
	IPPROTO_UDP,
	TH_ACK,
	TH_SYN,
	type Decoded
} from './decode';
import { TcpInference, type Anomaly, type AnomalyKind, type InferredState, type SegmentInput, type SegmentVerdict, type Side } from './infer';
import { SUPPORTED_LINK_TYPES, linkTypeName } from './link';
import type { CaptureInterface, PacketRecord } from './reader';

/** Protocols of conversations. */
export type ConvProto = 'TCP' | 'UDP' | 'ICMP' | 'ICMPv6';

/** One end of a conversation. */
export interface ConvEndpoint {
	ip: string;
	/** Port (TCP/UDP); 0 for ICMP. */
	port: number;
}

/**
 * A conversation as the page lists it (plain data, sent from the worker): the columns of
 * Wireshark's Conversations window plus the inferred TCP states and anomaly counts.
 */
export interface ConversationSummary {
	id: number;
	proto: ConvProto;
	/** Wireshark's Stream ID (`tcp.stream`, `udp.stream`), per protocol, from 0. */
	stream: number;
	a: ConvEndpoint;
	b: ConvEndpoint;
	/** ICMP echo identifier of an ICMP flow (-1 for a flow of ICMP errors). */
	icmpId: number;
	packets: number;
	/** Bytes on the wire (frame lengths), both directions. */
	bytes: number;
	packetsAB: number;
	bytesAB: number;
	packetsBA: number;
	bytesBA: number;
	/** ms from the capture's first packet to this conversation's first. */
	relStart: number;
	/** ms from first to last packet. */
	duration: number;
	firstFrame: number;
	lastFrame: number;
	/** TCP: each end's inferred state at the end of the capture (null when never shown). */
	states: [TcpState | null, TcpState | null] | null;
	/** TCP: the capture starts mid-connection. */
	midConnection: boolean;
	/** TCP: which end sent the first FIN, or null. */
	firstCloser: Side | null;
	/** Anomalies found, and per kind. */
	anomalies: number;
	anomalyKinds: Partial<Record<AnomalyKind, number>>;
	/** Worst severity among the anomalies ('' when none). */
	worst: '' | 'info' | 'warning' | 'error';
	/** Packets kept in memory for replay (all of them when equal to `packets` + related). */
	kept: number;
	/** ICMP errors about this flow (port unreachable, TTL exceeded), kept with it for replay. */
	related: number;
	/** Packets captured twice (the same packet on two interfaces). */
	duplicates: number;
}

/** Options of {@link CaptureAnalysis}. */
export interface AnalysisOptions {
	/** Conversations tracked; later ones are counted only (default 100 000). */
	maxConversations?: number;
	/** Packets kept for replay across all conversations (default 300 000). */
	storeBudget?: number;
	/** Anomalies kept per conversation; more are counted (default 200). */
	maxAnomalies?: number;
	/**
	 * A second pass for one conversation (a rescan): only frames `fromFrame`–`toFrame` are decoded,
	 * and only the packets of the conversation with this key are kept (up to `perConversationLimit`).
	 */
	only?: { key: string; fromFrame: number; toFrame: number } | null;
	/** Largest number of packets kept for one conversation in a rescan (default 200 000). */
	perConversationLimit?: number;
	/** Called for every decoded TCP/UDP/ICMP packet in capture order (the replay CLI). */
	onPacket?: (p: CapturedPacket, conv: Conversation) => void;
	/** Called for every inferred TCP state change (the replay CLI). */
	onState?: (e: InferredState, conv: Conversation) => void;
}

/** A packet of a conversation, as the trace builders read it (materialised from the store). */
export interface CapturedPacket {
	frame: number;
	/** ms since the capture's first packet. */
	t: number;
	conv: number;
	/** 0: A → B, 1: B → A (for a related ICMP error: toward the flow's A or B). */
	dir: Side;
	proto: ConvProto;
	src: ConvEndpoint;
	dst: ConvEndpoint;
	/** TCP */
	flags: number;
	seq: number;
	ack: number;
	/** Raw window field, and in bytes after scaling (when known). */
	win: number;
	winBytes: number;
	/** TCP window scale option (SYNs only; -1 when absent). */
	wscale: number;
	/** Payload bytes (TCP/UDP/ICMP data). */
	len: number;
	ttl: number;
	/** Frame length on the wire. */
	origLen: number;
	icmpType: number;
	icmpCode: number;
	icmpId: number;
	icmpSeq: number;
	/** An ICMP error about this conversation's flow (not counted in its packets). */
	related: boolean;
	/** Captured twice: a copy of the previous packet seen on another interface. */
	duplicate: boolean;
	retransmission: boolean;
	/** For ICMP errors: the quoted packet's addresses. */
	quoted: { proto: 'TCP' | 'UDP' | 'ICMP'; src: ConvEndpoint; dst: ConvEndpoint; id?: number; seq?: number } | null;
	/** Text preview of the payload ('' when binary or empty). */
	preview: string;
}

/** A conversation being counted (internal to the analysis and the trace builders). */
export interface Conversation {
	id: number;
	proto: ConvProto;
	stream: number;
	key: string;
	a: ConvEndpoint;
	b: ConvEndpoint;
	icmpId: number;
	packets: number;
	bytes: number;
	packetsAB: number;
	bytesAB: number;
	packetsBA: number;
	bytesBA: number;
	first: number;
	last: number;
	firstFrame: number;
	lastFrame: number;
	/** Last frame of this flow or of an ICMP error about it. */
	lastRelatedFrame: number;
	inference: TcpInference | null;
	anomalies: Anomaly[];
	anomalyCount: number;
	anomalyKinds: Partial<Record<AnomalyKind, number>>;
	worst: '' | 'info' | 'warning' | 'error';
	kept: number;
	related: number;
	duplicates: number;
	/** Index of the next segment in the inference (segments fed so far). */
	segIndex: number;
	/**
	 * Last packet per direction, to spot the same packet captured on two interfaces: six numbers
	 * per direction (interface + 1, time, then four fields of the packet); 0 = none yet.
	 */
	lastSig: Float64Array;
}

const SEVERITY_RANK = { '': 0, info: 1, warning: 2, error: 3 } as const;

/** Kinds of stored packet. */
const K_TCP = 1;
const K_UDP = 2;
const K_ICMP = 3;
const K_ICMP6 = 4;
/** Bytes of payload kept per stored packet for text previews. */
const PREVIEW_BYTES = 40;

/**
 * Packets kept for replay, column by column in typed arrays (about 70 bytes a packet), so a
 * few hundred thousand packets cost tens of megabytes rather than hundreds.
 */
export class PacketStore {
	length = 0;
	#cap = 0;
	conv = new Uint32Array(0);
	frame = new Uint32Array(0);
	t = new Float64Array(0);
	seq = new Uint32Array(0);
	ack = new Uint32Array(0);
	len = new Uint32Array(0);
	origLen = new Uint32Array(0);
	win = new Uint16Array(0);
	icmp = new Uint32Array(0);
	kind = new Uint8Array(0);
	/** bit 0: direction B→A; bit 1: related ICMP error; bit 2: duplicate; bit 3: retransmission. */
	bits = new Uint8Array(0);
	flags = new Uint8Array(0);
	ttl = new Uint8Array(0);
	wscale = new Int8Array(0);
	preview = new Uint8Array(0);
	previewLen = new Uint8Array(0);
	/** Addresses of stored ICMP errors (their sender need not be an end of the flow), by row. */
	extra = new Map<number, { src: string; dst: string; quoted: CapturedPacket['quoted'] }>();
	readonly limit: number;

	constructor(limit: number) {
		this.limit = limit;
	}

	get full(): boolean {
		return this.length >= this.limit;
	}

	#grow() {
		const cap = Math.min(this.limit, Math.max(1024, this.#cap * 2));
		const g = <T extends Uint32Array | Float64Array | Uint16Array | Uint8Array | Int8Array>(a: T, n = 1): T => {
			const b = new (a.constructor as new (n: number) => T)(cap * n);
			b.set(a.subarray(0, this.length * n));
			return b;
		};
		this.conv = g(this.conv);
		this.frame = g(this.frame);
		this.t = g(this.t);
		this.seq = g(this.seq);
		this.ack = g(this.ack);
		this.len = g(this.len);
		this.origLen = g(this.origLen);
		this.win = g(this.win);
		this.icmp = g(this.icmp);
		this.kind = g(this.kind);
		this.bits = g(this.bits);
		this.flags = g(this.flags);
		this.ttl = g(this.ttl);
		this.wscale = g(this.wscale);
		this.preview = g(this.preview, PREVIEW_BYTES);
		this.previewLen = g(this.previewLen);
		this.#cap = cap;
	}

	/** Append one packet; returns its row, or -1 when the store is full. */
	add(conv: number, frame: number, t: number, d: Decoded, data: Uint8Array, origLen: number, bits: number): number {
		if (this.length >= this.limit) return -1;
		if (this.length >= this.#cap) this.#grow();
		const i = this.length++;
		this.conv[i] = conv;
		this.frame[i] = frame;
		this.t[i] = t;
		this.origLen[i] = origLen;
		this.bits[i] = bits;
		this.ttl[i] = d.ttl;
		this.len[i] = d.payloadLen;
		const kind = d.l4 === 'tcp' ? K_TCP : d.l4 === 'udp' ? K_UDP : d.l4 === 'icmp' ? K_ICMP : K_ICMP6;
		this.kind[i] = kind;
		if (kind === K_TCP) {
			this.seq[i] = d.seq;
			this.ack[i] = d.ack;
			this.flags[i] = d.flags;
			this.win[i] = d.window;
			this.wscale[i] = d.wscale;
		} else if (kind !== K_UDP) {
			this.seq[i] = ((d.icmpType << 8) | d.icmpCode) >>> 0;
			this.icmp[i] = (((d.icmpId & 0xffff) << 16) | (d.icmpSeq & 0xffff)) >>> 0;
			this.ack[i] = d.icmpId < 0 ? 0 : 1;
		}
		const n = Math.min(PREVIEW_BYTES, d.payloadCaptured);
		this.previewLen[i] = n;
		if (n > 0) this.preview.set(data.subarray(d.payloadOffset, d.payloadOffset + n), i * PREVIEW_BYTES);
		return i;
	}

	/** The stored packet at `row` as an object, addressed from its conversation. */
	get(row: number, conv: Conversation): CapturedPacket {
		const bits = this.bits[row];
		const dir: Side = bits & 1 ? 1 : 0;
		const kind = this.kind[row];
		const related = (bits & 2) !== 0;
		const x = this.extra.get(row);
		const from = dir === 0 ? conv.a : conv.b;
		const to = dir === 0 ? conv.b : conv.a;
		const proto: ConvProto = kind === K_TCP ? 'TCP' : kind === K_UDP ? 'UDP' : kind === K_ICMP ? 'ICMP' : 'ICMPv6';
		const isIcmp = kind === K_ICMP || kind === K_ICMP6;
		const icmpWord = this.seq[row];
		const hasEcho = this.ack[row] === 1;
		const pv = this.preview.subarray(row * PREVIEW_BYTES, row * PREVIEW_BYTES + this.previewLen[row]);
		return {
			frame: this.frame[row],
			t: this.t[row],
			conv: conv.id,
			dir,
			proto,
			src: x ? { ip: x.src, port: 0 } : isIcmp ? { ip: from.ip, port: 0 } : from,
			dst: x ? { ip: x.dst, port: 0 } : isIcmp ? { ip: to.ip, port: 0 } : to,
			flags: kind === K_TCP ? this.flags[row] : 0,
			seq: kind === K_TCP ? this.seq[row] : 0,
			ack: kind === K_TCP ? this.ack[row] : 0,
			win: kind === K_TCP ? this.win[row] : 0,
			winBytes: kind === K_TCP ? this.win[row] : 0,
			wscale: kind === K_TCP ? this.wscale[row] : -1,
			len: this.len[row],
			ttl: this.ttl[row],
			origLen: this.origLen[row],
			icmpType: isIcmp ? icmpWord >>> 8 : -1,
			icmpCode: isIcmp ? icmpWord & 0xff : -1,
			icmpId: isIcmp && hasEcho ? this.icmp[row] >>> 16 : -1,
			icmpSeq: isIcmp && hasEcho ? this.icmp[row] & 0xffff : -1,
			related,
			duplicate: (bits & 4) !== 0,
			retransmission: (bits & 8) !== 0,
			quoted: x?.quoted ?? null,
			preview: textPreview(pv, 0, pv.length)
		};
	}
}

/** Totals over the whole capture. */
export interface CaptureStats {
	packets: number;
	/** Bytes on the wire (frame lengths). */
	bytes: number;
	ipv4: number;
	ipv6: number;
	tcp: number;
	udp: number;
	icmp: number;
	/** IP packets of other protocols, or later fragments. */
	otherIp: number;
	/** Packets with no IP header (ARP, other link types, cut short). */
	notIp: number;
	/** Packets whose transport header the snap length cut off. */
	truncated: number;
	fragments: number;
	/** Conversations beyond the tracking limit (counted only). */
	untracked: number;
	/** ms from the first packet to the last. */
	duration: number;
}

/** Problems found while decoding (not damage to the file itself). */
export interface DecodeWarning {
	record: number;
	message: string;
}

const MAX_DECODE_WARNINGS = 100;

/**
 * Counts conversations and replays TCP connections as a capture's packets stream by.
 *
 * ```ts
 * const an = new CaptureAnalysis();
 * const reader = new CaptureReader((rec) => an.packet(rec), (i) => an.iface(i));
 * ... push the file through the reader ...
 * an.finish();
 * an.summaries();
 * ```
 */
export class CaptureAnalysis {
	readonly stats: CaptureStats = {
		packets: 0,
		bytes: 0,
		ipv4: 0,
		ipv6: 0,
		tcp: 0,
		udp: 0,
		icmp: 0,
		otherIp: 0,
		notIp: 0,
		truncated: 0,
		fragments: 0,
		untracked: 0,
		duration: 0
	};
	readonly conversations: Conversation[] = [];
	readonly store: PacketStore;
	readonly warnings: DecodeWarning[] = [];
	droppedWarnings = 0;
	/** Interfaces whose link type is not decoded, by index, with their packet counts. */
	readonly unsupported = new Map<number, { linkType: number; name: string; packets: number }>();
	/** Timestamp of the first packet: seconds and nanoseconds since the epoch. */
	startSec: number | null = null;
	startNsec = 0;
	/** Timestamps went backwards somewhere (multi-interface merges do this). */
	timeWentBack = false;

	readonly #opts: Required<Omit<AnalysisOptions, 'only' | 'onPacket' | 'onState'>> & Pick<AnalysisOptions, 'only' | 'onPacket' | 'onState'>;
	readonly #byKey = new Map<string, Conversation>();
	readonly #streams: Record<ConvProto, number> = { TCP: 0, UDP: 0, ICMP: 0, ICMPv6: 0 };
	readonly #d: Decoded = newDecoded();
	readonly #seg: SegmentInput = { side: 0, t: 0, frame: 0, seq: 0, ack: 0, flags: 0, window: 0, len: 0, wscale: -1 };
	#lastT = 0;
	#lastFrame = 0;
	#finished = false;

	constructor(opts: AnalysisOptions = {}) {
		this.#opts = {
			maxConversations: opts.maxConversations ?? 100_000,
			storeBudget: opts.storeBudget ?? 300_000,
			maxAnomalies: opts.maxAnomalies ?? 200,
			perConversationLimit: opts.perConversationLimit ?? 200_000,
			only: opts.only ?? null,
			onPacket: opts.onPacket,
			onState: opts.onState
		};
		this.store = new PacketStore(this.#opts.only ? this.#opts.perConversationLimit : this.#opts.storeBudget);
	}

	#warn(record: number, message: string) {
		if (this.warnings.length < MAX_DECODE_WARNINGS) this.warnings.push({ record, message });
		else this.droppedWarnings++;
	}

	/** An interface was defined: note it when its link type is not one this reader decodes. */
	iface(i: CaptureInterface): void {
		if (!SUPPORTED_LINK_TYPES.has(i.linkType)) this.unsupported.set(i.index, { linkType: i.linkType, name: linkTypeName(i.linkType), packets: 0 });
	}

	/** ms since the capture's first packet for a record (clamped to never go backwards). */
	#time(rec: PacketRecord): number {
		if (!rec.hasTime) return this.#lastT; // a Simple Packet Block has no timestamp
		if (this.startSec === null) {
			this.startSec = rec.sec;
			this.startNsec = rec.nsec;
		}
		let t = (rec.sec - this.startSec) * 1000 + (rec.nsec - this.startNsec) / 1e6;
		if (t < this.#lastT) {
			this.timeWentBack = true;
			t = this.#lastT;
		}
		this.#lastT = t;
		return t;
	}

	/** One packet from the reader. */
	packet(rec: PacketRecord): void {
		const st = this.stats;
		const only = this.#opts.only;
		this.#lastFrame = rec.frame;
		if (only && (rec.frame < only.fromFrame || rec.frame > only.toFrame)) {
			if (this.startSec === null && rec.hasTime) this.#time(rec);
			return;
		}
		st.packets++;
		st.bytes += rec.origLen;
		const t = this.#time(rec);
		st.duration = t;
		const un = this.unsupported.get(rec.iface.index);
		if (un) {
			un.packets++;
			st.notIp++;
			return;
		}
		const d = this.#d;
		if (!decodePacket(rec.iface.linkType, rec.data, d)) {
			st.notIp++;
			if (d.problem.startsWith('captured bytes end') || d.problem.startsWith('only ')) {
				st.truncated++;
				this.#warn(rec.frame, `the snap length (${rec.iface.snapLen}) cut this packet before its IP header ended: ${d.problem}`);
			}
			return;
		}
		if (d.ipVersion === 4) st.ipv4++;
		else st.ipv6++;
		if (d.fragment) st.fragments++;
		if (d.l4 === 'tcp') st.tcp++;
		else if (d.l4 === 'udp') st.udp++;
		else if (d.l4 === 'icmp' || d.l4 === 'icmpv6') st.icmp++;
		else {
			st.otherIp++;
			if (d.problem.includes('snap length')) {
				st.truncated++;
				this.#warn(rec.frame, `the snap length (${rec.iface.snapLen}) is shorter than this packet's headers: ${d.problem}; it is counted but not replayed`);
			}
			return;
		}
		if (d.l4 === 'tcp') this.#tcp(rec, d, t);
		else if (d.l4 === 'udp') this.#flow(rec, d, t, 'UDP');
		else this.#icmp(rec, d, t);
	}

	#newConv(proto: ConvProto, key: string, a: ConvEndpoint, b: ConvEndpoint, t: number, frame: number, icmpId = -1): Conversation | null {
		if (this.conversations.length >= this.#opts.maxConversations) {
			this.stats.untracked++;
			return null;
		}
		const c: Conversation = {
			id: this.conversations.length,
			proto,
			stream: this.#streams[proto]++,
			key,
			a,
			b,
			icmpId,
			packets: 0,
			bytes: 0,
			packetsAB: 0,
			bytesAB: 0,
			packetsBA: 0,
			bytesBA: 0,
			first: t,
			last: t,
			firstFrame: frame,
			lastFrame: frame,
			lastRelatedFrame: frame,
			inference: null,
			anomalies: [],
			anomalyCount: 0,
			anomalyKinds: {},
			worst: '',
			kept: 0,
			related: 0,
			duplicates: 0,
			segIndex: 0,
			lastSig: new Float64Array(12)
		};
		this.conversations.push(c);
		this.#byKey.set(key, c);
		return c;
	}

	#count(c: Conversation, dir: Side, rec: PacketRecord, t: number) {
		c.packets++;
		c.bytes += rec.origLen;
		if (dir === 0) {
			c.packetsAB++;
			c.bytesAB += rec.origLen;
		} else {
			c.packetsBA++;
			c.bytesBA += rec.origLen;
		}
		c.last = t;
		c.lastFrame = rec.frame;
		c.lastRelatedFrame = rec.frame;
	}

	/** The same packet seen again on another interface within 5 ms (dumpcap -i a -i b). */
	#duplicate(c: Conversation, dir: Side, rec: PacketRecord, t: number, a: number, b: number, cc: number, dd: number): boolean {
		const sig = c.lastSig;
		const o = dir * 6;
		const same = sig[o] !== 0 && sig[o] !== rec.iface.index + 1 && Math.abs(t - sig[o + 1]) < 5 && sig[o + 2] === a && sig[o + 3] === b && sig[o + 4] === cc && sig[o + 5] === dd;
		if (same) {
			c.duplicates++;
			return true;
		}
		sig[o] = rec.iface.index + 1;
		sig[o + 1] = t;
		sig[o + 2] = a;
		sig[o + 3] = b;
		sig[o + 4] = cc;
		sig[o + 5] = dd;
		return false;
	}

	#keep(c: Conversation, rec: PacketRecord, t: number, d: Decoded, bits: number): number {
		const only = this.#opts.only;
		if (only && only.key !== c.key) return -1;
		const row = this.store.add(c.id, rec.frame, t, d, rec.data, rec.origLen, bits);
		if (row >= 0) c.kept++;
		return row;
	}

	#tcp(rec: PacketRecord, d: Decoded, t: number) {
		// One key for both directions: the lower endpoint first.
		const srcFirst = d.src < d.dst || (d.src === d.dst && d.sport <= d.dport);
		const key = srcFirst ? `T${d.src}|${d.sport}|${d.dst}|${d.dport}` : `T${d.dst}|${d.dport}|${d.src}|${d.sport}`;
		let c = this.#byKey.get(key);
		let dir: Side = 0;
		if (c) dir = c.a.port === d.sport && c.a.ip === d.src ? 0 : 1;
		// A SYN reopening a 4-tuple whose connection is over on both ends starts a new stream.
		if (c && c.inference && d.flags & TH_SYN && !(d.flags & TH_ACK)) {
			if (c.inference.isOverFor(this.#segment(dir, t, rec.frame, d))) {
				this.#byKey.delete(c.key);
				c = undefined;
			}
		}
		if (!c) {
			const made = this.#newConv('TCP', key, { ip: d.src, port: d.sport }, { ip: d.dst, port: d.dport }, t, rec.frame);
			if (!made) return;
			c = made;
			dir = 0;
			const conv = c;
			c.inference = new TcpInference([endpointText(c.a), endpointText(c.b)], {
				state: (e) => this.#opts.onState?.(e, conv),
				anomaly: (an) => this.#anomaly(conv, an)
			});
		}
		this.#count(c, dir, rec, t);
		const dup = this.#duplicate(c, dir, rec, t, d.seq, d.ack, (d.flags << 16) | d.window, d.payloadLen * 65536 + d.ipId);
		let verdict: SegmentVerdict | null = null;
		if (!dup) {
			c.segIndex++;
			verdict = c.inference!.segment(this.#segment(dir, t, rec.frame, d));
		}
		const bits = dir | (dup ? 4 : 0) | (verdict?.retransmission ? 8 : 0);
		this.#keep(c, rec, t, d, bits);
		if (this.#opts.onPacket) this.#opts.onPacket(this.#materialise(c, dir, rec, t, d, dup, verdict), c);
	}

	#flow(rec: PacketRecord, d: Decoded, t: number, proto: 'UDP') {
		const srcFirst = d.src < d.dst || (d.src === d.dst && d.sport <= d.dport);
		const key = srcFirst ? `U${d.src}|${d.sport}|${d.dst}|${d.dport}` : `U${d.dst}|${d.dport}|${d.src}|${d.sport}`;
		let c = this.#byKey.get(key);
		let dir: Side = 0;
		if (c) dir = c.a.port === d.sport && c.a.ip === d.src ? 0 : 1;
		if (!c) {
			const made = this.#newConv(proto, key, { ip: d.src, port: d.sport }, { ip: d.dst, port: d.dport }, t, rec.frame);
			if (!made) return;
			c = made;
		}
		this.#count(c, dir, rec, t);
		const dup = this.#duplicate(c, dir, rec, t, d.payloadLen, d.ipId, d.sport, d.dport);
		this.#keep(c, rec, t, d, dir | (dup ? 4 : 0));
		if (this.#opts.onPacket) this.#opts.onPacket(this.#materialise(c, dir, rec, t, d, dup, null), c);
	}

	#icmp(rec: PacketRecord, d: Decoded, t: number) {
		const v6 = d.l4 === 'icmpv6';
		const proto: ConvProto = v6 ? 'ICMPv6' : 'ICMP';
		const echo = d.icmpId >= 0;
		const request = d.icmpType === 8 || d.icmpType === 128;
		const lo = d.src < d.dst ? d.src : d.dst;
		const hi = d.src < d.dst ? d.dst : d.src;
		const key = `${v6 ? 'J' : 'I'}${lo}|${hi}|${echo ? d.icmpId : 'x'}`;
		let c = this.#byKey.get(key);
		if (!c) {
			// A is the first packet's source; for an echo flow seen from its reply, the requester.
			const a = echo && !request ? d.dst : d.src;
			const b = echo && !request ? d.src : d.dst;
			const made = this.#newConv(proto, key, { ip: a, port: 0 }, { ip: b, port: 0 }, t, rec.frame, echo ? d.icmpId : -1);
			if (!made) return;
			c = made;
		}
		// Echo flows: requests go A → B. Others: by source address (A → B when both are the same host).
		const dir: Side = echo ? (request ? 0 : 1) : d.src === c.a.ip ? 0 : 1;
		this.#count(c, dir, rec, t);
		const dup = this.#duplicate(c, dir, rec, t, (d.icmpType << 8) | d.icmpCode, d.icmpId, d.icmpSeq, d.ipId);
		const row = this.#keep(c, rec, t, d, dir | (dup ? 4 : 0));
		const quoted = quotedOf(d);
		if (row >= 0 && quoted) this.store.extra.set(row, { src: d.src, dst: d.dst, quoted });
		if (this.#opts.onPacket) this.#opts.onPacket(this.#materialise(c, dir, rec, t, d, dup, null), c);
		// An ICMP error about a UDP or TCP flow is also kept with that flow, for its replay.
		const q = d.quoted;
		if (q && !dup && (q.proto === IPPROTO_UDP || q.proto === IPPROTO_TCP)) {
			const letter = q.proto === IPPROTO_UDP ? 'U' : 'T';
			const srcFirst = q.src < q.dst || (q.src === q.dst && q.sport <= q.dport);
			const f = this.#byKey.get(srcFirst ? `${letter}${q.src}|${q.sport}|${q.dst}|${q.dport}` : `${letter}${q.dst}|${q.dport}|${q.src}|${q.sport}`);
			if (f) {
				f.related++;
				f.lastRelatedFrame = rec.frame;
				const towardA = f.a.ip === q.src && f.a.port === q.sport;
				const r = this.#keep(f, rec, t, d, (towardA ? 1 : 0) | 2);
				if (r >= 0) this.store.extra.set(r, { src: d.src, dst: d.dst, quoted });
			}
		}
	}

	#materialise(c: Conversation, dir: Side, rec: PacketRecord, t: number, d: Decoded, dup: boolean, v: SegmentVerdict | null): CapturedPacket {
		const tcp = d.l4 === 'tcp';
		const icmp = d.l4 === 'icmp' || d.l4 === 'icmpv6';
		return {
			frame: rec.frame,
			t,
			conv: c.id,
			dir,
			proto: c.proto,
			src: { ip: d.src, port: icmp ? 0 : d.sport },
			dst: { ip: d.dst, port: icmp ? 0 : d.dport },
			flags: tcp ? d.flags : 0,
			seq: tcp ? d.seq : 0,
			ack: tcp ? d.ack : 0,
			win: tcp ? d.window : 0,
			winBytes: v ? v.windowBytes : tcp ? d.window : 0,
			wscale: tcp ? d.wscale : -1,
			len: d.payloadLen,
			ttl: d.ttl,
			origLen: rec.origLen,
			icmpType: icmp ? d.icmpType : -1,
			icmpCode: icmp ? d.icmpCode : -1,
			icmpId: icmp ? d.icmpId : -1,
			icmpSeq: icmp ? d.icmpSeq : -1,
			related: false,
			duplicate: dup,
			retransmission: v?.retransmission ?? false,
			quoted: icmp ? quotedOf(d) : null,
			preview: d.payloadCaptured > 0 ? textPreview(rec.data, d.payloadOffset, d.payloadCaptured) : ''
		};
	}

	/** The inference's input for a decoded segment (one object, reused: the inference keeps no reference). */
	#segment(side: Side, t: number, frame: number, d: Decoded): SegmentInput {
		const s = this.#seg;
		s.side = side;
		s.t = t;
		s.frame = frame;
		s.seq = d.seq;
		s.ack = d.ack;
		s.flags = d.flags;
		s.window = d.window;
		s.len = d.payloadLen;
		s.wscale = d.wscale;
		return s;
	}

	#anomaly(c: Conversation, a: Anomaly) {
		c.anomalyCount++;
		c.anomalyKinds[a.kind] = (c.anomalyKinds[a.kind] ?? 0) + 1;
		if (SEVERITY_RANK[a.severity] > SEVERITY_RANK[c.worst]) c.worst = a.severity;
		if (c.anomalies.length < this.#opts.maxAnomalies) c.anomalies.push(a);
	}

	/** The capture has ended: end-of-capture inference (unanswered SYNs, TIME-WAIT holders). */
	finish(): void {
		if (this.#finished) return;
		this.#finished = true;
		for (const c of this.conversations) c.inference?.finish();
	}

	/** Summaries of every tracked conversation, in order of first packet. */
	summaries(): ConversationSummary[] {
		return this.conversations.map((c) => summaryOf(c));
	}

	/** The stored packets of one conversation (and the ICMP errors about it), in capture order. */
	packetsOf(c: Conversation): CapturedPacket[] {
		const out: CapturedPacket[] = [];
		const s = this.store;
		for (let i = 0; i < s.length; i++) if (s.conv[i] === c.id) out.push(s.get(i, c));
		return out;
	}

	/** Whether every packet of `c` (and every ICMP error about it) is in the store. */
	complete(c: Conversation): boolean {
		return c.kept >= c.packets + c.related;
	}

	/** Options for a second pass that keeps only conversation `c` (when it was not fully stored). */
	static rescanFor(c: Pick<Conversation, 'key' | 'firstFrame' | 'lastRelatedFrame'>): AnalysisOptions {
		return { only: { key: c.key, fromFrame: c.firstFrame, toFrame: c.lastRelatedFrame } };
	}

	/** In a rescan: true once the reader is past the last frame wanted (stop reading). */
	get pastRange(): boolean {
		const only = this.#opts.only;
		return !!only && this.#lastFrame > only.toFrame;
	}

	/** The conversation a rescan was for (null before its first packet). */
	rescanned(): Conversation | null {
		const only = this.#opts.only;
		return only ? (this.conversations.find((c) => c.key === only.key) ?? null) : null;
	}
}

/** `10.0.0.1:80`, `[2001:db8::1]:443`, or the bare address for ICMP. */
export function endpointText(e: ConvEndpoint, withPort = true): string {
	if (!withPort) return e.ip;
	return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

function quotedOf(d: Decoded): CapturedPacket['quoted'] {
	const q = d.quoted;
	if (!q) return null;
	const proto = q.proto === IPPROTO_TCP ? 'TCP' : q.proto === IPPROTO_UDP ? 'UDP' : q.proto === IPPROTO_ICMP || q.proto === IPPROTO_ICMPV6 ? 'ICMP' : null;
	if (!proto) return null;
	const out: NonNullable<CapturedPacket['quoted']> = { proto, src: { ip: q.src, port: q.sport }, dst: { ip: q.dst, port: q.dport } };
	if (q.id >= 0) {
		out.id = q.id;
		out.seq = q.echoSeq;
	}
	return out;
}

/** The summary of a conversation (plain data). */
export function summaryOf(c: Conversation): ConversationSummary {
	return {
		id: c.id,
		proto: c.proto,
		stream: c.stream,
		a: c.a,
		b: c.b,
		icmpId: c.icmpId,
		packets: c.packets,
		bytes: c.bytes,
		packetsAB: c.packetsAB,
		bytesAB: c.bytesAB,
		packetsBA: c.packetsBA,
		bytesBA: c.bytesBA,
		relStart: c.first,
		duration: c.last - c.first,
		firstFrame: c.firstFrame,
		lastFrame: c.lastFrame,
		states: c.inference ? [c.inference.stateOf(0), c.inference.stateOf(1)] : null,
		midConnection: c.inference?.midConnection ?? false,
		firstCloser: c.inference?.firstCloser ?? null,
		anomalies: c.anomalyCount,
		anomalyKinds: { ...c.anomalyKinds },
		worst: c.worst,
		kept: c.kept,
		related: c.related,
		duplicates: c.duplicates
	};
}
