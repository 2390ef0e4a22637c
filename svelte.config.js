import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { mdsvex } from 'mdsvex';
import rehypeSlug from 'rehype-slug';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * CSP hashes of the inline scripts in src/app.html (the theme script that runs before first
 * paint). Kit hashes only the scripts it generates, so these are computed here from the file
 * itself: editing the script cannot leave a stale hash behind.
 */
const appHtmlScriptHashes = [...readFileSync(new URL('./src/app.html', import.meta.url), 'utf8').matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
	(m) => /** @type {`sha256-${string}`} */ (`sha256-${createHash('sha256').update(m[1]).digest('base64')}`)
);

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The components only some lessons use (widgets a lesson's Markdown imports, other than the
 * figure every lesson has, and what they import in turn). Kit links the stylesheets of every
 * lesson's imports from every lesson page (one page, `lessons/[slug]`, loads the lessons'
 * modules on demand); these components carry their CSS in their JavaScript instead
 * (`css: 'injected'`): the prerendered page of a lesson that uses one has its styles inline, and
 * no other lesson loads them (issue 18 item 2: each page loads only its own CSS).
 */
function lessonOnlyComponents() {
	const lessonsDir = join(root, 'content/lessons');
	/** @type {string[]} */
	const queue = [];
	for (const part of readdirSync(lessonsDir)) {
		for (const lesson of readdirSync(join(lessonsDir, part))) {
			let md;
			try {
				md = readFileSync(join(lessonsDir, part, lesson, 'index.md'), 'utf8');
			} catch {
				continue;
			}
			for (const m of md.matchAll(/from\s+'\$lib\/([^']+\.svelte)'/g)) if (!m[1].endsWith('/SimPlayer.svelte')) queue.push(join(root, 'src/lib', m[1]));
		}
	}
	// The figures' on-demand views (src/lib/viz/views.ts) too: a figure's prerendered first frame
	// then carries their styles (src/hooks.server.ts); as linked CSS they came only with their code.
	for (const m of readFileSync(join(root, 'src/lib/viz/views.ts'), 'utf8').matchAll(/import\('\.\/([^']+\.svelte)'\)/g)) queue.push(join(root, 'src/lib/viz', m[1]));
	const found = new Set();
	while (queue.length) {
		const file = /** @type {string} */ (queue.pop());
		if (found.has(file) || !existsSync(file)) continue; // './player.svelte' is player.svelte.ts
		found.add(file);
		for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+\.svelte)'/g)) queue.push(resolve(dirname(file), m[1]));
	}
	return found;
}
const injectCss = lessonOnlyComponents();
// The root error page too: Kit loads its node with the layout's on every page (to be ready for an
// error), and a linked stylesheet of its own made every page restyle itself once loaded (issue 18
// item 2: a 100-200 ms task on a phone); injected, its styles come only when it shows.
injectCss.add(join(root, 'src/routes/+error.svelte'));

/** @type {import('@sveltejs/kit').Config} */
const config = {
	extensions: ['.svelte', '.md'],
	// mdsvex must run before vitePreprocess (one `preprocess` key only).
	preprocess: [mdsvex({ extensions: ['.md'], rehypePlugins: [rehypeSlug] }), vitePreprocess()],
	compilerOptions: {
		// Runes everywhere except mdsvex output, which still emits Svelte 4 module scripts.
		runes: ({ filename }) => (filename.endsWith('.md') ? undefined : true)
	},
	vitePlugin: {
		dynamicCompileOptions: ({ filename }) => (injectCss.has(resolve(filename)) ? { css: 'injected' } : undefined)
	},
	kit: {
		// 404.html: static hosts serve it for unknown paths, and it renders src/routes/+error.svelte.
		adapter: adapter({ fallback: '404.html', strict: true }),
		alias: { $content: 'content' },
		// Every stylesheet a page needs goes inline in its <head> (issue 18: first paint on slow 4G
		// waits for no request but the page itself; a lesson's CSS is ~25 KB raw, ~6 KB gzipped).
		// The CSS files are still written: client-side navigation links them. The CSP allows this:
		// style-src has 'unsafe-inline', and Kit adds no hash beside it (a hash would disable it).
		inlineStyleThreshold: Infinity,
		prerender: { handleHttpError: 'fail', handleMissingId: 'fail', entries: ['*'] },
		// Content-Security-Policy (issue 12 item 6). Prerendered pages get it as a <meta> tag, and
		// `mode: 'hash'` lets Kit hash its own inline bootstrap script: no other inline script runs.
		// Styles stay 'unsafe-inline' because Svelte and D3 write style attributes and CodeMirror
		// injects its theme as <style>; scripts, the only real injection risk, stay strict.
		// img-src blob:/data: for the PNG export (an SVG drawn onto a canvas); worker-src 'self'
		// for the capture and simulation workers. No external origin is allowed anywhere: the app
		// makes no external request. (`frame-ancestors` cannot be set from a <meta> tag.)
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', ...appHtmlScriptHashes],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self'],
				'worker-src': ['self', 'blob:'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
