import type { Handle } from '@sveltejs/kit';
import { render } from 'svelte/server';
import { runScenario } from '$lib/sim/scenario';
import SimFigure from '$lib/viz/SimFigure.svelte';
import { setFrameRenderer } from '$lib/viz/first-frame';
import { setServerRender, type ServerRender } from '$lib/static-render';
import { preloadViews, VIEW_NAMES } from '$lib/viz/views';

// Every on-demand view is loaded before the first page renders: the first frame holds the view
// itself (a window chart, a terminal), not the "Loading…" line the browser shows while it loads.
await preloadViews(VIEW_NAMES);

/**
 * No `<link rel="modulepreload">` in the prerendered pages (issue 18: first paint). A page is
 * readable from its HTML and inline CSS alone; its JavaScript only hydrates it. Kit would preload
 * every chunk the page's hydration imports (26 on a lesson), and on slow 4G those requests
 * compete with the first paint for the connection: Lighthouse counts scripts that arrived before
 * the paint as blocking it. Without the links the entry script fetches them as it imports them,
 * after the page has painted. Fonts and stylesheets keep Kit's default (stylesheets are inline:
 * svelte.config.js `inlineStyleThreshold`).
 */
export const handle: Handle = ({ event, resolve }) => resolve(event, { preload: ({ type }) => type !== 'js' });

// The first frame of every figure in the prerendered HTML, as static markup (first-frame.ts): the
// server runs each figure's scenario and renders the live figure once; the browser mounts it only
// when the figure nears the viewport.
// The frame's `head` holds the styles of the components that inject theirs (the on-demand views,
// svelte.config.js), which the page's stylesheets do not have.
setFrameRenderer(({ scenario, seed, result, ...props }, { context, idPrefix }) => {
	const out = render(SimFigure, { props: { ...props, result: result ?? runScenario(scenario, seed === undefined ? {} : { seed }) }, context, idPrefix });
	return out.head + out.body;
});

// Components the browser shows without hydrating them at load (static-render.ts): a lesson's quiz.
setServerRender(render as ServerRender);
