import { defineConfig, devices } from '@playwright/test';
import { existsSync } from 'node:fs';

/**
 * Which Chromium to drive: $CHROMIUM_PATH if set, else Debian's /usr/bin/chromium,
 * else Playwright's own download (`npx playwright install chromium`).
 */
function chromiumPath(): string | undefined {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv) {
		if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
		return fromEnv;
	}
	for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
	return undefined;
}

const executablePath = chromiumPath();
/** The preview server's port: $E2E_PORT if set (several checkouts can test at once), else 4173. */
const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
	testDir: 'tests',
	fullyParallel: true,
	workers: process.env.CI ? 2 : 2,
	retries: process.env.CI ? 1 : 0,
	timeout: 60_000,
	expect: { timeout: 15_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	webServer: {
		// The production build, served statically by vite preview.
		command: `npx vite preview --port ${port} --strictPort`,
		url: `http://localhost:${port}`,
		reuseExistingServer: !process.env.CI,
		timeout: 60_000
	},
	use: {
		baseURL: `http://localhost:${port}`,
		trace: 'retain-on-failure',
		serviceWorkers: 'block'
	},
	projects: [
		{
			name: 'chromium',
			use: {
				...devices['Desktop Chrome'],
				launchOptions: {
					executablePath,
					args: [
						'--no-sandbox',
						'--disable-gpu',
						'--disable-background-networking',
						'--disable-component-update',
						'--disable-sync',
						'--no-first-run',
						'--disable-quic'
					]
				}
			}
		}
	]
});
