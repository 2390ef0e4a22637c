/**
 * Question-bank parsing and validation (pure: no DOM, no Vite APIs).
 *
 * A bank is a YAML file `content/lessons/NN-part/NN-slug/quiz.yaml`:
 *
 * ```yaml
 * lesson: tcp-handshake              # must equal the folder slug
 * questions:
 *   - id: hs-01                      # unique across all banks
 *     type: single                   # single | multi | short | ordering | matching | simulation
 *     prompt: Which segment opens a connection?
 *     options: [SYN, ACK, FIN]       # single/multi; answer is the option text (multi: a list)
 *     answer: SYN
 *     objectives: { netplus: ["1.4"], ccna: ["1.5"] }   # quoted ids; at least one list non-empty
 *     explanation: ...
 *     link: /lessons/tcp-handshake#the-three-way-handshake
 * ```
 *
 * Per type: `short` has `answer` (string or number) and optional `accept: [...]` alternatives;
 * `ordering` has `items` listed in the correct order (shown shuffled); `matching` has
 * `pairs: [{ left, right }]` and optional `distractors`; `simulation` has `scenario`
 * (inline text with newlines, or a `name.scn` file), `ask` (see simulation.ts) and either
 * `options` (strings, or `{ text, value }` where `value` is compared with the derived answer) or,
 * when it is answered by typing, optional `accept: [...]` spellings besides the derived value.
 *
 * Every question may say `exam: false`: course-only (kernel internals, per-OS defaults that
 * neither exam tests). Such a question stays in its lesson quiz, is never drawn into a practice
 * exam, and must not name objectives (`objectives` omitted or `{}`). Every other question names at
 * least one objective that it really tests.
 *
 * This module checks one bank's structure. The checks that look at the whole item set (heading
 * anchors, test-taking cues, answer-length balance) are in catalog-core.ts and cues.ts.
 *
 * Errors are strings `file: question id: reason` (or `file: reason` for file-level problems).
 *
 * @module
 */
import { parse as parseYaml } from 'yaml';
import type {
	BankError,
	Choice,
	ObjectiveRefs,
	Question,
	SimAsk,
	SimulationQuestion
} from './types';
import { QUESTION_TYPES } from './types';
import { normaliseAnswer } from './normalise';

/** Optional cross-checks for {@link validateBank}. */
export interface ValidateOptions {
	/** Known objective ids; when given, unknown ids are errors. */
	objectives?: { netplus: ReadonlySet<string>; ccna: ReadonlySet<string> };
	/** Known lesson slugs; when given, `lesson` and link slugs must be among them. */
	lessons?: ReadonlySet<string>;
	/** Scenario files by base name (`handshake.scn` → text) for `scenario: name.scn`. */
	scenarios?: Readonly<Record<string, string>>;
}

/** Result of {@link validateBank}: the questions that passed and every error found. */
export interface BankResult {
	file: string;
	lesson: string | null;
	questions: Question[];
	errors: BankError[];
}

/**
 * The lesson slug implied by a bank's path: the folder holding `quiz.yaml`, without its `NN-`
 * prefix. Returns null when the path does not end in `<folder>/quiz.yaml`.
 */
export function slugFromBankPath(fileName: string): string | null {
	const m = /([^/\\]+)[/\\]quiz\.ya?ml$/.exec(fileName);
	if (!m) return null;
	return m[1].replace(/^\d+-/, '');
}

const ID_RE = /^[a-z0-9][a-z0-9-]*$/;
const OBJECTIVE_RE = /^[1-6]\.\d{1,2}$/;
const LINK_RE = /^\/lessons\/([a-z0-9-]+)#([a-z0-9][a-z0-9-]*)$/;
const SOCKET_RE = /^[A-Za-z0-9_.#-]+$/;

const KNOWN_KEYS: Record<string, readonly string[]> = {
	common: ['id', 'type', 'prompt', 'objectives', 'exam', 'explanation', 'link', 'lesson'],
	single: ['options', 'answer'],
	multi: ['options', 'answer'],
	short: ['answer', 'accept'],
	ordering: ['items'],
	matching: ['pairs', 'distractors'],
	simulation: ['scenario', 'ask', 'options', 'accept']
};

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): v is string {
	return typeof v === 'string' && v.trim() !== '';
}

function letterIds(n: number): string[] {
	return Array.from({ length: n }, (_, i) => (i < 26 ? String.fromCharCode(97 + i) : `o${i}`));
}

/**
 * Parse and validate one bank.
 *
 * @param fileName - path used in error messages and to derive the expected lesson slug.
 * @param text - the YAML source.
 * @param opts - optional cross-checks (objective ids, lesson slugs, scenario files).
 * @returns the valid questions and all errors (never throws, even on malformed YAML).
 */
export function validateBank(fileName: string, text: string, opts: ValidateOptions = {}): BankResult {
	const errors: BankError[] = [];
	const result: BankResult = { file: fileName, lesson: null, questions: [], errors };
	let doc: unknown;
	try {
		doc = parseYaml(text, { prettyErrors: true });
	} catch (e) {
		const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
		errors.push(`${fileName}: YAML syntax error: ${msg}`);
		return result;
	}
	if (!isRecord(doc)) {
		errors.push(`${fileName}: expected a mapping with "lesson" and "questions"`);
		return result;
	}
	const expectedSlug = slugFromBankPath(fileName);
	const lesson = doc.lesson;
	if (!nonEmptyString(lesson)) {
		errors.push(`${fileName}: missing "lesson" (the lesson slug)`);
		return result;
	}
	if (expectedSlug !== null && lesson !== expectedSlug) {
		errors.push(`${fileName}: lesson "${lesson}" does not match its folder slug "${expectedSlug}"`);
	}
	if (opts.lessons && !opts.lessons.has(lesson)) {
		errors.push(`${fileName}: lesson "${lesson}" is not a known lesson slug`);
	}
	result.lesson = lesson;
	if (!Array.isArray(doc.questions) || doc.questions.length === 0) {
		errors.push(`${fileName}: "questions" must be a non-empty list`);
		return result;
	}
	const seen = new Set<string>();
	doc.questions.forEach((raw: unknown, index: number) => {
		const label = isRecord(raw) && nonEmptyString(raw.id) ? raw.id : `#${index + 1}`;
		const errs: string[] = [];
		const q = validateQuestion(raw, lesson, opts, errs);
		if (q && seen.has(q.id)) errs.push(`duplicate id "${q.id}"`);
		for (const e of errs) errors.push(`${fileName}: ${label}: ${e}`);
		if (q && errs.length === 0) {
			seen.add(q.id);
			result.questions.push(q);
		}
	});
	return result;
}

function validateObjectives(v: unknown, courseOnly: boolean, opts: ValidateOptions, errs: string[]): ObjectiveRefs {
	const out: ObjectiveRefs = { netplus: [], ccna: [] };
	if (courseOnly && v === undefined) return out;
	if (!isRecord(v)) {
		errs.push('"objectives" must be a mapping like { netplus: ["1.4"], ccna: ["1.5"] }');
		return out;
	}
	for (const key of Object.keys(v)) {
		if (key !== 'netplus' && key !== 'ccna') errs.push(`objectives: unknown key "${key}" (use netplus, ccna)`);
	}
	for (const key of ['netplus', 'ccna'] as const) {
		const list = v[key];
		if (list === undefined) continue;
		if (!Array.isArray(list)) {
			errs.push(`objectives.${key} must be a list`);
			continue;
		}
		for (const id of list) {
			if (typeof id !== 'string') {
				errs.push(`objectives.${key}: ${String(id)} must be a quoted string (YAML reads 1.10 as the number 1.1)`);
			} else if (!OBJECTIVE_RE.test(id)) {
				errs.push(`objectives.${key}: "${id}" is not an objective id like "1.4"`);
			} else if (opts.objectives && !opts.objectives[key].has(id)) {
				errs.push(`objectives.${key}: "${id}" is not in content/exam/objectives.yaml`);
			} else out[key].push(id);
		}
	}
	const named = out.netplus.length + out.ccna.length;
	if (courseOnly && named > 0) {
		errs.push('a course-only question (exam: false) names no exam objective: drop "objectives" or make it an exam question');
	} else if (!courseOnly && named === 0 && errs.length === 0) {
		errs.push('objectives: give at least one Network+ or CCNA objective id (or mark the question exam: false)');
	}
	return out;
}

function stringList(v: unknown, field: string, errs: string[], min: number): string[] | null {
	if (!Array.isArray(v)) {
		errs.push(`"${field}" must be a list`);
		return null;
	}
	const out: string[] = [];
	for (const item of v) {
		if (typeof item === 'number') out.push(String(item));
		else if (nonEmptyString(item)) out.push(item);
		else {
			errs.push(`"${field}" entries must be non-empty text`);
			return null;
		}
	}
	if (out.length < min) {
		errs.push(`"${field}" needs at least ${min} entries`);
		return null;
	}
	const dup = out.find((s, i) => out.indexOf(s) !== i);
	if (dup !== undefined) {
		errs.push(`"${field}" lists "${dup}" twice`);
		return null;
	}
	return out;
}

function toChoices(texts: string[]): Choice[] {
	const ids = letterIds(texts.length);
	return texts.map((text, i) => ({ id: ids[i], text }));
}

function validateAsk(v: unknown, errs: string[]): SimAsk | null {
	if (!isRecord(v) || !nonEmptyString(v.kind)) {
		errs.push('"ask" must be a mapping with a "kind"');
		return null;
	}
	const socket = (): string | null => {
		if (!nonEmptyString(v.socket) || !SOCKET_RE.test(v.socket)) {
			errs.push(`ask.socket must name a socket id (e.g. c1, web.1) for kind ${String(v.kind)}`);
			return null;
		}
		return v.socket;
	};
	const posInt = (name: string, min: number): number | null => {
		const n = v[name];
		if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
			errs.push(`ask.${name} must be an integer ≥ ${min}`);
			return null;
		}
		return n;
	};
	switch (v.kind) {
		case 'next-state': {
			const s = socket();
			const after = posInt('after', 0);
			return s !== null && after !== null ? { kind: 'next-state', socket: s, after } : null;
		}
		case 'final-state':
		case 'local-port':
		case 'error': {
			const s = socket();
			return s !== null ? { kind: v.kind, socket: s } : null;
		}
		case 'segment-field': {
			const segment = posInt('segment', 1);
			const fields = ['seq', 'ack', 'flags', 'src-port', 'dst-port', 'len'] as const;
			const field = fields.find((f) => f === v.field);
			if (!field) errs.push(`ask.field must be one of ${fields.join(', ')}`);
			return segment !== null && field ? { kind: 'segment-field', segment, field } : null;
		}
		case 'datagram-field': {
			const datagram = posInt('datagram', 1);
			const fields = ['src-port', 'dst-port', 'len'] as const;
			const field = fields.find((f) => f === v.field);
			if (!field) errs.push(`ask.field must be one of ${fields.join(', ')}`);
			return datagram !== null && field ? { kind: 'datagram-field', datagram, field } : null;
		}
		case 'time-wait':
			return { kind: 'time-wait' };
		case 'first-dropped': {
			const fields = ['flags', 'src-port', 'dst-port', 'proto', 'reason'] as const;
			const field = fields.find((f) => f === v.field);
			if (!field) errs.push(`ask.field must be one of ${fields.join(', ')}`);
			return field ? { kind: 'first-dropped', field } : null;
		}
		case 'icmp': {
			const index = posInt('index', 1);
			return index !== null ? { kind: 'icmp', index } : null;
		}
		case 'window': {
			const s = socket();
			const fields = ['snd-wnd', 'in-flight', 'cwnd', 'ssthresh', 'allowed'] as const;
			const moments = ['max', 'last', 'after-loss'] as const;
			const field = fields.find((f) => f === v.field);
			const at = moments.find((m) => m === v.at);
			if (!field) errs.push(`ask.field must be one of ${fields.join(', ')}`);
			if (!at) errs.push(`ask.at must be one of ${moments.join(', ')}`);
			return s !== null && field && at ? { kind: 'window', socket: s, field, at } : null;
		}
		default:
			errs.push(
				`ask.kind "${String(v.kind)}" is unknown (next-state, final-state, segment-field, datagram-field, local-port, time-wait, first-dropped, error, icmp, window)`
			);
			return null;
	}
}

function validateQuestion(
	raw: unknown,
	fileLesson: string,
	opts: ValidateOptions,
	errs: string[]
): Question | null {
	if (!isRecord(raw)) {
		errs.push('a question must be a mapping');
		return null;
	}
	const id = raw.id;
	if (!nonEmptyString(id) || !ID_RE.test(id)) {
		errs.push('"id" must be lower-case letters, digits and hyphens');
	}
	const type = raw.type;
	if (typeof type !== 'string' || !(QUESTION_TYPES as readonly string[]).includes(type)) {
		errs.push(`"type" must be one of ${QUESTION_TYPES.join(', ')}`);
		return null;
	}
	const allowed = new Set([...KNOWN_KEYS.common, ...KNOWN_KEYS[type]]);
	for (const key of Object.keys(raw)) {
		if (!allowed.has(key)) errs.push(`unknown field "${key}" for a ${type} question`);
	}
	if (!nonEmptyString(raw.prompt)) errs.push('"prompt" is required');
	if (!nonEmptyString(raw.explanation)) errs.push('"explanation" is required');
	const lesson = raw.lesson === undefined ? fileLesson : raw.lesson;
	if (lesson !== fileLesson) errs.push(`lesson "${String(lesson)}" differs from the bank's lesson "${fileLesson}"`);
	if (raw.exam !== undefined && typeof raw.exam !== 'boolean') errs.push('"exam" must be true or false');
	const exam = raw.exam !== false;
	const objectives = validateObjectives(raw.objectives, !exam, opts, errs);
	let link = '';
	if (!nonEmptyString(raw.link)) errs.push('"link" is required (/lessons/<slug>#<heading-id>)');
	else {
		const m = LINK_RE.exec(raw.link);
		if (!m) errs.push(`link "${raw.link}" must look like /lessons/<slug>#<heading-id>`);
		else if (opts.lessons && !opts.lessons.has(m[1])) errs.push(`link "${raw.link}" names an unknown lesson`);
		link = raw.link;
	}
	const base = {
		id: String(id),
		lesson: fileLesson,
		prompt: String(raw.prompt ?? '').trim(),
		objectives,
		exam,
		explanation: String(raw.explanation ?? '').trim(),
		link
	};
	switch (type) {
		case 'single':
		case 'multi': {
			const texts = stringList(raw.options, 'options', errs, 2);
			if (!texts) return null;
			const options = toChoices(texts);
			const answers = type === 'single' ? [raw.answer] : raw.answer;
			if (!Array.isArray(answers) || answers.length === 0) {
				errs.push(type === 'single' ? '"answer" is required' : '"answer" must be a non-empty list of option texts');
				return null;
			}
			const ids: string[] = [];
			for (const a of answers) {
				const opt = options.find((o) => o.text === String(a));
				if (!opt) errs.push(`answer "${String(a)}" is not one of the options`);
				else if (ids.includes(opt.id)) errs.push(`answer "${String(a)}" is listed twice`);
				else ids.push(opt.id);
			}
			if (type === 'single') return { ...base, type, options, answer: ids[0] ?? '' };
			return { ...base, type, options, answer: ids };
		}
		case 'short': {
			const a = raw.answer;
			const list: string[] = [];
			if (typeof a === 'number' || nonEmptyString(a)) list.push(String(a));
			else if (Array.isArray(a)) list.push(...a.map(String));
			else errs.push('"answer" is required (text or number)');
			if (raw.accept !== undefined) {
				const acc = stringList(raw.accept, 'accept', errs, 1);
				if (acc) list.push(...acc);
			}
			if (list.some((s) => normaliseAnswer(s) === '')) errs.push('an accepted answer is empty after normalisation');
			return { ...base, type, answer: list };
		}
		case 'ordering': {
			const texts = stringList(raw.items, 'items', errs, 3);
			if (!texts) return null;
			return { ...base, type, items: toChoices(texts) };
		}
		case 'matching': {
			if (!Array.isArray(raw.pairs) || raw.pairs.length < 2) {
				errs.push('"pairs" must list at least 2 { left, right } entries');
				return null;
			}
			const pairs: { id: string; left: string; right: string }[] = [];
			raw.pairs.forEach((p: unknown, i: number) => {
				if (!isRecord(p) || p.left === undefined || p.right === undefined || String(p.left).trim() === '' || String(p.right).trim() === '') {
					errs.push(`pairs[${i + 1}] needs "left" and "right"`);
					return;
				}
				pairs.push({ id: `p${i + 1}`, left: String(p.left), right: String(p.right) });
			});
			const lefts = pairs.map((p) => p.left);
			const dupLeft = lefts.find((l, i) => lefts.indexOf(l) !== i);
			if (dupLeft !== undefined) errs.push(`pairs: left "${dupLeft}" appears twice`);
			const rights = [...new Set(pairs.map((p) => p.right))];
			if (raw.distractors !== undefined) {
				const d = stringList(raw.distractors, 'distractors', errs, 1);
				for (const x of d ?? []) {
					if (rights.includes(x)) errs.push(`distractor "${x}" is also a correct match`);
					else rights.push(x);
				}
			}
			const choices = toChoices(rights);
			return {
				...base,
				type,
				pairs: pairs.map((p) => ({ ...p, right: choices.find((c) => c.text === p.right)!.id })),
				choices
			};
		}
		case 'simulation': {
			let scenario = '';
			let scenarioName = 'inline';
			if (!nonEmptyString(raw.scenario)) errs.push('"scenario" is required (inline text or a name.scn file)');
			else if (/\n/.test(raw.scenario)) scenario = raw.scenario;
			else if (/^[\w.-]+\.scn$/.test(raw.scenario.trim())) {
				scenarioName = raw.scenario.trim();
				const text = opts.scenarios?.[scenarioName];
				if (opts.scenarios && text === undefined) errs.push(`scenario file "${scenarioName}" not found`);
				scenario = text ?? '';
			} else errs.push(`scenario "${raw.scenario}" is neither inline text nor a name.scn file`);
			const ask = validateAsk(raw.ask, errs);
			let options: SimulationQuestion['options'];
			if (raw.options !== undefined) {
				if (!Array.isArray(raw.options) || raw.options.length < 2) {
					errs.push('"options" must list at least 2 entries');
				} else {
					const ids = letterIds(raw.options.length);
					options = [];
					raw.options.forEach((o: unknown, i: number) => {
						if (typeof o === 'string' || typeof o === 'number') options!.push({ id: ids[i], text: String(o), value: String(o) });
						else if (isRecord(o) && nonEmptyString(o.text) && (typeof o.value === 'string' || typeof o.value === 'number'))
							options!.push({ id: ids[i], text: o.text, value: String(o.value) });
						else errs.push(`options[${i + 1}] must be text or { text, value }`);
					});
				}
			}
			let accept: string[] | undefined;
			if (raw.accept !== undefined) {
				if (raw.options !== undefined) errs.push('"accept" is for typed simulation questions; a question with "options" is answered by choosing');
				else {
					accept = stringList(raw.accept, 'accept', errs, 1) ?? undefined;
					if (accept?.some((a) => normaliseAnswer(a) === '')) errs.push('an accepted answer is empty after normalisation');
				}
			}
			if (!ask) return null;
			return { ...base, type, scenario, scenarioName, ask, options, ...(accept ? { accept } : {}) };
		}
	}
	return null;
}
