/**
 * What a segment's header says beyond the fixed fields: the options a SYN offers and their
 * negotiation (MSS, RFC 9293 §3.7.1; Window Scale and Timestamps, RFC 7323; SACK-permitted,
 * RFC 2018), the timestamps every later segment carries and the PAWS test (RFC 7323 §5), and the
 * receive window a segment advertises (RFC 9293 §3.8.6, scaled by RFC 7323 §2.3).
 *
 * - A SYN offers what the host's preset offers (`preset.tcp`, os.ts; a scenario's
 *   `options=-ts,-sack,-wscale` turns options off in the host's copy of its preset). A SYN,ACK answers only with the options the SYN
 *   carried (RFC 7323 §2.2 MUST NOT send Window Scale unless received, §3.2 likewise for
 *   Timestamps; RFC 2018 §2 for SACK-permitted).
 * - Window scaling is in effect only when both SYNs carried the option; then our window field is
 *   RCV.WND >> Rcv.Wind.Shift and the peer's is shifted left by Snd.Wind.Shift. The SYN's own
 *   window field is never scaled.
 * - Eff.snd.MSS = min(the peer's MSS, ours) less 12 bytes when timestamps are on (Linux
 *   `tcp_current_mss()`: a full segment then holds 1448 bytes). Without an MSS option the peer's
 *   is 536 (RFC 9293 §3.7.1 MUST-15).
 * - TSval is a 1 kHz clock plus a per-address-pair offset (Linux `tcp_time_stamp_ms` since 4.13
 *   and `secure_tcp_ts_off()`; FreeBSD and XNU use 1 ms ticks too); TSecr echoes TS.Recent.
 * - PAWS (RFC 7323 §5.3): a non-RST segment whose TSval is older than TS.Recent is dropped and
 *   acknowledged. A segment without timestamps is accepted (Linux checks PAWS only when the
 *   segment has them, `tcp_paws_discard()`; RFC 7323 §3.2 says SHOULD drop).
 *
 * The window a segment advertises ({@link advertiseWindow}): the free receive buffer (buffer −
 * unread bytes), never moving the right edge left (RFC 9293 §3.8.6 "shrinking the window" is
 * strongly discouraged), with receiver-side silly window avoidance as the preset says
 * (`tcp.rcvSws`: RFC 9293 §3.8.6.2.2 opens only in steps of at least min(buffer / 2, MSS); Linux
 * `__tcp_select_window()` advertises 0 while less than one MSS is free), at most 65,535 << shift,
 * and with scaling rounded up to a whole unit of 2^shift (Linux `ALIGN`).
 *
 * @module
 */

import { IPV6 } from './ipv6';
import type { Tcb } from './tcb';
import { F_ACK, F_SYN, isIp6, seqLt, type TcpOptions, type TcpPacket } from './wire';

/** Bytes the Timestamps option takes in every segment once negotiated (10, padded to 12: RFC 7323 Appendix A). */
export const TS_OPTION_BYTES = 12;

/** The host's millisecond clock as TSval for `t` (unsigned 32-bit). */
export function tsVal(t: Tcb): number {
	return (Math.floor(t.host.core.queue.now) + t.tsOffset) >>> 0;
}

/**
 * The TSval offset of a connection: Linux `secure_tcp_ts_off()` hashes the two addresses (not the
 * ports) with a boot-time secret, so every connection between the same two hosts counts from the
 * same base — which is what lets `tcp_tw_reuse` trust that a new connection's TSvals are newer.
 * Here a deterministic 32-bit mix of the addresses (no PRNG draw, so ISNs are unchanged).
 */
export function tsOffsetFor(localIp: string, remoteIp: string): number {
	// FNV-1a over the characters of `${localIp}>${remoteIp}`, read in place (no string is built:
	// it runs for every SYN sent and received).
	let h = fnv1a(0x811c9dc5, localIp);
	h = Math.imul(h ^ 62 /* > */, 0x01000193);
	return fnv1a(h, remoteIp) >>> 0;
}

/** FNV-1a (32-bit) of the characters of `s`, continuing from hash `h`. */
function fnv1a(h: number, s: string): number {
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h;
}

/**
 * The MSS our SYN announces: the preset's (1460, a 1500-byte Ethernet MTU less 20 bytes of IPv4
 * and 20 of TCP header) over IPv4; 20 bytes less over IPv6, whose header is 40 bytes (RFC 8200
 * §3; Linux `ip6_default_advmss()`: MTU − sizeof(ipv6hdr) − sizeof(tcphdr) = 1440).
 */
export function ownMss(t: Tcb): number {
	const mss = t.host.preset.tcp.mss;
	return isIp6(t.remoteIp) ? mss - (IPV6.header - IPV6.ipv4Header) : mss;
}

/**
 * The options our SYN (`synAck` false) or SYN,ACK (`synAck` true, after {@link acceptSynOptions})
 * carries, but for Timestamps ({@link sendsTimestamps}: the segment's `tsVal` and `tsEcr`). A
 * SYN,ACK carries Window Scale, SACK-permitted and Timestamps only when the SYN did.
 */
export function synOptions(t: Tcb, synAck: boolean): TcpOptions {
	const p = t.host.preset.tcp;
	const o: TcpOptions = { mss: ownMss(t) };
	if (synAck) {
		if (t.wscaleOk) o.wscale = t.rcvWscale;
		if (t.sackOk) o.sackOk = true;
		return o;
	}
	if (p.wscale !== null) o.wscale = p.wscale;
	if (p.sack) o.sackOk = true;
	return o;
}

/**
 * A segment with control bits `flags` carries the Timestamps option: a SYN when the preset offers
 * it; any other segment (the SYN,ACK included) once both SYNs carried it (RFC 7323 §3.2).
 */
export function sendsTimestamps(t: Tcb, flags: number): boolean {
	return flags & F_SYN && !(flags & F_ACK) ? t.host.preset.tcp.ts : t.tsOk;
}

/** TSecr of our next segment (RFC 7323 §3.2): TS.Recent, or 0 on a SYN and before any TSval arrived. */
export function tsEcr(t: Tcb, flags: number): number {
	return flags & F_SYN && !(flags & F_ACK) ? 0 : t.tsRecent < 0 ? 0 : t.tsRecent;
}

/**
 * Negotiate from the peer's SYN (`seg`, which reached our listener) or SYN,ACK (which reached our
 * SYN-SENT socket): scaling if both offer it (RFC 7323 §2.2), SACK if both (RFC 2018 §2),
 * timestamps if both (RFC 7323 §3.2), and Eff.snd.MSS. Sets the TCB's `sndWscale`, `rcvWscale`,
 * `sackOk`, `tsOk`, `peerMss`, `sndMss`, TS.Recent and the TSval offset.
 */
export function acceptSynOptions(t: Tcb, seg: TcpPacket): void {
	const mine = t.host.preset.tcp; // the host's preset, less what its scenario line turned off
	const theirs = seg.options;
	t.tsOffset = tsOffsetFor(t.localIp, t.remoteIp);
	t.peerMss = theirs?.mss ?? 536;
	if (mine.wscale !== null && theirs?.wscale !== undefined) {
		// RFC 7323 §2.3: a shift above 14 is used as 14.
		t.sndWscale = Math.min(theirs.wscale, 14);
		t.rcvWscale = mine.wscale;
		t.wscaleOk = true;
	} else {
		t.sndWscale = 0;
		t.rcvWscale = 0;
	}
	t.sackOk = mine.sack && theirs?.sackOk === true;
	t.tsOk = mine.ts && seg.tsVal !== undefined;
	if (t.tsOk && seg.tsVal !== undefined) {
		t.tsRecent = seg.tsVal;
		t.tsRecentAt = t.host.core.queue.now;
	}
	t.sndMss = Math.min(t.peerMss, ownMss(t)) - (t.tsOk ? TS_OPTION_BYTES : 0);
}

/** What PAWS and TS.Recent need: a TCB, or a TIME-WAIT record (tcp-timewait.ts). */
export type TimestampState = Pick<Tcb, 'tsOk' | 'tsRecent' | 'tsRecentAt' | 'host'>;

/**
 * PAWS (RFC 7323 §5.3 R1): true when `seg` must be dropped as an old duplicate — timestamps are
 * on, the segment has them, it is not a RST, and its TSval is older than TS.Recent. (TS.Recent
 * older than 24 days is not treated as invalid here: virtual runs are shorter.)
 */
export function pawsReject(t: TimestampState, seg: TcpPacket): boolean {
	const val = seg.tsVal;
	if (!t.tsOk || val === undefined || t.tsRecent < 0) return false;
	return seqLt(val, t.tsRecent);
}

/**
 * Remember the peer's TSval of an acceptable segment as TS.Recent (RFC 7323 §4.3: when the
 * segment covers Last.ACK.sent, i.e. starts at or before RCV.NXT; only forward).
 */
export function updateTsRecent(t: TimestampState, seg: TcpPacket, startsAtRcvNxt: boolean): void {
	const val = seg.tsVal;
	if (!t.tsOk || val === undefined || !startsAtRcvNxt) return;
	if (t.tsRecent < 0 || !seqLt(val, t.tsRecent)) {
		t.tsRecent = val;
		t.tsRecentAt = t.host.core.queue.now;
	}
}

/** Free receive buffer: the buffer less what arrived and the application has not read. */
export function freeSpace(t: Tcb): number {
	const f = t.rcvBuf - t.unread;
	return f > 0 ? f : 0;
}

/**
 * The window the next segment advertises (see the module note): updates RCV.WND and returns it.
 * `RCV.NXT + RCV.WND` is the right edge; it never moves left.
 */
export function advertiseWindow(t: Tcb): number {
	const cur = t.rcv.wnd; // what is left of the last advertisement
	const space = freeSpace(t);
	// 1 << Rcv.Wind.Shift, as Linux writes it (`2 ** shift` and `%` were ~5 % of the lifecycle
	// benchmark's CPU profile: V8 computes them with the C library's pow() and fmod())
	const unit = 1 << t.rcvWscale;
	const max = 65535 * unit;
	let w = space > max ? max : space;
	// Receiver silly window avoidance (see the module note).
	if (t.host.preset.tcp.rcvSws === 'linux') {
		if (space < t.sndMss || space < t.rcvBuf / 16) w = 0;
	} else if (w - cur < Math.min(t.rcvBuf / 2, t.sndMss)) {
		w = cur;
	}
	if (w < cur) w = cur; // never shrink
	// Linux tcp_select_window(): ALIGN(window, 1 << rcv_wscale), also for the kept window.
	if (unit > 1) w = Math.ceil(w / unit) * unit;
	t.rcv.wnd = w;
	return w;
}

/**
 * The window field as it goes on the wire, for a segment with `flags` (RFC 7323 §2.3: shifted
 * right by Rcv.Wind.Shift except on a SYN), 0 … 65,535. The bytes it stands for are the field
 * shifted back left (on a SYN, the field itself).
 */
export function windowField(t: Tcb, flags: number): number {
	if (flags & F_SYN) return Math.min(t.rcv.wnd, 65535);
	return Math.min(Math.floor(advertiseWindow(t) / (1 << t.rcvWscale)), 65535);
}
