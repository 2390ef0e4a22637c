/**
 * The prerendered first frame of a figure (issue 18 items 1 and 2). On the server (prerendering),
 * SimPlayer runs the scenario and renders its live figure (SimFigure) to an HTML string, which it
 * puts in the page as static markup; in the browser that markup stays as it is, not hydrated,
 * until the figure nears the viewport and the live figure replaces it with the very same frame.
 * The page thus neither runs the simulation nor builds the figure at load.
 *
 * The renderer is registered by src/hooks.server.ts, which only the server loads: the browser's
 * bundle contains neither `svelte/server` nor the simulation engine through this module.
 *
 * @module
 */

import type { RunScenarioResult } from '$lib/sim/scenario';
import { COMMENT } from '$lib/static-render';

/** SimPlayer's props, as it passes them on (see SimPlayer.svelte). */
export interface FigureProps {
	scenario: string;
	views?: string;
	caption?: string;
	seed?: number;
	startStep?: number;
	relative?: boolean;
	/** The outcome of the scenario when the caller has it; otherwise the renderer runs it. */
	result?: RunScenarioResult;
}

/**
 * Runs the scenario and renders SimFigure with its result to HTML: the figure's props, the
 * parent's contexts, and a prefix that keeps the ids inside this figure apart from the page's
 * (`$props.id()` counts from 1 in every render).
 */
export type FrameRenderer = (props: FigureProps, options: { context: Map<unknown, unknown>; idPrefix: string }) => string;

let renderer: FrameRenderer | null = null;

/** Register the server's renderer (src/hooks.server.ts). */
export function setFrameRenderer(r: FrameRenderer): void {
	renderer = r;
}

/**
 * The first frame of a figure as static HTML (server only).
 * @returns the markup without comments, or `null` when no renderer is registered (in the
 *   browser, or a server that did not load the hooks).
 */
export function firstFrame(props: FigureProps, options: { context: Map<unknown, unknown>; idPrefix: string }): string | null {
	return renderer ? renderer(props, options).replace(COMMENT, '') : null;
}
