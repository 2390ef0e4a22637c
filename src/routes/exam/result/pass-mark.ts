/**
 * Pass marks of the real exams and how an attempt compares (pure).
 *
 * - CompTIA Network+ N10-009: 720 on a scale of 100–900 (CompTIA's exam details page).
 * - Cisco CCNA 200-301: Cisco does not publish a passing score; about 825 of 1000 is the figure
 *   commonly reported by candidates and trainers.
 *
 * Both are scaled scores. The comparison uses 720/900 = 80 % and 825/1000 = 82.5 % of questions
 * right, which the page labels as approximate.
 *
 * @module
 */
import type { ExamResult } from '$lib/quiz/exam';

export interface PassMarkRow {
	exam: 'netplus' | 'ccna';
	name: string;
	code: string;
	correct: number;
	total: number;
	/** Share of questions right taken as the pass mark, 0–1. */
	threshold: number;
	markText: string;
	source: string;
	met: boolean;
}

/** The pass marks by exam. */
export const PASS_MARKS = {
	netplus: { score: 720, scale: 900, markText: '720 on the 100–900 scale', source: 'CompTIA publishes this pass mark for N10-009.' },
	ccna: {
		score: 825,
		scale: 1000,
		markText: 'about 825 of 1000',
		source: 'Cisco does not publish a pass mark for 200-301; about 825 of 1000 is the figure commonly reported.'
	}
} as const;

/**
 * One row per exam that the attempt's questions count for: questions right (per-domain scores of
 * that exam added up; each question counts once per exam) against the pass mark.
 */
export function passMarks(result: Pick<ExamResult, 'byDomain'>, exams: readonly { id: 'netplus' | 'ccna'; name: string; code: string }[]): PassMarkRow[] {
	const rows: PassMarkRow[] = [];
	for (const ex of exams) {
		let correct = 0;
		let total = 0;
		for (const [key, s] of Object.entries(result.byDomain)) {
			if (!key.startsWith(`${ex.id}:`)) continue;
			correct += s.correct;
			total += s.total;
		}
		if (total === 0) continue;
		const m = PASS_MARKS[ex.id];
		const threshold = m.score / m.scale;
		rows.push({ exam: ex.id, name: ex.name, code: ex.code, correct, total, threshold, markText: m.markText, source: m.source, met: correct / total >= threshold });
	}
	return rows;
}
