/**
 * Public progress API (`$lib/progress`): reactive reads (`lessonCompleted`, `quizBest`, …) and
 * write-through updates persisted to localStorage under `portsim.progress` (schema in schema.ts).
 *
 * @module
 */
export {
	progress,
	lessonCompleted,
	quizBest,
	quizAttempts,
	markLessonCompleted,
	recordQuizAttempt,
	currentExam,
	startExam,
	updateExam,
	abandonExam,
	finishExam,
	examHistory,
	progressNotice,
	dismissNotice,
	exportProgress,
	importProgress,
	resetProgress
} from './store.svelte';
export { STORAGE_KEY, BACKUP_PREFIX, CURRENT_VERSION, type Progress, type LessonProgress, type QuizProgress } from './schema';
