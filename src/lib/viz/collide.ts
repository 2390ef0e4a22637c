/**
 * Rotated boxes and how far two of them overlap: the geometry behind the ladder's label
 * placement (ladder-layout.ts) and the figure audit's overlap check (tests/figure-audit.ts uses
 * the same separating-axis test on the boxes the browser reports).
 *
 * A box is a rectangle of size `w` × `h` centred on (`cx`, `cy`) and turned by `deg` degrees
 * about its centre (SVG's `rotate()`: positive is clockwise on screen, y grows downwards).
 *
 * @module
 */

/** A rectangle turned about its centre. Units: px. */
export interface Box {
	cx: number;
	cy: number;
	w: number;
	h: number;
	/** Rotation in degrees, clockwise on screen. */
	deg: number;
}

export type Point = readonly [number, number];

/** The four corners of a box, clockwise from its top-left (before rotation). */
export function corners(b: Box): Point[] {
	const r = (b.deg * Math.PI) / 180;
	const c = Math.cos(r);
	const s = Math.sin(r);
	const hw = b.w / 2;
	const hh = b.h / 2;
	return [
		[-hw, -hh],
		[hw, -hh],
		[hw, hh],
		[-hw, hh]
	].map(([x, y]) => [b.cx + x * c - y * s, b.cy + x * s + y * c] as const);
}

/**
 * How deep two convex quadrilaterals overlap: the smallest overlap of their projections over
 * the edge normals of both (separating axis theorem). ≤ 0 means they do not overlap; a positive
 * value is the distance one would have to move to clear the other.
 */
export function polygonOverlap(a: readonly Point[], b: readonly Point[]): number {
	let depth = Infinity;
	for (const poly of [a, b]) {
		for (let i = 0; i < poly.length; i++) {
			const [x1, y1] = poly[i];
			const [x2, y2] = poly[(i + 1) % poly.length];
			let nx = y1 - y2;
			let ny = x2 - x1;
			const len = Math.hypot(nx, ny);
			if (len < 1e-9) continue;
			nx /= len;
			ny /= len;
			let amin = Infinity;
			let amax = -Infinity;
			for (const [x, y] of a) {
				const d = x * nx + y * ny;
				if (d < amin) amin = d;
				if (d > amax) amax = d;
			}
			let bmin = Infinity;
			let bmax = -Infinity;
			for (const [x, y] of b) {
				const d = x * nx + y * ny;
				if (d < bmin) bmin = d;
				if (d > bmax) bmax = d;
			}
			const o = Math.min(amax, bmax) - Math.max(amin, bmin);
			if (o < depth) depth = o;
			if (depth <= 0) return depth;
		}
	}
	return depth;
}

/** The axis-aligned bounds of a box: [minX, minY, maxX, maxY]. */
export function bounds(b: Box): [number, number, number, number] {
	const r = (b.deg * Math.PI) / 180;
	const ex = (Math.abs(Math.cos(r)) * b.w + Math.abs(Math.sin(r)) * b.h) / 2;
	const ey = (Math.abs(Math.sin(r)) * b.w + Math.abs(Math.cos(r)) * b.h) / 2;
	return [b.cx - ex, b.cy - ey, b.cx + ex, b.cy + ey];
}

/** How deep two boxes overlap (see {@link polygonOverlap}); a quick circle test first. */
export function overlap(a: Box, b: Box): number {
	const ra = Math.hypot(a.w, a.h) / 2;
	const rb = Math.hypot(b.w, b.h) / 2;
	const d = Math.hypot(a.cx - b.cx, a.cy - b.cy);
	if (d >= ra + rb) return ra + rb - d;
	return polygonOverlap(corners(a), corners(b));
}

/** The box around a line segment from (x0, y0) to (x1, y1), `thick` px across. */
export function segmentBox(x0: number, y0: number, x1: number, y1: number, thick: number): Box {
	const len = Math.hypot(x1 - x0, y1 - y0);
	return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: len, h: thick, deg: (Math.atan2(y1 - y0, x1 - x0) * 180) / Math.PI };
}
