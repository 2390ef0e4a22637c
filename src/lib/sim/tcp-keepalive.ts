/**
 * Keep-alives (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) and the reset for data that arrives after the
 * program has closed its receiving side (RFC 9293 §3.6.1 SHLD-3, RFC 1122 §4.2.2.13).
 *
 * **Keep-alive** (SO_KEEPALIVE, off by default): when a connection has heard nothing from its
 * peer for `idleMs` and has nothing in flight, TCP sends a probe `<SEQ=SND.UNA−1><ACK=RCV.NXT>
 * <CTL=ACK>` with no data. That sequence number is already acknowledged, so a live peer must
 * answer with an ACK (§3.10.7.4 first step: an unacceptable segment gets an ACK); a peer that
 * rebooted has no TCB and answers RST (§3.10.7.1), which resets the connection (ECONNRESET). Each
 * unanswered probe is repeated after `intvlMs`; after `cnt` unanswered probes the connection is
 * dropped with ETIMEDOUT and a `<SEQ=SND.NXT><CTL=RST,ACK>` (Linux `tcp_keepalive_timer()` →
 * `tcp_send_active_reset()` + `tcp_write_err()`; FreeBSD `tcp_timer_keep()` → `tcp_drop()`, whose
 * tcp_output in CLOSED sends RST,ACK). Linux sends the probe with 0 bytes (`tcp_xmit_probe_skb()`:
 * "Use a previous sequence. This should cause the other end to send an ack."), FreeBSD and macOS
 * the same (`tcp_respond(tp, …, tp->rcv_nxt, tp->snd_una - 1, 0)`); RFC 1122 allows one garbage
 * octet for old peers, which the model never sends.
 *
 * The probe counter and the idle clock restart whenever an acceptable segment with an ACK
 * arrives (Linux `tcp_ack()` sets `icsk_probes_out = 0` and `rcv_tstamp`). While data is in flight
 * or queued the keep-alive timer only re-arms (`tcp_keepalive_timer()`: "if (tp->packets_out ||
 * !tcp_write_queue_empty(sk)) goto resched"); the retransmission timer watches the connection.
 *
 * **Data after close**: see {@link DATA_AFTER_CLOSE}.
 *
 * @module
 */

import type { OsPresetId } from './os';
import { sendSegment } from './tcp-output';
import { toClosed } from './tcp-state';
import { startKeepTimer, type Keepalive, type Tcb } from './tcb';
import { F_ACK, F_RST, seqAdd } from './wire';

/** One OS's keep-alive defaults (ms, ms, probes) and where they come from. */
export interface KeepaliveDefaults {
	idleMs: number;
	intvlMs: number;
	cnt: number;
	source: string;
}

const HOUR = 3_600_000;
const BSD: KeepaliveDefaults = {
	idleMs: 2 * HOUR,
	intvlMs: 75_000,
	cnt: 8,
	source:
		'FreeBSD tcp(4): net.inet.tcp.keepidle 7200000 ms, keepintvl 75000 ms, keepcnt 8 (sys/netinet/tcp_timer.h TCPTV_KEEP_IDLE, TCPTV_KEEPINTVL, TCPTV_KEEPCNT)'
};
const RFC: KeepaliveDefaults = {
	idleMs: 2 * HOUR,
	intvlMs: 75_000,
	cnt: 9,
	source: 'RFC 1122 §4.2.3.6 / RFC 9293 §3.8.4: the idle interval "MUST default to no less than two hours"; interval and count are not specified (assumed: Linux\'s 75 s and 9)'
};

/**
 * Keep-alive defaults per OS preset, used by `setKeepalive()` for every value the program does
 * not set:
 * - Linux: `tcp_keepalive_time` 7200 s, `tcp_keepalive_intvl` 75 s, `tcp_keepalive_probes` 9
 *   (Documentation/networking/ip-sysctl.rst);
 * - FreeBSD and macOS: `net.inet.tcp.keepidle` 2 h, `keepintvl` 75 s, `keepcnt` 8 (tcp(4);
 *   XNU bsd/netinet/tcp_timer.h has the same TCPTV_ values);
 * - Windows (Vista and later): KeepAliveTime 2 h, KeepAliveInterval 1 s (TCP/IP registry
 *   parameters), and "the number of keep-alive probes … is set to 10 and cannot be changed"
 *   (SIO_KEEPALIVE_VALS, Winsock reference);
 * - Windows XP: the same times, with TcpMaxDataRetransmissions (5) probes (Windows 2000/XP TCP/IP
 *   parameters: "the number of keep-alive retransmissions");
 * - rfc9293, iana, nat: RFC 1122's two hours; interval and count assumed as Linux.
 */
export const KEEPALIVE_DEFAULTS: Readonly<Record<OsPresetId, Readonly<KeepaliveDefaults>>> = Object.freeze({
	linux: {
		idleMs: 2 * HOUR,
		intvlMs: 75_000,
		cnt: 9,
		source: 'Documentation/networking/ip-sysctl.rst: tcp_keepalive_time 7200, tcp_keepalive_probes 9, tcp_keepalive_intvl 75'
	},
	freebsd: BSD,
	macos: { ...BSD, source: 'macOS tcp(4) / XNU bsd/netinet/tcp_timer.h: net.inet.tcp.keepidle 7200000 ms, keepintvl 75000 ms, keepcnt 8' },
	windows: {
		idleMs: 2 * HOUR,
		intvlMs: 1000,
		cnt: 10,
		source:
			'Microsoft TCP/IP registry parameters: KeepAliveTime 7,200,000 ms, KeepAliveInterval 1000 ms; SIO_KEEPALIVE_VALS: "On Windows Vista and later, the number of keep-alive probes (data retransmissions) is set to 10 and cannot be changed"'
	},
	'windows-xp': {
		idleMs: 2 * HOUR,
		intvlMs: 1000,
		cnt: 5,
		source: 'Windows 2000/XP TCP/IP registry parameters: KeepAliveTime 2 h, KeepAliveInterval 1 s, probes limited by TcpMaxDataRetransmissions (5)'
	},
	rfc9293: RFC,
	iana: RFC,
	nat: RFC
});

/**
 * What a connection does with new data that arrives after the program shut down its receiving
 * side, while our FIN is out (FIN-WAIT-1, FIN-WAIT-2): RFC 1122 §4.2.2.13 and RFC 9293 §3.6.1
 * SHLD-3 say TCP "SHOULD send a RST to show that data was lost". Both kinds answer
 * `<SEQ=SEG.ACK><CTL=RST>` and delete the TCB; they differ in when:
 * - `'after-shut-rd'` (Linux `tcp_rcv_state_process()`, step 7: "RFC 793 says to queue data in
 *   these states, RFC 1122 says we MUST send a reset. BSD 4.4 also does reset." —
 *   `if (sk->sk_shutdown & RCV_SHUTDOWN) … tcp_reset(); return 1`, and the caller sends the RST):
 *   after close() or shutdown(SHUT_RD);
 * - `'after-close'` (FreeBSD tcp_input.c: "If new data are received on a connection after the
 *   user processes are gone, then RST the other end", `TF_CLOSED && tlen` → dropwithreset; XNU
 *   the same with SS_NOFDREF): only once the program has closed the socket. Windows is assumed
 *   to follow RFC 1122 this way; Microsoft's documentation does not say.
 */
export const DATA_AFTER_CLOSE: Readonly<Record<OsPresetId, 'after-shut-rd' | 'after-close'>> = Object.freeze({
	linux: 'after-shut-rd',
	freebsd: 'after-close',
	macos: 'after-close',
	windows: 'after-close',
	'windows-xp': 'after-close',
	rfc9293: 'after-close',
	iana: 'after-close',
	nat: 'after-close'
});

/**
 * What shutdown(SHUT_RD) does to data that arrives afterwards (the data is ACKed in every case):
 * - `'queue'`: Linux keeps queueing it; recv() returns what is queued, then 0 (`tcp_recvmsg()`
 *   checks RCV_SHUTDOWN only when the queue is empty);
 * - `'discard'`: FreeBSD and macOS drop it (`soshutdown()` → `sorflush()`, SBS_CANTRCVMORE: tcp_input
 *   frees data for a socket that "can't receive more"); the RFC presets are assumed to do the same;
 * - `'reset'`: Windows: "if there is still data queued on the socket waiting to be received, or data
 *   arrives subsequently, the connection is reset, since the data cannot be delivered to the user"
 *   (Microsoft, shutdown function, Winsock reference; the RST's sequence number is not documented:
 *   the model sends `<SEQ=SEG.ACK><CTL=RST>` as for data after close).
 */
export const SHUT_RD_DATA: Readonly<Record<OsPresetId, 'queue' | 'discard' | 'reset'>> = Object.freeze({
	linux: 'queue',
	freebsd: 'discard',
	macos: 'discard',
	windows: 'reset',
	'windows-xp': 'reset',
	rfc9293: 'discard',
	iana: 'discard',
	nat: 'discard'
});

/**
 * New data has arrived on `t`, whose receiving side is shut down (SHUT_RD or close()): is the
 * answer a RST ({@link DATA_AFTER_CLOSE}, {@link SHUT_RD_DATA})?
 */
export function resetsDataAfterShutdown(t: Tcb): boolean {
	const st = t.state;
	const id = t.host.preset.id;
	if (SHUT_RD_DATA[id] === 'reset' && (st === 'ESTABLISHED' || st === 'FIN-WAIT-1' || st === 'FIN-WAIT-2')) return true;
	if (st !== 'FIN-WAIT-1' && st !== 'FIN-WAIT-2') return false;
	return DATA_AFTER_CLOSE[id] === 'after-shut-rd' || t.appClosed;
}

/**
 * Settings for {@link setKeepalive}, as the socket options name them: TCP_KEEPIDLE, TCP_KEEPINTVL
 * (ms here) and TCP_KEEPCNT; each one omitted takes the OS preset's default.
 */
export interface KeepaliveOptions {
	idleMs?: number;
	intvlMs?: number;
	cnt?: number;
}

/**
 * SO_KEEPALIVE on (with the given settings over the OS defaults). On a connection that is
 * already ESTABLISHED the timer starts now (Linux `tcp_set_keepalive()`).
 */
export function setKeepalive(t: Tcb, opts: KeepaliveOptions): Keepalive {
	const d = KEEPALIVE_DEFAULTS[t.host.preset.id];
	const k: Keepalive = {
		idleMs: opts.idleMs ?? d.idleMs,
		intvlMs: opts.intvlMs ?? d.intvlMs,
		cnt: opts.cnt ?? d.cnt,
		probesOut: 0,
		lastHeard: t.host.core.queue.now,
		deadline: -1,
		queuedAt: -1
	};
	if (t.keepalive !== null) k.queuedAt = t.keepalive.queuedAt; // an event may still be pending
	t.keepalive = k;
	if (synchronized(t)) startKeepTimer(t, k.idleMs);
	return k;
}

/** An accepted child inherits its listener's SO_KEEPALIVE settings (BSD sockets; Linux `sock_copy`). */
export function inheritKeepalive(child: Tcb, listener: Tcb): void {
	const k = listener.keepalive;
	if (k === null) return;
	child.keepalive = { idleMs: k.idleMs, intvlMs: k.intvlMs, cnt: k.cnt, probesOut: 0, lastHeard: 0, deadline: -1, queuedAt: -1 };
}

/** States in which keep-alive probes are sent (Linux: not CLOSE, SYN-SENT, LISTEN, request or TIME-WAIT socks). */
function synchronized(t: Tcb): boolean {
	const s = t.state;
	return s === 'ESTABLISHED' || s === 'CLOSE-WAIT' || s === 'FIN-WAIT-1' || s === 'FIN-WAIT-2' || s === 'CLOSING' || s === 'LAST-ACK';
}

/** The peer was heard from (an acceptable segment with an ACK): restart the idle clock and the probe count. */
export function keepaliveHeard(t: Tcb): void {
	const k = t.keepalive;
	if (k === null) return;
	k.lastHeard = t.host.core.queue.now;
	k.probesOut = 0;
}

/**
 * The keep-alive timer expired (Linux `tcp_keepalive_timer()`, FreeBSD `tcp_timer_keep()`):
 * probe, give up, or re-arm for the time the connection will have been idle long enough.
 */
export function keepaliveTimeout(t: Tcb): void {
	const k = t.keepalive;
	if (k === null || !synchronized(t)) return;
	const now = t.host.core.queue.now;
	if (t.snd.una !== t.snd.nxt || t.unsent > 0) {
		startKeepTimer(t, k.idleMs); // data outstanding: the retransmission timer is in charge
		return;
	}
	const idle = now - k.lastHeard;
	if (idle < k.idleMs) {
		startKeepTimer(t, k.idleMs - idle);
		return;
	}
	if (k.probesOut >= k.cnt) {
		sendSegment(t, F_RST | F_ACK, t.snd.nxt, 0, undefined, false);
		if (!t.appClosed) {
			t.host.errorEvent(t.id, 'recv', 'ETIMEDOUT', `connection timed out: ${k.cnt} keep-alive probes unanswered (${k.idleMs / 1000} s idle, then every ${k.intvlMs / 1000} s)`);
		}
		toClosed(t, t.host.core.record ? `keep-alive: ${k.cnt} probes unanswered, give up (ETIMEDOUT): snd RST` : '');
		return;
	}
	// <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK>, no data: an already-acknowledged sequence number.
	sendSegment(t, F_ACK, seqAdd(t.snd.una, -1), 0, undefined, false);
	k.probesOut++;
	startKeepTimer(t, k.intvlMs);
}
