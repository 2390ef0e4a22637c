/**
 * Pure timeline maths shared by every view of one trace.
 *
 * A trace happens in virtual time (ms), with long quiet gaps (TIME-WAIT lasts 60 s
 * on Linux). Views therefore move along *moments*: the distinct virtual times at
 * which something happens (a packet leaves or arrives, a socket changes state, a
 * call is made). The playhead is a continuous position `pos` in moment units;
 * {@link timeAt} maps it back to virtual time by linear interpolation, so a packet
 * in flight between two moments is drawn part-way along its arrow.
 */
import type { StateEvent, Trace, TraceEvent, TcpState, SocketAddress } from '$lib/sim/trace';

/** The moments of a trace, ascending, without duplicates (ms of virtual time). */
export function momentsOf(trace: Trace): number[] {
	const times = new Set<number>();
	for (const e of trace.events) {
		times.add(e.t);
		if ('arrivedAt' in e && e.arrivedAt !== null) times.add(e.arrivedAt);
	}
	if (times.size === 0) times.add(0);
	return [...times].sort((a, b) => a - b);
}

/** Virtual time (ms) at playhead position `pos` (moment units, clamped). */
export function timeAt(moments: readonly number[], pos: number): number {
	if (moments.length === 0) return 0;
	if (pos <= 0) return moments[0];
	const last = moments.length - 1;
	if (pos >= last) return moments[last];
	const i = Math.floor(pos);
	const f = pos - i;
	return moments[i] + (moments[i + 1] - moments[i]) * f;
}

/** Playhead position (moment units) of virtual time `t`: the inverse of {@link timeAt}. */
export function posOf(moments: readonly number[], t: number): number {
	if (moments.length === 0 || t <= moments[0]) return 0;
	let lo = 0;
	let hi = moments.length - 1;
	if (t >= moments[hi]) return hi;
	while (hi - lo > 1) {
		const mid = (lo + hi) >> 1;
		if (moments[mid] <= t) lo = mid;
		else hi = mid;
	}
	return lo + (t - moments[lo]) / (moments[hi] - moments[lo]);
}

/** Is a packet a wire event (segment, datagram, ICMP message)? Defined beside the trace types. */
export { isPacket } from '$lib/sim/trace';

/** One row of a socket table. */
export interface SocketRow {
	socket: string;
	host: string;
	state: TcpState;
	local: SocketAddress;
	remote: SocketAddress;
	/** Virtual time (ms) of the row's last state change. */
	since: number;
	/** AF_INET6 sockets: IPV6_V6ONLY (decides `*` or `[::]` in ss). */
	v6only?: boolean;
}

/**
 * The TCP sockets alive on each host at virtual time `t`, as `ss -tan` would list
 * them: the last state of every socket, omitting those that are CLOSED.
 */
export function socketsAt(trace: Trace, t: number): Map<string, SocketRow[]> {
	const latest = new Map<string, StateEvent>();
	for (const e of trace.events) {
		if (e.t > t) break;
		if (e.kind === 'state') latest.set(e.socket, e);
	}
	const byHost = new Map<string, SocketRow[]>();
	for (const h of trace.hosts) byHost.set(h.name, []);
	for (const e of latest.values()) {
		if (e.to === 'CLOSED') continue;
		const rows = byHost.get(e.host) ?? [];
		rows.push({ socket: e.socket, host: e.host, state: e.to, local: e.local, remote: e.remote, since: e.t, ...(e.v6only !== undefined ? { v6only: e.v6only } : {}) });
		byHost.set(e.host, rows);
	}
	return byHost;
}

/** Format virtual time for people: "0 ms", "250 ms", "1.25 s", "61 s", "2 min 5 s". */
export function formatTime(ms: number): string {
	if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
	if (ms < 120_000) return `${Math.round(ms / 10) / 100} s`;
	const min = Math.floor(ms / 60_000);
	const s = Math.round((ms % 60_000) / 1000);
	return s ? `${min} min ${s} s` : `${min} min`;
}
