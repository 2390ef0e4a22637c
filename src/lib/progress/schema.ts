/**
 * Progress data: versioned schema, validation and migration (pure; no localStorage here).
 *
 * Stored as JSON under {@link STORAGE_KEY}.
 *
 * **Version 2** (current):
 * ```ts
 * { version: 2,
 *   lessons: { [slug]: { completed: boolean, completedAt: number | null } },   // ms since epoch
 *   quizzes: { [slug]: { best: number, attempts: number, lastAt: number | null } }, // best = % 0–100
 *   exams: ExamResult[],            // newest last, at most MAX_EXAMS
 *   currentExam?: ExamAttempt }     // an exam in progress
 * ```
 * **Version 1** (the first prototype; lessons and quizzes only):
 * `{ version: 1, completedLessons: string[], quizScores: { [slug]: number } }` where a score is the
 * best percentage. Migration: each completed slug → `{ completed: true, completedAt: null }`
 * (v1 kept no dates); each score → `{ best: score, attempts: 1, lastAt: null }` (v1 only stored a
 * score after an attempt); `exams: []`.
 *
 * @module
 */
import type { ExamAttempt, ExamResult } from '../quiz/exam';

/** localStorage key of the progress record. */
export const STORAGE_KEY = 'portsim.progress';
/** Prefix of the keys under which unreadable data is kept (`portsim.progress.backup.<ms>`). */
export const BACKUP_PREFIX = 'portsim.progress.backup.';
export const CURRENT_VERSION = 2;
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
export type Progress = ProgressV2;

/** An empty v2 record. */
export function emptyProgress(): Progress {
	return { version: 2, lessons: {}, quizzes: {}, exams: [] };
}

/** Outcome of {@link parseProgress}. */
export type ParseResult =
	| { ok: true; progress: Progress; migratedFrom?: number }
	| { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** Upgrade a validated v1 record to v2. */
export function migrateV1(v1: ProgressV1): Progress {
	const p = emptyProgress();
	for (const slug of v1.completedLessons) p.lessons[slug] = { completed: true, completedAt: null };
	for (const [slug, score] of Object.entries(v1.quizScores)) {
		p.quizzes[slug] = { best: Math.max(0, Math.min(100, Math.round(score))), attempts: 1, lastAt: null };
	}
	return p;
}

function checkV1(d: Record<string, unknown>): string | null {
	if (!isStrArr(d.completedLessons)) return 'version 1: "completedLessons" must be a list of lesson slugs';
	if (!isObj(d.quizScores)) return 'version 1: "quizScores" must be an object';
	for (const [k, v] of Object.entries(d.quizScores)) if (!isNum(v)) return `version 1: quizScores.${k} must be a number`;
	return null;
}

function checkAttempt(a: unknown, where: string): string | null {
	if (!isObj(a)) return `${where} must be an object`;
	if (typeof a.id !== 'string') return `${where}.id must be text`;
	if (!isNum(a.seed)) return `${where}.seed must be a number`;
	if (a.mode !== 'exam' && a.mode !== 'study') return `${where}.mode must be "exam" or "study"`;
	if (!isStrArr(a.domains)) return `${where}.domains must be a list`;
	if (!isStrArr(a.questionIds) || a.questionIds.length === 0) return `${where}.questionIds must be a non-empty list`;
	if (!isObj(a.orders)) return `${where}.orders must be an object`;
	for (const [k, v] of Object.entries(a.orders)) if (!isStrArr(v)) return `${where}.orders.${k} must be a list`;
	if (!isObj(a.answers)) return `${where}.answers must be an object`;
	if (!isStrArr(a.flagged)) return `${where}.flagged must be a list`;
	if (!isStrArr(a.checked)) return `${where}.checked must be a list`;
	if (!isNum(a.current) || a.current < 0) return `${where}.current must be a number ≥ 0`;
	if (!isNum(a.startedAt) || !isNum(a.durationMs)) return `${where}.startedAt/durationMs must be numbers`;
	return null;
}

function checkResult(r: unknown, where: string): string | null {
	const e = checkAttempt(r, where);
	if (e) return e;
	const x = r as Record<string, unknown>;
	if (!isNum(x.finishedAt) || !isNum(x.correct) || !isNum(x.total)) return `${where}: finishedAt, correct and total must be numbers`;
	if (!isObj(x.byDomain)) return `${where}.byDomain must be an object`;
	if (!isStrArr(x.wrong)) return `${where}.wrong must be a list`;
	return null;
}

function checkV2(d: Record<string, unknown>): string | null {
	if (!isObj(d.lessons)) return '"lessons" must be an object';
	for (const [slug, l] of Object.entries(d.lessons)) {
		if (!SLUG.test(slug)) return `lessons: "${slug}" is not a lesson slug`;
		if (!isObj(l) || typeof l.completed !== 'boolean') return `lessons.${slug}.completed must be true or false`;
		if (l.completedAt !== null && !isNum(l.completedAt)) return `lessons.${slug}.completedAt must be a number or null`;
	}
	if (!isObj(d.quizzes)) return '"quizzes" must be an object';
	for (const [slug, q] of Object.entries(d.quizzes)) {
		if (!isObj(q) || !isNum(q.best) || q.best < 0 || q.best > 100) return `quizzes.${slug}.best must be a percentage 0–100`;
		if (!isNum(q.attempts) || q.attempts < 0) return `quizzes.${slug}.attempts must be a number`;
		if (q.lastAt !== null && q.lastAt !== undefined && !isNum(q.lastAt)) return `quizzes.${slug}.lastAt must be a number or null`;
	}
	if (!Array.isArray(d.exams)) return '"exams" must be a list';
	for (let i = 0; i < d.exams.length; i++) {
		const e = checkResult(d.exams[i], `exams[${i}]`);
		if (e) return e;
	}
	if (d.currentExam !== undefined && d.currentExam !== null) {
		const e = checkAttempt(d.currentExam, 'currentExam');
		if (e) return e;
	}
	return null;
}

/**
 * Validate (and if needed migrate) progress data that was already JSON-parsed.
 * Never throws; unknown versions and malformed records are errors naming the field.
 */
export function validateProgress(data: unknown): ParseResult {
	if (!isObj(data)) return { ok: false, error: 'progress must be a JSON object' };
	const v = data.version;
	if (v === 1) {
		const e = checkV1(data);
		return e ? { ok: false, error: e } : { ok: true, progress: migrateV1(data as unknown as ProgressV1), migratedFrom: 1 };
	}
	if (v === 2) {
		const e = checkV2(data);
		if (e) return { ok: false, error: `version 2: ${e}` };
		const p: Progress = {
			version: 2,
			lessons: data.lessons as Progress['lessons'],
			quizzes: Object.fromEntries(
				Object.entries(data.quizzes as Record<string, QuizProgress>).map(([k, q]) => [k, { best: q.best, attempts: q.attempts, lastAt: q.lastAt ?? null }])
			),
			exams: (data.exams as ExamResult[]).slice(-MAX_EXAMS)
		};
		if (data.currentExam) p.currentExam = data.currentExam as ExamAttempt;
		return { ok: true, progress: p };
	}
	if (v === undefined) return { ok: false, error: 'no "version" field: this is not portsim progress data' };
	return { ok: false, error: `unknown version ${JSON.stringify(v)} (this site reads versions 1 and 2)` };
}

/** Parse JSON text then {@link validateProgress}. */
export function parseProgress(text: string): ParseResult {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		return { ok: false, error: `not valid JSON (${e instanceof Error ? e.message : String(e)})` };
	}
	return validateProgress(data);
}

/** Outcome of reading stored data at start-up. */
export interface LoadOutcome {
	progress: Progress;
	/** Message to show the learner (migration done, or data unreadable and backed up). */
	notice: string | null;
	/** When set, the raw text must be copied to this backup key before anything is overwritten. */
	backupKey: string | null;
	/** True when the stored record should be rewritten (migrated). */
	rewrite: boolean;
}

/**
 * Decide what to do with the raw stored text (null when nothing is stored).
 * Unreadable data is never discarded: the caller keeps it under `backupKey`.
 * @param now - wall-clock ms, used for the backup key.
 */
export function loadFromStored(raw: string | null, now: number): LoadOutcome {
	if (raw === null || raw === '') return { progress: emptyProgress(), notice: null, backupKey: null, rewrite: false };
	const r = parseProgress(raw);
	if (r.ok) {
		return {
			progress: r.progress,
			notice: r.migratedFrom ? `Your saved progress was upgraded from version ${r.migratedFrom} to version ${CURRENT_VERSION}.` : null,
			backupKey: r.migratedFrom ? `${BACKUP_PREFIX}${now}` : null,
			rewrite: !!r.migratedFrom
		};
	}
	const backupKey = `${BACKUP_PREFIX}${now}`;
	return {
		progress: emptyProgress(),
		notice: `Saved progress could not be read (${r.error}). It was kept under the key "${backupKey}" and a fresh record was started.`,
		backupKey,
		rewrite: false
	};
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

/** Append a finished exam (trimming the history to MAX_EXAMS) and clear the current exam. */
export function withExamFinished(p: Progress, r: ExamResult): Progress {
	const { currentExam: _drop, ...rest } = p;
	return { ...rest, exams: [...p.exams, r].slice(-MAX_EXAMS) };
}
