/**
 * TCP timers (FreeBSD tcp_timer.c) and the retransmission timeout (RFC 6298).
 *
 * A TCB has two timers, each a deadline in the TCB (tcb.ts starts and stops them):
 * - the **retransmission timer** (RFC 9293 §3.10.8, RFC 6298 §5): on expiry the oldest
 *   unacknowledged segment is resent, the RTO doubles (at most `maxRtoMs`), and after too many
 *   expiries in a row the connection is given up (ETIMEDOUT);
 * - the **2MSL timer** (FreeBSD `tt_2msl`): the TIME-WAIT wait (the preset's `timeWaitMs`), and
 *   on Linux the FIN-WAIT-2 timeout of an orphaned socket (`tcp_fin_timeout`).
 *
 * The RTO follows RFC 6298 §2 (K = 4, G = 1 ms) and Karn's rule (§3: no sample from a
 * retransmitted segment), clamped to [`minRtoMs`, `maxRtoMs`] of {@link TCP_TUNING}.
 * Sources for the limits: RFC 6298 §2.4 (1 s minimum), Linux `TCP_RTO_MAX` (120 s),
 * `tcp_syn_retries` (6), `tcp_synack_retries` (5), `tcp_retries2` (15). No RST is sent on giving up.
 *
 * Where later timers belong: per-OS RTO floors and delayed ACKs, keepalive, the persist timer
 * and RACK-TLP's probe timeout are further timers of the same kind (a deadline in the TCB,
 * started in tcb.ts, handled in {@link timerFired}).
 *
 * @module
 */

import { sendSegment } from './tcp-output';
import { toClosed } from './tcp-state';
import { startRexmtTimer, TCP_TUNING, TIMER_2MSL, TIMER_REXMT, type Tcb } from './tcb';

/**
 * Update SRTT, RTTVAR and RTO with a round-trip sample of `r` ms (RFC 6298 §2.2–2.3, K = 4,
 * G = 1 ms), then clamp the RTO to [minRtoMs, maxRtoMs] (§2.4, Linux `TCP_RTO_MAX`).
 */
export function rttSample(t: Tcb, r: number): void {
	if (t.srtt < 0) {
		t.srtt = r;
		t.rttvar = r / 2;
	} else {
		t.rttvar = 0.75 * t.rttvar + 0.25 * Math.abs(t.srtt - r);
		t.srtt = 0.875 * t.srtt + 0.125 * r;
	}
	let rto = t.srtt + Math.max(1, 4 * t.rttvar);
	if (rto < TCP_TUNING.minRtoMs) rto = TCP_TUNING.minRtoMs;
	if (rto > TCP_TUNING.maxRtoMs) rto = TCP_TUNING.maxRtoMs;
	t.rto = rto;
}

/**
 * A timer's queue event fired at `time` (ms). An event that is no longer the timer's pending one
 * is ignored; one that fires before the (moved) deadline queues itself again for it; otherwise
 * the timer expires.
 */
export function timerFired(t: Tcb, kind: number, time: number): void {
	if (kind === TIMER_REXMT) {
		if (time !== t.rexmtQueuedAt) return;
		t.rexmtQueuedAt = -1;
		const d = t.rexmtDeadline;
		if (d < 0) return;
		if (d > time) {
			t.rexmtQueuedAt = d;
			t.host.core.queue.push(d, t, TIMER_REXMT, null);
			return;
		}
		t.rexmtDeadline = -1;
		retransmissionTimeout(t);
	} else if (kind === TIMER_2MSL) {
		if (time !== t.twoMslQueuedAt) return;
		t.twoMslQueuedAt = -1;
		const d = t.twoMslDeadline;
		if (d < 0) return;
		if (d > time) {
			t.twoMslQueuedAt = d;
			t.host.core.queue.push(d, t, TIMER_2MSL, null);
			return;
		}
		t.twoMslDeadline = -1;
		twoMslTimeout(t);
	}
}

/**
 * RETRANSMISSION TIMEOUT (RFC 9293 §3.10.8; RFC 6298 §5.4–5.6): resend the oldest unacknowledged
 * segment, double the RTO, restart the timer — or give up after the state's retry limit.
 */
function retransmissionTimeout(t: Tcb): void {
	const seg = t.rtx.head();
	if (seg === undefined) return;
	t.retries++;
	const st = t.state;
	const max = st === 'SYN-SENT' ? TCP_TUNING.synRetries : st === 'SYN-RECEIVED' ? TCP_TUNING.synAckRetries : TCP_TUNING.dataRetries;
	if (t.retries > max) {
		giveUp(t, max);
		return;
	}
	t.rto = Math.min(t.rto * 2, TCP_TUNING.maxRtoMs);
	seg.retransmitted = true;
	seg.sentAt = t.host.core.queue.now;
	sendSegment(t, seg.flags, seg.seq, seg.len, seg.text, true);
	startRexmtTimer(t);
}

/** Too many retransmissions: ETIMEDOUT for the application (none for a half-open child), TCB deleted. */
function giveUp(t: Tcb, max: number): void {
	const st = t.state;
	if (st === 'SYN-SENT') {
		t.host.errorEvent(t.id, 'connect', 'ETIMEDOUT', `connect(): connection timed out: no answer after ${max} SYN retransmissions (Linux tcp_syn_retries = ${max})`);
		toClosed(t, 'retransmission timeout: give up (ETIMEDOUT)');
	} else if (st === 'SYN-RECEIVED' && t.origin === 'passive') {
		toClosed(t, `retransmission timeout: give up after ${max} SYN,ACK retransmissions (Linux tcp_synack_retries)`);
	} else {
		t.host.errorEvent(t.id, 'send', 'ETIMEDOUT', `connection timed out: ${max} retransmissions unanswered (Linux tcp_retries2 = ${max})`);
		toClosed(t, 'retransmission timeout: give up (ETIMEDOUT)');
	}
}

/** The 2MSL timer expired: TIME-WAIT ends, or an orphaned FIN-WAIT-2 socket is closed (Linux). */
function twoMslTimeout(t: Tcb): void {
	if (t.state === 'TIME-WAIT') {
		// (the cause text is only recorded with record: true; do not build it otherwise)
		toClosed(t, t.host.core.record ? `TIME-WAIT timeout (2×MSL = ${t.host.preset.timeWaitMs / 1000} s)` : '');
	} else if (t.state === 'FIN-WAIT-2') {
		toClosed(t, `FIN-WAIT-2 timeout (Linux tcp_fin_timeout = ${TCP_TUNING.linuxFinTimeoutMs / 1000} s)`);
	}
}
