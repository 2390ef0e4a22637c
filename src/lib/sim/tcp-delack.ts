/**
 * Delayed ACK (RFC 1122 4.2.3.2, RFC 5681 §4.2, RFC 9293 3.8.6.3): when a receiver acknowledges
 * in-order data and FINs, per the host's OS preset (`preset.delack`, os.ts).
 *
 * The ACK for in-order data is owed from the moment the segment arrives ({@link dataArrived});
 * tcp-input.ts then lets `output()` send what it can (any segment with the ACK bit pays the debt,
 * tcb.ts `ackSent`), and if the ACK is still owed asks {@link ackOwed} whether to send it now or
 * start the delayed-ACK timer. {@link delackTimeout} sends it when the timer expires.
 *
 * - `'bytes'` (Linux `__tcp_ack_snd_check()`, the RFC presets): at once when more than one
 *   full-sized segment (Eff.snd.MSS) is unacknowledged, so at least every second full-sized
 *   segment is ACKed at once (RFC 5681 §4.2).
 * - `'segments'` (FreeBSD and XNU `DELAY_ACK()`, Windows TcpAckFrequency = 2): the first segment
 *   starts the timer, the second is ACKed at once, whatever its size.
 * - Quick ACKs (Linux quick-ACK mode, XNU forced ACKs): the first `quickAcks` ACKs go out at once.
 * - Linux (`linuxAto`): the timer is the ATO (`icsk_ack.ato`), which starts at `TCP_ATO_MIN` (40
 *   ms), follows the gaps between arriving segments (`tcp_event_data_recv()`) and is bounded in
 *   `tcp_send_delayed_ack()` by the SRTT (at least 40 ms), by 500 ms (`HZ/2`) or in pingpong mode
 *   200 ms, and always by `TCP_DELACK_MAX` (200 ms). A new deadline never moves an earlier one
 *   later, and an ACK whose timer would fire within a quarter of the ATO is sent at once.
 *
 * Always at once, on every preset: an out-of-order segment, the segment that fills a gap, a
 * duplicate (RFC 5681 §4.2; these stay in tcp-input.ts), and a segment that leaves the receive
 * window at 0 (BSD `TF_RXWIN0SENT`; Linux sends window updates at once).
 *
 * Simplifications (docs/tcp-deviations.md, "ACK timing"): a full-sized segment is Eff.snd.MSS
 * (Linux measures `rcv_mss` from the segments it receives); Linux's condition that the window
 * would not shrink (`__tcp_select_window() >= rcv_wnd`), `ICSK_ACK_PUSHED`, compressed SACKs and
 * `TCP_QUICKACK` are not modelled; XNU's stretch ACKs and its window-update rules beyond "a PSH
 * segment read at once is ACKed at once" are not modelled.
 *
 * @module
 */

import { sendAck } from './tcp-output';
import { startDelackTimer, type Tcb } from './tcb';
import { seqDiff } from './wire';

/** Linux `TCP_DELACK_MIN` (HZ/25, include/net/tcp.h): the ATO below which no bound applies, ms. */
const TCP_DELACK_MIN = 40;
/** Linux `tcp_send_delayed_ack()`: the ATO bound outside pingpong mode (`HZ / 2`), ms. */
const LINUX_MAX_ATO = 500;
/** Linux `TCP_MAX_QUICKACKS` (include/net/tcp.h). */
const TCP_MAX_QUICKACKS = 16;

/**
 * In-order data (`len` > 0 bytes) arrived and was accepted: an ACK is now owed. On Linux this is
 * `tcp_event_data_recv()`: the first data segment starts quick-ACK mode and sets the ATO to
 * `TCP_ATO_MIN`; later ones move the ATO towards the gap between segments, and a gap longer
 * than the RTO starts quick-ACK mode again (the sender restarts after idle).
 */
export function dataArrived(t: Tcb, len: number): void {
	t.ackOwed++;
	if (len === 0) return;
	const p = t.host.preset.delack;
	const now = t.host.core.queue.now;
	if (p.linuxAto) {
		if (t.ato === 0) {
			incrQuickack(t);
			t.ato = p.atoMinMs;
		} else {
			const m = now - t.lrcvtime;
			const half = Math.floor(t.ato / 2);
			if (m <= p.atoMinMs / 2) {
				t.ato = half + p.atoMinMs / 2; // "The fastest case is the first."
			} else if (m < t.ato) {
				t.ato = half + m;
				if (t.ato > t.rto) t.ato = t.rto;
			} else if (m > t.rto) {
				incrQuickack(t); // "Too long gap. Apparently sender failed to restart window"
			}
		}
		t.lrcvtime = now;
	} else if (p.quickAcks > 0 && t.bytesReceived === len) {
		// XNU: a new connection starts with TCP_FORCED_ACKS_COUNT forced ACKs (tcp_newtcpcb()).
		t.quickAcks = p.quickAcks;
	}
}

/**
 * Linux `tcp_incr_quickack()`: quick ACKs for half a receive window of full-sized segments (at
 * least 2, at most `TCP_MAX_QUICKACKS` = 16), unless more are left already.
 */
function incrQuickack(t: Tcb): void {
	let q = Math.floor(t.rcv.wnd / (2 * t.sndMss));
	if (q === 0) q = 2;
	if (q > TCP_MAX_QUICKACKS) q = TCP_MAX_QUICKACKS;
	if (q > t.quickAcks) t.quickAcks = q;
}

/**
 * An ACK is owed for in-order data or a FIN and `output()` sent nothing to carry it: send it now
 * or start (keep) the delayed-ACK timer, per the preset (see the module note). (A FIN that must
 * be ACKed at once never comes here: see {@link finAckDelayed}.)
 * @param push - the segment carried PSH (XNU `ackPushOnRead`).
 */
export function ackOwed(t: Tcb, push: boolean): void {
	const p = t.host.preset.delack;
	const now = t.host.core.queue.now;
	if (t.rcv.wnd === 0 || (t.quickAcks > 0 && !t.pingpong) || (p.ackPushOnRead && push && t.autoRead)) {
		sendAck(t);
		return;
	}
	if (p.every === 'bytes' ? seqDiff(t.rcv.nxt, t.rcvWup) > t.sndMss : t.ackOwed >= 2) {
		sendAck(t); // RFC 5681 §4.2: at least every second full-sized segment
		return;
	}
	if (!p.linuxAto) {
		// BSD DELAY_ACK(): the timer runs from the first unacknowledged segment and is not restarted
		if (t.delackDeadline < 0) startDelackTimer(t, now + p.maxMs);
		return;
	}
	// Linux tcp_send_delayed_ack()
	let ato = t.ato;
	if (ato > TCP_DELACK_MIN) {
		let maxAto = t.pingpong ? p.maxMs : LINUX_MAX_ATO;
		if (t.srtt >= 0) {
			const rtt = t.srtt > TCP_DELACK_MIN ? t.srtt : TCP_DELACK_MIN;
			if (rtt < maxAto) maxAto = rtt;
		}
		if (ato > maxAto) ato = maxAto;
	}
	if (ato > p.maxMs) ato = p.maxMs; // icsk_delack_max = TCP_DELACK_MAX
	if (ato <= 0) {
		sendAck(t); // no data seen yet (ATO 0): the timer would fire at the next jiffy
		return;
	}
	let at = now + ato;
	if (t.delackDeadline >= 0) {
		// "If delack timer is about to expire, send ACK now."
		if (t.delackDeadline <= now + ato / 4) {
			sendAck(t);
			return;
		}
		// "Use new timeout only if there wasn't an older one earlier."
		if (t.delackDeadline < at) at = t.delackDeadline;
	}
	startDelackTimer(t, at);
}

/**
 * May the ACK of an in-sequence FIN wait? Only on Linux when the FIN moved ESTABLISHED (or
 * SYN-RECEIVED) to CLOSE-WAIT: `tcp_fin()` then enters pingpong mode and leaves the ACK to
 * `__tcp_ack_snd_check()`, so it can ride on the FIN of the program's close(). In FIN-WAIT-1 and
 * FIN-WAIT-2 `tcp_fin()` calls `tcp_send_ack()`. The BSDs ACK every FIN at once (`tcp_input()`:
 * "since we received a FIN then no more input can be expected, send ACK now"); Windows and the
 * RFC presets are assumed to do the same. Sets pingpong mode when it answers yes.
 */
export function finAckDelayed(t: Tcb): boolean {
	if (!t.host.preset.delack.linuxAto || t.state !== 'CLOSE-WAIT') return false;
	t.pingpong = true; // inet_csk_enter_pingpong_mode()
	return true;
}

/**
 * The delayed-ACK timer expired with the ACK still owed: send it. Linux
 * `tcp_delack_timer_handler()`: outside pingpong mode the ATO doubles (at most the RTO: "Delayed
 * ACK missed: inflate ATO"); in pingpong mode the reply did not come in time, so pingpong mode
 * ends and the ATO returns to its minimum.
 */
export function delackTimeout(t: Tcb): void {
	if (t.ackOwed === 0) return;
	const st = t.state;
	if (st === 'CLOSED' || st === 'LISTEN' || st === 'SYN-SENT') return;
	const p = t.host.preset.delack;
	if (p.linuxAto) {
		if (!t.pingpong) {
			t.ato = Math.min(t.ato * 2, t.rto);
		} else {
			t.pingpong = false;
			t.ato = p.atoMinMs;
		}
	}
	sendAck(t);
}
