/**
 * The retransmission queue (RFC 9293 §3.10.8; RFC 6298): every segment sent that occupies
 * sequence space (data, SYN, FIN) stays here, oldest first, until a cumulative ACK covers it.
 * The retransmission timer resends the oldest one.
 *
 * Each entry remembers when it was sent and whether it was ever resent, which is what an RTT
 * sample needs under Karn's rule (RFC 6298 §3) and what SACK scoreboards (RFC 6675) and RACK
 * (RFC 8985, per-segment transmit times) build on.
 *
 * @module
 */

import { F_FIN, F_SYN, seqAdd, seqDiff, seqLe, seqLt } from './wire';

/** One segment on the retransmission queue. */
export interface RtxSegment {
	/** SEG.SEQ of its first octet (of the SYN, for a SYN). */
	seq: number;
	/** Payload bytes. */
	len: number;
	/** Control bits as sent (SYN, SYN|ACK, ACK|PSH, FIN|ACK …); the ACK field is filled in on resend. */
	flags: number;
	/** Payload text shown in views (first segment of a send() only). */
	text: string | undefined;
	/** Virtual time (ms) of its latest transmission. */
	sentAt: number;
	/** It has been retransmitted (its ACK gives no RTT sample: Karn's rule). */
	retransmitted: boolean;
}

/** The segments of one connection awaiting acknowledgement, in sequence order. */
export class RetransmissionQueue {
	private readonly segments: RtxSegment[] = [];

	/** Number of segments awaiting acknowledgement. */
	get length(): number {
		return this.segments.length;
	}

	/** True when nothing sent is unacknowledged. */
	isEmpty(): boolean {
		return this.segments.length === 0;
	}

	/** The oldest unacknowledged segment (the one a retransmission timeout resends), if any. */
	head(): RtxSegment | undefined {
		return this.segments[0];
	}

	/** Drop every segment (the TCB is being deleted or enters TIME-WAIT). */
	clear(): void {
		this.segments.length = 0;
	}

	/** Append a segment just sent at `sentAt` (ms). */
	push(seq: number, len: number, flags: number, text: string | undefined, sentAt: number): void {
		this.segments.push({ seq, len, flags, text, sentAt, retransmitted: false });
	}

	/**
	 * A cumulative ACK arrived: SND.UNA is now `ack`. Drop every segment that ends at or before
	 * `ack`, and trim a segment the ACK covers in part (its SYN bit too, once the SYN is covered).
	 * @param now - current time (ms), for the RTT sample.
	 * @returns an RTT sample in ms — the age of the oldest segment now fully acknowledged that was
	 *   never retransmitted (RFC 6298 §3, Karn's rule) — or -1 when there is none.
	 */
	acknowledge(ack: number, now: number): number {
		const q = this.segments;
		let acked = 0;
		let sample = -1;
		while (acked < q.length) {
			const s = q[acked];
			const end = seqAdd(s.seq, s.len + (s.flags & F_SYN ? 1 : 0) + (s.flags & F_FIN ? 1 : 0));
			if (!seqLe(end, ack)) {
				if (seqLt(s.seq, ack)) {
					// partly acknowledged: trim the front
					let cut = seqDiff(ack, s.seq);
					if (s.flags & F_SYN) {
						s.flags &= ~F_SYN;
						cut -= 1;
					}
					s.len -= cut;
					s.seq = ack;
				}
				break;
			}
			if (!s.retransmitted && sample < 0) sample = now - s.sentAt;
			acked++;
		}
		if (acked === q.length) q.length = 0;
		else if (acked > 0) q.splice(0, acked);
		return sample;
	}
}
