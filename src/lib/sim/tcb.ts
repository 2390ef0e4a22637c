/**
 * The Transmission Control Block (RFC 9293 §3.3.1): everything the engine remembers about one
 * TCP connection — the socket pair, the send and receive sequence variables under their RFC
 * names (`snd.una`, `snd.nxt`, `snd.wnd`, `snd.wl1`, `snd.wl2`, `iss`, `rcv.nxt`, `rcv.wnd`,
 * `irs`), the user's send buffer, the retransmission queue, the out-of-order segments, the RTT
 * estimator and the timers — plus the BSD-socket facts the engine needs (which port the socket
 * holds, its listener, whether the application has closed it).
 *
 * {@link Tcb} is a record: fields, no behaviour. The behaviour lives in modules split the way
 * FreeBSD splits `sys/netinet` (whose `struct tcpcb` names its fields `snd_una`, `rcv_nxt`, …):
 *
 * | module | what | RFC 9293 | FreeBSD |
 * |---|---|---|---|
 * | tcp-socket.ts | `TcpSocket`: bind, listen, connect, send, read, close, abort | §3.10.1–3.10.5 | tcp_usrreq.c |
 * | tcp-input.ts | SEGMENT ARRIVES | §3.10.7 | tcp_input.c |
 * | tcp-output.ts | segmentize and send; ACK; RST without a TCB | §3.10.2, §3.10.4 | tcp_output.c |
 * | tcp-timer.ts | retransmission timeout, RTO (RFC 6298), TIME-WAIT and FIN-WAIT-2 timeouts | §3.10.8 | tcp_timer.c |
 * | tcp-delack.ts | when an ACK is sent: delayed ACK, quick ACKs, Linux's ATO and pingpong mode | §3.8.6.3 | tcp_input.c (DELAY_ACK), tcp_timer.c (tcp_timer_delack) |
 * | tcp-keepalive.ts | keep-alive probes (SO_KEEPALIVE), RST for data after close | §3.8.4, §3.10.7.4 | tcp_timer.c (tcp_timer_keep) |
 * | tcp-state.ts | state changes, TIME-WAIT, deleting the TCB | §3.3.2 (Figure 5) | tcp_subr.c, tcp_timewait.c |
 * | tcp-timewait.ts | TIME-WAIT as a compact record once the TCB is released | §3.10.7.4 (TIME-WAIT) | tcp_timewait.c (`struct tcptw`) |
 * | tcp-rtx-queue.ts | the retransmission queue (with the SACK/lost marks of the scoreboard) | §3.10.8 | (tcp_sack.c's scoreboard) |
 * | tcp-sack.ts | SACK blocks (RFC 2018) and the scoreboard | — | tcp_sack.c |
 * | tcp-recovery.ts | NewReno, RFC 6675, RACK-TLP loss detection and recovery | — | tcp_input.c, tcp_sack.c (Linux tcp_recovery.c) |
 * | tcp-cc.ts | cwnd, ssthresh: Reno, CUBIC (RFC 5681, RFC 9438) | — | cc/cc_newreno.c, cc/cc_cubic.c |
 *
 * Imports point one way: tcp-socket → tcp-input → tcp-timer → tcp-delack → tcp-state → tcp-output → tcp-timewait → tcb →
 * tcp-rtx-queue → wire (a module may use any module to its right). A TCB reaches its host through
 * {@link TcpHost}, which `Host` (host.ts) implements; nothing here imports host.ts.
 *
 * Units: sequence numbers are unsigned 32-bit integers compared modulo 2^32 (`seqLt`, `seqLe` in
 * wire.ts); times are ms of virtual time; sizes are bytes.
 *
 * @module
 */

import type { EventTarget } from './clock';
import { generatedSocketId, type HostContext } from './node';
import type { PortTable } from './ports';
import type { Rng } from './prng';
import type { TcpState } from './trace';
import { RetransmissionQueue } from './tcp-rtx-queue';
import type { TimeWaitSlab } from './tcp-tw-slab';

/**
 * Fixed protocol parameters (times in ms of virtual time, sizes in bytes).
 * Sources: Linux `tcp_syn_retries` (6), `tcp_synack_retries` (5), `tcp_retries2` (15),
 * `tcp_fin_timeout` (60 s); MSS 1460 = 1500-byte Ethernet MTU − 40.
 * The RTO values here are RFC 6298's (initial 1 s, minimum 1 s) with Linux's 120 s ceiling; the
 * engine uses each host's `preset.rto` instead (os.ts), and keeps these for existing callers.
 */
export const TCP_TUNING = Object.freeze({
	initialRtoMs: 1000,
	minRtoMs: 1000,
	maxRtoMs: 120_000,
	mss: 1460,
	rcvWnd: 65535,
	synRetries: 6,
	synAckRetries: 5,
	dataRetries: 15,
	linuxFinTimeoutMs: 60_000,
	ttl: 64
});

// Where the TCB's numbers live. Sequence numbers are unsigned 32-bit values, and half of them
// lie beyond V8's small integers (31/32-bit signed), as do the fractional SRTT and RTTVAR; an
// object field holding such a number is a separate heap box. A TIME-WAIT TCB lives for a minute
// of virtual time, so the lifecycle benchmark keeps ~20,000 of them alive, and every box costs
// the garbage collector: the numbers (timer deadlines, in ms that may be fractional, too) sit
// unboxed in one array of doubles per TCB instead, read and written through accessors with the
// RFC's names (`t.snd.nxt`, `t.rcv.nxt`, `t.iss`, `t.srtt`).
// Measured by `npm run bench` (docs/engine-api.md, "Benchmarks"). Checked again with the idle
// ESTABLISHED figure (benchIdleMemory, 100,000 connections): these numbers as named fields of one
// plain object cost 2,913 heap bytes per connection against the array's 2,001; SND.WND, RCV.WND
// and max(SND.WND) alone as plain fields, 2,097 (V8 keeps them as boxed doubles too).
const ISS = 0;
const SND_UNA = 1;
const SND_NXT = 2;
const SND_WND = 3;
const SND_WL1 = 4;
const SND_WL2 = 5;
const IRS = 6;
const RCV_NXT = 7;
const RCV_WND = 8;
const RTO = 9;
const SRTT = 10;
const RTTVAR = 11;
const REXMT_DEADLINE = 12;
const REXMT_QUEUED_AT = 13;
const MDEV = 14;
const MDEV_MAX = 15;
const RTT_SEQ = 16;
const MIN_RTT = 17;
// Numbers that are not small integers either: Infinity sentinels, TSvals, TSval offsets and
// `rcvWup` (a sequence number) up to 2^32, window sizes up to 2^30 (which V8 stores as doubles),
// and times that V8 stored as doubles (`lrcvtime`, the delayed-ACK timer's fractional
// deadlines). As object fields each of them was a separate 16-byte heap box per socket
// (`npm run bench`: 320 heap bytes less per idle connection, and fewer objects for the
// scavenger to copy per TIME-WAIT TCB).
const CWND = 18;
const SSTHRESH = 19;
const TS_RECENT = 20;
const TS_RECENT_AT = 21;
const TS_OFFSET = 22;
const MAX_SND_WND = 23;
const RCV_WUP = 24;
const LRCVTIME = 25;
const DELACK_DEADLINE = 26;
const DELACK_QUEUED_AT = 27;
// The 2MSL timer's deadline and the time of its queued event (fractional times, like the other
// timers'): in the TCB's {@link TimerForwarder} they were two heap boxes in every TIME-WAIT's
// forwarder, which outlives the TCB for 2MSL.
const TWO_MSL_DEADLINE = 28;
const TWO_MSL_QUEUED_AT = 29;

// The TCB's flags (FIN sent, SACK negotiated, port held, …) are bits of one small integer, read
// and written through accessors with their own names (`t.finSent`, `t.sackOk`). As nineteen
// boolean fields they cost every socket 152 bytes, 8 a field, each written by every constructor
// (`npm run bench`, idle ESTABLISHED connection: 1,985 → 1,697 heap bytes).
const FIN_PENDING = 1;
const FIN_SENT = 2;
const CLOSE_QUEUED = 4;
const PEER_FIN = 8;
const SHUT_RD = 16;
const SHUT_WR = 32;
const SACK_OK = 64;
const TS_OK = 128;
const WSCALE_OK = 256;
const PINGPONG = 512;
const APP_CLOSED = 1024;
const TUPLE_REGISTERED = 2048;
const BIND_HELD = 4096;
const REUSE_ADDR = 8192;
const DEFERRED_BIND = 16384;
const ACCEPTED = 32768;
const IN_SYN_QUEUE = 65536;
const BY_ID = 131072;
const AUTO_READ = 262144;

/** Send sequence variables (RFC 9293 §3.3.1, Figure 3). SND.UP is not modelled (no URG). */
export class SendSequence {
	/** @param v - the TCB's number store (see the note above). */
	constructor(private readonly v: number[]) {}
	/** SND.UNA: oldest unacknowledged sequence number. */
	get una(): number {
		return this.v[SND_UNA];
	}
	set una(x: number) {
		this.v[SND_UNA] = x;
	}
	/** SND.NXT: next sequence number to be sent. */
	get nxt(): number {
		return this.v[SND_NXT];
	}
	set nxt(x: number) {
		this.v[SND_NXT] = x;
	}
	/** SND.WND: send window (bytes), as the peer last advertised it. */
	get wnd(): number {
		return this.v[SND_WND];
	}
	set wnd(x: number) {
		this.v[SND_WND] = x;
	}
	/** SND.WL1: segment sequence number used for the last window update. */
	get wl1(): number {
		return this.v[SND_WL1];
	}
	set wl1(x: number) {
		this.v[SND_WL1] = x;
	}
	/** SND.WL2: segment acknowledgement number used for the last window update. */
	get wl2(): number {
		return this.v[SND_WL2];
	}
	set wl2(x: number) {
		this.v[SND_WL2] = x;
	}
}

/** Receive sequence variables (RFC 9293 §3.3.1, Figure 4). RCV.UP is not modelled. */
export class ReceiveSequence {
	/** @param v - the TCB's number store (see the note above). */
	constructor(private readonly v: number[]) {}
	/** RCV.NXT: next sequence number expected on an incoming segment. */
	get nxt(): number {
		return this.v[RCV_NXT];
	}
	set nxt(x: number) {
		this.v[RCV_NXT] = x;
	}
	/** RCV.WND: receive window (bytes) we advertise. */
	get wnd(): number {
		return this.v[RCV_WND];
	}
	set wnd(x: number) {
		this.v[RCV_WND] = x;
	}
}

/**
 * SO_KEEPALIVE on one socket (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6): its settings (Linux
 * TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT; the OS preset's defaults unless the program set
 * them) and the keep-alive timer. Null on a socket without SO_KEEPALIVE, so idle sockets pay
 * nothing for it.
 */
export interface Keepalive {
	/** Idle time before the first probe, ms (Linux `tcp_keepalive_time`). */
	idleMs: number;
	/** Time between unanswered probes, ms (`tcp_keepalive_intvl`). */
	intvlMs: number;
	/** Unanswered probes before the connection is dropped (`tcp_keepalive_probes`). */
	cnt: number;
	/** Probes sent since the peer was last heard from (Linux `icsk_probes_out`). */
	probesOut: number;
	/** When the peer was last heard from: an acceptable segment with ACK arrived (Linux `rcv_tstamp`), ms. */
	lastHeard: number;
	/** Timer deadline, ms, or -1 when stopped. */
	deadline: number;
	/** Time of the queue event that will look at {@link deadline}, or -1. */
	queuedAt: number;
}

/** A SEND call not yet fully segmentized (the user's send buffer). */
export interface SendChunk {
	/** Bytes of this call still to segmentize. */
	len: number;
	/** Payload text, shown on the call's first segment. */
	text: string | undefined;
	/** Its first segment has been sent. */
	started: boolean;
	/** The next SEND call, or null for the latest. */
	next: SendChunk | null;
}

/** A segment that arrived ahead of RCV.NXT, held until the gap fills (§3.10.7.4 seventh step). */
export interface OutOfOrderSegment {
	seq: number;
	len: number;
	/** It carried the peer's FIN. */
	fin: boolean;
	/** Arrival order on this connection (larger = later): SACK blocks list the latest first (RFC 2018 §4). */
	order: number;
}

/**
 * The persist timer (zero-window probes, RFC 9293 §3.8.6.1; tcp-flow.ts): made when the peer's
 * window first shuts with data waiting, dropped once the timer is stopped, its queue event has
 * run and no probe is outstanding (FreeBSD and Linux likewise allocate their SACK scoreboard
 * holes only when needed). A connection whose peer never shuts its window never allocates one:
 * as four TCB fields it cost every socket 24 bytes more (`npm run bench`, idle ESTABLISHED
 * connection: 2,225 → 2,161 heap bytes, with the invalid-ACK throttle below out of the number store).
 */
export interface PersistState {
	/** Timer deadline, ms, or −1 when stopped. */
	deadline: number;
	/** Time of the queue event that will look at {@link deadline}, or −1. */
	queuedAt: number;
	/** Zero-window probes sent since the window last opened (Linux `icsk_probes_out`): the backoff exponent. */
	probesOut: number;
	/** A one-byte zero-window probe (the byte at SND.UNA) was sent and is not yet acknowledged. */
	probeOutstanding: boolean;
}

/**
 * The ACK throttle for replies to invalid segments (`preset.invalidAck`; Linux
 * `tp->last_oow_ack_time`, RFC 5961 §7), made at the first such ACK (most connections never send
 * one).
 */
export interface InvalidAckWindow {
	/** When the current window opened, ms. */
	start: number;
	/** ACKs to invalid segments sent in it. */
	sent: number;
}

/**
 * A sender's loss-recovery state (tcp-recovery.ts, tcp-cc.ts), created at the first sign of
 * loss (a duplicate ACK, a SACK block, a timeout or a tail loss probe) and kept for the
 * connection's life; a connection that never loses anything never allocates one. Sequence
 * numbers are SND-space; times are ms.
 */
export interface LossState {
	/** In fast recovery (RFC 5681 §3.2, RFC 6582, RFC 6675 §5) until SND.UNA passes {@link recoveryPoint}. */
	inRecovery: boolean;
	/** RFC 6675 RecoveryPoint / RFC 6582 `recover`: SND.NXT when recovery (or the last timeout) began. */
	recoveryPoint: number;
	/** Segments marked lost have been retransmitted by the timer and not yet acknowledged (RTO recovery). */
	afterRto: boolean;
	/** RACK.xmit_ts (RFC 8985 §6.1): send time of the most recently sent segment delivered so far; -1 none. */
	rackXmitTs: number;
	/**
	 * In place of RACK.end_seq: that segment's transmission order ({@link RtxSegment.sentOrder}),
	 * which breaks ties in send time (see `sentAfter` in tcp-recovery.ts); 0 none.
	 */
	rackXmitOrder: number;
	/** RACK.rtt: the RTT measured from that segment, ms. */
	rackRtt: number;
	/** RACK.reordering_seen: a segment was delivered below one delivered earlier (RFC 8985 §6.2 step 3). */
	reorderingSeen: boolean;
	/** RACK.segs_sacked-style count: the highest SEG.SEQ SACKed or cumulatively ACKed so far. */
	highestDelivered: number;
	/** TLP (RFC 8985 §7): a probe is outstanding (TLPRxtOut) … */
	tlpRxtOut: boolean;
	/** … and SND.NXT when it was sent (TLPHighRxt). */
	tlpHighRxt: number;
	/** The probe retransmitted old data (not new data). */
	tlpWasRetransmission: boolean;
	/** CUBIC (RFC 9438 §4): W_max, segments, before the last reduction … */
	wMax: number;
	/** … the previous W_max (fast convergence, §4.7) … */
	wLastMax: number;
	/** … K, seconds … */
	k: number;
	/** … when the current congestion-avoidance epoch began, ms (-1: not begun) … */
	epochStart: number;
	/** … and the Reno-friendly estimate W_est, segments (§4.3). */
	wEst: number;
}

/**
 * What only a listener keeps: its backlog, SYN queue and accept queue (Linux: the listening
 * socket's `icsk_accept_queue` and `sk_max_ack_backlog`; FreeBSD keeps `sol_qlimit`,
 * `sol_incqlen` and `sol_qlen` in the part of `struct socket` that only listening sockets use,
 * sys/sys/socketvar.h). Allocated by listen(), so the other sockets (every connection) pay one
 * null field for it (`npm run bench`: 48 heap bytes less per socket).
 */
export interface ListenQueues {
	/** Its backlog, min(listen() backlog, somaxconn) (Linux `sk_max_ack_backlog`). */
	backlog: number;
	/** The program calls accept() itself (scenario `manualaccept`); else at once. */
	manualAccept: boolean;
	/** Half-open children in SYN-RECEIVED (Linux `inet_csk_reqsk_queue_len`). */
	synQueueLen: number;
	/** Established children waiting for accept(), oldest first (Linux `sk_ack_backlog`). */
	acceptQueue: Tcb[] | null;
	/** accept() calls blocked waiting for a connection. */
	pendingAccepts: number;
	/** When its SYN queue last overflowed, ms (Linux `last_overflow`), or -Infinity. */
	synOverflowAt: number;
	/** Number of children created so far. */
	childCount: number;
}

/**
 * A socket's address family and IPv6 options ({@link Tcb.family}): `'inet'` (AF_INET);
 * `'inet6'` (AF_INET6, dual-stack: IPV6_V6ONLY off); `'inet6-v6only'` (IPV6_V6ONLY on, RFC 3493
 * §5.3); `'inet6-mapped'` (an IPv4 connection accepted by a dual-stack listener, seen through
 * IPv4-mapped addresses, RFC 4291 §2.5.5.2).
 */
export type SocketFamily = 'inet' | 'inet6' | 'inet6-v6only' | 'inet6-mapped';

/** How a socket holds its local port (see `TcpSocket.bind`, `connect`, and accepted children). */
export type PortHold = 'none' | 'bind' | 'autobind' | 'connect' | 'child';

/**
 * What TCP needs of the host it runs on, beyond {@link HostContext}: the host's TCP port table,
 * its ISN generator, and its tables of listeners and connections (FreeBSD's `tcbinfo`, Linux's
 * listening and established hashes). Implemented by `Host` (host.ts).
 */
export interface TcpHost extends HostContext {
	/** TCP port table (ephemeral allocation, bind conflicts, TIME-WAIT tuples). */
	readonly tcpPorts: PortTable;
	/** ISN stream for this host (RFC 9293 §3.4.1: an ISN is chosen per connection). */
	readonly isnRng: Rng;
	/** Listening sockets by local port (AF_INET). */
	readonly listeners: Map<number, Tcb>;
	/** AF_INET6 listening sockets by local port (dual-stack or IPV6_V6ONLY; see `Host.listenerFor`). */
	readonly listeners6: Map<number, Tcb>;
	/** Port table of the AF_INET6 sockets' binds (see `Host.tcpPorts6`). */
	readonly tcpPorts6: PortTable;
	/** IPV6_V6ONLY of a new AF_INET6 socket on this host's OS (ipv6.ts). */
	readonly v6onlyDefault: boolean;
	/** The listener a SYN from `remoteIp` to `port` reaches (`Host.listenerFor`). */
	listenerFor(port: number, remoteIp: string): Tcb | undefined;
	/** Local ports from which this host injected scripted segments (they never answer with RST). */
	readonly scriptedPorts: ReadonlySet<number>;
	/** Every TCP socket on the host, in creation order (CLOSED ones too, unless forgotten). */
	readonly tcpSockets: readonly Tcb[];
	/** The connection (not a listener) with this 4-tuple, if any (a TCB, or a TIME-WAIT record); the local IP is the host's. */
	lookup(localPort: number, remoteIp: string, remotePort: number): Tcb | TimeWaitConn | undefined;
	/** Enter a connection in the table {@link lookup} searches (its 4-tuple must be free). */
	addConn(t: Tcb | TimeWaitConn): void;
	/** Remove a connection from that table. */
	removeConn(t: Tcb | TimeWaitConn): void;
	/** The TIME-WAIT records of this host (tcp-timewait.ts), in the order they began. */
	readonly timeWaits: TimeWaitList;
	/**
	 * Create the child socket `<listenerId>.<n>` of listener `l` for an arriving SYN.
	 * @throws SimError if a socket the user created already has that id.
	 */
	tcpChild(l: Tcb): Tcb;
	/** Forget a CLOSED socket: drop it from `tcpSockets` and the simulation's id table. */
	forget(t: Tcb): void;
	/** SYN retries, the SYN's first RTO, somaxconn and SYN cookies of this host (tcp-listen.ts). */
	readonly connectTuning: ConnectTuning;
}

/**
 * The handshake settings of a host: how a client retries its SYN and how a listener limits its
 * queues. Per OS preset in `CONNECT_TUNING` (tcp-listen.ts, with sources), overridable per host.
 */
export interface ConnectTuning {
	/** SYN retransmissions before connect() fails with ETIMEDOUT (Linux `tcp_syn_retries`). */
	synRetries: number;
	/** The SYN's retransmission timeout before the first retry, ms (doubles per retry). */
	synRtoMs: number;
	/** Largest listen() backlog (Linux `net.core.somaxconn`). */
	somaxconn: number;
	/** SYN cookies when the SYN queue overflows (Linux `tcp_syncookies` = 1). */
	syncookies: boolean;
}

/**
 * A TCB's number store, initialised: RCV.WND, the initial RTO, SRTT −1 (no sample yet), timers
 * stopped (−1), cwnd and ssthresh Infinity, TS.Recent −1.
 */
function newNumbers(initialRtoMs: number): number[] {
	// A fractional value first, so the array holds unboxed doubles from the start.
	const v = [0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, 0, 0, -1, Infinity, Infinity, -1, -1, 0, 0, 0, 0, -1, -1, -1, -1];
	v[ISS] = 0;
	v[RCV_WND] = TCP_TUNING.rcvWnd;
	v[RTO] = initialRtoMs;
	v[SRTT] = -1;
	return v;
}

/** Queue event kind of the retransmission timer (tcp-timer.ts). */
export const TIMER_REXMT = 10;
/** Queue event kind of the 2MSL timer: the TIME-WAIT wait, and the FIN-WAIT-2 timeout. */
export const TIMER_2MSL = 11;
/** Queue event kind of the keep-alive timer (tcp-keepalive.ts). */
export const TIMER_KEEP = 12;
/** Queue event kind of the persist timer (zero-window probes, tcp-flow.ts). */
export const TIMER_PERSIST = 13;
/** Queue event kind of the delayed-ACK timer (tcp-delack.ts). */
export const TIMER_DELACK = 14;

/**
 * The TCB of one connection. `TcpSocket` (tcp-socket.ts) extends it with the user calls, so one
 * object is both the user's socket and its TCB, as in the kernels (Linux's `struct tcp_sock`
 * begins with its `struct sock`).
 *
 * It receives its own timers' events (through its {@link TimerForwarder}); `TcpSocket.onEvent`
 * hands them to tcp-timer.ts.
 */
export abstract class Tcb implements EventTarget {
	// ----- the socket pair (§3.3.1: "local and remote IP addresses and port numbers") and state

	/**
	 * Socket id, unique in the trace: the user's, else `<host>#<n>` (`Host.tcp`) or
	 * `<listenerId>.<n>` for a listener's child, spelled out when first read.
	 */
	get id(): string {
		return (this.idText ??= this.listener !== null ? `${this.listener.id}.${this.childNumber}` : generatedSocketId(this.host.name, this.idNumber));
	}
	/**
	 * The id as given or once spelled out; null until then. Nothing reads the id of a socket the
	 * engine numbered while the trace is not recorded (`record: false`), so the lifecycle
	 * benchmark builds no id string (two per lifecycle, one kept by the TIME-WAIT record).
	 */
	private idText: string | null;
	/** n of a `<host>#<n>` id (0 for the others). */
	private readonly idNumber: number;
	/**
	 * n of this socket's id `<host>#<n>` while that id has not been spelled out, else −1 (a
	 * TIME-WAIT record keeps the number rather than the string, tcp-timewait.ts).
	 */
	get unspelledIdNumber(): number {
		return this.idText === null && this.listener === null ? this.idNumber : -1;
	}
	/** The host whose TCP this connection belongs to (its IP is the local address). */
	readonly host: TcpHost;
	/**
	 * Current state (§3.3.2). From TIME-WAIT on, the connection lives in a compact record
	 * ({@link timeWait}) and the socket reports that record's state: TIME-WAIT, then CLOSED.
	 */
	get state(): TcpState {
		// (only a TCB that entered TIME-WAIT can have given way to a record: the other states skip the look-up)
		const st = this.st;
		if (st !== 'TIME-WAIT') return st;
		const tw = this.timeWait;
		return tw === null ? st : tw.state;
	}
	set state(s: TcpState) {
		this.st = s;
		if (this.timeWait !== null) {
			// a new connection on this socket: its timers start afresh (the record keeps the old events)
			this.timers = null;
			this.twoMslDeadline = -1;
			this.twoMslQueuedAt = -1;
		}
	}
	private st: TcpState = 'CLOSED';
	/**
	 * The TIME-WAIT record that took this connection over (tcp-timewait.ts), or null. The record
	 * does not point back: once the program drops this socket, the socket is garbage while the
	 * record waits out 2MSL. It is reached through the 2MSL timer's forwarder, which the record
	 * took over, rather than through a field of its own (8 bytes per socket: `benchIdleMemory`
	 * counts every field of an idle connection's two sockets).
	 */
	get timeWait(): TimeWaitConn | null {
		const f = this.timers;
		return f === null || f.to === this || f.to === null ? null : (f.to as TimeWaitConn);
	}
	/**
	 * The target of this TCB's queued timer events ({@link TimerForwarder}), made when a timer
	 * first starts; in TIME-WAIT it leads to the record. Null again once the TCB is deleted.
	 */
	timers: TimerForwarder | null = null;
	/** Local port (0 while unbound). */
	localPort = 0;
	/** Remote address ('0.0.0.0' while unconnected). */
	remoteIp = '0.0.0.0';
	/**
	 * Local address on the wire: the host's IPv4 or IPv6 address (set by connect() and for
	 * accepted connections); for a listener, the unspecified address of its family.
	 */
	localIp: string;
	/**
	 * The socket's address family and IPv6 options, read through {@link inet6}, {@link v6only}
	 * and {@link mapped}. One field for the three facts (they combine in only four ways): as
	 * three fields they cost every socket 16 bytes more (`npm run bench`, idle ESTABLISHED
	 * connection: 2,161 → 2,129 heap bytes).
	 */
	family: SocketFamily = 'inet';
	/** AF_INET6 socket (socket(AF_INET6, …)); false for AF_INET. */
	get inet6(): boolean {
		return this.family !== 'inet';
	}
	/** IPV6_V6ONLY of an AF_INET6 socket (RFC 3493 §5.3); the default comes from the OS preset. */
	get v6only(): boolean {
		return this.family === 'inet6-v6only';
	}
	/**
	 * An IPv4 connection accepted by a dual-stack AF_INET6 listener: the application (and `ss`)
	 * sees both addresses as IPv4-mapped IPv6 addresses, `::ffff:192.0.2.1` (RFC 4291 §2.5.5.2,
	 * RFC 3493 §3.7); on the wire it is plain IPv4.
	 */
	get mapped(): boolean {
		return this.family === 'inet6-mapped';
	}
	/** Called after every state change (happy-eyeballs.ts watches its two attempts). */
	onState?: (t: Tcb) => void;
	/** Remote port (0 while unconnected). */
	remotePort = 0;

	// ----- send sequence variables

	/** The TCB's numbers, unboxed (see the note on `ISS`, `SND_UNA`, … above). */
	private readonly v: number[];
	/** ISS: initial send sequence number. */
	get iss(): number {
		return this.v[ISS];
	}
	set iss(x: number) {
		this.v[ISS] = x;
	}
	/** SND.UNA, SND.NXT, SND.WND, SND.WL1, SND.WL2. */
	readonly snd: SendSequence;

	// ----- receive sequence variables

	/** IRS: initial receive sequence number. */
	get irs(): number {
		return this.v[IRS];
	}
	set irs(x: number) {
		this.v[IRS] = x;
	}
	/** RCV.NXT, RCV.WND. */
	readonly rcv: ReceiveSequence;

	// ----- queues (§3.3.1: "pointers to the user's send and receive buffers, … to the retransmit queue")

	/** SEND calls not yet fully segmentized: the oldest, linked to the later ones; null when none. */
	sendQueue: SendChunk | null = null;
	/** The latest SEND call on {@link sendQueue}, where the next one is appended. */
	sendQueueTail: SendChunk | null = null;
	/** Bytes accepted by send() and not yet segmentized (the sum over {@link sendQueue}). */
	unsent = 0;
	/**
	 * Segments sent and not yet acknowledged; null when there are none (see {@link rtxQueue}).
	 * Made by the first send and dropped when an ACK empties it, unless loss recovery (whose RACK
	 * state compares transmission orders across flights) has begun: an idle connection keeps no
	 * queue, 64 bytes per socket (`npm run bench`, idle ESTABLISHED connection: 2,129 → 2,001
	 * heap bytes).
	 */
	rtx: RetransmissionQueue | null = null;
	/** Segments received ahead of RCV.NXT, in sequence order (null while there are none). */
	outOfOrder: OutOfOrderSegment[] | null = null;

	// ----- closing

	/** CLOSE issued: our FIN goes out once the send queue is empty. */
	get finPending(): boolean {
		return (this.bits & FIN_PENDING) !== 0;
	}
	set finPending(x: boolean) {
		this.bits = x ? this.bits | FIN_PENDING : this.bits & ~FIN_PENDING;
	}
	/** Our FIN has been sent (it is the last octet before SND.NXT). */
	get finSent(): boolean {
		return (this.bits & FIN_SENT) !== 0;
	}
	set finSent(x: boolean) {
		this.bits = x ? this.bits | FIN_SENT : this.bits & ~FIN_SENT;
	}
	/** CLOSE arrived in SYN-RECEIVED with data queued; it waits for ESTABLISHED (§3.10.4). */
	get closeQueued(): boolean {
		return (this.bits & CLOSE_QUEUED) !== 0;
	}
	set closeQueued(x: boolean) {
		this.bits = x ? this.bits | CLOSE_QUEUED : this.bits & ~CLOSE_QUEUED;
	}
	/** The peer's FIN has arrived (read() at end of stream returns 0). */
	get peerFin(): boolean {
		return (this.bits & PEER_FIN) !== 0;
	}
	set peerFin(x: boolean) {
		this.bits = x ? this.bits | PEER_FIN : this.bits & ~PEER_FIN;
	}
	/** shutdown(SHUT_RD) or close(): the program reads no more (Linux `sk_shutdown & RCV_SHUTDOWN`). */
	get shutRd(): boolean {
		return (this.bits & SHUT_RD) !== 0;
	}
	set shutRd(x: boolean) {
		this.bits = x ? this.bits | SHUT_RD : this.bits & ~SHUT_RD;
	}
	/** shutdown(SHUT_WR) or close(): the program sends no more; our FIN follows the queued data. */
	get shutWr(): boolean {
		return (this.bits & SHUT_WR) !== 0;
	}
	set shutWr(x: boolean) {
		this.bits = x ? this.bits | SHUT_WR : this.bits & ~SHUT_WR;
	}
	/** SO_KEEPALIVE settings and timer, or null when the option is off (the default). */
	keepalive: Keepalive | null = null;

	// ----- retransmission (RFC 6298) and timers (tcp-timer.ts)

	/** RTO: current retransmission timeout, ms. */
	get rto(): number {
		return this.v[RTO];
	}
	set rto(x: number) {
		this.v[RTO] = x;
	}
	/** SRTT: smoothed round-trip time, ms; -1 before the first sample. */
	get srtt(): number {
		return this.v[SRTT];
	}
	set srtt(x: number) {
		this.v[SRTT] = x;
	}
	/** RTTVAR: round-trip time variation, ms (Linux: `rttvar_us`, the variance term itself, ≥ tcp_rto_min). */
	get rttvar(): number {
		return this.v[RTTVAR];
	}
	set rttvar(x: number) {
		this.v[RTTVAR] = x;
	}
	/** Linux `mdev_us`: 4 × the mean deviation, ms (the `'linux'` estimator only). */
	get mdev(): number {
		return this.v[MDEV];
	}
	set mdev(x: number) {
		this.v[MDEV] = x;
	}
	/** Linux `mdev_max_us`: the largest `mdev` in the current round trip, at least tcp_rto_min, ms. */
	get mdevMax(): number {
		return this.v[MDEV_MAX];
	}
	set mdevMax(x: number) {
		this.v[MDEV_MAX] = x;
	}
	/** Linux `rtt_seq`: SND.NXT when the round trip being measured began (RTTVAR decays once per round trip). */
	get rttSeq(): number {
		return this.v[RTT_SEQ];
	}
	set rttSeq(x: number) {
		this.v[RTT_SEQ] = x;
	}
	/** Consecutive expiries of the retransmission timer (reset by an ACK that advances SND.UNA). */
	retries = 0;
	/** ACK throttle for replies to invalid segments (tcp-input.ts), or null before the first such ACK. */
	invalidAcks: InvalidAckWindow | null = null;
	/** Retransmission timer: deadline in ms, or -1 when stopped. */
	get rexmtDeadline(): number {
		return this.v[REXMT_DEADLINE];
	}
	set rexmtDeadline(x: number) {
		this.v[REXMT_DEADLINE] = x;
	}
	/** Time of the queue event that will look at {@link rexmtDeadline}, or -1 (see tcp-timer.ts). */
	get rexmtQueuedAt(): number {
		return this.v[REXMT_QUEUED_AT];
	}
	set rexmtQueuedAt(x: number) {
		this.v[REXMT_QUEUED_AT] = x;
	}
	/** 2MSL timer (TIME-WAIT, FIN-WAIT-2 timeout): deadline in ms, or -1 when stopped. */
	get twoMslDeadline(): number {
		return this.v[TWO_MSL_DEADLINE];
	}
	set twoMslDeadline(x: number) {
		this.v[TWO_MSL_DEADLINE] = x;
	}
	/** Time of the queue event that will look at {@link twoMslDeadline}, or -1. */
	get twoMslQueuedAt(): number {
		return this.v[TWO_MSL_QUEUED_AT];
	}
	set twoMslQueuedAt(x: number) {
		this.v[TWO_MSL_QUEUED_AT] = x;
	}

	// ----- options negotiated on the SYN (RFC 7323, RFC 2018) and congestion control (RFC 5681)

	/** Both SYNs carried SACK-permitted (RFC 2018 §2): SACK blocks may be sent and used. */
	get sackOk(): boolean {
		return (this.bits & SACK_OK) !== 0;
	}
	set sackOk(x: boolean) {
		this.bits = x ? this.bits | SACK_OK : this.bits & ~SACK_OK;
	}
	/** Both SYNs carried Timestamps (RFC 7323 §3.2): every later segment carries TSval/TSecr. */
	get tsOk(): boolean {
		return (this.bits & TS_OK) !== 0;
	}
	set tsOk(x: boolean) {
		this.bits = x ? this.bits | TS_OK : this.bits & ~TS_OK;
	}
	/** Snd.Wind.Shift (RFC 7323 §2.2): the peer's window field is shifted left by this; 0 = no scaling. */
	sndWscale = 0;
	/** Rcv.Wind.Shift: our window field is shifted right by this when sent; 0 = no scaling. */
	rcvWscale = 0;
	/** cwnd: congestion window, bytes (RFC 5681 §2); Infinity when the preset models none. */
	get cwnd(): number {
		return this.v[CWND];
	}
	set cwnd(x: number) {
		this.v[CWND] = x;
	}
	/** ssthresh: slow-start threshold, bytes (RFC 5681 §3.1); Infinity until the first loss. */
	get ssthresh(): number {
		return this.v[SSTHRESH];
	}
	set ssthresh(x: number) {
		this.v[SSTHRESH] = x;
	}
	/** Duplicate ACKs in a row (RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT; RFC 6675 DupAcks). */
	dupAcks = 0;
	/** SYN or SYN,ACK retransmissions by the timer (RFC 5681 §3.1: they shrink the initial window). */
	synRetransmits = 0;
	/** Loss-recovery, RACK-TLP and CUBIC state, allocated at the first sign of loss (null before). */
	loss: LossState | null = null;
	/** Which timer the retransmission timer slot is running (as Linux's one `icsk_pending` slot): see tcp-timer.ts. */
	rexmtMode: 0 | 1 | 2 = 0;
	/** RACK min_RTT (RFC 8985 §6.1; Linux `tcp_min_rtt`), ms: the smallest RTT sample so far; -1 before any. */
	get minRtt(): number {
		return this.v[MIN_RTT];
	}
	set minRtt(x: number) {
		this.v[MIN_RTT] = x;
	}
	/** The last {@link WindowEvent} values recorded for this socket (see `traceWindow`), or null. */
	lastWindowTrace: { sndWnd: number; rcvWnd: number; inFlight: number; cwnd: number; ssthresh: number } | null = null;

	// ----- options state and flow control (tcp-options.ts, tcp-flow.ts)

	/** Both SYNs carried Window Scale (RFC 7323 §2.2), so both shifts apply (either may be 0). */
	get wscaleOk(): boolean {
		return (this.bits & WSCALE_OK) !== 0;
	}
	set wscaleOk(x: boolean) {
		this.bits = x ? this.bits | WSCALE_OK : this.bits & ~WSCALE_OK;
	}
	/** MSS the peer announced in its SYN (RFC 9293 §3.7.1; 536 when it sent none, MUST-15). */
	peerMss = 536;
	/**
	 * Eff.snd.MSS: the largest payload we put in one segment (RFC 9293 §3.7.1, less 12 bytes of
	 * timestamps); lowered further by Packet Too Big / fragmentation needed (tcp-pmtu.ts, RFC 8201).
	 */
	sndMss: number = TCP_TUNING.mss;
	/** TS.Recent (RFC 7323 §4.3): the peer's latest TSval, echoed as TSecr; −1 before any. */
	get tsRecent(): number {
		return this.v[TS_RECENT];
	}
	set tsRecent(x: number) {
		this.v[TS_RECENT] = x;
	}
	/** When TS.Recent was last updated (ms of virtual time), for PAWS and tcp_tw_reuse; −1 before any. */
	get tsRecentAt(): number {
		return this.v[TS_RECENT_AT];
	}
	set tsRecentAt(x: number) {
		this.v[TS_RECENT_AT] = x;
	}
	/** Offset added to the host's millisecond clock to make TSval (Linux `ts_off`, per address pair). */
	get tsOffset(): number {
		return this.v[TS_OFFSET];
	}
	set tsOffset(x: number) {
		this.v[TS_OFFSET] = x;
	}
	/** Receive buffer (bytes): RCV.WND never exceeds it less the unread bytes (the preset's `tcp.rcvBuf`). */
	rcvBuf: number = TCP_TUNING.rcvWnd;
	/** Largest SND.WND the peer has offered (RFC 9293 §3.8.6.2.1 "Max(SND.WND)"). */
	get maxSndWnd(): number {
		return this.v[MAX_SND_WND];
	}
	set maxSndWnd(x: number) {
		this.v[MAX_SND_WND] = x;
	}
	/** Persist timer and zero-window probing (tcp-flow.ts), or null while the timer has nothing to do. */
	persist: PersistState | null = null;

	// ----- delayed ACK (tcp-delack.ts; the preset's `delack`)

	/** Segments received in order since our last ACK (Linux `inet_csk_ack_scheduled()`, BSD `t_unacksegs`); 0 = no ACK owed. */
	ackOwed = 0;
	/** RCV.NXT carried by our last ACK (Linux `rcv_wup`, BSD `last_ack_sent`). */
	get rcvWup(): number {
		return this.v[RCV_WUP];
	}
	set rcvWup(x: number) {
		this.v[RCV_WUP] = x;
	}
	/** Delayed-ACK timer: deadline in ms, or −1 when stopped (Linux `icsk_ack.timeout`, BSD TT_DELACK). */
	get delackDeadline(): number {
		return this.v[DELACK_DEADLINE];
	}
	set delackDeadline(x: number) {
		this.v[DELACK_DEADLINE] = x;
	}
	/** Time of the queue event that will look at {@link delackDeadline}, or −1. */
	get delackQueuedAt(): number {
		return this.v[DELACK_QUEUED_AT];
	}
	set delackQueuedAt(x: number) {
		this.v[DELACK_QUEUED_AT] = x;
	}
	/** Linux `icsk_ack.ato`: the current delayed-ACK timeout, ms; 0 before the first data segment. */
	ato = 0;
	/** ACKs still to send at once (Linux `icsk_ack.quick`, XNU `t_forced_acks`). */
	quickAcks = 0;
	/** Linux pingpong (interactive) mode: the ACK of a request waits to ride on the reply. */
	get pingpong(): boolean {
		return (this.bits & PINGPONG) !== 0;
	}
	set pingpong(x: boolean) {
		this.bits = x ? this.bits | PINGPONG : this.bits & ~PINGPONG;
	}
	/** Linux `icsk_ack.lrcvtime`: when the last data segment arrived, ms. */
	get lrcvtime(): number {
		return this.v[LRCVTIME];
	}
	set lrcvtime(x: number) {
		this.v[LRCVTIME] = x;
	}

	// ----- the application's side (BSD sockets)

	/**
	 * The application reads data as soon as it arrives (default). When false, received data waits
	 * for `read()`, and close() with unread data sends RST (§3.6.1 SHLD-3, Linux `tcp_close`).
	 */
	get autoRead(): boolean {
		return (this.bits & AUTO_READ) !== 0;
	}
	/** Bytes received in order and not yet read by the application. */
	unread = 0;
	/** Total payload bytes delivered in order by the peer. */
	bytesReceived = 0;
	/** Total payload bytes accepted by send(). */
	bytesQueued = 0;
	/** The application called close() or abort() (the socket is orphaned). */
	get appClosed(): boolean {
		return (this.bits & APP_CLOSED) !== 0;
	}
	set appClosed(x: boolean) {
		this.bits = x ? this.bits | APP_CLOSED : this.bits & ~APP_CLOSED;
	}

	// ----- the local port and the listener

	/** How the local port is held: bind()/autobind (exclusive), connect(), or inherited. */
	hold: PortHold = 'none';
	/** The 4-tuple is registered in the host's port table. */
	get tupleRegistered(): boolean {
		return (this.bits & TUPLE_REGISTERED) !== 0;
	}
	set tupleRegistered(x: boolean) {
		this.bits = x ? this.bits | TUPLE_REGISTERED : this.bits & ~TUPLE_REGISTERED;
	}
	/** A bind is held in the port table (bind/autobind, possibly plus a tuple). */
	get bindHeld(): boolean {
		return (this.bits & BIND_HELD) !== 0;
	}
	set bindHeld(x: boolean) {
		this.bits = x ? this.bits | BIND_HELD : this.bits & ~BIND_HELD;
	}
	/** SO_REUSEADDR was given to bind(). */
	get reuseAddr(): boolean {
		return (this.bits & REUSE_ADDR) !== 0;
	}
	set reuseAddr(x: boolean) {
		this.bits = x ? this.bits | REUSE_ADDR : this.bits & ~REUSE_ADDR;
	}
	/** bind(0) with SO_REUSE_UNICASTPORT: the port is chosen at connect() (Windows). */
	get deferredBind(): boolean {
		return (this.bits & DEFERRED_BIND) !== 0;
	}
	set deferredBind(x: boolean) {
		this.bits = x ? this.bits | DEFERRED_BIND : this.bits & ~DEFERRED_BIND;
	}
	/** The listener that created this socket (accepted and half-open children), else null. */
	listener: Tcb | null = null;
	/** How SYN-RECEIVED was reached (MUST-11), or null before any connection. */
	origin: 'passive' | 'active' | null = null;
	/** accept() has returned this child (it reached ESTABLISHED). */
	get accepted(): boolean {
		return (this.bits & ACCEPTED) !== 0;
	}
	set accepted(x: boolean) {
		this.bits = x ? this.bits | ACCEPTED : this.bits & ~ACCEPTED;
	}
	/** Child: counted in its listener's SYN queue (a passive child in SYN-RECEIVED). */
	get inSynQueue(): boolean {
		return (this.bits & IN_SYN_QUEUE) !== 0;
	}
	set inSynQueue(x: boolean) {
		this.bits = x ? this.bits | IN_SYN_QUEUE : this.bits & ~IN_SYN_QUEUE;
	}
	/** Listener: its backlog, queues and counters, made by the first listen(); null on other sockets. */
	queues: ListenQueues | null = null;
	/** Child: its number n in `<listenerId>.<n>`, else 0. */
	childNumber = 0;
	/** The simulation's id table holds this socket (user-chosen ids only). */
	get byId(): boolean {
		return (this.bits & BY_ID) !== 0;
	}
	set byId(x: boolean) {
		this.bits = x ? this.bits | BY_ID : this.bits & ~BY_ID;
	}
	/** Index in `host.tcpSockets` (-1 once forgotten). */
	hostIndex = -1;

	/** The flags above, as bits (see `FIN_PENDING`, `FIN_SENT`, … at the top). */
	private bits = 0;

	/**
	 * @param id - the socket's id, or the n of `<host>#<n>` (0 for a listener's child, whose
	 *   id follows from its listener and {@link childNumber}).
	 */
	constructor(host: TcpHost, id: string | number, autoRead: boolean) {
		this.v = newNumbers(host.preset.rto.initialMs);
		// Initial window (RFC 6928 IW10, RFC 5681 §3.1), bytes; tcp-cc.ts keeps it from here on.
		this.cwnd = host.preset.loss.initialWindow * TCP_TUNING.mss;
		this.snd = new SendSequence(this.v);
		this.rcv = new ReceiveSequence(this.v);
		this.host = host;
		this.idText = typeof id === 'string' ? id : null;
		this.idNumber = typeof id === 'number' ? id : 0;
		if (autoRead) this.bits = AUTO_READ;
		this.localIp = host.ip;
		this.rcvBuf = host.preset.tcp.rcvBuf;
		// The SYN's window is never scaled (RFC 7323 §2.2): at most 65,535 until the handshake is done.
		this.rcv.wnd = Math.min(this.rcvBuf, 65535);
	}

	/** Timer dispatch from the event queue (implemented by `TcpSocket`). */
	abstract onEvent(kind: number, arg: unknown, time: number): void;
}

/**
 * (Re)start the retransmission timer: it expires RTO ms from now (RFC 6298 §5.1, §5.3).
 *
 * Timers are lazy: at most one queue event per timer is pending, at the earliest deadline asked
 * for. Moving the deadline later costs nothing now; the event, when it fires before the
 * deadline, queues itself again for the deadline (`timerFired` in tcp-timer.ts).
 */
export function startRexmtTimer(t: Tcb): void {
	armRexmtSlot(t, t.host.core.queue.now + t.rto, REXMT_RTO);
}

/** {@link Tcb.rexmtMode}: the slot runs the retransmission timeout (RFC 6298). */
export const REXMT_RTO = 0;
/** The slot runs RACK-TLP's probe timeout (RFC 8985 §7.2; Linux ICSK_TIME_LOSS_PROBE). */
export const REXMT_TLP = 1;
/** The slot runs RACK's reordering timer (RFC 8985 §6.3; Linux ICSK_TIME_REO_TIMEOUT). */
export const REXMT_REO = 2;

/**
 * Arm the retransmission timer's slot to expire at `at` (ms) running timer `mode`. As in Linux
 * (one `icsk_pending` slot for RTO, loss probe and reordering timeout), arming one replaces the
 * other; lazy, as {@link startRexmtTimer}.
 */
export function armRexmtSlot(t: Tcb, at: number, mode: 0 | 1 | 2): void {
	t.rexmtDeadline = at;
	t.rexmtMode = mode;
	if (t.rexmtQueuedAt < 0 || t.rexmtQueuedAt > at) {
		t.rexmtQueuedAt = at;
		t.host.core.queue.push(at, timerTarget(t), TIMER_REXMT, null);
	}
}

/**
 * RFC 8985 §7.2 WCDelAckT: the worst-case delayed-ACK time a loss probe waits for when a single
 * segment is in flight, ms (Linux adds `tcp_rto_min`, 200 ms, in `tcp_schedule_loss_probe()`).
 */
export const TLP_WC_DEL_ACK_MS = 200;

/**
 * (Re)arm the retransmission slot after sending new data or after an ACK of new data: stopped
 * when nothing is outstanding; the tail loss probe when the preset uses RACK-TLP, SACK is on,
 * data is outstanding in a synchronized state and no loss recovery, timeout recovery or probe is
 * under way (RFC 8985 §7.2; Linux `tcp_schedule_loss_probe()`); otherwise the RTO.
 *
 * PTO = 2·SRTT, plus {@link TLP_WC_DEL_ACK_MS} when one segment is in flight (1 s before any RTT
 * sample), and never later than the RTO would fire.
 */
export function rearmRexmt(t: Tcb): void {
	const q = t.rtx;
	if (q === null || q.isEmpty()) {
		stopRexmtTimer(t);
		return;
	}
	const L = t.loss;
	const st = t.state;
	if (
		t.sackOk &&
		t.host.preset.loss.recovery === 'rack-tlp' &&
		(L === null || (!L.inRecovery && !L.afterRto && !L.tlpRxtOut)) &&
		(st === 'ESTABLISHED' || st === 'CLOSE-WAIT' || st === 'FIN-WAIT-1' || st === 'LAST-ACK' || st === 'CLOSING')
	) {
		let pto = t.srtt > 0 ? 2 * t.srtt + (q.length === 1 ? TLP_WC_DEL_ACK_MS : 0) : 1000;
		if (pto > t.rto) pto = t.rto;
		armRexmtSlot(t, t.host.core.queue.now + pto, REXMT_TLP);
		return;
	}
	startRexmtTimer(t);
}

/** The connection's retransmission queue, made (empty) if it had none: for appending a segment just sent. */
export function rtxQueue(t: Tcb): RetransmissionQueue {
	return (t.rtx ??= new RetransmissionQueue());
}

/** Stop the retransmission timer (RFC 6298 §5.2: all outstanding data acknowledged). */
export function stopRexmtTimer(t: Tcb): void {
	t.rexmtDeadline = -1;
}

/** Start (or move) the 2MSL timer to expire `ms` from now; lazy, as {@link startRexmtTimer}. */
export function start2MslTimer(t: Tcb, ms: number): void {
	const at = t.host.core.queue.now + ms;
	t.twoMslDeadline = at;
	if (t.twoMslQueuedAt < 0 || t.twoMslQueuedAt > at) queue2Msl(t, at);
}

/** Queue the 2MSL timer's event at `at` (ms). */
export function queue2Msl(t: Tcb, at: number): void {
	t.twoMslQueuedAt = at;
	t.host.core.queue.push(at, timerTarget(t), TIMER_2MSL, null);
}

/**
 * The target of a TCB's timer events: it hands them on to {@link to}, the TCB, then to the
 * TIME-WAIT record that takes the connection over (tcp-timewait.ts), or to nobody once the TCB
 * is deleted (tcp-state.ts `deleteTcb`). Timers are lazy ({@link startRexmtTimer}): the event of
 * a timer that was stopped or moved stays queued until its time, the SYN's retransmission event
 * 1 s after connect() for instance, and with the TCB as its target it kept the whole TCB alive
 * that long after the connection ended (the lifecycle benchmark's TCBs are done within 10 ms: ~670
 * of them, with their number stores and queues, stayed alive for the scavenger to copy). Made
 * when a timer first starts.
 */
export class TimerForwarder implements EventTarget {
	constructor(public to: EventTarget | null) {}
	onEvent(kind: number, arg: unknown, time: number): void {
		if (this.to !== null) this.to.onEvent(kind, arg, time);
	}
}

/** The target of `t`'s timer events, made if it had none. */
export function timerTarget(t: Tcb): TimerForwarder {
	return (t.timers ??= new TimerForwarder(t));
}

/**
 * The TCB's timer events stop reaching it: they go to `to` (its TIME-WAIT record, which heeds
 * only the 2MSL timer's) or nowhere (null: the TCB is deleted). Its timers are left with no
 * event queued, so a new connection on the socket queues its own.
 */
export function detachTimers(t: Tcb, to: EventTarget | null): void {
	const f = t.timers;
	if (f === null || f.to !== t) return;
	f.to = to;
	t.timers = to === null ? null : f;
	t.rexmtQueuedAt = -1;
	t.delackQueuedAt = -1;
	if (to === null) t.twoMslQueuedAt = -1;
	if (t.keepalive !== null) t.keepalive.queuedAt = -1;
	if (t.persist !== null) {
		t.persist.queuedAt = -1;
		dropPersistIfIdle(t);
	}
}

/**
 * A connection in TIME-WAIT whose TCB has been released: the compact record of tcp-timewait.ts
 * (Linux `struct tcp_timewait_sock`, FreeBSD `struct tcptw`). Declared here so that the host's
 * tables ({@link TcpHost.lookup}) and the socket ({@link Tcb.timeWait}) can refer to it.
 */
export interface TimeWaitConn extends EventTarget {
	readonly id: string;
	readonly localPort: number;
	readonly remoteIp: string;
	readonly remotePort: number;
	/** TIME-WAIT, then CLOSED once the wait ends (or a RST, a new SYN or tcp_tw_reuse ends it). */
	readonly state: 'TIME-WAIT' | 'CLOSED';
	/** Neighbours in the host's {@link TimeWaitList}. */
	prev: TimeWaitConn | null;
	next: TimeWaitConn | null;
}

/**
 * A host's TIME-WAIT records, oldest first: a list threaded through the records (a `Set` under
 * the benchmark's constant insert/delete churn rehashed its whole table every few thousand
 * operations).
 */
export interface TimeWaitList {
	first: TimeWaitConn | null;
	last: TimeWaitConn | null;
	/** The records' numbers (tcp-tw-slab.ts). */
	readonly slab: TimeWaitSlab;
}

/** Stop the 2MSL timer. */
export function stop2MslTimer(t: Tcb): void {
	t.twoMslDeadline = -1;
}

/** Start (or move) the keep-alive timer to expire `ms` from now; lazy, as {@link startRexmtTimer}. */
export function startKeepTimer(t: Tcb, ms: number): void {
	const k = t.keepalive;
	if (k === null) return;
	const at = t.host.core.queue.now + ms;
	k.deadline = at;
	if (k.queuedAt < 0 || k.queuedAt > at) {
		k.queuedAt = at;
		t.host.core.queue.push(at, timerTarget(t), TIMER_KEEP, null);
	}
}

/** Start (or move) the persist timer to expire `ms` from now; lazy, as {@link startRexmtTimer}. */
export function startPersistTimer(t: Tcb, ms: number): void {
	const at = t.host.core.queue.now + ms;
	const p = persistState(t);
	p.deadline = at;
	if (p.queuedAt < 0 || p.queuedAt > at) {
		p.queuedAt = at;
		t.host.core.queue.push(at, timerTarget(t), TIMER_PERSIST, null);
	}
}

/** The connection's {@link PersistState}, made (timer stopped, no probe sent) if it had none. */
export function persistState(t: Tcb): PersistState {
	return (t.persist ??= { deadline: -1, queuedAt: -1, probesOut: 0, probeOutstanding: false });
}

/**
 * Arm the persist timer for the next zero-window probe: max(RTO, `persistMinMs`) doubled once per
 * probe already sent, at most `persistMaxMs` (Linux `tcp_probe0_when()`, BSD `tcp_setpersist()`).
 */
export function armPersistTimer(t: Tcb): void {
	const p = t.host.preset.tcp;
	const base = t.rto > p.persistMinMs ? t.rto : p.persistMinMs;
	const ms = Math.min(base * 2 ** (t.persist?.probesOut ?? 0), p.persistMaxMs);
	startPersistTimer(t, ms);
}

/** Stop the persist timer (the window opened, or the connection ended). */
export function stopPersistTimer(t: Tcb): void {
	const p = t.persist;
	if (p === null) return;
	p.deadline = -1;
	p.probesOut = 0;
	dropPersistIfIdle(t);
}

/**
 * Drop the {@link PersistState} once it holds nothing a missing one would not: timer stopped, no
 * queue event pending (a pending event must find the record it was queued for), no probes counted
 * and none outstanding.
 */
export function dropPersistIfIdle(t: Tcb): void {
	const p = t.persist;
	if (p !== null && p.deadline < 0 && p.queuedAt < 0 && p.probesOut === 0 && !p.probeOutstanding) t.persist = null;
}

/** Start (or move earlier) the delayed-ACK timer to expire at `at` (ms); lazy, as {@link startRexmtTimer}. */
export function startDelackTimer(t: Tcb, at: number): void {
	t.delackDeadline = at;
	if (t.delackQueuedAt < 0 || t.delackQueuedAt > at) {
		t.delackQueuedAt = at;
		t.host.core.queue.push(at, timerTarget(t), TIMER_DELACK, null);
	}
}

/**
 * A segment carrying ACK = RCV.NXT leaves (data, FIN or a pure ACK): nothing is owed any more and
 * the delayed-ACK timer stops (Linux `tcp_event_ack_sent()` → `inet_csk_clear_xmit_timer(sk,
 * ICSK_TIME_DACK)`, BSD `tcp_output()` clearing TF_DELACK). An ACK that covered received data
 * uses up one quick ACK; the last one sets the ATO back to its minimum (Linux
 * `tcp_dec_quickack_mode()`).
 */
export function ackSent(t: Tcb): void {
	if (t.ackOwed > 0) {
		t.ackOwed = 0;
		if (t.quickAcks > 0 && --t.quickAcks === 0 && t.ato > 0) t.ato = t.host.preset.delack.atoMinMs;
	}
	t.rcvWup = t.rcv.nxt;
	t.delackDeadline = -1;
}

/**
 * New data (or our FIN) is sent: on Linux, a reply sent within one ATO of the last data received
 * puts the connection in pingpong mode (`tcp_event_data_sent()`; `tcp_pingpong_thresh` = 1).
 */
export function dataSent(t: Tcb): void {
	if (t.ato > 0 && t.host.preset.delack.linuxAto && t.host.core.queue.now - t.lrcvtime < t.ato) t.pingpong = true;
}

/** Our FIN has been sent and acknowledged: SND.UNA has reached SND.NXT, whose last octet is the FIN. */
export function finAcked(t: Tcb): boolean {
	return t.finSent && t.snd.una === t.snd.nxt;
}
