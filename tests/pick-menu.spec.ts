import { test, expect, lessonPaths } from './fixtures';

/**
 * A figure's speed menu and a port map's host menu (PickMenu.svelte): a disclosure with radio
 * buttons, not a `<select>` (issue 18: a `<select>` in a prerendered frame makes Chromium render
 * the frame at load). It must work as a reader expects a menu to: by pointer, by keyboard, and
 * closing when the reader is done with it.
 */

test('the speed menu: opened and chosen with the pointer or the keyboard, and it closes when done', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto('/lessons/tcp-handshake');
	const fig = page.locator('[data-figure]').first();
	// The reader scrolls to the figure; it goes live as it comes near (SimPlayer.svelte).
	await fig.scrollIntoViewIfNeeded();
	await expect(fig).toHaveAttribute('data-figure', 'live', { timeout: 30_000 });
	const summary = fig.locator('summary', { hasText: 'Speed' });
	const current = summary.locator('.current');
	const panel = fig.getByRole('radiogroup', { name: 'Speed' });
	await expect(current).toHaveText('1×');
	await expect(panel).toBeHidden();

	// Pointer: open, pick 2×; the menu closes and shows the new speed.
	await summary.click();
	await expect(panel).toBeVisible();
	await expect(fig.getByRole('radio', { name: '1×' })).toBeFocused();
	await fig.getByRole('radio', { name: '2×' }).click();
	await expect(panel).toBeHidden();
	await expect(current).toHaveText('2×');

	// Keyboard: Enter opens it on the chosen value, ↓ chooses the next without closing, Enter
	// closes it and returns to the summary.
	await summary.focus();
	await page.keyboard.press('Enter');
	await expect(panel).toBeVisible();
	await expect(fig.getByRole('radio', { name: '2×' })).toBeFocused();
	await page.keyboard.press('ArrowDown');
	await expect(fig.getByRole('radio', { name: '4×' })).toBeChecked();
	await expect(panel).toBeVisible();
	await page.keyboard.press('Enter');
	await expect(panel).toBeHidden();
	await expect(summary).toBeFocused();
	await expect(current).toHaveText('4×');
	// ← and → inside the menu choose a speed; they do not step the figure.
	const where = fig.locator('.where');
	const before = await where.textContent();
	await page.keyboard.press('Enter');
	await page.keyboard.press('ArrowLeft');
	await expect(fig.getByRole('radio', { name: '2×' })).toBeChecked();
	await expect(where).toHaveText(before ?? '');

	// Escape closes without a further change; a press outside closes it too.
	await page.keyboard.press('Escape');
	await expect(panel).toBeHidden();
	await expect(summary).toBeFocused();
	await expect(current).toHaveText('2×');
	await summary.click();
	await expect(panel).toBeVisible();
	await page.locator('main h1').click();
	await expect(panel).toBeHidden();
});

test('a press on the speed menu of the prerendered frame opens the menu of the live figure', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	// Hold the simulation's worker back: the figure is still the prerendered frame when the reader acts.
	await page.route(/sim\.worker/, async (route) => {
		await new Promise((r) => setTimeout(r, 1500));
		await route.continue();
	});
	await page.goto('/lessons/tcp-handshake');
	const fig = page.locator('[data-figure]').first();
	await expect(fig).toHaveAttribute('data-figure', 'static');
	await fig.locator('summary', { hasText: 'Speed' }).click();
	await expect(fig).toHaveAttribute('data-figure', 'live', { timeout: 30_000 });
	// Opened once (the click is handed over, not lost and not doubled), on the live figure.
	await expect(fig.getByRole('radiogroup', { name: 'Speed' })).toBeVisible();
	await fig.getByRole('radio', { name: '0.5×' }).click();
	await expect(fig.locator('summary .current')).toHaveText('0.5×');
});

test('the port map host menu shows the chosen host', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/lessons/port-exhaustion');
	const fig = page.locator('[data-figure]').first();
	await fig.scrollIntoViewIfNeeded();
	await expect(fig).toHaveAttribute('data-figure', 'live', { timeout: 30_000 });
	const map = fig.locator('.port-map');
	await expect(map.locator('svg title').first()).toContainText('Port map of client');
	await map.locator('summary', { hasText: 'Host' }).click();
	await map.getByRole('radio', { name: 'api' }).click();
	await expect(map.getByRole('radiogroup', { name: 'Host' })).toBeHidden();
	await expect(map.locator('summary .current')).toHaveText('api');
	await expect(map.locator('svg title').first()).toContainText('Port map of api');
});

test('no prerendered figure frame holds a <select>, and every frame is skipped until it nears the viewport', async ({ browser, baseURL }) => {
	test.setTimeout(120_000);
	// The page as it is before any script runs.
	const context = await browser.newContext({ javaScriptEnabled: false, baseURL, viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	const lessons = await lessonPaths(page);
	expect(lessons).toHaveLength(18);
	for (const href of lessons) {
		await page.goto(href);
		const frames = page.locator('[data-figure="static"]');
		expect(await frames.count(), href).toBeGreaterThan(0);
		expect(await frames.locator('select').count(), `${href}: a <select> in a frame`).toBe(0);
		expect(await frames.locator('details.pick-menu summary', { hasText: 'Speed' }).count(), href).toBeGreaterThan(0);
		expect(await frames.first().evaluate((el) => getComputedStyle(el).contentVisibility), href).toBe('auto');
	}
	await context.close();
});
