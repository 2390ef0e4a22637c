/**
 * Width classes of a lesson figure (issue 18: the prerendered first frame and the live figure
 * must be the same picture, and the server does not know the reader's window).
 *
 * A figure's width-dependent drawings (the ladder) are laid out for one of three classes, each
 * with a fixed layout width, and drawn scaled to the box they are in (an SVG `viewBox`, CSS
 * width): the picture's proportions then depend on the class only, never on a measured width.
 * The server renders the first frame once per class; CSS shows the class that applies
 * (a media query for phones, and the projector theme's `data-theme`), and the
 * live figure picks its class by the same rule ({@link fitFor}), so the frame the reader sees
 * before and after the live figure takes over is the same.
 *
 * The thresholds here and in SimPlayer.svelte's CSS must agree.
 *
 * @module
 */

/** A width class's name. */
export type FitName = 'narrow' | 'normal' | 'projector';

/** A width class: the width (px) its drawings are laid out for. */
export interface Fit {
	name: FitName;
	/** Layout width of the ladder, px: its box's width at 390 px (narrow), in the 50 rem lesson column (normal) and in the projector theme at 1920 px. */
	width: number;
}

/** The classes, in the order the server renders them. */
export const FITS: readonly Fit[] = [
	{ name: 'narrow', width: 350 },
	{ name: 'normal', width: 760 },
	{ name: 'projector', width: 1050 }
];

/**
 * The media query of the `narrow` class (phones): the site's own phone width (app.css). A media
 * query, not the figure's measured width, so that CSS (which picks the prerendered drawing) and
 * the live figure (`matchMedia`) decide alike, at every width.
 */
export const NARROW_QUERY = '(max-width: 600px)';

/**
 * The class of a figure in a window that matches {@link NARROW_QUERY} or not, on a page in the
 * projector theme or not: the same rule as SimPlayer.svelte's CSS. A phone in the projector
 * theme keeps the phone's drawing (the projector's type would leave no room for the labels).
 */
export function fitFor(narrow: boolean, projector: boolean): Fit {
	const name: FitName = narrow ? 'narrow' : projector ? 'projector' : 'normal';
	return FITS.find((f) => f.name === name) as Fit;
}

/**
 * What SimFigure tells its views (a prop of SimView): the classes to draw (all of them in the prerendered frame, the
 * one that applies in the live figure).
 */
export interface FitContext {
	readonly fits: readonly Fit[];
}
