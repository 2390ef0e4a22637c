/**
 * Exam objectives (content/exam/objectives.yaml): CompTIA Network+ N10-009 domains/objectives and
 * Cisco CCNA 200-301 domains/topics that the question banks reference.
 *
 * ```yaml
 * exams:
 *   - id: netplus            # key used in question objectives
 *     name: CompTIA Network+
 *     code: N10-009
 *     domains:
 *       - id: "1"            # domain "1.0"
 *         name: Networking Concepts
 *         weight: 23         # percent of the real exam's questions; an exam's weights add up to 100
 *         objectives:
 *           - { id: "1.4", name: Explain common networking ports, protocols, services, and traffic types }
 * ```
 *
 * Weights are the blueprints' published domain percentages (Network+ N10-009: 23/20/19/14/24;
 * CCNA 200-301 v1.1: 20/20/25/10/15/10). Every domain of a blueprint is listed, even one with few
 * objectives here, so the weights of an exam add up to 100 and a practice exam can sample by them
 * ({@link domainWeights}).
 * @module
 */
import { parse as parseYaml } from 'yaml';

export type ExamKey = 'netplus' | 'ccna';

export interface Objective {
	id: string;
	name: string;
}
export interface Domain {
	/** "netplus:1" — unique across both exams. */
	key: string;
	exam: ExamKey;
	/** Major number as text ("1"). */
	id: string;
	name: string;
	/** Share of the real exam's questions from this domain, in percent (0 < weight ≤ 100). */
	weight: number;
	objectives: Objective[];
}
export interface ExamInfo {
	id: ExamKey;
	name: string;
	code: string;
	domains: Domain[];
}
export interface Objectives {
	exams: ExamInfo[];
	/** Every objective id per exam, for bank validation. */
	ids: { netplus: Set<string>; ccna: Set<string> };
}

/**
 * Parse and validate objectives.yaml.
 * @throws Error naming the file and the bad field when the file is malformed.
 */
export function parseObjectives(text: string, fileName = 'content/exam/objectives.yaml'): Objectives {
	const fail = (msg: string): never => {
		throw new Error(`${fileName}: ${msg}`);
	};
	let doc: unknown;
	try {
		doc = parseYaml(text);
	} catch (e) {
		return fail(`YAML syntax error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
	}
	const root = doc as { exams?: unknown };
	if (!root || !Array.isArray(root.exams)) return fail('expected "exams:" list');
	const ids = { netplus: new Set<string>(), ccna: new Set<string>() };
	const exams: ExamInfo[] = root.exams.map((ex: Record<string, unknown>, i: number) => {
		if (ex.id !== 'netplus' && ex.id !== 'ccna') return fail(`exams[${i + 1}].id must be netplus or ccna`);
		const id = ex.id as ExamKey;
		if (!Array.isArray(ex.domains)) return fail(`${id}: "domains" must be a list`);
		const domains = ex.domains.map((d: Record<string, unknown>) => {
			const did = String(d.id ?? '');
			if (!/^[1-6]$/.test(did)) fail(`${id}: domain id "${did}" must be a quoted digit 1-6`);
			if (typeof d.name !== 'string') fail(`${id}: domain ${did} needs a name`);
			const weight = d.weight;
			if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 100) {
				fail(`${id}: domain ${did} needs a "weight", its percentage of the exam (a number above 0, at most 100)`);
			}
			const objectives = (Array.isArray(d.objectives) ? d.objectives : []).map((o: Record<string, unknown>) => {
				if (typeof o.id !== 'string' || !o.id.startsWith(`${did}.`)) fail(`${id}: objective ${String(o.id)} must be a quoted id starting "${did}."`);
				if (typeof o.name !== 'string') fail(`${id}: objective ${String(o.id)} needs a name`);
				ids[id].add(o.id as string);
				return { id: o.id as string, name: o.name as string };
			});
			return { key: `${id}:${did}`, exam: id, id: did, name: d.name as string, weight: weight as number, objectives };
		});
		const domainIds = domains.map((d) => d.id);
		const dup = domainIds.find((x, j) => domainIds.indexOf(x) !== j);
		if (dup !== undefined) fail(`${id}: domain ${dup} is listed twice`);
		const total = domains.reduce((sum, d) => sum + d.weight, 0);
		if (Math.abs(total - 100) > 1e-9) fail(`${id}: domain weights add up to ${total}, not 100`);
		return { id, name: String(ex.name ?? id), code: String(ex.code ?? ''), domains };
	});
	return { exams, ids };
}

/**
 * Domain weights of one exam as fractions that add up to 1, keyed by domain key ("netplus:1").
 * For sampling a practice exam by weight: a 90-question Network+ exam draws about
 * 0.23 × 90 ≈ 21 questions from domain 1.
 * @returns an empty object when the exam is not in `objectives`.
 */
export function domainWeights(objectives: Pick<Objectives, 'exams'>, exam: ExamKey): Record<string, number> {
	const info = objectives.exams.find((e) => e.id === exam);
	if (!info) return {};
	const total = info.domains.reduce((sum, d) => sum + d.weight, 0);
	return Object.fromEntries(info.domains.map((d) => [d.key, d.weight / total]));
}
