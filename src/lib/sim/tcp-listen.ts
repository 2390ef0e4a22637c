/**
 * A listening socket's two queues, SYN cookies, and each OS's handshake retry settings — Linux's
 * model (net/ipv4/tcp_input.c `tcp_conn_request()`, net/ipv4/tcp_minisocks.c `tcp_check_req()`,
 * net/ipv4/syncookies.c, include/net/sock.h, include/net/inet_connection_sock.h).
 *
 * **Two queues.** A listener's half-open connections (children in SYN-RECEIVED, Linux's request
 * sockets) form the *SYN queue*; connections whose handshake is complete and that accept() has
 * not yet taken form the *accept queue*. Both are bounded by the listener's backlog,
 * `sk_max_ack_backlog` = min(listen()'s backlog, `net.core.somaxconn`) (`__sys_listen()`; somaxconn
 * is 4096 since Linux 5.4, Documentation/admin-guide/sysctl/net.rst). Since Linux 4.4 (commit
 * ef547f2ac16b "tcp: remove max_qlen_log") the SYN queue's limit is that backlog too;
 * `tcp_max_syn_backlog` only matters with SYN cookies off (see below).
 *
 * **Full means more than the backlog.** `sk_acceptq_is_full()` is `sk_ack_backlog >
 * sk_max_ack_backlog`, so the accept queue holds backlog + 1 connections (commit 64a146513f8f,
 * "so that backlog 0 still allows one connection"); `inet_csk_reqsk_queue_is_full()` uses `>` as
 * well since commit 3479c7549fb1 (Linux 6.13, backported to 6.12): the SYN queue, too, holds
 * backlog + 1 before it counts as full.
 *
 * **What a SYN meets** (`tcp_conn_request()`, in this order):
 * 1. SYN queue full: with `tcp_syncookies` = 1 (the default) the listener answers with a SYN
 *    cookie ({@link synCookie}) and keeps nothing; with cookies off the SYN is dropped.
 * 2. Accept queue full: the SYN is dropped (`LINUX_MIB_LISTENOVERFLOWS`), cookie or not; the
 *    client retries it after its RTO.
 * 3. Otherwise a half-open child is made and SYN,ACK sent.
 *
 * **What the final ACK meets** (`tcp_check_req()` → `tcp_v4_syn_recv_sock()`): if the accept queue
 * is full, `tcp_abort_on_overflow` = 0 (the default) drops the ACK and marks the request
 * `acked`; the child stays in SYN-RECEIVED and its SYN,ACK retransmission timer runs on, so each
 * resent SYN,ACK draws a new ACK that may find room. The client believes it is connected.
 *
 * **Not modelled:** the `tcp_max_syn_backlog` clause of `tcp_conn_request()` (with cookies off,
 * the last quarter of `tcp_max_syn_backlog` is kept for peers proven alive; it only bites once the
 * backlog is near that sysctl); `tcp_abort_on_overflow` = 1 (RST instead of dropping the ACK); the
 * fewer SYN,ACK retries `reqsk_timer_handler()` allows when the SYN queue is more than half full
 * of old requests; TCP options in cookies (Linux stores wscale/SACK/ECN in the timestamp). Other
 * presets use the same queue rules with their own somaxconn (see {@link CONNECT_TUNING}).
 *
 * @module
 */

import type { OsPresetId } from './os';
import type { ConnectTuning, Tcb, TcpHost } from './tcb';
import type { QueueEvent } from './trace';
import type { TcpPacket } from './wire';

/**
 * Handshake settings per OS preset.
 *
 * | preset | SYN retries | first SYN RTO | give up after | somaxconn | SYN cookies |
 * |---|---|---|---|---|---|
 * | linux | 6 | 1 s | 127 s | 4096 | yes |
 * | windows, windows-xp | 2 | 3 s | 21 s | 200 (assumed) | no |
 * | freebsd, macos | 6 (Linux's; not modelled) | 1 s | 127 s | 128 | no (not modelled) |
 * | rfc9293, iana, nat | 6 (Linux's) | 1 s | 127 s | 128 (assumed) | no |
 *
 * Sources:
 * - Linux: Documentation/networking/ip-sysctl.rst (`tcp_syn_retries` default 6, "about 127
 *   seconds"; `tcp_syncookies` default 1); include/net/tcp.h `TCP_TIMEOUT_INIT` (1 s);
 *   Documentation/admin-guide/sysctl/net.rst (`somaxconn` 4096).
 * - Windows: Microsoft's Windows Server 2003 TCP/IP registry reference, `TcpMaxConnectRetransmissions`
 *   (default 2; "after the final attempt, TCP/IP waits for an interval equal to double the last
 *   delay") and `TcpInitialRTT` (3 s): 3 + 6 + 12 = 21 s. Today's `netsh int tcp show global`
 *   still reports "Max SYN Retransmissions 2". Winsock `listen()` says SOMAXCONN makes the
 *   provider pick "a maximum reasonable value" without a number; 200 (the lower end of
 *   `SOMAXCONN_HINT`) is assumed. Windows' SYN attack protection is not SYN cookies and is not
 *   modelled.
 * - FreeBSD and macOS: `SOMAXCONN` 128 (sys/socket.h; FreeBSD `kern.ipc.soacceptqueue`). Their SYN
 *   retransmissions follow `tcp_syn_backoff[]` and give up at `net.inet.tcp.keepinit` (75 s); the
 *   simulation gives them Linux's 6 doubling retries instead. FreeBSD's syncache and its cookies
 *   are not modelled.
 */
export const CONNECT_TUNING: Readonly<Record<OsPresetId, Readonly<ConnectTuning>>> = Object.freeze({
	linux: { synRetries: 6, synRtoMs: 1000, somaxconn: 4096, syncookies: true },
	freebsd: { synRetries: 6, synRtoMs: 1000, somaxconn: 128, syncookies: false },
	macos: { synRetries: 6, synRtoMs: 1000, somaxconn: 128, syncookies: false },
	windows: { synRetries: 2, synRtoMs: 3000, somaxconn: 200, syncookies: false },
	'windows-xp': { synRetries: 2, synRtoMs: 3000, somaxconn: 200, syncookies: false },
	rfc9293: { synRetries: 6, synRtoMs: 1000, somaxconn: 128, syncookies: false },
	iana: { synRetries: 6, synRtoMs: 1000, somaxconn: 128, syncookies: false },
	nat: { synRetries: 6, synRtoMs: 1000, somaxconn: 128, syncookies: false }
});

/** Largest accepted `synRetries` override (Linux caps `tcp_syn_retries` at MAX_TCP_SYNCNT = 127). */
export const MAX_SYN_RETRIES = 127;

/**
 * The backlog a listen() call gets: min(requested, somaxconn); no request (SOMAXCONN) or a
 * negative one gives somaxconn (Linux `__sys_listen()` compares as unsigned).
 */
export function listenBacklog(host: TcpHost, requested?: number): number {
	const max = host.connectTuning.somaxconn;
	if (requested === undefined || requested < 0 || requested > max) return max;
	return requested;
}

/** The SYN queue is full: more half-open children than the backlog (`inet_csk_reqsk_queue_is_full`). */
export function synQueueFull(l: Tcb): boolean {
	return l.synQueueLen > l.backlog;
}

/** The accept queue is full: more waiting connections than the backlog (`sk_acceptq_is_full`). */
export function acceptQueueFull(l: Tcb): boolean {
	return acceptQueueLen(l) > l.backlog;
}

/** Connections waiting for accept(). */
export function acceptQueueLen(l: Tcb): number {
	return l.acceptQueue === null ? 0 : l.acceptQueue.length;
}

/** A new half-open child `c` of `l` joins the SYN queue. */
export function enterSynQueue(l: Tcb, c: Tcb): void {
	c.inSynQueue = true;
	l.synQueueLen++;
}

/** Child `c` leaves SYN-RECEIVED (established, reset, timed out or closed). */
export function leaveSynQueue(c: Tcb): void {
	c.inSynQueue = false;
	if (c.listener !== null) c.listener.synQueueLen--;
}

/** Record a {@link QueueEvent} on listener `l` (only when recording). */
export function recordQueue(l: Tcb, action: QueueEvent['action'], seg: TcpPacket, detail: string, cookie?: number): void {
	const core = l.host.core;
	if (!core.record) return;
	const e: QueueEvent = {
		kind: 'queue',
		t: core.queue.now,
		host: l.host.name,
		socket: l.id,
		action,
		remote: { ip: seg.srcIp, port: seg.sport },
		synQueue: l.synQueueLen,
		acceptQueue: acceptQueueLen(l),
		backlog: l.backlog,
		detail
	};
	if (cookie !== undefined) e.cookie = cookie;
	core.events.push(e);
}

// ---------------------------------------------------------------------------------------------
// SYN cookies (net/ipv4/syncookies.c)

/** The MSS values a cookie can encode, by index (syncookies.c `msstab`). */
export const COOKIE_MSS = Object.freeze([536, 1300, 1440, 1460]);
/** Low bits of a cookie: hash + MSS index (`COOKIEBITS`); the top 8 bits hold the minute counter. */
const COOKIEBITS = 24;
const COOKIEMASK = (1 << COOKIEBITS) - 1;
/** The counter ticks once a minute (`TCP_SYNCOOKIE_PERIOD`, 60 s). */
export const COOKIE_PERIOD_MS = 60_000;
/** A cookie is good for this many counter ticks (`MAX_SYNCOOKIE_AGE` = 2). */
const MAX_SYNCOOKIE_AGE = 2;
/** Cookies are checked only this long after the last SYN queue overflow (`TCP_SYNCOOKIE_VALID`, 2 min). */
export const SYNCOOKIE_VALID_MS = 120_000;

/** splitmix32's finaliser: stands in for Linux's keyed SipHash in `cookie_hash()`. */
function mix32(x: number): number {
	x = x >>> 0;
	x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
	x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
	return (x ^ (x >>> 15)) >>> 0;
}

function ipU32(ip: string): number {
	const p = ip.split('.');
	return ((+p[0] << 24) | (+p[1] << 16) | (+p[2] << 8) | +p[3]) >>> 0;
}

/** Per-host secrets of the two cookie hashes (Linux `syncookie_secret[2]`), from the seeded PRNG. */
const secrets = new WeakMap<TcpHost, [number, number]>();
function secretOf(host: TcpHost): [number, number] {
	let s = secrets.get(host);
	if (s === undefined) {
		const r = host.core.rng.fork(`syncookie:${host.name}`);
		s = [r.u32(), r.u32()];
		secrets.set(host, s);
	}
	return s;
}

/** `cookie_hash(saddr, daddr, sport, dport, count, c)`: a keyed hash of the 4-tuple and `count`. */
function cookieHash(host: TcpHost, seg: TcpPacket, count: number, c: 0 | 1): number {
	let h = mix32(secretOf(host)[c] ^ ipU32(seg.srcIp));
	h = mix32(h ^ ipU32(seg.dstIp));
	h = mix32(h ^ ((seg.sport << 16) | seg.dport));
	return mix32(h ^ count);
}

/** The minute counter now (`tcp_cookie_time()`), 8 bits of it go into the cookie. */
function cookieTime(host: TcpHost): number {
	return Math.floor(host.core.queue.now / COOKIE_PERIOD_MS);
}

/** What a cookie carries, for narration. */
export interface CookieParts {
	/** The minute counter (mod 256) in its top 8 bits. */
	count: number;
	/** Index into {@link COOKIE_MSS}. */
	mssIndex: number;
	/** The MSS it encodes (the client's, rounded down to a table value). */
	mss: number;
}

/**
 * The SYN cookie for an arriving SYN (`secure_tcp_syn_cookie()`): ISN = hash1(4-tuple) +
 * client's ISN + (minute counter << 24) + ((hash2(4-tuple, counter) + MSS index) & 0xFFFFFF).
 * The MSS is the SYN's MSS option (536 without one, RFC 9293 §3.7.1) rounded down to `msstab`.
 */
export function synCookie(host: TcpHost, seg: TcpPacket): { cookie: number } & CookieParts {
	const mssIn = seg.options?.mss ?? 536;
	let mssIndex = COOKIE_MSS.length - 1;
	while (mssIndex > 0 && mssIn < COOKIE_MSS[mssIndex]) mssIndex--;
	const count = cookieTime(host);
	const cookie =
		(cookieHash(host, seg, 0, 0) + seg.seq + ((count << COOKIEBITS) >>> 0) + ((cookieHash(host, seg, count, 1) + mssIndex) & COOKIEMASK)) >>> 0;
	return { cookie, count: count & 0xff, mssIndex, mss: COOKIE_MSS[mssIndex] };
}

/**
 * Check the cookie an ACK returns (`check_tcp_syn_cookie()` + `__cookie_v4_check()`): SEG.ACK − 1
 * must be a cookie made for this 4-tuple with SEG.SEQ − 1 as the client's ISN, at most
 * {@link MAX_SYNCOOKIE_AGE} counter ticks old, with an MSS index inside the table.
 * @returns the MSS it encodes, or 0 when it is not a valid cookie.
 */
export function checkSynCookie(host: TcpHost, seg: TcpPacket): number {
	const cookie = (seg.ack - 1) >>> 0;
	const sseq = (seg.seq - 1) >>> 0;
	const count = cookieTime(host);
	const v = (cookie - cookieHash(host, seg, 0, 0) - sseq) >>> 0;
	const diff = (count - (v >>> COOKIEBITS)) & 0xff;
	if (diff >= MAX_SYNCOOKIE_AGE) return 0;
	const mssIndex = ((v - cookieHash(host, seg, count - diff, 1)) >>> 0) & COOKIEMASK;
	return mssIndex < COOKIE_MSS.length ? COOKIE_MSS[mssIndex] : 0;
}
