/**
 * Loading the views of a SimPlayer figure. The always-loaded views (`ladder`, `sockets`,
 * `header`) are part of SimView; the others are components taking `{ player }`, loaded on
 * demand so a lesson page downloads only the views its figures use. The names themselves are
 * in view-names.ts (re-exported here).
 */
import type { Component } from 'svelte';
import type { Player } from './player.svelte';
import type { ViewName } from './view-names';

export * from './view-names';

type ViewComponent = Component<{ player: Player }>;
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

/** Load an on-demand view; `null` for a view that is always loaded. */
export function loadView(name: ViewName): Promise<ViewComponent> | null {
	const load = loaders[name];
	if (!load) return null;
	let p = cache.get(name);
	if (!p) {
		p = load().then((m) => m.default);
		cache.set(name, p);
	}
	return p;
}
