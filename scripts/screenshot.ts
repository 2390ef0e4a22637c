/**
 * Take screenshots of pages of the built site for a visual check:
 *   npx tsx scripts/screenshot.ts [BASE_URL] PATH[,PATH...] [OUT_DIR]
 * Each path is shot at 1280 px (desktop), 390 px (phone) and in the projector theme.
 * Needs a server running (npm run preview) and Chromium (see playwright.config.ts).
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
for (const p of paths) {
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
