/**
 * Browser-side measurements for issue targets (printed, never asserted):
 *   - JavaScript loaded by each lesson page, gzipped (target ≤ 150 KB);
 *   - frame time while the port map animates with 28,000 ports in use (target p95 ≤ 16.7 ms).
 *
 * Usage: npm run build && npm run bench:ui
 * Starts `vite preview` itself on port 4199, drives Debian's Chromium (or $CHROMIUM_PATH).
 */
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { waitForServer } from './wait-for-server';

const PORT = 4199;
const base = `http://localhost:${PORT}`;
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
const stop = () => server.kill();
process.on('exit', stop);


await waitForServer(base, 100);
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({
	executablePath,
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
});

// 1. JavaScript per lesson page.
const home = await browser.newPage();
await home.goto(base);
const slugs = await home.locator('main ol li a[href^="/lessons/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
await home.close();
let worst = 0;
for (const path of ['/', ...slugs]) {
	const page = await browser.newPage();
	const files = new Set<string>();
	page.on('request', (r) => {
		const url = new URL(r.url());
		if (url.origin === base && url.pathname.endsWith('.js')) files.add(url.pathname);
	});
	await page.goto(base + path, { waitUntil: 'networkidle' });
	// Sizes from the built files themselves (what a gzip-serving host would send).
	const all = [...files].map((f) => readFileSync(`build${f}`));
	const raw = all.reduce((n, b) => n + b.length, 0);
	const gz = all.reduce((n, b) => n + gzipSync(b, { level: 6 }).length, 0);
	worst = Math.max(worst, path === '/' ? 0 : gz);
	console.log(`js: ${path.padEnd(32)} ${String(all.length).padStart(3)} files  ${(raw / 1024).toFixed(1).padStart(7)} KB raw  ${(gz / 1024).toFixed(1).padStart(6)} KB gzipped`);
	await page.close();
}
console.log(`js: largest lesson page: ${(worst / 1024).toFixed(1)} KB gzipped (target ≤ 150 KB)`);

// 2. Frame time of the port map animating 28,000 ports.
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${base}/lab/port-map`, { waitUntil: 'networkidle' });
await page.getByRole('button', { name: /Start/ }).click();
await page.waitForTimeout(1000);
// A string, not a function: tsx would wrap a function with helpers the page does not have.
const frames: number[] = await page.evaluate(`new Promise((resolve) => {
	const out = [];
	let last = performance.now();
	const tick = (now) => {
		out.push(now - last);
		last = now;
		if (out.length < 300) requestAnimationFrame(tick);
		else resolve(out);
	};
	requestAnimationFrame(tick);
})`);
const inUse = await page.locator('canvas[data-frames]').first().getAttribute('data-frame-avg');
frames.sort((a, b) => a - b);
const pct = (p: number) => frames[Math.min(frames.length - 1, Math.floor((p / 100) * frames.length))];
console.log(
	`frames: port map with 28,000 ports churning: ${frames.length} frames, median ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, max ${frames.at(-1)!.toFixed(1)} ms (work per frame avg ${Number(inUse).toFixed(2)} ms; target p95 ≤ 16.7 ms)`
);
await browser.close();
stop();
process.exit(0);
