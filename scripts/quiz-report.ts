/**
 * Quiz bank report: counts by type, by objective and by exam domain, the key-length cue figures,
 * and the N10-009 port-table coverage. Runs the same checks as the build (every error is listed).
 *
 *   npm run quiz:report            # human-readable
 *   npm run quiz:report -- --json  # the same figures as JSON
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { runScenario } from '../src/lib/sim/scenario';
import { buildCatalog } from '../src/lib/quiz/catalog-core';
import { keyLengthStats } from '../src/lib/quiz/cues';
import { extractToc } from '../src/lib/content/lessons';
import type { RunResult } from '../src/lib/quiz/simulation';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
function collect(dir: string, test: (name: string) => boolean, out: Record<string, string> = {}): Record<string, string> {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) collect(path, test, out);
		else if (test(name)) out['/' + relative(ROOT, path).split('\\').join('/')] = readFileSync(path, 'utf8');
	}
	return out;
}
const lessons = join(ROOT, 'content/lessons');
const banks = collect(lessons, (n) => n === 'quiz.yaml');
const scenarios = collect(lessons, (n) => n.endsWith('.scn'));
const md = collect(lessons, (n) => n === 'index.md');
const headings = new Map(Object.entries(md).map(([p, t]) => [/\/([^/]+)\/index\.md$/.exec(p)![1].replace(/^\d+-/, ''), new Set(extractToc(t).map((h) => h.id))]));
const cat = buildCatalog({ banks, scenarios, objectives: readFileSync(join(ROOT, 'content/exam/objectives.yaml'), 'utf8'), run: (t) => runScenario(t) as RunResult, headings });

const byType: Record<string, number> = {};
const byObjective: Record<string, number> = {};
const byDomain: Record<string, number> = {};
for (const q of cat.questions) {
	byType[q.type] = (byType[q.type] ?? 0) + 1;
	for (const id of q.objectives.netplus) byObjective[`netplus ${id}`] = (byObjective[`netplus ${id}`] ?? 0) + 1;
	for (const id of q.objectives.ccna) byObjective[`ccna ${id}`] = (byObjective[`ccna ${id}`] ?? 0) + 1;
	const domains = new Set([...q.objectives.netplus.map((o) => `netplus:${o.split('.')[0]}`), ...q.objectives.ccna.map((o) => `ccna:${o.split('.')[0]}`)]);
	for (const d of domains) byDomain[d] = (byDomain[d] ?? 0) + 1;
}
const pct = (a: number, b: number) => (b ? Math.round((1000 * a) / b) / 10 : 0);
const single = keyLengthStats(cat.questions, ['single']);
const choice = keyLengthStats(cat.questions);
type Row = { service: string; ports: number[]; names: string[]; questions: string[] };
const table = parseYaml(readFileSync(join(ROOT, 'content/exam/port-table.yaml'), 'utf8')) as { services: Row[] } | null;
const report = {
	total: cat.questions.length,
	examItems: cat.questions.filter((q) => q.exam).length,
	courseOnly: cat.questions.filter((q) => !q.exam).length,
	byType,
	byObjective: Object.fromEntries(Object.entries(byObjective).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))),
	byDomain: Object.fromEntries(Object.entries(byDomain).sort()),
	keyLength: {
		single: { items: single.items, longest: single.longest, strictlyLongest: single.strictlyLongest, strictlyShortest: single.strictlyShortest, longestPct: pct(single.longest, single.items), strictlyLongestPct: pct(single.strictlyLongest, single.items), strictlyShortestPct: pct(single.strictlyShortest, single.items) },
		allSingleAnswerChoice: { items: choice.items, longest: choice.longest, strictlyLongest: choice.strictlyLongest, strictlyShortest: choice.strictlyShortest, longestPct: pct(choice.longest, choice.items), strictlyLongestPct: pct(choice.strictlyLongest, choice.items), strictlyShortestPct: pct(choice.strictlyShortest, choice.items) }
	},
	portTable: (table?.services ?? []).map((r) => ({ service: r.service, ports: r.ports.join('/'), questions: r.questions.join(', ') })),
	errors: cat.errors
};
if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
else {
	console.log(`questions: ${report.total} (exam ${report.examItems}, course-only ${report.courseOnly})`);
	console.log('by type:', report.byType);
	console.log('by exam domain:', report.byDomain);
	console.log('by objective:');
	for (const [k, v] of Object.entries(report.byObjective)) console.log(`  ${k.padEnd(12)} ${v}`);
	const k = report.keyLength;
	console.log(`key is the longest option: single ${k.single.longest}/${k.single.items} (${k.single.longestPct} %), strictly ${k.single.strictlyLongest}/${k.single.items} (${k.single.strictlyLongestPct} %), strictly shortest ${k.single.strictlyShortest} (${k.single.strictlyShortestPct} %)`);
	console.log(`  all single-answer choice items (single + simulation with options): longest ${k.allSingleAnswerChoice.longest}/${k.allSingleAnswerChoice.items} (${k.allSingleAnswerChoice.longestPct} %), strictly ${k.allSingleAnswerChoice.strictlyLongest} (${k.allSingleAnswerChoice.strictlyLongestPct} %), strictly shortest ${k.allSingleAnswerChoice.strictlyShortest} (${k.allSingleAnswerChoice.strictlyShortestPct} %)`);
	console.log('port table:');
	for (const r of report.portTable) console.log(`  ${r.service.padEnd(12)} ${r.ports.padEnd(10)} ${r.questions}`);
	if (report.errors.length) console.log(`\n${report.errors.length} problem(s):\n  ${report.errors.join('\n  ')}`);
}
process.exitCode = report.errors.length ? 1 : 0;
