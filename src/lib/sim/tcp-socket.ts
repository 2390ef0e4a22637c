/**
 * TCP sockets: the user calls of RFC 9293 §3.10.1–3.10.5 (OPEN, SEND, RECEIVE, CLOSE, ABORT) as
 * BSD sockets spell them — bind(), listen(), connect(), send(), read(), shutdown(), close(),
 * abort(), and setsockopt(SO_KEEPALIVE) (FreeBSD tcp_usrreq.c, Linux net/ipv4/tcp.c).
 *
 * A {@link TcpSocket} is the user's handle and its connection's TCB at once (it extends
 * {@link Tcb}, tcb.ts). Listening sockets create a child socket per arriving SYN (the
 * BSD-sockets model; the RFC's "LISTEN → SYN-RECEIVED" edge is recorded on the child), named
 * `<listenerId>.<n>` in the order their SYNs arrived, which is accept order unless a handshake
 * fails.
 *
 * Errors: calls never throw for network errors; they record an `ErrorEvent` (errno and message)
 * and return `false`. They throw {@link SimError} only for invalid arguments (a port outside
 * 0..65535, a malformed IP, a byte count that is not a positive integer).
 *
 * @module
 */

import { SimError } from './errors';
import { appendSend, output, sendSegment } from './tcp-output';
import { windowUpdateAfterRead } from './tcp-flow';
import { acceptNext, closeListener, deleteTcb, setState, toClosed } from './tcp-state';
import { setKeepalive, SHUT_RD_DATA, type KeepaliveOptions } from './tcp-keepalive';
import { reusableTimeWait, takeOverTimeWait } from './tcp-tw-reuse';
import { closeTimeWait, type TimeWait } from './tcp-timewait';
import { acceptQueueLen, listenBacklog } from './tcp-listen';
import { timerFired } from './tcp-timer';
import { rtxQueue, start2MslTimer, startRexmtTimer, Tcb, TCP_TUNING, type ListenQueues, type TcpHost } from './tcb';
import type { SocketAddress, SocketErrno, TcpState } from './trace';
import { anyAddress, checkIp, checkPort, hostPort, F_ACK, F_RST, F_SYN, isIp6, mapped4, seqAdd } from './wire';

/** Options for `host.tcp(id, opts)`. */
export interface TcpSocketOptions {
	/**
	 * When true (default) the application reads data as soon as it arrives, so a later close()
	 * sends FIN. When false, received data waits for {@link TcpSocket.read}; close() with unread
	 * data sends RST (RFC 9293 §3.6.1 SHLD-3, Linux `tcp_close` "data_was_unread").
	 */
	autoRead?: boolean;
	/** socket(AF_INET6, SOCK_STREAM): listens on `[::]` (default false: AF_INET). */
	inet6?: boolean;
	/** IPV6_V6ONLY for an AF_INET6 socket; default: the OS's (ipv6.ts `v6onlyDefault`). */
	v6only?: boolean;
}

/** The `how` of {@link TcpSocket.shutdown} (Windows: SD_RECEIVE, SD_SEND, SD_BOTH). */
export type ShutdownHow = 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR';
/** Options for {@link TcpSocket.listen}. */
export interface ListenOptions {
	/**
	 * listen()'s backlog; the listener's queues are bounded by min(backlog, somaxconn) (Linux
	 * `__sys_listen()`; tcp-listen.ts). Default SOMAXCONN, i.e. the host's somaxconn (4096 on Linux).
	 */
	backlog?: number;
	/**
	 * The program calls {@link TcpSocket.accept} itself: established connections wait in the
	 * accept queue until it does. Default false: every connection is accepted as it is established.
	 */
	manualAccept?: boolean;
}

/** Options for {@link TcpSocket.bind}. */
export interface BindOptions {
	/** SO_REUSEADDR: allows binding a port held only by TIME-WAIT connections (Linux). */
	reuseAddr?: boolean;
	/**
	 * Windows SO_REUSE_UNICASTPORT, set before bind(0): the port is not chosen at bind() but at
	 * connect(), "when the 4-tuple … for the connection is known" (KB3149157), so it can come from
	 * the auto-reuse port range and be shared between destinations. Windows hosts only.
	 */
	reuseUnicastPort?: boolean;
}

/** A TCP socket's state as {@link TcpSocket.snapshot} and `Simulation.sockets()` report it; numbers are the SND/RCV variables of RFC 9293 §3.3.1. */
export interface SocketSnapshot {
	id: string;
	host: string;
	proto: 'TCP';
	state: TcpState;
	local: SocketAddress;
	remote: SocketAddress;
	/** RCV.NXT (unsigned 32-bit), once the socket has had a connection. */
	rcvNxt?: number;
	/** SND.NXT. */
	sndNxt?: number;
	/** SND.UNA. */
	sndUna?: number;
	/** ISS. */
	iss?: number;
	/** IRS. */
	irs?: number;
	/** Bytes received and not yet read by the application. */
	unread: number;
	/** For accepted/half-open children: the listener's id. */
	listener?: string;
}

/**
 * A TCP socket and its TCB. Create one with `host.tcp(id?)`; accepted connections appear as
 * `<listenerId>.<n>` (`sim.socket('web.1')`).
 *
 * User calls never throw for network errors: they record an `ErrorEvent` and return `false`.
 * They throw {@link SimError} only for invalid arguments (port outside 0..65535, bad IP, bad
 * byte count).
 */
export class TcpSocket extends Tcb {
	/** @internal use `host.tcp()`. */
	/** @param id - the socket's id, or the n of its id `<host>#<n>` (see `Tcb.id`). */
	constructor(host: TcpHost, id: string | number, opts?: TcpSocketOptions) {
		super(host, id, opts?.autoRead ?? true);
		if (opts?.inet6 === true) this.family = (opts.v6only ?? host.v6onlyDefault) ? 'inet6-v6only' : 'inet6';
	}

	// -----------------------------------------------------------------------------------------
	// Inspection

	/**
	 * Local socket address as the application sees it: the host's address of the connection's
	 * family; `::` for an AF_INET6 listener; `::ffff:a.b.c.d` for an IPv4 connection accepted by a
	 * dual-stack listener.
	 */
	get local(): SocketAddress {
		return { ip: this.mapped ? mapped4(this.localIp) : this.localIp, port: this.localPort };
	}
	/** Remote socket address (`0.0.0.0:0`, or `:::0` for AF_INET6, for a listener or unconnected socket). */
	get remote(): SocketAddress {
		if (this.state === 'LISTEN') return { ip: anyAddress(this.inet6), port: 0 };
		return { ip: this.mapped ? mapped4(this.remoteIp) : this.remoteIp, port: this.remotePort };
	}

	/** @internal true while the socket holds a local port (for `host.portsInUse`). */
	holdsPort(): boolean {
		return this.hold !== 'none' && this.localPort !== 0;
	}

	/**
	 * Plain-data snapshot. Sequence variables are included once the connection has an ISS
	 * (states other than CLOSED/LISTEN, or a CLOSED socket that had a connection).
	 */
	snapshot(): SocketSnapshot {
		const s: SocketSnapshot = {
			id: this.id,
			host: this.host.name,
			proto: 'TCP',
			state: this.state,
			local: this.local,
			remote: this.remote,
			unread: this.unread
		};
		if (this.origin !== null) {
			s.rcvNxt = this.rcv.nxt;
			s.sndNxt = this.snd.nxt;
			s.sndUna = this.snd.una;
			s.iss = this.iss;
			s.irs = this.irs;
		}
		if (this.listener) s.listener = this.listener.id;
		return s;
	}

	/** @internal the event queue fires one of this TCB's timers (tcp-timer.ts). */
	onEvent(kind: number, _arg: unknown, time: number): void {
		timerFired(this, kind, time);
	}

	private fail(call: string, errno: SocketErrno, message: string): false {
		this.host.errorEvent(this.id, call, errno, message);
		return false;
	}

	// -----------------------------------------------------------------------------------------
	// User calls

	/**
	 * bind(): take a local port. `port` 0 picks one (autobind, odd ports first on Linux).
	 * Errors: EADDRINUSE (held by a socket, a connection, or TIME-WAIT without `reuseAddr`),
	 * EACCES (port < 1024 on a host without `root`), EINVAL (socket already bound/in use).
	 * @throws SimError if `port` is not an integer 0..65535.
	 */
	bind(port: number, opts: BindOptions = {}): boolean {
		checkPort(port);
		if (opts.reuseUnicastPort === true && this.host.preset.errnoNames !== 'winsock') {
			throw new SimError(`bind(): SO_REUSE_UNICASTPORT is a Windows socket option; host ${this.host.name} runs ${this.host.os}.`, 'reuseUnicastPort');
		}
		this.host.callEvent(this.id, 'bind', `${this.host.ip}:${port}${opts.reuseAddr ? ' SO_REUSEADDR' : ''}${opts.reuseUnicastPort ? ' SO_REUSE_UNICASTPORT' : ''}`);
		if (this.state !== 'CLOSED' || this.hold !== 'none' || this.appClosed || this.deferredBind) {
			return this.fail('bind', 'EINVAL', `bind(${port}): socket ${this.id} is already bound or in use`);
		}
		this.reuseAddr = opts.reuseAddr === true;
		if (port === 0 && opts.reuseUnicastPort === true) {
			// "This option instructs the system to postpone port allocation until connection time"
			// (KB3149157): connect() picks the port like a connect() without bind().
			this.deferredBind = true;
			return true;
		}
		return this.takePort(port, 'bind');
	}

	/** Hold `port` (0: any) in the host's port table, exclusively (bind or listen's autobind). */
	private takePort(port: number, via: 'bind' | 'autobind'): boolean {
		const h = this.host;
		const opts = { reuseAddr: this.reuseAddr, root: h.root };
		// AF_INET: the IPv4 table. AF_INET6: its own table, and a dual-stack socket also the IPv4
		// one (it receives IPv4 too, so it conflicts with an IPv4 bind: Host.tcpPorts6).
		const dual = this.inet6 && !this.v6only;
		const r = this.inet6 && !dual ? h.tcpPorts6.bind(port, opts) : h.tcpPorts.bind(port, opts);
		if (!r.ok) return this.fail(via === 'autobind' ? 'listen' : 'bind', r.errno, r.message);
		if (dual) {
			const r6 = h.tcpPorts6.bind(r.port, opts);
			if (!r6.ok) {
				h.tcpPorts.releaseBind(r.port);
				return this.fail(via === 'autobind' ? 'listen' : 'bind', r6.errno, r6.message);
			}
		}
		if (this.inet6) this.localIp = '::';
		this.localPort = r.port;
		this.hold = via;
		this.bindHeld = true;
		this.host.portEvent('allocate', r.port, via, this.id);
		return true;
	}

	/**
	 * listen(): passive OPEN (RFC 9293 §3.10.1) — CLOSED → LISTEN. With `port`, binds it first
	 * (bind()+listen()); without a port on an unbound socket, autobinds an ephemeral port
	 * (Linux `inet_csk_listen_start` → `inet_csk_get_port(sk, 0)`).
	 * `opts.backlog` bounds the SYN queue and the accept queue (see {@link ListenOptions}).
	 * Errors: as {@link TcpSocket.bind}; EINVAL if the socket is not CLOSED.
	 * @throws SimError if `port` is not an integer 0..65535 or the backlog not an integer.
	 */
	listen(port?: number, opts: ListenOptions = {}): boolean {
		if (port !== undefined) checkPort(port);
		if (opts.backlog !== undefined && !Number.isInteger(opts.backlog)) {
			throw new SimError(`listen(): backlog must be an integer (got ${String(opts.backlog)}).`, 'backlog');
		}
		const where = (port !== undefined ? `${this.inet6 ? '[::]' : this.host.ip}:${port}` : '(autobind)') + (this.inet6 ? ` AF_INET6 IPV6_V6ONLY=${this.v6only ? 1 : 0}` : '');
		this.host.callEvent(this.id, 'listen', opts.backlog !== undefined ? `${where} backlog=${opts.backlog}` : where);
		if (this.state !== 'CLOSED' || this.appClosed) {
			return this.fail('listen', 'EINVAL', `listen(): socket ${this.id} is ${this.state}, not CLOSED`);
		}
		if (this.hold === 'none') {
			if (!this.takePort(port ?? 0, port === undefined || port === 0 ? 'autobind' : 'bind')) return false;
		} else if (port !== undefined && port !== 0 && port !== this.localPort) {
			return this.fail('listen', 'EINVAL', `listen(${port}): socket ${this.id} is already bound to port ${this.localPort}`);
		}
		(this.inet6 ? this.host.listeners6 : this.host.listeners).set(this.localPort, this);
		// A listener that is listening again keeps its child count (child ids stay unique).
		const q = (this.queues ??= { backlog: 0, manualAccept: false, synQueueLen: 0, acceptQueue: null, pendingAccepts: 0, synOverflowAt: -Infinity, childCount: 0 });
		q.backlog = listenBacklog(this.host, opts.backlog);
		q.manualAccept = opts.manualAccept === true;
		setState(this, 'LISTEN', 'OPEN(passive) / listen()');
		return true;
	}

	/**
	 * accept(): take the oldest connection from the accept queue; the accepted socket is
	 * `<listenerId>.<n>` (recorded as an `accept` call naming it). With the queue empty the call
	 * blocks: the next connection to complete its handshake is accepted at once. Only for a
	 * listener made with `manualAccept` (others accept every connection themselves).
	 * Errors: EINVAL when the socket is not listening or accepts by itself.
	 */
	accept(): boolean {
		if (this.state !== 'LISTEN') {
			this.host.callEvent(this.id, 'accept', '');
			return this.fail('accept', 'EINVAL', `accept(): socket ${this.id} is not listening (${this.state})`);
		}
		const q = this.queues as ListenQueues; // made by listen()
		if (!q.manualAccept) {
			this.host.callEvent(this.id, 'accept', '');
			return this.fail('accept', 'EINVAL', `accept(): listener ${this.id} accepts connections by itself (listen without manualaccept)`);
		}
		if (acceptQueueLen(this) === 0) {
			q.pendingAccepts++;
			this.host.callEvent(this.id, 'accept', '(blocks: accept queue empty)');
			return true;
		}
		acceptNext(this);
		return true;
	}

	/**
	 * connect(): active OPEN (RFC 9293 §3.10.1) — picks an ephemeral port from the host's
	 * port table (unless bound), selects a random ISS from the seeded PRNG, sends
	 * `<SEQ=ISS><CTL=SYN>` and enters SYN-SENT.
	 * Errors: EADDRNOTAVAIL (no usable port for this destination), EINVAL (socket not CLOSED,
	 * or remote socket unspecified: IP 0.0.0.0 or port 0). Later asynchronous failures
	 * (ECONNREFUSED on RST, ETIMEDOUT after SYN retransmissions) are recorded as ErrorEvents.
	 * @throws SimError for an invalid IP or port.
	 */
	connect(ip: string, port: number): boolean {
		checkIp(ip);
		checkPort(port);
		const h = this.host;
		let inherited: ReturnType<typeof takeOverTimeWait> | undefined;
		if (h.core.record) h.callEvent(this.id, 'connect', hostPort(ip, port));
		if (this.appClosed) return this.fail('connect', 'EINVAL', `connect(): socket ${this.id} was closed`);
		if (this.state !== 'CLOSED') {
			return this.fail(
				'connect',
				'EINVAL',
				this.state === 'LISTEN'
					? `connect(): socket ${this.id} is listening (RFC 9293 3.10.1 OPEN on LISTEN is not reachable through sockets)`
					: `connect(): connection already exists (socket ${this.id} is ${this.state}; RFC 9293 3.10.1)`
			);
		}
		if (ip === '0.0.0.0' || ip === '::' || port === 0) {
			return this.fail('connect', 'EINVAL', `connect(${hostPort(ip, port)}): remote socket unspecified (RFC 9293 3.10.1)`);
		}
		const src = h.srcFor(ip);
		if (src === null) {
			// No IPv6 address, hence no IPv6 route: Linux ip6_route_output finds none (ENETUNREACH).
			return this.fail('connect', 'ENETUNREACH', `connect(${hostPort(ip, port)}): host ${h.name} has no ${isIp6(ip) ? 'IPv6' : 'IPv4'} address`);
		}
		if (this.hold === 'bind' || this.hold === 'autobind') {
			const r = h.tcpPorts.attachTuple(this.localPort, ip, port);
			if (!r.ok) return this.fail('connect', r.errno, r.message);
		} else {
			let r = h.tcpPorts.connect(src, ip, port);
			if (!r.ok && r.errno === 'EADDRNOTAVAIL') {
				// Linux tcp_tw_reuse (tcp-tw-reuse.ts): take over a TIME-WAIT 4-tuple to this destination.
				const tw = reusableTimeWait(h, ip, port);
				if (tw !== undefined) {
					inherited = takeOverTimeWait(tw);
					r = h.tcpPorts.connect(src, ip, port);
				}
			}
			if (!r.ok) return this.fail('connect', r.errno, r.message);
			this.localPort = r.port;
			this.hold = 'connect';
			if (h.core.record) h.portEvent('allocate', r.port, 'connect', this.id);
		}
		this.tupleRegistered = true;
		this.localIp = src;
		this.remoteIp = ip;
		this.remotePort = port;
		h.addConn(this);
		this.origin = 'active';
		this.iss = h.isnRng.u32();
		if (inherited !== undefined) {
			// tcp_twsk_unique(): write_seq = tw_snd_nxt + 65535 + 2; TS.Recent carried over.
			this.iss = inherited.iss;
			this.tsRecent = inherited.tsRecent;
			this.tsRecentAt = inherited.tsRecentAt;
		}
		this.snd.una = this.iss;
		this.snd.nxt = seqAdd(this.iss, 1);
		// The SYN's own first RTO (Windows TcpInitialRTT 3 s; Linux TCP_TIMEOUT_INIT 1 s; tcp-listen.ts).
		this.rto = h.connectTuning.synRtoMs;
		this.retries = 0;
		setState(this, 'SYN-SENT', 'OPEN(active) / connect(): snd SYN');
		rtxQueue(this).push(this.iss, 0, F_SYN, undefined, h.core.queue.now);
		sendSegment(this, F_SYN, this.iss, 0, undefined, false);
		startRexmtTimer(this);
		return true;
	}

	/**
	 * send(): SEND (RFC 9293 §3.10.2) `bytes` of application data, with an optional text preview.
	 * Queued in SYN-SENT/SYN-RECEIVED until ESTABLISHED; segmentized into MSS-sized segments in
	 * ESTABLISHED/CLOSE-WAIT. Errors: ENOTCONN (CLOSED or LISTEN: "connection does not exist");
	 * EPIPE after shutdown(SHUT_WR) (Linux `tcp_sendmsg()`: SEND_SHUTDOWN → `sk_stream_error()`
	 * → -EPIPE; Windows WSAESHUTDOWN); EBADF after close().
	 * @throws SimError unless `bytes` is a positive integer.
	 */
	send(bytes: number, text?: string): boolean {
		if (!Number.isInteger(bytes) || bytes <= 0) {
			throw new SimError(`send(): byte count must be a positive integer (got ${JSON.stringify(bytes)}).`, 'bytes');
		}
		if (this.host.core.record) this.host.callEvent(this.id, 'send', text !== undefined ? `${bytes} bytes "${text}"` : `${bytes} bytes`);
		if (this.appClosed) return this.fail('send', 'EBADF', `send(): socket ${this.id} was closed`);
		if (this.shutWr) return this.fail('send', 'EPIPE', `send(): cannot send after shutdown(SHUT_WR) (${this.state})`);
		switch (this.state) {
			case 'CLOSED':
				return this.fail('send', 'ENOTCONN', 'send(): connection does not exist (RFC 9293 3.10.2)');
			case 'LISTEN':
				return this.fail('send', 'ENOTCONN', 'send(): socket is listening; remote socket unspecified (RFC 9293 3.10.2)');
			case 'SYN-SENT':
			case 'SYN-RECEIVED':
			case 'ESTABLISHED':
			case 'CLOSE-WAIT':
				appendSend(this, { len: bytes, text, started: false, next: null });
				this.unsent += bytes;
				this.bytesQueued += bytes;
				if (this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT') output(this);
				return true;
			default:
				return this.fail('send', 'ENOTCONN', `send(): connection closing (${this.state}; RFC 9293 3.10.2)`);
		}
	}

	/**
	 * shutdown(): close one or both directions of a connection without releasing the socket.
	 * - `SHUT_WR` (half-close): our FIN follows the queued data — ESTABLISHED → FIN-WAIT-1,
	 *   CLOSE-WAIT → LAST-ACK (Linux `tcp_shutdown()` → `tcp_close_state()`, `tcp_send_fin()`);
	 *   the socket still reads what the peer sends; a later send() fails EPIPE.
	 * - `SHUT_RD`: the program reads no more; data that still arrives is ACKed and, per OS
	 *   ({@link SHUT_RD_DATA}), queued (Linux: read() returns it, then 0), discarded (BSD) or
	 *   answered with RST (Windows); with our FIN out, new data gets RST on Linux.
	 * - `SHUT_RDWR`: both.
	 * In SYN-SENT the connection attempt is abandoned (Linux `inet_shutdown()` → `tcp_disconnect()`).
	 * Errors: ENOTCONN in CLOSED and LISTEN (the model does not stop a listener); EBADF after close().
	 */
	shutdown(how: ShutdownHow): boolean {
		if (how !== 'SHUT_RD' && how !== 'SHUT_WR' && how !== 'SHUT_RDWR') {
			throw new SimError(`shutdown(): how must be SHUT_RD, SHUT_WR or SHUT_RDWR (got ${JSON.stringify(how)}).`, 'how');
		}
		this.host.callEvent(this.id, 'shutdown', how);
		if (this.appClosed) return this.fail('shutdown', 'EBADF', `shutdown(): socket ${this.id} was closed`);
		const st = this.state;
		if (st === 'CLOSED' || st === 'LISTEN') {
			return this.fail('shutdown', 'ENOTCONN', `shutdown(${how}): socket ${this.id} is not connected (${st})`);
		}
		if (st === 'SYN-SENT') {
			toClosed(this, `shutdown(${how}) in SYN-SENT: connection attempt abandoned, nothing sent`);
			return true;
		}
		if (how !== 'SHUT_WR' && !this.shutRd) {
			this.shutRd = true;
			const rd = SHUT_RD_DATA[this.host.preset.id];
			if (rd === 'reset' && this.unread > 0) {
				// Windows: "if there is still data queued on the socket waiting to be received … the
				// connection is reset" (shutdown function, SD_RECEIVE).
				sendSegment(this, F_RST | F_ACK, this.snd.nxt, 0, undefined, false);
				toClosed(this, `shutdown(${how}) with unread data: snd RST`);
				return true;
			}
			if (rd === 'discard') this.unread = 0; // BSD sorflush(): queued data is thrown away
		}
		if (how !== 'SHUT_RD' && !this.shutWr) {
			this.shutWr = true;
			if (st === 'SYN-RECEIVED') {
				if (this.unsent > 0) this.closeQueued = true;
				else {
					this.finPending = true;
					setState(this, 'FIN-WAIT-1', `shutdown(${how}): snd FIN`);
					output(this);
				}
			} else if (st === 'ESTABLISHED' || st === 'CLOSE-WAIT') {
				this.finPending = true;
				setState(this, st === 'ESTABLISHED' ? 'FIN-WAIT-1' : 'LAST-ACK', `shutdown(${how}): snd FIN`);
				output(this);
			}
		}
		return true;
	}

	/**
	 * setsockopt(SO_KEEPALIVE, 1), with TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT in `opts`
	 * (times in ms; each one omitted takes the OS preset's default, tcp-keepalive.ts). An accepted
	 * socket inherits its listener's setting. Error: EBADF after close().
	 * @throws SimError unless every given value is a positive integer.
	 */
	setKeepalive(opts: KeepaliveOptions = {}): boolean {
		for (const k of ['idleMs', 'intvlMs', 'cnt'] as const) {
			const v = opts[k];
			if (v !== undefined && (!Number.isInteger(v) || v <= 0)) {
				throw new SimError(`setKeepalive(): ${k} must be a positive integer (got ${JSON.stringify(v)}).`, k);
			}
		}
		if (this.host.core.record) {
			const parts = ['SO_KEEPALIVE'];
			if (opts.idleMs !== undefined) parts.push(`TCP_KEEPIDLE=${opts.idleMs / 1000}s`);
			if (opts.intvlMs !== undefined) parts.push(`TCP_KEEPINTVL=${opts.intvlMs / 1000}s`);
			if (opts.cnt !== undefined) parts.push(`TCP_KEEPCNT=${opts.cnt}`);
			this.host.callEvent(this.id, 'setsockopt', parts.join(' '));
		}
		if (this.appClosed) return this.fail('setsockopt', 'EBADF', `setsockopt(): socket ${this.id} was closed`);
		setKeepalive(this, opts);
		return true;
	}

	/**
	 * read(): RECEIVE (RFC 9293 §3.10.3) — the application consumes every byte received so far.
	 * Records a CallEvent with the count. It says 0 bytes only at end of stream: after the peer's
	 * FIN ("0 bytes (end of stream: peer sent FIN)") or after shutdown(SHUT_RD) with nothing
	 * queued ("0 bytes (end of stream: SHUT_RD)", Linux `tcp_recvmsg()`); with nothing waiting
	 * otherwise it records "nothing waiting" (a blocking read() would wait).
	 * Errors: ENOTCONN in CLOSED (nothing ever received) and LISTEN; EBADF after close().
	 */
	read(): boolean {
		if (this.appClosed) {
			this.host.callEvent(this.id, 'read', '');
			return this.fail('read', 'EBADF', `read(): socket ${this.id} was closed`);
		}
		if (this.state === 'CLOSED' && this.unread === 0 && !this.peerFin) {
			this.host.callEvent(this.id, 'read', '');
			return this.fail('read', 'ENOTCONN', 'read(): connection does not exist (RFC 9293 3.10.3)');
		}
		if (this.state === 'LISTEN') {
			this.host.callEvent(this.id, 'read', '');
			return this.fail('read', 'ENOTCONN', 'read(): socket is listening');
		}
		const n = this.unread;
		this.unread = 0;
		let detail = `${n} bytes`;
		if (n === 0) {
			if (this.peerFin) detail = '0 bytes (end of stream: peer sent FIN)';
			else if (this.shutRd) detail = '0 bytes (end of stream: SHUT_RD)';
			else detail = '0 bytes';
		}
		this.host.callEvent(this.id, 'read', detail);
		if (n > 0) windowUpdateAfterRead(this); // the buffer has room again: announce the window
		return true;
	}

	/**
	 * close(): CLOSE (RFC 9293 §3.10.4). Returns true on any open descriptor (as close(2) does,
	 * also after ECONNREFUSED or a reset); the socket is then orphaned.
	 * - LISTEN → CLOSED (half-open children in SYN-RECEIVED get RST, Linux `inet_csk_listen_stop`);
	 * - SYN-SENT → CLOSED, nothing sent;
	 * - SYN-RECEIVED → FIN-WAIT-1 (or queued until ESTABLISHED if data is pending);
	 * - ESTABLISHED → FIN-WAIT-1, CLOSE-WAIT → LAST-ACK, FIN after queued data;
	 * - after shutdown(SHUT_WR) (FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT): nothing is sent; an
	 *   orphaned FIN-WAIT-2 gets Linux's `tcp_fin_timeout`;
	 * - with unread received data: `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>` and CLOSED
	 *   (RFC 9293 §3.6.1 SHLD-3; Linux `tcp_close` → `tcp_send_active_reset`);
	 * - CLOSED: releases a bind, if any.
	 * Error: EBADF when the socket was already closed (close() twice; Windows WSAENOTSOCK).
	 */
	close(): boolean {
		if (this.host.core.record) this.host.callEvent(this.id, 'close', '');
		const st = this.state;
		if (this.appClosed) return this.fail('close', 'EBADF', `close(): socket ${this.id} is already closed`);
		this.appClosed = true;
		this.shutRd = true; // Linux tcp_close(): sk_shutdown = SHUTDOWN_MASK
		this.shutWr = true;
		switch (st) {
			case 'CLOSED':
				if (this.bindHeld) deleteTcb(this);
				return true;
			case 'LISTEN':
				closeListener(this, 'CLOSE / close(): delete TCB');
				return true;
			case 'SYN-SENT':
				toClosed(this, 'CLOSE / close(): delete TCB, nothing sent');
				return true;
			case 'SYN-RECEIVED':
				if (this.finPending || this.closeQueued) return true; // shutdown(SHUT_WR) came first
				if (this.unsent > 0) {
					this.closeQueued = true; // RFC 9293 3.10.4: queue until ESTABLISHED
					return true;
				}
				this.finPending = true;
				setState(this, 'FIN-WAIT-1', 'CLOSE / close(): snd FIN');
				output(this);
				return true;
			case 'ESTABLISHED':
			case 'CLOSE-WAIT':
				if (this.unread > 0) return this.resetUnread();
				this.finPending = true;
				setState(this, st === 'ESTABLISHED' ? 'FIN-WAIT-1' : 'LAST-ACK', 'CLOSE / close(): snd FIN');
				output(this);
				return true;
			case 'FIN-WAIT-1':
			case 'FIN-WAIT-2':
			case 'CLOSING':
			case 'LAST-ACK':
				// After shutdown(SHUT_WR): the FIN is already on its way.
				if (this.unread > 0) return this.resetUnread();
				if (st === 'FIN-WAIT-2' && this.host.preset.id === 'linux') start2MslTimer(this, TCP_TUNING.linuxFinTimeoutMs);
				return true;
			default:
				return true; // TIME-WAIT: the connection is already over
		}
	}

	/** Linux close() with unread data: RST,ACK and CLOSED (no TIME-WAIT). */
	private resetUnread(): true {
		sendSegment(this, F_RST | F_ACK, this.snd.nxt, 0, undefined, false);
		toClosed(this, 'CLOSE with unread data: snd RST (RFC 9293 3.6.1 SHLD-3)');
		return true;
	}

	/**
	 * abort(): ABORT (RFC 9293 §3.10.5; sockets: SO_LINGER 0 + close()). Sends
	 * `<SEQ=SND.NXT><CTL=RST>` from SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2 and
	 * CLOSE-WAIT; nothing from LISTEN, SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT. Always ends CLOSED
	 * and releases the port (no TIME-WAIT, as Linux and BSD do). Error: ENOTCONN in CLOSED without
	 * a bind.
	 */
	abort(): boolean {
		this.host.callEvent(this.id, 'abort', '');
		const st = this.state;
		this.appClosed = true;
		switch (st) {
			case 'CLOSED':
				if (this.bindHeld) {
					deleteTcb(this);
					return true;
				}
				return this.fail('abort', 'ENOTCONN', 'abort(): connection does not exist (RFC 9293 3.10.5)');
			case 'LISTEN':
				closeListener(this, 'ABORT: delete TCB');
				return true;
			case 'SYN-RECEIVED':
			case 'ESTABLISHED':
			case 'FIN-WAIT-1':
			case 'FIN-WAIT-2':
			case 'CLOSE-WAIT':
				sendSegment(this, F_RST, this.snd.nxt, 0, undefined, false);
				toClosed(this, 'ABORT: snd RST');
				return true;
			default:
				// TIME-WAIT: the connection lives in its record (tcp-timewait.ts)
				if (this.timeWait !== null) closeTimeWait(this.timeWait as TimeWait, 'ABORT: delete TCB');
				else toClosed(this, 'ABORT: delete TCB');
				return true;
		}
	}
}
