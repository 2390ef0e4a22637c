import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

/** The practice exam at /exam, taken the way a learner would: answer, flag, reload, review, submit, retake. */

const question = (page: Page) => page.locator('#exam-question');

/** Give some answer to whatever question is on screen (not necessarily a right one). */
async function answerSomething(page: Page) {
	const q = question(page);
	await expect(q.locator('[data-question-id]')).toBeVisible();
	if (await q.getByRole('radio').count()) {
		await q.getByRole('radio').first().check();
	} else if (await q.getByRole('checkbox').count()) {
		await q.getByRole('checkbox').first().check();
	} else if (await q.getByRole('combobox').count()) {
		const selects = q.getByRole('combobox');
		for (let i = 0; i < (await selects.count()); i++) await selects.nth(i).selectOption({ index: 1 });
	} else if (await q.getByRole('textbox').count()) {
		await q.getByRole('textbox').fill('42');
	} else {
		await q.getByRole('button', { name: /^Move .* down$/ }).first().click();
	}
}

async function palette(page: Page): Promise<string[]> {
	return page.getByRole('navigation', { name: 'Questions' }).getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') ?? ''));
}

test.describe('practice exam', () => {
	test.beforeEach(async ({ page }) => {
		await page.goto('/exam');
		await page.evaluate(() => localStorage.removeItem('portsim.progress'));
		await page.reload();
	});

	test('setup form is labelled and accessible', async ({ page }) => {
		await expect(page.getByRole('heading', { level: 1, name: 'Practice exam' })).toBeVisible();
		await expect(page.getByRole('group', { name: /CompTIA Network\+/ })).toBeVisible();
		await expect(page.getByRole('group', { name: /Cisco CCNA/ })).toBeVisible();
		const axe = await new AxeBuilder({ page }).include('main').analyze();
		expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

		// Choosing no domain at all is refused with a message.
		await page.getByRole('button', { name: 'None of the CompTIA Network+ domains' }).click();
		await page.getByRole('button', { name: 'None of the Cisco CCNA domains' }).click();
		await page.getByRole('button', { name: 'Start exam' }).click();
		await expect(page.getByText('Choose at least one domain.')).toBeVisible();
	});

	test('flag, reload mid-exam, review, submit, see the breakdown, retake missed', async ({ page }) => {
		await page.getByRole('radio', { name: '10', exact: true }).check();
		await page.getByLabel(/^Seed/).fill('12345');
		await page.getByRole('button', { name: 'Start exam' }).click();

		await expect(page.getByRole('timer', { name: 'Time remaining' })).toHaveText(/1[45]:\d\d/);
		await expect(page.getByText('Question 1 of 10')).toBeVisible();
		const firstPrompt = await question(page).locator('.prompt').first().innerText();

		// Q1 answered; Q2 answered and flagged; Q3 answered; the rest left blank.
		await answerSomething(page);
		await page.getByRole('button', { name: 'Next →' }).click();
		await answerSomething(page);
		const flag = page.getByRole('button', { name: /Flag for review/ });
		await flag.click();
		await expect(page.getByRole('button', { name: /Flagged for review/ })).toHaveAttribute('aria-pressed', 'true');
		await page.getByRole('button', { name: 'Next →' }).click();
		await answerSomething(page);

		const before = await palette(page);
		expect(before.slice(0, 4)).toEqual([
			'Question 1, answered',
			'Question 2, answered, flagged',
			'Question 3, answered',
			'Question 4, unanswered'
		]);

		const running = await new AxeBuilder({ page }).include('main').analyze();
		expect(running.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

		// Reload: nothing is lost, and we are back on question 3.
		await page.reload();
		await expect(page.getByText('Question 3 of 10')).toBeVisible();
		expect(await palette(page)).toEqual(before);
		const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('portsim.progress') ?? 'null'));
		expect(Object.keys(stored.currentExam.answers)).toHaveLength(3);
		expect(stored.currentExam.seed).toBe(12345);

		// The palette jumps straight to a question.
		await page.getByRole('button', { name: 'Question 1, answered' }).click();
		await expect(page.getByText('Question 1 of 10')).toBeVisible();
		await expect(question(page).locator('.prompt').first()).toHaveText(firstPrompt);

		// Review screen lists flagged and unanswered questions, then submit.
		await page.getByRole('button', { name: 'Review & submit' }).click();
		await expect(page.getByRole('heading', { name: 'Review before submitting' })).toBeFocused();
		await expect(page.getByText('3 of 10 answered.')).toBeVisible();
		await expect(page.locator('.review-list').getByText('⚑ flagged')).toHaveCount(1);
		await page.getByRole('button', { name: 'Submit exam' }).click();

		await expect(page).toHaveURL(/\/exam\/result\?id=/);
		await expect(page.getByRole('heading', { level: 1, name: 'Exam result' })).toBeVisible();
		await expect(page.getByTestId('seed')).toHaveText('12345');
		await expect(page.getByRole('table')).toContainText(/N10-009|200-301/);
		const review = page.locator('ol.review > li');
		// At least the 7 blank questions are wrong; the flagged one is listed whatever its result.
		expect(await review.count()).toBeGreaterThanOrEqual(7);
		await expect(review.filter({ hasText: '⚑ flagged' })).toHaveCount(1);
		await expect(review.first()).toContainText('Correct answer');

		const axe = await new AxeBuilder({ page }).include('main').analyze();
		expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

		// Retake missed questions: a new exam made only of the wrong ones.
		const retake = page.getByRole('button', { name: /Retake missed questions \((\d+)\)/ });
		const missed = Number(/\((\d+)\)/.exec((await retake.innerText()) ?? '')![1]);
		expect(missed).toBeGreaterThanOrEqual(7);
		await retake.click();
		await expect(page).toHaveURL(/\/exam$/);
		await expect(page.getByText(`Question 1 of ${missed}`)).toBeVisible();
		expect(await palette(page)).toHaveLength(missed);
	});

	test('the same seed reproduces the same exam', async ({ page }) => {
		await page.getByRole('radio', { name: '10', exact: true }).check();
		await page.getByLabel(/^Seed/).fill('777');
		await page.getByRole('button', { name: 'Start exam' }).click();
		const prompts: string[] = [];
		for (let i = 0; i < 3; i++) {
			prompts.push(await question(page).locator('.prompt').first().innerText());
			await page.getByRole('button', { name: 'Next →' }).click();
		}
		page.once('dialog', (d) => d.accept());
		await page.getByRole('button', { name: 'Abandon' }).click();
		await page.getByRole('radio', { name: '10', exact: true }).check();
		await page.getByLabel(/^Seed/).fill('777');
		await page.getByRole('button', { name: 'Start exam' }).click();
		for (let i = 0; i < 3; i++) {
			await expect(question(page).locator('.prompt').first()).toHaveText(prompts[i]);
			await page.getByRole('button', { name: 'Next →' }).click();
		}
	});

	test('study mode explains each answer at once', async ({ page }) => {
		await page.getByRole('radio', { name: /Study/ }).check();
		await page.getByRole('radio', { name: '10', exact: true }).check();
		await page.getByRole('button', { name: 'Start exam' }).click();
		await answerSomething(page);
		await page.getByRole('button', { name: 'Check answer' }).click();
		await expect(question(page).locator('.feedback')).toBeVisible();
		await expect(question(page).getByRole('link', { name: 'Read this part of the lesson' })).toHaveAttribute('href', /^\/lessons\/[a-z-]+#/);
		await expect(page.getByRole('status').last()).toHaveText(/^(Correct\.|Incorrect\. The explanation is shown below the question\.)$/);
	});

	test('when the time runs out the exam is submitted and marked as timed out', async ({ page }) => {
		await page.getByRole('radio', { name: '10', exact: true }).check();
		await page.getByRole('button', { name: 'Start exam' }).click();
		await answerSomething(page);
		// Pretend the attempt began long ago (the countdown uses the wall clock).
		await page.evaluate(() => {
			const p = JSON.parse(localStorage.getItem('portsim.progress')!);
			p.currentExam.startedAt -= p.currentExam.durationMs + 1000;
			localStorage.setItem('portsim.progress', JSON.stringify(p));
		});
		await page.reload();
		await expect(page).toHaveURL(/\/exam\/result\?id=/);
		await expect(page.getByText('time ran out')).toBeVisible();
		const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('portsim.progress')!));
		expect(stored.currentExam).toBeUndefined();
		expect(stored.exams).toHaveLength(1);
		expect(stored.exams[0].timedOut).toBe(true);
	});

	test('a weighted exam draws each domain in proportion to its weight and shows the pass mark', async ({ page }) => {
		// Choose the Network+ domains with at least 20 questions, as a learner reading the counts would.
		await page.getByRole('button', { name: 'None of the Cisco CCNA domains' }).click();
		const group = page.getByRole('group', { name: /CompTIA Network\+/ });
		const rows = group.locator('label.check');
		const chosen: { label: string; weight: number }[] = [];
		for (let i = 0; i < (await rows.count()); i++) {
			const text = await rows.nth(i).innerText();
			const m = /^(\d\.0)\b[\s\S]*?(\d+)%\s*\((\d+)\)/.exec(text.trim());
			expect(m, `domain row "${text}" shows weight and count`).not.toBeNull();
			const box = rows.nth(i).getByRole('checkbox');
			if (Number(m![3]) >= 20) chosen.push({ label: m![1], weight: Number(m![2]) });
			else if (await box.isEnabled()) await box.uncheck();
		}
		expect(chosen.length).toBeGreaterThanOrEqual(2);
		await page.getByRole('radio', { name: '20', exact: true }).check();
		await page.getByLabel(/^Seed/).fill('2024');
		await page.getByRole('button', { name: 'Start exam' }).click();
		await expect(page.getByText('Question 1 of 20')).toBeVisible();
		await page.getByRole('button', { name: 'Review & submit' }).click();
		await page.getByRole('button', { name: 'Submit exam' }).click();
		await expect(page).toHaveURL(/\/exam\/result\?id=/);

		// Each chosen domain's share is its weight over the chosen weights, within one question.
		const sum = chosen.reduce((n, c) => n + c.weight, 0);
		let total = 0;
		for (const c of chosen) {
			const row = page.getByRole('row').filter({ hasText: 'N10-009' }).filter({ hasText: new RegExp(`\\b${c.label.replace('.', '\\.')}\\b`) });
			const got = Number(/\d+ \/ (\d+)/.exec(await row.innerText())![1]);
			total += got;
			expect(Math.abs(got - (20 * c.weight) / sum), `domain ${c.label}: ${got} of 20 for weight ${c.weight}/${sum}`).toBeLessThanOrEqual(1);
		}
		expect(total).toBe(20);

		const pass = page.getByRole('region', { name: /Against the real pass mark/ });
		await expect(pass).toContainText('(approximate)');
		await expect(pass).toContainText('CompTIA Network+ N10-009: 0 of 20 right (0%) — below the pass mark of 720 on the 100–900 scale.');
		await expect(pass).toContainText('only a rough guide');
	});
});

