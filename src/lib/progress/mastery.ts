/**
 * Mastery per exam objective, from the question records (every graded answer, schema.ts), and the
 * "Weakest objectives" practice set drawn from it and from the review queue (review.ts).
 *
 * An objective's score is the share of its answered questions whose latest answer was right; a
 * question counts for every objective it is tagged with. Objectives with nothing answered have
 * no score yet.
 *
 * @module
 */
import type { ObjectiveRefs } from '../quiz/types';
import { seededShuffle } from '../quiz/shuffle';
import { isDue } from './card';
import type { QuestionRecord } from './schema';

/** An objective as the pages list it. */
export interface ObjectiveInfo {
	exam: 'netplus' | 'ccna';
	/** "1.4" */
	id: string;
	name: string;
	/** Exam name and code, e.g. "CompTIA Network+ N10-009". */
	examName: string;
}

/** One row of the mastery view. */
export interface ObjectiveMastery extends ObjectiveInfo {
	/** "netplus:1.4" */
	key: string;
	/** Questions tagged with it. */
	total: number;
	/** Of those, answered at least once. */
	answered: number;
	/** Of those, latest answer right. */
	right: number;
	/** right / answered as a percentage 0–100, or null when none is answered. */
	score: number | null;
	/** Of its questions, due for review now. */
	due: number;
}

/** A question as the mastery view needs it. */
export interface QuestionRef {
	id: string;
	objectives: ObjectiveRefs;
}

/** Mastery of every objective, in the order given. */
export function objectiveMastery(
	objectives: readonly ObjectiveInfo[],
	questions: readonly QuestionRef[],
	records: Readonly<Record<string, QuestionRecord>>,
	now: number
): ObjectiveMastery[] {
	const byObjective = new Map<string, string[]>();
	for (const q of questions) {
		for (const exam of ['netplus', 'ccna'] as const) {
			for (const id of new Set(q.objectives[exam])) {
				const key = `${exam}:${id}`;
				const list = byObjective.get(key);
				if (list) list.push(q.id);
				else byObjective.set(key, [q.id]);
			}
		}
	}
	return objectives.map((o) => {
		const key = `${o.exam}:${o.id}`;
		const ids = byObjective.get(key) ?? [];
		let answered = 0;
		let right = 0;
		let due = 0;
		for (const id of ids) {
			const r = records[id];
			if (!r) continue;
			answered++;
			if (r.last) right++;
			if (r.card && isDue(r.card, now)) due++;
		}
		return { ...o, key, total: ids.length, answered, right, score: answered ? Math.round((100 * right) / answered) : null, due };
	});
}

/**
 * The weakest objectives: those with an answered question, lowest score first (then more due
 * reviews, then more answered), at most `n`.
 */
export function weakestObjectives(m: readonly ObjectiveMastery[], n = 3): ObjectiveMastery[] {
	return m
		.filter((x) => x.score !== null && x.score < 100)
		.sort((a, b) => a.score! - b.score! || b.due - a.due || b.answered - a.answered || a.key.localeCompare(b.key))
		.slice(0, n);
}

/**
 * A practice set for the given objectives: questions tagged with any of them, in this order —
 * due for review, latest answer wrong, never answered, the rest — each group in a seeded shuffle.
 */
export function practiceSet(
	objectives: readonly Pick<ObjectiveMastery, 'exam' | 'id'>[],
	questions: readonly QuestionRef[],
	records: Readonly<Record<string, QuestionRecord>>,
	now: number,
	length: number,
	seed: number
): string[] {
	const want = new Set(objectives.map((o) => `${o.exam}:${o.id}`));
	const ids = questions
		.filter((q) => q.objectives.netplus.some((id) => want.has(`netplus:${id}`)) || q.objectives.ccna.some((id) => want.has(`ccna:${id}`)))
		.map((q) => q.id)
		.sort();
	const groups: string[][] = [[], [], [], []];
	for (const id of ids) {
		const r = records[id];
		if (r?.card && isDue(r.card, now)) groups[0].push(id);
		else if (r && !r.last) groups[1].push(id);
		else if (!r) groups[2].push(id);
		else groups[3].push(id);
	}
	return groups.flatMap((g, i) => seededShuffle(g, seed, `practice:${i}`)).slice(0, length);
}
