/**
 * The `Simulation` class: the engine contract of docs/engine-api.md.
 *
 * Everything happens in virtual time (ms). `sim.at(t, fn)` schedules a user action; `run()`
 * processes the event queue in (time, insertion order) and returns the {@link Trace}.
 * Same scenario + same seed ⇒ identical trace (all randomness comes from one seeded
 * {@link Rng}, forked per purpose: `isn:<host>`, `ports:tcp:<host>`, `loss`).
 *
 * @module
 */

import { EventQueue, type EventTarget } from './clock';
import type { NamedSocket, SimCore } from './core';
import { SimError, WorkBudgetError } from './errors';
import { Firewall, type FirewallOptions } from './firewall';
import { Host, type TcpHostSettings } from './host';
import type { NetNode } from './node';
import { installRouterIcmp } from './icmp';
import { installTcpPmtu } from './tcp-pmtu';
import { Nat, type NatOptions, type PortForward } from './nat';
import type { OsPresetId } from './os';
import { createRng, type Rng } from './prng';
import { Router, type FirewallConfig, type NatConfig } from './router';
import { Topology } from './routing';
import { TcpSocket, type SocketSnapshot } from './tcp-socket';
import type { HostInfo, SocketAddress, TcpFlag, Trace, TraceEvent } from './trace';
import { UdpSocket, type UdpSocketSnapshot } from './udp';
import { checkIp, checkPort, flagsFromList, F_ACK, type TcpOptions, type TcpPacket, type UdpPacket } from './wire';

/** Options for `new Simulation(…)`. */
export interface SimulationOptions {
	/** PRNG seed, a 32-bit integer (reduced with `>>> 0`). */
	seed: number;
	/**
	 * Record the full trace (default true). With `false` only ErrorEvents are recorded and
	 * sockets that reach CLOSED are forgotten (`sim.socket(id)` no longer finds them) — for
	 * benchmarks.
	 */
	record?: boolean;
}

/** Options for {@link Simulation.addHost}. */
export interface HostOptions {
	/** Unique node name. */
	name: string;
	/** IPv4 address, dotted quad. */
	ip: string;
	/** IPv6 address in RFC 5952 text (`2001:db8::1`): makes the host dual-stack. */
	ip6?: string;
	/** OS preset id; default `'linux'`. */
	os?: OsPresetId;
	/** May bind ports below 1024; default false. */
	root?: boolean;
	/**
	 * A host without a TCP stack: packets to it are recorded and never answered. Use it as a
	 * scripted peer with {@link Simulation.inject}. Default false.
	 */
	scripted?: boolean;
	/**
	 * Inclusive ephemeral port range `[low, high]` overriding the OS preset's (the scenario's
	 * `range=LOW-HIGH`, like Linux `net.ipv4.ip_local_port_range`); 1 <= low <= high <= 65535.
	 * `host.preset.ephemeral` and the host's TCP and UDP port tables use it.
	 */
	ephemeral?: [number, number];
	/**
	 * Windows hosts only: the auto-reuse port range `[low, high]` (`Set-NetTCPSetting
	 * -AutoReusePortRangeStartPort/-AutoReusePortRangeNumberOfPorts`; off by default). connect()
	 * without bind() and sockets with SO_REUSE_UNICASTPORT then share ports from it between
	 * destinations as long as the 4-tuple is unique (see `PortTableOptions.autoReuse`).
	 */
	autoReuse?: [number, number];
	/**
	 * Changes to the preset's TCP profile: `{ ts: false, sack: false, wscale: false }` turn SYN
	 * options off (Linux `tcp_timestamps`, `tcp_sack`, `tcp_window_scaling` = 0), `rcvBuf` sets the
	 * receive buffer in bytes (the most RCV.WND can be), `twReuse` Linux `tcp_tw_reuse` (0, 1, 2).
	 */
	tcp?: TcpHostSettings;
	/**
	 * SYN retransmissions before connect() gives up with ETIMEDOUT, 0..127, overriding the
	 * preset's (Linux `net.ipv4.tcp_syn_retries`, 6; Windows 2). See `CONNECT_TUNING` (tcp-listen.ts).
	 */
	synRetries?: number;
	/** SYN cookies on SYN queue overflow (Linux `net.ipv4.tcp_syncookies`; on for linux hosts). */
	syncookies?: boolean;
}

/** Options for {@link Simulation.addRouter}. */
export interface RouterOptions {
	name: string;
	/** One address per interface, IPv4 or IPv6 (RFC 5952 text). */
	ips: string[];
}

/** Options for {@link Simulation.addLink}. */
export interface LinkOptions {
	/** One-way latency in ms (default 1). */
	latencyMs?: number;
	/** Probability 0..1 that a packet is lost on this link (default 0), drawn from the seeded PRNG. */
	loss?: number;
	/** Largest IP packet the link carries, bytes, 576-65535 (default 1500). A router answers bigger IPv6 packets with Packet Too Big. */
	mtu?: number;
}

/** Options for {@link Simulation.run}. */
export interface RunOptions {
	/** Stop after processing every event at or before this virtual time (ms); default: until the queue is empty. */
	until?: number;
	/**
	 * Work budget: most events this `run()` call may process before it stops with a
	 * {@link WorkBudgetError}; default {@link DEFAULT_MAX_EVENTS}. `Infinity` turns it off.
	 */
	maxEvents?: number;
	/**
	 * Work budget in real time: most ms of wall-clock time this call may take; default
	 * {@link DEFAULT_MAX_WALL_MS}. `Infinity` turns it off. Real time is read only to decide
	 * whether to stop, never recorded: a run that stays within its budget gives the same trace
	 * everywhere. (A run stopped by this limit may stop at a different event on a faster machine.)
	 */
	maxWallMs?: number;
	/**
	 * Most events processed in a row without the virtual clock moving (counted in chunks of
	 * {@link BUDGET_CHUNK}); more means the scenario is stuck (e.g. an exchange over 0 ms links),
	 * reported as a {@link WorkBudgetError} with reason `'stuck-time'`. Default
	 * {@link DEFAULT_MAX_EVENTS_AT_ONE_TIME}.
	 */
	maxEventsAtOneTime?: number;
	/**
	 * Called between chunks of {@link BUDGET_CHUNK} events with the events processed so far by
	 * this call and the virtual time reached (ms), so a caller (the playground's Web Worker) can
	 * show a long run's progress. It must not touch the simulation; it never changes the trace.
	 */
	onProgress?: (events: number, now: number) => void;
}

/**
 * Default {@link RunOptions.maxEvents}: far above any lesson (the largest lesson scenario
 * processes well under 10,000 events; the property tests check it), low enough that a run
 * that hits it ends in a few seconds.
 */
export const DEFAULT_MAX_EVENTS = 2_000_000;
/** Default {@link RunOptions.maxWallMs}: 10 s of real time. */
export const DEFAULT_MAX_WALL_MS = 10_000;
/** Default {@link RunOptions.maxEventsAtOneTime}. */
export const DEFAULT_MAX_EVENTS_AT_ONE_TIME = 100_000;
/** Events processed between two budget checks (wall clock, stuck clock). */
const BUDGET_CHUNK = 1024;

/** Real time in ms, for the wall-clock budget only (never recorded in a trace). */
const wallNow: () => number =
	typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

/** Argument of {@link Simulation.dropNext}. */
export interface DropSpec {
	/** Name of the sending host or router. */
	from: string;
	/** Name of the destination host; omitted = any destination. */
	to?: string;
}

/** Argument of {@link Simulation.inject}: a raw TCP segment from a scripted peer (no TCB). */
export interface InjectSpec {
	/** Host the segment is sent from (its links are used). */
	from: string;
	/** Destination host name (informative; routing uses `dst.ip`). */
	to?: string;
	proto: 'TCP';
	src: SocketAddress;
	dst: SocketAddress;
	flags: TcpFlag[];
	/** SEG.SEQ (unsigned 32-bit). */
	seq: number;
	/** SEG.ACK (unsigned 32-bit), used when flags include ACK. Default 0. */
	ack?: number;
	/** Payload bytes, default 0. */
	len?: number;
	/** Advertised window, default 65535. */
	wnd?: number;
	payload?: string;
	/** IP TTL, default 64. */
	ttl?: number;
	/** TCP options (MSS, window scale, SACK-permitted, timestamps, SACK blocks), default none. */
	options?: TcpOptions;
}

/** Argument of {@link Simulation.injectDatagram}: a raw UDP datagram, its source possibly forged. */
export interface InjectDatagramSpec {
	/** Host the datagram is sent from (its links are used). */
	from: string;
	/** Destination host name (informative; routing uses `dst.ip`). */
	to?: string;
	/** Source address and port written in the headers: any address (spoofing), not only `from`'s. */
	src: SocketAddress;
	dst: SocketAddress;
	/** Payload bytes, 0-65507. */
	len: number;
	payload?: string;
	/** IP TTL, default 64. */
	ttl?: number;
}

/** One row of {@link Simulation.sockets} (defined beside {@link TcpSocket.snapshot}). */
export type { SocketSnapshot };

const EV_USER = 1;

/** A budget option: `undefined` gives the default; otherwise a number > 0 (`Infinity` allowed). */
function budgetOption(v: number | undefined, dflt: number, name: string): number {
	if (v === undefined) return dflt;
	if (typeof v !== 'number' || Number.isNaN(v) || v <= 0) throw new SimError(`run(${name}): must be a number > 0 (got ${String(v)}).`, name);
	return v;
}

/** Shape of generated socket ids, `<host>#<n>`. */
const GENERATED_FORM = /#[0-9]+$/;
/** Shape of a listener child's id, `<listenerId>.<n>`, split into listener id and number. */
const CHILD_FORM = /\.[0-9]+$/;
const CHILD_SPLIT = /^(.*)\.([0-9]+)$/;
/** Splits a generated id into host name and number. */
const GENERATED_SPLIT = /^(.*)#([0-9]+)$/;

/**
 * A deterministic network simulation (see module doc and docs/engine-api.md).
 *
 * Programming errors throw {@link SimError}; simulated network failures are ErrorEvents.
 */
export class Simulation implements SimCore, EventTarget {
	/** The seed given to the constructor. */
	readonly seed: number;
	/** @internal */ readonly queue = new EventQueue();
	/** @internal */ readonly rng: Rng;
	/** @internal */ readonly record: boolean;
	/** @internal recorded events, in order. */
	readonly events: TraceEvent[] = [];
	/** @internal */ readonly network: Topology;
	private packetId = 0;
	/**
	 * Sockets by id, TCP and UDP (one namespace): every UDP socket, and TCP sockets whose id the
	 * user chose. Generated TCP ids (`<host>#<n>`) and listener children (`<listener>.<n>`) are
	 * found through their host instead, so the hot path never hashes a string per connection.
	 */
	private byId = new Map<string, NamedSocket>();
	private hostInfos: HostInfo[] = [];

	/**
	 * @param opts.seed - 32-bit integer seed.
	 * @throws SimError if the seed is not a finite number.
	 */
	constructor(opts: SimulationOptions) {
		if (!opts || typeof opts.seed !== 'number' || !Number.isFinite(opts.seed)) {
			throw new SimError(`Simulation needs a numeric seed (got ${JSON.stringify(opts?.seed)}).`, 'seed');
		}
		this.seed = opts.seed >>> 0;
		this.rng = createRng(this.seed);
		this.record = opts.record ?? true;
		this.network = new Topology(this);
	}

	/** Current virtual time, ms. */
	get now(): number {
		return this.queue.now;
	}

	// ----- SimCore (internal) -----
	/** @internal */
	nextPacketId(): number {
		return ++this.packetId;
	}
	/** @internal */
	registerSocket(s: NamedSocket, generated: boolean): boolean {
		if (generated) {
			// A generated id `<host>#<n>` is unique among generated ids by construction (host names
			// are unique; the per-host counter, shared with UDP, only grows). It can clash only with
			// an id the user chose in that form, checked only once one exists. Such sockets are not
			// put in byId: {@link findGenerated} finds them in their host's socket list.
			if (this.userHashIds && this.byId.has(s.id)) throw new SimError(`A socket with id "${s.id}" already exists.`, 'id');
			return false;
		}
		const id = s.id;
		this.checkFreeId(id);
		this.byId.set(id, s);
		return true;
	}
	/**
	 * @internal A listener's child `<listenerId>.<n>` is unique among children by construction (one
	 * counter per listener). Like generated ids it is not put in byId ({@link findChild}
	 * finds it through its listener); it can clash only with an id the user chose in that form.
	 */
	registerChild(s: NamedSocket): void {
		if (this.userDotIds && this.byId.has(s.id)) throw new SimError(`A socket with id "${s.id}" already exists.`, 'id');
	}
	/** Some socket id not made by `Host.tcp()` has the generated form `…#<digits>`. */
	private userHashIds = false;
	/** Some socket id chosen by the user has a listener child's form `….<digits>`. */
	private userDotIds = false;
	/** @throws SimError if a TCP or UDP socket with this id exists. */
	private checkFreeId(id: string): void {
		if (this.byId.has(id)) throw new SimError(`A socket with id "${id}" already exists.`, 'id');
		if (GENERATED_FORM.test(id)) {
			if (this.findGenerated(id) !== undefined) throw new SimError(`A socket with id "${id}" already exists.`, 'id');
			this.userHashIds = true;
		}
		if (CHILD_FORM.test(id)) {
			if (this.findChild(id) !== undefined) throw new SimError(`A socket with id "${id}" already exists.`, 'id');
			this.userDotIds = true;
		}
	}
	/**
	 * The live (or, with `record`, retained) child socket `<listenerId>.<n>`: found by scanning its
	 * listener's host (user lookups only; the engine never looks sockets up by id).
	 */
	private findChild(id: string): TcpSocket | undefined {
		const m = CHILD_SPLIT.exec(id);
		if (m === null) return undefined;
		const l = this.socketOrNull(m[1]);
		if (l === null) return undefined;
		const n = Number(m[2]);
		for (const s of this.host(l.host.name).tcpSockets) if (s.listener === l && s.childNumber === n) return s;
		return undefined;
	}
	/** The registered TCP socket with a generated id `<host>#<n>` (kept in its host's list only). */
	private findGenerated(id: string): TcpSocket | undefined {
		const m = GENERATED_SPLIT.exec(id);
		if (m === null) return undefined;
		const h = this.network.nodes.get(m[1]);
		if (!(h instanceof Host)) return undefined;
		for (const s of h.tcpSockets) if (s.id === id) return s;
		return undefined;
	}
	/** @internal UDP sockets share the id namespace with TCP sockets. */
	registerOtherSocket(id: string, s: NamedSocket): void {
		// UDP does not say whether the id was generated: treat it as the user's.
		this.checkFreeId(id);
		this.byId.set(id, s);
	}
	/** @internal */
	forgetSocket(s: NamedSocket): void {
		if (this.byId.get(s.id) === s) this.byId.delete(s.id);
	}
	/** The TCP socket registered under a user-chosen id, if any. */
	private userTcp(id: string): TcpSocket | undefined {
		const s = this.byId.get(id);
		return s instanceof TcpSocket ? s : undefined;
	}

	// ----- topology -----

	/**
	 * Add an end host.
	 * @throws SimError for a duplicate name or IP, an invalid IP, or an unknown OS preset.
	 */
	addHost(opts: HostOptions): Host {
		if (!opts || typeof opts.name !== 'string' || opts.name === '') {
			throw new SimError('addHost needs a non-empty name.', 'name');
		}
		const h = new Host(this.network, this, opts);
		this.network.addNode(h);
		this.hostInfos.push({
			name: h.name,
			ip: h.ip,
			...(h.ip6 !== null ? { ip6: h.ip6 } : {}),
			os: h.os,
			role: 'host',
			ephemeral: [h.preset.ephemeral[0], h.preset.ephemeral[1]]
		});
		installTcpPmtu(h);
		return h;
	}

	/**
	 * Add a router (forwards packets, decrements TTL; NAT/firewall hook slots).
	 * @throws SimError for a duplicate name or IP, or invalid IPs.
	 */
	addRouter(opts: RouterOptions): Router {
		if (!opts || typeof opts.name !== 'string' || opts.name === '') {
			throw new SimError('addRouter needs a non-empty name.', 'name');
		}
		const r = new Router(this.network, opts.name, opts.ips);
		this.network.addNode(r);
		installRouterIcmp(r, this);
		const ip6 = r.ipList.find((ip) => ip.includes(':'));
		this.hostInfos.push({ name: r.name, ip: r.ipList.find((ip) => !ip.includes(':')) ?? r.ipList[0], ...(ip6 !== undefined ? { ip6 } : {}), os: 'router', role: 'router' });
		return r;
	}

	/**
	 * Join two nodes with a bidirectional link. Routing uses the lowest total latency.
	 * @throws SimError for unknown nodes, duplicate links, negative latency, loss outside 0..1.
	 */
	addLink(a: string, b: string, opts: LinkOptions = {}): void {
		this.network.addLink(this.node(a), this.node(b), opts.latencyMs ?? 1, opts.loss ?? 0, opts.mtu);
	}

	/**
	 * Configure NAT (NAPT) on a router (see nat.ts for mappings, filtering and timeouts). The
	 * public address may be one of the router's interfaces or an extra address, which the router
	 * then owns. `inside` (optional) lists the interface addresses facing the inside; by default
	 * every interface except the one owning (or nearest to) the public address. Call before
	 * `setFirewall` on the same router so the firewall uses the same inside/outside split.
	 * The router is listed with `role: 'nat'` in the trace header.
	 * @throws SimError for an unknown router, a router that already has NAT, an invalid config,
	 *   or a public address owned by another node.
	 */
	setNat(router: string, cfg: NatConfig | NatOptions): Nat {
		const r = this.router(router);
		if (r.nat) throw new SimError(`Router ${router} already has NAT configured.`, 'nat');
		const nat = new Nat(r, this, cfg);
		for (const ip of nat.globals()) {
			const owner = this.network.byIp.get(ip);
			if (owner !== undefined && owner !== r) throw new SimError(`NAT ${ip === nat.publicIp ? 'public' : 'pool'} address ${ip} is already used by ${owner.name}.`, ip === nat.publicIp ? 'publicIp' : 'pool');
		}
		for (const ip of nat.globals()) if (!this.network.byIp.has(ip)) this.network.byIp.set(ip, r);
		r.nat = nat;
		const info = this.hostInfos.find((h) => h.name === router);
		if (info) {
			info.role = 'nat';
			info.ephemeral = [nat.range[0], nat.range[1]];
		}
		return nat;
	}

	/**
	 * Forward a public port of a NAT router to an inside server (static mapping; "port
	 * forwarding"). Needs `setNat` first.
	 * @throws SimError for an unknown router, a router without NAT, or an invalid/used port.
	 */
	forwardPort(router: string, fwd: PortForward): void {
		const r = this.router(router);
		if (!(r.nat instanceof Nat)) throw new SimError(`forwardPort: router ${router} has no NAT; call setNat first.`, 'nat');
		r.nat.forward(fwd);
	}

	/**
	 * Static NAT on a NAT router (Cisco IOS `ip nat inside source static INSIDE GLOBAL`): `inside`
	 * leaves as `global` with its ports unchanged, and anything sent to `global` reaches `inside`.
	 * The router then owns `global`. Needs `setNat` first (nat.ts, "Static NAT and dynamic NAT").
	 * @throws SimError for an unknown router, a router without NAT, a bad or used address.
	 */
	staticNat(router: string, inside: string, global: string): void {
		const r = this.router(router);
		if (!(r.nat instanceof Nat)) throw new SimError(`staticNat: router ${router} has no NAT; call setNat first.`, 'nat');
		const owner = this.network.byIp.get(global);
		if (owner !== undefined && owner !== r) throw new SimError(`staticNat: global address ${global} is already used by ${owner.name}.`, 'global');
		r.nat.addStatic(inside, global);
		this.network.byIp.set(global, r);
	}

	/**
	 * Configure a packet filter on a router (see firewall.ts): `{ mode: 'stateless', rules,
	 * default? }` (first matching rule wins, default deny) or `{ mode: 'stateful', rules? }`
	 * (connection tracking). `'in'`/`'out'` are judged by the interface a packet arrives on.
	 * @throws SimError for an unknown router, a router that already has a firewall, or an invalid config.
	 */
	setFirewall(router: string, cfg: FirewallConfig | FirewallOptions): Firewall {
		const r = this.router(router);
		if (r.firewall) throw new SimError(`Router ${router} already has a firewall configured.`, 'firewall');
		const fw = new Firewall(r, cfg as FirewallOptions, r.nat instanceof Nat ? r.nat.publicIp : undefined);
		r.firewall = fw;
		return fw;
	}

	private node(name: string): NetNode {
		const n = this.network.nodes.get(name);
		if (n === undefined) throw new SimError(`Unknown host or router "${name}".`, 'host');
		return n;
	}

	/** The host named `name`. @throws SimError if there is none. */
	host(name: string): Host {
		const n = this.network.nodes.get(name);
		if (!(n instanceof Host)) throw new SimError(`Unknown host "${name}".`, 'host');
		return n;
	}

	/** The router named `name`. @throws SimError if there is none. */
	router(name: string): Router {
		const n = this.network.nodes.get(name);
		if (!(n instanceof Router)) throw new SimError(`Unknown router "${name}".`, 'router');
		return n;
	}

	/** Every host and router, in the order added (trace header form). */
	hosts(): HostInfo[] {
		return this.hostInfos.map((h) => (h.ephemeral ? { ...h, ephemeral: [h.ephemeral[0], h.ephemeral[1]] } : { ...h }));
	}

	/**
	 * The socket with this id (e.g. "c1", "web.1", "server#2").
	 * @throws SimError if no such socket exists (yet).
	 */
	socket(id: string): TcpSocket {
		const s = this.userTcp(id) ?? this.findGenerated(id) ?? this.findChild(id);
		if (s === undefined) throw new SimError(`Unknown socket "${id}".`, 'socket');
		return s;
	}

	/**
	 * The UDP socket with this id (sockets from `host.udp()`, and `<host>#traceroute<n>`).
	 * @throws SimError if there is none.
	 */
	udpSocket(id: string): UdpSocket {
		const s = this.byId.get(id);
		if (!(s instanceof UdpSocket)) throw new SimError(`Unknown UDP socket "${id}".`, 'socket');
		return s;
	}

	/** Snapshot of every UDP socket, by host order then creation order. */
	udpSockets(): UdpSocketSnapshot[] {
		const out: UdpSocketSnapshot[] = [];
		for (const n of this.network.nodes.values()) if (n instanceof Host && n.udpState) for (const s of n.udpState.sockets) out.push(s.snapshot());
		return out;
	}

	/** Like {@link Simulation.socket} but returns null instead of throwing. */
	socketOrNull(id: string): TcpSocket | null {
		return this.userTcp(id) ?? this.findGenerated(id) ?? this.findChild(id) ?? null;
	}

	/** Snapshot of every TCP socket (including CLOSED ones still registered), by host order then creation order. */
	sockets(): SocketSnapshot[] {
		const out: SocketSnapshot[] = [];
		for (const n of this.network.nodes.values()) if (n instanceof Host) out.push(...n.sockets());
		return out;
	}

	// ----- time -----

	/**
	 * Run `fn` at virtual time `t` (ms). Calls scheduled for the same time run in the order
	 * they were scheduled.
	 * @throws SimError if `t` is not a finite number or is earlier than `now`.
	 */
	at(t: number, fn: () => void): void {
		if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
			throw new SimError(`Time must be a finite number of ms >= 0 (got ${String(t)}).`, 'time');
		}
		if (t < this.queue.now) {
			throw new SimError(`Time ${t} ms is in the past (now is ${this.queue.now} ms).`, 'time');
		}
		if (typeof fn !== 'function') throw new SimError('at(t, fn): fn must be a function.', 'fn');
		this.queue.push(t, this, EV_USER, fn);
	}

	/** Run `fn` `dt` ms after now. @throws SimError if `dt` is negative or not finite. */
	after(dt: number, fn: () => void): void {
		if (typeof dt !== 'number' || !Number.isFinite(dt) || dt < 0) {
			throw new SimError(`Delay must be a finite number of ms >= 0 (got ${String(dt)}).`, 'time');
		}
		this.at(this.queue.now + dt, fn);
	}

	/** @internal */
	onEvent(kind: number, arg: unknown): void {
		if (kind === EV_USER) (arg as () => void)();
	}

	/**
	 * Process events in time order until the queue is empty or the next event is after
	 * `until`; then the clock stands at `until` (if given). May be called again to continue.
	 *
	 * Work budget: the call stops with a {@link WorkBudgetError} (carrying the trace so far)
	 * after `maxEvents` events, after `maxWallMs` ms of real time, or when `maxEventsAtOneTime`
	 * events in a row happen without the virtual clock moving. The clock then stands at the last
	 * processed event; the remaining events stay queued.
	 * @returns the trace so far.
	 * @throws WorkBudgetError when the budget is exceeded; SimError if `until` is before `now` or
	 *   a budget option is not a number > 0; rethrows SimErrors raised by `at()` callbacks.
	 */
	run(opts: RunOptions = {}): Trace {
		const until = opts.until ?? Infinity;
		if (typeof until !== 'number' || Number.isNaN(until) || until < this.queue.now) {
			throw new SimError(`run(until): ${String(until)} is before now (${this.queue.now} ms).`, 'until');
		}
		const maxEvents = budgetOption(opts.maxEvents, DEFAULT_MAX_EVENTS, 'maxEvents');
		const maxWallMs = budgetOption(opts.maxWallMs, DEFAULT_MAX_WALL_MS, 'maxWallMs');
		const maxSame = budgetOption(opts.maxEventsAtOneTime, DEFAULT_MAX_EVENTS_AT_ONE_TIME, 'maxEventsAtOneTime');
		const q = this.queue;
		const start = wallNow();
		let done = 0;
		// Events processed since the clock last moved (approximate to one chunk: enough to tell a
		// stuck clock from a busy instant).
		let same = 0;
		while (q.size > 0 && q.peekTime() <= until) {
			const t0 = q.now;
			const n = q.runUntil(until, Math.min(BUDGET_CHUNK, maxEvents - done));
			done += n;
			same = q.now === t0 ? same + n : 0;
			if (q.size === 0 || q.peekTime() > until) break;
			if (same >= maxSame) throw new WorkBudgetError('stuck-time', done, q.now, this.trace(), same);
			if (done >= maxEvents) throw new WorkBudgetError('events', done, q.now, this.trace());
			if (wallNow() - start > maxWallMs) throw new WorkBudgetError('wall-clock', done, q.now, this.trace(), 0, maxWallMs);
			opts.onProgress?.(done, q.now);
		}
		if (until !== Infinity) q.advanceTo(until);
		return this.trace();
	}

	/** The trace recorded so far (events array is shared, not copied). */
	trace(): Trace {
		const links = this.network.links.map((l) => ({ a: l.a.name, b: l.b.name, latencyMs: l.latencyMs, loss: l.loss, ...(l.mtu !== 1500 ? { mtu: l.mtu } : {}) }));
		return { seed: this.seed, hosts: this.hosts(), events: this.events, end: this.queue.now, links };
	}

	// ----- faults and scripted peers -----

	/**
	 * Lose the next packet that leaves `from` towards `to` (any destination when omitted),
	 * counted from the moment of the call. Recorded with `arrivedAt: null, dropped: 'lost'`.
	 * @throws SimError for unknown node names.
	 */
	dropNext(spec: DropSpec): void {
		this.node(spec.from);
		if (spec.to !== undefined) this.node(spec.to);
		this.network.dropNext(spec.from, spec.to);
	}

	/**
	 * Send a raw TCP segment from a scripted peer, now. No TCB is behind it; the sending host
	 * will not answer segments that come back to `src.port` with no socket (instead of RST),
	 * so scripts can play the other side as in packetdrill.
	 * @throws SimError for unknown hosts, bad addresses, unknown flags or out-of-range numbers.
	 */
	inject(spec: InjectSpec): void {
		const from = this.host(spec.from);
		if (spec.to !== undefined) this.node(spec.to);
		if (spec.proto !== 'TCP') throw new SimError(`inject: only proto 'TCP' is supported (got ${String(spec.proto)}).`, 'proto');
		checkIp(spec.src?.ip, 'src.ip');
		checkPort(spec.src?.port, 'src.port');
		checkIp(spec.dst?.ip, 'dst.ip');
		checkPort(spec.dst?.port, 'dst.port');
		const u32 = (v: number, field: string): number => {
			if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
				throw new SimError(`inject: ${field} must be an integer 0..4294967295 (got ${String(v)}).`, field);
			}
			return v;
		};
		const flags = flagsFromList(spec.flags ?? []);
		const len = spec.len ?? 0;
		if (!Number.isInteger(len) || len < 0) throw new SimError(`inject: len must be an integer >= 0 (got ${String(len)}).`, 'len');
		const wnd = spec.wnd ?? 65535;
		if (!Number.isInteger(wnd) || wnd < 0 || wnd > 65535) throw new SimError(`inject: wnd must be 0..65535 (got ${String(wnd)}).`, 'wnd');
		const ttl = spec.ttl ?? 64;
		if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) throw new SimError(`inject: ttl must be 1..255 (got ${String(ttl)}).`, 'ttl');
		from.scriptedPorts.add(spec.src.port);
		const pkt: TcpPacket = {
			proto: 'TCP',
			srcIp: spec.src.ip,
			dstIp: spec.dst.ip,
			ttl,
			id: 0,
			sport: spec.src.port,
			dport: spec.dst.port,
			flags,
			seq: u32(spec.seq, 'seq'),
			ack: flags & F_ACK ? u32(spec.ack ?? 0, 'ack') : 0,
			len,
			wnd,
			payload: spec.payload,
			retransmission: false,
			...(spec.options !== undefined ? { options: spec.options } : {}),
			// the Timestamps option travels as two numbers (wire.ts TcpPacket.tsVal)
			...(spec.options?.ts !== undefined ? { tsVal: u32(spec.options.ts.val, 'options.ts.val'), tsEcr: u32(spec.options.ts.ecr, 'options.ts.ecr') } : {})
		};
		this.network.transmit(pkt, from);
	}

	/**
	 * Send a raw UDP datagram from `spec.from`, now, with whatever source address the spec
	 * writes: how an attacker forges the source of a request so that the answer goes to a victim
	 * (reflection, BCP 38 / RFC 2827). No socket stands behind it.
	 * @throws SimError for unknown hosts, bad addresses, or a length outside 0-65507.
	 */
	injectDatagram(spec: InjectDatagramSpec): void {
		const from = this.host(spec.from);
		if (spec.to !== undefined) this.node(spec.to);
		checkIp(spec.src?.ip, 'src.ip');
		checkPort(spec.src?.port, 'src.port');
		checkIp(spec.dst?.ip, 'dst.ip');
		checkPort(spec.dst?.port, 'dst.port');
		if (!Number.isInteger(spec.len) || spec.len < 0 || spec.len > 65507) throw new SimError(`injectDatagram: len must be an integer 0..65507 (got ${String(spec.len)}).`, 'len');
		const ttl = spec.ttl ?? 64;
		if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) throw new SimError(`injectDatagram: ttl must be 1..255 (got ${String(ttl)}).`, 'ttl');
		const pkt: UdpPacket = { proto: 'UDP', srcIp: spec.src.ip, dstIp: spec.dst.ip, ttl, id: 0, sport: spec.src.port, dport: spec.dst.port, len: spec.len, payload: spec.payload };
		this.network.transmit(pkt, from);
	}
}
