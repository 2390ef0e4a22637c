/**
 * The "Review due" queue: spaced repetition of missed and shaky questions with FSRS, through the
 * ts-fsrs library (https://github.com/open-spaced-repetition/ts-fsrs); nothing here computes an
 * interval itself.
 *
 * Every graded answer (lesson quiz, exam, review, practice) goes through {@link withAnswers}:
 * - it updates the question's counts (`seen`, `right`, `last`, `lastAt`) for the mastery view;
 * - it rates the answer for FSRS: wrong or blank → Again; right but shaky (flagged in an exam, or
 *   the previous answer was wrong) → Hard; right → Good;
 * - a question gets a card the first time it is rated Again or Hard (missed or shaky); from then on
 *   every answer to it is a review of that card. Questions always answered right never enter the queue.
 *
 * Scheduler settings: FSRS defaults (90 % requested retention, FSRS-6 default weights) with
 * `enable_short_term: false`, so intervals are whole days: a quiz question's explanation is shown
 * at once, and asking it again ten minutes later would test short-term memory only. `enable_fuzz:
 * false` keeps the schedule deterministic (the same answers on the same days give the same dates).
 *
 * A card is due on the local calendar day of its `due` time or later (card.ts `isDue`), as review
 * apps count "due today".
 *
 * Only the pages that grade answers load this module (with ts-fsrs, ~50 KB): the progress store
 * imports it on demand (store.svelte.ts `loadScheduler`), and the stored shapes live in card.ts.
 *
 * @module
 */
import { createEmptyCard, fsrs, Rating, type Card, type Grade } from 'ts-fsrs';
import { isDue, type Outcome, type ReviewCard } from './card';
import type { Progress, QuestionRecord } from './schema';

/** The scheduler (see the module comment for the settings). */
export const scheduler = fsrs({ enable_fuzz: false, enable_short_term: false });

/** ts-fsrs Card from a stored card. */
export function toCard(c: ReviewCard): Card {
	return {
		due: new Date(c.due),
		stability: c.stability,
		difficulty: c.difficulty,
		elapsed_days: c.elapsedDays,
		scheduled_days: c.scheduledDays,
		learning_steps: c.learningSteps,
		reps: c.reps,
		lapses: c.lapses,
		state: c.state,
		last_review: c.lastReview === null ? undefined : new Date(c.lastReview)
	};
}

/** Stored card from a ts-fsrs Card. */
export function fromCard(c: Card): ReviewCard {
	return {
		due: c.due.getTime(),
		stability: c.stability,
		difficulty: c.difficulty,
		elapsedDays: c.elapsed_days,
		scheduledDays: c.scheduled_days,
		learningSteps: c.learning_steps,
		reps: c.reps,
		lapses: c.lapses,
		state: c.state as ReviewCard['state'],
		lastReview: c.last_review ? c.last_review.getTime() : null
	};
}

/**
 * The FSRS rating of an answer, or null when it does not touch the queue (right, not shaky, and
 * the question has no card).
 */
export function ratingFor(o: Outcome, prev: QuestionRecord | undefined): Grade | null {
	if (!o.correct) return Rating.Again;
	if (o.shaky || prev?.last === false) return Rating.Hard;
	return prev?.card ? Rating.Good : null;
}

/** One question's record after the answer `o` graded at `now`. */
export function nextRecord(prev: QuestionRecord | undefined, o: Outcome, now: number): QuestionRecord {
	const rec: QuestionRecord = {
		seen: (prev?.seen ?? 0) + 1,
		right: (prev?.right ?? 0) + (o.correct ? 1 : 0),
		last: o.correct,
		lastAt: now
	};
	const rating = ratingFor(o, prev);
	if (rating !== null) {
		const card = prev?.card ? toCard(prev.card) : createEmptyCard(new Date(now));
		rec.card = fromCard(scheduler.next(card, new Date(now), rating).card);
	} else if (prev?.card) rec.card = prev.card;
	return rec;
}

/** Record graded answers (counts and review cards). Returns a new record. */
export function withAnswers(p: Progress, outcomes: readonly Outcome[], now: number): Progress {
	if (outcomes.length === 0) return p;
	const questions = { ...p.questions };
	for (const o of outcomes) questions[o.id] = nextRecord(questions[o.id], o, now);
	return { ...p, questions };
}

/** A question in the review queue. */
export interface QueueItem {
	id: string;
	due: number;
	/** FSRS probability of recalling it now, 0–1. */
	retrievability: number;
	lapses: number;
	record: QuestionRecord;
}

/** Probability of recall now (ts-fsrs `get_retrievability`). */
function recall(card: ReviewCard, now: number): number {
	return scheduler.get_retrievability(toCard(card), new Date(now), false);
}

/**
 * The queue at `now`: due questions (earliest due first, then least likely recalled) and the
 * upcoming ones (by due date). Only ids in `known` (the current question bank) are listed.
 */
export function reviewQueue(p: Progress, now: number, known: ReadonlySet<string>): { due: QueueItem[]; upcoming: QueueItem[] } {
	const due: QueueItem[] = [];
	const upcoming: QueueItem[] = [];
	for (const [id, record] of Object.entries(p.questions)) {
		if (!record.card || !known.has(id)) continue;
		const item = { id, due: record.card.due, retrievability: recall(record.card, now), lapses: record.card.lapses, record };
		(isDue(record.card, now) ? due : upcoming).push(item);
	}
	due.sort((a, b) => a.due - b.due || a.retrievability - b.retrievability || a.id.localeCompare(b.id));
	upcoming.sort((a, b) => a.due - b.due || a.id.localeCompare(b.id));
	return { due, upcoming };
}
