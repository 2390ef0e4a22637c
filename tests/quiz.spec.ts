import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { test, expect, openQuiz } from './fixtures';

/** The end-of-lesson quiz on the TCP handshake lesson, answered the way a learner would. */

function question(page: Page, id: string): Locator {
	return page.locator(`#quiz [data-question-id="${id}"]`);
}

/** Put an ordering question into `wanted` order using only the keyboard-operable Move up buttons. */
async function orderWithButtons(q: Locator, wanted: string[]) {
	// The learner reads the question first.
	await q.scrollIntoViewIfNeeded();
	for (let target = 0; target < wanted.length; target++) {
		for (let guard = 0; guard < wanted.length; guard++) {
			const texts = await q.locator('ol.order li .item-text').allTextContents();
			const at = texts.findIndex((t) => t.trim() === wanted[target]);
			expect(at, `item "${wanted[target]}" is listed`).toBeGreaterThanOrEqual(0);
			if (at === target) break;
			const up = q.getByRole('button', { name: `Move “${wanted[target]}” up` });
			await up.focus();
			await up.press('Enter');
		}
	}
	await expect(q.locator('ol.order li .item-text')).toHaveText(wanted);
}

test.describe('lesson quiz', () => {
	test.beforeEach(async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		await page.evaluate(() => localStorage.removeItem('portsim.progress'));
		await page.reload();
		await openQuiz(page);
		await expect(page.locator('#quiz [data-question-id]')).toHaveCount(12);
	});

	test('answers, checks, explains and records the best score', async ({ page }) => {
		const live = page.locator('#quiz [role="status"][aria-live="polite"]').last();

		// Ordering with the keyboard-operable buttons.
		const ordering = question(page, 'hs-01');
		await orderWithButtons(ordering, [
			'Client → server: SYN, seq = client ISN',
			'Server → client: SYN,ACK, seq = server ISN, ack = client ISN + 1',
			'Client → server: ACK, ack = server ISN + 1'
		]);
		await ordering.locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
		await expect(ordering).toContainText('✓ Correct.');
		await expect(live).toHaveText('Question 1: correct.');

		// Short answer: case and spacing do not matter.
		const short = question(page, 'hs-02');
		await short.getByLabel('Your answer').fill(' 1001 ');
		await short.locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
		await expect(short).toContainText('✓ Correct.');

		// A wrong answer shows the right one, the explanation and the link to the lesson section.
		const wrong = question(page, 'hs-04');
		await wrong.getByLabel('Your answer').fill('1100');
		await wrong.locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
		await expect(wrong).toContainText('✗ Not quite.');
		await expect(wrong).toContainText('The answer is: 1101');
		await expect(wrong.getByRole('link', { name: 'Read this part of the lesson' })).toHaveAttribute(
			'href',
			'/lessons/tcp-handshake#data-and-acknowledgements'
		);
		await expect(live).toHaveText('Question 4: incorrect.');

		// Single choice by keyboard: focus a radio and press Space.
		const single = question(page, 'hs-05');
		const radio = single.getByRole('radio', { name: 'SYN-SENT' });
		await radio.focus();
		await radio.press('Space');
		await expect(radio).toBeChecked();

		// Multiple response: the group is a fieldset with a legend.
		const multi = question(page, 'hs-03');
		await expect(multi.getByRole('group')).toContainText('Which of these take up one sequence number?');
		await multi.getByRole('checkbox', { name: 'SYN', exact: true }).check();
		await multi.getByRole('checkbox', { name: 'FIN', exact: true }).check();

		// A simulation question: the answer is derived from the engine's trace.
		const sim = question(page, 'hs-06');
		await expect(sim).toContainText('Simulation paused');
		await expect(sim.locator('ol.packets li')).toHaveCount(2);
		await sim.getByLabel('Your answer').fill('established');

		// Matching with selects.
		const match = question(page, 'hs-10');
		await match.getByLabel('Linux').selectOption({ label: '60 s (fixed in the kernel)' });
		await match.getByLabel('macOS').selectOption({ label: '30 s (MSL 15 s)' });
		await match.getByLabel("RFC 9293's MSL of 2 minutes").selectOption({ label: '240 s (2 × MSL)' });

		// Finish: everything not checked yet is checked now and the score is recorded.
		await page.getByRole('button', { name: 'Finish quiz' }).click();
		await expect(sim).toContainText('✓ Correct.');
		await expect(single).toContainText('✓ Correct.');
		await expect(multi).toContainText('✓ Correct.');
		await expect(page.locator('#quiz .summary')).toContainText('You scored 6 of 12 (50%)');
		await expect(live).toHaveText('Quiz finished: 6 of 12 correct. Lesson marked as completed.');
		// Finishing the quiz marks the lesson as done.
		await expect(page.locator('#quiz .summary')).toContainText('✓ Lesson marked as completed.');
		await expect(page.locator('.complete')).toContainText('✓ Lesson completed.');
		await expect(page.getByRole('button', { name: 'Mark lesson complete' })).toHaveCount(0);

		const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('portsim.progress') ?? 'null'));
		expect(stored.version).toBe(3);
		expect(stored.quizzes['tcp-handshake']).toMatchObject({ best: 50, attempts: 1 });
		expect(stored.lessons['tcp-handshake']).toMatchObject({ completed: true });
		// The six missed questions are in the review queue.
		expect(Object.values(stored.questions as Record<string, { card?: unknown }>).filter((r) => r.card)).toHaveLength(6);

		// Accessibility of the checked quiz.
		const axe = await new AxeBuilder({ page }).include('#quiz').analyze();
		expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

		// Try again resets the answers; the best score survives a reload.
		await page.getByRole('button', { name: 'Try again' }).click();
		await expect(page.getByRole('button', { name: 'Finish quiz' })).toBeVisible();
		await page.reload();
		await openQuiz(page);
		await expect(page.locator('#quiz')).toContainText('Your best score so far: 50%.');
	});

	test('progress page reports unreadable data, keeps a backup, and validates imports', async ({ page }) => {
		await page.evaluate(() => localStorage.setItem('portsim.progress', '{"version": 7}'));
		await page.goto('/progress');
		const notice = page.getByRole('alert').filter({ hasText: 'could not be read' });
		await expect(notice).toContainText('unknown version 7');
		const backups = await page.evaluate(() =>
			Object.keys(localStorage)
				.filter((k) => k.startsWith('portsim.progress.backup.'))
				.map((k) => localStorage.getItem(k))
		);
		expect(backups).toContain('{"version": 7}');

		await page.locator('#import-file').setInputFiles({
			name: 'bad.json',
			mimeType: 'application/json',
			buffer: Buffer.from(JSON.stringify({ version: 2, lessons: {}, quizzes: { udp: { best: 400, attempts: 1 } }, exams: [] }))
		});
		await expect(page.getByText('Imported “bad.json” (upgraded from version 2).')).toBeVisible();
		await expect(page.getByText('Left out because they were invalid: quizzes.udp: best 400 is not a percentage 0–100.')).toBeVisible();

		await page.locator('#import-file').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 9}') });
		await expect(page.getByText('Could not import “other.json”: unknown version 9 (this site reads versions 1 to 3). Your current progress is unchanged.')).toBeVisible();

		await page.locator('#import-file').setInputFiles({
			name: 'old.json',
			mimeType: 'application/json',
			buffer: Buffer.from(JSON.stringify({ version: 1, completedLessons: ['udp'], quizScores: { udp: 80 } }))
		});
		await expect(page.getByText('Imported “old.json” (upgraded from version 1).')).toBeVisible();
		const udpRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: /^\d+\. UDP$/ }) });
		await expect(udpRow).toContainText('✓ yes');
		await expect(udpRow).toContainText('80%');

		const download = page.waitForEvent('download');
		await page.getByRole('button', { name: 'Export progress (JSON)' }).click();
		const file = await download;
		expect(file.suggestedFilename()).toMatch(/^portlab-progress-\d{4}-\d{2}-\d{2}\.json$/);

		const axe = await new AxeBuilder({ page }).include('main').analyze();
		expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
	});
});

test.describe('lesson quiz answers survive a reload', () => {
	test('a quiz reloaded mid-way keeps its answers, its checked results and its option order', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		await page.evaluate(() => localStorage.removeItem('portsim.progress'));
		await page.reload();
		const quiz = page.locator('#quiz');
		await openQuiz(page);
		await expect(quiz.locator('[data-question-id]').first()).toBeVisible();

		// One question of each kind a learner meets, found the way a learner sees them.
		const typed = quiz.locator('[data-question-id]').filter({ has: page.getByLabel('Your answer') });
		const radios = quiz.locator('[data-question-id]').filter({ has: page.getByRole('radio') });
		const boxes = quiz.locator('[data-question-id]').filter({ has: page.getByRole('checkbox') });
		const selects = quiz.locator('[data-question-id]').filter({ has: page.getByRole('combobox') });

		await typed.nth(0).getByLabel('Your answer').fill('my typed answer');
		const typedId = await typed.nth(0).getAttribute('data-question-id');
		await typed.nth(1).getByLabel('Your answer').fill('checked answer');
		const checkedId = await typed.nth(1).getAttribute('data-question-id');
		await typed.nth(1).locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
		await expect(typed.nth(1)).toContainText('✗ Not quite.');

		const radioQ = radios.first();
		const radioId = await radioQ.getAttribute('data-question-id');
		const radioOrder = await radioQ.getByRole('radio').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
		await radioQ.getByRole('radio').nth(1).check();
		const radioChosen = await radioQ.getByRole('radio').nth(1).getAttribute('value');

		const boxQ = boxes.first();
		const boxId = await boxQ.getAttribute('data-question-id');
		await boxQ.getByRole('checkbox').nth(0).check();
		await boxQ.getByRole('checkbox').nth(2).check();

		const selQ = selects.first();
		const selId = await selQ.getAttribute('data-question-id');
		await selQ.getByRole('combobox').first().selectOption({ index: 2 });
		const selValue = await selQ.getByRole('combobox').first().inputValue();

		await page.reload();
		await openQuiz(page);
		const q = (id: string | null) => quiz.locator(`[data-question-id="${id}"]`);
		await expect(q(typedId).getByLabel('Your answer')).toHaveValue('my typed answer');
		await expect(q(checkedId).getByLabel('Your answer')).toHaveValue('checked answer');
		await expect(q(checkedId)).toContainText('✗ Not quite.');
		await expect(q(checkedId).locator('xpath=..').getByRole('button', { name: 'Check answer' })).toHaveCount(0);
		expect(await q(radioId).getByRole('radio').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(radioOrder);
		await expect(q(radioId).locator(`input[value="${radioChosen}"]`)).toBeChecked();
		await expect(q(boxId).getByRole('checkbox').nth(0)).toBeChecked();
		await expect(q(boxId).getByRole('checkbox').nth(1)).not.toBeChecked();
		await expect(q(boxId).getByRole('checkbox').nth(2)).toBeChecked();
		await expect(q(selId).getByRole('combobox').first()).toHaveValue(selValue);
		await expect(quiz.locator('.summary')).toContainText('1 of');

		// The restored answers are the ones graded.
		await q(typedId).locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
		await expect(q(typedId)).toContainText('✗ Not quite.');
		await expect(q(typedId)).toContainText('The answer is:');
	});
});

test.describe('progress files with bad parts', () => {
	test('importing a file with duplicate ids and impossible numbers shows a message and only correct data', async ({ page }) => {
		const t = Date.UTC(2025, 2, 3, 9, 0, 0);
		const exam = (id: string, correct: number, total: number, extra: object = {}) => ({
			id,
			seed: 7,
			mode: 'exam',
			domains: ['netplus:1'],
			questionIds: ['hs-02', 'hs-04'],
			orders: {},
			answers: { 'hs-02': '1001' },
			flagged: [],
			checked: [],
			current: 0,
			startedAt: t,
			durationMs: 180_000,
			finishedAt: t + 60_000,
			correct,
			total,
			byDomain: { 'netplus:1': { correct, total } },
			wrong: ['hs-04'],
			timedOut: false,
			...extra
		});
		const file = {
			version: 3,
			lessons: { udp: { completed: true, completedAt: t }, nat: { completed: true, completedAt: 8.64e17 } },
			quizzes: { udp: { best: 80, attempts: 2, lastAt: t }, icmp: { best: -5, attempts: 1, lastAt: t } },
			exams: [
				exam('a1', 1, 2),
				exam('a1', 2, 2),
				exam('a2', 1, 2, { questionIds: ['hs-02', 'hs-02', 'hs-02'] }),
				exam('a3', 1, 2, { durationMs: 1e308 })
			],
			currentExam: { ...exam('run', 0, 0), startedAt: Date.now(), durationMs: 1e307, current: 99 }
		};
		await page.goto('/progress');
		await page.evaluate(() => localStorage.removeItem('portsim.progress'));
		await page.reload();
		await page.locator('#import-file').setInputFiles({ name: 'dupes.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
		await expect(page.getByText('Imported “dupes.json”.')).toBeVisible();
		const left = page.getByText(/^Left out because they were invalid:/);
		await expect(left).toContainText('exams[1]: id "a1" is used by an earlier exam (dropped)');
		await expect(left).toContainText('exams[2]: questionIds lists "hs-02" 3 times');
		await expect(left).toContainText('exams[3]: durationMs 1e+308 is not between 1 s and 24 h');
		await expect(left).toContainText('lessons.nat: completedAt is not a valid date');
		await expect(left).toContainText('quizzes.icmp: best -5 is not a percentage 0–100');

		// Only the valid data is shown: one exam, the UDP lesson and quiz, nothing absurd.
		const history = page.getByRole('region', { name: 'Practice exams' }).getByRole('listitem');
		await expect(history).toHaveCount(1);
		await expect(history.first()).toContainText('1/2 (50%)');
		const udpRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: /^\d+\. UDP$/ }) });
		await expect(udpRow).toContainText('✓ yes');
		await expect(udpRow).toContainText('80%');
		const natRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: /^\d+\. NAT/ }) });
		await expect(natRow).not.toContainText('✓ yes');
		await expect(page.locator('main')).not.toContainText(/NaN|Infinity|Invalid Date/);

		// The exam in progress was repaired, not dropped: its timer is sane.
		await page.getByRole('link', { name: 'Continue it' }).click();
		await expect(page.getByRole('timer', { name: 'Time remaining' })).toHaveText(/^\s*[0-3]:\d\d\s*$/);
		await expect(page.getByText('Question 1 of 2')).toBeVisible();
	});
});

/**
 * A long paused trace (flow-and-congestion's zero-window question, 648 packets) comes with the
 * lesson as its first 10 and last 20 packets; the rest is fetched when the reader asks for it
 * (issue 18: the lesson's data no longer carries 108 KB of packets).
 */
test('a long paused trace shows its ends, and the whole trace on request', async ({ page }) => {
	const requested: string[] = [];
	page.on('request', (r) => {
		if (r.url().includes('/quiz/paused/')) requested.push(new URL(r.url()).pathname);
	});
	await page.goto('/lessons/flow-and-congestion');
	await openQuiz(page);
	const q = question(page, 'flc-12');
	await q.scrollIntoViewIfNeeded();
	const items = q.locator('ol.packets > li');
	await expect(items).toHaveCount(30);
	await expect(q.locator('ol.packets').last()).toHaveAttribute('start', String(648 - 20 + 1));
	expect(requested, 'nothing fetched before the reader asks').toEqual([]);
	await q.getByRole('button', { name: 'Show the other 618 packets' }).click();
	await expect(items).toHaveCount(648);
	expect(requested).toEqual(['/quiz/paused/flc-12.json']);
	// The last packet shown is the same one as before: the moment the question is about.
	await expect(items.last()).toContainText('ms');
	await expect(q.getByRole('button', { name: /Show the other/ })).toHaveCount(0);
});
