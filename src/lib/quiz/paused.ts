/**
 * How much of a simulation question's paused trace a lesson page carries (issue 18: work before
 * the page is usable). A long paused trace is shown as its first {@link PAUSED_HEAD} and last
 * {@link PAUSED_TAIL} packets with a button for the rest (QuestionView.svelte); the page's data
 * then holds only those packets, and the whole list is fetched from
 * `/quiz/paused/<question id>.json` (routes/quiz/paused) when the reader asks for it.
 * flow-and-congestion's zero-window question paused after 648 packets: 108 KB of the lesson's
 * inline hydration script, parsed and evaluated at every load for 30 lines on screen.
 *
 * @module
 */
import type { PausedPacket, Question, SimulationQuestion } from './types';

/** Packets shown before the "Show the other N packets" button. */
export const PAUSED_HEAD = 10;
/** Packets shown after it: the moment the question asks about is at the end of the list. */
export const PAUSED_TAIL = 20;
/** A list at most this much longer than head + tail is shown whole (a button for 5 lines would be silly). */
export const PAUSED_SLACK = 10;

/** Whether a paused list of `n` packets is shown as head, button and tail. */
export function pausedIsCut(n: number): boolean {
	return n > PAUSED_HEAD + PAUSED_TAIL + PAUSED_SLACK;
}

/**
 * The question as a page carries it: a simulation question whose paused list is cut (see
 * {@link pausedIsCut}) keeps only its first {@link PAUSED_HEAD} and last {@link PAUSED_TAIL}
 * packets in `paused`, and `pausedTotal` says how many there are. Any other question is returned
 * as it is. Does not modify its argument.
 */
export function trimPaused(q: Question): Question {
	if (q.type !== 'simulation' || !q.paused || !pausedIsCut(q.paused.length)) return q;
	const trimmed: SimulationQuestion = { ...q, paused: [...q.paused.slice(0, PAUSED_HEAD), ...q.paused.slice(-PAUSED_TAIL)], pausedTotal: q.paused.length };
	return trimmed;
}

/** The URL path (after the site's base) of a question's whole paused list. */
export function pausedUrl(id: string): string {
	return `/quiz/paused/${encodeURIComponent(id)}.json`;
}

/**
 * Check a fetched paused list: an array of packets, as many as the page said.
 * @throws Error when the value is not such a list.
 */
export function checkPausedList(value: unknown, total: number): PausedPacket[] {
	if (!Array.isArray(value) || value.length !== total || !value.every((p) => p && typeof p === 'object' && typeof p.t === 'number' && typeof p.text === 'string'))
		throw new Error(`the packet list is not the expected ${total} packets`);
	return value as PausedPacket[];
}
