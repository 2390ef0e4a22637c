/**
 * Lighthouse benchmark (issue 18 item 4; part of `npm run bench:ui`; prints figures, asserts
 * nothing, never run by `npm test`): Lighthouse 12.2.3 in its default mobile configuration
 * (simulated slow 4G, 4× CPU slowdown, Moto G Power screen) on the home page, every lesson, the
 * playground and the exam. Per page it prints the median of N runs of the performance and
 * accessibility scores, FCP, LCP, TBT, Speed Index, CLS and the bytes transferred (the median run is chosen by performance score, as
 * Lighthouse's own `computeMedianRun` does, and its metrics are printed).
 *
 * Usage: npm run build && npx tsx scripts/bench-lighthouse.ts [--runs 3] [--pages /,/lessons/udp]
 *   --runs N       runs per page (default 3; 1 for a quick look on a loaded machine)
 *   --pages a,b    only these paths (default: /, every lesson listed on the home page, /playground, /exam)
 *   --dir D        serve another build directory (e.g. a copy of an older build, to compare) with a
 *                  minimal static server instead of `vite preview` (gzip, as `vite preview` sends)
 *   --json D       also write each run's Lighthouse report to D/<page>-<run>.json (for the detail:
 *                  render-blocking resources, unused JavaScript, main-thread work)
 * Serves the build with `vite preview` on $BENCH_PORT (default 4197) and drives Debian's Chromium
 * ($CHROMIUM_PATH or /usr/bin/chromium) through chrome-launcher. Lighthouse's numbers depend on
 * the machine's load: print `uptime` beside them.
 */
import lighthouse from 'lighthouse';
import { launch } from 'chrome-launcher';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { coursePages, serveDir } from './static-server';
import { waitForServer } from './wait-for-server';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : undefined;
};
const runs = Math.max(1, Number(opt('--runs') ?? 3));
const PORT = Number(process.env.BENCH_PORT ?? 4197);
const base = `http://localhost:${PORT}`;

const dir = opt('--dir');
const jsonDir = opt('--json');
if (jsonDir) mkdirSync(jsonDir, { recursive: true });
const buildDir = dir ?? 'build';
if (!existsSync(join(buildDir, 'index.html'))) throw new Error(`No build in ${buildDir}: run \`npm run build\` first.`);

const pages = opt('--pages')?.split(',').filter(Boolean) ?? coursePages(buildDir);

let stopServer: () => void;
if (dir) stopServer = serveDir(dir, PORT);
else {
	const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
	stopServer = () => {
		try {
			if (server.pid) process.kill(-server.pid);
		} catch {
			/* already gone */
		}
	};
}
process.on('exit', stopServer);

await waitForServer(base);

const chromePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const chrome = await launch({
	chromePath,
	chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
});

interface Run {
	perf: number;
	a11y: number;
	fcp: number;
	lcp: number;
	tbt: number;
	si: number;
	cls: number;
	/** Bytes transferred (compressed, headers included), all requests of the load. */
	bytes: number;
}

async function measure(path: string, run: number): Promise<Run> {
	// Default config = mobile, simulated throttling. Each run starts with a fresh storage (no
	// service worker, no cache): a first visit.
	const result = await lighthouse(base + path, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] });
	if (!result) throw new Error(`Lighthouse returned nothing for ${path}`);
	const { lhr } = result;
	if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
	if (jsonDir) writeFileSync(join(jsonDir, `${path.replace(/^\//, '').replace(/\//g, '_') || 'home'}-${run}.json`), JSON.stringify(lhr));
	const num = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
	return {
		perf: Math.round((lhr.categories.performance.score ?? 0) * 100),
		a11y: Math.round((lhr.categories.accessibility.score ?? 0) * 100),
		fcp: num('first-contentful-paint'),
		lcp: num('largest-contentful-paint'),
		tbt: num('total-blocking-time'),
		si: num('speed-index'),
		cls: num('cumulative-layout-shift'),
		bytes: num('total-byte-weight')
	};
}

const median = (xs: Run[]): Run => [...xs].sort((a, b) => a.perf - b.perf)[Math.floor((xs.length - 1) / 2)];

console.log(`lighthouse 12.2.3, mobile (simulated slow 4G, 4× CPU), median of ${runs} run(s); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2).padStart(6)}s`;
console.log(
	`${'page'.padEnd(32)} ${'perf'.padStart(4)} ${'a11y'.padStart(4)} ${'FCP'.padStart(7)} ${'LCP'.padStart(7)} ${'TBT'.padStart(7)} ${'SI'.padStart(7)} ${'CLS'.padStart(6)} ${'KB'.padStart(6)}   perf of each run`
);
try {
	for (const path of pages) {
		const all: Run[] = [];
		for (let i = 0; i < runs; i++) all.push(await measure(path, i + 1));
		const m = median(all);
		console.log(
			`${path.padEnd(32)} ${String(m.perf).padStart(4)} ${String(m.a11y).padStart(4)} ${secs(m.fcp)} ${secs(m.lcp)} ${m.tbt.toFixed(0).padStart(5)}ms ${secs(m.si)} ${m.cls.toFixed(3).padStart(6)} ${(m.bytes / 1024).toFixed(0).padStart(6)}   ${all.map((r) => r.perf).join(' ')}`
		);
	}
} finally {
	chrome.kill();
	stopServer();
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
