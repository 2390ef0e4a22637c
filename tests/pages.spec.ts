/**
 * Smaller defects of issue 10: a styled 404 page with a way back, /progress in the navigation,
 * the exhaustion calculator framed and styled like the figures, plain-English narration.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

/** Computed style properties of the first element matching `selector`. */
const styleOf = (page: Page, selector: string, props: string[]) =>
	page.locator(selector).first().evaluate((el, ps) => {
		const cs = getComputedStyle(el);
		return Object.fromEntries(ps.map((p) => [p, cs.getPropertyValue(p)]));
	}, props);

test.describe('site pages', () => {
	test('an unknown page shows the styled 404 page, with a way back to the lessons', async ({ page, pageErrors }) => {
		const response = await page.goto('/no-such-page');
		expect(response?.status()).toBe(404);
		// The browser logs the 404 response itself; that one is expected here.
		pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !/status of 404/.test(e)));
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
		await expect(page.locator('main')).toContainText('Nothing answers at /no-such-page');
		// Styled: the site's page column, not raw text at the edge of the window.
		const box = await page.locator('.error-page').boundingBox();
		expect(box?.x).toBeGreaterThan(20);
		await expect(page.locator('header.site')).toBeVisible();
		await page.getByRole('link', { name: '← Back to the lessons' }).click();
		await expect(page).toHaveURL(/\/$/);
		await expect(page.getByRole('heading', { name: 'Lessons', level: 2 })).toBeVisible();
	});

	test('a lesson that does not exist says so', async ({ page, pageErrors }) => {
		await page.goto('/lessons/no-such-lesson');
		pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !/status of 404/.test(e)));
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('No such lesson');
		await expect(page.locator('main')).toContainText('There is no lesson called no-such-lesson');
		await expect(page.getByRole('link', { name: '← Back to the lessons' })).toHaveAttribute('href', '/');
	});

	test('the progress page is linked from the navigation', async ({ page }) => {
		await page.goto('/');
		await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Progress' }).click();
		await expect(page).toHaveURL(/\/progress$/);
		await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Progress' })).toHaveAttribute('aria-current', 'page');
	});

	test('on a phone, the navigation shows the item of the current page, at load and after moving', async ({ page }) => {
		await page.setViewportSize({ width: 390, height: 844 });
		const nav = page.getByRole('navigation', { name: 'Main' });
		// Whether the item lies inside the nav's visible part (the nav scrolls sideways on a phone).
		const shown = (name: string) =>
			nav.getByRole('link', { name }).evaluate((a) => {
				const n = a.closest('nav') as HTMLElement;
				const r = a.getBoundingClientRect();
				const b = n.getBoundingClientRect();
				return { scrolls: n.scrollWidth > n.clientWidth, inside: r.left >= b.left - 1 && r.right <= b.right + 1 };
			});
		await page.goto('/progress');
		await expect.poll(() => shown('Progress')).toEqual({ scrolls: true, inside: true });
		await nav.getByRole('link', { name: 'Lessons' }).click();
		await expect(page).toHaveURL(/\/$/);
		await expect.poll(() => shown('Lessons')).toEqual({ scrolls: true, inside: true });
	});

	test('the exhaustion calculator is framed and its fields styled like the rest of the site', async ({ page }) => {
		await page.goto('/lessons/port-exhaustion');
		const lab = page.locator('section.lab');
		await expect(lab.getByRole('heading', { name: 'Ephemeral port exhaustion calculator' })).toBeVisible();
		const frame = await styleOf(page, 'section.lab', ['background-color', 'border-top-style', 'border-radius']);
		const figure = await styleOf(page, 'figure.sim', ['background-color', 'border-top-style', 'border-radius']);
		expect(frame).toEqual(figure);
		const select = await styleOf(page, 'section.lab select', ['border-top-color', 'border-radius', 'background-color']);
		for (const field of ['Low port', 'High port', 'TIME-WAIT (s)']) {
			const input = lab.getByLabel(field);
			await expect(input).toBeVisible();
			const st = await input.evaluate((el) => {
				const cs = getComputedStyle(el);
				return { 'border-top-color': cs.borderTopColor, 'border-radius': cs.borderRadius, 'background-color': cs.backgroundColor };
			});
			expect(st).toEqual(select);
		}
		expect(select['border-radius']).toBe('6px');
		// Bad input still says so next to the field.
		await lab.getByLabel('Low port').fill('70000');
		await expect(lab.getByLabel('Low port')).toHaveAttribute('aria-invalid', 'true');
		await expect(lab.getByRole('alert')).toBeVisible();
	});

	test('narration names the socket and says what a read returned', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		const figure = page.locator('figure.sim').first();
		const slider = figure.getByLabel('Position in the timeline');
		const now = figure.locator('.narration .now');
		const last = Number(await slider.getAttribute('max'));
		let sawRead = false;
		for (let k = 0; k <= last; k++) {
			await slider.fill(String(k));
			await expect(figure.locator('.where')).toContainText(`Step ${k + 1}/`);
			const text = await now.innerText();
			expect(text).not.toMatch(/It is \w+ on the way|read\(0 bytes\)| {2}/);
			if (/reads \d+ bytes with read\(\)/.test(text)) sawRead = true;
		}
		expect(sawRead).toBe(true);
		await slider.fill('1');
		await expect(now).toContainText('c1 on client calls connect() to open a connection to 203.0.113.5:80.');
	});
});
