/**
 * Open and close presentation mode for a figure.
 *
 * {@link openPresentation} mounts a {@link Presenter} in its own element directly under
 * `<body>` (so no ancestor's stacking or overflow can clip it) and marks every other child of
 * `<body>` `inert`, which keeps keyboard focus and screen readers inside the presentation
 * until it closes. Closing restores the theme, the inert flags and the focus.
 *
 * Browser only.
 *
 * @module
 */
import { mount, unmount, flushSync } from 'svelte';
import type { Player } from '$lib/viz/player.svelte';
import type { ViewName } from '$lib/viz/views';
import Presenter from './Presenter.svelte';

/** What to present. */
export interface PresentationOptions {
	player: Player;
	/** The figure's views, in order (`ladder`, `sockets`, `header`, …). */
	views: ViewName[];
	caption?: string;
	/** Start with predict-then-reveal on. */
	predict?: boolean;
	/** Called after the presentation has closed. */
	onclosed?: () => void;
}

let current: (() => void) | null = null;

/** Is a presentation open? */
export function isPresenting(): boolean {
	return current !== null;
}

/**
 * Show a figure in presentation mode. Opening a second one closes the first.
 * @returns a function that closes it (also called by Esc and the Exit button).
 */
export function openPresentation(opts: PresentationOptions): () => void {
	current?.();
	const host = document.createElement('div');
	host.className = 'presentation-root';
	const others = [...document.body.children].filter((el): el is HTMLElement => el instanceof HTMLElement && !el.inert);
	for (const el of others) el.inert = true;
	document.body.appendChild(host);
	let closed = false;
	const close = () => {
		if (closed) return;
		closed = true;
		current = null;
		for (const el of others) el.inert = false;
		unmount(app);
		host.remove();
		opts.onclosed?.();
	};
	const app = mount(Presenter, {
		target: host,
		props: {
			player: opts.player,
			views: opts.views,
			caption: opts.caption ?? '',
			predict: opts.predict ?? false,
			onclose: () => close()
		}
	});
	// Run onMount now, inside the click that opened us, so the full-screen request still
	// counts as a user gesture.
	flushSync();
	current = close;
	return close;
}
