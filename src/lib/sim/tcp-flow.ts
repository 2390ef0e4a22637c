/**
 * Flow control at the two ends of a zero window (RFC 9293 §3.8.6):
 *
 * - **The sender's persist timer** (§3.8.6.1). Data waits, nothing is in flight, and the peer's
 *   window is too small for the next segment: tcp-output.ts arms the timer ({@link armPersistTimer},
 *   tcb.ts). Each expiry sends a probe and doubles the interval (at most the preset's
 *   `tcp.persistMaxMs`): with part of a window open, as much data as fits (Linux
 *   `tcp_write_wakeup()`); with none, the preset's probe — a pure ACK of SND.UNA − 1 that the
 *   receiver must answer with its window (Linux `tcp_xmit_probe_skb()`), or one byte of new data
 *   beyond the window (RFC 9293 §3.8.6.1, BSD `tcp_output()` with `t_force`), resent while the
 *   window stays shut. An ACK that opens the window lets `output()` send again, which stops the
 *   timer. Probes go on for as long as the receiver answers (RFC 9293 §3.8.6.1 MUST-26: the
 *   connection is not closed while the receiver keeps the window at zero).
 * - **The receiver's window update**. When the application reads, the free buffer grows; when
 *   the window tcp-options.ts would now advertise is larger than the one last sent by at least
 *   min(buffer / 2, MSS) (RFC 9293 §3.8.6.2.2), a pure ACK announces it at once — the window
 *   update a zero-window sender is waiting for (Linux `tcp_cleanup_rbuf()` sends one when the
 *   window has at least doubled).
 *
 * @module
 */

import { sendAck, sendQueuedData, sendSegment, traceWindow } from './tcp-output';
import { freeSpace } from './tcp-options';
import { armPersistTimer, persistState, type Tcb } from './tcb';
import { F_ACK, seqAdd, seqDiff } from './wire';

/** The persist timer expired: send one zero-window probe and re-arm with backoff (see the module note). */
export function persistTimeout(t: Tcb): void {
	const st = t.state;
	if (st !== 'ESTABLISHED' && st !== 'CLOSE-WAIT' && st !== 'FIN-WAIT-1' && st !== 'LAST-ACK') return;
	if (t.unsent === 0 && t.snd.nxt === t.snd.una) return; // nothing waits for the window any more
	const snd = t.snd;
	const inFlight = seqDiff(snd.nxt, snd.una);
	const usable = snd.wnd - inFlight;
	if (usable > 0 && t.unsent > 0) {
		// Part of a window: send what fits (Linux tcp_write_wakeup(); BSD sends the same way).
		sendQueuedData(t, usable);
	} else if (t.host.preset.tcp.zeroWindowProbe === 'una-1') {
		// Linux tcp_xmit_probe_skb(): "Use a previous sequence. This should cause the other end to
		// send an ack." An already-acknowledged sequence number, no data.
		sendSegment(t, F_ACK, seqAdd(snd.una, -1), 0, undefined, false);
	} else {
		const head = t.rtx?.head();
		if (inFlight > 0 && head !== undefined) {
			// The byte of the previous probe is still unacknowledged: send it again.
			t.rtx!.resent(head, t.host.core.queue.now);
			sendSegment(t, head.flags, head.seq, head.len, head.text, true);
		} else if (t.unsent > 0) {
			sendQueuedData(t, 1); // one byte beyond the window (RFC 9293 §3.8.6.1)
			persistState(t).probeOutstanding = true;
		}
	}
	persistState(t).probesOut++;
	armPersistTimer(t);
	traceWindow(t);
}

/**
 * The application read data: if the window the next segment would advertise has grown by at
 * least min(buffer / 2, Eff.snd.MSS) beyond what is left of the last one, send a window update
 * (a pure ACK) now.
 */
export function windowUpdateAfterRead(t: Tcb): void {
	const st = t.state;
	if (st !== 'ESTABLISHED' && st !== 'FIN-WAIT-1' && st !== 'FIN-WAIT-2') return;
	const cur = t.rcv.wnd;
	const open = Math.min(freeSpace(t), 65535 * 2 ** t.rcvWscale);
	if (open - cur >= Math.min(t.rcvBuf / 2, t.sndMss)) sendAck(t); // sendSegment advertises the new window
	traceWindow(t);
}
