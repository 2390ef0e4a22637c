/**
 * Export a diagram for slides and handouts: a standalone SVG file (every style inlined, CSS
 * variables resolved, so it looks the same outside the page) and a PNG drawn from that SVG at
 * 2× scale.
 *
 * The style inlining is written against tiny structural interfaces ({@link ElementLike},
 * {@link StyleSource}) so its rules are unit-tested without a DOM (export.test.ts); the
 * browser-only helpers at the bottom ({@link svgFileFrom}, {@link pngFromSvg},
 * {@link downloadBlob}) pass real elements and `getComputedStyle`.
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
/* Browser-only helpers.                                                                      */

/** A standalone SVG document and its size in CSS pixels. */
export interface SvgFile {
	text: string;
	width: number;
	height: number;
}

/**
 * Serialise an on-page `<svg>` into a standalone SVG file: computed styles inlined, CSS
 * variables resolved, a background rectangle in `background` (default: the nearest opaque
 * background of the SVG's container, so dark and projector themes export as they look).
 *
 * Browser only (uses `getComputedStyle` and `XMLSerializer`).
 */
export function svgFileFrom(svg: SVGSVGElement, background?: string): SvgFile {
	const clone = svg.cloneNode(true) as SVGSVGElement;
	inlineStyles(svg, clone, (el) => getComputedStyle(el as unknown as Element));
	const box = svg.viewBox.baseVal;
	const width = Math.round(box && box.width ? box.width : svg.getBoundingClientRect().width);
	const height = Math.round(box && box.height ? box.height : svg.getBoundingClientRect().height);
	clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	clone.setAttribute('width', String(width));
	clone.setAttribute('height', String(height));
	if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
	const bg = background ?? opaqueBackground(svg);
	const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
	rect.setAttribute('x', '0');
	rect.setAttribute('y', '0');
	rect.setAttribute('width', String(width));
	rect.setAttribute('height', String(height));
	rect.setAttribute('fill', bg);
	const defs = clone.querySelector(':scope > defs');
	clone.insertBefore(rect, defs ? defs.nextSibling : clone.firstChild);
	const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`;
	return { text, width, height };
}

function opaqueBackground(el: Element): string {
	for (let e: Element | null = el; e; e = e.parentElement) {
		const c = getComputedStyle(e).backgroundColor;
		if (c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c)) return c;
	}
	return '#ffffff';
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
