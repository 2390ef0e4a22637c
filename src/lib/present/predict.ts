/**
 * Predict-then-reveal: the state machine behind presentation mode's "what does the server
 * send next?" pauses.
 *
 * With prediction on, stepping forward onto a moment at which a packet leaves a host first
 * stops in a *pending* state: the playhead is at that moment, but what is sent (the packet's
 * label, the header inspector, the narration) stays hidden behind a prompt card. The next
 * forward step *reveals* it without moving the playhead; the one after moves on. Stepping
 * back from a pending moment leaves it unrevealed and goes to the step before.
 *
 * Pure functions over plain data, so the rules are tested without a DOM (predict.test.ts).
 *
 * @module
 */
import type { PacketEvent, Trace } from '$lib/sim/trace';
import { isPacket } from '$lib/viz/timeline';

/** Where the presenter is: a timeline step, and whether its packets are still hidden. */
export interface PredictState {
	/** Player step (index into the trace's moments). */
	step: number;
	/** True while the packets sent at `step` are hidden behind the prompt. */
	pending: boolean;
}

/** What the machine needs to know about one trace. */
export interface PredictModel {
	/** `sends[i]` is true when at least one packet leaves a host or router at moment `i`. */
	sends: readonly boolean[];
	/** Whether predict-then-reveal is switched on. */
	enabled: boolean;
}

/** Packets put on the wire at exactly virtual time `t` (ms), in trace order. */
export function packetsSentAt(trace: Trace, t: number): PacketEvent[] {
	return trace.events.filter((e): e is PacketEvent => isPacket(e) && e.t === t);
}

/** For each moment (ms, ascending), does a packet leave at that moment? */
export function sendMoments(trace: Trace, moments: readonly number[]): boolean[] {
	const sent = new Set<number>();
	for (const e of trace.events) if (isPacket(e)) sent.add(e.t);
	return moments.map((t) => sent.has(t));
}

const last = (m: PredictModel) => Math.max(0, m.sends.length - 1);
const clamp = (m: PredictModel, step: number) => Math.max(0, Math.min(last(m), step));
/** Arriving at `step` by moving forward: hide its packets when prediction is on and something is sent. */
const arrive = (m: PredictModel, step: number): PredictState => ({ step, pending: m.enabled && m.sends[step] === true });

/** Forward key (→, Space, PageDown): reveal a pending moment, else move one step on. */
export function forward(s: PredictState, m: PredictModel): PredictState {
	if (s.pending) return { step: s.step, pending: false };
	if (s.step >= last(m)) return { step: last(m), pending: false };
	return arrive(m, clamp(m, s.step + 1));
}

/** Back key (←, PageUp): one step back, never pending (the moment before has been seen). */
export function back(s: PredictState, m: PredictModel): PredictState {
	return { step: clamp(m, s.step - 1), pending: false };
}

/** Home: back to the first moment, which is pending if something is sent there. */
export function restart(m: PredictModel): PredictState {
	return arrive(m, 0);
}

/**
 * The player moved on its own (Play, the slider). While playing forward with prediction on,
 * landing on a sending moment makes it pending (the caller then pauses); any other jump shows
 * the moment as it is.
 */
export function follow(s: PredictState, step: number, m: PredictModel, playing: boolean): PredictState {
	if (step === s.step) return s;
	if (playing && step > s.step) return arrive(m, clamp(m, step));
	return { step: clamp(m, step), pending: false };
}

/** Prediction switched on or off: switching off reveals a pending moment. */
export function setEnabled(s: PredictState, enabled: boolean): PredictState {
	return enabled ? s : { step: s.step, pending: false };
}

/**
 * The prompt's question for the packets about to be revealed, naming the senders:
 * "What does server send next?", "What do client and server send next?".
 */
export function question(packets: readonly PacketEvent[]): string {
	const senders = [...new Set(packets.map((p) => p.from))];
	if (senders.length === 0) return 'What happens next?';
	if (senders.length === 1) return `What does ${senders[0]} send next?`;
	const list = `${senders.slice(0, -1).join(', ')} and ${senders[senders.length - 1]}`;
	return `What do ${list} send next?`;
}

/**
 * Is predict-then-reveal offered for a figure? Only where it hides something: the figure has a
 * ladder (whose arrows and labels it hides; a port map or socket table alone has nothing to
 * hide) and at least one moment at which a packet is sent.
 */
export function offered(views: readonly string[], sends: readonly boolean[]): boolean {
	return views.includes('ladder') && sends.some(Boolean);
}

/** Is anything sent after step `step` (so switching prediction on would still ask a question)? */
export function sendsAfter(sends: readonly boolean[], step: number): boolean {
	for (let i = step + 1; i < sends.length; i++) if (sends[i]) return true;
	return false;
}
