import { error } from '@sveltejs/kit';
import { getLessons } from '$lib/server/content';
import { questionsForLesson } from '$lib/quiz/catalog';
import type { EntryGenerator } from './$types';

export const entries: EntryGenerator = () => getLessons().map((l) => ({ slug: l.slug }));

export function load({ params }) {
	const lessons = getLessons();
	const lesson = lessons.find((l) => l.slug === params.slug);
	if (!lesson) error(404, `No lesson called "${params.slug}"`);
	// Questions are validated and simulation answers derived at build time; the page gets plain data.
	return { lesson, total: lessons.length, quiz: questionsForLesson(lesson.slug) };
}
