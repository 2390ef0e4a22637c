/**
 * Exports for slides, checked by decoding them: the SVG is standalone, titled with the caption
 * and the step, and has no stray arrowhead; the PNG is 2× and not blank, and shows the figure's
 * colours (the hosts' on the handshake ladder, the port states' on the port map).
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { test, expect } from './fixtures';

/** Move a figure's timeline to step `k` (0-based). */
async function seek(figure: Locator, k: number) {
	await figure.getByLabel('Position in the timeline').fill(String(k));
	await expect(figure.locator('.where')).toContainText(`Step ${k + 1}/`);
}

/** Download the figure's export of `kind` and return its bytes. */
async function exportFile(page: Page, figure: Locator, kind: 'SVG' | 'PNG', diagram?: string): Promise<{ name: string; data: Buffer }> {
	await figure.locator('summary', { hasText: 'Export' }).click();
	if (diagram) await figure.getByRole('radio', { name: diagram }).check();
	const [download] = await Promise.all([page.waitForEvent('download'), figure.getByRole('button', { name: new RegExp(`^${kind}`) }).click()]);
	return { name: download.suggestedFilename(), data: await readFile((await download.path())!) };
}

/** A CSS colour of the page as [r, g, b]. */
async function cssColour(page: Page, selector: string, variable: string): Promise<[number, number, number]> {
	const rgb = await page.evaluate(
		([sel, v]) => {
			const el = document.createElement('span');
			el.style.color = `var(${v})`;
			(document.querySelector(sel) ?? document.body).appendChild(el);
			const c = getComputedStyle(el).color;
			el.remove();
			return c;
		},
		[selector, variable] as const
	);
	const m = /rgba?\((\d+), (\d+), (\d+)/.exec(rgb);
	if (!m) throw new Error(`not a colour: ${rgb}`);
	return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Pixels of a decoded PNG within `tolerance` of a colour (per channel). */
function countColour(png: PNG, [r, g, b]: [number, number, number], tolerance = 6): number {
	let n = 0;
	for (let i = 0; i < png.data.length; i += 4) {
		if (Math.abs(png.data[i] - r) <= tolerance && Math.abs(png.data[i + 1] - g) <= tolerance && Math.abs(png.data[i + 2] - b) <= tolerance) n++;
	}
	return n;
}

/** Share of pixels that differ from the top-left (background) pixel. */
function inked(png: PNG): number {
	const [r, g, b] = [png.data[0], png.data[1], png.data[2]];
	let n = 0;
	for (let i = 0; i < png.data.length; i += 4) if (Math.abs(png.data[i] - r) + Math.abs(png.data[i + 1] - g) + Math.abs(png.data[i + 2] - b) > 30) n++;
	return n / (png.width * png.height);
}

/** Checks every export must pass: standalone, titled, stepped, no zero-length arrow. */
function checkSvg(svg: string, caption: RegExp, step: RegExp) {
	expect(svg).toMatch(/^<\?xml/);
	expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
	expect(svg).not.toContain('var(--');
	// SVG 2 paint that slide tools do not draw (the ladder's arrowheads use it on the page).
	expect(svg).not.toMatch(/context-(stroke|fill)/);
	expect(svg).toMatch(caption);
	expect(svg).toMatch(step);
	for (const m of svg.matchAll(/<line\b[^>]*marker-end[^>]*>/g)) {
		const n = (a: string) => Number(new RegExp(`\\s${a}="([-\\d.]+)"`).exec(m[0])?.[1] ?? 0);
		expect(Math.hypot(n('x2') - n('x1'), n('y2') - n('y1')), `stray arrowhead: ${m[0]}`).toBeGreaterThan(0.5);
	}
	return Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg)?.[1]);
}

test.describe('figure exports', () => {
	test('the handshake ladder: titled SVG without stray arrowheads, a 2× PNG with both hosts’ colours', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		const figure = page.locator('figure.sim').first();
		await expect(figure.locator('.ladder svg:visible')).toBeVisible();
		// Step 2: the SYN is sent at this very moment (a zero-length arrow on the "now" line).
		await seek(figure, 1);
		const svgFile = await exportFile(page, figure, 'SVG');
		expect(svgFile.name).toMatch(/^portlab-handshake-.*-step-2\.svg$/);
		const svg = svgFile.data.toString('utf8');
		const width = checkSvg(svg, /Handshake, one request and response/, /Step 2 of \d+ · 10 ms/);
		expect(svg).toContain('>client<');
		expect(svg).toContain('>server<');

		await seek(figure, 4);
		const pngFile = await exportFile(page, figure, 'PNG');
		const png = PNG.sync.read(pngFile.data);
		const svg5 = (await exportFile(page, figure, 'SVG')).data.toString('utf8');
		checkSvg(svg5, /Handshake/, /Step 5 of/);
		expect(png.width).toBe(Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg5)?.[1]) * 2);
		expect(width).toBeGreaterThan(0);
		expect(inked(png), 'the PNG is blank').toBeGreaterThan(0.02);
		// Cropped to the content: a few steps into the handshake, not the whole 60 s ladder.
		expect(png.height / 2).toBeLessThan(700);
		const client = await cssColour(page, 'figure.sim', '--client');
		const server = await cssColour(page, 'figure.sim', '--server');
		expect(countColour(png, client), 'client colour').toBeGreaterThan(200);
		expect(countColour(png, server), 'server colour').toBeGreaterThan(200);
	});

	test('the port-exhaustion port map: SVG and PNG show the connected and TIME-WAIT ports', async ({ page }) => {
		await page.goto('/lessons/port-exhaustion');
		const figure = page.locator('figure.sim').first();
		// The prerendered frame holds one drawing per width class (fit.ts); the one shown is the map.
		const map = figure.locator('.port-map svg:visible');
		await expect(map).toBeVisible();
		// 420 ms: one connection up, two ports in TIME-WAIT.
		await seek(figure, 24);
		await expect(map.locator('text.legend', { hasText: 'connected 1' })).toBeVisible();
		await expect(map.locator('text.legend', { hasText: 'TIME-WAIT 2' })).toBeVisible();

		const svg = (await exportFile(page, figure, 'SVG')).data.toString('utf8');
		checkSvg(svg, /With an ephemeral range of only four ports/, /Step 25 of \d+ · 420 ms/);
		expect(svg).toContain('ephemeral range 40000–40003');
		const png = PNG.sync.read((await exportFile(page, figure, 'PNG')).data);
		expect(png.width).toBe(Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg)?.[1]) * 2);
		expect(inked(png), 'the PNG is blank').toBeGreaterThan(0.02);
		const connected = await cssColour(page, '.port-map', '--pm-connected');
		const timeWait = await cssColour(page, '.port-map', '--pm-time-wait');
		// Each port's cell is about 80 × 40 px on the page, so thousands of pixels at 2×.
		expect(countColour(png, connected), 'connected colour').toBeGreaterThan(2000);
		expect(countColour(png, timeWait), 'TIME-WAIT colour').toBeGreaterThan(2 * 2000);
	});

	test('a figure with several drawings exports the one chosen', async ({ page }) => {
		await page.goto('/lessons/ephemeral-ports');
		const figure = page.locator('figure.sim').first();
		await expect(figure.locator('.ladder svg:visible')).toBeVisible();
		await seek(figure, 12);
		const ladder = (await exportFile(page, figure, 'SVG', 'Ladder diagram')).data.toString('utf8');
		expect(ladder).toContain('>linux<');
		expect(ladder).not.toContain('All 65,536 ports');
		const ports = (await exportFile(page, figure, 'SVG', 'Port map')).data.toString('utf8');
		expect(ports).toContain('All 65,536 ports');
		expect(ports).toContain('ephemeral range 32768–60999');
	});
});
