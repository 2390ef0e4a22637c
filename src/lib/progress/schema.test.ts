import { describe, expect, it } from 'vitest';
import {
	BACKUP_PREFIX,
	emptyProgress,
	loadFromStored,
	migrateV1,
	parseProgress,
	validateProgress,
	withExamFinished,
	withLessonCompleted,
	withQuizAttempt
} from './schema';
import { buildExam, scoreExam } from '../quiz/exam';
import type { Question } from '../quiz/types';

const q: Question = {
	id: 'q1', type: 'single', lesson: 'l', prompt: 'p', explanation: 'e', link: '/lessons/l#x',
	objectives: { netplus: ['1.4'], ccna: [] }, options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }], answer: 'a'
};

describe('progress schema', () => {
	it('migrates v1 to v2', () => {
		const r = parseProgress(JSON.stringify({ version: 1, completedLessons: ['why-ports', 'udp'], quizScores: { udp: 87.6 } }));
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.migratedFrom).toBe(1);
		expect(r.progress).toEqual({
			version: 2,
			lessons: { 'why-ports': { completed: true, completedAt: null }, udp: { completed: true, completedAt: null } },
			quizzes: { udp: { best: 88, attempts: 1, lastAt: null } },
			exams: []
		});
		expect(migrateV1({ version: 1, completedLessons: [], quizScores: {} })).toEqual(emptyProgress());
	});
	it('round-trips a v2 record with an exam in progress and a finished exam', () => {
		let p = withLessonCompleted(emptyProgress(), 'udp', 5);
		p = withQuizAttempt(p, 'udp', 3, 4, 6);
		p = withQuizAttempt(p, 'udp', 1, 4, 7);
		expect(p.quizzes.udp).toEqual({ best: 75, attempts: 2, lastAt: 7 });
		const a = buildExam({ pool: [q], seed: 1, length: 1, domains: ['netplus:1'], mode: 'exam', now: 1 });
		p = withExamFinished({ ...p, currentExam: a }, scoreExam({ ...a, answers: { q1: 'a' } }, new Map([[q.id, q]]), 2));
		expect(p.currentExam).toBeUndefined();
		p = { ...p, currentExam: a };
		const r = parseProgress(JSON.stringify(p));
		expect(r).toEqual({ ok: true, progress: p });
	});
	it('keeps the first completion date', () => {
		const p = withLessonCompleted(withLessonCompleted(emptyProgress(), 'udp', 5), 'udp', 9);
		expect(p.lessons.udp.completedAt).toBe(5);
	});
	it('rejects corrupt and unknown data with a message naming the field', () => {
		expect(parseProgress('{oops')).toMatchObject({ ok: false, error: expect.stringMatching(/^not valid JSON/) });
		expect(validateProgress([])).toEqual({ ok: false, error: 'progress must be a JSON object' });
		expect(validateProgress({ version: 3 })).toEqual({ ok: false, error: 'unknown version 3 (this site reads versions 1 and 2)' });
		expect(validateProgress({ lessons: {} })).toMatchObject({ ok: false, error: expect.stringMatching(/no "version"/) });
		expect(validateProgress({ ...emptyProgress(), quizzes: { udp: { best: 140, attempts: 1 } } })).toEqual({
			ok: false,
			error: 'version 2: quizzes.udp.best must be a percentage 0–100'
		});
		expect(validateProgress({ ...emptyProgress(), currentExam: { id: 'x' } })).toMatchObject({ ok: false, error: expect.stringMatching(/currentExam\.seed/) });
		expect(validateProgress({ version: 1, completedLessons: 'udp', quizScores: {} })).toMatchObject({ ok: false, error: expect.stringMatching(/completedLessons/) });
	});
	it('decides what to do with stored text: nothing, migrate, or back up', () => {
		expect(loadFromStored(null, 1)).toEqual({ progress: emptyProgress(), notice: null, backupKey: null, rewrite: false });
		const mig = loadFromStored(JSON.stringify({ version: 1, completedLessons: ['udp'], quizScores: {} }), 42);
		expect(mig.rewrite).toBe(true);
		expect(mig.backupKey).toBe(`${BACKUP_PREFIX}42`);
		expect(mig.notice).toMatch(/upgraded from version 1/);
		const bad = loadFromStored('not json', 43);
		expect(bad.progress).toEqual(emptyProgress());
		expect(bad.backupKey).toBe(`${BACKUP_PREFIX}43`);
		expect(bad.notice).toContain(`${BACKUP_PREFIX}43`);
	});
});
