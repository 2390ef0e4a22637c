// Module types for non-TypeScript imports (kept in a script file, so they are ambient).

declare module '*.md' {
	import type { Component } from 'svelte';
	export const metadata: Record<string, unknown>;
	const component: Component;
	export default component;
}

declare module '*.scn?raw' {
	const text: string;
	export default text;
}
