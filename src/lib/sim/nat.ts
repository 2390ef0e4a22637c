/**
 * NAT (network address and port translation, "NAPT", RFC 3022) on a router, and the
 * connection-tracking timeouts it shares with the stateful firewall.
 *
 * **Inside and outside.** The interface that owns the public address (or is closest to it by
 * prefix, when the public address is an extra address) faces the outside; every other
 * interface faces the inside, unless `inside` lists the inside interface addresses explicitly.
 * A neighbour sits on the interface with the longest common address prefix; one that shares
 * fewer than 16 bits with every interface is outside (reached by the default route; iface.ts).
 *
 * **Mappings** (RFC 4787 §4.1; `mapping`, default endpoint-independent as REQ-1 requires): the
 * first packet from an inside endpoint (protocol, inside IP, inside port) to the outside creates
 * a mapping to one public port, which then serves every destination that endpoint talks to
 * (endpoint-independent), every port of one destination address (address-dependent), or one
 * destination address and port (address-and-port-dependent, "symmetric"):
 * - `mode: 'preserve'` keeps the inside port when it is inside `range` and no other mapping
 *   holds it on the public address (Linux MASQUERADE keeps the source port when it can);
 *   otherwise it picks another port as `remap` does;
 * - `mode: 'remap'` always picks a port from `range` (default 1024-65535) at random
 *   (RFC 6056 Algorithm 1 via a {@link PortTable} of the router, RFC 6056 §3.2 / RFC 4787 REQ-3).
 * With `parity` a new port has the inside port's parity (REQ-4). A public port belongs to one
 * mapping at a time, so two inside 5-tuples never share an outside 5-tuple; with `overload`
 * (Linux SNAT/MASQUERADE, forbidden by RFC 4787 REQ-3 and RFC 5382 REQ-7) several mappings
 * share a public port as long as their remote endpoints differ. When the range is exhausted the packet is dropped (`dropped: 'nat'`) and an `error`
 * event (`EADDRNOTAVAIL`, call `nat`) is recorded on the router. ICMP echo identifiers are mapped
 * the same way (a separate 1-65535 table).
 *
 * **Sessions and filtering** (RFC 4787 §5; `filtering`, default address-and-port-dependent as
 * Linux conntrack): each (mapping, remote address:port) pair is a session with its own timer,
 * recorded as a `nat` event `create`/`expire`. An inbound packet to the public address is
 * translated back if it belongs to a live session or a port forward, or, with endpoint-
 * independent filtering, always, and with address-dependent filtering, when the mapping has a
 * session with its source address (both open a new session); anything else is dropped with
 * `dropped: 'nat'`. **Hairpinning** (REQ-9, `hairpin`, default on): a packet from inside to the
 * public address gets the sender's own public mapping as its source and is filtered and
 * translated as if it came from outside; with it off, it is dropped. An Echo Request to the public address is answered by the
 * router itself. ICMP errors (Time Exceeded, Destination Unreachable) about a translated packet
 * are translated back using the 5-tuple they quote (RFC 5508 §4.2).
 *
 * **Timeouts** (`timeouts`: {@link CONNTRACK_TIMEOUTS} by default, or {@link RFC_NAT_TIMEOUTS},
 * {@link CISCO_NAT_TIMEOUTS}). Linux nf_conntrack defaults: TCP unanswered SYN
 * 120 s, established 5 days, after the first FIN 120 s, after both FINs (TIME-WAIT) 120 s,
 * after a RST 10 s; UDP 30 s, or 120 s once replies have been seen and the flow is more than
 * 2 s old (`nf_conntrack_udp_timeout_stream`); ICMP 30 s. Each packet restarts its session's
 * timer; a mapping (and its public port, `port` event `via: 'nat'`) is released when its last
 * session expires. Timers longer than one day (established TCP) are not put on the event queue,
 * so a run without `until` does not wait 5 days; they are re-armed when the state changes.
 *
 * Events are recorded at the moment the packet reaches the router (a queue event), so the
 * trace stays in time order even though translation is decided when the packet is sent.
 *
 * @module
 */

import type { EventTarget } from './clock';
import type { SimCore } from './core';
import { SimError } from './errors';
import { insideInterfaces, neighbourInside } from './iface';
import { PortTable } from './ports';
import type { Rng } from './prng';
import type { NatConfig, NatHook, Router } from './router';
import type { Protocol, SocketAddress, TraceEvent } from './trace';
import { checkIp, checkPort, F_ACK, F_FIN, F_RST, F_SYN, type IcmpPacket, type Packet } from './wire';

/** Connection-tracking timeouts, ms (Linux nf_conntrack sysctl defaults). */
export const CONNTRACK_TIMEOUTS = Object.freeze({
	/** nf_conntrack_tcp_timeout_syn_sent: SYN seen, no answer yet. */
	tcpSynSent: 120_000,
	/** nf_conntrack_tcp_timeout_established: 5 days. */
	tcpEstablished: 432_000_000,
	/** nf_conntrack_tcp_timeout_fin_wait: one side has sent FIN. */
	tcpFinWait: 120_000,
	/** nf_conntrack_tcp_timeout_time_wait: both FINs seen. */
	tcpTimeWait: 120_000,
	/** nf_conntrack_tcp_timeout_close: after a RST. */
	tcpClose: 10_000,
	/** nf_conntrack_udp_timeout: unreplied or young UDP flow. */
	udp: 30_000,
	/** nf_conntrack_udp_timeout_stream: replied and older than 2 s. */
	udpStream: 120_000,
	/** Age after which a replied UDP flow gets the stream timeout. */
	udpStreamAfter: 2_000,
	/** nf_conntrack_icmp_timeout. */
	icmp: 30_000
});

/** The idle timeouts a NAT or firewall applies to one tracked flow, ms (shape of {@link CONNTRACK_TIMEOUTS}). */
export type NatTimeouts = { readonly [K in keyof typeof CONNTRACK_TIMEOUTS]: number };

/**
 * The smallest idle timeouts RFC 4787 and RFC 5382 allow, ms: UDP 2 min (RFC 4787 REQ-5, which
 * recommends 5 min or more), established TCP 2 h 4 min (RFC 5382 REQ-5), a connection being
 * opened or closed ("partially open or closing", RFC 5382 REQ-5) 4 min. ICMP Query mappings:
 * 60 s (RFC 5508 REQ-1). The RFCs have no second UDP value for flows with replies.
 */
export const RFC_NAT_TIMEOUTS: NatTimeouts = Object.freeze({
	tcpSynSent: 240_000,
	tcpEstablished: 7_440_000,
	tcpFinWait: 240_000,
	tcpTimeWait: 240_000,
	tcpClose: 240_000,
	udp: 120_000,
	udpStream: 120_000,
	udpStreamAfter: 0,
	icmp: 60_000
});

/**
 * Cisco IOS NAT defaults, ms (`ip nat translation` in Cisco's IOS IP Addressing Services command
 * reference): `syn-timeout` 60 s, `tcp-timeout` 24 h, `finrst-timeout` 60 s, `udp-timeout`
 * 5 min, `icmp-timeout` 60 s.
 */
export const CISCO_NAT_TIMEOUTS: NatTimeouts = Object.freeze({
	tcpSynSent: 60_000,
	tcpEstablished: 86_400_000,
	tcpFinWait: 60_000,
	tcpTimeWait: 60_000,
	tcpClose: 60_000,
	udp: 300_000,
	udpStream: 300_000,
	udpStreamAfter: 0,
	icmp: 60_000
});

/** Named timeout tables for `NatOptions.timeouts`. */
export const NAT_TIMEOUT_PRESETS = Object.freeze({ linux: CONNTRACK_TIMEOUTS as NatTimeouts, rfc: RFC_NAT_TIMEOUTS, cisco: CISCO_NAT_TIMEOUTS });

/**
 * RFC 4787 §4.1 / §5 names, also used by RFC 5382: which remote endpoints share one mapping
 * (mapping behaviour), or may send in through it (filtering behaviour).
 * - `endpoint-independent`: any remote address and port;
 * - `address-dependent`: the same remote address, any port;
 * - `address-and-port-dependent`: the same remote address and port.
 */
export type NatBehaviour = 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';
export const NAT_BEHAVIOURS: readonly NatBehaviour[] = Object.freeze(['endpoint-independent', 'address-dependent', 'address-and-port-dependent']);

/** Simplified TCP conntrack state. */
export type TcpTrackState = 'syn-sent' | 'established' | 'fin-wait' | 'time-wait' | 'close';

/** @internal per-flow tracking shared by NAT sessions and firewall entries. */
export interface Tracked {
	proto: Protocol;
	created: number;
	expiresAt: number;
	replied: boolean;
	tcp: TcpTrackState;
	finOrig: boolean;
	finReply: boolean;
}

/** @internal a fresh tracked flow at time `t` for its first packet. */
export function newTracked(proto: Protocol, t: number): Tracked {
	return { proto, created: t, expiresAt: t, replied: false, tcp: 'syn-sent', finOrig: false, finReply: false };
}

/**
 * @internal Update a tracked flow for a packet seen at `t`; `reply` = the packet goes in the
 * reply direction (towards the side that started the flow). Sets `expiresAt`.
 */
export function trackPacket(f: Tracked, pkt: Packet, reply: boolean, t: number, T: NatTimeouts = CONNTRACK_TIMEOUTS): void {
	if (reply) f.replied = true;
	if (pkt.proto === 'TCP') {
		const fl = pkt.flags;
		if (fl & F_RST) f.tcp = 'close';
		else if (f.tcp !== 'close') {
			if (fl & F_FIN) {
				if (reply) f.finReply = true;
				else f.finOrig = true;
			}
			if (f.finOrig && f.finReply) f.tcp = 'time-wait';
			else if (f.finOrig || f.finReply) f.tcp = 'fin-wait';
			else if (f.tcp === 'syn-sent' && (reply || (fl & F_SYN) === 0 || (fl & F_ACK) !== 0)) f.tcp = 'established';
		}
		const to =
			f.tcp === 'syn-sent'
				? T.tcpSynSent
				: f.tcp === 'established'
					? T.tcpEstablished
					: f.tcp === 'fin-wait'
						? T.tcpFinWait
						: f.tcp === 'time-wait'
							? T.tcpTimeWait
							: T.tcpClose;
		f.expiresAt = t + to;
	} else if (pkt.proto === 'UDP') {
		f.expiresAt = t + (f.replied && t - f.created > T.udpStreamAfter ? T.udpStream : T.udp);
	} else {
		f.expiresAt = t + T.icmp;
	}
}

/** A static port forward (`sim.forwardPort`). */
export interface PortForward {
	proto: 'TCP' | 'UDP';
	/** Port on the public address. */
	publicPort: number;
	/** Inside server address and port. */
	to: SocketAddress;
}

/** NAT configuration accepted by `sim.setNat` (the contract's {@link NatConfig} plus the behaviours below). */
export interface NatOptions extends NatConfig {
	/** Interface addresses of the router that face the inside (default: all but the public one). */
	inside?: string[];
	/** Mapping behaviour (RFC 4787 §4.1); default `endpoint-independent` (REQ-1). */
	mapping?: NatBehaviour;
	/** Filtering behaviour (RFC 4787 §5); default `address-and-port-dependent` (as Linux conntrack). */
	filtering?: NatBehaviour;
	/** Hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8); default true. */
	hairpin?: boolean;
	/** Port parity (RFC 4787 REQ-4): a new public port has the inside port's parity; default false. */
	parity?: boolean;
	/**
	 * Port overloading (RFC 4787 REQ-3 / RFC 5382 REQ-7 forbid it; Linux SNAT and MASQUERADE do
	 * it, `get_unique_tuple()` in net/netfilter/nf_nat_core.c): one public port may serve several
	 * inside endpoints as long as the remote address and port differ. Each flow is its own
	 * mapping (so `mapping` must be, and defaults to, `address-and-port-dependent`), and an
	 * inbound packet is matched by its whole 5-tuple (so `filtering` must be the same). Default false.
	 */
	overload?: boolean;
	/** Idle timeouts: `linux` (default, nf_conntrack), `rfc` (the RFC minimums) or `cisco` (IOS defaults). */
	timeouts?: keyof typeof NAT_TIMEOUT_PRESETS;
}

/** One mapping: inside endpoint ↔ public port. */
interface Mapping {
	id: string;
	proto: Protocol;
	inside: SocketAddress;
	outsidePort: number;
	sessions: Map<string, Session>;
	/** Port forward: never expires, accepts any remote. */
	static: boolean;
	/** Key in `byInside` (protocol, inside endpoint and, per the mapping behaviour, remote). */
	key: string;
}

interface Session extends Tracked {
	mapping: Mapping;
	remote: SocketAddress;
	/** Started by a packet from the outside (a forward, or endpoint/address-dependent filtering). */
	outsideStarted: boolean;
	/** Time of the queue event that will look at this session, or -1. */
	timerAt: number;
	dead: boolean;
}

const EV_RECORD = 1;
const EV_EXPIRE = 2;
/** Timers at least this long are not queued (see module doc). */
const NO_TIMER_MS = 86_400_000;

const key3 = (proto: Protocol, ip: string, port: number): string => `${proto}|${ip}|${port}`;
const rkey = (a: SocketAddress): string => `${a.ip}|${a.port}`;

/** The NAT of one router. Installed in `router.nat` by `sim.setNat`. */
export class Nat implements NatHook, EventTarget {
	/** Public address. */
	readonly publicIp: string;
	readonly mode: 'preserve' | 'remap';
	/** Inclusive public port range. */
	readonly range: [number, number];
	/** Mapping behaviour (RFC 4787 §4.1). */
	readonly mapping: NatBehaviour;
	/** Filtering behaviour (RFC 4787 §5). */
	readonly filtering: NatBehaviour;
	/** Hairpinning (RFC 4787 REQ-9). */
	readonly hairpin: boolean;
	/** Port parity (RFC 4787 REQ-4). */
	readonly parity: boolean;
	/** Port overloading (forbidden by RFC 4787 REQ-3; Linux does it). */
	readonly overload: boolean;
	/** Idle timeouts in use. */
	readonly timeouts: NatTimeouts;
	private readonly insideIf: boolean[];
	private readonly sideCache = new Map<string, boolean>();
	private readonly tables = new Map<Protocol, PortTable>();
	private readonly pickers = new Map<Protocol, Rng>();
	private readonly byInside = new Map<string, Mapping>();
	/** Public (protocol, port) → the mappings using it: one, or several with `overload`. */
	private readonly byOutside = new Map<string, Mapping[]>();
	/**
	 * Sessions opened from the outside (endpoint- or address-dependent filtering) under a
	 * mapping whose scope does not cover that remote: inside endpoint + remote → the mapping, so
	 * the inside socket's answers leave through the port the remote wrote to.
	 */
	private readonly adopted = new Map<string, Mapping>();

	/**
	 * @throws SimError for an invalid public IP, mode, range, inside list, behaviour, or an
	 *   `overload` combined with a mapping or filtering other than address-and-port-dependent.
	 */
	constructor(
		private readonly router: Router,
		private readonly core: SimCore,
		cfg: NatOptions
	) {
		if (!cfg || typeof cfg !== 'object') throw new SimError(`setNat(${router.name}): config must be an object { publicIp, mode, range? }.`, 'nat');
		checkIp(cfg.publicIp, 'publicIp');
		if (cfg.mode !== 'preserve' && cfg.mode !== 'remap') {
			throw new SimError(`setNat(${router.name}): mode must be 'preserve' or 'remap' (got ${JSON.stringify(cfg.mode)}).`, 'mode');
		}
		const range = cfg.range ?? [1024, 65535];
		if (!Array.isArray(range) || range.length !== 2 || !Number.isInteger(range[0]) || !Number.isInteger(range[1]) || range[0] < 1 || range[1] > 65535 || range[0] > range[1]) {
			throw new SimError(`setNat(${router.name}): range must be [low, high] with 1 <= low <= high <= 65535 (got ${JSON.stringify(cfg.range)}).`, 'range');
		}
		if (cfg.inside !== undefined) {
			if (!Array.isArray(cfg.inside)) throw new SimError(`setNat(${router.name}): inside must be a list of the router's interface addresses.`, 'inside');
			for (const ip of cfg.inside) {
				if (!router.ipList.includes(ip)) throw new SimError(`setNat(${router.name}): inside address ${ip} is not one of the router's interfaces (${router.ipList.join(', ')}).`, 'inside');
			}
		}
		const overload = cfg.overload === true;
		const behaviour = (v: unknown, field: 'mapping' | 'filtering', dflt: NatBehaviour): NatBehaviour => {
			if (v === undefined) return dflt;
			if (!NAT_BEHAVIOURS.includes(v as NatBehaviour)) throw new SimError(`setNat(${router.name}): ${field} must be one of ${NAT_BEHAVIOURS.join(', ')} (got ${JSON.stringify(v)}).`, field);
			if (overload && v !== 'address-and-port-dependent') {
				throw new SimError(
					`setNat(${router.name}): with overload, ${field} must be address-and-port-dependent (a shared public port tells its flows apart only by the remote address and port).`,
					field
				);
			}
			return v as NatBehaviour;
		};
		this.mapping = behaviour(cfg.mapping, 'mapping', overload ? 'address-and-port-dependent' : 'endpoint-independent');
		this.filtering = behaviour(cfg.filtering, 'filtering', 'address-and-port-dependent');
		if (cfg.timeouts !== undefined && !Object.hasOwn(NAT_TIMEOUT_PRESETS, cfg.timeouts)) {
			throw new SimError(`setNat(${router.name}): timeouts must be one of ${Object.keys(NAT_TIMEOUT_PRESETS).join(', ')} (got ${JSON.stringify(cfg.timeouts)}).`, 'timeouts');
		}
		this.timeouts = NAT_TIMEOUT_PRESETS[cfg.timeouts ?? 'linux'];
		this.hairpin = cfg.hairpin !== false;
		this.parity = cfg.parity === true;
		this.overload = overload;
		this.publicIp = cfg.publicIp;
		this.mode = cfg.mode;
		this.range = [range[0], range[1]];
		this.insideIf = insideInterfaces(router.ipList, { inside: cfg.inside, publicIp: cfg.publicIp });
	}

	private table(proto: Protocol): PortTable {
		let t = this.tables.get(proto);
		if (t === undefined) {
			const range: [number, number] = proto === 'ICMP' ? [1, 65535] : [this.range[0], this.range[1]];
			t = new PortTable({ range, algorithm: 'random', rng: this.core.rng.fork(`nat:${this.router.name}:${proto}`), unprivilegedStart: 0 });
			this.tables.set(proto, t);
		}
		return t;
	}

	/** Random numbers for the parity and overload port searches (a separate stream, so the plain table's draws do not change). */
	private picker(proto: Protocol): Rng {
		let r = this.pickers.get(proto);
		if (r === undefined) {
			r = this.core.rng.fork(`nat:${this.router.name}:${proto}:pick`);
			this.pickers.set(proto, r);
		}
		return r;
	}

	/** True when the neighbour named `name` is on an inside interface. */
	isInside(name: string): boolean {
		let v = this.sideCache.get(name);
		if (v === undefined) {
			const n = this.router.net.nodes.get(name);
			v = n === undefined ? false : neighbourInside(this.router.ipList, this.insideIf, n);
			this.sideCache.set(name, v);
		}
		return v;
	}

	// ------------------------------------------------------------------ recording

	private emit(t: number, ev: TraceEvent): void {
		if (!this.core.record && ev.kind !== 'error') return;
		if (t <= this.core.queue.now) this.core.events.push(ev);
		else this.core.queue.push(t, this, EV_RECORD, ev);
	}

	/** @internal queue dispatch: deferred records and session timers. */
	onEvent(kind: number, arg: unknown, time: number): void {
		if (kind === EV_RECORD) {
			this.core.events.push(arg as TraceEvent);
			return;
		}
		const s = arg as Session;
		if (s.dead || s.timerAt !== time) return;
		s.timerAt = -1;
		if (s.expiresAt > time) this.arm(s);
		else this.expire(s, time);
	}

	private arm(s: Session): void {
		if (s.mapping.static && s.dead) return;
		if (s.expiresAt - this.core.queue.now >= NO_TIMER_MS) return;
		if (s.timerAt !== -1 && s.timerAt <= s.expiresAt) return; // an earlier check will re-arm
		s.timerAt = s.expiresAt;
		this.core.queue.push(s.expiresAt, this, EV_EXPIRE, s);
	}

	private natEvent(t: number, action: 'create' | 'expire', m: Mapping, remote: SocketAddress): void {
		this.emit(t, {
			kind: 'nat',
			t,
			host: this.router.name,
			action,
			proto: m.proto,
			inside: { ...m.inside },
			outside: { ip: this.publicIp, port: m.outsidePort },
			remote: { ...remote }
		});
	}

	private portEvent(t: number, action: 'allocate' | 'release', m: Mapping): void {
		this.emit(t, { kind: 'port', t, host: this.router.name, proto: m.proto, action, port: m.outsidePort, via: 'nat', socket: m.id });
	}

	/** Register `m` under its public port; the port is taken from the table by its first user. */
	private register(m: Mapping, t: number): boolean {
		const ok = key3(m.proto, this.publicIp, m.outsidePort);
		const users = this.byOutside.get(ok);
		if (users === undefined || users.length === 0) {
			const tbl = this.table(m.proto);
			if (!tbl.isBound(m.outsidePort) && !tbl.bind(m.outsidePort, { root: true }).ok) return false;
			this.byOutside.set(ok, [m]);
		} else if (!users.includes(m)) users.push(m);
		this.byInside.set(m.key, m);
		this.portEvent(t, 'allocate', m);
		return true;
	}

	private unregister(m: Mapping, t: number): void {
		this.byInside.delete(m.key);
		const ok = key3(m.proto, this.publicIp, m.outsidePort);
		const users = (this.byOutside.get(ok) ?? []).filter((x) => x !== m);
		if (users.length === 0) {
			this.byOutside.delete(ok);
			this.table(m.proto).releaseBind(m.outsidePort);
		} else this.byOutside.set(ok, users);
		this.portEvent(t, 'release', m);
	}

	private expire(s: Session, t: number): void {
		s.dead = true;
		const m = s.mapping;
		m.sessions.delete(rkey(s.remote));
		if (s.outsideStarted && !m.static) {
			const ak = `${key3(m.proto, m.inside.ip, m.inside.port)}|${rkey(s.remote)}`;
			if (this.adopted.get(ak) === m) this.adopted.delete(ak);
		}
		this.natEvent(t, 'expire', m, s.remote);
		if (m.sessions.size === 0 && !m.static) this.unregister(m, t);
	}

	// ------------------------------------------------------------------ mappings

	/** The part of the remote endpoint that selects a mapping (RFC 4787 §4.1). */
	private scope(remote: SocketAddress): string {
		if (this.mapping === 'endpoint-independent') return '';
		return this.mapping === 'address-dependent' ? remote.ip : rkey(remote);
	}

	/** A public port no mapping uses, with the inside port's parity when `parity` is on; -1 if none. */
	private pickFree(proto: Protocol, insidePort: number): number {
		const tbl = this.table(proto);
		const lo = tbl.low;
		const n = tbl.high - lo + 1;
		const start = this.picker(proto).int(n);
		for (let i = 0; i < n; i++) {
			const port = lo + ((start + i) % n);
			if (this.parity && (port & 1) !== (insidePort & 1)) continue;
			if (!tbl.isBound(port)) return port;
		}
		return -1;
	}

	/** With overload: may `port` carry one more flow to `remote`? (its 5-tuple must stay unique) */
	private tupleFree(proto: Protocol, port: number, remote: SocketAddress): boolean {
		const users = this.byOutside.get(key3(proto, this.publicIp, port));
		if (users === undefined) return true;
		const rk = rkey(remote);
		return !users.some((m) => m.static || m.sessions.has(rk));
	}

	/** A public port for a new mapping of `inside` towards `remote`, or -1 when none is left. */
	private choosePort(proto: Protocol, inside: SocketAddress, remote: SocketAddress): number {
		const tbl = this.table(proto);
		const inRange = inside.port >= tbl.low && inside.port <= tbl.high && inside.port > 0;
		if (this.overload) {
			// Linux get_unique_tuple(): keep the source port if the translated 5-tuple is unique,
			// otherwise search the range (nf_nat_l4proto_unique_tuple) for one that is.
			if (this.mode === 'preserve' && inRange && this.tupleFree(proto, inside.port, remote)) return inside.port;
			const lo = tbl.low;
			const n = tbl.high - lo + 1;
			const start = this.picker(proto).int(n);
			for (let i = 0; i < n; i++) {
				const port = lo + ((start + i) % n);
				if (this.parity && (port & 1) !== (inside.port & 1)) continue;
				if (this.tupleFree(proto, port, remote)) return port;
			}
			return -1;
		}
		if (this.mode === 'preserve' && inRange && !tbl.isBound(inside.port)) return inside.port;
		if (this.parity) return this.pickFree(proto, inside.port);
		const r = tbl.bind(0, { root: true });
		if (!r.ok) return -1;
		tbl.releaseBind(r.port); // register() takes it again
		return r.port;
	}

	private mappingFor(proto: Protocol, inside: SocketAddress, remote: SocketAddress, t: number): Mapping | null {
		const k = `${key3(proto, inside.ip, inside.port)}|${proto === 'ICMP' ? '' : this.scope(remote)}`;
		const have = this.byInside.get(k) ?? (this.adopted.size > 0 ? this.adopted.get(`${key3(proto, inside.ip, inside.port)}|${rkey(remote)}`) : undefined);
		if (have !== undefined) return have;
		const port = this.choosePort(proto, inside, remote);
		if (port < 0) {
			this.emit(t, {
				kind: 'error',
				t,
				host: this.router.name,
				socket: `nat:${proto}:${inside.ip}:${inside.port}`,
				call: 'nat',
				errno: 'EADDRNOTAVAIL',
				message: `NAT ${this.router.name} has no free public ${proto === 'ICMP' ? 'echo identifier' : `${proto} port in ${this.table(proto).low}-${this.table(proto).high}`} on ${this.publicIp} for ${inside.ip}:${inside.port}; packet dropped`
			});
			return null;
		}
		const m: Mapping = { id: `nat:${proto}:${inside.ip}:${inside.port}`, proto, inside: { ...inside }, outsidePort: port, sessions: new Map(), static: false, key: k };
		if (!this.register(m, t)) return null;
		return m;
	}

	private session(m: Mapping, remote: SocketAddress, pkt: Packet, reply: boolean, t: number, create: boolean, outsideStarted = false): Session | null {
		const rk = rkey(remote);
		let s = m.sessions.get(rk);
		if (s !== undefined && s.expiresAt <= t && !s.dead) {
			// Expired but its timer has not fired yet (same instant): expire it now.
			this.expire(s, s.expiresAt);
			s = undefined;
		}
		if (s === undefined) {
			if (!create) return null;
			if (this.byInside.get(m.key) !== m) {
				// The mapping was released by the expiry above: re-register it.
				if (!this.register(m, t)) return null;
			}
			s = { ...newTracked(m.proto, t), mapping: m, remote: { ...remote }, outsideStarted: outsideStarted || m.static, timerAt: -1, dead: false };
			m.sessions.set(rk, s);
			if (outsideStarted && !m.static) this.adopted.set(`${key3(m.proto, m.inside.ip, m.inside.port)}|${rk}`, m);
			this.natEvent(t, 'create', m, remote);
		}
		// `reply`: the packet travels towards the side that started the session.
		trackPacket(s, pkt, s.outsideStarted ? !reply : reply, t, this.timeouts);
		this.arm(s);
		return s;
	}

	/**
	 * Add a static port forward: packets to `publicIp:publicPort` go to `to`, and `to`'s replies
	 * leave from `publicIp:publicPort`. Sessions are still recorded per remote.
	 * @throws SimError for a bad protocol, port or address, or a public port already in use.
	 */
	forward(fwd: PortForward): void {
		if (!fwd || (fwd.proto !== 'TCP' && fwd.proto !== 'UDP')) throw new SimError(`forwardPort(${this.router.name}): proto must be 'TCP' or 'UDP'.`, 'proto');
		checkPort(fwd.publicPort, 'publicPort');
		if (fwd.publicPort === 0) throw new SimError(`forwardPort(${this.router.name}): publicPort must be 1-65535.`, 'publicPort');
		checkIp(fwd.to?.ip, 'to.ip');
		checkPort(fwd.to?.port, 'to.port');
		const k = `${key3(fwd.proto, fwd.to.ip, fwd.to.port)}|`;
		if ([...this.byInside.values()].some((m) => m.proto === fwd.proto && m.inside.ip === fwd.to.ip && m.inside.port === fwd.to.port)) {
			throw new SimError(`forwardPort(${this.router.name}): ${fwd.to.ip}:${fwd.to.port} already has a mapping.`, 'to');
		}
		if (this.table(fwd.proto).isBound(fwd.publicPort)) throw new SimError(`forwardPort(${this.router.name}): public ${fwd.proto} port ${fwd.publicPort} is already forwarded or mapped.`, 'publicPort');
		const m: Mapping = { id: `forward:${fwd.proto}:${fwd.publicPort}`, proto: fwd.proto, inside: { ...fwd.to }, outsidePort: fwd.publicPort, sessions: new Map(), static: true, key: k };
		this.register(m, this.core.queue.now);
	}

	// ------------------------------------------------------------------ hooks

	/**
	 * Packets the router forwards (not addressed to it). Outbound (arriving from an inside
	 * neighbour, leaving towards an outside one): source rewritten to the public address and
	 * mapped port. Arriving from outside for an inside address: dropped (private addresses are
	 * reachable from outside only through the public address). Anything else passes unchanged.
	 */
	translate(pkt: Packet, fromNode: string, toNode: string, t: number): Packet | null {
		const fromIn = this.isInside(fromNode);
		const toIn = this.isInside(toNode);
		if (fromIn && !toIn) return this.outbound(pkt, t);
		if (!fromIn && toIn) return null;
		return pkt;
	}

	/** The mapping an inside endpoint uses towards `remote` (a forward's mapping for its server). */
	private outboundMapping(proto: Protocol, inside: SocketAddress, remote: SocketAddress, t: number): Mapping | null {
		const fwd = this.byInside.get(`${key3(proto, inside.ip, inside.port)}|`);
		if (fwd !== undefined && fwd.static) return fwd;
		return this.mappingFor(proto, inside, remote, t);
	}

	private outbound(pkt: Packet, t: number): Packet | null {
		if (pkt.proto === 'TCP' || pkt.proto === 'UDP') {
			const remote = { ip: pkt.dstIp, port: pkt.dport };
			const m = this.outboundMapping(pkt.proto, { ip: pkt.srcIp, port: pkt.sport }, remote, t);
			if (m === null) return null;
			if (this.session(m, remote, pkt, false, t, true) === null) return null;
			return { ...pkt, srcIp: this.publicIp, sport: m.outsidePort };
		}
		if (pkt.type === 8 && pkt.identifier !== undefined) {
			const m = this.mappingFor('ICMP', { ip: pkt.srcIp, port: pkt.identifier }, { ip: pkt.dstIp, port: 0 }, t);
			if (m === null) return null;
			if (this.session(m, { ip: pkt.dstIp, port: 0 }, pkt, false, t, true) === null) return null;
			return { ...pkt, srcIp: this.publicIp, identifier: m.outsidePort };
		}
		const out: IcmpPacket = { ...pkt, srcIp: this.publicIp };
		const q = pkt.quoted;
		if (q !== undefined) {
			// An inside host's ICMP error about a packet it received through a mapping (RFC 5508).
			const m = this.findInside(q.proto, q.dst.ip, q.proto === 'ICMP' ? (q.identifier ?? 0) : q.dst.port, q.src);
			if (m !== undefined) {
				out.quoted = { ...q, src: { ...q.src }, dst: { ip: this.publicIp, port: q.proto === 'ICMP' ? 0 : m.outsidePort } };
				if (q.proto === 'ICMP') out.quoted.identifier = m.outsidePort;
			}
		}
		return out;
	}

	/** The mapping of an inside endpoint that serves `remote`, if any. */
	private findInside(proto: Protocol, ip: string, port: number, remote: SocketAddress): Mapping | undefined {
		const base = key3(proto, ip, port);
		return this.byInside.get(`${base}|`) ?? this.byInside.get(`${base}|${proto === 'ICMP' ? '' : this.scope(remote)}`);
	}

	/**
	 * Inbound filtering (RFC 4787 §5): the mapping on public `port` that admits a packet from
	 * `remote`, creating its session when the filtering behaviour allows one; null to drop.
	 */
	private admit(pkt: Packet & { proto: 'TCP' | 'UDP' }, remote: SocketAddress, t: number): Mapping | null {
		const users = this.byOutside.get(key3(pkt.proto, this.publicIp, pkt.dport));
		if (users === undefined || users.length === 0) return null;
		const rk = rkey(remote);
		const live = (m: Mapping, k: string) => {
			const s = m.sessions.get(k);
			return s !== undefined && !s.dead && s.expiresAt > t;
		};
		// A session for exactly this remote passes under every filtering behaviour.
		const exact = users.find((m) => live(m, rk));
		if (exact !== undefined) return this.session(exact, remote, pkt, true, t, false) === null ? null : exact;
		if (users.length > 1) return null; // overload: only the whole 5-tuple tells the flows apart
		const m = users[0];
		let ok = m.static || this.filtering === 'endpoint-independent';
		if (!ok && this.filtering === 'address-dependent') {
			for (const s of m.sessions.values()) if (!s.dead && s.expiresAt > t && s.remote.ip === remote.ip) ok = true;
		}
		if (!ok) return null;
		return this.session(m, remote, pkt, true, t, true, true) === null ? null : m;
	}

	/**
	 * A packet addressed to the public address reached the router: return the packet translated
	 * back to the inside, `null` to drop it (`dropped: 'nat'`: no live session or forward, the
	 * filtering behaviour refused it, or hairpinning is off), or `'local'` when it is for the
	 * router itself (Echo Request; ICMP error about its own packet).
	 */
	inbound(pkt: Packet, fromNode: string, t: number): Packet | null | 'local' {
		if (pkt.dstIp !== this.publicIp) return 'local';
		if (pkt.proto === 'TCP' || pkt.proto === 'UDP') {
			if (this.isInside(fromNode)) return this.hairpinned(pkt, t);
			const m = this.admit(pkt, { ip: pkt.srcIp, port: pkt.sport }, t);
			if (m === null) return null;
			return { ...pkt, dstIp: m.inside.ip, dport: m.inside.port };
		}
		if (pkt.type === 8) return 'local';
		if (pkt.type === 0) {
			if (pkt.identifier === undefined) return null;
			const m = this.byOutside.get(key3('ICMP', this.publicIp, pkt.identifier))?.[0];
			if (m === undefined) return null;
			if (this.session(m, { ip: pkt.srcIp, port: 0 }, pkt, true, t, false) === null) return null;
			return { ...pkt, dstIp: m.inside.ip, identifier: m.inside.port };
		}
		const q = pkt.quoted;
		if (q === undefined || q.src.ip !== this.publicIp) return 'local';
		const users = this.byOutside.get(key3(q.proto, this.publicIp, q.proto === 'ICMP' ? (q.identifier ?? 0) : q.src.port));
		const m = users?.find((x) => x.sessions.has(rkey(q.proto === 'ICMP' ? { ip: q.dst.ip, port: 0 } : q.dst))) ?? users?.[0];
		if (m === undefined) return 'local';
		const quoted: NonNullable<IcmpPacket['quoted']> = { ...q, dst: { ...q.dst }, src: { ip: m.inside.ip, port: q.proto === 'ICMP' ? 0 : m.inside.port } };
		if (q.proto === 'ICMP') quoted.identifier = m.inside.port;
		return { ...pkt, dstIp: m.inside.ip, quoted };
	}

	/**
	 * Hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8): an inside host sent to the public address.
	 * The source becomes the sender's own public mapping (REQ-9b: "external source IP address
	 * and port"), the destination the inside endpoint behind the public port, and the packet is
	 * filtered as if it came from outside. Without hairpinning it is dropped.
	 */
	private hairpinned(pkt: Packet & { proto: 'TCP' | 'UDP' }, t: number): Packet | null {
		if (!this.hairpin) return null;
		const target = { ip: this.publicIp, port: pkt.dport };
		if (!this.byOutside.has(key3(pkt.proto, this.publicIp, pkt.dport))) return null;
		const sm = this.outboundMapping(pkt.proto, { ip: pkt.srcIp, port: pkt.sport }, target, t);
		if (sm === null) return null;
		if (this.session(sm, target, pkt, false, t, true) === null) return null;
		const outside = { ip: this.publicIp, port: sm.outsidePort };
		const m = this.admit(pkt, outside, t);
		if (m === null) return null;
		return { ...pkt, srcIp: outside.ip, sport: outside.port, dstIp: m.inside.ip, dport: m.inside.port };
	}

	/** Live mappings, for tests and views: inside ↔ outside with their remotes. */
	mappings(): { proto: Protocol; inside: SocketAddress; outside: SocketAddress; remotes: SocketAddress[]; static: boolean }[] {
		return [...this.byInside.values()].map((m) => ({
			proto: m.proto,
			inside: { ...m.inside },
			outside: { ip: this.publicIp, port: m.outsidePort },
			remotes: [...m.sessions.values()].filter((s) => !s.dead).map((s) => ({ ...s.remote })),
			static: m.static
		}));
	}
}
