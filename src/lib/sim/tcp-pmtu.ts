/**
 * Path-MTU discovery for TCP (RFC 8201 for IPv6, RFC 1191 for IPv4): a router that cannot
 * forward a segment because it is larger than the next link's MTU drops it and answers with
 * ICMPv6 Packet Too Big (type 2) or ICMP "fragmentation needed and DF set" (type 3 code 4),
 * carrying that MTU. The sender then lowers the connection's MSS to the MTU minus the IP and
 * TCP headers and retransmits, at once, every unacknowledged segment that no longer fits, cut
 * to the new size: Linux `tcp_v6_err` → `tcp_v6_mtu_reduced` → `tcp_sync_mss` and
 * `tcp_simple_retransmit` (net/ipv6/tcp_ipv6.c, net/ipv4/tcp_output.c).
 *
 * Not modelled: the route cache's PMTU expiry (`mtu_expires`, 10 min) and PLPMTUD (RFC 8899).
 *
 * @module
 */

import { IPV6 } from './ipv6';
import { TS_OPTION_BYTES } from './tcp-options';
import { sendSegment } from './tcp-output';
import { startRexmtTimer, type Tcb, type TcpHost } from './tcb';
import { TimeWait } from './tcp-timewait';
import { isIp6, type IcmpPacket } from './wire';

/** A host that hands ICMP errors about its TCP segments to {@link tcpPacketTooBig}. */
export interface PmtuHost extends TcpHost {
	onTcpIcmp?: (icmp: IcmpPacket) => void;
}

/** @internal make `host` react to Packet Too Big about its TCP segments. */
export function installTcpPmtu(host: PmtuHost): void {
	host.onTcpIcmp = (icmp) => tcpPacketTooBig(host, icmp);
}

/**
 * @internal A Packet Too Big (or fragmentation needed) about a segment `host` sent arrived:
 * lower that connection's MSS and resend what no longer fits.
 */
export function tcpPacketTooBig(host: TcpHost, icmp: IcmpPacket): void {
	const q = icmp.quoted;
	if (q === undefined || q.proto !== 'TCP' || icmp.mtu === undefined) return;
	const t = host.lookup(q.src.port, q.dst.ip, q.dst.port) as Tcb | TimeWait | undefined;
	if (t === undefined) return;
	const v6 = isIp6(q.dst.ip);
	// An IPv6 link carries at least 1280 bytes (RFC 8200 §5): a smaller claimed MTU is not believed.
	const mtu = v6 ? Math.max(icmp.mtu, IPV6.minMtu) : icmp.mtu;
	// tcp_mtu_to_mss(): the MTU less the IP and TCP headers and the TCP options every segment
	// carries (12 bytes of timestamps when negotiated, as Eff.snd.MSS in tcp-options.ts).
	const mss = mtu - (v6 ? IPV6.header : IPV6.ipv4Header) - IPV6.tcpHeader - (t.tsOk ? TS_OPTION_BYTES : 0);
	if (mss >= t.sndMss) return;
	t.sndMss = mss;
	host.callEvent(t.id, 'pmtu', `path MTU to ${q.dst.ip} is ${mtu} bytes (ICMP${v6 ? 'v6 Packet Too Big' : ' fragmentation needed'} from ${icmp.srcIp}): MSS ${mss}`);
	if (t instanceof TimeWait) return; // nothing left to send in TIME-WAIT
	// tcp_simple_retransmit: every queued segment longer than the new MSS is resent now, cut to
	// size (tcp_fragment); SACKed ones are already delivered and stay whole.
	const now = host.core.queue.now;
	for (let s = t.rtx?.head() ?? null; s !== null; s = s.next) {
		if (s.len <= mss || s.sacked) continue;
		while (s.len > mss) {
			const back = t.rtx!.split(s, mss);
			t.rtx!.resent(s, now);
			sendSegment(t, s.flags, s.seq, s.len, s.text, true);
			s = back;
		}
		t.rtx!.resent(s, now);
		sendSegment(t, s.flags, s.seq, s.len, s.text, true);
	}
	startRexmtTimer(t);
}
