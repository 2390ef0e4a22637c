import { describe, expect, it } from 'vitest';
import { PortTable, type AllocResult, type PortAlgorithm } from './ports';
import { OS_PRESETS } from './os';
import { createRng } from './prng';
import { SimError } from './errors';

const LOCAL = '192.168.1.10';

function linuxTable(seed = 7): PortTable {
	const p = OS_PRESETS.linux;
	return new PortTable({ range: p.ephemeral, algorithm: p.algorithm, rng: createRng(seed) });
}

function port(r: AllocResult): number {
	if (!r.ok) throw new Error(`expected success, got ${r.errno}: ${r.message}`);
	return r.port;
}

describe('PortTable ranges per OS preset', () => {
	for (const id of Object.keys(OS_PRESETS) as (keyof typeof OS_PRESETS)[]) {
		it(`${id}: connect() and bind(0) stay inside ${OS_PRESETS[id].ephemeral.join('-')}`, () => {
			const [low, high] = OS_PRESETS[id].ephemeral;
			const t = new PortTable({ range: [low, high], algorithm: OS_PRESETS[id].algorithm, rng: createRng(3) });
			for (let i = 0; i < 200; i++) {
				const p = port(t.connect(LOCAL, '203.0.113.5', 80));
				expect(p).toBeGreaterThanOrEqual(low);
				expect(p).toBeLessThanOrEqual(high);
			}
			for (let i = 0; i < 20; i++) {
				const p = port(t.bind(0));
				expect(p).toBeGreaterThanOrEqual(low);
				expect(p).toBeLessThanOrEqual(high);
			}
		});
	}
});

describe('connect()', () => {
	for (const alg of ['linux', 'random', 'sequential'] as PortAlgorithm[]) {
		it(`${alg}: two connects to one destination get different ports`, () => {
			const t = new PortTable({ range: [32768, 60999], algorithm: alg, rng: createRng(1) });
			const a = port(t.connect(LOCAL, '203.0.113.5', 80));
			const b = port(t.connect(LOCAL, '203.0.113.5', 80));
			expect(a).not.toBe(b);
			expect(t.tuplesOn(a)).toEqual([{ remoteIp: '203.0.113.5', remotePort: 80, state: 'live' }]);
		});
	}

	it('linux: the same port carries connections to different destinations (fact 16)', () => {
		const t = linuxTable();
		const a = port(t.connect(LOCAL, '203.0.113.5', 80));
		// Fill every other port for a second destination: eventually it must reuse `a`.
		let shared = false;
		for (let i = 0; i < 28232 && !shared; i++) {
			const r = t.connect(LOCAL, '198.51.100.9', 443);
			if (!r.ok) break;
			if (r.port === a) shared = true;
		}
		expect(shared).toBe(true);
		expect(t.tuplesOn(a).map((x) => `${x.remoteIp}:${x.remotePort}`)).toEqual(['198.51.100.9:443', '203.0.113.5:80']);
	});

	it('linux: consecutive connects to one destination walk forward over even ports first (fact 20)', () => {
		const t = linuxTable(11);
		const ports = Array.from({ length: 50 }, () => port(t.connect(LOCAL, '203.0.113.5', 80)));
		expect(ports.every((p) => p % 2 === 0)).toBe(true);
		// Hash-sequential: each next port is a small step ahead (mod the range), not uniformly random.
		const steps = ports.slice(1).map((p, i) => (p - ports[i]! + 28232) % 28232);
		expect(Math.max(...steps)).toBeLessThanOrEqual(16);
		expect(Math.min(...steps)).toBeGreaterThanOrEqual(2);
	});

	it('linux: different destinations start at unrelated offsets', () => {
		const t = linuxTable(5);
		const firsts = new Set<number>();
		for (let d = 0; d < 20; d++) firsts.add(port(t.connect(LOCAL, `10.0.${d}.1`, 80)));
		expect(firsts.size).toBeGreaterThan(15);
	});

	it('linux: EADDRNOTAVAIL after exactly 28,232 connects to one destination; another still works (fact 17)', () => {
		const t = linuxTable(99);
		const seen = new Set<number>();
		for (let i = 0; i < 28232; i++) {
			const r = t.connect(LOCAL, '203.0.113.5', 80);
			expect(r.ok).toBe(true);
			if (r.ok) seen.add(r.port);
		}
		expect(seen.size).toBe(28232);
		const r = t.connect(LOCAL, '203.0.113.5', 80);
		expect(r).toMatchObject({ ok: false, errno: 'EADDRNOTAVAIL' });
		expect(port(t.connect(LOCAL, '203.0.113.5', 443))).toBeGreaterThanOrEqual(32768);
		expect(port(t.connect(LOCAL, '198.51.100.9', 80))).toBeLessThanOrEqual(60999);
		expect(t.inUseCount()).toBe(28232);
	});

	it('linux: even ports are exhausted before any odd port is used', () => {
		const t = linuxTable(4);
		const ports = Array.from({ length: 14117 }, () => port(t.connect(LOCAL, '203.0.113.5', 80)));
		expect(ports.slice(0, 14116).every((p) => p % 2 === 0)).toBe(true);
		expect(ports[14116]! % 2).toBe(1);
	});

	it('skips a port whose 4-tuple to the same destination is in TIME-WAIT (fact 19)', () => {
		// A 2-port range makes the choice observable.
		for (const alg of ['linux', 'random', 'sequential'] as PortAlgorithm[]) {
			const t = new PortTable({ range: [40000, 40001], algorithm: alg, rng: createRng(2) });
			const a = port(t.connect(LOCAL, '203.0.113.5', 80));
			const b = port(t.connect(LOCAL, '203.0.113.5', 80));
			t.enterTimeWait(a, '203.0.113.5', 80);
			t.releaseTuple(b, '203.0.113.5', 80);
			expect(t.timeWaitCount()).toBe(1);
			for (let i = 0; i < 5; i++) {
				const c = port(t.connect(LOCAL, '203.0.113.5', 80));
				expect(c).toBe(b);
				t.releaseTuple(c, '203.0.113.5', 80);
			}
			// ...but the TIME-WAIT port is fine for another destination.
			const other = new Set<number>();
			for (let i = 0; i < 2; i++) other.add(port(t.connect(LOCAL, '203.0.113.6', 80)));
			expect(other.has(a)).toBe(true);
			t.releaseTuple(a, '203.0.113.5', 80);
			expect(t.timeWaitCount()).toBe(0);
		}
	});

	it('never picks a port taken by bind()', () => {
		const t = new PortTable({ range: [40000, 40003], algorithm: 'linux', rng: createRng(8) });
		expect(port(t.bind(40000))).toBe(40000);
		expect(port(t.bind(40002))).toBe(40002);
		const got = new Set([port(t.connect(LOCAL, '10.0.0.2', 80)), port(t.connect(LOCAL, '10.0.0.2', 80))]);
		expect(got).toEqual(new Set([40001, 40003]));
		expect(t.connect(LOCAL, '10.0.0.2', 80)).toMatchObject({ ok: false, errno: 'EADDRNOTAVAIL' });
		t.releaseBind(40000);
		expect(port(t.connect(LOCAL, '10.0.0.2', 80))).toBe(40000);
	});

	it('sequential: a global rover moves forward across destinations', () => {
		const t = new PortTable({ range: [1025, 5000], algorithm: 'sequential', rng: createRng(0) });
		expect(port(t.connect(LOCAL, '10.0.0.2', 80))).toBe(1025);
		expect(port(t.connect(LOCAL, '10.0.0.3', 80))).toBe(1026);
		t.releaseTuple(1025, '10.0.0.2', 80);
		expect(port(t.connect(LOCAL, '10.0.0.2', 80))).toBe(1027);
	});

	it('is deterministic for a seed and differs between seeds', () => {
		const run = (seed: number) => {
			const t = new PortTable({ range: [49152, 65535], algorithm: 'random', rng: createRng(seed) });
			return Array.from({ length: 10 }, () => port(t.connect(LOCAL, '10.0.0.2', 80)));
		};
		expect(run(42)).toEqual(run(42));
		expect(run(42)).not.toEqual(run(43));
	});
});

describe('bind()', () => {
	it('linux: bind(0) prefers odd ports, connect() even ones (fact 15)', () => {
		const t = linuxTable(21);
		for (let i = 0; i < 100; i++) expect(port(t.bind(0)) % 2).toBe(1);
		for (let i = 0; i < 100; i++) expect(port(t.connect(LOCAL, '10.0.0.2', 80)) % 2).toBe(0);
	});

	it('linux: bind(0) with SO_REUSEADDR tries the lower half of the range first', () => {
		const t = linuxTable(22);
		for (let i = 0; i < 100; i++) expect(port(t.bind(0, { reuseAddr: true }))).toBeLessThan(32768 + 14116);
	});

	it('bind(0) falls back to the other parity and fails with EADDRINUSE when nothing is free', () => {
		const t = new PortTable({ range: [50000, 50003], algorithm: 'linux', rng: createRng(1) });
		const got = [0, 1, 2, 3].map(() => port(t.bind(0)));
		expect(got.slice(0, 2).every((p) => p % 2 === 1)).toBe(true);
		expect(new Set(got)).toEqual(new Set([50000, 50001, 50002, 50003]));
		expect(t.bind(0)).toMatchObject({ ok: false, errno: 'EADDRINUSE' });
	});

	it('EACCES below 1024 without root, allowed with root', () => {
		const t = linuxTable();
		expect(t.bind(80)).toMatchObject({ ok: false, errno: 'EACCES' });
		expect(port(t.bind(80, { root: true }))).toBe(80);
		expect(port(t.bind(1024))).toBe(1024);
		const custom = new PortTable({ range: [32768, 60999], algorithm: 'linux', rng: createRng(1), unprivilegedStart: 0 });
		expect(port(custom.bind(80))).toBe(80);
	});

	it('EADDRINUSE for a bound port and for a port used by a live connection', () => {
		const t = linuxTable();
		port(t.bind(8080));
		expect(t.bind(8080)).toMatchObject({ ok: false, errno: 'EADDRINUSE' });
		expect(t.bind(8080, { reuseAddr: true })).toMatchObject({ ok: false, errno: 'EADDRINUSE' });
		const c = port(t.connect(LOCAL, '10.0.0.2', 80));
		expect(t.bind(c, { reuseAddr: true })).toMatchObject({ ok: false, errno: 'EADDRINUSE' });
		expect(t.isBound(8080)).toBe(true);
		expect(t.isBound(c)).toBe(false);
	});

	it('a server port held only by TIME-WAIT: EADDRINUSE without SO_REUSEADDR, success with it (fact 19)', () => {
		const t = linuxTable();
		port(t.bind(8080));
		expect(port(t.attachTuple(8080, '10.0.0.2', 40000))).toBe(8080); // accepted child
		t.enterTimeWait(8080, '10.0.0.2', 40000); // the server closed first
		t.releaseBind(8080); // server process exits; listener gone
		expect(t.snapshot()).toEqual([{ port: 8080, state: 'time-wait' }]);
		expect(t.bind(8080)).toMatchObject({ ok: false, errno: 'EADDRINUSE' });
		expect(port(t.bind(8080, { reuseAddr: true }))).toBe(8080);
		t.releaseBind(8080);
		t.releaseTuple(8080, '10.0.0.2', 40000);
		expect(t.snapshot()).toEqual([]);
		expect(port(t.bind(8080))).toBe(8080);
	});

	it('a port kept alive by an accepted connection after its listener closed is still exclusive', () => {
		const t = new PortTable({ range: [40000, 40001], algorithm: 'linux', rng: createRng(3) });
		port(t.bind(40000));
		port(t.attachTuple(40000, '10.0.0.2', 5555));
		t.releaseBind(40000);
		expect(port(t.connect(LOCAL, '10.0.0.9', 80))).toBe(40001);
		expect(t.connect(LOCAL, '10.0.0.9', 80)).toMatchObject({ ok: false, errno: 'EADDRNOTAVAIL' });
	});

	it('attachTuple refuses a duplicate 4-tuple and may recycle a TIME-WAIT one', () => {
		const t = linuxTable();
		port(t.bind(80, { root: true }));
		port(t.attachTuple(80, '10.0.0.2', 40000));
		expect(t.attachTuple(80, '10.0.0.2', 40000)).toMatchObject({ ok: false, errno: 'EADDRNOTAVAIL' });
		t.enterTimeWait(80, '10.0.0.2', 40000);
		expect(t.attachTuple(80, '10.0.0.2', 40000)).toMatchObject({ ok: false, errno: 'EADDRNOTAVAIL' });
		expect(port(t.attachTuple(80, '10.0.0.2', 40000, { recycleTimeWait: true }))).toBe(80);
		expect(t.timeWaitCount()).toBe(0);
		expect(t.tuplesOn(80)).toEqual([{ remoteIp: '10.0.0.2', remotePort: 40000, state: 'live' }]);
	});
});

describe('queries and errors', () => {
	it('snapshot() is sorted and reports bound / connected / time-wait', () => {
		const t = new PortTable({ range: [40000, 40009], algorithm: 'sequential', rng: createRng(0) });
		port(t.bind(9000));
		const a = port(t.connect(LOCAL, '10.0.0.2', 80));
		const b = port(t.connect(LOCAL, '10.0.0.2', 80));
		t.enterTimeWait(b, '10.0.0.2', 80);
		expect(t.snapshot()).toEqual([
			{ port: 9000, state: 'bound' },
			{ port: a, state: 'connected' },
			{ port: b, state: 'time-wait' }
		]);
		expect(t.inUseCount()).toBe(3);
		expect(t.tupleCount()).toBe(2);
	});

	it('throws SimError with the field for programming errors', () => {
		expect(() => new PortTable({ range: [5000, 4000], algorithm: 'linux', rng: createRng(1) })).toThrow(/range/);
		expect(() => new PortTable({ range: [1, 2], algorithm: 'fifo' as PortAlgorithm, rng: createRng(1) })).toThrow(
			/unknown algorithm "fifo"; valid: sequential, random, linux/
		);
		const t = linuxTable();
		expect(() => t.bind(70000)).toThrow(SimError);
		expect(() => t.bind(1.5)).toThrow(/0\.\.65535/);
		expect(() => t.connect(LOCAL, '10.0.0.2', -1)).toThrow(/remotePort/);
		expect(() => t.releaseBind(1234)).toThrow(/not bound/);
		expect(() => t.releaseTuple(1234, '10.0.0.2', 80)).toThrow(/no connection/);
		expect(() => t.enterTimeWait(1234, '10.0.0.2', 80)).toThrow(/no connection/);
		expect(() => t.attachTuple(1234, '10.0.0.2', 80)).toThrow(/not bound/);
		const err = (() => {
			try {
				t.bind(-3);
			} catch (e) {
				return e;
			}
			return undefined;
		})();
		expect(err).toBeInstanceOf(SimError);
		expect((err as SimError).field).toBe('port');
	});
});

describe('Windows tables (timeWaitReuse, errors, autoReuse)', () => {
	const win = (range: [number, number], autoReuse?: [number, number]) =>
		new PortTable({
			range,
			algorithm: 'sequential',
			sharePorts: false,
			timeWaitReuse: 'when-exhausted',
			errors: 'windows',
			rng: createRng(1),
			...(autoReuse ? { autoReuse } : {})
		});

	it('names the Windows event: 4227 for a TIME-WAIT collision, 4231 for an exhausted pool', () => {
		const t = win([50000, 50001]);
		port(t.connect(LOCAL, '203.0.113.5', 443));
		port(t.connect(LOCAL, '203.0.113.5', 443));
		t.enterTimeWait(50000, '203.0.113.5', 443);
		expect(t.connect(LOCAL, '203.0.113.5', 443)).toMatchObject({ ok: false, errno: 'EADDRINUSE', windowsEvent: 4227 });
		// 50001 is live: the only reusable port is 50000, towards another endpoint it works.
		expect(port(t.connect(LOCAL, '198.51.100.7', 443))).toBe(50000);
		expect(t.connect(LOCAL, '198.51.100.7', 443)).toMatchObject({ ok: false, errno: 'ENOBUFS', windowsEvent: 4231 });
		expect(t.bind(0)).toMatchObject({ ok: false, errno: 'ENOBUFS', windowsEvent: 4231 });
	});

	it('POSIX tables carry no Windows event and keep their errno names', () => {
		const t = new PortTable({ range: [50000, 50000], algorithm: 'sequential', sharePorts: false, rng: createRng(1) });
		port(t.connect(LOCAL, '203.0.113.5', 443));
		const r = t.connect(LOCAL, '203.0.113.5', 443);
		expect(r).toMatchObject({ ok: false, errno: 'EADDRNOTAVAIL' });
		expect(r).not.toHaveProperty('windowsEvent');
		expect(t.bind(0)).toMatchObject({ ok: false, errno: 'EADDRINUSE' });
	});

	it('auto-reuse ports are counted, listed and released through the host table', () => {
		const t = win([50000, 50003], [50002, 50003]);
		const a = port(t.connect(LOCAL, '203.0.113.5', 443));
		const b = port(t.connect(LOCAL, '198.51.100.7', 443));
		expect([a, b].every((p) => p >= 50002)).toBe(true);
		expect(t.inUseCount()).toBe(new Set([a, b]).size);
		expect(t.tupleCount()).toBe(2);
		t.enterTimeWait(a, '203.0.113.5', 443);
		expect(t.timeWaitCount()).toBe(1);
		expect(t.tuplesOn(a).some((x) => x.state === 'time-wait')).toBe(true);
		expect(t.snapshot().map((s) => s.port)).toEqual([...new Set([a, b])].sort());
		t.releaseTuple(a, '203.0.113.5', 443);
		t.releaseTuple(b, '198.51.100.7', 443);
		expect(t.inUseCount()).toBe(0);
	});

	it('rejects impossible option combinations', () => {
		const rng = createRng(1);
		expect(() => new PortTable({ range: [1, 9], algorithm: 'sequential', timeWaitReuse: 'always', rng })).toThrow(/sharePorts: false/);
		expect(() => new PortTable({ range: [1, 9], algorithm: 'linux', sharePorts: false, timeWaitReuse: 'always', rng })).toThrow(/sequential or random/);
		expect(() => new PortTable({ range: [1, 9], algorithm: 'random', autoReuse: [9, 1], rng })).toThrow(SimError);
	});
});
