import { getLessons } from '$lib/server/content';

export function load() {
	return { lessons: getLessons() };
}
