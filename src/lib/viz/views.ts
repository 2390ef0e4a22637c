/**
 * Registry of the optional views a {@link SimPlayer} can show besides the ladder,
 * socket tables and header inspector: state, ports, topology, nat, terminal.
 * Each view is a component taking `{ player }`.
 */
import type { Component } from 'svelte';
import type { Player } from './player.svelte';
import { moreViews } from './views-extra';

export const extraViews: Record<string, Component<{ player: Player }>> = { ...moreViews };
