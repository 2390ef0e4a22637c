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
 *
 * @module
 */

import type { Host, TcpPacket } from './network';
import { TcpSocket, seqAdd as tcpSeqAdd, seqLe as tcpSeqLe, seqLt as tcpSeqLt, type OooEntry } from './tcp';
import { F_ACK as W_ACK, F_FIN as W_FIN, F_RST as W_RST, F_SYN as W_SYN } from './wire';

// Module-local copies of imported hot-path values: under a CommonJS transform (tsx/esbuild in
// Node) every access to an imported binding is a property getter on the exporting module, which
// the optimiser does not always inline; a local const is a plain constant in every bundler.
const F_ACK = W_ACK;
const F_FIN = W_FIN;
const F_RST = W_RST;
const F_SYN = W_SYN;
const seqAdd = tcpSeqAdd;
const seqLe = tcpSeqLe;
const seqLt = tcpSeqLt;

/** Entry point: a TCP segment addressed to `host` has arrived. */
export function tcpInput(host: Host, p: TcpPacket): void {
	const s = host.lookup(p.dport, p.srcIp, p.sport);
	if (s !== undefined) {
		if (s.state === 'SYN-SENT') synSentInput(s, p);
		else otherStatesInput(s, p);
		return;
	}
	const l = host.listeners.get(p.dport);
	if (l !== undefined && l.state === 'LISTEN') {
		listenInput(l, p, -1);
		return;
	}
	closedInput(host, p);
}

/** Length of a segment in sequence space: payload + SYN + FIN (RFC 9293 §3.4). */
function segLen(p: TcpPacket): number {
	return p.len + (p.flags & F_SYN ? 1 : 0) + (p.flags & F_FIN ? 1 : 0);
}

/**
 * §3.10.7.1 CLOSED: a RST is discarded; otherwise ACK off → `<SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK>`, ACK on → `<SEQ=SEG.ACK><CTL=RST>`. Ports from which this host injected
 * scripted segments stay silent (packetdrill-style peer).
 */
function closedInput(host: Host, p: TcpPacket): void {
	if (p.flags & F_RST) return;
	if (host.scriptedPorts.has(p.dport)) return;
	if (p.flags & F_ACK) host.sendRaw(F_RST, p.dport, p.srcIp, p.sport, p.ack, 0);
	else host.sendRaw(F_RST | F_ACK, p.dport, p.srcIp, p.sport, 0, seqAdd(p.seq, segLen(p)));
}

/**
 * §3.10.7.2 LISTEN: RST ignored; ACK → `<SEQ=SEG.ACK><CTL=RST>`; SYN → a child socket in
 * SYN-RECEIVED sending `<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>`; anything else dropped.
 * @param issOverride - ISS to use (TIME-WAIT reopen, MAY-2) or -1 for a fresh random ISS.
 */
export function listenInput(l: TcpSocket, p: TcpPacket, issOverride: number): void {
	const f = p.flags;
	if (f & F_RST) return;
	const host = l.host;
	if (f & F_ACK) {
		host.sendRaw(F_RST, p.dport, p.srcIp, p.sport, p.ack, 0);
		return;
	}
	if (!(f & F_SYN)) return;
	const r = host.tcpPorts.attachTuple(l.localPort, p.srcIp, p.sport, { recycleTimeWait: true });
	if (!r.ok) return; // cannot happen: the 4-tuple had no TCB
	const c = host.tcpChild(l);
	c.hold = 'child';
	c.tupleRegistered = true;
	c.localPort = l.localPort;
	c.remoteIp = p.srcIp;
	c.remotePort = p.sport;
	host.addConn(c);
	c.origin = 'passive';
	c.irs = p.seq;
	c.rcvNxt = seqAdd(p.seq, 1);
	c.iss = issOverride >= 0 ? issOverride : host.isnRng.u32();
	c.sndUna = c.iss;
	c.sndNxt = seqAdd(c.iss, 1);
	c.sndWnd = p.wnd;
	c.sndWl1 = p.seq;
	c.sndWl2 = 0;
	c.state = 'LISTEN';
	// (the cause text is only recorded with record: true; do not build it otherwise)
	c.setState('SYN-RECEIVED', host.core.record ? `rcv SYN (passive OPEN on ${l.id}): snd SYN,ACK` : '', 'LISTEN');
	const now = host.core.queue.now;
	c.rtxPush(c.iss, 0, F_SYN | F_ACK, undefined, now);
	c.emit(F_SYN | F_ACK, c.iss, 0, undefined, false);
	c.armRto();
}

/** §3.10.7.3 SYN-SENT. */
function synSentInput(s: TcpSocket, p: TcpPacket): void {
	const f = p.flags;
	const hasAck = (f & F_ACK) !== 0;
	// first: check the ACK bit
	if (hasAck) {
		if (seqLe(p.ack, s.iss) || seqLt(s.sndNxt, p.ack)) {
			if (!(f & F_RST)) s.host.sendRaw(F_RST, s.localPort, s.remoteIp, s.remotePort, p.ack, 0);
			return;
		}
	}
	// second: check the RST bit
	if (f & F_RST) {
		if (hasAck) {
			s.host.errorEvent(s.id, 'connect', 'ECONNREFUSED', `connect(): connection refused: ${s.remoteIp}:${s.remotePort} answered RST`);
			s.toClosed('rcv RST (connection refused)');
		}
		return;
	}
	// (third: security — not modelled) fourth: check the SYN bit
	if (!(f & F_SYN)) return; // fifth: neither SYN nor RST → drop
	s.irs = p.seq;
	s.rcvNxt = seqAdd(p.seq, 1);
	if (hasAck) s.ackAdvance(p.ack);
	if (seqLt(s.iss, s.sndUna)) {
		// our SYN has been ACKed
		s.sndWnd = p.wnd;
		s.sndWl1 = p.seq;
		s.sndWl2 = p.ack;
		s.setState('ESTABLISHED', 'rcv SYN,ACK: snd ACK');
		s.established();
		// data or FIN carried on the SYN,ACK: continue at step six (text/FIN)
		if (p.len > 0 || f & F_FIN) {
			textAndFin(s, seqAdd(p.seq, 1), p.len, (f & F_FIN) !== 0);
		}
		if (!s.output()) s.sendAck();
		return;
	}
	// simultaneous open (Figure 7): SYN-RECEIVED, SYN,ACK with the same ISS (MUST-10, MUST-11)
	s.origin = 'active';
	s.sndWnd = p.wnd;
	s.sndWl1 = p.seq;
	s.sndWl2 = p.ack;
	if (s.rtxHead < s.rtxTail && s.rtx[s.rtxHead].flags & F_SYN) s.rtx[s.rtxHead].flags = F_SYN | F_ACK;
	s.setState('SYN-RECEIVED', 'rcv SYN (simultaneous open): snd SYN,ACK');
	s.emit(F_SYN | F_ACK, s.iss, 0, undefined, false);
	s.armRto();
}

/** Table 6 acceptability test (RFC 9293 §3.10.7.4 first step). */
function acceptable(s: TcpSocket, seq: number, len: number): boolean {
	const wnd = s.rcvWnd;
	const rn = s.rcvNxt;
	if (len === 0) {
		if (wnd === 0) return seq === rn;
		return seqLe(rn, seq) && seqLt(seq, seqAdd(rn, wnd));
	}
	if (wnd === 0) return false;
	const end = seqAdd(seq, len - 1);
	return (seqLe(rn, seq) && seqLt(seq, seqAdd(rn, wnd))) || (seqLe(rn, end) && seqLt(end, seqAdd(rn, wnd)));
}

/** RST effects per state (RFC 9293 §3.10.7.4 second step), for an RST with SEG.SEQ = RCV.NXT. */
function resetArrived(s: TcpSocket): void {
	switch (s.state) {
		case 'SYN-RECEIVED':
			if (s.origin === 'passive') {
				// Fig. 5 note 1: back to LISTEN. The listener never left LISTEN; the half-open
				// child is discarded and the application is not informed.
				s.toClosedAs('LISTEN', 'rcv RST (passive OPEN: return to LISTEN, half-open connection discarded)');
			} else {
				s.host.errorEvent(s.id, 'connect', 'ECONNREFUSED', 'connect(): connection refused (RST in SYN-RECEIVED)');
				s.toClosed('rcv RST (connection refused)');
			}
			return;
		case 'ESTABLISHED':
		case 'FIN-WAIT-1':
		case 'FIN-WAIT-2':
		case 'CLOSE-WAIT':
			s.host.errorEvent(s.id, 'recv', 'ECONNRESET', `connection reset by peer ${s.remoteIp}:${s.remotePort}`);
			s.toClosed('rcv RST (connection reset)');
			return;
		case 'TIME-WAIT':
			if (s.host.preset.rstInTimeWait === 'ignore') return; // RFC 1337 (FreeBSD)
			s.toClosed('rcv RST in TIME-WAIT (TIME-WAIT assassination; Linux tcp_rfc1337=0)');
			return;
		default:
			s.toClosed('rcv RST');
	}
}

/** §3.10.7.4: SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT. */
function otherStatesInput(s: TcpSocket, p: TcpPacket): void {
	const f = p.flags;
	let seq = p.seq;
	let len = p.len;
	let fin = (f & F_FIN) !== 0;
	const sl = segLen(p);

	if (s.state === 'SYN-RECEIVED' && f & F_SYN && !(f & F_RST) && seq === s.irs) {
		if (f & F_ACK && s.origin === 'active' && seqLt(s.sndUna, p.ack) && seqLe(p.ack, s.sndNxt)) {
			// Simultaneous open, Figure 7 line 6: the peer's SYN,ACK acknowledges our SYN.
			s.ackAdvance(p.ack);
			s.sndWnd = p.wnd;
			s.sndWl1 = seq;
			s.sndWl2 = p.ack;
			s.setState('ESTABLISHED', 'rcv SYN,ACK (ACK of SYN, simultaneous open)');
			s.established();
			s.output();
			return;
		}
		if (!(f & F_ACK) && s.origin === 'passive') {
			// Retransmitted SYN: our SYN,ACK was probably lost (Linux tcp_check_req).
			s.emit(F_SYN | F_ACK, s.iss, 0, undefined, true);
			return;
		}
	}

	// TIME-WAIT + new SYN (RFC 9293 3.6.1 MAY-2, RFC 6191; Linux tcp_timewait_state_process
	// TCP_TW_SYN checks this before the window test).
	if (s.state === 'TIME-WAIT' && f & F_SYN && !(f & F_ACK) && !(f & F_RST) && seqLt(s.rcvNxt, seq)) {
		const l = s.host.listeners.get(s.localPort);
		if (l !== undefined && l.state === 'LISTEN') {
			const iss = seqAdd(s.sndNxt, 65537);
			s.toClosed('rcv SYN in TIME-WAIT with SEG.SEQ > RCV.NXT: new incarnation (RFC 9293 3.6.1 MAY-2)');
			listenInput(l, p, iss);
			return;
		}
	}

	// first: check sequence number
	let dupAck = false;
	if (!acceptable(s, seq, sl)) {
		if (sl > 0 && seqAdd(seq, sl) === s.rcvNxt && !(f & F_RST) && !(f & F_SYN)) {
			// Duplicate of the last segment received (e.g. retransmitted FIN): process its ACK
			// field, then acknowledge (see module doc).
			len = 0;
			fin = false;
			seq = s.rcvNxt;
			dupAck = true;
		} else {
			if (f & F_RST) return;
			s.sendAck();
			return;
		}
	}

	// second: check the RST bit (RFC 5961 §3)
	if (f & F_RST) {
		if (seq === s.rcvNxt) resetArrived(s);
		else s.sendAck(); // challenge ACK
		return;
	}

	// (third: security/compartment — not modelled)

	// fourth: check the SYN bit (RFC 5961 §4)
	if (f & F_SYN) {
		if (s.state === 'SYN-RECEIVED' && s.origin === 'passive') {
			s.toClosedAs('LISTEN', 'rcv SYN (passive OPEN: return to LISTEN, half-open connection discarded)');
			return;
		}
		s.sendAck(); // challenge ACK
		return;
	}

	// trim data already received (segment starts before RCV.NXT)
	if (seqLt(seq, s.rcvNxt)) {
		const cut = (s.rcvNxt - seq) >>> 0;
		if (cut >= len) {
			len = 0;
		} else {
			len -= cut;
		}
		seq = s.rcvNxt;
		dupAck = true;
	}

	// fifth: check the ACK field
	if (!(f & F_ACK)) return;
	const ack = p.ack;
	switch (s.state) {
		case 'SYN-RECEIVED':
			if (seqLt(s.sndUna, ack) && seqLe(ack, s.sndNxt)) {
				s.ackAdvance(ack);
				s.sndWnd = p.wnd;
				s.sndWl1 = seq;
				s.sndWl2 = ack;
				s.setState('ESTABLISHED', 'rcv ACK of SYN');
				s.established();
			} else {
				s.host.sendRaw(F_RST, s.localPort, s.remoteIp, s.remotePort, ack, 0);
				return;
			}
			break;
		case 'ESTABLISHED':
		case 'FIN-WAIT-1':
		case 'FIN-WAIT-2':
		case 'CLOSE-WAIT':
		case 'CLOSING':
		case 'LAST-ACK':
			if (seqLt(s.sndNxt, ack)) {
				// ACKs something not yet sent
				s.sendAck();
				return;
			}
			if (seqLt(s.sndUna, ack)) s.ackAdvance(ack);
			if (seqLe(s.sndUna, ack) && (seqLt(s.sndWl1, seq) || (s.sndWl1 === seq && seqLe(s.sndWl2, ack)))) {
				s.sndWnd = p.wnd;
				s.sndWl1 = seq;
				s.sndWl2 = ack;
			}
			if (s.state === 'CLOSING') {
				if (s.finAcked) s.enterTimeWait('rcv ACK of FIN');
				if (dupAck) s.sendAck(); // retransmitted FIN: acknowledge it (eighth step)
				return; // otherwise ignore the segment
			}
			if (s.state === 'LAST-ACK') {
				if (s.finAcked) s.toClosed('rcv ACK of FIN');
				else if (dupAck) s.sendAck(); // retransmitted FIN
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
	if (s.state === 'FIN-WAIT-1' && s.finAcked && !(fin && seq === s.rcvNxt)) {
		s.enterFinWait2('rcv ACK of FIN');
	}

	// (sixth: URG — not modelled)
	// seventh + eighth: text and FIN
	const needAck = textAndFin(s, seq, len, fin) || dupAck;
	if ((s.state as string) === 'CLOSED') return;
	if (s.state === 'TIME-WAIT' && dupAck) s.restartTimeWait(); // retransmitted FIN (§3.10.7.4)
	const sent = s.output();
	if (needAck && !sent) s.sendAck();
}

/**
 * Steps seven (segment text) and eight (FIN). Holds out-of-order data. Returns true when an ACK
 * is owed.
 */
function textAndFin(s: TcpSocket, seq: number, len: number, fin: boolean): boolean {
	const st = s.state;
	let owe = false;
	if (len > 0) {
		if (st === 'ESTABLISHED' || st === 'FIN-WAIT-1' || st === 'FIN-WAIT-2') {
			owe = true;
			if (seq === s.rcvNxt) {
				s.rcvNxt = seqAdd(s.rcvNxt, len);
				s.deliver(len);
			} else {
				holdOutOfOrder(s, seq, len, fin);
				return true;
			}
		} else {
			// CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent FIN; ignore text.
			len = 0;
		}
	} else if (fin && seq !== s.rcvNxt) {
		if (seqLt(s.rcvNxt, seq)) holdOutOfOrder(s, seq, 0, true);
		return true;
	}
	if (fin) {
		finArrived(s);
		owe = true;
	} else if (s.ooo !== null && len > 0) {
		if (drainOutOfOrder(s)) owe = true;
	}
	return owe;
}

function holdOutOfOrder(s: TcpSocket, seq: number, len: number, fin: boolean): void {
	const q = s.ooo ?? (s.ooo = []);
	let i = 0;
	while (i < q.length && seqLt(q[i].seq, seq)) i++;
	if (i < q.length && q[i].seq === seq && q[i].len >= len && (q[i].fin || !fin)) return;
	const e: OooEntry = { seq, len, fin };
	q.splice(i, 0, e);
}

/** Deliver held segments that are now in order. @returns true if anything was delivered. */
function drainOutOfOrder(s: TcpSocket): boolean {
	const q = s.ooo;
	if (q === null) return false;
	let any = false;
	while (q.length > 0 && seqLe(q[0].seq, s.rcvNxt)) {
		const e = q.shift() as OooEntry;
		const end = seqAdd(e.seq, e.len);
		if (seqLt(s.rcvNxt, end)) {
			const n = (end - s.rcvNxt) >>> 0;
			s.rcvNxt = end;
			s.deliver(n);
			any = true;
		}
		if (e.fin && end === s.rcvNxt) {
			s.ooo = null;
			finArrived(s);
			return true;
		}
	}
	if (q.length === 0) s.ooo = null;
	return any;
}

/** Eighth step: an in-sequence FIN (RCV.NXT advances over it; the caller sends the ACK). */
function finArrived(s: TcpSocket): void {
	s.rcvNxt = seqAdd(s.rcvNxt, 1);
	s.peerFin = true;
	switch (s.state) {
		case 'SYN-RECEIVED':
		case 'ESTABLISHED':
			s.setState('CLOSE-WAIT', 'rcv FIN: snd ACK');
			return;
		case 'FIN-WAIT-1':
			if (s.finAcked) s.enterTimeWait('rcv FIN,ACK (ACK of our FIN + FIN): snd ACK');
			else s.setState('CLOSING', 'rcv FIN (simultaneous close): snd ACK');
			return;
		case 'FIN-WAIT-2':
			s.enterTimeWait('rcv FIN: snd ACK');
			return;
		case 'TIME-WAIT':
			s.restartTimeWait();
			return;
		default:
			return; // CLOSE-WAIT, CLOSING, LAST-ACK: remain
	}
}
