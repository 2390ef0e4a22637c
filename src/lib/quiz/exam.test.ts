import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BLUEPRINT_WEIGHTS, buildExam, eligibleQuestions, formatClock, optionOrder, primaryDomains, questionDomains, remainingMs, scoreExam, weightedDraw } from './exam';
import { correctAnswerText, isAnswered, isCorrect, responseText } from './grade';
import { seededShuffle } from './shuffle';
import type { Question } from './types';

const base = { lesson: 'l', prompt: 'p', explanation: 'e', link: '/lessons/l#x' };
const pool: Question[] = [
	{ ...base, id: 'q1', type: 'single', objectives: { netplus: ['1.4'], ccna: [] }, options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }, { id: 'c', text: 'C' }], answer: 'b' },
	{ ...base, id: 'q2', type: 'multi', objectives: { netplus: ['4.1'], ccna: ['5.6'] }, options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }, { id: 'c', text: 'C' }], answer: ['a', 'c'] },
	{ ...base, id: 'q3', type: 'short', objectives: { netplus: [], ccna: ['1.5'] }, answer: ['TIME-WAIT'] },
	{ ...base, id: 'q4', type: 'ordering', objectives: { netplus: ['1.4'], ccna: ['1.5'] }, items: [{ id: 'a', text: 'SYN' }, { id: 'b', text: 'SYN,ACK' }, { id: 'c', text: 'ACK' }] },
	{ ...base, id: 'q5', type: 'matching', objectives: { netplus: ['1.4'], ccna: [] }, pairs: [{ id: 'p1', left: '22', right: 'a' }, { id: 'p2', left: '53', right: 'b' }], choices: [{ id: 'a', text: 'SSH' }, { id: 'b', text: 'DNS' }, { id: 'c', text: 'FTP' }] },
	{ ...base, id: 'q6', type: 'simulation', objectives: { netplus: ['5.5'], ccna: [] }, scenario: '', scenarioName: 'x.scn', ask: { kind: 'time-wait' }, answer: ['c1'] }
];
const byId = new Map(pool.map((q) => [q.id, q]));

describe('grading', () => {
	it('grades each type all-or-nothing', () => {
		expect(isCorrect(pool[0], 'b')).toBe(true);
		expect(isCorrect(pool[0], 'a')).toBe(false);
		expect(isCorrect(pool[1], ['c', 'a'])).toBe(true);
		expect(isCorrect(pool[1], ['a'])).toBe(false);
		expect(isCorrect(pool[1], ['a', 'b', 'c'])).toBe(false);
		expect(isCorrect(pool[2], ' time wait ')).toBe(true);
		expect(isCorrect(pool[3], ['a', 'b', 'c'])).toBe(true);
		expect(isCorrect(pool[3], ['b', 'a', 'c'])).toBe(false);
		expect(isCorrect(pool[4], { p1: 'a', p2: 'b' })).toBe(true);
		expect(isCorrect(pool[4], { p1: 'a', p2: 'c' })).toBe(false);
		expect(isCorrect(pool[5], 'C1')).toBe(true);
		expect(isCorrect(pool[2], null)).toBe(false);
	});
	it('knows when a question is unanswered', () => {
		expect(isAnswered(pool[2], '  ')).toBe(false);
		expect(isAnswered(pool[4], { p1: 'a' })).toBe(false);
		expect(isAnswered(pool[1], [])).toBe(false);
	});
	it('describes answers as text', () => {
		expect(correctAnswerText(pool[3])).toBe('SYN → SYN,ACK → ACK');
		expect(correctAnswerText(pool[4])).toBe('22 → SSH; 53 → DNS');
		expect(responseText(pool[1], ['c', 'a'])).toBe('A; C');
		expect(responseText(pool[0], undefined)).toBe('(no answer)');
	});
});

describe('seeded shuffling', () => {
	it('is a permutation and reproducible from the seed', () => {
		fc.assert(
			fc.property(fc.array(fc.integer(), { maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (xs, seed) => {
				const a = seededShuffle(xs, seed, 'l');
				expect(a).toEqual(seededShuffle(xs, seed, 'l'));
				expect([...a].sort((x, y) => x - y)).toEqual([...xs].sort((x, y) => x - y));
			})
		);
	});
	it('never presents an ordering question already solved', () => {
		for (let seed = 0; seed < 200; seed++) expect(optionOrder(pool[3], seed)).not.toEqual(['a', 'b', 'c']);
	});
});

describe('buildExam and scoreExam', () => {
	it('filters by domain', () => {
		expect(questionDomains(pool[1])).toEqual(['netplus:4', 'ccna:5']);
		expect(eligibleQuestions(pool, ['ccna:1']).map((q) => q.id)).toEqual(['q3', 'q4']);
	});
	it('is reproducible from its seed and respects length', () => {
		const o = { pool, seed: 1234, length: 4, domains: ['netplus:1', 'netplus:4', 'netplus:5', 'ccna:1'], mode: 'exam' as const, now: 1000 };
		const a = buildExam(o);
		const b = buildExam({ ...o, now: 5000 });
		expect(a.questionIds).toHaveLength(4);
		expect(b.questionIds).toEqual(a.questionIds);
		expect(b.orders).toEqual(a.orders);
		expect(new Set(a.questionIds).size).toBe(4);
		expect(a.durationMs).toBe(4 * 90 * 1000);
		const seeds = new Set(Array.from({ length: 20 }, (_, s) => buildExam({ ...o, seed: s }).questionIds.join()));
		expect(seeds.size).toBeGreaterThan(1);
	});
	it('throws when nothing matches', () => {
		expect(() => buildExam({ pool, seed: 1, length: 5, domains: ['ccna:6'], mode: 'exam', now: 0 })).toThrow(/No questions/);
	});
	it('retakes only the given ids', () => {
		const a = buildExam({ pool, seed: 9, length: 99, domains: [], onlyIds: ['q2', 'q5'], mode: 'study', now: 0, retakeOf: 'x' });
		expect([...a.questionIds].sort()).toEqual(['q2', 'q5']);
		expect(a.retakeOf).toBe('x');
	});
	it('scores overall and per domain', () => {
		const a = buildExam({ pool, seed: 3, length: 6, domains: ['netplus:1', 'netplus:4', 'netplus:5', 'ccna:1', 'ccna:5'], mode: 'exam', now: 0 });
		a.answers = { q1: 'b', q2: ['a'], q3: 'TIME-WAIT', q4: ['a', 'b', 'c'] };
		const r = scoreExam(a, byId, 10);
		expect(r.correct).toBe(3);
		expect(r.total).toBe(6);
		expect([...r.wrong].sort()).toEqual(['q2', 'q5', 'q6']);
		expect(r.byDomain['netplus:1']).toEqual({ correct: 2, total: 3 });
		expect(r.byDomain['ccna:1']).toEqual({ correct: 2, total: 2 });
		expect(r.byDomain['ccna:5']).toEqual({ correct: 0, total: 1 });
	});
	it('counts the clock down and formats it', () => {
		expect(remainingMs({ startedAt: 1000, durationMs: 60_000 }, 31_000)).toBe(30_000);
		expect(remainingMs({ startedAt: 0, durationMs: 1 }, 99)).toBe(0);
		expect(formatClock(90_000)).toBe('1:30');
		expect(formatClock(3_600_000 + 5_000)).toBe('1:00:05');
	});
});

/** A fixture bank: `n` single-choice items per Network+ domain (some also tagged for CCNA), plus course-only items. */
function fixtureBank(n: number): Question[] {
	const out: Question[] = [];
	for (let d = 1; d <= 5; d++) {
		for (let i = 0; i < n; i++) {
			const ccna = i % 3 === 0 ? [`${(i % 6) + 1}.1`] : [];
			out.push({
				...base,
				id: `n${d}-${String(i).padStart(2, '0')}`,
				type: 'single',
				// every third one also supports another domain through a second objective
				objectives: { netplus: i % 3 === 1 ? [`${d}.1`, `${(d % 5) + 1}.2`] : [`${d}.1`], ccna },
				options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }],
				answer: 'a'
			});
		}
		out.push({ ...base, id: `internal-${d}`, type: 'short', exam: false, objectives: { netplus: [`${d}.3`], ccna: [] }, answer: ['x'] });
	}
	return out;
}
const NETPLUS = ['netplus:1', 'netplus:2', 'netplus:3', 'netplus:4', 'netplus:5'];

describe('weighted sampling', () => {
	it('uses the primary domain per exam and skips course-only items', () => {
		const bank = fixtureBank(4);
		expect(primaryDomains({ objectives: { netplus: ['3.2', '1.4'], ccna: ['5.1'] } })).toEqual(['netplus:3', 'ccna:5']);
		expect(eligibleQuestions(bank, ['netplus:3']).map((q) => q.id)).toEqual(['n3-00', 'n3-01', 'n3-02', 'n3-03']);
	});

	it('gives each domain its blueprint share, within one question, for any seed and length', () => {
		const bank = fixtureBank(40);
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 90 }), (seed, length) => {
				const a = buildExam({ pool: bank, seed, length, domains: NETPLUS, mode: 'exam', now: 0 });
				expect(a.questionIds).toHaveLength(length);
				expect(new Set(a.questionIds).size).toBe(length);
				const counts = Object.fromEntries(NETPLUS.map((d) => [d, 0]));
				for (const id of a.questionIds) counts[`netplus:${id[1]}`]++;
				for (const d of NETPLUS) expect(Math.abs(counts[d] - (length * BLUEPRINT_WEIGHTS[d]) / 100)).toBeLessThanOrEqual(1);
				expect(a.questionIds.some((id) => id.startsWith('internal'))).toBe(false);
			}),
			{ numRuns: 60 }
		);
	});

	it('renormalises over the chosen domains and honours weights from objectives.yaml', () => {
		const bank = fixtureBank(40);
		const ids = weightedDraw(eligibleQuestions(bank, ['netplus:1', 'netplus:4']), ['netplus:1', 'netplus:4'], { 'netplus:1': 3, 'netplus:4': 1 }, 40, 7);
		expect(ids.filter((id) => id.startsWith('n1')).length).toBe(30);
		expect(ids.filter((id) => id.startsWith('n4')).length).toBe(10);
	});

	it('fills from the other domains when one runs out', () => {
		const bank = fixtureBank(40).filter((q) => !q.id.startsWith('n3-') || q.id < 'n3-02');
		const a = buildExam({ pool: bank, seed: 5, length: 60, domains: NETPLUS, mode: 'exam', now: 0 });
		expect(a.questionIds).toHaveLength(60);
		expect(a.questionIds.filter((id) => id.startsWith('n3')).length).toBe(2);
	});

	it('keeps each exam near its shares when both exams are chosen', () => {
		const bank = fixtureBank(40);
		const domains = [...NETPLUS, 'ccna:1', 'ccna:2', 'ccna:3', 'ccna:4', 'ccna:5', 'ccna:6'];
		const a = buildExam({ pool: bank, seed: 11, length: 60, domains, mode: 'exam', now: 0 });
		expect(a.questionIds).toHaveLength(60);
		const r = scoreExam(a, new Map(bank.map((q) => [q.id, q])), 1);
		const netplusTotal = NETPLUS.reduce((n, d) => n + (r.byDomain[d]?.total ?? 0), 0);
		expect(netplusTotal).toBe(60);
		for (const d of NETPLUS) expect(Math.abs(r.byDomain[d].total / 60 - BLUEPRINT_WEIGHTS[d] / 100)).toBeLessThan(0.05);
	});

	it('never retakes a course-only item', () => {
		const bank = fixtureBank(2);
		const a = buildExam({ pool: bank, seed: 1, length: 9, domains: [], onlyIds: ['n1-00', 'internal-1'], mode: 'study', now: 0 });
		expect(a.questionIds).toEqual(['n1-00']);
		expect(() => buildExam({ pool: bank, seed: 1, length: 9, domains: [], onlyIds: ['internal-1'], mode: 'study', now: 0 })).toThrow(/exam bank/);
	});
});
