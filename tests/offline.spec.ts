import { test, expect } from './fixtures';

/**
 * Offline course (issue 18 item 3): after one visit the service worker (Workbox, built by
 * @vite-pwa/sveltekit) holds every page, so with the network off the reader still opens other
 * lessons (by link and by address), the exam and the playground, and their figures still run.
 * The other specs block service workers (playwright.config.ts); this one needs them.
 */
test.use({ serviceWorkers: 'allow' });

test('after a first visit, lessons, the exam and the playground open offline', async ({ page, context, pageErrors }) => {
	test.setTimeout(120_000);
	await page.goto('/lessons/why-ports');
	await expect(page.getByRole('heading', { level: 1 })).not.toBeEmpty();
	// The worker registers after the load event, precaches the site and claims the page.
	await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 90_000 });
	const cached = await page.evaluate(async () => {
		const keys = await caches.keys();
		let n = 0;
		for (const k of keys) n += (await (await caches.open(k)).keys()).length;
		return n;
	});
	expect(cached).toBeGreaterThan(100);

	await context.setOffline(true);
	// The network is really off: a request the worker does not answer fails (and Chromium logs it,
	// the one console error this test expects).
	expect(await page.evaluate(() => fetch('/not-precached-' + Date.now()).then(() => 'online', () => 'offline'))).toBe('offline');
	expect(pageErrors).toEqual(['console: Failed to load resource: net::ERR_INTERNET_DISCONNECTED']);
	pageErrors.length = 0;

	// By link (client-side navigation: the next lesson's data and code come from the cache, so the
	// document is not loaded again).
	await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
	await page.getByRole('link', { name: /Next →/ }).click();
	await expect(page).toHaveURL(/\/lessons\/port-ranges$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/./);
	expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);

	// By address (a full page load served by the worker), and its figure plays.
	await page.goto('/lessons/tcp-handshake');
	await expect(page.getByRole('heading', { level: 1, name: /TCP handshake/ })).toBeVisible();
	const fig = page.locator('figure.sim').first();
	await expect(fig.locator('.ladder svg line.lifeline').first()).toBeAttached();
	const forward = fig.getByRole('button', { name: 'Step forward' });
	for (let i = 0; i < 10 && !(await fig.locator('.ladder [data-label]').count()); i++) await forward.click();
	await expect(fig.locator('.ladder [data-label]').first()).toHaveAttribute('data-label', /SYN/);

	// The exam's question bank is a file of its own (/exam/questions.json), fetched on Start: it is
	// in the offline copy too, so an exam starts with the network off.
	await page.goto('/exam');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await page.getByRole('radio', { name: '10', exact: true }).check();
	await page.getByRole('button', { name: 'Start exam' }).click();
	await expect(page.getByText('Question 1 of 10')).toBeVisible();
	await page.goto('/playground');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(page.locator('.notice.error')).toHaveCount(0);
	await context.setOffline(false);
});
