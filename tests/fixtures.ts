/**
 * Shared Playwright fixtures: every test fails on a console error or a page error,
 * and on any request that leaves the site (the app must work offline in a classroom).
 * Import `test` and `expect` from here instead of '@playwright/test'.
 */
import { test as base, expect } from '@playwright/test';

export const test = base.extend<{ pageErrors: string[] }>({
	pageErrors: [
		async ({ page, baseURL }, use) => {
			const errors: string[] = [];
			const origin = new URL(baseURL ?? 'http://localhost:4173').origin;
			page.on('console', (msg) => {
				if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
			});
			page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
			await page.route('**/*', (route) => {
				const url = route.request().url();
				if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
				errors.push(`external request: ${url}`);
				return route.abort();
			});
			await use(errors);
			expect(errors, 'console errors, page errors or external requests').toEqual([]);
		},
		{ auto: true }
	]
});

export { expect };
