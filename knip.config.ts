import type { KnipConfig } from 'knip';

/**
 * knip (run by `npm run check`): unused files, dependencies and exports.
 *
 * - SvelteKit and Vitest/Playwright are picked up by knip's plugins (routes, hooks, config,
 *   tests). Lessons are mdsvex `.md` files that the lesson index loads with `import.meta.glob`,
 *   which knip cannot follow: they are entries, and their `<script>` blocks are compiled as the
 *   components' imports.
 * - A library folder's `index.ts` (`src/lib/sim/index.ts`, the engine's API in
 *   docs/engine-api.md; `src/lib/progress/index.ts`) is its public surface: its exports are kept
 *   for callers even when this app uses only some of them. Everything else must be used.
 * - Scripts in `scripts/` are run by hand or by npm scripts (`npx tsx scripts/...`).
 * - The capture page's and the simulation's Web Workers are loaded with `new URL('$lib/capture/worker.ts', ...)`, which
 *   knip does not resolve; the fixture builder is run by hand (fixtures/capture.sh). `tshark` is
 *   a Debian package that .ci/run installs, not an npm binary.
 */
const config: KnipConfig = {
	entry: ['content/**/*.md', 'scripts/*.ts', 'src/lib/*/index.ts', 'src/lib/capture/worker.ts', 'src/lib/worker/sim.worker.ts', 'src/lib/capture/fixtures/make-fixtures.ts'],
	ignoreBinaries: ['tshark'],
	project: ['src/**/*.{ts,svelte}', 'scripts/**/*.ts', 'tests/**/*.ts', 'content/**/*.md'],
	ignoreExportsUsedInFile: true,
	compilers: {
		md: (text: string) => [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n')
	}
};

export default config;
