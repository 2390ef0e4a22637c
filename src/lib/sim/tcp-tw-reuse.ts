/**
 * Linux `net.ipv4.tcp_tw_reuse`: connect() may take over a 4-tuple still in TIME-WAIT when TCP
 * timestamps make the new connection's segments distinguishable from the old one's
 * (`tcp_twsk_unique()`, net/ipv4/tcp_ipv4.c; Documentation/networking/ip-sysctl.rst):
 *
 * - 0: never; 1: for every outgoing connection; 2 (the default): only for loopback connections
 *   (an address in 127.0.0.0/8; commit 79e9fed46038 "net-tcp: extend tcp_tw_reuse sysctl to enable
 *   loopback only optimization").
 * - The TIME-WAIT connection must have seen timestamps (`tw_ts_recent_stamp` set) and be older than
 *   `tcp_tw_reuse_delay` (1000 ms by default, Linux 6.14; before it, the next whole second).
 * - The new connection starts at ISS = the old SND.NXT + 65535 + 2 and inherits TS.Recent, so
 *   PAWS (RFC 7323 §5) rejects old duplicates of the previous incarnation.
 *
 * Simplification (docs/tcp-deviations.md): the kernel accepts such a port wherever its scan of
 * the range meets it; here connect() first looks for a free port as usual and only then takes
 * over the oldest reusable TIME-WAIT 4-tuple towards the same destination. The two differ only in
 * which port is chosen while free ports remain.
 *
 * @module
 */

import { closeTimeWait, type TimeWait } from './tcp-timewait';
import type { TcpHost } from './tcb';
import { seqAdd } from './wire';

/** `tcp_tw_reuse_delay`: how old a TIME-WAIT must be before reuse (ms). */
export const TW_REUSE_DELAY_MS = 1000;

function isLoopback(ip: string): boolean {
	return ip.startsWith('127.');
}

/**
 * A TIME-WAIT connection of `host` towards `remoteIp:remotePort` that `tcp_tw_reuse` lets a new
 * connect() take over now, or undefined (always undefined when the preset's `tcp.twReuse` is 0,
 * or 2 and the connection is not loopback).
 */
export function reusableTimeWait(host: TcpHost, remoteIp: string, remotePort: number): TimeWait | undefined {
	const reuse = host.preset.tcp.twReuse;
	if (reuse === 0) return undefined;
	if (reuse === 2 && !isLoopback(remoteIp) && !isLoopback(host.ip)) return undefined;
	const now = host.core.queue.now;
	// (the host's TIME-WAIT records, tcp-timewait.ts, in the order they entered TIME-WAIT)
	for (let c = host.timeWaits.first; c !== null; c = c.next) {
		const t = c as TimeWait;
		if (t.remoteIp !== remoteIp || t.remotePort !== remotePort) continue;
		if (!t.tsOk || t.tsRecentAt < 0) continue; // no timestamps: nothing tells the incarnations apart
		const entered = t.deadline - host.preset.timeWaitMs;
		if (now - entered < TW_REUSE_DELAY_MS) continue;
		return t;
	}
	return undefined;
}

/**
 * End the TIME-WAIT connection `tw` so its 4-tuple can be reused, and return what the new
 * connection inherits: its ISS (old SND.NXT + 65535 + 2) and TS.Recent.
 */
export function takeOverTimeWait(tw: TimeWait): { iss: number; tsRecent: number; tsRecentAt: number } {
	const inherit = { iss: seqAdd(tw.sndNxt, 65537), tsRecent: tw.tsRecent, tsRecentAt: tw.tsRecentAt };
	closeTimeWait(tw, `TIME-WAIT reused by a new connect() (tcp_tw_reuse = ${tw.host.preset.tcp.twReuse}: timestamps were used and the TIME-WAIT is at least ${TW_REUSE_DELAY_MS} ms old)`);
	return inherit;
}
