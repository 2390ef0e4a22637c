import { getLessons } from '$lib/server/content';
import { examData } from '../exam/exam-data.server';

export const prerender = true;

export function load() {
	const d = examData();
	return {
		lessons: getLessons().map((l) => ({ slug: l.slug, title: l.title, number: l.number, part: l.part.title })),
		// For the mastery view: every objective, and which questions are tagged with it.
		objectives: d.exams.flatMap((e) => e.domains.flatMap((dom) => dom.objectives.map((o) => ({ exam: e.id, id: o.id, name: o.name, examName: `${e.name} ${e.code}` })))),
		questions: d.questions.map((q) => ({ id: q.id, objectives: q.objectives }))
	};
}
