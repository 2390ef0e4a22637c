/**
 * Engine benchmarks (not run by the unit tests; `npm run bench` prints them, scripts/bench.ts).
 *
 * - {@link benchLifecycles}: full TCP lifecycles per second, by the wall clock and by CPU time;
 * - {@link benchIdleMemory}: heap bytes per idle ESTABLISHED connection;
 * - {@link benchExhaustion}: driving a Linux host to ephemeral-port exhaustion.
 *
 * Run one directly: `npx tsx -e "import('./src/lib/sim/lifecycle.bench.ts').then(m => console.log(m.benchLifecycles(200000)))"`
 *
 * The functions take the Node-only measurements (CPU time, garbage collection, heap size) as
 * arguments, so this module has no Node import and the simulation core stays browser-safe.
 *
 * @module
 */

import { Simulation } from './simulation';
import type { TcpSocket } from './tcp-socket';
import type { Host } from './host';

/** Monotonic wall clock in ms (benchmarks only; never used inside the simulation). */
function wallMs(): number {
	return globalThis.performance.now();
}

/**
 * Build the lifecycle workload on a fresh Simulation without running it: `n` full TCP
 * lifecycles (connect, 1 KB each way, client closes, server closes, the client's 60 s Linux
 * TIME-WAIT expires). Lifecycle i starts at virtual time 3·i ms, so at most ~20,000 ports are in
 * TIME-WAIT at once (< 28,232). Shared by the benchmark (trace off) and the golden-trace test
 * (trace on), so the code path the benchmark times is the one whose behaviour is pinned.
 * @returns the simulation (call `run()`), the client host, and a counter of finished lifecycles.
 */
export function lifecycleWorkload(n: number, record: boolean): { sim: Simulation; client: Host; done: () => number } {
	const sim = new Simulation({ seed: 1, record });
	sim.addHost({ name: 'client', ip: '10.0.0.1' });
	const server = sim.addHost({ name: 'server', ip: '10.0.0.2', root: true });
	sim.addLink('client', 'server', { latencyMs: 1 });
	const client = sim.host('client');
	server.tcp('web').listen(80);
	let done = 0;
	const lifecycle = (start: number): void => {
		const c: TcpSocket = client.tcp();
		c.connect('10.0.0.2', 80);
		// handshake completes at +2 ms (1 ms each way)
		sim.at(start + 3, () => {
			c.send(1024);
			const child = server.lookup(80, '10.0.0.1', c.localPort) as TcpSocket;
			child.send(1024);
			sim.at(start + 6, () => {
				c.close();
				sim.at(start + 8, () => {
					child.close();
					done++;
				});
			});
		});
	};
	// Lifecycle i starts at 3·i ms. Each start schedules the next one (rather than scheduling all
	// n up front), so the driver keeps one pending user event instead of n closures.
	let next = 0;
	const driver = (): void => {
		const i = next++;
		if (next < n) sim.at(next * 3, driver);
		lifecycle(i * 3);
	};
	if (n > 0) sim.at(0, driver);
	return { sim, client, done: () => done };
}

/** Run options that turn the work budget off (simulation.ts `RunOptions`). */
const NO_BUDGET = { maxEvents: Infinity, maxWallMs: Infinity } as const;

/** Result of {@link benchLifecycles}. */
export interface LifecycleBench {
	/** Lifecycles per second of wall-clock time. */
	lifecyclesPerSec: number;
	/** Wall-clock time of the run, ms. */
	ms: number;
	/** Lifecycles per second of CPU time (every thread of the process), when `cpuMs` was given. */
	lifecyclesPerCpuSec?: number;
	/** CPU time of the run, ms, when `cpuMs` was given. */
	cpuMs?: number;
}

/**
 * Time `n` lifecycles of {@link lifecycleWorkload} with trace recording off.
 * @param cpuMs - optional CPU clock in ms (Node: `process.cpuUsage()` user + system / 1000). CPU
 *   time is steadier than wall time on a shared machine: time the process spends waiting for a
 *   core does not count. It counts every thread of the process (garbage collector and compiler
 *   threads included), so it can exceed the wall time.
 * @throws Error if any lifecycle did not finish cleanly (a correctness guard).
 */
export function benchLifecycles(n: number, cpuMs?: () => number): LifecycleBench {
	const { sim, client, done } = lifecycleWorkload(n, false);
	const c0 = cpuMs?.() ?? 0;
	const t0 = wallMs();
	// No work budget: the workload is ours, not user input, and a long run (200,000 lifecycles
	// are ~3 million events) or a slow one (under valgrind) must not stop half-way.
	sim.run(NO_BUDGET);
	const ms = wallMs() - t0;
	const cpu = (cpuMs?.() ?? 0) - c0;
	if (done() !== n) throw new Error(`only ${done()}/${n} lifecycles completed`);
	if (client.portsInUse().length !== 0) throw new Error('ports still in use after the run');
	if (sim.trace().events.length !== 0) throw new Error(`unexpected errors: ${JSON.stringify(sim.trace().events[0])}`);
	const r: LifecycleBench = { lifecyclesPerSec: Math.round((n / ms) * 1000), ms: Math.round(ms) };
	if (cpuMs !== undefined) {
		r.cpuMs = Math.round(cpu);
		r.lifecyclesPerCpuSec = Math.round((n / cpu) * 1000);
	}
	return r;
}

/**
 * Drive a Linux host to ephemeral-port exhaustion against one destination: connect() until it
 * fails. Expected: 28,232 connections (32768–60999), then EADDRNOTAVAIL (facts 17).
 */
export function benchExhaustion(): { connections: number; ms: number; errno: string } {
	const sim = new Simulation({ seed: 2, record: false });
	sim.addHost({ name: 'client', ip: '10.0.0.1' });
	const server = sim.addHost({ name: 'server', ip: '10.0.0.2', root: true });
	sim.addLink('client', 'server', { latencyMs: 1 });
	const client = sim.host('client');
	server.tcp('web').listen(80);
	let connections = 0;
	let errno = '';
	const t0 = wallMs();
	for (;;) {
		const c = client.tcp();
		if (!c.connect('10.0.0.2', 80)) {
			const ev = sim.trace().events.find((e) => e.kind === 'error');
			errno = ev && ev.kind === 'error' ? ev.errno : '?';
			break;
		}
		connections++;
		if (connections > 70_000) break;
	}
	sim.run({ until: 100, ...NO_BUDGET });
	return { connections, ms: Math.round(wallMs() - t0), errno };
}

/** Result of {@link benchIdleMemory}. */
export interface IdleMemory {
	/** Connections opened and left idle in ESTABLISHED. */
	connections: number;
	/** Heap bytes the connections added (after a full GC), both endpoints together. */
	heapBytes: number;
	/** heapBytes ÷ connections: one connection, i.e. its two sockets (client and accepted child). */
	bytesPerConnection: number;
	/**
	 * The same, measured right after the handshakes (20 ms), when each connection's handshake
	 * still has a retransmission-timer event queued (timers are lazy: the SYN's event stays queued
	 * until its 1 s deadline, then finds the timer stopped; tcb.ts `startRexmtTimer`).
	 */
	bytesPerConnectionAfterHandshake: number;
}

/**
 * Heap cost of idle ESTABLISHED connections: `clients` Linux hosts each open `perClient`
 * connections to one server's port 80 (25,000 per client fits Linux's 28,232-port range), trace
 * recording off; after the connections have been idle for 2 s of virtual time (past the
 * handshake's 1 s initial RTO, so no event of theirs is queued), heap in use (after a full GC)
 * minus the heap in use with the same topology and no connection, divided by the number of
 * connections. Every connection has two sockets (the client's and the server's accepted child),
 * both counted.
 * @param gc - a function that runs a full garbage collection (Node: `--expose-gc`'s `gc`).
 * @param heapUsed - current heap bytes in use (Node: `process.memoryUsage().heapUsed`).
 * @throws Error if any connection did not reach ESTABLISHED.
 */
export function benchIdleMemory(gc: () => void, heapUsed: () => number, clients = 4, perClient = 25_000): IdleMemory {
	const sim = new Simulation({ seed: 3, record: false });
	const server = sim.addHost({ name: 'server', ip: '10.1.0.1', root: true });
	const hosts: Host[] = [];
	for (let i = 0; i < clients; i++) {
		hosts.push(sim.addHost({ name: `c${i}`, ip: `10.0.0.${i + 1}` }));
		sim.addLink(`c${i}`, 'server', { latencyMs: 1 });
	}
	server.tcp('web').listen(80);
	// One warm-up connection per client, so per-host structures made on first use (port
	// bitmaps, the demultiplexing table) are in the baseline and not charged to the connections.
	const warm: TcpSocket[] = hosts.map((h) => h.tcp());
	for (const s of warm) s.connect('10.1.0.1', 80);
	sim.run({ until: 10, ...NO_BUDGET });
	gc();
	gc();
	const before = heapUsed();
	const socks: TcpSocket[] = [];
	for (const h of hosts) for (let i = 0; i < perClient; i++) {
		const s = h.tcp();
		s.connect('10.1.0.1', 80);
		socks.push(s);
	}
	sim.run({ until: 20, ...NO_BUDGET });
	gc();
	gc();
	const afterHandshake = heapUsed();
	sim.run({ until: 2000, ...NO_BUDGET });
	gc();
	gc();
	const after = heapUsed();
	for (const s of socks) if (s.state !== 'ESTABLISHED') throw new Error(`connection ${s.id} is ${s.state}`);
	const n = socks.length;
	// (socks holds one 8-byte reference per connection; negligible and not subtracted)
	return {
		connections: n,
		heapBytes: after - before,
		bytesPerConnection: Math.round((after - before) / n),
		bytesPerConnectionAfterHandshake: Math.round((afterHandshake - before) / n)
	};
}
