import type { Handle } from '@sveltejs/kit';

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
