/**
 * ICMP (RFC 792): echo (ping), Time Exceeded from routers, Port Unreachable handling, and the
 * two traceroute styles.
 *
 * - **Echo** (types 8/0): any host (and any router, for its own addresses) answers an Echo
 *   Request with an Echo Reply carrying the same identifier and sequence number. `ping`
 *   allocates its identifier like a port, from 1 upwards and never 0, as Linux
 *   `ping_get_port()` (net/ipv4/ping.c) does for unprivileged ping sockets (a rover shared by
 *   the host; the simulator keeps one rover per host). Sequence numbers start at 1 (iputils).
 * - **Time Exceeded** (type 11, code 0): a router that decrements a packet's TTL to 0 drops it
 *   and sends Time Exceeded from **the address of the interface the packet arrived on** (Linux
 *   `icmp_send` picks the ingress interface's address by default), quoting the packet's
 *   5-tuple. No ICMP error is sent about an ICMP error (RFC 1122 §3.2.2).
 * - **Unix traceroute** (Linux/macOS/BSD): UDP probes, `probes` (3) per hop with TTL 1, 2, …;
 *   destination port 33434 + probe number (Linux `DEF_START_PORT`, first probe 33434), so each
 *   probe has its own port; all probes come from one socket with an autobound ephemeral source
 *   port. One probe at a time: the next leaves when the answer arrives or after 5 s (traceroute
 *   `-w` default). It stops after the hop whose answer was a Destination Unreachable (the
 *   destination's Port Unreachable), or at `maxHops` (30).
 * - **Windows tracert**: ICMP Echo Requests with rising TTL (identifier allocated as for ping,
 *   sequence numbers counting probes), 3 per hop, 4 s timeout (`tracert -w 4000`); it stops
 *   after the hop that answered with an Echo Reply.
 *
 * Each probe is an ordinary packet event (its `ttl` field is the probe's TTL); each answer or
 * timeout adds a `call` event on the tool's id (`<host>#traceroute<n>`, `<host>#ping<n>`)
 * with the hop, the address and the round-trip time, which can also be read from the trace as
 * reply `arrivedAt` − request `t`.
 *
 * - **Firewall REJECT**: a router's `reject` rule answers a dropped packet with Destination
 *   Unreachable (or a TCP RST), see `rejectReply`; what a connecting TCP socket does with it is in
 *   tcp-icmp.ts.
 *
 * Not modelled: ICMP rate limiting (`icmp_ratelimit`, `icmp_msgs_per_sec`), TTL differences
 * between OSes (every host and router sends with TTL 64).
 *
 * @module
 */

import type { EventTarget } from './clock';
import type { SimCore } from './core';
import { SimError } from './errors';
import { interfaceFacing } from './iface';
import type { NetNode } from './node';
import { PortTable } from './ports';
import type { RejectWith, Router } from './router';
import { createUdpSocket, udpError, UDP_TTL, type UdpHost, type UdpSocket } from './udp';
import { ICMP6, ICMP6_PORT_UNREACH, isIcmp6Error } from './ipv6';
import { checkIp, F_ACK, F_RST, isIp6, segLen, type IcmpPacket, type Packet, type TcpPacket, type UdpPacket } from './wire';

/** The host as ICMP sees it (implemented by `Host`, host.ts): UDP's view (traceroute sends UDP) plus ICMP's own state. */
export type IcmpHost = UdpHost & { icmpState?: IcmpHostState };
type Host = IcmpHost;

/** ICMP message types used by the simulator (RFC 792). */
export const ICMP = Object.freeze({
	ECHO_REPLY: 0,
	DEST_UNREACH: 3,
	ECHO_REQUEST: 8,
	TIME_EXCEEDED: 11
});

/** The ICMP numbers of one family: ICMP (RFC 792) for IPv4, ICMPv6 (RFC 4443) for IPv6. */
interface IcmpNumbers {
	echoRequest: number;
	echoReply: number;
	destUnreach: number;
	timeExceeded: number;
	portUnreachCode: number;
}
const V4: IcmpNumbers = { echoRequest: ICMP.ECHO_REQUEST, echoReply: ICMP.ECHO_REPLY, destUnreach: ICMP.DEST_UNREACH, timeExceeded: ICMP.TIME_EXCEEDED, portUnreachCode: 3 };
const V6: IcmpNumbers = {
	echoRequest: ICMP6.ECHO_REQUEST,
	echoReply: ICMP6.ECHO_REPLY,
	destUnreach: ICMP6.DEST_UNREACH,
	timeExceeded: ICMP6.TIME_EXCEEDED,
	portUnreachCode: ICMP6_PORT_UNREACH
};
/** The ICMP numbers for a packet to or from `ip`. */
export function icmpNumbers(ip: string): IcmpNumbers {
	return isIp6(ip) ? V6 : V4;
}

/** Timing defaults of the tools, ms of virtual time. */
export const ICMP_TOOLS = Object.freeze({
	/** First UDP destination port of Unix traceroute (Linux DEF_START_PORT = 32768 + 666). */
	tracerouteBasePort: 33434,
	/** Unix traceroute: wait for an answer before the next probe (`-w 5`). */
	unixWaitMs: 5000,
	/** Windows tracert: `-w 4000`. */
	windowsWaitMs: 4000,
	/** Default hop limit of both tools. */
	maxHops: 30,
	/** Probes per hop of both tools. */
	probes: 3,
	/** UDP payload of a Unix traceroute probe: 60-byte packet − 20 IP − 8 UDP. */
	unixProbeBytes: 32,
	/** How long ping waits for outstanding replies after its last request (iputils linger, 10 s). */
	pingLingerMs: 10_000
});

/** Something that receives echo replies / ICMP errors for an identifier. */
interface EchoUser {
	onEchoReply(pkt: IcmpPacket): void;
	onError(pkt: IcmpPacket): void;
}

/** Per-host ICMP state (identifier table and the tools using it). @internal */
export interface IcmpHostState {
	/** Echo identifiers, 1..65535, handed out sequentially (ping_get_port rover). */
	ids: PortTable;
	byId: Map<number, EchoUser>;
	/** Number of tools started (for ids `<host>#ping<n>`). */
	tools: number;
}

function icmpState(host: Host): IcmpHostState {
	let s = host.icmpState;
	if (s === undefined) {
		s = {
			ids: new PortTable({ range: [1, 65535], algorithm: 'sequential', rng: host.core.rng.fork(`ids:icmp:${host.name}`), unprivilegedStart: 0 }),
			byId: new Map(),
			tools: 0
		};
		host.icmpState = s;
	}
	return s;
}

/** Allocate an echo identifier (`ping_get_port(sk, 0)`); -1 when all 65535 are in use. */
function allocId(host: Host, user: EchoUser, owner: string): number {
	const st = icmpState(host);
	const r = st.ids.bind(0, { root: true });
	if (!r.ok) {
		host.errorEvent(owner, 'socket', 'EADDRINUSE', 'no free ICMP echo identifier');
		return -1;
	}
	st.byId.set(r.port, user);
	host.portEvent('allocate', r.port, 'send', owner, 'ICMP');
	return r.port;
}

function freeId(host: Host, id: number, owner: string): void {
	const st = icmpState(host);
	if (!st.byId.has(id)) return;
	st.byId.delete(id);
	st.ids.releaseBind(id);
	host.portEvent('release', id, 'send', owner, 'ICMP');
}

/** Build and send an ICMP message from `node` (source address `srcIp`). */
function sendIcmp(node: NetNode, srcIp: string, dstIp: string, fields: Omit<IcmpPacket, 'proto' | 'srcIp' | 'dstIp' | 'ttl' | 'id'> & { ttl?: number }): void {
	const pkt: IcmpPacket = { proto: 'ICMP', srcIp, dstIp, ttl: fields.ttl ?? UDP_TTL, id: 0, type: fields.type, code: fields.code };
	if (fields.identifier !== undefined) pkt.identifier = fields.identifier;
	if (fields.sequence !== undefined) pkt.sequence = fields.sequence;
	if (fields.quoted !== undefined) pkt.quoted = fields.quoted;
	if (fields.mtu !== undefined) pkt.mtu = fields.mtu;
	if (fields.target !== undefined) pkt.target = fields.target;
	node.net.transmit(pkt, node);
}

/** The 5-tuple an ICMP error quotes for `pkt` (IP header + first 8 bytes, RFC 792). */
export function quoteOf(pkt: Packet): NonNullable<IcmpPacket['quoted']> {
	if (pkt.proto === 'ICMP') {
		const q: NonNullable<IcmpPacket['quoted']> = { proto: 'ICMP', src: { ip: pkt.srcIp, port: 0 }, dst: { ip: pkt.dstIp, port: 0 } };
		if (pkt.identifier !== undefined) q.identifier = pkt.identifier;
		if (pkt.sequence !== undefined) q.sequence = pkt.sequence;
		return q;
	}
	return { proto: pkt.proto, src: { ip: pkt.srcIp, port: pkt.sport }, dst: { ip: pkt.dstIp, port: pkt.dport } };
}

/**
 * True for ICMP error messages (never answered with another ICMP error: RFC 1122 §3.2.2,
 * RFC 4443 §2.4 (e)). ICMPv6 errors are types 0-127; neighbour discovery (135/136) is not an
 * error but is never answered with one either.
 */
function isIcmpError(pkt: Packet): boolean {
	if (pkt.proto !== 'ICMP') return false;
	if (isIp6(pkt.srcIp)) return isIcmp6Error(pkt.type) || pkt.type === ICMP6.NEIGHBOR_SOLICIT || pkt.type === ICMP6.NEIGHBOR_ADVERT;
	return pkt.type !== ICMP.ECHO_REQUEST && pkt.type !== ICMP.ECHO_REPLY;
}

/** Answer an Echo Request addressed to `node` (from the address it was sent to): 0 for 8, 129 for 128. */
function echoReply(node: NetNode, pkt: IcmpPacket): void {
	sendIcmp(node, pkt.dstIp, pkt.srcIp, { type: icmpNumbers(pkt.srcIp).echoReply, code: 0, identifier: pkt.identifier, sequence: pkt.sequence });
}

/** Something that wants ICMP errors quoting the TCP segments it sent (PMTUD: tcp-pmtu in host.ts). */
export type TcpIcmpHandler = (icmp: IcmpPacket) => void;

/** @internal An ICMP or ICMPv6 message addressed to `host` arrived. */
export function icmpInput(host: Host & { onTcpIcmp?: TcpIcmpHandler }, pkt: IcmpPacket): void {
	const n = icmpNumbers(pkt.srcIp);
	const t = pkt.type;
	if (t === n.echoRequest) {
		echoReply(host, pkt);
		return;
	}
	if (t === n.echoReply) {
		if (pkt.identifier !== undefined) host.icmpState?.byId.get(pkt.identifier)?.onEchoReply(pkt);
		return;
	}
	const tooBig = n === V6 && t === ICMP6.PACKET_TOO_BIG;
	if (t === n.destUnreach || t === n.timeExceeded || tooBig) {
		const q = pkt.quoted;
		if (q === undefined) return;
		if (q.proto === 'UDP') udpError(host, pkt);
		else if (q.proto === 'ICMP' && q.identifier !== undefined && (q.src.ip === host.ip || q.src.ip === host.ip6)) host.icmpState?.byId.get(q.identifier)?.onError(pkt);
		// About TCP: Destination Unreachable goes to tcp-icmp.ts (tcp_v4_err / tcp_v6_err) from
		// host.ts first; Packet Too Big here to tcp-pmtu.ts (tcp_v6_err → tcp_v6_mtu_reduced).
		else if (q.proto === 'TCP' && tooBig) host.onTcpIcmp?.(pkt);
	}
}

const EV_ROUTER_ICMP = 1;

/** Queue target that makes a router send an ICMP message at a later virtual time. */
class RouterIcmpSender implements EventTarget {
	constructor(private router: Router) {}
	onEvent(_kind: number, arg: unknown): void {
		const a = arg as { src: string; pkt: IcmpPacket };
		this.router.net.transmit(a.pkt, this.router);
	}
}

/**
 * @internal Give a router its ICMP behaviour: Time Exceeded when a TTL reaches 0, Echo Reply
 * for pings to its own addresses, Port Unreachable for UDP to its own addresses.
 */
export function installRouterIcmp(router: Router, core: SimCore): void {
	const sender = new RouterIcmpSender(router);
	/**
	 * Queue an ICMP error about `pkt`, from the address of the interface it came in on, to its
	 * source (not about an ICMP error: RFC 1122 3.2.2, RFC 4443 §2.4 (e.1)).
	 */
	const sendError = (pkt: Packet, t: number, from: NetNode | undefined, fields: Pick<IcmpPacket, 'type' | 'code' | 'mtu'>): void => {
		if (isIcmpError(pkt)) return;
		const ingress = ingressAddress(router, pkt, from);
		if (ingress === null) return;
		const icmp: IcmpPacket = { proto: 'ICMP', srcIp: ingress, dstIp: pkt.srcIp, ttl: UDP_TTL, id: 0, ...fields, quoted: quoteOf(pkt) };
		core.queue.push(t, sender, EV_ROUTER_ICMP, { src: ingress, pkt: icmp });
	};
	router.onTtlExceeded = (pkt: Packet, t: number, from?: NetNode): void => {
		// Time Exceeded: ICMP 11 code 0 "time to live exceeded in transit"; ICMPv6 3 code 0
		// "hop limit exceeded in transit" (RFC 4443 §3.3).
		sendError(pkt, t, from, { type: icmpNumbers(pkt.srcIp).timeExceeded, code: 0 });
	};
	router.onLocalPacket = (pkt: Packet): void => {
		const n = icmpNumbers(pkt.srcIp);
		if (pkt.proto === 'ICMP') {
			if (pkt.type === n.echoRequest) echoReply(router, pkt);
		} else if (pkt.proto === 'UDP') {
			sendIcmp(router, pkt.dstIp, pkt.srcIp, { type: n.destUnreach, code: n.portUnreachCode, quoted: quoteOf(pkt) });
		}
	};
	router.onTooBig = (pkt: Packet, t: number, mtu: number, from?: NetNode): void => {
		// RFC 4443 §3.2: a router that cannot forward a packet because it is larger than the MTU
		// of the outgoing link sends Packet Too Big (type 2, code 0) with that MTU. IPv4 with DF
		// set: Destination Unreachable code 4, "fragmentation needed and DF set" (RFC 1191).
		const v6 = isIp6(pkt.srcIp);
		sendError(pkt, t, from, { type: v6 ? ICMP6.PACKET_TOO_BIG : ICMP.DEST_UNREACH, code: v6 ? 0 : 4, mtu });
	};
	router.onReject = (pkt: Packet, t: number, from: string, how: RejectWith): void => {
		if (isIcmpError(pkt)) return;
		const reply = rejectReply(router, pkt, from, how);
		if (reply !== null) core.queue.push(t, sender, EV_ROUTER_ICMP, { src: reply.srcIp, pkt: reply });
	};
}

/**
 * The router address an ICMP error about `pkt` comes from: the address, of the packet's family,
 * of the interface facing the neighbour it came from (Linux `icmp_send` / `icmp6_send` use the
 * ingress interface's address); null when the router has no address of that family.
 */
function ingressAddress(router: Router, pkt: Packet, from?: NetNode): string | null {
	const v6 = isIp6(pkt.srcIp);
	const ips = router.ipList.filter((ip) => isIp6(ip) === v6);
	if (ips.length === 0) return null;
	return from ? ips[interfaceFacing(ips, from)] : ips[0];
}

/** iptables REJECT `--reject-with` codes (ipt_REJECT.c → nf_send_unreach; RFC 1812 §5.2.7.1). */
const REJECT_CODES: Readonly<Record<Exclude<RejectWith, 'tcp-reset'>, number>> = {
	'net-unreachable': 0,
	'host-unreachable': 1,
	'port-unreachable': 3,
	'net-prohibited': 9,
	'host-prohibited': 10,
	'admin-prohibited': 13
};

/**
 * The same rejections for an IPv6 packet: ICMPv6 Destination Unreachable (type 1) codes, as nft's
 * `reject with icmpx` maps them (nft_reject_inet.c: no-route 0, admin-prohibited 1,
 * host-unreachable → address unreachable 3, port-unreachable 4; RFC 4443 §3.1). IPv4's
 * net/host prohibited have no ICMPv6 twin and become "administratively prohibited".
 */
const REJECT_CODES6: Readonly<Record<Exclude<RejectWith, 'tcp-reset'>, number>> = {
	'net-unreachable': 0,
	'host-unreachable': 3,
	'port-unreachable': ICMP6_PORT_UNREACH,
	'net-prohibited': 1,
	'host-prohibited': 1,
	'admin-prohibited': 1
};

/**
 * What a router's `reject` rule sends back about `pkt`: ICMP (ICMPv6 for an IPv6 packet)
 * Destination Unreachable from the interface the packet arrived on, or for `tcp-reset` a RST in
 * the destination's name (Linux `nf_send_reset()`: `<SEQ=SEG.ACK><CTL=RST>` if the segment had
 * ACK, else `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`, as RFC 9293 §3.10.7.1 for a closed port).
 * Nothing for a RST, or when the router has no address of the packet's family.
 */
function rejectReply(router: Router, pkt: Packet, from: string, how: RejectWith): Packet | null {
	if (how === 'tcp-reset') {
		if (pkt.proto !== 'TCP' || pkt.flags & F_RST) return null;
		const hasAck = (pkt.flags & F_ACK) !== 0;
		const rst: TcpPacket = {
			proto: 'TCP',
			srcIp: pkt.dstIp,
			dstIp: pkt.srcIp,
			ttl: UDP_TTL,
			id: 0,
			sport: pkt.dport,
			dport: pkt.sport,
			flags: hasAck ? F_RST : F_RST | F_ACK,
			seq: hasAck ? pkt.ack : 0,
			ack: hasAck ? 0 : (pkt.seq + segLen(pkt)) >>> 0,
			len: 0,
			wnd: 0,
			retransmission: false
		};
		return rst;
	}
	const ingress = ingressAddress(router, pkt, router.net.nodes.get(from));
	if (ingress === null) return null;
	const v6 = isIp6(pkt.srcIp);
	const type = v6 ? ICMP6.DEST_UNREACH : ICMP.DEST_UNREACH;
	return { proto: 'ICMP', srcIp: ingress, dstIp: pkt.srcIp, ttl: UDP_TTL, id: 0, type, code: (v6 ? REJECT_CODES6 : REJECT_CODES)[how], quoted: quoteOf(pkt) };
}

// ---------------------------------------------------------------------------------------------
// ping

/** Options of `host.ping()`. */
export interface PingOptions {
	/** Echo Requests to send, 1..10000 (default 1). */
	count?: number;
	/** ms between requests (default 1000, iputils `-i 1`). */
	intervalMs?: number;
}

/** What `host.ping()` returns. */
export interface PingInfo {
	/** Id used for the tool's `call`/`port` events, e.g. `"laptop#ping1"`. */
	id: string;
	/** Echo identifier (0 if none could be allocated). */
	identifier: number;
}

const EV_SEND = 1;
const EV_DONE = 2;
const EV_TIMEOUT = 3;

class PingSession implements EventTarget, EchoUser {
	identifier = 0;
	private sent = new Map<number, number>();
	private replies = 0;
	private lastSendAt = 0;
	private done = false;
	constructor(
		private host: Host,
		readonly id: string,
		private dstIp: string,
		private count: number,
		private intervalMs: number
	) {}

	start(): void {
		const h = this.host;
		const v6 = isIp6(this.dstIp);
		h.callEvent(this.id, v6 ? 'ping6' : 'ping', `${this.dstIp} count=${this.count} interval=${this.intervalMs}ms`);
		if (h.srcFor(this.dstIp) === null) {
			h.errorEvent(this.id, 'sendto', 'ENETUNREACH', `ping: host ${h.name} has no IPv6 address (connect: Network is unreachable)`);
			return;
		}
		this.identifier = allocId(h, this, this.id);
		if (this.identifier < 0) {
			this.identifier = 0;
			return;
		}
		const q = h.core.queue;
		for (let k = 1; k <= this.count; k++) q.push(q.now + (k - 1) * this.intervalMs, this, EV_SEND, k);
		this.lastSendAt = q.now + (this.count - 1) * this.intervalMs;
		q.push(this.lastSendAt + ICMP_TOOLS.pingLingerMs, this, EV_DONE, null);
	}

	onEvent(kind: number, arg: unknown): void {
		if (this.done) return;
		if (kind === EV_SEND) {
			const seq = arg as number;
			this.sent.set(seq, this.host.core.queue.now);
			sendIcmp(this.host, this.host.srcFor(this.dstIp) as string, this.dstIp, { type: icmpNumbers(this.dstIp).echoRequest, code: 0, identifier: this.identifier, sequence: seq });
		} else if (kind === EV_DONE) this.finish();
	}

	onEchoReply(pkt: IcmpPacket): void {
		const sentAt = pkt.sequence !== undefined ? this.sent.get(pkt.sequence) : undefined;
		if (sentAt === undefined || pkt.srcIp !== this.dstIp) return;
		this.sent.delete(pkt.sequence!);
		this.replies++;
		const now = this.host.core.queue.now;
		this.host.callEvent(this.id, 'recv', `64 bytes from ${pkt.srcIp}: icmp_seq=${pkt.sequence} ttl=${pkt.ttl} time=${fmtMs(now - sentAt)} ms`);
		if (this.replies === this.count && now >= this.lastSendAt) this.finish();
	}

	onError(pkt: IcmpPacket): void {
		const seq = pkt.quoted?.sequence;
		if (seq === undefined || !this.sent.has(seq)) return;
		this.sent.delete(seq);
		const n = icmpNumbers(pkt.srcIp);
		// iputils ping's texts: "Time to live exceeded" (IPv4), "Time exceeded: Hop limit" (IPv6).
		const what =
			pkt.type === n.timeExceeded
				? n === V6
					? 'Time exceeded: Hop limit'
					: 'Time to live exceeded'
				: n === V6 && pkt.type === ICMP6.PACKET_TOO_BIG
					? `Packet too big: mtu=${pkt.mtu}`
					: `Destination unreachable (code ${pkt.code})`;
		this.host.callEvent(this.id, 'recv', `From ${pkt.srcIp} icmp_seq=${seq} ${what}`);
	}

	private finish(): void {
		if (this.done) return;
		this.done = true;
		if (this.identifier > 0) freeId(this.host, this.identifier, this.id);
	}
}

function fmtMs(ms: number): string {
	return Number.isInteger(ms) ? String(ms) : ms.toFixed(3);
}

/**
 * @internal `host.ping(ip, opts)`: schedule `count` Echo Requests `intervalMs` apart, from now.
 * @throws SimError for an invalid IP, count or interval.
 */
export function startPing(host: Host, ip: string, opts: PingOptions = {}): PingInfo {
	checkIp(ip);
	const count = opts.count ?? 1;
	const intervalMs = opts.intervalMs ?? 1000;
	if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new SimError(`ping: count must be an integer 1-10000 (got ${String(count)}).`, 'count');
	if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new SimError(`ping: intervalMs must be a number of ms > 0 (got ${String(intervalMs)}).`, 'intervalMs');
	const st = icmpState(host);
	const s = new PingSession(host, `${host.name}#ping${++st.tools}`, ip, count, intervalMs);
	s.start();
	return { id: s.id, identifier: s.identifier };
}

// ---------------------------------------------------------------------------------------------
// traceroute

/** Options of `host.traceroute()`. */
export interface TracerouteOptions {
	/** `'unix'` (UDP probes, default) or `'windows'` (tracert: ICMP echo probes). */
	style?: 'unix' | 'windows';
	/** Highest TTL tried, 1..255 (default 30). */
	maxHops?: number;
	/** Probes per hop, 1..10 (default 3). */
	probes?: number;
	/** ms to wait for each answer (default 5000 unix, 4000 windows). */
	waitMs?: number;
}

/** What `host.traceroute()` returns. */
export interface TracerouteInfo {
	/** Id of the tool's events, e.g. `"laptop#traceroute1"`; for style unix also its UDP socket's id. */
	id: string;
	style: 'unix' | 'windows';
}

class TracerouteSession implements EventTarget, EchoUser {
	private hop = 1;
	private inHop = 0;
	private seq = 0;
	private outstanding: { seq: number; ttl: number; sentAt: number } | null = null;
	private reached = false;
	private done = false;
	private sock: UdpSocket | null = null;
	private identifier = 0;
	private line: string[] = [];

	constructor(
		private host: Host,
		readonly id: string,
		readonly style: 'unix' | 'windows',
		private dstIp: string,
		private maxHops: number,
		private probes: number,
		private waitMs: number
	) {}

	start(): void {
		const h = this.host;
		const v6 = isIp6(this.dstIp);
		h.callEvent(this.id, this.style === 'unix' ? (v6 ? 'traceroute6' : 'traceroute') : 'tracert', `${this.dstIp}, ${this.maxHops} hops max, ${this.probes} probes per hop`);
		if (h.srcFor(this.dstIp) === null) {
			h.errorEvent(this.id, 'sendto', 'ENETUNREACH', `traceroute: host ${h.name} has no IPv6 address`);
			this.done = true;
			return;
		}
		if (this.style === 'unix') {
			const s = createUdpSocket(h, this.id);
			s.onIcmpError = (icmp) => this.onError(icmp);
			if (!s.autobind('send')) return;
			this.sock = s;
		} else {
			this.identifier = allocId(h, this, this.id);
			if (this.identifier < 0) return;
		}
		this.probe();
	}

	private probe(): void {
		const h = this.host;
		const now = h.core.queue.now;
		const ttl = this.hop;
		const seq = this.seq++;
		this.outstanding = { seq, ttl, sentAt: now };
		if (this.style === 'unix') {
			const s = this.sock as UdpSocket;
			const pkt: UdpPacket = {
				proto: 'UDP',
				srcIp: h.srcFor(this.dstIp) as string,
				dstIp: this.dstIp,
				ttl,
				id: 0,
				sport: s.localPort,
				dport: ICMP_TOOLS.tracerouteBasePort + seq,
				len: ICMP_TOOLS.unixProbeBytes
			};
			h.net.transmit(pkt, h);
		} else {
			sendIcmp(h, h.srcFor(this.dstIp) as string, this.dstIp, { type: icmpNumbers(this.dstIp).echoRequest, code: 0, identifier: this.identifier, sequence: seq + 1, ttl });
		}
		h.core.queue.push(now + this.waitMs, this, EV_TIMEOUT, seq);
	}

	onEvent(kind: number, arg: unknown): void {
		if (this.done || kind !== EV_TIMEOUT) return;
		if (this.outstanding === null || this.outstanding.seq !== (arg as number)) return;
		this.record('*');
		this.next();
	}

	private answer(seq: number, from: string, reached: boolean): void {
		const o = this.outstanding;
		if (this.done || o === null || o.seq !== seq) return;
		const rtt = this.host.core.queue.now - o.sentAt;
		this.record(`${from}  ${fmtMs(rtt)} ms`);
		if (reached) this.reached = true;
		this.next();
	}

	private record(text: string): void {
		this.line.push(text);
		this.host.callEvent(this.id, 'probe', `hop ${this.hop} (ttl=${this.hop}) probe ${this.inHop + 1}: ${text}`);
	}

	private next(): void {
		this.outstanding = null;
		this.inHop++;
		if (this.inHop >= this.probes) {
			this.host.callEvent(this.id, 'hop', `${String(this.hop).padStart(2)}  ${this.line.join('  ')}`);
			this.line = [];
			if (this.reached || this.hop >= this.maxHops) {
				this.finish();
				return;
			}
			this.hop++;
			this.inHop = 0;
		}
		this.probe();
	}

	private finish(): void {
		this.done = true;
		this.host.callEvent(this.id, 'done', this.reached ? `reached ${this.dstIp} in ${this.hop} hops` : `gave up after ${this.hop} hops`);
		if (this.sock) {
			this.sock.release();
			this.sock.closed = true;
		}
		if (this.identifier > 0) freeId(this.host, this.identifier, this.id);
	}

	/** Unix: ICMP errors quoting our UDP probes; Windows: errors quoting our echo requests. */
	onError(icmp: IcmpPacket): void {
		const q = icmp.quoted;
		if (q === undefined) return;
		let seq: number;
		if (this.style === 'unix') {
			if (q.proto !== 'UDP' || q.dst.ip !== this.dstIp) return;
			seq = q.dst.port - ICMP_TOOLS.tracerouteBasePort;
		} else {
			if (q.proto !== 'ICMP' || q.sequence === undefined) return;
			seq = q.sequence - 1;
		}
		// Unix traceroute stops on any Destination Unreachable (port unreachable = arrived; !H, !N…).
		this.answer(seq, icmp.srcIp, icmp.type === icmpNumbers(icmp.srcIp).destUnreach);
	}

	onEchoReply(pkt: IcmpPacket): void {
		if (this.style !== 'windows' || pkt.sequence === undefined) return;
		this.answer(pkt.sequence - 1, pkt.srcIp, true);
	}
}

/**
 * @internal `host.traceroute(ip, opts)`.
 * @throws SimError for an invalid IP, style, maxHops, probes or waitMs.
 */
export function startTraceroute(host: Host, ip: string, opts: TracerouteOptions = {}): TracerouteInfo {
	checkIp(ip);
	const style = opts.style ?? 'unix';
	if (style !== 'unix' && style !== 'windows') throw new SimError(`traceroute: style must be 'unix' or 'windows' (got ${String(style)}).`, 'style');
	const maxHops = opts.maxHops ?? ICMP_TOOLS.maxHops;
	if (!Number.isInteger(maxHops) || maxHops < 1 || maxHops > 255) throw new SimError(`traceroute: maxHops must be an integer 1-255 (got ${String(maxHops)}).`, 'maxHops');
	const probes = opts.probes ?? ICMP_TOOLS.probes;
	if (!Number.isInteger(probes) || probes < 1 || probes > 10) throw new SimError(`traceroute: probes must be an integer 1-10 (got ${String(probes)}).`, 'probes');
	const waitMs = opts.waitMs ?? (style === 'unix' ? ICMP_TOOLS.unixWaitMs : ICMP_TOOLS.windowsWaitMs);
	if (!Number.isFinite(waitMs) || waitMs <= 0) throw new SimError(`traceroute: waitMs must be a number of ms > 0 (got ${String(waitMs)}).`, 'waitMs');
	const st = icmpState(host);
	const s = new TracerouteSession(host, `${host.name}#traceroute${++st.tools}`, style, ip, maxHops, probes, waitMs);
	s.start();
	return { id: s.id, style };
}
