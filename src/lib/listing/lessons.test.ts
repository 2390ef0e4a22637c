/**
 * Every lesson link a finding can carry points at a lesson that exists and a heading it has, as
 * the lesson index (the same code the site uses) gives them.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildLessonIndex } from '../content/lessons';
import { explainListing } from './index';
import { EXAMPLES } from './examples';
import { LESSONS } from './lessons';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function collect(dir: string, test: (name: string) => boolean, out: Record<string, string> = {}): Record<string, string> {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) collect(path, test, out);
		else if (test(name)) out['/' + relative(ROOT, path).split('\\').join('/')] = readFileSync(path, 'utf8');
	}
	return out;
}

const index = buildLessonIndex(
	collect(join(ROOT, 'content/lessons'), (n) => n === 'index.md'),
	collect(join(ROOT, 'content/lessons'), (n) => n === 'part.yaml')
);

describe('lesson links of findings', () => {
	it.each(Object.entries(LESSONS))('%s points at an existing lesson heading', (_, link) => {
		const lesson = index.find((l) => l.slug === link.slug);
		expect(lesson, `lesson ${link.slug}`).toBeDefined();
		const heading = lesson?.toc.find((t) => t.id === link.id);
		expect(heading, `#${link.id} in ${link.slug}`).toBeDefined();
		expect(heading?.text).toBe(link.heading);
		expect(link.href).toBe(`/lessons/${link.slug}#${link.id}`);
	});

	it('every finding of the examples links to at least one lesson from that list', () => {
		const known = new Set(Object.values(LESSONS).map((l) => l.href));
		for (const ex of EXAMPLES) {
			const r = explainListing(ex.text);
			expect(r.findings.length, ex.id).toBeGreaterThan(0);
			for (const f of r.findings) {
				expect(f.links.length, f.kind).toBeGreaterThan(0);
				for (const l of f.links) expect(known.has(l.href), l.href).toBe(true);
			}
		}
	});
});
