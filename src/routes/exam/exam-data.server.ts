/**
 * Build-time data for /exam and /exam/result: the whole validated question catalog (simulation
 * answers derived, link anchors checked against the lessons' headings) and the exam domains.
 * Any problem throws, so `npm run build` fails with `file: question id: reason`.
 */
import { getLessons } from '$lib/server/content';
import { fullCatalog } from '$lib/quiz/catalog';
import { eligibleQuestions } from '$lib/quiz/exam';
import type { Question } from '$lib/quiz/types';

/** A domain as the exam pages show it. */
export interface DomainInfo {
	key: string;
	exam: 'netplus' | 'ccna';
	label: string;
	name: string;
	count: number;
}
export interface ExamInfoLite {
	id: 'netplus' | 'ccna';
	name: string;
	code: string;
	domains: DomainInfo[];
}
export interface ExamData {
	questions: Question[];
	exams: ExamInfoLite[];
	lessonTitles: Record<string, string>;
}

let cached: ExamData | null = null;

/** @throws Error listing every bank problem. */
export function examData(): ExamData {
	if (cached) return cached;
	const lessons = getLessons();
	const headings = new Map(lessons.map((l) => [l.slug, new Set(l.toc.map((t) => t.id))]));
	const cat = fullCatalog(headings);
	const known = new Set(lessons.map((l) => l.slug));
	const missing = cat.questions.filter((q) => !known.has(q.lesson));
	if (missing.length) throw new Error(`Quiz questions for unknown lessons: ${missing.map((q) => `${q.id} (${q.lesson})`).join(', ')}`);
	const exams = cat.objectives.exams.map((ex) => ({
		id: ex.id,
		name: ex.name,
		code: ex.code,
		domains: ex.domains.map((d) => ({
			key: d.key,
			exam: d.exam,
			label: `${d.id}.0`,
			name: d.name,
			count: eligibleQuestions(cat.questions, [d.key]).length
		}))
	}));
	cached = { questions: cat.questions, exams, lessonTitles: Object.fromEntries(lessons.map((l) => [l.slug, l.title])) };
	return cached;
}
