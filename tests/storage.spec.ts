import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

/**
 * Progress is never lost silently (issue 12 item 5): with localStorage full, an unreadable record
 * is left untouched and offered as a download, and an exam's answers stay in memory behind a
 * "Download your answers" banner until saving works again.
 */

/** Fill this origin's localStorage until nothing more fits. Returns the filler key count. */
function fillStorage(page: Page): Promise<number> {
	return page.evaluate(() => {
		let n = 0;
		// Down to 1 character, so less room is left than one more answer needs (a key name, about
		// 10 characters, at most); stopping at 8 left room for a short question id's answer.
		for (let size = 1 << 20; size >= 1; ) {
			try {
				localStorage.setItem(`filler-${n}`, 'x'.repeat(size));
				n++;
			} catch {
				size = Math.floor(size / 2);
			}
		}
		return n;
	});
}
function freeStorage(page: Page): Promise<void> {
	return page.evaluate(() => {
		for (const k of Object.keys(localStorage)) if (k.startsWith('filler-')) localStorage.removeItem(k);
	});
}
const stored = (page: Page) => page.evaluate(() => localStorage.getItem('portsim.progress'));
const backupKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('portsim.progress.backup.')));

test('an unreadable record is left untouched when no backup fits, and offered as a download', async ({ page }) => {
	const raw = '{"version": 7, "note": "progress from a newer PortLab"}';
	await page.goto('/progress');
	await page.evaluate((r) => {
		localStorage.clear();
		localStorage.setItem('portsim.progress', r);
	}, raw);
	expect(await fillStorage(page)).toBeGreaterThan(0);

	await page.goto('/lessons/udp');
	const notice = page.getByRole('alert').filter({ hasText: 'could not be read' });
	await expect(notice).toContainText('unknown version 7');
	await expect(notice).toContainText('no room');
	await expect(notice).toContainText('left exactly as it was and nothing will be saved over it');
	await expect(notice).not.toContainText('kept under');
	await expect(notice.getByRole('button', { name: 'Dismiss' })).toHaveCount(0);

	const download = page.waitForEvent('download');
	await notice.getByRole('button', { name: 'Download the original data' }).click();
	const file = await download;
	expect(file.suggestedFilename()).toMatch(/^portlab-progress-unreadable-\d{4}-\d{2}-\d{2}\.json$/);
	expect(await (await file.createReadStream()).toArray().then((c) => Buffer.concat(c).toString())).toBe(raw);

	// "Mark lesson complete" works in the page but writes nothing over the original.
	await page.getByRole('button', { name: 'Mark lesson complete' }).click();
	await expect(page.getByText('✓ Lesson completed.')).toBeVisible();
	await expect(page.getByRole('alert').filter({ hasText: 'Your progress is not saved' })).toContainText("this browser's storage is full");
	expect(await stored(page)).toBe(raw);
	expect(await backupKeys(page)).toEqual([]);

	// Space frees up: the original is backed up first (and verified), then saving resumes.
	await freeStorage(page);
	await expect(page.getByText(/The earlier saved record is now kept under the key "portsim\.progress\.backup\.\d+", and saving has resumed\./)).toBeVisible({
		timeout: 15_000
	});
	const keys = await backupKeys(page);
	expect(keys).toHaveLength(1);
	expect(await page.evaluate((k) => localStorage.getItem(k), keys[0])).toBe(raw);
	expect(JSON.parse((await stored(page))!).lessons.udp.completed).toBe(true);
	await expect(page.getByRole('alert').filter({ hasText: 'not saved' })).toHaveCount(0);
});

test('when storage fills mid-exam the answers stay in memory, can be downloaded, and are saved once space frees', async ({ page }) => {
	await page.goto('/exam');
	await page.evaluate(() => localStorage.clear());
	await page.reload();
	await page.getByRole('radio', { name: '10', exact: true }).check();
	await page.getByLabel(/^Seed/).fill('4242');
	await page.getByRole('button', { name: 'Start exam' }).click();

	const answerFirstChoiceOrType = async () => {
		const q = page.locator('#exam-question');
		await expect(q.locator('[data-question-id]')).toBeVisible();
		if (await q.getByRole('radio').count()) await q.getByRole('radio').first().check();
		else if (await q.getByRole('checkbox').count()) await q.getByRole('checkbox').first().check();
		else if (await q.getByRole('combobox').count()) await q.getByRole('combobox').first().selectOption({ index: 1 });
		else if (await q.getByRole('textbox').count()) await q.getByRole('textbox').fill('42');
		else await q.getByRole('button', { name: /^Move .* down$/ }).first().click();
	};
	await answerFirstChoiceOrType();
	const before = await stored(page);
	expect(Object.keys(JSON.parse(before!).currentExam.answers)).toHaveLength(1);

	await fillStorage(page);
	await page.getByRole('button', { name: 'Next →' }).click();
	await answerFirstChoiceOrType();
	const banner = page.getByRole('alert').filter({ hasText: 'Your answers are not saved' });
	await expect(banner).toContainText("this browser's storage is full");
	await expect(page.getByText('Question 2 of 10')).toBeVisible();
	// What is stored still has only the first answer (the same-size position update may have fit).
	expect(JSON.parse((await stored(page))!).currentExam.answers).toEqual(JSON.parse(before!).currentExam.answers);

	const download = page.waitForEvent('download');
	await banner.getByRole('button', { name: 'Download your answers' }).click();
	const file = await download;
	expect(file.suggestedFilename()).toMatch(/^portlab-answers-unsaved-\d{4}-\d{2}-\d{2}\.json$/);
	const saved = JSON.parse(Buffer.concat(await (await file.createReadStream()).toArray()).toString());
	expect(Object.keys(saved.currentExam.answers)).toHaveLength(2);

	// The banner stays while storage is full…
	await page.waitForTimeout(4000);
	await expect(banner).toBeVisible();
	// …and saving is retried once space frees up.
	await freeStorage(page);
	await expect(banner).toHaveCount(0, { timeout: 15_000 });
	await expect(page.getByRole('status').filter({ hasText: 'Saved: your progress is stored in this browser again.' })).toBeVisible();
	expect(Object.keys(JSON.parse((await stored(page))!).currentExam.answers)).toHaveLength(2);
});
