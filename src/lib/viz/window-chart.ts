/**
 * The maths of the window chart (WindowChart.svelte): the `window` events of a trace as series
 * over virtual time — the peer's receive window as the sender sees it (rwnd = SND.WND), the bytes
 * in flight (SND.NXT − SND.UNA) and, where the preset models congestion control, cwnd (RFC 5681)
 * — with D3 scales and step-line paths. D3 computes; the component renders.
 *
 * Each value holds from its event until the next one (a step function), so the chart at the
 * playhead's time `t` shows the values of the last event at or before `t`.
 *
 * @module
 */
import { line as d3line, curveStepAfter, scaleLinear, type ScaleLinear } from 'd3';
import type { Trace, WindowEvent } from '$lib/sim/trace';
import { posOf } from './timeline';

/** One plotted quantity. */
export type SeriesKey = 'rwnd' | 'inFlight' | 'cwnd';

/** The series of one sending socket. */
export interface SocketSeries {
	host: string;
	socket: string;
	/** Its window events, in time order. */
	events: WindowEvent[];
	/** cwnd is known (some event has a non-null cwnd). */
	hasCwnd: boolean;
	/** Largest bytes in flight. */
	maxInFlight: number;
}

/** Legend names (as the lesson text uses them). */
export const SERIES_NAMES: Record<SeriesKey, string> = {
	rwnd: 'rwnd (peer’s window)',
	inFlight: 'bytes in flight',
	cwnd: 'cwnd'
};

/** The value of `key` in a window event, or null when it has none (cwnd without congestion control). */
export function valueOf(e: WindowEvent, key: SeriesKey): number | null {
	return key === 'rwnd' ? e.sndWnd : key === 'inFlight' ? e.inFlight : e.cwnd;
}

/**
 * The sockets that sent data (some window event with bytes in flight), busiest first, at most
 * `max` of them.
 */
export function sendingSockets(trace: Trace, max = 2): SocketSeries[] {
	const by = new Map<string, SocketSeries>();
	for (const e of trace.events) {
		if (e.kind !== 'window') continue;
		let s = by.get(e.socket);
		if (s === undefined) {
			s = { host: e.host, socket: e.socket, events: [], hasCwnd: false, maxInFlight: 0 };
			by.set(e.socket, s);
		}
		s.events.push(e);
		if (e.cwnd !== null) s.hasCwnd = true;
		if (e.inFlight > s.maxInFlight) s.maxInFlight = e.inFlight;
	}
	return [...by.values()].filter((s) => s.maxInFlight > 0).sort((a, b) => b.maxInFlight - a.maxInFlight).slice(0, max);
}

/** The last event at or before `t` (null before the first). */
export function eventAt(s: SocketSeries, t: number): WindowEvent | null {
	let found: WindowEvent | null = null;
	for (const e of s.events) {
		if (e.t > t) break;
		found = e;
	}
	return found;
}

/** The chart's geometry for one socket: scales, paths per series (up to `t`), axis ticks. */
export interface ChartGeometry {
	/** Virtual time (ms) → horizontal position. */
	x: (ms: number) => number;
	y: ScaleLinear<number, number>;
	paths: { key: SeriesKey; d: string }[];
	xTicks: { x: number; label: string }[];
	yTicks: { y: number; label: string }[];
}

/** Bytes as an axis label: `64K`, `1M`, `512`. */
export function shortBytes(n: number): string {
	if (n >= 1_048_576 && n % 1_048_576 === 0) return `${n / 1_048_576}M`;
	if (n >= 1024) return `${Math.round(n / 1024)}K`;
	return String(n);
}

/**
 * Lay the series of `s` out in a `width` × `height` box (inner margins included), drawn up to the
 * playhead time `t` (the chart grows as the timeline plays). The horizontal axis is the player's
 * axis: the trace's moments (timeline.ts), evenly spaced as the slider and the ladder step through
 * them, so a step moves the chart as far as any other; its ticks name the virtual time.
 */
export function chartGeometry(s: SocketSeries, width: number, height: number, moments: readonly number[], t: number, margin = { l: 44, r: 10, t: 8, b: 22 }): ChartGeometry {
	const keys: SeriesKey[] = s.hasCwnd ? ['rwnd', 'cwnd', 'inFlight'] : ['rwnd', 'inFlight'];
	let top = 1;
	for (const e of s.events) for (const k of keys) top = Math.max(top, valueOf(e, k) ?? 0);
	const last = Math.max(1, moments.length - 1);
	const px = scaleLinear().domain([0, last]).range([margin.l, width - margin.r]);
	const x = (ms: number) => px(posOf(moments, ms));
	const y = scaleLinear().domain([0, top]).nice(4).range([height - margin.b, margin.t]);
	const shown = s.events.filter((e) => e.t <= t);
	const paths: { key: SeriesKey; d: string }[] = [];
	for (const key of keys) {
		const pts: [number, number][] = [];
		for (const e of shown) {
			const v = valueOf(e, key);
			if (v !== null) pts.push([x(e.t), y(v)]);
		}
		// the last value holds until the playhead
		if (pts.length > 0) pts.push([x(Math.max(t, shown[shown.length - 1].t)), pts[pts.length - 1][1]]);
		const d = d3line().curve(curveStepAfter)(pts) ?? '';
		paths.push({ key, d });
	}
	const count = width < 360 ? 3 : 5;
	const xTicks = Array.from({ length: count }, (_, i) => {
		const v = moments[Math.round((i * (moments.length - 1)) / (count - 1))] ?? 0;
		return { x: x(v), label: v >= 1000 ? `${+(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms` };
	});
	const yTicks = y.ticks(4).map((v) => ({ y: y(v), label: shortBytes(v) }));
	return { x, y, paths, xTicks, yTicks };
}
