/**
 * SEGMENT ARRIVES — RFC 9293 §3.10.7, in the RFC's order:
 * §3.10.7.1 CLOSED (no TCB), §3.10.7.2 LISTEN, §3.10.7.3 SYN-SENT, §3.10.7.4 the other states
 * (eight ordered steps: sequence check, RST, security, SYN, ACK, URG, text, FIN).
 *
 * Choices (all listed in docs/tcp-deviations.md):
 * - RFC 5961 variants: RST accepted only when SEG.SEQ == RCV.NXT, other in-window RSTs and any
 *   SYN in a synchronized state get a challenge ACK (as Linux, FreeBSD, macOS, Windows).
 * - A segment that ends exactly at RCV.NXT (a retransmission of the last thing received, e.g.
 *   a retransmitted FIN) is treated as a duplicate whose ACK field is still processed and which
 *   is answered with an ACK (Linux `tcp_sequence` / BSD `tcp_input` trimming), so a
 *   retransmitted FIN,ACK moves CLOSING to TIME-WAIT and restarts the TIME-WAIT timer.
 * - Simultaneous open: a SYN,ACK arriving in SYN-RECEIVED (active origin) whose SEG.SEQ = IRS
 *   and whose ACK acknowledges our SYN completes the handshake (RFC 9293 Figure 7; Linux
 *   `tcp_validate_incoming`).
 * - A retransmitted SYN (SEG.SEQ = IRS) reaching a passive SYN-RECEIVED child makes it
 *   retransmit its SYN,ACK (Linux `tcp_check_req`).
 * - TIME-WAIT + SYN with SEG.SEQ > RCV.NXT and a listener on the port: the TIME-WAIT TCB is
 *   closed and the listener takes the SYN with ISS = SND.NXT + 65537 (RFC 9293 §3.6.1 MAY-2,
 *   RFC 6191; Linux TCP_TW_SYN `tw_snd_nxt + 65535 + 2`).
 * - ACK-loop protection (RFC 5961 §7 "ACK throttling"): the ACK sent in reply to an
 *   unacceptable segment, to an ACK of data never sent, or as a challenge ACK is throttled per
 *   connection by the OS preset's `invalidAck` limit (Linux `tcp_invalid_ratelimit` = 500 ms,
 *   net/ipv4/tcp_input.c `tcp_oow_rate_limited()`; FreeBSD `ack_war_cnt`/`ack_war_timewindow`;
 *   macOS `challengeack_limit`; an assumed RFC 5961 limit elsewhere). Without it, one forged
 *   in-window data segment makes the two ends ACK each other forever (the "ACK storm").
 *   Linux drops an ACK of unsent data without replying (`tcp_ack()`).
 *
 * Naming: `seg` is the arriving segment (its fields are SEG.SEQ, SEG.ACK, SEG.LEN, SEG.WND);
 * `t` is the TCB, with `t.snd.una` for SND.UNA, `t.rcv.nxt` for RCV.NXT and so on.
 *
 * @module
 */

import { acceptSynOptions, pawsReject, updateTsRecent } from './tcp-options';
import { output, sendAck, sendSegment, sendWithoutTcb, traceWindow } from './tcp-output';
import { ackReceived, rackDelivered } from './tcp-recovery';
import { nextArrival } from './tcp-sack';
import { ackOwed, dataArrived, finAckDelayed } from './tcp-delack';
import { enterFinWait2, enterTimeWait, established, restartTimeWait, setState, toClosed, toClosedAs } from './tcp-state';
import { inheritKeepalive, keepaliveHeard, resetsDataAfterShutdown, SHUT_RD_DATA } from './tcp-keepalive';
import { rttSample } from './tcp-timer';
import { acceptQueueFull, checkSynCookie, enterSynQueue, recordQueue, synCookie, SYNCOOKIE_VALID_MS, synQueueFull } from './tcp-listen';
import { closeTimeWait, releaseToTimeWait, restartTimeWaitRecord, sendTimeWaitAck, TimeWait } from './tcp-timewait';
import { finAcked, rearmRexmt, rtxQueue, startRexmtTimer, stopPersistTimer, stopRexmtTimer, Tcb, TCP_TUNING, type ListenQueues, type OutOfOrderSegment, type TcpHost } from './tcb';
import { F_ACK, F_FIN, F_PSH, F_RST, F_SYN, hostPort, isIp6, segLen, seqAdd, seqDiff, seqLe, seqLt, type TcpPacket } from './wire';

/**
 * A TCP segment addressed to `host` has arrived: find its TCB — the connection with its 4-tuple,
 * else a listener on its port — and process it in that TCB's state (§3.10.7.2–4), or as for a
 * CLOSED port (§3.10.7.1).
 */
export function tcpInput(host: TcpHost, seg: TcpPacket): void {
	const t = host.lookup(seg.dport, seg.srcIp, seg.sport);
	if (t !== undefined) {
		if (!(t instanceof Tcb)) {
			timeWaitInput(t as TimeWait, seg);
			return;
		}
		if (t.state === 'SYN-SENT') synSentInput(t, seg);
		else otherStatesInput(t, seg);
		if (t.state !== 'CLOSED' && t.state !== 'SYN-SENT' && t.state !== 'SYN-RECEIVED') traceWindow(t);
		// This segment brought the connection to TIME-WAIT: its TCB gives way to a compact record.
		if (t.state === 'TIME-WAIT') releaseToTimeWait(t);
		return;
	}
	const l = host.listenerFor(seg.dport, seg.srcIp);
	if (l !== undefined && l.state === 'LISTEN') {
		listenInput(l, seg, -1);
		return;
	}
	closedInput(host, seg);
}

/**
 * §3.10.7.1 CLOSED: a RST is discarded; otherwise ACK off → `<SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK>`, ACK on → `<SEQ=SEG.ACK><CTL=RST>`. Ports from which this host injected
 * scripted segments stay silent (packetdrill-style peer).
 */
function closedInput(host: TcpHost, seg: TcpPacket): void {
	if (seg.flags & F_RST) return;
	if (host.scriptedPorts.has(seg.dport)) return;
	if (seg.flags & F_ACK) sendWithoutTcb(host, F_RST, seg.dport, seg.srcIp, seg.sport, seg.ack, 0);
	else sendWithoutTcb(host, F_RST | F_ACK, seg.dport, seg.srcIp, seg.sport, 0, seqAdd(seg.seq, segLen(seg)));
}

/**
 * §3.10.7.2 LISTEN: RST ignored; ACK → `<SEQ=SEG.ACK><CTL=RST>` (unless it returns a valid SYN
 * cookie); SYN → a child socket in SYN-RECEIVED sending `<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>`,
 * if the listener's queues let it in (tcp-listen.ts, Linux `tcp_conn_request()`); anything else
 * dropped.
 * @param issOverride - ISS to use (TIME-WAIT reopen, MAY-2) or -1 for a fresh random ISS.
 */
function listenInput(l: Tcb, seg: TcpPacket, issOverride: number): void {
	const f = seg.flags;
	if (f & F_RST) return;
	const host = l.host;
	if (f & F_ACK) {
		if (!(f & F_SYN) && cookieAck(l, seg)) return;
		sendWithoutTcb(host, F_RST, seg.dport, seg.srcIp, seg.sport, seg.ack, 0);
		return;
	}
	if (!(f & F_SYN)) return;
	// tcp_conn_request(): a TIME-WAIT reopen (issOverride) skips the SYN queue test ("TW buckets
	// are converted to open requests without limitations").
	let wantCookie = false;
	const q = l.queues as ListenQueues; // made by listen()
	if (issOverride < 0 && synQueueFull(l)) {
		q.synOverflowAt = host.core.queue.now;
		if (!host.connectTuning.syncookies) {
			recordQueue(l, 'syn-dropped', seg, `SYN queue full (${q.synQueueLen} half-open > backlog ${q.backlog}), SYN cookies off (tcp_syncookies = 0): SYN dropped`);
			return;
		}
		wantCookie = true;
	}
	if (acceptQueueFull(l)) {
		recordQueue(l, 'syn-dropped', seg, `accept queue full (more than backlog ${q.backlog} connections wait for accept()): SYN dropped (ListenOverflows)`);
		return;
	}
	if (wantCookie) {
		// No state: the SYN,ACK's ISN is the cookie (syncookies.c); the ACK will bring it back.
		const c = synCookie(host, seg);
		recordQueue(
			l,
			'cookie-sent',
			seg,
			`SYN queue full (${q.synQueueLen} half-open > backlog ${q.backlog}): SYN cookie ISN ${c.cookie} = hash + client ISN + counter ${c.count} << 24 + MSS index ${c.mssIndex} (MSS ${c.mss}); nothing kept`,
			c.cookie
		);
		sendWithoutTcb(host, F_SYN | F_ACK, seg.dport, seg.srcIp, seg.sport, c.cookie, seqAdd(seg.seq, 1), TCP_TUNING.rcvWnd);
		return;
	}
	const c = passiveChild(l, seg);
	if (c === null) return; // cannot happen: the 4-tuple had no TCB
	c.irs = seg.seq;
	c.rcv.nxt = seqAdd(seg.seq, 1);
	acceptSynOptions(c, seg); // what the SYN,ACK answers and what the connection uses (RFC 7323, RFC 2018)
	c.iss = issOverride >= 0 ? issOverride : host.isnRng.u32();
	c.snd.una = c.iss;
	c.snd.nxt = seqAdd(c.iss, 1);
	c.snd.wnd = seg.wnd;
	c.snd.wl1 = seg.seq;
	c.snd.wl2 = 0;
	// (the cause text is only recorded with record: true; do not build it otherwise)
	setState(c, 'SYN-RECEIVED', host.core.record ? `rcv SYN (passive OPEN on ${l.id}): snd SYN,ACK` : '', 'LISTEN');
	enterSynQueue(l, c);
	rtxQueue(c).push(c.iss, 0, F_SYN | F_ACK, undefined, host.core.queue.now);
	sendSegment(c, F_SYN | F_ACK, c.iss, 0, undefined, false);
	startRexmtTimer(c);
}

/**
 * A new child of listener `l` for the peer that sent `seg` (RFC 9293 §3.10.7.2: a new TCB from
 * the listener's), registered under its 4-tuple in the host's tables, inheriting the listener's
 * keep-alive settings (Linux `inet_csk_clone_lock()`). @returns null if the 4-tuple is taken.
 */
function passiveChild(l: Tcb, seg: TcpPacket): Tcb | null {
	const host = l.host;
	const r = host.tcpPorts.attachTuple(l.localPort, seg.srcIp, seg.sport, { recycleTimeWait: true });
	if (!r.ok) return null;
	const c = host.tcpChild(l);
	c.hold = 'child';
	c.tupleRegistered = true;
	c.localPort = l.localPort;
	c.localIp = seg.dstIp;
	// An IPv4 SYN reaching a dual-stack AF_INET6 listener: the child is AF_INET6 and sees IPv4-mapped addresses.
	c.family = l.inet6 && !isIp6(seg.srcIp) ? 'inet6-mapped' : l.family;
	c.remoteIp = seg.srcIp;
	c.remotePort = seg.sport;
	host.addConn(c);
	c.origin = 'passive';
	inheritKeepalive(c, l);
	return c;
}

/**
 * An ACK reached a listener with no half-open connection for it: if the SYN queue overflowed
 * lately and SEG.ACK − 1 is a valid SYN cookie, make the connection from it, straight into
 * ESTABLISHED (Linux `cookie_v4_check()` → `tcp_get_cookie_sock()`); it joins the accept queue
 * unless that is full, when the ACK is dropped. @returns false when the caller should answer RST.
 */
function cookieAck(l: Tcb, seg: TcpPacket): boolean {
	const host = l.host;
	if (!host.connectTuning.syncookies || host.core.queue.now - (l.queues as ListenQueues).synOverflowAt >= SYNCOOKIE_VALID_MS) return false;
	const mss = checkSynCookie(host, seg);
	if (mss === 0) {
		recordQueue(l, 'cookie-rejected', seg, `ACK ${seg.ack} is not a valid SYN cookie for this 4-tuple: answered with RST`);
		return false;
	}
	if (acceptQueueFull(l)) {
		recordQueue(l, 'ack-dropped', seg, `valid SYN cookie, but the accept queue is full: ACK dropped`, (seg.ack - 1) >>> 0);
		return true;
	}
	const c = passiveChild(l, seg);
	if (c === null) return true;
	c.irs = seqAdd(seg.seq, -1);
	c.rcv.nxt = seg.seq;
	c.iss = seqAdd(seg.ack, -1);
	c.snd.una = seg.ack;
	c.snd.nxt = seg.ack;
	updateWindow(c, seg);
	recordQueue(l, 'cookie-accepted', seg, `ACK ${seg.ack} returns SYN cookie ${c.iss} (MSS ${mss}): connection made from the cookie`, c.iss);
	setState(c, 'ESTABLISHED', host.core.record ? `rcv ACK with a valid SYN cookie (passive OPEN on ${l.id}, no SYN-RECEIVED)` : '', 'LISTEN');
	established(c);
	return true;
}

/** §3.10.7.3 SYN-SENT. */
function synSentInput(t: Tcb, seg: TcpPacket): void {
	const f = seg.flags;
	const hasAck = (f & F_ACK) !== 0;
	// first: check the ACK bit
	if (hasAck) {
		if (seqLe(seg.ack, t.iss) || seqLt(t.snd.nxt, seg.ack)) {
			if (!(f & F_RST)) sendWithoutTcb(t.host, F_RST, t.localPort, t.remoteIp, t.remotePort, seg.ack, 0);
			return;
		}
	}
	// second: check the RST bit
	if (f & F_RST) {
		if (hasAck) {
			t.host.errorEvent(t.id, 'connect', 'ECONNREFUSED', `connect(): connection refused: ${hostPort(t.remoteIp, t.remotePort)} answered RST`);
			toClosed(t, 'rcv RST (connection refused)');
		}
		return;
	}
	// (third: security — not modelled) fourth: check the SYN bit
	if (!(f & F_SYN)) return; // fifth: neither SYN nor RST → drop
	acceptSynOptions(t, seg);
	t.irs = seg.seq;
	t.rcv.nxt = seqAdd(seg.seq, 1);
	if (hasAck) ackArrived(t, seg.ack);
	if (seqLt(t.iss, t.snd.una)) {
		// our SYN has been ACKed
		updateWindow(t, seg);
		setState(t, 'ESTABLISHED', 'rcv SYN,ACK: snd ACK');
		established(t);
		// data or FIN carried on the SYN,ACK: continue at step six (text/FIN)
		if (seg.len > 0 || f & F_FIN) {
			textAndFin(t, seqAdd(seg.seq, 1), seg.len, (f & F_FIN) !== 0);
		}
		if (!output(t)) sendAck(t);
		return;
	}
	// simultaneous open (Figure 7): SYN-RECEIVED, SYN,ACK with the same ISS (MUST-10, MUST-11)
	t.origin = 'active';
	updateWindow(t, seg);
	const syn = t.rtx?.head();
	if (syn !== undefined && syn.flags & F_SYN) syn.flags = F_SYN | F_ACK;
	setState(t, 'SYN-RECEIVED', 'rcv SYN (simultaneous open): snd SYN,ACK');
	sendSegment(t, F_SYN | F_ACK, t.iss, 0, undefined, false);
	startRexmtTimer(t);
}

/**
 * Send the ACK owed to an invalid segment (unacceptable SEG.SEQ, ACK of unsent data, or a
 * challenge ACK to a RST or SYN), unless the connection's throttle says no (see the module doc
 * and `OsPreset.invalidAck`): at most `count` per `intervalMs` window. Linux exempts
 * out-of-window data without SYN (`tcp_oow_rate_limited()`: "Data packets without SYNs are not
 * likely part of an ACK loop").
 */
function invalidSegmentAck(t: Tcb | TimeWait, seg: TcpPacket): void {
	const lim = t.host.preset.invalidAck;
	if (lim.exemptData && segLen(seg) > 0 && !(seg.flags & F_SYN)) {
		ack(t);
		return;
	}
	const now = t.host.core.queue.now;
	const w = (t.invalidAcks ??= { start: -Infinity, sent: 0 });
	if (now - w.start >= lim.intervalMs) {
		w.start = now;
		w.sent = 0;
	}
	if (w.sent >= lim.count) return; // throttled: no ACK
	w.sent++;
	ack(t);
}

/** `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` from a TCB or from a TIME-WAIT record. */
function ack(t: Tcb | TimeWait): void {
	if (t instanceof TimeWait) sendTimeWaitAck(t);
	else sendAck(t);
}

/**
 * SND.WND ← SEG.WND, SND.WL1 ← SEG.SEQ, SND.WL2 ← SEG.ACK (§3.10.7.3–4). SEG.WND is in bytes
 * here: the sender already shifted its window field back (tcp-options.ts `windowField`).
 */
function updateWindow(t: Tcb, seg: TcpPacket, seq: number = seg.seq): void {
	t.snd.wnd = seg.wnd;
	if (seg.wnd > t.maxSndWnd) t.maxSndWnd = seg.wnd;
	t.snd.wl1 = seq;
	t.snd.wl2 = seg.ack;
}

/**
 * SND.UNA advances to `ack` (SND.UNA < SEG.ACK =< SND.NXT, checked by the caller): drop what it
 * acknowledges from the retransmission queue, take an RTT sample (RFC 6298, Karn's rule), then
 * restart the retransmission timer, or stop it when nothing is outstanding (RFC 6298 §5.2–5.3).
 */
function ackArrived(t: Tcb, ack: number): void {
	t.snd.una = ack;
	// New data acknowledged: the persist timer and its backoff start again (BSD resets
	// t_rxtshift); output() re-arms it if the window is still shut.
	if (t.persist !== null) {
		t.persist.probeOutstanding = false;
		stopPersistTimer(t);
	}
	const q = t.rtx;
	let sample = -1;
	if (q !== null) {
		sample = q.acknowledge(ack, t.host.core.queue.now);
		const delivered = q.lastAcked;
		if (delivered !== null) {
			q.lastAcked = null;
			rackDelivered(t, delivered); // RACK, RFC 8985 §6.2 (min_RTT from the first sample on)
		}
		// Nothing left to retransmit: drop the queue (tcb.ts `rtx`), unless RACK's state may
		// compare a later segment's transmission order with one of this queue's.
		if (q.isEmpty() && t.loss === null) t.rtx = null;
	}
	if (sample >= 0) rttSample(t, sample);
	t.retries = 0;
	rearmRexmt(t); // RFC 6298 §5.2–5.3, or the loss probe (RFC 8985 §7.2)
}

/** Table 6 acceptability test (RFC 9293 §3.10.7.4 first step), given RCV.NXT `rn` and RCV.WND `wnd`. */
function acceptable(rn: number, wnd: number, seq: number, len: number): boolean {
	if (len === 0) {
		if (wnd === 0) return seq === rn;
		return seqLe(rn, seq) && seqLt(seq, seqAdd(rn, wnd));
	}
	if (wnd === 0) return false;
	const end = seqAdd(seq, len - 1);
	return (seqLe(rn, seq) && seqLt(seq, seqAdd(rn, wnd))) || (seqLe(rn, end) && seqLt(end, seqAdd(rn, wnd)));
}

/** RST effects per state (RFC 9293 §3.10.7.4 second step), for an RST with SEG.SEQ = RCV.NXT. */
function resetArrived(t: Tcb): void {
	switch (t.state) {
		case 'SYN-RECEIVED':
			if (t.origin === 'passive') {
				// Fig. 5 note 1: back to LISTEN. The listener never left LISTEN; the half-open
				// child is discarded and the application is not informed.
				toClosedAs(t, 'LISTEN', 'rcv RST (passive OPEN: return to LISTEN, half-open connection discarded)');
			} else {
				t.host.errorEvent(t.id, 'connect', 'ECONNREFUSED', 'connect(): connection refused (RST in SYN-RECEIVED)');
				toClosed(t, 'rcv RST (connection refused)');
			}
			return;
		case 'ESTABLISHED':
		case 'FIN-WAIT-1':
		case 'FIN-WAIT-2':
		case 'CLOSE-WAIT':
			t.host.errorEvent(t.id, 'recv', 'ECONNRESET', `connection reset by peer ${t.remoteIp}:${t.remotePort}`);
			toClosed(t, 'rcv RST (connection reset)');
			return;
		case 'TIME-WAIT':
			if (t.host.preset.rstInTimeWait === 'ignore') return; // RFC 1337 (FreeBSD)
			toClosed(t, 'rcv RST in TIME-WAIT (TIME-WAIT assassination; Linux tcp_rfc1337=0)');
			return;
		default:
			toClosed(t, 'rcv RST');
	}
}

/** §3.10.7.4: SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT. */
function otherStatesInput(t: Tcb, seg: TcpPacket): void {
	const f = seg.flags;
	let seq = seg.seq;
	let len = seg.len;
	let fin = (f & F_FIN) !== 0;
	const sl = segLen(seg);

	if (t.state === 'SYN-RECEIVED' && f & F_SYN && !(f & F_RST) && seq === t.irs) {
		if (f & F_ACK && t.origin === 'active' && seqLt(t.snd.una, seg.ack) && seqLe(seg.ack, t.snd.nxt)) {
			// Simultaneous open, Figure 7 line 6: the peer's SYN,ACK acknowledges our SYN.
			ackArrived(t, seg.ack);
			updateWindow(t, seg);
			setState(t, 'ESTABLISHED', 'rcv SYN,ACK (ACK of SYN, simultaneous open)');
			established(t);
			output(t);
			return;
		}
		if (!(f & F_ACK) && t.origin === 'passive') {
			// Retransmitted SYN: our SYN,ACK was probably lost (Linux tcp_check_req).
			sendSegment(t, F_SYN | F_ACK, t.iss, 0, undefined, true);
			return;
		}
	}

	// TIME-WAIT + new SYN (RFC 9293 3.6.1 MAY-2, RFC 6191; Linux tcp_timewait_state_process
	// TCP_TW_SYN checks this before the window test).
	if (t.state === 'TIME-WAIT' && f & F_SYN && !(f & F_ACK) && !(f & F_RST) && seqLt(t.rcv.nxt, seq)) {
		const l = t.host.listenerFor(t.localPort, t.remoteIp);
		if (l !== undefined && l.state === 'LISTEN') {
			const iss = seqAdd(t.snd.nxt, 65537);
			toClosed(t, 'rcv SYN in TIME-WAIT with SEG.SEQ > RCV.NXT: new incarnation (RFC 9293 3.6.1 MAY-2)');
			listenInput(l, seg, iss);
			return;
		}
	}

	// PAWS (RFC 7323 §5.3 R1), before the acceptability test: an old duplicate by its timestamp.
	if (!(f & F_RST) && pawsReject(t, seg)) {
		invalidSegmentAck(t, seg);
		return;
	}

	// first: check sequence number
	let dupAck = false;
	if (!acceptable(t.rcv.nxt, t.rcv.wnd, seq, sl)) {
		if (sl > 0 && seqAdd(seq, sl) === t.rcv.nxt && !(f & F_RST) && !(f & F_SYN)) {
			// Duplicate of the last segment received (e.g. retransmitted FIN): process its ACK
			// field, then acknowledge (see module doc).
			len = 0;
			fin = false;
			seq = t.rcv.nxt;
			dupAck = true;
		} else {
			if (f & F_RST) return;
			invalidSegmentAck(t, seg);
			return;
		}
	}

	// second: check the RST bit (RFC 5961 §3)
	if (f & F_RST) {
		if (seq === t.rcv.nxt) resetArrived(t);
		else invalidSegmentAck(t, seg); // challenge ACK
		return;
	}

	// (third: security/compartment — not modelled)

	// fourth: check the SYN bit (RFC 5961 §4)
	if (f & F_SYN) {
		if (t.state === 'SYN-RECEIVED' && t.origin === 'passive') {
			toClosedAs(t, 'LISTEN', 'rcv SYN (passive OPEN: return to LISTEN, half-open connection discarded)');
			return;
		}
		invalidSegmentAck(t, seg); // challenge ACK
		return;
	}

	updateTsRecent(t, seg, seqLe(seq, t.rcv.nxt)); // RFC 7323 §4.3: the segment covers Last.ACK.sent
	// trim data already received (segment starts before RCV.NXT)
	if (seqLt(seq, t.rcv.nxt)) {
		const cut = seqDiff(t.rcv.nxt, seq);
		if (cut >= len) {
			len = 0;
		} else {
			len -= cut;
		}
		seq = t.rcv.nxt;
		dupAck = true;
	}
	// trim data beyond the window's right edge (§3.10.7.4: "the segment … trimmed to the window");
	// a FIN beyond it is not taken either
	if (len > 0 && seq === t.rcv.nxt && len > t.rcv.wnd) {
		len = t.rcv.wnd;
		fin = false;
	}

	// fifth: check the ACK field
	if (!(f & F_ACK)) return;
	const ack = seg.ack;
	if (t.keepalive !== null) keepaliveHeard(t); // the peer is alive (Linux tcp_ack(): rcv_tstamp, probes_out = 0)
	switch (t.state) {
		case 'SYN-RECEIVED':
			if (seqLt(t.snd.una, ack) && seqLe(ack, t.snd.nxt)) {
				const l = t.listener;
				if (t.origin === 'passive' && l !== null && l.state === 'LISTEN' && acceptQueueFull(l)) {
					// tcp_check_req(): no room in the accept queue and tcp_abort_on_overflow = 0: drop
					// the ACK; the SYN,ACK timer runs on and a later ACK may find room.
					recordQueue(l, 'ack-dropped', seg, `accept queue full (more than backlog ${(l.queues as ListenQueues).backlog} connections wait for accept()): final ACK dropped, ${t.id} stays SYN-RECEIVED (tcp_abort_on_overflow = 0)`);
					return;
				}
				ackArrived(t, ack);
				updateWindow(t, seg, seq);
				setState(t, 'ESTABLISHED', 'rcv ACK of SYN');
				established(t);
			} else {
				sendWithoutTcb(t.host, F_RST, t.localPort, t.remoteIp, t.remotePort, ack, 0);
				return;
			}
			break;
		case 'ESTABLISHED':
		case 'FIN-WAIT-1':
		case 'FIN-WAIT-2':
		case 'CLOSE-WAIT':
		case 'CLOSING':
		case 'LAST-ACK':
			if (seqLt(t.snd.nxt, ack)) {
				// ACKs something not yet sent: RFC 9293 sends an ACK (throttled); Linux drops it silently
				if (t.host.preset.invalidAck.ackOfUnsent === 'ack') invalidSegmentAck(t, seg);
				return;
			}
			{
				const prevWnd = t.snd.wnd;
				const acked = seqLt(t.snd.una, ack) ? seqDiff(ack, t.snd.una) : 0;
				if (acked > 0) ackArrived(t, ack);
				// window update: only from a segment no older than the last one used (SND.WL1, SND.WL2)
				if (seqLe(t.snd.una, ack) && (seqLt(t.snd.wl1, seq) || (t.snd.wl1 === seq && seqLe(t.snd.wl2, ack)))) {
					updateWindow(t, seg, seq);
				}
				// SACK, duplicate ACKs, loss recovery, cwnd (tcp-recovery.ts, tcp-cc.ts)
				ackReceived(t, ack, acked, seg.options?.sack, seg.len === 0 && !fin && seg.wnd === prevWnd);
				traceWindow(t);
			}
			if (t.state === 'CLOSING') {
				if (finAcked(t)) enterTimeWait(t, 'rcv ACK of FIN');
				if (dupAck) sendAck(t); // retransmitted FIN: acknowledge it (eighth step)
				return; // otherwise ignore the segment
			}
			if (t.state === 'LAST-ACK') {
				if (finAcked(t)) toClosed(t, 'rcv ACK of FIN');
				else if (dupAck) sendAck(t); // retransmitted FIN
				return;
			}
			break;
		case 'TIME-WAIT':
			break;
		default:
			return;
	}

	// FIN-WAIT-1 whose FIN is now acknowledged: FIN-WAIT-2 now, unless this same segment
	// carries the peer's in-sequence FIN (then straight to TIME-WAIT, Fig. 5 note 2).
	if (t.state === 'FIN-WAIT-1' && finAcked(t) && !(fin && seq === t.rcv.nxt)) {
		enterFinWait2(t, 'rcv ACK of FIN');
	}

	// (sixth: URG — not modelled)
	// seventh: new data after the program shut down its receiving side: RST where the OS resets
	// (RFC 1122 4.2.2.13, RFC 9293 3.6.1 SHLD-3; Linux tcp_rcv_state_process(), FreeBSD
	// tcp_input.c, Windows shutdown(SD_RECEIVE); see tcp-keepalive.ts). <SEQ=SEG.ACK><CTL=RST>.
	if (len > 0 && t.shutRd && resetsDataAfterShutdown(t)) {
		sendWithoutTcb(t.host, F_RST, t.localPort, t.remoteIp, t.remotePort, ack, 0);
		if (!t.appClosed) t.host.errorEvent(t.id, 'recv', 'ECONNRESET', 'connection reset: data arrived after shutdown(SHUT_RD) and could not be delivered');
		toClosed(t, t.appClosed ? 'rcv data after close: snd RST (RFC 9293 3.6.1 SHLD-3, RFC 1122 4.2.2.13)' : 'rcv data after shutdown(SHUT_RD): snd RST');
		return;
	}
	// seventh + eighth: text and FIN
	const owe = textAndFin(t, seq, len, fin);
	if ((t.state as string) === 'CLOSED') return;
	if (t.state === 'TIME-WAIT' && dupAck) restartTimeWait(t); // retransmitted FIN (§3.10.7.4)
	// Queued data goes first and carries the ACK (Linux tcp_data_snd_check() before
	// tcp_ack_snd_check()); a pure ACK follows at once or after the preset's delay (tcp-delack.ts).
	if (output(t)) return;
	if (owe === OWE_NOW || dupAck) sendAck(t);
	else if (owe === OWE_DELAYABLE && t.ackOwed > 0) ackOwed(t, (f & F_PSH) !== 0);
}

/**
 * §3.10.7.4 for a connection in TIME-WAIT, kept as a compact record (tcp-timewait.ts; Linux
 * `tcp_timewait_state_process()`). The steps and their order are {@link otherStatesInput}'s for
 * the TIME-WAIT state: a new SYN (RFC 6191), PAWS, the sequence check, RST, SYN, TS.Recent, the
 * ACK bit, then the FIN: text is ignored (the peer already sent FIN), a retransmitted FIN is
 * acknowledged again and restarts the 2MSL wait.
 */
function timeWaitInput(w: TimeWait, seg: TcpPacket): void {
	const f = seg.flags;
	let seq = seg.seq;
	let len = seg.len;
	let fin = (f & F_FIN) !== 0;
	const sl = segLen(seg);

	// TIME-WAIT + new SYN (RFC 9293 3.6.1 MAY-2, RFC 6191; Linux TCP_TW_SYN, before the window test).
	if (f & F_SYN && !(f & F_ACK) && !(f & F_RST) && seqLt(w.rcvNxt, seq)) {
		const l = w.host.listenerFor(w.localPort, w.remoteIp);
		if (l !== undefined && l.state === 'LISTEN') {
			const iss = seqAdd(w.sndNxt, 65537);
			closeTimeWait(w, 'rcv SYN in TIME-WAIT with SEG.SEQ > RCV.NXT: new incarnation (RFC 9293 3.6.1 MAY-2)');
			listenInput(l, seg, iss);
			return;
		}
	}

	// PAWS (RFC 7323 §5.3 R1)
	if (!(f & F_RST) && pawsReject(w, seg)) {
		invalidSegmentAck(w, seg);
		return;
	}

	// first: check sequence number
	let dupAck = false;
	if (!acceptable(w.rcvNxt, w.rcvWnd, seq, sl)) {
		if (sl > 0 && seqAdd(seq, sl) === w.rcvNxt && !(f & F_RST) && !(f & F_SYN)) {
			// a retransmitted FIN: acknowledge it again (see the module doc)
			len = 0;
			fin = false;
			seq = w.rcvNxt;
			dupAck = true;
		} else {
			if (f & F_RST) return;
			invalidSegmentAck(w, seg);
			return;
		}
	}

	// second: check the RST bit (RFC 5961 §3)
	if (f & F_RST) {
		if (seq !== w.rcvNxt) invalidSegmentAck(w, seg); // challenge ACK
		else if (w.host.preset.rstInTimeWait !== 'ignore') closeTimeWait(w, 'rcv RST in TIME-WAIT (TIME-WAIT assassination; Linux tcp_rfc1337=0)');
		// else RFC 1337 (FreeBSD): ignored
		return;
	}

	// fourth: check the SYN bit (RFC 5961 §4): challenge ACK
	if (f & F_SYN) {
		invalidSegmentAck(w, seg);
		return;
	}

	updateTsRecent(w, seg, seqLe(seq, w.rcvNxt)); // RFC 7323 §4.3
	if (seqLt(seq, w.rcvNxt)) {
		const cut = seqDiff(w.rcvNxt, seq);
		len = cut >= len ? 0 : len - cut;
		seq = w.rcvNxt;
		dupAck = true;
	}
	if (len > 0 && seq === w.rcvNxt && len > w.rcvWnd) {
		len = w.rcvWnd;
		fin = false;
	}

	// fifth: check the ACK field (nothing to acknowledge in TIME-WAIT)
	if (!(f & F_ACK)) return;

	// seventh: text is ignored (the peer already sent FIN); eighth: FIN
	let ackNow = false;
	if (len === 0 && fin && seq !== w.rcvNxt) {
		ackNow = true; // a FIN out of order: acknowledge at once (RFC 5681 §4.2)
	} else if (fin) {
		// "Remain in the TIME-WAIT state. Restart the 2 MSL time-out."
		w.rcvNxt = seqAdd(w.rcvNxt, 1);
		restartTimeWaitRecord(w);
		ackNow = true;
	}
	if (dupAck) restartTimeWaitRecord(w); // retransmitted FIN (§3.10.7.4)
	if (ackNow || dupAck) sendTimeWaitAck(w);
}

/** {@link textAndFin}: no ACK owed. */
const OWE_NONE = 0;
/** {@link textAndFin}: in-order data or a FIN whose ACK may wait (tcp-delack.ts). */
const OWE_DELAYABLE = 1;
/** {@link textAndFin}: an ACK due at once (out of order, gap filled, FIN; RFC 5681 §4.2). */
const OWE_NOW = 2;

/**
 * Steps seven (segment text) and eight (FIN). Holds out-of-order data. Returns which ACK is owed:
 * {@link OWE_NONE}, {@link OWE_DELAYABLE} (in-order data; on Linux a FIN that moves to CLOSE-WAIT)
 * or {@link OWE_NOW} (an out-of-order segment, a filled gap, or out-of-order data still held:
 * RFC 5681 §4.2 "SHOULD send an immediate ACK"; any other FIN).
 */
function textAndFin(t: Tcb, seq: number, len: number, fin: boolean): number {
	const st = t.state;
	let owe = OWE_NONE;
	if (len > 0) {
		if (st === 'ESTABLISHED' || st === 'FIN-WAIT-1' || st === 'FIN-WAIT-2') {
			if (seq === t.rcv.nxt) {
				t.rcv.nxt = seqAdd(t.rcv.nxt, len);
				deliver(t, len);
				dataArrived(t, len);
				owe = OWE_DELAYABLE;
			} else {
				holdOutOfOrder(t, seq, len, fin);
				return OWE_NOW;
			}
		} else {
			// CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent FIN; ignore text.
			len = 0;
		}
	} else if (fin && seq !== t.rcv.nxt) {
		if (seqLt(t.rcv.nxt, seq)) holdOutOfOrder(t, seq, 0, true);
		return OWE_NOW;
	}
	if (fin) {
		finArrived(t);
		dataArrived(t, 0);
		return finAckDelayed(t) ? OWE_DELAYABLE : OWE_NOW;
	}
	if (t.outOfOrder !== null && len > 0) {
		// Linux tcp_data_queue(): a filled gap is ACKed at once, and so is anything while
		// out-of-order data is still held (__tcp_ack_snd_check(), "ofo_possible").
		drainOutOfOrder(t);
		return OWE_NOW;
	}
	return owe;
}

/** In-order data reaches the application: read at once unless the socket was made with autoRead false. */
function deliver(t: Tcb, n: number): void {
	t.bytesReceived += n;
	// RCV.NXT moved n bytes to the right; the window's right edge did not (RFC 9293 §3.8.6).
	t.rcv.wnd = t.rcv.wnd > n ? t.rcv.wnd - n : 0;
	// After shutdown(SHUT_RD) the program reads no more: Linux still queues the data (recv()
	// returns what is queued, then 0); the BSDs discard it (SBS_CANTRCVMORE). Either way it is ACKed.
	if (t.shutRd) {
		if (SHUT_RD_DATA[t.host.preset.id] === 'queue') t.unread += n;
	} else if (!t.autoRead) t.unread += n;
}

/** Keep a segment that arrived ahead of RCV.NXT (§3.10.7.4 seventh step SHOULD), in sequence order. */
function holdOutOfOrder(t: Tcb, seq: number, len: number, fin: boolean): void {
	const q = t.outOfOrder ?? (t.outOfOrder = []);
	let i = 0;
	while (i < q.length && seqLt(q[i].seq, seq)) i++;
	if (i < q.length && q[i].seq === seq && q[i].len >= len && (q[i].fin || !fin)) {
		q[i].order = nextArrival(); // received again: its block is the most recent (RFC 2018 §4)
		return;
	}
	const e: OutOfOrderSegment = { seq, len, fin, order: nextArrival() };
	q.splice(i, 0, e);
}

/** Deliver held segments that are now in order. @returns true if anything was delivered. */
function drainOutOfOrder(t: Tcb): boolean {
	const q = t.outOfOrder;
	if (q === null) return false;
	let any = false;
	while (q.length > 0 && seqLe(q[0].seq, t.rcv.nxt)) {
		const e = q.shift() as OutOfOrderSegment;
		const end = seqAdd(e.seq, e.len);
		if (seqLt(t.rcv.nxt, end)) {
			const n = seqDiff(end, t.rcv.nxt);
			t.rcv.nxt = end;
			deliver(t, n);
			any = true;
		}
		if (e.fin && end === t.rcv.nxt) {
			t.outOfOrder = null;
			finArrived(t);
			return true;
		}
	}
	if (q.length === 0) t.outOfOrder = null;
	return any;
}

/** Eighth step: an in-sequence FIN (RCV.NXT advances over it; the caller sends the ACK). */
function finArrived(t: Tcb): void {
	t.rcv.nxt = seqAdd(t.rcv.nxt, 1);
	t.peerFin = true;
	switch (t.state) {
		case 'SYN-RECEIVED':
		case 'ESTABLISHED':
			// Linux delays this ACK (pingpong mode, tcp-delack.ts finAckDelayed) once data has been seen
			setState(t, 'CLOSE-WAIT', t.host.preset.delack.linuxAto && t.ato > 0 ? 'rcv FIN: ACK delayed (Linux pingpong mode)' : 'rcv FIN: snd ACK');
			return;
		case 'FIN-WAIT-1':
			if (finAcked(t)) enterTimeWait(t, 'rcv FIN,ACK (ACK of our FIN + FIN): snd ACK');
			else setState(t, 'CLOSING', 'rcv FIN (simultaneous close): snd ACK');
			return;
		case 'FIN-WAIT-2':
			enterTimeWait(t, 'rcv FIN: snd ACK');
			return;
		case 'TIME-WAIT':
			restartTimeWait(t);
			return;
		default:
			return; // CLOSE-WAIT, CLOSING, LAST-ACK: remain
	}
}
