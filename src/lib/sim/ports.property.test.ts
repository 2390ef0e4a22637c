/**
 * Property tests: the bitmap-based {@link PortTable} chooses exactly the ports a literal,
 * line-by-line transcription of the kernel loops (linear scan) chooses, over random operation
 * sequences; and it never hands out a port outside the range or a duplicate 4-tuple.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	PortTable,
	linuxPerturbInit,
	linuxPortOffset,
	type AllocResult,
	type PortAlgorithm,
	type PortSnapshotEntry,
	type TimeWaitReuse
} from './ports';
import { createRng, type Rng } from './prng';

type Ref = { ok: true; port: number } | { ok: false; errno: string };

/** Windows behaviour of a reference table (see PortTableOptions). */
interface RefMode {
	/** false: connect() takes only ports nothing holds (macOS, Windows). */
	share: boolean;
	twr: TimeWaitReuse;
	errors: 'posix' | 'windows';
	auto?: [number, number];
}

/**
 * Naive reference: the same semantics with plain Sets/Maps and linear scans written the way
 * RFC 6056 §3.3.1 and Linux `__inet_hash_connect` / `inet_csk_find_open_port` write them, and the
 * Windows rules as Microsoft's texts state them (Event 4227/4231, auto-reuse port range).
 */
class RefTable {
	readonly share: boolean;
	readonly mode: RefMode;
	/** The auto-reuse port range's own table (Windows), or null. */
	readonly auto: RefTable | null;
	readonly secret: number[];
	readonly perturb = new Map<number, number>();
	rover = 0;
	readonly bound = new Set<number>();
	readonly bindOwned = new Set<number>();
	readonly tuples = new Map<number, Map<string, 'live' | 'time-wait'>>();

	constructor(
		readonly low: number,
		readonly high: number,
		readonly alg: PortAlgorithm,
		readonly rng: Rng,
		readonly ups = 1024,
		mode: boolean | RefMode = true
	) {
		this.mode = typeof mode === 'boolean' ? { share: mode, twr: 'never', errors: 'posix' } : mode;
		this.share = this.mode.share;
		this.secret = [rng.u32(), rng.u32(), rng.u32()];
		const a = this.mode.auto;
		this.auto = a
			? new RefTable(a[0], a[1], 'random', rng.fork('auto-reuse'), ups, { share: true, twr: 'never', errors: this.mode.errors })
			: null;
	}

	/** In the auto-reuse range: left out of this table's pool. */
	inAuto(port: number): boolean {
		const a = this.mode.auto;
		return a !== undefined && port >= a[0] && port <= a[1];
	}

	private usable(port: number, key: string): boolean {
		if (this.inAuto(port)) return false;
		if (!this.share) return !this.bindOwned.has(port) && this.empty(port);
		return !this.bindOwned.has(port) && !(this.tuples.get(port)?.has(key) ?? false);
	}

	private empty(port: number): boolean {
		return !this.inAuto(port) && !this.bound.has(port) && (this.tuples.get(port)?.size ?? 0) === 0;
	}

	/** Holds no bind and no live connection: free, or held only by TIME-WAIT connections. */
	private notBusy(port: number): boolean {
		if (this.inAuto(port) || this.bound.has(port) || this.bindOwned.has(port)) return false;
		return ![...(this.tuples.get(port)?.values() ?? [])].some((st) => st === 'live');
	}

	private get exhausted(): string {
		return this.mode.errors === 'windows' ? 'ENOBUFS' : 'EADDRNOTAVAIL';
	}

	/** Windows connect(): free port first (when-exhausted), else a TIME-WAIT-only port; 4227/4231. */
	private connectWindows(key: string): Ref {
		const n = this.high - this.low + 1;
		const start = this.alg === 'random' ? this.rng.int(n) : this.rover;
		let port = -1;
		if (this.mode.twr === 'when-exhausted') port = this.scanFrom(this.low + start, (p) => this.empty(p));
		if (port < 0) port = this.scanFrom(this.low + start, (p) => this.notBusy(p));
		if (port < 0) return { ok: false, errno: this.exhausted };
		if (this.alg === 'sequential') this.rover = (port - this.low + 1) % n;
		if (this.tuples.get(port)?.has(key)) return { ok: false, errno: 'EADDRINUSE' };
		this.addTuple(port, key);
		return { ok: true, port };
	}

	private scanFrom(next: number, ok: (p: number) => boolean): number {
		const n = this.high - this.low + 1;
		for (let count = n; count > 0; count--) {
			if (ok(next)) return next;
			next = next === this.high ? this.low : next + 1;
		}
		return -1;
	}

	connect(localIp: string, rip: string, rport: number): Ref {
		if (this.auto) return this.auto.connect(localIp, rip, rport);
		const key = `${rip}|${rport}`;
		if (this.mode.twr !== 'never') return this.connectWindows(key);
		const n = this.high - this.low + 1;
		let port = -1;
		if (this.alg === 'random') {
			port = this.scanFrom(this.low + this.rng.int(n), (p) => this.usable(p, key));
		} else if (this.alg === 'sequential') {
			port = this.scanFrom(this.low + this.rover, (p) => this.usable(p, key));
			if (port >= 0) this.rover = (port - this.low + 1) % n;
		} else {
			const low = this.low;
			const high = this.high + 1;
			let remaining = high - low;
			if (remaining > 1) remaining &= ~1;
			const { index, hi } = linuxPortOffset(this.secret, localIp, rip, rport);
			const t = this.perturb.get(index) ?? linuxPerturbInit(this.secret, index);
			let offset = ((t + hi) >>> 0) % remaining;
			offset &= ~1;
			let found = -1;
			let foundI = 0;
			for (;;) {
				let p = low + offset;
				for (let i = 0; i < remaining; i += 2, p += 2) {
					if (p >= high) p -= remaining;
					if (this.usable(p, key)) {
						found = p;
						foundI = i;
						break;
					}
				}
				if (found >= 0) break;
				offset++;
				if (offset & 1 && remaining > 1) continue;
				break;
			}
			if (found >= 0) {
				const inc = Math.max(foundI, this.rng.int(8) * 2) + 2;
				this.perturb.set(index, (t + inc) >>> 0);
			}
			port = found;
		}
		if (port < 0) return { ok: false, errno: this.exhausted };
		this.addTuple(port, key);
		return { ok: true, port };
	}

	private addTuple(port: number, key: string): void {
		let m = this.tuples.get(port);
		if (!m) this.tuples.set(port, (m = new Map()));
		m.set(key, 'live');
	}

	private autobind(reuse: boolean): number {
		const n = this.high - this.low + 1;
		if (this.alg === 'random') return this.scanFrom(this.low + this.rng.int(n), (p) => this.empty(p));
		if (this.alg === 'sequential') {
			const p = this.scanFrom(this.low + this.rover, (q) => this.empty(q));
			if (p >= 0) this.rover = (p - this.low + 1) % n;
			return p;
		}
		let attemptHalf = reuse ? 1 : 0;
		for (;;) {
			let low = this.low;
			let high = this.high + 1;
			if (high - low < 4) attemptHalf = 0;
			if (attemptHalf) {
				const half = low + (((high - low) >> 2) << 1);
				if (attemptHalf === 1) high = half;
				else low = half;
			}
			let remaining = high - low;
			if (remaining > 1) remaining &= ~1;
			let offset = this.rng.int(remaining) | 1;
			for (;;) {
				let p = low + offset;
				for (let i = 0; i < remaining; i += 2, p += 2) {
					if (p >= high) p -= remaining;
					if (this.empty(p)) return p;
				}
				offset = (offset - 1) >>> 0;
				if (!(offset & 1)) continue;
				break;
			}
			if (attemptHalf === 1) {
				attemptHalf = 2;
				continue;
			}
			return -1;
		}
	}

	bind(port: number, reuse: boolean, root: boolean): Ref {
		if (port === 0) {
			const p = this.autobind(reuse);
			if (p < 0) return { ok: false, errno: this.mode.errors === 'windows' ? 'ENOBUFS' : 'EADDRINUSE' };
			this.bound.add(p);
			this.bindOwned.add(p);
			return { ok: true, port: p };
		}
		if (port < this.ups && !root) return { ok: false, errno: 'EACCES' };
		if (this.inAuto(port)) return { ok: false, errno: 'EADDRINUSE' };
		if (this.bound.has(port)) return { ok: false, errno: 'EADDRINUSE' };
		const m = this.tuples.get(port);
		if (m && [...m.values()].some((s) => s === 'live')) return { ok: false, errno: 'EADDRINUSE' };
		if (m && m.size > 0 && !reuse) return { ok: false, errno: 'EADDRINUSE' };
		this.bound.add(port);
		this.bindOwned.add(port);
		return { ok: true, port };
	}

	attach(port: number, rip: string, rport: number, recycle: boolean): Ref {
		const key = `${rip}|${rport}`;
		const s = this.tuples.get(port)?.get(key);
		if (s === 'live' || (s === 'time-wait' && !recycle)) {
			return { ok: false, errno: this.mode.errors === 'windows' ? 'EADDRINUSE' : 'EADDRNOTAVAIL' };
		}
		this.addTuple(port, key);
		return { ok: true, port };
	}

	private gc(port: number): void {
		if (!this.bound.has(port) && (this.tuples.get(port)?.size ?? 0) === 0) {
			this.tuples.delete(port);
			this.bindOwned.delete(port);
		}
	}

	releaseBind(port: number): void {
		this.bound.delete(port);
		this.gc(port);
	}

	timeWait(port: number, key: string): void {
		if (this.auto && this.inAuto(port)) return this.auto.timeWait(port, key);
		this.tuples.get(port)!.set(key, 'time-wait');
	}

	release(port: number, key: string): void {
		if (this.auto && this.inAuto(port)) return this.auto.release(port, key);
		this.tuples.get(port)!.delete(key);
		this.gc(port);
	}

	allTuples(): { port: number; key: string; state: 'live' | 'time-wait' }[] {
		const out: { port: number; key: string; state: 'live' | 'time-wait' }[] = [];
		for (const [port, m] of [...this.tuples].sort((a, b) => a[0] - b[0])) {
			for (const [key, state] of [...m].sort()) out.push({ port, key, state });
		}
		if (this.auto) return [...out, ...this.auto.allTuples()].sort((a, b) => a.port - b.port || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
		return out;
	}

	snapshot(): PortSnapshotEntry[] {
		const ports = new Set<number>([...this.bound, ...[...this.tuples].filter(([, m]) => m.size > 0).map(([p]) => p)]);
		const mine = [...ports]
			.sort((a, b) => a - b)
			.map((port) => {
				const m = this.tuples.get(port);
				const live = m ? [...m.values()].some((s) => s === 'live') : false;
				return { port, state: this.bound.has(port) ? 'bound' : live ? 'connected' : 'time-wait' } as PortSnapshotEntry;
			});
		return this.auto ? [...mine, ...this.auto.snapshot()].sort((a, b) => a.port - b.port) : mine;
	}
}

const DESTS: [string, number][] = [
	['203.0.113.5', 80],
	['203.0.113.5', 443],
	['198.51.100.9', 80]
];

type Op =
	| { k: 'connect'; d: number }
	| { k: 'bind'; port: number; reuse: boolean; root: boolean }
	| { k: 'tw'; pick: number }
	| { k: 'release'; pick: number }
	| { k: 'releaseBind'; pick: number }
	| { k: 'attach'; pick: number; d: number; recycle: boolean };

const opArb = (low: number, high: number, anyPort = false): fc.Arbitrary<Op> =>
	fc.oneof(
		{ weight: 8, arbitrary: fc.record({ k: fc.constant('connect' as const), d: fc.nat(DESTS.length - 1) }) },
		{
			weight: 2,
			arbitrary: fc.record({
				k: fc.constant('bind' as const),
				port: anyPort
					? fc.oneof(fc.constant(0), fc.integer({ min: low, max: high }), fc.integer({ min: 1, max: 65535 }))
					: fc.oneof(fc.constant(0), fc.integer({ min: low, max: high }), fc.integer({ min: 1, max: 2000 })),
				reuse: fc.boolean(),
				root: fc.boolean()
			})
		},
		{ weight: 3, arbitrary: fc.record({ k: fc.constant('tw' as const), pick: fc.nat() }) },
		{ weight: 3, arbitrary: fc.record({ k: fc.constant('release' as const), pick: fc.nat() }) },
		{ weight: 1, arbitrary: fc.record({ k: fc.constant('releaseBind' as const), pick: fc.nat() }) },
		{
			weight: 1,
			arbitrary: fc.record({
				k: fc.constant('attach' as const),
				pick: fc.nat(),
				d: fc.nat(DESTS.length - 1),
				recycle: fc.boolean()
			})
		}
	);

const scenarioArbOf = (anyPort: boolean) => fc
	.record({
		low: fc.integer({ min: 1000, max: 1100 }),
		size: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 13, max: 90 })),
		seed: fc.integer({ min: 0, max: 0xffffffff })
	})
	.chain(({ low, size, seed }) =>
		fc.record({
			low: fc.constant(low),
			high: fc.constant(low + size - 1),
			seed: fc.constant(seed),
			ops: fc.array(opArb(low, low + size - 1, anyPort), { minLength: 1, maxLength: 250 })
		})
	);
const scenarioArb = scenarioArbOf(false);

function strip(r: AllocResult): Ref {
	return r.ok ? { ok: true, port: r.port } : { ok: false, errno: r.errno };
}

function runScenario(alg: PortAlgorithm, s: { low: number; high: number; seed: number; ops: Op[] }, modeArg: boolean | RefMode = true): void {
	const mode: RefMode = typeof modeArg === 'boolean' ? { share: modeArg, twr: 'never', errors: 'posix' } : modeArg;
	const share = mode.share;
	const fast = new PortTable({
		range: [s.low, s.high],
		algorithm: alg,
		rng: createRng(s.seed),
		sharePorts: share,
		timeWaitReuse: mode.twr,
		errors: mode.errors,
		...(mode.auto ? { autoReuse: mode.auto } : {})
	});
	const ref = new RefTable(s.low, s.high, alg, createRng(s.seed), 1024, mode);
	const localIp = '192.168.1.10';
	for (const op of s.ops) {
		switch (op.k) {
			case 'connect': {
				const [rip, rport] = DESTS[op.d]!;
				const got = strip(fast.connect(localIp, rip, rport));
				const want = ref.connect(localIp, rip, rport);
				expect(got).toEqual(want);
				if (got.ok) {
					const [lo, hi] = mode.auto ?? [s.low, s.high];
					expect(got.port).toBeGreaterThanOrEqual(lo);
					expect(got.port).toBeLessThanOrEqual(hi);
					// Exactly one tuple to this destination on the chosen port (no duplicate 4-tuple).
					const same = fast.tuplesOn(got.port).filter((t) => t.remoteIp === rip && t.remotePort === rport);
					expect(same).toHaveLength(1);
					expect(fast.isBound(got.port)).toBe(false);
					// No other live connection on the port unless ports are shared (TIME-WAIT reuse on
					// Windows keeps the old TIME-WAIT tuples, towards other endpoints, beside it).
					const live = fast.tuplesOn(got.port).filter((t) => t.state === 'live');
					if (!share && !mode.auto) expect(live).toHaveLength(1);
					if (!share && mode.twr === 'never') expect(fast.tuplesOn(got.port)).toHaveLength(1);
				}
				break;
			}
			case 'bind': {
				const got = strip(fast.bind(op.port, { reuseAddr: op.reuse, root: op.root }));
				expect(got).toEqual(ref.bind(op.port, op.reuse, op.root));
				if (got.ok && op.port === 0) {
					expect(got.port).toBeGreaterThanOrEqual(s.low);
					expect(got.port).toBeLessThanOrEqual(s.high);
				}
				break;
			}
			case 'tw':
			case 'release': {
				const live = ref.allTuples().filter((t) => op.k === 'release' || t.state === 'live');
				if (live.length === 0) break;
				const t = live[op.pick % live.length]!;
				const [rip, rportStr] = t.key.split('|') as [string, string];
				if (op.k === 'tw') {
					fast.enterTimeWait(t.port, rip, Number(rportStr));
					ref.timeWait(t.port, t.key);
				} else {
					fast.releaseTuple(t.port, rip, Number(rportStr));
					ref.release(t.port, t.key);
				}
				break;
			}
			case 'releaseBind': {
				const b = [...ref.bound].sort((x, y) => x - y);
				if (b.length === 0) break;
				const p = b[op.pick % b.length]!;
				fast.releaseBind(p);
				ref.releaseBind(p);
				break;
			}
			case 'attach': {
				const b = [...ref.bound].sort((x, y) => x - y);
				if (b.length === 0) break;
				const p = b[op.pick % b.length]!;
				const [rip, rport] = DESTS[op.d]!;
				expect(strip(fast.attachTuple(p, rip, rport, { recycleTimeWait: op.recycle }))).toEqual(
					ref.attach(p, rip, rport, op.recycle)
				);
				break;
			}
		}
	}
	expect(fast.snapshot()).toEqual(ref.snapshot());
	const refTuples = ref.allTuples();
	expect(fast.timeWaitCount()).toBe(refTuples.filter((t) => t.state === 'time-wait').length);
	expect(fast.tupleCount()).toBe(refTuples.length);
	// No live 4-tuple appears twice.
	const liveKeys = refTuples.filter((t) => t.state === 'live').map((t) => `${t.port}/${t.key}`);
	expect(new Set(liveKeys).size).toBe(liveKeys.length);
}

describe('PortTable equals the linear-scan reference', () => {
	for (const alg of ['linux', 'random', 'sequential'] as const) {
		it(`${alg}: same ports, errors and final state over random operation sequences`, () => {
			fc.assert(
				fc.property(scenarioArb, (s) => runScenario(alg, s)),
				{ numRuns: 300 }
			);
		});
	}

	for (const alg of ['random', 'sequential', 'linux'] as const) {
		it(`${alg} without port sharing (macOS, Windows): same ports, errors and final state`, () => {
			fc.assert(
				fc.property(scenarioArb, (s) => runScenario(alg, s, false)),
				{ numRuns: 150 }
			);
		});
	}

	for (const alg of ['sequential', 'random'] as const) {
		for (const twr of ['when-exhausted', 'always'] as const) {
			it(`${alg}, Windows TIME-WAIT reuse '${twr}': same ports, WinSock errors and final state; no duplicate live 4-tuple`, () => {
				fc.assert(
					fc.property(scenarioArb, (s) => runScenario(alg, s, { share: false, twr, errors: 'windows' })),
					{ numRuns: 200 }
				);
			});
		}
	}

	it('Windows auto-reuse port range (SO_REUSE_UNICASTPORT): same ports and errors; 4-tuples stay unique', () => {
		fc.assert(
			fc.property(
				scenarioArb,
				fc.integer({ min: 0, max: 40 }),
				fc.integer({ min: 1, max: 6 }),
				fc.constantFrom<TimeWaitReuse>('when-exhausted', 'never'),
				(s, off, size, twr) => {
					// An auto-reuse range overlapping the start of the dynamic range, or beside it.
					const lo = s.low + off;
					runScenario('sequential', s, { share: twr === 'never', twr, errors: 'windows', auto: [lo, lo + size - 1] });
				}
			),
			{ numRuns: 200 }
		);
	});

	it('binds anywhere in 1–65535 (the sparse port map grows, shrinks and shifts entries back)', () => {
		fc.assert(
			fc.property(scenarioArbOf(true), fc.constantFrom<PortAlgorithm>('linux', 'random', 'sequential'), (s, alg) => runScenario(alg, s)),
			{ numRuns: 200 }
		);
	});

	it('a table that grows past a few hundred ports and shrinks again (the port map changes shape) matches the reference', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 0xffffffff }),
				fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 2, maxLength: 6 }),
				fc.constantFrom<PortAlgorithm>('linux', 'random', 'sequential'),
				(seed, targets, alg) => {
					const fast = new PortTable({ range: [20000, 20599], algorithm: alg, rng: createRng(seed) });
					const ref = new RefTable(20000, 20599, alg, createRng(seed));
					const pick = createRng(seed ^ 0x1234);
					const held: number[] = [];
					for (const target of targets) {
						// Fill up to `target` ports, then empty down to it, releasing at random.
						while (held.length < target) {
							const got = strip(fast.connect('10.0.0.1', '10.0.0.2', 80));
							expect(got).toEqual(ref.connect('10.0.0.1', '10.0.0.2', 80));
							if (!got.ok) break;
							held.push(got.port);
						}
						while (held.length > target) {
							const j = pick.int(held.length);
							const p = held[j]!;
							held[j] = held[held.length - 1]!;
							held.pop();
							fast.releaseTuple(p, '10.0.0.2', 80);
							ref.release(p, '10.0.0.2|80');
						}
						expect(fast.snapshot()).toEqual(ref.snapshot());
						expect(fast.inUseCount()).toBe(held.length);
					}
				}
			),
			{ numRuns: 40 }
		);
	});

	it('linux: thousands of connects to one destination in the real range match the reference', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 3000 }), (seed, count) => {
				const fast = new PortTable({ range: [32768, 60999], algorithm: 'linux', rng: createRng(seed) });
				const ref = new RefTable(32768, 60999, 'linux', createRng(seed));
				for (let i = 0; i < count; i++) {
					expect(strip(fast.connect('10.0.0.1', '10.0.0.2', 80))).toEqual(ref.connect('10.0.0.1', '10.0.0.2', 80));
				}
			}),
			{ numRuns: 10 }
		);
	});

	it('large ranges filled close to exhaustion (multi-level bitmaps) match the reference', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 0xffffffff }),
				fc.integer({ min: 1024, max: 2000 }),
				fc.integer({ min: 1000, max: 4000 }),
				fc.constantFrom<PortAlgorithm>('linux', 'random', 'sequential'),
				(seed, low, size, alg) => {
					const high = low + size - 1;
					const fast = new PortTable({ range: [low, high], algorithm: alg, rng: createRng(seed) });
					const ref = new RefTable(low, high, alg, createRng(seed));
					const pick = createRng(seed ^ 0x55aa);
					const held: number[] = [];
					for (let i = 0; i < size + 50; i++) {
						// Mostly connects; now and then free a random held port (so holes appear anywhere).
						if (held.length > 0 && pick.int(10) === 0) {
							const j = pick.int(held.length);
							const p = held[j]!;
							held[j] = held[held.length - 1]!;
							held.pop();
							fast.releaseTuple(p, '10.0.0.2', 80);
							ref.release(p, '10.0.0.2|80');
							continue;
						}
						const got = strip(fast.connect('10.0.0.1', '10.0.0.2', 80));
						expect(got).toEqual(ref.connect('10.0.0.1', '10.0.0.2', 80));
						if (got.ok) held.push(got.port);
					}
				}
			),
			{ numRuns: 12 }
		);
	});
});
