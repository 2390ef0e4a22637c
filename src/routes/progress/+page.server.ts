import { getLessons } from '$lib/server/content';

export const prerender = true;

export function load() {
	return { lessons: getLessons().map((l) => ({ slug: l.slug, title: l.title, number: l.number, part: l.part.title })) };
}
