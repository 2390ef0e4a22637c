import { describe, expect, it } from 'vitest';
import { buildLessonIndex, checkFigureViews, ContentError, extractToc } from './lessons';

const parts = {
	'/content/lessons/01-basics/part.yaml': 'title: Basics\n',
	'/content/lessons/02-tcp/part.yaml': 'title: TCP\n'
};
const lesson = (title: string, extra = '') => `---\ntitle: ${title}\ndescription: About ${title}.\n${extra}---\n\n## First\n\nText\n`;

describe('buildLessonIndex', () => {
	it('orders lessons by part and lesson prefix, strips prefixes and links neighbours', () => {
		const index = buildLessonIndex(
			{
				'/content/lessons/02-tcp/01-handshake/index.md': lesson('Handshake'),
				'/content/lessons/01-basics/02-sockets/index.md': lesson('Sockets'),
				'/content/lessons/01-basics/01-why-ports/index.md': lesson('Why ports', 'minutes: 7\n')
			},
			parts
		);
		expect(index.map((l) => l.slug)).toEqual(['why-ports', 'sockets', 'handshake']);
		expect(index.map((l) => l.number)).toEqual([1, 2, 3]);
		expect(index[0].minutes).toBe(7);
		expect(index[0].prev).toBeNull();
		expect(index[1].prev?.slug).toBe('why-ports');
		expect(index[1].next?.slug).toBe('handshake');
		expect(index[2].next).toBeNull();
		expect(index[2].part).toEqual({ slug: 'tcp', title: 'TCP' });
		expect(index[0].toc).toEqual([{ depth: 2, text: 'First', id: 'first' }]);
	});

	it.each([
		['missing frontmatter', '## No frontmatter\n', 'missing frontmatter'],
		['no title', '---\ndescription: x\n---\n', '"title" must be a non-empty string'],
		['no description', '---\ntitle: X\n---\n', '"description" must be a non-empty string'],
		['bad minutes', '---\ntitle: X\ndescription: y\nminutes: lots\n---\n', '"minutes" must be a number'],
		['unknown key', '---\ntitle: X\ndescription: y\ntitel: typo\n---\n', 'unknown frontmatter key "titel"'],
		['bad yaml', '---\ntitle: [unclosed\ndescription: y\n---\n', 'not valid YAML']
	])('fails with the file name when a lesson has %s', (_, text, reason) => {
		const file = '/content/lessons/01-basics/01-why-ports/index.md';
		expect(() => buildLessonIndex({ [file]: text }, parts)).toThrowError(ContentError);
		expect(() => buildLessonIndex({ [file]: text }, parts)).toThrowError(
			new RegExp(`^content/lessons/01-basics/01-why-ports/index.md: .*${reason.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')}`)
		);
	});

	it('rejects badly named folders, missing parts and duplicate slugs', () => {
		expect(() => buildLessonIndex({ '/content/lessons/basics/01-a/index.md': lesson('A') }, parts)).toThrowError(/part folder "basics"/);
		expect(() => buildLessonIndex({ '/content/lessons/03-x/01-a/index.md': lesson('A') }, parts)).toThrowError(
			/content\/lessons\/03-x\/part.yaml: missing/
		);
		expect(() =>
			buildLessonIndex(
				{
					'/content/lessons/01-basics/01-a/index.md': lesson('A'),
					'/content/lessons/02-tcp/01-a/index.md': lesson('A again')
				},
				parts
			)
		).toThrowError(/slug "a" is already used/);
	});
});

describe('extractToc', () => {
	it('gives headings the ids rehype-slug gives them and skips code fences', () => {
		const toc = extractToc('## The `ss` command\n\n```sh\n## not a heading\n```\n\n### Why TIME-WAIT?\n\n## The `ss` command\n');
		expect(toc).toEqual([
			{ depth: 2, text: 'The ss command', id: 'the-ss-command' },
			{ depth: 3, text: 'Why TIME-WAIT?', id: 'why-time-wait' },
			{ depth: 2, text: 'The ss command', id: 'the-ss-command-1' }
		]);
	});
});

describe('extractToc with underscores', () => {
	it('keeps underscores inside code spans and words, drops emphasis markers', () => {
		const toc = extractToc('## Tuning `tcp_tw_reuse`\n\n## An _emphasised_ word and **bold**\n');
		expect(toc.map((t) => t.id)).toEqual(['tuning-tcp_tw_reuse', 'an-emphasised-word-and-bold']);
	});
});

describe('checkFigureViews', () => {
	const file = 'content/lessons/01-basics/01-why-ports/index.md';
	it('accepts known views, spacing and quotes, and expressions it cannot check', () => {
		const ok = `---\ntitle: A\n---\n<SimPlayer scenario={s} views="ladder, sockets,header" caption="a -> b > c" />\n<SimPlayer scenario={s} views='ports' />\n<SimPlayer scenario={s} views={list} />\n`;
		expect(() => checkFigureViews(file, ok)).not.toThrow();
	});
	it('fails on an unknown or repeated view, naming the file and line', () => {
		const bad = `---\ntitle: A\n---\n\nText.\n\n<SimPlayer\n  scenario={s}\n  caption="x > y"\n  views="ladder,sockets,porst" />\n`;
		expect(() => checkFigureViews(file, bad)).toThrowError(ContentError);
		expect(() => checkFigureViews(file, bad)).toThrowError(/why-ports\/index\.md: line 10: <SimPlayer views="ladder,sockets,porst">: unknown view "porst" \(the views are ladder, sockets, header, state, ports, topology, nat, terminal, window\)/);
		expect(() => checkFigureViews(file, '<SimPlayer views="ladder,ladder" />')).toThrowError(/listed twice/);
		expect(() => checkFigureViews(file, '<SimPlayer views="" />')).toThrowError(/no view listed/);
	});
	it('ignores examples inside code fences', () => {
		expect(() => checkFigureViews(file, '```svelte\n<SimPlayer views="nope" />\n```\n')).not.toThrow();
	});
	it('makes the lesson index fail for a lesson with a bad view', () => {
		const text = lesson('A') + '\n<SimPlayer scenario={s} views="ladder,graph" />\n';
		expect(() => buildLessonIndex({ '/content/lessons/01-basics/01-a/index.md': text }, parts)).toThrowError(
			/01-a\/index\.md: line 10: .*unknown view "graph"/
		);
	});
});
