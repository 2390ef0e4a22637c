/**
 * ICMP Destination Unreachable about a TCP segment: what a connecting socket does with it.
 *
 * Only a connection still in SYN-SENT (connect() under way) reacts here; errors about a
 * synchronized connection are "soft" and only reported if it later times out (RFC 1122
 * §4.2.3.9), which the simulator does not model.
 *
 * - **Linux** (`tcp_v4_err()`, net/ipv4/tcp_ipv4.c): in SYN-SENT every Destination Unreachable
 *   code but Fragmentation Needed ends the attempt at once (`tcp_done()`), with the errno of
 *   `icmp_err_convert[]` (net/ipv4/icmp.c): net unreachable (0) → ENETUNREACH, host unreachable (1)
 *   → EHOSTUNREACH, port unreachable (3) → ECONNREFUSED, net/host prohibited (9, 10) and
 *   communication administratively prohibited (13) → ENETUNREACH / EHOSTUNREACH / EHOSTUNREACH.
 * - **FreeBSD, macOS** (`tcp_ctlinput()`, sys/netinet/tcp_subr.c, `net.inet.tcp.icmp_may_rst` = 1):
 *   port unreachable, protocol unreachable and administratively prohibited drop a SYN-SENT
 *   connection at once (`tcp_drop_syn_sent`); the other codes are soft errors that only end it
 *   after more than 3 retransmissions (`tcp_notify`), which is not modelled (they are ignored).
 * - **Other presets** (rfc9293, Windows, …): RFC 1122 §4.2.3.9: codes 2–4 are hard errors, "TCP
 *   SHOULD abort the connection"; codes 0, 1 and 5 are soft and MUST NOT abort it (ignored here).
 *   What Windows does is not documented; it is assumed to follow RFC 1122.
 *
 * @module
 */

import { toClosed } from './tcp-state';
import { Tcb, type TcpHost } from './tcb';
import type { SocketErrno } from './trace';
import type { IcmpPacket } from './wire';

/** Names of the Destination Unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1). */
export const UNREACH_NAMES: Readonly<Record<number, string>> = Object.freeze({
	0: 'net unreachable',
	1: 'host unreachable',
	2: 'protocol unreachable',
	3: 'port unreachable',
	9: 'net administratively prohibited',
	10: 'host administratively prohibited',
	13: 'communication administratively prohibited'
});

/** Linux `icmp_err_convert[]` (net/ipv4/icmp.c) for the codes the simulator sends. */
const LINUX_ERRNO: Readonly<Record<number, SocketErrno>> = { 0: 'ENETUNREACH', 1: 'EHOSTUNREACH', 3: 'ECONNREFUSED', 9: 'ENETUNREACH', 10: 'EHOSTUNREACH', 13: 'EHOSTUNREACH' };

/** The errno a SYN-SENT socket on `host` fails with for Destination Unreachable `code`, or null (ignored). */
export function synSentIcmpErrno(host: TcpHost, code: number): SocketErrno | null {
	const os = host.preset.id;
	if (os === 'linux') return LINUX_ERRNO[code] ?? null;
	if (os === 'freebsd' || os === 'macos') return code === 3 ? 'ECONNREFUSED' : code === 13 ? 'EHOSTUNREACH' : null;
	return code === 3 ? 'ECONNREFUSED' : null;
}

/**
 * @internal An ICMP Destination Unreachable quoting a TCP segment `host` sent has arrived: a
 * socket in SYN-SENT with that 4-tuple fails its connect() when the host's rule says so.
 */
export function tcpIcmpError(host: TcpHost, pkt: IcmpPacket): void {
	const q = pkt.quoted;
	if (q === undefined || q.proto !== 'TCP' || pkt.type !== 3 || q.src.ip !== host.ip) return;
	const t = host.lookup(q.src.port, q.dst.ip, q.dst.port);
	if (!(t instanceof Tcb) || t.state !== 'SYN-SENT') return;
	const errno = synSentIcmpErrno(host, pkt.code);
	const what = `ICMP Destination Unreachable (${UNREACH_NAMES[pkt.code] ?? `code ${pkt.code}`}) from ${pkt.srcIp}`;
	if (errno === null) return;
	host.errorEvent(t.id, 'connect', errno, `connect(): ${what}`);
	toClosed(t, `rcv ${what}: connect() fails`);
}
