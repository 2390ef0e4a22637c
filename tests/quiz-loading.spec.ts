import type { Browser } from '@playwright/test';
import { test, expect, lessonPaths } from './fixtures';

/**
 * A lesson's quiz is prerendered and made live when the reader nears it (issue 18 item 2:
 * LessonQuiz.svelte, hand-off.ts). Whatever the reader does to the prerendered quiz, before the
 * page's scripts have run or after, reaches the live quiz once, in order.
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

test('answers chosen, typed and picked before the page has hydrated reach the live quiz', async ({ browser, baseURL }) => {
	const { context, page, errors } = await slowScripts(browser, baseURL, 3000);
	await page.goto(LESSON, { waitUntil: 'domcontentloaded' });
	const quiz = page.locator('#quiz [data-quiz]');
	const q = (id: string) => page.locator(`#quiz [data-question-id="${id}"]`);
	// The prerendered quiz, before any script: the browser's own controls still work.
	await q('hs-05').getByRole('radio', { name: 'SYN-SENT' }).check();
	await q('hs-02').getByLabel('Your answer').fill('1001');
	await q('hs-10').getByLabel('Linux').selectOption({ label: '60 s (fixed in the kernel)' });
	expect(await page.evaluate(() => document.documentElement.hasAttribute('data-hydrated')), 'answered before hydration').toBe(false);
	await expect(quiz).toHaveAttribute('data-quiz', 'static');

	await expect(quiz).toHaveAttribute('data-quiz', 'live', { timeout: 20_000 });
	await expect(q('hs-05').getByRole('radio', { name: 'SYN-SENT' })).toBeChecked();
	await expect(q('hs-02').getByLabel('Your answer')).toHaveValue('1001');
	await expect(q('hs-10').getByLabel('Linux')).toHaveValue(/.+/);
	expect(await q('hs-10').getByLabel('Linux').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent?.trim())).toBe('60 s (fixed in the kernel)');
	// The answers are the live quiz's own: checking one grades it, and it is saved.
	await q('hs-02').locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
	await expect(q('hs-02')).toContainText('✓ Correct.');
	await expect(page.locator('#quiz [role="status"][aria-live="polite"]').last()).toHaveText('Question 2: correct.');
	const saved = await page.evaluate(() => localStorage.getItem('portsim.progress') ?? '');
	expect(saved).toContain('1001');
	expect(errors).toEqual([]);
	await context.close();
});

test('a choice and a Check answer click on the prerendered quiz are done once on the live quiz', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto(LESSON);
	const quiz = page.locator('#quiz [data-quiz]');
	// Hydrated, the quiz far below the fold is still the prerendered copy.
	await expect(quiz).toHaveAttribute('data-quiz', 'static');
	const q5 = page.locator('#quiz [data-question-id="hs-05"]');
	// The reader's click scrolls the quiz into view: whether it lands on the prerendered copy or the
	// live one, it is one choice and one check.
	await q5.getByRole('radio', { name: 'SYN-SENT' }).check();
	await q5.locator('xpath=..').getByRole('button', { name: 'Check answer' }).click();
	await expect(quiz).toHaveAttribute('data-quiz', 'live');
	await expect(q5).toContainText(/✓ Correct\.|✗ Not quite\./);
	await expect(q5.getByRole('radio', { name: 'SYN-SENT' })).toBeChecked();
	await expect(q5.locator('xpath=..').getByRole('button', { name: 'Check answer' })).toHaveCount(0);
	await expect(page.locator('#quiz .summary')).toContainText('1 of 12 checked');
});

test('a long paused trace shows its first and last packets, and the rest on request', async ({ page }) => {
	await page.goto('/lessons/flow-and-congestion');
	const q = page.locator('#quiz [data-question-id="flc-12"]');
	const rows = q.locator('ol.packets li');
	// First 10 and last 20 of 648: the moment of the pause is the end of the list.
	await expect(rows).toHaveCount(30);
	await expect(q.locator('ol.packets').last()).toHaveAttribute('start', '629');
	// Pressed on the prerendered quiz or the live one, the button shows every packet.
	await q.getByRole('button', { name: 'Show the other 618 packets' }).click();
	await expect(page.locator('#quiz [data-quiz]')).toHaveAttribute('data-quiz', 'live');
	await expect(rows).toHaveCount(648);
	await expect(q.getByRole('button', { name: /Show the other/ })).toHaveCount(0);
});

test('the prerendered quiz is skipped until it nears the viewport, with a placeholder taller than the quiz on a narrow phone', async ({ browser, baseURL }) => {
	test.setTimeout(120_000);
	// A placeholder shorter than the quiz puts the pager and the footer on top of its last
	// questions for any script that asks where they are (axe found "obscured" radio buttons).
	const context = await browser.newContext({ javaScriptEnabled: false, baseURL, viewport: { width: 360, height: 740 } });
	const page = await context.newPage();
	const lessons = await lessonPaths(page);
	expect(lessons).toHaveLength(18);
	for (const href of lessons) {
		await page.goto(href);
		const m = await page.locator('[data-quiz="static"]').evaluate((el) => {
			const kids = [...el.children].map((c) => c.getBoundingClientRect());
			const st = getComputedStyle(el);
			return {
				cv: st.contentVisibility,
				placeholder: parseFloat(st.containIntrinsicHeight.replace(/^auto\s+/, '')),
				content: Math.max(...kids.map((r) => r.bottom)) - Math.min(...kids.map((r) => r.top))
			};
		});
		expect(m.cv, href).toBe('auto');
		expect(m.content, `${href}: quiz ${m.content} px, placeholder ${m.placeholder} px`).toBeGreaterThan(1000);
		expect(m.placeholder, `${href}: quiz ${m.content} px, placeholder ${m.placeholder} px`).toBeGreaterThan(m.content);
	}
	await context.close();
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
