/**
 * What the header inspector shows of a segment's window and options, derived from the trace
 * alone (pure; HeaderView.svelte renders it).
 *
 * A trace records a segment's window in bytes (`wnd`). On the wire the field holds
 * `wnd >> shift`, where the shift is the one the sender announced in its own SYN — but only when
 * both SYNs of the connection carried Window Scale, and never on a SYN itself (RFC 7323 §2.2–2.3).
 *
 * @module
 */
import type { PacketEvent, SegmentEvent, TcpOptions } from '$lib/sim/trace';

/** The window as the inspector shows it. */
export interface WindowView {
	/** The 16-bit field on the wire. */
	field: number;
	/** The shift applied (0 = no scaling). */
	shift: number;
	/** The window in bytes: field << shift. */
	bytes: number;
}

const sameEnds = (a: SegmentEvent, b: SegmentEvent) =>
	a.src.ip === b.src.ip && a.src.port === b.src.port && a.dst.ip === b.dst.ip && a.dst.port === b.dst.port;

/** The SYN (or SYN,ACK) sent from `from` to `to` before `before` in `packets`, the latest one. */
function synOf(packets: readonly PacketEvent[], seg: SegmentEvent, reverse: boolean, before: number): SegmentEvent | null {
	let found: SegmentEvent | null = null;
	for (const p of packets) {
		if (p.t > before) break;
		if (p.kind !== 'segment' || !p.flags.includes('SYN')) continue;
		const match = reverse
			? p.src.ip === seg.dst.ip && p.src.port === seg.dst.port && p.dst.ip === seg.src.ip && p.dst.port === seg.src.port
			: sameEnds(p, seg);
		if (match) found = p;
	}
	return found;
}

/** The window field of `seg` and the scaling behind it (see the module note). */
export function windowView(packets: readonly PacketEvent[], seg: SegmentEvent): WindowView {
	if (seg.flags.includes('SYN')) return { field: seg.wnd, shift: 0, bytes: seg.wnd };
	const mine = synOf(packets, seg, false, seg.t);
	const theirs = synOf(packets, seg, true, seg.t);
	const shift = mine?.options?.wscale !== undefined && theirs?.options?.wscale !== undefined ? Math.min(mine.options.wscale, 14) : 0;
	return { field: Math.floor(seg.wnd / 2 ** shift), shift, bytes: seg.wnd };
}

/** The options of a segment as the inspector lists them, one entry per option. */
export function optionList(o: TcpOptions | undefined): { name: string; value: string }[] {
	if (o === undefined) return [];
	const out: { name: string; value: string }[] = [];
	if (o.mss !== undefined) out.push({ name: 'MSS', value: `${o.mss} bytes` });
	if (o.wscale !== undefined) out.push({ name: 'Window scale', value: `shift ${o.wscale} (× ${2 ** o.wscale})` });
	if (o.sackOk) out.push({ name: 'SACK permitted', value: 'yes' });
	if (o.ts !== undefined) out.push({ name: 'Timestamps', value: `TSval ${o.ts.val}, TSecr ${o.ts.ecr}` });
	if (o.sack !== undefined && o.sack.length > 0) out.push({ name: 'SACK', value: o.sack.map((b) => `${b.left}–${b.right}`).join(', ') });
	return out;
}
