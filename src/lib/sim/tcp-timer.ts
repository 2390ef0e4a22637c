/**
 * TCP timers (FreeBSD tcp_timer.c) and the retransmission timeout (RFC 6298).
 *
 * A TCB has two timers, each a deadline in the TCB (tcb.ts starts and stops them):
 * - the **retransmission timer** (RFC 9293 §3.10.8, RFC 6298 §5): on expiry the oldest
 *   unacknowledged segment is resent, the RTO doubles (at most the preset's `rto.maxMs`), and
 *   after too many expiries in a row the connection is given up (ETIMEDOUT);
 * - the **2MSL timer** (FreeBSD `tt_2msl`): the TIME-WAIT wait (the preset's `timeWaitMs`), and
 *   on Linux the FIN-WAIT-2 timeout of an orphaned socket (`tcp_fin_timeout`).
 *
 * The RTO follows the host's OS preset (`preset.rto`, os.ts), with Karn's rule everywhere (RFC
 * 6298 §3: no sample from a retransmitted segment):
 * - `'rfc6298'` (rfc9293, Windows): RFC 6298 §2.2–2.4, G = 1 ms, at least `minMs`;
 * - `'linux'`: `tcp_rtt_estimator()` and `tcp_set_rto()` (net/ipv4/tcp_input.c), with
 *   `tcp_rto_min` (200 ms) as the floor of the variance term, not of the RTO;
 * - `'bsd'` (FreeBSD, macOS): `tcp_xmit_timer()` and `TCPT_RANGESET` (sys/netinet/tcp_input.c,
 *   tcp_timer.h), which add `rexmit_slop` (200 ms).
 * SYN retries follow the host's `connectTuning` (tcp-listen.ts: Linux `tcp_syn_retries` 6, Windows
 * `TcpMaxConnectRetransmissions` 2); the other limits are Linux's for every preset:
 * `tcp_synack_retries` (5), `tcp_retries2` (15). No RST is sent on giving up.
 *
 * - the **keep-alive timer** (SO_KEEPALIVE; tcp-keepalive.ts);
 * - the **persist timer** (RFC 9293 §3.8.6.1): zero-window probes, sent by tcp-flow.ts.
 *
 * - the **delayed-ACK timer** (RFC 1122 4.2.3.2; tcp-delack.ts).
 *
 * RACK-TLP's probe and reordering timers share the retransmission timer's slot (tcb.ts).
 *
 * RFC 6298 §5.7 (the 3 s RTO once ESTABLISHED when the handshake gave no RTT sample) is applied
 * in tcp-state.ts `established()`, per the preset's `rto.fallbackMs`.
 *
 * @module
 */

import { ccOnRto, synRetransmitted } from './tcp-cc';
import { keepaliveTimeout } from './tcp-keepalive';
import { persistTimeout } from './tcp-flow';
import { sendSegment, traceWindow } from './tcp-output';
import { enterLossAfterRto, markRetransmitted, rackReorderTimeout, tlpTimeout } from './tcp-recovery';
import { toClosed } from './tcp-state';
import { dropPersistIfIdle, queue2Msl, REXMT_REO, REXMT_TLP, startRexmtTimer, TCP_TUNING, TIMER_2MSL, TIMER_DELACK, TIMER_KEEP, TIMER_PERSIST, TIMER_REXMT, timerTarget, type Tcb } from './tcb';
import { delackTimeout } from './tcp-delack';
import { F_SYN, seqDiff, seqLt } from './wire';

/**
 * Take a round-trip sample of `r` ms (from a segment sent once, Karn's rule) and update SRTT,
 * RTTVAR and the RTO with the estimator of the host's OS preset (see the module note).
 */
export function rttSample(t: Tcb, r: number): void {
	const p = t.host.preset.rto;
	if (p.estimator === 'linux') linuxRttEstimator(t, r, p.minMs);
	else rfc6298Estimator(t, r);
	let rto: number;
	if (p.estimator === 'linux') {
		// tcp_set_rto(): __tcp_set_rto() = (srtt_us >> 3) + rttvar_us, then tcp_bound_rto().
		rto = t.srtt + t.rttvar;
	} else if (p.estimator === 'bsd') {
		// tcp_xmit_timer(): TCPT_RANGESET(t_rxtcur, TCP_REXMTVAL(tp), max(t_rttmin, rtt + 2),
		// TCPTV_REXMTMAX) with TCP_REXMTVAL = max(t_rttmin, SRTT + 4·RTTVAR) and the slop added
		// first. (The handshake's sample is taken after the change to ESTABLISHED, so XNU's
		// TCP_ADD_REXMTSLOP adds the slop to it too.)
		rto = Math.max(p.minMs, t.srtt + 4 * t.rttvar) + p.slopMs;
		const floor = Math.max(p.minMs, r + 2);
		if (rto < floor) rto = floor;
	} else {
		// RFC 6298 §2.3: RTO = SRTT + max(G, K·RTTVAR), K = 4, G = 1 ms; §2.4: at least minMs.
		rto = t.srtt + Math.max(1, 4 * t.rttvar);
		if (rto < p.minMs) rto = p.minMs;
	}
	// RFC 6298 §2.5: a maximum, at least 60 s (Linux TCP_RTO_MAX 120 s, BSD TCPTV_REXMTMAX 64 s).
	if (rto > p.maxMs) rto = p.maxMs;
	t.rto = rto;
}

/** RFC 6298 §2.2–2.3: SRTT and RTTVAR with α = 1/8, β = 1/4; the first sample sets RTTVAR = R/2. */
function rfc6298Estimator(t: Tcb, r: number): void {
	if (t.srtt < 0) {
		t.srtt = r;
		t.rttvar = r / 2;
	} else {
		t.rttvar = 0.75 * t.rttvar + 0.25 * Math.abs(t.srtt - r);
		t.srtt = 0.875 * t.srtt + 0.125 * r;
	}
}

/**
 * Linux `tcp_rtt_estimator()` (net/ipv4/tcp_input.c), in ms instead of scaled microseconds.
 * `mdev` is 4 × the mean deviation (Linux keeps `mdev_us` scaled so); `rttvar` is the variance
 * term of the RTO itself: it follows the largest `mdev` of each round trip (`mdev_max_us`), never
 * falls below tcp_rto_min, and decays by a quarter of its excess once per round trip (when
 * SND.UNA passes `rtt_seq`). A sample below SRTT moves `mdev` with an eighth of the usual gain
 * (the "Eifel-like" damping of the kernel comment), so a faster ACK does not inflate the RTO.
 * The first sample gives SRTT = R, mdev = 2R, rttvar = max(2R, tcp_rto_min): RTO = R + max(2R, 200 ms).
 */
function linuxRttEstimator(t: Tcb, r: number, rtoMin: number): void {
	if (t.srtt >= 0) {
		let m = r - t.srtt; // error in the estimate
		t.srtt += m / 8; // srtt = 7/8 srtt + 1/8 new
		if (m < 0) {
			m = -m - t.mdev / 4;
			if (m > 0) m /= 8;
		} else {
			m -= t.mdev / 4;
		}
		t.mdev += m; // mdev = 3/4 mdev + 1/4 new
		if (t.mdev > t.mdevMax) {
			t.mdevMax = t.mdev;
			if (t.mdevMax > t.rttvar) t.rttvar = t.mdevMax;
		}
		if (seqLt(t.rttSeq, t.snd.una)) {
			// a round trip has passed: let rttvar decay towards this round trip's largest mdev
			if (t.mdevMax < t.rttvar) t.rttvar -= (t.rttvar - t.mdevMax) / 4;
			t.rttSeq = t.snd.nxt;
			t.mdevMax = rtoMin;
		}
	} else {
		t.srtt = r;
		t.mdev = 2 * r; // "make sure rto = 3*rtt"
		t.rttvar = Math.max(t.mdev, rtoMin);
		t.mdevMax = t.rttvar;
		t.rttSeq = t.snd.nxt;
	}
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
			t.host.core.queue.push(d, timerTarget(t), TIMER_REXMT, null);
			return;
		}
		t.rexmtDeadline = -1;
		// the slot also runs RACK-TLP's timers (tcb.ts armRexmtSlot)
		if (t.rexmtMode === REXMT_TLP) tlpTimeout(t);
		else if (t.rexmtMode === REXMT_REO) rackReorderTimeout(t);
		else retransmissionTimeout(t);
	} else if (kind === TIMER_2MSL) {
		if (time !== t.twoMslQueuedAt) return;
		t.twoMslQueuedAt = -1;
		const d = t.twoMslDeadline;
		if (d < 0) return;
		if (d > time) {
			queue2Msl(t, d);
			return;
		}
		t.twoMslDeadline = -1;
		twoMslTimeout(t);
	} else if (kind === TIMER_KEEP) {
		const k = t.keepalive;
		if (k === null || time !== k.queuedAt) return;
		k.queuedAt = -1;
		const d = k.deadline;
		if (d < 0) return;
		if (d > time) {
			k.queuedAt = d;
			t.host.core.queue.push(d, timerTarget(t), TIMER_KEEP, null);
			return;
		}
		k.deadline = -1;
		keepaliveTimeout(t);
	} else if (kind === TIMER_PERSIST) {
		const p = t.persist;
		if (p === null || time !== p.queuedAt) return;
		p.queuedAt = -1;
		const d = p.deadline;
		if (d < 0) {
			dropPersistIfIdle(t);
			return;
		}
		if (d > time) {
			p.queuedAt = d;
			t.host.core.queue.push(d, timerTarget(t), TIMER_PERSIST, null);
			return;
		}
		p.deadline = -1;
		persistTimeout(t);
	} else if (kind === TIMER_DELACK) {
		if (time !== t.delackQueuedAt) return;
		t.delackQueuedAt = -1;
		const d = t.delackDeadline;
		if (d < 0) return;
		if (d > time) {
			t.delackQueuedAt = d;
			t.host.core.queue.push(d, timerTarget(t), TIMER_DELACK, null);
			return;
		}
		t.delackDeadline = -1;
		delackTimeout(t);
	}
}

/**
 * RETRANSMISSION TIMEOUT (RFC 9293 §3.10.8; RFC 6298 §5.4–5.6): resend the oldest unacknowledged
 * segment, double the RTO, restart the timer — or give up after the state's retry limit.
 */
function retransmissionTimeout(t: Tcb): void {
	const seg = t.rtx?.head();
	if (seg === undefined) return;
	t.retries++;
	const st = t.state;
	const max = st === 'SYN-SENT' ? t.host.connectTuning.synRetries : st === 'SYN-RECEIVED' ? TCP_TUNING.synAckRetries : TCP_TUNING.dataRetries;
	if (t.retries > max) {
		giveUp(t, max);
		return;
	}
	t.rto = Math.min(t.rto * 2, t.host.preset.rto.maxMs); // RFC 6298 §5.5, Linux tcp_retransmit_timer()
	if (seg.flags & F_SYN) {
		synRetransmitted(t); // RFC 5681 §3.1: a smaller initial window
	} else {
		// RFC 5681 §3.1: ssthresh (first expiry only), cwnd = 1 SMSS; everything outstanding is lost
		ccOnRto(t, seqDiff(t.snd.nxt, t.snd.una), t.retries === 1);
		enterLossAfterRto(t);
		markRetransmitted(seg);
	}
	t.rtx!.resent(seg, t.host.core.queue.now);
	sendSegment(t, seg.flags, seg.seq, seg.len, seg.text, true);
	startRexmtTimer(t);
	traceWindow(t);
}

/** Too many retransmissions: ETIMEDOUT for the application (none for a half-open child), TCB deleted. */
function giveUp(t: Tcb, max: number): void {
	const st = t.state;
	if (st === 'SYN-SENT') {
		const knob = t.host.preset.errnoNames === 'winsock' ? 'TcpMaxConnectRetransmissions' : 'tcp_syn_retries';
		t.host.errorEvent(t.id, 'connect', 'ETIMEDOUT', `connect(): connection timed out: no answer after ${max} SYN retransmissions (${knob} = ${max})`);
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
