import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

export default defineConfig(({ isSsrBuild }) => ({
	plugins: [
		sveltekit(),
		// Offline course (issue 18 item 3): a Workbox service worker precaches every prerendered page,
		// its __data.json, the app's scripts, styles, workers and the sample captures, so after one
		// visit every lesson, the exam and the playground open with the network off.
		// autoUpdate: a new build's worker installs on the reader's next visit, takes over at once
		// (skipWaiting + clientsClaim) and the page reloads onto the new build; old caches are removed.
		// The worker is registered from the app's own bundle (src/lib/pwa.ts), not an inline script,
		// so the CSP (svelte.config.js, hash mode) needs no exception.
		SvelteKitPWA({
			registerType: 'autoUpdate',
			injectRegister: false,
			// Absolute: Kit's relative asset paths would otherwise register /lessons/sw.js from a lesson.
			base: '/',
			scope: '/',
			manifest: {
				name: 'PortLab: ports, sockets, TCP, UDP and ICMP',
				short_name: 'PortLab',
				description: 'Learn how ports, sockets and TCP/UDP/ICMP really work, with a live in-browser simulation.',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				background_color: '#ffffff',
				theme_color: '#0f6e6e',
				icons: [{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }]
			},
			workbox: {
				globPatterns: ['client/**/*.{js,css,svg,webmanifest,pcap,pcapng}', 'prerendered/**/*.{html,json}'],
				// A URL the build did not write has no page offline; the host's 404 answers it online.
				navigateFallback: null,
				cleanupOutdatedCaches: true,
				// Kit asks for a page's data as __data.json?x-sveltekit-invalidated=…: the same precached file.
				ignoreURLParametersMatching: [/^x-sveltekit-invalidated$/],
				// Take over the page of the first visit too: going offline on it and following a link works.
				skipWaiting: true,
				clientsClaim: true
			}
		})
	],
	server: { fs: { allow: ['content'] } },
	// No run-time modulepreload links (issue 18 item 2). Kit imports a page's nodes through Vite's
	// preload helper, which appends a <link rel="modulepreload"> for every chunk they import (~30 on
	// a lesson); Chromium does ~5 ms of work per appended modulepreload link at a phone's speed (4×
	// CPU: 151 ms for 30, against 35 ms for 30 rel=preload links), all in the task that starts the
	// app. Without them the browser fetches the chunks as the imports name them. The CSS of a
	// dynamic import is still loaded before the import resolves (Vite keeps CSS deps when this is
	// false). An earlier try was taken back for a layout shift in figure-loading.spec: the shift
	// came from the spec's own element screenshot (see there), not from the loading.
	// The framework's modules in two chunks, Svelte's runtime and Kit's client (browser build only).
	// Rollup split them by which pages use which function, into pieces as small as 40 bytes, each a
	// request and a module evaluation of its own while the page loads. Grouped (scripts a page loads,
	// compressed bytes): home 27 -> 13 (59.2 -> 56.3 KB), why-ports 37 -> 19 (108.5 -> 101.1 KB),
	// port-exhaustion 46 -> 27, exam 33 -> 16, playground 44 -> 27. Every page needs both runtimes.
	build: {
		modulePreload: false,
		rollupOptions: isSsrBuild
			? {}
			: {
					output: {
						manualChunks(id: string): string | undefined {
							if (/\/node_modules\/(svelte|esm-env|clsx)\//.test(id)) return 'svelte';
							if (/\/node_modules\/(@sveltejs\/kit|devalue)\//.test(id)) return 'kit';
							return undefined;
						}
					}
				}
	},
	// Module workers (the listing explainer's worker loads the port registry with a dynamic import).
	worker: { format: 'es' },
	test: {
		include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
		environment: 'node',
		testTimeout: 60_000
	}
}));
