/**
 * Output: putting a TCB's segments on the wire (FreeBSD tcp_output.c).
 *
 * - {@link output} segmentizes queued SEND data within the send window, then sends the FIN once
 *   every preceding SEND has been segmentized (RFC 9293 §3.10.2, §3.10.4), putting each segment
 *   on the retransmission queue and starting the retransmission timer.
 * - {@link sendSegment} builds one segment from the TCB: `<SEQ=seq><ACK=RCV.NXT><WND=RCV.WND>`.
 * - {@link sendAck} is `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`.
 * - {@link sendWithoutTcb} answers for a port with no TCB (RST from CLOSED or LISTEN, §3.10.7.1–2).
 *
 * Model limits (docs/tcp-deviations.md): MSS 1460, every send() starts a new segment and its last
 * segment carries PSH, no Nagle, no congestion window (the send window alone limits what is in
 * flight), no zero-window probes, no TCP options.
 *
 * @module
 */

import type { HostContext } from './node';
import { startRexmtTimer, TCP_TUNING, type SendChunk, type Tcb } from './tcb';
import { F_ACK, F_FIN, F_PSH, seqAdd, seqDiff, type TcpPacket } from './wire';

/** Queue a SEND call's bytes behind the earlier ones (the user's send buffer, RFC 9293 §3.10.2). */
export function appendSend(t: Tcb, chunk: SendChunk): void {
	if (t.sendQueueTail === null) t.sendQueue = chunk;
	else t.sendQueueTail.next = chunk;
	t.sendQueueTail = chunk;
}

/**
 * Put one segment from `t` on the wire. The ACK field is RCV.NXT when the ACK bit is set, the
 * window is RCV.WND.
 * @param retransmission - marks a resent segment in the trace.
 */
export function sendSegment(t: Tcb, flags: number, seq: number, len: number, text: string | undefined, retransmission: boolean): void {
	const h = t.host;
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
		wnd: t.rcv.wnd,
		payload: text,
		retransmission
	};
	h.net.transmit(seg, h);
}

/**
 * Record a `window` trace event for `t` (SND.WND, RCV.WND, bytes in flight, cwnd, ssthresh) if
 * any of them changed since the last record for this socket. Call after anything that changes
 * one of them; calling it when nothing changed records nothing.
 */
export function traceWindow(t: Tcb): void {
	const inFlight = seqDiff(t.snd.nxt, t.snd.una);
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
 * Send what the TCB may send now: queued data, in MSS-sized segments, as far as the send window
 * (SND.UNA + SND.WND) allows; then the FIN if CLOSE was called and no data is left. Only in
 * ESTABLISHED, CLOSE-WAIT, FIN-WAIT-1 and LAST-ACK (data queued in SYN-SENT or SYN-RECEIVED waits
 * for ESTABLISHED). Starts the retransmission timer if it was stopped.
 * @returns true if at least one segment was sent.
 */
export function output(t: Tcb): boolean {
	const st = t.state;
	if (st !== 'ESTABLISHED' && st !== 'CLOSE-WAIT' && st !== 'FIN-WAIT-1' && st !== 'LAST-ACK') return false;
	const snd = t.snd;
	const now = t.host.core.queue.now;
	let sent = false;
	while (t.unsent > 0) {
		const window = snd.wnd - seqDiff(snd.nxt, snd.una); // usable window: SND.UNA + SND.WND − SND.NXT
		if (window <= 0) break;
		const chunk = t.sendQueue!; // unsent > 0: a SEND call is waiting
		let n = chunk.len < t.mss ? chunk.len : t.mss;
		if (n > window) n = window;
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
		t.rtx.push(seq, n, flags, text, now);
		sendSegment(t, flags, seq, n, text, false);
		snd.nxt = seqAdd(seq, n);
		sent = true;
	}
	if (t.finPending && !t.finSent && t.unsent === 0) {
		const seq = snd.nxt;
		t.finSent = true;
		t.rtx.push(seq, 0, F_FIN | F_ACK, undefined, now);
		sendSegment(t, F_FIN | F_ACK, seq, 0, undefined, false);
		snd.nxt = seqAdd(seq, 1);
		sent = true;
	}
	if (sent && t.rexmtDeadline < 0) startRexmtTimer(t);
	return sent;
}

/**
 * Send a segment that belongs to no TCB: the RST answering a segment for a CLOSED port or an ACK
 * reaching a listener (RFC 9293 §3.10.7.1–2). Window 0, no payload.
 */
export function sendWithoutTcb(host: HostContext, flags: number, sport: number, dstIp: string, dport: number, seq: number, ack: number): void {
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
		wnd: 0,
		retransmission: false
	};
	host.net.transmit(seg, host);
}
