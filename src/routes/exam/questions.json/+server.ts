import { json } from '@sveltejs/kit';
import { examData } from '../exam-data.server';

// The question bank as a file of its own (prerendered to /exam/questions.json and precached for
// offline use with the pages): /exam fetches it when the learner starts or resumes an exam, so
// the setup page's HTML does not carry ~500 KB of questions (issue 18: first paint on slow 4G).
export const prerender = true;

export function GET() {
	return json(examData().questions);
}
