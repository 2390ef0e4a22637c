/**
 * Export a figure for slides and handouts: one standalone SVG file and a PNG drawn from it at 2×.
 *
 * The file holds the figure's drawing as it looks on the page (every style inlined, CSS
 * variables resolved), including canvas layers (embedded as PNG images), under a title (the
 * figure's caption) and the step ("Step 5 of 37 · 210 ms"). It is cropped to the drawing's
 * content: guide lines that span the whole drawing (ladder lifelines, the "now" line) do not
 * widen the crop, and nothing below the "now" line (the future part of a ladder) is kept.
 * Arrows of zero length (a packet sent at the very moment shown, whose arrowhead would sit
 * alone on the "now" line) are left out.
 *
 * The rules are written against tiny structural interfaces ({@link ElementLike},
 * {@link StyleSource}, plain boxes) so they are unit-tested without a DOM (export.test.ts);
 * the browser-only functions at the bottom ({@link figureFile}, {@link pngFromSvg},
 * {@link downloadBlob}) pass real elements, `getComputedStyle` and `getBoundingClientRect`.
 *
 * @module
 */

/** The computed style of one element: `getComputedStyle(el)` in a browser. */
export interface StyleSource {
	getPropertyValue(property: string): string;
}

/** The part of a DOM `Element` the inliner uses. */
export interface ElementLike {
	readonly children: ArrayLike<ElementLike>;
	readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
	setAttribute(name: string, value: string): void;
}

/** A CSS property copied into the exported SVG's `style` attributes. */
export interface InlinedProperty {
	name: string;
	/** Inherited properties are written only where they differ from the parent's value. */
	inherited: boolean;
	/** Initial value as `getComputedStyle` reports it; not written when the element has it (and the parent too, if inherited). */
	initial: string;
}

/**
 * The properties that decide how the ladder (and any SVG figure) looks. Marker properties are
 * left out on purpose: computed `marker-end` is an absolute URL to the page, which would break
 * in a standalone file; the `marker-end` attribute (`url(#arrowhead)`) is kept instead.
 */
export const INLINED_PROPERTIES: readonly InlinedProperty[] = [
	{ name: 'fill', inherited: true, initial: 'rgb(0, 0, 0)' },
	{ name: 'fill-opacity', inherited: true, initial: '1' },
	{ name: 'stroke', inherited: true, initial: 'none' },
	{ name: 'stroke-width', inherited: true, initial: '1px' },
	{ name: 'stroke-dasharray', inherited: true, initial: 'none' },
	{ name: 'stroke-linecap', inherited: true, initial: 'butt' },
	{ name: 'stroke-linejoin', inherited: true, initial: 'miter' },
	{ name: 'stroke-opacity', inherited: true, initial: '1' },
	{ name: 'paint-order', inherited: true, initial: 'normal' },
	{ name: 'font-family', inherited: true, initial: '' },
	{ name: 'font-size', inherited: true, initial: '' },
	{ name: 'font-weight', inherited: true, initial: '400' },
	{ name: 'font-style', inherited: true, initial: 'normal' },
	{ name: 'letter-spacing', inherited: true, initial: 'normal' },
	{ name: 'text-anchor', inherited: true, initial: 'start' },
	{ name: 'dominant-baseline', inherited: true, initial: 'auto' },
	{ name: 'visibility', inherited: true, initial: 'visible' },
	{ name: 'opacity', inherited: false, initial: '1' },
	{ name: 'display', inherited: false, initial: 'inline' }
];

const MAX_VAR_DEPTH = 16;

/**
 * Replace every `var(--name)` / `var(--name, fallback)` in a CSS value with the variable's
 * value from `lookup` (its fallback, resolved too, when `lookup` has nothing), recursively.
 * Variables that resolve to nothing and have no fallback become the empty string, as CSS
 * treats them at computed-value time. A cycle stops after 16 levels, leaving an empty string.
 *
 * @param lookup the variable's value for an element, e.g. `getComputedStyle(el).getPropertyValue`.
 */
export function resolveCssVars(value: string, lookup: (name: string) => string | undefined | null, depth = 0): string {
	if (!value.includes('var(')) return value;
	if (depth > MAX_VAR_DEPTH) return '';
	let out = '';
	let i = 0;
	for (;;) {
		const start = value.indexOf('var(', i);
		if (start < 0) {
			out += value.slice(i);
			return out;
		}
		out += value.slice(i, start);
		// Find the matching ")" and the first top-level comma.
		let d = 0;
		let comma = -1;
		let end = -1;
		for (let k = start + 4; k < value.length; k++) {
			const ch = value[k];
			if (ch === '(') d++;
			else if (ch === ')') {
				if (d === 0) {
					end = k;
					break;
				}
				d--;
			} else if (ch === ',' && d === 0 && comma < 0) comma = k;
		}
		if (end < 0) {
			// Unbalanced: not a valid var(); keep the rest as it is.
			out += value.slice(start);
			return out;
		}
		const name = value.slice(start + 4, comma >= 0 ? comma : end).trim();
		const fallback = comma >= 0 ? value.slice(comma + 1, end).trim() : null;
		const found = (lookup(name) ?? '').trim();
		const replacement = found !== '' ? found : (fallback ?? '');
		out += resolveCssVars(replacement, lookup, depth + 1);
		i = end + 1;
	}
}

/**
 * The `style` attribute text for one element: each of {@link INLINED_PROPERTIES} whose value
 * the element does not get anyway (from its parent, for inherited ones, or as the initial
 * value). `force` names properties always written (those the element sets as presentation
 * attributes, which an inline style must override).
 */
export function styleDeclarations(
	style: StyleSource,
	parent: StyleSource | null,
	force: ReadonlySet<string> = new Set(),
	properties: readonly InlinedProperty[] = INLINED_PROPERTIES
): string {
	const out: string[] = [];
	for (const p of properties) {
		const v = style.getPropertyValue(p.name).trim();
		if (v === '') continue;
		if (!force.has(p.name)) {
			if (p.inherited) {
				const from = parent ? parent.getPropertyValue(p.name).trim() : p.initial;
				if (v === from) continue;
			} else if (v === p.initial) continue;
		}
		out.push(`${p.name}:${v.replace(/"/g, "'")}`);
	}
	return out.join(';');
}

/**
 * Walk an element tree and its clone side by side, writing each original element's computed
 * style into the clone's `style` attribute and resolving `var()` in the clone's attributes
 * (the ladder colours hosts with `fill="var(--client)"`, which means nothing outside the page).
 *
 * @param styleOf the computed style of an *original* element.
 * @throws Error when the clone's shape differs from the original's (it must be a deep clone).
 */
export function inlineStyles(
	original: ElementLike,
	clone: ElementLike,
	styleOf: (el: ElementLike) => StyleSource,
	parentStyle: StyleSource | null = null
): void {
	const style = styleOf(original);
	const force = new Set<string>();
	const attrs = Array.from(clone.attributes, (a) => ({ name: a.name, value: a.value }));
	for (const a of attrs) {
		if (INLINED_PROPERTIES.some((p) => p.name === a.name)) force.add(a.name);
		if (a.name !== 'style' && a.value.includes('var(')) {
			clone.setAttribute(a.name, resolveCssVars(a.value, (n) => style.getPropertyValue(n)));
		}
	}
	const decl = styleDeclarations(style, parentStyle, force);
	clone.setAttribute('style', decl);
	const oc = original.children;
	const cc = clone.children;
	if (oc.length !== cc.length) throw new Error('inlineStyles: the clone does not have the same children as the original');
	for (let i = 0; i < oc.length; i++) inlineStyles(oc[i], cc[i], styleOf, style);
}

/**
 * A file name for an exported figure: `portlab-<caption words>-step-<n>.<ext>`, lower-case
 * ASCII letters, digits and hyphens, at most 60 characters before the step.
 */
export function exportFileName(caption: string, step: number, ext: 'svg' | 'png'): string {
	const slug = caption
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/g, '');
	return `portlab-${slug || 'diagram'}-step-${step + 1}.${ext}`;
}


/* ------------------------------------------------------------------------------------------ */
/* Composition: title, step and the drawing's parts in one SVG (pure).                        */

/** A rectangle in CSS px. */
export interface Box {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** The smallest box holding all `boxes` (null for none). */
export function unionBox(boxes: readonly Box[]): Box | null {
	let x0 = Infinity;
	let y0 = Infinity;
	let x1 = -Infinity;
	let y1 = -Infinity;
	for (const b of boxes) {
		if (!(b.width > 0 || b.height > 0)) continue;
		x0 = Math.min(x0, b.x);
		y0 = Math.min(y0, b.y);
		x1 = Math.max(x1, b.x + b.width);
		y1 = Math.max(y1, b.y + b.height);
	}
	return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Split `text` into lines no wider than `maxWidth` (by `measure`), at spaces; a single word
 * wider than the line stays whole on its own line.
 */
export function wrapText(text: string, maxWidth: number, measure: (s: string) => number): string[] {
	const lines: string[] = [];
	let cur = '';
	for (const word of text.trim().split(/\s+/)) {
		if (!word) continue;
		const next = cur ? `${cur} ${word}` : word;
		if (cur && measure(next) > maxWidth) {
			lines.push(cur);
			cur = word;
		} else cur = next;
	}
	if (cur) lines.push(cur);
	return lines;
}

/** A line with an arrowhead marker but (almost) no length: its arrowhead would float alone. */
export function isStrayArrow(el: { getAttribute(name: string): string | null }): boolean {
	if (!el.getAttribute('marker-end') && !el.getAttribute('marker-start')) return false;
	const n = (a: string) => Number(el.getAttribute(a) ?? 0);
	return Math.hypot(n('x2') - n('x1'), n('y2') - n('y1')) < 0.5;
}

/** Escape text for an XML attribute or element. */
export function xmlEscape(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One piece of the exported drawing, placed in the file's coordinates (px). */
export type FigurePart =
	| { kind: 'svg'; x: number; y: number; width: number; height: number; viewBox: string; preserveAspectRatio?: string; body: string; attrs?: string }
	| { kind: 'image'; x: number; y: number; width: number; height: number; href: string; pixelated?: boolean };

/** What {@link composeFigure} needs besides the parts. */
export interface FigureLayout {
	/** Size of the drawing (the crop), px. */
	width: number;
	height: number;
	/** Title lines (the caption, wrapped) and the step line. */
	title: string[];
	step: string;
	background: string;
	fg: string;
	muted: string;
	font: string;
	/** Sizes in px. */
	titleSize?: number;
	stepSize?: number;
	pad?: number;
	/** Narrowest file, px: a narrow drawing is centred. */
	minWidth?: number;
}

/** The header height of a layout (title lines, step line, gaps), px. */
export function headerHeight(l: Pick<FigureLayout, 'title' | 'titleSize' | 'stepSize' | 'pad'>): number {
	const ts = l.titleSize ?? 18;
	const ss = l.stepSize ?? 14;
	const pad = l.pad ?? 16;
	return pad + l.title.length * ts * 1.3 + ss * 1.5 + pad * 0.6;
}

/**
 * The standalone SVG text of a figure: a background, the title and step, and the parts offset
 * below the header. Parts are placed at their own coordinates within the drawing's
 * `width` × `height`; the drawing is centred when narrower than `minWidth`.
 */
export function composeFigure(layout: FigureLayout, parts: readonly FigurePart[]): SvgFile {
	const ts = layout.titleSize ?? 18;
	const ss = layout.stepSize ?? 14;
	const pad = layout.pad ?? 16;
	const head = headerHeight(layout);
	const width = Math.ceil(Math.max(layout.minWidth ?? 0, layout.width + 2 * pad));
	const height = Math.ceil(head + layout.height + pad);
	const dx = (width - layout.width) / 2;
	const font = xmlEscape(layout.font);
	const out: string[] = [];
	out.push(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
	out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="${xmlEscape(layout.background)}"/>`);
	layout.title.forEach((line, i) => {
		out.push(`<text x="${pad}" y="${(pad + ts * (1 + i * 1.3)).toFixed(1)}" font-family="${font}" font-size="${ts}" font-weight="700" fill="${xmlEscape(layout.fg)}">${xmlEscape(line)}</text>`);
	});
	out.push(`<text x="${pad}" y="${(pad + layout.title.length * ts * 1.3 + ss * 1.1).toFixed(1)}" font-family="${font}" font-size="${ss}" fill="${xmlEscape(layout.muted)}">${xmlEscape(layout.step)}</text>`);
	out.push(`<g transform="translate(${dx.toFixed(2)} ${head.toFixed(2)})">`);
	for (const p of parts) {
		const box = `x="${p.x.toFixed(2)}" y="${p.y.toFixed(2)}" width="${p.width.toFixed(2)}" height="${p.height.toFixed(2)}"`;
		if (p.kind === 'svg') {
			const par = p.preserveAspectRatio ? ` preserveAspectRatio="${xmlEscape(p.preserveAspectRatio)}"` : '';
			out.push(`<svg ${box} viewBox="${xmlEscape(p.viewBox)}"${par}${p.attrs ? ` ${p.attrs}` : ''}>${p.body}</svg>`);
		} else {
			const style = p.pixelated ? ' style="image-rendering:pixelated"' : '';
			out.push(`<image ${box} preserveAspectRatio="none"${style} href="${xmlEscape(p.href)}" xlink:href="${xmlEscape(p.href)}"/>`);
		}
	}
	out.push('</g></svg>');
	return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${out.join('\n')}\n`, width, height };
}

/* ------------------------------------------------------------------------------------------ */
/* Browser-only helpers.                                                                      */

/** A standalone SVG document and its size in CSS pixels. */
export interface SvgFile {
	text: string;
	width: number;
	height: number;
}

/**
 * Elements that span a whole drawing as guides and so do not decide the crop: the ladder's
 * lifelines and "now" line (class names from Ladder.svelte).
 */
export const GUIDE_CLASSES: readonly string[] = ['lifeline', 'now'];

const SKIP_TAGS = new Set(['defs', 'marker', 'title', 'desc', 'clipPath', 'mask', 'pattern', 'linearGradient', 'radialGradient', 'style', 'script']);
const LEAF_TAGS = new Set(['line', 'path', 'rect', 'circle', 'ellipse', 'polygon', 'polyline', 'text', 'image', 'use', 'foreignObject']);

/** Is a drawn element visible (not display:none, visibility:hidden or fully transparent)? */
function shown(el: Element): boolean {
	for (let e: Element | null = el; e && e.tagName.toLowerCase() !== 'body'; e = e.parentElement) {
		const cs = getComputedStyle(e);
		if (cs.display === 'none' || (e === el && cs.visibility === 'hidden') || cs.opacity === '0') return false;
	}
	return true;
}

/**
 * The client-space box of what an `<svg>` really shows: the union of its visible leaf elements,
 * leaving out guide lines ({@link GUIDE_CLASSES}), zero-length arrows, and anything below its
 * "now" line when it has one (the part of a ladder that has not happened yet).
 */
function contentBox(svg: SVGSVGElement): Box | null {
	const now = svg.querySelector('line.now');
	const nowY = now ? now.getBoundingClientRect().top : Infinity;
	const boxes: Box[] = [];
	const walk = (el: Element) => {
		for (const child of Array.from(el.children)) {
			const tag = child.tagName;
			if (SKIP_TAGS.has(tag)) continue;
			if (GUIDE_CLASSES.some((c) => child.classList.contains(c))) continue;
			if (LEAF_TAGS.has(tag)) {
				if (tag === 'line' && isStrayArrow(child)) continue;
				if (!shown(child)) continue;
				const r = child.getBoundingClientRect();
				if (r.width === 0 && r.height === 0) continue;
				if (r.top > nowY + 2) continue;
				boxes.push({ x: r.left, y: r.top, width: r.width, height: Math.min(r.height, Math.max(0, nowY + 2 - r.top)) });
			} else walk(child);
		}
	};
	walk(svg);
	const box = unionBox(boxes);
	if (box && now) {
		// Keep the "now" line itself just inside the crop.
		box.height = Math.max(box.height, nowY - box.y + 4);
	}
	return box;
}

function opaqueBackground(el: Element): string {
	for (let e: Element | null = el; e; e = e.parentElement) {
		const c = getComputedStyle(e).backgroundColor;
		if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) return c;
	}
	return '#ffffff';
}

/**
 * Markers painted with `context-stroke` (the ladder's arrowheads take their line's colour) are
 * SVG 2, which slide tools do not draw: give each colour its own copy of the marker, painted
 * in that colour, and point each line at the copy for its stroke. `clone` must be a deep clone
 * of `original` (same element order).
 */
function resolveContextPaint(original: SVGSVGElement, clone: SVGSVGElement): void {
	const markers = new Map<string, Element>();
	for (const m of Array.from(clone.querySelectorAll('marker[id]'))) {
		if (m.querySelector('[fill="context-stroke"], [stroke="context-stroke"], [fill="context-fill"]')) markers.set(m.id, m);
	}
	if (markers.size === 0) return;
	const orig = Array.from(original.querySelectorAll('*'));
	const copy = Array.from(clone.querySelectorAll('*'));
	const made = new Map<string, string>();
	orig.forEach((o, i) => {
		const c = copy[i];
		for (const attr of ['marker-end', 'marker-start', 'marker-mid']) {
			const id = /^url\(#(.+)\)$/.exec(c?.getAttribute(attr) ?? '')?.[1];
			const marker = id ? markers.get(id) : undefined;
			if (!id || !marker) continue;
			const cs = getComputedStyle(o);
			const colour = cs.stroke && cs.stroke !== 'none' ? cs.stroke : cs.fill;
			const key = `${id}|${colour}`;
			let newId = made.get(key);
			if (!newId) {
				newId = `${id}-x${made.size}`;
				const m = marker.cloneNode(true) as Element;
				m.setAttribute('id', newId);
				for (const el of [m, ...Array.from(m.querySelectorAll('*'))]) {
					for (const a of ['fill', 'stroke']) if (/^context-(stroke|fill)$/.test(el.getAttribute(a) ?? '')) el.setAttribute(a, colour);
					const st = el.getAttribute('style');
					if (st) el.setAttribute('style', st.replace(/context-(stroke|fill)/g, colour));
				}
				marker.parentNode?.appendChild(m);
				made.set(key, newId);
			}
			c.setAttribute(attr, `url(#${newId})`);
		}
	});
	// The originals are no longer used by anything.
	for (const [id, m] of markers) if (!clone.querySelector(`[marker-end="url(#${id})"], [marker-start="url(#${id})"], [marker-mid="url(#${id})"]`)) m.remove();
}

/** The serialised children of a clone of `svg`, styles inlined and stray arrowheads dropped. */
function svgBody(svg: SVGSVGElement): { body: string; viewBox: string; preserveAspectRatio: string | null } {
	const clone = svg.cloneNode(true) as SVGSVGElement;
	inlineStyles(svg, clone, (el) => getComputedStyle(el as unknown as Element));
	resolveContextPaint(svg, clone);
	for (const line of Array.from(clone.querySelectorAll('line'))) if (isStrayArrow(line)) line.remove();
	const rect = svg.getBoundingClientRect();
	const vb = svg.viewBox.baseVal;
	const viewBox = vb && vb.width && vb.height ? `${vb.x} ${vb.y} ${vb.width} ${vb.height}` : `0 0 ${rect.width} ${rect.height}`;
	const xml = new XMLSerializer();
	const body = Array.from(clone.childNodes)
		.map((n) => xml.serializeToString(n))
		.join('')
		// Children serialise with the SVG namespace declared on each; the file declares it once.
		.replace(/ xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '');
	const style = clone.getAttribute('style');
	return { body: style ? `<g style="${xmlEscape(style)}">${body}</g>` : body, viewBox, preserveAspectRatio: svg.getAttribute('preserveAspectRatio') };
}

/** Options of {@link figureFile}. */
export interface FigureFileOptions {
	/** The figure's caption: the file's title, wrapped to the drawing's width. */
	caption: string;
	/** The step shown, e.g. "Step 5 of 37 · 210 ms". */
	step: string;
	/** Background colour; default: the nearest opaque background behind the drawing. */
	background?: string;
}

/**
 * A standalone SVG file of everything drawn inside `root` (or `root` itself when it is an
 * `<svg>`): each outermost `<svg>` with its styles inlined, each `<canvas>` as an embedded PNG,
 * at their on-page positions, cropped to the content, under the caption and the step.
 * Browser only.
 * @throws Error when `root` holds nothing drawn.
 */
export function figureFile(root: Element, opts: FigureFileOptions): SvgFile {
	const drawn = (root.tagName.toLowerCase() === 'svg' ? [root] : Array.from(root.querySelectorAll('svg, canvas'))).filter(
		(el) => !el.parentElement?.closest('svg') && el.getBoundingClientRect().width > 0 && shown(el)
	);
	const boxes: Box[] = [];
	const pieces: { el: Element; rect: DOMRect }[] = [];
	for (const el of drawn) {
		const rect = el.getBoundingClientRect();
		const box = el instanceof SVGSVGElement ? contentBox(el) : { x: rect.left, y: rect.top, width: rect.width, height: rect.height };
		if (!box) continue;
		boxes.push(box);
		pieces.push({ el, rect });
	}
	const crop0 = unionBox(boxes);
	if (!crop0) throw new Error('This figure has no drawing to export.');
	const m = 6;
	const crop = { x: crop0.x - m, y: crop0.y - m, width: crop0.width + 2 * m, height: crop0.height + 2 * m };
	const parts: FigurePart[] = pieces.map(({ el, rect }) => {
		const at = { x: rect.left - crop.x, y: rect.top - crop.y, width: rect.width, height: rect.height };
		if (el instanceof HTMLCanvasElement) {
			return { kind: 'image', ...at, href: el.toDataURL('image/png'), pixelated: getComputedStyle(el).imageRendering === 'pixelated' };
		}
		const { body, viewBox, preserveAspectRatio } = svgBody(el as SVGSVGElement);
		return { kind: 'svg', ...at, viewBox, preserveAspectRatio: preserveAspectRatio ?? undefined, body };
	});
	const cs = getComputedStyle(root);
	const lookup = (v: string, fallback: string) => cs.getPropertyValue(v).trim() || fallback;
	const body = getComputedStyle(document.body);
	const font = body.fontFamily || 'sans-serif';
	// Type as large as the page's (the projector theme's 22 px makes a 23 px title).
	const base = parseFloat(body.fontSize) || 17;
	const titleSize = Math.round(Math.max(18, base * 1.05));
	const minWidth = 480;
	const ctx = document.createElement('canvas').getContext('2d');
	const measure = (s: string) => {
		if (!ctx) return s.length * titleSize * 0.55;
		ctx.font = `700 ${titleSize}px ${font}`;
		return ctx.measureText(s).width;
	};
	const pad = 16;
	const title = opts.caption.trim() ? wrapText(opts.caption, Math.max(minWidth, crop.width + 2 * pad) - 2 * pad, measure) : [];
	return composeFigure(
		{
			width: crop.width,
			height: crop.height,
			title,
			step: opts.step,
			background: opts.background ?? opaqueBackground(pieces[0].el),
			fg: lookup('--fg', '#16202c'),
			muted: lookup('--muted', '#5a6878'),
			font,
			titleSize,
			stepSize: Math.round(Math.max(14, base * 0.8)),
			pad,
			minWidth
		},
		parts
	);
}

/**
 * Draw an SVG file onto a canvas at `scale` (default 2×, for crisp slides) and encode it as PNG.
 * Browser only.
 * @throws Error when the browser cannot decode the SVG or encode the PNG.
 */
export async function pngFromSvg(file: SvgFile, scale = 2): Promise<Blob> {
	const url = URL.createObjectURL(new Blob([file.text], { type: 'image/svg+xml;charset=utf-8' }));
	try {
		const img = new Image();
		img.decoding = 'async';
		await new Promise<void>((resolve, reject) => {
			img.onload = () => resolve();
			img.onerror = () => reject(new Error('The browser could not draw the diagram as an image.'));
			img.src = url;
		});
		const canvas = document.createElement('canvas');
		canvas.width = Math.max(1, Math.round(file.width * scale));
		canvas.height = Math.max(1, Math.round(file.height * scale));
		const ctx = canvas.getContext('2d');
		if (!ctx) throw new Error('This browser has no 2D canvas.');
		ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
		return await new Promise<Blob>((resolve, reject) =>
			canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The browser could not encode the PNG.'))), 'image/png')
		);
	} finally {
		URL.revokeObjectURL(url);
	}
}

/** Save a blob as a file through a temporary blob URL and `<a download>`. Browser only. */
export function downloadBlob(blob: Blob, fileName: string): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	a.rel = 'noopener';
	a.style.display = 'none';
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
