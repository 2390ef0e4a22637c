/**
 * Long tasks during load (issue 18 item 2; part of `npm run bench:ui`; prints figures, asserts
 * nothing): each page is opened in Chromium with the CPU slowed 4× (CDP
 * `Emulation.setCPUThrottlingRate`, as Lighthouse's mobile profile assumes) and a
 * `PerformanceObserver` for `longtask` entries registered before any of the page's scripts run.
 * Per page it prints the longest task, the number of tasks over 50 ms, their blocking time (the
 * part of each task beyond 50 ms, summed: Lighthouse's TBT without its FCP/TTI window) and the
 * JavaScript the page loaded (gzipped, as a gzip-serving host sends it), counted until the page
 * has been quiet for 2 s.
 *
 * Usage: npm run build && npx tsx scripts/bench-longtasks.ts [--pages /,/lessons/udp] [--dir D] [--rate 4]
 *   --pages a,b  only these paths (default: /, every lesson listed on the home page, /playground, /exam)
 *   --dir D      serve another build directory (e.g. a copy of an older build) instead of `build`
 *   --rate N     CPU slowdown (default 4)
 * Serves the build on $BENCH_PORT (default 4198). Task lengths depend on the machine's load:
 * the load average is printed beside them.
 */
import { chromium } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { coursePages, serveDir } from './static-server';
import { waitForServer } from './wait-for-server';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : undefined;
};
const PORT = Number(process.env.BENCH_PORT ?? 4198);
const base = `http://localhost:${PORT}`;
const buildDir = opt('--dir') ?? 'build';
const rate = Number(opt('--rate') ?? 4);
if (!existsSync(join(buildDir, 'index.html'))) throw new Error(`No build in ${buildDir}: run \`npm run build\` first.`);

const pages = opt('--pages')?.split(',').filter(Boolean) ?? coursePages(buildDir);

const stop = serveDir(buildDir, PORT);
process.on('exit', stop);
await waitForServer(base);

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({
	executablePath,
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
});

// A string, not a function: tsx would wrap a function with helpers the page does not have.
const observe = `window.__longtasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
	.observe({ type: 'longtask', buffered: true });`;

console.log(`long tasks during load, CPU ${rate}× slower (CDP), Chromium; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`${'page'.padEnd(32)} ${'longest'.padStart(8)} ${'>50ms'.padStart(5)} ${'blocking'.padStart(9)} ${'JS gz'.padStart(9)} ${'files'.padStart(5)}`);
try {
	for (const path of pages) {
		// A fresh context per page: a first visit, no cache.
		const context = await browser.newContext({ viewport: { width: 412, height: 823 }, serviceWorkers: 'block' });
		const page = await context.newPage();
		await page.addInitScript(observe);
		const cdp = await context.newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate });
		const files = new Set<string>();
		page.on('request', (r) => {
			const url = new URL(r.url());
			if (url.origin === base && url.pathname.endsWith('.js')) files.add(url.pathname);
		});
		await page.goto(base + path, { waitUntil: 'load' });
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(2000);
		const tasks = (await page.evaluate('window.__longtasks')) as [number, number][];
		const longest = tasks.reduce((m, [, d]) => Math.max(m, d), 0);
		const blocking = tasks.reduce((s, [, d]) => s + Math.max(0, d - 50), 0);
		const gz = [...files].reduce((n, f) => n + gzipSync(readFileSync(join(buildDir, f)), { level: 6 }).length, 0);
		console.log(
			`${path.padEnd(32)} ${longest.toFixed(0).padStart(6)}ms ${String(tasks.length).padStart(5)} ${blocking.toFixed(0).padStart(7)}ms ${(gz / 1024).toFixed(1).padStart(6)} KB ${String(files.size).padStart(5)}`
		);
		await context.close();
	}
} finally {
	await browser.close();
	stop();
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
