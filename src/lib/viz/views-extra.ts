/**
 * The helper's views for {@link SimPlayer}: spread into `extraViews` (views.ts) so a
 * figure can ask for `views="ladder,state,ports,topology,nat,terminal"`.
 */
import type { Component } from 'svelte';
import type { Player } from './player.svelte';
import StateDiagram from './StateDiagram.svelte';
import PortMap from './PortMap.svelte';
import Topology from './Topology.svelte';
import NatTable from './NatTable.svelte';
import Terminal from './Terminal.svelte';

/** View name → component taking `{ player }`. */
export const moreViews: Record<string, Component<{ player: Player }>> = {
	state: StateDiagram,
	ports: PortMap as Component<{ player: Player }>,
	topology: Topology,
	nat: NatTable,
	terminal: Terminal
};
