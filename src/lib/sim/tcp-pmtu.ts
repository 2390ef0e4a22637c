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
import { sendSegment } from './tcp-output';
import { startRexmtTimer, type TcpHost } from './tcb';
import { isIp6, seqAdd, type IcmpPacket } from './wire';

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
	const t = host.lookup(q.src.port, q.dst.ip, q.dst.port);
	if (t === undefined) return;
	const v6 = isIp6(q.dst.ip);
	// An IPv6 link carries at least 1280 bytes (RFC 8200 §5): a smaller claimed MTU is not believed.
	const mtu = v6 ? Math.max(icmp.mtu, IPV6.minMtu) : icmp.mtu;
	const mss = mtu - (v6 ? IPV6.header : IPV6.ipv4Header) - IPV6.tcpHeader;
	if (mss >= t.mss) return;
	t.mss = mss;
	host.callEvent(t.id, 'pmtu', `path MTU to ${q.dst.ip} is ${mtu} bytes (ICMP${v6 ? 'v6 Packet Too Big' : ' fragmentation needed'} from ${icmp.srcIp}): MSS ${mss}`);
	// tcp_simple_retransmit: every queued segment longer than the new MSS is resent now, cut to size.
	const kept: { seq: number; len: number; flags: number; text: string | undefined; sentAt: number; resend: boolean }[] = [];
	for (let s = t.rtx.head(); s !== undefined && s !== null; s = s.next ?? undefined) {
		if (s.len <= mss) {
			kept.push({ seq: s.seq, len: s.len, flags: s.flags, text: s.text, sentAt: s.sentAt, resend: false });
			continue;
		}
		let off = 0;
		while (off < s.len) {
			const n = Math.min(mss, s.len - off);
			const last = off + n === s.len;
			// Control bits stay on the last piece (PSH, FIN); the first piece keeps the text preview.
			const flags = last ? s.flags : s.flags & ~(1 | 8);
			kept.push({ seq: seqAdd(s.seq, off), len: n, flags, text: off === 0 ? s.text : undefined, sentAt: host.core.queue.now, resend: true });
			off += n;
		}
	}
	t.rtx.clear();
	for (const k of kept) t.rtx.push(k.seq, k.len, k.flags, k.text, k.sentAt);
	let i = 0;
	for (let s = t.rtx.head(); s !== undefined && s !== null; s = s.next ?? undefined, i++) {
		if (!kept[i].resend) continue;
		s.retransmitted = true;
		sendSegment(t, s.flags, s.seq, s.len, s.text, true);
	}
	startRexmtTimer(t);
}
