/**
 * Operating-system presets: the ephemeral-port range, the port-selection algorithm and the
 * TIME-WAIT / MSL timers each simulated host uses.
 *
 * Values are taken from the sources listed in each preset's `source` field (see also
 * /work/shared/reference/allocators.md §3–§6). Times are in milliseconds of virtual time.
 *
 * @module
 */

import type { PortAlgorithm, PortTableOptions, TimeWaitReuse } from './ports';
import { SimError } from './errors';

/** Identifier of a built-in OS preset. */
export type OsPresetId =
	| 'linux'
	| 'freebsd'
	| 'macos'
	| 'windows'
	| 'windows-xp'
	| 'rfc9293'
	| 'iana'
	| 'nat';

/**
 * How a stack computes its retransmission timeout (RTO) from round-trip samples (ms).
 *
 * - `'rfc6298'`: RFC 6298 §2: SRTT and RTTVAR with gains 1/8 and 1/4, RTO = SRTT + max(G,
 *   4·RTTVAR) with G = 1 ms (the simulator's clock granularity), then at least `minMs`.
 * - `'linux'`: `tcp_rtt_estimator()` and `tcp_set_rto()` (net/ipv4/tcp_input.c): the variance term
 *   (`rttvar_us`) never falls below `tcp_rto_min` and only decays once per round trip, so RTO =
 *   SRTT + max(4·mdev, `minMs`); the first sample gives RTO = RTT + max(2·RTT, 200 ms).
 * - `'bsd'`: FreeBSD and XNU `tcp_xmit_timer()`: RTO = max(`minMs`, SRTT + 4·RTTVAR) plus a slop
 *   of `slopMs` (TCPT_RANGESET), and at least RTT + 2 ms.
 *
 * Every estimator doubles the RTO on each expiry (Karn's backoff, RFC 6298 §5.5), up to `maxMs`.
 */
export interface RtoPolicy {
	estimator: 'rfc6298' | 'linux' | 'bsd';
	/** RTO before any RTT sample: the first SYN's and SYN,ACK's timer (RFC 6298 §2.1). */
	initialMs: number;
	/**
	 * The floor: `'rfc6298'` and `'bsd'` never go below it; `'linux'` keeps the variance term at
	 * or above it (`tcp_rto_min`), so its RTO is at least SRTT + `minMs`.
	 */
	minMs: number;
	/** Ceiling of the RTO and of its backoff (Linux `TCP_RTO_MAX`, BSD `TCPTV_REXMTMAX`). */
	maxMs: number;
	/**
	 * `'bsd'`: added to every RTO computed from a sample (FreeBSD `net.inet.tcp.rexmit_slop`, XNU
	 * `rexmt_slop`); else 0. (XNU adds it only from ESTABLISHED on, `TCP_ADD_REXMTSLOP`; its first
	 * sample is taken after the handshake's state change, so only the initial RTO is without it,
	 * as here.)
	 */
	slopMs: number;
	/**
	 * RFC 6298 §5.7: the RTO when the connection reaches ESTABLISHED without an RTT sample (the SYN
	 * or SYN,ACK was retransmitted, so Karn's rule left the handshake unmeasured), ms; null where
	 * the stack's behaviour is not modelled. Linux `tcp_init_metrics()` (net/ipv4/tcp_metrics.c,
	 * called from `tcp_init_transfer()`): "We've failed to get a valid RTT sample from 3WHS …
	 * Reset the RTO back to 3secs" (`TCP_TIMEOUT_FALLBACK`, include/net/tcp.h).
	 */
	fallbackMs: number | null;
}

/**
 * When a receiver sends the ACK for in-order data (RFC 1122 4.2.3.2, RFC 5681 §4.2, RFC 9293
 * 3.8.6.3): at once, or after a delay so that it may ride on data going the other way or cover
 * a second segment. Implemented in tcp-delack.ts. Times in ms.
 *
 * Whatever the preset, these are ACKed at once: an out-of-order segment, the segment that fills
 * a gap, a duplicate (RFC 5681 §4.2 SHOULD), and data that leaves a zero receive window.
 */
export interface DelayedAckPolicy {
	/**
	 * When the ACK is due at once:
	 * - `'bytes'`: more than one full-sized segment (Eff.snd.MSS) is unacknowledged (Linux
	 *   `__tcp_ack_snd_check()`: `rcv_nxt - rcv_wup > rcv_mss`; RFC 5681 §4.2 "at least every
	 *   second full-sized segment");
	 * - `'segments'`: the second unacknowledged segment, whatever its size (FreeBSD and XNU
	 *   `DELAY_ACK()`: no delayed-ACK timer running yet; Windows TcpAckFrequency = 2).
	 */
	every: 'bytes' | 'segments';
	/**
	 * The delayed-ACK timer: its fixed length (BSD `delacktime`, Windows TcpDelAckTicks), or with
	 * `linuxAto` the most it can be (`TCP_DELACK_MAX`, 200 ms). Never above 500 ms (RFC 1122
	 * 4.2.3.2 MUST, RFC 9293 MUST-58).
	 */
	maxMs: number;
	/** Linux: the smallest and first ATO (`TCP_ATO_MIN`, 40 ms); 0 for a fixed timer. */
	atoMinMs: number;
	/**
	 * ACKs sent at once before delaying starts: Linux quick-ACK mode (`tcp_incr_quickack()`, at
	 * most `TCP_MAX_QUICKACKS` = 16, at the first data and after an idle gap longer than the
	 * RTO), XNU's forced ACKs (`TCP_FORCED_ACKS_COUNT` = 16 for a new connection); 0 for none.
	 */
	quickAcks: number;
	/**
	 * Linux's adaptive delayed ACK: the ATO follows the gaps between data segments
	 * (`tcp_event_data_recv()`), quick-ACK mode returns after idle, "pingpong" (interactive) mode
	 * starts when we send data within one ATO of receiving some (`tcp_event_data_sent()`,
	 * `tcp_pingpong_thresh` = 1) and ends when the delayed-ACK timer fires anyway
	 * (`tcp_delack_timer_handler()`); and the ACK of a FIN that moves ESTABLISHED to CLOSE-WAIT
	 * is delayed (`tcp_fin()` enters pingpong mode). Elsewhere a FIN is ACKed at once (BSD
	 * `tcp_input()`: "since we received a FIN then no more input can be expected, send ACK now").
	 */
	linuxAto: boolean;
	/**
	 * XNU: a segment with PSH that the program reads at once is ACKed at once (`tcp_output()`:
	 * the receive buffer emptied and `TF_LAST_IS_PSH`, `tcp_ack_strategy` = modern).
	 */
	ackPushOnRead: boolean;
}

/**
 * Loss detection, loss recovery and congestion control of a stack (RFC 2018, RFC 5681, RFC 6582,
 * RFC 6675, RFC 8985, RFC 9438). Implemented in tcp-sack.ts, tcp-recovery.ts and tcp-cc.ts.
 *
 * - `recovery`: how a loss is found before the retransmission timer fires.
 *   - `'newreno'`: three duplicate ACKs start fast retransmit and fast recovery, partial ACKs
 *     retransmit the next hole (RFC 5681 §3.2, RFC 6582). Used when SACK is not negotiated.
 *   - `'rfc6675'`: with SACK, a segment is lost once three segments above it are SACKed (or
 *     three duplicate ACKs arrived); recovery sends while `pipe` < cwnd (RFC 6675 §5).
 *   - `'rack-tlp'`: with SACK, a segment is lost once a segment sent after it was delivered and
 *     a reordering window (min RTT / 4) has passed (RACK, RFC 8985 §6); a tail loss probe is sent
 *     after 2·SRTT of silence (TLP, RFC 8985 §7). Recovery sends as `'rfc6675'`.
 *   Without SACK on the connection every preset falls back to `'newreno'` (Linux does the same:
 *   tcp_recovery.c's RACK needs SACK; `tcp_newreno_mark_lost()` otherwise).
 * - `cc`: `'reno'` (RFC 5681: halve on loss, +1 MSS per RTT) or `'cubic'` (RFC 9438: β = 0.7,
 *   cwnd follows C·(t − K)³ + W_max, never below the Reno-friendly estimate).
 */
export interface LossPolicy {
	/** Loss detection and recovery when SACK is negotiated (offered per `tcp.sack`); without SACK always NewReno. */
	recovery: 'newreno' | 'rfc6675' | 'rack-tlp';
	/** Congestion control algorithm. */
	cc: 'reno' | 'cubic';
	/**
	 * Initial window, segments of SMSS (RFC 6928 IW10; RFC 5681 §3.1 allows 3 for SMSS 1460).
	 * One segment instead when the SYN or SYN,ACK had to be retransmitted (RFC 5681 §3.1).
	 */
	initialWindow: number;
	/**
	 * Slow start grows cwnd by the bytes an ACK acknowledges, at most this many SMSS per ACK
	 * (RFC 3465's L), so that delayed ACKs, which cover two segments, do not halve the growth:
	 * Linux `tcp_slow_start()` adds every packet acknowledged (no limit: 1e9); FreeBSD
	 * `net.inet.tcp.abc_l_var` = 2 (tcp(4), cc_newreno/cc_cubic); XNU `tcp_cubic.c` 2·SMSS
	 * (`net.inet.tcp.rfc3465_lim2` = 1); RFC 5681 §3.1 eq. 2 and Windows (not documented,
	 * assumed) 1.
	 */
	ssLimitSegs: number;
}

/** Behaviour profile of a simulated TCP/IP stack. */
export interface OsPreset {
	/** Preset id (the key in {@link OS_PRESETS}). */
	id: OsPresetId;
	/** Human-readable name for the UI, e.g. `"Linux"`. */
	label: string;
	/**
	 * Inclusive ephemeral-port range `[low, high]` from which connect() and bind(0) pick a local
	 * port (Linux `net.ipv4.ip_local_port_range`, BSD `net.inet.ip.portrange.first/last`,
	 * Windows `netsh int ipv4 show dynamicport tcp`).
	 */
	ephemeral: [number, number];
	/**
	 * How long (ms) a connection stays in TIME-WAIT after an active close. Authoritative: the engine
	 * arms the TIME-WAIT timer with this value, not with `2 × mslMs` (they agree for every preset).
	 */
	timeWaitMs: number;
	/** Maximum Segment Lifetime (ms). Always `timeWaitMs / 2` here (RFC 9293 §3.4.1: TIME-WAIT = 2×MSL). */
	mslMs: number;
	/**
	 * What a RST received in TIME-WAIT does: `'close'` = the TIME-WAIT state is destroyed
	 * (RFC 9293 §3.10.7.4, Linux default `tcp_rfc1337 = 0`); `'ignore'` = the RST is dropped and
	 * TIME-WAIT runs to completion (RFC 1337 "TIME-WAIT assassination" protection, FreeBSD).
	 */
	rstInTimeWait: 'close' | 'ignore';
	/** Ephemeral-port selection algorithm used by this stack's {@link PortTable}s. */
	algorithm: PortAlgorithm;
	/**
	 * Whether connect() may give one ephemeral port to connections towards different destinations
	 * (a port is then held per 4-tuple: Linux `__inet_hash_connect`, FreeBSD `in_pcb_lport_dest`,
	 * RFC 6056's "suitable port" test), or only a port nothing else on the host holds (macOS
	 * `in_pcbbind`; Windows unless the program sets `SO_REUSE_UNICASTPORT`). With `false` the
	 * whole host runs out of ports at the size of the range, whatever the destinations.
	 */
	sharePorts: boolean;
	/**
	 * With `sharePorts: false`: when connect() may reuse a port held only by TIME-WAIT connections
	 * (see {@link TimeWaitReuse}): `'never'` (macOS), `'when-exhausted'` (Windows Vista and later,
	 * the port reuse described by Event 4227), `'always'` (Windows before Server 2003 SP1).
	 */
	timeWaitReuse: TimeWaitReuse;
	/**
	 * How socket errors are named in the trace: `'posix'` (`EADDRINUSE`) or `'winsock'`
	 * (`WSAEADDRINUSE` with its number, 10048; errno.ts). Windows stacks also report port
	 * exhaustion as WSAENOBUFS (10055) and a TIME-WAIT collision as WSAEADDRINUSE (10048).
	 */
	errnoNames: 'posix' | 'winsock';
	/**
	 * Does an ICMP Port Unreachable about a datagram an *unconnected* UDP socket sent make that
	 * socket's pending recvfrom() fail (WinSock `SIO_UDP_CONNRESET` on, the Windows default since
	 * Windows 2000 SP2: KB263823; recvfrom's WSAECONNRESET entry)? Linux and the BSDs ignore it
	 * on unconnected sockets.
	 */
	udpConnReset: boolean;
	/**
	 * Lowest port a program without root may bind (Linux `net.ipv4.ip_unprivileged_port_start`,
	 * 1024): 0 means no privileged ports at all (Windows).
	 */
	unprivilegedPortStart: number;
	/** The retransmission timeout: estimator, initial value, floor and ceiling ({@link RtoPolicy}). */
	rto: RtoPolicy;
	/**
	 * Rate limit of the ACKs a connection sends in reply to invalid segments (out-of-window
	 * SEG.SEQ, an ACK of data never sent, challenge ACKs to RSTs and SYNs), which stops ACK loops
	 * ("ACK storms", RFC 5961 §7). See {@link InvalidAckLimit}.
	 */
	invalidAck: InvalidAckLimit;
	/**
	 * What the stack offers in its SYN (RFC 9293 §3.7.1 MSS, RFC 7323 window scale and timestamps,
	 * RFC 2018 SACK-permitted), its receive buffer, how it probes a zero window and its
	 * `tcp_tw_reuse` setting ({@link TcpProfile}).
	 */
	tcp: TcpProfile;
	/** SACK, loss recovery and congestion control ({@link LossPolicy}). */
	loss: LossPolicy;
	/** When in-order data and FINs are acknowledged ({@link DelayedAckPolicy}). */
	delack: DelayedAckPolicy;
	/** Caveats and conflicts in the sources, for tooltips and lesson side-notes. */
	notes: string;
	/** Where the values come from (source files, documentation pages). */
	source: string;
}

/**
 * How a stack throttles the ACKs it sends in reply to invalid segments, per connection: at most
 * `count` such ACKs in any `intervalMs` window (the window opens with the first ACK sent after
 * the previous one closed). Further ones are not sent.
 */
export interface InvalidAckLimit {
	/** Window length, ms. */
	intervalMs: number;
	/** Most ACKs per window. */
	count: number;
	/**
	 * Out-of-window segments carrying data (and no SYN) are always answered, as Linux
	 * `tcp_oow_rate_limited()` does ("Data packets without SYNs are not likely part of an ACK loop").
	 */
	exemptData: boolean;
	/**
	 * What a segment whose SEG.ACK acknowledges data never sent (SEG.ACK > SND.NXT) gets in a
	 * synchronized state: `'ack'` = an ACK, then the segment is dropped (RFC 9293 §3.10.7.4,
	 * throttled as above); `'drop'` = dropped silently (Linux `tcp_ack()`: "If the ack includes data
	 * we haven't sent yet, discard this segment").
	 */
	ackOfUnsent: 'ack' | 'drop';
}

/**
 * A stack's TCP options, receive buffer and zero-window behaviour (tcp-options.ts, tcp-flow.ts).
 * Sizes in bytes, times in ms.
 */
export interface TcpProfile {
	/** MSS it announces (kind 2): the 1500-byte Ethernet MTU − 40 bytes of IPv4 and TCP headers. */
	mss: number;
	/** Window-scale shift it offers (kind 3, RFC 7323 §2), or null when it sends no Window Scale option. */
	wscale: number | null;
	/** It sends SACK-permitted (kind 4, RFC 2018 §2). */
	sack: boolean;
	/** It sends Timestamps (kind 8, RFC 7323 §3) on its SYN. */
	ts: boolean;
	/**
	 * Receive buffer: the most RCV.WND can be (Linux `tcp_rmem`'s default as the initial window
	 * `tcp_select_initial_window()` computes; BSD `net.inet.tcp.recvspace`). Fixed: receive-buffer
	 * autotuning is not modelled (docs/tcp-deviations.md).
	 */
	rcvBuf: number;
	/**
	 * The zero-window probe: `'una-1'` = a pure ACK with SEG.SEQ = SND.UNA − 1 (Linux
	 * `tcp_xmit_probe_skb()`: "Use a previous sequence. This should cause the other end to send
	 * an ack"); `'one-byte'` = the next byte of data beyond the window (RFC 9293 §3.8.6.1, BSD
	 * `tcp_output()` with `t_force`).
	 */
	zeroWindowProbe: 'una-1' | 'one-byte';
	/**
	 * Receiver silly-window avoidance: `'rfc'` = the window opens only by at least min(buffer/2,
	 * MSS) at a time (RFC 9293 §3.8.6.2.2); `'linux'` = a window is advertised as it is (rounded
	 * up to the scale unit) unless less than one MSS or 1/16 of the buffer is free, then 0
	 * (`__tcp_select_window()`).
	 */
	rcvSws: 'rfc' | 'linux';
	/**
	 * The persist timer: first probe after max(RTO, `persistMinMs`), doubling after each probe, at
	 * most `persistMaxMs` (Linux `tcp_probe0_base()`/`tcp_probe0_when()`: RTO ≥ TCP_RTO_MIN, up to
	 * TCP_RTO_MAX; BSD `tcp_setpersist()`: TCPTV_PERSMIN 5 s … TCPTV_PERSMAX 60 s).
	 */
	persistMinMs: number;
	persistMaxMs: number;
	/**
	 * Linux `net.ipv4.tcp_tw_reuse`: 0 = never, 1 = connect() may take over a TIME-WAIT 4-tuple
	 * when timestamps were used and the TIME-WAIT is older than `tcp_tw_reuse_delay` (1 s), 2 =
	 * the same for loopback connections only (the default). 0 on the other presets.
	 */
	twReuse: 0 | 1 | 2;
}

/** RFC 9293 as written: an MSS option only (§3.7.1), a 64 KiB buffer, RFC persist timing. */
const RFC9293_TCP: TcpProfile = {
	mss: 1460,
	wscale: null,
	sack: false,
	ts: false,
	rcvBuf: 65535,
	zeroWindowProbe: 'one-byte',
	rcvSws: 'rfc',
	persistMinMs: 0,
	persistMaxMs: 60_000,
	twReuse: 0
};

/** RFC 5961 §7 throttle assumed where the OS documents none (10 ACKs per 5 s per connection). */
const RFC5961_ASSUMED: InvalidAckLimit = { intervalMs: 5000, count: 10, exemptData: false, ackOfUnsent: 'ack' };

/*
 * TCP options, receive buffer and zero-window probes per preset (`tcp`, {@link TcpProfile}):
 *
 * | id | SYN options | window in the SYN / buffer | zero-window probe | persist | tw_reuse |
 * |---|---|---|---|---|---|
 * | linux | mss 1460, sackOK, TS, wscale 7 | 64,240 | ACK of SND.UNA − 1 | max(RTO, 200 ms) ×2 … 120 s | 2 |
 * | freebsd | mss 1460, wscale 6, sackOK, TS | 65,535 / 65,536 | 1 byte | 5 s ×2 … 60 s | — |
 * | macos | mss 1460, wscale 6, sackOK, TS | 65,535 / 131,072 | 1 byte | 5 s ×2 … 60 s | — |
 * | windows | mss 1460, wscale 8, sackOK (no TS) | 64,240 | 1 byte (assumed) | RTO ×2 … 120 s (assumed) | — |
 * | windows-xp | mss 1460, sackOK | 65,535 | 1 byte (assumed) | RTO ×2 … 120 s (assumed) | — |
 * | rfc9293, iana, nat | mss 1460 | 65,535 | 1 byte | RTO ×2 … 60 s | — |
 *
 * Sources. Linux: tcp_syn_options(), tcp_select_initial_window() (the shift is the smallest that
 * covers tcp_rmem[2] = 6 MiB), commit a337531b942b "tcp: up initial rmem to 128KB and SYN rwin to
 * around 64KB" (64,240 = 44 × 1460), __tcp_select_window() (windows rounded up to the scale unit),
 * tcp_current_mss() (12 bytes of timestamps per segment: 1448-byte full segments),
 * tcp_xmit_probe_skb() and tcp_write_wakeup() (the probe), tcp_probe0_base()/tcp_probe0_when()
 * (include/net/tcp.h), secure_tcp_ts_off() (TSval offset per address pair), tcp_twsk_unique() and
 * ip-sysctl.rst (tcp_timestamps = 1, tcp_sack = 1, tcp_window_scaling = 1, tcp_rmem, tcp_tw_reuse
 * = 2 "loopback only", tcp_tw_reuse_delay = 1000 ms). FreeBSD: tcp(4) (net.inet.tcp.rfc1323,
 * sack.enable, recvspace = 65536), tcp_syncache.c/tcp_output.c (the shift: smallest with
 * TCP_MAXWIN << shift ≥ kern.ipc.maxsockbuf = 2 MiB), tcp_timer.h (TCPTV_PERSMIN 5 s,
 * TCPTV_PERSMAX 60 s), tcp_output.c (t_force: one byte into a zero window). macOS: XNU
 * tcp_timer.h (the same persist bounds), net.inet.tcp.recvspace = 131072; the shift 6 is what
 * macOS SYNs carry in captures (XNU derives it from its autotuning maximum; assumption). Windows:
 * Set-NetTCPSetting -Timestamps (off unless enabled: "netsh int tcp set global timestamps"),
 * Tcp1323Opts; the shift 8 and the 64,240-byte SYN window are what Windows 10/11 SYNs carry in
 * captures (Microsoft documents receive-window autotuning, not these numbers: assumption); the
 * probe form and persist timing are not documented (assumed RFC 9293 §3.8.6.1). RFC 9293 §3.7.1:
 * the MSS option (SHLD-5); window scaling, SACK and timestamps are later RFCs (7323, 2018), so
 * the textbook preset offers none of them. Receive-buffer autotuning is not modelled.
 */
/*
 * Delayed ACK per preset (`delack`, {@link DelayedAckPolicy}; tcp-delack.ts):
 *
 * | id | ACK at once when | timer | quick ACKs | FIN |
 * |---|---|---|---|---|
 * | linux | > 1 full-sized segment unACKed, quick-ACK mode, out of order | ATO: 40 ms … 200 ms, adaptive | 16 at the first data and after idle > RTO | delayed in CLOSE-WAIT (pingpong) |
 * | freebsd | 2nd segment | 40 ms | — | at once |
 * | macos | 2nd segment, or a PSH segment read at once | 100 ms | 16 at the start | at once |
 * | windows, windows-xp | 2nd segment | 200 ms | — | at once (assumed) |
 * | rfc9293, iana, nat | > 1 full-sized segment unACKed | 200 ms | — | at once (assumed) |
 *
 * Sources. Linux: include/net/tcp.h (TCP_DELACK_MIN = TCP_ATO_MIN = HZ/25 = 40 ms, TCP_DELACK_MAX
 * = HZ/5 = 200 ms, TCP_MAX_QUICKACKS = 16), net/ipv4/tcp_input.c (tcp_event_data_recv,
 * tcp_incr_quickack, __tcp_ack_snd_check, tcp_fin), net/ipv4/tcp_output.c (tcp_send_delayed_ack,
 * tcp_event_data_sent), net/ipv4/tcp_timer.c (tcp_delack_timer_handler), ip-sysctl.rst
 * (tcp_pingpong_thresh = 1). FreeBSD: sys/netinet/tcp_timer.h TCPTV_DELACK = hz/25 (40 ms since
 * r360010, 2020: "Reduce the delayed ACK timeout from 100ms to 40ms"; tuning(7)), tcp_input.c
 * DELAY_ACK() and the FIN case (TF_ACKNOW), net.inet.tcp.delayed_ack = 1 (tcp(4)). macOS: XNU
 * bsd/netinet/tcp_timer.c (tcp_delack = TCP_RETRANSHZ/10 = 100 ms), tcp_input.c
 * (net.inet.tcp.delayed_ack = 3, net.inet.tcp.ack_strategy = 1 "modern", the FIN case:
 * TF_ACKNOW), tcp_cc.c tcp_cc_delay_ack(), tcp_output.c (TF_LAST_IS_PSH), tcp_var.h
 * (TCP_FORCED_ACKS_COUNT = 16); Apple documents none of this, so the preset follows the source.
 * Windows: Microsoft Learn "Registry entry to control the TCP acknowledgment (ACK) behavior in
 * Windows" (TcpAckFrequency, default 2: every second segment, else the 200 ms delayed-ACK timer;
 * https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/registry-entry-control-tcp-acknowledgment-behavior),
 * TechNet cc938206 (Windows 2000/XP TcpDelAckTicks, default 2 × 100 ms), "Delayed Acknowledgments
 * (Windows Embedded CE 6.0)"; when Windows ACKs a FIN is not documented (assumed: at once, as the
 * BSDs). RFC presets: RFC 1122 4.2.3.2 and RFC 9293 3.8.6.3 (an ACK for at least every second
 * full-sized segment, delay < 0.5 s: MUST-58), RFC 5681 §4.2; the preset chooses 200 ms, the
 * classic BSD/Windows value, inside that bound. Neither RFC says when a FIN is ACKed (assumed: at once).
 */
const LINUX_DELACK: DelayedAckPolicy = { every: 'bytes', maxMs: 200, atoMinMs: 40, quickAcks: 16, linuxAto: true, ackPushOnRead: false };
const FREEBSD_DELACK: DelayedAckPolicy = { every: 'segments', maxMs: 40, atoMinMs: 0, quickAcks: 0, linuxAto: false, ackPushOnRead: false };
const MACOS_DELACK: DelayedAckPolicy = { every: 'segments', maxMs: 100, atoMinMs: 0, quickAcks: 16, linuxAto: false, ackPushOnRead: true };
const WINDOWS_DELACK: DelayedAckPolicy = { every: 'segments', maxMs: 200, atoMinMs: 0, quickAcks: 0, linuxAto: false, ackPushOnRead: false };
const RFC_DELACK: DelayedAckPolicy = { every: 'bytes', maxMs: 200, atoMinMs: 0, quickAcks: 0, linuxAto: false, ackPushOnRead: false };

/** The textbook standards: no SACK, NewReno fast retransmit, Reno, RFC 5681's initial window (3 × 1460). */
const CLASSIC_LOSS: LossPolicy = { recovery: 'newreno', cc: 'reno', initialWindow: 3, ssLimitSegs: 1 };

/**
 * The built-in OS presets, keyed by id.
 *
 * | id | range | TIME-WAIT | RST in TW | algorithm | one port, several destinations | errors | RTO; initial; ceiling | SACK; recovery; cc; IW |
 * |---|---|---|---|---|---|---|---|---|
 * | linux | 32768–60999 | 60 s | close | linux (RFC 6056 Alg. 4) | yes | POSIX | SRTT + max(4·mdev, 200 ms); 1 s; ≤ 120 s | yes; RACK-TLP; CUBIC; 10 |
 * | freebsd | 10000–65535 | 60 s | ignore | random (Alg. 1) | yes | POSIX | max(30 ms, SRTT + 4·RTTVAR) + 200 ms; 1 s; ≤ 64 s | yes; RFC 6675; CUBIC; 10 |
 * | macos | 49152–65535 | 30 s | close | random | no | POSIX | max(100 ms, SRTT + 4·RTTVAR) + 200 ms; 1 s; ≤ 64 s | yes; RFC 6675; CUBIC; 10 |
 * | windows | 49152–65535 | 120 s | close | sequential | only a TIME-WAIT port, once none is free (Event 4227) | WinSock | RFC 6298, ≥ 300 ms (assumed); 1 s (assumed); ≤ 120 s (assumed) | yes; RACK-TLP; CUBIC; 10 |
 * | windows-xp | 1025–5000 | 240 s | close | sequential | TIME-WAIT ports count as free | WinSock | RFC 6298, ≥ 1 s (assumed); 3 s; ≤ 120 s (assumed) | yes; RFC 6675 (assumed); Reno; 2 |
 * | rfc9293 | 49152–65535 | 240 s | close | random | yes | POSIX | RFC 6298, ≥ 1 s; 1 s; ≤ 60 s | no; NewReno; Reno; 3 |
 * | iana | 49152–65535 | 240 s | close | random | yes | POSIX | RFC 6298, ≥ 1 s; 1 s; ≤ 60 s | no; NewReno; Reno; 3 |
 * | nat | 1024–65535 | 120 s | close | random | yes | POSIX | RFC 6298, ≥ 1 s; 1 s; ≤ 60 s | no; NewReno; Reno; 3 |
 */
export const OS_PRESETS: Readonly<Record<OsPresetId, Readonly<OsPreset>>> = deepFreeze({
	linux: {
		id: 'linux',
		label: 'Linux',
		ephemeral: [32768, 60999],
		timeWaitMs: 60_000,
		mslMs: 30_000,
		rstInTimeWait: 'close',
		algorithm: 'linux',
		sharePorts: true,
		timeWaitReuse: 'never',
		errnoNames: 'posix',
		udpConnReset: false,
		unprivilegedPortStart: 1024,
		rto: { estimator: 'linux', initialMs: 1000, minMs: 200, maxMs: 120_000, slopMs: 0, fallbackMs: 3000 },
		invalidAck: { intervalMs: 500, count: 1, exemptData: true, ackOfUnsent: 'drop' },
		tcp: { mss: 1460, wscale: 7, sack: true, ts: true, rcvBuf: 64240, zeroWindowProbe: 'una-1', rcvSws: 'linux', persistMinMs: 200, persistMaxMs: 120_000, twReuse: 2 },
		loss: { recovery: 'rack-tlp', cc: 'cubic', initialWindow: 10, ssLimitSegs: 1e9 },
		delack: LINUX_DELACK,
		notes:
			'TIME-WAIT is the compile-time constant TCP_TIMEWAIT_LEN = 60 s; Linux has no MSL sysctl, ' +
			'so mslMs (30 s) is only timeWaitMs / 2 for display. Ports 61000–65535 are never chosen ' +
			'automatically. connect() prefers ports with the parity of the range start (even), ' +
			'bind(0)/listen() autobind prefers odd ports. A RST in TIME-WAIT kills the TIME-WAIT socket ' +
			'(tcp_rfc1337 = 0 by default).' +
			' RTO: tcp_rtt_estimator()/tcp_set_rto() (net/ipv4/tcp_input.c): RTO = SRTT + max(4·mdev, tcp_rto_min = 200 ms), so ' +
			'a 40 ms path retransmits after about 240 ms; initial RTO TCP_TIMEOUT_INIT = 1 s, backoff capped at TCP_RTO_MAX = 120 s.' +
			' Invalid segments: an ACK in reply to an out-of-window pure ACK or SYN, or a challenge ACK, is sent at most once per tcp_invalid_ratelimit = 500 ms per socket (tcp_oow_rate_limited(), tp->last_oow_ack_time); out-of-window data is always answered; an ACK of data never sent is dropped without reply (tcp_ack()). The host-wide tcp_challenge_ack_limit defaults to INT_MAX (unlimited) since Linux 6.0, so only the per-socket limit is modelled. Loss: SACK (tcp_sack = 1), RACK-TLP loss detection (tcp_recovery = 0x1, the default since Linux 4.4; since 4.18 RACK is the only SACK loss detection, replacing RFC 6675\'s tcp_mark_head_lost; ip-sysctl.rst tcp_recovery, tcp_early_retrans = 3 for TLP), CUBIC (tcp_congestion_control = cubic, the default since 2.6.19), IW10 (TCP_INIT_CWND = 10 since 3.0). Not modelled: PRR (RFC 6937, the engine sets cwnd = ssthresh at once), HyStart, F-RTO, undo on DSACK.',
		source:
			'Documentation/networking/ip-sysctl.rst (ip_local_port_range, tcp_rfc1337); ' +
			'include/net/tcp.h (TCP_TIMEWAIT_LEN); net/ipv4/inet_hashtables.c (__inet_hash_connect); ' +
			'net/ipv4/inet_connection_sock.c (inet_csk_find_open_port); net/ipv4/tcp_minisocks.c; include/net/tcp.h (TCP_RTO_MIN, TCP_RTO_MAX, TCP_TIMEOUT_INIT); net/ipv4/tcp_input.c (tcp_rtt_estimator, tcp_set_rto); Documentation/networking/ip-sysctl.rst (tcp_rto_min_us = 200000, tcp_rto_max_ms = 120000)' +
			'; Documentation/networking/ip-sysctl.rst (tcp_invalid_ratelimit, tcp_challenge_ack_limit); net/ipv4/tcp_input.c (tcp_oow_rate_limited, tcp_send_challenge_ack, tcp_ack); Documentation/networking/ip-sysctl.rst (tcp_sack, tcp_recovery, tcp_early_retrans, tcp_congestion_control); net/ipv4/tcp_recovery.c (tcp_rack_detect_loss, tcp_rack_reo_wnd); net/ipv4/tcp_output.c (tcp_schedule_loss_probe); net/ipv4/tcp_cubic.c; include/net/tcp.h (TCP_INIT_CWND)',
	},
	freebsd: {
		id: 'freebsd',
		label: 'FreeBSD',
		ephemeral: [10000, 65535],
		timeWaitMs: 60_000,
		mslMs: 30_000,
		rstInTimeWait: 'ignore',
		algorithm: 'random',
		sharePorts: true,
		timeWaitReuse: 'never',
		errnoNames: 'posix',
		udpConnReset: false,
		unprivilegedPortStart: 1024,
		rto: { estimator: 'bsd', initialMs: 1000, minMs: 30, maxMs: 64_000, slopMs: 200, fallbackMs: null },
		invalidAck: { intervalMs: 1000, count: 5, exemptData: false, ackOfUnsent: 'ack' },
		tcp: { mss: 1460, wscale: 6, sack: true, ts: true, rcvBuf: 65536, zeroWindowProbe: 'one-byte', rcvSws: 'rfc', persistMinMs: 5000, persistMaxMs: 60_000, twReuse: 0 },
		loss: { recovery: 'rfc6675', cc: 'cubic', initialWindow: 10, ssLimitSegs: 2 },
		delack: FREEBSD_DELACK,
		notes:
			'Default range IPPORT_EPHEMERALFIRST..IPPORT_EPHEMERALLAST = 10000–65535 ' +
			'(net.inet.ip.portrange.first/last); randomised selection (net.inet.ip.portrange.randomized=1). ' +
			'MSL is TCPTV_MSL = 30 s (sysctl net.inet.tcp.msl = 30000), so TIME-WAIT = 2×MSL = 60 s. ' +
			'RSTs in TIME-WAIT are ignored, as RFC 1337 recommends. connect() checks the whole 4-tuple ' +
			'(in_pcb_lport_dest, FreeBSD 13 and later), so one port can serve several destinations.' +
			' RTO: tcp_xmit_timer() sets RTO = max(rexmit_min, SRTT + 4·RTTVAR) + rexmit_slop (TCPT_RANGESET), with ' +
			'net.inet.tcp.rexmit_min = 30 ms (TCPTV_MIN), rexmit_slop = 200 ms (TCPTV_CPU_VAR), initial 1 s (TCPTV_RTOBASE), ' +
			'at most TCPTV_REXMTMAX = 64 s.' +
			' Invalid segments: ACKs in reply to out-of-window segments and challenge ACKs are limited to net.inet.tcp.ack_war_cnt = 5 per net.inet.tcp.ack_war_timewindow = 1000 ms per connection (tcp(4), FreeBSD 14); the engine applies the same limit to the ACK for an ACK of unsent data (dropafterack). Loss: the default stack (net.inet.tcp.functions_default = freebsd) does SACK with RFC 6675 recovery (tcp_sack.c; net.inet.tcp.rfc6675_pipe) and no RACK-TLP: RACK-TLP is the separate tcp_rack(4) stack, loaded with tcp_rack_load="YES" and chosen with net.inet.tcp.functions_default=rack, so the preset models the default stack. CUBIC is the default congestion control since FreeBSD 14.0 (cc_cubic(4): "the default for TCP"; NewReno before, mod_cc(4)); IW10 (net.inet.tcp.initcwnd_segments = 10).',
		source: 'sys/netinet/in.h, sys/netinet/in_pcb.c (in_pcb_lport_dest), sys/netinet/tcp_timer.h (TCPTV_MSL), tcp_input.c (tcp_xmit_timer), tcp_subr.c (rexmit_min, rexmit_slop sysctls)' +
			'; tcp(4) (ack_war_timewindow, ack_war_cnt); sys/netinet/tcp_subr.c (tcp_send_challenge_ack); tcp_rack(4); cc_cubic(4), mod_cc(4) (FreeBSD 14); sys/netinet/tcp_sack.c; tcp(4) (initcwnd_segments, rfc6675_pipe)',
	},
	macos: {
		id: 'macos',
		label: 'macOS',
		ephemeral: [49152, 65535],
		timeWaitMs: 30_000,
		mslMs: 15_000,
		rstInTimeWait: 'close',
		algorithm: 'random',
		sharePorts: false,
		timeWaitReuse: 'never',
		errnoNames: 'posix',
		udpConnReset: false,
		// Since macOS 10.14, XNU's in_pcbbind() asks for PRIV_NETINET_RESERVEDPORT only when a port
		// below IPPORT_RESERVED is bound to a specific address (sin_addr != INADDR_ANY). Scenario
		// sockets always bind the wildcard address, so no port is privileged here; a bind to one
		// address below 1024 would still need root (not expressible in the scenario format).
		unprivilegedPortStart: 0,
		rto: { estimator: 'bsd', initialMs: 1000, minMs: 100, maxMs: 64_000, slopMs: 200, fallbackMs: null },
		invalidAck: { intervalMs: 1000, count: 10, exemptData: false, ackOfUnsent: 'ack' },
		tcp: { mss: 1460, wscale: 6, sack: true, ts: true, rcvBuf: 131072, zeroWindowProbe: 'one-byte', rcvSws: 'rfc', persistMinMs: 5000, persistMaxMs: 60_000, twReuse: 0 },
		loss: { recovery: 'rfc6675', cc: 'cubic', initialWindow: 10, ssLimitSegs: 2 },
		delack: MACOS_DELACK,
		notes:
			'Since macOS 10.14 (Mojave) a program without root may bind a port below 1024 on the ' +
			'wildcard address (in_pcbbind checks the privilege only for a specific local address); ' +
			'scenario sockets bind the wildcard, so `root` makes no difference on this preset. ' +
			'XNU uses ipport_firstauto/lastauto = IPPORT_HIFIRSTAUTO..IPPORT_HILASTAUTO = 49152–65535 ' +
			'(the IANA dynamic range). TCPTV_MSL is 15 s, so TIME-WAIT (2 × tcp_msl) is 30 s. ' +
			'in_pcbbind picks an automatic port no other socket on the local address uses ' +
			'(in_pcblookup_local), so ports are not shared between destinations.' +
			' RTO: as FreeBSD\'s, with net.inet.tcp.rtt_min = 100 ms as the floor (t_rttmin) and net.inet.tcp.rexmt_slop = ' +
			'200 ms added to the RTO once ESTABLISHED (TCP_ADD_REXMTSLOP: the 1 s initial RTO has no slop); at most ' +
			'TCPTV_REXMTMAX = 64 s. XNU\'s shorter floor on a local link is not modelled.' +
			' Invalid segments: at most net.inet.tcp.challengeack_limit = 10 challenge ACKs per connection per second (XNU tcp_is_ack_ratelimited()); the engine applies the same limit to dup ACKs for out-of-window segments (assumption: the source shows it only for challenge ACKs). Loss: SACK, RFC 6675-style recovery, CUBIC (XNU tcp_cc.c; net.inet.tcp.use_newreno = 0), IW10 (XNU tcp_cc.h TCP_CC_CWND_INIT_PKTS = 10). Recent XNU sources also contain a RACK implementation (tcp_rack_* in bsd/netinet/tcp_var.h) and a tail loss probe; which macOS release enables them by default is not documented, so the preset models RFC 6675 without them (assumption).',
		source: 'apple-oss-distributions/xnu bsd/netinet/in_pcb.c, bsd/netinet/tcp_timer.h, tcp_subr.c (rtt_min, rexmt_slop sysctls), tcp_input.c (tcp_xmit_timer)' +
			'; xnu bsd/netinet/tcp_input.c (challengeack_limit, tcp_is_ack_ratelimited); xnu bsd/netinet/tcp_cc.h (TCP_CC_CWND_INIT_PKTS), tcp_cc.c, tcp_cubic.c, tcp_sack.c, tcp_var.h',
	},
	windows: {
		id: 'windows',
		label: 'Windows (Vista and later)',
		ephemeral: [49152, 65535],
		timeWaitMs: 120_000,
		mslMs: 60_000,
		rstInTimeWait: 'close',
		algorithm: 'sequential',
		sharePorts: false,
		timeWaitReuse: 'when-exhausted',
		errnoNames: 'winsock',
		udpConnReset: true,
		unprivilegedPortStart: 0,
		rto: { estimator: 'rfc6298', initialMs: 1000, minMs: 300, maxMs: 120_000, slopMs: 0, fallbackMs: null },
		invalidAck: RFC5961_ASSUMED,
		tcp: { mss: 1460, wscale: 8, sack: true, ts: false, rcvBuf: 64240, zeroWindowProbe: 'one-byte', rcvSws: 'rfc', persistMinMs: 0, persistMaxMs: 120_000, twReuse: 0 },
		loss: { recovery: 'rack-tlp', cc: 'cubic', initialWindow: 10, ssLimitSegs: 1 },
		delack: WINDOWS_DELACK,
		notes:
			'Range 49152–65535 since Windows Vista / Server 2008 (netsh int ipv4 show dynamicport tcp). ' +
			'TIME-WAIT (TcpTimedWaitDelay) is modelled as 120 s, the default in the Windows Server 2003 ' +
			'documentation and the value usually quoted today; the Windows 2000 documentation gives ' +
			'240 s (0xF0) and even the Server 2003 page still says "4 minutes" in its prose, and no ' +
			'current Microsoft page states the default. Allowed range 30–300 s. ' +
			'Port selection: connect() takes a port nothing on the host holds ("the network stack ' +
			'chooses a port that isn\'t already bound to another socket", .NET team), in order: Windows ' +
			'does not document its method, but SO_RANDOMIZE_PORT exists to make it random, so the ' +
			'default is not (assumption: a sequential rover). When no port is free, TCP/IP reuses a ' +
			'port held only by TIME-WAIT connections, whatever their remote endpoint (Event 4227 text); ' +
			'if that port was recently used towards the same remote endpoint, connect() fails ' +
			'WSAEADDRINUSE (10048) and Event 4227 is logged. Which reusable port is selected is not ' +
			'documented (assumption: the next in scan order). When every port holds a live connection ' +
			'or a bind, connect() and bind(0) fail WSAENOBUFS (10055), Event 4231 ("all such ports being ' +
			'in use"), at about 16K concurrent connections. With an auto-reuse port range configured ' +
			'(Set-NetTCPSetting, default 0 = off) connect() without bind, and sockets with ' +
			'SO_REUSE_UNICASTPORT, take random ports from that range, shared between destinations as ' +
			'long as the 4-tuple is unique; what happens when that range runs out is not documented ' +
			'(assumption: WSAENOBUFS). Errors carry their WinSock names and numbers. SIO_UDP_CONNRESET ' +
			'is on: an ICMP Port Unreachable makes recvfrom() on the sending UDP socket fail ' +
			'WSAECONNRESET (10054). Ports below 1024 are not privileged: the Winsock bind() reference ' +
			'names no privilege check for them (its WSAEACCES cases are SO_BROADCAST and exclusive use), ' +
			'and only the HTTP Server API reserves URLs on them (netsh http add urlacl), so any program ' +
			'may bind port 80 (the root flag has no effect on Windows hosts).' +
			' RTO: Microsoft documents the estimator only as RFC 2988\'s (TCP_INITIAL_RTO_PARAMETERS), MinRtoMs as ' +
			'"increments of 10, from 20 ms through 300 ms" and InitialRtoMs as 300–3000 ms (Set-NetTCPSetting), without ' +
			'the defaults; the preset assumes the top of the MinRto range, 300 ms, and a 1 s initial RTO (RFC 6298). ' +
			'The ceiling of the backoff is not documented (assumption: 120 s, as Linux).' +
			' Invalid segments: no documented limit for ACKs to out-of-window segments; assumed RFC 5961 §7 ACK throttling, 10 ACKs per 5 s per connection (the RFC asks for a configurable limit and fixes no number). Loss: SACK, RACK and TLP (introduced with IW10 in Windows 10 1607 / Server 2016, Microsoft Networking Blog "Announcing: New Transport Advancements in the Anniversary Update for Windows 10 and Windows Server 2016", 2016; RACK-TLP per RFC 8985 described in "Algorithmic improvements boost TCP performance on the Internet", Microsoft Tech Community, 2021), CUBIC (the default congestion provider since Windows 10 1709 and Server 2019: "Windows Transport converges on two Congestion Providers: Cubic and LEDBAT", 2018), IW10 (InitialCongestionWindowMss; 4 MSS before 1607). Microsoft documents no reordering-window or PTO constants: the preset uses RFC 8985\'s (min RTT / 4, 2·SRTT, 200 ms worst-case delayed ACK) (assumption).',
		source:
			'Microsoft Learn "Troubleshoot port exhaustion issues" ' +
			'(https://learn.microsoft.com/en-us/troubleshoot/windows-client/networking/tcp-ip-port-exhaustion-troubleshooting); ' +
			'KB929851 "The default dynamic port range for TCP/IP has changed since Windows Vista and in Windows Server 2008"; ' +
			'Event 4227 EVENT_TCPIP_TCP_TIME_WAIT_COLLISION (netevent.h; "TCP/IP Network Connectivity" event list, ' +
			'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2008-R2-and-2008/cc727709(v=ws.10)); ' +
			'KB "Event ID 4227 when a client application tries to connect to a Windows Server 2008 SP2-based server" (WSAEADDRINUSE 10048); ' +
			'Event 4231 text; Winsock reference: connect, bind, recvfrom, "Windows Sockets Error Codes", ' +
			'"SOL_SOCKET Socket Options" (SO_REUSE_UNICASTPORT, SO_RANDOMIZE_PORT), "Winsock IOCTLs" (SIO_UDP_CONNRESET); ' +
			'KB263823 (recvfrom returns WSAECONNRESET after ICMP port unreachable); ' +
			'Set-NetTCPSetting -AutoReusePortRangeStartPort/-AutoReusePortRangeNumberOfPorts; ' +
			'KB3149157 "Reliability and scalability improvements in TCP/IP for Windows 8.1 and Windows Server 2012 R2"; ' +
			'.NET Blog ".NET 6 Networking Improvements" (auto-reuse port range, WSAENOBUFS at ~16K connections); ' +
			'TechNet cc938217 (Windows 2000 TcpTimedWaitDelay) and cc757512 (Windows Server 2003 TcpTimedWaitDelay); Set-NetTCPSetting / Get-NetTCPSetting (-MinRtoMs, -InitialRtoMs); TCP_INITIAL_RTO_PARAMETERS (mstcpip.h)' +
			'; RFC 5961 §7 (ACK throttling, assumed); Microsoft Networking Blog (2016, Anniversary Update transport advancements: IW10, RACK, TLP); Microsoft Tech Community "Algorithmic improvements boost TCP performance on the Internet" (2021); "Windows Transport converges on two Congestion Providers: Cubic and LEDBAT" (2018); Set-NetTCPSetting (-CongestionProvider, -InitialCongestionWindowMss)',
	},
	'windows-xp': {
		id: 'windows-xp',
		label: 'Windows XP / Server 2003',
		ephemeral: [1025, 5000],
		timeWaitMs: 240_000,
		mslMs: 120_000,
		rstInTimeWait: 'close',
		algorithm: 'sequential',
		sharePorts: false,
		timeWaitReuse: 'always',
		errnoNames: 'winsock',
		udpConnReset: true,
		unprivilegedPortStart: 0,
		rto: { estimator: 'rfc6298', initialMs: 3000, minMs: 1000, maxMs: 120_000, slopMs: 0, fallbackMs: null },
		invalidAck: RFC5961_ASSUMED,
		tcp: { mss: 1460, wscale: null, sack: true, ts: false, rcvBuf: 65535, zeroWindowProbe: 'one-byte', rcvSws: 'rfc', persistMinMs: 0, persistMaxMs: 120_000, twReuse: 0 },
		loss: { recovery: 'rfc6675', cc: 'reno', initialWindow: 2, ssLimitSegs: 1 },
		delack: WINDOWS_DELACK,
		notes:
			'Before Vista, Windows used 1025–5000 (MaxUserPort default 5000) and handed ports out ' +
			'sequentially, so only 3976 ephemeral ports existed. TIME-WAIT 240 s follows the Windows ' +
			'2000 documentation (TcpTimedWaitDelay 0xF0); the Server 2003 page lists 120 s — the sources ' +
			'conflict. Before Server 2003 SP1, "the TCP port for a connection in the TIME-WAIT state is ' +
			'considered an available port", so connect() may pick a port in TIME-WAIT towards the same ' +
			'server and fail WSAEADDRINUSE (10048); Server 2003 SP1 added "smart TCP port allocation" ' +
			'(the preset models the behaviour before it). Ports held by live connections or binds are ' +
			'never shared; with none left, WSAENOBUFS (10055). Errors carry their WinSock names.' +
			' RTO: TcpInitialRtt defaults to 3 s (Windows 2000/XP TCP/IP parameters); the minimum and the ceiling are ' +
			'not documented (assumption: RFC 2988\'s 1 s floor, 120 s ceiling).' +
			' Invalid segments: no documented limit for ACKs to out-of-window segments; assumed RFC 5961 §7 ACK throttling, 10 ACKs per 5 s per connection (the RFC asks for a configurable limit and fixes no number). Loss: SACK on (SackOpts = 1, Windows 2000/XP TCP/IP registry parameters); the recovery algorithm is not documented (assumption: RFC 6675), Reno-style congestion control, initial window 2 segments (RFC 2581, assumption).',
		source:
			'Microsoft Learn "Troubleshoot port exhaustion issues" (1025 through 5000); TechNet cc938217, ' +
			'cc757512 (TcpTimedWaitDelay); Microsoft "Windows Server 2003 TCP/IP Implementation Details" ' +
			'(Smart TCP port allocation); Winsock reference ("Windows Sockets Error Codes"); KB263823; Windows 2000/XP TCP/IP registry parameters (TcpInitialRtt); Windows 2000/XP TCP/IP registry parameters (SackOpts)',
	},
	rfc9293: {
		id: 'rfc9293',
		label: 'RFC 9293 (textbook)',
		ephemeral: [49152, 65535],
		timeWaitMs: 240_000,
		mslMs: 120_000,
		rstInTimeWait: 'close',
		algorithm: 'random',
		sharePorts: true,
		timeWaitReuse: 'never',
		errnoNames: 'posix',
		udpConnReset: false,
		unprivilegedPortStart: 1024,
		rto: { estimator: 'rfc6298', initialMs: 1000, minMs: 1000, maxMs: 60_000, slopMs: 0, fallbackMs: 3000 },
		invalidAck: RFC5961_ASSUMED,
		tcp: RFC9293_TCP,
		loss: CLASSIC_LOSS,
		delack: RFC_DELACK,
		notes:
			'The specification itself: MSL is "taken to be 2 minutes", so TIME-WAIT lasts 2×MSL = 4 ' +
			'minutes (MUST-13); a RST in TIME-WAIT enters CLOSED. Ports are drawn from the IANA dynamic ' +
			'range with RFC 6056 Algorithm 1 (random start, then sequential scan).' +
			' RTO: RFC 6298 as written: initial 1 s (§2.1), never below 1 s (§2.4), G = 1 ms, backoff capped at ' +
			'60 s, the smallest maximum §2.5 allows.' +
			' Invalid segments: RFC 9293 answers every unacceptable segment with an ACK; RFC 5961 §7 asks for a configurable ACK throttle without fixing a number (assumed: 10 ACKs per 5 s per connection). Loss: the classic path: no SACK, fast retransmit on three duplicate ACKs with NewReno recovery (RFC 5681 §3.2, RFC 6582), Reno congestion control, RFC 5681\'s initial window (min(4·SMSS, max(2·SMSS, 4380 bytes)) = 3 segments of 1460).',
		source: 'RFC 9293 §3.4.1, §3.6.1, §3.10.7.4; RFC 6335 §6 (dynamic range); RFC 6056 §3.3.1; RFC 6298 §2, §5' +
			'; RFC 5961 §7 (ACK throttling, assumed); RFC 5681 §3.1–3.2; RFC 6582',
	},
	iana: {
		id: 'iana',
		label: 'IANA dynamic range',
		ephemeral: [49152, 65535],
		timeWaitMs: 240_000,
		mslMs: 120_000,
		rstInTimeWait: 'close',
		algorithm: 'random',
		sharePorts: true,
		timeWaitReuse: 'never',
		errnoNames: 'posix',
		udpConnReset: false,
		unprivilegedPortStart: 1024,
		rto: { estimator: 'rfc6298', initialMs: 1000, minMs: 1000, maxMs: 60_000, slopMs: 0, fallbackMs: 3000 },
		invalidAck: RFC5961_ASSUMED,
		tcp: RFC9293_TCP,
		loss: CLASSIC_LOSS,
		delack: RFC_DELACK,
		notes:
			'Only the range is defined by IANA (Dynamic and/or Private Ports, 49152–65535, RFC 6335); ' +
			'timers follow RFC 9293 and selection RFC 6056 Algorithm 1. Note RFC 6056 §3.2 recommends ' +
			'using the whole 1024–65535 range instead.' +
			' Invalid segments: no documented limit for ACKs to out-of-window segments; assumed RFC 5961 §7 ACK throttling, 10 ACKs per 5 s per connection (the RFC asks for a configurable limit and fixes no number). Loss: as the rfc9293 preset (no SACK, NewReno, Reno, IW 3).',
		source: 'RFC 6335 §6; RFC 9293 §3.4.1; RFC 6056 §3.2, §3.3.1' +
			'; RFC 5961 §7 (ACK throttling, assumed); RFC 5681; RFC 6582',
	},
	nat: {
		id: 'nat',
		label: 'NAT gateway',
		ephemeral: [1024, 65535],
		timeWaitMs: 120_000,
		mslMs: 60_000,
		rstInTimeWait: 'close',
		algorithm: 'random',
		sharePorts: true,
		timeWaitReuse: 'never',
		errnoNames: 'posix',
		udpConnReset: false,
		unprivilegedPortStart: 1024,
		rto: { estimator: 'rfc6298', initialMs: 1000, minMs: 1000, maxMs: 60_000, slopMs: 0, fallbackMs: 3000 },
		invalidAck: RFC5961_ASSUMED,
		tcp: RFC9293_TCP,
		loss: CLASSIC_LOSS,
		delack: RFC_DELACK,
		notes:
			'Port range a NAT gateway uses for its public-side mappings (everything above the ' +
			'well-known ports, as RFC 6056 §3.2 recommends). 120 s mirrors the Linux conntrack ' +
			'nf_conntrack_tcp_timeout_time_wait default; it is a mapping lifetime, not a host TIME-WAIT.' +
			' Invalid segments: no documented limit for ACKs to out-of-window segments; assumed RFC 5961 §7 ACK throttling, 10 ACKs per 5 s per connection (the RFC asks for a configurable limit and fixes no number). Loss: as the rfc9293 preset (no SACK, NewReno, Reno, IW 3).',
		source: 'RFC 6056 §3.2; RFC 4787 (NAT behaviour); Linux nf_conntrack_proto_tcp.c timeouts; RFC 5961 §7 (ACK throttling, assumed); RFC 5681; RFC 6582',
	},
} satisfies Record<OsPresetId, OsPreset>);

function deepFreeze<T extends object>(o: T): T {
	for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v as object);
	return Object.freeze(o);
}

/** Every valid preset id, in display order. */
export const OS_PRESET_IDS: readonly OsPresetId[] = Object.freeze(
	Object.keys(OS_PRESETS) as OsPresetId[],
);

/**
 * Look a preset up by id.
 *
 * @param id - one of {@link OS_PRESET_IDS} (case-sensitive), e.g. `'linux'`.
 * @returns the preset (shared and deeply frozen: copy it before changing anything).
 * @throws SimError (field `os`) `Unknown OS preset "<id>"; valid ids: linux, freebsd, …` for anything else.
 */
export function getPreset(id: string): OsPreset {
	if (typeof id === 'string' && Object.prototype.hasOwnProperty.call(OS_PRESETS, id)) {
		return OS_PRESETS[id as OsPresetId];
	}
	throw new SimError(
		`Unknown OS preset ${JSON.stringify(id)}; valid ids: ${OS_PRESET_IDS.join(', ')}`,
		'os'
	);
}

/**
 * The {@link PortTable} options an OS preset implies (range, algorithm, port sharing, TIME-WAIT
 * reuse and error conventions), for engine hosts and for views that drive a table directly.
 *
 * @param autoReuse - Windows auto-reuse port range, when the host has one configured.
 */
export function presetPortOptions(
	preset: OsPreset,
	autoReuse?: [number, number]
): Omit<PortTableOptions, 'rng'> {
	const o: Omit<PortTableOptions, 'rng'> = {
		range: [preset.ephemeral[0], preset.ephemeral[1]],
		algorithm: preset.algorithm,
		sharePorts: preset.sharePorts,
		timeWaitReuse: preset.sharePorts ? 'never' : preset.timeWaitReuse,
		errors: preset.errnoNames === 'winsock' ? 'windows' : 'posix',
		unprivilegedStart: preset.unprivilegedPortStart
	};
	if (autoReuse !== undefined) o.autoReuse = [autoReuse[0], autoReuse[1]];
	return o;
}
