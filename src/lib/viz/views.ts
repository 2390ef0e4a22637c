/**
 * Loading the views of a SimPlayer figure. The always-loaded views (`ladder`, `sockets`,
 * `header`) are part of SimView; the others are components taking `{ player }`, loaded on
 * demand so a lesson page downloads only the views its figures use. The names themselves are
 * in view-names.ts (re-exported here).
 */
import type { Component } from 'svelte';
import type { Player } from './player.svelte';
import type { ViewName } from './view-names';
import type { FitContext } from './fit';

export * from './view-names';

type ViewComponent = Component<{ player: Player; fit?: FitContext }>;
type Loader = () => Promise<{ default: ViewComponent }>;

/** The views loaded on demand (the others are always part of SimView). */
const loaders: Partial<Record<ViewName, Loader>> = {
	state: () => import('./StateDiagram.svelte') as Promise<{ default: ViewComponent }>,
	ports: () => import('./PortMap.svelte') as Promise<{ default: ViewComponent }>,
	topology: () => import('./Topology.svelte') as Promise<{ default: ViewComponent }>,
	nat: () => import('./NatTable.svelte') as Promise<{ default: ViewComponent }>,
	terminal: () => import('./Terminal.svelte') as Promise<{ default: ViewComponent }>,
	window: () => import('./WindowChart.svelte') as Promise<{ default: ViewComponent }>
};

const cache = new Map<ViewName, Promise<ViewComponent>>();
/** The views whose component has arrived. */
const arrived = new Map<ViewName, ViewComponent>();

/** Load an on-demand view; `null` for a view that is always loaded. */
export function loadView(name: ViewName): Promise<ViewComponent> | null {
	const load = loaders[name];
	if (!load) return null;
	let p = cache.get(name);
	if (!p) {
		p = load().then((m) => {
			arrived.set(name, m.default);
			return m.default;
		});
		cache.set(name, p);
	}
	return p;
}

/**
 * An on-demand view's component if it has arrived, else `null`: SimView draws an arrived view at
 * once instead of a "Loading…" line, so the prerendered first frame (the server loads every
 * view first, src/hooks.server.ts) and a live figure whose views were loaded before it mounted
 * (SimPlayer) show the view itself.
 */
export function loadedView(name: ViewName): ViewComponent | null {
	return arrived.get(name) ?? null;
}

/**
 * Load the on-demand views a figure's view list names (a bad list loads nothing: the figure
 * shows its error).
 * @returns when they have all arrived (or failed: SimView then says so).
 */
export async function preloadViews(views: readonly ViewName[]): Promise<void> {
	await Promise.allSettled(views.map((v) => loadView(v)));
}
