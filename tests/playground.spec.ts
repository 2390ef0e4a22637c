import type { Browser, Page } from '@playwright/test';
import * as lzModule from 'lz-string';
import { test, expect } from './fixtures';

/** A page in a fresh browser context (no shared storage), failing the test on console errors. */
async function freshPage(browser: Browser, baseURL: string | undefined) {
	const context = await browser.newContext({ baseURL });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(e.message));
	return { context, page, errors };
}

// lz-string is CommonJS: under Node's ESM loader its functions sit on the default export.
const lz = ((lzModule as unknown as { default?: typeof lzModule }).default ?? lzModule) as typeof lzModule;
const compressToEncodedURIComponent = (s: string) => lz.compressToEncodedURIComponent(s);

const figureOf = (page: Page) => page.locator('section.run figure.sim');
/** The CodeMirror editor's content (role textbox), once it has loaded. */
const editorOf = (page: Page) => page.locator('.cm-content[role="textbox"][aria-label="Scenario text"]');
/** The scenario text as the page first shows it: a plain text box until CodeMirror takes over on first use. */
const textBoxOf = (page: Page) => page.getByRole('textbox', { name: 'Scenario text', exact: true });
/** Reach the editor as a person does (a click on the text) and wait for CodeMirror to take over, focused. */
async function openEditor(page: Page) {
	await textBoxOf(page).click();
	await expect(editorOf(page)).toBeFocused();
}
/**
 * The editor's text: the plain text box's value, or line by line as CodeMirror draws it (all of
 * it for the short texts used here).
 */
const editorText = (page: Page) =>
	textBoxOf(page).evaluate((el) =>
		el instanceof HTMLTextAreaElement ? el.value : [...el.querySelectorAll(':scope > .cm-line')].map((l) => l.textContent ?? '').join('\n')
	);
/** Wait until the editor's text matches. */
const expectText = (page: Page, re: RegExp | string) =>
	typeof re === 'string' ? expect.poll(() => editorText(page)).toBe(re) : expect.poll(() => editorText(page)).toMatch(re);

test.describe('the scenario playground', () => {
	// Typing and replaying figures on a shared, loaded machine: give each test room.
	test.describe.configure({ timeout: 180_000 });
	test('builds a scenario with the controls, shares it, and a fresh browser opens the same step', async ({ page, browser, baseURL }) => {
		await page.goto('/playground');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Scenario playground');
		await page.getByRole('button', { name: /New empty scenario/ }).click();
		await expectText(page, /^# My scenario/);

		const hostForm = page.locator('form', { has: page.getByRole('heading', { name: 'Add a host' }) });
		const stepForm = page.locator('form', { has: page.getByRole('heading', { name: 'Add a step' }) });

		// Two hosts: the form suggests client, then server (root, linked to client).
		await expect(hostForm.getByLabel('Name')).toHaveValue('client');
		await hostForm.getByLabel('OS').selectOption('macos');
		await hostForm.getByRole('button', { name: 'Add host' }).click();
		await expectText(page, /host client 192\.168\.1\.10 os=macos\n/);
		await expect(hostForm.getByLabel('Name')).toHaveValue('server');
		await expect(hostForm.getByLabel(/root/)).toBeChecked();
		await expect(hostForm.getByLabel('Link to')).toHaveValue('client');
		await hostForm.getByRole('button', { name: 'Add host' }).click();
		await expectText(page, /host server 203\.0\.113\.5 root\nlink server client latency=10ms\n/);

		// Steps: listen, connect, send, close.
		await expect(stepForm.getByLabel('Host')).toHaveValue('server');
		await stepForm.getByLabel('At', { exact: true }).fill('0ms');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		await expectText(page, /0ms +server listen 80 as=web/);

		await stepForm.getByLabel('Action').selectOption('connect');
		await expect(stepForm.getByLabel('Host')).toHaveValue('client');
		await expect(stepForm.getByLabel('To')).toHaveValue('server');
		await expect(stepForm.getByLabel('Socket name')).toHaveValue('c1');
		await stepForm.getByLabel('At', { exact: true }).fill('10ms');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		await expectText(page, /10ms +client connect server:80 as=c1/);

		await stepForm.getByLabel('Action').selectOption('send');
		// "Send data" never defaults to the listening socket (web), and does not offer it.
		await expect(stepForm.getByLabel('Socket', { exact: true })).toHaveValue('c1');
		await expect(stepForm.getByLabel('Socket', { exact: true }).locator('option', { hasText: /^web$/ })).toHaveCount(0);
		await stepForm.getByLabel('Text').fill('GET /');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		await expectText(page, /\+50ms +c1 send 100 "GET \/"/);

		await stepForm.getByLabel('Action').selectOption('close');
		await stepForm.getByLabel('Socket', { exact: true }).selectOption('c1');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		await expectText(page, /\+50ms +c1 close/);
		await expect(page.getByRole('alert')).toHaveCount(0);

		// The figure replays the built scenario.
		const figure = figureOf(page);
		await expect(figure.locator('.ladder .host-name')).toHaveText(['client', 'server']);
		const forward = figure.getByRole('button', { name: 'Step forward' });
		for (let i = 0; i < 6; i++) await forward.click();
		await expect(figure.locator('.where')).toContainText('Step 7/');
		const narration = await figure.locator('.narration .now').innerText();

		// The address bar follows the step.
		await expect.poll(() => new URL(page.url()).hash).toContain('step=6');

		await page.getByRole('button', { name: 'Copy link' }).click();
		const link = page.getByTestId('share-link');
		await expect(link).toBeVisible();
		const url = await link.inputValue();
		expect(url).toMatch(/\/playground#v=1&seed=1&step=6&s=[A-Za-z0-9+\-$]+$/);
		const text = await editorText(page);

		const fresh = await freshPage(browser, baseURL);
		await fresh.page.goto(url);
		const figure2 = figureOf(fresh.page);
		await expect(figure2.locator('.where')).toContainText('Step 7/');
		await expectText(fresh.page, text);
		// innerText on both sides: the moment's sentences are separate lines (block spans).
		await expect.poll(() => figure2.locator('.narration .now').innerText()).toBe(narration);
		await expect(figure2.locator('.ladder .host-name')).toHaveText(['client', 'server']);
		await expect(fresh.page.getByTestId('link-error')).toHaveCount(0);
		expect(fresh.errors).toEqual([]);
		await fresh.context.close();
	});

	test('edits with the keyboard only: a completion, a lint error on its line, the fix, and the figure follows', async ({ page }) => {
		await page.goto('/playground');
		const editor = editorOf(page);
		await expect(textBoxOf(page)).toBeVisible();
		const figure = figureOf(page);
		await expect(figure.locator('.where')).toContainText('Step 1/19');
		// The scenario text has the focus: the plain text box the page shows first, or CodeMirror.
		const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Scenario text');
		// Reach the editor with Tab, as a keyboard user does: CodeMirror takes over, focused.
		for (let i = 0; i < 80 && !(await focused()); i++) await page.keyboard.press('Tab');
		expect(await focused()).toBe(true);
		await expect(editor).toBeFocused();

		// Before the run line (31): a second connection from the client, typo included.
		await page.keyboard.press('Control+End');
		await page.keyboard.press('ArrowUp');
		await page.keyboard.press('Home');
		await page.keyboard.type('+0ms cli');
		const popup = page.locator('.cm-tooltip-autocomplete');
		await expect(popup).toContainText('client');
		await page.keyboard.press('Tab'); // accepts the completion
		await expect(popup).toHaveCount(0);
		await page.keyboard.type(' conect server:80 as=c2');
		await page.keyboard.press('Enter');
		await expectText(page, /\n\+0ms client conect server:80 as=c2\nrun until=70s/);

		// The parser's error shows on line 31, at the word, in the gutter and in the list.
		const line31 = editor.locator(':scope > .cm-line').nth(30);
		await expect(line31.locator('.cm-lintRange-error')).toHaveText('conect');
		await expect(page.locator('.errors')).toContainText('line 31: unknown action "conect" for host "client"');
		await expect(figure.locator('.where')).toContainText('Step 1/19'); // the last version that ran

		// Fix it with the keyboard: back to the typo, insert the missing letter.
		await page.keyboard.press('ArrowUp');
		await page.keyboard.press('End');
		for (let i = 0; i < 'nect server:80 as=c2'.length; i++) await page.keyboard.press('ArrowLeft');
		await page.keyboard.type('n');
		await expect(page.locator('.errors')).toHaveCount(0);
		await expect(line31.locator('.cm-lintRange-error')).toHaveCount(0);
		await expect(page.getByTestId('expectations')).toHaveText(/All 14 expectations hold/);
		// The figure follows: three more segments (the second handshake) make three more steps.
		await expect(figure.locator('.where')).toContainText('/22');

		// Tab indents inside the editor; Escape then Tab moves on.
		await page.keyboard.press('Tab');
		expect(await focused()).toBe(true);
		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('Escape');
		await page.keyboard.press('Tab');
		expect(await focused()).toBe(false);
		expect(await page.evaluate(() => document.activeElement?.closest('.cm-editor') === null)).toBe(true);
	});

	test('the text can be typed into before the editor has loaded, and CodeMirror keeps every character, the caret and the focus', async ({ page }) => {
		await page.goto('/playground');
		const box = textBoxOf(page);
		await expect(box).toBeVisible();
		// The page shows the text at once, in a plain text box; CodeMirror loads on first use. Hold
		// back the scripts the page asks for from now on (CodeMirror's), so the typing below
		// certainly happens before it is in place.
		let release = () => {};
		const held = new Promise<void>((done) => (release = done));
		await page.route('**/*.js', async (route) => {
			await held;
			await route.continue();
		});
		expect(await box.evaluate((el) => el.tagName)).toBe('TEXTAREA');
		await box.click();
		await page.keyboard.press('Control+End');
		const typed = '\n# typed before the editor loaded: 0123456789 ~!@#$%^&*()_+{}|:"<>?';
		await page.keyboard.type(typed);
		// Still the plain box, focused, with every character.
		expect(await box.evaluate((el) => [el.tagName, el === document.activeElement])).toEqual(['TEXTAREA', true]);
		release();
		const editor = editorOf(page);
		await expect(editor).toBeFocused();
		const text = await editorText(page);
		expect(text.endsWith(typed)).toBe(true);
		// The caret stayed at the end: typing on goes on where it was.
		await page.keyboard.type('!');
		await expect.poll(() => editorText(page)).toBe(text + '!');
		await page.unroute('**/*.js');
	});

	test('lists errors and failed expectations as buttons that put the caret on their line', async ({ page }) => {
		await page.goto('/playground');
		await openEditor(page);
		await page.keyboard.press('Control+End');
		await page.keyboard.press('ArrowUp');
		await page.keyboard.press('Home');
		await page.keyboard.type('+0ms expect c1 state LISTEN\n');
		const list = page.locator('.errors');
		await expect(list).toContainText('1 expectation does not hold');
		await expect(list).toContainText('line 31: expectation failed: c1 is CLOSED at 60310 ms');
		await expect(page.getByTestId('expectations')).toHaveText(/1 of 15 expectations do not hold/);
		await expect(editorOf(page).locator(':scope > .cm-line').nth(30).locator('.cm-lintRange-warning')).toHaveCount(1);
		await list.getByRole('button', { name: 'line 31' }).click();
		await expect(editorOf(page)).toBeFocused();
		expect(await page.evaluate(() => getSelection()?.toString())).toBe('+0ms expect c1 state LISTEN');
		// With another seed the expectations may not hold, and the page says why.
		await page.getByLabel('Seed').fill('7');
		await expect(page.getByTestId('expectations')).toContainText("written for the file's seed 42; this run uses seed 7");
	});

	test('a 100 KB paste does not freeze the page, and a larger one is refused before it is drawn', async ({ page }) => {
		await page.goto('/playground');
		await openEditor(page);
		await page.keyboard.press('Control+End');
		const paste = (text: string) =>
			editorOf(page).evaluate((el, t) => {
				const data = new DataTransfer();
				data.setData('text/plain', t);
				const start = performance.now();
				el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
				return new Promise<number>((done) => requestAnimationFrame(() => done(performance.now() - start)));
			}, text);
		// 100 KB of 50,000 short lines: the old textarea's gutter drew one element per line and froze.
		const big = '#\n'.repeat(50_000);
		// Watch the main thread from before the paste until the scenario has run again: the longest
		// gap between frames (the old editor froze for 20 s on large pastes; a loaded CI machine
		// needs a few hundred ms for the figure).
		await page.evaluate(() => {
			const w = window as unknown as { gaps: number[] };
			w.gaps = [];
			let last = performance.now();
			const tick = (now: number) => {
				w.gaps.push(now - last);
				last = now;
				if (w.gaps.length < 400) requestAnimationFrame(tick);
			};
			requestAnimationFrame(tick);
		});
		const drawMs = await paste(big);
		expect(drawMs).toBeLessThan(3000);
		// Only the lines in view are drawn, not all 50,000.
		expect(await editorOf(page).locator(':scope > .cm-line').count()).toBeLessThan(200);
		// The parser reports the line limit at once, without running anything.
		await expect(page.locator('.errors')).toContainText('scenario has 50032 lines; the limit is 2000');
		await page.waitForTimeout(1500);
		const longest = await page.evaluate(() => Math.max(...(window as unknown as { gaps: number[] }).gaps));
		expect(longest).toBeLessThan(5000);

		// Another 100 KB would pass the limit: refused, with the reason, and the text is unchanged.
		const lines = await page.locator('.cm-lineNumbers .cm-gutterElement').last().innerText();
		await paste(big);
		await expect(page.getByRole('alert').filter({ hasText: 'Not pasted' })).toHaveText('Not pasted: the pasted text is 98 KB, and a scenario may be at most 100 KB.');
		expect(await page.locator('.cm-lineNumbers .cm-gutterElement').last().innerText()).toBe(lines);
	});

	test('what the reader types in the step form is not overwritten when the editor catches up', async ({ page }) => {
		await page.goto('/playground');
		await page.getByRole('button', { name: /New empty scenario/ }).click();
		const hostForm = page.locator('form', { has: page.getByRole('heading', { name: 'Add a host' }) });
		const stepForm = page.locator('form', { has: page.getByRole('heading', { name: 'Add a step' }) });
		await hostForm.getByRole('button', { name: 'Add host' }).click();
		await expect(hostForm.getByLabel('Name')).toHaveValue('server');
		await hostForm.getByRole('button', { name: 'Add host' }).click();
		await expect(stepForm.getByLabel('Host')).toHaveValue('server');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		// Straight away, before the editor re-parses (250 ms later) and the suggestions refresh:
		await stepForm.getByLabel('At', { exact: true }).fill('10ms');
		await hostForm.getByLabel('Name').fill('db');
		await expectText(page, /0ms +server listen 80 as=web/);
		await expect(figureOf(page).locator('.ladder')).toBeVisible();
		await page.waitForTimeout(600);
		await expect(stepForm.getByLabel('At', { exact: true })).toHaveValue('10ms');
		await expect(hostForm.getByLabel('Name')).toHaveValue('db');
	});

	test('a gallery demo loads and plays', async ({ page }) => {
		await page.goto('/playground');
		await page.getByRole('button', { name: /RST from a closed port/ }).click();
		await expect(page.getByRole('button', { name: /RST from a closed port/ })).toHaveAttribute('aria-pressed', 'true');
		await expectText(page, /rst-closed-port\.scn/);
		const figure = figureOf(page);
		await expect(figure.locator('figcaption')).toHaveText('RST from a closed port');
		await figure.getByLabel('Position in the timeline').fill('20');
		await expect(figure.locator('.ladder g.pkt.rst')).toHaveCount(1);
	});

	test('a shared link whose expectations fail shows them inline, and the figure still plays', async ({ page }) => {
		const text = `seed 3
host client 192.168.1.10
host server 203.0.113.5 root
link client server latency=10ms
0ms    server listen 80 as=web
10ms   client connect server:80 as=c1
+20ms  expect c1 state ESTABLISHED
+0ms   expect c1 state CLOSED
run until=1s
`;
		await page.goto('/playground#v=1&seed=3&step=2&s=' + compressToEncodedURIComponent(text));
		await page.reload();
		await expect(page.getByTestId('link-error')).toHaveCount(0);
		await expect(page.getByTestId('expectations')).toHaveText(/1 of 2 expectations do not hold/);
		await expect(page.locator('.errors')).toContainText('line 8: expectation failed: c1 is ESTABLISHED at 30 ms');
		// The marks in the text are CodeMirror's: it takes over when the reader reaches the text.
		await openEditor(page);
		await expect(editorOf(page).locator(':scope > .cm-line').nth(7).locator('.cm-lintRange-warning')).toHaveCount(1);
		await expect(figureOf(page).locator('.where')).toContainText('Step 3/5'); // step=2 counts from 0
	});

	test('a tampered, oversized or non-scenario link shows an error, not a broken page', async ({ page }) => {
		page.on('dialog', () => {
			throw new Error('a link must never run code');
		});
		// Garbage in the compressed text.
		await page.goto('/playground#v=1&seed=1&step=3&s=N4Ig%%%<script>');
		await expect(page.getByTestId('link-error')).toContainText('This link could not be opened');
		await expect(figureOf(page).locator('.ladder svg:visible')).toBeVisible();

		// A valid link from a future version.
		await page.goto('/playground#v=2&s=' + compressToEncodedURIComponent('seed 1'));
		await page.reload();
		await expect(page.getByTestId('link-error')).toContainText('version 2');

		// A decompression bomb: a few hundred characters that expand past the 20 000 limit.
		await page.goto('/playground#v=1&s=' + compressToEncodedURIComponent('a'.repeat(100_000)));
		await page.reload();
		await expect(page.getByTestId('link-error')).toContainText('longer than 20,000');

		// Well-formed link, but the text is not a scenario: the parser reports it, nothing runs.
		const evil = '<img src=x onerror=alert(1)>\n"); alert(2); ("';
		await page.goto('/playground#v=1&step=0&s=' + compressToEncodedURIComponent(evil));
		await page.reload();
		await expect(page.getByTestId('link-error')).toHaveCount(0);
		await expectText(page, evil);
		await expect(page.locator('.errors')).toContainText('line 1');
		await expect(page.locator('img[src="x"]')).toHaveCount(0);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Scenario playground');
	});
});
