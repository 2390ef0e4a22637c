/**
 * Shared Playwright fixtures: every test fails on a console error or a page error,
 * and on any request that leaves the site (the app must work offline in a classroom).
 * Import `test` and `expect` from here instead of '@playwright/test'.
 */
import { test as base, expect, type Page } from '@playwright/test';

/**
 * Pages paint from their HTML before their code has loaded (src/hooks.server.ts: no
 * modulepreload), so the `load` event no longer waits for the code that hydrates them. After
 * `page.goto` and `page.reload` (with JavaScript on) wait until the root layout has mounted
 * (`<html data-hydrated>`), so that a test's first click reaches a working control. A page that
 * never hydrates (an error page, a failed load) is left to the test's own assertions after 15 s.
 */
async function untilHydrated(page: Page): Promise<void> {
	await page.waitForFunction(() => document.documentElement.hasAttribute('data-hydrated'), null, { timeout: 15_000 }).catch(() => {});
}

export const test = base.extend<{ pageErrors: string[] }>({
	page: async ({ page, javaScriptEnabled }, use) => {
		if (javaScriptEnabled !== false) {
			const goto = page.goto.bind(page);
			const reload = page.reload.bind(page);
			page.goto = async (...args) => {
				const response = await goto(...args);
				await untilHydrated(page);
				return response;
			};
			page.reload = async (...args) => {
				const response = await reload(...args);
				await untilHydrated(page);
				return response;
			};
		}
		await use(page);
	},
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

/** The lesson paths (`/lessons/<slug>`) the home page lists, in course order. */
export async function lessonPaths(page: Page): Promise<string[]> {
	await page.goto('/');
	return page.locator('main ol li a[href^="/lessons/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
}

/**
 * Scroll to a lesson's quiz as a reader does, and wait until it is live: with scripts on, the
 * quiz is made when the reader comes near it (LessonQuiz.svelte).
 */
export async function openQuiz(page: Page): Promise<void> {
	await page.locator('#quiz-title').scrollIntoViewIfNeeded();
	await expect(page.locator('#quiz [data-quiz]')).toHaveAttribute('data-quiz', 'live', { timeout: 20_000 });
}
