/**
 * Build the question catalog from raw files (pure; the Vite globbing is in catalog.ts).
 *
 * Checks, in order: objectives.yaml parses; every bank validates ({@link validateBank}) with the
 * known objective ids, lesson slugs and the `.scn` files of its own folder; question ids are unique
 * across banks; every link's heading id exists in the lesson's Markdown (when headings are given,
 * as the site's loaders and the content test always do); every simulation question's answer can be
 * derived by running its scenario; no bank has a test-taking cue ({@link checkCues}: the key as the
 * longest option, a key that alone repeats the stem, a stem that leans on another question).
 *
 * @module
 */
import { slugFromBankPath, validateBank } from './bank';
import { parseObjectives, type Objectives } from './objectives';
import { resolveSimulationQuestions, type ScenarioRunner } from './simulation';
import { checkCues } from './cues';
import type { BankError, Question, SimulationQuestion } from './types';

export interface CatalogInput {
	/** path → YAML text of every quiz.yaml */
	banks: Record<string, string>;
	/** path → text of every .scn file next to the lessons */
	scenarios: Record<string, string>;
	/** objectives.yaml text */
	objectives: string;
	/** Known lesson slugs; when omitted, taken from the bank folders. */
	lessons?: ReadonlySet<string>;
	/** Lesson slug → heading ids; when given, link anchors are checked against it. */
	headings?: ReadonlyMap<string, ReadonlySet<string>>;
	/** Runs a scenario; when omitted, simulation questions stay unresolved (no error). */
	run?: ScenarioRunner;
	/** Only resolve simulation questions of this lesson (others are still validated structurally). */
	onlyLesson?: string;
}

export interface Catalog {
	questions: Question[];
	objectives: Objectives;
	errors: BankError[];
}

function dirOf(path: string): string {
	return path.replace(/[/\\][^/\\]*$/, '');
}

/** Build and check the whole catalog. Never throws; see `errors`. */
export function buildCatalog(input: CatalogInput): Catalog {
	const errors: BankError[] = [];
	let objectives: Objectives;
	try {
		objectives = parseObjectives(input.objectives);
	} catch (e) {
		return { questions: [], objectives: { exams: [], ids: { netplus: new Set(), ccna: new Set() } }, errors: [e instanceof Error ? e.message : String(e)] };
	}
	const lessons =
		input.lessons ?? new Set(Object.keys(input.banks).map((p) => slugFromBankPath(p)).filter((s): s is string => s !== null));
	const questions: Question[] = [];
	const fileOf = new Map<string, string>();
	for (const path of Object.keys(input.banks).sort()) {
		const dir = dirOf(path);
		const scenarios: Record<string, string> = {};
		for (const [p, text] of Object.entries(input.scenarios)) {
			if (dirOf(p) === dir) scenarios[p.slice(dir.length + 1)] = text;
		}
		const r = validateBank(path, input.banks[path], { objectives: objectives.ids, lessons, scenarios });
		errors.push(...r.errors);
		for (const q of r.questions) {
			if (fileOf.has(q.id)) {
				errors.push(`${path}: ${q.id}: id already used in ${fileOf.get(q.id)}`);
				continue;
			}
			fileOf.set(q.id, path);
			if (input.headings) {
				const m = /^\/lessons\/([^#]+)#(.+)$/.exec(q.link);
				const ids = m ? input.headings.get(m[1]) : undefined;
				if (m && !ids) errors.push(`${path}: ${q.id}: link ${q.link}: no lesson "${m[1]}" among the lessons' headings`);
				else if (m && ids && !ids.has(m[2])) errors.push(`${path}: ${q.id}: link ${q.link}: lesson "${m[1]}" has no heading with id "${m[2]}"`);
			}
			questions.push(q);
		}
	}
	if (input.run) {
		const sims = questions.filter(
			(q): q is SimulationQuestion => q.type === 'simulation' && (input.onlyLesson === undefined || q.lesson === input.onlyLesson)
		);
		errors.push(...resolveSimulationQuestions(sims, input.run, (q) => fileOf.get(q.id) ?? q.lesson));
	}
	const byFile = new Map<string, Question[]>();
	for (const q of questions) {
		const f = fileOf.get(q.id)!;
		byFile.set(f, [...(byFile.get(f) ?? []), q]);
	}
	for (const [file, qs] of byFile) errors.push(...checkCues(file, qs));
	return { questions, objectives, errors };
}

/** Throw one Error listing every catalog error (used by build-time loads so the build fails). */
export function assertNoErrors(errors: readonly BankError[]): void {
	if (errors.length) {
		throw new Error(`Quiz bank validation failed (${errors.length} problem${errors.length > 1 ? 's' : ''}):\n  ${errors.join('\n  ')}`);
	}
}
