/**
 * Traces from captures, in the schema of docs/trace-schema.md, so the lesson views (ladder,
 * socket tables, header inspector, state diagram) draw captured traffic as they draw a
 * simulation.
 *
 * - {@link conversationReplay}: one conversation, replayed through {@link TcpInference}, as a
 *   trace for the views (its ends named client and server), with its anomalies and notes. A
 *   long conversation is shown in windows of {@link REPLAY_WINDOW} packets.
 * - {@link CaptureTraceBuilder}: the whole capture as one trace (the replay CLI's `--json`):
 *   one host per address, one event per captured packet in capture order with the fields as
 *   on the wire, and the inferred `state` events of both ends of every connection.
 *
 * Capture traces add optional fields to packet events: `frame` (the packet's number in the
 * file, Wireshark's frame number) and, on ICMPv6 messages, `icmpv6: true` (their `type` and
 * `code` are ICMPv6's, RFC 4443). A packet is seen once, at the capture point, so `arrivedAt`
 * equals `t`.
 *
 * @module
 */
import type {
	DatagramEvent,
	HostInfo,
	IcmpEvent,
	SegmentEvent,
	SocketAddress,
	StateEvent,
	TcpFlag,
	Trace,
	TraceEvent
} from '../sim/trace';
import type { CapturedPacket, ConvEndpoint, Conversation, ConversationSummary } from './analysis';
import { endpointText } from './analysis';
import { TH_ACK, TH_FIN, TH_PSH, TH_RST, TH_SYN, flagNames } from './decode';
import { TcpInference, type Anomaly, type InferredState, type Side } from './infer';

/** Packets shown at once in a conversation replay (the views draw every packet of their trace). */
export const REPLAY_WINDOW = 400;

/** A packet event of a capture trace: the schema's fields plus the frame number. */
export type CapturePacketEvent = (SegmentEvent | DatagramEvent | IcmpEvent) & { frame: number; icmpv6?: true; flagsOnWire?: string[] };

/** An anomaly placed on the replay's timeline. */
export interface ReplayAnomaly extends Anomaly {
	/** ms of the trace's timeline (relative to the conversation's first packet). */
	at: number;
	/** Window (0-based) holding the segment, for paging. */
	window: number;
}

/** One conversation ready for the views. */
export interface ConversationReplay {
	trace: Trace;
	/** Every anomaly of the conversation, in segment order. */
	anomalies: ReplayAnomaly[];
	/** Things the reader should know about this replay (mid-connection start, windowing...). */
	notes: string[];
	/** Host names of ends A and B (e.g. client, server) and how they were decided. */
	names: [string, string];
	rolesGuessed: boolean;
	/** The packets shown: indices [start, end) of `total` (duplicates excluded). */
	window: { index: number; start: number; end: number; total: number; count: number };
	/** True when the conversation started before the capture did. */
	midConnection: boolean;
	/** ms from the capture's first packet to this conversation's first (the trace's t = 0). */
	offset: number;
}

/** The trace's flags: SYN, FIN, RST, PSH, ACK in the schema's order (URG, ECE, CWR are not in it). */
export function traceFlags(flags: number): TcpFlag[] {
	const out: TcpFlag[] = [];
	if (flags & TH_SYN) out.push('SYN');
	if (flags & TH_FIN) out.push('FIN');
	if (flags & TH_RST) out.push('RST');
	if (flags & TH_PSH) out.push('PSH');
	if (flags & TH_ACK) out.push('ACK');
	return out;
}

function addr(e: ConvEndpoint): SocketAddress {
	return { ip: e.ip, port: e.port };
}

/** The schema event for one captured packet. */
export function packetEvent(p: CapturedPacket, id: number, t: number, from: string, to: string | null): CapturePacketEvent {
	if (p.proto === 'TCP') {
		const e: SegmentEvent & { frame: number; flagsOnWire?: string[] } = {
			kind: 'segment',
			t,
			id,
			proto: 'TCP',
			from,
			to,
			src: addr(p.src),
			dst: addr(p.dst),
			flags: traceFlags(p.flags),
			seq: p.seq,
			ack: p.ack,
			len: p.len,
			wnd: p.winBytes,
			arrivedAt: t,
			frame: p.frame
		};
		if (p.flags & 0xe0) e.flagsOnWire = flagNames(p.flags);
		if (p.retransmission) e.retransmission = true;
		if (p.preview) e.payload = p.preview;
		return e;
	}
	if (p.proto === 'UDP') {
		const e: DatagramEvent & { frame: number } = {
			kind: 'datagram',
			t,
			id,
			proto: 'UDP',
			from,
			to,
			src: addr(p.src),
			dst: addr(p.dst),
			len: p.len,
			ttl: p.ttl,
			arrivedAt: t,
			frame: p.frame
		};
		if (p.preview) e.payload = p.preview;
		return e;
	}
	const e: IcmpEvent & { frame: number; icmpv6?: true } = {
		kind: 'icmp',
		t,
		id,
		proto: 'ICMP',
		from,
		to,
		srcIp: p.src.ip,
		dstIp: p.dst.ip,
		type: p.icmpType,
		code: p.icmpCode,
		ttl: p.ttl,
		arrivedAt: t,
		frame: p.frame
	};
	if (p.proto === 'ICMPv6') e.icmpv6 = true;
	if (p.icmpId >= 0) {
		e.identifier = p.icmpId;
		e.sequence = p.icmpSeq;
	}
	if (p.quoted) e.quoted = { proto: p.quoted.proto, src: addr(p.quoted.src), dst: addr(p.quoted.dst), ...(p.quoted.id !== undefined ? { identifier: p.quoted.id, sequence: p.quoted.seq } : {}) };
	return e;
}

/**
 * Who is the client and who the server of a conversation: the sender of the first SYN is the
 * client (a SYN,ACK's sender is the server); without a handshake, the lower port is taken to
 * be the server's (services listen on well-known and registered ports, clients use ephemeral
 * ones) and the names say they are a guess.
 */
export function roles(c: Pick<ConversationSummary, 'proto' | 'a' | 'b'>, packets: readonly CapturedPacket[]): { client: Side; guessed: boolean } {
	if (c.proto === 'TCP') {
		for (const p of packets) {
			if (p.related || p.duplicate) continue;
			if (p.flags & TH_SYN) return { client: p.flags & TH_ACK ? (p.dir === 0 ? 1 : 0) : p.dir, guessed: false };
		}
	}
	if (c.proto === 'ICMP' || c.proto === 'ICMPv6') return { client: 0, guessed: false };
	if (c.a.port !== c.b.port) return { client: c.a.port > c.b.port ? 0 : 1, guessed: c.proto === 'TCP' };
	return { client: 0, guessed: c.proto === 'TCP' };
}

/**
 * Build the views' trace of one conversation from its packets (capture order, as the store or a
 * rescan returns them), replaying TCP through {@link TcpInference}.
 *
 * @param c - the conversation (its summary).
 * @param packets - its packets, including ICMP errors about it (`related`).
 * @param window - which window of {@link REPLAY_WINDOW} packets to show (0-based, clamped).
 */
export function conversationReplay(c: ConversationSummary, packets: readonly CapturedPacket[], window = 0): ConversationReplay {
	const own = packets.filter((p) => !p.duplicate);
	const duplicates = packets.length - own.length;
	const total = own.length;
	const windows = Math.max(1, Math.ceil(total / REPLAY_WINDOW));
	const w = Math.max(0, Math.min(windows - 1, Math.floor(window)));
	const start = w * REPLAY_WINDOW;
	const end = Math.min(total, start + REPLAY_WINDOW);
	const offset = own.length ? own[0].t : 0;
	const { client, guessed } = roles(c, own);
	const tcp = c.proto === 'TCP';
	const base: [string, string] = tcp || c.proto === 'UDP' ? ['client', 'server'] : ['A', 'B'];
	const names: [string, string] = client === 0 ? base : [base[1], base[0]];
	if (c.proto === 'ICMP' || c.proto === 'ICMPv6') {
		names[0] = c.icmpId >= 0 ? 'pinger' : 'A';
		names[1] = c.icmpId >= 0 ? 'target' : 'B';
	}
	if (guessed) {
		names[0] += '?';
		names[1] += '?';
	}
	// Hosts: the two ends, then any other sender of ICMP errors about the flow (a router).
	const hosts: HostInfo[] = [
		{ name: names[0], ip: c.a.ip, os: 'unknown', role: 'host' },
		{ name: names[1], ip: c.b.ip, os: 'unknown', role: 'host' }
	];
	if (client === 1) hosts.reverse();
	const nameOfIp = (ip: string, fallback: Side): string => {
		if (c.a.ip === c.b.ip && (ip === c.a.ip)) return names[fallback];
		if (ip === c.a.ip) return names[0];
		if (ip === c.b.ip) return names[1];
		let h = hosts.find((x) => x.ip === ip);
		if (!h) {
			h = { name: ip, ip, os: 'unknown', role: 'router' };
			hosts.push(h);
		}
		return h.name;
	};

	const events: TraceEvent[] = [];
	const anomalies: ReplayAnomaly[] = [];
	const notes: string[] = [];
	const states: Array<{ t: number; index: number; e: InferredState }> = [];
	// Per packet index: the state of each end before it (for windows that start part-way).
	let segIndex = 0;
	const indexOfSeg: number[] = [];
	const sockets: [string, string] = [`${names[0]}:${c.a.port}`, `${names[1]}:${c.b.port}`];
	let inference: TcpInference | null = null;
	/** Index (in `own`) of the packet being replayed. */
	let cur = 0;
	const frameIndex = new Map<number, number>();
	own.forEach((p, i) => {
		if (!p.related) frameIndex.set(p.frame, i);
	});
	if (tcp) {
		inference = new TcpInference([`${names[0]} (${endpointText(c.a)})`, `${names[1]} (${endpointText(c.b)})`], {
			state: (e) => {
				// A change the capture revealed later (a FIN's receipt, shown by the receiver's ACK) is
				// placed at the packet it happened at.
				states.push({ t: e.t, index: frameIndex.get(e.frame) ?? cur, e });
			},
			anomaly: (a) => {
				const i = indexOfSeg[a.index] ?? 0;
				anomalies.push({ ...a, at: (own[i]?.t ?? offset) - offset, window: Math.floor(i / REPLAY_WINDOW) });
			}
		});
	}
	for (let i = 0; i < own.length; i++) {
		const p = own[i];
		cur = i;
		if (tcp && !p.related && inference) {
			indexOfSeg[segIndex++] = i;
			const v = inference.segment({ side: p.dir, t: p.t, frame: p.frame, seq: p.seq, ack: p.ack, flags: p.flags, window: p.win, len: p.len, wscale: p.wscale });
			p.retransmission = v.retransmission;
			p.winBytes = v.windowBytes;
		}
	}
	inference?.finish();
	anomalies.sort((x, y) => x.index - y.index || x.frame - y.frame);
	states.sort((x, y) => x.index - y.index);

	// Events of the window.
	const tRel = (t: number) => Math.round((t - offset) * 1e6) / 1e6;
	if (tcp && start > 0) {
		const before: [InferredState | null, InferredState | null] = [null, null];
		for (const st of states) if (st.index < start) before[st.e.side] = st.e;
		for (const side of [0, 1] as const) {
			const e = before[side];
			if (e && e.to !== 'CLOSED') {
				events.push(stateEvent(e.to, e.to, `${e.to} since frame ${e.frame} (earlier packets are in the previous window)`, tRel(own[start].t), side));
			}
		}
	}
	function stateEvent(from: StateEvent['from'], to: StateEvent['to'], cause: string, t: number, side: Side): StateEvent {
		const local = side === 0 ? c.a : c.b;
		const remote = side === 0 ? c.b : c.a;
		return { kind: 'state', t, host: names[side], socket: sockets[side], local: addr(local), remote: addr(remote), from, to, cause };
	}
	let si = 0;
	while (si < states.length && states[si].index < start) si++;
	for (let i = start; i < end; i++) {
		const p = own[i];
		const t = tRel(p.t);
		let from: string;
		let to: string | null;
		if (p.related) {
			from = nameOfIp(p.src.ip, p.dir === 1 ? 1 : 0);
			to = nameOfIp(p.dst.ip, p.dir === 1 ? 0 : 1);
		} else {
			from = names[p.dir];
			to = names[p.dir === 0 ? 1 : 0];
		}
		events.push(packetEvent(p, i, t, from, to));
		while (si < states.length && states[si].index === i) {
			const s = states[si++].e;
			events.push(stateEvent(s.from, s.to, s.cause, t, s.side));
		}
	}

	if (duplicates > 0) notes.push(`${duplicates} packet${duplicates === 1 ? ' was' : 's were'} captured twice (the same packet on two interfaces) and ${duplicates === 1 ? 'is' : 'are'} shown once.`);
	if (inference?.midConnection) notes.push('The capture starts in the middle of this connection: its handshake is not in the file, so both ends start as ESTABLISHED (inferred), and the window scale agreed in the SYNs is unknown, so windows are shown as the raw 16-bit field and not checked.');
	if (guessed) notes.push(`No SYN was captured, so which end is the client is a guess: the end with the higher port (${Math.max(c.a.port, c.b.port)}) is taken to be the client.`);
	if (windows > 1) notes.push(`This conversation has ${total.toLocaleString('en-US')} packets; the views show ${REPLAY_WINDOW} at a time (window ${w + 1} of ${windows}). Anomalies are listed for the whole conversation.`);
	if (c.proto !== 'TCP') notes.push(`${c.proto} has no connection state: the socket tables and state diagram have nothing to show for this flow.`);
	if (own.some((p) => p.related)) notes.push('ICMP errors about this flow (the packets that quote it) are shown with it.');

	const last = own[end - 1];
	return {
		trace: { seed: 0, hosts, events, end: last ? tRel(last.t) : 0 },
		anomalies,
		notes,
		names,
		rolesGuessed: guessed,
		window: { index: w, start, end, total, count: windows },
		midConnection: inference?.midConnection ?? false,
		offset
	};
}

/**
 * The whole capture as a trace, built as the packets stream by (the replay CLI's `--json`).
 * Hosts are named by their address; a TCP socket's id is its 4-tuple, `local>remote`.
 */
export class CaptureTraceBuilder {
	readonly hosts: HostInfo[] = [];
	readonly #hostSet = new Set<string>();
	#id = 0;

	#host(ip: string): string {
		if (!this.#hostSet.has(ip)) {
			this.#hostSet.add(ip);
			this.hosts.push({ name: ip, ip, os: 'unknown', role: 'host' });
		}
		return ip;
	}

	/** The event for one captured packet (the caller writes it out). */
	packet(p: CapturedPacket): CapturePacketEvent {
		const from = this.#host(p.src.ip);
		const to = this.#host(p.dst.ip);
		return packetEvent(p, this.#id++, round(p.t), from, to);
	}

	/** The event for one inferred state change of a conversation's end. */
	state(e: InferredState, c: Pick<Conversation, 'a' | 'b'>, t: number): StateEvent {
		const local = e.side === 0 ? c.a : c.b;
		const remote = e.side === 0 ? c.b : c.a;
		return {
			kind: 'state',
			t: round(t),
			host: this.#host(local.ip),
			socket: `${endpointText(local)}>${endpointText(remote)}`,
			local: addr(local),
			remote: addr(remote),
			from: e.from,
			to: e.to,
			cause: e.cause
		};
	}
}

function round(t: number): number {
	return Math.round(t * 1e6) / 1e6;
}
