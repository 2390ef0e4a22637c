/**
 * Geometry and trace queries for the RFC 9293 Figure 5 state diagram.
 *
 * The figure is canonical, so node positions are hand-placed (in the figure's own
 * arrangement: CLOSED at the top, SYN-RECEIVED and SYN-SENT either side of LISTEN,
 * ESTABLISHED in the middle, the closing states below, CLOSED again at the bottom
 * right). Like the RFC's figure, CLOSED is drawn twice: `CLOSED` (where sockets start,
 * and where non-synchronized states return) and `CLOSED-END` (where a connection ends).
 *
 * Edge paths are quadratic Bézier curves built with d3-path; the same control points
 * give {@link pointOnEdge}, so a marker can travel exactly along a drawn edge.
 *
 * Source of the edges: RFC 9293 §3.3.2 Figure 5 and its notes
 * (/work/shared/reference/rfc9293-summary.md, "Figure 5 edges").
 */
import { path as d3path } from 'd3';
import type { StateEvent, TcpState, Trace } from '$lib/sim/trace';

/** A node of the diagram: a TCP state, with CLOSED drawn twice. */
export type StateNodeId = TcpState | 'CLOSED-END';

/** A state box, centre `(x, y)` in viewBox units. */
export interface StateNode {
	id: StateNodeId;
	state: TcpState;
	x: number;
	y: number;
	/** Two-line display name (the figure abbreviates SYN-RCVD, ESTAB…; we spell them out). */
	lines: string[];
}

/** An edge of Figure 5: `event / action` as the RFC writes it. */
export interface StateEdge {
	id: string;
	from: StateNodeId;
	to: StateNodeId;
	/** The event (upper line of the figure's label), e.g. `rcv SYN,ACK`. */
	event: string;
	/** The action (lower line), e.g. `snd ACK`; `x` means nothing is sent. */
	action: string;
	/** Perpendicular bend of the curve as a fraction of its length (+ = left of the direction of travel). */
	bend: number;
	/** Label position relative to the curve's midpoint, viewBox units (wide layout). */
	labelDx?: number;
	labelDy?: number;
	/** Note shown in the tooltip (the RFC's notes under the figure). */
	note?: string;
}

/** Laid-out edge: its SVG path and label anchor. */
export interface EdgeGeometry {
	edge: StateEdge;
	/** Start, control and end points of the quadratic curve. */
	p0: [number, number];
	c: [number, number];
	p1: [number, number];
	/** SVG path data. */
	d: string;
	/** Label anchor (centre of the two-line label). */
	lx: number;
	ly: number;
}

/** Size of the diagram's coordinate system for a layout. */
export interface DiagramLayout {
	kind: 'wide' | 'compact';
	width: number;
	height: number;
	nodeW: number;
	nodeH: number;
	nodes: StateNode[];
	edges: EdgeGeometry[];
}

/** Wide-layout centres; the compact layout rescales these columns. */
const WIDE: Record<StateNodeId, [number, number]> = {
	CLOSED: [380, 40],
	LISTEN: [380, 165],
	'SYN-RECEIVED': [95, 300],
	'SYN-SENT': [665, 300],
	ESTABLISHED: [380, 420],
	'FIN-WAIT-1': [95, 535],
	'CLOSE-WAIT': [665, 535],
	'FIN-WAIT-2': [95, 655],
	CLOSING: [380, 655],
	'LAST-ACK': [665, 655],
	'TIME-WAIT': [380, 775],
	'CLOSED-END': [665, 775]
};

/**
 * The edges of RFC 9293 Figure 5, plus the two RST edges its notes describe
 * (SYN-RECEIVED → CLOSED when the connection was actively opened, note 1).
 */
export const FIGURE5_EDGES: readonly StateEdge[] = [
	{ id: 'closed-listen', from: 'CLOSED', to: 'LISTEN', event: 'passive OPEN', action: 'create TCB', bend: -0.25, labelDx: -72, labelDy: 0 },
	{ id: 'listen-closed', from: 'LISTEN', to: 'CLOSED', event: 'CLOSE', action: 'delete TCB', bend: -0.25, labelDx: 68, labelDy: 0 },
	{ id: 'closed-synsent', from: 'CLOSED', to: 'SYN-SENT', event: 'active OPEN', action: 'create TCB, snd SYN', bend: 0.22, labelDx: 62, labelDy: -14 },
	{ id: 'listen-synrcvd', from: 'LISTEN', to: 'SYN-RECEIVED', event: 'rcv SYN', action: 'snd SYN,ACK', bend: 0.12, labelDx: 20, labelDy: 26 },
	{ id: 'listen-synsent', from: 'LISTEN', to: 'SYN-SENT', event: 'SEND', action: 'snd SYN', bend: -0.12, labelDx: -20, labelDy: 26 },
	{ id: 'synsent-closed', from: 'SYN-SENT', to: 'CLOSED', event: 'CLOSE', action: 'delete TCB', bend: 0, labelDx: 2, labelDy: 24 },
	{ id: 'synsent-synrcvd', from: 'SYN-SENT', to: 'SYN-RECEIVED', event: 'rcv SYN', action: 'snd SYN,ACK', bend: 0, labelDx: 0, labelDy: 18, note: 'Simultaneous open (RFC 9293 Figure 7).' },
	{ id: 'synsent-estab', from: 'SYN-SENT', to: 'ESTABLISHED', event: 'rcv SYN,ACK', action: 'snd ACK', bend: -0.12, labelDx: 70, labelDy: 14 },
	{ id: 'synrcvd-listen', from: 'SYN-RECEIVED', to: 'LISTEN', event: 'rcv RST', action: '(note 1)', bend: 0.15, labelDx: -56, labelDy: -28, note: 'Note 1: only if SYN-RECEIVED was entered from LISTEN (passive open).' },
	{ id: 'synrcvd-closed', from: 'SYN-RECEIVED', to: 'CLOSED', event: 'rcv RST', action: 'connection refused', bend: 0.25, labelDx: -66, labelDy: -10, note: 'When SYN-RECEIVED was entered from SYN-SENT (active open), a RST closes the connection.' },
	{ id: 'synrcvd-estab', from: 'SYN-RECEIVED', to: 'ESTABLISHED', event: 'rcv ACK of SYN', action: 'x', bend: 0.12, labelDx: -70, labelDy: 14 },
	{ id: 'synrcvd-fw1', from: 'SYN-RECEIVED', to: 'FIN-WAIT-1', event: 'CLOSE', action: 'snd FIN', bend: 0, labelDx: -10, labelDy: 0 },
	{ id: 'estab-fw1', from: 'ESTABLISHED', to: 'FIN-WAIT-1', event: 'CLOSE', action: 'snd FIN', bend: 0.1, labelDx: 8, labelDy: -30 },
	{ id: 'estab-closewait', from: 'ESTABLISHED', to: 'CLOSE-WAIT', event: 'rcv FIN', action: 'snd ACK', bend: -0.1, labelDx: -8, labelDy: -30 },
	{ id: 'fw1-fw2', from: 'FIN-WAIT-1', to: 'FIN-WAIT-2', event: 'rcv ACK of FIN', action: 'x', bend: 0, labelDx: -10, labelDy: 0 },
	{ id: 'fw1-closing', from: 'FIN-WAIT-1', to: 'CLOSING', event: 'rcv FIN', action: 'snd ACK', bend: -0.1, labelDx: 26, labelDy: -14, note: 'Simultaneous close (RFC 9293 Figure 13).' },
	{ id: 'fw1-timewait', from: 'FIN-WAIT-1', to: 'TIME-WAIT', event: 'rcv FIN,ACK', action: 'snd ACK', bend: 0, labelDx: -40, labelDy: 6, note: 'Note 2: a FIN that also acknowledges our FIN skips FIN-WAIT-2 and CLOSING.' },
	{ id: 'fw2-timewait', from: 'FIN-WAIT-2', to: 'TIME-WAIT', event: 'rcv FIN', action: 'snd ACK', bend: -0.3, labelDx: -44, labelDy: 10 },
	{ id: 'closewait-lastack', from: 'CLOSE-WAIT', to: 'LAST-ACK', event: 'CLOSE', action: 'snd FIN', bend: 0, labelDx: 10, labelDy: 0 },
	{ id: 'closing-timewait', from: 'CLOSING', to: 'TIME-WAIT', event: 'rcv ACK of FIN', action: 'x', bend: 0, labelDx: 62, labelDy: 0 },
	{ id: 'lastack-closed', from: 'LAST-ACK', to: 'CLOSED-END', event: 'rcv ACK of FIN', action: 'x', bend: 0, labelDx: 10, labelDy: 0 },
	{ id: 'timewait-closed', from: 'TIME-WAIT', to: 'CLOSED-END', event: 'timeout = 2 MSL', action: 'delete TCB', bend: 0, labelDx: 0, labelDy: -22 }
];

const LINES: Record<StateNodeId, string[]> = {
	CLOSED: ['CLOSED'],
	LISTEN: ['LISTEN'],
	'SYN-RECEIVED': ['SYN-', 'RECEIVED'],
	'SYN-SENT': ['SYN-SENT'],
	ESTABLISHED: ['ESTABLISHED'],
	'FIN-WAIT-1': ['FIN-WAIT-1'],
	'FIN-WAIT-2': ['FIN-WAIT-2'],
	'CLOSE-WAIT': ['CLOSE-WAIT'],
	CLOSING: ['CLOSING'],
	'LAST-ACK': ['LAST-ACK'],
	'TIME-WAIT': ['TIME-WAIT'],
	'CLOSED-END': ['CLOSED']
};

/** The TCP state a node stands for. */
export function stateOfNode(id: StateNodeId): TcpState {
	return id === 'CLOSED-END' ? 'CLOSED' : id;
}

/** Synchronized states (RFC 9293 §3.3.2): a move from one of these to CLOSED ends at `CLOSED-END`. */
const SYNCHRONIZED = new Set<TcpState>(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT']);

/**
 * The node a socket in state `to` is drawn on, having come from `from`.
 * CLOSED reached from a synchronized state is the figure's bottom CLOSED box.
 */
export function nodeFor(from: TcpState, to: TcpState): StateNodeId {
	if (to !== 'CLOSED') return to;
	return SYNCHRONIZED.has(from) ? 'CLOSED-END' : 'CLOSED';
}

/**
 * Where a curve leaving the centre of a `w`×`h` box at `(cx, cy)` towards `(tx, ty)`
 * crosses the box's border (plus `pad`).
 */
export function boxExit(cx: number, cy: number, w: number, h: number, tx: number, ty: number, pad = 3): [number, number] {
	const dx = tx - cx;
	const dy = ty - cy;
	if (dx === 0 && dy === 0) return [cx, cy];
	const hw = w / 2 + pad;
	const hh = h / 2 + pad;
	const s = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
	return [cx + dx * s, cy + dy * s];
}

/** Point at parameter `t` (0…1) of the quadratic Bézier `p0 → c → p1`. */
export function pointOnQuad(p0: readonly [number, number], c: readonly [number, number], p1: readonly [number, number], t: number): [number, number] {
	const u = 1 - t;
	return [u * u * p0[0] + 2 * u * t * c[0] + t * t * p1[0], u * u * p0[1] + 2 * u * t * c[1] + t * t * p1[1]];
}

/** Point at parameter `t` along a laid-out edge. */
export function pointOnEdge(g: Pick<EdgeGeometry, 'p0' | 'c' | 'p1'>, t: number): [number, number] {
	return pointOnQuad(g.p0, g.c, g.p1, Math.max(0, Math.min(1, t)));
}

/** Lay out one edge between two node centres. */
export function edgeGeometry(edge: StateEdge, a: StateNode, b: StateNode, nodeW: number, nodeH: number, labelScale = 1): EdgeGeometry {
	const mx = (a.x + b.x) / 2;
	const my = (a.y + b.y) / 2;
	const dx = b.x - a.x;
	const dy = b.y - a.y;
	// Left normal of the direction of travel (SVG y grows downwards).
	const c: [number, number] = [mx + dy * edge.bend, my - dx * edge.bend];
	const p0 = boxExit(a.x, a.y, nodeW, nodeH, c[0], c[1]);
	const p1 = boxExit(b.x, b.y, nodeW, nodeH, c[0], c[1], 6);
	const p = d3path();
	p.moveTo(p0[0], p0[1]);
	p.quadraticCurveTo(c[0], c[1], p1[0], p1[1]);
	const mid = pointOnQuad(p0, c, p1, 0.5);
	return {
		edge,
		p0,
		c,
		p1,
		d: p.toString(),
		lx: mid[0] + (edge.labelDx ?? 0) * labelScale,
		ly: mid[1] + (edge.labelDy ?? 0) * labelScale
	};
}

/**
 * The diagram for a layout: `'wide'` (760×820 viewBox, every edge labelled) or
 * `'compact'` (400×700, for phones: the same figure with narrower columns; the
 * component then labels only the edge just taken).
 */
export function layoutDiagram(kind: 'wide' | 'compact'): DiagramLayout {
	const wide = kind === 'wide';
	const width = wide ? 760 : 400;
	const height = wide ? 820 : 700;
	const nodeW = wide ? 120 : 110;
	const nodeH = wide ? 42 : 40;
	const colX = (x: number) => (wide ? x : x === 380 ? 200 : x < 380 ? 58 : 342);
	const rowY = (y: number) => (wide ? y : 34 + (y - 40) * (630 / 735));
	const nodes: StateNode[] = (Object.keys(WIDE) as StateNodeId[]).map((id) => ({
		id,
		state: stateOfNode(id),
		x: colX(WIDE[id][0]),
		y: rowY(WIDE[id][1]),
		lines: LINES[id]
	}));
	const byId = new Map(nodes.map((n) => [n.id, n]));
	const edges = FIGURE5_EDGES.map((e) => edgeGeometry(e, byId.get(e.from)!, byId.get(e.to)!, nodeW, nodeH, wide ? 1 : 0.5));
	return { kind, width, height, nodeW, nodeH, nodes, edges };
}

/** One socket's position in the diagram at some time. */
export interface SocketMark {
	socket: string;
	host: string;
	state: TcpState;
	node: StateNodeId;
	/** The transition that put it there. */
	last: StateEvent;
}

/**
 * Every TCP socket that has changed state at or before `t` (ms of virtual time), with
 * the node it is drawn on, in order of first appearance.
 */
export function socketMarksAt(trace: Trace, t: number): SocketMark[] {
	const latest = new Map<string, StateEvent>();
	for (const e of trace.events) {
		if (e.t > t) break;
		if (e.kind === 'state') latest.set(e.socket, e);
	}
	return [...latest.values()].map((e) => ({ socket: e.socket, host: e.host, state: e.to, node: nodeFor(e.from, e.to), last: e }));
}

/** The state transitions that happened at the latest state-change time `<= t` (several sockets may move at once). */
export function lastTransitionsAt(trace: Trace, t: number): StateEvent[] {
	let at = -Infinity;
	let out: StateEvent[] = [];
	for (const e of trace.events) {
		if (e.t > t) break;
		if (e.kind !== 'state') continue;
		if (e.t > at) {
			at = e.t;
			out = [];
		}
		out.push(e);
	}
	return out;
}

/**
 * The Figure 5 edge a transition follows, or null when the figure has no edge for it
 * (e.g. ESTABLISHED → CLOSED on a RST, which the figure only mentions in note 3).
 */
export function edgeFor(e: Pick<StateEvent, 'from' | 'to'>): StateEdge | null {
	const from = e.from as StateNodeId;
	const to = nodeFor(e.from, e.to);
	return FIGURE5_EDGES.find((x) => x.from === from && x.to === to) ?? null;
}

/** Text alternative for one socket: "client#1 (client) is in ESTABLISHED; last transition SYN-SENT → ESTABLISHED on rcv SYN,ACK". */
export function describeMark(m: SocketMark): string {
	return `${m.socket} (${m.host}) is in ${m.state}; last transition ${m.last.from} → ${m.last.to} on ${m.last.cause}`;
}
