import { afterEach, describe, expect, it, vi } from 'vitest';
import { BACKUP_PREFIX, STORAGE_KEY, emptyProgress } from './schema';
import { listBackups, planLoad, writeBackup, writeVerified, type KeyValueStore } from './storage';
import { ProgressStore, RETRY_MS } from './store.svelte';
import { withAnswers } from './review';
import { buildExam } from '../quiz/exam';
import type { Question } from '../quiz/types';

/** A Web Storage stand-in with a quota in characters (keys + values), like a browser's. */
class FakeStorage implements KeyValueStore {
	map = new Map<string, string>();
	constructor(public quota = Infinity) {}
	get length() {
		return this.map.size;
	}
	used(): number {
		let n = 0;
		for (const [k, v] of this.map) n += k.length + v.length;
		return n;
	}
	key(i: number) {
		return [...this.map.keys()][i] ?? null;
	}
	getItem(k: string) {
		return this.map.get(k) ?? null;
	}
	setItem(k: string, v: string) {
		const after = this.used() - (this.map.has(k) ? k.length + this.map.get(k)!.length : 0) + k.length + v.length;
		if (after > this.quota) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
		this.map.set(k, v);
	}
	removeItem(k: string) {
		this.map.delete(k);
	}
	/** Fill what is left of the quota with filler keys. */
	fill(): void {
		for (let i = 0; this.quota - this.used() > 20; i++) this.map.set(`filler${i}`, 'x'.repeat(Math.max(1, Math.min(1000, this.quota - this.used() - 12))));
	}
	clearFiller(): void {
		for (const k of [...this.map.keys()]) if (k.startsWith('filler')) this.map.delete(k);
	}
}

const T = Date.UTC(2025, 2, 3, 9, 0, 0);
afterEach(() => vi.useRealTimers());

describe('verified writes and backups', () => {
	it('verifies by reading back and reports a full store', () => {
		const s = new FakeStorage(100);
		expect(writeVerified(s, 'k', 'v')).toEqual({ ok: true });
		expect(writeVerified(s, 'big', 'x'.repeat(200))).toEqual({ ok: false, error: "this browser's storage is full" });
		const liar: KeyValueStore = { ...s, length: 0, key: () => null, getItem: () => 'something else', setItem: () => {}, removeItem: () => {} };
		expect(writeVerified(liar, 'k', 'v')).toEqual({ ok: false, error: 'the copy did not read back identical' });
	});
	it('never reuses a backup key and leaves nothing half-written', () => {
		const s = new FakeStorage();
		expect(writeBackup(s, 'one', T)).toBe(`${BACKUP_PREFIX}${T}`);
		expect(writeBackup(s, 'two', T)).toBe(`${BACKUP_PREFIX}${T}-2`);
		expect(listBackups(s).map((b) => b.size).sort()).toEqual([3, 3]);
		const full = new FakeStorage(50);
		full.fill();
		expect(writeBackup(full, 'x'.repeat(40), T)).toBeNull();
		expect([...full.map.keys()].some((k) => k.startsWith(BACKUP_PREFIX))).toBe(false);
	});
	it('plans: nothing, use, migrate or drop (with a backup), or set aside', () => {
		expect(planLoad(null)).toMatchObject({ needsBackup: false, unreadable: null });
		expect(planLoad(JSON.stringify(emptyProgress()))).toMatchObject({ needsBackup: false, dropped: [], migratedFrom: null });
		expect(planLoad(JSON.stringify({ version: 2, lessons: {}, quizzes: {}, exams: [] }), withAnswers)).toMatchObject({ needsBackup: true, migratedFrom: 2 });
		// Without the scheduler an older record is not planned yet (nothing backed up, nothing dropped).
		expect(planLoad(JSON.stringify({ version: 2, lessons: {}, quizzes: {}, exams: [] }))).toMatchObject({ needsReplay: true, needsBackup: false, unreadable: null });
		expect(planLoad(JSON.stringify({ ...emptyProgress(), quizzes: { udp: { best: 101, attempts: 1 } } }))).toMatchObject({ needsBackup: true, dropped: ['quizzes.udp: best 101 is not a percentage 0–100'] });
		expect(planLoad('{"version": 7}')).toMatchObject({ needsBackup: true, unreadable: 'unknown version 7 (this site reads versions 1 to 3)' });
	});
});

describe('ProgressStore: nothing stored is lost silently', () => {
	it('backs up an unreadable record, says where, and starts fresh', () => {
		vi.useFakeTimers({ now: T });
		const s = new FakeStorage();
		s.setItem(STORAGE_KEY, '{"version": 7}');
		const p = new ProgressStore(s);
		p.load();
		expect(s.getItem(`${BACKUP_PREFIX}${T}`)).toBe('{"version": 7}');
		expect(p.notice).toBe(`Saved progress could not be read (unknown version 7 (this site reads versions 1 to 3)). It was kept under the key "${BACKUP_PREFIX}${T}" and a fresh record was started.`);
		expect(p.noticeRaw).toBe('{"version": 7}');
		expect(JSON.parse(s.getItem(STORAGE_KEY)!)).toEqual(emptyProgress());
		expect(p.guard).toBeNull();
	});

	it('leaves an unreadable record untouched when no backup fits, even after "Mark lesson complete", and saves once space frees', () => {
		vi.useFakeTimers({ now: T });
		const s = new FakeStorage(4000);
		s.setItem(STORAGE_KEY, '{"version": 7, "pad": "' + 'y'.repeat(500) + '"}');
		const original = s.getItem(STORAGE_KEY);
		s.fill();
		const p = new ProgressStore(s);
		p.load();
		expect(p.guard).not.toBeNull();
		expect(p.notice).toMatch(/could not be read .* no room .* left exactly as it was and nothing will be saved over it/);
		expect(p.notice).not.toMatch(/kept under/);
		expect(p.noticeRaw).toBe(original);
		p.set({ ...p.data, lessons: { udp: { completed: true, completedAt: T } } });
		expect(s.getItem(STORAGE_KEY)).toBe(original);
		expect(p.unsaved).toBe("this browser's storage is full");
		vi.advanceTimersByTime(RETRY_MS * 2);
		expect(s.getItem(STORAGE_KEY)).toBe(original);
		s.clearFiller();
		vi.advanceTimersByTime(RETRY_MS);
		const key = listBackups(s)[0].key;
		expect(s.getItem(key)).toBe(original);
		expect(JSON.parse(s.getItem(STORAGE_KEY)!).lessons.udp.completed).toBe(true);
		expect(p.guard).toBeNull();
		expect(p.unsaved).toBeNull();
		expect(p.notice).toBe(`The earlier saved record is now kept under the key "${key}", and saving has resumed.`);
	});

	it('keeps exam answers in memory when storage fills mid-exam and retries until they are saved', () => {
		vi.useFakeTimers({ now: T });
		const s = new FakeStorage(6000);
		const p = new ProgressStore(s);
		p.load();
		const q: Question = { id: 'q1', type: 'short', lesson: 'l', prompt: 'p', explanation: 'e', link: '/lessons/l#x', objectives: { netplus: ['1.4'], ccna: [] }, answer: ['x'] };
		const a = buildExam({ pool: [q], seed: 1, length: 1, domains: ['netplus:1'], mode: 'exam', now: T });
		p.set({ ...p.data, currentExam: a });
		const before = s.getItem(STORAGE_KEY);
		s.fill();
		p.set({ ...p.data, currentExam: { ...a, answers: { q1: 'my answer' } } });
		expect(p.data.currentExam!.answers.q1).toBe('my answer');
		expect(s.getItem(STORAGE_KEY)).toBe(before);
		expect(p.unsaved).toBe("this browser's storage is full");
		s.clearFiller();
		vi.advanceTimersByTime(RETRY_MS);
		expect(JSON.parse(s.getItem(STORAGE_KEY)!).currentExam.answers.q1).toBe('my answer');
		expect(p.unsaved).toBeNull();
		expect(p.status).toMatch(/^Saved/);
	});

	it('imports leniently, naming what was dropped, after backing up the current record', () => {
		vi.useFakeTimers({ now: T });
		const s = new FakeStorage();
		const p = new ProgressStore(s);
		p.load();
		p.set({ ...p.data, lessons: { nat: { completed: true, completedAt: T } } });
		const current = s.getItem(STORAGE_KEY);
		const file = JSON.stringify({ version: 3, lessons: { udp: { completed: true, completedAt: T } }, quizzes: { udp: { best: 400, attempts: 1, lastAt: null } }, exams: [] });
		const r = p.import(file);
		expect(r).toEqual({ ok: true, migratedFrom: undefined, dropped: ['quizzes.udp: best 400 is not a percentage 0–100'], backupKey: `${BACKUP_PREFIX}${T}`, saved: true });
		expect(s.getItem(`${BACKUP_PREFIX}${T}`)).toBe(current);
		expect(p.data.lessons).toEqual({ udp: { completed: true, completedAt: T } });
		expect(p.data.quizzes).toEqual({});
		expect(p.import('{"version": 9}')).toEqual({ ok: false, error: 'unknown version 9 (this site reads versions 1 to 3)' });
	});

	it('reads an older record once the scheduler has loaded: migrated, backed up first, loaded only then', async () => {
		vi.useFakeTimers({ now: T, toFake: ['Date'] });
		vi.resetModules();
		const store = await import('./store.svelte');
		const s = new FakeStorage();
		const v2 = JSON.stringify({ version: 2, lessons: { udp: { completed: true, completedAt: T } }, quizzes: {}, exams: [] });
		s.setItem(STORAGE_KEY, v2);
		const p = new store.ProgressStore(s);
		p.load();
		// Not loaded yet: nothing read, nothing written over the stored text.
		expect(p.loaded).toBe(false);
		expect(p.data.lessons).toEqual({});
		expect(s.getItem(STORAGE_KEY)).toBe(v2);
		await store.loadScheduler();
		await vi.waitFor(() => expect(p.loaded).toBe(true));
		expect(p.data.version).toBe(3);
		expect(p.data.lessons.udp.completed).toBe(true);
		expect(s.getItem(`${BACKUP_PREFIX}${T}`)).toBe(v2);
		expect(JSON.parse(s.getItem(STORAGE_KEY)!).version).toBe(3);
	});

	it('records an answer graded before the scheduler has loaded, with its card, once it arrives', async () => {
		vi.resetModules();
		const store = await import('./store.svelte');
		store.saveQuizDraft('udp', { attempt: 1, responses: {}, checked: ['q1'], updatedAt: T });
		store.checkLessonQuiz('udp', { attempt: 1, responses: {}, checked: ['q1', 'q2'], updatedAt: T }, [{ id: 'q2', correct: false }], null);
		// The draft is written at once; the answer's record follows with the scheduler.
		expect(store.quizDraft('udp')?.checked).toEqual(['q1', 'q2']);
		expect(store.questionRecords().q2).toBeUndefined();
		const { withAnswers: direct } = await store.loadScheduler();
		await vi.waitFor(() => expect(store.questionRecords().q2).toBeDefined());
		const rec = store.questionRecords().q2;
		expect(rec).toMatchObject({ seen: 1, right: 0, last: false });
		expect(rec.card).toEqual(direct(emptyProgress(), [{ id: 'q2', correct: false }], rec.lastAt).questions.q2.card);
		// Loaded now: the next answer is recorded at once.
		store.recordAnswers([{ id: 'q3', correct: true }]);
		expect(store.questionRecords().q3).toMatchObject({ seen: 1, right: 1 });
	});

	it('refuses an import when the current record cannot be backed up', () => {
		vi.useFakeTimers({ now: T });
		const s = new FakeStorage(3000);
		const p = new ProgressStore(s);
		p.load();
		p.set({ ...p.data, lessons: { nat: { completed: true, completedAt: T } } });
		const current = s.getItem(STORAGE_KEY);
		s.fill();
		const r = p.import(JSON.stringify(emptyProgress()));
		expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/no room .* nothing was replaced/) });
		expect(s.getItem(STORAGE_KEY)).toBe(current);
		expect(p.data.lessons.nat.completed).toBe(true);
	});
});
