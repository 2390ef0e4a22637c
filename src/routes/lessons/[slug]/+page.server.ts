import { error } from '@sveltejs/kit';
import { getLessons } from '$lib/server/content';
import { questionsForLesson } from '$lib/quiz/catalog';
import { trimPaused } from '$lib/quiz/paused';
import type { EntryGenerator } from './$types';

export const entries: EntryGenerator = () => getLessons().map((l) => ({ slug: l.slug }));

export function load({ params }) {
	const lessons = getLessons();
	const lesson = lessons.find((l) => l.slug === params.slug);
	if (!lesson) error(404, `No lesson called "${params.slug}"`);
	// Questions are validated and simulation answers derived at build time; the page gets plain data.
	// A long paused trace comes as its first and last packets; the rest on demand (paused.ts).
	return { lesson, total: lessons.length, quiz: questionsForLesson(lesson.slug).map(trimPaused) };
}
