import { test, expect } from './fixtures';

/**
 * Less work before the page is usable (issue 18 item 2). A lesson's figures arrive as their
 * prerendered first frame, static; a figure goes live (its scenario run in the simulation's Web
 * Worker, the live figure mounted in place of the frame) only when it nears the viewport, or when
 * the reader reaches it first. The swap must not move anything, and a click or focus that reached
 * the static frame must not be lost.
 */

/** The lesson with the most figures: the last ones are far below the fold. */
const LESSON = '/lessons/closing-connections';

test('figures below the fold stay static until the reader scrolls near them; reading the page moves nothing', async ({ page }) => {
	test.setTimeout(180_000);
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto(LESSON);
	await page.evaluate(`window.__shifts = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value); }).observe({ type: 'layout-shift', buffered: true });`);
	const slots = page.locator('[data-figure]');
	const n = await slots.count();
	expect(n).toBeGreaterThanOrEqual(5);
	await page.waitForLoadState('networkidle');
	// At load only the figures within reach are live; the last one is still the prerendered frame.
	await expect(slots.nth(n - 1)).toHaveAttribute('data-figure', 'static');

	// Read down the page, a screen at a time, as a person does.
	const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
	for (let y = 0; y < height; y += 700) {
		await page.evaluate('window.scrollBy(0, 700)');
		await page.waitForTimeout(200);
	}
	await expect(slots.nth(n - 1)).toHaveAttribute('data-figure', 'live', { timeout: 30_000 });
	expect(await page.locator('[data-figure="static"]').count()).toBe(0);
	// Every swap happened off screen: nothing the reader saw moved.
	expect(await page.evaluate('window.__shifts')).toEqual([]);
});

test('what reaches the static frame (focus, a click, a box ticked) is handed to the live figure', async ({ page }) => {
	await page.setViewportSize({ width: 1280, height: 800 });
	// Hold the simulation's worker back for 2 s: the figure stays static while the reader acts on it.
	await page.route(/sim\.worker/, async (route) => {
		await new Promise((r) => setTimeout(r, 2000));
		await route.continue();
	});
	await page.goto('/lessons/tcp-handshake');
	const slot = page.locator('[data-figure]').first();
	const forward = slot.getByRole('button', { name: 'Step forward' });
	await forward.focus();
	await page.keyboard.press('Enter');
	const box = slot.getByRole('checkbox', { name: /Relative sequence numbers/ });
	const was = await box.isChecked();
	await box.setChecked(!was);
	await expect(slot).toHaveAttribute('data-figure', 'static');

	await expect(slot).toHaveAttribute('data-figure', 'live', { timeout: 30_000 });
	await expect(slot.getByText(/Step 2\/\d+/)).toBeVisible();
	// The focus is where the reader left it: on the box they ticked last.
	await expect(box).toBeChecked({ checked: !was });
	await expect(box).toBeFocused();
});
