/**
 * Practice-exam logic (pure): choose questions by domain, shuffle with a seed, score, and break
 * the score down by domain. The UI state lives in $lib/progress; this module only computes.
 *
 * @module
 */
import type { Question, Response } from './types';
import { isCorrect } from './grade';
import { seededShuffle } from './shuffle';

/** Seconds allowed per question (Network+ allows 90 minutes for up to 90 questions). */
export const SECONDS_PER_QUESTION = 90;

export type ExamMode = 'exam' | 'study';

/** An exam in progress; persisted to localStorage on every change. */
export interface ExamAttempt {
	id: string;
	seed: number;
	mode: ExamMode;
	/** Domain keys chosen ("netplus:1", "ccna:1"). */
	domains: string[];
	questionIds: string[];
	/** Display order of option / item / choice ids per question. */
	orders: Record<string, string[]>;
	answers: Record<string, Response>;
	flagged: string[];
	/** Study mode: questions whose answer has been checked (and is then locked). */
	checked: string[];
	/** Index of the question on screen. */
	current: number;
	/** Wall-clock ms (Date.now) when the attempt began; the countdown runs from here. */
	startedAt: number;
	/** Time allowed, ms. */
	durationMs: number;
	/** When this is a "retake missed questions" attempt: the id of the attempt it came from. */
	retakeOf?: string;
}

export interface DomainScore {
	correct: number;
	total: number;
}

/** A finished exam as stored in the progress history. */
export interface ExamResult extends ExamAttempt {
	finishedAt: number;
	correct: number;
	total: number;
	byDomain: Record<string, DomainScore>;
	/** Ids answered wrongly or left blank. */
	wrong: string[];
	timedOut: boolean;
}

/** Domain keys ("netplus:1", "ccna:1") a question belongs to, from its objective ids. */
export function questionDomains(q: Pick<Question, 'objectives'>): string[] {
	const keys = new Set<string>();
	for (const id of q.objectives.netplus) keys.add(`netplus:${id.split('.')[0]}`);
	for (const id of q.objectives.ccna) keys.add(`ccna:${id.split('.')[0]}`);
	return [...keys];
}

/** Questions in `pool` that belong to at least one of `domains`. */
export function eligibleQuestions(pool: readonly Question[], domains: readonly string[]): Question[] {
	const want = new Set(domains);
	return pool.filter((q) => questionDomains(q).some((d) => want.has(d)));
}

/** The ids whose display order is shuffled for a question (options, ordering items, matching choices). */
function shuffleableIds(q: Question): string[] {
	switch (q.type) {
		case 'single':
		case 'multi':
			return q.options.map((o) => o.id);
		case 'ordering':
			return q.items.map((o) => o.id);
		case 'matching':
			return q.choices.map((o) => o.id);
		case 'simulation':
			return (q.options ?? []).map((o) => o.id);
		default:
			return [];
	}
}

/**
 * Seeded display order for one question's options. Ordering questions never start in the solved
 * order (rotated by one if the shuffle happens to produce it).
 */
export function optionOrder(q: Question, seed: number): string[] {
	const ids = shuffleableIds(q);
	const order = seededShuffle(ids, seed, `options:${q.id}`);
	if (q.type === 'ordering' && order.every((id, i) => id === ids[i]) && order.length > 1) {
		order.push(order.shift()!);
	}
	return order;
}

/** Options for {@link buildExam}. */
export interface BuildExamOptions {
	pool: readonly Question[];
	seed: number;
	/** Number of questions wanted; fewer are used when fewer are eligible. */
	length: number;
	domains: string[];
	mode: ExamMode;
	/** Wall-clock start, ms. */
	now: number;
	/** Restrict to these ids (retake missed questions); domains are then ignored. */
	onlyIds?: readonly string[];
	retakeOf?: string;
}

/**
 * Build a reproducible attempt: the same pool, seed, length and domains always give the same
 * questions in the same order with the same option orders.
 * @throws Error when no question matches the chosen domains.
 */
export function buildExam(o: BuildExamOptions): ExamAttempt {
	const seed = o.seed >>> 0;
	const eligible = o.onlyIds
		? o.pool.filter((q) => o.onlyIds!.includes(q.id))
		: eligibleQuestions(o.pool, o.domains);
	if (eligible.length === 0) throw new Error('No questions match the chosen domains.');
	const ids = eligible.map((q) => q.id).sort();
	const picked = seededShuffle(ids, seed, 'questions').slice(0, Math.max(1, Math.min(o.length, ids.length)));
	const byId = new Map(o.pool.map((q) => [q.id, q]));
	const orders: Record<string, string[]> = {};
	for (const id of picked) orders[id] = optionOrder(byId.get(id)!, seed);
	return {
		id: `${o.now.toString(36)}-${seed.toString(36)}`,
		seed,
		mode: o.mode,
		domains: [...o.domains],
		questionIds: picked,
		orders,
		answers: {},
		flagged: [],
		checked: [],
		current: 0,
		startedAt: o.now,
		durationMs: picked.length * SECONDS_PER_QUESTION * 1000,
		retakeOf: o.retakeOf
	};
}

/** Milliseconds left on the countdown at wall-clock time `now` (never negative). */
export function remainingMs(a: Pick<ExamAttempt, 'startedAt' | 'durationMs'>, now: number): number {
	return Math.max(0, a.startedAt + a.durationMs - now);
}

/** Format ms as m:ss (or h:mm:ss). */
export function formatClock(ms: number): string {
	const total = Math.ceil(ms / 1000);
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
	return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/**
 * Score an attempt. Questions missing from `questions` (removed from a bank since) are skipped.
 * Each question counts once overall and once in every domain it belongs to.
 */
export function scoreExam(a: ExamAttempt, questions: ReadonlyMap<string, Question>, finishedAt: number, timedOut = false): ExamResult {
	let correct = 0;
	let total = 0;
	const byDomain: Record<string, DomainScore> = {};
	const wrong: string[] = [];
	for (const id of a.questionIds) {
		const q = questions.get(id);
		if (!q) continue;
		total++;
		const ok = isCorrect(q, a.answers[id]);
		if (ok) correct++;
		else wrong.push(id);
		for (const d of questionDomains(q)) {
			const s = (byDomain[d] ??= { correct: 0, total: 0 });
			s.total++;
			if (ok) s.correct++;
		}
	}
	return { ...a, finishedAt, correct, total, byDomain, wrong, timedOut };
}

/** Percentage 0–100, rounded. */
export function percent(correct: number, total: number): number {
	return total === 0 ? 0 : Math.round((100 * correct) / total);
}
