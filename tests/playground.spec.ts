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
const editorOf = (page: Page) => page.getByRole('textbox', { name: 'Scenario text' });

test.describe('the scenario playground', () => {
	test('builds a scenario with the controls, shares it, and a fresh browser opens the same step', async ({ page, browser, baseURL }) => {
		await page.goto('/playground');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Scenario playground');
		await page.getByRole('button', { name: /New empty scenario/ }).click();
		await expect(editorOf(page)).toHaveValue(/^# My scenario/);

		const hostForm = page.locator('form', { has: page.getByRole('heading', { name: 'Add a host' }) });
		const stepForm = page.locator('form', { has: page.getByRole('heading', { name: 'Add a step' }) });

		// Two hosts: the form suggests client, then server (root, linked to client).
		await expect(hostForm.getByLabel('Name')).toHaveValue('client');
		await hostForm.getByLabel('OS').selectOption('macos');
		await hostForm.getByRole('button', { name: 'Add host' }).click();
		await expect(editorOf(page)).toHaveValue(/host client 192\.168\.1\.10 os=macos\n/);
		await expect(hostForm.getByLabel('Name')).toHaveValue('server');
		await expect(hostForm.getByLabel(/root/)).toBeChecked();
		await expect(hostForm.getByLabel('Link to')).toHaveValue('client');
		await hostForm.getByRole('button', { name: 'Add host' }).click();
		await expect(editorOf(page)).toHaveValue(/host server 203\.0\.113\.5 root\nlink server client latency=10ms\n/);

		// Steps: listen, connect, send, close.
		await expect(stepForm.getByLabel('Host')).toHaveValue('server');
		await stepForm.getByLabel('At', { exact: true }).fill('0ms');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		await expect(editorOf(page)).toHaveValue(/0ms +server listen 80 as=web/);

		await stepForm.getByLabel('Action').selectOption('connect');
		await expect(stepForm.getByLabel('Host')).toHaveValue('client');
		await expect(stepForm.getByLabel('To')).toHaveValue('server');
		await expect(stepForm.getByLabel('Socket name')).toHaveValue('c1');
		await stepForm.getByLabel('At', { exact: true }).fill('10ms');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		await expect(editorOf(page)).toHaveValue(/10ms +client connect server:80 as=c1/);

		await stepForm.getByLabel('Action').selectOption('send');
		await expect(stepForm.getByLabel('Socket', { exact: true })).toHaveValue('web');
		await stepForm.getByLabel('Socket', { exact: true }).selectOption('c1');
		await stepForm.getByLabel('Text').fill('GET /');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		await expect(editorOf(page)).toHaveValue(/\+50ms +c1 send 100 "GET \/"/);

		await stepForm.getByLabel('Action').selectOption('close');
		await stepForm.getByLabel('Socket', { exact: true }).selectOption('c1');
		await stepForm.getByRole('button', { name: 'Add step' }).click();
		await expect(editorOf(page)).toHaveValue(/\+50ms +c1 close/);
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
		const text = await editorOf(page).inputValue();

		const fresh = await freshPage(browser, baseURL);
		await fresh.page.goto(url);
		const figure2 = figureOf(fresh.page);
		await expect(figure2.locator('.where')).toContainText('Step 7/');
		await expect(editorOf(fresh.page)).toHaveValue(text);
		await expect(figure2.locator('.narration .now')).toHaveText(narration);
		await expect(figure2.locator('.ladder .host-name')).toHaveText(['client', 'server']);
		await expect(fresh.page.getByTestId('link-error')).toHaveCount(0);
		expect(fresh.errors).toEqual([]);
		await fresh.context.close();
	});

	test('shows errors inline at their line and keeps the last good figure', async ({ page }) => {
		await page.goto('/playground');
		const editor = editorOf(page);
		await expect(figureOf(page).locator('.ladder svg')).toBeVisible();
		const lines = (await editor.inputValue()).split('\n').length;
		await editor.press('Control+End');
		await editor.pressSequentially('\n5ms client lissen 80');
		const errors = page.locator('.errors');
		await expect(errors).toContainText(`line ${lines + 1}`);
		await expect(page.locator('.gutter .err')).toHaveText(String(lines + 1));
		await expect(editor).toHaveAttribute('aria-invalid', 'true');
		// The figure still shows the last version that ran.
		await expect(figureOf(page).locator('.ladder svg')).toBeVisible();
		// The error's line button puts the caret on that line.
		await errors.getByRole('button', { name: `line ${lines + 1}` }).click();
		await expect(editor).toBeFocused();
		for (let i = 0; i < 'lissen 80'.length + 8; i++) await editor.press('Backspace');
		await expect(page.locator('.errors')).toHaveCount(0);
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
		await expect(editorOf(page)).toHaveValue(/0ms +server listen 80 as=web/);
		await expect(figureOf(page).locator('.ladder')).toBeVisible();
		await page.waitForTimeout(600);
		await expect(stepForm.getByLabel('At', { exact: true })).toHaveValue('10ms');
		await expect(hostForm.getByLabel('Name')).toHaveValue('db');
	});

	test('a gallery demo loads and plays', async ({ page }) => {
		await page.goto('/playground');
		await page.getByRole('button', { name: /RST from a closed port/ }).click();
		await expect(page.getByRole('button', { name: /RST from a closed port/ })).toHaveAttribute('aria-pressed', 'true');
		await expect(editorOf(page)).toHaveValue(/rst-closed-port\.scn/);
		const figure = figureOf(page);
		await expect(figure.locator('figcaption')).toHaveText('RST from a closed port');
		await figure.getByLabel('Position in the timeline').fill('20');
		await expect(figure.locator('.ladder g.pkt.rst')).toHaveCount(1);
	});

	test('a tampered, oversized or non-scenario link shows an error, not a broken page', async ({ page }) => {
		page.on('dialog', () => {
			throw new Error('a link must never run code');
		});
		// Garbage in the compressed text.
		await page.goto('/playground#v=1&seed=1&step=3&s=N4Ig%%%<script>');
		await expect(page.getByTestId('link-error')).toContainText('This link could not be opened');
		await expect(figureOf(page).locator('.ladder svg')).toBeVisible();

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
		await expect(editorOf(page)).toHaveValue(evil);
		await expect(page.locator('.errors')).toContainText('line 1');
		await expect(page.locator('img[src="x"]')).toHaveCount(0);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Scenario playground');
	});
});
