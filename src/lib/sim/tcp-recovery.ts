/**
 * Loss detection and recovery before the retransmission timer (FreeBSD tcp_input.c and
 * tcp_sack.c, Linux tcp_input.c `tcp_fastretrans_alert()` and tcp_recovery.c):
 *
 * - **NewReno** (RFC 5681 §3.2, RFC 6582), used whenever SACK is not negotiated: the third
 *   duplicate ACK retransmits SND.UNA's segment (fast retransmit), sets ssthresh and cwnd =
 *   ssthresh + 3·SMSS; every further duplicate ACK inflates cwnd by SMSS; a partial ACK
 *   retransmits the next hole; the ACK that covers `recover` ends recovery.
 * - **RFC 6675** (SACK, `preset.loss.recovery = 'rfc6675'`): a segment is lost when three
 *   segments (more than 2·SMSS bytes) above it are SACKed, or at the third duplicate ACK for the
 *   first one; recovery retransmits lost segments, then new data, while `pipe` < cwnd.
 * - **RACK-TLP** (RFC 8985, `'rack-tlp'`): a segment is lost when a segment sent after it has
 *   been delivered (ACKed or SACKed) and RACK.rtt + reo_wnd has passed since it was sent
 *   (§6.2; reo_wnd = min_RTT/4, or 0 once three segments are SACKed or in recovery, until
 *   reordering is seen); a reordering timer fires for segments not yet that old (§6.3). A tail
 *   loss probe (§7) is armed in tcb.ts `rearmRexmt()` and sent by {@link tlpTimeout}.
 * - After a **retransmission timeout** every outstanding segment not SACKed is marked lost
 *   (RFC 6675 §5.1, Linux `tcp_enter_loss()`), and they are resent as cwnd grows again.
 *
 * Entering recovery reduces cwnd through tcp-cc.ts. Resending is gated by cwnd: a segment goes out
 * while `pipe` + its length ≤ cwnd, except the first retransmission of a recovery episode (the
 * fast retransmit, RFC 5681 §3.2 step 2, RFC 6675 §5 step 4.3).
 *
 * @module
 */

import { ccExitRecovery, ccOnAck, ccOnCongestion, ccOnFastRetransmitNewReno, lossState, SMSS } from './tcp-cc';
import { bytesInFlight, output, sendSegment, traceWindow } from './tcp-output';
import type { RtxSegment } from './tcp-rtx-queue';
import { applySack, sackNegotiated, type SackBlock } from './tcp-sack';
import { armRexmtSlot, REXMT_REO, rearmRexmt, startRexmtTimer, type LossState, type Tcb } from './tcb';
import { seqAdd, seqDiff, seqLe, seqLt } from './wire';

/** RFC 5681 §3.2, RFC 6675 §2: DupThresh. */
const DUP_THRESH = 3;

/** The loss-detection algorithm in use on `t`: the preset's with SACK, NewReno without. */
function mode(t: Tcb): 'newreno' | 'rfc6675' | 'rack-tlp' {
	return sackNegotiated(t) ? t.host.preset.loss.recovery : 'newreno';
}

/**
 * RFC 8985 §6.2 RACK_sent_after(t1, seq1, t2, seq2): sent later. The RFC breaks ties in send
 * time by sequence, which assumes a clock fine enough that only segments sent in sequence order
 * share a stamp (Linux stamps in microseconds). On this millisecond clock a retransmission often
 * shares its millisecond with new data sent after it, so ties are broken by the order of
 * transmission instead ({@link RtxSegment.sentOrder}); ordering by sequence would call the resend
 * older than the new data and mark it lost again as soon as that data is SACKed.
 */
function sentAfter(t1: number, order1: number, t2: number, order2: number): boolean {
	return t1 > t2 || (t1 === t2 && order1 > order2);
}

/**
 * RACK_update (RFC 8985 §6.2 steps 1–3) for one segment newly delivered (cumulatively ACKed or
 * SACKed): RACK.min_RTT, RACK.rtt, RACK.xmit_ts / end_seq, and reordering.
 */
export function rackDelivered(t: Tcb, s: RtxSegment): void {
	const now = t.host.core.queue.now;
	const rtt = now - s.sentAt;
	const end = seqAdd(s.seq, s.len);
	const L = t.loss;
	if (!s.retransmitted && (t.minRtt < 0 || rtt < t.minRtt)) t.minRtt = rtt;
	if (L === null) return;
	// step 3: delivered below the highest sequence delivered before, and never resent: reordering
	if (!s.retransmitted && seqLt(end, L.highestDelivered)) L.reorderingSeen = true;
	if (seqLt(L.highestDelivered, end)) L.highestDelivered = end;
	// step 2: an ambiguous (retransmitted) sample shorter than min_RTT is the original's ACK
	if (s.retransmitted && t.minRtt >= 0 && rtt < t.minRtt) return;
	L.rackRtt = rtt;
	if (sentAfter(s.sentAt, s.sentOrder, L.rackXmitTs, L.rackXmitOrder)) {
		L.rackXmitTs = s.sentAt;
		L.rackXmitOrder = s.sentOrder;
	}
}

/**
 * Everything an arriving ACK means for loss recovery and congestion control, after SND.UNA and
 * the window were updated (tcp-input.ts, fifth step): the SACK scoreboard, duplicate ACKs, loss
 * detection, entering and leaving recovery, cwnd growth, and the retransmissions recovery owes.
 * New data is sent afterwards by the caller's `output()`, within the same gate.
 * @param acked - bytes SND.UNA advanced by (0 for a duplicate or old ACK).
 * @param isDupCandidate - no data, no SYN/FIN, same window as before and data outstanding
 *   (RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT" except "SEG.ACK = SND.UNA", checked here).
 */
export function ackReceived(t: Tcb, ack: number, acked: number, sack: readonly SackBlock[] | undefined, isDupCandidate: boolean): void {
	const m = mode(t);
	let newlySacked = 0;
	if (sack !== undefined && m !== 'newreno') {
		lossState(t);
		newlySacked = applySack(t, sack, (s) => rackDelivered(t, s));
	}
	let L = t.loss;
	const dup = acked === 0 && ack === t.snd.una && t.rtx !== null && !t.rtx.isEmpty() && (m === 'newreno' ? isDupCandidate : newlySacked > 0 || isDupCandidate);
	if (acked > 0) t.dupAcks = 0;
	else if (dup) t.dupAcks++;
	if (L === null && !dup) {
		// the common case: nothing lost, nothing SACKed
		if (acked > 0) ccOnAck(t, acked);
		return;
	}
	L = lossState(t);

	if (L.tlpRxtOut && acked > 0 && seqLe(L.tlpHighRxt, ack)) {
		// RFC 8985 §7.4: the TLP episode ends. Without D-SACK (not modelled) a probe that
		// retransmitted data cannot be told spurious, so it counts as a repaired loss (§7.4.2).
		L.tlpRxtOut = false;
		if (L.tlpWasRetransmission && !L.inRecovery) ccOnCongestion(t, seqDiff(t.snd.nxt, t.snd.una) + acked);
	}

	if (L.inRecovery || L.afterRto) {
		if (seqLe(L.recoveryPoint, ack) && acked > 0) {
			// RFC 6582 §3.2 step 3 / RFC 6675 §5: a full ACK ends recovery
			const wasFast = L.inRecovery;
			L.inRecovery = false;
			L.afterRto = false;
			t.dupAcks = 0;
			if (wasFast) ccExitRecovery(t);
			else ccOnAck(t, acked);
		} else if (m === 'newreno' && L.inRecovery) {
			if (acked > 0) {
				// RFC 6582 §3.2 step 5: partial ACK: resend the next hole, deflate cwnd
				const head = t.rtx?.head();
				if (head !== undefined) retransmit(t, head);
				t.cwnd -= acked;
				if (acked >= SMSS) t.cwnd += SMSS;
				if (t.cwnd < SMSS) t.cwnd = SMSS;
				traceWindow(t);
			} else if (dup) {
				t.cwnd += SMSS; // step 4: inflate for every further duplicate ACK
				traceWindow(t);
			}
		} else if (acked > 0 && L.afterRto) {
			ccOnAck(t, acked); // slow start after the timeout (RFC 5681 §3.1)
		}
	} else if (acked > 0) {
		ccOnAck(t, acked);
	}

	// loss detection
	let lostNow = false;
	if (m === 'newreno') {
		if (!L.inRecovery && !L.afterRto && t.dupAcks === DUP_THRESH && seqLt(L.recoveryPoint, ack)) {
			// RFC 6582 §3.2 step 2: fast retransmit, fast recovery
			L.inRecovery = true;
			L.recoveryPoint = t.snd.nxt;
			ccOnFastRetransmitNewReno(t, seqDiff(t.snd.nxt, t.snd.una));
			const head = t.rtx?.head();
			if (head !== undefined) retransmit(t, head);
			startRexmtTimer(t);
			return;
		}
	} else if (m === 'rfc6675') {
		lostNow = rfc6675MarkLost(t);
	} else {
		lostNow = rackDetectLoss(t, L);
	}
	if (lostNow && !L.inRecovery && !L.afterRto) enterRecovery(t, L);
	if (L.inRecovery || L.afterRto) sendLost(t);
}

/** RFC 6675 §5 step 4 / RFC 8985 §3.4: start loss recovery: RecoveryPoint, ssthresh, cwnd. */
function enterRecovery(t: Tcb, L: LossState): void {
	L.inRecovery = true;
	L.recoveryPoint = t.snd.nxt;
	L.tlpRxtOut = false;
	ccOnCongestion(t, seqDiff(t.snd.nxt, t.snd.una));
	const first = firstLost(t);
	if (first !== null) retransmit(t, first); // the fast retransmit, sent whatever pipe is
	startRexmtTimer(t);
}

function firstLost(t: Tcb): RtxSegment | null {
	for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) if (s.lost && !s.rexmitOut && !s.sacked) return s;
	return null;
}

/** RFC 6675 §5 (NextSeg rule 1): resend lost segments, oldest first, while pipe + len ≤ cwnd. */
function sendLost(t: Tcb): void {
	let pipe = bytesInFlight(t);
	for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) {
		if (!s.lost || s.rexmitOut || s.sacked) continue;
		const len = s.len > 0 ? s.len : 1;
		if (pipe + len > t.cwnd) break;
		retransmit(t, s);
		pipe += len;
	}
}

/** Resend one segment from the retransmission queue (it counts in pipe until acknowledged). */
function retransmit(t: Tcb, s: RtxSegment): void {
	s.lost = true;
	s.rexmitOut = true;
	t.rtx!.resent(s, t.host.core.queue.now);
	sendSegment(t, s.flags, s.seq, s.len, s.text, true);
	traceWindow(t);
}

/**
 * RFC 6675 §4 IsLost for each unSACKed segment below the highest SACKed one: lost when
 * DupThresh segments, or more than (DupThresh − 1)·SMSS bytes, above it are SACKed; the first
 * hole also at DupThresh duplicate ACKs (§5 step 4). @returns true if a segment became lost.
 */
function rfc6675MarkLost(t: Tcb): boolean {
	// SACKed segments and bytes above each point: walk from the newest down
	const segs: RtxSegment[] = [];
	for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) segs.push(s);
	let sackedSegs = 0;
	let sackedBytes = 0;
	let any = false;
	for (let i = segs.length - 1; i >= 0; i--) {
		const s = segs[i];
		if (s.sacked) {
			sackedSegs++;
			sackedBytes += s.len;
			continue;
		}
		if (sackedSegs === 0 || s.lost) continue;
		const first = i === 0;
		if (sackedSegs >= DUP_THRESH || sackedBytes > (DUP_THRESH - 1) * SMSS || (first && t.dupAcks >= DUP_THRESH)) {
			s.lost = true;
			s.rexmitOut = false;
			any = true;
		}
	}
	return any;
}

/**
 * RFC 8985 §6.2 RACK_detect_loss and §6.3: mark lost every segment not yet delivered that was sent
 * before RACK.xmit_ts and is older than RACK.rtt + reo_wnd; arm the reordering timer for the
 * youngest of the others. @returns true if a segment became lost.
 */
function rackDetectLoss(t: Tcb, L: LossState): boolean {
	if (L.rackXmitTs < 0) return false;
	const now = t.host.core.queue.now;
	const reoWnd = rackReoWnd(t, L);
	let timeout = 0;
	let any = false;
	for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) {
		if (s.sacked || (s.lost && !s.rexmitOut)) continue;
		if (!sentAfter(L.rackXmitTs, L.rackXmitOrder, s.sentAt, s.sentOrder)) continue;
		const remaining = s.sentAt + L.rackRtt + reoWnd - now;
		if (remaining <= 0) {
			s.lost = true;
			s.rexmitOut = false;
			any = true;
		} else if (remaining > timeout) {
			timeout = remaining;
		}
	}
	if (timeout > 0) armRexmtSlot(t, now + timeout, REXMT_REO);
	return any;
}

/** RFC 8985 §6.2 step 4 (RACK_reo_wnd), with reo_wnd_mult 1 (no D-SACK). */
function rackReoWnd(t: Tcb, L: LossState): number {
	if (!L.reorderingSeen) {
		if (L.inRecovery || L.afterRto) return 0;
		let sacked = 0;
		for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) if (s.sacked) sacked++;
		if (sacked >= DUP_THRESH) return 0;
	}
	const w = t.minRtt >= 0 ? t.minRtt / 4 : 0;
	return t.srtt > 0 && t.srtt < w ? t.srtt : w;
}

/** RACK's reordering timer expired (RFC 8985 §6.3): detect losses again, recover. */
export function rackReorderTimeout(t: Tcb): void {
	const L = t.loss;
	if (L === null) return;
	const lost = rackDetectLoss(t, L);
	if (lost && !L.inRecovery && !L.afterRto) enterRecovery(t, L);
	else if (lost) sendLost(t);
	if (t.rexmtDeadline < 0) rearmRexmt(t);
	output(t);
}

/**
 * The probe timeout expired (RFC 8985 §7.3): send one new segment if the windows allow, else
 * retransmit the last segment sent; then the RTO takes over the slot.
 */
export function tlpTimeout(t: Tcb): void {
	const tail = t.rtx?.tail();
	if (tail === undefined) return;
	const L = lossState(t);
	L.tlpRxtOut = true;
	const nxtBefore = t.snd.nxt;
	let wasRetransmission = false;
	if (t.unsent === 0 || !output(t) || t.snd.nxt === nxtBefore) {
		wasRetransmission = true;
		t.rtx!.resent(tail, t.host.core.queue.now);
		sendSegment(t, tail.flags, tail.seq, tail.len, tail.text, true);
	}
	L.tlpWasRetransmission = wasRetransmission;
	L.tlpHighRxt = t.snd.nxt;
	startRexmtTimer(t);
}

/**
 * A retransmission timeout (tcp-timer.ts) is about to resend the oldest segment: mark every
 * outstanding segment not SACKed lost (RFC 6675 §5.1; Linux `tcp_enter_loss()`), leave fast
 * recovery, and remember SND.NXT as the recovery point; later ACKs resend the rest as cwnd
 * allows. No-op for a SYN.
 */
export function enterLossAfterRto(t: Tcb): void {
	const L = lossState(t);
	L.inRecovery = false;
	L.afterRto = true;
	L.tlpRxtOut = false;
	L.recoveryPoint = t.snd.nxt;
	t.dupAcks = 0;
	for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) {
		if (s.sacked) continue;
		s.lost = true;
		s.rexmitOut = false;
	}
}

/** The timer's resend of `s` (tcp-timer.ts): it counts in pipe from now on. */
export function markRetransmitted(s: RtxSegment): void {
	s.rexmitOut = true;
}
