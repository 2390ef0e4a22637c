/**
 * The learner's progress as reactive state, persisted to localStorage (key `portsim.progress`).
 *
 * Loaded once when this module is first evaluated in the browser; on the server (prerendering)
 * the record is empty. Every change is written through at once, so a reload mid-exam or mid-quiz
 * loses no answer.
 *
 * Nothing stored is overwritten without a verified backup (storage.ts): when the stored record is
 * unreadable, from an older version or had invalid parts, it is first copied to
 * `portsim.progress.backup.<ms>` and read back. If that copy cannot be written (storage full), the
 * record is *guarded*: nothing is written over it, the notice says so, the raw text is offered as a
 * download, and the copy is retried every few seconds.
 *
 * When a write fails (storage full, e.g. mid-exam), the data stays in memory, {@link saveProblem}
 * reports it (a persistent banner offers "Download your answers"), and saving is retried every
 * {@link RETRY_MS} ms, when another tab frees space (a `storage` event) and when the tab regains focus.
 *
 * The FSRS scheduler (review.ts, with ts-fsrs) is not part of this module's imports: pages that
 * grade no answer never load it (issue 18: the JavaScript of a lesson's first load). It is loaded by
 * {@link loadScheduler}, which the components that grade answers call ahead of need (on mount, or
 * on the first answer). An answer graded before it arrives is still recorded: the rest of the change
 * is written at once and the answer's counts and card are added when the scheduler arrives, with the
 * time of the answer (see `setWithAnswers`). An older (v1, v2) stored record is migrated with the
 * scheduler too, so reading one waits for it (`loaded` stays false until then).
 *
 * @module
 */
import type { ExamAttempt, ExamResult } from '../quiz/exam';
import type { Outcome } from './card';
import {
	STORAGE_KEY,
	emptyProgress,
	isEmptyProgress,
	withDraft,
	withExamFinished,
	withLessonCompleted,
	withQuizAttempt,
	type LessonQuizDraft,
	type Progress,
	type QuestionRecord
} from './schema';
import { describePlan, describeStorageError, listBackups, planLoad, writeBackup, type BackupInfo, type KeyValueStore } from './storage';
import { parseProgress } from './validate';

type Review = typeof import('./review');
/** The scheduler module once loaded. */
let review: Review | null = null;
let reviewLoading: Promise<Review> | null = null;

/**
 * Load the FSRS scheduler (review.ts and ts-fsrs) if it is not loaded yet. Components that grade
 * answers call it ahead of need; the store calls it when an answer or an older record needs it.
 */
export function loadScheduler(): Promise<Review> {
	return (reviewLoading ??= import('./review').then((m) => (review = m)));
}
/** How often a failed save is retried, ms. */
export const RETRY_MS = 3000;

/** A stored record that must not be overwritten until a verified backup of it exists. */
export interface Guard {
	raw: string;
	/** Why it could not be read, or null when it was readable (older version or invalid parts). */
	unreadable: string | null;
}

export class ProgressStore {
	/** The whole record; replaced (never mutated) on every change. */
	data = $state.raw<Progress>(emptyProgress());
	/** A dismissible message for the learner, or null. */
	notice = $state<string | null>(null);
	/** Raw stored text offered for download with the notice (unreadable or partly invalid original). */
	noticeRaw = $state<string | null>(null);
	/** Set while the stored record is guarded (see the module comment). */
	guard = $state.raw<Guard | null>(null);
	/** Why the latest data is not saved yet, or null when everything is saved. */
	unsaved = $state<string | null>(null);
	/** A short status after saving works again, or null. */
	status = $state<string | null>(null);
	/** Backups kept in this browser, newest first. */
	backups = $state.raw<BackupInfo[]>([]);
	/** True once the browser copy has been read. */
	loaded = $state(false);

	#store: KeyValueStore | null;
	#timer: ReturnType<typeof setInterval> | null = null;

	constructor(store: KeyValueStore | null) {
		this.#store = store;
	}

	/** Read the stored record (again). Guarded records and failed backups are handled here. */
	load(): void {
		const store = this.#store;
		if (!store) return;
		let raw: string | null;
		try {
			raw = store.getItem(STORAGE_KEY);
		} catch (e) {
			this.unsaved = `progress cannot be saved in this browser (${describeStorageError(e)})`;
			this.loaded = true;
			return;
		}
		const plan = planLoad(raw, review?.withAnswers);
		if (plan.needsReplay) {
			// An older record: migrating it replays its exams through the scheduler.
			void loadScheduler().then(() => this.load());
			return;
		}
		this.data = plan.progress;
		this.guard = null;
		this.notice = null;
		this.noticeRaw = null;
		if (plan.needsBackup && raw !== null) {
			const key = writeBackup(store, raw, Date.now());
			this.notice = describePlan(plan, key);
			this.noticeRaw = plan.unreadable !== null || plan.dropped.length > 0 ? raw : null;
			if (key) this.persist();
			else {
				this.guard = { raw, unreadable: plan.unreadable };
				this.unsaved = "this browser's storage is full";
				this.#scheduleRetry();
			}
		}
		this.refreshBackups();
		this.loaded = true;
	}

	/**
	 * Write the record. A guarded record is backed up first; if that fails nothing is written.
	 * @returns true when the current data is saved.
	 */
	persist(): boolean {
		const store = this.#store;
		if (!store) return true;
		const wasUnsaved = this.unsaved !== null;
		if (this.guard) {
			const key = writeBackup(store, this.guard.raw, Date.now());
			if (!key) {
				this.unsaved = "this browser's storage is full";
				this.#scheduleRetry();
				return false;
			}
			this.guard = null;
			this.notice = `The earlier saved record is now kept under the key "${key}", and saving has resumed.`;
			this.refreshBackups();
		}
		try {
			store.setItem(STORAGE_KEY, JSON.stringify(this.data));
		} catch (e) {
			this.unsaved = describeStorageError(e);
			this.#scheduleRetry();
			return false;
		}
		this.unsaved = null;
		if (wasUnsaved) this.status = 'Saved: your progress is stored in this browser again.';
		this.#stopRetry();
		return true;
	}

	/** Replace the record and write it through. */
	set(next: Progress): void {
		this.data = next;
		this.persist();
	}

	/** Re-read the list of backups. */
	refreshBackups(): void {
		if (!this.#store) return;
		try {
			this.backups = listBackups(this.#store);
		} catch {
			this.backups = [];
		}
	}

	/** The text of a backup, or null. */
	readBackup(key: string): string | null {
		try {
			return this.#store?.getItem(key) ?? null;
		} catch {
			return null;
		}
	}

	/** Delete one backup (the learner chose to). */
	deleteBackup(key: string): void {
		try {
			this.#store?.removeItem(key);
		} catch {
			/* nothing to do */
		}
		this.refreshBackups();
		if (this.unsaved) this.persist();
	}

	/** Give up a guarded record (the learner chose to, after downloading it) and start saving. */
	discardGuarded(): void {
		if (!this.guard) return;
		try {
			this.#store?.removeItem(STORAGE_KEY);
		} catch {
			/* setItem below reports any problem */
		}
		this.guard = null;
		this.noticeRaw = null;
		this.notice = 'The unreadable record was discarded.';
		this.persist();
	}

	/**
	 * Replace the record with imported text (lenient: invalid parts are dropped and named).
	 * The record stored now is backed up (verified) first unless it is empty; when that is not
	 * possible, or when the latest progress is not saved yet, nothing is replaced.
	 */
	import(text: string): ImportResult {
		const r = parseProgress(text, review?.withAnswers);
		if (!r.ok && r.needsReplay) {
			void loadScheduler();
			return { ok: false, error: 'this is an older progress file, and the part of the site that converts it is still loading. Import it again in a moment' };
		}
		if (!r.ok) return r;
		if (this.unsaved && !this.guard)
			return { ok: false, error: `your latest progress is not saved yet (${this.unsaved}), so nothing was replaced. Download it first` };
		let backupKey: string | null = null;
		const store = this.#store;
		if (store) {
			let raw: string | null = null;
			try {
				raw = store.getItem(STORAGE_KEY);
			} catch {
				raw = null;
			}
			const current = raw === null ? null : planLoad(raw, review?.withAnswers);
			if (raw !== null && current && (current.unreadable !== null || !isEmptyProgress(current.progress))) {
				backupKey = writeBackup(store, raw, Date.now());
				if (!backupKey)
					return {
						ok: false,
						error:
							"there is no room in this browser's storage for a backup of the progress stored here, so nothing was replaced. Export it, or download and delete old backups, then import again"
					};
			}
		}
		this.guard = null;
		this.noticeRaw = null;
		this.data = r.progress;
		const saved = this.persist();
		this.refreshBackups();
		return { ok: true, migratedFrom: r.migratedFrom, dropped: r.dropped, backupKey, saved };
	}

	#scheduleRetry(): void {
		if (this.#timer !== null || typeof setInterval === 'undefined') return;
		this.#timer = setInterval(() => this.persist(), RETRY_MS);
	}

	#stopRetry(): void {
		if (this.#timer !== null) clearInterval(this.#timer);
		this.#timer = null;
	}
}

/** Outcome of {@link importProgress}. */
export type ImportResult =
	| { ok: true; migratedFrom?: number; dropped: string[]; backupKey: string | null; saved: boolean }
	| { ok: false; error: string };

const browser = typeof window !== 'undefined' && typeof localStorage !== 'undefined';

/** The single store instance. */
export const progress = new ProgressStore(browser ? localStorage : null);

if (browser) {
	progress.load();
	window.addEventListener('storage', (ev) => {
		// Another tab saved (or freed space). Keep this tab's unsaved data rather than reloading over it.
		if (progress.unsaved !== null || progress.guard !== null) progress.persist();
		else if (ev.key === STORAGE_KEY || ev.key === null) progress.load();
	});
	window.addEventListener('focus', () => {
		if (progress.unsaved !== null) progress.persist();
	});
}

/**
 * Write `base` with the graded answers `outcomes` (counts and FSRS cards, review.ts
 * `withAnswers`, at time `now`). Before the scheduler has loaded, `base` is written at once and the
 * answers are added, in order, when it arrives: the answers touch only `questions`, which nothing
 * else in `base` changed, so the result is the same record.
 */
function setWithAnswers(base: Progress, outcomes: readonly Outcome[], now: number): void {
	if (outcomes.length === 0) return progress.set(base);
	if (review) return progress.set(review.withAnswers(base, outcomes, now));
	progress.set(base);
	void loadScheduler().then((m) => progress.set(m.withAnswers(progress.data, outcomes, now)));
}

/** True when the lesson `slug` has been marked completed. Reactive. */
export function lessonCompleted(slug: string): boolean {
	return progress.data.lessons[slug]?.completed === true;
}

/** Best lesson-quiz score for `slug` as a percentage 0–100, or null if never taken. Reactive. */
export function quizBest(slug: string): number | null {
	return progress.data.quizzes[slug]?.best ?? null;
}

/** Number of finished attempts at the lesson quiz `slug`. Reactive. */
export function quizAttempts(slug: string): number {
	return progress.data.quizzes[slug]?.attempts ?? 0;
}

/** Mark a lesson completed (the first completion time is kept). */
export function markLessonCompleted(slug: string): void {
	progress.set(withLessonCompleted(progress.data, slug, Date.now()));
}

/** Record a finished lesson quiz (best score kept, attempts counted) without marking the lesson. */
export function recordQuizAttempt(slug: string, correct: number, total: number): void {
	progress.set(withQuizAttempt(progress.data, slug, correct, total, Date.now()));
}

/** Record a finished lesson quiz and mark the lesson completed, in one write. */
export function finishLessonQuiz(slug: string, correct: number, total: number): void {
	const now = Date.now();
	progress.set(withLessonCompleted(withQuizAttempt(progress.data, slug, correct, total, now), slug, now));
}

/**
 * Save a lesson quiz's answers after a check, record the checked answers (mastery, review queue)
 * and, when `finished` is given, the quiz score and the lesson as completed — in one write.
 */
export function checkLessonQuiz(
	slug: string,
	draft: LessonQuizDraft,
	outcomes: readonly Outcome[],
	finished: { correct: number; total: number } | null
): void {
	const now = Date.now();
	let p = withDraft(progress.data, slug, draft);
	if (finished) p = withLessonCompleted(withQuizAttempt(p, slug, finished.correct, finished.total, now), slug, now);
	setWithAnswers(p, outcomes, now);
}

/** The saved answers of the lesson quiz `slug`, or null. Reactive. */
export function quizDraft(slug: string): LessonQuizDraft | null {
	return progress.data.drafts[slug] ?? null;
}

/** Save (or with null, forget) the answers of the lesson quiz `slug`. */
export function saveQuizDraft(slug: string, draft: LessonQuizDraft | null): void {
	progress.set(withDraft(progress.data, slug, draft));
}

/** Record graded answers: counts for mastery, FSRS cards for the review queue (review.ts). */
export function recordAnswers(outcomes: readonly Outcome[]): void {
	if (outcomes.length) setWithAnswers(progress.data, outcomes, Date.now());
}

/** Every question's record (counts and review card). Reactive. */
export function questionRecords(): Record<string, QuestionRecord> {
	return progress.data.questions;
}

/** The exam in progress, if any. Reactive. */
export function currentExam(): ExamAttempt | null {
	return progress.data.currentExam ?? null;
}

/** Start (or replace) the exam in progress. */
export function startExam(a: ExamAttempt): void {
	progress.set({ ...progress.data, currentExam: a });
}

/** Update the exam in progress (answers, flags, position) and save at once. No-op without one. */
export function updateExam(change: (a: ExamAttempt) => ExamAttempt): void {
	const a = progress.data.currentExam;
	if (!a) return;
	progress.set({ ...progress.data, currentExam: change(a) });
}

/** Abandon the exam in progress without recording it. */
export function abandonExam(): void {
	const { currentExam: _drop, ...rest } = progress.data;
	progress.set(rest);
}

/**
 * Store a finished exam in the history, clear the exam in progress, and record each graded
 * answer (`outcomes`: the questions that were scored) for mastery and review.
 */
export function finishExam(r: ExamResult, outcomes: readonly Outcome[] = []): void {
	setWithAnswers(withExamFinished(progress.data, r), outcomes, r.finishedAt);
}

/** Finished exams, oldest first. Reactive. */
export function examHistory(): ExamResult[] {
	return progress.data.exams;
}

/** A message about stored data (migration, parts left out, backups), or null. Reactive. */
export function progressNotice(): string | null {
	return progress.notice;
}

/** Hide the current notice (a guarded record keeps its banner). */
export function dismissNotice(): void {
	progress.notice = null;
	progress.status = null;
}

/** Why the latest progress is not saved, and whether a stored record is guarded. Reactive. */
export function saveProblem(): { unsaved: string | null; guard: Guard | null } {
	return { unsaved: progress.unsaved, guard: progress.guard };
}

/** The whole record as pretty JSON, for download. */
export function exportProgress(): string {
	return JSON.stringify(progress.data, null, 2);
}

/** Replace the record with imported JSON (versions 1 to 3); see `ProgressStore.import`. */
export function importProgress(text: string): ImportResult {
	return progress.import(text);
}

/** Forget all progress (the learner confirmed). Backups are kept. */
export function resetProgress(): void {
	progress.set(emptyProgress());
}
