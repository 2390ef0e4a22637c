/**
 * Public progress API (`$lib/progress`): reactive reads (`lessonCompleted`, `quizBest`, …) and
 * write-through updates persisted to localStorage under `portsim.progress` (schema in schema.ts,
 * validation in validate.ts, storage rules in storage.ts, review queue in review.ts, mastery in
 * mastery.ts).
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
	finishLessonQuiz,
	checkLessonQuiz,
	quizDraft,
	saveQuizDraft,
	recordAnswers,
	questionRecords,
	currentExam,
	startExam,
	updateExam,
	abandonExam,
	finishExam,
	examHistory,
	progressNotice,
	dismissNotice,
	saveProblem,
	exportProgress,
	importProgress,
	resetProgress,
	RETRY_MS,
	loadScheduler,
	type ImportResult,
	type Guard
} from './store.svelte';
export {
	STORAGE_KEY,
	BACKUP_PREFIX,
	CURRENT_VERSION,
	type Progress,
	type LessonProgress,
	type QuizProgress,
	type LessonQuizDraft,
	type QuestionRecord
} from './schema';
export { isDue, type Outcome, type ReviewCard } from './card';
// The review queue (reviewQueue, QueueItem) is in './review', imported directly by the pages that
// show it: it loads the FSRS scheduler, which no other page needs at load.
export { objectiveMastery, weakestObjectives, practiceSet, type ObjectiveInfo, type ObjectiveMastery, type QuestionRef } from './mastery';
export { describeDropped } from './validate';
export { downloadText, dateStamp } from './download';
