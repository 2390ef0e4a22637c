import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { domainWeights, parseObjectives } from './objectives';

const real = readFileSync(fileURLToPath(new URL('../../../content/exam/objectives.yaml', import.meta.url)), 'utf8');

function exam(domains: string): string {
	return `exams:\n  - id: netplus\n    name: N\n    code: X\n    domains:\n${domains}`;
}

describe('parseObjectives', () => {
	it('reads the blueprints\u2019 domain weights from content/exam/objectives.yaml', () => {
		const o = parseObjectives(real);
		const weights = (id: 'netplus' | 'ccna') => o.exams.find((e) => e.id === id)!.domains.map((d) => [d.id, d.weight]);
		// CompTIA N10-009 and Cisco 200-301 v1.1 published percentages
		expect(weights('netplus')).toEqual([['1', 23], ['2', 20], ['3', 19], ['4', 14], ['5', 24]]);
		expect(weights('ccna')).toEqual([['1', 20], ['2', 20], ['3', 25], ['4', 10], ['5', 15], ['6', 10]]);
		expect(domainWeights(o, 'ccna')['ccna:3']).toBeCloseTo(0.25);
		expect(Object.values(domainWeights(o, 'netplus')).reduce((a, b) => a + b, 0)).toBeCloseTo(1);
		expect(domainWeights({ exams: [] }, 'ccna')).toEqual({});
		expect(o.ids.ccna.has('1.10')).toBe(true);
	});

	it('rejects a missing or impossible weight, and weights that do not add up to 100', () => {
		const d = (id: string, w: string) => `      - id: "${id}"\n        name: D${id}\n${w ? `        weight: ${w}\n` : ''}        objectives:\n          - { id: "${id}.1", name: o }\n`;
		expect(() => parseObjectives(exam(d('1', '') + d('2', '100')))).toThrow('netplus: domain 1 needs a "weight"');
		expect(() => parseObjectives(exam(d('1', '-5') + d('2', '105')))).toThrow('netplus: domain 1 needs a "weight"');
		expect(() => parseObjectives(exam(d('1', '60') + d('2', '30')))).toThrow('netplus: domain weights add up to 90, not 100');
		expect(() => parseObjectives(exam(d('1', '50') + d('1', '50')))).toThrow('netplus: domain 1 is listed twice');
		expect(parseObjectives(exam(d('1', '60') + d('2', '40'))).exams[0].domains.map((x) => x.weight)).toEqual([60, 40]);
	});
});
