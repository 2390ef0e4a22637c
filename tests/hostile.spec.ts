/**
 * Hostile input in the browser (issue 12): shared links and pastes that do a lot of work run in
 * the simulation's Web Worker, end within seconds with a figure or an error, and leave the page
 * responsive; a long run shows its progress and can be stopped.
 * (Full localStorage and progress files with duplicate ids: storage.spec.ts and quiz.spec.ts.)
 */
import type { Page } from '@playwright/test';
import * as lzModule from 'lz-string';
import { test, expect } from './fixtures';

// lz-string is CommonJS: under Node's ESM loader its functions sit on the default export.
const lz = ((lzModule as unknown as { default?: typeof lzModule }).default ?? lzModule) as typeof lzModule;
const shareLink = (text: string) => `/playground#v=1&step=0&s=${lz.compressToEncodedURIComponent(text)}`;

const editorOf = (page: Page) => page.locator('.cm-content[role="textbox"][aria-label="Scenario text"]');
const figureOf = (page: Page) => page.locator('section.run figure.sim');

/** The 9-line ACK-storm scenario (one forged in-window data segment), as a share link. */
const ACK_STORM = `host client 192.168.1.10 os=windows
host server 203.0.113.5 os=linux root
link client server latency=10ms
0ms    server listen 80 as=web
10ms   client bind 40000 as=c1
+0ms   c1 connect 203.0.113.5:80
100ms  inject client->server 40000>80 P. seq=web.1.rcvnxt ack=web.1.sndnxt len=10
+0ms   expect c1 state ESTABLISHED
+1s    expect web.1 state ESTABLISHED
`;

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
	await editorOf(page).click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type('#ok');
	await expect(editorOf(page).locator('.cm-line').filter({ hasText: '#ok' })).toHaveCount(1, { timeout: 10_000 });
}

/**
 * Time from the page's load to the link's figure or error, ms: under 10 s is the target (issue
 * 12); recorded as an annotation and held to 20 s, since a 2-core machine shared by many test
 * runs can take longer just to start the worker.
 */
function opened(ms: number) {
	test.info().annotations.push({ type: 'opened in ms', description: String(ms) });
	expect(ms).toBeLessThan(20_000);
}

test.describe('hostile input in the playground', () => {
	test.describe.configure({ timeout: 120_000 });

	test('the ACK-storm link (one forged in-window segment) opens at once: the loop is cut off and the page responds', async ({ page }) => {
		await page.goto('/playground');
		await expect(editorOf(page)).toBeVisible();
		await page.goto(shareLink(ACK_STORM));
		await page.reload();
		const t0 = Date.now();
		// The engine throttles the duplicate ACKs (Linux tcp_invalid_ratelimit): the run ends by
		// itself after 8 segments (handshake, forged data, ACK, ACK, one duplicate ACK, ACK).
		await expect(figureOf(page).locator('.ladder svg')).toContainText('Ladder diagram: 8 packets', { timeout: 20_000 });
		opened(Date.now() - t0);
		await expect(page.getByTestId('shared-run-error')).toHaveCount(0);
		await expect(figureOf(page).locator('.ladder svg')).toBeVisible();
		await typingWorks(page);
	});

	test('the heavy-send link (~900 lines of send 1000000) opens at once as an error, still editable', async ({ page }) => {
		const text = heavySend(19_900);
		expect(text.split('\n').length).toBeGreaterThan(900);
		await page.goto('/playground');
		await expect(editorOf(page)).toBeVisible();
		await page.goto(shareLink(text));
		await page.reload();
		const t0 = Date.now();
		const alert = page.getByTestId('shared-run-error');
		await expect(alert).toContainText('a scenario may send at most 10000000 bytes in all', { timeout: 20_000 });
		opened(Date.now() - t0);
		await expect(alert).toContainText('It is in the editor below');
		await expect(page.locator('.errors')).toContainText('line 16');
		// The figure keeps a ready demo, and the page answers at once.
		await expect(figureOf(page).locator('.ladder svg')).toBeVisible();
		await typingWorks(page);
	});

	test('a link whose run records more than a figure can draw (~380 lines of 100 pings) runs off the page thread and shows its first 1,000 events', async ({ page }) => {
		const text = heavyPing(19_900);
		await page.goto('/playground');
		await expect(editorOf(page)).toBeVisible();
		await watchFrames(page);
		// A hash change opens the link without reloading the page, so the frame watcher sees the run.
		await page.evaluate((hash) => (location.hash = hash), shareLink(text).slice('/playground'.length));
		// While the worker runs (some 170,000 engine events), the page goes on drawing frames.
		const note = page.getByTestId('trace-cut');
		await expect(page.getByTestId('run-progress').or(note)).toBeVisible({ timeout: 10_000 });
		expect(await longestFrameGap(page)).toBeLessThan(1_500);
		await expect(note).toContainText(/This run recorded 11\d,\d{3} events; the figure shows the first 1,000, up to t = \d+ ms/, { timeout: 30_000 });
		await expect(page.getByTestId('shared-run-error')).toHaveCount(0);
		await expect(figureOf(page).locator('.ladder svg')).toBeVisible();
		await typingWorks(page);
	});

	test('a long run shows its progress and a Stop button; Stop ends it and the page keeps working', async ({ page }) => {
		await page.goto('/playground');
		await expect(editorOf(page)).toBeVisible();
		await editorOf(page).click();
		await page.keyboard.press('Control+A');
		// About 1,800 lines of 100 pings: some 540,000 engine events, seconds of work.
		const text = heavyPing(95_000);
		await editorOf(page).evaluate((el, t) => {
			const data = new DataTransfer();
			data.setData('text/plain', t);
			el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
		}, text);
		const progress = page.getByTestId('run-progress');
		await expect(progress).toBeVisible({ timeout: 10_000 });
		// Read the box and press Stop at once: the engine's own 10 s budget would end the run.
		const seen = await progress.evaluate((el) => ({ text: el.querySelector('[role=status]')?.textContent ?? '', bar: el.querySelectorAll('progress[aria-label="Share of the work budget used"]').length }));
		await progress.getByRole('button', { name: 'Stop' }).click();
		expect(seen.text).toMatch(/Running… \d+\.\d s, [\d,]+ events, virtual time [\d,]+ ms/);
		expect(seen.bar).toBe(1);
		const stopped = page.getByTestId('run-stopped');
		await expect(stopped).toContainText('Stopped before the end. The figure shows the last run that finished.');
		await expect(progress).toHaveCount(0);
		// The figure still plays the demo that ran before.
		await figureOf(page).getByRole('button', { name: /Step forward/ }).click();
		await typingWorks(page);
		// Typing ran the text again; stop that run too, then Run again runs it to its end.
		await expect(progress).toBeVisible({ timeout: 10_000 });
		await progress.getByRole('button', { name: 'Stop' }).click();
		await stopped.getByRole('button', { name: 'Run again' }).click();
		// It ends by itself: the first 1,000 of its events in the figure, or (on a slow machine)
		// the engine's 10 s budget.
		await expect(page.getByTestId('trace-cut').or(page.locator('.errors').filter({ hasText: 'the scenario does more work than the budget allows' }))).toBeVisible({ timeout: 60_000 });
	});
});
