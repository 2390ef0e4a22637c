/**
 * Practice-exam logic (pure): draw questions by domain weight, shuffle with a seed, score, and
 * break the score down by domain. The UI state lives in $lib/progress; this module only computes.
 *
 * Domains: each question belongs, per exam, to the domain of its first objective for that exam
 * (its *primary* domain there). Sampling and the per-domain breakdown both use primary domains,
 * so within one exam every question counts once and the shares add up to 100 %.
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

/**
 * Each exam domain's share of the real exam, percent, from the published blueprints: CompTIA
 * Network+ N10-009 exam objectives v1.0 (1.0 23 %, 2.0 20 %, 3.0 19 %, 4.0 14 %, 5.0 24 %) and
 * Cisco CCNA 200-301 v1.1 exam topics (1.0 20 %, 2.0 20 %, 3.0 25 %, 4.0 10 %, 5.0 15 %,
 * 6.0 10 %). Used when content/exam/objectives.yaml gives a domain no `weight`.
 */
export const BLUEPRINT_WEIGHTS: Readonly<Record<string, number>> = {
	'netplus:1': 23,
	'netplus:2': 20,
	'netplus:3': 19,
	'netplus:4': 14,
	'netplus:5': 24,
	'ccna:1': 20,
	'ccna:2': 20,
	'ccna:3': 25,
	'ccna:4': 10,
	'ccna:5': 15,
	'ccna:6': 10
};

const EXAM_KEYS = ['netplus', 'ccna'] as const;

/** False for course-only items (`exam: false`), which practice exams never draw. */
export function isExamItem(q: Pick<Question, 'exam'>): boolean {
	return q.exam !== false;
}

/** Domain keys ("netplus:1", "ccna:1") a question supports through any of its objective ids. */
export function questionDomains(q: Pick<Question, 'objectives'>): string[] {
	const keys = new Set<string>();
	for (const id of q.objectives.netplus) keys.add(`netplus:${id.split('.')[0]}`);
	for (const id of q.objectives.ccna) keys.add(`ccna:${id.split('.')[0]}`);
	return [...keys];
}

/** The question's primary domain key in each exam it is tagged for (domain of its first objective there). */
export function primaryDomains(q: Pick<Question, 'objectives'>): string[] {
	const out: string[] = [];
	for (const exam of EXAM_KEYS) {
		const first = q.objectives[exam][0];
		if (first !== undefined) out.push(`${exam}:${first.split('.')[0]}`);
	}
	return out;
}

/** Exam items (see {@link isExamItem}) in `pool` whose primary domain in some exam is one of `domains`. */
export function eligibleQuestions(pool: readonly Question[], domains: readonly string[]): Question[] {
	const want = new Set(domains);
	return pool.filter((q) => isExamItem(q) && primaryDomains(q).some((d) => want.has(d)));
}

/**
 * Draw up to `length` question ids so that, within each exam, the chosen domains' shares follow
 * their weights. Greedy by largest deficit: each draw goes to the chosen domain whose count lags
 * its share the most (a question counts in its primary domain of every exam), then takes the next
 * question of that domain's seeded shuffle. With enough questions in every domain each domain's
 * count stays within one question of `length × weight / Σ weights`; a domain that runs out leaves
 * its place to the others.
 */
export function weightedDraw(
	eligible: readonly Question[],
	domains: readonly string[],
	weights: Readonly<Record<string, number>>,
	length: number,
	seed: number
): string[] {
	const chosen = [...new Set(domains)].sort();
	const examOf = (d: string) => d.split(':')[0];
	const weightOf = (d: string) => {
		const w = weights[d] ?? BLUEPRINT_WEIGHTS[d] ?? 1;
		return Number.isFinite(w) && w > 0 ? w : 0;
	};
	const sum: Record<string, number> = {};
	for (const d of chosen) sum[examOf(d)] = (sum[examOf(d)] ?? 0) + weightOf(d);
	const share = (d: string) => (sum[examOf(d)] > 0 ? weightOf(d) / sum[examOf(d)] : 0);
	const chosenSet = new Set(chosen);
	const primaries = new Map(eligible.map((q) => [q.id, primaryDomains(q).filter((d) => chosenSet.has(d))]));
	const pools = new Map<string, string[]>();
	for (const d of chosen) {
		const ids = eligible.filter((q) => primaries.get(q.id)!.includes(d)).map((q) => q.id).sort();
		pools.set(d, seededShuffle(ids, seed, `domain:${d}`));
	}
	const next = new Map(chosen.map((d) => [d, 0]));
	const count = new Map(chosen.map((d) => [d, 0]));
	const relevant: Record<string, number> = {};
	const picked: string[] = [];
	const taken = new Set<string>();
	while (picked.length < length) {
		let best: string | null = null;
		let bestDeficit = -Infinity;
		for (const d of chosen) {
			const pool = pools.get(d)!;
			let i = next.get(d)!;
			while (i < pool.length && taken.has(pool[i])) i++;
			next.set(d, i);
			if (i >= pool.length || share(d) === 0) continue;
			const deficit = share(d) * ((relevant[examOf(d)] ?? 0) + 1) - count.get(d)!;
			if (deficit > bestDeficit + 1e-9) {
				best = d;
				bestDeficit = deficit;
			}
		}
		if (best === null) break;
		const id = pools.get(best)![next.get(best)!];
		picked.push(id);
		taken.add(id);
		for (const d of primaries.get(id)!) {
			count.set(d, count.get(d)! + 1);
			relevant[examOf(d)] = (relevant[examOf(d)] ?? 0) + 1;
		}
	}
	return picked;
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
	/** Restrict to these ids (retake missed questions); domains and weights are then ignored. */
	onlyIds?: readonly string[];
	retakeOf?: string;
	/**
	 * Domain key → weight (any positive scale, compared within each exam). Domains missing here
	 * use {@link BLUEPRINT_WEIGHTS}.
	 */
	weights?: Readonly<Record<string, number>>;
}

/**
 * Build a reproducible attempt: the same pool, weights, seed, length and domains always give the
 * same questions in the same order with the same option orders. Questions are drawn by domain
 * weight ({@link weightedDraw}) from exam items only; a retake (`onlyIds`) takes exactly those ids.
 * @throws Error when no question matches the chosen domains.
 */
export function buildExam(o: BuildExamOptions): ExamAttempt {
	const seed = o.seed >>> 0;
	let picked: string[];
	if (o.onlyIds) {
		const want = new Set(o.onlyIds);
		const ids = o.pool.filter((q) => want.has(q.id) && isExamItem(q)).map((q) => q.id).sort();
		if (ids.length === 0) throw new Error('None of those questions is in the exam bank any more.');
		picked = seededShuffle(ids, seed, 'questions').slice(0, Math.max(1, Math.min(o.length, ids.length)));
	} else {
		const eligible = eligibleQuestions(o.pool, o.domains);
		if (eligible.length === 0) throw new Error('No questions match the chosen domains.');
		const drawn = weightedDraw(eligible, o.domains, o.weights ?? {}, Math.max(1, o.length), seed);
		picked = seededShuffle(drawn.sort(), seed, 'questions');
	}
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
 * Each question counts once overall and, per exam, once in its primary domain ({@link primaryDomains}).
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
		for (const d of primaryDomains(q)) {
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
