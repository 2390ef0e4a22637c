/**
 * Selective acknowledgement (RFC 2018): the receiver's SACK blocks and the sender's scoreboard
 * (FreeBSD tcp_sack.c, Linux `tcp_sacktag_write_queue`).
 *
 * - Receiver: {@link sackBlocks} lists the out-of-order data it holds as [left, right) blocks,
 *   the block holding the most recently received segment first, then the others from the most
 *   recent (RFC 2018 §4), at most 4 blocks, or 3 when timestamps are on (40 bytes of options:
 *   2 + 8·n for SACK, 12 with NOPs for timestamps; RFC 2018 §3).
 * - Sender: {@link applySack} marks the segments of the retransmission queue a block covers as
 *   SACKed; they stay queued (SACK is advisory, RFC 2018 §8: a receiver may renege) until the
 *   cumulative ACK passes them, but loss recovery neither counts nor resends them.
 *
 * Whether SACK is used on a connection is decided by {@link sackNegotiated}.
 *
 * Not modelled (docs/tcp-deviations.md): D-SACK (RFC 2883), reneging, blocks that cover part of
 * a segment (the scoreboard works in whole segments, which is what the receiver here always
 * holds).
 *
 * @module
 */

import type { OutOfOrderSegment, Tcb } from './tcb';
import type { RtxSegment } from './tcp-rtx-queue';
import { seqAdd, seqLe, seqLt } from './wire';

/** One SACK block: sequence numbers [left, right) of data received (RFC 2018 §3). */
export interface SackBlock {
	left: number;
	right: number;
}

/**
 * SACK is in use on this connection: both SYNs carried SACK-permitted (RFC 2018 §2).
 *
 * The handshake sets `t.sackOk` (tcp-options.ts `acceptSynOptions`: our preset's `tcp.sack`
 * offered it and the peer's SYN carried it). Everything else reads SACK use through this one
 * function.
 */
export function sackNegotiated(t: Tcb): boolean {
	return t.sackOk;
}

let arrivals = 0;

/** An increasing arrival stamp for {@link OutOfOrderSegment.order}. */
export function nextArrival(): number {
	return ++arrivals;
}

/**
 * The SACK blocks an ACK from `t` carries now, or undefined when none (SACK not negotiated, or
 * nothing held beyond RCV.NXT). Adjacent and overlapping held segments merge into one block; a
 * FIN without data adds nothing.
 */
export function sackBlocks(t: Tcb): SackBlock[] | undefined {
	const q = t.outOfOrder;
	if (q === null || !sackNegotiated(t)) return undefined;
	const blocks: { left: number; right: number; order: number }[] = [];
	let cur: { left: number; right: number; order: number } | null = null;
	for (const e of q as OutOfOrderSegment[]) {
		if (e.len === 0) continue;
		const end = seqAdd(e.seq, e.len);
		if (cur !== null && seqLe(e.seq, cur.right)) {
			if (seqLt(cur.right, end)) cur.right = end;
			if (e.order > cur.order) cur.order = e.order;
		} else {
			cur = { left: e.seq, right: end, order: e.order };
			blocks.push(cur);
		}
	}
	if (blocks.length === 0) return undefined;
	blocks.sort((a, b) => b.order - a.order);
	const max = t.tsOk ? 3 : 4;
	const out: SackBlock[] = [];
	for (let i = 0; i < blocks.length && i < max; i++) out.push({ left: blocks[i].left, right: blocks[i].right });
	return out;
}

/**
 * Mark the segments of `t`'s retransmission queue that `blocks` cover as SACKed. A block that
 * does not lie within (SND.UNA, SND.NXT] is ignored (RFC 2018 §4: a sender must not trust
 * blocks beyond what it sent).
 * @param onSacked - called for each segment newly SACKed (RACK uses its send time).
 * @returns bytes newly SACKed.
 */
export function applySack(t: Tcb, blocks: readonly SackBlock[], onSacked: (s: RtxSegment) => void): number {
	let newly = 0;
	const una = t.snd.una;
	const nxt = t.snd.nxt;
	for (const b of blocks) {
		if (!seqLt(una, b.right) || !seqLe(b.right, nxt) || !seqLt(b.left, b.right)) continue;
		for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) {
			if (s.sacked || s.len === 0) continue;
			const end = seqAdd(s.seq, s.len);
			if (seqLe(b.right, s.seq)) break;
			if (seqLe(b.left, s.seq) && seqLe(end, b.right)) {
				s.sacked = true;
				s.lost = false;
				s.rexmitOut = false;
				newly += s.len;
				onSacked(s);
			}
		}
	}
	return newly;
}
