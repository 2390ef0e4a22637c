/**
 * Words and numbers of the capture page: anomaly names, byte counts and bit rates as Wireshark's
 * Conversations window writes them (SI prefixes: 1 kB = 1000 bytes).
 *
 * @module
 */
import type { AnomalyKind } from './infer';

/** Short names of the anomaly kinds, as the list and the callout show them. */
export const ANOMALY_LABELS: Record<AnomalyKind, string> = {
	retransmission: 'Retransmission',
	'spurious-retransmission': 'Spurious retransmission',
	'fast-retransmission': 'Fast retransmission',
	'out-of-order': 'Out of order',
	'not-captured': 'Previous segment not captured',
	'ack-unseen': 'ACK of unseen data',
	'dup-ack': 'Duplicate ACK',
	'keep-alive': 'Keep-alive',
	rst: 'Reset (RST)',
	'syn-unanswered': 'SYN never answered',
	'half-open': 'Half-open connection',
	'zero-window': 'Zero window',
	'zero-window-probe': 'Zero-window probe',
	'out-of-window': 'Outside the window',
	close: 'Who closed first',
	'mid-connection': 'Started before the capture',
	'duplicate-capture': 'Captured twice'
};

/** `512 bytes`, `1.4 kB`, `23 MB` (SI, as Wireshark). */
export function formatBytes(n: number): string {
	if (n < 1000) return `${n} byte${n === 1 ? '' : 's'}`;
	const units = ['kB', 'MB', 'GB', 'TB'];
	let v = n;
	let i = -1;
	while (v >= 1000 && i < units.length - 1) {
		v /= 1000;
		i++;
	}
	return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** Bits per second over a duration in ms: `640 bits/s`, `12 kbps`; `N/A` when too short to say. */
export function formatRate(bytes: number, durationMs: number): string {
	if (durationMs <= 0) return 'N/A';
	const bps = (bytes * 8) / (durationMs / 1000);
	if (bps < 1000) return `${Math.round(bps)} bits/s`;
	const units = ['kbps', 'Mbps', 'Gbps', 'Tbps'];
	let v = bps;
	let i = -1;
	while (v >= 1000 && i < units.length - 1) {
		v /= 1000;
		i++;
	}
	return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** Seconds with six decimals, as Wireshark's Rel Start and Duration columns: `0.000123`. */
export function formatSeconds(ms: number): string {
	return (ms / 1000).toFixed(6);
}
