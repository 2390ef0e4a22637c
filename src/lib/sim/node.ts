/**
 * Nodes and the interfaces between the layers of the network model:
 *
 * - {@link NetNode}: what hosts and routers have in common (a name, addresses, a way to receive).
 * - {@link Network}: what a node may ask of the network it is attached to (send a packet, find a
 *   neighbour by name). `Topology` in routing.ts implements it.
 * - {@link HostContext}: what a transport protocol (tcp-*.ts, udp.ts, icmp.ts) may use of the host
 *   it runs on. `Host` in host.ts implements it.
 *
 * The layers above depend on these interfaces rather than on the classes that implement them, so
 * the import graph has no cycles (checked by `npm run check`): routing imports the node types,
 * protocols import {@link HostContext}, and only host.ts and simulation.ts, at the top, import
 * the protocols.
 *
 * @module
 */

import type { EventTarget } from './clock';
import type { SimCore } from './core';
import type { OsPreset, OsPresetId } from './os';
import type { Protocol, SocketErrno } from './trace';
import type { Packet } from './wire';

/**
 * The id the engine gives a socket created without one: `<host>#<n>`, n counting up per host
 * across TCP and UDP (`Host.tcp`, `Host.udp`). simulation.ts recognises this form (`GENERATED_FORM`).
 */
export function generatedSocketId(hostName: string, n: number): string {
	return `${hostName}#${n}`;
}

/** Queue event kind: deliver a packet (the event's argument) to the target node. */
export const EV_DELIVER = 1;

/** What a node may ask of the network it is attached to. */
export interface Network {
	/**
	 * Put `pkt` on the wire from `from` at the current virtual time: record its trace event,
	 * decide its fate (loss, TTL, firewall, NAT) and schedule its delivery.
	 */
	transmit(pkt: Packet, from: NetNode): void;
	/** Every node by name. */
	readonly nodes: ReadonlyMap<string, NetNode>;
}

/** Base of every node: something with a name and IP addresses that can receive packets. */
export abstract class NetNode implements EventTarget {
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
	onEvent(kind: number, arg: unknown, _time: number): void {
		if (kind === EV_DELIVER) this.receive(arg as Packet);
	}
}

/**
 * What a protocol may use of the host it runs on: its identity and OS preset, the simulation
 * core, the network, the socket-id counter and the trace helpers. Each protocol adds its own
 * per-host state on top (`TcpHost` in tcb.ts, `udpState`, `icmpState`).
 */
export interface HostContext extends NetNode {
	/** The host's IPv4 address (dotted quad). */
	readonly ip: string;
	/** The host's IPv6 address (RFC 5952 text), or null for an IPv4-only host. */
	readonly ip6: string | null;
	/** The source address for packets to `dstIp`: the host's address of that family, or null. */
	srcFor(dstIp: string): string | null;
	/** OS preset id. */
	readonly os: OsPresetId;
	/** The OS preset (ephemeral range, TIME-WAIT length, RST-in-TIME-WAIT behaviour, …). */
	readonly preset: OsPreset;
	/** True when the host may bind ports below 1024. */
	readonly root: boolean;
	/** The simulation. */
	readonly core: SimCore;
	/** Counter for generated socket ids `<host>#<n>` (shared by TCP, UDP and tools). */
	nextSocketNumber: number;
	/** Record a port allocation or release (only when recording). */
	portEvent(action: 'allocate' | 'release', port: number, via: 'connect' | 'bind' | 'autobind' | 'send', socket: string, proto?: Protocol): void;
	/** Record a failed socket call (always recorded, even with `record: false`). */
	errorEvent(socket: string, call: string, errno: SocketErrno, message: string): void;
	/** Record a socket call (only when recording). */
	callEvent(socket: string, call: string, detail: string): void;
}
