/**
 * The figure audit's checks, shared by tests/figure-audit.spec.ts: what the browser reports at
 * one step of one figure (one `page.evaluate`), and the rules it must satisfy.
 *
 * - No two labels, state pills or loss markers overlap by more than 1.5 px. Boxes are the
 *   elements' `getBBox()` corners mapped through `getScreenCTM()`, so rotated labels are
 *   compared as the rotated rectangles they are, with the separating-axis test the ladder's
 *   layout uses (src/lib/viz/collide.ts).
 * - Every TCP and UDP label starts with its ports (`51234 → 80`).
 * - With relative sequence numbers on, no label shows an absolute one (any seq/ack ≥ 2^20: the
 *   lesson figures move a few kB, and a random 32-bit ISN is below 2^20 once in 4096 runs).
 * - No socket or NAT table cell is cut off: its text lies inside the cell and inside every
 *   scrolling or clipping box around it, and no table needs a horizontal scroll bar.
 * - In presentation mode: labels ≥ 20 CSS px, pills ≥ 18 px, every text in the side panel
 *   ≥ 20 px, the title not clipped, and Predict offered only on figures with a ladder.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator } from '@playwright/test';
import { polygonOverlap, type Point } from '../src/lib/viz/collide';

/**
 * Lessons in course order, read from content/lessons (part and lesson folders are numbered
 * `NN-slug`), so a new lesson is audited without editing this list.
 */
export const LESSONS: string[] = (() => {
	const root = fileURLToPath(new URL('../content/lessons', import.meta.url));
	const dirs = (d: string) => readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory() && /^\d+-/.test(e.name)).map((e) => e.name).sort();
	return dirs(root).flatMap((part) => dirs(join(root, part)).map((l) => l.replace(/^\d+-/, '')));
})();

/** What one step looks like, as the browser reports it. */
export interface StepReport {
	step: string;
	items: { what: string; corners: Point[] }[];
	labels: { kind: string; text: string; fontPx: number }[];
	pillFontPx: number[];
	relative: boolean;
	cutCells: string[];
	smallSideText: string[];
	titleClipped: boolean;
	predictOffered: boolean | null;
	hasLadder: boolean;
	/** Height of the whole figure (or presentation), CSS px. */
	figureH: number;
	/**
	 * A ladder figure on a lesson page: from the top of its controls to the bottom of the tables
	 * under the ladder (or of the ladder), CSS px; what must fit one screen. Null otherwise.
	 */
	screenH: number | null;
	/** Is the "now" line inside the ladder's visible box (the ladder follows playback)? Null without a ladder. */
	nowInView: boolean | null;
	/** The smallest font size in the presentation's side panel, CSS px (null without one). */
	minSideFontPx: number | null;
}

/** Overlap allowed between two boxes, px (anti-aliasing and rounding). */
export const OVERLAP_TOLERANCE = 1.5;
/** A relative sequence number in a lesson figure stays below this. */
export const RELATIVE_LIMIT = 2 ** 20;

/** Everything wrong at one step, as sentences (empty when the step passes). */
export function problems(r: StepReport, mode: 'page' | 'present'): string[] {
	const out: string[] = [];
	for (let i = 0; i < r.items.length; i++) {
		for (let j = i + 1; j < r.items.length; j++) {
			const depth = polygonOverlap(r.items[i].corners, r.items[j].corners);
			if (depth > OVERLAP_TOLERANCE) out.push(`${r.step}: ${r.items[i].what} overlaps ${r.items[j].what} by ${depth.toFixed(1)} px`);
		}
	}
	for (const l of r.labels) {
		if ((l.kind === 'segment' || l.kind === 'datagram') && !/^\d{1,5} → \d{1,5}(\s|$)/.test(l.text)) out.push(`${r.step}: ${l.kind} label without its ports: "${l.text}"`);
		if (r.relative && l.kind === 'segment') {
			for (const m of l.text.matchAll(/\b(seq|ack)=(\d+)/g)) {
				if (Number(m[2]) >= RELATIVE_LIMIT) out.push(`${r.step}: absolute ${m[1]}=${m[2]} in relative mode: "${l.text}"`);
			}
		}
		if (mode === 'present' && l.fontPx < 20 - 0.01) out.push(`${r.step}: label at ${l.fontPx.toFixed(1)} px (< 20) in presentation mode: "${l.text}"`);
	}
	if (mode === 'present') {
		for (const px of r.pillFontPx) if (px < 18 - 0.01) out.push(`${r.step}: state pill at ${px.toFixed(1)} px (< 18) in presentation mode`);
		for (const t of r.smallSideText) out.push(`${r.step}: side panel text below 20 px: ${t}`);
		if (r.titleClipped) out.push(`${r.step}: the presentation title is clipped`);
		if (r.predictOffered !== null && r.predictOffered !== r.hasLadder) out.push(`${r.step}: Predict ${r.predictOffered ? 'offered on a figure without a ladder' : 'missing on a figure with a ladder'}`);
	}
	for (const c of r.cutCells) out.push(`${r.step}: table cell cut off: ${c}`);
	if (r.nowInView === false) out.push(`${r.step}: the ladder does not show the current step (the "now" line is scrolled out of its box)`);
	return out;
}

/**
 * Report on the figure or presentation `root`: optionally first move to `step` (through the
 * figure's position slider, or the presentation's → key), in the same round trip.
 */
export async function report(root: Locator, opts: { step?: number; forward?: boolean; label: string }): Promise<StepReport> {
	return root.evaluate(
		async (el, o) => {
			if (o.step !== undefined) {
				const range = el.querySelector<HTMLInputElement>('input[type=range]');
				if (range) {
					range.value = String(o.step);
					range.dispatchEvent(new Event('input', { bubbles: true }));
				}
			}
			if (o.forward) (document.activeElement ?? el).dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
			// Let Svelte flush and the browser lay out (two frames).
			await new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

			const where = el.querySelector('.where')?.textContent?.trim() ?? '';
			const step = `${o.label} ${/Step \d+\/\d+/.exec(where)?.[0] ?? ''}`;
			const corners = (g: SVGGraphicsElement): [number, number][] => {
				const b = g.getBBox();
				const m = g.getScreenCTM();
				if (!m) return [];
				return [
					[b.x, b.y],
					[b.x + b.width, b.y],
					[b.x + b.width, b.y + b.height],
					[b.x, b.y + b.height]
				].map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
			};
			const scale = (g: SVGGraphicsElement) => {
				const m = g.getScreenCTM();
				return m ? Math.hypot(m.a, m.b) : 1;
			};
			const items: { what: string; corners: [number, number][] }[] = [];
			const labels: { kind: string; text: string; fontPx: number }[] = [];
			const pillFontPx: number[] = [];
			for (const svg of el.querySelectorAll<SVGSVGElement>('.ladder svg')) {
				for (const t of svg.querySelectorAll<SVGTextElement>('g.pkt-label text.label')) {
					const kind = ['segment', 'datagram', 'icmp'].find((k) => t.parentElement?.classList.contains(k)) ?? '?';
					const text = t.dataset.label ?? t.textContent ?? '';
					labels.push({ kind, text, fontPx: parseFloat(getComputedStyle(t).fontSize) * scale(t) });
					items.push({ what: `label "${text}"`, corners: corners(t) });
				}
				for (const g of svg.querySelectorAll<SVGGElement>('g.state')) {
					const rect = g.querySelector<SVGRectElement>('rect');
					const text = g.querySelector<SVGTextElement>('text');
					if (!rect || !text) continue;
					pillFontPx.push(parseFloat(getComputedStyle(text).fontSize) * scale(text));
					items.push({ what: `pill "${text.textContent}"`, corners: corners(rect) });
				}
				for (const c of svg.querySelectorAll<SVGGraphicsElement>('.cross')) {
					items.push({ what: `✕ of packet ${c.closest('g.pkt')?.getAttribute('data-packet')}`, corners: corners(c) });
				}
			}
			const relative = el.querySelector('.ladder')?.getAttribute('data-relative') === 'true';

			// Table cells: the text must lie inside the cell and inside every box that clips it.
			const cutCells: string[] = [];
			for (const table of el.querySelectorAll<HTMLTableElement>('table.term-table')) {
				const host = table.dataset.host ?? '?';
				for (let p = table.parentElement; p && p !== el; p = p.parentElement) {
					const s = getComputedStyle(p);
					if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && p.scrollWidth > p.clientWidth + 1) {
						cutCells.push(`${host}: the table is wider than its box (${p.scrollWidth} > ${p.clientWidth} px)`);
						break;
					}
				}
				for (const td of table.querySelectorAll<HTMLTableCellElement>('td')) {
					const text = td.textContent?.trim() ?? '';
					if (!text) continue;
					if (td.scrollWidth > td.clientWidth + 1) cutCells.push(`${host}: "${text}" overflows its cell`);
					const range = document.createRange();
					range.selectNodeContents(td);
					const r = range.getBoundingClientRect();
					let clip = td.getBoundingClientRect();
					for (let p = td.parentElement; p; p = p.parentElement) {
						const s = getComputedStyle(p);
						if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
							const b = p.getBoundingClientRect();
							clip = new DOMRect(Math.max(clip.left, b.left), clip.top, Math.min(clip.right, b.right) - Math.max(clip.left, b.left), clip.height);
						}
						if (p === el) break;
					}
					if (r.left < clip.left - 1 || r.right > clip.right + 1) cutCells.push(`${host}: "${text}" is cut off (text ${Math.round(r.left)}–${Math.round(r.right)}, visible ${Math.round(clip.left)}–${Math.round(clip.right)})`);
				}
			}

			// Presentation mode: side panel type, title, Predict.
			const smallSideText: string[] = [];
			const side = el.querySelector('aside.side');
			if (side) {
				const walker = document.createTreeWalker(side, NodeFilter.SHOW_TEXT);
				for (let n = walker.nextNode(); n; n = walker.nextNode()) {
					const text = n.textContent?.trim();
					const parent = n.parentElement;
					if (!text || !parent) continue;
					if (parent.closest('.sr-only, [hidden], details:not([open]) > :not(summary)')) continue;
					const r = parent.getBoundingClientRect();
					if (r.width === 0 || r.height === 0) continue;
					let px = parseFloat(getComputedStyle(parent).fontSize);
					if (parent instanceof SVGElement) px *= scale(parent as unknown as SVGGraphicsElement);
					if (px < 20 - 0.01) smallSideText.push(`"${text.slice(0, 40)}" at ${px.toFixed(1)} px`);
				}
			}
			const title = el.querySelector<HTMLElement>('.bar .title');
			const titleClipped = !!title && (title.scrollHeight > title.clientHeight + 1 || getComputedStyle(title).textOverflow === 'ellipsis');
			const bar = el.querySelector('.bar');
			const predictOffered = bar ? [...bar.querySelectorAll('button')].some((b) => b.textContent?.includes('Predict')) : null;
			const hasLadder = !!el.querySelector('.ladder svg');

			// One screen per figure, and the ladder following playback.
			const figureH = el.getBoundingClientRect().height;
			let screenH: number | null = null;
			const head = el.querySelector('.body > .screen > .head');
			const ladderBox = el.querySelector<HTMLElement>('.ladder');
			if (head && ladderBox) {
				const bottom = (el.querySelector('.views > .tables') ?? ladderBox).getBoundingClientRect().bottom;
				screenH = bottom - head.getBoundingClientRect().top;
			}
			let nowInView: boolean | null = null;
			const now = ladderBox?.querySelector('line.now');
			if (ladderBox && now) {
				const box = ladderBox.getBoundingClientRect();
				const y = now.getBoundingClientRect().top;
				nowInView = y >= box.top - 1 && y <= box.bottom + 1;
			}
			let minSideFontPx: number | null = null;
			if (side) {
				for (const e of side.querySelectorAll<HTMLElement>('*')) {
					if (![...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())) continue;
					if (e.closest('.sr-only, [hidden]')) continue;
					const r = e.getBoundingClientRect();
					if (r.width === 0 || r.height === 0) continue;
					const px = parseFloat(getComputedStyle(e).fontSize) * (e instanceof SVGElement ? scale(e as unknown as SVGGraphicsElement) : 1);
					minSideFontPx = minSideFontPx === null ? px : Math.min(minSideFontPx, px);
				}
			}
			return { step, items, labels, pillFontPx, relative, cutCells, smallSideText: smallSideText.slice(0, 5), titleClipped, predictOffered, hasLadder, figureH, screenH, nowInView, minSideFontPx };
		},
		{ step: opts.step, forward: opts.forward ?? false, label: opts.label }
	);
}
