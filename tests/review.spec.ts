import type { Page } from '@playwright/test';
import { test, expect, openQuiz } from './fixtures';

/**
 * The "Review due" queue across two days, with the browser's clock faked (page.clock): a question
 * missed in a lesson quiz is scheduled for the next day by FSRS, comes back then, is drawn first
 * by the weakest-objectives practice, and goes further out once answered right.
 */
test.use({ timezoneId: 'UTC' });

const DAY = 86_400_000;
const DAY1 = Date.UTC(2025, 2, 3, 9, 0, 0); // Monday 3 March 2025, 09:00

const dateText = (page: Page, ms: number) =>
	page.evaluate((t) => new Date(t).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' }), ms);

test('a missed question comes back the next day and then at a longer interval', async ({ page }) => {
	await page.clock.install({ time: DAY1 });
	await page.goto('/lessons/tcp-handshake');
	await page.evaluate(() => localStorage.clear());
	await page.reload();
	await openQuiz(page);

	// Day 1: answer a typed question wrongly and learn the right answer from the feedback.
	const typed = page.locator('#quiz [data-question-id]').filter({ has: page.getByLabel('Your answer') }).first();
	const prompt = (await typed.locator('.prompt').innerText()).replace(/[`*]/g, '').replace(/\s+/g, ' ').trim();
	await typed.getByLabel('Your answer').fill('not the answer');
	await typed.locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
	await expect(typed).toContainText('✗ Not quite.');
	const answer = (await typed.locator('.answer').innerText()).trim();

	await page.getByRole('link', { name: 'Review', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Review' })).toBeVisible();
	const due = page.getByRole('region', { name: 'Review due' });
	await expect(due).toContainText(`Nothing is due today. Next review: ${await dateText(page, DAY1 + DAY)} (1 question).`);
	const weakest = page.getByRole('region', { name: 'Weakest objectives' });
	await expect(weakest.getByRole('listitem').first()).toContainText('0%');

	// Day 2, early morning: the question is due.
	await page.clock.setSystemTime(DAY1 + DAY - 2 * 3_600_000);
	await page.reload();
	await expect(due).toContainText('1 question due today.');
	await expect(due.getByRole('list', { name: 'Due today' })).toContainText(prompt.slice(0, 60));

	// The weakest-objectives practice starts with the due question.
	await weakest.getByRole('button', { name: /^Practise these objectives/ }).click();
	await expect(page.getByRole('heading', { name: /^Weakest objectives: question 1 of \d+$/ })).toBeFocused();
	await expect(page.locator('.session .prompt')).toHaveText(new RegExp(`^${prompt.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
	await page.getByRole('button', { name: 'Stop here' }).click();
	await expect(page.getByText('Practice stopped.')).toBeVisible();

	// Review it, right this time.
	await due.getByRole('button', { name: 'Start review' }).click();
	await expect(page.getByRole('heading', { name: 'Review: question 1 of 1' })).toBeFocused();
	await page.locator('.session').getByLabel('Your answer').fill(answer);
	await page.getByRole('button', { name: 'Check answer' }).click();
	await expect(page.locator('.session')).toContainText('✓ Correct.');
	await page.getByRole('button', { name: 'Finish' }).click();
	await expect(page.getByText('Review finished: 1 of 1 right.')).toBeFocused();

	// Rescheduled: not due again for more than a day.
	await expect(due).toContainText('Nothing is due today. Next review:');
	const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('portsim.progress')!));
	const records = Object.values(stored.questions) as { seen: number; right: number; card?: { due: number; reps: number } }[];
	const card = records.find((r) => r.card)!;
	expect(card).toMatchObject({ seen: 2, right: 1 });
	expect(card.card!.reps).toBe(2);
	expect(card.card!.due).toBeGreaterThanOrEqual(DAY1 + 2 * DAY);
	await expect(due).toContainText(`Next review: ${await dateText(page, card.card!.due)} (1 question).`);

	// The mastery view counts both answers.
	await page.goto('/progress');
	const mastery = page.getByRole('region', { name: 'Mastery by objective' });
	await expect(mastery.getByRole('row').filter({ hasText: /1 of \d+/ }).first()).toContainText('100%');
});
