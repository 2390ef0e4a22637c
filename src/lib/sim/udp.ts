/**
 * UDP (RFC 768): sockets, demultiplexing, and ICMP Port Unreachable for closed ports.
 *
 * Behaviour modelled on Linux (net/ipv4/udp.c, net/ipv4/af_inet.c):
 * - A socket gets its local port at `bind()`, or automatically at the first `sendTo()` /
 *   `connect()` (`inet_autobind` → `udp_v4_get_port(sk, 0)`), recorded as a `port` event with
 *   `via: 'send'` / `'connect'`. Ports come from the host's UDP {@link PortTable}, which uses the
 *   same ephemeral range and algorithm as TCP but is a separate number space (UDP 53 ≠ TCP 53).
 *   The autobind pick uses the table's bind(0) search (for `linux`: random odd-first scan as in
 *   `inet_csk_find_open_port`; the kernel's `udp_lib_get_port` uses a similar random start and
 *   odd stride).
 * - One socket per local port (no SO_REUSEADDR/SO_REUSEPORT for UDP here).
 * - A datagram is delivered to the socket bound to its destination port; a *connected* socket
 *   only accepts datagrams from its peer (`compute_score` rejects others). With no socket, the
 *   host answers ICMP Destination Unreachable, Port Unreachable (type 3, code 3), quoting the
 *   datagram's 5-tuple (RFC 792; RFC 1122 §4.1.3.1; Linux `__udp4_lib_rcv` →
 *   `icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0)`). Linux rate-limits these
 *   (`icmp_ratelimit`); the simulator does not.
 * - ICMP errors about a datagram reach the sending socket (`udp_err`). On a **connected**
 *   socket the error becomes pending (`sk->sk_err = ECONNREFUSED`) and the **next call**
 *   (`send`, `sendTo`, `reply`) fails with `ECONNREFUSED` and sends nothing (`sock_error()` in
 *   the send path), recorded as an `error` event at that call. An **unconnected** socket ignores
 *   them (Linux reports them only with `IP_RECVERR`), so a plain `sendTo()` to a closed port
 *   shows only the ICMP message in the trace.
 * - **Windows** (preset `udpConnReset`): WinSock's `SIO_UDP_CONNRESET` is on by default (since
 *   Windows 2000 SP2, KB263823 "WinSock recvfrom() now returns WSAECONNRESET instead of blocking
 *   or timing out"), so an ICMP Port Unreachable about a datagram the socket sent makes its
 *   pending `recvfrom()` fail with WSAECONNRESET (10054), connected or not: "For a UDP datagram
 *   socket, this error would indicate that a previous send operation resulted in an ICMP 'Port
 *   Unreachable' message" (Winsock `recvfrom`/`recv`, WSAECONNRESET). The simulator's UDP
 *   programs always wait in recvfrom() (they take each datagram as it arrives), so the error is
 *   recorded, call `recvfrom` (`recv` when connected), at the moment the ICMP message arrives.
 *   `setUdpConnReset(false)` is `WSAIoctl(SIO_UDP_CONNRESET, FALSE)` ("Winsock IOCTLs"): the
 *   socket then ignores the message as Linux does. What a Windows socket does with other ICMP
 *   errors is not documented there; the simulator treats them as on Linux.
 *
 * @module
 */

import { SimError } from './errors';
import { generatedSocketId, type HostContext } from './node';
import { PortTable } from './ports';
import type { SocketAddress, SocketErrno } from './trace';
import { ICMP6, ICMP6_PORT_UNREACH } from './ipv6';
import { checkIp, checkPort, hostPort, isIp6, type IcmpPacket, type UdpPacket } from './wire';

/** The host as UDP sees it (implemented by `Host`, host.ts): host services plus UDP's own state. */
export type UdpHost = HostContext & { udpState?: UdpHostState };
type Host = UdpHost;

/** Largest UDP payload over IPv4: 65535 − 20 (IP header) − 8 (UDP header) bytes. */
export const MAX_UDP_PAYLOAD = 65507;

/** Default IP TTL of datagrams sent by hosts (Linux `net.ipv4.ip_default_ttl`). */
export const UDP_TTL = 64;

/** Per-host UDP state (created on first use). @internal */
export interface UdpHostState {
	/** UDP port table (same range and algorithm as the host's TCP table). */
	ports: PortTable;
	/** Sockets holding a local port, by port. */
	byPort: Map<number, UdpSocket>;
	/** Every UDP socket created on the host, in creation order. */
	sockets: UdpSocket[];
}

/** @internal the host's UDP state, created on first use. */
export function udpState(host: Host): UdpHostState {
	let s = host.udpState;
	if (s === undefined) {
		s = {
			// UDP ports come only from bind()/autobind; the preset's error conventions apply
			// (a Windows host out of ports reports WSAENOBUFS).
			ports: new PortTable({
				range: [host.preset.ephemeral[0], host.preset.ephemeral[1]],
				algorithm: host.preset.algorithm,
				errors: host.preset.errnoNames === 'winsock' ? 'windows' : 'posix',
				unprivilegedStart: host.preset.unprivilegedPortStart,
				rng: host.core.rng.fork(`ports:udp:${host.name}`)
			}),
			byPort: new Map(),
			sockets: []
		};
		host.udpState = s;
	}
	return s;
}

/** Plain-data view of a UDP socket (see {@link UdpSocket.snapshot}). */
export interface UdpSocketSnapshot {
	id: string;
	host: string;
	proto: 'UDP';
	/** `'unbound'` (no port yet), `'bound'`, `'connected'` (has a default peer) or `'closed'`. */
	state: 'unbound' | 'bound' | 'connected' | 'closed';
	local: SocketAddress;
	/** The connected peer, `0.0.0.0:0` when not connected. */
	remote: SocketAddress;
	/** Datagrams and bytes received so far. */
	received: number;
	bytesReceived: number;
	/** Source of the last datagram received (what {@link UdpSocket.reply} answers). */
	lastSender?: SocketAddress;
}

/**
 * A UDP socket (socket(AF_INET, SOCK_DGRAM)). Create it with `host.udp(id)`.
 *
 * Calls never throw for network errors: they record an `error` event and return `false`.
 * They throw {@link SimError} for invalid arguments (bad IP, port, length) only.
 */
export class UdpSocket {
	/** Socket id, unique in the trace. */
	readonly id: string;
	/** Owning host. */
	readonly host: Host;
	/** Local port, 0 until bound or autobound. */
	localPort = 0;
	/** Connected peer (`connect()`), or null. */
	peer: SocketAddress | null = null;
	/** True after close(). */
	closed = false;
	/** Datagrams received. */
	received = 0;
	/** Payload bytes received. */
	bytesReceived = 0;
	/** Source address of the last datagram received, or null. */
	lastSender: SocketAddress | null = null;
	/** @internal error waiting to be returned by the next call (connected sockets, `udp_err`). */
	pendingError: { errno: SocketErrno; message: string } | null = null;
	/** @internal IP TTL for the next datagrams (traceroute sets it per probe). */
	ttl = UDP_TTL;
	/** @internal hook for ICMP errors quoting a datagram of this socket (traceroute). */
	onIcmpError?: (icmp: IcmpPacket) => void;
	/** @internal hook for delivered datagrams. */
	onDatagram?: (pkt: UdpPacket) => void;
	/**
	 * WinSock `SIO_UDP_CONNRESET` (Windows hosts): report an ICMP Port Unreachable as
	 * WSAECONNRESET from recvfrom(). Starts as the OS preset's `udpConnReset` (on for Windows).
	 */
	udpConnReset: boolean;

	/** @internal use `host.udp()`. */
	constructor(host: Host, id: string) {
		this.host = host;
		this.id = id;
		this.udpConnReset = host.preset.udpConnReset;
	}

	/**
	 * `WSAIoctl(s, SIO_UDP_CONNRESET, &on, …)`: whether ICMP Port Unreachable messages are
	 * reported ("Winsock IOCTLs": "Controls whether UDP PORT_UNREACHABLE messages are reported").
	 * @throws SimError on a host whose OS is not Windows (the ioctl does not exist there).
	 */
	setUdpConnReset(on: boolean): boolean {
		if (!this.host.preset.udpConnReset) {
			throw new SimError(`SIO_UDP_CONNRESET is a WinSock ioctl; host ${this.host.name} runs ${this.host.os}.`, 'udpConnReset');
		}
		this.host.callEvent(this.id, 'WSAIoctl', `SIO_UDP_CONNRESET ${on ? 'TRUE' : 'FALSE'}`);
		this.udpConnReset = on;
		return true;
	}

	/** Local socket address. */
	get local(): SocketAddress {
		return { ip: this.host.ip, port: this.localPort };
	}

	/** Plain-data snapshot for tables and tests. */
	snapshot(): UdpSocketSnapshot {
		const s: UdpSocketSnapshot = {
			id: this.id,
			host: this.host.name,
			proto: 'UDP',
			state: this.closed ? 'closed' : this.peer ? 'connected' : this.localPort ? 'bound' : 'unbound',
			local: this.local,
			remote: this.peer ? { ...this.peer } : { ip: '0.0.0.0', port: 0 },
			received: this.received,
			bytesReceived: this.bytesReceived
		};
		if (this.lastSender) s.lastSender = { ...this.lastSender };
		return s;
	}

	private fail(call: string, errno: SocketErrno, message: string): false {
		this.host.errorEvent(this.id, call, errno, message);
		return false;
	}

	private take(port: number, via: 'bind' | 'send' | 'connect', call: string): boolean {
		const st = udpState(this.host);
		const r = st.ports.bind(port, { root: this.host.root });
		if (!r.ok) return this.fail(call, r.errno, r.message.replace(/^bind/, port === 0 ? 'autobind' : 'bind'));
		this.localPort = r.port;
		st.byPort.set(r.port, this);
		this.host.portEvent('allocate', r.port, via, this.id, 'UDP');
		return true;
	}

	/** @internal take an ephemeral port now if unbound (traceroute); false on failure. */
	autobind(via: 'send' | 'connect'): boolean {
		return this.localPort !== 0 || this.take(0, via, via === 'send' ? 'sendto' : 'connect');
	}

	/** Check and consume a pending error (Linux `sock_error()`); false when one was pending. */
	private checkPending(call: string): boolean {
		const e = this.pendingError;
		if (e === null) return true;
		this.pendingError = null;
		this.fail(call, e.errno, e.message);
		return false;
	}

	/**
	 * bind(): take local port `port` (0 = an ephemeral port).
	 * Errors: EADDRINUSE (another UDP socket holds it), EACCES (below 1024 without root),
	 * EINVAL (already bound or closed).
	 * @throws SimError if `port` is not an integer 0..65535.
	 */
	bind(port: number): boolean {
		checkPort(port);
		this.host.callEvent(this.id, 'bind', `${this.host.ip}:${port} (UDP)`);
		if (this.closed || this.localPort !== 0) {
			return this.fail('bind', 'EINVAL', `bind(${port}): UDP socket ${this.id} is already bound or closed`);
		}
		return this.take(port, 'bind', 'bind');
	}

	/**
	 * connect(): set the default peer (no packet is sent: UDP has no handshake). Autobinds an
	 * ephemeral port if unbound (`inet_dgram_connect` → `inet_autobind`). Afterwards the socket
	 * only receives from that peer, `send()` needs no address, and ICMP errors from the peer are
	 * reported as ECONNREFUSED on the next call.
	 * @throws SimError for an invalid IP or port.
	 */
	connect(ip: string, port: number): boolean {
		checkIp(ip);
		checkPort(port);
		this.host.callEvent(this.id, 'connect', `${hostPort(ip, port)} (UDP)`);
		if (this.closed) return this.fail('connect', 'EINVAL', `connect(): UDP socket ${this.id} is closed`);
		if (this.localPort === 0 && !this.take(0, 'connect', 'connect')) return false;
		this.peer = { ip, port };
		this.pendingError = null;
		return true;
	}

	/**
	 * sendto(): send one datagram of `len` payload bytes to `ip:port`. The first send on an
	 * unbound socket autobinds an ephemeral port (`port` event, `via: 'send'`).
	 * Errors: ECONNREFUSED (pending ICMP error on a connected socket), EINVAL (closed),
	 * EADDRINUSE (no free port to autobind).
	 * @throws SimError for an invalid IP, a port outside 1..65535, or `len` outside 0..65507.
	 */
	sendTo(ip: string, port: number, len: number, payload?: string): boolean {
		checkIp(ip);
		checkPort(port);
		if (port === 0) throw new SimError('sendTo: destination port must be 1-65535 (got 0).', 'port');
		checkLen(len);
		this.host.callEvent(this.id, 'sendto', `${hostPort(ip, port)} ${len} bytes${payload !== undefined ? ` "${payload}"` : ''}`);
		return this.output('sendto', ip, port, len, payload);
	}

	/**
	 * send(): send one datagram to the connected peer.
	 * Errors: EDESTADDRREQ (not connected, as Linux), ECONNREFUSED (pending ICMP error), EINVAL.
	 * @throws SimError if `len` is outside 0..65507.
	 */
	send(len: number, payload?: string): boolean {
		checkLen(len);
		this.host.callEvent(this.id, 'send', `${len} bytes${payload !== undefined ? ` "${payload}"` : ''}`);
		if (this.peer === null) {
			return this.fail('send', 'EDESTADDRREQ', `send(): UDP socket ${this.id} is not connected; use sendto with an address`);
		}
		return this.output('send', this.peer.ip, this.peer.port, len, payload);
	}

	/**
	 * Reply to the sender of the last datagram received (what a server does with the address
	 * `recvfrom()` returned): the reply's ports are the request's, swapped.
	 * Errors: EDESTADDRREQ when no datagram has been received yet (nothing to reply to), plus
	 * those of {@link UdpSocket.sendTo}.
	 * @throws SimError if `len` is outside 0..65507.
	 */
	reply(len: number, payload?: string): boolean {
		checkLen(len);
		const to = this.lastSender;
		this.host.callEvent(this.id, 'sendto', `${to ? hostPort(to.ip, to.port) : '(no sender yet)'} ${len} bytes${payload !== undefined ? ` "${payload}"` : ''}`);
		if (to === null) {
			return this.fail('sendto', 'EDESTADDRREQ', `reply: UDP socket ${this.id} has not received a datagram yet, so there is no sender to reply to`);
		}
		return this.output('sendto', to.ip, to.port, len, payload);
	}

	/** Close the socket and give back its port. Idempotent. */
	close(): boolean {
		this.host.callEvent(this.id, 'close', '(UDP)');
		if (this.closed) return true;
		this.closed = true;
		this.release();
		return true;
	}

	/** @internal give the port back (close, or the end of a traceroute). */
	release(): void {
		if (this.localPort === 0) return;
		const st = udpState(this.host);
		if (st.byPort.get(this.localPort) === this) st.byPort.delete(this.localPort);
		st.ports.releaseBind(this.localPort);
		this.host.portEvent('release', this.localPort, 'bind', this.id, 'UDP');
	}

	private output(call: string, ip: string, port: number, len: number, payload: string | undefined): boolean {
		if (this.closed) return this.fail(call, 'EINVAL', `${call}(): UDP socket ${this.id} is closed`);
		if (!this.checkPending(call)) return false;
		const src = this.host.srcFor(ip);
		if (src === null) return this.fail(call, 'ENETUNREACH', `${call}(): host ${this.host.name} has no IPv6 address to send to ${ip} from`);
		if (this.localPort === 0 && !this.take(0, 'send', call)) return false;
		const pkt: UdpPacket = {
			proto: 'UDP',
			srcIp: src,
			dstIp: ip,
			ttl: this.ttl,
			id: 0,
			sport: this.localPort,
			dport: port,
			len
		};
		if (payload !== undefined) pkt.payload = payload;
		this.host.net.transmit(pkt, this.host);
		return true;
	}

	/** @internal a datagram for this socket arrived. */
	deliver(pkt: UdpPacket): void {
		this.received++;
		this.bytesReceived += pkt.len;
		this.lastSender = { ip: pkt.srcIp, port: pkt.sport };
		this.onDatagram?.(pkt);
	}

	/** @internal an ICMP error quoting one of this socket's datagrams arrived (`udp_err`). */
	icmpError(icmp: IcmpPacket): void {
		if (this.onIcmpError) {
			this.onIcmpError(icmp);
			return;
		}
		const q = icmp.quoted;
		if (q === undefined) return;
		const v6 = isIp6(icmp.srcIp);
		// Port unreachable: ICMP 3/3 (RFC 792), ICMPv6 1/4 (RFC 4443 §3.1).
		const portUnreach = v6 ? icmp.type === ICMP6.DEST_UNREACH && icmp.code === ICMP6_PORT_UNREACH : icmp.type === 3 && icmp.code === 3;
		const destUnreach = v6 ? icmp.type === ICMP6.DEST_UNREACH : icmp.type === 3;
		if (this.host.preset.udpConnReset && portUnreach) {
			// Windows: the pending recvfrom() fails WSAECONNRESET (SIO_UDP_CONNRESET, KB263823).
			if (!this.udpConnReset) return;
			if (this.peer !== null && (q.dst.ip !== this.peer.ip || q.dst.port !== this.peer.port)) return;
			this.host.errorEvent(
				this.id,
				this.peer === null ? 'recvfrom' : 'recv',
				'ECONNRESET',
				`ICMP port unreachable from ${icmp.srcIp}: the datagram sent to UDP ${hostPort(q.dst.ip, q.dst.port)} reached no socket (SIO_UDP_CONNRESET is on)`
			);
			return;
		}
		if (this.peer === null) return; // unconnected: ignored without IP_RECVERR
		if (q.dst.ip !== this.peer.ip || q.dst.port !== this.peer.port) return;
		if (destUnreach) {
			// icmp_err_convert[] (icmpv6_err_convert for IPv6): port unreachable → ECONNREFUSED; others → EHOSTUNREACH.
			const errno: SocketErrno = portUnreach ? 'ECONNREFUSED' : 'EHOSTUNREACH';
			this.pendingError = {
				errno,
				message:
					errno === 'ECONNREFUSED'
						? `ICMP port unreachable from ${icmp.srcIp}: nothing listens on UDP ${hostPort(q.dst.ip, q.dst.port)}`
						: `ICMP destination unreachable (code ${icmp.code}) from ${icmp.srcIp}`
			};
		}
	}
}

function checkLen(len: number): void {
	if (!Number.isInteger(len) || len < 0 || len > MAX_UDP_PAYLOAD) {
		throw new SimError(`UDP payload length must be an integer 0-${MAX_UDP_PAYLOAD} bytes (got ${String(len)}).`, 'len');
	}
}

/**
 * @internal Create a UDP socket on `host` (`host.udp(id)`).
 * @throws SimError if the id is already used.
 */
export function createUdpSocket(host: Host, id: string | undefined): UdpSocket {
	const sid = id ?? generatedSocketId(host.name, host.nextSocketNumber);
	host.nextSocketNumber++;
	const s = new UdpSocket(host, sid);
	host.core.registerOtherSocket?.(sid, s);
	udpState(host).sockets.push(s);
	return s;
}

/**
 * @internal ICMP Port Unreachable (type 3 code 3) for `pkt` (no socket), or for an IPv6
 * datagram ICMPv6 Destination Unreachable code 4 (RFC 4443 §3.1). Not sent for broadcast/multicast.
 */
function portUnreachable(host: Host, pkt: UdpPacket): void {
	const v6 = isIp6(pkt.dstIp);
	const icmp: IcmpPacket = {
		proto: 'ICMP',
		srcIp: pkt.dstIp,
		dstIp: pkt.srcIp,
		ttl: UDP_TTL,
		id: 0,
		type: v6 ? ICMP6.DEST_UNREACH : 3,
		code: v6 ? ICMP6_PORT_UNREACH : 3,
		quoted: { proto: 'UDP', src: { ip: pkt.srcIp, port: pkt.sport }, dst: { ip: pkt.dstIp, port: pkt.dport } }
	};
	host.net.transmit(icmp, host);
}

/** @internal A UDP datagram addressed to `host` arrived (Linux `__udp4_lib_rcv`). */
export function udpInput(host: Host, pkt: UdpPacket): void {
	const s = host.udpState?.byPort.get(pkt.dport);
	if (s !== undefined && !s.closed && (s.peer === null || (s.peer.ip === pkt.srcIp && s.peer.port === pkt.sport))) {
		s.deliver(pkt);
		return;
	}
	portUnreachable(host, pkt);
}

/** @internal An ICMP error quoting a UDP datagram sent from `host` arrived (`udp_err`). */
export function udpError(host: Host, icmp: IcmpPacket): void {
	const q = icmp.quoted;
	if (q === undefined || (q.src.ip !== host.ip && q.src.ip !== host.ip6)) return;
	const s = host.udpState?.byPort.get(q.src.port);
	if (s !== undefined && !s.closed) s.icmpError(icmp);
}
