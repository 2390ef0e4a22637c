/**
 * Inferring both ends' TCP states from the segments of one captured connection.
 *
 * A capture shows the segments, not the sockets. {@link TcpInference} replays each segment
 * through the RFC 9293 state machine twice: once as the sender's evidence (a host sending a
 * SYN is in SYN-SENT; one sending a FIN has called close()) and once as the receiver's input
 * (§3.10.7 SEGMENT ARRIVES: a SYN,ACK moves SYN-SENT to ESTABLISHED, the ACK of a FIN moves
 * FIN-WAIT-1 to FIN-WAIT-2...). The receiver's own ACKs tell its RCV.NXT; the sender's sequence
 * numbers tell its SND.NXT. The capture point is taken to be near both ends (a packet is seen
 * as it is sent and as it arrives), which is how Wireshark reads a capture too.
 *
 * A capture that starts mid-connection gives no SYN: both ends are then taken to be
 * ESTABLISHED from their first segment (an event from ESTABLISHED to ESTABLISHED whose cause
 * says so), and window checks are skipped because the window scale (RFC 7323 §2) was agreed in
 * SYNs the capture does not have.
 *
 * Alongside the states it reports {@link Anomaly | anomalies}, each with an explanation in the
 * course's terms: retransmissions and out-of-order segments (classified from the sender's
 * sequence space, like Wireshark's `tcp.analysis` flags), a RST and who sent it, a SYN never
 * answered, a half-open connection (RFC 9293 §3.5.1), a zero window, a segment outside the
 * receive window (§3.10.7.4), and who closed first and therefore holds TIME-WAIT.
 *
 * Pure: no engine import, no I/O; the sink receives events as they are inferred, so it runs
 * streaming over a 1 GB capture as well as over one stored conversation.
 *
 * @module
 */
import type { TcpState } from '../sim/trace';
import { TH_ACK, TH_FIN, TH_RST, TH_SYN } from './decode';

/** 0 = endpoint A (the source of the conversation's first packet), 1 = endpoint B. */
export type Side = 0 | 1;

/** The kinds of anomaly reported. */
export type AnomalyKind =
	| 'retransmission'
	| 'spurious-retransmission'
	| 'fast-retransmission'
	| 'out-of-order'
	| 'not-captured'
	| 'ack-unseen'
	| 'dup-ack'
	| 'keep-alive'
	| 'rst'
	| 'syn-unanswered'
	| 'half-open'
	| 'zero-window'
	| 'zero-window-probe'
	| 'out-of-window'
	| 'close'
	| 'mid-connection'
	| 'duplicate-capture';

/** How much an anomaly matters: a note, something to look at, a failure. */
export type Severity = 'info' | 'warning' | 'error';

/** One anomaly, tied to the segment that shows it. */
export interface Anomaly {
	kind: AnomalyKind;
	severity: Severity;
	/** Frame (packet number in the file) of the segment. */
	frame: number;
	/** Index of the segment within the conversation (0-based). */
	index: number;
	/** ms, as passed in. */
	t: number;
	/** The endpoint the anomaly is about (usually the sender of the segment), or null. */
	side: Side | null;
	/** One or two sentences for people. */
	message: string;
}

/** An inferred state change of one endpoint. */
export interface InferredState {
	t: number;
	frame: number;
	side: Side;
	from: TcpState;
	to: TcpState;
	/** In RFC words, e.g. `rcv SYN,ACK: snd ACK`; says when it is inferred rather than seen. */
	cause: string;
}

/** One captured segment, as the inference reads it. */
export interface SegmentInput {
	side: Side;
	/** ms (any origin; only differences are used). */
	t: number;
	frame: number;
	seq: number;
	ack: number;
	/** TH_* bits. */
	flags: number;
	/** Raw 16-bit window field. */
	window: number;
	/** Payload bytes. */
	len: number;
	/** Window scale option on a SYN (-1 when absent). */
	wscale: number;
}

/** What the inference learnt about one segment (for the ladder's labels). */
export interface SegmentVerdict {
	retransmission: boolean;
	outOfOrder: boolean;
	/** The window in bytes, scaled when the scale is known (the raw field otherwise). */
	windowBytes: number;
	/** A zero-window probe. */
	probe?: boolean;
}

/** Receives what {@link TcpInference} infers, in segment order. */
export interface InferenceSink {
	state(e: InferredState): void;
	anomaly(a: Anomaly): void;
}

// Sequence-number comparisons modulo 2^32 (RFC 9293 §3.4).
const lt = (a: number, b: number) => ((a - b) | 0) < 0;
const leq = (a: number, b: number) => ((a - b) | 0) <= 0;
const gt = (a: number, b: number) => ((a - b) | 0) > 0;
const geq = (a: number, b: number) => ((a - b) | 0) >= 0;
const add = (a: number, b: number) => (a + b) >>> 0;

const SYNCHRONIZED: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT']);

/** Gaps kept per direction (data after them was seen, they were not). */
const MAX_HOLES = 64;
/** Recent segments kept per direction to name the original of a retransmission. */
const RECENT = 16;

/** What is known of one endpoint: an RFC 9293 TCB as far as the capture reveals it. */
interface Endpoint {
	/** null until the capture shows this end's state. */
	state: TcpState | null;
	/** ISS, when its SYN was seen. */
	iss: number | null;
	/** Highest sequence number sent + 1 (SND.NXT as seen), when known. */
	sndNxt: number | null;
	/** Highest acknowledgement received from the peer (SND.UNA). */
	sndUna: number | null;
	/** Sequence number of this end's FIN, once sent. */
	finSeq: number | null;
	finAcked: boolean;
	/** The peer's FIN has been processed by this end. */
	peerFinDone: boolean;
	/**
	 * The peer's FIN as the capture saw it, waiting for this end's next segment to show whether
	 * it had arrived (its ACK covers the FIN) or not yet (the FINs crossed: a simultaneous close).
	 */
	pendingPeerFin: { frame: number; t: number } | null;
	/** The latest SYN this end sent (frame and time), for the peer's SYN-RECEIVED. */
	lastSyn: { frame: number; t: number } | null;
	/** Last ACK this end sent (its RCV.NXT) and the window it advertised with it (bytes). */
	lastAck: number | null;
	lastWnd: number;
	/** Window scale option from this end's SYN (-1: none). */
	wsOption: number;
	synFrame: number | null;
	synT: number;
	synIndex: number;
	synCount: number;
	synAckFrame: number | null;
	/** Ranges of this end's sequence space never seen (data after them was). */
	holes: Array<[number, number]>;
	/**
	 * Ring of the last {@link RECENT} segments sent (seq, end, frame, t for each), allocated on
	 * first use; `recentCount` of them are filled, the next goes at `recentHead`.
	 */
	recent: Float64Array | null;
	recentHead: number;
	recentCount: number;
	zeroWindow: boolean;
	/** Duplicate ACKs in a row from this end (same ack, no data) and the ack they repeat. */
	dupAcks: number;
	dupAckValue: number | null;
	/** Segments this end sent since it last heard from the peer, and how many were retransmissions. */
	unansweredRetrans: number;
	lastFrame: number;
	lastIndex: number;
	lastT: number;
	/** Any segment from this end seen. */
	seen: boolean;
	rstFrame: number | null;
}

function endpoint(): Endpoint {
	return {
		state: null,
		iss: null,
		sndNxt: null,
		sndUna: null,
		finSeq: null,
		finAcked: false,
		peerFinDone: false,
		pendingPeerFin: null,
		lastSyn: null,
		lastAck: null,
		lastWnd: 0,
		wsOption: -1,
		synFrame: null,
		synT: 0,
		synIndex: 0,
		synCount: 0,
		synAckFrame: null,
		holes: [],
		recent: null,
		recentHead: 0,
		recentCount: 0,
		zeroWindow: false,
		dupAcks: 0,
		dupAckValue: null,
		unansweredRetrans: 0,
		lastFrame: 0,
		lastIndex: 0,
		lastT: 0,
		seen: false,
		rstFrame: null
	};
}

/** Format milliseconds for messages: "0.2 ms", "203 ms", "3.0 s". */
function ms(dt: number): string {
	if (dt < 1) return `${Math.round(dt * 1000) / 1000} ms`;
	if (dt < 1000) return `${Math.round(dt * 10) / 10} ms`;
	return `${(dt / 1000).toFixed(1)} s`;
}

/**
 * Infers both ends' states and the anomalies of one TCP connection, one segment at a time.
 *
 * ```ts
 * const inf = new TcpInference(['10.0.0.1:43210', '10.0.0.2:80'], sink);
 * for (const s of segments) inf.segment(s);
 * inf.finish(); // end of capture: unanswered SYNs, who holds TIME-WAIT
 * ```
 */
export class TcpInference {
	/** The capture began after the connection was set up (its first segment is not a SYN). */
	midConnection = false;
	/** Window scale known (both SYNs seen), so windows can be checked. */
	scaleKnown = false;
	/** Segments processed. */
	count = 0;
	/** The side that sent the first FIN (the active closer), or null. */
	firstCloser: Side | null = null;
	firstFinFrame = 0;
	firstFinT = 0;
	#firstFinIndex = 0;
	readonly #ep: [Endpoint, Endpoint] = [endpoint(), endpoint()];
	readonly #names: readonly [string, string];
	readonly #sink: InferenceSink;
	#halfOpenReported = false;
	#lastT = 0;
	/** Sender of the previous segment (a RST answering it may come from a host with no connection). */
	#prevSide: Side | null = null;
	/** Returned by {@link segment}, reused: read it before the next call. */
	readonly #verdict: SegmentVerdict = { retransmission: false, outOfOrder: false, windowBytes: 0, probe: false };

	/**
	 * @param names - how messages name endpoints A and B, e.g. `['10.0.0.1:43210', '10.0.0.2:80']`.
	 * @param sink - receives inferred states and anomalies.
	 */
	constructor(names: readonly [string, string], sink: InferenceSink) {
		this.#names = names;
		this.#sink = sink;
	}

	/** The inferred current state of endpoint `side` (null when the capture has not shown it). */
	stateOf(side: Side): TcpState | null {
		return this.#ep[side].state;
	}

	/**
	 * True when a new SYN from `side` would start a new connection on the same 4-tuple (the old
	 * one is over on both ends), so the caller can count it as a new conversation, as
	 * Wireshark starts a new `tcp.stream`.
	 */
	isOverFor(syn: SegmentInput): boolean {
		const x = this.#ep[syn.side];
		const y = this.#ep[1 - syn.side];
		const over = (s: TcpState | null) => s === null || s === 'CLOSED' || s === 'TIME-WAIT';
		if (!(syn.flags & TH_SYN) || syn.flags & TH_ACK) return false;
		if (x.iss !== null && syn.seq === x.iss) return false; // a retransmitted SYN
		return this.count > 0 && over(x.state) && over(y.state) && (x.state !== null || y.state !== null);
	}

	#name(side: Side): string {
		return this.#names[side];
	}

	#move(side: Side, s: { frame: number; t: number }, to: TcpState, cause: string, from?: TcpState) {
		const ep = this.#ep[side];
		const f = from ?? ep.state ?? 'CLOSED';
		ep.state = to;
		this.#sink.state({ t: s.t, frame: s.frame, side, from: f, to, cause });
	}

	#anomaly(kind: AnomalyKind, severity: Severity, s: { frame: number; t: number }, side: Side | null, message: string, index = this.count - 1) {
		this.#sink.anomaly({ kind, severity, frame: s.frame, index, t: s.t, side, message });
	}

	/** Window advertised by `side` in bytes: scaled by its shift when both SYNs agreed on scaling. */
	#windowBytes(side: Side, raw: number, syn: boolean): number {
		if (syn || !this.scaleKnown) return raw;
		const a = this.#ep[0].wsOption;
		const b = this.#ep[1].wsOption;
		if (a < 0 || b < 0) return raw; // RFC 7323 §2.2: scaling only when both sent the option.
		return raw * 2 ** this.#ep[side].wsOption;
	}

	/**
	 * Process the next captured segment. The segment object is not kept (it may be reused).
	 * @returns how the segment was classified (for labels and the ladder); the same object is
	 *   reused by the next call.
	 */
	segment(s: SegmentInput): SegmentVerdict {
		this.count++;
		this.#lastT = s.t;
		const prevSide = this.#prevSide;
		this.#prevSide = s.side;
		const X = s.side;
		const Y: Side = X === 0 ? 1 : 0;
		const x = this.#ep[X];
		const y = this.#ep[Y];
		const syn = (s.flags & TH_SYN) !== 0;
		const fin = (s.flags & TH_FIN) !== 0;
		const rst = (s.flags & TH_RST) !== 0;
		const ackf = (s.flags & TH_ACK) !== 0;
		const segLen = s.len + (syn ? 1 : 0) + (fin ? 1 : 0);
		const verdict = this.#verdict;
		verdict.retransmission = false;
		verdict.outOfOrder = false;
		verdict.windowBytes = s.window;
		verdict.probe = false;

		// A conversation whose first segment is not a SYN started before the capture did.
		if (this.count === 1 && !syn && !rst) {
			this.midConnection = true;
			this.#move(X, s, 'ESTABLISHED', 'already ESTABLISHED when the capture starts (inferred: its first segment is not a SYN)', 'ESTABLISHED');
			this.#move(Y, s, 'ESTABLISHED', 'already ESTABLISHED when the capture starts (inferred from the peer\'s segment)', 'ESTABLISHED');
			this.#anomaly(
				'mid-connection',
				'info',
				s,
				null,
				'The capture starts in the middle of this connection: its handshake was not captured, so both ends are shown as ESTABLISHED from here, and the window scale (agreed in the SYNs) is unknown, so windows are not checked.'
			);
		}
		// Did X have Y's FIN when it sent this? Its ACK says (RFC 9293 §3.10.7.4, eighth step). If
		// not, the FIN reaches X after this segment left (the FINs crossed): it stays pending.
		if (x.pendingPeerFin) {
			const at = x.pendingPeerFin;
			if (ackf && y.finSeq !== null && geq(s.ack, add(y.finSeq, 1))) this.#peerFin(X, at, false);
			else x.pendingPeerFin = { frame: s.frame, t: s.t };
		}
		// Segments from X reach Y in the order X sent them: a FIN of X still pending at Y arrived
		// before this later segment does.
		if (y.pendingPeerFin && x.finSeq !== null && !(fin && x.finSeq === add(s.seq, s.len))) this.#peerFin(Y, s, false);
		x.seen = true;
		x.lastFrame = s.frame;
		x.lastIndex = this.count - 1;
		x.lastT = s.t;
		// Hearing from X answers Y's retransmissions.
		y.unansweredRetrans = 0;

		if (syn) {
			if (x.wsOption < 0 && s.wscale >= 0) x.wsOption = s.wscale;
		}

		// --- The sender's sequence space: new data, a gap, a retransmission, out of order.
		if (segLen > 0 && !rst) this.#sequence(X, s, segLen, verdict);
		if (verdict.retransmission) x.unansweredRetrans++;

		if (rst) {
			this.#rst(X, s, prevSide === Y);
			return verdict;
		}

		// --- SYN and SYN,ACK: opening.
		if (syn && !ackf) this.#syn(X, s);
		else if (syn && ackf) this.#synAck(X, s);
		else if (x.state === null) {
			// A segment without SYN from an end the capture has not placed yet.
			if (y.state === 'SYN-RECEIVED' || y.state === 'SYN-SENT') {
				this.#move(X, s, 'ESTABLISHED', 'ESTABLISHED (inferred: its handshake segments were not all captured)', 'SYN-SENT');
			} else {
				this.#move(X, s, 'ESTABLISHED', 'already ESTABLISHED when first seen (inferred)', 'ESTABLISHED');
			}
		}

		// A segment (not a SYN) sent to an end that has closed: the sender's side is half-open.
		if (!syn && y.state === 'CLOSED' && x.state !== null && SYNCHRONIZED.has(x.state) && !this.#halfOpenReported && (segLen > 0 || y.rstFrame !== null)) {
			this.#halfOpenReported = true;
			this.#anomaly(
				'half-open',
				'warning',
				s,
				X,
				`${this.#name(X)} still sends on this connection, but ${this.#name(Y)} has already closed it${y.rstFrame !== null ? ` (its RST in frame ${y.rstFrame})` : ''}: the connection is half-open (RFC 9293 §3.5.1). ${this.#name(Y)} answers anything more with RST.`
			);
		}

		// --- The ACK field: what Y learns (its SND.UNA), and what X reveals (its RCV.NXT).
		if (ackf) this.#ackField(X, s, segLen);

		// --- Window: zero windows, and data beyond the window the receiver offered.
		verdict.windowBytes = this.#windowBytes(X, s.window, syn);
		if (!syn) {
			if (s.window === 0 && !x.zeroWindow) {
				x.zeroWindow = true;
				this.#anomaly(
					'zero-window',
					'warning',
					s,
					X,
					`${this.#name(X)} advertises a zero window: its receive buffer is full because its application is not reading. ${this.#name(Y)} must stop sending and send zero-window probes until the window opens (RFC 9293 §3.8.6.1).`
				);
			} else if (s.window > 0) x.zeroWindow = false;
		}
		if (s.len > 0 && !syn && !verdict.probe) this.#windowCheck(X, s);
		if (ackf) {
			x.lastAck = s.ack;
			x.lastWnd = verdict.windowBytes;
		}

		// --- FIN: X closes; Y receives it.
		if (fin) this.#fin(X, s);
		// Y's FIN was taken in once X acknowledges it, even if the FIN segment was not captured.
		if (ackf && y.finSeq !== null && !x.peerFinDone && geq(s.ack, add(y.finSeq, 1))) this.#peerFin(X, s, true);
		return verdict;
	}

	/** Keep a sent segment in the endpoint's ring of recent segments. */
	#remember(x: Endpoint, seq: number, end: number, frame: number, t: number) {
		const r = (x.recent ??= new Float64Array(RECENT * 4));
		const o = x.recentHead * 4;
		r[o] = seq;
		r[o + 1] = end;
		r[o + 2] = frame;
		r[o + 3] = t;
		x.recentHead = (x.recentHead + 1) % RECENT;
		if (x.recentCount < RECENT) x.recentCount++;
	}

	/** Classify a segment in its sender's sequence space (Wireshark's tcp.analysis flags, RFC 9293 terms). */
	#sequence(X: Side, s: SegmentInput, segLen: number, verdict: SegmentVerdict) {
		const x = this.#ep[X];
		const y = this.#ep[X === 0 ? 1 : 0];
		const end = add(s.seq, segLen);
		const syn = (s.flags & TH_SYN) !== 0;
		if (x.sndNxt === null || (syn && x.iss === null)) {
			x.sndNxt = end;
			this.#remember(x, s.seq, end, s.frame, s.t);
			return;
		}
		if (geq(s.seq, x.sndNxt)) {
			// A zero-window probe: one byte into a closed window; it does not advance SND.NXT, since
			// the receiver drops it until the window opens (RFC 9293 §3.8.6.1).
			if (s.len === 1 && !syn && !(s.flags & TH_FIN) && y.lastAck !== null && y.lastWnd === 0 && s.seq === y.lastAck) {
				verdict.probe = true;
				this.#anomaly(
					'zero-window-probe',
					'info',
					s,
					X,
					`A zero-window probe: ${this.#name(X)} sends one byte into ${this.#name(X === 0 ? 1 : 0)}'s closed window to learn when it opens again (RFC 9293 §3.8.6.1).`
				);
				this.#remember(x, s.seq, end, s.frame, s.t);
				return;
			}
			if (gt(s.seq, x.sndNxt)) {
				const missing = (s.seq - x.sndNxt) >>> 0;
				if (x.holes.length < MAX_HOLES) x.holes.push([x.sndNxt, s.seq]);
				this.#anomaly(
					'not-captured',
					'warning',
					s,
					X,
					`${missing} bytes that ${this.#name(X)} sent before this segment are missing here: lost before the capture point, dropped by the capture, or still to come out of order (Wireshark: "previous segment not captured").`
				);
			}
			x.sndNxt = end;
			this.#remember(x, s.seq, end, s.frame, s.t);
			return;
		}
		// Below SND.NXT: old data again.
		if (s.len <= 1 && !syn && !(s.flags & TH_FIN) && s.seq === ((x.sndNxt - 1) >>> 0)) {
			this.#anomaly(
				'keep-alive',
				'info',
				s,
				X,
				`A keep-alive from ${this.#name(X)}: one byte (or none) below SND.NXT, sent after a quiet period to check that ${this.#name(X === 0 ? 1 : 0)} is still there (RFC 9293 §3.8.4).`
			);
			return;
		}
		const hole = x.holes.findIndex(([a, b]) => lt(s.seq, b) && gt(end, a));
		if (hole >= 0) {
			const [a, b] = x.holes[hole];
			x.holes.splice(hole, 1);
			if (lt(a, s.seq)) x.holes.push([a, s.seq]);
			if (lt(end, b)) x.holes.push([end, b]);
			verdict.outOfOrder = true;
			this.#anomaly(
				'out-of-order',
				'warning',
				s,
				X,
				`These bytes of ${this.#name(X)} come after data that follows them. Either the network reordered them, or this is the resend of a segment lost before the capture point. The receiver keeps the later data and ACKs only up to the gap until it is filled (RFC 9293 §3.10.7.4).`
			);
			if (gt(end, x.sndNxt)) x.sndNxt = end;
			this.#remember(x, s.seq, end, s.frame, s.t);
			return;
		}
		verdict.retransmission = true;
		if (syn && !(s.flags & TH_ACK) && x.state === 'ESTABLISHED' && x.iss === s.seq) {
			// A SYN,ACK was seen but did not reach X: explained in #syn.
			this.#remember(x, s.seq, end, s.frame, s.t);
			return;
		}
		let original: { frame: number; t: number } | undefined;
		for (let i = 0; i < x.recentCount && x.recent; i++) {
			const o = i * 4;
			const [rs, re, rf, rt] = [x.recent[o], x.recent[o + 1], x.recent[o + 2], x.recent[o + 3]];
			if (lt(rs, end) && gt(re, s.seq) && (!original || rf < original.frame)) original = { frame: rf, t: rt };
		}
		const since = original ? ` (first sent in frame ${original.frame}, ${ms(s.t - original.t)} earlier)` : '';
		const acked = y.lastAck !== null && leq(end, y.lastAck);
		const what = syn ? (s.flags & TH_ACK ? 'its SYN,ACK' : 'its SYN') : s.flags & TH_FIN && s.len === 0 ? 'its FIN' : `${s.len} bytes`;
		if (acked) {
			this.#anomaly(
				'spurious-retransmission',
				'warning',
				s,
				X,
				`${this.#name(X)} resends ${what}${since}, but ${this.#name(X === 0 ? 1 : 0)} had already acknowledged them. The retransmission timer fired too early, or the ACK was slow.`
			);
		} else if (y.dupAcks >= 2 && y.dupAckValue === s.seq) {
			this.#anomaly(
				'fast-retransmission',
				'warning',
				s,
				X,
				`${this.#name(X)} resends ${what}${since} after ${y.dupAcks} duplicate ACKs, without waiting for its retransmission timer (RFC 5681 §3.2). A segment was lost.`
			);
		} else {
			this.#anomaly(
				'retransmission',
				'warning',
				s,
				X,
				`${this.#name(X)} sends ${what} again${since}. No acknowledgement came back in time, so its retransmission timer fired (RFC 6298): the earlier copy or its ACK was lost.`
			);
		}
		if (gt(end, x.sndNxt)) x.sndNxt = end;
		this.#remember(x, s.seq, end, s.frame, s.t);
	}

	/** A SYN (no ACK) from X: an active open, or a new SYN on a connection Y still has. */
	#syn(X: Side, s: SegmentInput) {
		const Y: Side = X === 0 ? 1 : 0;
		const x = this.#ep[X];
		const y = this.#ep[Y];
		x.synCount++;
		if (x.synFrame === null) {
			x.synFrame = s.frame;
			x.synT = s.t;
			x.synIndex = this.count - 1;
		}
		x.lastSyn = { frame: s.frame, t: s.t };
		if (x.state === null || x.state === 'CLOSED' || x.state === 'TIME-WAIT') {
			x.iss = s.seq;
			this.#move(X, s, 'SYN-SENT', 'OPEN / connect(): snd SYN', x.state ?? 'CLOSED');
		} else if (x.state === 'SYN-SENT' || x.state === 'SYN-RECEIVED') {
			// A retransmitted SYN: classified in #sequence.
		} else if (x.state === 'ESTABLISHED' && x.iss === s.seq && x.finSeq === null) {
			// The same SYN again after a SYN,ACK was seen: that SYN,ACK never reached X (lost or
			// filtered between the capture point and X), so X was still in SYN-SENT.
			this.#anomaly(
				'retransmission',
				'warning',
				s,
				X,
				`${this.#name(X)} sends its SYN again although the capture saw ${this.#name(Y)}'s SYN,ACK: the SYN,ACK never reached ${this.#name(X)} (lost, or dropped by a firewall between the capture point and ${this.#name(X)}), so ${this.#name(X)} is still in SYN-SENT and its connect() keeps waiting.`
			);
			this.#move(X, s, 'SYN-SENT', 'snd SYN again: the SYN,ACK did not reach it (correction)');
		} else if (SYNCHRONIZED.has(x.state)) {
			this.#anomaly(
				'half-open',
				'warning',
				s,
				Y,
				`${this.#name(X)} sends a new SYN on a connection ${this.#name(Y)} still holds as ${y.state}: ${this.#name(X)} has lost its side (it restarted or aborted silently), so ${this.#name(Y)}'s side is half-open (RFC 9293 §3.5.1). ${this.#name(Y)} answers with a challenge ACK (RFC 5961 §4) and the stale connection is reset.`
			);
			x.iss = s.seq;
			x.sndNxt = add(s.seq, 1);
			this.#move(X, s, 'SYN-SENT', 'new SYN: this end no longer has the old connection');
		}
		if (y.state === 'SYN-SENT') {
			// Simultaneous open (RFC 9293 Figure 7).
			this.#move(Y, s, 'SYN-RECEIVED', 'rcv SYN: snd SYN,ACK (simultaneous open)');
		}
	}

	/** A SYN,ACK from X: X was listening (or opened simultaneously); Y's SYN is answered. */
	#synAck(X: Side, s: SegmentInput) {
		const Y: Side = X === 0 ? 1 : 0;
		const x = this.#ep[X];
		const y = this.#ep[Y];
		if (x.synAckFrame === null) x.synAckFrame = s.frame;
		// Both SYNs seen: the window scale each end uses is known (RFC 7323 §2.2).
		if (y.synFrame !== null) this.scaleKnown = true;
		if (x.state === null || x.state === 'LISTEN' || x.state === 'CLOSED') {
			x.iss = s.seq;
			const cause = y.synFrame === null ? 'rcv SYN: snd SYN,ACK (the SYN was not captured)' : 'rcv SYN: snd SYN,ACK';
			// X took the SYN in when it arrived: the change belongs at the SYN (its SYN,ACK shows it).
			this.#move(X, y.lastSyn && x.state !== 'CLOSED' ? y.lastSyn : s, 'SYN-RECEIVED', cause, 'LISTEN');
		} else if (x.state === 'SYN-SENT') {
			x.iss ??= s.seq;
			this.#move(X, s, 'SYN-RECEIVED', 'rcv SYN: snd SYN,ACK (simultaneous open)');
		}
		// Y receives the SYN,ACK.
		if (y.state === null) {
			this.#move(Y, s, 'ESTABLISHED', 'rcv SYN,ACK: snd ACK (its SYN was not captured)', 'SYN-SENT');
			y.sndUna = s.ack;
		} else if (y.state === 'SYN-SENT') {
			if (y.iss !== null && s.ack !== add(y.iss, 1)) {
				this.#anomaly(
					'out-of-window',
					'error',
					s,
					X,
					`This SYN,ACK acknowledges ${s.ack}, but ${this.#name(Y)}'s SYN had sequence number ${y.iss}: the ACK is not acceptable (SEG.ACK must be ISS+1), so ${this.#name(Y)} answers with RST and stays in SYN-SENT (RFC 9293 §3.10.7.3).`
				);
				return;
			}
			y.sndUna = s.ack;
			this.#move(Y, s, 'ESTABLISHED', 'rcv SYN,ACK: snd ACK');
		} else if (y.state === 'SYN-RECEIVED') {
			this.#move(Y, s, 'ESTABLISHED', 'rcv SYN,ACK (simultaneous open): snd ACK');
		}
	}

	/** What the ACK field of a segment from X tells: Y's SND.UNA moves, Y's SYN or FIN is acknowledged. */
	#ackField(X: Side, s: SegmentInput, segLen: number) {
		const Y: Side = X === 0 ? 1 : 0;
		const x = this.#ep[X];
		const y = this.#ep[Y];
		const a = s.ack;
		if (y.sndNxt !== null && gt(a, y.sndNxt) && y.seen) {
			this.#anomaly(
				'ack-unseen',
				'warning',
				s,
				Y,
				`${this.#name(X)} acknowledges up to ${a}, beyond anything ${this.#name(Y)} was seen sending (${y.sndNxt}): some of ${this.#name(Y)}'s segments are missing from the capture (Wireshark: "ACKed segment that wasn't captured").`
			);
			y.sndNxt = a;
		}
		if (y.sndUna === null || gt(a, y.sndUna)) y.sndUna = a;
		// Duplicate ACKs: the same ACK again, no data, while the peer has data outstanding.
		const pure = segLen === 0 && !(s.flags & TH_SYN);
		if (pure && x.lastAck === a && y.sndNxt !== null && gt(y.sndNxt, a) && !x.zeroWindow) {
			x.dupAcks++;
			x.dupAckValue = a;
			if (x.dupAcks <= 3) {
				this.#anomaly(
					'dup-ack',
					'info',
					s,
					X,
					`Duplicate ACK #${x.dupAcks} from ${this.#name(X)}: it still expects ${a}, so a segment of ${this.#name(Y)} is missing at its end${x.dupAcks === 3 ? '. Three duplicates make the sender retransmit at once (fast retransmit, RFC 5681 §3.2)' : ''}.`
				);
			}
		} else if (x.lastAck !== a) {
			x.dupAcks = 0;
			x.dupAckValue = null;
		}
		// Handshake completes at Y.
		if (y.state === 'SYN-RECEIVED' && y.iss !== null && geq(a, add(y.iss, 1))) {
			this.#move(Y, s, 'ESTABLISHED', 'rcv ACK of SYN');
		}
		// Y's FIN acknowledged.
		if (y.finSeq !== null && !y.finAcked && geq(a, add(y.finSeq, 1))) {
			y.finAcked = true;
			const fin = (s.flags & TH_FIN) !== 0;
			// A FIN in this same segment takes FIN-WAIT-1 straight to TIME-WAIT (in #peerFin).
			if (y.state === 'FIN-WAIT-1' && !(fin && !y.peerFinDone)) this.#move(Y, s, 'FIN-WAIT-2', 'rcv ACK of FIN');
			else if (y.state === 'CLOSING') this.#move(Y, s, 'TIME-WAIT', 'rcv ACK of FIN');
			else if (y.state === 'LAST-ACK') this.#move(Y, s, 'CLOSED', 'rcv ACK of FIN: delete TCB');
		}
	}

	/** Data from X checked against the window Y last advertised (RFC 9293 §3.10.7.4 acceptability). */
	#windowCheck(X: Side, s: SegmentInput) {
		const Y: Side = X === 0 ? 1 : 0;
		const y = this.#ep[Y];
		if (!this.scaleKnown || y.lastAck === null) return;
		const left = y.lastAck;
		const right = add(left, y.lastWnd);
		const end = add(s.seq, s.len);
		if (y.lastWnd === 0) {
			if (geq(s.seq, left)) {
				this.#anomaly(
					'out-of-window',
					'warning',
					s,
					X,
					`${this.#name(X)} sends ${s.len} bytes although ${this.#name(Y)}'s window is zero: a segment outside the receive window. ${this.#name(Y)} does not accept the data and answers with an ACK (RFC 9293 §3.10.7.4).`
				);
			}
			return;
		}
		if (gt(end, right) && geq(s.seq, left)) {
			this.#anomaly(
				'out-of-window',
				'warning',
				s,
				X,
				`${this.#name(X)}'s bytes ${s.seq}–${end} go past the right edge of the window ${this.#name(Y)} offered (ACK ${left} + window ${y.lastWnd} = ${right}). ${this.#name(Y)} keeps only what fits and ACKs (RFC 9293 §3.10.7.4).`
			);
		}
	}

	/** X sends a FIN: X closes (active close first, passive close second); Y receives it. */
	#fin(X: Side, s: SegmentInput) {
		const x = this.#ep[X];
		const Y: Side = X === 0 ? 1 : 0;
		const y = this.#ep[Y];
		const finSeq = add(s.seq, s.len);
		if (x.finSeq === null) {
			x.finSeq = finSeq;
			if (this.firstCloser === null && !x.peerFinDone && y.finSeq === null) {
				this.firstCloser = X;
				this.firstFinFrame = s.frame;
				this.firstFinT = s.t;
				this.#firstFinIndex = this.count - 1;
			}
			if (x.state === 'ESTABLISHED' || x.state === 'SYN-RECEIVED') this.#move(X, s, 'FIN-WAIT-1', 'CLOSE / close(): snd FIN');
			else if (x.state === 'CLOSE-WAIT') this.#move(X, s, 'LAST-ACK', 'CLOSE / close(): snd FIN');
		}
		// Y takes in the FIN when everything before it has arrived (no gap in X's data); whether it
		// had, Y's next segment tells (its ACK), so the change is placed at the FIN once known.
		if (!y.peerFinDone && x.holes.length === 0 && finSeq === x.finSeq) y.pendingPeerFin = { frame: s.frame, t: s.t };
	}

	/** Endpoint `R` processes its peer's FIN (RFC 9293 §3.10.7.4, eighth step), at the FIN's frame and time. */
	#peerFin(R: Side, s: { frame: number; t: number }, late: boolean) {
		const r = this.#ep[R];
		r.pendingPeerFin = null;
		const note = late ? ' (the FIN is acknowledged only now)' : '';
		r.peerFinDone = true;
		switch (r.state) {
			case 'ESTABLISHED':
			case 'SYN-RECEIVED':
				this.#move(R, s, 'CLOSE-WAIT', `rcv FIN: snd ACK${note}`);
				break;
			case 'FIN-WAIT-1':
				if (r.finAcked) this.#move(R, s, 'TIME-WAIT', `rcv FIN,ACK: snd ACK${note}`);
				else this.#move(R, s, 'CLOSING', `rcv FIN: snd ACK (simultaneous close)${note}`);
				break;
			case 'FIN-WAIT-2':
				this.#move(R, s, 'TIME-WAIT', `rcv FIN: snd ACK${note}`);
				break;
			default:
				break;
		}
	}

	/** X sends a RST: who sent it and why, and what it does to Y (RFC 9293 §3.10.7). */
	#rst(X: Side, s: SegmentInput, answersPeer: boolean) {
		const Y: Side = X === 0 ? 1 : 0;
		const x = this.#ep[X];
		const y = this.#ep[Y];
		x.rstFrame = s.frame;
		const nx = this.#name(X);
		const ny = this.#name(Y);
		const port = nx.slice(nx.lastIndexOf(':') + 1);
		if (y.state === 'SYN-SENT') {
			const acceptable = !(s.flags & TH_ACK) || y.iss === null || s.ack === add(y.iss, 1);
			if (!acceptable) {
				this.#anomaly('rst', 'warning', s, X, `${nx} sends a RST whose ACK (${s.ack}) does not match ${ny}'s SYN: ${ny} ignores it (RFC 9293 §3.10.7.3).`);
				return;
			}
			this.#anomaly(
				'rst',
				'error',
				s,
				X,
				`${nx} answers ${ny}'s SYN with RST: the connection is refused because nothing listens on port ${port} there (RFC 9293 §3.10.7.1). ${ny}'s connect() fails with ECONNREFUSED. (A firewall that rejects instead of dropping sends the same RST.)`
			);
			this.#move(Y, s, 'CLOSED', 'rcv RST: connection refused (ECONNREFUSED)');
			return;
		}
		if (x.state === null && y.state === null) {
			this.#anomaly('rst', 'warning', s, X, `${nx} sends a RST on a connection the capture has not shown being opened: it has no connection for this 4-tuple (RFC 9293 §3.10.7.1).`);
			x.state = 'CLOSED';
			return;
		}
		if (y.state !== null && y.state !== 'CLOSED' && y.state !== 'LISTEN') {
			// Is the RST in Y's window? (RFC 9293 §3.10.7.4; RFC 5961 §3 narrows it to exactly RCV.NXT.)
			const rcvNxt = y.lastAck;
			if (this.scaleKnown && rcvNxt !== null && y.state !== 'SYN-RECEIVED') {
				const inWindow = geq(s.seq, rcvNxt) && lt(s.seq, add(rcvNxt, Math.max(1, y.lastWnd)));
				if (!inWindow) {
					this.#anomaly(
						'out-of-window',
						'warning',
						s,
						X,
						`A RST from ${nx} with sequence number ${s.seq}, outside ${ny}'s window (RCV.NXT ${rcvNxt}): ${ny} ignores it, which protects connections from forged resets (RFC 9293 §3.10.7.4, RFC 5961 §3).`
					);
					return;
				}
			}
			const matches = x.sndNxt === null || s.seq === x.sndNxt || (x.finSeq !== null && s.seq === add(x.finSeq, 1));
			// A host with no connection answers a segment carrying an ACK with <SEQ=SEG.ACK><CTL=RST>,
			// ACK bit off (RFC 9293 §3.10.7.1); an abort from a live connection comes from SND.NXT, and
			// Linux sets ACK on it (tcp_send_active_reset).
			const noConnection = !(s.flags & TH_ACK) && answersPeer && y.lastAck !== null && s.seq === y.lastAck;
			if (x.state === 'CLOSED' || x.state === 'TIME-WAIT' || !matches || noConnection) {
				const why =
					x.state === 'CLOSED' || x.state === 'TIME-WAIT'
						? `${nx} had already closed this connection`
						: noConnection
							? `${nx} answers with a RST whose sequence number is the ACK it was sent and whose ACK bit is off: the reply of a host with no connection for this 4-tuple (RFC 9293 §3.10.7.1), so ${nx} restarted or dropped the connection without telling ${ny}`
							: `its sequence number (${s.seq}) is not where ${nx}'s data had got to (${x.sndNxt}), so it comes from a host with no connection for this 4-tuple: ${nx} restarted or forgot it`;
				this.#anomaly(
					'half-open',
					'warning',
					s,
					X,
					`${ny} still holds the connection (${y.state}), but ${why}. The RST tells ${ny}, whose next call fails with ECONNRESET (RFC 9293 §3.5.1).`
				);
				this.#halfOpenReported = true;
			}
			const aborted = x.state !== null && x.state !== 'CLOSED' && x.state !== 'TIME-WAIT' && !noConnection;
			this.#anomaly(
				'rst',
				'error',
				s,
				X,
				aborted
					? `${nx} resets the connection: its application aborted it (close() with unread data, SO_LINGER set to 0, or a crash), so ${nx} sends RST instead of FIN. ${ny} drops the connection at once, no TIME-WAIT on either side, and its next call fails with ECONNRESET.`
					: `${nx} sends RST: it has no connection for this 4-tuple. ${ny} drops the connection, and its next call fails with ECONNRESET.`
			);
			if (aborted) this.#move(X, s, 'CLOSED', 'ABORT: snd RST');
			else if (noConnection && x.state !== null && x.state !== 'CLOSED') this.#move(X, s, 'CLOSED', 'no connection for this 4-tuple: snd RST (its earlier state was only inferred)');
			else x.state = 'CLOSED';
			if (y.state === 'SYN-RECEIVED') this.#move(Y, s, 'LISTEN', 'rcv RST: back to LISTEN (passive open)');
			else if (y.state === 'TIME-WAIT') this.#move(Y, s, 'CLOSED', 'rcv RST in TIME-WAIT: delete TCB (Linux, Windows; FreeBSD ignores it, RFC 1337)');
			else this.#move(Y, s, 'CLOSED', 'rcv RST: connection reset (ECONNRESET)');
			return;
		}
		// Y has closed or never existed: the RST answers nothing it holds.
		if (x.state !== null && x.state !== 'CLOSED') {
			this.#anomaly('rst', 'error', s, X, `${nx} aborts the connection with RST (${ny} had already closed its side).`);
			this.#move(X, s, 'CLOSED', 'ABORT: snd RST');
		} else {
			this.#anomaly('rst', 'warning', s, X, `${nx} sends RST: it has no connection for this 4-tuple (RFC 9293 §3.10.7.1).`);
			x.state = 'CLOSED';
		}
	}

	/**
	 * The capture has ended: report SYNs never answered, an end retransmitting into silence,
	 * and who closed first (and so holds TIME-WAIT).
	 */
	finish(): void {
		// A FIN the other end never answered before the capture ended: taken as received.
		for (const R of [0, 1] as const) {
			const p = this.#ep[R].pendingPeerFin;
			if (p) this.#peerFin(R, p, false);
		}
		for (const X of [0, 1] as const) {
			const Y: Side = X === 0 ? 1 : 0;
			const x = this.#ep[X];
			const y = this.#ep[Y];
			if (x.synFrame !== null && x.state === 'SYN-SENT' && y.synAckFrame === null && y.rstFrame === null) {
				const span = this.#lastT - x.synT;
				this.#anomaly(
					'syn-unanswered',
					'error',
					{ frame: x.synFrame, t: x.synT },
					X,
					`${this.#name(X)}'s SYN to ${this.#name(Y)} was never answered (sent ${x.synCount} time${x.synCount === 1 ? '' : 's'}${x.synCount > 1 ? ` over ${ms(span)}` : ''}): no SYN,ACK and no RST. A firewall is silently dropping it, or the host is down or unreachable; a closed port would have answered RST. connect() keeps retrying with backoff and fails with ETIMEDOUT.`,
					x.synIndex
				);
			} else if (x.unansweredRetrans >= 3 && x.state !== null && SYNCHRONIZED.has(x.state) && !this.#halfOpenReported) {
				this.#anomaly(
					'half-open',
					'warning',
					{ frame: x.lastFrame, t: x.lastT },
					X,
					`${this.#name(X)} retransmitted ${x.unansweredRetrans} times at the end of the capture and ${this.#name(Y)} never answered: ${this.#name(Y)} is gone (crashed, unplugged, or a middlebox forgot the flow) while ${this.#name(X)} still holds the connection, i.e. it is half-open (RFC 9293 §3.5.1). ${this.#name(X)} gives up after its retries with ETIMEDOUT.`,
					x.lastIndex
				);
			}
		}
		if (this.firstCloser !== null) {
			const X = this.firstCloser;
			const Y: Side = X === 0 ? 1 : 0;
			const sx = this.#ep[X].state;
			const sy = this.#ep[Y].state;
			const nx = this.#name(X);
			const ny = this.#name(Y);
			let msg: string;
			if (sx === 'TIME-WAIT' && sy === 'TIME-WAIT') {
				msg = `Simultaneous close: both ends sent FIN before receiving the other's (each FIN's ACK field does not cover the other FIN), so both end in TIME-WAIT for 2×MSL (RFC 9293 Figure 13).`;
			} else if (sx === 'TIME-WAIT' || (sx === 'FIN-WAIT-2' && this.#ep[X].peerFinDone)) {
				msg = `${nx} closed first (active close, its FIN in frame ${this.firstFinFrame}), so ${nx} holds TIME-WAIT for 2×MSL (60 s on Linux, 120 s on Windows) and keeps its port for that long; ${ny} closed passively (CLOSE-WAIT, LAST-ACK) and is done at once${sy === 'CLOSED' ? '' : ` (the capture ends with it in ${sy ?? 'an unknown state'})`}.`;
			} else if (sx === 'CLOSED' && this.#ep[X].rstFrame !== null) {
				msg = `${nx} started closing (FIN in frame ${this.firstFinFrame}) but the connection ended with a RST, so neither end holds TIME-WAIT.`;
			} else if (sx === 'FIN-WAIT-2' && sy === 'CLOSE-WAIT') {
				msg = `${nx} closed first (FIN in frame ${this.firstFinFrame}) and waits in FIN-WAIT-2; ${ny} received the FIN but has not closed (CLOSE-WAIT) by the end of the capture. If its application never calls close(), the socket stays in CLOSE-WAIT: a leak the kernel will not clean up. ${nx} will hold TIME-WAIT once ${ny}'s FIN arrives.`;
			} else {
				msg = `${nx} closed first (active close, its FIN in frame ${this.firstFinFrame}); the active closer is the end that holds TIME-WAIT once both FINs are acknowledged. At the end of the capture ${nx} is in ${sx ?? 'an unknown state'} and ${ny} in ${sy ?? 'an unknown state'}.`;
			}
			this.#anomaly('close', 'info', { frame: this.firstFinFrame, t: this.firstFinT }, X, msg, this.#firstFinIndex);
		}
	}
}
