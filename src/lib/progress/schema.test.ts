import { describe, expect, it } from 'vitest';
import { emptyProgress, migrateV1, withDraft, withExamFinished, withLessonCompleted, withQuizAttempt, type Progress } from './schema';
import { describeDropped, migrateV2, parseProgress, validateProgress } from './validate';
import { withAnswers } from './review';
import { buildExam, scoreExam, type ExamResult } from '../quiz/exam';
import type { Question } from '../quiz/types';

const T = Date.UTC(2025, 2, 3, 9, 0, 0); // 3 March 2025, 09:00 UTC
const DAY = 86_400_000;
const q: Question = {
	id: 'q1', type: 'single', lesson: 'l', prompt: 'p', explanation: 'e', link: '/lessons/l#x',
	objectives: { netplus: ['1.4'], ccna: [] }, options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }], answer: 'a'
};
const q2: Question = { ...q, id: 'q2', objectives: { netplus: ['5.5'], ccna: ['1.5'] } };
const pool = new Map([[q.id, q], [q2.id, q2]]);

/** A finished exam over q1 and q2, answered `answers`, finished at `at`. */
function finished(id: string, answers: Record<string, string>, at: number, flagged: string[] = []): ExamResult {
	const a = buildExam({ pool: [q, q2], seed: 1, length: 2, domains: ['netplus:1', 'netplus:5'], mode: 'exam', now: at - 60_000 });
	return scoreExam({ ...a, id, answers, flagged }, pool, at);
}

describe('progress schema: versions and migration', () => {
	it('migrates v1 to v3', () => {
		const r = parseProgress(JSON.stringify({ version: 1, completedLessons: ['why-ports', 'udp'], quizScores: { udp: 87.6 } }), withAnswers);
		expect(r).toEqual({
			ok: true,
			migratedFrom: 1,
			dropped: [],
			progress: {
				version: 3,
				lessons: { 'why-ports': { completed: true, completedAt: null }, udp: { completed: true, completedAt: null } },
				quizzes: { udp: { best: 88, attempts: 1, lastAt: null } },
				drafts: {},
				exams: [],
				questions: {}
			}
		});
		expect(migrateV1({ version: 1, completedLessons: [], quizScores: {} })).toEqual({ version: 2, lessons: {}, quizzes: {}, exams: [] });
	});

	it('migrates v2 to v3, replaying finished exams into question records and review cards', () => {
		const e1 = finished('e1', { q1: 'b', q2: 'a' }, T); // q1 wrong, q2 right
		const e2 = finished('e2', { q1: 'a', q2: 'a' }, T + 2 * DAY, ['q2']); // q1 right after a miss, q2 right but flagged
		const v2 = { version: 2, lessons: {}, quizzes: {}, exams: [e2, e1] };
		const r = parseProgress(JSON.stringify(v2), withAnswers);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.migratedFrom).toBe(2);
		const p = r.progress;
		expect(p.version).toBe(3);
		expect(p.drafts).toEqual({});
		expect(p.exams.map((e) => e.id)).toEqual(['e2', 'e1']);
		expect(p.questions.q1).toMatchObject({ seen: 2, right: 1, last: true, lastAt: T + 2 * DAY });
		expect(p.questions.q2).toMatchObject({ seen: 2, right: 2, last: true });
		// q1: missed on day 0 (card created), then right: scheduled after day 2
		expect(p.questions.q1.card!.reps).toBe(2);
		expect(p.questions.q1.card!.lapses).toBe(0);
		expect(p.questions.q1.card!.due).toBeGreaterThan(T + 2 * DAY);
		// q2: right, then right but flagged (shaky): it enters the queue at the second exam
		expect(p.questions.q2.card!.reps).toBe(1);
		expect(p.questions.q2.card!.lastReview).toBe(T + 2 * DAY);
		expect(migrateV2(v2 as never, withAnswers)).toEqual(p);
	});

	it('asks for the scheduler to migrate an older record, and reads a current one without it', () => {
		const v2 = { version: 2, lessons: {}, quizzes: {}, exams: [finished('e1', { q1: 'b' }, T)] };
		expect(parseProgress(JSON.stringify(v2))).toMatchObject({ ok: false, needsReplay: true });
		expect(parseProgress(JSON.stringify({ version: 1, completedLessons: [], quizScores: {} }))).toMatchObject({ ok: false, needsReplay: true });
		expect(parseProgress(JSON.stringify(emptyProgress()))).toEqual({ ok: true, progress: emptyProgress(), dropped: [] });
	});

	it('round-trips a v3 record with an exam in progress, a finished exam and a draft', () => {
		let p: Progress = withLessonCompleted(emptyProgress(), 'udp', T);
		p = withQuizAttempt(p, 'udp', 3, 4, T + 1);
		p = withQuizAttempt(p, 'udp', 1, 4, T + 2);
		expect(p.quizzes.udp).toEqual({ best: 75, attempts: 2, lastAt: T + 2 });
		p = withDraft(p, 'udp', { attempt: 1, responses: { 'udp-01': 'eight', 'udp-02': ['a', 'c'], 'udp-03': { p1: 'b' }, 'udp-04': null }, checked: ['udp-01'], updatedAt: T + 3 });
		const a = buildExam({ pool: [q], seed: 1, length: 1, domains: ['netplus:1'], mode: 'exam', now: T });
		p = withExamFinished({ ...p, currentExam: a }, scoreExam({ ...a, answers: { q1: 'a' } }, pool, T + 5));
		expect(p.currentExam).toBeUndefined();
		p = { ...p, currentExam: { ...a, id: 'now' } };
		expect(parseProgress(JSON.stringify(p))).toEqual({ ok: true, progress: p, dropped: [] });
		expect(withDraft(p, 'udp', null).drafts).toEqual({});
	});

	it('keeps the first completion date', () => {
		const p = withLessonCompleted(withLessonCompleted(emptyProgress(), 'udp', T), 'udp', T + 9);
		expect(p.lessons.udp.completedAt).toBe(T);
	});
});

describe('progress validation: invalid parts are dropped and named', () => {
	it('refuses only what cannot be progress data at all', () => {
		expect(parseProgress('{oops')).toMatchObject({ ok: false, error: expect.stringMatching(/^not valid JSON/) });
		expect(validateProgress([])).toEqual({ ok: false, error: 'progress must be a JSON object' });
		expect(validateProgress({ version: 7 })).toEqual({ ok: false, error: 'unknown version 7 (this site reads versions 1 to 3)' });
		expect(validateProgress({ lessons: {} })).toMatchObject({ ok: false, error: expect.stringMatching(/no "version"/) });
	});

	it('drops a later exam with a duplicate id and an exam listing a question three times', () => {
		const e1 = finished('dup', { q1: 'a' }, T);
		const e2 = finished('dup', { q1: 'b' }, T + DAY);
		const e3 = { ...finished('thrice', { q1: 'a' }, T + 2 * DAY), questionIds: ['q1', 'q1', 'q1'] };
		const r = validateProgress({ ...emptyProgress(), exams: [e1, e2, e3] });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.progress.exams.map((e) => e.id)).toEqual(['dup']);
		expect(r.progress.exams[0].finishedAt).toBe(T);
		expect(r.dropped).toEqual([
			'exams[1]: id "dup" is used by an earlier exam (dropped)',
			'exams[2]: questionIds lists "q1" 3 times, so its score cannot be trusted (exam dropped)'
		]);
	});

	it('drops numbers out of range and invalid dates, keeping the valid rest', () => {
		const good = finished('ok', { q1: 'a' }, T);
		const data = JSON.parse(
			JSON.stringify({
				version: 3,
				lessons: { udp: { completed: true, completedAt: T }, nat: { completed: true, completedAt: 8.64e16 }, 'Bad Slug': { completed: true, completedAt: null } },
				quizzes: { udp: { best: 400, attempts: 1, lastAt: T }, nat: { best: 50, attempts: 2, lastAt: T }, icmp: { best: 50, attempts: -1, lastAt: null } },
				exams: [good, { ...good, id: 'neg', correct: -5 }, { ...good, id: 'late', finishedAt: good.startedAt - 1 }, { ...good, id: 'nan', total: 'NaN' }],
				questions: { q1: { seen: 1, right: 2, last: true, lastAt: T }, q2: { seen: 2, right: 1, last: false, lastAt: T, card: { due: T, stability: -1, difficulty: 5, elapsedDays: 0, scheduledDays: 1, learningSteps: 0, reps: 1, lapses: 0, state: 2, lastReview: T } } }
			}).replace('"correct":-5', '"correct":-1e999')
		);
		const r = validateProgress(data);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(Object.keys(r.progress.lessons)).toEqual(['udp']);
		expect(Object.keys(r.progress.quizzes)).toEqual(['nat']);
		expect(r.progress.exams.map((e) => e.id)).toEqual(['ok']);
		expect(r.progress.questions).toEqual({ q2: { seen: 2, right: 1, last: false, lastAt: T } });
		expect(r.dropped).toEqual([
			'lessons.nat: completedAt is not a valid date',
			'lessons.Bad Slug: not a lesson slug',
			'quizzes.udp: best 400 is not a percentage 0–100',
			'quizzes.icmp: attempts -1 is not a whole number of attempts',
			'exams[1]: correct -Infinity is not a whole number from 0 to 2 (exam dropped)',
			'exams[2]: finishedAt is not a valid date after startedAt (exam dropped)',
			'exams[3]: total NaN is not a whole number from 0 to 2 (exam dropped)',
			'questions.q1: right 2 of seen 1 are not whole numbers with right ≤ seen',
			'questions.q2.card: a review-schedule field is out of range (card dropped, counts kept)'
		]);
	});

	it('repairs the exam in progress where nothing the learner entered is lost', () => {
		const a = buildExam({ pool: [q, q2], seed: 1, length: 2, domains: ['netplus:1', 'netplus:5'], mode: 'exam', now: T });
		const broken = {
			...a,
			questionIds: ['q1', 'q2', 'q1'],
			durationMs: 1e305,
			current: 7,
			answers: { q1: 'a', q2: 42, zz: 'b' },
			flagged: ['q2', 'q2']
		};
		const r = validateProgress({ ...emptyProgress(), currentExam: broken });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.progress.currentExam).toMatchObject({ questionIds: ['q1', 'q2'], durationMs: 180_000, current: 0, answers: { q1: 'a' }, flagged: ['q2'] });
		expect(r.dropped).toEqual([
			'currentExam.questionIds: "q1" listed 2 times (kept once)',
			'currentExam.durationMs: 1e+305 is not between 1 s and 24 h (reset to 90 s per question)',
			'currentExam.answers.q2: not a valid answer',
			"currentExam.answers.zz: not one of the exam's questions",
			'currentExam.flagged: "q2" listed more than once (kept once)',
			'currentExam.current: 7 is not a question number (back to the first)'
		]);
	});

	it('summarises long lists of dropped parts', () => {
		expect(describeDropped(['a', 'b', 'c'], 2)).toBe('a; b; and 1 more');
	});
});
