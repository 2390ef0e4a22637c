/**
 * What `ss -ltn` shows in Recv-Q and Send-Q for a listening socket at a moment of a trace. On a
 * listener Linux reports the accept queue there: Recv-Q = connections that finished their
 * handshake and wait for accept() (`sk_ack_backlog`), Send-Q = the backlog, min(listen()'s
 * backlog, somaxconn) (`sk_max_ack_backlog`); net/ipv4/tcp_diag.c `tcp_diag_get_info()`.
 *
 * Read from the trace alone: a listener's `listen` call (its detail carries `backlog=N` when the
 * program gave one), its children `<listener>.<n>` reaching ESTABLISHED, and its `accept` calls
 * naming them. Listeners whose program gave no backlog are left out (their figures show no
 * queue columns).
 *
 * @module
 */
import { CONNECT_TUNING } from '$lib/sim/tcp-listen';
import type { OsPresetId, Trace } from '$lib/sim';

/** Recv-Q and Send-Q of one listener, as `ss -ltn` prints them. */
export interface ListenQueue {
	/** Connections waiting in the accept queue. */
	recvQ: number;
	/** The backlog. */
	sendQ: number;
}

/**
 * The accept queue and backlog of every listener (with an explicit backlog) at time `t`, keyed
 * by socket id (socket ids are unique in a trace).
 */
export function listenQueuesAt(trace: Trace, t: number): Map<string, ListenQueue> {
	const out = new Map<string, ListenQueue>();
	const osOf = new Map(trace.hosts.map((h) => [h.name, h.os]));
	const waiting = new Map<string, Set<string>>();
	for (const e of trace.events) {
		if (e.t > t) break;
		if (e.kind === 'call' && e.call === 'listen') {
			const m = /\bbacklog=(-?\d+)/.exec(e.detail);
			if (!m) continue;
			const max = CONNECT_TUNING[(osOf.get(e.host) ?? 'linux') as OsPresetId]?.somaxconn ?? 4096;
			const b = Number(m[1]);
			out.set(e.socket, { recvQ: 0, sendQ: b < 0 || b > max ? max : b });
			waiting.set(e.socket, new Set());
		} else if (e.kind === 'state' && e.to === 'ESTABLISHED' && (e.from === 'SYN-RECEIVED' || e.from === 'LISTEN')) {
			const dot = e.socket.lastIndexOf('.');
			const w = dot > 0 ? waiting.get(e.socket.slice(0, dot)) : undefined;
			w?.add(e.socket);
		} else if (e.kind === 'call' && e.call === 'accept') {
			const child = /^(\S+) from /.exec(e.detail)?.[1];
			if (child !== undefined) waiting.get(e.socket)?.delete(child);
		}
	}
	for (const [id, q] of out) q.recvQ = waiting.get(id)?.size ?? 0;
	return out;
}
