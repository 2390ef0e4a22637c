/**
 * TCP sockets: the Transmission Control Block (RFC 9293 §3.3.1) plus the user calls
 * (OPEN/SEND/RECEIVE/CLOSE/ABORT, §3.10.1–3.10.5), output, retransmission and timers (§3.10.8).
 * Segment arrival processing (§3.10.7) lives in tcp-input.ts.
 *
 * One {@link TcpSocket} object is both the user's socket handle and its TCB. Listening sockets
 * create a child socket per arriving SYN (the BSD-sockets model; the RFC's "LISTEN → SYN-RECEIVED"
 * edge is recorded on the child), named `<listenerId>.<n>` in the order their SYNs arrived,
 * which is accept order unless a handshake fails.
 *
 * Sequence arithmetic is modulo 2^32 (§3.4): comparisons use `((a - b) | 0) < 0`.
 *
 * Model limits (see docs/tcp-deviations.md): fixed receive window (65535 bytes, no window
 * scaling), no congestion control, no Nagle, no delayed ACK (every in-order data segment or
 * FIN is ACKed at once), MSS 1460, no URG, no options (timestamps, SACK).
 *
 * @module
 */

import type { EventTarget } from './clock';
import type { Host, TcpPacket } from './network';
import type { SocketAddress, SocketErrno, TcpState } from './trace';
import { F_ACK as W_ACK, F_FIN as W_FIN, F_PSH as W_PSH, F_RST as W_RST, F_SYN as W_SYN, checkIp as wireCheckIp, checkPort as wireCheckPort } from './wire';
import { SimError } from './errors';

// Module-local copies of imported hot-path values: under a CommonJS transform (tsx/esbuild in
// Node) every access to an imported binding is a property getter on the exporting module, which
// the optimiser does not always inline; a local const is a plain constant in every bundler.
const F_ACK = W_ACK;
const F_FIN = W_FIN;
const F_PSH = W_PSH;
const F_RST = W_RST;
const F_SYN = W_SYN;
const checkIp = wireCheckIp;
const checkPort = wireCheckPort;

/** Options for `host.tcp(id, opts)`. */
export interface TcpSocketOptions {
	/**
	 * When true (default) the application reads data as soon as it arrives, so a later close()
	 * sends FIN. When false, received data waits for {@link TcpSocket.read}; close() with unread
	 * data sends RST (RFC 9293 §3.6.1 SHLD-3, Linux `tcp_close` "data_was_unread").
	 */
	autoRead?: boolean;
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

/**
 * Fixed protocol parameters (times in ms of virtual time, sizes in bytes).
 * Sources: RFC 6298 §2 (initial RTO 1 s, minimum 1 s, doubling §5.5); Linux `TCP_RTO_MAX`
 * (120 s), `tcp_syn_retries` (6), `tcp_synack_retries` (5), `tcp_retries2` (15),
 * `tcp_fin_timeout` (60 s); MSS 1460 = 1500-byte Ethernet MTU − 40.
 */
export const TCP_TUNING = Object.freeze({
	mss: 1460,
	rcvWnd: 65535,
	initialRtoMs: 1000,
	minRtoMs: 1000,
	maxRtoMs: 120_000,
	synRetries: 6,
	synAckRetries: 5,
	dataRetries: 15,
	linuxFinTimeoutMs: 60_000,
	ttl: 64
});

/** @internal one segment on the retransmission queue. */
export interface RtxEntry {
	seq: number;
	/** payload bytes */
	len: number;
	/** flags as sent (SYN, SYN|ACK, ACK|PSH, FIN|ACK …) */
	flags: number;
	text: string | undefined;
	sentAt: number;
	retx: boolean;
}

/** @internal a SEND call not yet fully segmentized. */
interface SendChunk {
	len: number;
	text: string | undefined;
	started: boolean;
}

/** @internal out-of-order data held for later (RFC 9293 §3.10.7.4 seventh step SHOULD). */
export interface OooEntry {
	seq: number;
	len: number;
	fin: boolean;
}

const EV_RTO = 10;
const EV_LINGER = 11;

/** Sequence-space comparisons modulo 2^32 (RFC 9293 §3.4). */
export function seqLt(a: number, b: number): boolean {
	return ((a - b) | 0) < 0;
}
/** a =< b modulo 2^32. */
export function seqLe(a: number, b: number): boolean {
	return ((a - b) | 0) <= 0;
}
/** (a + n) mod 2^32. */
export function seqAdd(a: number, n: number): number {
	return (a + n) >>> 0;
}

const WILDCARD: SocketAddress = { ip: '0.0.0.0', port: 0 };

/** Indices into `TcpSocket.num`. */
const N_ISS = 0;
const N_SND_UNA = 1;
const N_SND_NXT = 2;
const N_SND_WL1 = 3;
const N_SND_WL2 = 4;
const N_IRS = 5;
const N_RCV_NXT = 6;
const N_FIN_SEQ = 7;
const N_SRTT = 8;
const N_RTTVAR = 9;

/** Initial numeric state: everything 0 except SRTT = -1 (no sample yet). */
function newNumState(): number[] {
	// The 0.5 makes the literal a packed array of unboxed doubles from the start.
	const a = [0, 0, 0, 0, 0, 0, 0, 0, -1, 0.5];
	a[N_RTTVAR] = 0;
	return a;
}

/** Remote IPs connect() has already validated (parsing a dotted quad costs more than a lookup). */
const validIps = new Set<string>();
let lastValidIp = '0.0.0.0';

/** Shared, frozen empty queues of TIME-WAIT sockets (see {@link TcpSocket.enterTimeWait}). */
const NO_RTX: RtxEntry[] = Object.freeze([]) as unknown as RtxEntry[];
const NO_SEND: SendChunk[] = Object.freeze([]) as unknown as SendChunk[];

/** A TCP socket's state as {@link TcpSocket.snapshot} and `Simulation.sockets()` report it; numbers are SEG/SND/RCV variables of RFC 9293 §3.3.1. */
export interface SocketSnapshot {
	id: string;
	host: string;
	proto: 'TCP';
	state: TcpState;
	local: SocketAddress;
	remote: SocketAddress;
	rcvNxt?: number;
	sndNxt?: number;
	sndUna?: number;
	iss?: number;
	irs?: number;
	/** Bytes received and not yet read by the application. */
	unread: number;
	/** For accepted/half-open children: the listener's id. */
	listener?: string;
}

/**
 * A TCP socket and its TCB.
 *
 * User calls never throw for network errors: they record an `ErrorEvent` and return `false`.
 * They throw {@link SimError} only for invalid arguments (port outside 0..65535, bad IP, bad
 * byte count).
 */
export class TcpSocket implements EventTarget {
	/** Socket id, unique in the trace. */
	readonly id: string;
	/** Owning host. */
	readonly host: Host;
	/** See {@link TcpSocketOptions.autoRead}. */
	readonly autoRead: boolean;
	/** Current RFC 9293 state. */
	state: TcpState = 'CLOSED';
	/** Local port (0 while unbound). */
	localPort = 0;
	/** Remote address ('0.0.0.0' while unconnected). */
	remoteIp = '0.0.0.0';
	/** Remote port (0 while unconnected). */
	remotePort = 0;

	/** @internal how the local port is held: bind()/autobind (exclusive), connect(), or inherited. */
	hold: 'none' | 'bind' | 'autobind' | 'connect' | 'child' = 'none';
	/** @internal the 4-tuple is registered in the host's PortTable. */
	tupleRegistered = false;
	/** @internal bind held in the PortTable (bind/autobind, possibly plus a tuple). */
	bindHeld = false;
	/** @internal listener that created this socket (accepted/half-open children). */
	listener: TcpSocket | null = null;
	/** @internal MUST-11: how SYN-RECEIVED was reached. */
	origin: 'passive' | 'active' | null = null;
	/** @internal true once accept() returned it (child reached ESTABLISHED). */
	accepted = false;
	/** @internal number of children created (listener). */
	childCount = 0;
	/** @internal for an accepted/half-open child: its number n in `<listenerId>.<n>`, else 0. */
	childNumber = 0;
	/** @internal the simulation's id table holds this socket (user-chosen ids only). */
	byId = false;
	/** @internal */ reuseAddr = false;
	/** @internal bind(0) with SO_REUSE_UNICASTPORT: the port is chosen at connect() (Windows). */
	deferredBind = false;
	/** @internal index in host.tcpSockets (-1 once forgotten). */
	hostIndex = -1;
	/** @internal the application called close()/abort() (orphaned socket). */
	appClosed = false;

	/**
	 * @internal Unboxed numeric state: the 32-bit sequence variables and the RTT estimators, which
	 * do not fit a small integer, live in one double array (read through the accessors below)
	 * rather than as ten separately boxed number fields — a TIME-WAIT socket lives for a minute of
	 * virtual time, so its size matters to the garbage collector. Indices: N_*.
	 */
	private readonly num: number[] = newNumState();
	/** Send sequence variables (RFC 9293 §3.3.1). @internal */
	get iss(): number {
		return this.num[N_ISS];
	}
	set iss(v: number) {
		this.num[N_ISS] = v;
	}
	/** @internal */ get sndUna(): number {
		return this.num[N_SND_UNA];
	}
	set sndUna(v: number) {
		this.num[N_SND_UNA] = v;
	}
	/** @internal */ get sndNxt(): number {
		return this.num[N_SND_NXT];
	}
	set sndNxt(v: number) {
		this.num[N_SND_NXT] = v;
	}
	/** @internal */ sndWnd = 0;
	/** @internal */ get sndWl1(): number {
		return this.num[N_SND_WL1];
	}
	set sndWl1(v: number) {
		this.num[N_SND_WL1] = v;
	}
	/** @internal */ get sndWl2(): number {
		return this.num[N_SND_WL2];
	}
	set sndWl2(v: number) {
		this.num[N_SND_WL2] = v;
	}
	/** Receive sequence variables. @internal */
	get irs(): number {
		return this.num[N_IRS];
	}
	set irs(v: number) {
		this.num[N_IRS] = v;
	}
	/** @internal */ get rcvNxt(): number {
		return this.num[N_RCV_NXT];
	}
	set rcvNxt(v: number) {
		this.num[N_RCV_NXT] = v;
	}
	/** @internal */ rcvWnd: number = TCP_TUNING.rcvWnd;

	/**
	 * @internal Retransmission queue: the pending entries are `rtx[rtxHead .. rtxTail-1]`,
	 * oldest first. Slots outside that range hold finished entries that {@link rtxPush} reuses,
	 * so a connection allocates its queue storage once instead of once per segment (a plain
	 * array that empties after each ACK gives its storage back and regrows on the next push).
	 */
	rtx: RtxEntry[] = [];
	/** @internal index of the oldest pending entry in {@link rtx}. */
	rtxHead = 0;
	/** @internal one past the newest pending entry in {@link rtx}. */
	rtxTail = 0;
	/** @internal */ private sendQ: SendChunk[] = [];
	/** @internal bytes accepted by send() and not yet segmentized. */
	unsent = 0;
	/** @internal CLOSE issued; FIN goes out after queued data. */
	finPending = false;
	/** @internal our FIN has been sent (its sequence number is finSeq). */
	finSent = false;
	/** @internal */ get finSeq(): number {
		return this.num[N_FIN_SEQ];
	}
	set finSeq(v: number) {
		this.num[N_FIN_SEQ] = v;
	}
	/** @internal our FIN has been acknowledged. */
	finAcked = false;
	/** @internal CLOSE queued in SYN-RECEIVED until ESTABLISHED (RFC 9293 §3.10.4). */
	closeQueued = false;
	/** @internal the peer's FIN has been received (read() at end of stream returns 0). */
	peerFin = false;
	/** @internal out-of-order segments held for later. */
	ooo: OooEntry[] | null = null;

	/** Bytes received in order and not yet read by the application. */
	unread = 0;
	/** Total payload bytes delivered in order by the peer. */
	bytesReceived = 0;
	/** Total payload bytes accepted by send(). */
	bytesQueued = 0;

	/** @internal current RTO, ms. */ rto: number = TCP_TUNING.initialRtoMs;
	/** @internal consecutive expiries of the retransmission timer. */ retries = 0;
	/** @internal RFC 6298 SRTT (ms), -1 before the first sample. */ get srtt(): number {
		return this.num[N_SRTT];
	}
	set srtt(v: number) {
		this.num[N_SRTT] = v;
	}
	/** @internal RFC 6298 RTTVAR (ms). */ get rttvar(): number {
		return this.num[N_RTTVAR];
	}
	set rttvar(v: number) {
		this.num[N_RTTVAR] = v;
	}
	private rtoDeadline = -1;
	private rtoEventAt = -1;
	private lingerDeadline = -1;
	private lingerEventAt = -1;
	private lingerKind: 'tw' | 'fw2' = 'tw';

	/** @internal use `host.tcp()`. */
	constructor(host: Host, id: string, opts?: TcpSocketOptions) {
		this.host = host;
		this.id = id;
		this.autoRead = opts?.autoRead ?? true;
	}

	// -----------------------------------------------------------------------------------------
	// Inspection

	/** Local socket address (host IP and local port). */
	get local(): SocketAddress {
		return { ip: this.host.ip, port: this.localPort };
	}
	/** Remote socket address (`0.0.0.0:0` for a listener or unconnected socket). */
	get remote(): SocketAddress {
		return this.state === 'LISTEN' ? { ...WILDCARD } : { ip: this.remoteIp, port: this.remotePort };
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
			s.rcvNxt = this.rcvNxt;
			s.sndNxt = this.sndNxt;
			s.sndUna = this.sndUna;
			s.iss = this.iss;
			s.irs = this.irs;
		}
		if (this.listener) s.listener = this.listener.id;
		return s;
	}

	// -----------------------------------------------------------------------------------------
	// Trace helpers

	/** @internal record a state change (one edge of RFC 9293 Figure 5). */
	setState(to: TcpState, cause: string, from: TcpState = this.state): void {
		this.state = to;
		const core = this.host.core;
		if (!core.record) return;
		core.events.push({
			kind: 'state',
			t: core.queue.now,
			host: this.host.name,
			socket: this.id,
			local: { ip: this.host.ip, port: this.localPort },
			remote: to === 'LISTEN' && from === 'CLOSED' ? { ...WILDCARD } : { ip: this.remoteIp, port: this.remotePort },
			from,
			to,
			cause
		});
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
		return this.doBind(port, 'bind');
	}

	private doBind(port: number, via: 'bind' | 'autobind'): boolean {
		const r = this.host.tcpPorts.bind(port, { reuseAddr: this.reuseAddr, root: this.host.root });
		if (!r.ok) return this.fail(via === 'autobind' ? 'listen' : 'bind', r.errno, r.message);
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
	 * Errors: as {@link TcpSocket.bind}; EINVAL if the socket is not CLOSED.
	 * @throws SimError if `port` is not an integer 0..65535.
	 */
	listen(port?: number): boolean {
		if (port !== undefined) checkPort(port);
		this.host.callEvent(this.id, 'listen', port !== undefined ? `${this.host.ip}:${port}` : '(autobind)');
		if (this.state !== 'CLOSED' || this.appClosed) {
			return this.fail('listen', 'EINVAL', `listen(): socket ${this.id} is ${this.state}, not CLOSED`);
		}
		if (this.hold === 'none') {
			if (!this.doBind(port ?? 0, port === undefined || port === 0 ? 'autobind' : 'bind')) return false;
		} else if (port !== undefined && port !== 0 && port !== this.localPort) {
			return this.fail('listen', 'EINVAL', `listen(${port}): socket ${this.id} is already bound to port ${this.localPort}`);
		}
		this.host.listeners.set(this.localPort, this);
		this.setState('LISTEN', 'OPEN(passive) / listen()');
		return true;
	}

	/**
	 * connect(): active OPEN (RFC 9293 §3.10.1) — picks an ephemeral port from the host's
	 * {@link PortTable} (unless bound), selects a random ISS from the seeded PRNG, sends
	 * `<SEQ=ISS><CTL=SYN>` and enters SYN-SENT.
	 * Errors: EADDRNOTAVAIL (no usable port for this destination), EINVAL (socket not CLOSED,
	 * or remote socket unspecified: IP 0.0.0.0 or port 0). Later asynchronous failures
	 * (ECONNREFUSED on RST, ETIMEDOUT after SYN retransmissions) are recorded as ErrorEvents.
	 * @throws SimError for an invalid IP or port.
	 */
	connect(ip: string, port: number): boolean {
		if (ip !== lastValidIp && !validIps.has(ip)) {
			checkIp(ip);
			if (validIps.size >= 4096) validIps.clear();
			validIps.add(ip);
		}
		lastValidIp = ip;
		checkPort(port);
		const h = this.host;
		if (h.core.record) h.callEvent(this.id, 'connect', `${ip}:${port}`);
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
		if (ip === '0.0.0.0' || port === 0) {
			return this.fail('connect', 'EINVAL', `connect(${ip}:${port}): remote socket unspecified (RFC 9293 3.10.1)`);
		}
		if (this.hold === 'bind' || this.hold === 'autobind') {
			const r = h.tcpPorts.attachTuple(this.localPort, ip, port);
			if (!r.ok) return this.fail('connect', r.errno, r.message);
		} else {
			const r = h.tcpPorts.connect(h.ip, ip, port);
			if (!r.ok) return this.fail('connect', r.errno, r.message);
			this.localPort = r.port;
			this.hold = 'connect';
			h.portEvent('allocate', r.port, 'connect', this.id);
		}
		this.tupleRegistered = true;
		this.remoteIp = ip;
		this.remotePort = port;
		h.addConn(this);
		this.origin = 'active';
		this.iss = h.isnRng.u32();
		this.sndUna = this.iss;
		this.sndNxt = seqAdd(this.iss, 1);
		this.rto = TCP_TUNING.initialRtoMs;
		this.retries = 0;
		this.setState('SYN-SENT', 'OPEN(active) / connect(): snd SYN');
		this.rtxPush(this.iss, 0, F_SYN, undefined, h.core.queue.now);
		this.emit(F_SYN, this.iss, 0, undefined, false);
		this.armRto();
		return true;
	}

	/**
	 * send(): SEND (RFC 9293 §3.10.2) `bytes` of application data, with an optional text preview.
	 * Queued in SYN-SENT/SYN-RECEIVED until ESTABLISHED; segmentized into MSS-sized segments in
	 * ESTABLISHED/CLOSE-WAIT. Errors: ENOTCONN (CLOSED or LISTEN: "connection does not exist"),
	 * ENOTCONN "connection closing" after close() (Linux would say EPIPE).
	 * @throws SimError unless `bytes` is a positive integer.
	 */
	send(bytes: number, text?: string): boolean {
		if (!Number.isInteger(bytes) || bytes <= 0) {
			throw new SimError(`send(): byte count must be a positive integer (got ${JSON.stringify(bytes)}).`, 'bytes');
		}
		if (this.host.core.record) this.host.callEvent(this.id, 'send', text !== undefined ? `${bytes} bytes "${text}"` : `${bytes} bytes`);
		switch (this.state) {
			case 'CLOSED':
				return this.fail('send', 'ENOTCONN', 'send(): connection does not exist (RFC 9293 3.10.2)');
			case 'LISTEN':
				return this.fail('send', 'ENOTCONN', 'send(): socket is listening; remote socket unspecified (RFC 9293 3.10.2)');
			case 'SYN-SENT':
			case 'SYN-RECEIVED':
			case 'ESTABLISHED':
			case 'CLOSE-WAIT':
				if (this.finPending || this.appClosed) break;
				this.sendQ.push({ len: bytes, text, started: false });
				this.unsent += bytes;
				this.bytesQueued += bytes;
				if (this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT') this.output();
				return true;
			default:
				break;
		}
		return this.fail('send', 'ENOTCONN', `send(): connection closing (${this.state}; RFC 9293 3.10.2)`);
	}

	/**
	 * read(): RECEIVE (RFC 9293 §3.10.3) — the application consumes every byte received so far.
	 * Records a CallEvent with the count ("0 bytes (end of stream)" after the peer's FIN).
	 * Errors: ENOTCONN in CLOSED (nothing ever received) and LISTEN.
	 */
	read(): boolean {
		if (this.state === 'CLOSED' && this.unread === 0) {
			this.host.callEvent(this.id, 'read', '');
			return this.fail('read', 'ENOTCONN', 'read(): connection does not exist (RFC 9293 3.10.3)');
		}
		if (this.state === 'LISTEN') {
			this.host.callEvent(this.id, 'read', '');
			return this.fail('read', 'ENOTCONN', 'read(): socket is listening');
		}
		const n = this.unread;
		this.unread = 0;
		this.host.callEvent(this.id, 'read', n === 0 && this.peerFin ? '0 bytes (end of stream: peer sent FIN)' : `${n} bytes`);
		return true;
	}

	/**
	 * close(): CLOSE (RFC 9293 §3.10.4).
	 * - LISTEN → CLOSED (half-open children in SYN-RECEIVED get RST, Linux `inet_csk_listen_stop`);
	 * - SYN-SENT → CLOSED, nothing sent;
	 * - SYN-RECEIVED → FIN-WAIT-1 (or queued until ESTABLISHED if data is pending);
	 * - ESTABLISHED → FIN-WAIT-1, CLOSE-WAIT → LAST-ACK, FIN after queued data;
	 * - with unread received data: `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>` and CLOSED
	 *   (RFC 9293 §3.6.1 SHLD-3; Linux `tcp_close` → `tcp_send_active_reset`);
	 * - CLOSED with a bind: releases it. Errors: ENOTCONN in CLOSED without a bind ("connection
	 *   does not exist") and in FIN-WAIT-1/2, CLOSING, LAST-ACK, TIME-WAIT ("connection closing").
	 */
	close(): boolean {
		this.host.callEvent(this.id, 'close', '');
		const st = this.state;
		if (st === 'CLOSED') {
			this.appClosed = true;
			if (this.bindHeld) {
				this.cleanup();
				return true;
			}
			return this.fail('close', 'ENOTCONN', 'close(): connection does not exist (RFC 9293 3.10.4)');
		}
		if (this.appClosed && st !== 'SYN-RECEIVED') {
			return this.fail('close', 'ENOTCONN', `close(): connection closing (${st}; RFC 9293 3.10.4)`);
		}
		this.appClosed = true;
		switch (st) {
			case 'LISTEN':
				this.closeListener('CLOSE / close(): delete TCB');
				return true;
			case 'SYN-SENT':
				this.toClosed('CLOSE / close(): delete TCB, nothing sent');
				return true;
			case 'SYN-RECEIVED':
				if (this.unsent > 0) {
					this.closeQueued = true; // RFC 9293 3.10.4: queue until ESTABLISHED
					return true;
				}
				this.finPending = true;
				this.setState('FIN-WAIT-1', 'CLOSE / close(): snd FIN');
				this.output();
				return true;
			case 'ESTABLISHED':
			case 'CLOSE-WAIT':
				if (this.unread > 0) {
					this.resetOnClose();
					return true;
				}
				this.finPending = true;
				this.setState(st === 'ESTABLISHED' ? 'FIN-WAIT-1' : 'LAST-ACK', 'CLOSE / close(): snd FIN');
				this.output();
				return true;
			default:
				return this.fail('close', 'ENOTCONN', `close(): connection closing (${st}; RFC 9293 3.10.4)`);
		}
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
					this.cleanup();
					return true;
				}
				return this.fail('abort', 'ENOTCONN', 'abort(): connection does not exist (RFC 9293 3.10.5)');
			case 'LISTEN':
				this.closeListener('ABORT: delete TCB');
				return true;
			case 'SYN-RECEIVED':
			case 'ESTABLISHED':
			case 'FIN-WAIT-1':
			case 'FIN-WAIT-2':
			case 'CLOSE-WAIT':
				this.emit(F_RST, this.sndNxt, 0, undefined, false);
				this.toClosed('ABORT: snd RST');
				return true;
			default:
				this.toClosed('ABORT: delete TCB');
				return true;
		}
	}

	// -----------------------------------------------------------------------------------------
	// Internals: closing

	/** Linux close() with unread data: RST,ACK and CLOSED (no TIME-WAIT). */
	private resetOnClose(): void {
		this.emit(F_RST | F_ACK, this.sndNxt, 0, undefined, false);
		this.toClosed('CLOSE with unread data: snd RST (RFC 9293 3.6.1 SHLD-3)');
	}

	private closeListener(cause: string): void {
		// Linux inet_csk_listen_stop: not-yet-accepted children are reset.
		for (const s of this.host.tcpSockets) {
			if (s.listener === this && !s.accepted && s.state === 'SYN-RECEIVED') {
				s.emit(F_RST, s.sndNxt, 0, undefined, false);
				s.toClosed('listener closed: snd RST');
			}
		}
		this.host.listeners.delete(this.localPort);
		this.toClosed(cause);
	}

	/** @internal enter CLOSED (delete the TCB) and release everything. */
	toClosed(cause: string, from: TcpState = this.state): void {
		this.setState('CLOSED', cause, from);
		this.cleanup();
	}

	/**
	 * @internal A passive half-open child returns to LISTEN (RFC 9293 Fig. 5 note 1): record the
	 * edge SYN-RECEIVED → `to`, then discard the child (it never reached accept()).
	 */
	toClosedAs(to: TcpState, cause: string): void {
		this.setState(to, cause);
		this.cleanup();
		this.state = 'CLOSED';
		this.host.core.forgetSocket(this);
	}

	/** @internal release timers, queues, demux entries and ports. */
	cleanup(): void {
		const h = this.host;
		this.rtoDeadline = -1;
		this.lingerDeadline = -1;
		this.rtxHead = 0;
		this.rtxTail = 0;
		if (this.sendQ.length !== 0) this.sendQ.length = 0;
		this.unsent = 0;
		this.ooo = null;
		this.finPending = false;
		// Only bind()/autobind sockets can be listeners (connected and accepted sockets never are).
		if ((this.hold === 'bind' || this.hold === 'autobind') && h.listeners.get(this.localPort) === this) {
			h.listeners.delete(this.localPort);
		}
		if (this.remotePort !== 0) h.removeConn(this);
		if (this.tupleRegistered) {
			h.tcpPorts.releaseTuple(this.localPort, this.remoteIp, this.remotePort);
			this.tupleRegistered = false;
			if (this.hold === 'connect') h.portEvent('release', this.localPort, 'connect', this.id);
		}
		if (this.bindHeld) {
			h.tcpPorts.releaseBind(this.localPort);
			this.bindHeld = false;
			h.portEvent('release', this.localPort, this.hold === 'autobind' ? 'autobind' : 'bind', this.id);
		}
		this.hold = 'none';
		if (!h.core.record) h.core.forgetSocket(this);
	}

	/** @internal enter TIME-WAIT and start the 2×MSL timer (preset `timeWaitMs`). */
	enterTimeWait(cause: string, from: TcpState = this.state): void {
		this.setState('TIME-WAIT', cause, from);
		this.rtoDeadline = -1;
		// TIME-WAIT is entered only after our FIN, i.e. after close(): nothing is ever queued on
		// this socket again, so drop the queues' storage (a TIME-WAIT socket may live minutes).
		this.rtx = NO_RTX;
		this.rtxHead = 0;
		this.rtxTail = 0;
		if (this.unsent === 0) this.sendQ = NO_SEND;
		if (this.tupleRegistered) this.host.tcpPorts.enterTimeWait(this.localPort, this.remoteIp, this.remotePort);
		this.setLinger('tw', this.host.core.queue.now + this.host.preset.timeWaitMs);
	}

	/** @internal restart the TIME-WAIT timer (retransmitted FIN, RFC 9293 §3.10.7.4). */
	restartTimeWait(): void {
		this.setLinger('tw', this.host.core.queue.now + this.host.preset.timeWaitMs);
	}

	/** @internal FIN-WAIT-1 → FIN-WAIT-2 (our FIN acknowledged). */
	enterFinWait2(cause: string): void {
		this.setState('FIN-WAIT-2', cause);
		// Linux: an orphaned FIN-WAIT-2 socket lives at most tcp_fin_timeout (60 s).
		if (this.appClosed && this.host.preset.id === 'linux') {
			this.setLinger('fw2', this.host.core.queue.now + TCP_TUNING.linuxFinTimeoutMs);
		}
	}

	// -----------------------------------------------------------------------------------------
	// Output

	/** @internal put a segment from this TCB on the wire. ACK field = RCV.NXT when ACK is set. */
	emit(flags: number, seq: number, len: number, text: string | undefined, retx: boolean): void {
		const h = this.host;
		const pkt: TcpPacket = {
			proto: 'TCP',
			srcIp: h.ip,
			dstIp: this.remoteIp,
			ttl: TCP_TUNING.ttl,
			id: 0,
			sport: this.localPort,
			dport: this.remotePort,
			flags,
			seq,
			ack: flags & F_ACK ? this.rcvNxt : 0,
			len,
			wnd: this.rcvWnd,
			payload: text,
			retransmission: retx
		};
		h.net.transmit(pkt, h);
	}

	/** @internal `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` */
	sendAck(): void {
		this.emit(F_ACK, this.sndNxt, 0, undefined, false);
	}

	/**
	 * @internal Segmentize queued data within the send window, then the FIN once all data is
	 * out (RFC 9293 §3.10.4 "queue this until all preceding SENDs have been segmentized").
	 * @returns true if at least one segment was sent.
	 */
	output(): boolean {
		const st = this.state;
		if (st !== 'ESTABLISHED' && st !== 'CLOSE-WAIT' && st !== 'FIN-WAIT-1' && st !== 'LAST-ACK') return false;
		let sent = false;
		const now = this.host.core.queue.now;
		while (this.unsent > 0) {
			const inFlight = (this.sndNxt - this.sndUna) >>> 0;
			const avail = this.sndWnd - inFlight;
			if (avail <= 0) break;
			const c = this.sendQ[0];
			let n = c.len < TCP_TUNING.mss ? c.len : TCP_TUNING.mss;
			if (n > avail) n = avail;
			const text = c.started ? undefined : c.text;
			c.started = true;
			c.len -= n;
			const flags = c.len === 0 ? F_ACK | F_PSH : F_ACK;
			if (c.len === 0) this.sendQ.shift();
			this.unsent -= n;
			const seq = this.sndNxt;
			this.rtxPush(seq, n, flags, text, now);
			this.emit(flags, seq, n, text, false);
			this.sndNxt = seqAdd(seq, n);
			sent = true;
		}
		if (this.finPending && !this.finSent && this.unsent === 0) {
			const seq = this.sndNxt;
			this.finSeq = seq;
			this.finSent = true;
			this.rtxPush(seq, 0, F_FIN | F_ACK, undefined, now);
			this.emit(F_FIN | F_ACK, seq, 0, undefined, false);
			this.sndNxt = seqAdd(seq, 1);
			sent = true;
		}
		if (sent && this.rtoDeadline < 0) this.armRto();
		return sent;
	}

	/** @internal append a segment to the retransmission queue (see {@link rtx}). */
	rtxPush(seq: number, len: number, flags: number, text: string | undefined, sentAt: number): void {
		const q = this.rtx;
		let tail = this.rtxTail;
		if (tail === q.length && this.rtxHead >= 64 && this.rtxHead * 2 >= tail) {
			// Long-running transfer whose queue never empties: move the finished prefix to the end
			// for reuse, so the array stays as long as the window needs instead of growing forever.
			const head = this.rtxHead;
			const done = q.splice(0, head);
			for (let i = 0; i < done.length; i++) q.push(done[i]);
			tail -= head;
			this.rtxHead = 0;
		}
		if (tail < q.length) {
			const e = q[tail];
			e.seq = seq;
			e.len = len;
			e.flags = flags;
			e.text = text;
			e.sentAt = sentAt;
			e.retx = false;
		} else {
			q.push({ seq, len, flags, text, sentAt, retx: false });
		}
		this.rtxTail = tail + 1;
	}

	/**
	 * @internal Process SND.UNA advancing to `ack`: drop acknowledged segments from the
	 * retransmission queue, take an RTT sample (RFC 6298, Karn's rule), restart or stop the timer.
	 */
	ackAdvance(ack: number): void {
		this.sndUna = ack;
		const now = this.host.core.queue.now;
		const q = this.rtx;
		const tail = this.rtxTail;
		let head = this.rtxHead;
		let sample = -1;
		while (head < tail) {
			const e = q[head];
			const end = seqAdd(e.seq, e.len + (e.flags & F_SYN ? 1 : 0) + (e.flags & F_FIN ? 1 : 0));
			if (!seqLe(end, ack)) {
				if (seqLt(e.seq, ack)) {
					// partially acknowledged: trim the front
					let cut = (ack - e.seq) >>> 0;
					if (e.flags & F_SYN) {
						e.flags &= ~F_SYN;
						cut -= 1;
					}
					e.len -= cut;
					e.seq = ack;
				}
				break;
			}
			if (!e.retx && sample < 0) sample = now - e.sentAt;
			head++;
		}
		if (head === tail) {
			head = 0;
			this.rtxTail = 0;
		}
		this.rtxHead = head;
		if (this.finSent && seqLe(seqAdd(this.finSeq, 1), ack)) this.finAcked = true;
		if (sample >= 0) this.rttSample(sample);
		this.retries = 0;
		if (head === this.rtxTail) this.rtoDeadline = -1;
		else this.armRto();
	}

	private rttSample(r: number): void {
		// RFC 6298 §2.2-2.3 with K = 4, G = 1 ms; clamp to [1 s, 120 s] (§2.4, Linux TCP_RTO_MAX).
		if (this.srtt < 0) {
			this.srtt = r;
			this.rttvar = r / 2;
		} else {
			this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
			this.srtt = 0.875 * this.srtt + 0.125 * r;
		}
		let rto = this.srtt + Math.max(1, 4 * this.rttvar);
		if (rto < TCP_TUNING.minRtoMs) rto = TCP_TUNING.minRtoMs;
		if (rto > TCP_TUNING.maxRtoMs) rto = TCP_TUNING.maxRtoMs;
		this.rto = rto;
	}

	// -----------------------------------------------------------------------------------------
	// Timers (lazy: one pending queue entry per timer; restarts only move the deadline)

	/** @internal (re)start the retransmission timer at now + RTO. */
	armRto(): void {
		const at = this.host.core.queue.now + this.rto;
		this.rtoDeadline = at;
		if (this.rtoEventAt < 0 || this.rtoEventAt > at) {
			this.rtoEventAt = at;
			this.host.core.queue.push(at, this, EV_RTO, at);
		}
	}

	private setLinger(kind: 'tw' | 'fw2', at: number): void {
		this.lingerKind = kind;
		this.lingerDeadline = at;
		if (this.lingerEventAt < 0 || this.lingerEventAt > at) {
			this.lingerEventAt = at;
			this.host.core.queue.push(at, this, EV_LINGER, at);
		}
	}

	/** @internal timer dispatch from the event queue. */
	onEvent(kind: number, arg: unknown, time: number): void {
		if (kind === EV_RTO) {
			if (arg !== this.rtoEventAt) return;
			this.rtoEventAt = -1;
			const d = this.rtoDeadline;
			if (d < 0) return;
			if (d > time) {
				this.rtoEventAt = d;
				this.host.core.queue.push(d, this, EV_RTO, d);
				return;
			}
			this.rtoDeadline = -1;
			this.onRetransmissionTimeout();
		} else if (kind === EV_LINGER) {
			if (arg !== this.lingerEventAt) return;
			this.lingerEventAt = -1;
			const d = this.lingerDeadline;
			if (d < 0) return;
			if (d > time) {
				this.lingerEventAt = d;
				this.host.core.queue.push(d, this, EV_LINGER, d);
				return;
			}
			this.lingerDeadline = -1;
			if (this.lingerKind === 'tw' && this.state === 'TIME-WAIT') {
				// (the cause text is only recorded with record: true; do not build it otherwise)
				this.toClosed(this.host.core.record ? `TIME-WAIT timeout (2×MSL = ${this.host.preset.timeWaitMs / 1000} s)` : '');
			} else if (this.lingerKind === 'fw2' && this.state === 'FIN-WAIT-2') {
				this.toClosed(`FIN-WAIT-2 timeout (Linux tcp_fin_timeout = ${TCP_TUNING.linuxFinTimeoutMs / 1000} s)`);
			}
		}
	}

	/** RFC 9293 §3.10.8 RETRANSMISSION TIMEOUT; RFC 6298 §5.4-5.6 (back off, restart). */
	private onRetransmissionTimeout(): void {
		if (this.rtxHead === this.rtxTail) return;
		this.retries++;
		const st = this.state;
		const max =
			st === 'SYN-SENT' ? TCP_TUNING.synRetries : st === 'SYN-RECEIVED' ? TCP_TUNING.synAckRetries : TCP_TUNING.dataRetries;
		if (this.retries > max) {
			this.giveUp(max);
			return;
		}
		this.rto = Math.min(this.rto * 2, TCP_TUNING.maxRtoMs);
		const e = this.rtx[this.rtxHead];
		e.retx = true;
		e.sentAt = this.host.core.queue.now;
		this.emit(e.flags, e.seq, e.len, e.text, true);
		this.armRto();
	}

	private giveUp(max: number): void {
		const st = this.state;
		if (st === 'SYN-SENT') {
			this.host.errorEvent(this.id, 'connect', 'ETIMEDOUT', `connect(): connection timed out: no answer after ${max} SYN retransmissions (Linux tcp_syn_retries = ${max})`);
			this.toClosed('retransmission timeout: give up (ETIMEDOUT)');
		} else if (st === 'SYN-RECEIVED' && this.origin === 'passive') {
			this.toClosed(`retransmission timeout: give up after ${max} SYN,ACK retransmissions (Linux tcp_synack_retries)`);
		} else {
			this.host.errorEvent(this.id, 'send', 'ETIMEDOUT', `connection timed out: ${max} retransmissions unanswered (Linux tcp_retries2 = ${max})`);
			this.toClosed('retransmission timeout: give up (ETIMEDOUT)');
		}
	}

	/** @internal application reads on arrival unless autoRead is false. */
	deliver(n: number): void {
		this.bytesReceived += n;
		if (!this.autoRead) this.unread += n;
	}

	/** @internal connection reached ESTABLISHED: flush queued sends and a queued CLOSE. */
	established(): void {
		if (this.listener !== null && !this.accepted) {
			this.accepted = true;
			if (this.host.core.record) this.host.callEvent(this.listener.id, 'accept', `${this.id} from ${this.remoteIp}:${this.remotePort}`);
		}
		if (this.closeQueued) {
			this.closeQueued = false;
			this.finPending = true;
			this.setState('FIN-WAIT-1', 'queued CLOSE: snd FIN');
		}
	}
}
