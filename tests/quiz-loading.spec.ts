import type { Browser } from '@playwright/test';
import { test, expect, lessonPaths, openQuiz } from './fixtures';

/**
 * A lesson's quiz is prerendered for readers without scripts (inside a `<noscript>`), and made
 * live when a reader with scripts comes near it (issue 18 item 2: LessonQuiz.svelte): the page
 * lays none of it out while it loads.
 */

const LESSON = '/lessons/tcp-handshake';

/** A page whose scripts arrive `ms` late (the fixture's `page.goto` would wait for them). */
async function slowScripts(browser: Browser, baseURL: string | undefined, ms: number) {
	const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	await page.route(/\/_app\/immutable\/entry\//, async (route) => {
		await new Promise((r) => setTimeout(r, ms));
		await route.continue();
	});
	return { context, page, errors };
}

test('a reader who came for the quiz sees its place say it is loading, then the quiz, without doing anything', async ({ browser, baseURL }) => {
	const { context, page, errors } = await slowScripts(browser, baseURL, 3000);
	await page.goto(`${LESSON}#quiz`, { waitUntil: 'domcontentloaded' });
	const quiz = page.locator('#quiz [data-quiz]');
	await expect(quiz).toHaveAttribute('data-quiz', 'static');
	await expect(page.locator('#quiz').getByText('Loading the questions…')).toBeInViewport();
	await expect(page.locator('#quiz [data-question-id]')).toHaveCount(0);
	expect(await page.evaluate(() => document.documentElement.hasAttribute('data-hydrated')), 'still loading').toBe(false);

	await expect(quiz).toHaveAttribute('data-quiz', 'live', { timeout: 20_000 });
	await expect(page.locator('#quiz [data-question-id]')).toHaveCount(12);
	await expect(page.locator('#quiz [data-question-id]').first()).toBeInViewport();
	await expect(page.locator('#quiz').getByText('Loading the questions…')).toHaveCount(0);
	expect(errors).toEqual([]);
	await context.close();
});

test('with scripts, the quiz is not in the page until the reader scrolls near it; then it is one live quiz that grades', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto(LESSON);
	const quiz = page.locator('#quiz [data-quiz]');
	await page.waitForTimeout(500);
	await expect(quiz).toHaveAttribute('data-quiz', 'static');
	await expect(page.locator('#quiz [data-question-id]')).toHaveCount(0);
	await openQuiz(page);
	await expect(page.locator('#quiz .lesson-quiz')).toHaveCount(1);
	const q5 = page.locator('#quiz [data-question-id="hs-05"]');
	await q5.getByRole('radio', { name: 'SYN-SENT' }).check();
	await q5.locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
	await expect(q5).toContainText(/✓ Correct\.|✗ Not quite\./);
	await expect(page.locator('#quiz .summary')).toContainText('1 of 12 checked');
});

test('a keyboard reader tabs into the questions: the first Tab makes the quiz', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto(LESSON);
	const quiz = page.locator('#quiz [data-quiz]');
	await expect(quiz).toHaveAttribute('data-quiz', 'static');
	await page.keyboard.press('Tab');
	await expect(quiz).toHaveAttribute('data-quiz', 'live');
	// The questions are in the tab order where the quiz is: a Tab from the last control before
	// the quiz reaches the first question's first control.
	await page.evaluate(() => {
		const quizEl = document.getElementById('quiz')!;
		const before = [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex="0"]')].filter(
			(el) => el.tabIndex >= 0 && el.getClientRects().length > 0 && quizEl.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING
		);
		before.at(-1)!.focus();
	});
	await page.keyboard.press('Tab');
	const first = page.locator('#quiz [data-question-id]').first();
	await expect(first.locator(':is(input, select, textarea, button):not([disabled])').first()).toBeFocused();
});

test('without scripts the quiz is shown in full; with them, its place is held by a placeholder taller than the quiz on a narrow phone', async ({ browser, baseURL }) => {
	test.setTimeout(180_000);
	// A placeholder shorter than the quiz would push the pager and the footer down as the quiz is
	// made, on screen for a reader who came for the quiz.
	const viewport = { width: 360, height: 740 };
	const noJs = await browser.newContext({ javaScriptEnabled: false, baseURL, viewport });
	const withJs = await browser.newContext({ baseURL, viewport });
	const plain = await noJs.newPage();
	const page = await withJs.newPage();
	const lessons = await lessonPaths(plain);
	expect(lessons).toHaveLength(18);
	for (const href of lessons) {
		await plain.goto(href);
		await expect(plain.locator('#quiz .quiz-wait')).toBeHidden();
		const questions = plain.locator('#quiz [data-quiz="static"] .lesson-quiz [data-question-id]');
		expect(await questions.count(), href).toBeGreaterThanOrEqual(10);
		await expect(questions.first()).toBeVisible();
		const content = await plain.locator('#quiz .lesson-quiz').evaluate((el) => el.getBoundingClientRect().height);

		await page.goto(href);
		await page.waitForFunction(() => document.documentElement.hasAttribute('data-hydrated'));
		const slot = page.locator('#quiz [data-quiz="static"]');
		await expect(slot.locator('[data-question-id]')).toHaveCount(0);
		const placeholder = await slot.evaluate((el) => el.getBoundingClientRect().height);
		expect(content, `${href}: quiz ${content} px, placeholder ${placeholder} px`).toBeGreaterThan(1000);
		expect(placeholder, `${href}: quiz ${content} px, placeholder ${placeholder} px`).toBeGreaterThan(content);
	}
	await noJs.close();
	await withJs.close();
});

for (const size of [
	{ width: 390, height: 844, theme: null },
	{ width: 1280, height: 800, theme: null },
	{ width: 1920, height: 1080, theme: 'projector' }
] as const) {
	test(`jumping to the quiz (the contents' link) at ${size.width}×${size.height}${size.theme ? ' (projector)' : ''} moves nothing on screen`, async ({ page }) => {
		await page.setViewportSize({ width: size.width, height: size.height });
		if (size.theme) await page.addInitScript((t) => localStorage.setItem('portsim.theme', t), size.theme);
		await page.goto('/lessons/udp');
		await page.waitForLoadState('networkidle');
		await page.evaluate(`window.__shifts = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__shifts.push({ at: e.startTime, value: e.value, sources: (e.sources ?? []).map((s) => s.node ? s.node.nodeName + '.' + (s.node.className?.baseVal ?? s.node.className ?? '') : '(removed)') }); }).observe({ type: 'layout-shift' });`);
		// What the contents' "Check your understanding" link does (the fragment), at a known time:
		// a click would mark the shifts that follow it as the reader's own (hadRecentInput).
		const at = await page.evaluate(() => {
			const t = performance.now();
			location.hash = 'quiz';
			return t;
		});
		await expect(page.locator('#quiz-title')).toBeInViewport();
		await expect(page.locator('#quiz .question').first()).toBeInViewport({ timeout: 10_000 });
		await page.waitForTimeout(1000);
		const shifts = ((await page.evaluate('window.__shifts')) as { at: number; value: number }[]).filter((e) => e.at >= at);
		expect(shifts.reduce((s, e) => s + e.value, 0), JSON.stringify(shifts)).toBeLessThan(0.0005);
	});
}
