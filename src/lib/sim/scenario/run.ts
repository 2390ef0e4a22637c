/**
 * Scenario runner: a parsed {@link Scenario} -> calls on the engine's {@link Simulation} -> a
 * {@link Trace}.
 *
 * Header statements become `addHost` / `addRouter` / `setNat` / `forwardPort` / `setFirewall` / `addLink` calls;
 * each timed statement becomes one `sim.at(t, ...)` callback; `run until=` becomes
 * `sim.run({ until })`. Engine programming errors ({@link SimError}: unknown socket, invalid
 * port...) raised by a call are reported as {@link ScenarioError}s on the line that made the call.
 * Network failures (ECONNREFUSED, EADDRNOTAVAIL...) are not errors here: the engine records them
 * as `error` events in the trace, as a real socket API returns them to the application.
 *
 * @module
 */
import { Simulation, SimError } from '../index';
import type { FirewallConfig, FirewallRule } from '../index';
import type { Protocol, Trace } from '../trace';
import { DEFAULT_SEED, parseScenario, type Action, type RuleDecl, type Scenario, type ScenarioError, type SeqRef } from './parse';

/** Options for {@link runScenario}. */
export interface RunScenarioOptions {
	/** PRNG seed (32-bit unsigned integer); overrides the file's `seed` line. */
	seed?: number;
	/** End of the run, ms of virtual time; overrides the file's `run until=`. */
	until?: number;
}

/** Result of {@link runScenario}: the trace, or every error found (parse or run). */
export type RunScenarioResult = { ok: true; trace: Trace; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

/** The socket methods the runner calls (TCP and UDP sockets of the engine). */
interface AnySocket {
	listen(port?: number): unknown;
	connect(ip: string, port: number): unknown;
	bind(port: number, opts?: { reuseAddr?: boolean; reuseUnicastPort?: boolean }): unknown;
	setUdpConnReset?(on: boolean): unknown;
	send(len: number, text?: string): unknown;
	read(): unknown;
	close(): unknown;
	abort(): unknown;
	sendTo(ip: string, port: number, len: number, text?: string): unknown;
	reply(len: number, text?: string): unknown;
}

/** Message of an exception, saying whether it is a scenario mistake or an engine fault. */
function describe(e: unknown): string {
	if (e instanceof SimError) return e.message;
	const msg = e instanceof Error ? e.message : String(e);
	return `internal engine error: ${msg}`;
}

const U32 = 0x1_0000_0000;

/** Engine FirewallRule(s) for one `rule` line (`any` direction expands to `in` then `out`). */
function toEngineRules(r: RuleDecl): FirewallRule[] {
	const proto = (r.proto === 'any' ? 'any' : (r.proto.toUpperCase() as Protocol)) as FirewallRule['proto'];
	const dirs: ('in' | 'out')[] = r.direction === 'any' ? ['in', 'out'] : [r.direction];
	return dirs.map((direction) => {
		const rule: FirewallRule = { action: r.action, direction, proto };
		if (r.sport) rule.sport = r.sport[0] === r.sport[1] ? r.sport[0] : r.sport;
		if (r.dport) rule.dport = r.dport[0] === r.dport[1] ? r.dport[0] : r.dport;
		return rule;
	});
}

/**
 * Build the simulation a scenario describes and run it.
 *
 * @param scenario - a scenario from {@link parseScenario} (`ok: true`).
 * @param opts - seed / until overrides.
 * @returns the trace, or errors with the line numbers of the statements that failed. Never throws.
 */
export function runParsedScenario(scenario: Scenario, opts: RunScenarioOptions = {}): RunScenarioResult {
	const errors: ScenarioError[] = [];
	const firstLine = 1;
	if (opts.seed !== undefined && !(Number.isInteger(opts.seed) && opts.seed >= 0 && opts.seed < U32)) {
		errors.push({ line: firstLine, message: `seed option must be an integer 0-4294967295, got ${String(opts.seed)}` });
	}
	if (opts.until !== undefined && !(Number.isFinite(opts.until) && opts.until >= 0)) {
		errors.push({ line: firstLine, message: `until option must be a number of ms >= 0, got ${String(opts.until)}` });
	}
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
		return { ok: false, errors: [{ line: firstLine, message: describe(e) }] };
	}

	// Header: topology first (hosts, routers), then what attaches to it.
	for (const h of scenario.hosts) {
		guard(h.line, () => {
			const o: Parameters<Simulation['addHost']>[0] & { ephemeral?: [number, number] } = {
				name: h.name,
				ip: h.ip,
				os: h.os,
				root: h.root
			};
			if (h.scripted) o.scripted = true;
			if (h.range) o.ephemeral = [h.range[0], h.range[1]];
			if (h.autoReuse) o.autoReuse = [h.autoReuse[0], h.autoReuse[1]];
			sim.addHost(o);
			if (h.range) {
				// Until every engine build honours `ephemeral`, say so instead of silently ignoring it.
				const preset = (sim.host(h.name) as unknown as { preset?: { ephemeral?: number[] } }).preset;
				const got = preset?.ephemeral;
				if (!got || got[0] !== h.range[0] || got[1] !== h.range[1]) {
					throw new SimError(`range= is not supported by this engine build (host ${h.name} kept its OS preset's ephemeral range)`);
				}
			}
		});
	}
	for (const r of scenario.routers) guard(r.line, () => void sim.addRouter({ name: r.name, ips: r.ips }));
	for (const n of scenario.nats) {
		guard(n.line, () =>
			sim.setNat(n.router, n.range ? { publicIp: n.publicIp, mode: n.mode, range: [n.range[0], n.range[1]] } : { publicIp: n.publicIp, mode: n.mode })
		);
	}
	for (const f of scenario.forwards ?? []) {
		guard(f.line, () =>
			sim.forwardPort(f.router, { proto: f.proto === 'tcp' ? 'TCP' : 'UDP', publicPort: f.publicPort, to: { ip: f.to.ip, port: f.to.port } })
		);
	}
	for (const f of scenario.firewalls) {
		const cfg: FirewallConfig = f.mode === 'stateful' ? { mode: 'stateful' } : { mode: 'stateless', rules: f.rules.flatMap(toEngineRules) };
		guard(f.line, () => sim.setFirewall(f.node, cfg));
	}
	for (const l of scenario.links) guard(l.line, () => void sim.addLink(l.a, l.b, { latencyMs: l.latencyMs, loss: l.loss }));
	if (errors.length) return { ok: false, errors };

	// Sockets this scenario created, by name (accepted sockets are looked up in the engine).
	const made = new Map<string, AnySocket>();
	const sock = (name: string): AnySocket => made.get(name) ?? (sim.socket(name) as unknown as AnySocket);

	const seqValue = (v: number | SeqRef, key: string): number => {
		if (typeof v === 'number') return v;
		const snap = sim.sockets().find((s) => s.id === v.socket);
		if (!snap) throw new SimError(`${key}=${v.socket}.${v.field}: no socket "${v.socket}" exists at this time`);
		const field = { iss: 'iss', irs: 'irs', sndnxt: 'sndNxt', rcvnxt: 'rcvNxt' }[v.field] as 'iss' | 'irs' | 'sndNxt' | 'rcvNxt';
		const base = snap[field];
		if (typeof base !== 'number') {
			throw new SimError(`${key}=${v.socket}.${v.field}: socket "${v.socket}" has no ${v.field} yet (state ${snap.state})`);
		}
		return (((base + v.offset) % U32) + U32) % U32;
	};

	const exec = (a: Action): void => {
		switch (a.kind) {
			case 'tcp-listen': {
				const s = sim.host(a.host).tcp(a.as ?? undefined, { autoRead: a.autoRead }) as unknown as AnySocket;
				if (a.as) made.set(a.as, s);
				if (a.port === null) s.listen();
				else s.listen(a.port);
				return;
			}
			case 'tcp-connect': {
				const s = sim.host(a.host).tcp(a.as ?? undefined, { autoRead: a.autoRead }) as unknown as AnySocket;
				if (a.as) made.set(a.as, s);
				s.connect(a.ip, a.port);
				return;
			}
			case 'tcp-bind': {
				const s = sim.host(a.host).tcp(a.as ?? undefined, { autoRead: a.autoRead }) as unknown as AnySocket;
				if (a.as) made.set(a.as, s);
				s.bind(a.port, a.reuseUnicastPort ? { reuseAddr: a.reuseAddr, reuseUnicastPort: true } : { reuseAddr: a.reuseAddr });
				return;
			}
			case 'socket-listen':
				if (a.port === null) sock(a.socket).listen();
				else sock(a.socket).listen(a.port);
				return;
			case 'socket-connect':
				sock(a.socket).connect(a.ip, a.port);
				return;
			case 'send':
				if (a.text === null) sock(a.socket).send(a.len);
				else sock(a.socket).send(a.len, a.text);
				return;
			case 'read':
				sock(a.socket).read();
				return;
			case 'close':
				sock(a.socket).close();
				return;
			case 'abort':
				sock(a.socket).abort();
				return;
			case 'udp-bind': {
				const s = sim.host(a.host).udp(a.as ?? undefined) as unknown as AnySocket;
				if (a.as) made.set(a.as, s);
				if (a.noConnReset) s.setUdpConnReset?.(false);
				s.bind(a.port);
				return;
			}
			case 'udp-send': {
				const s = sim.host(a.host).udp(a.as ?? undefined) as unknown as AnySocket;
				if (a.as) made.set(a.as, s);
				if (a.text === null) s.sendTo(a.ip, a.port, a.len);
				else s.sendTo(a.ip, a.port, a.len, a.text);
				return;
			}
			case 'udp-sendto':
				if (a.text === null) sock(a.socket).sendTo(a.ip, a.port, a.len);
				else sock(a.socket).sendTo(a.ip, a.port, a.len, a.text);
				return;
			case 'udp-reply':
				if (a.text === null) sock(a.socket).reply(a.len);
				else sock(a.socket).reply(a.len, a.text);
				return;
			case 'ping':
				sim.host(a.host).ping(a.ip, { count: a.count, intervalMs: a.intervalMs });
				return;
			case 'traceroute':
				sim.host(a.host).traceroute(a.ip, a.maxHops === null ? { style: a.style } : { style: a.style, maxHops: a.maxHops });
				return;
			case 'drop-next':
				sim.dropNext({ from: a.from, to: a.to });
				return;
			case 'inject': {
				const spec = {
					from: a.from,
					to: a.to,
					proto: 'TCP' as const,
					src: { ...a.src },
					dst: { ...a.dst },
					flags: [...a.flags],
					seq: seqValue(a.seq, 'seq'),
					ack: seqValue(a.ack, 'ack'),
					len: a.len,
					wnd: a.wnd,
					...(a.text !== null ? { payload: a.text } : {})
				};
				sim.inject(spec);
				return;
			}
		}
	};

	// A socket whose creating line failed: later lines using it report that instead of "unknown socket".
	const failed = new Map<string, number>();
	const creates = (a: Action): string | null =>
		(a.kind === 'tcp-listen' || a.kind === 'tcp-connect' || a.kind === 'tcp-bind' || a.kind === 'udp-bind' || a.kind === 'udp-send') && a.as
			? a.as
			: null;
	const uses = (a: Action): string | null => ('socket' in a ? a.socket.replace(/\.\d+$/, '') : null);
	for (const step of scenario.steps) {
		sim.at(step.t, () => {
			const used = uses(step.action);
			if (used !== null && failed.has(used) && !made.has(used)) {
				errors.push({ line: step.line, message: `socket "${used}" does not exist: the line that creates it (line ${failed.get(used)}) failed` });
				return;
			}
			const ok = guard(step.line, () => exec(step.action));
			const name = creates(step.action);
			if (!ok && name !== null && !made.has(name)) failed.set(name, step.line);
		});
	}

	const until = opts.until ?? scenario.run?.until ?? undefined;
	const lastLine = scenario.run?.line ?? scenario.steps.at(-1)?.line ?? firstLine;
	let trace: Trace | null = null;
	try {
		trace = until === undefined ? sim.run() : sim.run({ until });
	} catch (e) {
		errors.push({ line: lastLine, message: describe(e) });
	}
	if (errors.length || trace === null) {
		errors.sort((x, y) => x.line - y.line);
		return { ok: false, errors };
	}
	return { ok: true, trace, scenario };
}

/**
 * Parse and run a scenario.
 *
 * @param text - scenario text (docs/scenario-format.md).
 * @param opts - `seed` overrides the file's `seed`; `until` (ms) overrides `run until=`.
 * @returns `{ ok: true, trace, scenario }`, or `{ ok: false, errors }` with parse errors or the
 *   engine errors of the statements that failed, each with its 1-based line. Never throws.
 */
export function runScenario(text: string, opts: RunScenarioOptions = {}): RunScenarioResult {
	const parsed = parseScenario(text);
	if (!parsed.ok) return parsed;
	return runParsedScenario(parsed.scenario, opts);
}
