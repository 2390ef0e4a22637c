/**
 * Figure audit (issue 10): every step of every figure of every lesson, on a phone (390×844), on
 * a laptop (1280×800, relative sequence numbers on) and in presentation mode (1920×1080). Each
 * step is checked in one round trip to the page (tests/figure-audit.ts): nothing overlaps,
 * every TCP/UDP label shows its ports, no absolute number in relative mode, no table cell cut
 * off, and in presentation mode the type is big enough for the back of a classroom.
 *
 * One test per lesson and size, so the suite's workers share the work.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { LESSONS, problems, report } from './figure-audit';

const SIZES = {
	phone: { width: 390, height: 844 },
	laptop: { width: 1280, height: 800 },
	present: { width: 1920, height: 1080 }
} as const;

async function open(page: Page, slug: string) {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.goto(`/lessons/${slug}`);
	await page.waitForLoadState('networkidle');
	// The figures are hydrated once their controls respond.
	await expect(page.locator('figure.sim').first().getByRole('button', { name: 'Step forward' })).toBeEnabled();
}

for (const slug of LESSONS) {
	for (const size of ['phone', 'laptop'] as const) {
		test(`figure audit: ${slug} at ${SIZES[size].width}×${SIZES[size].height}`, async ({ page }) => {
			test.setTimeout(300_000);
			await page.setViewportSize(SIZES[size]);
			await open(page, slug);
			const figures = page.locator('figure.sim');
			const found: string[] = [];
			let steps = 0;
			for (let f = 0; f < (await figures.count()); f++) {
				const fig = figures.nth(f);
				await fig.scrollIntoViewIfNeeded();
				// On the laptop, audit relative numbers wherever a figure has TCP.
				const box = fig.getByRole('checkbox', { name: /Relative sequence numbers/ });
				if (size === 'laptop' && (await box.count()) && !(await box.isChecked())) await box.check();
				const last = Number(await fig.locator('input[type=range]').getAttribute('max'));
				for (let s = 0; s <= last; s++) {
					found.push(...problems(await report(fig, { step: s, label: `figure ${f + 1}` }), 'page'));
					steps++;
				}
			}
			expect(steps).toBeGreaterThan(0);
			expect(found).toEqual([]);
		});
	}

	test(`figure audit: ${slug} in presentation mode at 1920×1080`, async ({ page }) => {
		test.setTimeout(300_000);
		await page.setViewportSize(SIZES.present);
		// The presentation fills the window as a fixed overlay (what it does wherever full screen is
		// refused): the audit measures the same layout without the browser's full-screen transitions.
		await page.addInitScript(() => {
			Element.prototype.requestFullscreen = () => Promise.reject(new Error('full screen refused by the figure audit'));
		});
		await open(page, slug);
		const figures = page.locator('figure.sim');
		const found: string[] = [];
		for (let f = 0; f < (await figures.count()); f++) {
			const fig = figures.nth(f);
			await fig.scrollIntoViewIfNeeded();
			await fig.locator('input[type=range]').evaluate((el: HTMLInputElement) => {
				el.value = '0';
				el.dispatchEvent(new Event('input', { bubbles: true }));
			});
			const last = Number(await fig.locator('input[type=range]').getAttribute('max'));
			await fig.getByRole('button', { name: 'Present' }).click();
			const dialog = page.getByTestId('presentation');
			await expect(dialog).toBeVisible({ timeout: 30_000 });
			for (let s = 0; s <= last; s++) {
				found.push(...problems(await report(dialog, { forward: s > 0, label: `figure ${f + 1} presented` }), 'present'));
			}
			await expect(dialog.locator('.where')).toContainText(`Step ${last + 1}/${last + 1}`);
			await page.keyboard.press('Escape');
			await expect(dialog).toHaveCount(0);
		}
		expect(found).toEqual([]);
	});
}

test('reliable-delivery starts in relative mode and shows the numbers its prose quotes', async ({ page }) => {
	for (const size of [SIZES.phone, SIZES.laptop]) {
		await page.setViewportSize(size);
		await open(page, 'reliable-delivery');
		const fig = page.locator('figure.sim').first();
		await expect(fig.getByRole('checkbox', { name: /Relative sequence numbers/ })).toBeChecked();
		await fig.locator('input[type=range]').evaluate((el: HTMLInputElement) => {
			el.value = el.max;
			el.dispatchEvent(new Event('input', { bubbles: true }));
		});
		const labels = await fig.locator('g.pkt text.label').evaluateAll((ts) => ts.map((t) => (t as SVGTextElement).dataset.label ?? ''));
		const lost = await fig.locator('g.pkt.lost text.label').evaluateAll((ts) => ts.map((t) => (t as SVGTextElement).dataset.label ?? ''));
		expect(lost).toHaveLength(1);
		expect(lost[0]).toMatch(/seq=1001\b/);
		expect(labels.filter((l) => /\back=1001\b/.test(l) && !/len=/.test(l))).toHaveLength(2);
		expect(labels.some((l) => /\back=3001\b/.test(l))).toBe(true);
		expect(labels.some((l) => /\bseq=2001\b/.test(l))).toBe(true);
	}
});

test('the relative-numbers box appears only on figures with TCP', async ({ page }) => {
	await open(page, 'udp');
	await expect(page.locator('figure.sim').first().getByRole('checkbox', { name: /Relative sequence numbers/ })).toHaveCount(0);
	await open(page, 'tcp-handshake');
	await expect(page.locator('figure.sim').first().getByRole('checkbox', { name: /Relative sequence numbers/ })).toHaveCount(1);
});
