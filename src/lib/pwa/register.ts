/**
 * Registers the offline service worker (issue 18 item 3) that `@vite-pwa/sveltekit` builds with
 * Workbox (configuration in vite.config.ts). Called once from the root layout, after hydration, once the
 * reader is there or the loaded page has been quiet (reader-ready.ts);
 * the registration code is its own small chunk, loaded from the app's origin like every other
 * script, so the Content-Security-Policy needs no inline-script exception.
 *
 * Workbox registers after the window's load event, so the precache (every page, about 6 MB) is
 * fetched after the page the reader opened has loaded, not in competition with it.
 *
 * Update policy (`registerType: 'autoUpdate'`): on each visit the browser checks `/sw.js`; a new
 * build's worker installs, activates at once and the page reloads onto it, so the reader gets the
 * new build on the next visit. A browser without service workers (or one that refuses them, e.g.
 * private modes or tests that block them) simply keeps using the network.
 */
export async function registerServiceWorker(): Promise<void> {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
	try {
		const { registerSW } = await import('virtual:pwa-register');
		registerSW({
			onRegisterError: (e: unknown) => console.warn('PortLab works online only in this browser: the offline copy could not be installed.', e)
		});
	} catch (e) {
		console.warn('PortLab works online only in this browser: the offline copy could not be installed.', e);
	}
}
