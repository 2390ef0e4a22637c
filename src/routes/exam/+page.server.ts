import { examData } from './exam-data.server';

export const prerender = true;

/**
 * What the setup form shows: the exams' domains with their counts and weights, and how many
 * questions can appear in an exam. The questions themselves are fetched when an exam starts or
 * resumes (questions.ts).
 */
export function load() {
	const d = examData();
	return { exams: d.exams, weights: d.weights, examItems: d.questions.filter((q) => q.exam !== false).length };
}
