/**
 * Scenario runner: a parsed {@link Scenario} -> calls on the engine's {@link Simulation} -> a
 * {@link Trace}, and the outcome of every `expect` line.
 *
 * The header is built by the families' `setup` hooks (`addHost`, `addRouter`, `setNat`...);
 * each timed statement's runner is looked up in the statement table (grammar.ts) and either
 * scheduled with `sim.at(t, ...)` (socket calls, faults) or kept to check the finished trace
 * (`expect` lines, which therefore never change the run). Engine programming errors
 * ({@link SimError}: unknown socket, invalid port...) raised by a call are reported as
 * {@link ScenarioError}s on the line that made the call. Network failures (ECONNREFUSED,
 * EADDRNOTAVAIL...) are not errors here: the engine records them as `error` events in the trace,
 * as a real socket API returns them to the application.
 *
 * @module
 */
import { Simulation, SimError, TcpSocket, UdpSocket, WorkBudgetError } from '../index';
import { isSeed } from '../seed';
import type { Trace } from '../trace';
import { type Action, FAMILIES, type Scenario, type Step, runnerOf } from './grammar';
import { parseScenario } from './parse';
import type { CheckRuntime, Runtime } from './statements/spec';
import { DEFAULT_SEED, MAX_TIME_MS, type ScenarioError, type SeqRef } from './types';

/** Options for {@link runScenario}. */
export interface RunScenarioOptions {
	/** PRNG seed (32-bit unsigned integer); overrides the file's `seed` line. */
	seed?: number;
	/** End of the run, ms of virtual time; overrides the file's `run until=`. */
	until?: number;
	/** Work budget: most engine events (default: the engine's `DEFAULT_MAX_EVENTS`, 2,000,000). */
	maxEvents?: number;
	/** Work budget: most ms of real time for the run (default: the engine's `DEFAULT_MAX_WALL_MS`, 10 s). */
	maxWallMs?: number;
	/** Progress of a long run: engine events so far and virtual time reached (ms); see the engine's `RunOptions.onProgress`. */
	onProgress?: (events: number, now: number) => void;
}

/** The outcome of one `expect` line. */
export interface ExpectationResult {
	/** 1-based line of the `expect` statement. */
	line: number;
	/** Its time, ms of virtual time. */
	t: number;
	/** True when it held. */
	passed: boolean;
	/** When it failed: what happened instead (one sentence, without the line number). */
	message: string | null;
}

/**
 * Result of {@link runScenario}: the trace and the outcome of every `expect` line, or every
 * error found (parse or run). A run whose expectations fail is still `ok`: the trace exists and
 * the figure shows it; `expectations` says which lines did not hold. A run stopped by the work
 * budget is not `ok`: its error says `stopped after N events at t = T ms: …`, and `partial`
 * holds the trace recorded up to the stop (for inspection; figures show the error instead).
 */
export type RunScenarioResult =
	| { ok: true; trace: Trace; scenario: Scenario; expectations: ExpectationResult[] }
	| { ok: false; errors: ScenarioError[]; partial?: Trace };

/** The failed expectations of a run, as line-numbered errors (`expected ... : ...`). */
export function failedExpectations(r: { expectations: ExpectationResult[] }): ScenarioError[] {
	return r.expectations.filter((e) => !e.passed).map((e) => ({ line: e.line, message: `expectation failed: ${e.message}` }));
}

/** Message of an exception, saying whether it is a scenario mistake or an engine fault. */
function describe(e: unknown): string {
	if (e instanceof SimError) return e.message;
	return `internal engine error: ${e instanceof Error ? e.message : String(e)}`;
}

const U32 = 0x1_0000_0000;

/** The engine with the sockets this scenario named, typed (see {@link Runtime}). */
class ScenarioRuntime implements Runtime {
	private readonly made = new Map<string, TcpSocket | UdpSocket>();
	constructor(readonly sim: Simulation) {}
	has(name: string): boolean {
		return this.made.has(name);
	}
	keep(name: string | null, s: TcpSocket | UdpSocket): void {
		if (name !== null) this.made.set(name, s);
	}
	socket(name: string): TcpSocket | UdpSocket {
		return this.made.get(name) ?? this.sim.socket(name);
	}
	tcp(name: string): TcpSocket {
		const s = this.socket(name);
		if (s instanceof TcpSocket) return s;
		throw new SimError(`"${name}" is a UDP socket, not a TCP one.`, 'socket');
	}
	udp(name: string): UdpSocket {
		const s = this.made.get(name) ?? this.sim.udpSocket(name);
		if (s instanceof UdpSocket) return s;
		throw new SimError(`"${name}" is a TCP socket, not a UDP one.`, 'socket');
	}
	seq(v: number | SeqRef, key: string): number {
		if (typeof v === 'number') return v;
		const snap = this.sim.sockets().find((s) => s.id === v.socket);
		if (!snap) throw new SimError(`${key}=${v.socket}.${v.field}: no socket "${v.socket}" exists at this time`);
		const base = { iss: snap.iss, irs: snap.irs, sndnxt: snap.sndNxt, rcvnxt: snap.rcvNxt }[v.field];
		if (typeof base !== 'number') {
			throw new SimError(`${key}=${v.socket}.${v.field}: socket "${v.socket}" has no ${v.field} yet (state ${snap.state})`);
		}
		return (((base + v.offset) % U32) + U32) % U32;
	}
}

/** The socket name a step creates (`as=`), if any. */
function created(a: Action): string | null {
	return 'as' in a ? a.as : null;
}

/** The named socket a step acts on (an accepted `web.1` counts as its listener `web`), if any. */
function used(a: Action): string | null {
	return 'socket' in a ? a.socket.replace(/\.\d+$/, '') : null;
}

/** Check the run's options; errors name line 1. */
function optionErrors(opts: RunScenarioOptions): ScenarioError[] {
	const errors: ScenarioError[] = [];
	if (opts.seed !== undefined && !isSeed(opts.seed)) {
		errors.push({ line: 1, message: `seed option must be an integer 0-4294967295, got ${String(opts.seed)}` });
	}
	if (opts.until !== undefined && !(Number.isFinite(opts.until) && opts.until >= 0 && opts.until <= MAX_TIME_MS)) {
		errors.push({ line: 1, message: `until option must be a number of ms 0-${MAX_TIME_MS} (one day of virtual time), got ${String(opts.until)}` });
	}
	for (const k of ['maxEvents', 'maxWallMs'] as const) {
		const v = opts[k];
		if (v !== undefined && !(typeof v === 'number' && v > 0)) errors.push({ line: 1, message: `${k} option must be a number > 0, got ${String(v)}` });
	}
	return errors;
}

/** Schedule the steps: calls at their time; expectations kept for after the run. */
function schedule(rt: ScenarioRuntime, steps: readonly Step[], guard: (line: number, fn: () => void) => boolean): Step[] {
	const checks: Step[] = [];
	// A socket whose creating line failed: later lines using it report that, not "unknown socket".
	const failed = new Map<string, number>();
	for (const step of steps) {
		const runner = runnerOf(step.action);
		if (!('at' in runner)) {
			checks.push(step);
			continue;
		}
		rt.sim.at(step.t, () => {
			const name = used(step.action);
			if (name !== null && failed.has(name) && !rt.has(name)) {
				guard(step.line, () => {
					throw new SimError(`socket "${name}" does not exist: the line that creates it (line ${failed.get(name)}) failed`);
				});
				return;
			}
			const ok = guard(step.line, () => runner.at(rt, step.action));
			const made = created(step.action);
			if (!ok && made !== null && !rt.has(made)) failed.set(made, step.line);
		});
	}
	return checks;
}

/** Check every expectation against the finished run. */
function check(sim: Simulation, scenario: Scenario, trace: Trace, checks: readonly Step[], stoppedAt: number | null): ExpectationResult[] {
	const createdAt = new Map<string, number>();
	for (const s of scenario.steps) {
		const name = created(s.action);
		if (name !== null && !createdAt.has(name)) createdAt.set(name, s.t);
	}
	const owners = new Map<string, string>();
	for (const h of scenario.hosts) owners.set(h.ip, h.name);
	for (const r of scenario.routers) for (const ip of r.ips) owners.set(ip, r.name);
	for (const n of scenario.nats) if (!owners.has(n.publicIp)) owners.set(n.publicIp, n.router);
	const rt: CheckRuntime = { sim, trace, header: scenario, stoppedAt, createdAt: (n) => createdAt.get(n), ownerOf: (ip) => owners.get(ip) };
	return checks.map((step) => {
		const runner = runnerOf(step.action);
		const message = 'after' in runner ? runner.after(rt, step.action, step.t) : null;
		return { line: step.line, t: step.t, passed: message === null, message };
	});
}

/**
 * Build the simulation a scenario describes, run it, and check its expectations.
 *
 * @param scenario - a scenario from {@link parseScenario} (`ok: true`).
 * @param opts - seed / until overrides.
 * @returns the trace and the expectations' outcomes, or errors with the line numbers of the
 *   statements that failed. Never throws.
 */
export function runParsedScenario(scenario: Scenario, opts: RunScenarioOptions = {}): RunScenarioResult {
	const errors = optionErrors(opts);
	if (errors.length) return { ok: false, errors };
	const guard = (line: number, fn: () => void): boolean => {
		try {
			fn();
			return true;
		} catch (e) {
			errors.push({ line, message: describe(e) });
			return false;
		}
	};
	let sim: Simulation;
	try {
		sim = new Simulation({ seed: opts.seed ?? scenario.seed ?? DEFAULT_SEED });
	} catch (e) {
		return { ok: false, errors: [{ line: 1, message: describe(e) }] };
	}
	for (const f of FAMILIES) f.setup?.(sim, scenario, guard);
	if (errors.length) return { ok: false, errors };

	const checks = schedule(new ScenarioRuntime(sim), scenario.steps, guard);
	const until = opts.until ?? scenario.run?.until ?? undefined;
	let trace: Trace | null = null;
	let partial: Trace | undefined;
	try {
		trace = sim.run({ ...(until === undefined ? {} : { until }), maxEvents: opts.maxEvents, maxWallMs: opts.maxWallMs, onProgress: opts.onProgress });
	} catch (e) {
		if (e instanceof WorkBudgetError) partial = e.trace;
		errors.push({ line: scenario.run?.line ?? scenario.steps.at(-1)?.line ?? 1, message: describe(e) });
	}
	if (errors.length || trace === null) {
		errors.sort((x, y) => x.line - y.line);
		return partial === undefined ? { ok: false, errors } : { ok: false, errors, partial };
	}
	const expectations = check(sim, scenario, trace, checks, until ?? null);
	return { ok: true, trace, scenario, expectations };
}

/**
 * Parse and run a scenario.
 *
 * @param text - scenario text (docs/scenario-format.md).
 * @param opts - `seed` overrides the file's `seed`; `until` (ms) overrides `run until=`.
 * @returns `{ ok: true, trace, scenario, expectations }`, or `{ ok: false, errors }` with parse
 *   errors or the engine errors of the statements that failed, each with its 1-based line.
 *   Never throws.
 */
export function runScenario(text: string, opts: RunScenarioOptions = {}): RunScenarioResult {
	const parsed = parseScenario(text);
	if (!parsed.ok) return parsed;
	return runParsedScenario(parsed.scenario, opts);
}
