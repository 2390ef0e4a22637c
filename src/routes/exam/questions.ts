/**
 * The question bank for /exam, fetched from /exam/questions.json (questions.json/+server.ts) on
 * first need: starting an exam, resuming one, or the learner reaching for the setup form. One
 * request per page load; a failed one is retried on the next call.
 */
import { base } from '$app/paths';
import type { Question } from '$lib/quiz/types';

let loading: Promise<Question[]> | null = null;

/** @throws Error (rejected) when the bank cannot be fetched, with the HTTP status or network error. */
export function loadQuestions(): Promise<Question[]> {
	loading ??= fetch(`${base}/exam/questions.json`)
		.then((r) => {
			if (!r.ok) throw new Error(`the question bank did not load (HTTP ${r.status})`);
			return r.json() as Promise<Question[]>;
		})
		.catch((e: unknown) => {
			loading = null;
			throw e instanceof Error && e.message.startsWith('the question bank') ? e : new Error(`the question bank did not load (${e instanceof Error ? e.message : String(e)})`);
		});
	return loading;
}
