/**
 * The site's question catalog: every `content/lessons/**\/quiz.yaml`, validated against
 * `content/exam/objectives.yaml`, with simulation answers derived by running the scenarios
 * (`runScenario`, src/lib/sim/scenario).
 *
 * Used by the lesson pages (one lesson, in their server load) and the /exam pages (all lessons, in their server load).
 * Any error throws, so prerendering — and therefore `npm run build` — fails naming file,
 * question id and reason.
 *
 * @module
 */
import { runScenario } from '../sim/scenario';
import { extractToc } from '../content/lessons';
import { assertNoErrors, buildCatalog, type Catalog } from './catalog-core';
import { slugFromBankPath } from './bank';
import type { RunResult } from './simulation';
import type { Question } from './types';

/** Raw quiz banks, path → YAML text. */
export const bankFiles = import.meta.glob('/content/lessons/**/quiz.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
/** Raw scenario files next to the lessons, path → text. */
export const scenarioFiles = import.meta.glob('/content/lessons/**/*.scn', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const objectiveFiles = import.meta.glob('/content/exam/objectives.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
/** objectives.yaml text. */
export const objectivesText: string = Object.values(objectiveFiles)[0] ?? '';
const lessonFiles = import.meta.glob('/content/lessons/*/*/index.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

/**
 * Lesson slug → the ids of its `##`/`###` headings (as rehype-slug gives them), read from the
 * Markdown, so that every loader checks the question links against real headings.
 */
export function lessonHeadings(files: Readonly<Record<string, string>> = lessonFiles): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	for (const [path, text] of Object.entries(files)) {
		const m = /\/([^/]+)\/index\.md$/.exec(path);
		if (m) out.set(m[1].replace(/^\d+-/, ''), new Set(extractToc(text).map((t) => t.id)));
	}
	return out;
}

/** Run scenario text with the real engine. */
export function runner(text: string): RunResult {
	return runScenario(text) as RunResult;
}

const lessonCache = new Map<string, Question[]>();

/**
 * All questions of one lesson, simulation answers resolved, in bank order.
 * @throws Error listing every problem in the banks (so a prerender fails).
 */
export function questionsForLesson(slug: string): Question[] {
	const hit = lessonCache.get(slug);
	if (hit) return hit;
	// Only this lesson's bank: the cross-bank check (ids unique across banks) runs in fullCatalog at build time.
	const banks = Object.fromEntries(Object.entries(bankFiles).filter(([path]) => slugFromBankPath(path) === slug));
	const cat = buildCatalog({ banks, scenarios: scenarioFiles, objectives: objectivesText, run: runner, onlyLesson: slug, headings: lessonHeadings() });
	assertNoErrors(cat.errors);
	const qs = cat.questions.filter((q) => q.lesson === slug);
	lessonCache.set(slug, qs);
	return qs;
}

/**
 * The whole catalog, every simulation question resolved.
 * @param headings - lesson slug → heading ids, to check link anchors; defaults to {@link lessonHeadings}.
 * @throws Error listing every problem.
 */
export function fullCatalog(headings: ReadonlyMap<string, ReadonlySet<string>> = lessonHeadings()): Catalog {
	const cat = buildCatalog({ banks: bankFiles, scenarios: scenarioFiles, objectives: objectivesText, run: runner, headings });
	assertNoErrors(cat.errors);
	return cat;
}
