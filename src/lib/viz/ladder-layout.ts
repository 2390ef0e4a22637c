/**
 * The ladder (sequence) diagram's layout, computed in plain TypeScript: D3-free maths that the
 * Svelte component only draws. Nothing here touches the DOM; text widths come from a `measure`
 * function (the component measures with a canvas, tests with a fixed advance).
 *
 * Rows. The trace's *moments* (distinct virtual times) are the playback steps. Within a moment,
 * every packet that leaves gets its own row (slot), in trace order, which is causal order; the
 * k-th packet to arrive at a moment lands on that moment's k-th slot, so a request and the reply
 * it triggers meet at one point. A moment's state changes hang below its last slot as pills, one
 * per host and state ("LISTEN · sshd, nginx" merges sockets that enter one state together),
 * stacked where two would touch. A quiet moment (calls only) takes half a row; a gap of a second
 * or more between moments (a retransmission timeout, 60 s of TIME-WAIT) is drawn as a break.
 *
 * Labels. Each packet's label lies along its arrow, turned to read left to right. A greedy
 * collision pass places them in time order: candidate spots slide along the arrow, above or
 * below it, on one line or two (ports first); a spot is allowed only if its rotated box clears
 * every pill, loss marker, break label, header and label already placed, and among the allowed
 * spots the pass prefers the middle of the arrow, above it, on one line, crossing no other
 * arrow. When no spot is free the rows where that arrow starts are spread apart and the pass
 * runs again, so the result never overlaps (checked by ladder-layout.test.ts and the figure
 * audit).
 *
 * @module
 */
import type { HostInfo, PacketEvent, StateEvent, TcpState, Trace } from '$lib/sim/trace';
import { posOf } from './timeline';
import { type Box, type Point, overlap, segmentBox, bounds, corners } from './collide';
import { packetText, oneLine, twoLines, threeLines } from './packet-text';
import { relativeNumbers } from './seqspace';
import { shownAddress } from './labels';
import { dropSite, pathBetween, pathLatency, pathOrder, packetsOf, type DropSite } from './lifelines';

/** Font sizes (px) of the ladder's texts. */
export interface LadderSizes {
	/** Packet labels. */
	label: number;
	/** State pills. */
	pill: number;
	/** Host names above the lifelines. */
	host: number;
	/** Host addresses under the names. */
	ip: number;
	/** The ✕ of a lost packet. */
	cross: number;
	/** Break labels ("+60 s"). */
	gap: number;
}

/** What a text is, for {@link Measure}. */
export type TextRole = 'label' | 'pill' | 'host' | 'ip' | 'cross' | 'gap';

/** Width in px of `text` drawn in the font of `role`. */
export type Measure = (text: string, role: TextRole) => number;

/** Sizes of the lesson-page ladder, the phone ladder and the projector (presentation) ladder. */
export const SIZES = {
	normal: { label: 11.5, pill: 11, host: 15, ip: 12, cross: 16, gap: 10.5 },
	narrow: { label: 10, pill: 10, host: 14, ip: 10.5, cross: 15, gap: 10 },
	projector: { label: 20, pill: 18, host: 24, ip: 18, cross: 26, gap: 18 }
} satisfies Record<string, LadderSizes>;

/** A monospace estimate (0.6 em per character) for when no real measurement is available. */
export function monoMeasure(sizes: LadderSizes): Measure {
	return (text, role) => [...text].length * sizes[role] * (role === 'host' ? 0.62 : 0.602);
}

export interface LadderInput {
	trace: Trace;
	/** The trace's moments (timeline.ts momentsOf), ascending. */
	moments: readonly number[];
	/** Width available, px. The layout may be wider when lifelines would be too close. */
	width: number;
	/** Show sequence numbers relative to each connection's ISNs (seqspace.ts). */
	relative: boolean;
	/** Phone labels (shorter words; the ports stay). */
	short?: boolean;
	sizes: LadderSizes;
	measure: Measure;
}

/** A lifeline. */
export interface LadderColumn {
	name: string;
	ip: string;
	x: number;
	/** Index of the host in `trace.hosts` (for its colour). */
	hostIndex: number;
	/** y of the address line (staggered when neighbours would touch). */
	ipY: number;
}

/** A placed label: its lines and the rotated box they fill. */
export interface PlacedLabel {
	lines: string[];
	box: Box;
	/** Distance between baselines, px. */
	lineHeight: number;
}

/** One packet's arrow. */
export interface LadderArrow {
	p: PacketEvent;
	/** Start and end of the whole arrow (to the arrival, or to where a dropped packet died). */
	x0: number;
	y0: number;
	x1: number;
	y1: number;
	/** Step (moment index) at which it leaves. */
	depart: number;
	/** Playhead position (moment units) at which it arrives or dies. */
	end: number;
	/** It never arrived. */
	lost: boolean;
	/** The router where it was dropped, when the trace tells (lifelines.ts dropSite). */
	dropAt: string | null;
	label: PlacedLabel;
	/** The ✕ marker's box, for a packet that never arrived. */
	cross: Box | null;
}

/** A state pill on a lifeline. */
export interface LadderPill {
	key: string;
	host: string;
	/** The state entered. */
	state: TcpState;
	/** The sockets that entered it at this moment. */
	sockets: string[];
	text: string;
	/** Step at which it appears. */
	moment: number;
	box: Box;
}

/** A compressed stretch of idle time. */
export interface LadderBreak {
	/** Middle of the break band, px. */
	y: number;
	/** Height of the band, px. */
	h: number;
	/** "+60 s". */
	text: string;
	box: Box;
	/** Step after the break. */
	moment: number;
}

export interface LadderLayout {
	width: number;
	height: number;
	/** y where lifelines start. */
	top: number;
	columns: LadderColumn[];
	arrows: LadderArrow[];
	pills: LadderPill[];
	breaks: LadderBreak[];
	/** y of each moment's first and last slot. */
	slotTop: number[];
	slotBottom: number[];
	/** y below each moment's pills (where the next moment may start). */
	bandBottom: number[];
	/** Labels that could not be placed clear of everything (0 in every lesson figure). */
	failed: number;
	/** Height of one row, px. */
	row: number;
	/** Layout passes it took (1 when no rows had to be spread). */
	rounds: number;
	/**
	 * Whether labels avoid crossing the arrows' lines (false when the lines are too many and too
	 * long to count within {@link CROSSING_BUDGET}: the labels then only keep clear of each
	 * other, the pills, the breaks and the ✕ markers).
	 */
	crossings: boolean;
}

/**
 * Most (line, band) pairs the label placement indexes to count the lines each label would cross,
 * per layout pass. A lesson's ladder needs at most some 2,500 (bulk-loss in projector mode). A
 * shared link can draw 620 arrows hundreds of rows long that cross each other (hostile.spec.ts:
 * 190 lines of 100 pings, cut at 1,000 events): 170,000 to 340,000 pairs by the figure's width,
 * and with their crossings counted one layout took 1.1 to 1.8 s in Node on a 2-core machine
 * (0.05 to 0.2 s without), a frozen page. Past this budget the labels are placed without
 * counting crossings.
 */
export const CROSSING_BUDGET = 50_000;

/** Gaps at least this long (ms of virtual time) are drawn as a break. */
export const BREAK_MS = 1000;

/** "+60 s", "+1 s", "+250 ms": the idle time a break stands for. */
export function breakText(ms: number): string {
	if (ms < 1000) return `+${Math.round(ms)} ms`;
	if (ms < 120_000) return `+${Math.round(ms / 100) / 10} s`.replace('.0 s', ' s');
	const min = Math.floor(ms / 60_000);
	const s = Math.round((ms % 60_000) / 1000);
	return s ? `+${min} min ${s} s` : `+${min} min`;
}

/** Where the "now" line is at playhead position `pos` (moment units). */
export function nowY(layout: LadderLayout, pos: number): number {
	const n = layout.slotBottom.length;
	if (n === 0) return layout.top;
	if (pos <= 0) return layout.slotBottom[0];
	if (pos >= n - 1) return layout.slotBottom[n - 1];
	const i = Math.floor(pos);
	const f = pos - i;
	return layout.slotBottom[i] + (layout.slotBottom[i + 1] - layout.slotBottom[i]) * f;
}

/** The part of an arrow drawn at playhead `pos`: null before it leaves; `done` once it arrived or died. */
export function arrowAt(a: LadderArrow, pos: number): { x1: number; y1: number; done: boolean } | null {
	if (pos < a.depart - 1e-6) return null;
	const span = a.end - a.depart;
	const f = span <= 1e-9 ? 1 : Math.max(0, Math.min(1, (pos - a.depart) / span));
	return { x1: a.x0 + (a.x1 - a.x0) * f, y1: a.y0 + (a.y1 - a.y0) * f, done: f >= 1 - 1e-9 };
}

interface Geometry {
	rowH: number;
	pillH: number;
	lineH: number;
}

function geometry(s: LadderSizes): Geometry {
	return { rowH: Math.round(s.label * 2.8), pillH: Math.round(s.pill + 8), lineH: Math.round(s.label * 1.3 * 10) / 10 };
}

/** Angle (degrees, −90…90) that lays text along a line so it reads left to right. */
function readingAngle(x0: number, y0: number, x1: number, y1: number): number {
	const dx = x1 - x0;
	if (Math.abs(dx) < 1) return 0;
	let deg = (Math.atan2(y1 - y0, dx) * 180) / Math.PI;
	if (deg > 90) deg -= 180;
	else if (deg < -90) deg += 180;
	return deg;
}

/**
 * Lay out the ladder of a trace.
 * @returns every position the component draws; pure and deterministic for the same input.
 */
export function layoutLadder(input: LadderInput): LadderLayout {
	let rounds = 0;
	// A figure too narrow for its labels even with spread rows grows sideways (its box scrolls).
	for (let widen = 0; ; widen++) {
		const { layout, tries } = layoutAtWidth({ ...input, width: Math.round(input.width * (1 + 0.2 * widen)) });
		rounds += tries;
		if (!layout.failed.length || widen >= 3) return { ...layout.result, rounds };
	}
}

function layoutAtWidth(input: LadderInput) {
	// Extra space (px) after each moment, and between the rows (slots) of each moment.
	const extra = { after: new Array<number>(input.moments.length).fill(0), within: new Array<number>(input.moments.length).fill(0) };
	const prep = prepare(input);
	let layout = layoutOnce(input, prep, extra, false);
	let tries = 1;
	// Spread the rows where labels found no free spot, and try again.
	const row = geometry(input.sizes).rowH;
	for (let round = 0; round < 12 && layout.failed.length; round++) {
		// Stretch every row the crowded arrow spans, and the one before it: steeper arrows and
		// more room between the rows make space for its label.
		const grow = new Set<number>();
		for (const { from, to } of layout.failed) for (let m = Math.max(0, from - 1); m <= Math.min(extra.after.length - 1, to); m++) grow.add(m);
		for (const m of grow) {
			extra.after[m] += row * 0.35 * (1 + round / 3);
			extra.within[m] += row * 0.2 * (1 + round / 3);
		}
		layout = layoutOnce(input, prep, extra, false);
		tries++;
	}
	if (layout.failed.length) {
		const last = layoutOnce(input, prep, extra, true);
		return { layout: last, tries: tries + 1 };
	}
	return { layout, tries };
}

interface Pending {
	p: PacketEvent;
	x0: number;
	y0: number;
	x1: number;
	y1: number;
	depart: number;
	end: number;
	lost: boolean;
	dropAt: string | null;
	cross: Box | null;
	forms: { lines: string[]; w: number; h: number; cost: number }[];
}

/**
 * The hosts a ladder draws a lifeline for, in path order: every host or router that sends or
 * receives a packet, has a socket that changes state, or drops a packet (lifelines.ts).
 */
export function ladderHosts(trace: Trace, drops?: ReadonlyMap<number, DropSite | null>): HostInfo[] {
	const used = new Set<string>();
	for (const e of trace.events) {
		if (e.kind === 'state') used.add(e.host);
		else if (e.kind === 'segment' || e.kind === 'datagram' || e.kind === 'icmp') {
			used.add(e.from);
			if (e.to) used.add(e.to);
			const d = drops ? drops.get(e.id) : dropSite(trace, e);
			if (d) used.add(d.node);
		}
	}
	return pathOrder(trace, used);
}

/**
 * Should a ladder `width` px wide show relative sequence numbers when nobody chose? Yes when the
 * longest absolute label would not fit on one line between two neighbouring lifelines (phones,
 * many lifelines); relative labels are about half as long.
 */
export function preferRelative(trace: Trace, width: number, measure: Measure): boolean {
	const n = Math.max(2, ladderHosts(trace).length);
	const gap = (width * 0.72) / (n - 1);
	let longest = 0;
	for (const e of trace.events) if (e.kind === 'segment') longest = Math.max(longest, measure(oneLine(packetText(e)), 'label'));
	return longest > gap - 16;
}

/** Everything about a trace that does not depend on row heights: computed once per layout. */
function prepare(input: LadderInput) {
	const { trace, moments, sizes, measure } = input;
	const g = geometry(sizes);
	const packets = packetsOf(trace);
	const states = trace.events.filter((e): e is StateEvent => e.kind === 'state');
	const rel = input.relative ? relativeNumbers(trace).numbers : null;
	const momentIndex = new Map(moments.map((t, i) => [t, i]));
	const mi = (t: number) => momentIndex.get(t) ?? Math.max(0, Math.min(moments.length - 1, Math.round(posOf(moments, t))));

	// ---- Lifelines, in path order.
	const drops = new Map(packets.map((p) => [p.id, dropSite(trace, p)]));
	const hosts = ladderHosts(trace, drops);
	const hostIndex = new Map(trace.hosts.map((h, i) => [h.name, i]));

	// Pills per moment (merged per host and state), to size the margins.
	const multiSocket = new Set<string>();
	{
		const per = new Map<string, Set<string>>();
		for (const s of states) per.set(s.host, (per.get(s.host) ?? new Set()).add(s.socket));
		for (const [h, set] of per) if (set.size > 1) multiSocket.add(h);
	}
	interface PillSpec {
		host: string;
		state: TcpState;
		sockets: string[];
		moment: number;
		text: string;
		w: number;
	}
	const pillSpecs: PillSpec[] = [];
	// On a phone with four lifelines or more, pills name the state only (the socket tables name
	// the sockets): a wider pill would reach across the neighbouring lifelines.
	const crowded = input.short === true && hosts.length >= 4;
	{
		const byKey = new Map<string, PillSpec>();
		for (const s of states) {
			const m = mi(s.t);
			const key = `${m}|${s.host}|${s.to}`;
			let spec = byKey.get(key);
			if (!spec) {
				spec = { host: s.host, state: s.to, sockets: [], moment: m, text: '', w: 0 };
				byKey.set(key, spec);
				pillSpecs.push(spec);
			}
			if (!spec.sockets.includes(s.socket)) spec.sockets.push(s.socket);
		}
		for (const spec of pillSpecs) {
			spec.text = spec.state + (multiSocket.has(spec.host) && !crowded ? ` · ${spec.sockets.join(', ')}` : '');
			spec.w = Math.ceil(measure(spec.text, 'pill') + sizes.pill * 1.1);
		}
	}

	// Margins: the outer lifelines' pills and header texts must fit inside the figure.
	const order = hosts.map((h) => h.name);
	// The address the header shows (an IPv6-only figure shows the host's IPv6 address, which is
	// wider than its IPv4 one): measuring `ip` let 2001:db8:1::10 cross the box's left edge.
	const shown = new Map(hosts.map((h) => [h.name, shownAddress(h, trace)]));
	const halfOf = (name: string) =>
		Math.max(
			measure(name, 'host') / 2,
			measure(shown.get(name) ?? '', 'ip') / 2,
			...pillSpecs.filter((p) => p.host === name).map((p) => p.w / 2)
		) + 10;
	const n = order.length;
	let width = input.width;
	let margin = n ? Math.max(halfOf(order[0]), halfOf(order[n - 1])) : 40;
	margin = Math.max(28, Math.min(margin, width * (n > 2 ? 0.16 : 0.24)));
	// Neighbouring lifelines need room for their names; when the figure is too narrow it grows
	// (the ladder's box scrolls sideways) rather than let names run into each other.
	const minGap = Math.max(...order.map((h) => measure(h, 'host')), 0) + 12;
	if (n > 1 && (width - 2 * margin) / (n - 1) < minGap) width = Math.ceil(2 * margin + minGap * (n - 1));
	const xs = new Map<string, number>();
	order.forEach((name, i) => xs.set(name, n === 1 ? width / 2 : margin + ((width - 2 * margin) * i) / (n - 1)));
	const gapX = n > 1 ? (width - 2 * margin) / (n - 1) : width;

	// Header: names, then addresses (on two staggered lines when neighbours' addresses touch).
	const nameY = Math.round(sizes.host * 1.2);
	const ipY = nameY + Math.round(sizes.ip * 1.35);
	const widestIp = Math.max(0, ...hosts.map((h) => measure(shown.get(h.name)!, 'ip')));
	const stagger = n > 1 && widestIp + 8 > gapX;
	const columns: LadderColumn[] = hosts.map((h, i) => ({
		name: h.name,
		ip: shown.get(h.name)!,
		x: xs.get(h.name)!,
		hostIndex: hostIndex.get(h.name) ?? 9,
		ipY: stagger && i % 2 === 1 ? ipY + Math.round(sizes.ip * 1.25) : ipY
	}));
	const top = (stagger ? ipY + Math.round(sizes.ip * 1.25) : ipY) + Math.round(g.rowH * 0.8);

	// ---- Slots per moment.
	const departures = moments.map(() => [] as PacketEvent[]);
	const arrivals = moments.map(() => [] as PacketEvent[]);
	for (const p of packets) {
		departures[mi(p.t)].push(p);
		if (p.arrivedAt !== null) arrivals[mi(p.arrivedAt)].push(p);
	}
	for (const a of arrivals) a.sort((x, y) => x.id - y.id);
	const slotOfDeparture = new Map<number, number>();
	const slotOfArrival = new Map<number, number>();
	departures.forEach((list) => list.forEach((p, k) => slotOfDeparture.set(p.id, k)));
	arrivals.forEach((list) => list.forEach((p, k) => slotOfArrival.set(p.id, k)));

	const pillsAt = moments.map(() => [] as PillSpec[]);
	for (const spec of pillSpecs) pillsAt[spec.moment].push(spec);
	const colIndex = new Map(order.map((h, i) => [h, i]));
	for (const list of pillsAt) list.sort((a, b) => (colIndex.get(a.host) ?? 0) - (colIndex.get(b.host) ?? 0));

	// Label texts and their sizes on one, two and three lines.
	type Form = { lines: string[]; w: number; h: number; cost: number };
	const formsOf = new Map<number, Form[]>();
	const latencyOf = new Map<number, number>();
	for (const p of packets) {
		const text = packetText(p, { relative: rel?.get(p.id) ?? null, short: input.short === true });
		const boxOf = (lines: string[], cost: number): Form => ({
			lines,
			w: Math.ceil(Math.max(...lines.map((l) => measure(l, 'label'))) + 4),
			h: Math.ceil(lines.length * g.lineH + 2),
			cost
		});
		const forms = [boxOf([oneLine(text)], 0)];
		const two = twoLines(text);
		if (two.length > 1) forms.push(boxOf(two, 1.5));
		const three = threeLines(text);
		if (three.length > 2) forms.push(boxOf(three, 3));
		formsOf.set(p.id, forms);
		if (p.arrivedAt === null && p.to) {
			const path = pathBetween(trace, p.from, p.to);
			if (path) latencyOf.set(p.id, pathLatency(trace, path));
		}
	}
	return { trace, moments, sizes, measure, g, packets, mi, drops, hosts, pillsAt, xs, width, gapX, columns, top, departures, arrivals, slotOfDeparture, slotOfArrival, formsOf, latencyOf };
}

/** An edge normal of a box and the box's own extent along it (collide.ts `polygonOverlap`'s arithmetic). */
interface Axis {
	nx: number;
	ny: number;
	min: number;
	max: number;
}

/** The edge normals of a polygon, in `polygonOverlap`'s order (degenerate edges skipped), with its extent along each. */
function axesOf(pts: readonly Point[]): Axis[] {
	const out: Axis[] = [];
	for (let i = 0; i < pts.length; i++) {
		const p = pts[i];
		const q = pts[(i + 1) % pts.length];
		let nx = p[1] - q[1];
		let ny = q[0] - p[0];
		const len = Math.hypot(nx, ny);
		if (len < 1e-9) continue;
		nx /= len;
		ny /= len;
		let min = Infinity;
		let max = -Infinity;
		for (let k = 0; k < pts.length; k++) {
			const v = pts[k][0] * nx + pts[k][1] * ny;
			if (v < min) min = v;
			if (v > max) max = v;
		}
		out.push({ nx, ny, min, max });
	}
	return out;
}

function layoutOnce(
	input: LadderInput,
	prep: ReturnType<typeof prepare>,
	extra: { after: readonly number[]; within: readonly number[] },
	lastResort: boolean
): { result: LadderLayout; failed: { from: number; to: number }[] } {
	const { trace, moments, sizes, measure, g, packets, mi, drops, pillsAt, xs, width, gapX, columns, top, departures, arrivals, slotOfDeparture, slotOfArrival, formsOf, latencyOf } = prep;
	const slotTop: number[] = [];
	const slotBottom: number[] = [];
	const slotGap: number[] = [];
	const bandBottom: number[] = [];
	const pills: LadderPill[] = [];
	const breaks: LadderBreak[] = [];
	const breakH = Math.round(g.rowH * 0.9);
	let y = top;
	for (let i = 0; i < moments.length; i++) {
		if (i > 0 && moments[i] - moments[i - 1] >= BREAK_MS) {
			const text = breakText(moments[i] - moments[i - 1]);
			const mid = y + breakH / 2 - g.rowH * 0.25;
			const w = measure(text, 'gap') + 4;
			breaks.push({ y: mid, h: breakH, text, moment: i, box: { cx: 3 + w / 2, cy: mid, w, h: sizes.gap * 1.3, deg: 0 } });
			y += breakH;
		}
		const slots = Math.max(1, departures[i].length, arrivals[i].length);
		slotTop[i] = y;
		slotGap[i] = g.rowH + (extra.within[i] ?? 0);
		slotBottom[i] = y + (slots - 1) * slotGap[i];
		// Pills: below the moment's last slot, each at the first height where it touches no other.
		let pillsBottom = slotBottom[i];
		const placed: Box[] = [];
		for (const spec of pillsAt[i]) {
			const cx0 = xs.get(spec.host) ?? width / 2;
			const cx = Math.max(spec.w / 2 + 1, Math.min(width - spec.w / 2 - 1, cx0));
			let k = 0;
			let box: Box;
			for (;;) {
				box = { cx, cy: slotBottom[i] + g.pillH / 2 + 4 + k * (g.pillH + 3), w: spec.w, h: g.pillH, deg: 0 };
				if (!placed.some((b) => overlap(b, { ...box, w: box.w + 6 }) > 0)) break;
				k++;
			}
			placed.push(box);
			pills.push({ key: `${i}|${spec.host}|${spec.state}`, host: spec.host, state: spec.state, sockets: spec.sockets, text: spec.text, moment: i, box });
			pillsBottom = Math.max(pillsBottom, box.cy + g.pillH / 2);
		}
		const quiet = departures[i].length === 0 && arrivals[i].length === 0 && pillsAt[i].length === 0;
		bandBottom[i] = pillsBottom;
		y = Math.max(slotBottom[i] + (quiet ? g.rowH * 0.5 : g.rowH), pillsBottom + 6) + (extra.after[i] ?? 0);
	}
	const height = Math.ceil(y + g.rowH * 0.6);

	/** y at virtual time `t`, between the moments around it (for packets that die in between). */
	const yAtTime = (t: number): number => {
		let i = -1;
		for (let k = 0; k < moments.length && moments[k] <= t; k++) i = k;
		if (i < 0) return slotTop[0] ?? top;
		if (moments[i] === t) return slotTop[i];
		const nextY = i + 1 < moments.length ? slotTop[i + 1] : slotBottom[i] + g.rowH;
		const span = i + 1 < moments.length ? moments[i + 1] - moments[i] : 100;
		const f = span >= BREAK_MS ? Math.min(1, (t - moments[i]) / 100) * 0.5 : (t - moments[i]) / span;
		return slotBottom[i] + (nextY - slotBottom[i]) * f;
	};

	// ---- Arrows.
	const pending: Pending[] = [];
	const failedSpans: { from: number; to: number }[] = [];
	for (const p of packets) {
		const depart = mi(p.t);
		const x0 = xs.get(p.from) ?? width / 2;
		const y0 = slotTop[depart] + (slotOfDeparture.get(p.id) ?? 0) * slotGap[depart];
		const xTo = p.to && xs.has(p.to) ? xs.get(p.to)! : Math.max(8, Math.min(width - 8, x0 + (x0 < width / 2 ? 1 : -1) * Math.min(160, gapX)));
		let x1: number;
		let y1: number;
		let end: number;
		let cross: Box | null = null;
		const site = drops.get(p.id) ?? null;
		if (p.arrivedAt !== null) {
			const arrive = mi(p.arrivedAt);
			x1 = xTo;
			y1 = slotTop[arrive] + (slotOfArrival.get(p.id) ?? 0) * slotGap[arrive];
			end = arrive;
		} else {
			let tDie: number;
			if (site && xs.has(site.node)) {
				x1 = xs.get(site.node)!;
				tDie = site.t;
			} else {
				// Lost on a link, or the trace does not say where: it dies part-way.
				x1 = x0 + (xTo - x0) * 0.45;
				tDie = p.t + 0.45 * (latencyOf.get(p.id) ?? 0);
			}
			// Packets that left together die a row apart, as they travelled.
			y1 = Math.max(yAtTime(tDie) + (y0 - slotTop[depart]), y0 + g.rowH * 0.6);
			end = Math.max(depart, posOf(moments, tDie));
			// The ✕ is drawn as two strokes 0.6 em across; its box allows for their width.
			const cw = sizes.cross * 0.6 + 6;
			cross = { cx: x1, cy: y1, w: cw, h: cw, deg: 0 };
			// A ✕ lost on a link may die a little earlier rather than touch a pill or another ✕.
			if (!site) {
				const taken = [...pills.map((q) => q.box), ...pending.flatMap((q) => (q.cross ? [q.cross] : []))];
				for (let k = 1; k <= 8 && taken.some((b) => overlap(b, cross!) > 0); k++) {
					const f = 1 - k * 0.05;
					cross = { ...cross, cx: x0 + (x1 - x0) * f, cy: y0 + (y1 - y0) * f };
				}
				x1 = cross.cx;
				y1 = cross.cy;
			}
		}
		if (cross) {
			// A ✕ that lands on a pill (a router's lifeline under a wide pill of its neighbour) moves
			// down past it: between two moments the vertical position is not to scale.
			const others = [...pills.map((q) => q.box), ...pending.flatMap((q) => (q.cross ? [q.cross] : []))];
			for (let k = 0; k < 4; k++) {
				const c: Box = cross;
				const hit = others.find((b) => overlap(b, c) > 0);
				if (!hit) break;
				cross = { ...c, cy: hit.cy + hit.h / 2 + c.h / 2 + 2 };
			}
			const c: Box = cross;
			y1 = c.cy;
			if (site) x1 = c.cx;
			// Still touching something, or pushed into the next moment: ask for more room there.
			const next = depart + 1 < moments.length ? slotTop[depart + 1] : Infinity;
			if (others.some((b) => overlap(b, c) > 0) || (y1 > next && end < depart + 1)) failedSpans.push({ from: depart, to: Math.ceil(end) });
		}
		const forms = formsOf.get(p.id)!;
		pending.push({ p, x0, y0, x1, y1, depart, end, lost: p.arrivedAt === null, dropAt: site?.node ?? null, cross, forms });
	}

	// ---- Labels: greedy placement in time order.
	// Obstacles with their axis-aligned bounds, so most pairs are ruled out by four comparisons, and
	// their corners and circle, computed once (collide.ts `overlap`, the same numbers). A shared
	// link's trace gives a figure some 600 arrows whose labels each try ~100 spots: without this
	// the page's thread spent seconds here (hostile.spec.ts, the frame-gap test).
	/** A box with its bounds and radius; its corners and axes are computed when first needed. */
	type Held = { box: Box; bb: [number, number, number, number]; r: number; pts: Point[] | null; axes: Axis[] | null };
	const held = (box: Box): Held => ({ box, bb: bounds(box), r: Math.hypot(box.w, box.h) / 2, pts: null, axes: null });
	const ptsOf = (h: Held): Point[] => (h.pts ??= corners(h.box));
	const axesOfHeld = (h: Held): Axis[] => (h.axes ??= axesOf(ptsOf(h)));
	const apart = (a: readonly number[], b: readonly number[]) => a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
	/**
	 * `overlap(c.box, h.box)` (collide.ts) from the precomputed parts, by the same arithmetic. The
	 * obstacle's axes are tried first (a thin arrow's own normal separates most spots at once); the
	 * depth of two boxes that overlap is the same either way, and callers only ask whether it is
	 * positive otherwise.
	 */
	const depth = (c: Held, h: Held): number => {
		const dx = c.box.cx - h.box.cx;
		const dy = c.box.cy - h.box.cy;
		const reach = c.r + h.r;
		// Far apart (with a margin for rounding): any non-positive depth says so.
		if (dx * dx + dy * dy > reach * reach * (1 + 1e-9)) return -1;
		const d = Math.hypot(dx, dy);
		if (d >= reach) return reach - d;
		let least = Infinity;
		const cp = ptsOf(c);
		for (const ax of axesOfHeld(h)) {
			let min = Infinity;
			let max = -Infinity;
			for (let k = 0; k < cp.length; k++) {
				const v = cp[k][0] * ax.nx + cp[k][1] * ax.ny;
				if (v < min) min = v;
				if (v > max) max = v;
			}
			const o = Math.min(ax.max, max) - Math.max(ax.min, min);
			if (o < least) least = o;
			if (least <= 0) return least;
		}
		const hp = ptsOf(h);
		for (const ax of axesOfHeld(c)) {
			let min = Infinity;
			let max = -Infinity;
			for (let k = 0; k < hp.length; k++) {
				const v = hp[k][0] * ax.nx + hp[k][1] * ax.ny;
				if (v < min) min = v;
				if (v > max) max = v;
			}
			const o = Math.min(max, ax.max) - Math.max(min, ax.min);
			if (o < least) least = o;
			if (least <= 0) return least;
		}
		return least;
	};
	/**
	 * Obstacles by vertical band (BAND px): a spot is checked only against those in the bands its
	 * bounds touch (the others are apart from it).
	 */
	const BAND = 64;
	class Bands {
		readonly all: Held[] = [];
		readonly #bands = new Map<number, number[]>();
		readonly #first: number[] = [];
		add(h: Held): void {
			const i = this.all.length;
			this.all.push(h);
			const first = Math.floor(h.bb[1] / BAND);
			this.#first.push(first);
			for (let b = first; b <= Math.floor(h.bb[3] / BAND); b++) {
				const list = this.#bands.get(b);
				if (list) list.push(i);
				else this.#bands.set(b, [i]);
			}
		}
		/**
		 * Indices of the obstacles whose bands meet `bb`'s, each once; in the order they were
		 * added when `ordered` (a sum of overlaps then adds up as a full scan's does).
		 */
		near(bb: readonly number[], ordered: boolean): number[] {
			const lo = Math.floor(bb[1] / BAND);
			const hi = Math.floor(bb[3] / BAND);
			if (lo === hi) return this.#bands.get(lo) ?? [];
			const out: number[] = [];
			for (let b = lo; b <= hi; b++) for (const i of this.#bands.get(b) ?? []) if (b === lo || this.#first[i] === b) out.push(i);
			return ordered ? out.sort((x, y) => x - y) : out;
		}
	}
	const hard = new Bands();
	for (const p of pills) hard.add(held(p.box));
	for (const b of breaks) hard.add(held(b.box));
	for (const a of pending) if (a.cross) hard.add(held(a.cross));
	// The arrows' lines (2 px across), by band too, each with the x-range its line covers within
	// the band: a long slanted arrow's bounds meet most spots beside it, the part of it in a
	// spot's band seldom does. (A point of the box lies within 1 px of the arrow in x and y, so the
	// arrow's x over the band's y ± 1, widened by 1, holds every point of the box in the band.)
	/** The line of each arrow, in `pending`'s order. */
	const lines: Held[] = pending.map((a) => held(segmentBox(a.x0, a.y0, a.x1, a.y1, 2)));
	const lineBands = new Map<number, { i: number; x0: number; x1: number }[]>();
	let pairs = 0;
	for (const h of lines) pairs += Math.floor(h.bb[3] / BAND) - Math.floor(h.bb[1] / BAND) + 1;
	const crossings = pairs <= CROSSING_BUDGET;
	if (crossings)
		lines.forEach((h, i) => {
			const a = pending[i];
			const [ya, yb] = a.y0 <= a.y1 ? [a.y0, a.y1] : [a.y1, a.y0];
			for (let b = Math.floor(h.bb[1] / BAND); b <= Math.floor(h.bb[3] / BAND); b++) {
				let x0 = h.bb[0];
				let x1 = h.bb[2];
				if (yb - ya > 1e-6) {
					const lo = Math.max(ya, b * BAND - 1.5);
					const hi = Math.min(yb, (b + 1) * BAND + 1.5);
					const xa = a.x0 + ((lo - a.y0) * (a.x1 - a.x0)) / (a.y1 - a.y0);
					const xb = a.x0 + ((hi - a.y0) * (a.x1 - a.x0)) / (a.y1 - a.y0);
					x0 = Math.max(x0, Math.min(xa, xb) - 1.5);
					x1 = Math.min(x1, Math.max(xa, xb) + 1.5);
				}
				const list = lineBands.get(b);
				const entry = { i, x0, x1 };
				if (list) list.push(entry);
				else lineBands.set(b, [entry]);
			}
		});
	/** The spot each line was last counted for (a line in several of a spot's bands counts once). */
	const counted = new Array<number>(lines.length).fill(-1);
	let spotNo = 0;
	const arrows: LadderArrow[] = [];
	const S = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9];
	for (const a of pending) {
		const deg = readingAngle(a.x0, a.y0, a.x1, a.y1);
		const r = (deg * Math.PI) / 180;
		// Unit normal pointing "above" the text (its local −y), and the arrow's length.
		const nx = Math.sin(r);
		const ny = -Math.cos(r);
		const len = Math.hypot(a.x1 - a.x0, a.y1 - a.y0);
		const preferBelow = a.lost;
		let best: { box: Box; lines: string[]; cost: number } | null = null;
		let leastBad: { box: Box; lines: string[]; bad: number } | null = null;
		for (const form of a.forms) {
			const overhang = form.w > len - 14 ? 4 + (form.w - len) / 20 : 0;
			// Spots along the arrow (0 = start, 1 = end), then flush with either end, and for a lost
			// packet ending just before its ✕ (a label wider than a short arrow runs back past the
			// sender instead of over the marker).
			const half = len > 0 ? form.w / 2 / len : 0;
			const spots = [...S];
			if (len > 0) {
				spots.push(half + 4 / len, 1 - half - 4 / len);
				if (a.cross) spots.push(1 - half - (a.cross.w + 6) / len);
			}
			for (let si = 0; si < spots.length; si++) {
				const s = spots[si];
				const px = a.x0 + (a.x1 - a.x0) * s;
				const py = a.y0 + (a.y1 - a.y0) * s;
				for (let lane = 0; lane < 2; lane++)
				for (const below of [preferBelow, !preferBelow]) {
					const off = (form.h / 2 + 2.5 + lane * g.lineH * 0.8) * (below ? -1 : 1);
					const box: Box = { cx: px + nx * off, cy: py + ny * off, w: form.w, h: form.h, deg };
					const cost = Math.min(si, 9) + (below === preferBelow ? 0 : 2.5) + lane * 3 + form.cost + overhang;
					if (best && cost >= best.cost) continue;
					const bb = bounds(box);
					const inBounds = bb[0] >= 1 && bb[1] >= top - 6 && bb[2] <= width - 1 && bb[3] <= height - 1;
					if (!inBounds && !lastResort) continue;
					const spot: Held = held(box);
					let bad = 0;
					for (const i of hard.near(bb, lastResort)) {
						const h = hard.all[i];
						if (apart(bb, h.bb)) continue;
						const o = depth(spot, h);
						if (o > 0) {
							bad += o;
							if (!lastResort) break;
						}
					}
					if (inBounds && bad === 0) {
						// Lines the label would cross; counting stops once this spot cannot beat the best.
						let soft = 0;
						const me = spotNo++;
						scan: for (let band = Math.floor(bb[1] / BAND); band <= Math.floor(bb[3] / BAND); band++)
							for (const { i, x0, x1 } of lineBands.get(band) ?? []) {
								if (best && cost + soft * 5 >= best.cost) break scan;
								if (x1 <= bb[0] || x0 >= bb[2] || counted[i] === me) continue;
								counted[i] = me;
								const l = lines[i];
								if (pending[i] !== a && !apart(bb, l.bb) && depth(spot, l) > 0.5) soft++;
							}
						const c = cost + soft * 5;
						if (!best || c < best.cost) best = { box, lines: form.lines, cost: c };
					} else if (lastResort) {
						const b = bad + (inBounds ? 0 : 1000);
						if (!leastBad || b < leastBad.bad) leastBad = { box, lines: form.lines, bad: b };
					}
				}
			}
		}
		let chosen = best;
		if (!chosen) {
			failedSpans.push({ from: a.depart, to: Math.ceil(a.end) });
			const fallback = leastBad ?? { box: { cx: (a.x0 + a.x1) / 2, cy: (a.y0 + a.y1) / 2, w: a.forms[0].w, h: a.forms[0].h, deg }, lines: a.forms[0].lines };
			chosen = { box: fallback.box, lines: fallback.lines, cost: Infinity };
		}
		hard.add(held(chosen.box));
		arrows.push({
			p: a.p,
			x0: a.x0,
			y0: a.y0,
			x1: a.x1,
			y1: a.y1,
			depart: a.depart,
			end: a.end,
			lost: a.lost,
			dropAt: a.dropAt,
			cross: a.cross,
			label: { lines: chosen.lines, box: chosen.box, lineHeight: g.lineH }
		});
	}

	return {
		failed: failedSpans,
		result: { width, height, top, columns, arrows, pills, breaks, slotTop, slotBottom, bandBottom, failed: failedSpans.length, row: g.rowH, rounds: 0, crossings }
	};
}
