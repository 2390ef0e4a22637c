import { describe, expect, it } from 'vitest';
import { passMarks } from './pass-mark';

const exams = [
	{ id: 'netplus' as const, name: 'CompTIA Network+', code: 'N10-009' },
	{ id: 'ccna' as const, name: 'Cisco CCNA', code: '200-301' }
];

describe('pass marks', () => {
	it('compares each exam covered with 720/900 and about 825/1000', () => {
		const rows = passMarks({ byDomain: { 'netplus:1': { correct: 7, total: 8 }, 'netplus:5': { correct: 1, total: 2 }, 'ccna:1': { correct: 33, total: 40 } } }, exams);
		expect(rows.map((r) => [r.exam, r.correct, r.total, r.threshold, r.met])).toEqual([
			['netplus', 8, 10, 0.8, true],
			['ccna', 33, 40, 0.825, true]
		]);
		expect(passMarks({ byDomain: { 'ccna:1': { correct: 32, total: 40 } } }, exams).map((r) => [r.exam, r.met])).toEqual([['ccna', false]]);
		expect(passMarks({ byDomain: {} }, exams)).toEqual([]);
	});
});
