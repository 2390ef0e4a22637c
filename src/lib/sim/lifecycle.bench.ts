/**
 * Engine benchmarks (wall-clock; not run by the unit tests).
 *
 * Run: `npx tsx -e "import('./src/lib/sim/lifecycle.bench.ts').then(m => { console.log(m.benchLifecycles(200000)); console.log(m.benchExhaustion()); })"`
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
 * Run `n` full TCP lifecycles on one Simulation (trace recording off): connect, 1 KB each way,
 * client closes, server closes, the client's TIME-WAIT (60 s, Linux) expires. Lifecycle i starts
 * at virtual time 3·i ms so that at most ~20,000 ports are in TIME-WAIT at once (< 28,232).
 * @returns lifecycles per wall-clock second, and the wall time.
 * @throws Error if any lifecycle did not finish cleanly (a correctness guard).
 */
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

/**
 * Time `n` lifecycles of {@link lifecycleWorkload} with trace recording off.
 * @returns lifecycles per wall-clock second, and the wall time.
 * @throws Error if any lifecycle did not finish cleanly (a correctness guard).
 */
export function benchLifecycles(n: number): { lifecyclesPerSec: number; ms: number } {
	const { sim, client, done } = lifecycleWorkload(n, false);
	const t0 = wallMs();
	sim.run();
	const ms = wallMs() - t0;
	if (done() !== n) throw new Error(`only ${done()}/${n} lifecycles completed`);
	if (client.portsInUse().length !== 0) throw new Error('ports still in use after the run');
	if (sim.trace().events.length !== 0) throw new Error(`unexpected errors: ${JSON.stringify(sim.trace().events[0])}`);
	return { lifecyclesPerSec: Math.round((n / ms) * 1000), ms: Math.round(ms) };
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
	sim.run({ until: 100 });
	return { connections, ms: Math.round(wallMs() - t0), errno };
}
