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

test.describe('the port exhaustion lesson', () => {
	test('Linux runs out of ports per destination; Windows for the whole host, shown as netstat shows it', async ({ page }) => {
		await page.goto('/lessons/port-exhaustion');
		const [linux, windows] = [page.locator('figure.sim').nth(0), page.locator('figure.sim').nth(1)];

		// Linux: the fifth connect() to the API fails, the one to the other server works.
		await stepUntil(linux, linux.locator('.terminal pre', { hasText: 'connect(c5' }));
		const linuxTerm = linux.locator('.terminal pre');
		await expect(linuxTerm).toContainText('strace -e trace=network ./app');
		await expect(linuxTerm).toContainText('connect(c5, 203.0.113.5:443) = -1 EADDRNOTAVAIL');
		await stepUntil(linux, linux.locator('table.ss[data-host="client"] td', { hasText: '198.51.100.7:443' }));
		await expect(linuxTerm).not.toContainText('connect(d1');

		// Windows: the same four connections leave no port for the other server either.
		await stepUntil(windows, windows.locator('.terminal pre', { hasText: 'connect(d1' }));
		const winTerm = windows.locator('.terminal pre');
		await expect(winTerm).toContainText('C:\\> app.exe');
		await expect(winTerm).toContainText('connect(c5, 203.0.113.5:443) failed: EADDRNOTAVAIL');
		await expect(winTerm).toContainText('connect(d1, 198.51.100.7:443) failed: EADDRNOTAVAIL');
		const table = windows.locator('table.ss[data-host="client"]');
		await expect(table.locator('caption')).toContainText('netstat -an -p tcp');
		await expect(table.locator('td.state', { hasText: 'TIME_WAIT' })).toHaveCount(4);
		// The servers run Linux: their tables stay in ss style.
		await expect(windows.locator('table.ss[data-host="api"] caption')).toContainText('ss -tan');
		await expect(windows.locator('table.ss[data-host="api"] td.state')).toHaveText(['LISTEN']);
	});
});
