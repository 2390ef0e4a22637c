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

import { F_FIN, F_PSH, F_SYN, seqAdd, seqDiff, seqLe, seqLt } from './wire';

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
	/**
	 * Order of its latest transmission among this connection's transmissions (1, 2, …). Kernels
	 * stamp segments in microseconds (Linux `skb_mstamp_ns`), so two transmissions rarely share a
	 * stamp; on this millisecond clock many do, and a resend and new data sent in the same
	 * millisecond must still be told apart (RACK, RFC 8985 §6.2 RACK_sent_after).
	 */
	sentOrder: number;
	/** It has been retransmitted (its ACK gives no RTT sample: Karn's rule). */
	retransmitted: boolean;
	/** A SACK block has covered it (RFC 6675 scoreboard; it stays queued until SND.UNA passes it). */
	sacked: boolean;
	/** Loss detection marked it lost (RFC 6675 IsLost, RACK, or a timeout) and its latest copy is not known delivered. */
	lost: boolean;
	/** Retransmitted since it was last marked lost, and not yet acknowledged: it counts in `pipe` (RFC 6675 SetPipe (b)). */
	rexmitOut: boolean;
	/** The next segment in sequence order, or null for the newest. */
	next: RtxSegment | null;
}

/**
 * The segments of one connection awaiting acknowledgement, in sequence order: a singly linked
 * list, oldest first (the kernels keep the same queue as a list of buffers — BSD's socket
 * buffer, Linux's `tcp_rtx_queue`). A list, not an array: the queue is emptied and refilled
 * on nearly every ACK, and an emptied JavaScript array gives its backing store back, so the
 * next push would allocate a new one (docs/engine-api.md, "Benchmarks").
 */
export class RetransmissionQueue {
	private first: RtxSegment | null = null;
	private last: RtxSegment | null = null;
	private count = 0;
	private transmissions = 0;
	/**
	 * Of the segments the latest {@link acknowledge} removed, the one sent last (RACK, RFC 8985
	 * §6.2: the most recently sent segment delivered), or null when it removed none.
	 */
	lastAcked: RtxSegment | null = null;

	/** Number of segments awaiting acknowledgement. */
	get length(): number {
		return this.count;
	}

	/** True when nothing sent is unacknowledged. */
	isEmpty(): boolean {
		return this.first === null;
	}

	/** The newest segment sent (the one a tail loss probe resends), if any. */
	tail(): RtxSegment | undefined {
		return this.last ?? undefined;
	}

	/** The oldest unacknowledged segment (the one a retransmission timeout resends), if any. */
	head(): RtxSegment | undefined {
		return this.first ?? undefined;
	}

	/** Drop every segment (the TCB is being deleted or enters TIME-WAIT). */
	clear(): void {
		this.first = null;
		this.last = null;
		this.count = 0;
	}

	/** Append a segment just sent at `sentAt` (ms). */
	push(seq: number, len: number, flags: number, text: string | undefined, sentAt: number): void {
		const s: RtxSegment = { seq, len, flags, text, sentAt, sentOrder: ++this.transmissions, retransmitted: false, sacked: false, lost: false, rexmitOut: false, next: null };
		if (this.last === null) this.first = s;
		else this.last.next = s;
		this.last = s;
		this.count++;
	}

	/**
	 * Cut `s` after its first `n` payload bytes (0 < n < s.len) into two queued segments, as Linux
	 * `tcp_fragment()` does when the MSS shrinks: the front keeps the text preview, the back gets
	 * the control bits that belong to the end (PSH, FIN) and the same marks and send time.
	 * @returns the back piece, queued right after `s`.
	 */
	split(s: RtxSegment, n: number): RtxSegment {
		const endBits = s.flags & (F_FIN | F_PSH);
		const back: RtxSegment = { ...s, seq: seqAdd(s.seq, n), len: s.len - n, flags: s.flags, text: undefined };
		s.len = n;
		s.flags &= ~endBits;
		back.next = s.next;
		s.next = back;
		if (this.last === s) this.last = back;
		this.count++;
		return back;
	}

	/** Record that `s` was sent again at `now` (ms): a retransmission or a probe. */
	resent(s: RtxSegment, now: number): void {
		s.retransmitted = true;
		s.sentAt = now;
		s.sentOrder = ++this.transmissions;
	}

	/**
	 * A cumulative ACK arrived: SND.UNA is now `ack`. Drop every segment that ends at or before
	 * `ack`, and trim a segment the ACK covers in part (its SYN bit too, once the SYN is covered).
	 * @param now - current time (ms), for the RTT sample.
	 * @returns an RTT sample in ms — the age of the oldest segment now fully acknowledged that was
	 *   never retransmitted (RFC 6298 §3, Karn's rule) — or -1 when there is none.
	 */
	acknowledge(ack: number, now: number): number {
		let sample = -1;
		let s = this.first;
		let lastAcked: RtxSegment | null = null;
		while (s !== null) {
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
			if (lastAcked === null || s.sentOrder > lastAcked.sentOrder) lastAcked = s;
			s = s.next;
			this.count--;
		}
		this.first = s;
		if (s === null) this.last = null;
		this.lastAcked = lastAcked;
		return sample;
	}
}
