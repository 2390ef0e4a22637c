/**
 * Reading progress data that came from storage or from a file: validated part by part.
 *
 * Only a record that is not JSON, not an object, or of an unknown version is refused as a whole.
 * Anything else that is wrong is dropped (or, where safe, repaired) with a message naming the part,
 * so what is rendered is always valid: ids are unique (no Svelte `each_key_duplicate`), numbers are
 * finite and in range (no "Score -Infinity%", "NaN%" or a 10^301-hour timer), dates are valid
 * (no "Invalid Date").
 *
 * Rules (times are ms since the epoch):
 * - a date is a number from 2000-01-01 to 2200-01-01 ({@link MIN_DATE}, {@link MAX_DATE});
 * - lessons: slug keys; `completed` boolean; `completedAt` a date or null;
 * - quizzes: `best` 0–100; `attempts` a whole number ≤ 1,000,000; `lastAt` a date or null;
 * - drafts: `attempt` a whole number; responses of the right shape; `checked` unique ids;
 * - exams: unique `id`s (a later duplicate is dropped); `seed` a 32-bit unsigned integer;
 *   `questionIds` unique and non-empty; `startedAt` ≤ `finishedAt` dates; `durationMs` from
 *   1 s to 24 h; `0 ≤ correct ≤ total ≤` number of questions; per-domain scores alike. A
 *   finished exam that breaks one of these is dropped whole (its score cannot be trusted);
 *   smaller faults (an answer of the wrong shape, a flag on an unknown question) drop that entry;
 * - the exam in progress is repaired where that loses nothing the learner entered: repeated
 *   question ids are kept once, an out-of-range position goes back to the first question, an
 *   absurd time allowance is reset to 90 s per question;
 * - questions: `0 ≤ right ≤ seen` whole numbers, `last` boolean, `lastAt` a date; a card with a
 *   field out of range (difficulty outside 1–10, negative stability, invalid due date, …) is dropped
 *   and the counts kept.
 *
 * @module
 */
import type { ExamAttempt, ExamResult } from '../quiz/exam';
import { SECONDS_PER_QUESTION } from '../quiz/exam';
import type { Response } from '../quiz/types';
import type { Outcome, ReviewCard } from './card';
import {
	CURRENT_VERSION,
	MAX_EXAMS,
	emptyProgress,
	migrateV1,
	type LessonProgress,
	type LessonQuizDraft,
	type Progress,
	type ProgressV1,
	type ProgressV2,
	type QuestionRecord,
	type QuizProgress
} from './schema';

/** Earliest and latest accepted dates. */
export const MIN_DATE = Date.UTC(2000, 0, 1);
export const MAX_DATE = Date.UTC(2200, 0, 1);
const DAY_MS = 86_400_000;
const MAX_COUNT = 1_000_000;

/** Outcome of {@link validateProgress} / {@link parseProgress}. */
export type ParseResult =
	| { ok: true; progress: Progress; /** parts left out or repaired, each naming the part */ dropped: string[]; migratedFrom?: number }
	| { ok: false; error: string; /** set when the record is older (v1, v2) and no {@link Replay} was given */ needsReplay?: true };

/**
 * Replays graded answers into a record: review.ts `withAnswers` (FSRS, with ts-fsrs). A
 * parameter rather than an import, so that reading a current (v3) record, which every page does
 * at load, never loads the scheduler; only migrating an older record needs it.
 */
export type Replay = (p: Progress, outcomes: readonly Outcome[], now: number) => Progress;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isNum = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
/** True for a plausible timestamp (see the module comment). */
export const isDate = (v: unknown): v is number => isNum(v, MIN_DATE, MAX_DATE);
const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const DOMAIN = /^(netplus|ccna):[1-6]$/;
const q = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Collects messages about dropped parts. */
class Report {
	readonly dropped: string[] = [];
	drop(part: string, why: string): void {
		this.dropped.push(`${part}: ${why}`);
	}
}

/** A learner's response of a valid shape (see `Response` in quiz/types.ts), or undefined. */
function validResponse(v: unknown): Response | undefined {
	if (v === null) return null;
	if (typeof v === 'string') return v.length <= 2000 ? v : undefined;
	if (Array.isArray(v)) {
		if (v.length > 200 || !v.every((x) => typeof x === 'string' && x.length <= 200)) return undefined;
		return new Set(v).size === v.length ? (v as string[]) : undefined;
	}
	if (isObj(v)) {
		const entries = Object.entries(v);
		if (entries.length > 200 || !entries.every(([, x]) => typeof x === 'string' && x.length <= 200)) return undefined;
		return v as Record<string, string>;
	}
	return undefined;
}

/** Unique strings of `v` (in order), or null when `v` is not a list of strings. Reports repeats. */
function uniqueStrings(v: unknown, part: string, r: Report, allowed?: ReadonlySet<string>): string[] | null {
	if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return null;
	const out: string[] = [];
	const seen = new Set<string>();
	for (const x of v as string[]) {
		if (seen.has(x)) {
			r.drop(part, `${q(x)} listed more than once (kept once)`);
			continue;
		}
		seen.add(x);
		if (allowed && !allowed.has(x)) {
			r.drop(part, `${q(x)} is not one of the exam's questions`);
			continue;
		}
		out.push(x);
	}
	return out;
}

function validLessons(v: unknown, r: Report): Record<string, LessonProgress> {
	const out: Record<string, LessonProgress> = {};
	if (v === undefined) return out;
	if (!isObj(v)) {
		r.drop('lessons', 'not an object');
		return out;
	}
	for (const [slug, l] of Object.entries(v)) {
		const part = `lessons.${slug}`;
		if (!SLUG.test(slug)) r.drop(part, 'not a lesson slug');
		else if (!isObj(l) || typeof l.completed !== 'boolean') r.drop(part, '"completed" must be true or false');
		else if (l.completedAt !== null && l.completedAt !== undefined && !isDate(l.completedAt)) r.drop(part, 'completedAt is not a valid date');
		else out[slug] = { completed: l.completed, completedAt: (l.completedAt as number | null | undefined) ?? null };
	}
	return out;
}

function validQuizzes(v: unknown, r: Report): Record<string, QuizProgress> {
	const out: Record<string, QuizProgress> = {};
	if (v === undefined) return out;
	if (!isObj(v)) {
		r.drop('quizzes', 'not an object');
		return out;
	}
	for (const [slug, x] of Object.entries(v)) {
		const part = `quizzes.${slug}`;
		if (!SLUG.test(slug)) r.drop(part, 'not a lesson slug');
		else if (!isObj(x)) r.drop(part, 'not an object');
		else if (!isNum(x.best, 0, 100)) r.drop(part, `best ${String(x.best)} is not a percentage 0–100`);
		else if (!isInt(x.attempts, 0, MAX_COUNT)) r.drop(part, `attempts ${String(x.attempts)} is not a whole number of attempts`);
		else if (x.lastAt !== null && x.lastAt !== undefined && !isDate(x.lastAt)) r.drop(part, 'lastAt is not a valid date');
		else out[slug] = { best: x.best, attempts: x.attempts, lastAt: (x.lastAt as number | null | undefined) ?? null };
	}
	return out;
}

function validDrafts(v: unknown, r: Report): Record<string, LessonQuizDraft> {
	const out: Record<string, LessonQuizDraft> = {};
	if (v === undefined) return out;
	if (!isObj(v)) {
		r.drop('drafts', 'not an object');
		return out;
	}
	for (const [slug, d] of Object.entries(v)) {
		const part = `drafts.${slug}`;
		if (!SLUG.test(slug) || !isObj(d)) {
			r.drop(part, 'not a lesson quiz draft');
			continue;
		}
		if (!isInt(d.attempt, 0, MAX_COUNT) || !isDate(d.updatedAt) || !isObj(d.responses)) {
			r.drop(part, 'attempt, responses or updatedAt is invalid');
			continue;
		}
		const responses: Record<string, Response> = {};
		for (const [id, resp] of Object.entries(d.responses)) {
			const ok = validResponse(resp);
			if (ok === undefined || !ID.test(id)) r.drop(`${part}.responses.${id}`, 'not a valid answer');
			else responses[id] = ok;
		}
		const checked = uniqueStrings(d.checked, `${part}.checked`, r);
		out[slug] = { attempt: d.attempt, responses, checked: checked ?? [], updatedAt: d.updatedAt };
		if (checked === null) r.drop(`${part}.checked`, 'not a list of question ids');
	}
	return out;
}

/**
 * Validate an exam attempt. `finished` results are dropped on any structural fault; the exam in
 * progress is repaired where possible (see the module comment).
 * @returns the attempt, or a reason it must be dropped.
 */
function validAttempt(a: unknown, part: string, r: Report, finished: boolean): { ok: ExamAttempt } | { error: string } {
	if (!isObj(a)) return { error: 'not an object' };
	if (typeof a.id !== 'string' || !ID.test(a.id)) return { error: 'id is missing or not an id' };
	if (!isInt(a.seed, 0, 2 ** 32 - 1)) return { error: `seed ${String(a.seed)} is not a 32-bit whole number` };
	if (a.mode !== 'exam' && a.mode !== 'study') return { error: 'mode must be "exam" or "study"' };
	if (!Array.isArray(a.questionIds) || a.questionIds.length === 0 || a.questionIds.length > 1000 || !a.questionIds.every((x) => typeof x === 'string' && ID.test(x)))
		return { error: 'questionIds must be a non-empty list of question ids' };
	const ids = a.questionIds as string[];
	const unique = [...new Set(ids)];
	if (unique.length !== ids.length) {
		const dup = ids.find((x, i) => ids.indexOf(x) !== i)!;
		const times = ids.filter((x) => x === dup).length;
		if (finished) return { error: `questionIds lists ${q(dup)} ${times} times, so its score cannot be trusted` };
		r.drop(`${part}.questionIds`, `${q(dup)} listed ${times} times (kept once)`);
	}
	const idSet = new Set(unique);
	if (!isDate(a.startedAt)) return { error: 'startedAt is not a valid date' };
	let durationMs = a.durationMs;
	if (!isInt(durationMs, 1000, DAY_MS)) {
		if (finished) return { error: `durationMs ${String(durationMs)} is not between 1 s and 24 h` };
		durationMs = unique.length * SECONDS_PER_QUESTION * 1000;
		r.drop(`${part}.durationMs`, `${String(a.durationMs)} is not between 1 s and 24 h (reset to ${SECONDS_PER_QUESTION} s per question)`);
	}
	const domains = uniqueStrings(a.domains, `${part}.domains`, r);
	if (domains === null) return { error: 'domains must be a list' };
	const orders: Record<string, string[]> = {};
	if (isObj(a.orders)) {
		for (const [id, list] of Object.entries(a.orders)) {
			if (idSet.has(id) && Array.isArray(list) && list.length <= 200 && list.every((x) => typeof x === 'string') && new Set(list).size === list.length)
				orders[id] = list as string[];
			else r.drop(`${part}.orders.${id}`, 'not a valid option order');
		}
	} else if (a.orders !== undefined) r.drop(`${part}.orders`, 'not an object');
	const answers: Record<string, Response> = {};
	if (isObj(a.answers)) {
		for (const [id, resp] of Object.entries(a.answers)) {
			const ok = validResponse(resp);
			if (!idSet.has(id)) r.drop(`${part}.answers.${id}`, 'not one of the exam\'s questions');
			else if (ok === undefined) r.drop(`${part}.answers.${id}`, 'not a valid answer');
			else answers[id] = ok;
		}
	} else if (a.answers !== undefined) r.drop(`${part}.answers`, 'not an object');
	const flagged = uniqueStrings(a.flagged ?? [], `${part}.flagged`, r, idSet) ?? [];
	const checked = uniqueStrings(a.checked ?? [], `${part}.checked`, r, idSet) ?? [];
	let current = a.current;
	if (!isInt(current, 0, unique.length - 1)) {
		if (!finished) r.drop(`${part}.current`, `${String(current)} is not a question number (back to the first)`);
		current = 0;
	}
	const attempt: ExamAttempt = {
		id: a.id,
		seed: a.seed,
		mode: a.mode,
		domains,
		questionIds: unique,
		orders,
		answers,
		flagged,
		checked,
		current: current as number,
		startedAt: a.startedAt,
		durationMs: durationMs as number
	};
	if (typeof a.retakeOf === 'string' && ID.test(a.retakeOf)) attempt.retakeOf = a.retakeOf;
	return { ok: attempt };
}

function validResult(x: unknown, part: string, r: Report): ExamResult | null {
	const base = validAttempt(x, part, r, true);
	if ('error' in base) {
		r.drop(part, `${base.error} (exam dropped)`);
		return null;
	}
	const a = x as Obj;
	const n = base.ok.questionIds.length;
	const fail = (why: string) => (r.drop(part, `${why} (exam dropped)`), null);
	if (!isDate(a.finishedAt) || a.finishedAt < base.ok.startedAt) return fail('finishedAt is not a valid date after startedAt');
	if (!isInt(a.total, 0, n)) return fail(`total ${String(a.total)} is not a whole number from 0 to ${n}`);
	if (!isInt(a.correct, 0, a.total)) return fail(`correct ${String(a.correct)} is not a whole number from 0 to ${a.total}`);
	const byDomain: ExamResult['byDomain'] = {};
	if (isObj(a.byDomain)) {
		for (const [key, s] of Object.entries(a.byDomain)) {
			if (DOMAIN.test(key) && isObj(s) && isInt(s.total, 0, n) && isInt(s.correct, 0, s.total)) byDomain[key] = { correct: s.correct, total: s.total };
			else r.drop(`${part}.byDomain.${key}`, 'not a valid domain score');
		}
	} else r.drop(`${part}.byDomain`, 'not an object');
	const wrong = uniqueStrings(a.wrong ?? [], `${part}.wrong`, r, new Set(base.ok.questionIds)) ?? [];
	return { ...base.ok, finishedAt: a.finishedAt, correct: a.correct, total: a.total, byDomain, wrong, timedOut: a.timedOut === true };
}

function validExams(v: unknown, r: Report): ExamResult[] {
	if (v === undefined) return [];
	if (!Array.isArray(v)) {
		r.drop('exams', 'not a list');
		return [];
	}
	const out: ExamResult[] = [];
	const ids = new Set<string>();
	v.forEach((x, i) => {
		const res = validResult(x, `exams[${i}]`, r);
		if (!res) return;
		if (ids.has(res.id)) {
			r.drop(`exams[${i}]`, `id ${q(res.id)} is used by an earlier exam (dropped)`);
			return;
		}
		ids.add(res.id);
		out.push(res);
	});
	if (out.length > MAX_EXAMS) r.drop('exams', `${out.length - MAX_EXAMS} oldest beyond the ${MAX_EXAMS} kept`);
	return out.slice(-MAX_EXAMS);
}

function validCard(c: unknown): ReviewCard | null {
	if (!isObj(c)) return null;
	const ok =
		isDate(c.due) &&
		isNum(c.stability, 0, 1e6) &&
		isNum(c.difficulty, 0, 10) &&
		isNum(c.elapsedDays, 0, 1e6) &&
		isNum(c.scheduledDays, 0, 1e6) &&
		isInt(c.learningSteps, 0, 1000) &&
		isInt(c.reps, 0, MAX_COUNT) &&
		isInt(c.lapses, 0, c.reps as number) &&
		isInt(c.state, 0, 3) &&
		(c.lastReview === null || isDate(c.lastReview));
	if (!ok) return null;
	// Reviewed cards have difficulty 1–10 and positive stability (ts-fsrs clamps to these).
	if (c.state !== 0 && (!isNum(c.difficulty, 1, 10) || !isNum(c.stability, 0.0001, 1e6))) return null;
	return {
		due: c.due as number,
		stability: c.stability as number,
		difficulty: c.difficulty as number,
		elapsedDays: c.elapsedDays as number,
		scheduledDays: c.scheduledDays as number,
		learningSteps: c.learningSteps as number,
		reps: c.reps as number,
		lapses: c.lapses as number,
		state: c.state as ReviewCard['state'],
		lastReview: c.lastReview as number | null
	};
}

function validQuestions(v: unknown, r: Report): Record<string, QuestionRecord> {
	const out: Record<string, QuestionRecord> = {};
	if (v === undefined) return out;
	if (!isObj(v)) {
		r.drop('questions', 'not an object');
		return out;
	}
	for (const [id, x] of Object.entries(v)) {
		const part = `questions.${id}`;
		if (!ID.test(id) || !isObj(x)) r.drop(part, 'not a question record');
		else if (!isInt(x.seen, 1, MAX_COUNT) || !isInt(x.right, 0, x.seen)) r.drop(part, `right ${String(x.right)} of seen ${String(x.seen)} are not whole numbers with right ≤ seen`);
		else if (typeof x.last !== 'boolean' || !isDate(x.lastAt)) r.drop(part, 'last or lastAt is invalid');
		else {
			const rec: QuestionRecord = { seen: x.seen, right: x.right, last: x.last, lastAt: x.lastAt };
			if (x.card !== undefined) {
				const card = validCard(x.card);
				if (card) rec.card = card;
				else r.drop(`${part}.card`, 'a review-schedule field is out of range (card dropped, counts kept)');
			}
			out[id] = rec;
		}
	}
	return out;
}

function validV1(d: Obj, r: Report): ProgressV1 {
	const completed = Array.isArray(d.completedLessons) ? d.completedLessons : [];
	if (!Array.isArray(d.completedLessons)) r.drop('completedLessons', 'not a list');
	const slugs: string[] = [];
	for (const s of completed) {
		if (typeof s === 'string' && SLUG.test(s)) {
			if (!slugs.includes(s)) slugs.push(s);
		} else r.drop('completedLessons', `${JSON.stringify(s)} is not a lesson slug`);
	}
	const scores: Record<string, number> = {};
	if (isObj(d.quizScores)) {
		for (const [k, v] of Object.entries(d.quizScores)) {
			if (SLUG.test(k) && isNum(v, 0, 100)) scores[k] = v;
			else r.drop(`quizScores.${k}`, `${String(v)} is not a percentage 0–100`);
		}
	} else r.drop('quizScores', 'not an object');
	return { version: 1, completedLessons: slugs, quizScores: scores };
}

/**
 * Upgrade a validated v2 record to v3: `drafts: {}`, and `questions` rebuilt by replaying the
 * finished exams oldest first (a question is right unless in `wrong`; flagged means shaky).
 */
export function migrateV2(v2: ProgressV2, withAnswers: Replay): Progress {
	let p: Progress = { ...emptyProgress(), lessons: v2.lessons, quizzes: v2.quizzes, exams: v2.exams };
	if (v2.currentExam) p.currentExam = v2.currentExam;
	for (const e of [...v2.exams].sort((a, b) => a.finishedAt - b.finishedAt)) {
		const wrong = new Set(e.wrong);
		const outcomes: Outcome[] = e.questionIds.map((id) => ({ id, correct: !wrong.has(id), shaky: e.flagged.includes(id) }));
		p = withAnswers(p, outcomes, e.finishedAt);
	}
	return p;
}

/**
 * Validate (and if needed migrate) progress data that was already JSON-parsed.
 * Never throws. Refuses only non-objects and unknown versions; see the module comment.
 * @param replay - review.ts `withAnswers`, needed to migrate a v1 or v2 record; without it such
 *   a record gives `{ ok: false, needsReplay: true }`.
 */
export function validateProgress(data: unknown, replay?: Replay): ParseResult {
	if (!isObj(data)) return { ok: false, error: 'progress must be a JSON object' };
	const v = data.version;
	if (v === undefined) return { ok: false, error: 'no "version" field: this is not portsim progress data' };
	if (v !== 1 && v !== 2 && v !== 3)
		return { ok: false, error: `unknown version ${JSON.stringify(v)} (this site reads versions 1 to ${CURRENT_VERSION})` };
	if (v !== 3 && !replay) return { ok: false, error: `a version ${v} record is migrated with the review scheduler, which is not loaded`, needsReplay: true };
	const r = new Report();
	if (v === 1) {
		const v2 = migrateV1(validV1(data, r));
		return { ok: true, progress: migrateV2(v2, replay as Replay), dropped: r.dropped, migratedFrom: 1 };
	}
	const lessons = validLessons(data.lessons, r);
	const quizzes = validQuizzes(data.quizzes, r);
	const exams = validExams(data.exams, r);
	let currentExam: ExamAttempt | undefined;
	if (data.currentExam !== undefined && data.currentExam !== null) {
		const c = validAttempt(data.currentExam, 'currentExam', r, false);
		if ('ok' in c) currentExam = c.ok;
		else r.drop('currentExam', `${c.error} (exam in progress dropped)`);
	}
	if (v === 2) {
		const v2: ProgressV2 = { version: 2, lessons, quizzes, exams, ...(currentExam ? { currentExam } : {}) };
		return { ok: true, progress: migrateV2(v2, replay as Replay), dropped: r.dropped, migratedFrom: 2 };
	}
	const p: Progress = {
		version: 3,
		lessons,
		quizzes,
		drafts: validDrafts(data.drafts, r),
		exams,
		questions: validQuestions(data.questions, r)
	};
	if (currentExam) p.currentExam = currentExam;
	return { ok: true, progress: p, dropped: r.dropped };
}

/** Parse JSON text, then {@link validateProgress} (`replay`: see there). */
export function parseProgress(text: string, replay?: Replay): ParseResult {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		return { ok: false, error: `not valid JSON (${e instanceof Error ? e.message : String(e)})` };
	}
	return validateProgress(data, replay);
}

/** A list of dropped parts as one sentence, naming at most `max` of them. */
export function describeDropped(dropped: readonly string[], max = 6): string {
	const shown = dropped.slice(0, max).join('; ');
	return dropped.length > max ? `${shown}; and ${dropped.length - max} more` : shown;
}
