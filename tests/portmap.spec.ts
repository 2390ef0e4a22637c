/**
 * The port map view shows what the scenario uses: the host's real range outlined (range=, not
 * the OS default), zoomed in from the whole port space, and a visible mark for every port in use
 * matching the legend's counts.
 */
import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';

async function seek(figure: Locator, k: number) {
	await figure.getByLabel('Position in the timeline').fill(String(k));
	await expect(figure.locator('.where')).toContainText(`Step ${k + 1}/`);
}

test.describe('the port map', () => {
	test('zooms to range=40000-40003 and marks each port in use, as the legend counts them', async ({ page }) => {
		await page.goto('/lessons/port-exhaustion');
		const figure = page.locator('figure.sim').first();
		// The prerendered frame holds one drawing per width class (fit.ts); the one shown is the map.
		const map = figure.locator('.port-map svg:visible');
		await expect(map).toBeVisible();
		await expect(map).toContainText('Linux host, ephemeral range 40000–40003 (4 ports)');
		await expect(map).not.toContainText('ephemeral range 32768–60999');
		await seek(figure, 30);
		await expect(map.locator('text.legend')).toContainText(['connected 1', 'TIME-WAIT 3', 'bound 0', 'just freed 0', 'ephemeral range 40000–40003']);
		// The detail strip: one labelled cell per port, the four in use filled.
		for (const p of ['39998', '40000', '40003', '40005']) await expect(map.locator('text.tick', { hasText: new RegExp(`^${p}$`) })).toBeVisible();
		const cells = map.locator('rect.mark.st-time-wait:not([width="0"])');
		const tw = await cells.evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).filter((r) => r.width >= 20 && r.height >= 20).length);
		expect(tw).toBeGreaterThanOrEqual(3);
		const conn = await map
			.locator('rect.mark.st-connected')
			.evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).filter((r) => r.width >= 20 && r.height >= 20).length);
		expect(conn).toBeGreaterThanOrEqual(1);
		await expect(figure.getByText('connected 1')).toHaveCount(1);
	});

	test('shows a port reused while in TIME-WAIT as both connected and TIME-WAIT (Windows figure)', async ({ page }) => {
		await page.goto('/lessons/port-exhaustion');
		const figure = page.locator('figure.sim').nth(1);
		const map = figure.locator('.port-map svg');
		const last = Number(await figure.getByLabel('Position in the timeline').getAttribute('max'));
		await seek(figure, last);
		// netstat lists 50000–50003 twice: TIME_WAIT to 203.0.113.5, ESTABLISHED to 198.51.100.7.
		await expect(figure.locator('table.ss[data-host="client"] td.state', { hasText: 'TIME_WAIT' })).toHaveCount(4);
		await expect(map.locator('text.legend')).toContainText(['connected 4', 'TIME-WAIT 4']);
		// Each of the four cells is split: a connected half above a TIME-WAIT half.
		const halves = await map.locator('rect.mark.st-connected, rect.mark.st-time-wait').evaluateAll((els) =>
			els.map((el) => ({ tw: el.classList.contains('st-time-wait'), r: el.getBoundingClientRect() })).filter((h) => h.r.height >= 12 && h.r.width >= 20)
		);
		const cells = new Map<number, { tw: boolean; top: number }[]>();
		for (const h of halves) cells.set(Math.round(h.r.left), [...(cells.get(Math.round(h.r.left)) ?? []), { tw: h.tw, top: h.r.top }]);
		const split = [...cells.values()].filter((c) => c.length === 2 && c.find((h) => !h.tw)!.top < c.find((h) => h.tw)!.top);
		expect(split).toHaveLength(4);
	});

	test('gives a visible mark to each port even in a 28,232-port range', async ({ page }) => {
		await page.goto('/lessons/ephemeral-ports');
		const figure = page.locator('figure.sim').first();
		const map = figure.locator('.port-map svg');
		await seek(figure, 12);
		await expect(map).toContainText('ephemeral range 32768–60999 (28,232 ports)');
		await expect(map.locator('text.legend').first()).toHaveText('connected 3');
		// Three ports in use, each inside a mark at least 3 px wide on both strips.
		const widths = await map.locator('rect.mark.st-connected').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
		expect(widths.filter((w) => w >= 2.9).length).toBeGreaterThanOrEqual(4);
		expect(widths.every((w) => w >= 2.9)).toBe(true);
		// The ports are named under the detail strip.
		const ports = await figure.locator('table.ss[data-host="linux"] td').allInnerTexts();
		const used = ports.map((t) => /192\.168\.1\.10:(\d+)/.exec(t)?.[1]).filter(Boolean);
		expect(used).toHaveLength(3);
		for (const p of used) {
			await expect(map.locator('text.tick', { hasText: new RegExp(`(^|–)${p}($|–)`) })).toHaveCount(1);
		}
	});
});
