import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';

/** Move a figure's timeline one step at a time, from where it is, until `target` exists. */
async function stepUntil(figure: Locator, target: Locator): Promise<void> {
	const slider = figure.getByLabel('Position in the timeline');
	const last = Number(await slider.getAttribute('max'));
	for (let k = Number(await slider.inputValue()); k <= last; k++) {
		await slider.fill(String(k));
		await expect(figure.locator('.where')).toContainText(`Step ${k + 1}/`);
		if (await target.count()) return;
	}
	throw new Error(`never appeared: ${target}`);
}

/** Move a figure's timeline to its last step. */
async function toEnd(figure: Locator): Promise<void> {
	const slider = figure.getByLabel('Position in the timeline');
	const last = Number(await slider.getAttribute('max'));
	await slider.fill(String(last));
	await expect(figure.locator('.where')).toContainText(`Step ${last + 1}/`);
}

test.describe('the port exhaustion lesson', () => {
	test('Linux runs out of ports per destination; Windows reuses TIME-WAIT ports, then reports WinSock errors, shown as netstat shows it', async ({ page }) => {
		test.slow(); // steps through a figure one position at a time
		await page.goto('/lessons/port-exhaustion');
		const [linux, windows] = [page.locator('figure.sim').nth(0), page.locator('figure.sim').nth(1)];

		// Linux: the fifth connect() to the API fails, the one to the other server works.
		await stepUntil(linux, linux.locator('.terminal pre', { hasText: 'connect(c5' }));
		const linuxTerm = linux.locator('.terminal pre');
		await expect(linuxTerm).toContainText('strace -e trace=network ./app');
		await expect(linuxTerm).toContainText('connect(c5, 203.0.113.5:443) = -1 EADDRNOTAVAIL');
		await stepUntil(linux, linux.locator('table.ss[data-host="client"] td', { hasText: '198.51.100.7:443' }));
		await expect(linuxTerm).not.toContainText('connect(d1');

		// Windows: the fifth connect() to the API collides with a TIME-WAIT port (event 4227), the
		// other server gets the TIME-WAIT ports, and d5 finds every port held (event 4231).
		await toEnd(windows);
		const winTerm = windows.locator('.terminal pre');
		await expect(winTerm).toContainText('C:\\> app.exe');
		await expect(winTerm).toContainText('connect(c5, 203.0.113.5:443) failed: WSAEADDRINUSE 10048 (Address already in use.)');
		await expect(winTerm).toContainText('connect(d5, 198.51.100.7:443) failed: WSAENOBUFS 10055 (No buffer space available.)');
		await expect(winTerm).not.toContainText('connect(d1');
		const table = windows.locator('table.ss[data-host="client"]');
		await expect(table.locator('caption')).toContainText('netstat -an -p tcp');
		await expect(table.locator('td.state', { hasText: 'TIME_WAIT' })).toHaveCount(4);
		await expect(table.locator('td.state', { hasText: 'ESTABLISHED' })).toHaveCount(4);
		// The servers run Linux: their tables stay in ss style.
		await expect(windows.locator('table.ss[data-host="api"] caption')).toContainText('ss -tan');
		await expect(windows.locator('table.ss[data-host="api"] td.state')).toHaveText(['LISTEN']);
	});
});
