import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const where = (page: Page) => page.getByTestId('presentation').locator('.where');

test.describe('presentation mode', () => {
	test('is driven by the keyboard alone, then restores the page', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		const figure = page.locator('figure.sim').first();
		const present = figure.getByRole('button', { name: 'Present' });
		await present.focus();
		await page.keyboard.press('Enter');

		const dialog = page.getByRole('dialog', { name: /Presentation/ });
		await expect(dialog).toBeVisible();
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
		// No page chrome: the site header is behind the presentation and inert.
		expect(await page.evaluate(() => document.querySelector('header.site')?.closest('[inert]') !== null)).toBe(true);

		await expect(where(page)).toContainText('Step 1/');
		await page.keyboard.press('ArrowRight');
		await expect(where(page)).toContainText('Step 2/');
		await page.keyboard.press('Space');
		await expect(where(page)).toContainText('Step 3/');
		await page.keyboard.press('PageDown');
		await expect(where(page)).toContainText('Step 4/');
		await page.keyboard.press('ArrowLeft');
		await expect(where(page)).toContainText('Step 3/');
		await page.keyboard.press('PageUp');
		await expect(where(page)).toContainText('Step 2/');
		await page.keyboard.press('Home');
		await expect(where(page)).toContainText('Step 1/');

		await page.keyboard.press('p');
		await expect(dialog.getByRole('button', { name: 'Pause' })).toBeVisible();
		await page.keyboard.press('p');
		await expect(dialog.getByRole('button', { name: 'Play' })).toBeVisible();

		// F toggles full screen (where the browser allows it) without leaving the presentation.
		const fs = dialog.getByRole('button', { name: 'Full screen' });
		const before = await fs.getAttribute('aria-pressed');
		await page.keyboard.press('f');
		await expect(fs).not.toHaveAttribute('aria-pressed', before ?? 'false');
		await expect(dialog).toBeVisible();

		await page.keyboard.press('Home');
		for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
		await expect(where(page)).toContainText('Step 4/');

		await page.keyboard.press('Escape');
		if (await dialog.isVisible()) await page.keyboard.press('Escape'); // the first Esc may only leave full screen
		await expect(dialog).toHaveCount(0);
		await expect(page.locator('html')).not.toHaveAttribute('data-theme', 'projector');
		await expect(present).toBeFocused();
		// The figure kept the step the presenter reached: one playhead.
		await expect(figure.locator('.where')).toContainText('Step 4/');
	});

	test('predict-then-reveal hides what is sent until the next step', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		const figure = page.locator('figure.sim').first();
		await figure.getByRole('button', { name: 'Present' }).focus();
		await page.keyboard.press('Enter');
		const dialog = page.getByRole('dialog', { name: /Presentation/ });
		await dialog.getByRole('button', { name: 'Predict' }).focus();
		await page.keyboard.press('Enter');
		await expect(dialog.getByRole('button', { name: 'Predict' })).toHaveAttribute('aria-pressed', 'true');

		const prompt = dialog.getByTestId('predict-prompt');
		for (let i = 0; i < 10 && !(await prompt.isVisible()); i++) await page.keyboard.press('ArrowRight');
		await expect(prompt).toContainText('What does client send next?');
		const stepOf = async () => /Step \d+\//.exec(await where(page).innerText())?.[0];
		const step = await stepOf();
		await expect(dialog.locator('.header-view')).toHaveCount(0);
		await expect(dialog.getByRole('button', { name: 'Reveal' })).toBeVisible();

		await page.keyboard.press('ArrowRight');
		await expect(prompt).toHaveCount(0);
		await expect(dialog.getByTestId('predict-reveal')).toContainText('SYN');
		expect(await stepOf()).toBe(step);
		await expect(dialog.locator('.header-view')).toBeVisible();

		// The SYN arrives and the server answers at the same moment: the next prompt names it.
		for (let i = 0; i < 10 && !(await prompt.isVisible()); i++) await page.keyboard.press('ArrowRight');
		await expect(prompt).toContainText('What does server send next?');
		// The ladder does not draw the packet it asks about (it reads the Player's concealed set).
		const drawn = await dialog.locator('.ladder g.pkt').count();
		await page.keyboard.press('ArrowRight');
		await expect(dialog.getByTestId('predict-reveal')).toContainText('SYN,ACK');
		// The answer names the ports, as the ladder does.
		await expect(dialog.getByTestId('predict-reveal')).toContainText(/80 → \d+ {2}SYN,ACK/);
		await expect(dialog.locator('.ladder g.pkt')).toHaveCount(drawn + 1);

		await page.keyboard.press('Escape');
		if (await dialog.isVisible()) await page.keyboard.press('Escape');
		await expect(dialog).toHaveCount(0);
	});

	test('after a mouse click on Predict, Space, → and PageDown still step', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		await page.waitForLoadState('networkidle');
		await page.locator('figure.sim').first().getByRole('button', { name: 'Present' }).click();
		const dialog = page.getByRole('dialog', { name: /Presentation/ });
		const predict = dialog.getByRole('button', { name: 'Predict' });
		await predict.click();
		await expect(predict).toHaveAttribute('aria-pressed', 'true');
		await expect(predict).not.toBeFocused();
		await predict.click();
		await expect(predict).toHaveAttribute('aria-pressed', 'false');
		await page.keyboard.press('Space');
		await expect(where(page)).toContainText('Step 2/');
		await page.keyboard.press('ArrowRight');
		await expect(where(page)).toContainText('Step 3/');
		await page.keyboard.press('PageDown');
		await expect(where(page)).toContainText('Step 4/');
		await expect(predict).toHaveAttribute('aria-pressed', 'false');
		await dialog.getByRole('button', { name: 'Exit' }).click();
		await expect(dialog).toHaveCount(0);
	});

	test('Predict is offered only on figures with a ladder', async ({ page }) => {
		await page.goto('/lessons/port-exhaustion');
		await page.waitForLoadState('networkidle');
		await page.locator('figure.sim').first().getByRole('button', { name: 'Present' }).click();
		const dialog = page.getByRole('dialog', { name: /Presentation/ });
		await expect(dialog.getByRole('button', { name: 'Restart' })).toBeVisible();
		await expect(dialog.getByRole('button', { name: 'Predict' })).toHaveCount(0);
		await dialog.getByRole('button', { name: 'Exit' }).click();
		await expect(dialog).toHaveCount(0);
	});

	test('the theme menu offers Projector, and the ladder grows with it', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		await page.waitForLoadState('networkidle');
		const fig = page.locator('figure.sim').first();
		await fig.getByRole('button', { name: 'Step forward' }).click();
		await fig.getByRole('button', { name: 'Step forward' }).click();
		const size = () => fig.locator('g.pkt-label text.label').first().evaluate((t) => parseFloat(getComputedStyle(t).fontSize));
		const before = await size();
		await page.getByLabel('Colour theme').selectOption('projector');
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
		await expect.poll(size).toBeGreaterThanOrEqual(20);
		expect(before).toBeLessThan(20);
		await page.reload();
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
		await expect(page.getByLabel('Colour theme')).toHaveValue('projector');
	});

	test('restores the theme the reader chose', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		// Let the page hydrate first: a choice made before the theme switch's script runs is not applied.
		await page.waitForLoadState('networkidle');
		await page.getByLabel('Colour theme').selectOption('dark');
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
		await page.locator('figure.sim').first().getByRole('button', { name: 'Present' }).click();
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
		await page.getByRole('dialog').getByRole('button', { name: 'Exit' }).click();
		await expect(page.getByRole('dialog')).toHaveCount(0);
		await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	});
});

test.describe('export', () => {
	test('downloads the ladder as a standalone SVG and as a 2× PNG', async ({ page }) => {
		await page.goto('/playground');
		const figure = page.locator('section.run figure.sim');
		await expect(figure.locator('.ladder svg:visible')).toBeVisible();
		// Export is about the live figure: wait for it to replace the prerendered frame (a click
		// pressed as the two swap can land half on each; figure-loading.spec tests the hand-off).
		await expect(page.locator('section.run [data-figure="live"]')).toBeVisible();
		for (let i = 0; i < 4; i++) await figure.getByRole('button', { name: 'Step forward' }).click();

		await figure.locator('summary', { hasText: 'Export' }).click();
		const [svgDownload] = await Promise.all([page.waitForEvent('download'), figure.getByRole('button', { name: /^SVG/ }).click()]);
		expect(svgDownload.suggestedFilename()).toMatch(/^portlab-.*-step-5\.svg$/);
		const svg = await readFile((await svgDownload.path())!, 'utf8');
		expect(svg).toMatch(/^<\?xml/);
		expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
		expect(svg).toContain('>client<');
		expect(svg).toContain('>server<');
		expect(svg).not.toContain('var(--');
		expect(svg).toMatch(/style="[^"]*stroke:rgb/);

		await figure.locator('summary', { hasText: 'Export' }).click();
		const [pngDownload] = await Promise.all([page.waitForEvent('download'), figure.getByRole('button', { name: /^PNG/ }).click()]);
		expect(pngDownload.suggestedFilename()).toMatch(/\.png$/);
		const png = await readFile((await pngDownload.path())!);
		expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		// IHDR width is twice the SVG's width.
		const svgWidth = Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg)?.[1]);
		expect(png.readUInt32BE(16)).toBe(svgWidth * 2);
	});
});

test('axe-core finds no accessibility violations on the playground and in presentation mode', async ({ page }) => {
	// axe checks every node of a page with a live ladder: 25–45 s on a loaded 2-core machine.
	test.setTimeout(180_000);
	const summary = (r: Awaited<ReturnType<AxeBuilder['analyze']>>) =>
		r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0]?.target.join(' ')} — ${v.help}`);
	await page.goto('/playground');
	// The page with its live ladder, as the comment above says (not the prerendered frame, which
	// the live figure replaces once the playground's run arrives: a click as they swap can be lost).
	await expect(page.locator('section.run [data-figure="live"] .ladder svg:visible')).toBeVisible();
	expect(summary(await new AxeBuilder({ page }).analyze())).toEqual([]);
	await page.locator('section.run figure.sim').getByRole('button', { name: 'Present' }).click();
	await expect(page.getByRole('dialog')).toBeVisible();
	expect(summary(await new AxeBuilder({ page }).include('[data-testid=presentation]').analyze())).toEqual([]);
});
