/**
 * Output: putting a TCB's segments on the wire (FreeBSD tcp_output.c).
 *
 * - {@link output} segmentizes queued SEND data within the send window, then sends the FIN once
 *   every preceding SEND has been segmentized (RFC 9293 §3.10.2, §3.10.4), putting each segment
 *   on the retransmission queue and starting the retransmission timer.
 * - {@link sendSegment} builds one segment from the TCB: `<SEQ=seq><ACK=RCV.NXT><WND=RCV.WND>`.
 * - {@link sendAck} is `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`. Every segment with the ACK bit
 *   carries RCV.NXT, so it also pays a delayed ACK that was owed (tcp-delack.ts).
 * - {@link sendWithoutTcb} answers for a port with no TCB (RST from CLOSED or LISTEN, §3.10.7.1–2).
 *
 * What may be in flight is limited by min(cwnd, SND.WND) (RFC 5681 §3, RFC 9293 §3.8.6): new
 * data goes out only while {@link bytesInFlight} + the segment ≤ cwnd and it fits the peer's
 * window (a segment is never split to fit cwnd; it waits). ACKs carry SACK blocks (tcp-sack.ts)
 * and SYNs SACK-permitted when the preset offers it.
 *
 * Model limits (docs/tcp-deviations.md): every send() starts a new segment and its last
 * segment carries PSH, no Nagle.
 *
 * @module
 */

import type { HostContext } from './node';
import { sendsTimestamps, synOptions, tsEcr, tsOffsetFor, tsVal, windowField } from './tcp-options';
import { ackSent, armPersistTimer, dataSent, rearmRexmt, REXMT_TLP, rtxQueue, stopPersistTimer, TCP_TUNING, type SendChunk, type Tcb } from './tcb';
import { sackBlocks } from './tcp-sack';
import { F_ACK, F_FIN, F_PSH, F_SYN, seqAdd, seqDiff, type TcpPacket } from './wire';

/** Queue a SEND call's bytes behind the earlier ones (the user's send buffer, RFC 9293 §3.10.2). */
export function appendSend(t: Tcb, chunk: SendChunk): void {
	if (t.sendQueueTail === null) t.sendQueue = chunk;
	else t.sendQueueTail.next = chunk;
	t.sendQueueTail = chunk;
}

/**
 * Put one segment from `t` on the wire. The ACK field is RCV.NXT when the ACK bit is set, the
 * window is RCV.WND (scaled, tcp-options.ts `windowField`; `wnd` in the packet is in bytes); a
 * SYN carries the options of tcp-options.ts `synOptions`, later segments the timestamps once
 * negotiated.
 * @param retransmission - marks a resent segment in the trace.
 */
export function sendSegment(t: Tcb, flags: number, seq: number, len: number, text: string | undefined, retransmission: boolean): void {
	const h = t.host;
	if (flags & F_SYN && !(flags & F_ACK)) t.tsOffset = tsOffsetFor(t.localIp, t.remoteIp);
	const field = windowField(t, flags);
	const options = flags & F_SYN ? synOptions(t, (flags & F_ACK) !== 0) : undefined;
	const ts = sendsTimestamps(t, flags);
	const seg: TcpPacket = {
		proto: 'TCP',
		srcIp: t.localIp,
		dstIp: t.remoteIp,
		ttl: TCP_TUNING.ttl,
		id: 0,
		sport: t.localPort,
		dport: t.remotePort,
		flags,
		seq,
		ack: flags & F_ACK ? t.rcv.nxt : 0,
		len,
		wnd: flags & F_SYN ? field : field * (1 << t.rcvWscale),
		payload: text,
		retransmission,
		// in the literal even when undefined: a property added afterwards moves to a separate
		// property store, one more allocation per segment (lifecycle benchmark: 450 of the 8,300 bytes
		// allocated per lifecycle, by the sampling heap profiler)
		options,
		tsVal: ts ? tsVal(t) : undefined,
		tsEcr: ts ? tsEcr(t, flags) : undefined
	};
	// SACK blocks on ACKs once SACK-permitted was negotiated (RFC 2018 §3-4; tcp-sack.ts).
	if (!(flags & F_SYN) && flags & F_ACK) {
		const sack = sackBlocks(t);
		if (sack !== undefined) seg.options = { sack };
	}
	// Any segment with ACK = RCV.NXT pays what was owed: a delayed ACK rides on it (tcp-delack.ts).
	if (flags & F_ACK) ackSent(t);
	h.net.transmit(seg, h);
}

/**
 * Bytes in flight: RFC 6675's `pipe` — every byte sent and neither SACKed nor marked lost, plus
 * every byte retransmitted since it was marked lost and not yet acknowledged. Before any sign of
 * loss that is simply SND.NXT − SND.UNA (RFC 5681 FlightSize).
 */
export function bytesInFlight(t: Tcb): number {
	if (t.loss === null) return seqDiff(t.snd.nxt, t.snd.una);
	let pipe = 0;
	for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) {
		if (s.sacked) continue;
		if (!s.lost) pipe += s.len;
		if (s.rexmitOut) pipe += s.len;
	}
	return pipe;
}

/**
 * Record a `window` trace event for `t` (SND.WND, RCV.WND, bytes in flight, cwnd, ssthresh) if
 * any of them changed since the last record for this socket. Call after anything that changes
 * one of them; calling it when nothing changed records nothing.
 */
export function traceWindow(t: Tcb): void {
	if (!t.host.core.record) return; // nothing to record: skip the work (benchmarks)
	const inFlight = bytesInFlight(t);
	const last = t.lastWindowTrace;
	if (
		last !== null &&
		last.sndWnd === t.snd.wnd &&
		last.rcvWnd === t.rcv.wnd &&
		last.inFlight === inFlight &&
		last.cwnd === t.cwnd &&
		last.ssthresh === t.ssthresh
	)
		return;
	t.lastWindowTrace = { sndWnd: t.snd.wnd, rcvWnd: t.rcv.wnd, inFlight, cwnd: t.cwnd, ssthresh: t.ssthresh };
	const core = t.host.core;
	core.events.push({
		kind: 'window',
		t: core.queue.now,
		host: t.host.name,
		socket: t.id,
		sndWnd: t.snd.wnd,
		rcvWnd: t.rcv.wnd,
		inFlight,
		cwnd: Number.isFinite(t.cwnd) ? t.cwnd : null,
		ssthresh: Number.isFinite(t.ssthresh) ? t.ssthresh : null
	});
}

/** `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` */
export function sendAck(t: Tcb): void {
	sendSegment(t, F_ACK, t.snd.nxt, 0, undefined, false);
}

/**
 * Segmentize up to `max` bytes (at most one MSS) of queued SEND data as the next segment: it goes
 * on the retransmission queue and SND.NXT advances. The last segment of a SEND call carries PSH.
 * Does not start a timer. @returns the bytes sent.
 */
export function sendQueuedData(t: Tcb, max: number): number {
	const snd = t.snd;
	const chunk = t.sendQueue!; // the caller checked unsent > 0: a SEND call is waiting
	let n = chunk.len < t.sndMss ? chunk.len : t.sndMss;
	if (n > max) n = max;
	const text = chunk.started ? undefined : chunk.text;
	chunk.started = true;
	chunk.len -= n;
	const flags = chunk.len === 0 ? F_ACK | F_PSH : F_ACK;
	if (chunk.len === 0) {
		t.sendQueue = chunk.next;
		if (t.sendQueue === null) t.sendQueueTail = null;
	}
	t.unsent -= n;
	const seq = snd.nxt;
	rtxQueue(t).push(seq, n, flags, text, t.host.core.queue.now);
	sendSegment(t, flags, seq, n, text, false);
	snd.nxt = seqAdd(seq, n);
	dataSent(t);
	return n;
}

/**
 * Send what the TCB may send now: queued data, in segments of Eff.snd.MSS, as far as the send
 * window (SND.UNA + SND.WND) allows; then the FIN if CLOSE was called and no data is left. Only in
 * ESTABLISHED, CLOSE-WAIT, FIN-WAIT-1 and LAST-ACK (data queued in SYN-SENT or SYN-RECEIVED waits
 * for ESTABLISHED). Starts the retransmission timer if it was stopped.
 *
 * Sender-side silly window avoidance: a segment is sent only when all of it fits in the usable
 * window (Linux `tcp_snd_wnd_test()`: a full MSS, or the whole rest of a SEND call; RFC 9293
 * §3.8.6.2.1 would also send when the usable window is at least half the largest window
 * offered). When data waits for the window and nothing is in flight, the persist timer is armed
 * (RFC 9293 §3.8.6.1; tcp-flow.ts sends the probes).
 * @returns true if at least one segment was sent.
 */
export function output(t: Tcb): boolean {
	const st = t.state;
	if (st !== 'ESTABLISHED' && st !== 'CLOSE-WAIT' && st !== 'FIN-WAIT-1' && st !== 'LAST-ACK') return false;
	const snd = t.snd;
	const now = t.host.core.queue.now;
	let sent = false;
	const persist = t.persist;
	if (persist !== null && persist.probeOutstanding && snd.wnd > 0 && snd.nxt !== snd.una) {
		// The window opened while our one-byte probe (at SND.UNA) was refused: send it again
		// first, as BSD does by pulling SND.NXT back to SND.UNA (tcp_output()).
		const head = t.rtx?.head();
		if (head !== undefined) {
			t.rtx!.resent(head, now);
			sendSegment(t, head.flags, head.seq, head.len, head.text, true);
			sent = true;
		}
		persist.probeOutstanding = false;
	}
	let inFlight = t.unsent > 0 ? bytesInFlight(t) : 0;
	while (t.unsent > 0) {
		const window = snd.wnd - seqDiff(snd.nxt, snd.una); // usable window: SND.UNA + SND.WND − SND.NXT
		const chunk = t.sendQueue!;
		const n = chunk.len < t.sndMss ? chunk.len : t.sndMss;
		if (n > window) break;
		if (inFlight + n > t.cwnd) break; // RFC 5681 §3: in flight ≤ cwnd (the segment waits for ACKs)
		sendQueuedData(t, n);
		inFlight += n;
		sent = true;
	}
	if (t.finPending && !t.finSent && t.unsent === 0) {
		const seq = snd.nxt;
		t.finSent = true;
		rtxQueue(t).push(seq, 0, F_FIN | F_ACK, undefined, now);
		sendSegment(t, F_FIN | F_ACK, seq, 0, undefined, false);
		snd.nxt = seqAdd(seq, 1);
		dataSent(t);
		sent = true;
	}
	if (sent) {
		stopPersistTimer(t);
		// RFC 6298 §5.1: start the timer if it is not running; RFC 8985 §7.2: (re)schedule the
		// loss probe after new data
		if (t.rexmtDeadline < 0 || t.rexmtMode === REXMT_TLP) rearmRexmt(t);
	} else if (t.unsent > 0 && snd.nxt === snd.una && (t.persist === null || t.persist.deadline < 0)) {
		armPersistTimer(t);
	}
	traceWindow(t);
	return sent;
}

/**
 * Send a segment that belongs to no TCB: the RST answering a segment for a CLOSED port or an ACK
 * reaching a listener (RFC 9293 §3.10.7.1–2). Window 0, no payload.
 */
export function sendWithoutTcb(host: HostContext, flags: number, sport: number, dstIp: string, dport: number, seq: number, ack: number, wnd = 0): void {
	const srcIp = host.srcFor(dstIp);
	if (srcIp === null) return;
	const seg: TcpPacket = {
		proto: 'TCP',
		srcIp,
		dstIp,
		ttl: TCP_TUNING.ttl,
		id: 0,
		sport,
		dport,
		flags,
		seq: seq >>> 0,
		ack: flags & F_ACK ? ack >>> 0 : 0,
		len: 0,
		wnd,
		retransmission: false
	};
	host.net.transmit(seg, host);
}
