import { error, json } from '@sveltejs/kit';
import { examData } from '../../../exam/exam-data.server';
import { pausedIsCut } from '$lib/quiz/paused';
import type { SimulationQuestion } from '$lib/quiz/types';
import type { EntryGenerator } from './$types';

// The whole paused trace of a simulation question whose lesson page carries only its first and
// last packets (paused.ts): prerendered to /quiz/paused/<id>.json, precached with the pages for
// offline use, fetched when the reader clicks "Show the other N packets".
export const prerender = true;

/** The bank's questions whose lesson pages carry a cut list (examData: the catalog built once per build). */
function cutQuestions(): SimulationQuestion[] {
	return examData().questions.filter((q): q is SimulationQuestion => q.type === 'simulation' && !!q.paused && pausedIsCut(q.paused.length));
}

export const entries: EntryGenerator = () => cutQuestions().map((q) => ({ id: q.id }));

export function GET({ params }) {
	const q = cutQuestions().find((x) => x.id === params.id);
	if (!q) error(404, `No long paused trace for question "${params.id}"`);
	return json(q.paused);
}
