/**
 * The columns of the conversation list: Wireshark's Conversations window (Statistics →
 * Conversations) plus the inferred states and anomaly counts, with how each is shown and
 * sorted. Shared by the page (labels, cells) and the worker (sorting, paging).
 *
 * @module
 */
import type { ConversationSummary, ConvProto } from './analysis';
import { formatBytes, formatRate, formatSeconds } from './format';

/** The tabs of the list. */
export type ConvTab = 'TCP' | 'UDP' | 'ICMP';
export const CONV_TABS: readonly ConvTab[] = ['TCP', 'UDP', 'ICMP'];

/** The tab a conversation is listed under (ICMPv6 with ICMP). */
export function tabOf(p: ConvProto): ConvTab {
	return p === 'ICMPv6' ? 'ICMP' : p;
}

/** One column. */
export interface Column {
	key: string;
	label: string;
	/** The value sorted on. */
	value: (c: ConversationSummary) => number | string;
	/** The cell's text. */
	show: (c: ConversationSummary) => string;
	/** Numeric (right-aligned). */
	num?: boolean;
	/** Only on these tabs. */
	tabs?: ConvTab[];
}

export const COLUMNS: readonly Column[] = [
	{ key: 'stream', label: 'Stream ID', value: (c) => c.stream, show: (c) => String(c.stream), num: true },
	{ key: 'addrA', label: 'Address A', value: (c) => c.a.ip, show: (c) => c.a.ip },
	{ key: 'portA', label: 'Port A', value: (c) => c.a.port, show: (c) => String(c.a.port), num: true, tabs: ['TCP', 'UDP'] },
	{ key: 'addrB', label: 'Address B', value: (c) => c.b.ip, show: (c) => c.b.ip },
	{ key: 'portB', label: 'Port B', value: (c) => c.b.port, show: (c) => String(c.b.port), num: true, tabs: ['TCP', 'UDP'] },
	{ key: 'id', label: 'Identifier', value: (c) => c.icmpId, show: (c) => (c.icmpId >= 0 ? `${c.icmpId} (0x${c.icmpId.toString(16).padStart(4, '0')})` : 'errors'), tabs: ['ICMP'] },
	{ key: 'packets', label: 'Packets', value: (c) => c.packets, show: (c) => c.packets.toLocaleString('en-US'), num: true },
	{ key: 'bytes', label: 'Bytes', value: (c) => c.bytes, show: (c) => formatBytes(c.bytes), num: true },
	// Ours, not Wireshark's: the inferred states at the end of the capture and the anomalies found.
	{ key: 'states', label: 'States A / B', value: (c) => (c.states ?? []).join('/'), show: (c) => (c.states ? `${c.states[0] ?? '?'} / ${c.states[1] ?? '?'}` : ''), tabs: ['TCP'] },
	{ key: 'anomalies', label: 'Anomalies', value: (c) => c.anomalies, show: (c) => String(c.anomalies), num: true, tabs: ['TCP'] },
	{ key: 'pab', label: 'Packets A → B', value: (c) => c.packetsAB, show: (c) => c.packetsAB.toLocaleString('en-US'), num: true },
	{ key: 'bab', label: 'Bytes A → B', value: (c) => c.bytesAB, show: (c) => formatBytes(c.bytesAB), num: true },
	{ key: 'pba', label: 'Packets B → A', value: (c) => c.packetsBA, show: (c) => c.packetsBA.toLocaleString('en-US'), num: true },
	{ key: 'bba', label: 'Bytes B → A', value: (c) => c.bytesBA, show: (c) => formatBytes(c.bytesBA), num: true },
	{ key: 'start', label: 'Rel Start', value: (c) => c.relStart, show: (c) => formatSeconds(c.relStart), num: true },
	{ key: 'dur', label: 'Duration', value: (c) => c.duration, show: (c) => formatSeconds(c.duration), num: true },
	{ key: 'rab', label: 'Bits/s A → B', value: (c) => (c.duration > 0 ? c.bytesAB / c.duration : 0), show: (c) => formatRate(c.bytesAB, c.duration), num: true },
	{ key: 'rba', label: 'Bits/s B → A', value: (c) => (c.duration > 0 ? c.bytesBA / c.duration : 0), show: (c) => formatRate(c.bytesBA, c.duration), num: true }
];

/** A page of one tab's conversations sorted by a column (ties in stream order). */
export function pageOf(list: readonly ConversationSummary[], tab: ConvTab, sort: string, dir: 1 | -1, offset: number, limit: number): { rows: ConversationSummary[]; total: number } {
	const col = COLUMNS.find((c) => c.key === sort) ?? COLUMNS[0];
	const mine = list.filter((c) => tabOf(c.proto) === tab);
	const keyed = mine.map((c) => ({ c, v: col.value(c) }));
	keyed.sort((x, y) => {
		const a = x.v;
		const b = y.v;
		const d = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en', { numeric: true });
		return d * dir || x.c.id - y.c.id;
	});
	return { rows: keyed.slice(offset, offset + limit).map((k) => k.c), total: mine.length };
}
