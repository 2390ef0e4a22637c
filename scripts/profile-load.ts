/**
 * What runs on the main thread while a page loads (issue 18 item 2; a diagnosis tool beside
 * bench-longtasks.ts; prints figures, asserts nothing). Each page is opened in Chromium with the
 * CPU slowed 4× (CDP `Emulation.setCPUThrottlingRate`) and the V8 sampling profiler running from
 * before navigation until the page has been quiet for 2 s. The samples are cut into tasks at the
 * profiler's `(idle)` samples; for every task over 50 ms it prints when it started (ms after
 * navigation), how long it ran, and where the time went: the named functions with the most
 * inclusive time (components, lifecycle helpers, D3 layouts) and the scripts with the most self time.
 *
 * Function names are only readable in an unminified build:
 *   npx vite build --minify false && cp -r build /tmp/build-nomin
 *   npx tsx scripts/profile-load.ts --dir /tmp/build-nomin --pages /,/lessons/tcp-handshake
 * Options: --pages a,b (default /), --dir D (default build), --rate N (default 4), --top N (default 8),
 * --css 'rule' (add a stylesheet at the end of each page's head, to try a rule without a rebuild),
 * --sw (let the page register its service worker, as a first visit in Lighthouse does).
 * Serves the build on $BENCH_PORT (default 4198). Timings depend on the machine's load: the load
 * average is printed beside them.
 */
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { serveDir } from './static-server';
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
const top = Number(opt('--top') ?? 8);
const pages = opt('--pages')?.split(',').filter(Boolean) ?? ['/'];
if (!existsSync(join(buildDir, 'index.html'))) throw new Error(`No build in ${buildDir}: run \`npm run build\` first.`);

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}
interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	samples: number[];
	timeDeltas: number[];
}

const file = (url: string) => url.replace(base, '').replace(/^\/_app\/immutable\//, '') || '(native)';
const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${file(f.url)}:${f.lineNumber + 1}`;

/** Tasks over 50 ms in a profile, each with its top functions (inclusive) and scripts (self). */
function analyse(profile: Profile, navStart: number) {
	const byId = new Map<number, ProfileNode>();
	const parent = new Map<number, number>();
	for (const n of profile.nodes) {
		byId.set(n.id, n);
		for (const c of n.children ?? []) parent.set(c, n.id);
	}
	const stack = (id: number) => {
		const out: ProfileNode[] = [];
		for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) out.push(byId.get(at)!);
		return out; // leaf first
	};
	let t = profile.startTime;
	const samples = profile.samples.map((id, i) => {
		t += profile.timeDeltas[i];
		return { id, t };
	});
	const tasks: { start: number; end: number; ids: { id: number; dt: number }[] }[] = [];
	let cur: (typeof tasks)[number] | null = null;
	for (let i = 0; i < samples.length; i++) {
		const s = samples[i];
		const dt = (samples[i + 1]?.t ?? s.t) - s.t;
		const idle = byId.get(s.id)!.callFrame.functionName === '(idle)';
		if (idle) {
			if (cur) tasks.push(cur);
			cur = null;
			continue;
		}
		cur ??= { start: s.t, end: s.t, ids: [] };
		cur.end = s.t + dt;
		cur.ids.push({ id: s.id, dt });
	}
	if (cur) tasks.push(cur);
	const long = tasks.filter((k) => k.end - k.start > 50_000);
	const lines: string[] = [];
	let blocking = 0;
	for (const k of long) {
		const ms = (k.end - k.start) / 1000;
		blocking += ms - 50;
		const inclusive = new Map<string, number>();
		const self = new Map<string, number>();
		const selfFn = new Map<string, number>();
		for (const { id, dt } of k.ids) {
			const st = stack(id);
			const leaf = st[0].callFrame;
			const s = leaf.url ? file(leaf.url) : leaf.functionName;
			self.set(s, (self.get(s) ?? 0) + dt);
			selfFn.set(label(leaf), (selfFn.get(label(leaf)) ?? 0) + dt);
			const seen = new Set<string>();
			for (const n of st) {
				if (!n.callFrame.functionName || n.callFrame.functionName.startsWith('(')) continue;
				const l = label(n.callFrame);
				if (seen.has(l)) continue;
				seen.add(l);
				inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
			}
		}
		const fmt = (m: Map<string, number>) =>
			[...m]
				.sort((a, b) => b[1] - a[1])
				.slice(0, top)
				.map(([name, us]) => `      ${(us / 1000).toFixed(0).padStart(5)} ms  ${name}`)
				.join('\n');
		lines.push(`  task at ${((k.start - navStart) / 1000).toFixed(0)} ms, ${ms.toFixed(0)} ms`);
		lines.push(`    functions (inclusive):\n${fmt(inclusive)}`);
		lines.push(`    scripts (self):\n${fmt(self)}`);
		lines.push(`    functions (self):\n${fmt(selfFn)}`);
	}
	return { count: long.length, blocking, lines };
}

interface TraceEvent {
	name: string;
	ph: string;
	ts: number;
	dur?: number;
	/** Thread (CPU) time, µs: what the task cost, whatever else the machine ran meanwhile. */
	tdur?: number;
	pid: number;
	tid: number;
	args?: { name?: string; data?: { url?: string; functionName?: string }; beginData?: { dirtyObjects?: number; totalObjects?: number; partialLayout?: boolean } };
}

/** Each RunTask over 50 ms on the page's main thread, with its direct children summed by name. */
function traceTasks(events: TraceEvent[]): string[] {
	const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
	const busy = new Map<string, number>();
	for (const e of events) if (e.name === 'RunTask' && mains.has(`${e.pid}:${e.tid}`)) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.dur ?? 0));
	const main = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
	const mine = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
	const nav = mine[0]?.ts ?? 0;
	const out: string[] = [];
	const total = new Map<string, number>();
	for (const task of mine.filter((e) => e.name === 'RunTask' && e.dur! > 50_000)) {
		const end = task.ts + task.dur!;
		const inside = mine.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= end);
		const sums = new Map<string, number>();
		let reach = -1;
		for (const e of inside) {
			if (e.ts < reach) continue; // nested in a direct child
			reach = e.ts + e.dur!;
			const url = e.args?.data?.url ? ' ' + e.args.data.url.replace(base, '').replace(/^\/_app\/immutable\//, '') : '';
			const key = e.name + (e.name === 'EvaluateScript' || e.name === 'v8.compileModule' || e.name === 'v8.evaluateModule' ? url : '');
			sums.set(key, (sums.get(key) ?? 0) + e.dur!);
			total.set(e.name, (total.get(e.name) ?? 0) + e.dur!);
		}
		const parts = [...sums].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, us]) => `${n} ${(us / 1000).toFixed(0)}`);
		out.push(`    at ${((task.ts - nav) / 1000).toFixed(0)} ms, ${(task.dur! / 1000).toFixed(0)} ms: ${parts.join(', ')}`);
	}
	const sum = [...total].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, us]) => `${n} ${(us / 1000).toFixed(0)}`);
	out.push(`    in all tasks over 50 ms: ${sum.join(', ')}`);
	// Lighthouse's own estimate (its default "simulate" throttling): each task's unthrottled time × 4.
	// From thread CPU time, so a busy machine does not inflate it (run with --rate 1).
	const tasks = mine.filter((e) => e.name === 'RunTask');
	const est = (k: number) => tasks.reduce((n, e) => n + Math.max(0, (k * (e.tdur ?? e.dur!)) / 1000 - 50), 0);
	const cpu = tasks.reduce((n, e) => n + (e.tdur ?? e.dur!), 0) / 1000;
	const over = tasks.filter((e) => (4 * (e.tdur ?? e.dur!)) / 1000 > 50).map((e) => `${((e.ts - nav) / 1000).toFixed(0)}:${((4 * e.tdur!) / 1000).toFixed(0)}`);
	out.push(`    main-thread CPU ${cpu.toFixed(0)} ms; blocking from CPU time × 4: ${est(4).toFixed(0)} ms (tasks over 50 ms, at:len ×4 ${over.join(' ')})`);
	const layouts = mine.filter((e) => e.name === 'Layout').sort((a, b) => b.dur! - a.dur!).slice(0, 5);
	out.push(`    longest layouts (ms at, ms long, objects dirty/total): ${layouts.map((e) => `${((e.ts - nav) / 1000).toFixed(0)} ${(e.dur! / 1000).toFixed(0)} ${e.args?.beginData?.dirtyObjects}/${e.args?.beginData?.totalObjects}`).join('; ')}`);
	return out;
}

const stop = serveDir(buildDir, PORT);
process.on('exit', stop);
await waitForServer(base);
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const browser = await chromium.launch({
	executablePath,
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
});
console.log(`main-thread tasks over 50 ms during load, CPU ${rate}× slower; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
try {
	for (const path of pages) {
		const context = await browser.newContext({ viewport: { width: 412, height: 823 }, serviceWorkers: args.includes('--sw') ? 'allow' : 'block' });
		const page = await context.newPage();
		const cdp = await context.newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate });
		await cdp.send('Profiler.enable');
		await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
		await cdp.send('Profiler.start');
		await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'] });
		const css = opt('--css');
		// An A/B of a stylesheet without a rebuild: the rule goes at the end of the page's <head>.
		if (css)
			await page.route(/\/[^.]*$/, async (route) => {
				const res = await route.fetch();
				const body = (await res.text()).replace('</head>', `<style>${css}</style></head>`);
				await route.fulfill({ response: res, body });
			});
		const started = Date.now();
		await page.goto(base + path, { waitUntil: 'load' });
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(2000);
		const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
		const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
		// The profile's clock is not the page's: navigation started at about the profile's start.
		void started;
		const { count, blocking, lines } = analyse(profile, profile.startTime);
		console.log(`\n${path}: ${count} tasks over 50 ms, blocking ${blocking.toFixed(0)} ms`);
		console.log(lines.join('\n'));
		console.log(`  tasks over 50 ms in the trace (what the browser did: parse, style, layout, script):`);
		console.log(traceTasks(trace.traceEvents).join('\n'));
		await context.close();
	}
} finally {
	await browser.close();
	stop();
}
console.log(`\nload average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
