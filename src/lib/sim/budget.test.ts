/**
 * The work budget of `Simulation.run` (issue 12 item 2): a run stops with a WorkBudgetError that
 * carries the trace so far after `maxEvents` events, after `maxWallMs` of real time, or when
 * the virtual clock stops moving; every content scenario fits far below the default; random
 * small scenarios with forged segments end with a trace or the budget error.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_MAX_EVENTS, Simulation, SimError, WorkBudgetError, type SegmentEvent } from './index';
import { runScenario } from './scenario/run';
import { formatScenarioError } from './scenario/types';

/**
 * A switch for the proof that the generator below produces the ACK loop: while `off` is set,
 * every host's preset answers every invalid segment with an ACK, unthrottled (RFC 9293's plain
 * "send an ACK and drop the segment", no RFC 5961 §7 limit), so an ACK loop runs until the budget
 * stops it. Otherwise the presets are the real ones.
 */
const ackThrottle = vi.hoisted(() => ({ off: false }));
vi.mock('./os', async (importOriginal) => {
	const os = await importOriginal<typeof import('./os')>();
	return {
		...os,
		getPreset: (id: string) => {
			const p = os.getPreset(id);
			return ackThrottle.off ? { ...p, invalidAck: { intervalMs: 1, count: Number.POSITIVE_INFINITY, exemptData: false, ackOfUnsent: 'ack' as const } } : p;
		}
	};
});

/** A simulation whose user event reschedules itself `dt` ms later, forever (or `limit` times). */
function ticker(dt: number, limit = Infinity, work?: () => void) {
	const sim = new Simulation({ seed: 1 });
	let n = 0;
	const tick = (): void => {
		n++;
		work?.();
		if (n < limit) sim.after(dt, tick);
	};
	sim.at(0, tick);
	return { sim, count: () => n };
}

/** The error thrown by `fn`. */
function thrown(fn: () => unknown): unknown {
	try {
		fn();
	} catch (e) {
		return e;
	}
	throw new Error('expected an exception');
}

const BUDGET_MESSAGE = /^stopped after [\d,]+ events at t = \d+ ms: .*the scenario does more work than the budget allows/;

describe('Simulation.run work budget', () => {
	it('stops an endless run after maxEvents events, with the trace so far and a clear message', () => {
		const { sim, count } = ticker(1);
		const e = thrown(() => sim.run({ maxEvents: 10_000 }));
		expect(e).toBeInstanceOf(WorkBudgetError);
		expect(e).toBeInstanceOf(SimError);
		const b = e as WorkBudgetError;
		expect(b.reason).toBe('events');
		expect(b.events).toBe(10_000);
		expect(count()).toBe(10_000);
		expect(b.time).toBe(9_999);
		expect(b.message).toBe('stopped after 10,000 events at t = 9999 ms: the scenario does more work than the budget allows.');
		expect(b.trace.end).toBe(9_999);
		// The simulation stays usable: a second call continues where the first stopped.
		expect(() => sim.run({ maxEvents: 5 })).toThrow(WorkBudgetError);
		expect(count()).toBe(10_005);
	});

	it('a run that needs exactly maxEvents events finishes; one more event is over the budget', () => {
		expect(() => ticker(1, 5_000).sim.run({ maxEvents: 5_000 })).not.toThrow();
		expect(() => ticker(1, 5_001).sim.run({ maxEvents: 5_000 })).toThrow(BUDGET_MESSAGE);
	});

	it('the default budget is 2,000,000 events and stops an endless run', () => {
		expect(DEFAULT_MAX_EVENTS).toBe(2_000_000);
		const { sim, count } = ticker(1);
		const e = thrown(() => sim.run({ maxWallMs: Infinity })) as WorkBudgetError;
		expect(e.reason).toBe('events');
		expect(count()).toBe(2_000_000);
	});

	it('reports virtual time that stops moving while events keep coming', () => {
		const { sim } = ticker(0);
		const e = thrown(() => sim.run({ maxEventsAtOneTime: 5_000 })) as WorkBudgetError;
		expect(e).toBeInstanceOf(WorkBudgetError);
		expect(e.reason).toBe('stuck-time');
		expect(e.time).toBe(0);
		expect(e.events).toBeLessThan(5_000 + 1_024 + 1);
		expect(e.message).toMatch(/^stopped after [\d,]+ events at t = 0 ms: virtual time stopped moving/);
	});

	it('many events at one instant followed by progress are not "stuck"', () => {
		const sim = new Simulation({ seed: 1 });
		for (let i = 0; i < 3_000; i++) sim.at(0, () => {});
		sim.at(1, () => {});
		expect(sim.run({ maxEventsAtOneTime: 5_000 }).end).toBe(1);
	});

	it('stops on the wall-clock budget (real time is read only for the check)', () => {
		const busy = (): void => {
			const t = performance.now();
			while (performance.now() - t < 0.05);
		};
		const { sim } = ticker(1, Infinity, busy);
		const e = thrown(() => sim.run({ maxWallMs: 20, maxEvents: Infinity })) as WorkBudgetError;
		expect(e.reason).toBe('wall-clock');
		expect(e.message).toMatch(BUDGET_MESSAGE);
		expect(e.message).toContain('more than 20 ms of real time');
	});

	it('rejects budget options that are not numbers > 0', () => {
		const { sim } = ticker(1, 3);
		expect(() => sim.run({ maxEvents: 0 })).toThrow(SimError);
		expect(() => sim.run({ maxWallMs: Number.NaN })).toThrow(/maxWallMs/);
		expect(() => sim.run({ maxEventsAtOneTime: -1 })).toThrow(/maxEventsAtOneTime/);
	});
});

/** A transfer of 1,000,000 bytes: finite, but more than a few hundred events. */
const BULK = `host client 192.168.1.10 os=linux
host server 203.0.113.5 os=linux root
link client server latency=10ms
0ms    server listen 80 as=web
10ms   client connect 203.0.113.5:80 as=c1
100ms  c1 send 1000000
run until=60s
`;

describe('runScenario under the work budget', () => {
	it('a scenario over the budget is an error on its last line, with the partial trace', () => {
		const r = runScenario(BULK, { maxEvents: 300 });
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toEqual([{ line: 7, message: expect.stringMatching(BUDGET_MESSAGE) }]);
		expect(r.errors[0].message).toMatch(/^stopped after 300 events at t = \d+ ms/);
		const segs = r.partial?.events.filter((e) => e.kind === 'segment') ?? [];
		expect(segs.length).toBeGreaterThan(100);
		// Within the budget the same scenario runs to the end.
		expect(runScenario(BULK).ok).toBe(true);
	});

	it('rejects budget options that are not numbers > 0', () => {
		const r = runScenario('host a 10.0.0.1\n', { maxEvents: -5 });
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors[0].message).toMatch(/maxEvents option must be a number > 0/);
	});
});

const CONTENT = fileURLToPath(new URL('../../../content', import.meta.url));
function scenarioFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...scenarioFiles(path));
		else if (name.endsWith('.scn')) out.push(path);
	}
	return out.sort();
}

describe('every content scenario fits far below the default budget', () => {
	const files = scenarioFiles(CONTENT);
	it('finds the lesson and example scenarios', () => expect(files.length).toBeGreaterThan(30));
	it('each runs within 1/40 of the default event budget (50,000 events)', () => {
		for (const f of files) {
			const r = runScenario(readFileSync(f, 'utf8'), { maxEvents: DEFAULT_MAX_EVENTS / 40, maxWallMs: 60_000 });
			if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e, f)).join('\n'));
		}
	});
});

/** An offset from a socket's sequence number: exact (in window) a third of the time, else near or far. */
const offArb = (far: number): fc.Arbitrary<number> => fc.oneof(fc.constant(0), fc.integer({ min: -20, max: 20 }), fc.integer({ min: -far, max: far }));

/** Random small scenarios: a connection, sends both ways, and forged segments on it. */
const stepArb = fc.oneof(
	fc.record({
		kind: fc.constant('inject' as const),
		dir: fc.constantFrom('client->server 40000>80', 'server->client 80>40000'),
		flags: fc.constantFrom('.', 'P.', 'S', 'R', 'F.', 'S.', 'R.'),
		seqRef: fc.constantFrom('web.1.rcvnxt', 'c1.rcvnxt', 'web.1.sndnxt', 'c1.iss'),
		seqOff: offArb(70_000),
		ackRef: fc.constantFrom('web.1.sndnxt', 'c1.rcvnxt', 'c1.sndnxt'),
		ackOff: offArb(100),
		len: fc.integer({ min: 0, max: 3000 })
	}),
	fc.record({ kind: fc.constant('send' as const), who: fc.constantFrom('c1', 'web.1'), bytes: fc.integer({ min: 1, max: 20_000 }) }),
	fc.record({ kind: fc.constant('close' as const), who: fc.constantFrom('c1', 'web.1') })
);
type GenStep = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;
const osArb = fc.constantFrom('linux', 'freebsd', 'macos', 'windows', 'windows-xp', 'rfc9293');
/** More hosts on the server's network: each may connect to the server and send to it. */
const extraHostArb = fc.record({ os: osArb, connect: fc.boolean(), bytes: fc.integer({ min: 0, max: 50_000 }), at: fc.integer({ min: 0, max: 300 }) });
const scenarioArb = fc.record({
	latency: fc.integer({ min: 0, max: 20 }),
	clientOs: osArb,
	serverOs: osArb,
	extra: fc.array(extraHostArb, { maxLength: 5 }),
	steps: fc.array(fc.record({ dt: fc.integer({ min: 0, max: 500 }), step: stepArb }), { minLength: 1, maxLength: 6 })
});
type GenScenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function stepText(s: GenStep): string {
	const off = (n: number): string => (n >= 0 ? `+${n}` : `${n}`);
	if (s.kind === 'send') return `${s.who} send ${s.bytes}`;
	if (s.kind === 'close') return `${s.who} close`;
	const ack = s.flags.includes('.') ? ` ack=${s.ackRef}${off(s.ackOff)}` : '';
	return `inject ${s.dir} ${s.flags} seq=${s.seqRef}${off(s.seqOff)}${ack} len=${s.len}`;
}

function scenarioText(g: GenScenario): string {
	const lines = [
		`host client 192.168.1.10 os=${g.clientOs}`,
		`host server 203.0.113.5 os=${g.serverOs} root`,
		`link client server latency=${g.latency}ms`,
		...g.extra.flatMap((h, i) => [`host h${i} 10.0.0.${i + 2} os=${h.os}`, `link h${i} server latency=${g.latency}ms`]),
		'0ms server listen 80 as=web',
		'10ms client bind 40000 as=c1',
		'+0ms c1 connect 203.0.113.5:80',
		// The handshake is over by 10 + 3 × 20 ms: the sockets named below exist.
		'100ms expect c1 state ESTABLISHED'
	];
	// The other hosts' connections are accepted after web.1 (the client's), so its name holds.
	// Times must not go backwards: the lines are merged in time order (stable for equal times).
	const timed: { t: number; line: string }[] = [];
	g.extra.forEach((h, i) => {
		if (!h.connect) return;
		timed.push({ t: 100 + h.at, line: `h${i} connect 203.0.113.5:80 as=x${i}` });
		if (h.bytes) timed.push({ t: 200 + h.at, line: `x${i} send ${h.bytes}` });
	});
	let t = 100;
	for (const { dt, step } of g.steps) timed.push({ t: (t += dt), line: stepText(step) });
	timed.sort((a, b) => a.t - b.t);
	for (const x of timed) lines.push(`${x.t}ms ${x.line}`);
	return lines.join('\n') + '\n';
}

/** A generated step that is the ACK-storm trigger: in-window data forged towards the server. */
const isStormTrigger = (s: GenStep): boolean =>
	s.kind === 'inject' && s.dir.startsWith('client->server') && s.flags === 'P.' && s.seqRef === 'web.1.rcvnxt' && s.seqOff === 0 && s.len > 0 && s.ackRef === 'web.1.sndnxt' && s.ackOff === 0;

describe('property: random scenarios with forged segments end within the budget', () => {
	it('every run ends with a trace or the budget error (never hangs, never another error)', () => {
		fc.assert(
			fc.property(scenarioArb, (g) => {
				const text = scenarioText(g);
				const t0 = performance.now();
				const r = runScenario(text, { maxEvents: 30_000, maxWallMs: 5_000 });
				// The budget holds: the run ends, in well under the wall-clock limit plus one check.
				expect(performance.now() - t0).toBeLessThan(15_000);
				if (r.ok) return;
				// Sockets may be gone after a forged RST or a close; those lines fail on their own.
				for (const e of r.errors) {
					const known = BUDGET_MESSAGE.test(e.message) || /socket|no .* yet|does not exist|not connected|ENOTCONN|EPIPE|closed/i.test(e.message);
					expect(known, `${e.message}\n${text}`).toBe(true);
				}
				const budget = r.errors.filter((e) => BUDGET_MESSAGE.test(e.message));
				if (budget.length) expect(r.partial?.events.some((e): e is SegmentEvent => e.kind === 'segment')).toBe(true);
			}),
			{ numRuns: 60, seed: 12 }
		);
	});

	it('the generator produces the ACK loop: its forged in-window data loops until the budget stops it when ACKs are not throttled, and ends by itself when they are', () => {
		const samples = fc.sample(scenarioArb, { numRuns: 20_000, seed: 12 });
		const storms = samples.filter((g) => g.steps.some(({ step }) => isStormTrigger(step)));
		expect(storms.length).toBeGreaterThan(0);
		const loops: string[] = [];
		for (const g of storms.slice(0, 12)) {
			const text = scenarioText(g);
			ackThrottle.off = true;
			let r: ReturnType<typeof runScenario>;
			try {
				r = runScenario(text, { maxEvents: 30_000, maxWallMs: 5_000 });
			} finally {
				ackThrottle.off = false;
			}
			if (r.ok || !r.errors.some((e) => BUDGET_MESSAGE.test(e.message))) continue;
			// Not stuck at one instant: a run of segments back and forth as time goes on.
			const segs = r.partial?.events.filter((e): e is SegmentEvent => e.kind === 'segment') ?? [];
			expect(segs.length).toBeGreaterThan(1_000);
			expect(new Set(segs.slice(-100).map((s) => s.from))).toEqual(new Set(['client', 'server']));
			loops.push(text);
			// With the presets' real throttles the same scenario ends without the budget.
			const real = runScenario(text, { maxEvents: 30_000, maxWallMs: 5_000 });
			const budget = real.ok ? [] : real.errors.filter((e) => BUDGET_MESSAGE.test(e.message));
			expect(budget, text).toEqual([]);
		}
		expect(loops.length).toBeGreaterThan(0);
	});
});
