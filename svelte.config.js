import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { mdsvex } from 'mdsvex';
import rehypeSlug from 'rehype-slug';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	extensions: ['.svelte', '.md'],
	// mdsvex must run before vitePreprocess (one `preprocess` key only).
	preprocess: [mdsvex({ extensions: ['.md'], rehypePlugins: [rehypeSlug] }), vitePreprocess()],
	compilerOptions: {
		// Runes everywhere except mdsvex output, which still emits Svelte 4 module scripts.
		runes: ({ filename }) => (filename.endsWith('.md') ? undefined : true)
	},
	kit: {
		adapter: adapter({ fallback: undefined, strict: true }),
		alias: { $content: 'content' },
		prerender: { handleHttpError: 'fail', handleMissingId: 'fail', entries: ['*'] }
	}
};

export default config;
