/**
 * Hostile input in the browser (issue 12): shared links and pastes that do a lot of work run in
 * the simulation's Web Worker, end within seconds with a figure or an error, and leave the page
 * responsive; a long run shows its progress and can be stopped.
 * (Full localStorage and progress files with duplicate ids: storage.spec.ts and quiz.spec.ts.)
 */
import type { Page } from '@playwright/test';
import * as lzModule from 'lz-string';
import { test, expect } from './fixtures';
import { ackStorm } from '../src/lib/sim/ack-storm.testkit';

// lz-string is CommonJS: under Node's ESM loader its functions sit on the default export.
const lz = ((lzModule as unknown as { default?: typeof lzModule }).default ?? lzModule) as typeof lzModule;
const shareLink = (text: string) => `/playground#v=1&step=0&s=${lz.compressToEncodedURIComponent(text)}`;

const editorOf = (page: Page) => page.locator('.cm-content[role="textbox"][aria-label="Scenario text"]');
/** The scenario text as the page first shows it: a plain text box until CodeMirror takes over on first use. */
const textBoxOf = (page: Page) => page.getByRole('textbox', { name: 'Scenario text', exact: true });
/** Reach the editor as a person does (a click on the text) and wait for CodeMirror to take over, focused. */
async function openEditor(page: Page) {
	await textBoxOf(page).click();
	await expect(editorOf(page)).toBeFocused();
}
const figureOf = (page: Page) => page.locator('section.run figure.sim');

/** The 9-line ACK-storm scenario (one forged in-window data segment), as a share link. */
const ACK_STORM = ackStorm('windows', 'linux');

const HEAD = `host client 192.168.1.10
host server 203.0.113.5 root
link client server latency=10ms
`;
/** Lines of `send 1000000` after a connection, as many as fit in `chars` characters. */
function heavySend(chars: number): string {
	let text = HEAD + '0ms server listen 80 as=web\n10ms client connect 203.0.113.5:80 as=c1\n';
	while (text.length + 21 <= chars) text += '+0ms c1 send 1000000\n';
	return text;
}
/**
 * A SYN flood of 1,000 SYNs at the same instant per line (`every=0ms`), as many lines as fit in
 * `chars` characters: within every parser limit, but the engine's work budget stops it (virtual
 * time stops moving, or the share link's 5 s of real time runs out first on a loaded machine).
 */
function synFlood(chars: number): string {
	let text = 'host attacker 198.51.100.66 scripted\nhost server 203.0.113.5 root\nlink attacker server latency=1ms\n0ms server listen 80 as=web\n';
	for (let port = 10000; ; port++) {
		const line = `+0ms synflood attacker->server 198.51.100.66:${port}>80 count=1000 every=0ms\n`;
		if (text.length + line.length > chars) return text;
		text += line;
	}
}
/** Lines of 100 pings 1 ms apart, as many as fit in `chars` characters (300 trace events a line). */
function heavyPing(chars: number): string {
	let text = HEAD;
	const line = '+0ms client ping 203.0.113.5 count=100 interval=1ms\n';
	while (text.length + line.length <= chars) text += line;
	return text;
}

/** Start recording the longest gap between animation frames (a frozen main thread shows as one long gap). */
async function watchFrames(page: Page) {
	await page.evaluate(() => {
		const w = window as unknown as { gaps: number[]; stopGaps: boolean };
		w.gaps = [];
		w.stopGaps = false;
		let last = performance.now();
		const tick = (now: number) => {
			w.gaps.push(now - last);
			last = now;
			if (!w.stopGaps) requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
}
const longestFrameGap = (page: Page) =>
	page.evaluate(() => {
		const w = window as unknown as { gaps: number[]; stopGaps: boolean };
		w.stopGaps = true;
		return Math.max(...w.gaps);
	});

/**
 * Typing works: a comment typed at the end of the editor appears in it. (How fast is measured by
 * the frame gaps; on a loaded 2-core machine typing itself can take a few seconds.)
 */
async function typingWorks(page: Page) {
	await textBoxOf(page).click();
	await expect(editorOf(page)).toBeFocused();
	await page.keyboard.press('Control+End');
	await page.keyboard.type('#ok');
	await expect(editorOf(page).locator('.cm-line').filter({ hasText: '#ok' })).toHaveCount(1, { timeout: 10_000 });
}

/**
 * Note, in the page, the moment the link's outcome is drawn: the shared-run error or a ladder with
 * `packets` packets (a MutationObserver, so no Playwright round trip is counted).
 */
async function watchOutcome(page: Page, packets?: number) {
	await page.addInitScript((n) => {
		const w = window as unknown as { shownAt?: number };
		const shown = () =>
			document.querySelector('[data-testid="shared-run-error"]') !== null ||
			(n !== null && [...document.querySelectorAll('section.run figure.sim .ladder svg')].some((svg) => svg.textContent?.includes(`Ladder diagram: ${n} packets`)));
		new MutationObserver((_, obs) => {
			if (w.shownAt === undefined && shown()) {
				w.shownAt = performance.now();
				obs.disconnect();
			}
		}).observe(document, { childList: true, subtree: true, characterData: true });
	}, packets ?? null);
}

/**
 * How long the link took to open, recorded as annotations: from the navigation's start, and from
 * the page becoming interactive (the playground's performance.mark('playground-ready') as it
 * mounts and starts the link's run) to the outcome drawn. The target is 10 s. Measured on
 * 2 cores shared with 8 other agents: 4.8 s (ACK storm) and 5.3 s (heavy send) from the
 * navigation at load average 17, 7.6 s and 9.0 s at 21, 19 s and 21 s at 27, where loading the
 * page alone took over 10 s and even the parser's error (no worker involved) took 10.7 s from
 * the mark to Playwright seeing it. Counted from the page being interactive, the two links of the
 * issue opened in 8.2 s and 0.3 s even at load 28: they are held to the 10 s from there;
 * other links to 20 s.
 */
async function openedWithin(page: Page, ms = 20_000) {
	const t = await page.evaluate(() => ({ shown: (window as unknown as { shownAt?: number }).shownAt ?? Number.NaN, ready: performance.getEntriesByName('playground-ready')[0]?.startTime ?? Number.NaN }));
	test.info().annotations.push({ type: 'opened, ms from the navigation', description: String(Math.round(t.shown)) });
	test.info().annotations.push({ type: 'opened, ms from the page being interactive', description: String(Math.round(t.shown - t.ready)) });
	expect(t.shown - t.ready).toBeLessThan(ms);
}

/**
 * Press Stop the moment the progress box appears, and say what the box showed. A watcher in the
 * page does it, not a Playwright action: on a loaded machine the round trips of "wait until
 * visible, read, click" took 13 s after a 95 KB paste (measured), longer than the engine's 10 s
 * budget, so the run had ended by itself before the click. Call before the run starts.
 */
function stopWhenShown(page: Page): Promise<{ text: string; bar: number }> {
	return page.evaluate(
		() =>
			new Promise<{ text: string; bar: number }>((resolve) => {
				const tryStop = (): boolean => {
					const el = document.querySelector('[data-testid="run-progress"]');
					if (!el) return false;
					const seen = { text: el.querySelector('[role=status]')?.textContent ?? '', bar: el.querySelectorAll('progress[aria-label="Share of the work budget used"]').length };
					const stop = [...el.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Stop');
					if (!stop) return false;
					stop.click();
					resolve(seen);
					return true;
				};
				if (tryStop()) return;
				const watch = new MutationObserver(() => {
					if (tryStop()) watch.disconnect();
				});
				watch.observe(document.body, { childList: true, subtree: true });
			})
	);
}

test.describe('hostile input in the playground', () => {
	test.describe.configure({ timeout: 120_000 });

	test('the ACK-storm link (one forged in-window segment) opens at once: the loop is cut off and the page responds', async ({ page }) => {
		await watchOutcome(page, 8);
		await page.goto('/playground');
		await expect(textBoxOf(page)).toBeVisible();
		await page.goto(shareLink(ACK_STORM));
		await page.reload();
		// The engine throttles the duplicate ACKs (Linux tcp_invalid_ratelimit): the run ends by
		// itself after 8 segments (handshake, forged data, ACK, ACK, one duplicate ACK, ACK).
		await expect(figureOf(page).locator('.ladder svg:visible')).toContainText('Ladder diagram: 8 packets', { timeout: 60_000 });
		await openedWithin(page, 10_000);
		await expect(page.getByTestId('shared-run-error')).toHaveCount(0);
		await expect(figureOf(page).locator('.ladder svg:visible')).toBeVisible();
		await typingWorks(page);
	});

	test('the heavy-send link (~900 lines of send 1000000) opens at once as an error, still editable', async ({ page }) => {
		await watchOutcome(page);
		const text = heavySend(19_900);
		expect(text.split('\n').length).toBeGreaterThan(900);
		await page.goto('/playground');
		await expect(textBoxOf(page)).toBeVisible();
		await page.goto(shareLink(text));
		await page.reload();
		const alert = page.getByTestId('shared-run-error');
		await expect(alert).toContainText('a scenario may send at most 10000000 bytes in all', { timeout: 60_000 });
		await openedWithin(page, 10_000);
		await expect(alert).toContainText('It is in the editor below');
		await expect(page.locator('.errors')).toContainText('line 16');
		// The figure keeps a ready demo, and the page answers at once.
		await expect(figureOf(page).locator('.ladder svg:visible')).toBeVisible();
		await typingWorks(page);
	});

	test('a link within the parser limits that overruns the engine budget (a SYN flood at one instant) opens as an error, still editable', async ({ page }) => {
		await watchOutcome(page);
		const text = synFlood(19_900);
		expect(text.split('\n').length).toBeGreaterThan(250);
		await page.goto('/playground');
		await expect(textBoxOf(page)).toBeVisible();
		await page.goto(shareLink(text));
		await page.reload();
		const alert = page.getByTestId('shared-run-error');
		await expect(alert).toContainText('the scenario does more work than the budget allows', { timeout: 60_000 });
		// A shared link may run for 5 s of real time, so its error too comes within the bound.
		await openedWithin(page);
		// Stuck at t = 0 (100,000 events at one instant) or, on a loaded machine, 5 s of real time.
		await expect(alert).toContainText(/Stopped after [\d,]+ events at t = 0 ms: (virtual time stopped moving|.*more than 5,000 ms of real time)/);
		await expect(alert).toContainText('It is in the editor below');
		await expect(figureOf(page).locator('.ladder svg:visible')).toBeVisible();
		await typingWorks(page);
	});

	test('a link whose run records more than a figure can draw (~190 lines of 100 pings) runs off the page thread and shows its first 1,000 events', async ({ page }) => {
		const text = heavyPing(10_000);
		await page.goto('/playground');
		await expect(textBoxOf(page)).toBeVisible();
		await watchFrames(page);
		// A hash change opens the link without reloading the page, so the frame watcher sees the run.
		await page.evaluate((hash) => (location.hash = hash), shareLink(text).slice('/playground'.length));
		// While the worker runs (some 85,000 engine events), the page goes on drawing frames.
		const note = page.getByTestId('trace-cut');
		await expect(page.getByTestId('run-progress').or(note)).toBeVisible({ timeout: 10_000 });
		expect(await longestFrameGap(page)).toBeLessThan(1_500);
		// It ends with its first 1,000 events in the figure or, when a loaded machine gives the
		// worker less than the ~0.7 s of CPU it needs within the 5 s a shared link may run, with that
		// budget's error (measured at load average 21: stopped after 50,176 events).
		const budget = page.getByTestId('shared-run-error').filter({ hasText: /more than 5,000 ms of real time/ });
		await expect(note.or(budget)).toBeVisible({ timeout: 30_000 });
		if (await note.isVisible()) {
			await expect(note).toContainText(/This run recorded 57,570 events; the figure shows the first 1,000, up to t = \d+ ms/);
			await expect(page.getByTestId('shared-run-error')).toHaveCount(0);
		} else test.info().annotations.push({ type: 'ended by', description: 'the share link wall-clock budget' });
		await expect(figureOf(page).locator('.ladder svg:visible')).toBeVisible();
		await typingWorks(page);
	});

	test('a long run shows its progress and a Stop button; Stop ends it and the page keeps working', async ({ page }) => {
		await page.goto('/playground');
		await openEditor(page);
		await page.keyboard.press('Control+A');
		// About 1,800 lines of 100 pings: some 540,000 engine events, seconds of work.
		const text = heavyPing(95_000);
		const stopped1 = stopWhenShown(page);
		await editorOf(page).evaluate((el, t) => {
			const data = new DataTransfer();
			data.setData('text/plain', t);
			el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
		}, text);
		const progress = page.getByTestId('run-progress');
		// Press Stop as soon as the box shows: the engine's own 10 s budget would end the run.
		const seen = await stopped1;
		expect(seen.text).toMatch(/Running… \d+\.\d s, [\d,]+ events, virtual time [\d,]+ ms/);
		expect(seen.bar).toBe(1);
		const stopped = page.getByTestId('run-stopped');
		await expect(stopped).toContainText('Stopped before the end. The figure shows the last run that finished.');
		await expect(progress).toHaveCount(0);
		// The figure still plays the demo that ran before.
		await figureOf(page).getByRole('button', { name: /Step forward/ }).click();
		const stopped2 = stopWhenShown(page);
		await typingWorks(page);
		// Typing ran the text again; stop that run too, then Run again runs it to its end.
		expect((await stopped2).bar).toBe(1);
		await stopped.getByRole('button', { name: 'Run again' }).click();
		// It ends by itself: the first 1,000 of its events in the figure, or (on a slow machine)
		// the engine's 10 s budget.
		await expect(page.getByTestId('trace-cut').or(page.locator('.errors').filter({ hasText: 'the scenario does more work than the budget allows' }))).toBeVisible({ timeout: 60_000 });
	});
});
