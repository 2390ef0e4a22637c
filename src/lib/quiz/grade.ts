/**
 * Grading: is a response correct, and what is the correct response? All-or-nothing per question
 * (exam style): a multiple-response question needs exactly the right set, an ordering question
 * the whole order, a matching question every pair.
 *
 * @module
 */
import type { Question, Response, SimAsk } from './types';
import { matchesAny, type AnswerKind } from './normalise';

/**
 * What a typed simulation item asks for, so the normaliser reads that kind's spellings
 * (state names from ss/netstat/RFC, errno names or strerror text, flag sets, ICMP type/code).
 */
export function answerKind(ask: SimAsk): AnswerKind | undefined {
	switch (ask.kind) {
		case 'next-state':
		case 'final-state':
			return 'state';
		case 'error':
			return 'errno';
		case 'icmp':
			return 'icmp';
		case 'segment-field':
		case 'first-dropped':
			return ask.field === 'flags' ? 'flags' : undefined;
		default:
			return undefined;
	}
}

/** True when the learner gave some answer (a blank text box or an untouched select does not count). */
export function isAnswered(q: Question, r: Response | undefined): boolean {
	if (r === null || r === undefined) return false;
	switch (q.type) {
		case 'multi':
			return Array.isArray(r) && r.length > 0;
		case 'ordering':
			return Array.isArray(r) && r.length === q.items.length;
		case 'matching':
			return typeof r === 'object' && !Array.isArray(r) && q.pairs.every((p) => !!(r as Record<string, string>)[p.id]);
		default:
			return typeof r === 'string' && r.trim() !== '';
	}
}

/** True when `r` is a fully correct response to `q`. Unresolved simulation questions are never correct. */
export function isCorrect(q: Question, r: Response | undefined): boolean {
	if (!isAnswered(q, r)) return false;
	switch (q.type) {
		case 'single':
			return r === q.answer;
		case 'multi': {
			const got = new Set(r as string[]);
			return got.size === q.answer.length && q.answer.every((a) => got.has(a));
		}
		case 'short':
			return matchesAny(r as string, q.answer);
		case 'ordering': {
			const list = r as string[];
			return q.items.every((item, i) => list[i] === item.id);
		}
		case 'matching': {
			const m = r as Record<string, string>;
			return q.pairs.every((p) => m[p.id] === p.right);
		}
		case 'simulation':
			if (!q.answer) return false;
			return q.options ? r === q.answer[0] : matchesAny(r as string, q.answer, answerKind(q.ask));
	}
}

/** The correct answer as human-readable text (for review screens). */
export function correctAnswerText(q: Question): string {
	switch (q.type) {
		case 'single':
			return q.options.find((o) => o.id === q.answer)?.text ?? '';
		case 'multi':
			return q.options.filter((o) => q.answer.includes(o.id)).map((o) => o.text).join('; ');
		case 'short':
			return q.answer[0] ?? '';
		case 'ordering':
			return q.items.map((i) => i.text).join(' → ');
		case 'matching':
			return q.pairs.map((p) => `${p.left} → ${q.choices.find((c) => c.id === p.right)?.text ?? ''}`).join('; ');
		case 'simulation':
			if (!q.answer) return '(not resolved)';
			return q.options ? (q.options.find((o) => o.id === q.answer![0])?.text ?? '') : q.answer[0];
	}
}

/** The learner's response as human-readable text, or "(no answer)". */
export function responseText(q: Question, r: Response | undefined): string {
	if (!isAnswered(q, r)) return '(no answer)';
	switch (q.type) {
		case 'single':
			return q.options.find((o) => o.id === r)?.text ?? String(r);
		case 'multi':
			return q.options.filter((o) => (r as string[]).includes(o.id)).map((o) => o.text).join('; ');
		case 'ordering':
			return (r as string[]).map((id) => q.items.find((i) => i.id === id)?.text ?? id).join(' → ');
		case 'matching': {
			const m = r as Record<string, string>;
			return q.pairs.map((p) => `${p.left} → ${q.choices.find((c) => c.id === m[p.id])?.text ?? '?'}`).join('; ');
		}
		case 'simulation':
			return q.options ? (q.options.find((o) => o.id === r)?.text ?? String(r)) : String(r);
		default:
			return String(r);
	}
}
