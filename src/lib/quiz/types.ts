/**
 * Quiz question model: the shapes a validated bank (content/lessons/**\/quiz.yaml) turns into.
 *
 * A bank is a YAML file next to its lesson. {@link validateBank} (bank.ts) checks it and
 * produces these types; simulation questions are completed by `resolveSimulationQuestions`
 * (simulation.ts), which runs the scenario and derives the answer from the trace.
 *
 * @module
 */

/** The six question types. */
export type QuestionType = 'single' | 'multi' | 'short' | 'ordering' | 'matching' | 'simulation';

export const QUESTION_TYPES: readonly QuestionType[] = [
	'single',
	'multi',
	'short',
	'ordering',
	'matching',
	'simulation'
];

/**
 * Exam objective references: CompTIA Network+ N10-009 objective ids ("1.4") and CCNA 200-301 topic
 * ids ("1.5"). Both lists are empty exactly when the question is course-only (`exam: false`).
 */
export interface ObjectiveRefs {
	netplus: string[];
	ccna: string[];
}

/** One choice. `id` is stable within the question ("a", "b", …) and is what a response stores. */
export interface Choice {
	id: string;
	text: string;
}

interface QuestionBase {
	/** Unique across all banks, e.g. "hs-03". */
	id: string;
	type: QuestionType;
	/** The lesson slug the question belongs to (the folder name without its NN- prefix). */
	lesson: string;
	prompt: string;
	objectives: ObjectiveRefs;
	/**
	 * False (`exam: false` in the bank): course-only, such as kernel internals or per-OS defaults
	 * that neither exam tests; it appears in its lesson quiz only and names no objective (so it
	 * belongs to no exam domain and no objective's mastery score). True or absent: the question
	 * tests the objectives it names and may be drawn into a practice exam; test with
	 * `q.exam !== false`. {@link validateBank} always sets it.
	 */
	exam?: boolean;
	explanation: string;
	/** Where the topic is taught: `/lessons/<slug>#<heading-id>`. */
	link: string;
}

export interface SingleQuestion extends QuestionBase {
	type: 'single';
	options: Choice[];
	/** id of the correct choice */
	answer: string;
}

export interface MultiQuestion extends QuestionBase {
	type: 'multi';
	options: Choice[];
	/** ids of all correct choices (at least one) */
	answer: string[];
}

export interface ShortQuestion extends QuestionBase {
	type: 'short';
	/** Accepted answers (the first is the one shown as "the answer"); compared after {@link normaliseAnswer}. */
	answer: string[];
}

export interface OrderingQuestion extends QuestionBase {
	type: 'ordering';
	/** Items in the correct order. */
	items: Choice[];
}

export interface MatchingQuestion extends QuestionBase {
	type: 'matching';
	/** Left-hand prompts (e.g. ports), each with the id of its right-hand match. */
	pairs: { id: string; left: string; right: string }[];
	/** Right-hand choices: every pair's `right` plus any distractors. */
	choices: Choice[];
}

/**
 * What a simulation question asks about the trace. `after` counts events already shown
 * (see simulation.ts for the exact definition of each kind).
 */
export type SimAsk =
	| { kind: 'next-state'; socket: string; after: number }
	| { kind: 'final-state'; socket: string }
	| { kind: 'segment-field'; segment: number; field: 'seq' | 'ack' | 'flags' | 'src-port' | 'dst-port' | 'len' }
	| { kind: 'datagram-field'; datagram: number; field: 'src-port' | 'dst-port' | 'len' }
	| { kind: 'local-port'; socket: string }
	| { kind: 'time-wait' }
	| { kind: 'first-dropped'; field: 'flags' | 'src-port' | 'dst-port' | 'proto' | 'reason' }
	| { kind: 'error'; socket: string }
	| { kind: 'icmp'; index: number }
	| { kind: 'window'; socket: string; field: WindowField; at: WindowMoment };

/** A quantity of a socket's `window` trace events (bytes); `allowed` = min(cwnd, SND.WND). */
export type WindowField = 'snd-wnd' | 'in-flight' | 'cwnd' | 'ssthresh' | 'allowed';
/**
 * Which of the socket's `window` events: `max` = the largest value over the run, `last` = the
 * final one, `after-loss` = the first one at or after the socket's host first retransmits.
 */
export type WindowMoment = 'max' | 'last' | 'after-loss';

/** One packet line of the "paused" view shown with a simulation question. */
export interface PausedPacket {
	t: number;
	from: string;
	to: string | null;
	text: string;
	dropped?: string;
}

export interface SimulationQuestion extends QuestionBase {
	type: 'simulation';
	/** Scenario text (inline in the bank or loaded from a `.scn` file the bank names). */
	scenario: string;
	/** The name given in the bank (`handshake.scn`) or "inline". */
	scenarioName: string;
	ask: SimAsk;
	/** When present the question is answered by choosing; otherwise by typing. */
	options?: (Choice & { value: string })[];
	/**
	 * Typed items only (no `options`): other spellings accepted besides the derived value, e.g.
	 * `["Connection refused"]` for ECONNREFUSED. Compared after normalisation, like a short answer's
	 * `accept`. The bank cannot list the derived value itself, which comes from the scenario.
	 */
	accept?: string[];
	/**
	 * Filled by resolveSimulationQuestions. Choice items: `[id of the matching option]`. Typed items:
	 * `[derived value, ...accept]`, so the first entry is the one shown as "the answer".
	 */
	answer?: string[];
	/** Filled by resolveSimulationQuestions: the trace up to the pause, as text lines. */
	paused?: PausedPacket[];
	/**
	 * Set on a lesson page's copy (paused.ts trimPaused) when `paused` holds only the first and
	 * last packets of a long list: how many packets the whole list has. The whole list is at
	 * `/quiz/paused/<id>.json`.
	 */
	pausedTotal?: number;
	/** Filled by resolveSimulationQuestions: the value the simulation produced, for display. */
	derived?: string;
}

export type Question =
	| SingleQuestion
	| MultiQuestion
	| ShortQuestion
	| OrderingQuestion
	| MatchingQuestion
	| SimulationQuestion;

/**
 * A learner's response. single/short/simulation: a string (choice id or typed text);
 * multi and ordering: choice ids; matching: pair id → choice id.
 */
export type Response = string | string[] | Record<string, string> | null;

/** A validation problem, formatted `file: question id: reason`. */
export type BankError = string;
