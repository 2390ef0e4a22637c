/**
 * The learner's progress as reactive state, persisted to localStorage (key `portsim.progress`).
 *
 * Loaded once when this module is first evaluated in the browser (outside any effect); on the
 * server (prerendering) the record is empty. Every change is written through immediately, so
 * reloading mid-exam loses no answer. Unreadable stored data is copied to a backup key and
 * reported through {@link progressNotice}; it never throws into a page.
 *
 * @module
 */
import type { ExamAttempt, ExamResult } from '../quiz/exam';
import {
	STORAGE_KEY,
	emptyProgress,
	loadFromStored,
	parseProgress,
	withExamFinished,
	withLessonCompleted,
	withQuizAttempt,
	type Progress
} from './schema';

const browser = typeof window !== 'undefined' && typeof localStorage !== 'undefined';

class ProgressStore {
	/** The whole record; replaced (never mutated) on every change. */
	data = $state.raw<Progress>(emptyProgress());
	/** A message for the learner, or null. */
	notice = $state<string | null>(null);
	/** True once the browser copy has been read. */
	loaded = $state(false);

	load(): void {
		if (!browser) return;
		let raw: string | null = null;
		try {
			raw = localStorage.getItem(STORAGE_KEY);
		} catch (e) {
			this.notice = `Progress cannot be saved in this browser (${e instanceof Error ? e.message : String(e)}).`;
			this.loaded = true;
			return;
		}
		const out = loadFromStored(raw, Date.now());
		try {
			if (out.backupKey && raw !== null) localStorage.setItem(out.backupKey, raw);
			if (out.rewrite) localStorage.setItem(STORAGE_KEY, JSON.stringify(out.progress));
			else if (out.backupKey) localStorage.removeItem(STORAGE_KEY);
		} catch {
			/* keep going with what we read; the notice below still tells the learner */
		}
		this.data = out.progress;
		if (out.notice) this.notice = out.notice;
		this.loaded = true;
	}

	set(next: Progress): void {
		this.data = next;
		if (!browser) return;
		try {
			localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
		} catch (e) {
			this.notice = `Progress could not be saved (${e instanceof Error ? e.message : String(e)}).`;
		}
	}
}

/** The single store instance. */
export const progress = new ProgressStore();

if (browser) {
	progress.load();
	window.addEventListener('storage', (ev) => {
		if (ev.key === STORAGE_KEY) progress.load();
	});
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

/** Record a finished lesson quiz (best score kept, attempts counted). */
export function recordQuizAttempt(slug: string, correct: number, total: number): void {
	progress.set(withQuizAttempt(progress.data, slug, correct, total, Date.now()));
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

/** Store a finished exam in the history and clear the exam in progress. */
export function finishExam(r: ExamResult): void {
	progress.set(withExamFinished(progress.data, r));
}

/** Finished exams, oldest first. Reactive. */
export function examHistory(): ExamResult[] {
	return progress.data.exams;
}

/** A message about stored data (migration, unreadable data kept in a backup), or null. Reactive. */
export function progressNotice(): string | null {
	return progress.notice;
}

/** Hide the current notice. */
export function dismissNotice(): void {
	progress.notice = null;
}

/** The whole record as pretty JSON, for download. */
export function exportProgress(): string {
	return JSON.stringify(progress.data, null, 2);
}

/**
 * Replace the record with imported JSON (version 1 or 2).
 * @returns `{ ok: true }` or `{ ok: false, error }` with a message naming the bad field; the
 *   current record is untouched on error.
 */
export function importProgress(text: string): { ok: true; migratedFrom?: number } | { ok: false; error: string } {
	const r = parseProgress(text);
	if (!r.ok) return r;
	progress.set(r.progress);
	return { ok: true, migratedFrom: r.migratedFrom };
}

/** Forget all progress. */
export function resetProgress(): void {
	progress.set(emptyProgress());
}
