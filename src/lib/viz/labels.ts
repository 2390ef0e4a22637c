/**
 * Text for packets, shared by the ladder, the topology and the presenter, so every view names a
 * packet the same way. (The narration's sentences are in narration.ts.)
 */
import type { HostInfo, PacketEvent, Trace } from '$lib/sim/trace';
import { formatFlags } from '$lib/sim/trace';
import { icmpv6Name } from '$lib/sim/format';
import { icmpName as icmpV4Name } from '$lib/sim/icmp-names';

/**
 * The name of an ICMP type/code pair (RFC 792, from the one table in sim/icmp-names.ts); with
 * `v6`, of an ICMPv6 one (RFC 4443), as traces replayed from captures mark ICMPv6 messages
 * (`icmpv6: true`).
 */
export function icmpName(type: number, code: number, v6 = false): string {
	if (v6) {
		const n = icmpv6Name(type, code);
		return n.charAt(0).toUpperCase() + n.slice(1);
	}
	return icmpV4Name(type, code);
}

/** Is this ICMP event an ICMPv6 message (a capture's)? */
export function isIcmpv6(p: { kind: string }): boolean {
	return (p as { icmpv6?: boolean }).icmpv6 === true;
}

/** Unsigned 32-bit difference a - b (sequence-number space, RFC 9293 §3.4). */
function seqDiff(a: number, b: number): number {
	return (a - b) >>> 0;
}

/**
 * Short label of a packet, as on a ladder arrow: `SYN seq=… ack=…`.
 * @param isn when given, sequence numbers are shown relative to each side's ISN (Wireshark's "relative").
 */
export function packetLabel(p: PacketEvent, isn: Map<string, number> | null = null): string {
	if (p.kind === 'segment') {
		let seq = p.seq;
		let ack = p.ack;
		if (isn) {
			const own = isn.get(`${p.src.ip}:${p.src.port}`);
			const peer = isn.get(`${p.dst.ip}:${p.dst.port}`);
			if (own !== undefined) seq = seqDiff(p.seq, own);
			if (peer !== undefined && p.flags.includes('ACK')) ack = seqDiff(p.ack, peer);
		}
		const parts = [formatFlags(p.flags), `seq=${seq}`];
		if (p.flags.includes('ACK')) parts.push(`ack=${ack}`);
		if (p.len) parts.push(`len=${p.len}`);
		// SACK blocks (RFC 2018), in the data sender's (the peer's) sequence space: `SACK 2001-3001`
		const sack = p.options?.sack;
		if (sack !== undefined && sack.length > 0) {
			const peer = isn?.get(`${p.dst.ip}:${p.dst.port}`);
			const rel = (x: number) => (peer === undefined ? x : seqDiff(x, peer));
			parts.push(`SACK ${sack.map((b) => `${rel(b.left)}-${rel(b.right)}`).join(' ')}`);
		}
		if (p.retransmission) parts.push('(retransmission)');
		return parts.join(' ');
	}
	if (p.kind === 'datagram') return `UDP ${p.src.port} → ${p.dst.port} len=${p.len}`;
	const v6 = isIcmpv6(p);
	const name = icmpName(p.type, p.code, v6);
	const proto = v6 ? 'ICMPv6' : 'ICMP';
	if (p.identifier !== undefined) return `${proto} ${name} id=${p.identifier} seq=${p.sequence ?? 0}`;
	return `${proto} ${name}`;
}

/** Colour of the i-th host column (client, server, then neutrals). */
export function hostColor(i: number): string {
	return i === 0 ? 'var(--client)' : i === 1 ? 'var(--server)' : 'var(--muted)';
}

/**
 * The address to print under a node's name: its IPv4 address, or for a dual-stack node whose
 * packets in this trace use its IPv6 address, that one (RFC 5952 text, as the trace has it).
 */
export function shownAddress(h: HostInfo, trace: Trace): string {
	const six = h.ip6;
	if (six === undefined) return h.ip;
	for (const e of trace.events) {
		if (e.kind === 'icmp' ? e.srcIp === six || e.dstIp === six : (e.kind === 'segment' || e.kind === 'datagram') && (e.src.ip === six || e.dst.ip === six)) return six;
	}
	return h.ip;
}

/**
 * The address column of a socket table, split as the table shows it: `ip` (IPv6 in brackets) and
 * `port` (`*` for none). Linux `ss` (iproute2 misc/ss.c `inet_addr_print`): an IPv6 address in
 * brackets, `[2001:db8::5]:443`, `[::ffff:192.0.2.10]:80`; the unspecified `::` of a dual-stack
 * socket (IPV6_V6ONLY off) as `*`, of an IPv6-only one as `[::]`; port 0 as `*`. Windows
 * `netstat -an`: brackets too, `[::]:0` for a listener's peer, `0.0.0.0:0` over IPv4.
 */
export function socketAddress(a: { ip: string; port: number }, opts: { v6only?: boolean; windows?: boolean }): { ip: string; port: number | string } {
	const port = a.port === 0 && !opts.windows ? '*' : a.port;
	if (!a.ip.includes(':')) return { ip: a.port === 0 && a.ip === '' ? '0.0.0.0' : a.ip, port };
	if (a.ip === '::' && opts.v6only === false && !opts.windows) return { ip: '*', port };
	return { ip: `[${a.ip}]`, port };
}
