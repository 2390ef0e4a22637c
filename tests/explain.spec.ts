import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

/** Listings pasted as a person would: not the page's examples, each in its tool's own layout. */
const WINDOWS = [
	'C:\\Users\\ana> netstat -ano',
	'',
	'Active Connections',
	'',
	'  Proto  Local Address          Foreign Address        State           PID',
	'  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       960',
	'  TCP    0.0.0.0:3306           0.0.0.0:0              LISTENING       3012',
	'  TCP    10.1.2.3:49811         10.1.2.50:443          CLOSE_WAIT      7720',
	'  TCP    10.1.2.3:49812         10.1.2.50:443          CLOSE_WAIT      7720',
	'  TCP    10.1.2.3:49813         10.1.2.50:443          CLOSE_WAIT      7720',
	'  TCP    10.1.2.3:49814         10.1.2.50:443          CLOSE_WAIT      7720',
	'  TCP    10.1.2.3:49815         10.1.2.50:443          CLOSE_WAIT      7720',
	'  TCP    10.1.2.3:49820         10.1.2.60:80           ESTABLISHED     7720',
	'  TCP    [::]:135               [::]:0                 LISTENING       960',
	'  UDP    0.0.0.0:123            *:*                                    1400',
	''
].join('\r\n');

const MACOS = [
	'Active Internet connections (including servers)',
	'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)',
	'tcp4       0      0  192.168.0.5.50123      198.51.100.9.443       SYN_SENT',
	'tcp4       0      0  192.168.0.5.50124      198.51.100.9.443       SYN_SENT',
	'tcp4       0      0  192.168.0.5.50125      198.51.100.9.443       SYN_SENT',
	'tcp6       0      0  2001:db8:aaaa:bb.50200 2001:db8:cccc:dd.443   ESTABLISHED',
	'tcp46      0      0  *.8080                 *.*                    LISTEN',
	'udp4       0      0  *.5353                 *.*',
	'Active LOCAL (UNIX) domain sockets',
	'Address          Type   Recv-Q Send-Q            Inode             Conn             Refs          Nextref Addr',
	'ae5c1f2d6b3a1b8f stream      0      0                0 ae5c1f2d6b3a1c57                0                0',
	''
].join('\n');

/** ss -tan of a client that opens a new connection per request: 3,000 TIME-WAIT toward one server. */
function linuxListing(): string {
	const lines = ['State      Recv-Q Send-Q  Local Address:Port    Peer Address:Port  Process', 'LISTEN     0      128           0.0.0.0:22          0.0.0.0:*'];
	for (let i = 0; i < 3000; i++) lines.push(`TIME-WAIT  0      0          10.0.0.7:${33000 + i * 2}   203.0.113.80:80`);
	lines.push('ESTAB      0      0          10.0.0.7:22        198.51.100.4:51515');
	return lines.join('\n') + '\n';
}

const listing = (page: Page) => page.getByRole('textbox', { name: 'Socket listing' });

/** Paste into the text area the way the browser delivers a paste: one `paste` event with the clipboard's text. */
async function paste(page: Page, text: string) {
	await listing(page).focus();
	await listing(page).evaluate((el, t) => {
		const data = new DataTransfer();
		data.setData('text/plain', t);
		el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
	}, text);
}
const finding = (page: Page, kind: string) => page.locator(`li.finding[data-kind="${kind}"]`);

test.describe('explain a socket listing', () => {
	test('a Windows netstat -ano paste: rows, a CLOSE-WAIT leak, keyboard sorting, grouping and marked rows', async ({ page }) => {
		await page.goto('/');
		await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explain a listing' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Explain a socket listing');

		await listing(page).fill(WINDOWS);
		await page.getByRole('button', { name: 'Explain', exact: true }).click();

		await expect(page.getByText('Windows netstat output from Windows')).toBeVisible();
		await expect(page.locator('.facts')).toContainText('10 sockets');
		const leak = finding(page, 'close-wait-leak');
		await expect(leak).toHaveAttribute('data-severity', 'warning');
		await expect(leak).toContainText('5 sockets in CLOSE-WAIT');
		await expect(leak).toContainText('CLOSE-WAIT has no timeout');
		await expect(leak).toContainText('pid 7720: 5');
		await expect(finding(page, 'exposed-listener').first()).toContainText('MySQL');
		// Findings come before the table.
		const findingsBox = await page.getByRole('heading', { name: 'Findings' }).boundingBox();
		const rowsBox = await page.getByRole('heading', { name: 'Sockets', exact: true }).boundingBox();
		expect(findingsBox!.y).toBeLessThan(rowsBox!.y);

		// The table: RFC spellings with the tool's own, sortable from the keyboard.
		const table = page.locator('table.rows');
		await expect(table.locator('tr[data-line="8"] td.state')).toHaveText('CLOSE-WAIT (CLOSE_WAIT)');
		const stateHeader = table.getByRole('columnheader', { name: /State/ });
		await expect(stateHeader).toHaveAttribute('aria-sort', 'none');
		await stateHeader.getByRole('button').focus();
		await page.keyboard.press('Enter');
		await expect(stateHeader).toHaveAttribute('aria-sort', 'ascending');
		await expect(table.locator('tbody tr').first().locator('td.state')).toHaveText(/^LISTEN/);
		await page.keyboard.press('Space');
		await expect(stateHeader).toHaveAttribute('aria-sort', 'descending');
		await expect(table.locator('tbody tr').first().locator('td.state')).toHaveText(/^CLOSE-WAIT|^UNCONN/);

		// Grouped by remote endpoint: the five leaked sockets share one peer.
		await page.getByRole('radio', { name: 'remote endpoint' }).check();
		await expect(table.getByRole('rowheader', { name: /^10\.1\.2\.50:443 5$/ })).toBeVisible();

		// "Mark these rows" highlights the finding's rows.
		await leak.getByRole('button', { name: 'Mark these 5 rows' }).click();
		await expect(table.locator('tr.marked')).toHaveCount(5);
	});

	test('a Windows CLOSE-WAIT row opens as a simulation that ends in CLOSE-WAIT, and its finding links to the lesson', async ({ page }) => {
		await page.goto('/explain');
		await listing(page).fill(WINDOWS);
		await page.getByRole('button', { name: 'Explain', exact: true }).click();
		const leak = finding(page, 'close-wait-leak');
		await expect(leak).toBeVisible();

		// Open a CLOSE-WAIT row as a simulation and play it to the end: the socket ends in CLOSE-WAIT.
		await page.getByRole('button', { name: 'Replay line 8 as a simulation' }).click();
		await expect(page.getByRole('heading', { name: 'Line 8: how this CLOSE-WAIT socket got there' })).toBeFocused();
		const figure = page.locator('section.sim figure.sim');
		await expect(figure).toBeVisible();
		await expect(figure).toContainText('the program never calls close()');
		// To the end of the timeline (as a person drags the slider to its end).
		const slider = figure.getByLabel('Position in the timeline');
		await slider.fill(String(await slider.getAttribute('max')));
		// The socket table of a Windows host speaks netstat, with the row's own addresses and ports.
		await expect(figure.locator('.term-table').first()).toContainText(/10\.1\.2\.3:49811.*10\.1\.2\.50:443.*CLOSE_WAIT/);

		// The lesson link goes to the heading that explains it.
		await leak.getByRole('link', { name: 'CLOSE-WAIT means the program has not closed' }).click();
		await expect(page).toHaveURL(/\/lessons\/closing-connections#close-wait-means-the-program-has-not-closed$/);
		await expect(page.locator('#close-wait-means-the-program-has-not-closed')).toBeVisible();
	});

	test('a macOS netstat -an paste: dotted ports, a cut address, unanswered SYNs, the UNIX table skipped', async ({ page }) => {
		await page.goto('/explain');
		await listing(page).fill(MACOS);
		await listing(page).press('Control+Enter');

		await expect(page.getByText('BSD netstat (macOS, FreeBSD) output from macOS')).toBeVisible();
		await expect(page.locator('.facts')).toContainText('6 sockets');
		await expect(finding(page, 'syn-sent-unanswered')).toContainText('filtered, not closed');
		await expect(finding(page, 'syn-sent-unanswered')).toContainText('198.51.100.9:443 (3)');
		const cut = finding(page, 'truncated-columns');
		await expect(cut).toContainText('netstat -anW');
		const table = page.locator('table.rows');
		await expect(table.locator('tr[data-line="6"] td').nth(3)).toContainText('✂');
		await expect(table.locator('tr[data-line="7"] td').nth(3)).toHaveText('*:8080');
		await expect(table.locator('tr[data-line="7"] td').nth(1)).toHaveText('tcp46');
		await page.getByText(/not read as sockets/).click();
		await expect(page.getByText(/Active LOCAL \(UNIX\) domain sockets: not Internet sockets/)).toBeVisible();
	});

	test('a large Linux ss -tan paste runs in the background: TIME-WAIT toward one server, the share of the range, paged rows', async ({ page }) => {
		await page.goto('/explain');
		// A paste is explained at once, without pressing Explain.
		await paste(page, linuxListing());

		await expect(page.getByText('Linux ss output from Linux')).toBeVisible();
		await expect(page.locator('.facts')).toContainText('3,002 sockets');
		const tw = finding(page, 'time-wait-pileup');
		await expect(tw).toContainText('3,000 sockets in TIME-WAIT');
		await expect(tw).toContainText('this host closed these connections first, as the client');
		await expect(tw).toContainText('60 s');
		const eph = finding(page, 'ephemeral-exhaustion-risk');
		await expect(eph).toContainText('3,000 of the 28,232 ports');
		await expect(eph).toContainText('32768–60999');
		await expect(eph).toContainText('EADDRNOTAVAIL');

		// 3,002 rows are shown 200 at a time.
		const table = page.locator('table.rows');
		await expect(table.locator('tbody tr[data-line]')).toHaveCount(200);
		await table.getByRole('button', { name: 'Show 200 more of 3,002' }).click();
		await expect(table.locator('tbody tr[data-line]')).toHaveCount(400);
		await page.getByRole('radio', { name: 'state' }).check();
		await expect(table.getByRole('rowheader', { name: 'TIME-WAIT 3000' })).toBeVisible();
	});

	test('a paste over the size limit is refused at once with the limit, and the page stays usable', async ({ page }) => {
		await page.goto('/explain');
		await paste(page, 'tcp 0 0 10.0.0.1:1 10.0.0.2:2 ESTABLISHED\n'.repeat(125_000));
		await expect(page.getByRole('alert')).toContainText(/Nothing was pasted\. The listing is 5\.0 MB; the explainer reads at most 4\.0 MB/);
		await expect(listing(page)).toHaveValue('');
		await page.getByRole('button', { name: 'Linux: ss -tanp' }).click();
		await expect(page.getByText('Linux ss output from Linux')).toBeVisible();
		await expect(page.getByRole('alert')).toHaveCount(0);
	});
});
