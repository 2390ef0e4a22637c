/**
 * Property tests over random scenarios: random hosts, connects, sends, closes, aborts and drops.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, type StateEvent } from './index';

type Op =
	| { k: 'connect'; t: number; from: number; to: number }
	| { k: 'send'; t: number; sock: number; bytes: number }
	| { k: 'close'; t: number; sock: number; server: boolean }
	| { k: 'abort'; t: number; sock: number }
	| { k: 'drop'; t: number; from: number; to: number };

const opArb = (hosts: number): fc.Arbitrary<Op> => {
	const t = fc.integer({ min: 0, max: 3000 });
	const h = fc.integer({ min: 0, max: hosts - 1 });
	const s = fc.integer({ min: 0, max: 7 });
	return fc.oneof(
		fc.record({ k: fc.constant('connect' as const), t, from: h, to: h }),
		fc.record({ k: fc.constant('send' as const), t, sock: s, bytes: fc.integer({ min: 1, max: 5000 }) }),
		fc.record({ k: fc.constant('close' as const), t, sock: s, server: fc.boolean() }),
		fc.record({ k: fc.constant('abort' as const), t, sock: s }),
		fc.record({ k: fc.constant('drop' as const), t, from: h, to: h })
	);
};

const scenarioArb = fc
	.record({ hosts: fc.integer({ min: 2, max: 4 }), seed: fc.integer({ min: 0, max: 2 ** 31 }) })
	.chain(({ hosts, seed }) => fc.record({ hosts: fc.constant(hosts), seed: fc.constant(seed), ops: fc.array(opArb(hosts), { maxLength: 25 }) }));

function build(sc: { hosts: number; seed: number; ops: Op[] }) {
	const sim = new Simulation({ seed: sc.seed });
	const names: string[] = [];
	for (let i = 0; i < sc.hosts; i++) {
		names.push(`h${i}`);
		sim.addHost({ name: `h${i}`, ip: `10.0.0.${i + 1}`, root: true, os: i % 2 ? 'freebsd' : 'linux' });
	}
	for (let i = 0; i < sc.hosts; i++) for (let j = i + 1; j < sc.hosts; j++) sim.addLink(names[i], names[j], { latencyMs: 1 + ((i + j) % 7) });
	sim.at(0, () => names.forEach((n) => sim.host(n).tcp(`L${n}`).listen(80)));
	const clients: string[] = [];
	const sorted = sc.ops.map((o, i) => ({ o, i })).sort((a, b) => a.o.t - b.o.t || a.i - b.i);
	for (const { o, i } of sorted) {
		sim.at(o.t + 1, () => {
			const pick = (n: number) => (clients.length ? sim.socketOrNull(clients[n % clients.length]) : null);
			switch (o.k) {
				case 'connect': {
					if (o.from === o.to) return;
					const id = `c${i}`;
					sim.host(names[o.from]).tcp(id).connect(`10.0.0.${o.to + 1}`, 80);
					clients.push(id);
					return;
				}
				case 'send':
					pick(o.sock)?.send(o.bytes);
					return;
				case 'close': {
					const s = pick(o.sock);
					if (!s) return;
					if (o.server) {
						const child = sim.sockets().find((x) => x.listener && x.remote.port === s.localPort && x.remote.ip === s.host.ip);
						if (child) sim.socket(child.id).close();
					} else s.close();
					return;
				}
				case 'abort':
					pick(o.sock)?.abort();
					return;
				case 'drop':
					if (o.from !== o.to) sim.dropNext({ from: names[o.from], to: names[o.to] });
			}
		});
	}
	return sim;
}

describe('TCP properties over random scenarios', () => {
	it('no two live sockets share a 5-tuple; after quiescence every ESTABLISHED pair is in sync', () => {
		fc.assert(
			fc.property(scenarioArb, (sc) => {
				const sim = build(sc);
				for (const until of [500, 1500, 3500, 400_000]) {
					sim.run({ until });
					const live = sim.sockets().filter((s) => s.state !== 'CLOSED' && s.state !== 'LISTEN');
					const keys = live.map((s) => `TCP ${s.local.ip}:${s.local.port} ${s.remote.ip}:${s.remote.port}`);
					expect(new Set(keys).size).toBe(keys.length);
				}
				// quiescent: 400 s after the last op, every retransmission has finished
				const all = sim.sockets();
				for (const a of all.filter((s) => s.state === 'ESTABLISHED')) {
					const b = all.find((x) => x.local.ip === a.remote.ip && x.local.port === a.remote.port && x.remote.ip === a.local.ip && x.remote.port === a.local.port && x.state !== 'CLOSED');
					if (b && b.state === 'ESTABLISHED') {
						expect(a.sndNxt).toBe(b.rcvNxt);
						expect(a.sndUna).toBe(a.sndNxt);
					}
				}
			}),
			{ numRuns: 60 }
		);
	});

	it('same seed and scenario give an identical trace', () => {
		fc.assert(
			fc.property(scenarioArb, (sc) => {
				const a = JSON.stringify(build(sc).run({ until: 200_000 }));
				const b = JSON.stringify(build(sc).run({ until: 200_000 }));
				expect(a).toBe(b);
			}),
			{ numRuns: 30 }
		);
	});

	it('TIME-WAIT lasts exactly timeWaitMs unless restarted by a retransmitted FIN', () => {
		fc.assert(
			fc.property(scenarioArb, (sc) => {
				const sim = build(sc);
				const tr = sim.run({ until: 400_000 });
				const tws = new Map<string, number>();
				const segsIn = tr.events.filter((e) => e.kind === 'segment');
				for (const e of tr.events) {
					if (e.kind !== 'state') continue;
					const s = e as StateEvent;
					if (s.to === 'TIME-WAIT') tws.set(s.socket, s.t);
					if (s.from === 'TIME-WAIT' && s.to === 'CLOSED' && s.cause.startsWith('TIME-WAIT timeout')) {
						const start = tws.get(s.socket) as number;
						const os = sim.host(s.host).preset.timeWaitMs;
						// restarts: FINs that arrived at this socket while in TIME-WAIT
						const restarts = segsIn.filter(
							(p) => p.kind === 'segment' && p.flags.includes('FIN') && p.dst.ip === s.local.ip && p.dst.port === s.local.port && p.src.ip === s.remote.ip && p.src.port === s.remote.port && p.arrivedAt !== null && p.arrivedAt > start && p.arrivedAt < s.t
						);
						const lastStart = restarts.length ? Math.max(...restarts.map((p) => (p as { arrivedAt: number }).arrivedAt)) : start;
						expect(s.t - lastStart).toBe(os);
					}
				}
			}),
			{ numRuns: 40 }
		);
	});
});
