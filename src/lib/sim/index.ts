/**
 * Public API of the simulation engine (`$lib/sim`).
 *
 * ```ts
 * import { Simulation } from '$lib/sim';
 * const sim = new Simulation({ seed: 42 });
 * sim.addHost({ name: 'client', ip: '192.168.1.10' });            // os defaults to 'linux'
 * sim.addHost({ name: 'server', ip: '203.0.113.5', root: true });
 * sim.addLink('client', 'server', { latencyMs: 10 });
 * sim.at(0, () => sim.host('server').tcp('web').listen(80));
 * sim.at(10, () => sim.host('client').tcp('c1').connect('203.0.113.5', 80));
 * sim.at(1000, () => sim.socket('c1').close());
 * sim.at(1000, () => sim.socket('web.1').close());
 * const trace = sim.run({ until: 130_000 });
 * ```
 *
 * Contract: docs/engine-api.md. Additions to that contract (all documented on
 * the members themselves):
 * - `new Simulation({ seed, record?: boolean })` — `record: false` keeps only errors out of
 *   the trace hot path (benchmarks); default `true`.
 * - `addHost({ …, scripted?: boolean })` — a host with no TCP stack: it never answers, it only
 *   receives. Use it as the "other side" of {@link Simulation.inject}. In addition, any host
 *   that injects a TCP segment from port P stops answering segments that arrive for P with no
 *   socket (packetdrill-style scripted peer), so injecting from a normal host also works.
 * - `host.tcp(id?, { autoRead?: boolean })` — `autoRead` (default `true`): the application
 *   reads received data as soon as it arrives. With `false`, data stays unread until
 *   `sock.read()`, and `close()` with unread data sends RST (RFC 9293 §3.6.1 SHLD-3, Linux).
 *   Accepted sockets inherit the listener's setting.
 * - `sim.after(dtMs, fn)`, `sim.trace()`, `sim.socketOrNull(id)`, `sock.snapshot()`,
 *   `sock.state`, `host.sockets()`.
 * - `addHost({ …, ephemeral: [low, high] })` (scenario `range=`); `host.udp(id)` returns a
 *   {@link UdpSocket} (`bind`, `connect`, `sendTo`, `send`, `reply`, `close`; see udp.ts);
 *   `sim.udpSocket(id)`, `sim.udpSockets()`; `host.ping()` / `host.traceroute()` (icmp.ts);
 *   `sim.setNat()` returns the {@link Nat}, `sim.forwardPort(router, { proto, publicPort, to })`;
 *   `sim.setFirewall()` returns the {@link Firewall} (nat.ts, firewall.ts, iface.ts for
 *   inside/outside).
 *
 * @module
 */

export { Simulation, DEFAULT_MAX_EVENTS, DEFAULT_MAX_WALL_MS, DEFAULT_MAX_EVENTS_AT_ONE_TIME } from './simulation';
export type {
	SimulationOptions,
	HostOptions,
	RouterOptions,
	LinkOptions,
	RunOptions,
	DropSpec,
	InjectSpec,
	InjectDatagramSpec,
	SocketSnapshot
} from './simulation';
export { Host } from './host';
export type { TcpHostSettings } from './host';
export { Router } from './router';
export type { Packet, TcpPacket, UdpPacket, IcmpPacket } from './wire';
export type { NatHook, FirewallHook, NatConfig, FirewallConfig, FirewallRule, Direction, RejectWith } from './router';
export { TcpSocket } from './tcp-socket';
export type { TcpSocketOptions, BindOptions, ListenOptions } from './tcp-socket';
export { TCP_TUNING } from './tcb';
export { UdpSocket, MAX_UDP_PAYLOAD } from './udp';
export type { UdpSocketSnapshot } from './udp';
export { ICMP, ICMP_TOOLS } from './icmp';
export type { PingOptions, PingInfo, TracerouteOptions, TracerouteInfo } from './icmp';
export { Nat, CONNTRACK_TIMEOUTS } from './nat';
export type { NatOptions, PortForward } from './nat';
export { Firewall, ruleMatches } from './firewall';
export type { FirewallOptions } from './firewall';
export { SimError, WorkBudgetError } from './errors';
export type { BudgetReason } from './errors';
export { EventQueue } from './clock';
export { createRng } from './prng';
export type { Rng } from './prng';
export { OS_PRESETS, OS_PRESET_IDS, getPreset, presetPortOptions } from './os';
export { WINSOCK_ERRORS, winsockError, isWinsockErrno, errnoForHost } from './errno';
export type { WinsockError } from './errno';
export type { OsPreset, OsPresetId, RtoPolicy } from './os';
export * from './trace';
