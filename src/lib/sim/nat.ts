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
 * **Mappings** (RFC 4787 REQ-1, endpoint-independent mapping): the first packet from an inside
 * endpoint (protocol, inside IP, inside port) to the outside creates a mapping to one public
 * port, which then serves every destination that endpoint talks to:
 * - `mode: 'preserve'` keeps the inside port when it is inside `range` and no other mapping
 *   holds it on the public address (Linux MASQUERADE keeps the source port when it can);
 *   otherwise it picks another port as `remap` does;
 * - `mode: 'remap'` always picks a port from `range` (default 1024-65535) at random
 *   (RFC 6056 Algorithm 1 via a {@link PortTable} of the router, RFC 6056 §3.2 / RFC 4787 REQ-3).
 * A public port belongs to one mapping at a time, so two inside 5-tuples never share an outside
 * 5-tuple. When the range is exhausted the packet is dropped (`dropped: 'nat'`) and an `error`
 * event (`EADDRNOTAVAIL`, call `nat`) is recorded on the router. ICMP echo identifiers are mapped
 * the same way (a separate 1-65535 table).
 *
 * **Sessions and filtering** (RFC 4787 REQ-8 option "address and port-dependent filtering", as
 * Linux conntrack): each (mapping, remote address:port) pair is a session with its own timer,
 * recorded as a `nat` event `create`/`expire`. An inbound packet to the public address is
 * translated back only if it belongs to a live session (or a port forward); anything else is
 * dropped with `dropped: 'nat'`. An Echo Request to the public address is answered by the
 * router itself. ICMP errors (Time Exceeded, Destination Unreachable) about a translated packet
 * are translated back using the 5-tuple they quote (RFC 5508 §4.2).
 *
 * **Timeouts** ({@link CONNTRACK_TIMEOUTS}, Linux nf_conntrack defaults): TCP unanswered SYN
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
export function trackPacket(f: Tracked, pkt: Packet, reply: boolean, t: number): void {
	const T = CONNTRACK_TIMEOUTS;
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

/** NAT configuration accepted by `sim.setNat` (the contract's {@link NatConfig} plus `inside`). */
export interface NatOptions extends NatConfig {
	/** Interface addresses of the router that face the inside (default: all but the public one). */
	inside?: string[];
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
}

interface Session extends Tracked {
	mapping: Mapping;
	remote: SocketAddress;
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
	private readonly insideIf: boolean[];
	private readonly sideCache = new Map<string, boolean>();
	private readonly tables = new Map<Protocol, PortTable>();
	private readonly byInside = new Map<string, Mapping>();
	private readonly byOutside = new Map<string, Mapping>();

	/**
	 * @throws SimError for an invalid public IP, mode, range or inside list.
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

	private expire(s: Session, t: number): void {
		s.dead = true;
		const m = s.mapping;
		m.sessions.delete(rkey(s.remote));
		this.natEvent(t, 'expire', m, s.remote);
		if (m.sessions.size === 0 && !m.static) {
			this.byInside.delete(key3(m.proto, m.inside.ip, m.inside.port));
			this.byOutside.delete(key3(m.proto, this.publicIp, m.outsidePort));
			this.table(m.proto).releaseBind(m.outsidePort);
			this.portEvent(t, 'release', m);
		}
	}

	// ------------------------------------------------------------------ mappings

	private mappingFor(proto: Protocol, inside: SocketAddress, t: number): Mapping | null {
		const k = key3(proto, inside.ip, inside.port);
		const have = this.byInside.get(k);
		if (have !== undefined) return have;
		const tbl = this.table(proto);
		let port = -1;
		if (this.mode === 'preserve' && inside.port >= tbl.low && inside.port <= tbl.high && inside.port > 0) {
			const r = tbl.bind(inside.port, { root: true });
			if (r.ok) port = r.port;
		}
		if (port < 0) {
			const r = tbl.bind(0, { root: true });
			if (!r.ok) {
				this.emit(t, {
					kind: 'error',
					t,
					host: this.router.name,
					socket: `nat:${proto}:${inside.ip}:${inside.port}`,
					call: 'nat',
					errno: 'EADDRNOTAVAIL',
					message: `NAT ${this.router.name} has no free public ${proto === 'ICMP' ? 'echo identifier' : `${proto} port in ${tbl.low}-${tbl.high}`} on ${this.publicIp} for ${inside.ip}:${inside.port}; packet dropped`
				});
				return null;
			}
			port = r.port;
		}
		const m: Mapping = { id: `nat:${proto}:${inside.ip}:${inside.port}`, proto, inside: { ...inside }, outsidePort: port, sessions: new Map(), static: false };
		this.byInside.set(k, m);
		this.byOutside.set(key3(proto, this.publicIp, port), m);
		this.portEvent(t, 'allocate', m);
		return m;
	}

	private session(m: Mapping, remote: SocketAddress, pkt: Packet, reply: boolean, t: number, create: boolean): Session | null {
		const rk = rkey(remote);
		let s = m.sessions.get(rk);
		if (s !== undefined && s.expiresAt <= t && !s.dead) {
			// Expired but its timer has not fired yet (same instant): expire it now.
			this.expire(s, s.expiresAt);
			s = undefined;
		}
		if (s === undefined) {
			if (!create) return null;
			if (!this.byInside.has(key3(m.proto, m.inside.ip, m.inside.port))) {
				// The mapping was released by the expiry above: re-register it.
				this.byInside.set(key3(m.proto, m.inside.ip, m.inside.port), m);
				this.byOutside.set(key3(m.proto, this.publicIp, m.outsidePort), m);
				const r = this.table(m.proto).bind(m.outsidePort, { root: true });
				if (!r.ok) return null;
				this.portEvent(t, 'allocate', m);
			}
			s = { ...newTracked(m.proto, t), mapping: m, remote: { ...remote }, timerAt: -1, dead: false };
			m.sessions.set(rk, s);
			this.natEvent(t, 'create', m, remote);
		}
		trackPacket(s, pkt, reply, t);
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
		const k = key3(fwd.proto, fwd.to.ip, fwd.to.port);
		if (this.byInside.has(k)) throw new SimError(`forwardPort(${this.router.name}): ${fwd.to.ip}:${fwd.to.port} already has a mapping.`, 'to');
		const r = this.table(fwd.proto).bind(fwd.publicPort, { root: true });
		if (!r.ok) throw new SimError(`forwardPort(${this.router.name}): public ${fwd.proto} port ${fwd.publicPort} is already forwarded or mapped.`, 'publicPort');
		const m: Mapping = { id: `forward:${fwd.proto}:${fwd.publicPort}`, proto: fwd.proto, inside: { ...fwd.to }, outsidePort: fwd.publicPort, sessions: new Map(), static: true };
		this.byInside.set(k, m);
		this.byOutside.set(key3(fwd.proto, this.publicIp, fwd.publicPort), m);
		this.portEvent(this.core.queue.now, 'allocate', m);
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

	private outbound(pkt: Packet, t: number): Packet | null {
		if (pkt.proto === 'TCP' || pkt.proto === 'UDP') {
			const m = this.mappingFor(pkt.proto, { ip: pkt.srcIp, port: pkt.sport }, t);
			if (m === null) return null;
			const reply = m.static; // a forwarded server's packets are replies
			if (this.session(m, { ip: pkt.dstIp, port: pkt.dport }, pkt, reply, t, true) === null) return null;
			return { ...pkt, srcIp: this.publicIp, sport: m.outsidePort };
		}
		if (pkt.type === 8 && pkt.identifier !== undefined) {
			const m = this.mappingFor('ICMP', { ip: pkt.srcIp, port: pkt.identifier }, t);
			if (m === null) return null;
			if (this.session(m, { ip: pkt.dstIp, port: 0 }, pkt, false, t, true) === null) return null;
			return { ...pkt, srcIp: this.publicIp, identifier: m.outsidePort };
		}
		const out: IcmpPacket = { ...pkt, srcIp: this.publicIp };
		const q = pkt.quoted;
		if (q !== undefined) {
			// An inside host's ICMP error about a packet it received through a mapping (RFC 5508).
			const m = this.byInside.get(key3(q.proto, q.dst.ip, q.proto === 'ICMP' ? (q.identifier ?? 0) : q.dst.port));
			if (m !== undefined) {
				out.quoted = { ...q, src: { ...q.src }, dst: { ip: this.publicIp, port: q.proto === 'ICMP' ? 0 : m.outsidePort } };
				if (q.proto === 'ICMP') out.quoted.identifier = m.outsidePort;
			}
		}
		return out;
	}

	/**
	 * A packet addressed to the public address reached the router: return the packet translated
	 * back to the inside, `null` to drop it (`dropped: 'nat'`: no live session or forward), or
	 * `'local'` when it is for the router itself (Echo Request; ICMP error about its own packet).
	 */
	inbound(pkt: Packet, _fromNode: string, t: number): Packet | null | 'local' {
		if (pkt.dstIp !== this.publicIp) return 'local';
		if (pkt.proto === 'TCP' || pkt.proto === 'UDP') {
			const m = this.byOutside.get(key3(pkt.proto, this.publicIp, pkt.dport));
			if (m === undefined) return null;
			const s = this.session(m, { ip: pkt.srcIp, port: pkt.sport }, pkt, !m.static, t, m.static);
			if (s === null) return null;
			return { ...pkt, dstIp: m.inside.ip, dport: m.inside.port };
		}
		if (pkt.type === 8) return 'local';
		if (pkt.type === 0) {
			if (pkt.identifier === undefined) return null;
			const m = this.byOutside.get(key3('ICMP', this.publicIp, pkt.identifier));
			if (m === undefined) return null;
			if (this.session(m, { ip: pkt.srcIp, port: 0 }, pkt, true, t, false) === null) return null;
			return { ...pkt, dstIp: m.inside.ip, identifier: m.inside.port };
		}
		const q = pkt.quoted;
		if (q === undefined || q.src.ip !== this.publicIp) return 'local';
		const m = this.byOutside.get(key3(q.proto, this.publicIp, q.proto === 'ICMP' ? (q.identifier ?? 0) : q.src.port));
		if (m === undefined) return 'local';
		const quoted: NonNullable<IcmpPacket['quoted']> = { ...q, dst: { ...q.dst }, src: { ip: m.inside.ip, port: q.proto === 'ICMP' ? 0 : m.inside.port } };
		if (q.proto === 'ICMP') quoted.identifier = m.inside.port;
		return { ...pkt, dstIp: m.inside.ip, quoted };
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
