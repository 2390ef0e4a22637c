/**
 * Test-taking cue checks, run on every bank when the catalog is built (so `npm run build` and the
 * unit tests fail on a cue). Pure: questions in, error strings out.
 *
 * What counts as a cue, and the rule that catches it:
 *
 * 1. **The longest option is the key.** Writers tend to qualify the right answer until it is the
 *    longest, so "pick the longest" beats chance. In each bank, among its single-answer choice
 *    items (`single`, and `simulation` items answered by choosing), the key may be the strictly
 *    longest option (more characters than every other option) in at most
 *    {@link KEY_LENGTH_MAX_SHARE} of the items. The mirror cue, the key as the strictly shortest
 *    option, has the same cap, so balancing cannot overshoot into the opposite habit.
 *    With four options and no cue, each is about 25 %.
 *
 * 2. **The key repeats the stem.** An option that echoes a word of the stem that no other option
 *    uses ("…closes first?" → "…(the active closer)"; "MaxUserPort 5000" → "1025–5000") points at
 *    itself. The heuristic: split stem and options into words ({@link words}: lower case, common
 *    English and question words dropped, a light suffix stemmer so that "closes", "closer" and
 *    "closed" match, numbers of two or more digits kept). A single-answer item fails when a stem
 *    word appears in the key and in no distractor. A multiple-response item fails when a stem word
 *    appears in every correct option and in no wrong one (that word alone would select the key).
 *    Some echoes are the point of the question (the stem quotes an `ss` line and the key reads one
 *    of its fields back); those are listed in {@link ECHO_ALLOWED} with the reason, word by word.
 *
 * 3. **A stem that leans on another question.** The exam shuffles questions, so a stem may not
 *    begin "The same …", "Later …" or "Now …", or mention "the previous question".
 *    ({@link leansOnAnotherQuestion}).
 *
 * @module
 */
import type { BankError, Question } from './types';

/** Cap on the share of single-answer choice items whose key is the strictly longest (or shortest) option. */
export const KEY_LENGTH_MAX_SHARE = 0.35;

/**
 * Stem words that a key may repeat alone, per question id, each with the reason. Keep this short:
 * most echoes are fixed by rewording the options so that the distractors use the word too.
 */
export const ECHO_ALLOWED: Readonly<Record<string, { words: readonly string[]; why: string }>> = {
	'prc-25': {
		words: ['default', 'gateway', 'empty'],
		why: 'the stem quotes ipconfig output and every option names one of its fields; the skill is telling which field is wrong'
	},
	'nat-26': {
		words: ['36938'],
		why: "the stem lists the three hosts' source ports and three options are those ports; the skill is knowing which host the exhausted pool refuses"
	}
};

/** Words that never name an answer: English function words and the words every question uses. */
const STOP = new Set(
	(
		'a an the and or nor but if then than so as at by for from in into of off on onto out over to up with without within via per ' +
		'is are was were be been being am do does did done doing has have had having can could would should will shall may might must ' +
		'it its it\'s this that these those there their they them theirs he she his her we our you your i me my who whom whose which what ' +
		'when where why how not no yes all any each every some such own same other others another more most less least much many few ' +
		'only also just still even yet too very about above below after before between during while until since because again once ' +
		'true false statement statements following best likely answer answers option options question questions choose pick select ' +
		'here now new one two three four five six first second third last next use uses used using get gets got give gives given ' +
		'see sees seen show shows shown happen happens happened say says said make makes made take takes took way ways thing things ' +
		'both either neither whether usually normally typically often always never sometimes'
	).split(/\s+/)
);

/** Light stemmer: drop one common suffix, then a trailing "e" ("closes", "closer", "closed", "close" → "clos"). */
function stem(w: string): string {
	if (/^\d+$/.test(w)) return w;
	let s = w;
	for (const suf of ['ing', 'ers', 'ed', 'es', 'er', 's']) {
		if (s.endsWith(suf) && s.length - suf.length >= 3 && !(suf === 's' && s.endsWith('ss'))) {
			s = s.slice(0, -suf.length);
			break;
		}
	}
	if (s.endsWith('e') && s.length > 3) s = s.slice(0, -1);
	return s;
}

/**
 * The content words of a text, stemmed: lower case, split on anything that is not a letter or a
 * digit, stop words dropped, words shorter than three letters dropped, numbers kept when they have
 * at least two digits.
 */
export function words(text: string): Set<string> {
	const out = new Set<string>();
	for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
		if (!raw || STOP.has(raw)) continue;
		if (/^\d+$/.test(raw) ? raw.length < 2 : raw.length < 3) continue;
		out.add(stem(raw));
	}
	return out;
}

/** A choice item seen as stem + options with their correctness; null for other items (or an unresolved simulation). */
export interface ChoiceView {
	stem: string;
	options: { text: string; correct: boolean }[];
	/** One correct option (single, simulation) or several (multi). */
	single: boolean;
}

/** View `q` as a choice item, or null when it is not answered by choosing among options. */
export function choiceView(q: Question): ChoiceView | null {
	switch (q.type) {
		case 'single':
			return { stem: q.prompt, single: true, options: q.options.map((o) => ({ text: o.text, correct: o.id === q.answer })) };
		case 'multi':
			return { stem: q.prompt, single: false, options: q.options.map((o) => ({ text: o.text, correct: q.answer.includes(o.id) })) };
		case 'simulation':
			if (!q.options || !q.answer) return null;
			return { stem: q.prompt, single: true, options: q.options.map((o) => ({ text: o.text, correct: o.id === q.answer![0] })) };
		default:
			return null;
	}
}

/** Where the key sits by length in one single-answer choice item. */
export function keyLengthRank(v: ChoiceView): { longest: boolean; strictlyLongest: boolean; strictlyShortest: boolean } {
	const key = v.options.find((o) => o.correct);
	if (!key) return { longest: false, strictlyLongest: false, strictlyShortest: false };
	const len = (t: string) => t.trim().length;
	const others = v.options.filter((o) => o !== key).map((o) => len(o.text));
	const k = len(key.text);
	return {
		longest: others.every((n) => k >= n),
		strictlyLongest: others.every((n) => k > n),
		strictlyShortest: others.every((n) => k < n)
	};
}

/** Counts over the single-answer choice items of `questions` (items whose key is unresolved are skipped). */
export interface KeyLengthStats {
	items: number;
	longest: number;
	strictlyLongest: number;
	strictlyShortest: number;
	/** Ids of the items whose key is the strictly longest option. */
	strictlyLongestIds: string[];
	strictlyShortestIds: string[];
}

/** Measure the "longest option is the key" cue. `only` narrows to some question types (default: single and simulation). */
export function keyLengthStats(questions: readonly Question[], only: readonly Question['type'][] = ['single', 'simulation']): KeyLengthStats {
	const s: KeyLengthStats = { items: 0, longest: 0, strictlyLongest: 0, strictlyShortest: 0, strictlyLongestIds: [], strictlyShortestIds: [] };
	for (const q of questions) {
		if (!only.includes(q.type)) continue;
		const v = choiceView(q);
		if (!v || !v.single) continue;
		const r = keyLengthRank(v);
		s.items++;
		if (r.longest) s.longest++;
		if (r.strictlyLongest) {
			s.strictlyLongest++;
			s.strictlyLongestIds.push(q.id);
		}
		if (r.strictlyShortest) {
			s.strictlyShortest++;
			s.strictlyShortestIds.push(q.id);
		}
	}
	return s;
}

/** Stem words that only the key repeats (single) or that only and all correct options repeat (multi), minus the allowed ones. */
export function stemEchoes(q: Question): string[] {
	const v = choiceView(q);
	if (!v) return [];
	const stemWords = words(v.stem);
	const right = v.options.filter((o) => o.correct).map((o) => words(o.text));
	const wrong = v.options.filter((o) => !o.correct).map((o) => words(o.text));
	if (right.length === 0 || wrong.length === 0) return [];
	const allowed = new Set((ECHO_ALLOWED[q.id]?.words ?? []).map(stem));
	const out: string[] = [];
	for (const w of stemWords) {
		if (allowed.has(w)) continue;
		if (wrong.some((ws) => ws.has(w))) continue;
		if (v.single ? right[0].has(w) : right.every((ws) => ws.has(w))) out.push(w);
	}
	return out.sort();
}

const LEANING_START = /^\s*(the same|later|now|then|next|also|again|this time)\b/i;
const LEANING_ANYWHERE = /\b(previous|last|earlier|above|preceding) question\b|\bas (before|above)\b/i;

/** True when a stem depends on another question having been read first. */
export function leansOnAnotherQuestion(prompt: string): boolean {
	return LEANING_START.test(prompt) || LEANING_ANYWHERE.test(prompt);
}

/**
 * Every cue check on one bank's questions (simulation items resolved, so their keys are known).
 * @param file - the bank path, for messages in the usual `file: id: reason` form.
 * @returns one error per problem; empty when the bank is clean.
 */
export function checkCues(file: string, questions: readonly Question[]): BankError[] {
	const errors: BankError[] = [];
	for (const q of questions) {
		if (leansOnAnotherQuestion(q.prompt)) {
			errors.push(`${file}: ${q.id}: the stem leans on another question ("${q.prompt.slice(0, 40)}…"); every stem must stand alone, since exams shuffle questions`);
		}
		const echoes = stemEchoes(q);
		if (echoes.length) {
			const v = choiceView(q)!;
			errors.push(
				`${file}: ${q.id}: ${v.single ? 'the key is the only option' : 'only the correct options'} repeating "${echoes.join('", "')}" from the stem; reword the options (or list a justified exception in ECHO_ALLOWED, src/lib/quiz/cues.ts)`
			);
		}
	}
	const s = keyLengthStats(questions);
	const cap = Math.floor(KEY_LENGTH_MAX_SHARE * s.items + 1e-9);
	if (s.strictlyLongest > cap) {
		errors.push(
			`${file}: the key is the strictly longest option in ${s.strictlyLongest} of ${s.items} single-answer choice items (at most ${cap}, ${KEY_LENGTH_MAX_SHARE * 100} %, allowed): ${s.strictlyLongestIds.join(', ')}`
		);
	}
	if (s.strictlyShortest > cap) {
		errors.push(
			`${file}: the key is the strictly shortest option in ${s.strictlyShortest} of ${s.items} single-answer choice items (at most ${cap}, ${KEY_LENGTH_MAX_SHARE * 100} %, allowed): ${s.strictlyShortestIds.join(', ')}`
		);
	}
	return errors;
}
