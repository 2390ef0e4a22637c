import { test, expect } from './fixtures';

test.describe('the TCP handshake lesson', () => {
	test('plays the live simulation to the end: SYN-SENT, ESTABLISHED, then TIME-WAIT for the client', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('The TCP handshake and TIME-WAIT');

		const figure = page.locator('figure.sim').first();
		const client = figure.locator('table.ss[data-host="client"]');
		await expect(client.locator('caption')).toContainText('client');

		// Before anything happens the client has no socket.
		await expect(client.locator('td.state')).toHaveCount(0);

		// Default speed (1×, 0.9 s a step): each state stays on screen long enough to be seen, as for a person.
		await figure.getByRole('button', { name: 'Play' }).click();
		await expect(figure.getByRole('button', { name: 'Pause' })).toBeVisible();

		// The client's socket goes through the active-open states, then the active-close states.
		await expect(client.locator('td.state', { hasText: 'SYN-SENT' })).toBeVisible();
		await expect(client.locator('td.state', { hasText: 'ESTABLISHED' })).toBeVisible({ timeout: 30_000 });
		await expect(client.locator('td.state', { hasText: 'TIME-WAIT' })).toBeVisible({ timeout: 60_000 });
		// The server closed second (passive close), so it never shows TIME-WAIT.
		const server = figure.locator('table.ss[data-host="server"]');
		await expect(server.locator('td.state', { hasText: 'TIME-WAIT' })).toHaveCount(0);

		// Played to the end: Play is offered again and the TIME-WAIT socket is gone after 2×MSL.
		await expect(figure.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 60_000 });
		await expect(client.locator('td.state')).toHaveCount(0);
		await expect(figure.locator('.where')).toContainText('t = ');
	});

	test('steps with the keyboard and shows the swapped reply in the header view', async ({ page }) => {
		await page.goto('/lessons/tcp-handshake');
		const figure = page.locator('figure.sim').first();
		const forward = figure.getByRole('button', { name: 'Step forward' });
		const where = figure.locator('.where');
		await forward.focus();
		// As a person does: press a key, see the figure move one step, look at the header view, and
		// press again only if the packet is not there yet. One key press is one step, whether it
		// lands on the prerendered frame or on the live figure.
		let step = 1;
		const press = async (key: string) => {
			await page.keyboard.press(key);
			step++;
			await expect(where).toContainText(`Step ${step}/`);
		};
		// Step until the first packet (the SYN) is in the header view.
		for (let i = 0; i < 10 && !(await figure.locator('.header-view .title').count()); i++) await press('Enter');
		await expect(figure.locator('.header-view .flag.on')).toHaveText(['SYN']);
		// Keep stepping to the SYN,ACK: the reply swaps source and destination.
		for (let i = 0; i < 10 && !(await figure.locator('.header-view .swap').count()); i++) await press('ArrowRight');
		await expect(figure.locator('.header-view .swap')).toContainText('swapped');
		await expect(figure.locator('.header-view .flag.on')).toHaveText(['SYN', 'ACK']);
	});

	test('on a phone the ladder starts with relative sequence numbers; the reader can switch back', async ({ page }) => {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto('/lessons/tcp-handshake');
		const figure = page.locator('figure.sim').first();
		const box = figure.getByRole('checkbox', { name: /Relative sequence numbers/ });
		await expect(box).toBeChecked();
		await figure.getByLabel('Position in the timeline').fill('3');
		// The label starts with the ports, even on a phone; the SYN's options follow its seq.
		const syn = figure.locator('.ladder g.pkt-label .label').first();
		await expect(syn).toHaveAttribute('data-label', /^\d{5} → 80 {2}SYN seq=0 {2}mss 1460 ws 7 sack ts$/);
		await box.uncheck();
		await expect(syn).toHaveAttribute('data-label', /^\d{5} → 80 {2}SYN seq=\d{1,10} {2}mss 1460 ws 7 sack ts$/);
		await expect(syn).not.toHaveAttribute('data-label', /seq=0 /);
		// the reader's choice stays when the layout changes
		await page.setViewportSize({ width: 380, height: 844 });
		await expect(box).not.toBeChecked();
	});
});

test('the home page lists the lessons in order and links to them', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('ports, sockets and TCP');
	const links = page.locator('ol li a');
	expect(await links.count()).toBeGreaterThanOrEqual(2);
	await page.getByRole('link', { name: /The TCP handshake and TIME-WAIT/ }).click();
	await expect(page).toHaveURL(/\/lessons\/tcp-handshake$/);
	await expect(page.getByRole('link', { name: /Previous/ })).toBeVisible();
});
