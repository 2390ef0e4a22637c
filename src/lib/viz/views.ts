/**
 * Registry of the optional views a {@link SimPlayer} can show besides the ladder,
 * socket tables and header inspector. Each view is a component taking `{ player }`,
 * loaded on demand so a lesson page downloads only the views its figures use.
 */
import type { Component } from 'svelte';
import type { Player } from './player.svelte';

type ViewComponent = Component<{ player: Player }>;
type Loader = () => Promise<{ default: ViewComponent }>;

const loaders: Record<string, Loader> = {
	state: () => import('./StateDiagram.svelte') as Promise<{ default: ViewComponent }>,
	ports: () => import('./PortMap.svelte') as Promise<{ default: ViewComponent }>,
	topology: () => import('./Topology.svelte') as Promise<{ default: ViewComponent }>,
	nat: () => import('./NatTable.svelte') as Promise<{ default: ViewComponent }>,
	terminal: () => import('./Terminal.svelte') as Promise<{ default: ViewComponent }>
};

/** Human names of the optional views (for labels and messages). */
export const VIEW_NAMES: Record<string, string> = {
	state: 'state diagram',
	ports: 'port map',
	topology: 'network topology',
	nat: 'NAT translation table',
	terminal: 'terminal output'
};

const cache = new Map<string, Promise<ViewComponent>>();

/** Load an optional view by name; `null` for an unknown name. */
export function loadView(name: string): Promise<ViewComponent> | null {
	const load = loaders[name];
	if (!load) return null;
	let p = cache.get(name);
	if (!p) {
		p = load().then((m) => m.default);
		cache.set(name, p);
	}
	return p;
}
