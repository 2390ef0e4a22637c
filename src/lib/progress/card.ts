/**
 * The review queue's stored shapes and calendar rule, without the scheduler: what every page may
 * need (schema, validation, mastery) without loading ts-fsrs. The FSRS side is review.ts.
 *
 * @module
 */

/** The stored form of a ts-fsrs `Card` (dates as ms since the epoch; JSON-friendly). */
export interface ReviewCard {
	due: number;
	stability: number;
	difficulty: number;
	/** Days since the previous review when last reviewed (ts-fsrs `elapsed_days`). */
	elapsedDays: number;
	scheduledDays: number;
	learningSteps: number;
	reps: number;
	lapses: number;
	/** ts-fsrs `State`: 0 New, 1 Learning, 2 Review, 3 Relearning. */
	state: 0 | 1 | 2 | 3;
	lastReview: number | null;
}

/** One graded answer. */
export interface Outcome {
	id: string;
	correct: boolean;
	/** Right but unsure (e.g. flagged for review in an exam). */
	shaky?: boolean;
}

/** Local midnight ending the calendar day of `now`. */
export function endOfDay(now: number): number {
	const d = new Date(now);
	d.setHours(24, 0, 0, 0);
	return d.getTime();
}

/** True when the card falls due on `now`'s calendar day or earlier. */
export function isDue(card: ReviewCard, now: number): boolean {
	return card.due < endOfDay(now);
}
