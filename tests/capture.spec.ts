import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { CaptureReader } from '../src/lib/capture/reader';

const fixtures = join(import.meta.dirname, '../src/lib/capture/fixtures');

test.describe('opening a capture', () => {
	test('open a capture, pick a conversation and play it to the end', async ({ page }) => {
		test.slow(); // Reads a file in a worker, plays a figure, opens the playground: three pages' worth.
		await page.goto('/');
		await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Capture' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Open a capture');
		await expect(page.getByTestId('privacy')).toContainText('Nothing is uploaded');

		// Pick a file as a person would: through the file chooser.
		const chooser = page.waitForEvent('filechooser');
		await page.getByText('Choose a file…').click();
		await (await chooser).setFiles(join(fixtures, 'lo-http.pcapng'));

		await expect(page.getByRole('heading', { name: 'lo-http.pcapng' })).toBeVisible();
		await expect(page.getByTestId('packet-count')).toContainText('12: 12 TCP');
		const table = page.getByTestId('conversations');
		await expect(table.locator('tbody tr')).toHaveCount(1);
		await expect(table.locator('thead')).toContainText('Address A');
		await expect(table.locator('thead')).toContainText('Packets A → B');
		await expect(table.locator('tbody tr').first()).toContainText('TIME-WAIT / CLOSED');

		await page.getByRole('button', { name: /Replay TCP stream 0/ }).click();
		const replay = page.getByTestId('replay');
		await expect(replay.getByRole('heading', { level: 2 })).toContainText('client 127.0.0.1:52504 ↔ server 127.0.0.1:18080');

		// The same views as a lesson, on one timeline.
		await expect(replay.getByRole('group', { name: 'Ladder diagram', exact: true })).toBeVisible();
		await expect(replay.getByRole('group', { name: 'Socket tables', exact: true })).toBeVisible();
		await expect(replay.getByRole('group', { name: 'Packet header', exact: true })).toBeVisible();
		await expect(replay.locator('svg[aria-labelledby]').last()).toBeVisible();

		await replay.locator('summary', { hasText: 'Speed' }).click();
		await replay.getByRole('radio', { name: '4×' }).click();
		await expect(replay.locator('summary', { hasText: 'Speed' }).locator('.current')).toHaveText('4×');
		await replay.getByRole('button', { name: 'Play' }).click();
		const client = replay.locator('table.ss[data-host="client"]');
		await expect(client.locator('td.state', { hasText: 'ESTABLISHED' })).toBeVisible({ timeout: 30_000 });
		await expect(client.locator('td.state', { hasText: 'TIME-WAIT' })).toBeVisible({ timeout: 60_000 });
		// Played to the end: the last step, Play offered again; the client holds TIME-WAIT, the server is gone.
		await expect(replay.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 30_000 });
		await expect(replay.locator('.controls .where')).toContainText('Step 12/12');
		await expect(replay.locator('table.ss[data-host="server"] td.state')).toHaveCount(0);
		await expect(replay.getByTestId('anomalies')).toContainText('holds TIME-WAIT');

		// Open in playground: the scenario replays the segments.
		await replay.getByTestId('open-playground').click();
		await expect(page).toHaveURL(/\/playground#v=1/, { timeout: 30_000 });
		await expect(page.locator('figure.sim').first()).toBeVisible();
		// The editor is a textarea or CodeMirror: read whichever holds the text.
		await expect
			.poll(() =>
				page.evaluate(() => (document.querySelector('.cm-content') as HTMLElement | null)?.innerText ?? (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value ?? '')
			)
			.toContain('inject client->server 52504>18080 S seq=1727653859');
	});

	test('anomalies are explained and Show moves the playhead to the packet', async ({ page }) => {
		test.slow();
		await page.goto('/capture');
		await page.getByRole('button', { name: 'TCP anomalies' }).click();
		await expect(page.getByTestId('conversations').locator('tbody tr')).toHaveCount(9);
		await page.getByRole('button', { name: /Replay TCP stream 2,/ }).click();
		const replay = page.getByTestId('replay');
		const list = replay.getByTestId('anomalies');
		await expect(list.locator('li[data-kind="syn-unanswered"]')).toContainText('never answered');
		await list.locator('li[data-kind="retransmission"]').first().getByRole('button', { name: /Show/ }).click();
		await expect(replay.getByTestId('callout')).toContainText('sends its SYN again');
		await expect(replay.locator('.header-view .flag.on')).toHaveText(['SYN']);

		// A connection that began before the capture says so.
		await page.getByRole('button', { name: /Replay TCP stream 4,/ }).click();
		await expect(replay.getByTestId('mid-connection')).toBeVisible();
		await expect(replay.getByTestId('anomalies').locator('li[data-kind="half-open"]')).toContainText('no connection for this 4-tuple');
	});

	test('on a phone each conversation row shows its endpoints, counts and states without scrolling sideways', async ({ page }) => {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto('/capture');
		await page.getByRole('button', { name: 'TCP anomalies' }).click();
		const first = page.getByTestId('conversations').locator('tbody tr').first().locator('.compact');
		await expect(first).toBeVisible();
		await expect(first).toHaveText(/192\.168\.10\.2:50000 ↔ 192\.168\.10\.1:80\s*18 packets · 6\.2 kB\s*TIME-WAIT \/ CLOSED · 6 anomalies/);
		const box = await first.boundingBox();
		expect(box!.x + box!.width).toBeLessThanOrEqual(390);
		// Nothing on the page is wider than the phone: the extra columns scroll inside the table.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	});

	test('a file that is not a capture gets one clear sentence; progress and Cancel show while reading', async ({ page }) => {
		await page.goto('/capture');
		await page.locator('#capture-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, this is not a capture\n') });
		await expect(page.getByTestId('capture-error')).toContainText('Not a pcap or pcapng capture');
		await expect(page.getByTestId('conversations')).toHaveCount(0);

		// A large capture (written to disk, handed over by path as a person's file pick is): the
		// progress bar shows and Cancel stops the worker.
		const one = readFileSync(join(fixtures, 'tcp-anomalies.pcap'));
		const body = one.subarray(24);
		const big = join(mkdtempSync(join(tmpdir(), 'portlab-e2e-')), 'big.pcap');
		writeFileSync(big, one);
		const block = Buffer.concat(Array.from({ length: 100 }, () => body));
		for (let i = 0; i < 60; i++) appendFileSync(big, block);
		await page.locator('#capture-file').setInputFiles(big);
		// 186 MB: reading takes seconds even on a fast machine, so the progress bar is there to cancel.
		const progress = page.getByTestId('progress');
		await expect(progress).toBeVisible();
		await expect(progress.getByRole('progressbar')).toBeVisible();
		await progress.getByRole('button', { name: 'Cancel' }).click();
		await expect(page.getByTestId('capture-error')).toContainText('cancelled');
		await expect(progress).toHaveCount(0);
		await expect(page.getByTestId('conversations')).toHaveCount(0);
	});

	test('a lesson figure exports its run as a capture (pcapng) that reads back', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		const figure = page.locator('figure.sim').first();
		await figure.getByText('Export').click();
		const download = page.waitForEvent('download');
		await figure.getByRole('button', { name: 'Capture (pcapng)' }).click();
		const file = await (await download).path();
		expect((await download).suggestedFilename()).toMatch(/\.pcapng$/);
		let packets = 0;
		const reader = new CaptureReader(() => packets++);
		reader.push(readFileSync(file!));
		reader.end();
		expect(reader.error).toBeNull();
		expect(reader.warnings).toEqual([]);
		expect(reader.info?.format).toBe('pcapng');
		expect(packets).toBeGreaterThan(5);
	});
});
