/**
 * Browser-side capture benchmark (part of `npm run bench:ui`; prints figures, asserts nothing):
 * the capture page's Web Worker reading a 1 GB capture.
 *
 * Generates a 1 GB pcap (scripts/capture-gen.ts) in a temporary directory, serves the built site
 * (`vite preview` on port 4198), opens /capture in Debian's Chromium and picks the file as a
 * person would. While the worker reads, it samples every 250 ms:
 *   - the worker's JavaScript heap through the DevTools protocol (`Runtime.getHeapUsage` on the
 *     worker target: used and committed heap, plus the ArrayBuffer backing stores of file chunks);
 *   - the resident memory (VmRSS) of the browser's renderer processes (page and worker together);
 * and the page records its longest main-thread task (PerformanceObserver "longtask"), which
 * shows whether the tab froze. Goal: the worker under 200 MB.
 *
 * Usage: npm run build && npm run bench:ui
 */
import { chromium, type CDPSession } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCapture } from './capture-gen';

// BENCH_PORT (or E2E_PORT) when several people share the machine.
const PORT = Number(process.env.BENCH_PORT ?? process.env.E2E_PORT ?? 4198);
const base = `http://localhost:${PORT}`;
const GB = 1_000_000_000;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mb = (n: number) => `${fmt(n / 1e6, 1)} MB`;

if (!existsSync('build/capture.html') && !existsSync('build/capture/index.html')) {
	console.log('capture (browser): no build found; run `npm run build` first');
	process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'portlab-bench-ui-'));
const file = join(dir, 'bench-1gb.pcap');
// Its own process group, so cleanup ends vite too (killing npx alone left vite serving a stale build).
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
const cleanup = () => {
	try {
		process.kill(-server.pid!);
	} catch {
		/* already gone */
	}
	rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);

const g0 = performance.now();
const gen = generateCapture(file, { bytes: GB, packets: Number.MAX_SAFE_INTEGER, mss: 1448, maxResponse: 40_000 });
console.log(`capture (browser): generated ${mb(gen.bytes)} (${fmt(gen.packets)} packets, ${fmt(gen.connections)} TCP connections) in ${fmt((performance.now() - g0) / 1000, 1)} s`);

for (let i = 0; i < 150; i++) {
	try {
		if ((await fetch(base)).ok) break;
	} catch {
		/* not up yet */
	}
	await new Promise((r) => setTimeout(r, 200));
}

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
// A profile directory of our own, to find this browser's processes in /proc.
const profile = join(dir, 'profile');
const context = await chromium.launchPersistentContext(profile, {
	executablePath,
	viewport: { width: 1280, height: 900 },
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run']
});
const browserPid = (() => {
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			if (cmd.includes(profile) && !cmd.includes('--type=')) return Number(pid);
		} catch {
			/* gone */
		}
	}
	return 0;
})();

/** Resident memory of this browser's renderer processes, bytes (the largest one). */
function rendererRss(): number {
	let best = 0;
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			if (!cmd.includes('--type=renderer')) continue;
			// Only this browser's renderers (its process tree).
			let p = pid;
			let mine = false;
			for (let k = 0; k < 6 && p !== '0' && p !== '1'; k++) {
				const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
				p = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
				if (Number(p) === browserPid) mine = true;
			}
			if (!mine) continue;
			const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			if (m) best = Math.max(best, Number(m[1]) * 1024);
		} catch {
			/* gone */
		}
	}
	return best;
}

const page = context.pages()[0] ?? (await context.newPage());
await page.goto(`${base}/capture`, { waitUntil: 'networkidle' });
await page.evaluate(`(() => {
	window.__longest = 0;
	new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask', buffered: true });
})()`);
const cdp: CDPSession = await context.newCDPSession(page);
const baseRss = rendererRss();

// The worker's heap through a non-flattened session on the worker target.
let workerSession: string | null = null;
let nextId = 0;
const waiting = new Map<number, (v: unknown) => void>();
cdp.on('Target.receivedMessageFromTarget' as never, (e: { message: string }) => {
	const m = JSON.parse(e.message) as { id?: number; result?: unknown };
	if (m.id && waiting.has(m.id)) {
		waiting.get(m.id)!(m.result);
		waiting.delete(m.id);
	}
});
async function workerHeap(): Promise<{ usedSize: number; totalSize: number; backingStorageSize?: number } | null> {
	if (!workerSession) {
		const { targetInfos } = (await cdp.send('Target.getTargets' as never)) as { targetInfos: Array<{ type: string; targetId: string; url: string }> };
		const w = targetInfos.find((t) => t.type === 'worker' && t.url.includes('worker'));
		if (!w) return null;
		const r = (await cdp.send('Target.attachToTarget' as never, { targetId: w.targetId, flatten: false } as never)) as { sessionId: string };
		workerSession = r.sessionId;
	}
	const id = ++nextId;
	const reply = new Promise((res) => waiting.set(id, res));
	await cdp.send('Target.sendMessageToTarget' as never, { sessionId: workerSession, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) } as never);
	return (await Promise.race([reply, new Promise((r) => setTimeout(() => r(null), 2000))])) as never;
}

let peakUsed = 0;
let peakTotal = 0;
let peakBacking = 0;
let peakRss = 0;
let samples = 0;
let reading = true;
const sampler = (async () => {
	while (reading) {
		const h = await workerHeap().catch(() => null);
		if (h) {
			samples++;
			peakUsed = Math.max(peakUsed, h.usedSize + (h.backingStorageSize ?? 0));
			peakTotal = Math.max(peakTotal, h.totalSize + (h.backingStorageSize ?? 0));
			peakBacking = Math.max(peakBacking, h.backingStorageSize ?? 0);
		}
		peakRss = Math.max(peakRss, rendererRss());
		await new Promise((r) => setTimeout(r, 250));
	}
})();

const t0 = performance.now();
await page.locator('#capture-file').setInputFiles(file);
await page.getByTestId('conversations').or(page.getByTestId('capture-error')).first().waitFor({ timeout: 30 * 60_000 });
const seconds = (performance.now() - t0) / 1000;
reading = false;
await sampler;
const packets = await page.getByTestId('packet-count').textContent().catch(() => '');
const longest = Number(await page.evaluate('window.__longest'));
console.log(`capture (browser): read ${mb(gen.bytes)} in ${fmt(seconds, 1)} s (${fmt(gen.bytes / 1e6 / seconds, 1)} MB/s); ${(packets ?? '').split(':')[0]} packets`);
console.log(
	`capture (browser): worker peak memory ${mb(peakUsed)} used, ${mb(peakTotal)} committed (JS heap + ArrayBuffers, ${fmt(samples)} samples; ArrayBuffers peak ${mb(peakBacking)}) (goal: under 200 MB)`
);
console.log(`capture (browser): renderer process peak RSS ${mb(peakRss)} (page and worker; ${mb(baseRss)} before reading); longest main-thread task ${fmt(longest)} ms`);
await context.close();
cleanup();
process.exit(0);
