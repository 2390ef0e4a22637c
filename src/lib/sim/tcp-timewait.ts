/**
 * TIME-WAIT as a compact record, as the kernels keep it. Linux `tcp_time_wait()`
 * (net/ipv4/tcp_minisocks.c) allocates an `inet_timewait_sock` (`inet_twsk_alloc()`,
 * net/ipv4/inet_timewait_sock.c) holding the 4-tuple, `tw_snd_nxt`, `tw_rcv_nxt`, `tw_rcv_wnd`,
 * `tw_ts_recent`/`tw_ts_recent_stamp`, `tw_ts_offset`, `tw_last_oow_ack_time`, the substate and
 * one timer, hands it the socket's place in the established hash and its bind bucket, and frees
 * the full socket (`tcp_done()`). FreeBSD `tcp_twstart()` (sys/netinet/tcp_timewait.c) does the
 * same with `struct tcptw` (`snd_nxt`, `rcv_nxt`, `ts_recent`, `t_recent`, `last_win`).
 *
 * Here the TCB (the {@link Tcb} that is also the program's `TcpSocket`) enters TIME-WAIT as
 * before (tcp-state.ts `enterTimeWait`); once the segment that brought it there has been
 * processed, {@link releaseToTimeWait} moves the connection into a {@link TimeWait} record: the
 * host's demultiplexing table, its list of TIME-WAIT connections and the 2MSL timer's queued
 * event point at the record, and nothing of the engine points at the socket any more. A program
 * that still holds the socket reads `state` through the record (TIME-WAIT, then CLOSED); one that
 * dropped it lets the garbage collector free the ~1 KB TCB at once instead of a minute later.
 *
 * What TIME-WAIT does (RFC 9293 §3.10.7.4 for the TIME-WAIT state; tcp-input.ts
 * `timeWaitInput`): a retransmitted FIN is acknowledged again and restarts the 2MSL wait; a RST
 * ends it unless the preset follows RFC 1337; a SYN with SEG.SEQ > RCV.NXT reopens the
 * connection through the listener (RFC 6191); tcp_tw_reuse may take the 4-tuple over
 * (tcp-tw-reuse.ts). The window a TIME-WAIT ACK advertises is the one last advertised, fixed
 * from then on (Linux `tw_rcv_wnd`): the application reading its last unread bytes during
 * TIME-WAIT does not open it again (docs/tcp-deviations.md).
 *
 * `npm run bench` (lifecycle benchmark, 20,000 lifecycles with ~20,000 TIME-WAITs alive at once):
 * the record is what survives the young-generation collections in place of the full TCB; see
 * the commit message for the figures.
 *
 * @module
 */

import { detachTimers, TIMER_2MSL, timerTarget, TCP_TUNING, type InvalidAckWindow, type PortHold, type SocketFamily, type Tcb, type TcpHost, type TimeWaitConn } from './tcb';
import { generatedSocketId } from './node';
import type { TcpState } from './trace';
import { CLOSED_BLOCK } from './tcp-tw-slab';
import { F_ACK, mapped4, type TcpPacket } from './wire';

// The record's numbers sit unboxed in its block of the host's TIME-WAIT slab (tcp-tw-slab.ts):
// as object fields, sequence numbers and TSvals above 2^31 and fractional times would each be a
// separate heap box, one more object per number for the garbage collector to copy. Offsets in
// the block:
const SND_NXT = 0;
const RCV_NXT = 1;
const RCV_WND = 2;
const TS_OFFSET = 3;
const TS_RECENT = 4;
const TS_RECENT_AT = 5;
const DEADLINE = 6;
const QUEUED_AT = 7;
const ISS = 8;
const IRS = 9;
const RCV_WSCALE = 10;
const SND_MSS = 11;
const UNREAD = 12;

// The record's flags, as bits of one small integer (as the TCB's, tcb.ts), with its address
// family and how the socket held its port as small codes in the bits above them: with
// Rcv.Wind.Shift, Eff.snd.MSS and the unread bytes in the slab block, 7 fields (56 bytes) less
// per record object, of which the lifecycle benchmark keeps ~20,000 alive (see tcp-tw-slab.ts
// for the figures); the codes, the state read from the block and the rarely set fields in
// {@link TimeWaitExtra}, 5 more (record object 160 → 120 bytes).
const TUPLE_REGISTERED = 1;
const BIND_HELD = 2;
const TS_OK = 4;
/** `bits >> FAMILY_SHIFT & 3` indexes {@link FAMILIES}; `bits >> HOLD_SHIFT` indexes {@link HOLDS}. */
const FAMILY_SHIFT = 3;
const HOLD_SHIFT = 5;
const FAMILIES: readonly SocketFamily[] = ['inet', 'inet6', 'inet6-v6only', 'inet6-mapped'];
const HOLDS: readonly PortHold[] = ['none', 'bind', 'autobind', 'connect', 'child'];

/** What few TIME-WAIT records carry over from their TCB; made only for those. */
interface TimeWaitExtra {
	/** The throttle of ACKs to invalid segments (Linux `tw_last_oow_ack_time`). */
	invalidAcks: InvalidAckWindow | null;
	/** The listener's id, for an accepted connection. */
	listenerId: string | undefined;
	/** The socket, kept only when a watcher (`onState`, happy-eyeballs.ts) must hear of CLOSED. */
	watched: Tcb | null;
}

/** A connection in TIME-WAIT: what is left of its TCB (see the module doc). */
export class TimeWait implements TimeWaitConn {
	/** TIME-WAIT until the wait ends or something ends it; then CLOSED (the record's block is given back). */
	get state(): 'TIME-WAIT' | 'CLOSED' {
		return this.c === CLOSED_BLOCK ? 'CLOSED' : 'TIME-WAIT';
	}
	readonly host: TcpHost;
	/** The socket's id (trace events keep naming the connection by it). */
	get id(): string {
		return (this.idText ??= generatedSocketId(this.host.name, this.idNumber));
	}
	/** The id, or null while it is a `<host>#<n>` id not yet spelled out (as the TCB's, `Tcb.id`). */
	private idText: string | null;
	private readonly idNumber: number;
	readonly localIp: string;
	readonly localPort: number;
	readonly remoteIp: string;
	readonly remotePort: number;
	/** The socket's address family and IPv6 options, as on the TCB (`Tcb.family`). */
	private get family(): SocketFamily {
		return FAMILIES[(this.bits >> FAMILY_SHIFT) & 3];
	}
	/** An AF_INET6 socket with IPv4-mapped addresses; AF_INET6; its IPV6_V6ONLY (as on the TCB). */
	get mapped(): boolean {
		return this.family === 'inet6-mapped';
	}
	get inet6(): boolean {
		return this.family !== 'inet';
	}
	get v6only(): boolean {
		return this.family === 'inet6-v6only';
	}
	/** How the socket held its port, and what of it the record now holds (as on the TCB; tcp-state.ts `deleteTcb`). */
	get hold(): PortHold {
		return HOLDS[this.bits >> HOLD_SHIFT];
	}
	/** `TUPLE_REGISTERED`, `BIND_HELD`, `TS_OK`, then the family's and the hold's codes. */
	private bits: number;
	get tupleRegistered(): boolean {
		return (this.bits & TUPLE_REGISTERED) !== 0;
	}
	set tupleRegistered(x: boolean) {
		this.bits = x ? this.bits | TUPLE_REGISTERED : this.bits & ~TUPLE_REGISTERED;
	}
	get bindHeld(): boolean {
		return (this.bits & BIND_HELD) !== 0;
	}
	set bindHeld(x: boolean) {
		this.bits = x ? this.bits | BIND_HELD : this.bits & ~BIND_HELD;
	}
	/** Timestamps (RFC 7323) were negotiated. */
	get tsOk(): boolean {
		return (this.bits & TS_OK) !== 0;
	}
	/** The throttle of ACKs to invalid segments, carried over from the TCB (Linux `tw_last_oow_ack_time`). */
	get invalidAcks(): InvalidAckWindow | null {
		return this.extra === null ? null : this.extra.invalidAcks;
	}
	set invalidAcks(x: InvalidAckWindow | null) {
		if (this.extra !== null) this.extra.invalidAcks = x;
		else if (x !== null) this.extra = { invalidAcks: x, listenerId: undefined, watched: null };
	}
	/** Rarely set fields, or null. */
	private extra: TimeWaitExtra | null;
	/** The record's numbers: its block in the host's slab, as a chunk and the offset in it (`CLOSED_BLOCK` once closed). */
	private c: Float64Array;
	private o: number;

	/** SND.NXT (Linux `tw_snd_nxt`); SND.UNA equals it, since our FIN is acknowledged. */
	get sndNxt(): number {
		return this.c[this.o + SND_NXT];
	}
	/** RCV.NXT (Linux `tw_rcv_nxt`). */
	get rcvNxt(): number {
		return this.c[this.o + RCV_NXT];
	}
	set rcvNxt(x: number) {
		this.c[this.o + RCV_NXT] = x;
	}
	/** RCV.WND as last advertised, fixed from here on (Linux `tw_rcv_wnd`). */
	get rcvWnd(): number {
		return this.c[this.o + RCV_WND];
	}
	/** The connection's TSval offset (Linux `tw_ts_offset`). */
	get tsOffset(): number {
		return this.c[this.o + TS_OFFSET];
	}
	/** TS.Recent (Linux `tw_ts_recent`) and when it was last updated (`tw_ts_recent_stamp`), for PAWS and tcp_tw_reuse. */
	get tsRecent(): number {
		return this.c[this.o + TS_RECENT];
	}
	set tsRecent(x: number) {
		this.c[this.o + TS_RECENT] = x;
	}
	get tsRecentAt(): number {
		return this.c[this.o + TS_RECENT_AT];
	}
	set tsRecentAt(x: number) {
		this.c[this.o + TS_RECENT_AT] = x;
	}
	/** The 2MSL timer: deadline in ms, or −1 once stopped; lazy, as tcb.ts `start2MslTimer`. */
	get deadline(): number {
		return this.c[this.o + DEADLINE];
	}
	set deadline(x: number) {
		this.c[this.o + DEADLINE] = x;
	}
	/** Time of the 2MSL timer's queued event, or −1. */
	get queuedAt(): number {
		return this.c[this.o + QUEUED_AT];
	}
	set queuedAt(x: number) {
		this.c[this.o + QUEUED_AT] = x;
	}
	/** ISS and IRS, for `Simulation.sockets()` with `record: false`. */
	get iss(): number {
		return this.c[this.o + ISS];
	}
	get irs(): number {
		return this.c[this.o + IRS];
	}
	/** Rcv.Wind.Shift (RFC 7323): the window field is RCV.WND shifted right by it. */
	get rcvWscale(): number {
		return this.c[this.o + RCV_WSCALE];
	}
	/** Eff.snd.MSS (a Packet Too Big may still lower it, tcp-pmtu.ts). */
	get sndMss(): number {
		return this.c[this.o + SND_MSS];
	}
	set sndMss(x: number) {
		this.c[this.o + SND_MSS] = x;
	}
	/** For `Simulation.sockets()` with `record: false` (the socket itself is then forgotten). */
	get unread(): number {
		return this.c[this.o + UNREAD];
	}
	/** The listener's id, for an accepted connection. */
	get listenerId(): string | undefined {
		return this.extra === null ? undefined : this.extra.listenerId;
	}
	/** Neighbours in the host's list of TIME-WAIT records (`TcpHost.timeWaits`). */
	prev: TimeWaitConn | null = null;
	next: TimeWaitConn | null = null;

	constructor(t: Tcb) {
		this.host = t.host;
		const n = t.unspelledIdNumber;
		this.idText = n < 0 ? t.id : null;
		this.idNumber = n < 0 ? 0 : n;
		this.localIp = t.localIp;
		this.localPort = t.localPort;
		this.remoteIp = t.remoteIp;
		this.remotePort = t.remotePort;
		this.bits =
			(t.tupleRegistered ? TUPLE_REGISTERED : 0) |
			(t.bindHeld ? BIND_HELD : 0) |
			(t.tsOk ? TS_OK : 0) |
			(FAMILIES.indexOf(t.family) << FAMILY_SHIFT) |
			(HOLDS.indexOf(t.hold) << HOLD_SHIFT);
		const slab = t.host.timeWaits.slab;
		const b = slab.alloc();
		const v = slab.chunk;
		v[b + SND_NXT] = t.snd.nxt;
		v[b + RCV_NXT] = t.rcv.nxt;
		v[b + RCV_WND] = t.rcv.wnd;
		v[b + TS_OFFSET] = t.tsOffset;
		v[b + TS_RECENT] = t.tsRecent;
		v[b + TS_RECENT_AT] = t.tsRecentAt;
		v[b + DEADLINE] = t.twoMslDeadline;
		v[b + QUEUED_AT] = t.twoMslQueuedAt;
		v[b + ISS] = t.iss;
		v[b + IRS] = t.irs;
		v[b + RCV_WSCALE] = t.rcvWscale;
		v[b + SND_MSS] = t.sndMss;
		v[b + UNREAD] = t.unread;
		this.c = v;
		this.o = b;
		const listener = t.listener;
		this.extra =
			t.invalidAcks !== null || listener !== null || t.onState !== undefined
				? { invalidAcks: t.invalidAcks, listenerId: listener?.id, watched: t.onState !== undefined ? t : null }
				: null;
	}

	/**
	 * The 2MSL timer's event, lazy as tcp-timer.ts `timerFired`. (The TCB's other timers' stale
	 * events come here too, through the forwarder the record took over, and are ignored.)
	 */
	onEvent(kind: number, _arg: unknown, time: number): void {
		if (kind !== TIMER_2MSL || time !== this.queuedAt) return;
		this.queuedAt = -1;
		const d = this.deadline;
		if (d < 0) return;
		if (d > time) {
			this.queuedAt = d;
			this.host.core.queue.push(d, this, TIMER_2MSL, null);
			return;
		}
		this.deadline = -1;
		// (the cause text is only recorded with record: true; do not build it otherwise)
		closeTimeWait(this, this.host.core.record ? `TIME-WAIT timeout (2×MSL = ${this.host.preset.timeWaitMs / 1000} s)` : '');
	}

	/** Record a state change as tcp-state.ts `setState` does for a TCB. */
	private stateEvent(to: TcpState, cause: string): void {
		const core = this.host.core;
		const w = this.extra === null ? null : this.extra.watched;
		if (w !== null && w.onState !== undefined) core.queue.push(core.queue.now, { onEvent: () => w.onState?.(w) }, 0, null);
		if (!core.record) return;
		core.events.push({
			kind: 'state',
			t: core.queue.now,
			host: this.host.name,
			socket: this.id,
			local: { ip: this.mapped ? mapped4(this.localIp) : this.localIp, port: this.localPort },
			remote: { ip: this.mapped ? mapped4(this.remoteIp) : this.remoteIp, port: this.remotePort },
			from: 'TIME-WAIT',
			to,
			cause,
			...(this.inet6 ? { v6only: this.v6only } : {})
		});
	}

	/**
	 * @internal TIME-WAIT → CLOSED (see {@link closeTimeWait}). The record's block goes back to the
	 * slab: from here on its numbers read NaN, and a 2MSL event still queued for it finds
	 * `queuedAt` unequal to its time and does nothing.
	 */
	close(cause: string): void {
		this.host.timeWaits.slab.release(this.c, this.o);
		this.c = CLOSED_BLOCK;
		this.o = 0;
		this.stateEvent('CLOSED', cause);
	}
}

/**
 * The TCB `t` has entered TIME-WAIT (tcp-state.ts `enterTimeWait`) and the segment that brought
 * it there has been processed: hand the connection to a {@link TimeWait} record (Linux
 * `inet_twsk_hashdance()`: the record takes the socket's place in the established hash and its
 * bind bucket) and release the TCB. With `record: false` the socket also leaves the host's
 * socket list (as a CLOSED one does), so nothing keeps it alive but the program.
 */
export function releaseToTimeWait(t: Tcb): TimeWait {
	const h = t.host;
	const w = new TimeWait(t);
	h.removeConn(t);
	h.addConn(w);
	const list = h.timeWaits;
	w.prev = list.last;
	if (list.last === null) list.first = w;
	else list.last.next = w;
	list.last = w;
	// The port and the 4-tuple are the record's now (tcp-state.ts deleteTcb releases nothing more).
	t.tupleRegistered = false;
	t.bindHeld = false;
	t.hold = 'none';
	// The TCB's queued timer events (the 2MSL timer's among them, tcb.ts queue2Msl) go to the
	// record from now on, and their forwarder is how the socket finds the record (Tcb.timeWait).
	timerTarget(t);
	detachTimers(t, w);
	if (!h.core.record) h.forget(t);
	return w;
}

/** Restart the 2MSL wait (a retransmitted FIN arrived, RFC 9293 §3.10.7.4); lazy, as tcb.ts `start2MslTimer`. */
export function restartTimeWaitRecord(w: TimeWait): void {
	const at = w.host.core.queue.now + w.host.preset.timeWaitMs;
	w.deadline = at;
	if (w.queuedAt < 0 || w.queuedAt > at) {
		w.queuedAt = at;
		w.host.core.queue.push(at, w, TIMER_2MSL, null);
	}
}

/**
 * End TIME-WAIT: record TIME-WAIT → CLOSED with `cause`, then release the 4-tuple and the port
 * (each release recorded as a `port` event), as tcp-state.ts `toClosed` → `deleteTcb` does for a TCB.
 */
export function closeTimeWait(w: TimeWait, cause: string): void {
	const h = w.host;
	w.close(cause);
	h.removeConn(w);
	const list = h.timeWaits;
	if (w.prev === null) list.first = w.next;
	else w.prev.next = w.next;
	if (w.next === null) list.last = w.prev;
	else w.next.prev = w.prev;
	w.prev = w.next = null;
	if (w.tupleRegistered) {
		h.tcpPorts.releaseTuple(w.localPort, w.remoteIp, w.remotePort);
		w.tupleRegistered = false;
		if (w.hold === 'connect' && h.core.record) h.portEvent('release', w.localPort, 'connect', w.id);
	}
	if (w.bindHeld) {
		// An AF_INET6 bind sits in tcpPorts6, a dual-stack one in both tables (TcpSocket.takePort).
		if (w.inet6) h.tcpPorts6.releaseBind(w.localPort);
		if (!w.inet6 || !w.v6only) h.tcpPorts.releaseBind(w.localPort);
		w.bindHeld = false;
		h.portEvent('release', w.localPort, w.hold === 'autobind' ? 'autobind' : 'bind', w.id);
	}
}

/**
 * `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` from TIME-WAIT, as tcp-output.ts `sendSegment` builds it
 * for a TCB: the window field is RCV.WND shifted right by Rcv.Wind.Shift, the timestamps are
 * echoed when negotiated, no SACK blocks (nothing is held out of order after the peer's FIN;
 * Linux `tcp_v4_timewait_ack()` sends none either).
 */
export function sendTimeWaitAck(w: TimeWait): void {
	const h = w.host;
	const scale = 1 << w.rcvWscale;
	const field = Math.min(Math.floor(w.rcvWnd / scale), 65535);
	const seg: TcpPacket = {
		proto: 'TCP',
		srcIp: w.localIp,
		dstIp: w.remoteIp,
		ttl: TCP_TUNING.ttl,
		id: 0,
		sport: w.localPort,
		dport: w.remotePort,
		flags: F_ACK,
		seq: w.sndNxt,
		ack: w.rcvNxt,
		len: 0,
		wnd: field * scale,
		payload: undefined,
		retransmission: false,
		options: undefined,
		// TSval as tcp-options.ts tsVal: the host's millisecond clock plus the connection's offset.
		tsVal: w.tsOk ? (Math.floor(h.core.queue.now) + w.tsOffset) >>> 0 : undefined,
		tsEcr: w.tsOk ? (w.tsRecent < 0 ? 0 : w.tsRecent) : undefined
	};
	h.net.transmit(seg, h);
}
