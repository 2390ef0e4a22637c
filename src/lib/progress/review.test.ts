import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rating } from 'ts-fsrs';
import { emptyProgress } from './schema';
import { endOfDay, isDue } from './card';
import { fromCard, nextRecord, ratingFor, reviewQueue, scheduler, toCard, withAnswers } from './review';
import { objectiveMastery, practiceSet, weakestObjectives, type QuestionRef } from './mastery';
import { parseProgress } from './validate';

const T = new Date(2025, 2, 3, 9, 0, 0).getTime(); // 3 March 2025, 09:00 local time
const DAY = 86_400_000;
const known = new Set(['a', 'b', 'c', 'd']);

describe('review queue with ts-fsrs', () => {
	it('rates answers: wrong → Again, shaky or right after a miss → Hard, right → Good (only with a card)', () => {
		expect(ratingFor({ id: 'a', correct: false }, undefined)).toBe(Rating.Again);
		expect(ratingFor({ id: 'a', correct: true, shaky: true }, undefined)).toBe(Rating.Hard);
		expect(ratingFor({ id: 'a', correct: true }, undefined)).toBeNull();
		const missed = nextRecord(undefined, { id: 'a', correct: false }, T);
		expect(ratingFor({ id: 'a', correct: true }, missed)).toBe(Rating.Hard);
		const recovered = nextRecord(missed, { id: 'a', correct: true }, T + DAY);
		expect(ratingFor({ id: 'a', correct: true }, recovered)).toBe(Rating.Good);
	});

	it('schedules a missed question for the next day, then further out as it is answered right', () => {
		let p = withAnswers(emptyProgress(), [{ id: 'a', correct: false }, { id: 'b', correct: true }], T);
		expect(p.questions.b.card).toBeUndefined();
		expect(p.questions.a).toMatchObject({ seen: 1, right: 0, last: false, lastAt: T });
		const card = p.questions.a.card!;
		// ts-fsrs with short-term steps off: Again on a new card → one day
		expect(card.due).toBe(T + DAY);
		expect(reviewQueue(p, T, known).due).toEqual([]);
		expect(reviewQueue(p, T, known).upcoming.map((i) => i.id)).toEqual(['a']);
		expect(reviewQueue(p, T + DAY - 3_600_000, known).due.map((i) => i.id)).toEqual(['a']); // due "today" from 00:00
		// Right the next day (after a miss: Hard), then right again (Good): intervals grow.
		p = withAnswers(p, [{ id: 'a', correct: true }], T + DAY);
		const second = p.questions.a.card!;
		expect(second.due - (T + DAY)).toBeGreaterThanOrEqual(DAY);
		p = withAnswers(p, [{ id: 'a', correct: true }], second.due);
		const third = p.questions.a.card!;
		expect(third.due - second.due).toBeGreaterThan(second.due - (T + DAY));
		expect(third.reps).toBe(3);
		// the same as calling ts-fsrs directly
		const direct = scheduler.next(scheduler.next(scheduler.next(toCard({ ...card, due: T, stability: 0, difficulty: 0, elapsedDays: 0, scheduledDays: 0, learningSteps: 0, reps: 0, lapses: 0, state: 0, lastReview: null }), new Date(T), Rating.Again).card, new Date(T + DAY), Rating.Hard).card, new Date(second.due), Rating.Good).card;
		expect(fromCard(direct)).toEqual(third);
	});

	it('counts a card as due on its calendar day, and orders the queue by due date', () => {
		expect(endOfDay(T)).toBe(new Date(2025, 2, 4).getTime());
		const c = nextRecord(undefined, { id: 'x', correct: false }, T).card!;
		expect(isDue(c, T)).toBe(false);
		expect(isDue(c, new Date(2025, 2, 4, 0, 0, 1).getTime())).toBe(true);
		let p = withAnswers(emptyProgress(), [{ id: 'b', correct: false }], T + 3_600_000);
		p = withAnswers(p, [{ id: 'a', correct: false }, { id: 'zz', correct: false }], T);
		const q = reviewQueue(p, T + 2 * DAY, known);
		expect(q.due.map((i) => i.id)).toEqual(['a', 'b']); // 'zz' is not in the bank any more
		expect(q.due[0].retrievability).toBeGreaterThan(0);
		expect(q.due[0].retrievability).toBeLessThan(1);
	});

	it('produces cards that survive the stored-record validation', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 12 }), (answers) => {
				let p = emptyProgress();
				let now = T;
				for (const [correct, shaky, days] of answers) {
					now += days * DAY;
					p = withAnswers(p, [{ id: 'a', correct, shaky }], now);
				}
				const r = parseProgress(JSON.stringify(p));
				expect(r).toEqual({ ok: true, progress: p, dropped: [] });
			}),
			{ numRuns: 200 }
		);
	});
});

describe('mastery and weakest objectives', () => {
	const objectives = [
		{ exam: 'netplus' as const, id: '1.4', name: 'Ports', examName: 'Network+' },
		{ exam: 'netplus' as const, id: '5.5', name: 'Tools', examName: 'Network+' },
		{ exam: 'ccna' as const, id: '1.5', name: 'TCP vs UDP', examName: 'CCNA' }
	];
	const questions: QuestionRef[] = [
		{ id: 'a', objectives: { netplus: ['1.4'], ccna: ['1.5'] } },
		{ id: 'b', objectives: { netplus: ['1.4'], ccna: [] } },
		{ id: 'c', objectives: { netplus: ['5.5'], ccna: [] } },
		{ id: 'd', objectives: { netplus: ['5.5'], ccna: ['1.5'] } }
	];
	it('scores each objective by the latest answer of its answered questions', () => {
		const p = withAnswers(emptyProgress(), [{ id: 'a', correct: true }, { id: 'b', correct: false }, { id: 'd', correct: false }], T);
		const m = objectiveMastery(objectives, questions, p.questions, T + 2 * DAY);
		expect(m.map((x) => [x.key, x.total, x.answered, x.right, x.score, x.due])).toEqual([
			['netplus:1.4', 2, 2, 1, 50, 1],
			['netplus:5.5', 2, 1, 0, 0, 1],
			['ccna:1.5', 2, 2, 1, 50, 1]
		]);
		expect(weakestObjectives(m, 2).map((x) => x.key)).toEqual(['netplus:5.5', 'ccna:1.5']);
		const set = practiceSet(weakestObjectives(m, 1), questions, p.questions, T + 2 * DAY, 10, 1);
		expect(set).toEqual(['d', 'c']); // due first, then never answered
	});
});
