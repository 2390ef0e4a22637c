import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';

/** The end-of-lesson quiz on the TCP handshake lesson, answered the way a learner would. */

function question(page: Page, id: string): Locator {
	return page.locator(`#quiz [data-question-id="${id}"]`);
}

/** Put an ordering question into `wanted` order using only the keyboard-operable Move up buttons. */
async function orderWithButtons(q: Locator, wanted: string[]) {
	for (let target = 0; target < wanted.length; target++) {
		for (let guard = 0; guard < wanted.length; guard++) {
			const texts = await q.locator('ol.order li .item-text').allInnerTexts();
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
		await expect(live).toHaveText('Quiz finished: 6 of 12 correct.');

		const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('portsim.progress') ?? 'null'));
		expect(stored.version).toBe(2);
		expect(stored.quizzes['tcp-handshake']).toMatchObject({ best: 50, attempts: 1 });

		// Accessibility of the checked quiz.
		const axe = await new AxeBuilder({ page }).include('#quiz').analyze();
		expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

		// Try again resets the answers; the best score survives a reload.
		await page.getByRole('button', { name: 'Try again' }).click();
		await expect(page.getByRole('button', { name: 'Finish quiz' })).toBeVisible();
		await page.reload();
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
		await expect(page.getByText('Could not import “bad.json”: version 2: quizzes.udp.best must be a percentage 0–100.')).toBeVisible();

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
