/**
 * State changes of a TCB (the edges of RFC 9293 Figure 5, each recorded as a `state` event) and
 * the ends of a connection: entering TIME-WAIT, the FIN-WAIT-2 timeout, and deleting the TCB,
 * which releases its port and its place in the host's tables (FreeBSD tcp_subr.c `tcp_close`,
 * tcp_timewait.c `tcp_twstart`).
 *
 * @module
 */

import { sendSegment } from './tcp-output';
import { detachTimers, start2MslTimer, startKeepTimer, stop2MslTimer, stopPersistTimer, stopRexmtTimer, TCP_TUNING, type ListenQueues, type Tcb } from './tcb';
import type { TcpState } from './trace';
import { anyAddress, F_ACK, F_RST, hostPort, mapped4 } from './wire';
import { leaveSynQueue } from './tcp-listen';

/**
 * Record a state change (one edge of RFC 9293 Figure 5) as a `state` event with its cause, and
 * make `to` the current state.
 * @param from - the state the edge starts from (default: the current state).
 */
export function setState(t: Tcb, to: TcpState, cause: string, from: TcpState = t.state): void {
	t.state = to;
	if (t.inSynQueue && to !== 'SYN-RECEIVED') leaveSynQueue(t);
	const core = t.host.core;
	if (t.onState !== undefined) core.queue.push(core.queue.now, { onEvent: () => t.onState?.(t) }, 0, null);
	if (!core.record) return;
	core.events.push({
		kind: 'state',
		t: core.queue.now,
		host: t.host.name,
		socket: t.id,
		local: { ip: t.mapped ? mapped4(t.localIp) : t.localIp, port: t.localPort },
		remote:
			to === 'LISTEN' && from === 'CLOSED'
				? { ip: anyAddress(t.inet6), port: 0 }
				: { ip: t.mapped ? mapped4(t.remoteIp) : t.remoteIp, port: t.remotePort },
		from,
		to,
		cause,
		...(t.inet6 ? { v6only: t.v6only } : {})
	});
}

/** Enter CLOSED: "delete the TCB" — record the edge, then release everything (see {@link deleteTcb}). */
export function toClosed(t: Tcb, cause: string, from: TcpState = t.state): void {
	setState(t, 'CLOSED', cause, from);
	deleteTcb(t);
}

/**
 * A passive half-open child returns to LISTEN (RFC 9293 Fig. 5 note 1). The listener never left
 * LISTEN (the BSD-sockets model), so the edge SYN-RECEIVED → `to` is recorded on the child, which
 * is then discarded (it never reached accept()).
 */
export function toClosedAs(t: Tcb, to: TcpState, cause: string): void {
	setState(t, to, cause);
	deleteTcb(t);
	t.state = 'CLOSED';
	t.host.forget(t);
}

/**
 * Release what a TCB holds: timers, queues, its entry among the listeners or connections, its
 * 4-tuple and its bind in the port table (each release recorded as a `port` event). With
 * `record: false` the socket is then forgotten altogether.
 */
export function deleteTcb(t: Tcb): void {
	const h = t.host;
	stopRexmtTimer(t);
	stop2MslTimer(t);
	if (t.keepalive !== null) t.keepalive.deadline = -1;
	stopPersistTimer(t);
	// its queued timer events no longer reach it (so they do not keep it alive either)
	detachTimers(t, null);
	t.rtx?.clear();
	t.sendQueue = null;
	t.sendQueueTail = null;
	t.unsent = 0;
	t.outOfOrder = null;
	t.finPending = false;
	// Only bind()/autobind sockets can be listeners (connected and accepted sockets never are).
	const listeners = t.inet6 ? h.listeners6 : h.listeners;
	if ((t.hold === 'bind' || t.hold === 'autobind') && listeners.get(t.localPort) === t) {
		listeners.delete(t.localPort);
	}
	if (t.remotePort !== 0) h.removeConn(t);
	if (t.tupleRegistered) {
		h.tcpPorts.releaseTuple(t.localPort, t.remoteIp, t.remotePort);
		t.tupleRegistered = false;
		if (t.hold === 'connect' && h.core.record) h.portEvent('release', t.localPort, 'connect', t.id);
	}
	if (t.bindHeld) {
		// An AF_INET6 bind sits in tcpPorts6, a dual-stack one in both tables (TcpSocket.takePort).
		if (t.inet6) h.tcpPorts6.releaseBind(t.localPort);
		if (!t.inet6 || !t.v6only) h.tcpPorts.releaseBind(t.localPort);
		t.bindHeld = false;
		h.portEvent('release', t.localPort, t.hold === 'autobind' ? 'autobind' : 'bind', t.id);
	}
	t.hold = 'none';
	if (!h.core.record) h.forget(t);
}

/**
 * Enter TIME-WAIT and start the 2×MSL wait (the preset's `timeWaitMs`). The 4-tuple stays held
 * in the port table, marked TIME-WAIT, until the wait ends.
 */
export function enterTimeWait(t: Tcb, cause: string, from: TcpState = t.state): void {
	setState(t, 'TIME-WAIT', cause, from);
	stopRexmtTimer(t);
	stopPersistTimer(t);
	// TIME-WAIT comes only after our FIN, i.e. after close(): nothing is sent from here on.
	t.rtx?.clear();
	if (t.tupleRegistered) t.host.tcpPorts.enterTimeWait(t.localPort, t.remoteIp, t.remotePort);
	start2MslTimer(t, t.host.preset.timeWaitMs);
}

/** Restart the 2×MSL wait (a retransmitted FIN arrived in TIME-WAIT, RFC 9293 §3.10.7.4). */
export function restartTimeWait(t: Tcb): void {
	start2MslTimer(t, t.host.preset.timeWaitMs);
}

/**
 * FIN-WAIT-1 → FIN-WAIT-2 (our FIN is acknowledged). On Linux an orphaned FIN-WAIT-2 socket (the
 * application has closed it) lives at most `tcp_fin_timeout` (60 s).
 */
export function enterFinWait2(t: Tcb, cause: string): void {
	setState(t, 'FIN-WAIT-2', cause);
	if (t.appClosed && t.host.preset.id === 'linux') start2MslTimer(t, TCP_TUNING.linuxFinTimeoutMs);
}

/**
 * The connection reached ESTABLISHED: a child joins its listener's accept queue and is accepted
 * at once unless the program accepts by itself (`manualAccept`) and has no accept() waiting; a
 * CLOSE queued in SYN-RECEIVED goes ahead (FIN-WAIT-1; the caller's output sends the FIN).
 */
export function established(t: Tcb): void {
	// RFC 6298 §5.7: the SYN (or SYN,ACK) was retransmitted, so Karn's rule left the handshake
	// without an RTT sample: the first data gets an RTO of 3 s, not the backed-off one. Linux
	// tcp_init_transfer() → tcp_init_metrics() (net/ipv4/tcp_metrics.c): "Reset the RTO back to
	// 3secs" whenever srtt_us is 0 (TCP_TIMEOUT_FALLBACK; rttvar and mdev too).
	const fallback = t.host.preset.rto.fallbackMs;
	if (fallback !== null && t.srtt < 0 && (t.synRetransmits > 0 || t.host.preset.rto.estimator === 'linux')) {
		t.rto = fallback;
		if (t.host.preset.rto.estimator === 'linux') t.rttvar = t.mdev = t.mdevMax = fallback;
	}
	const k = t.keepalive;
	if (k !== null) {
		// Linux tcp_finish_connect() / tcp_create_openreq_child(): with SOCK_KEEPOPEN the keep-alive
		// timer starts at ESTABLISHED, keepalive_time_when() from now.
		k.lastHeard = t.host.core.queue.now;
		startKeepTimer(t, k.idleMs);
	}
	const l = t.listener;
	if (l !== null && !t.accepted) {
		const q = l.queues as ListenQueues; // a child's listener has listened
		if (!q.manualAccept || l.state !== 'LISTEN') acceptChild(l, t);
		else {
			(q.acceptQueue ??= []).push(t);
			if (q.pendingAccepts > 0) {
				q.pendingAccepts--;
				acceptNext(l);
			}
		}
	}
	if (t.closeQueued) {
		t.closeQueued = false;
		t.finPending = true;
		setState(t, 'FIN-WAIT-1', 'queued CLOSE: snd FIN');
	}
}

/** accept() returns `c`: recorded as an `accept` call on the listener naming the child. */
function acceptChild(l: Tcb, c: Tcb): void {
	c.accepted = true;
	if (c.host.core.record) c.host.callEvent(l.id, 'accept', `${c.id} from ${hostPort(c.mapped ? mapped4(c.remoteIp) : c.remoteIp, c.remotePort)}`);
}

/** accept() takes the oldest connection of the accept queue (the caller checked it is not empty). */
export function acceptNext(l: Tcb): void {
	const q = l.queues?.acceptQueue as Tcb[];
	const c = q.shift() as Tcb;
	acceptChild(l, c);
}

/**
 * Close a listener: children still in SYN-RECEIVED (not yet accepted) get `<SEQ=SND.NXT><CTL=RST>`,
 * those waiting in the accept queue a RST,ACK, and are deleted (Linux `inet_csk_listen_stop`),
 * then the listener's TCB is deleted.
 */
export function closeListener(l: Tcb, cause: string): void {
	for (const c of l.host.tcpSockets) {
		if (c.listener === l && !c.accepted && c.state === 'SYN-RECEIVED') {
			sendSegment(c, F_RST, c.snd.nxt, 0, undefined, false);
			toClosed(c, 'listener closed: snd RST');
		}
	}
	// Connections still in the accept queue are reset too (inet_csk_listen_stop → inet_child_forget
	// → tcp_disconnect, which sends RST from ESTABLISHED and CLOSE-WAIT).
	const q = l.queues as ListenQueues;
	for (const c of q.acceptQueue ?? []) {
		if (c.state === 'ESTABLISHED' || c.state === 'CLOSE-WAIT') {
			sendSegment(c, F_RST | F_ACK, c.snd.nxt, 0, undefined, false);
			toClosed(c, 'listener closed before accept(): snd RST');
		}
	}
	q.acceptQueue = null;
	q.pendingAccepts = 0;
	(l.inet6 ? l.host.listeners6 : l.host.listeners).delete(l.localPort);
	toClosed(l, cause);
}
