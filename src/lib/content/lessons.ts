/**
 * The lesson index: turns the files under `content/lessons/` into an ordered,
 * validated list of lessons with previous/next links and a table of contents.
 *
 * Layout (as in the Svelte tutorial): `content/lessons/NN-part/NN-slug/index.md`.
 * The numeric prefixes give the order and are stripped from slugs; each part
 * folder has a `part.yaml` with its `title`. Any malformed file makes
 * {@link buildLessonIndex} throw a {@link ContentError} naming the file, which
 * fails the build (the index is built while prerendering).
 */
import GithubSlugger from 'github-slugger';
import { parse as parseYaml } from 'yaml';
import { parseViews, ViewListError } from '$lib/viz/view-names';

/** A heading of a lesson, for the table of contents and deep links. */
export interface TocEntry {
	/** 2 for `##`, 3 for `###`. */
	depth: 2 | 3;
	text: string;
	/** The id rehype-slug gives the heading (github-slugger). */
	id: string;
}

/** One lesson, as listed on the home page and linked from its neighbours. */
export interface LessonMeta {
	slug: string;
	/** 1-based position in the whole course. */
	number: number;
	title: string;
	description: string;
	/** Estimated reading time, minutes. */
	minutes: number;
	objectives: string[];
	part: { slug: string; title: string };
	/** Path of the Markdown file relative to the project, e.g. `content/lessons/01-basics/03-ports-and-sockets/index.md`. */
	file: string;
	toc: TocEntry[];
	prev: { slug: string; title: string } | null;
	next: { slug: string; title: string } | null;
}

/** A malformed lesson or part file. The message starts with the file name. */
export class ContentError extends Error {
	constructor(
		public readonly file: string,
		reason: string
	) {
		super(`${file}: ${reason}`);
		this.name = 'ContentError';
	}
}

const PREFIXED = /^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const LESSON_PATH = /^\/?content\/lessons\/([^/]+)\/([^/]+)\/index\.md$/;
const PART_PATH = /^\/?content\/lessons\/([^/]+)\/part\.yaml$/;

/** Split a YAML frontmatter block off a Markdown file. */
export function splitFrontmatter(file: string, text: string): { data: Record<string, unknown>; body: string } {
	const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
	if (!m) throw new ContentError(file, 'missing frontmatter (the file must start with a --- block holding title and description)');
	let data: unknown;
	try {
		data = parseYaml(m[1]);
	} catch (e) {
		throw new ContentError(file, `frontmatter is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
	}
	if (data === null || typeof data !== 'object' || Array.isArray(data)) {
		throw new ContentError(file, 'frontmatter must be a mapping of keys to values');
	}
	return { data: data as Record<string, unknown>, body: text.slice(m[0].length) };
}

/** The plain text of a Markdown heading: code spans kept verbatim, links and emphasis markers removed. */
function headingText(md: string): string {
	return md
		.split(/(`[^`]*`)/)
		.map((part, i) =>
			i % 2 === 1
				? part.slice(1, -1)
				: part
						.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
						.replace(/\*+/g, '')
						.replace(/(^|[^\w])_+(?=\w)|(?<=\w)_+(?=[^\w]|$)/g, '$1')
		)
		.join('');
}

/** Headings `##` and `###` outside code fences, with the ids rehype-slug will give them. */
export function extractToc(body: string): TocEntry[] {
	const slugger = new GithubSlugger();
	const toc: TocEntry[] = [];
	let fenced = false;
	for (const line of body.split(/\r?\n/)) {
		if (/^(```|~~~)/.test(line)) fenced = !fenced;
		if (fenced) continue;
		const m = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
		if (!m) continue;
		// rehype-slug slugs every heading in order, so count all depths to keep ids in step.
		const text = headingText(m[2]);
		const id = slugger.slug(text);
		if (m[1].length === 2 || m[1].length === 3) toc.push({ depth: m[1].length as 2 | 3, text, id });
	}
	return toc;
}

function validateMeta(file: string, data: Record<string, unknown>) {
	const allowed = new Set(['title', 'description', 'minutes', 'objectives']);
	for (const key of Object.keys(data)) {
		if (!allowed.has(key)) throw new ContentError(file, `unknown frontmatter key "${key}" (allowed: ${[...allowed].join(', ')})`);
	}
	const { title, description, minutes = 10, objectives = [] } = data;
	if (typeof title !== 'string' || !title.trim()) throw new ContentError(file, 'frontmatter "title" must be a non-empty string');
	if (typeof description !== 'string' || !description.trim()) {
		throw new ContentError(file, 'frontmatter "description" must be a non-empty string');
	}
	if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0 || minutes > 120) {
		throw new ContentError(file, 'frontmatter "minutes" must be a number of minutes between 1 and 120');
	}
	if (!Array.isArray(objectives) || objectives.some((o) => typeof o !== 'string')) {
		throw new ContentError(file, 'frontmatter "objectives" must be a list of strings');
	}
	return { title: title.trim(), description: description.trim(), minutes, objectives: objectives as string[] };
}

/** Blank out fenced code blocks (keeping line breaks), so examples in them are not checked. */
function maskFences(text: string): string {
	let fenced = false;
	return text
		.split('\n')
		.map((line) => {
			const fence = /^\s*(```|~~~)/.test(line);
			if (fence) fenced = !fenced;
			return fenced || fence ? ' '.repeat(line.length) : line;
		})
		.join('\n');
}

/** The text of a component tag from its `<` to its closing `>`, skipping `>` inside quotes and `{…}`. */
function tagAt(text: string, start: number): string {
	let quote = '';
	let depth = 0;
	for (let i = start + 1; i < text.length; i++) {
		const ch = text[i];
		if (quote) {
			if (ch === quote) quote = '';
		} else if (ch === '"' || ch === "'") quote = ch;
		else if (ch === '{') depth++;
		else if (ch === '}') depth = Math.max(0, depth - 1);
		else if (ch === '>' && depth === 0) return text.slice(start, i + 1);
	}
	return text.slice(start);
}

/**
 * Check the `views="…"` list of every `<SimPlayer>` in a lesson (outside code fences) against
 * the one list of view names (src/lib/viz/view-names.ts). A list given as an expression
 * (`views={…}`) is not checked here; SimPlayer reports it at run time.
 *
 * @param text the whole file, so line numbers match the file.
 * @throws ContentError naming the file and line for an unknown or repeated view name.
 */
export function checkFigureViews(file: string, text: string): void {
	const masked = maskFences(text);
	const open = /<SimPlayer\b/g;
	for (let m = open.exec(masked); m; m = open.exec(masked)) {
		const tag = tagAt(masked, m.index);
		const attr = /\sviews\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(tag);
		if (!attr) continue;
		const list = attr[1] ?? attr[2];
		const line = masked.slice(0, m.index + attr.index + 1).split('\n').length;
		try {
			parseViews(list);
		} catch (e) {
			if (e instanceof ViewListError) throw new ContentError(file, `line ${line}: <SimPlayer views="${list}">: ${e.message}`);
			throw e;
		}
	}
}

/**
 * Build the ordered lesson list.
 *
 * @param lessons raw Markdown of every `content/lessons/NN-part/NN-slug/index.md`, keyed by path
 * @param parts raw YAML of every `content/lessons/NN-part/part.yaml`, keyed by path
 * @throws ContentError naming the file: bad folder name, missing or invalid frontmatter,
 *   missing part.yaml, duplicate slug or prefix, a figure naming a view that does not exist
 *   ({@link checkFigureViews}).
 */
export function buildLessonIndex(lessons: Record<string, string>, parts: Record<string, string>): LessonMeta[] {
	const partTitles = new Map<string, string>();
	for (const [path, text] of Object.entries(parts)) {
		const m = PART_PATH.exec(path);
		if (!m) continue;
		let data: unknown;
		try {
			data = parseYaml(text);
		} catch (e) {
			throw new ContentError(path, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
		}
		const title = (data as { title?: unknown } | null)?.title;
		if (typeof title !== 'string' || !title.trim()) throw new ContentError(path, '"title" must be a non-empty string');
		partTitles.set(m[1], title.trim());
	}

	const rows: { order: [number, number]; meta: Omit<LessonMeta, 'number' | 'prev' | 'next'> }[] = [];
	const seen = new Map<string, string>();
	for (const [rawPath, text] of Object.entries(lessons)) {
		const file = rawPath.replace(/^\//, '');
		const m = LESSON_PATH.exec(rawPath);
		if (!m) throw new ContentError(file, 'lessons must live at content/lessons/NN-part/NN-slug/index.md');
		const part = PREFIXED.exec(m[1]);
		const lesson = PREFIXED.exec(m[2]);
		if (!part) throw new ContentError(file, `part folder "${m[1]}" must be named NN-slug (digits, dash, lower-case words)`);
		if (!lesson) throw new ContentError(file, `lesson folder "${m[2]}" must be named NN-slug (digits, dash, lower-case words)`);
		const partTitle = partTitles.get(m[1]);
		if (!partTitle) throw new ContentError(`content/lessons/${m[1]}/part.yaml`, 'missing (every part folder needs a part.yaml with a title)');
		const slug = lesson[2];
		const other = seen.get(slug);
		if (other) throw new ContentError(file, `slug "${slug}" is already used by ${other}`);
		seen.set(slug, file);
		const { data, body } = splitFrontmatter(file, text);
		const meta = validateMeta(file, data);
		checkFigureViews(file, text);
		rows.push({
			order: [Number(part[1]), Number(lesson[1])],
			meta: { slug, ...meta, part: { slug: part[2], title: partTitle }, file, toc: extractToc(body) }
		});
	}
	rows.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
	for (let i = 1; i < rows.length; i++) {
		const [a, b] = [rows[i - 1], rows[i]];
		if (a.order[0] === b.order[0] && a.order[1] === b.order[1]) {
			throw new ContentError(b.meta.file, `has the same number prefix as ${a.meta.file}`);
		}
	}
	return rows.map(({ meta }, i) => ({
		...meta,
		number: i + 1,
		prev: i > 0 ? { slug: rows[i - 1].meta.slug, title: rows[i - 1].meta.title } : null,
		next: i < rows.length - 1 ? { slug: rows[i + 1].meta.slug, title: rows[i + 1].meta.title } : null
	}));
}
