import { error, json } from '@sveltejs/kit';
import { fullCatalog } from '$lib/quiz/catalog';
import { pausedIsCut } from '$lib/quiz/paused';
import type { SimulationQuestion } from '$lib/quiz/types';
import type { EntryGenerator } from './$types';

// The whole paused trace of a simulation question whose lesson page carries only its first and
// last packets (paused.ts): prerendered to /quiz/paused/<id>.json, precached with the pages for
// offline use, fetched when the reader clicks "Show the other N packets".
export const prerender = true;

function cutQuestions(): SimulationQuestion[] {
	return fullCatalog().questions.filter((q): q is SimulationQuestion => q.type === 'simulation' && !!q.paused && pausedIsCut(q.paused.length));
}

export const entries: EntryGenerator = () => cutQuestions().map((q) => ({ id: q.id }));

export function GET({ params }) {
	const q = cutQuestions().find((x) => x.id === params.id);
	if (!q) error(404, `No long paused trace for question "${params.id}"`);
	return json(q.paused);
}
