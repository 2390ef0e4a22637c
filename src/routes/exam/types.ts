/** Shapes of the exam pages' build-time data (exam-data.server.ts), importable by components. */
import type { Question } from '$lib/quiz/types';

/** A domain as the exam pages show it. */
export interface DomainInfo {
	key: string;
	exam: 'netplus' | 'ccna';
	label: string;
	name: string;
	/** Exam items whose primary domain this is (course-only items excluded). */
	count: number;
	/** Share of the real exam, percent (objectives.yaml `weight`, else the published blueprint). */
	weight: number;
	objectives: { id: string; name: string }[];
}
export interface ExamInfoLite {
	id: 'netplus' | 'ccna';
	name: string;
	code: string;
	domains: DomainInfo[];
}
export interface ExamData {
	/** Every question, course-only ones included (buildExam leaves those out of exams). */
	questions: Question[];
	exams: ExamInfoLite[];
	/** Domain key → weight, for buildExam. */
	weights: Record<string, number>;
	lessonTitles: Record<string, string>;
}
