/**
 * Relative sequence numbers, as Wireshark shows them: every TCP connection counts SEG.SEQ from
 * its sender's ISN and SEG.ACK from the receiver's ISN, so a handshake reads `SYN seq=0`,
 * `SYN,ACK seq=0 ack=1`, `ACK seq=1 ack=1` whatever the random ISNs were.
 *
 * The trace records no connection ids, so connections are recovered from the segments alone:
 *
 * - A connection is known by its pair of socket addresses, in either direction. A segment that a
 *   NAT rewrote (`translated`) is known by both pairs, the one it was sent with and the one it
 *   was delivered with, which joins the two sides of the translation into one connection: each
 *   side counts from the ISN as it saw it (the simulated NAT rewrites addresses and ports, never
 *   sequence numbers, so the two agree).
 * - Each end (side) is known by its address on either side of the NAT.
 * - A side's ISN is the `seq` of the first SYN it sends (RFC 9293 §3.4). A SYN with another ISN
 *   on a pair already in use starts a new connection (a listener's second accepted connection
 *   reusing a client port, a connect() after TIME-WAIT); a retransmitted SYN keeps its ISN.
 * - A side that never sent a SYN (a RST from a closed port, a scanner's raw RST) counts from the
 *   first `seq` it sends; an ACK of a side not seen yet counts as acknowledging its SYN.
 *
 * Arithmetic is modulo 2^32 (RFC 9293 §3.4).
 *
 * @module
 */
import type { SegmentEvent, SocketAddress, Trace } from '$lib/sim/trace';

/** A segment's SEG.SEQ and SEG.ACK, relative to its connection's ISNs. */
export interface SeqPair {
	seq: number;
	/** Relative SEG.ACK; 0 when the ACK bit is off (as the segment carries it). */
	ack: number;
}

/** Unsigned 32-bit difference a - b (sequence-number space, RFC 9293 §3.4). */
export function seqDiff(a: number, b: number): number {
	return (a - b) >>> 0;
}

const addr = (a: SocketAddress) => `${a.ip}:${a.port}`;
const pairKey = (a: SocketAddress, b: SocketAddress) => {
	const x = addr(a);
	const y = addr(b);
	return x < y ? `${x}|${y}` : `${y}|${x}`;
};

interface Connection {
	/** Connection number, in order of first segment (for tests and debugging). */
	n: number;
	/** Address (either side of a NAT) → side number. */
	side: Map<string, number>;
	/** Side number → ISN, once that side sent a SYN. */
	isn: Map<number, number>;
	/** Side number → the number its sequence space counts from. */
	base: Map<number, number>;
	sides: number;
}

/** The relative numbers of every segment of a trace, and the connection each belongs to. */
export interface RelativeNumbers {
	/** Segment id → relative SEG.SEQ / SEG.ACK. */
	numbers: Map<number, SeqPair>;
	/** Segment id → connection number (0, 1, … in order of each connection's first segment). */
	connection: Map<number, number>;
}

/**
 * Relative SEG.SEQ and SEG.ACK for every TCP segment of a trace.
 * @param trace any trace; non-TCP events are ignored.
 * @returns a map per segment id; segments are numbered in trace order.
 */
export function relativeNumbers(trace: Trace): RelativeNumbers {
	const byPair = new Map<string, Connection>();
	const numbers = new Map<number, SeqPair>();
	const connection = new Map<number, number>();
	let count = 0;
	const fresh = (): Connection => ({ n: count++, side: new Map(), isn: new Map(), base: new Map(), sides: 0 });

	for (const e of trace.events) {
		if (e.kind !== 'segment') continue;
		const seg: SegmentEvent = e;
		const src = seg.src;
		const dst = seg.dst;
		const tsrc = seg.translated?.src ?? src;
		const tdst = seg.translated?.dst ?? dst;
		const keys = [pairKey(src, dst), pairKey(tsrc, tdst)];
		const syn = seg.flags.includes('SYN');

		let conn = byPair.get(keys[0]) ?? byPair.get(keys[1]);
		if (conn && syn) {
			const s = conn.side.get(addr(src)) ?? conn.side.get(addr(tsrc));
			const known = s === undefined ? undefined : conn.isn.get(s);
			// A SYN with a new ISN on a pair in use: a new connection (not a retransmission).
			if (known !== undefined && known !== seg.seq) conn = undefined;
		}
		if (!conn) conn = fresh();
		for (const k of keys) byPair.set(k, conn);

		const sideOf = (a: SocketAddress, b: SocketAddress): number => {
			const c = conn!;
			let s = c.side.get(addr(a)) ?? c.side.get(addr(b));
			if (s === undefined) s = c.sides++;
			c.side.set(addr(a), s);
			c.side.set(addr(b), s);
			return s;
		};
		const me = sideOf(src, tsrc);
		const peer = sideOf(dst, tdst);

		if (syn && !conn.isn.has(me)) {
			conn.isn.set(me, seg.seq);
			conn.base.set(me, seg.seq);
		}
		if (!conn.base.has(me)) conn.base.set(me, seg.seq);
		const hasAck = seg.flags.includes('ACK');
		if (hasAck && !conn.base.has(peer)) conn.base.set(peer, seqDiff(seg.ack, 1));

		numbers.set(seg.id, {
			seq: seqDiff(seg.seq, conn.base.get(me)!),
			ack: hasAck ? seqDiff(seg.ack, conn.base.get(peer)!) : 0
		});
		connection.set(seg.id, conn.n);
	}
	return { numbers, connection };
}

/** Does the trace contain any TCP segment (so a "relative sequence numbers" choice means something)? */
export function hasTcp(trace: Trace): boolean {
	return trace.events.some((e) => e.kind === 'segment');
}
