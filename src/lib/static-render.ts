/**
 * A component rendered to static HTML on the server, for a copy the browser shows without
 * hydrating it (issue 18 item 2: a lesson's quiz; a figure's first frame has its own renderer,
 * first-frame.ts, which also runs the scenario). The renderer is svelte/server's `render`,
 * registered by src/hooks.server.ts, which only the server loads: the browser's bundle does not
 * contain svelte/server through this module.
 *
 * @module
 */

import type { Component } from 'svelte';

/** svelte/server's `render`, as far as it is used here. */
export type ServerRender = <P extends Record<string, unknown>>(
	component: Component<P>,
	options: { props: P; context: Map<unknown, unknown>; idPrefix: string }
) => { body: string };

let serverRender: ServerRender | null = null;

/** Register svelte/server's `render` (src/hooks.server.ts). */
export function setServerRender(r: ServerRender): void {
	serverRender = r;
}

/**
 * Svelte's hydration markers (`<!--[-->`, `<!--]-->`, `<!---->`, …). They mean nothing outside a
 * hydrated tree, and an empty comment would end the `{@html}` block that holds the copy early.
 */
export const COMMENT = /<!--[\s\S]*?-->/g;

/**
 * `component` with `props` as static HTML, without comments (server only).
 * @param options.context - the parent's contexts (`getAllContexts()`).
 * @param options.idPrefix - keeps `$props.id()` values apart from the page's (each render counts from 1).
 * @returns the markup, or `null` when no renderer is registered (in the browser).
 */
export function renderStatic<P extends Record<string, unknown>>(component: Component<P>, props: P, options: { context: Map<unknown, unknown>; idPrefix: string }): string | null {
	return serverRender ? serverRender(component, { props, ...options }).body.replace(COMMENT, '') : null;
}
