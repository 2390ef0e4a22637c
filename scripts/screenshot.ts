/**
 * Take screenshots of pages of the built site for a visual check:
 *   npx tsx scripts/screenshot.ts [BASE_URL] PATH[,PATH...] [OUT_DIR]
 * Each path is shot at 1280 px (desktop), 390 px (phone) and in the projector theme.
 * Needs a server running (npm run preview) and Chromium (see playwright.config.ts).
 *
 * Options (environment):
 * - STEPS=n      step the first figure forward n times before the page shot.
 * - FULL=1       shoot the full page.
 * - FIGURES=1    instead, shoot the window with each figure scrolled to its top at 1280×800 and 390×844, at its first,
 *                middle and last step, and each figure in presentation mode at 1920×1080 at its
 *                middle and last step (`<page>-fig<N>-<size>-s<step>.png`).
 */
import { chromium } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';

const base = process.argv[2] ?? 'http://localhost:4173';
const paths = (process.argv[3] ?? '/').split(',');
const out = process.argv[4] ?? 'screenshots';
mkdirSync(out, { recursive: true });
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({
	executablePath,
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
});
const shots = [
	{ name: 'desktop', width: 1280, height: 900, theme: null as string | null },
	{ name: 'phone', width: 390, height: 844, theme: null },
	{ name: 'projector', width: 1280, height: 800, theme: 'projector' }
];
/** Move figure `fig` to `step` through its position slider. */
async function seek(fig: import('@playwright/test').Locator, step: number) {
	await fig.locator('input[type=range]').evaluate((el: HTMLInputElement, v) => {
		el.value = String(v);
		el.dispatchEvent(new Event('input', { bubbles: true }));
	}, step);
}

async function figures(p: string) {
	const name = p.replace(/[^a-z0-9]+/gi, '_');
	for (const [size, vp] of [['1280', { width: 1280, height: 800 }], ['390', { width: 390, height: 844 }]] as const) {
		const ctx = await browser.newContext({ viewport: vp, deviceScaleFactor: 1, reducedMotion: 'reduce' });
		const page = await ctx.newPage();
		page.on('console', (m) => m.type() === 'error' && console.log(`[${p} ${size}] console error: ${m.text()}`));
		await page.goto(base + p, { waitUntil: 'networkidle' });
		const figs = page.locator('figure.sim');
		for (let f = 0; f < (await figs.count()); f++) {
			const fig = figs.nth(f);
			await fig.scrollIntoViewIfNeeded();
			const last = Number(await fig.locator('input[type=range]').getAttribute('max'));
			for (const s of [...new Set([0, Math.floor(last / 2), last])]) {
				await seek(fig, s);
				await page.waitForTimeout(200);
				const file = `${out}/${name}-fig${f + 1}-${size}-s${s}.png`;
				// What the reader sees with the figure scrolled to the top of the window.
				await fig.evaluate((el) => el.scrollIntoView({ block: 'start' }));
				await page.waitForTimeout(100);
				await page.screenshot({ path: file });
				console.log(file);
			}
		}
		await ctx.close();
	}
	const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
	await ctx.addInitScript(() => {
		Element.prototype.requestFullscreen = () => Promise.reject(new Error('no full screen in screenshots'));
	});
	const page = await ctx.newPage();
	await page.goto(base + p, { waitUntil: 'networkidle' });
	const figs = page.locator('figure.sim');
	for (let f = 0; f < (await figs.count()); f++) {
		const fig = figs.nth(f);
		await fig.scrollIntoViewIfNeeded();
		const last = Number(await fig.locator('input[type=range]').getAttribute('max'));
		await seek(fig, 0);
		await fig.getByRole('button', { name: 'Present' }).click();
		const dialog = page.getByTestId('presentation');
		await dialog.waitFor();
		for (let s = 1; s <= last; s++) {
			await page.keyboard.press('ArrowRight');
			if (s === Math.floor(last / 2) || s === last) {
				await page.waitForTimeout(300);
				const file = `${out}/${name}-fig${f + 1}-present-s${s}.png`;
				await page.screenshot({ path: file });
				console.log(file);
			}
		}
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'detached' });
	}
	await ctx.close();
}

for (const p of paths) {
	if (process.env.FIGURES === '1') {
		await figures(p);
		continue;
	}
	for (const s of shots) {
		const ctx = await browser.newContext({ viewport: { width: s.width, height: s.height }, deviceScaleFactor: 1 });
		if (s.theme) await ctx.addInitScript((t) => localStorage.setItem('portsim.theme', t), s.theme);
		const page = await ctx.newPage();
		page.on('console', (m) => m.type() === 'error' && console.log(`[${p} ${s.name}] console error: ${m.text()}`));
		await page.goto(base + p, { waitUntil: 'networkidle' });
		const step = process.env.STEPS ? Number(process.env.STEPS) : 0;
		const forward = page.getByRole('button', { name: 'Step forward' }).first();
		for (let i = 0; i < step && (await forward.count()) > 0 && (await forward.isEnabled()); i++) await forward.click();
		await page.waitForTimeout(300);
		const file = `${out}/${p.replace(/[^a-z0-9]+/gi, '_') || 'home'}-${s.name}.png`;
		await page.screenshot({ path: file, fullPage: process.env.FULL === '1' });
		console.log(file);
		await ctx.close();
	}
}
await browser.close();
