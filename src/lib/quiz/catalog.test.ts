import { describe, expect, it } from 'vitest';
import { fullCatalog, questionsForLesson } from './catalog';
import { buildCatalog } from './catalog-core';
import { isCorrect } from './grade';

const LESSONS = [
	'why-ports', 'port-ranges', 'ports-and-sockets', 'ephemeral-ports', 'tcp-handshake', 'reliable-delivery',
	'closing-connections', 'port-exhaustion', 'server-overload', 'udp', 'icmp', 'nat', 'firewalls', 'ports-in-practice',
	'services-and-ports', 'managing-devices'
];

describe('the real question banks', () => {
	const cat = fullCatalog();
	it('validate, with every simulation answer derived by the engine', () => {
		expect(cat.errors).toEqual([]);
		expect(cat.questions.length).toBeGreaterThanOrEqual(250);
		const sims = cat.questions.filter((q) => q.type === 'simulation');
		expect(sims.length).toBeGreaterThanOrEqual(10);
		for (const q of sims) {
			if (q.type !== 'simulation') continue;
			expect(q.answer, q.id).toBeDefined();
			// The derived answer, given back as a response, is graded correct.
			expect(isCorrect(q, q.options ? q.answer![0] : q.derived!), q.id).toBe(true);
		}
	});
	it('cover all 16 lessons with at least 8 questions each and use every question type', () => {
		for (const slug of LESSONS) expect(questionsForLesson(slug).length, slug).toBeGreaterThanOrEqual(8);
		expect(new Set(cat.questions.map((q) => q.type))).toEqual(new Set(['single', 'multi', 'short', 'ordering', 'matching', 'simulation']));
	});
});

describe('buildCatalog cross-checks', () => {
	const objectives = `exams:\n  - id: netplus\n    name: N\n    code: X\n    domains:\n      - id: "1"\n        name: D\n        weight: 100\n        objectives:\n          - { id: "1.4", name: o }\n`;
	const bank = (id: string, link: string) =>
		`lesson: a\nquestions:\n  - id: ${id}\n    type: short\n    prompt: p\n    answer: "1"\n    objectives: { netplus: ["1.4"] }\n    explanation: e\n    link: ${link}\n`;
	it('reports ids reused across banks and links to missing headings', () => {
		const r = buildCatalog({
			banks: { '/content/lessons/01-x/01-a/quiz.yaml': bank('q-1', '/lessons/a#nope'), '/content/lessons/01-x/02-b/quiz.yaml': bank('q-1', '/lessons/a#yes').replace('lesson: a', 'lesson: b') },
			scenarios: {},
			objectives,
			headings: new Map([['a', new Set(['yes'])]])
		});
		expect(r.errors).toEqual([
			'/content/lessons/01-x/01-a/quiz.yaml: q-1: link /lessons/a#nope: lesson "a" has no heading with id "nope"',
			'/content/lessons/01-x/02-b/quiz.yaml: q-1: id already used in /content/lessons/01-x/01-a/quiz.yaml'
		]);
	});
	it('reports a broken objectives file', () => {
		expect(buildCatalog({ banks: {}, scenarios: {}, objectives: 'exams: 3' }).errors).toEqual(['content/exam/objectives.yaml: expected "exams:" list']);
	});
});
