/**
 * Hosts, routers, links, routing and packet delivery.
 *
 * A packet is a tagged union on `proto` ({@link TcpPacket} | {@link UdpPacket} |
 * {@link IcmpPacket}). When a node transmits a packet, {@link Network.transmit} resolves the
 * destination node from the destination IP, walks the shortest path (by total latency, ties
 * broken by hop count and then by the order nodes were added), and at each hop:
 *
 * 1. applies a pending {@link Network.dropNext} or the link's loss probability (drawn from the
 *    seeded PRNG, only on lossy links, so adding a loss-free link never shifts other numbers);
 * 2. at each router: decrements the IP TTL (RFC 791; a packet whose TTL reaches 0 is dropped
 *    with `dropped: 'ttl'` and {@link Router.onTtlExceeded} is called, the hook for ICMP Time
 *    Exceeded), then runs the router's optional {@link FirewallHook} and {@link NatHook}.
 *
 * The packet's trace event is recorded when it leaves the sender, with `arrivedAt` = send time +
 * the sum of link latencies along the path, or `null` when it was lost. Delivery is one queue
 * event at `arrivedAt` targeted at the destination node.
 *
 * Hooks run at send time with the virtual time the packet reaches the router
 * (`t + latency so far`); see deviations doc.
 *
 * @module
 */

import type { EventQueue, EventTarget } from './clock';
import { SimError } from './errors';
import { getPreset, presetPortOptions, type OsPreset, type OsPresetId } from './os';
import type { Rng } from './prng';
import { PortTable } from './ports';
import type {
	ErrorEvent,
	Protocol,
	SegmentEvent,
	SocketAddress,
	SocketErrno,
	TcpFlag,
	TraceEvent
} from './trace';
import { errnoForHost } from './errno';
import { TcpSocket, type TcpSocketOptions } from './tcp';
import { tcpInput as tcpInputImpl } from './tcp-input';
import { createUdpSocket, udpInput, type UdpHostState, type UdpSocket } from './udp';
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
import { F_ACK as W_ACK, flagsToList, checkIp } from './wire';

// Module-local copies of imported hot-path values: under a CommonJS transform (tsx/esbuild in
// Node) every access to an imported binding is a property getter on the exporting module, which
// the optimiser does not always inline; a local const is a plain constant in every bundler.
const F_ACK = W_ACK;
const tcpInput = tcpInputImpl;

// ---------------------------------------------------------------------------------------------
// Packets

/** Fields common to every IP packet. IPs are dotted-quad strings. */
interface IpCommon {
	srcIp: string;
	dstIp: string;
	/** IP time-to-live, decremented by each router (RFC 791). Hosts send 64. */
	ttl: number;
	/** Trace id of this transmission (set by {@link Network.transmit}). */
	id: number;
}

/** A TCP segment on the wire (RFC 9293 §3.1). `len` is payload bytes (SYN/FIN not counted). */
export interface TcpPacket extends IpCommon {
	proto: 'TCP';
	sport: number;
	dport: number;
	/** Bit mask of F_SYN, F_ACK, F_FIN, F_RST, F_PSH. */
	flags: number;
	/** SEG.SEQ, unsigned 32-bit. */
	seq: number;
	/** SEG.ACK, unsigned 32-bit (0 when the ACK bit is off). */
	ack: number;
	/** Payload bytes. */
	len: number;
	/** SEG.WND, bytes. */
	wnd: number;
	payload?: string;
	retransmission: boolean;
}

/** A UDP datagram (RFC 768). Used by the UDP helper; the engine only routes it. */
export interface UdpPacket extends IpCommon {
	proto: 'UDP';
	sport: number;
	dport: number;
	len: number;
	payload?: string;
}

/** An ICMP message (RFC 792). ICMP has no ports. */
export interface IcmpPacket extends IpCommon {
	proto: 'ICMP';
	type: number;
	code: number;
	identifier?: number;
	sequence?: number;
	/**
	 * For errors (types 3, 11): the offending packet's 5-tuple. When the quoted packet is an
	 * ICMP echo, ports are 0 and `identifier`/`sequence` are the echo's.
	 */
	quoted?: { proto: Protocol; src: SocketAddress; dst: SocketAddress; identifier?: number; sequence?: number };
}

/** Any packet the network carries, tagged by `proto`. */
export type Packet = TcpPacket | UdpPacket | IcmpPacket;

// ---------------------------------------------------------------------------------------------
// Router hook slots (implemented by the NAT / firewall helper)

/** Which way a packet crosses a router, relative to a NAT's inside network. */
export type Direction = 'in' | 'out';

/**
 * NAT hook slot on a router. Called for every packet the router forwards.
 * Return the (possibly rewritten) packet to forward it, or `null` to drop it
 * (recorded as `dropped: 'nat'`). Implementations may mutate and return `pkt`.
 */
export interface NatHook {
	/**
	 * @param pkt - the packet as it arrives at the router.
	 * @param fromNode - name of the node it came from; `toNode` - next hop.
	 * @param t - virtual time (ms) at which the packet reaches the router.
	 */
	translate(pkt: Packet, fromNode: string, toNode: string, t: number): Packet | null;
	/**
	 * Optional: a packet addressed to one of the router's own addresses (a NAT public address)
	 * arrived from `fromNode` at `t`. Return the packet translated to an inside destination (the
	 * network forwards it on, decrementing TTL and running the firewall after translation),
	 * `null` to drop it (`dropped: 'nat'`), or `'local'` to deliver it to the router itself.
	 */
	inbound?(pkt: Packet, fromNode: string, t: number): Packet | null | 'local';
}

/** Firewall hook slot on a router. Return false to drop (recorded as `dropped: 'firewall'`). */
export interface FirewallHook {
	/**
	 * Same arguments as {@link NatHook.translate}. At a router the packet passes through, runs
	 * before {@link NatHook.translate}; for a packet addressed to a NAT public address, runs after
	 * {@link NatHook.inbound} has translated it (so it always sees inside addresses).
	 */
	filter(pkt: Packet, fromNode: string, toNode: string, t: number): boolean;
}

/** NAT configuration as in the engine contract (`sim.setNat`). */
export interface NatConfig {
	publicIp: string;
	mode: 'remap' | 'preserve';
	/** Inclusive public port range, default [1024, 65535]. */
	range?: [number, number];
}

/** A stateless firewall rule (`sim.setFirewall`). */
export interface FirewallRule {
	action: 'allow' | 'deny';
	direction: Direction;
	proto: Protocol | 'any';
	/** Destination port or inclusive range. */
	dport?: number | [number, number];
	sport?: number | [number, number];
}

/** Firewall configuration as in the engine contract (`sim.setFirewall`). */
export type FirewallConfig = { mode: 'stateful' } | { mode: 'stateless'; rules: FirewallRule[] };

// ---------------------------------------------------------------------------------------------
// Shared core the network and TCP need from the simulation

/**
 * What the network and TCP layers need from the owning simulation. Implemented by
 * `Simulation`; internal (not part of the public API).
 */
export interface SimCore {
	readonly queue: EventQueue;
	/** When false, only ErrorEvents are recorded (benchmarks). */
	readonly record: boolean;
	readonly events: TraceEvent[];
	/** Allocate the next packet id. */
	nextPacketId(): number;
	/**
	 * Register a newly created socket id (throws SimError on duplicates). `generated`: the id was
	 * made by {@link Host.tcp} (`<host>#<n>`), not given by the user.
	 */
	registerSocket(s: TcpSocket, generated?: boolean): void;
	/** Register a listener's child `<listenerId>.<n>` (throws SimError if a user socket has that id). */
	registerChild(s: TcpSocket): void;
	/** Forget a socket that is CLOSED and released (only when `record` is false). */
	forgetSocket(s: TcpSocket): void;
	/** Root PRNG, forked per purpose. */
	readonly rng: Rng;
	/** Register a non-TCP socket id (UDP, tools) in the shared id namespace (throws SimError on duplicates). */
	registerOtherSocket?(id: string, s: UdpSocket): void;
}

// ---------------------------------------------------------------------------------------------
// Nodes

const EV_DELIVER = 1;

/** Base of every node: something with a name and IP addresses that can receive packets. */
abstract class NodeBase implements EventTarget {
	/** Index in insertion order (routing tie-break). */
	index = 0;
	constructor(
		/** Unique node name. */
		readonly name: string,
		/** Network the node belongs to. */
		readonly net: Network
	) {}
	/** All IPs owned by the node. */
	abstract get ips(): readonly string[];
	/** A packet addressed to one of this node's IPs has arrived. */
	abstract receive(pkt: Packet): void;
	/** @internal queue dispatch */
	onEvent(kind: number, arg: unknown): void {
		if (kind === EV_DELIVER) this.receive(arg as Packet);
	}
}

/** Options accepted by {@link Host.tcp}. Re-exported from tcp.ts. */
export type { TcpSocketOptions };

/**
 * A simulated end host with one IPv4 address, an OS preset, a TCP stack and per-protocol
 * port tables ({@link PortTable}).
 */
export class Host extends NodeBase {
	/** The host's IPv4 address (dotted quad). */
	readonly ip: string;
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
	/** @internal ISN stream for this host (RFC 9293 §3.4.1: ISN chosen per connection). */
	readonly isnRng: Rng;
	/** @internal */ readonly core: SimCore;
	/** @internal every TCP socket created on this host (retained for inspection). */
	readonly tcpSockets: TcpSocket[] = [];
	/** @internal listeners by local port. */
	readonly listeners = new Map<number, TcpSocket>();
	/**
	 * @internal Connection demultiplexing (Linux's established hash), indexed by local port: the
	 * socket itself while the port carries one connection (the usual case for an ephemeral
	 * port), else a map by (remote ip, remote port) key ({@link Host.key}). A dense 65,536-slot
	 * array, made on the first connection: a `Map` under constant insert/delete churn rehashes
	 * its whole table every few thousand operations. Use {@link Host.lookup}.
	 */
	private conns: (TcpSocket | Map<number, TcpSocket> | undefined)[] | null = null;
	/** @internal local TCP ports from which this host injected scripted segments. */
	readonly scriptedPorts = new Set<number>();
	/** @internal counter for auto socket ids `<host>#<n>`. */
	nextSocketNumber = 1;
	/** @internal UDP sockets and port table (udp.ts), created on first use. */
	udpState?: UdpHostState;
	/** @internal ICMP echo identifiers and tools (icmp.ts), created on first use. */
	icmpState?: IcmpHostState;

	/** @internal use `Simulation.addHost`. */
	constructor(
		net: Network,
		core: SimCore,
		opts: { name: string; ip: string; os?: OsPresetId; root?: boolean; scripted?: boolean; ephemeral?: [number, number]; autoReuse?: [number, number] }
	) {
		super(opts.name, net);
		checkIp(opts.ip, 'ip');
		this.ip = opts.ip;
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
		this.preset = preset;
		this.root = opts.root ?? false;
		this.scripted = opts.scripted ?? false;
		this.core = core;
		this.isnRng = core.rng.fork(`isn:${opts.name}`);
		if (opts.autoReuse !== undefined && this.os !== 'windows') {
			// Set-NetTCPSetting -AutoReusePortRange…: Windows 8.1 / Server 2012 R2 (KB3149157) and later.
			throw new SimError(`Host ${opts.name}: an auto-reuse port range is a Windows setting (os=windows), not ${this.os}.`, 'autoReuse');
		}
		this.tcpPorts = new PortTable({ ...presetPortOptions(this.preset, opts.autoReuse), rng: core.rng.fork(`ports:tcp:${opts.name}`) });
	}

	get ips(): readonly string[] {
		return [this.ip];
	}

	/**
	 * Create a TCP socket on this host (socket(AF_INET, SOCK_STREAM)); it starts CLOSED.
	 * @param id - unique socket id in the trace; default `"<host>#<n>"`.
	 * @param opts - `autoRead` (default true): the application reads arriving data at once.
	 * @throws SimError if the id is already used.
	 */
	tcp(id?: string, opts?: TcpSocketOptions): TcpSocket {
		const sid = id ?? `${this.name}#${this.nextSocketNumber}`;
		this.nextSocketNumber++;
		const s = new TcpSocket(this, sid, opts);
		this.core.registerSocket(s, id === undefined);
		s.hostIndex = this.tcpSockets.length;
		this.tcpSockets.push(s);
		return s;
	}

	/**
	 * @internal Create the child socket of listener `l` for an arriving SYN (accept queue),
	 * id `<listenerId>.<n>` with n counting that listener's children from 1.
	 * @throws SimError if a socket the user created already has that id.
	 */
	tcpChild(l: TcpSocket): TcpSocket {
		const n = ++l.childCount;
		const s = new TcpSocket(this, `${l.id}.${n}`, { autoRead: l.autoRead });
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
		return [...set].sort((a, b) => a - b);
	}

	/** Snapshot of every TCP socket created on this host (see `Simulation.sockets`). */
	sockets(): ReturnType<TcpSocket['snapshot']>[] {
		return this.tcpSockets.map((s) => s.snapshot());
	}

	/** @internal demux key for (remote ip, remote port): the port table's destination key. */
	key(remoteIp: string, remotePort: number): number {
		return this.tcpPorts.destKey(remoteIp, remotePort);
	}

	/** @internal find the connection socket for a 4-tuple (local ip is implied). */
	lookup(localPort: number, remoteIp: string, remotePort: number): TcpSocket | undefined {
		const c = this.conns;
		if (c === null) return undefined;
		const v = c[localPort];
		if (v === undefined) return undefined;
		if (v instanceof Map) return v.get(this.key(remoteIp, remotePort));
		return v.remotePort === remotePort && v.remoteIp === remoteIp ? v : undefined;
	}

	/** @internal */
	addConn(s: TcpSocket): void {
		const c = this.conns ?? (this.conns = new Array<TcpSocket | Map<number, TcpSocket> | undefined>(65536).fill(undefined));
		const v = c[s.localPort];
		if (v === undefined) {
			c[s.localPort] = s;
			return;
		}
		if (v === s) return;
		let m: Map<number, TcpSocket>;
		if (v instanceof Map) m = v;
		else {
			m = new Map([[this.key(v.remoteIp, v.remotePort), v]]);
			c[s.localPort] = m;
		}
		const k = this.key(s.remoteIp, s.remotePort);
		const prev = m.get(k);
		if (prev !== undefined && prev !== s) {
			throw new Error(`internal: 5-tuple collision on ${this.name} ${s.localPort} ${s.remoteIp}:${s.remotePort} (${prev.id} vs ${s.id})`);
		}
		m.set(k, s);
	}

	/** @internal */
	removeConn(s: TcpSocket): void {
		const c = this.conns;
		if (c === null) return;
		const m = c[s.localPort];
		if (m === undefined) return;
		if (!(m instanceof Map)) {
			if (m === s) c[s.localPort] = undefined;
			return;
		}
		const k = this.key(s.remoteIp, s.remotePort);
		if (m.get(k) === s) {
			m.delete(k);
			if (m.size === 0) c[s.localPort] = undefined;
		}
	}

	/** @internal remove a closed socket from the inspection list (record:false only). */
	forget(s: TcpSocket): void {
		const i = s.hostIndex;
		if (i >= 0 && this.tcpSockets[i] === s) {
			const last = this.tcpSockets.pop() as TcpSocket;
			if (i < this.tcpSockets.length) {
				this.tcpSockets[i] = last;
				last.hostIndex = i;
			}
			s.hostIndex = -1;
		}
	}

	/**
	 * @internal Send a TCP segment that belongs to no TCB (RSTs from CLOSED/LISTEN,
	 * RFC 9293 §3.10.7.1-2).
	 */
	sendRaw(flags: number, sport: number, dstIp: string, dport: number, seq: number, ack: number): void {
		const pkt: TcpPacket = {
			proto: 'TCP',
			srcIp: this.ip,
			dstIp,
			ttl: 64,
			id: 0,
			sport,
			dport,
			flags,
			seq: seq >>> 0,
			ack: flags & F_ACK ? ack >>> 0 : 0,
			len: 0,
			wnd: 0,
			retransmission: false
		};
		this.net.transmit(pkt, this);
	}

	/** @internal */
	receive(pkt: Packet): void {
		if (this.scripted) return;
		if (pkt.proto === 'TCP') tcpInput(this, pkt);
		else if (pkt.proto === 'UDP') udpInput(this, pkt);
		else icmpInput(this, pkt);
	}

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
 * A router: owns one IP per interface, forwards packets (decrementing TTL) and has hook slots
 * for NAT and a firewall. Packets addressed to a router's own IP are passed to
 * {@link Router.onLocalPacket} (ICMP helper) and otherwise dropped silently.
 */
export class Router extends NodeBase {
	/** Interface addresses. */
	readonly ipList: string[];
	/** NAT hook slot (set by the NAT helper / `sim.setNat`). */
	nat?: NatHook;
	/** Firewall hook slot (set by the firewall helper / `sim.setFirewall`). */
	firewall?: FirewallHook;
	/**
	 * Called when a packet's TTL reaches 0 here (ICMP Time Exceeded hook, RFC 792 type 11), with
	 * the time it reached the router and the neighbour it came from (decides the ingress interface).
	 */
	onTtlExceeded?: (pkt: Packet, t: number, from?: NetNode) => void;
	/** Called for packets addressed to one of the router's own IPs. */
	onLocalPacket?: (pkt: Packet) => void;

	/** @internal use `Simulation.addRouter`. */
	constructor(net: Network, name: string, ips: string[]) {
		super(name, net);
		if (!Array.isArray(ips) || ips.length === 0) {
			throw new SimError(`Router ${name} needs at least one IP address.`, 'ips');
		}
		for (const ip of ips) checkIp(ip, 'ips');
		this.ipList = ips.slice();
	}
	get ips(): readonly string[] {
		return this.ipList;
	}
	/** @internal */
	receive(pkt: Packet): void {
		this.onLocalPacket?.(pkt);
	}
}

/** Any node. */
export type NetNode = Host | Router;

/** A bidirectional link. */
export interface Link {
	a: NetNode;
	b: NetNode;
	/** One-way latency, ms. */
	latencyMs: number;
	/** Loss probability per packet per traversal, 0..1. */
	loss: number;
}

/** A cached route between two nodes. */
interface Route {
	/** Links in order from the source. */
	links: Link[];
	/** Nodes after each link (last one is the destination). */
	nodes: NetNode[];
	latency: number;
	/** True if any link is lossy or any intermediate node is a router (slow path needed). */
	slow: boolean;
}

/** Addresses of a packet as the trace's `translated` field shows them (ICMP: port 0, echo identifier). */
function packetAddresses(p: Packet): NonNullable<SegmentEvent['translated']> {
	if (p.proto === 'ICMP') {
		const a: NonNullable<SegmentEvent['translated']> = { src: { ip: p.srcIp, port: 0 }, dst: { ip: p.dstIp, port: 0 } };
		if (p.identifier !== undefined) a.identifier = p.identifier;
		return a;
	}
	return { src: { ip: p.srcIp, port: p.sport }, dst: { ip: p.dstIp, port: p.dport } };
}

/** A pending `dropNext` request. */
interface DropRequest {
	from: string;
	to: string | undefined;
}

/**
 * The topology: nodes, links, routes, and packet transmission.
 * Internal; use the `Simulation` methods.
 */
export class Network {
	readonly nodes = new Map<string, NetNode>();
	readonly byIp = new Map<string, NetNode>();
	readonly links: Link[] = [];
	private adj = new Map<NetNode, Link[]>();
	private routes = new Map<NetNode, Map<NetNode, Route | null>>();
	private drops: DropRequest[] = [];
	private lossRng: Rng;

	constructor(private core: SimCore) {
		this.lossRng = core.rng.fork('loss');
	}

	/** @internal */
	addNode(n: NetNode): void {
		if (this.nodes.has(n.name)) throw new SimError(`A host or router named "${n.name}" already exists.`, 'name');
		for (const ip of n.ips) {
			const owner = this.byIp.get(ip);
			if (owner) throw new SimError(`IP ${ip} is already used by ${owner.name}.`, 'ip');
		}
		n.index = this.nodes.size;
		this.nodes.set(n.name, n);
		for (const ip of n.ips) this.byIp.set(ip, n);
		this.adj.set(n, []);
		this.routes.clear();
		this.routeEpoch++;
	}

	/** @internal */
	addLink(a: NetNode, b: NetNode, latencyMs: number, loss: number): void {
		if (a === b) throw new SimError(`A link needs two different nodes (got ${a.name} twice).`, 'link');
		for (const l of this.adj.get(a) ?? []) {
			if (l.a === b || l.b === b) throw new SimError(`${a.name} and ${b.name} are already linked.`, 'link');
		}
		if (!Number.isFinite(latencyMs) || latencyMs < 0) {
			throw new SimError(`Link latency must be a number of ms >= 0 (got ${latencyMs}).`, 'latencyMs');
		}
		if (!Number.isFinite(loss) || loss < 0 || loss > 1) {
			throw new SimError(`Link loss must be a probability 0..1 (got ${loss}).`, 'loss');
		}
		const link: Link = { a, b, latencyMs, loss };
		this.links.push(link);
		(this.adj.get(a) as Link[]).push(link);
		(this.adj.get(b) as Link[]).push(link);
		this.routes.clear();
		this.routeEpoch++;
	}

	/** @internal queue a one-shot loss for the next packet leaving `from` towards `to`. */
	dropNext(from: string, to: string | undefined): void {
		this.drops.push({ from, to });
	}

	/** Shortest path (Dijkstra on latency; ties: fewer hops, then lower node index). */
	route(src: NetNode, dst: NetNode): Route | null {
		// Two-entry cache in front of the route table: a conversation alternates between the two
		// directions of one pair, so most packets skip both map lookups.
		if (this.rcEpoch === this.routeEpoch) {
			if (this.rcSrc0 === src && this.rcDst0 === dst) return this.rcRoute0;
			if (this.rcSrc1 === src && this.rcDst1 === dst) return this.rcRoute1;
		} else {
			this.rcEpoch = this.routeEpoch;
			this.rcSrc0 = this.rcSrc1 = this.rcDst0 = this.rcDst1 = null;
		}
		const r = this.routeUncached(src, dst);
		this.rcSrc1 = this.rcSrc0;
		this.rcDst1 = this.rcDst0;
		this.rcRoute1 = this.rcRoute0;
		this.rcSrc0 = src;
		this.rcDst0 = dst;
		this.rcRoute0 = r;
		return r;
	}
	private dcIp0: string | null = null;
	private dcNode0: NetNode | undefined = undefined;
	private dcIp1: string | null = null;
	private dcNode1: NetNode | undefined = undefined;
	/** Incremented whenever the route table is cleared (topology change). */
	private routeEpoch = 0;
	private rcEpoch = -1;
	private rcSrc0: NetNode | null = null;
	private rcDst0: NetNode | null = null;
	private rcRoute0: Route | null = null;
	private rcSrc1: NetNode | null = null;
	private rcDst1: NetNode | null = null;
	private rcRoute1: Route | null = null;

	private routeUncached(src: NetNode, dst: NetNode): Route | null {
		let m = this.routes.get(src);
		if (m === undefined) {
			m = new Map();
			this.routes.set(src, m);
		}
		const cached = m.get(dst);
		if (cached !== undefined) return cached;
		const dist = new Map<NetNode, [number, number]>();
		const prev = new Map<NetNode, Link>();
		const done = new Set<NetNode>();
		dist.set(src, [0, 0]);
		for (;;) {
			let best: NetNode | null = null;
			let bd: [number, number] = [Infinity, Infinity];
			for (const [n, d] of dist) {
				if (done.has(n)) continue;
				if (d[0] < bd[0] || (d[0] === bd[0] && (d[1] < bd[1] || (d[1] === bd[1] && best !== null && n.index < best.index)))) {
					best = n;
					bd = d;
				}
			}
			if (best === null) break;
			done.add(best);
			if (best === dst) break;
			// Hosts do not forward: only the source or routers relay packets.
			if (best !== src && best instanceof Host) continue;
			for (const l of this.adj.get(best) ?? []) {
				const o = l.a === best ? l.b : l.a;
				if (done.has(o)) continue;
				const nd: [number, number] = [bd[0] + l.latencyMs, bd[1] + 1];
				const od = dist.get(o);
				if (od === undefined || nd[0] < od[0] || (nd[0] === od[0] && nd[1] < od[1])) {
					dist.set(o, nd);
					prev.set(o, l);
				}
			}
		}
		let r: Route | null = null;
		if (done.has(dst) && dst !== src) {
			const links: Link[] = [];
			const nodes: NetNode[] = [];
			let cur: NetNode = dst;
			while (cur !== src) {
				const l = prev.get(cur) as Link;
				links.push(l);
				nodes.push(cur);
				cur = l.a === cur ? l.b : l.a;
			}
			links.reverse();
			nodes.reverse();
			let latency = 0;
			let slow = false;
			for (let i = 0; i < links.length; i++) {
				latency += links[i].latencyMs;
				if (links[i].loss > 0) slow = true;
				if (i < nodes.length - 1) slow = true; // passes through a router
			}
			r = { links, nodes, latency, slow };
		}
		m.set(dst, r);
		return r;
	}

	/**
	 * Put `pkt` on the wire from `from` at the current virtual time: record its trace event,
	 * decide its fate, and schedule its delivery.
	 */
	transmit(pkt: Packet, from: NetNode): void {
		const core = this.core;
		const t = core.queue.now;
		pkt.id = core.nextPacketId();
		// Two-entry cache in front of byIp (a conversation alternates between two destination
		// IPs). Only hits are cached: byIp entries are added, never removed or reassigned.
		const dstIp = pkt.dstIp;
		let dstNode: NetNode | undefined;
		if (dstIp === this.dcIp0) dstNode = this.dcNode0;
		else if (dstIp === this.dcIp1) dstNode = this.dcNode1;
		else {
			dstNode = this.byIp.get(dstIp);
			if (dstNode !== undefined) {
				this.dcIp1 = this.dcIp0;
				this.dcNode1 = this.dcNode0;
				this.dcIp0 = dstIp;
				this.dcNode0 = dstNode;
			}
		}
		let arrivedAt: number | null = null;
		let dropped: SegmentEvent['dropped'] = undefined;
		let finalPkt: Packet | null = pkt;
		const ev = core.record ? this.recordPacket(pkt, from, dstNode, t) : null;

		if (dstNode === undefined) {
			dropped = 'no-route';
		} else if (dstNode === from) {
			// Loopback: delivered immediately (after already-scheduled events at this instant).
			arrivedAt = t;
		} else {
			const r = this.route(from, dstNode);
			if (r === null) {
				dropped = 'no-route';
			} else {
				let forced = false;
				if (this.drops.length > 0) {
					for (let i = 0; i < this.drops.length; i++) {
						const d = this.drops[i];
						if (d.from === from.name && (d.to === undefined || d.to === dstNode.name)) {
							this.drops.splice(i, 1);
							forced = true;
							break;
						}
					}
				}
				if (forced) {
					dropped = 'lost';
				} else if (!r.slow && !(dstNode instanceof Router && dstNode.nat?.inbound !== undefined)) {
					arrivedAt = t + r.latency;
				} else {
					let at = t;
					let prevNode: NetNode = from;
					let p: Packet | null = pkt;
					let rt: Route = r;
					// Leg 1: to the destination node. When that is a router whose NAT translates the
					// packet back to an inside address (NatHook.inbound), further legs carry it inside.
					for (let leg = 0; leg < 4 && p !== null; leg++) {
						const legStart = prevNode;
						for (let i = 0; i < rt.links.length && p !== null; i++) {
							const l = rt.links[i];
							if (l.loss > 0 && this.lossRng.next() < l.loss) {
								dropped = 'lost';
								p = null;
								break;
							}
							at += l.latencyMs;
							const node = rt.nodes[i];
							if (i < rt.nodes.length - 1 && node instanceof Router) {
								const next = rt.nodes[i + 1];
								p.ttl -= 1;
								if (p.ttl <= 0) {
									dropped = 'ttl';
									node.onTtlExceeded?.(p, at, prevNode);
									p = null;
									break;
								}
								if (node.firewall && !node.firewall.filter(p, prevNode.name, next.name, at)) {
									dropped = 'firewall';
									p = null;
									break;
								}
								if (node.nat) {
									p = node.nat.translate(p, prevNode.name, next.name, at);
									if (p === null) {
										dropped = 'nat';
										break;
									}
								}
							}
							prevNode = node;
						}
						const last = rt.nodes[rt.nodes.length - 1];
						if (p === null || !(last instanceof Router) || last.nat?.inbound === undefined) break;
						const before = rt.nodes.length > 1 ? rt.nodes[rt.nodes.length - 2] : legStart;
						const res = last.nat.inbound(p, before.name, at);
						if (res === 'local') break;
						if (res === null) {
							dropped = 'nat';
							p = null;
							break;
						}
						const inner = this.byIp.get(res.dstIp);
						const r2 = inner === undefined || inner === last ? null : this.route(last, inner);
						if (r2 === null) {
							dropped = 'no-route';
							p = null;
							break;
						}
						// The NAT router forwards the translated packet: TTL, then its firewall.
						res.ttl -= 1;
						if (res.ttl <= 0) {
							dropped = 'ttl';
							last.onTtlExceeded?.(res, at, before);
							p = null;
							break;
						}
						if (last.firewall && !last.firewall.filter(res, before.name, r2.nodes[0].name, at)) {
							dropped = 'firewall';
							p = null;
							break;
						}
						p = res;
						rt = r2;
						prevNode = last;
					}
					finalPkt = p;
					if (p !== null) arrivedAt = at;
				}
			}
		}
		if (ev !== null) {
			ev.arrivedAt = arrivedAt;
			if (dropped !== undefined) ev.dropped = dropped;
		}
		if (arrivedAt !== null && finalPkt !== null) {
			// NAT may have re-addressed the packet: deliver to the owner of the final dst IP.
			const target = finalPkt === pkt ? dstNode : this.byIp.get(finalPkt.dstIp);
			if (ev !== null && finalPkt !== pkt) {
				ev.to = target ? target.name : null;
				ev.translated = packetAddresses(finalPkt);
			}
			if (target !== undefined) core.queue.push(arrivedAt, target, EV_DELIVER, finalPkt);
		}
	}

	private recordPacket(
		pkt: Packet,
		from: NetNode,
		dstNode: NetNode | undefined,
		t: number
	): { arrivedAt: number | null; dropped?: SegmentEvent['dropped']; to: string | null; translated?: SegmentEvent['translated'] } {
		const to = dstNode ? dstNode.name : null;
		if (pkt.proto === 'TCP') {
			const ev: SegmentEvent = {
				kind: 'segment',
				t,
				id: pkt.id,
				proto: 'TCP',
				from: from.name,
				to,
				src: { ip: pkt.srcIp, port: pkt.sport },
				dst: { ip: pkt.dstIp, port: pkt.dport },
				flags: flagsToList(pkt.flags),
				seq: pkt.seq,
				ack: pkt.ack,
				len: pkt.len,
				wnd: pkt.wnd,
				arrivedAt: null
			};
			if (pkt.retransmission) ev.retransmission = true;
			if (pkt.payload !== undefined) ev.payload = pkt.payload;
			this.core.events.push(ev);
			return ev;
		}
		if (pkt.proto === 'UDP') {
			const ev = {
				kind: 'datagram' as const,
				t,
				id: pkt.id,
				proto: 'UDP' as const,
				from: from.name,
				to,
				src: { ip: pkt.srcIp, port: pkt.sport },
				dst: { ip: pkt.dstIp, port: pkt.dport },
				len: pkt.len,
				ttl: pkt.ttl,
				arrivedAt: null as number | null,
				...(pkt.payload !== undefined ? { payload: pkt.payload } : {})
			};
			this.core.events.push(ev);
			return ev;
		}
		const ev = {
			kind: 'icmp' as const,
			t,
			id: pkt.id,
			proto: 'ICMP' as const,
			from: from.name,
			to,
			srcIp: pkt.srcIp,
			dstIp: pkt.dstIp,
			type: pkt.type,
			code: pkt.code,
			ttl: pkt.ttl,
			arrivedAt: null as number | null,
			...(pkt.identifier !== undefined ? { identifier: pkt.identifier } : {}),
			...(pkt.sequence !== undefined ? { sequence: pkt.sequence } : {}),
			...(pkt.quoted !== undefined ? { quoted: pkt.quoted } : {})
		};
		this.core.events.push(ev);
		return ev;
	}
}
