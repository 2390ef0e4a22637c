/**
 * Simulation questions: derive the correct answer by running the scenario and reading the trace.
 *
 * A bank says, for example,
 * ```yaml
 * scenario: |            # or: scenario: handshake.scn
 *   host client 10.0.0.1
 *   ...
 * ask: { kind: next-state, socket: c1, after: 1 }
 * ```
 * and {@link deriveAnswer} computes the answer from the {@link Trace}. The question is shown
 * "paused" just before the event that holds the answer: {@link PausedPacket} lines for every
 * packet put on the wire before that event.
 *
 * Ask kinds (all indexes are 1-based and count events of that kind in trace order):
 * - `next-state {socket, after}`: the socket has made `after` state changes; the answer is the
 *   `to` state of its next one (the `after+1`-th StateEvent of that socket).
 * - `final-state {socket}`: the `to` of the socket's last StateEvent; all packets are shown.
 * - `segment-field {segment, field}`: a field of the `segment`-th TCP SegmentEvent:
 *   `seq`, `ack` (SEG.SEQ / SEG.ACK), `flags` ("SYN,ACK"), `src-port`, `dst-port`, `len`.
 * - `datagram-field {datagram, field}`: a field of the `datagram`-th UDP DatagramEvent:
 *   `src-port`, `dst-port`, `len` (payload bytes).
 * - `local-port {socket}`: the local port in the socket's first StateEvent.
 * - `time-wait`: the ids of every socket that ever enters TIME-WAIT, sorted, comma-joined, or
 *   `none`; all packets are shown.
 * - `first-dropped {field}`: a field of the first packet that did not arrive (`flags`,
 *   `src-port`, `dst-port`, `proto`, `reason` = lost | firewall | …).
 * - `error {socket}`: the errno of the socket's first ErrorEvent (e.g. ECONNREFUSED).
 * - `icmp {index}`: `type/code` of the `index`-th ICMP message (e.g. `3/3` port unreachable).
 * - `window {socket, field, at}`: a byte count from the socket's `window` events (tcp-output.ts
 *   `traceWindow`): `field` is `snd-wnd` (the peer's window), `in-flight`, `cwnd`, `ssthresh` or
 *   `allowed` (min(cwnd, SND.WND): what may be in flight); `at` is `max` (the largest over the
 *   run; all packets shown), `last`, or `after-loss` (the first event at or after the socket's
 *   host first sends a retransmission; paused there).
 *
 * Options may be exact values or numeric ranges `lo-hi` (the derived number must lie inside);
 * exactly one option must match, or the bank fails validation.
 *
 * @module
 */
import { isPacket, type PacketEvent, type Trace, type TraceEvent, type WindowEvent } from '../sim/trace';
import { icmpTypeName } from '../sim/icmp-names';
import type { BankError, PausedPacket, SimAsk, SimulationQuestion } from './types';
import { normaliseAnswer } from './normalise';

/** What {@link deriveAnswer} returns. */
export type Derivation =
	| { ok: true; value: string; /** trace index of the first hidden event */ pauseAt: number }
	| { ok: false; reason: string };

/** One-line, tcpdump-like description of a packet. */
export function describePacket(e: PacketEvent): string {
	if (e.kind === 'segment') {
		const ackPart = e.flags.includes('ACK') ? ` ack=${e.ack}` : '';
		return `TCP ${e.src.ip}:${e.src.port} → ${e.dst.ip}:${e.dst.port} [${e.flags.join(',')}] seq=${e.seq}${ackPart} len=${e.len}`;
	}
	if (e.kind === 'datagram') return `UDP ${e.src.ip}:${e.src.port} → ${e.dst.ip}:${e.dst.port} len=${e.len} ttl=${e.ttl}`;
	const extra = e.identifier !== undefined ? ` id=${e.identifier} seq=${e.sequence ?? 0}` : '';
	return `ICMP ${e.srcIp} → ${e.dstIp} type ${e.type} code ${e.code} (${icmpTypeName(e.type) ?? 'other'})${extra}`;
}

/** Packets before trace index `pauseAt`, as display lines. */
export function pausedPackets(trace: Trace, pauseAt: number): PausedPacket[] {
	const out: PausedPacket[] = [];
	trace.events.slice(0, pauseAt).forEach((e) => {
		if (isPacket(e)) out.push({ t: e.t, from: e.from, to: e.to, text: describePacket(e), dropped: e.arrivedAt === null ? (e.dropped ?? 'lost') : undefined });
	});
	return out;
}

function nth<T extends TraceEvent>(trace: Trace, pred: (e: TraceEvent) => e is T, n: number): { e: T; i: number } | null {
	let count = 0;
	for (let i = 0; i < trace.events.length; i++) {
		const e = trace.events[i];
		if (pred(e) && ++count === n) return { e, i };
	}
	return null;
}

/**
 * Derive the answer to `ask` from a trace.
 * @returns the value as text plus the pause point, or a reason why the trace has no answer
 *   (e.g. the socket never changed state that many times).
 */
export function deriveAnswer(trace: Trace, ask: SimAsk): Derivation {
	const ev = trace.events;
	const all = ev.length;
	switch (ask.kind) {
		case 'next-state':
		case 'final-state':
		case 'local-port': {
			const states: { e: Extract<TraceEvent, { kind: 'state' }>; i: number }[] = [];
			ev.forEach((e, i) => {
				if (e.kind === 'state' && e.socket === ask.socket) states.push({ e, i });
			});
			if (states.length === 0) return { ok: false, reason: `socket "${ask.socket}" never changes state in the trace` };
			if (ask.kind === 'final-state') return { ok: true, value: states[states.length - 1].e.to, pauseAt: all };
			if (ask.kind === 'local-port') return { ok: true, value: String(states[0].e.local.port), pauseAt: states[0].i };
			if (states.length <= ask.after)
				return { ok: false, reason: `socket "${ask.socket}" makes only ${states.length} state change(s), so there is none after ${ask.after}` };
			return { ok: true, value: states[ask.after].e.to, pauseAt: states[ask.after].i };
		}
		case 'segment-field': {
			const hit = nth(trace, (e): e is Extract<TraceEvent, { kind: 'segment' }> => e.kind === 'segment', ask.segment);
			if (!hit) return { ok: false, reason: `the trace has fewer than ${ask.segment} TCP segments` };
			const s = hit.e;
			const value =
				ask.field === 'seq' ? s.seq
				: ask.field === 'ack' ? s.ack
				: ask.field === 'flags' ? s.flags.join(',')
				: ask.field === 'src-port' ? s.src.port
				: ask.field === 'dst-port' ? s.dst.port
				: s.len;
			return { ok: true, value: String(value), pauseAt: hit.i };
		}
		case 'datagram-field': {
			const hit = nth(trace, (e): e is Extract<TraceEvent, { kind: 'datagram' }> => e.kind === 'datagram', ask.datagram);
			if (!hit) return { ok: false, reason: `the trace has fewer than ${ask.datagram} UDP datagrams` };
			const d = hit.e;
			const value = ask.field === 'src-port' ? d.src.port : ask.field === 'dst-port' ? d.dst.port : d.len;
			return { ok: true, value: String(value), pauseAt: hit.i };
		}
		case 'time-wait': {
			const ids = [...new Set(ev.filter((e) => e.kind === 'state' && e.to === 'TIME-WAIT').map((e) => (e as { socket: string }).socket))].sort();
			return { ok: true, value: ids.length ? ids.join(',') : 'none', pauseAt: all };
		}
		case 'first-dropped': {
			const i = ev.findIndex((e) => isPacket(e) && e.arrivedAt === null);
			if (i < 0) return { ok: false, reason: 'no packet is dropped in the trace' };
			const p = ev[i] as PacketEvent;
			let value: string;
			if (ask.field === 'proto') value = p.proto;
			else if (ask.field === 'reason') value = p.dropped ?? 'lost';
			else if (p.kind === 'icmp') return { ok: false, reason: `the first dropped packet is ICMP and has no ${ask.field}` };
			else if (ask.field === 'flags') {
				if (p.kind !== 'segment') return { ok: false, reason: 'the first dropped packet is not a TCP segment' };
				value = p.flags.join(',');
			} else value = String(ask.field === 'src-port' ? p.src.port : p.dst.port);
			return { ok: true, value, pauseAt: i };
		}
		case 'window':
			return deriveWindow(trace, ask);
		case 'error': {
			const i = ev.findIndex((e) => e.kind === 'error' && e.socket === ask.socket);
			if (i < 0) return { ok: false, reason: `socket "${ask.socket}" reports no error` };
			return { ok: true, value: (ev[i] as { errno: string }).errno, pauseAt: i };
		}
		case 'icmp': {
			const hit = nth(trace, (e): e is Extract<TraceEvent, { kind: 'icmp' }> => e.kind === 'icmp', ask.index);
			if (!hit) return { ok: false, reason: `the trace has fewer than ${ask.index} ICMP messages` };
			return { ok: true, value: `${hit.e.type}/${hit.e.code}`, pauseAt: hit.i };
		}
	}
}

/** True when option value `option` accepts derived value `value` (equal, or a numeric range containing it). */
export function optionMatches(option: string, value: string): boolean {
	const range = /^\s*(\d+)\s*[-–]\s*(\d+)\s*$/.exec(option);
	if (range && /^\d+$/.test(value.trim())) {
		const n = Number(value);
		return n >= Number(range[1]) && n <= Number(range[2]);
	}
	return normaliseAnswer(option) === normaliseAnswer(value);
}

/** Result of running a scenario: the shape `runScenario` (src/lib/sim/scenario) returns. */
export type RunResult = { ok: true; trace: Trace } | { ok: false; errors?: unknown; trace?: Trace };

/** Anything that turns scenario text into a run result. */
export type ScenarioRunner = (text: string) => RunResult;

function formatRunErrors(r: RunResult): string {
	if (r.ok) return '';
	const errs = r.errors;
	if (Array.isArray(errs))
		return errs
			.map((e) => (typeof e === 'string' ? e : typeof e === 'object' && e && 'message' in e ? `${'line' in e ? `line ${String((e as { line: unknown }).line)}: ` : ''}${String((e as { message: unknown }).message)}` : JSON.stringify(e)))
			.join('; ');
	return String(errs ?? 'unknown error');
}

/**
 * Fill in `answer`, `derived` and `paused` of every simulation question by running its scenario.
 * Choice items get `answer = [matching option id]`; typed items `answer = [derived, ...accept]`.
 * Scenarios are run once per distinct text. Mutates the questions; returns errors in the bank
 * format `file: question id: reason` (file = the question's lesson bank name given by `fileOf`).
 */
export function resolveSimulationQuestions(
	questions: SimulationQuestion[],
	run: ScenarioRunner,
	fileOf: (q: SimulationQuestion) => string = (q) => q.lesson
): BankError[] {
	const errors: BankError[] = [];
	const cache = new Map<string, RunResult | Error>();
	for (const q of questions) {
		const where = `${fileOf(q)}: ${q.id}`;
		let r = cache.get(q.scenario);
		if (!r) {
			try {
				r = run(q.scenario);
			} catch (e) {
				r = e instanceof Error ? e : new Error(String(e));
			}
			cache.set(q.scenario, r);
		}
		if (r instanceof Error) {
			errors.push(`${where}: scenario ${q.scenarioName} threw: ${r.message}`);
			continue;
		}
		if (!r.ok || !r.trace) {
			errors.push(`${where}: scenario ${q.scenarioName} failed: ${formatRunErrors(r)}`);
			continue;
		}
		const d = deriveAnswer(r.trace, q.ask);
		if (!d.ok) {
			errors.push(`${where}: cannot derive the answer: ${d.reason}`);
			continue;
		}
		q.derived = d.value;
		q.paused = pausedPackets(r.trace, d.pauseAt);
		if (q.options) {
			const hits = q.options.filter((o) => optionMatches(o.value, d.value));
			if (hits.length !== 1) {
				errors.push(
					`${where}: the simulation gives "${d.value}", which matches ${hits.length === 0 ? 'no option' : `${hits.length} options (${hits.map((h) => h.text).join(' | ')})`}`
				);
				continue;
			}
			q.answer = [hits[0].id];
		} else {
			// Typed: the derived value first (shown as "the answer"), then the bank's other spellings.
			const extra = (q.accept ?? []).filter((a) => normaliseAnswer(a) !== normaliseAnswer(d.value));
			q.answer = [d.value, ...extra];
		}
	}
	return errors;
}

/** The `window` ask kind (see the module note). */
function deriveWindow(trace: Trace, ask: Extract<SimAsk, { kind: 'window' }>): Derivation {
	const ev = trace.events;
	const wins: { e: WindowEvent; i: number }[] = [];
	ev.forEach((e, i) => {
		if (e.kind === 'window' && e.socket === ask.socket) wins.push({ e, i });
	});
	if (wins.length === 0) return { ok: false, reason: `socket "${ask.socket}" has no window events in the trace` };
	const value = (e: WindowEvent): number | null => {
		switch (ask.field) {
			case 'snd-wnd':
				return e.sndWnd;
			case 'in-flight':
				return e.inFlight;
			case 'cwnd':
				return e.cwnd;
			case 'ssthresh':
				return e.ssthresh;
			case 'allowed':
				return e.cwnd === null ? e.sndWnd : Math.min(e.cwnd, e.sndWnd);
		}
	};
	if (ask.at === 'max' || ask.at === 'last') {
		const vals = wins.map((w) => value(w.e)).filter((v): v is number => v !== null);
		if (vals.length === 0) return { ok: false, reason: `socket "${ask.socket}" never has a ${ask.field} (no congestion control modelled?)` };
		return { ok: true, value: String(ask.at === 'max' ? Math.max(...vals) : vals[vals.length - 1]), pauseAt: ev.length };
	}
	const host = wins[0].e.host;
	const r = ev.findIndex((e) => e.kind === 'segment' && e.from === host && e.retransmission === true);
	if (r < 0) return { ok: false, reason: `${host} never retransmits, so there is no window after a loss` };
	const hit = wins.find((w) => w.i >= r);
	if (hit === undefined) return { ok: false, reason: `socket "${ask.socket}" has no window event after the first retransmission` };
	const v = value(hit.e);
	if (v === null) return { ok: false, reason: `socket "${ask.socket}" has no ${ask.field} after the loss (no congestion control modelled?)` };
	return { ok: true, value: String(v), pauseAt: hit.i };
}
