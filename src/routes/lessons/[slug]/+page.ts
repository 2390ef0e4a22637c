import type { Component } from 'svelte';

// One chunk per lesson: a lesson page loads only its own Markdown component.
const modules = import.meta.glob('/content/lessons/*/*/index.md') as Record<string, () => Promise<{ default: Component }>>;

export async function load({ data }) {
	const mod = await modules['/' + data.lesson.file]();
	return { ...data, component: mod.default };
}
