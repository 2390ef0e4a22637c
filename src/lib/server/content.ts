/**
 * Server-side (build-time) access to the lesson index. Runs while prerendering,
 * so a malformed lesson fails `npm run build` with the file name.
 */
import { buildLessonIndex, type LessonMeta } from '$lib/content/lessons';

const lessonFiles = import.meta.glob('/content/lessons/*/*/index.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const partFiles = import.meta.glob('/content/lessons/*/part.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

let cached: LessonMeta[] | null = null;

/** All lessons in course order. @throws ContentError when a lesson file is malformed. */
export function getLessons(): LessonMeta[] {
	cached ??= buildLessonIndex(lessonFiles, partFiles);
	return cached;
}
