import { test, expect } from './fixtures';

/**
 * Figures in the prerendered HTML (issue 18 item 1): with JavaScript off, a lesson's figure still
 * shows its first frame, built at prerender time from the scenario's trace: the ladder's lifelines
 * and host names, the socket tables, the step counter and the narration, whose event log names
 * the first segment with its ports. Without the server-side frame the figure is an empty box.
 */
test.use({ javaScriptEnabled: false });

test('a lesson shows its figure first frame with JavaScript disabled', async ({ page }) => {
	await page.goto('/lessons/tcp-handshake');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('The TCP handshake and TIME-WAIT');
	const fig = page.locator('figure.sim').first();
	await expect(fig.getByText(/Step 1\/\d+ · t = 0 ms/)).toBeVisible();

	// The ladder: one lifeline per host, the host names with their addresses, the server's LISTEN.
	// The page holds one drawing per width class (phone, laptop, projector); CSS shows one.
	await expect(fig.locator('[data-view="ladder"] svg')).toHaveCount(3);
	const ladder = fig.locator('[data-view="ladder"] svg:visible');
	await expect(ladder).toHaveCount(1);
	await expect(ladder).toBeVisible();
	expect(await ladder.locator('line.lifeline').count()).toBeGreaterThanOrEqual(2);
	await expect(ladder.locator('text.host-name')).toHaveText(['client', 'server']);
	await expect(ladder.locator('text.host-ip')).toHaveText(['192.168.1.10', '203.0.113.5']);
	await expect(ladder.locator('g.state text')).toHaveText(['LISTEN · web']);
	const box = await ladder.boundingBox();
	expect(box?.height).toBeGreaterThan(100);

	// The socket tables as `ss -tan` prints them at that step.
	const server = fig.locator('table.ss[data-host="server"]');
	await expect(server.locator('td.state')).toHaveText(['LISTEN']);

	// The first segment, with its ports, in the prerendered event log.
	await fig.getByText(/Full event log/).click();
	await expect(fig.getByText(/sends SYN seq=\d+ from 192\.168\.1\.10:\d+ to 203\.0\.113\.5:80/).first()).toBeVisible();
});

test('with JavaScript disabled, a phone and a projector get their own drawing of the ladder', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto('/lessons/tcp-handshake');
	const fig = page.locator('figure.sim').first();
	const shown = fig.locator('[data-view="ladder"] .ladder:visible');
	await expect(shown).toHaveCount(1);
	await expect(shown).toHaveAttribute('data-fit', 'narrow');
	// The phone's drawing fits the phone: no sideways scrolling at the first step.
	const fits = await shown.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
	expect(fits).toBe(true);

	await page.setViewportSize({ width: 1920, height: 1080 });
	await expect(shown).toHaveAttribute('data-fit', 'normal');
	await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'projector'));
	await expect(shown).toHaveAttribute('data-fit', 'projector');
});
