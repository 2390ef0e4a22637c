/**
 * Build-time data for /exam, /exam/result and /review: the whole validated question catalog
 * (simulation answers derived, link anchors checked against the lessons' headings), the exam
 * domains with their weights, and every objective. Any problem throws, so `npm run build` fails
 * with `file: question id: reason`.
 */
import { getLessons } from '$lib/server/content';
import { fullCatalog } from '$lib/quiz/catalog';
import { BLUEPRINT_WEIGHTS, eligibleQuestions } from '$lib/quiz/exam';
import type { Domain } from '$lib/quiz/objectives';
import type { ExamData } from './types';

export type { ExamData } from './types';

/**
 * A domain's weight: the `weight` objectives.yaml gives it (quiz-content adds the field to
 * `Domain`), else the published blueprint share ({@link BLUEPRINT_WEIGHTS}), else 0.
 */
function domainWeight(d: Domain): number {
	const w = (d as Domain & { weight?: unknown }).weight;
	if (typeof w === 'number' && Number.isFinite(w) && w >= 0) return w;
	return BLUEPRINT_WEIGHTS[d.key] ?? 0;
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
			count: eligibleQuestions(cat.questions, [d.key]).length,
			weight: domainWeight(d),
			objectives: d.objectives.map((o) => ({ id: o.id, name: o.name }))
		}))
	}));
	const weights = Object.fromEntries(exams.flatMap((e) => e.domains.map((d) => [d.key, d.weight])));
	cached = { questions: cat.questions, exams, weights, lessonTitles: Object.fromEntries(lessons.map((l) => [l.slug, l.title])) };
	return cached;
}
