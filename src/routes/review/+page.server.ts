import { examData } from '../exam/exam-data.server';

export const prerender = true;

/** The whole bank (course-only items included: they are reviewed too) and every exam objective. */
export function load() {
	const d = examData();
	return {
		questions: d.questions,
		lessonTitles: d.lessonTitles,
		objectives: d.exams.flatMap((e) => e.domains.flatMap((dom) => dom.objectives.map((o) => ({ exam: e.id, id: o.id, name: o.name, examName: `${e.name} ${e.code}` }))))
	};
}
