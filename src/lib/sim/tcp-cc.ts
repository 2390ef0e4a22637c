/**
 * Congestion control (RFC 5681; CUBIC, RFC 9438): the congestion window `cwnd` and the
 * slow-start threshold `ssthresh` of a TCB, in bytes (FreeBSD cc/cc_newreno.c and cc/cc_cubic.c,
 * Linux tcp_cong.c and tcp_cubic.c).
 *
 * - Initial window: `preset.loss.initialWindow` segments (tcb.ts), one segment once a SYN or
 *   SYN,ACK was retransmitted (RFC 5681 §3.1; Linux only after two, `tcp_init_transfer()`).
 * - Slow start (cwnd < ssthresh): +min(bytes acknowledged, L·SMSS) per ACK (RFC 5681 §3.1, eq. 2;
 *   RFC 3465; L per preset, `loss.ssLimitSegs`).
 * - Congestion avoidance: Reno +SMSS·SMSS/cwnd per ACK (eq. 3, about one SMSS per RTT); CUBIC
 *   W_cubic(t) = C·(t − K)³ + W_max with C = 0.4, never below the Reno-friendly W_est
 *   (RFC 9438 §4.2–4.5).
 * - Loss found by duplicate ACKs, SACK or RACK: ssthresh = max(FlightSize/2, 2·SMSS) (Reno,
 *   RFC 5681 eq. 4) or cwnd·β with β = 0.7 (CUBIC, RFC 9438 §4.6), cwnd = ssthresh once recovery
 *   starts (RFC 6675 §5 step 4.2; Linux lowers it gradually with PRR, RFC 6937: not modelled).
 * - Retransmission timeout: the same ssthresh (only on the first expiry for a segment, RFC 5681
 *   §3.1), and cwnd collapses to the loss window, 1 SMSS (RFC 5681 §3.1; RFC 9438 §4.8).
 *
 * Sizes are bytes; CUBIC computes in segments and seconds as RFC 9438 writes it. Every change is
 * recorded with `traceWindow` (a `window` trace event).
 *
 * @module
 */

import { TCP_TUNING, type LossState, type Tcb } from './tcb';
import { traceWindow } from './tcp-output';

/** SMSS, bytes (MSS 1460 for every preset: docs/tcp-deviations.md). */
export const SMSS = TCP_TUNING.mss;

/** RFC 9438 §4.6: multiplicative decrease factor β_cubic. */
const BETA_CUBIC = 0.7;
/** RFC 9438 §4.2: C = 0.4 (segments / s³). */
const C_CUBIC = 0.4;
/** RFC 9438 §4.3: α_cubic = 3(1 − β)/(1 + β), the Reno-friendly additive increase. */
const ALPHA_CUBIC = (3 * (1 - BETA_CUBIC)) / (1 + BETA_CUBIC);

/** A fresh loss state (tcb.ts {@link LossState}) for `t`; tcp-recovery.ts allocates it. */
export function newLossState(t: Tcb): LossState {
	return {
		inRecovery: false,
		recoveryPoint: t.iss, // RFC 6582 §3.2 step 1: recover = ISS
		afterRto: false,
		rackXmitTs: -1,
		rackXmitOrder: 0,
		rackRtt: -1,
		reorderingSeen: false,
		highestDelivered: t.snd.una,
		tlpRxtOut: false,
		tlpHighRxt: t.snd.una,
		tlpWasRetransmission: false,
		wMax: 0,
		wLastMax: 0,
		k: 0,
		epochStart: -1,
		wEst: 0
	};
}

/** The connection's loss state, allocated on first use. */
export function lossState(t: Tcb): LossState {
	return t.loss ?? (t.loss = newLossState(t));
}

/**
 * A SYN or SYN,ACK of `t` was retransmitted by the timer: RFC 5681 §3.1 ("the initial window
 * … MUST be one segment"); Linux applies it after more than one retransmission
 * (`tcp_init_transfer()`: `tp->total_retrans > 1`).
 */
export function synRetransmitted(t: Tcb): void {
	t.synRetransmits++;
	const needed = t.host.preset.rto.estimator === 'linux' ? 2 : 1;
	if (t.synRetransmits >= needed) t.cwnd = SMSS;
}

/**
 * New data was acknowledged (SND.UNA advanced by `acked` bytes) outside loss recovery: grow
 * cwnd (slow start, or congestion avoidance by the preset's algorithm).
 */
export function ccOnAck(t: Tcb, acked: number): void {
	if (t.cwnd < t.ssthresh) {
		// RFC 5681 §3.1 eq. 2 / RFC 3465 appropriate byte counting: at most L SMSS per ACK, so
		// that an ACK covering two segments (a delayed ACK) still doubles cwnd per round trip
		// where the stack allows it (preset `loss.ssLimitSegs`: Linux none, the BSDs 2, RFC 1).
		const lim = t.host.preset.loss.ssLimitSegs * SMSS;
		t.cwnd += acked < lim ? acked : lim;
		if (t.cwnd > t.ssthresh) t.cwnd = t.ssthresh;
	} else if (t.host.preset.loss.cc === 'cubic') {
		cubicOnAck(t, acked);
	} else {
		// RFC 5681 §3.1 eq. 3
		t.cwnd += Math.max(1, Math.floor((SMSS * SMSS) / t.cwnd));
	}
	traceWindow(t);
}

/** RFC 9438 §4.2–4.5: congestion avoidance, one ACK of `acked` bytes. */
function cubicOnAck(t: Tcb, acked: number): void {
	const L = t.loss;
	if (L === null || L.wMax === 0) {
		// no congestion event yet (ssthresh was set by hand): behave as Reno
		t.cwnd += Math.max(1, Math.floor((SMSS * SMSS) / t.cwnd));
		return;
	}
	const now = t.host.core.queue.now;
	const cwndSeg = t.cwnd / SMSS;
	if (L.epochStart < 0) {
		// §4.2: a congestion-avoidance epoch begins; K from the window it starts with
		L.epochStart = now;
		L.k = L.wMax > cwndSeg ? Math.cbrt((L.wMax - cwndSeg) / C_CUBIC) : 0;
		L.wEst = cwndSeg;
	}
	const rttS = (t.srtt > 0 ? t.srtt : 100) / 1000;
	const tS = (now - L.epochStart) / 1000;
	// §4.3: W_est grows by α_cubic segments per window of ACKed segments
	L.wEst += (ALPHA_CUBIC * (acked / SMSS)) / cwndSeg;
	const wCubic = C_CUBIC * (tS - L.k) ** 3 + L.wMax;
	let next: number;
	if (wCubic < L.wEst) {
		next = L.wEst; // §4.3 Reno-friendly region
	} else {
		// §4.4–4.5: aim at W_cubic(t + RTT), at most 1.5·cwnd
		let target = C_CUBIC * (tS + rttS - L.k) ** 3 + L.wMax;
		if (target < cwndSeg) target = cwndSeg;
		if (target > 1.5 * cwndSeg) target = 1.5 * cwndSeg;
		next = cwndSeg + ((target - cwndSeg) / cwndSeg) * (acked / SMSS);
	}
	const bytes = Math.floor(next * SMSS);
	if (bytes > t.cwnd) t.cwnd = bytes;
}

/**
 * Loss detected (fast retransmit, RFC 6675 or RACK): set ssthresh for the preset's algorithm,
 * and cwnd = ssthresh (RFC 6675 §5 step 4.2, RFC 9438 §4.6). `flightSize` is bytes outstanding.
 */
export function ccOnCongestion(t: Tcb, flightSize: number): void {
	reduce(t, flightSize);
	t.cwnd = t.ssthresh;
	traceWindow(t);
}

/** NewReno's variant (RFC 5681 §3.2 step 2–3): ssthresh as above, cwnd = ssthresh + 3·SMSS (inflated). */
export function ccOnFastRetransmitNewReno(t: Tcb, flightSize: number): void {
	reduce(t, flightSize);
	t.cwnd = t.ssthresh + 3 * SMSS;
	traceWindow(t);
}

function reduce(t: Tcb, flightSize: number): void {
	if (t.host.preset.loss.cc === 'cubic') {
		const L = t.loss ?? (t.loss = newLossState(t));
		const cwndSeg = t.cwnd / SMSS;
		// §4.7 fast convergence: a window that stopped below the previous W_max releases bandwidth
		L.wMax = cwndSeg < L.wLastMax ? (cwndSeg * (1 + BETA_CUBIC)) / 2 : cwndSeg;
		L.wLastMax = cwndSeg;
		L.epochStart = -1;
		// cwnd·β in integers (β = 7/10): in binary floating point 44,600 × 0.7 is 31,219.999…, and
		// flooring that would lose a byte of the RFC 9438 §4.6 value
		t.ssthresh = Math.max(Math.floor((t.cwnd * Math.round(BETA_CUBIC * 10)) / 10), 2 * SMSS);
	} else {
		t.ssthresh = Math.max(Math.floor(flightSize / 2), 2 * SMSS); // RFC 5681 eq. 4
	}
}

/** Loss recovery ended (SND.UNA reached the recovery point): cwnd = ssthresh (RFC 6582 §3.2 step 3, RFC 6675 §5). */
export function ccExitRecovery(t: Tcb): void {
	if (t.cwnd > t.ssthresh) t.cwnd = t.ssthresh;
	if (t.cwnd < SMSS) t.cwnd = SMSS;
	traceWindow(t);
}

/**
 * The retransmission timer expired (`firstExpiry`: the first time for this segment): ssthresh
 * as for any loss on the first expiry only, and cwnd = the loss window, 1 SMSS (RFC 5681 §3.1).
 */
export function ccOnRto(t: Tcb, flightSize: number, firstExpiry: boolean): void {
	if (firstExpiry) reduce(t, flightSize);
	t.cwnd = SMSS;
	traceWindow(t);
}
