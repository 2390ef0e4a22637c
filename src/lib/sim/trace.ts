/**
 * The trace: what a simulation run records, in virtual time.
 *
 * Every view (ladder, state diagram, socket table, header inspector, port map,
 * topology) is drawn from a {@link Trace} alone; none reaches into the engine.
 * The trace is plain data (JSON-serialisable), so `npm run simulate -- --json`
 * prints exactly this shape.
 *
 * Units: all `t` fields are milliseconds of virtual time since the run began.
 * Lengths are bytes. Sequence and acknowledgement numbers are unsigned 32-bit
 * integers (RFC 9293 §3.4, arithmetic modulo 2^32).
 *
 * This file only grows: new event kinds and new optional fields may be added,
 * existing fields keep their meaning.
 */

import type { PosixErrno, WinsockErrno } from './errno';

/** RFC 9293 §3.3.2 state names, spelled as RFC 9293 and `ss` spell them. */
export type TcpState =
	| 'CLOSED'
	| 'LISTEN'
	| 'SYN-SENT'
	| 'SYN-RECEIVED'
	| 'ESTABLISHED'
	| 'FIN-WAIT-1'
	| 'FIN-WAIT-2'
	| 'CLOSE-WAIT'
	| 'CLOSING'
	| 'LAST-ACK'
	| 'TIME-WAIT';

/** All eleven states in RFC 9293 Figure 5 order. */
export const TCP_STATES: readonly TcpState[] = [
	'CLOSED',
	'LISTEN',
	'SYN-SENT',
	'SYN-RECEIVED',
	'ESTABLISHED',
	'FIN-WAIT-1',
	'FIN-WAIT-2',
	'CLOSE-WAIT',
	'CLOSING',
	'LAST-ACK',
	'TIME-WAIT'
];

/** TCP control bits used by the simulator (RFC 9293 §3.1). */
export type TcpFlag = 'SYN' | 'ACK' | 'FIN' | 'RST' | 'PSH';

export type { PosixErrno, WinsockErrno } from './errno';

/**
 * The socket errors the simulator reports: POSIX names (`ECONNREFUSED`, …) on Linux, BSD and
 * macOS hosts; on Windows hosts the WinSock names (`WSAECONNREFUSED`, `WSAENOBUFS`, …), with the
 * number in {@link ErrorEvent.code}. See errno.ts.
 */
export type SocketErrno = PosixErrno | WinsockErrno;

export type Protocol = 'TCP' | 'UDP' | 'ICMP';

/** A socket address. `ip` is dotted-quad IPv4 ("0.0.0.0" for a wildcard bind). */
export interface SocketAddress {
	ip: string;
	port: number;
}

/**
 * TCP options carried by a segment (RFC 9293 §3.2, RFC 7323, RFC 2018). Only the options
 * present on the segment are set. Shared by the wire packet and the trace.
 */
export interface TcpOptions {
	/** Maximum Segment Size (kind 2), bytes; SYN and SYN,ACK only. */
	mss?: number;
	/** Window Scale shift count (kind 3, RFC 7323 §2), 0–14; SYN and SYN,ACK only. */
	wscale?: number;
	/** SACK-permitted (kind 4, RFC 2018 §2); SYN and SYN,ACK only. */
	sackOk?: true;
	/** Timestamps (kind 8, RFC 7323 §3): TSval and TSecr, unsigned 32-bit. */
	ts?: { val: number; ecr: number };
	/** SACK blocks (kind 5, RFC 2018 §3): [left edge, right edge) pairs of received data. */
	sack?: { left: number; right: number }[];
}

/** A TCP segment as it left the sender. */
export interface SegmentEvent {
	kind: 'segment';
	/** ms of virtual time when the sender put it on the wire. */
	t: number;
	/** Unique, increasing id of this transmission within the trace. */
	id: number;
	proto: 'TCP';
	/** Name of the sending host. */
	from: string;
	/** Name of the host it was addressed to, when known (the host owning dst.ip). */
	to: string | null;
	src: SocketAddress;
	dst: SocketAddress;
	/** Control bits in canonical order SYN, FIN, RST, PSH, ACK. */
	flags: TcpFlag[];
	/** SEG.SEQ */
	seq: number;
	/** SEG.ACK (0 when the ACK bit is off). */
	ack: number;
	/** SEG.LEN counts payload bytes only (SYN/FIN are not counted here). */
	len: number;
	/** Advertised window, bytes. */
	wnd: number;
	/**
	 * ms when it reached `to`, or null when it was lost or dropped (`too-big`: larger than the
	 * MTU of a link on the way, IPv6 or IPv4 with DF; the router answered Packet Too Big).
	 */
	arrivedAt: number | null;
	/** Why it did not arrive, when it did not. */
	dropped?: 'lost' | 'firewall' | 'no-route' | 'ttl' | 'nat' | 'too-big';
	/** True when this is a retransmission of an earlier segment. */
	retransmission?: boolean;
	/** Short text payload preview, when the payload was text. */
	payload?: string;
	/**
	 * Added for NAT: the packet's addresses as finally delivered, when a NAT rewrote them on the
	 * way (`src`/`dst` keep the addresses it was sent with). For ICMP, ports are 0 and
	 * `identifier` is the echo identifier after translation.
	 */
	translated?: { src: SocketAddress; dst: SocketAddress; identifier?: number };
	/** TCP options on the segment, when it carried any. */
	options?: TcpOptions;
}

/** A UDP datagram as it left the sender. */
export interface DatagramEvent {
	kind: 'datagram';
	t: number;
	id: number;
	proto: 'UDP';
	from: string;
	to: string | null;
	src: SocketAddress;
	dst: SocketAddress;
	len: number;
	/** IP TTL it was sent with. */
	ttl: number;
	arrivedAt: number | null;
	dropped?: 'lost' | 'firewall' | 'no-route' | 'ttl' | 'nat' | 'too-big';
	payload?: string;
	/**
	 * Added for NAT: the packet's addresses as finally delivered, when a NAT rewrote them on the
	 * way (`src`/`dst` keep the addresses it was sent with). For ICMP, ports are 0 and
	 * `identifier` is the echo identifier after translation.
	 */
	translated?: { src: SocketAddress; dst: SocketAddress; identifier?: number };
}

/** An ICMP message as it left the sender (RFC 792), or an ICMPv6 one (`icmpv6`). ICMP has no ports. */
export interface IcmpEvent {
	kind: 'icmp';
	t: number;
	id: number;
	proto: 'ICMP';
	from: string;
	to: string | null;
	srcIp: string;
	dstIp: string;
	/** 0 echo reply, 3 destination unreachable, 8 echo request, 11 time exceeded. */
	type: number;
	code: number;
	/** Echo identifier and sequence number (types 0 and 8). */
	identifier?: number;
	sequence?: number;
	ttl: number;
	/**
	 * For errors (types 3, 11): the offending datagram's 5-tuple, as carried in the ICMP body.
	 * When the offending packet is an ICMP echo (tracert), ports are 0 and the optional
	 * `identifier`/`sequence` are the echo's.
	 */
	quoted?: { proto: Protocol; src: SocketAddress; dst: SocketAddress; identifier?: number; sequence?: number };
	/**
	 * An ICMPv6 message (RFC 4443): its addresses are IPv6 and `type`/`code` are ICMPv6's (1
	 * destination unreachable, 2 packet too big, 3 time exceeded, 128/129 echo, 135/136
	 * neighbour solicitation/advertisement). Set by the engine for IPv6 and by capture replays.
	 */
	icmpv6?: boolean;
	/** Packet Too Big (ICMPv6 2) or fragmentation needed (ICMP 3 code 4): the next-hop MTU, bytes. */
	mtu?: number;
	/** Neighbour Solicitation/Advertisement: the address being resolved (RFC 4861 §4.3). */
	target?: string;
	arrivedAt: number | null;
	dropped?: 'lost' | 'firewall' | 'no-route' | 'ttl' | 'nat' | 'too-big';
	/**
	 * Added for NAT: the packet's addresses as finally delivered, when a NAT rewrote them on the
	 * way (`src`/`dst` keep the addresses it was sent with). For ICMP, ports are 0 and
	 * `identifier` is the echo identifier after translation.
	 */
	translated?: { src: SocketAddress; dst: SocketAddress; identifier?: number };
}

/** A TCP socket changed state (one edge of RFC 9293 Figure 5). */
export interface StateEvent {
	kind: 'state';
	t: number;
	host: string;
	/** Stable socket id, unique within the trace, e.g. "client#1". */
	socket: string;
	local: SocketAddress;
	/** Peer address; `{ip:'0.0.0.0',port:0}` ("*:*" in ss) for a listener. */
	remote: SocketAddress;
	from: TcpState;
	to: TcpState;
	/** What caused it, in RFC words: "rcv SYN,ACK", "CLOSE", "TIME-WAIT timeout (2×MSL)". */
	cause: string;
	/**
	 * AF_INET6 sockets only: IPV6_V6ONLY. `ss` prints a dual-stack socket's `::` as `*` and an
	 * IPv6-only one's as `[::]` (iproute2 misc/ss.c `inet_addr_print`).
	 */
	v6only?: boolean;
}

/** An ephemeral or explicit port was taken or given back on a host. */
export interface PortEvent {
	kind: 'port';
	t: number;
	host: string;
	proto: Protocol;
	action: 'allocate' | 'release';
	port: number;
	/** How it was taken: connect() (ephemeral), bind() (explicit or bind(0)), listen() autobind. */
	via: 'connect' | 'bind' | 'autobind' | 'send' | 'nat';
	/** The socket it belongs to (for NAT: the translation's id). */
	socket: string;
}

/** A socket call failed. */
export interface ErrorEvent {
	kind: 'error';
	t: number;
	host: string;
	socket: string;
	call: string;
	/** POSIX name, or on a Windows host the WinSock name (`WSAENOBUFS`). */
	errno: SocketErrno;
	/** Windows hosts only: the WinSock error number `WSAGetLastError()` returns, e.g. 10055. */
	code?: number;
	message: string;
}

/** An application-level socket call was made (for narration and the timeline). */
export interface CallEvent {
	kind: 'call';
	t: number;
	host: string;
	socket: string;
	/** e.g. "listen", "connect", "send", "close", "abort", "bind", "accept". */
	call: string;
	/** Human-readable arguments, e.g. "10.0.0.2:80". */
	detail: string;
}

/** A NAT translation was created or removed. */
export interface NatEvent {
	kind: 'nat';
	t: number;
	/** The NAT router's name. */
	host: string;
	action: 'create' | 'expire';
	proto: Protocol;
	inside: SocketAddress;
	outside: SocketAddress;
	remote: SocketAddress;
	/**
	 * Absent for port translation (PAT, NAPT) and port forwards; `static` for a flow of a static
	 * one-to-one address entry, `dynamic` for one of an address bound from a dynamic NAT pool
	 * (Cisco's static NAT and dynamic NAT; the address alone is translated, ports stay).
	 */
	type?: 'static' | 'dynamic';
}

/**
 * A TCP sender's window variables after they changed: what limits the bytes in flight
 * (RFC 5681 §2, RFC 9293 §3.8.6). Drawn by the flow/congestion chart. Recorded by
 * `traceWindow` (tcp-output.ts) only when one of the values differs from the last record.
 */
export interface WindowEvent {
	kind: 'window';
	t: number;
	host: string;
	socket: string;
	/** SND.WND: the peer's advertised receive window, bytes, after window scaling. */
	sndWnd: number;
	/** RCV.WND: the window this socket advertises, bytes. */
	rcvWnd: number;
	/** Bytes sent and not yet acknowledged: SND.NXT − SND.UNA (SYN/FIN counted as 1). */
	inFlight: number;
	/** cwnd, bytes (RFC 5681), or null when the preset models no congestion control. */
	cwnd: number | null;
	/** ssthresh, bytes, or null when unbounded or not modelled. */
	ssthresh: number | null;
}

/**
 * A listening socket's queues turned a handshake away or answered it without state (Linux
 * `tcp_conn_request()`, `tcp_check_req()`, net/ipv4/syncookies.c). Recorded only at these
 * moments, not for every handshake: the queue lengths of an ordinary handshake follow from the
 * `state` and `accept` events.
 *
 * - `syn-dropped`: a SYN dropped because the accept queue is full, or the SYN queue is full and
 *   SYN cookies are off (Linux counters ListenOverflows / ListenDrops);
 * - `ack-dropped`: the handshake's final ACK dropped because the accept queue is full
 *   (`tcp_abort_on_overflow` = 0); the half-open connection stays and its SYN,ACK is resent;
 * - `cookie-sent`: the SYN queue is full, so the SYN,ACK carries a SYN cookie as its ISN and
 *   nothing is kept;
 * - `cookie-accepted`: an ACK carried a valid cookie: the connection is made from it at once;
 * - `cookie-rejected`: an ACK to the listener carried no valid cookie (answered with RST).
 */
export interface QueueEvent {
	kind: 'queue';
	t: number;
	host: string;
	/** The listening socket. */
	socket: string;
	action: 'syn-dropped' | 'ack-dropped' | 'cookie-sent' | 'cookie-accepted' | 'cookie-rejected';
	/** The peer the segment came from. */
	remote: SocketAddress;
	/** Half-open connections (SYN-RECEIVED) of this listener after the event. */
	synQueue: number;
	/** Established connections waiting for accept() after the event. */
	acceptQueue: number;
	/** The listener's backlog: min(listen() backlog, somaxconn) (Linux `sk_max_ack_backlog`). */
	backlog: number;
	/** The SYN cookie (the SYN,ACK's ISN) for cookie events. */
	cookie?: number;
	/** Why, in kernel words, for narration. */
	detail: string;
}

export type TraceEvent =
	| SegmentEvent
	| DatagramEvent
	| IcmpEvent
	| StateEvent
	| PortEvent
	| ErrorEvent
	| CallEvent
	| NatEvent
	| WindowEvent
	| QueueEvent;

/** Packets on the wire: the events that draw arrows. */
export type PacketEvent = SegmentEvent | DatagramEvent | IcmpEvent;

/** A host as described in the trace header. */
export interface HostInfo {
	name: string;
	ip: string;
	/** A dual-stack host's IPv6 address (RFC 5952 text). */
	ip6?: string;
	/** OS preset id, e.g. "linux". */
	os: string;
	role: 'host' | 'router' | 'nat';
	/**
	 * Inclusive port range `[low, high]` the node picks its own ports from: a host's ephemeral
	 * range (its OS preset's, or the scenario's `range=`), a NAT router's public port range.
	 * Absent for plain routers. Optional: traces written before it was added lack it (use the
	 * OS preset's range then).
	 */
	ephemeral?: [number, number];
}

/** The whole record of one run. */
export interface Trace {
	/** The seed the PRNG was started with. */
	seed: number;
	hosts: HostInfo[];
	/** Events in the order they happened (by `t`, ties in causal order). */
	events: TraceEvent[];
	/** ms of virtual time when the run ended. */
	end: number;
	/** The links of the topology, in the order they were added (for topology views). */
	links?: TraceLink[];
}

/** A link between two named nodes (hosts or routers). */
export interface TraceLink {
	a: string;
	b: string;
	/** One-way latency, ms of virtual time. */
	latencyMs: number;
	/** Loss probability per packet, 0..1 (absent means 0). */
	loss?: number;
	/** MTU in bytes when it is not 1500. */
	mtu?: number;
}

/**
 * Format a socket address as `ss` does: `10.0.0.1:80`, `0.0.0.0:*` for port 0 peer; an IPv6
 * address (traces replayed from captures) in brackets, `[::1]:80`, as `ss` and RFC 5952 §6 write it.
 */
export function formatAddress(a: SocketAddress): string {
	const ip = a.ip.includes(':') ? `[${a.ip}]` : a.ip;
	return `${ip}:${a.port === 0 ? '*' : a.port}`;
}

/** Format flags as tcpdump-like text, e.g. "SYN,ACK". */
export function formatFlags(flags: readonly TcpFlag[]): string {
	return flags.join(',');
}

/**
 * The options a SYN negotiates, short, in tcpdump's order of interest: `mss 1460 ws 7 sack ts`
 * (MSS, window-scale shift, SACK-permitted, timestamps); '' when there are none. SACK blocks and
 * the timestamp values are left out (see {@link formatTcpOptionsLong}).
 */
export function formatSynOptions(o: TcpOptions | undefined): string {
	if (o === undefined) return '';
	const parts: string[] = [];
	if (o.mss !== undefined) parts.push(`mss ${o.mss}`);
	if (o.wscale !== undefined) parts.push(`ws ${o.wscale}`);
	if (o.sackOk) parts.push('sack');
	if (o.ts !== undefined) parts.push('ts');
	return parts.join(' ');
}

/** Every option with its values, as a log line shows them: `mss 1460,sackOK,TS val 5 ecr 0,wscale 7`. */
export function formatTcpOptionsLong(o: TcpOptions | undefined): string {
	if (o === undefined) return '';
	const parts: string[] = [];
	if (o.mss !== undefined) parts.push(`mss ${o.mss}`);
	if (o.sackOk) parts.push('sackOK');
	if (o.ts !== undefined) parts.push(`TS val ${o.ts.val} ecr ${o.ts.ecr}`);
	if (o.wscale !== undefined) parts.push(`wscale ${o.wscale}`);
	if (o.sack !== undefined && o.sack.length > 0) parts.push(`sack ${o.sack.length} {${o.sack.map((b) => `${b.left}:${b.right}`).join(' ')}}`);
	return parts.join(',');
}

/** Is an event a packet on the wire (segment, datagram or ICMP message)? */
export function isPacket(e: TraceEvent): e is PacketEvent {
	return e.kind === 'segment' || e.kind === 'datagram' || e.kind === 'icmp';
}
