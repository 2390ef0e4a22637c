import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

/**
 * Content-Security-Policy (issue 12 item 6): every prerendered page carries the policy, and no page
 * reports a violation while it loads, hydrates and runs a figure. Violations are collected from
 * the `securitypolicyviolation` event (registered before any page script runs); the shared fixture
 * additionally fails on the console error Chromium prints for each one.
 */

/** Every page the build wrote, as a URL path ('/', '/lessons/udp', …). */
function builtPages(): string[] {
	const root = join(process.cwd(), 'build');
	const out: string[] = [];
	const walk = (dir: string): void => {
		for (const e of readdirSync(dir, { withFileTypes: true })) {
			const p = join(dir, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.name.endsWith('.html') && e.name !== '404.html') {
				const path = '/' + relative(root, p).replace(/\\/g, '/').replace(/\.html$/, '');
				out.push(path === '/index' ? '/' : path.replace(/\/index$/, ''));
			}
		}
	};
	walk(root);
	return out.sort();
}

async function watchViolations(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const w = window as unknown as { __csp: string[] };
		w.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			w.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
		});
	});
}

const violations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

const pages = builtPages();

test('the build holds the pages this test walks', () => {
	expect(pages).toContain('/');
	expect(pages).toContain('/lessons/tcp-handshake');
	expect(pages).toContain('/playground');
	expect(pages.length).toBeGreaterThan(15);
});

for (const path of pages) {
	test(`${path} carries a strict script policy and reports no violation`, async ({ page }) => {
		await watchViolations(page);
		await page.goto(path);
		await page.waitForLoadState('networkidle');
		const policy = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
		expect(policy).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
		expect(policy).not.toContain('unsafe-eval');
		expect(policy).toContain("object-src 'none'");
		expect(await violations(page)).toEqual([]);
	});
}

test('the playground steps a figure and exports a PNG without a violation', async ({ page }) => {
	await watchViolations(page);
	await page.goto('/playground');
	const figure = page.locator('section.run figure.sim');
	await expect(figure.locator('.ladder svg:visible')).toBeVisible();
	for (let i = 0; i < 4; i++) await figure.getByRole('button', { name: 'Step forward' }).click();
	// The PNG export draws the SVG onto a canvas through a blob: image (img-src blob:).
	await figure.locator('summary', { hasText: 'Export' }).click();
	const [download] = await Promise.all([page.waitForEvent('download'), figure.getByRole('button', { name: /^PNG/ }).click()]);
	expect(download.suggestedFilename()).toMatch(/\.png$/);
	expect(await violations(page)).toEqual([]);
});
