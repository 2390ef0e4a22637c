/**
 * Sorting and grouping of listing rows for the /explain table (pure, so it is tested here and the
 * page only renders).
 *
 * @module
 */
import { formatEndpoint, isWildcard } from './address';
import type { Endpoint, ListingRow, SocketState } from './types';

export type SortKey = 'line' | 'proto' | 'state' | 'local' | 'peer' | 'process';
export type SortDir = 'ascending' | 'descending';
export type GroupBy = 'none' | 'peer' | 'state';

/** States in the order a connection lives through them (RFC 9293 Figure 5), then the others. */
const STATE_ORDER: SocketState[] = [
	'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSING', 'TIME-WAIT',
	'CLOSE-WAIT', 'LAST-ACK', 'CLOSED', 'BOUND', 'DELETE-TCB', 'UNCONN', 'UNKNOWN'
];
const stateRank = (s: SocketState) => STATE_ORDER.indexOf(s);

function cmpStr(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Addresses compare numerically part by part (10.0.0.9 before 10.0.0.10), then ports; `*` first. */
function cmpEndpoint(a: Endpoint, b: Endpoint): number {
	const pa = a.addr.split(/[.:]/);
	const pb = b.addr.split(/[.:]/);
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		const x = pa[i] ?? '';
		const y = pb[i] ?? '';
		if (x === y) continue;
		const nx = /^\d+$/.test(x) ? Number(x) : NaN;
		const ny = /^\d+$/.test(y) ? Number(y) : NaN;
		if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
		return cmpStr(x, y);
	}
	return (a.port ?? -1) - (b.port ?? -1);
}

const procOf = (r: ListingRow) => `${r.process ?? ''}\u0000${String(r.pid ?? '').padStart(10, '0')}`;

/** A copy of `rows` sorted by `key`; ties keep line order. */
export function sortRows(rows: readonly ListingRow[], key: SortKey, dir: SortDir): ListingRow[] {
	const sign = dir === 'ascending' ? 1 : -1;
	const cmp: Record<SortKey, (a: ListingRow, b: ListingRow) => number> = {
		line: (a, b) => a.line - b.line,
		proto: (a, b) => cmpStr(a.proto, b.proto),
		state: (a, b) => stateRank(a.state) - stateRank(b.state),
		local: (a, b) => cmpEndpoint(a.local, b.local),
		peer: (a, b) => cmpEndpoint(a.peer, b.peer),
		process: (a, b) => cmpStr(procOf(a), procOf(b))
	};
	return [...rows].sort((a, b) => sign * cmp[key](a, b) || a.line - b.line);
}

/** A group of rows with its heading. */
export interface RowGroup {
	key: string;
	label: string;
	rows: ListingRow[];
}

/** The remote endpoint a row talks to, or a label for sockets that have none. */
export function peerLabel(r: ListingRow): string {
	if (r.peer.port === null && (isWildcard(r.peer.addr) || r.peer.addr === '*')) {
		return r.state === 'LISTEN' ? 'no peer: listening' : 'no peer';
	}
	return formatEndpoint(r.peer);
}

/**
 * Group rows (already sorted) by remote endpoint or by state; biggest groups first, the rest in
 * lifecycle or address order. `none` gives one group.
 */
export function groupRows(rows: readonly ListingRow[], by: GroupBy): RowGroup[] {
	if (by === 'none') return [{ key: 'all', label: 'All rows', rows: [...rows] }];
	const m = new Map<string, RowGroup>();
	for (const r of rows) {
		const key = by === 'state' ? r.state : peerLabel(r);
		let g = m.get(key);
		if (!g) m.set(key, (g = { key, label: key, rows: [] }));
		g.rows.push(r);
	}
	const groups = [...m.values()];
	if (by === 'state') return groups.sort((a, b) => stateRank(a.key as SocketState) - stateRank(b.key as SocketState));
	return groups.sort((a, b) => b.rows.length - a.rows.length || cmpStr(a.key, b.key));
}

/** Counts per state, in lifecycle order, for the summary line. */
export function stateCounts(rows: readonly ListingRow[]): { state: SocketState; count: number }[] {
	const m = new Map<SocketState, number>();
	for (const r of rows) m.set(r.state, (m.get(r.state) ?? 0) + 1);
	return [...m.entries()].sort((a, b) => stateRank(a[0]) - stateRank(b[0])).map(([state, count]) => ({ state, count }));
}
