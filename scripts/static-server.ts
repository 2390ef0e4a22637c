/**
 * What the page benchmarks (bench-lighthouse.ts, bench-longtasks.ts) share: a minimal static
 * server for their `--dir` option, and the list of pages they measure.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.svg': 'image/svg+xml',
	'.webmanifest': 'application/manifest+json'
};

/** Types a static host compresses (text; images other than SVG are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.webmanifest']);

/**
 * Serve another build directory (e.g. a copy of an older build, to compare) with a static host's
 * rules (path, path.html, path/index.html), nothing more. Text files of 1 KB or more go out
 * gzipped when the client accepts gzip, as `vite preview` (its `compression` middleware: gzip,
 * 1024-byte threshold) and ordinary static hosts send them: a page measured with `--dir` then
 * costs on the simulated network what it costs a reader, and compares with a `vite preview` run.
 * @param root - the build directory.
 * @param port - the port to listen on.
 * @returns a function that stops the server.
 */
export function serveDir(root: string, port: number): () => void {
	const http = createServer((req, res) => {
		const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)).replace(/^(\.\.[/\\])+/, '');
		for (const f of [join(root, path), join(root, path + '.html'), join(root, path, 'index.html')]) {
			if (existsSync(f) && statSync(f).isFile()) {
				const body = readFileSync(f);
				const headers: Record<string, string> = { 'content-type': TYPES[extname(f)] ?? 'application/octet-stream' };
				if (COMPRESSIBLE.has(extname(f))) headers.vary = 'Accept-Encoding';
				if (COMPRESSIBLE.has(extname(f)) && body.length >= 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
					res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
					res.end(gzipSync(body));
				} else {
					res.writeHead(200, headers);
					res.end(body);
				}
				return;
			}
		}
		res.writeHead(404).end();
	});
	http.listen(port);
	return () => http.close();
}

/**
 * The pages the benchmarks measure: home, every lesson (in course order, from the prerendered
 * home page), the playground and the exam.
 * @param buildDir - the build directory (its index.html is read).
 */
export function coursePages(buildDir: string): string[] {
	const home = readFileSync(join(buildDir, 'index.html'), 'utf8');
	const lessons = [...new Set([...home.matchAll(/href="\/lessons\/([a-z0-9-]+)"/g)].map((m) => `/lessons/${m[1]}`))];
	return ['/', ...lessons, '/playground', '/exam'];
}
