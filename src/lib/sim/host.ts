/**
 * End hosts: one IPv4 address, an OS preset, and the demultiplexing of what arrives — a packet
 * goes to TCP, UDP or ICMP by its protocol (RFC 1122 §3.2.1.1's "protocol" field), and a TCP
 * segment to the connection with its 4-tuple, else to the listener on its port (RFC 9293
 * §3.10.7; Linux's established and listening hashes, FreeBSD's `in_pcblookup`).
 *
 * A {@link Host} implements the interfaces its protocols use (`TcpHost` in tcb.ts, which extends
 * {@link HostContext} of node.ts), so the protocol modules never import this one.
 *
 * @module
 */

import type { SimCore } from './core';
import { SimError } from './errors';
import {
	icmpInput,
	startPing,
	startTraceroute,
	type IcmpHostState,
	type PingInfo,
	type PingOptions,
	type TracerouteInfo,
	type TracerouteOptions
} from './icmp';
import { NetNode, type Network } from './node';
import { errnoForHost } from './errno';
import { getPreset, presetPortOptions, type OsPreset, type OsPresetId } from './os';
import { PortTable } from './ports';
import type { Rng } from './prng';
import { tcpInput } from './tcp-input';
import { tcpIcmpError } from './tcp-icmp';
import { TcpSocket, type SocketSnapshot, type TcpSocketOptions } from './tcp-socket';
import type { ConnectTuning, ListenQueues, Tcb, TcpHost, TimeWaitConn, TimeWaitList } from './tcb';
import type { TimeWait } from './tcp-timewait';
import { TimeWaitSlab } from './tcp-tw-slab';
import { CONNECT_TUNING, MAX_SYN_RETRIES } from './tcp-listen';
import type { ErrorEvent, Protocol, SocketErrno } from './trace';
import { createUdpSocket, udpInput, type UdpHostState, type UdpSocket } from './udp';
import { v6onlyDefault } from './ipv6';
import { checkIp, isIp6, mapped4, type IcmpPacket, type Packet } from './wire';

/** Options of a host (`Simulation.addHost` documents them). */
export interface HostConfig {
	name: string;
	ip: string;
	/** The host's IPv6 address (a dual-stack host), in RFC 5952 text. */
	ip6?: string;
	os?: OsPresetId;
	root?: boolean;
	scripted?: boolean;
	ephemeral?: [number, number];
	autoReuse?: [number, number];
	/** Override of the preset's SYN retries (Linux `tcp_syn_retries`), 0..127. */
	synRetries?: number;
	/** Override of the preset's SYN cookies (Linux `tcp_syncookies` 1 or 0). */
	syncookies?: boolean;
	tcp?: TcpHostSettings;
}

/**
 * Per-host changes to the preset's TCP profile (`preset.tcp`, os.ts): options turned off (Linux
 * `net.ipv4.tcp_window_scaling`, `tcp_sack`, `tcp_timestamps` = 0), the receive buffer (bytes,
 * `tcp_rmem` / SO_RCVBUF) and Linux `tcp_tw_reuse`.
 */
export interface TcpHostSettings {
	wscale?: boolean;
	sack?: boolean;
	ts?: boolean;
	rcvBuf?: number;
	twReuse?: 0 | 1 | 2;
}

/**
 * A simulated end host with one IPv4 address, an OS preset, a TCP stack and per-protocol
 * port tables ({@link PortTable}).
 */
export class Host extends NetNode implements TcpHost {
	/** The host's IPv4 address (dotted quad). */
	readonly ip: string;
	/** The host's IPv6 address (RFC 5952 text), or null for an IPv4-only host. */
	readonly ip6: string | null;
	/** OS preset id. */
	readonly os: OsPresetId;
	/** The OS preset (ephemeral range, TIME-WAIT length, RST-in-TIME-WAIT behaviour). */
	readonly preset: OsPreset;
	/** True when the host may bind ports below 1024. */
	readonly root: boolean;
	/** True for a host with no TCP stack (never answers; see `Simulation.inject`). */
	readonly scripted: boolean;
	/** @internal TCP port table (ephemeral allocation, bind conflicts, TIME-WAIT tuples). */
	readonly tcpPorts: PortTable;
	/** SYN retries, first SYN RTO, somaxconn and SYN cookies (the preset's, with this host's overrides). */
	readonly connectTuning: ConnectTuning;
	/** @internal ISN stream for this host (RFC 9293 §3.4.1: ISN chosen per connection). */
	readonly isnRng: Rng;
	/** @internal */ readonly core: SimCore;
	/** @internal every TCP socket created on this host (retained for inspection). */
	readonly tcpSockets: TcpSocket[] = [];
	/** @internal listeners by local port. */
	readonly listeners = new Map<number, Tcb>();
	/** @internal AF_INET6 listeners by local port (see {@link Host.listenerFor}). */
	readonly listeners6 = new Map<number, Tcb>();
	/**
	 * @internal Binds of AF_INET6 sockets. Linux keeps one bind hash for both families and lets
	 * an IPV6_V6ONLY socket share a port with an AF_INET one (`inet_bind_conflict` →
	 * `ipv6_rcv_saddr_equal`); here an AF_INET6 bind takes its port in this table, and a
	 * dual-stack one (IPV6_V6ONLY off) also in {@link tcpPorts}, where it conflicts with IPv4
	 * binds. Ephemeral ports for connect() over IPv6 come from {@link tcpPorts}: the same
	 * per-OS allocator (Linux `__inet_hash_connect` serves both families). Made on first use
	 * (most hosts never open an AF_INET6 socket).
	 */
	get tcpPorts6(): PortTable {
		return (this.ports6 ??= new PortTable({ ...presetPortOptions(this.preset, this.autoReuse), rng: this.core.rng.fork(`ports:tcp6:${this.name}`) }));
	}
	private ports6: PortTable | null = null;
	private readonly autoReuse: [number, number] | undefined;
	/**
	 * @internal Connection demultiplexing (Linux's established hash), indexed by local port: the
	 * TCB itself while the port carries one connection (the usual case for an ephemeral port),
	 * else a map by the port table's key for (remote ip, remote port). Pages of
	 * {@link CONN_PAGE_SIZE} slots (the low bits of the port), each made when its first port gets
	 * a connection: a `Map` under constant insert/delete churn rehashes its whole table every few
	 * thousand operations, and the dense 65,536-slot array this replaces cost every host 512 KB
	 * at its first connection, allocated and zero-filled inside the lifecycle benchmark's timed
	 * runs (`perf record` of them: 1.1 % of the CPU time in V8's NewFixedArrayWithFiller, and page
	 * faults). The page directory too is made at the first connection (idle hosts pay nothing).
	 * Use {@link Host.lookup}.
	 */
	private conns: (ConnSlot[] | undefined)[] | null = null;
	/** @internal the connections in TIME-WAIT, as records (tcp-timewait.ts), in the order they entered it. */
	readonly timeWaits: TimeWaitList = { first: null, last: null, slab: new TimeWaitSlab() };
	/** @internal local TCP ports from which this host injected scripted segments. */
	readonly scriptedPorts = new Set<number>();
	/** @internal counter for auto socket ids `<host>#<n>`. */
	nextSocketNumber = 1;
	/** @internal UDP sockets and port table (udp.ts), created on first use. */
	udpState?: UdpHostState;
	/** @internal Packet Too Big about one of this host's TCP segments (tcp-pmtu.ts). */
	onTcpIcmp?: (icmp: IcmpPacket) => void;
	/** @internal ICMP echo identifiers and tools (icmp.ts), created on first use. */
	icmpState?: IcmpHostState;

	/**
	 * @internal use `Simulation.addHost`.
	 * @throws SimError for an invalid IP, an unknown OS preset or an invalid ephemeral range.
	 */
	constructor(net: Network, core: SimCore, opts: HostConfig) {
		super(opts.name, net);
		checkIp(opts.ip, 'ip');
		if (isIp6(opts.ip)) throw new SimError(`Host ${opts.name}: the first address must be IPv4; give the IPv6 one as ip6 (got ${opts.ip}).`, 'ip');
		this.ip = opts.ip;
		this.ip6 = null;
		if (opts.ip6 !== undefined) {
			checkIp(opts.ip6, 'ip6');
			if (!isIp6(opts.ip6)) throw new SimError(`Host ${opts.name}: ip6 must be an IPv6 address (got ${opts.ip6}).`, 'ip6');
			this.ip6 = opts.ip6;
		}
		this.os = opts.os ?? 'linux';
		let preset: OsPreset;
		try {
			preset = getPreset(this.os);
		} catch (e) {
			throw new SimError((e as Error).message, 'os');
		}
		if (opts.ephemeral !== undefined) {
			// `range=LOW-HIGH` / net.ipv4.ip_local_port_range: same preset, another ephemeral range.
			const r = opts.ephemeral;
			if (!Array.isArray(r) || r.length !== 2 || !Number.isInteger(r[0]) || !Number.isInteger(r[1]) || r[0] < 1 || r[1] > 65535 || r[0] > r[1]) {
				throw new SimError(`Host ${opts.name}: ephemeral range must be [low, high] with integers 1 <= low <= high <= 65535 (got ${JSON.stringify(r)}).`, 'ephemeral');
			}
			preset = Object.freeze({ ...preset, ephemeral: [r[0], r[1]] as [number, number] });
		}
		if (opts.tcp !== undefined) preset = withTcpSettings(preset, opts.tcp, opts.name);
		this.preset = preset;
		this.root = opts.root ?? false;
		this.scripted = opts.scripted ?? false;
		this.core = core;
		this.isnRng = core.rng.fork(`isn:${opts.name}`);
		if (opts.autoReuse !== undefined && this.os !== 'windows') {
			// Set-NetTCPSetting -AutoReusePortRange…: Windows 8.1 / Server 2012 R2 (KB3149157) and later.
			throw new SimError(`Host ${opts.name}: an auto-reuse port range is a Windows setting (os=windows), not ${this.os}.`, 'autoReuse');
		}
		const tuning = { ...CONNECT_TUNING[this.os] };
		if (opts.synRetries !== undefined) {
			if (!Number.isInteger(opts.synRetries) || opts.synRetries < 0 || opts.synRetries > MAX_SYN_RETRIES) {
				throw new SimError(`Host ${opts.name}: synRetries must be an integer 0-${MAX_SYN_RETRIES} (got ${String(opts.synRetries)}).`, 'synRetries');
			}
			tuning.synRetries = opts.synRetries;
		}
		if (opts.syncookies !== undefined) tuning.syncookies = opts.syncookies === true;
		this.connectTuning = Object.freeze(tuning);
		this.tcpPorts = new PortTable({ ...presetPortOptions(this.preset, opts.autoReuse), rng: core.rng.fork(`ports:tcp:${opts.name}`) });
		this.autoReuse = opts.autoReuse;
		this.ipList = this.ip6 === null ? [this.ip] : [this.ip, this.ip6];
		this.v6onlyDefault = v6onlyDefault(this.os);
	}

	private readonly ipList: readonly string[];
	/** IPV6_V6ONLY of a new AF_INET6 socket on this OS (ipv6.ts, {@link v6onlyDefault}). */
	readonly v6onlyDefault: boolean;

	get ips(): readonly string[] {
		return this.ipList;
	}

	/** @internal the source address for a packet to `dstIp`: the host's address of that family, or null. */
	srcFor(dstIp: string): string | null {
		return isIp6(dstIp) ? this.ip6 : this.ip;
	}

	/**
	 * @internal The listener a SYN from `remoteIp` to `port` reaches. IPv6: the AF_INET6 listener.
	 * IPv4: the AF_INET listener, else a dual-stack AF_INET6 one (IPV6_V6ONLY off), which sees
	 * the peer as `::ffff:a.b.c.d`. Linux prefers the AF_INET socket when both listen on the
	 * wildcard (`compute_score` in net/ipv4/inet_hashtables.c adds one for `sk_family == PF_INET`).
	 */
	listenerFor(port: number, remoteIp: string): Tcb | undefined {
		if (isIp6(remoteIp)) return this.listeners6.get(port);
		const l = this.listeners.get(port);
		if (l !== undefined) return l;
		const l6 = this.listeners6.get(port);
		return l6 !== undefined && !l6.v6only ? l6 : undefined;
	}

	// -----------------------------------------------------------------------------------------
	// Sockets and tools

	/**
	 * Create a TCP socket on this host (socket(AF_INET, SOCK_STREAM)); it starts CLOSED.
	 * @param id - unique socket id in the trace; default `"<host>#<n>"`.
	 * @param opts - `autoRead` (default true): the application reads arriving data at once.
	 * @throws SimError if the id is already used.
	 */
	tcp(id?: string, opts?: TcpSocketOptions): TcpSocket {
		// (a generated id is spelled out only when read: Tcb.id)
		const s = new TcpSocket(this, id ?? this.nextSocketNumber, opts);
		this.nextSocketNumber++;
		s.byId = this.core.registerSocket(s, id === undefined);
		s.hostIndex = this.tcpSockets.length;
		this.tcpSockets.push(s);
		return s;
	}

	/**
	 * @internal Create the child socket of listener `l` for an arriving SYN (accept queue),
	 * id `<listenerId>.<n>` with n counting that listener's children from 1.
	 * @throws SimError if a socket the user created already has that id.
	 */
	tcpChild(l: Tcb): TcpSocket {
		const n = ++(l.queues as ListenQueues).childCount;
		const s = new TcpSocket(this, 0, { autoRead: l.autoRead }); // id `<listenerId>.<n>` (Tcb.id)
		s.listener = l;
		s.childNumber = n;
		this.core.registerChild(s);
		s.hostIndex = this.tcpSockets.length;
		this.tcpSockets.push(s);
		return s;
	}

	/**
	 * Create a UDP socket on this host (socket(AF_INET, SOCK_DGRAM)); it has no port until
	 * `bind()`, `connect()` or the first `sendTo()` (see udp.ts).
	 * @param id - unique socket id in the trace; default `"<host>#<n>"`.
	 * @throws SimError if the id is already used.
	 */
	udp(id?: string): UdpSocket {
		return createUdpSocket(this, id);
	}

	/**
	 * ping: send `count` ICMP Echo Requests `intervalMs` apart, starting now (see icmp.ts).
	 * @returns the tool's id (`<host>#ping<n>`) and its echo identifier.
	 * @throws SimError for an invalid IP, count (1-10000) or interval (> 0 ms).
	 */
	ping(ip: string, opts?: PingOptions): PingInfo {
		return startPing(this, ip, opts);
	}

	/**
	 * traceroute (`style: 'unix'`, UDP probes to 33434+) or Windows tracert (`'windows'`, ICMP
	 * echo probes), starting now; TTL 1, 2, … up to `maxHops` (30), `probes` (3) per hop.
	 * @throws SimError for an invalid IP, style, maxHops (1-255), probes (1-10) or waitMs.
	 */
	traceroute(ip: string, opts?: TracerouteOptions): TracerouteInfo {
		return startTraceroute(this, ip, opts);
	}

	/**
	 * Local ports held by live sockets of `proto` (TCP: every socket not CLOSED, plus CLOSED
	 * sockets that still hold an explicit bind), ascending, without duplicates.
	 * Accepted sockets share their listener's port (Linux `__inet_inherit_port`).
	 */
	portsInUse(proto: Protocol = 'TCP'): number[] {
		if (proto === 'UDP') return [...(this.udpState?.byPort.keys() ?? [])].sort((a, b) => a - b);
		if (proto === 'ICMP') return [...(this.icmpState?.byId.keys() ?? [])].sort((a, b) => a - b);
		if (proto !== 'TCP') return [];
		const set = new Set<number>();
		for (const s of this.tcpSockets) if (s.holdsPort()) set.add(s.localPort);
		for (let w = this.timeWaits.first; w !== null; w = w.next) set.add(w.localPort); // a TIME-WAIT record holds its port
		return [...set].sort((a, b) => a - b);
	}

	/**
	 * Snapshot of every TCP socket created on this host (see `Simulation.sockets`). With
	 * `record: false` a socket leaves the list when it enters TIME-WAIT (tcp-timewait.ts), so its
	 * TIME-WAIT record is listed after the sockets instead.
	 */
	sockets(): SocketSnapshot[] {
		const out = this.tcpSockets.map((s) => s.snapshot());
		if (!this.core.record) for (let w = this.timeWaits.first; w !== null; w = w.next) out.push(timeWaitSnapshot(this, w as TimeWait));
		return out;
	}

	/** @internal remove a closed socket from the inspection list and the simulation's id table. */
	forget(t: Tcb): void {
		const i = t.hostIndex;
		if (i >= 0 && this.tcpSockets[i] === t) {
			const last = this.tcpSockets.pop() as TcpSocket;
			if (i < this.tcpSockets.length) {
				this.tcpSockets[i] = last;
				last.hostIndex = i;
			}
			t.hostIndex = -1;
		}
		if (t.byId) {
			this.core.forgetSocket(t);
			t.byId = false;
		}
	}

	// -----------------------------------------------------------------------------------------
	// Demultiplexing

	/** @internal A packet addressed to this host arrived: hand it to its protocol. */
	receive(pkt: Packet): void {
		if (this.scripted) return;
		if (pkt.proto === 'TCP') tcpInput(this, pkt);
		else if (pkt.proto === 'UDP') udpInput(this, pkt);
		else {
			if (pkt.type === 3 && pkt.quoted?.proto === 'TCP') tcpIcmpError(this, pkt);
			icmpInput(this, pkt);
		}
	}

	/** @internal the connection (not a listener) with this 4-tuple; the local IP is the host's. */
	lookup(localPort: number, remoteIp: string, remotePort: number): Conn | undefined {
		const pages = this.conns;
		if (pages === null) return undefined;
		const page = pages[localPort >>> CONN_PAGE_BITS];
		if (page === undefined) return undefined;
		const v = page[localPort & CONN_PAGE_MASK];
		if (v === undefined) return undefined;
		if (v instanceof Map) return v.get(this.tcpPorts.destKey(remoteIp, remotePort));
		return v.remotePort === remotePort && v.remoteIp === remoteIp ? v : undefined;
	}

	/** @internal enter a connection in the table {@link lookup} searches. */
	addConn(t: Conn): void {
		const pages = (this.conns ??= new Array<ConnSlot[] | undefined>(65536 >>> CONN_PAGE_BITS));
		const p = t.localPort >>> CONN_PAGE_BITS;
		const c = pages[p] ?? (pages[p] = new Array<ConnSlot>(CONN_PAGE_SIZE).fill(undefined));
		const slot = t.localPort & CONN_PAGE_MASK;
		const v = c[slot];
		if (v === undefined) {
			c[slot] = t;
			return;
		}
		if (v === t) return;
		let m: Map<number, Conn>;
		if (v instanceof Map) m = v;
		else {
			m = new Map([[this.tcpPorts.destKey(v.remoteIp, v.remotePort), v]]);
			c[slot] = m;
		}
		const k = this.tcpPorts.destKey(t.remoteIp, t.remotePort);
		const prev = m.get(k);
		if (prev !== undefined && prev !== t) {
			throw new Error(`internal: 5-tuple collision on ${this.name} ${t.localPort} ${t.remoteIp}:${t.remotePort} (${prev.id} vs ${t.id})`);
		}
		m.set(k, t);
	}

	/** @internal remove a connection from the demultiplexing table. */
	removeConn(t: Conn): void {
		const c = this.conns?.[t.localPort >>> CONN_PAGE_BITS];
		if (c === undefined) return;
		const slot = t.localPort & CONN_PAGE_MASK;
		const m = c[slot];
		if (m === undefined) return;
		if (!(m instanceof Map)) {
			if (m === t) c[slot] = undefined;
			return;
		}
		const k = this.tcpPorts.destKey(t.remoteIp, t.remotePort);
		if (m.get(k) === t) {
			m.delete(k);
			if (m.size === 0) c[slot] = undefined;
		}
	}

	// -----------------------------------------------------------------------------------------
	// Trace

	/** @internal record a port allocation or release. */
	portEvent(
		action: 'allocate' | 'release',
		port: number,
		via: 'connect' | 'bind' | 'autobind' | 'send',
		socket: string,
		proto: Protocol = 'TCP'
	): void {
		const c = this.core;
		if (!c.record) return;
		c.events.push({ kind: 'port', t: c.queue.now, host: this.name, proto, action, port, via, socket });
	}

	/** @internal record a failed socket call (always recorded, even with record:false). */
	errorEvent(socket: string, call: string, errno: SocketErrno, message: string): void {
		const c = this.core;
		// Windows hosts name errors as WinSock does (WSAENOBUFS, 10055): errno.ts.
		const ev: ErrorEvent = { kind: 'error', t: c.queue.now, host: this.name, socket, call, errno, message };
		if (this.preset.errnoNames === 'winsock') Object.assign(ev, errnoForHost('winsock', errno));
		c.events.push(ev);
	}

	/** @internal record a socket call. */
	callEvent(socket: string, call: string, detail: string): void {
		const c = this.core;
		if (!c.record) return;
		c.events.push({ kind: 'call', t: c.queue.now, host: this.name, socket, call, detail });
	}
}

/**
 * The preset with a host's TCP settings applied (a frozen copy).
 * @throws SimError for a receive buffer that is not an integer 1..1,073,725,440 (65,535 << 14,
 *   RFC 7323 §2.3), for tcp_tw_reuse outside 0..2, and for tcp_tw_reuse on a non-Linux host.
 */
function withTcpSettings(preset: OsPreset, s: TcpHostSettings, name: string): OsPreset {
	const tcp = { ...preset.tcp };
	if (s.wscale === false) tcp.wscale = null;
	if (s.sack === false) tcp.sack = false;
	if (s.ts === false) tcp.ts = false;
	if (s.rcvBuf !== undefined) {
		if (!Number.isInteger(s.rcvBuf) || s.rcvBuf < 1 || s.rcvBuf > 65535 * 2 ** 14) {
			throw new SimError(`Host ${name}: receive buffer must be an integer 1..${65535 * 2 ** 14} bytes (got ${JSON.stringify(s.rcvBuf)}).`, 'rcvBuf');
		}
		tcp.rcvBuf = s.rcvBuf;
	}
	if (s.twReuse !== undefined) {
		if (s.twReuse !== 0 && s.twReuse !== 1 && s.twReuse !== 2) {
			throw new SimError(`Host ${name}: tcp_tw_reuse must be 0, 1 or 2 (got ${JSON.stringify(s.twReuse)}).`, 'twReuse');
		}
		if (preset.id !== 'linux') throw new SimError(`Host ${name}: tcp_tw_reuse is a Linux setting (os=linux), not ${preset.id}.`, 'twReuse');
		tcp.twReuse = s.twReuse;
	}
	return Object.freeze({ ...preset, tcp: Object.freeze(tcp) });
}

/** What the demultiplexing table holds: a TCB, or a connection in TIME-WAIT as a record (tcp-timewait.ts). */
type Conn = Tcb | TimeWaitConn;
/** One port's slot in that table: its one connection, a map of several, or nothing. */
type ConnSlot = Conn | Map<number, Conn> | undefined;
/** Ports per page of the demultiplexing table (`Host.conns`), and the page and slot of a port. */
const CONN_PAGE_BITS = 8;
const CONN_PAGE_SIZE = 1 << CONN_PAGE_BITS;
const CONN_PAGE_MASK = CONN_PAGE_SIZE - 1;

/** A TIME-WAIT record as `TcpSocket.snapshot` shows its socket. */
function timeWaitSnapshot(h: Host, w: TimeWait): SocketSnapshot {
	const s: SocketSnapshot = {
		id: w.id,
		host: h.name,
		proto: 'TCP',
		state: w.state,
		local: { ip: w.mapped ? mapped4(w.localIp) : w.localIp, port: w.localPort },
		remote: { ip: w.mapped ? mapped4(w.remoteIp) : w.remoteIp, port: w.remotePort },
		unread: w.unread,
		rcvNxt: w.rcvNxt,
		sndNxt: w.sndNxt,
		sndUna: w.sndNxt,
		iss: w.iss,
		irs: w.irs
	};
	if (w.listenerId !== undefined) s.listener = w.listenerId;
	return s;
}
