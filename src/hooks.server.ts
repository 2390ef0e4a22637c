import { render } from 'svelte/server';
import { runScenario } from '$lib/sim/scenario';
import SimFigure from '$lib/viz/SimFigure.svelte';
import { setFrameRenderer } from '$lib/viz/first-frame';

// The first frame of every figure in the prerendered HTML, as static markup (first-frame.ts): the
// server runs each figure's scenario and renders the live figure once; the browser mounts it only
// when the figure nears the viewport.
setFrameRenderer(({ scenario, seed, result, ...props }, { context, idPrefix }) =>
	render(SimFigure, { props: { ...props, result: result ?? runScenario(scenario, seed === undefined ? {} : { seed }) }, context, idPrefix }).body
);
