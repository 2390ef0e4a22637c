/**
 * Progress data: the versioned schema, migrations and pure updates (no localStorage here; see
 * storage.ts and store.svelte.ts).
 *
 * Stored as JSON under {@link STORAGE_KEY}. Times are ms since the epoch (`Date.now()`).
 *
 * **Version 3** (current):
 * ```ts
 * { version: 3,
 *   lessons:   { [slug]: { completed: boolean, completedAt: number | null } },
 *   quizzes:   { [slug]: { best: number, attempts: number, lastAt: number | null } },  // best = % 0–100
 *   drafts:    { [slug]: { attempt, responses: { [questionId]: Response }, checked: string[], updatedAt } },
 *   exams:     ExamResult[],          // newest last, at most MAX_EXAMS, unique ids
 *   currentExam?: ExamAttempt,        // an exam in progress
 *   questions: { [questionId]: { seen, right, last: boolean, lastAt, card?: ReviewCard } } }
 * ```
 * `drafts` keeps a lesson quiz's answers across reloads. `questions` counts every graded answer
 * (lesson quiz, exam, review, practice) for the mastery view; `card` is the FSRS state of a
 * question in the review queue (review.ts).
 *
 * **Version 2**: version 3 without `drafts` and `questions`. Migration: `drafts: {}`, and
 * `questions` rebuilt by replaying the finished exams in order (each question right unless listed
 * in `wrong`; a flagged question counts as shaky), so missed exam questions enter the review queue
 * with the dates they were missed.
 *
 * **Version 1** (the first prototype): `{ version: 1, completedLessons: string[], quizScores:
 * { [slug]: number } }` (best percentage). Migration to 2: each completed slug →
 * `{ completed: true, completedAt: null }` (v1 kept no dates); each score →
 * `{ best: score, attempts: 1, lastAt: null }`; `exams: []`; then 2 → 3.
 *
 * Reading is lenient part by part (validate.ts): an invalid part is dropped with a message naming
 * it, the rest is kept.
 *
 * @module
 */
import type { ExamAttempt, ExamResult } from '../quiz/exam';
import type { Response } from '../quiz/types';
import type { ReviewCard } from './card';

/** localStorage key of the progress record. */
export const STORAGE_KEY = 'portsim.progress';
/** Prefix of the keys under which earlier records are kept (`portsim.progress.backup.<ms>`). */
export const BACKUP_PREFIX = 'portsim.progress.backup.';
export const CURRENT_VERSION = 3;
/** Finished exams kept in the history. */
export const MAX_EXAMS = 50;

export interface LessonProgress {
	completed: boolean;
	completedAt: number | null;
}
export interface QuizProgress {
	/** Best score, percent 0–100. */
	best: number;
	attempts: number;
	lastAt: number | null;
}
/** A lesson quiz in progress (or finished and not yet retried), so a reload keeps the answers. */
export interface LessonQuizDraft {
	/** Attempt number: seeds the option order, so it stays the same across reloads. */
	attempt: number;
	responses: Record<string, Response>;
	/** Questions whose answer has been checked (then locked). */
	checked: string[];
	updatedAt: number;
}
/** Every graded answer to one question, plus its review-queue state. */
export interface QuestionRecord {
	/** Times the question was graded. */
	seen: number;
	/** Times it was answered right. */
	right: number;
	/** Whether the latest answer was right. */
	last: boolean;
	/** When the latest answer was graded. */
	lastAt: number;
	/** FSRS card, present once the question was missed or answered shakily (review.ts). */
	card?: ReviewCard;
}
export interface ProgressV3 {
	version: 3;
	lessons: Record<string, LessonProgress>;
	quizzes: Record<string, QuizProgress>;
	drafts: Record<string, LessonQuizDraft>;
	exams: ExamResult[];
	currentExam?: ExamAttempt;
	questions: Record<string, QuestionRecord>;
}
export interface ProgressV2 {
	version: 2;
	lessons: Record<string, LessonProgress>;
	quizzes: Record<string, QuizProgress>;
	exams: ExamResult[];
	currentExam?: ExamAttempt;
}
export interface ProgressV1 {
	version: 1;
	completedLessons: string[];
	quizScores: Record<string, number>;
}
export type Progress = ProgressV3;

/** An empty current-version record. */
export function emptyProgress(): Progress {
	return { version: 3, lessons: {}, quizzes: {}, drafts: {}, exams: [], questions: {} };
}

/** True when the record holds nothing worth keeping. */
export function isEmptyProgress(p: Progress): boolean {
	return (
		Object.keys(p.lessons).length === 0 &&
		Object.keys(p.quizzes).length === 0 &&
		Object.keys(p.drafts).length === 0 &&
		p.exams.length === 0 &&
		!p.currentExam &&
		Object.keys(p.questions).length === 0
	);
}

/** Upgrade a validated v1 record to v2. */
export function migrateV1(v1: ProgressV1): ProgressV2 {
	const p: ProgressV2 = { version: 2, lessons: {}, quizzes: {}, exams: [] };
	for (const slug of v1.completedLessons) p.lessons[slug] = { completed: true, completedAt: null };
	for (const [slug, score] of Object.entries(v1.quizScores)) {
		p.quizzes[slug] = { best: Math.max(0, Math.min(100, Math.round(score))), attempts: 1, lastAt: null };
	}
	return p;
}

/** Record a finished lesson quiz: keeps the best percentage and counts attempts. Returns a new record. */
export function withQuizAttempt(p: Progress, slug: string, correct: number, total: number, now: number): Progress {
	const pct = total === 0 ? 0 : Math.round((100 * correct) / total);
	const prev = p.quizzes[slug];
	return {
		...p,
		quizzes: { ...p.quizzes, [slug]: { best: Math.max(prev?.best ?? 0, pct), attempts: (prev?.attempts ?? 0) + 1, lastAt: now } }
	};
}

/** Mark a lesson completed (keeps the first completion date). Returns a new record. */
export function withLessonCompleted(p: Progress, slug: string, now: number): Progress {
	if (p.lessons[slug]?.completed) return p;
	return { ...p, lessons: { ...p.lessons, [slug]: { completed: true, completedAt: now } } };
}

/** Set (or, with null, remove) a lesson quiz's draft. Returns a new record. */
export function withDraft(p: Progress, slug: string, draft: LessonQuizDraft | null): Progress {
	const { [slug]: _old, ...rest } = p.drafts;
	return { ...p, drafts: draft ? { ...rest, [slug]: draft } : rest };
}

/** Append a finished exam (trimming the history to MAX_EXAMS) and clear the current exam. */
export function withExamFinished(p: Progress, r: ExamResult): Progress {
	const { currentExam: _drop, ...rest } = p;
	return { ...rest, exams: [...p.exams.filter((e) => e.id !== r.id), r].slice(-MAX_EXAMS) };
}
