/**
 * A minimal static server for the benchmarks' `--dir` option (serve another build directory, e.g.
 * a copy of an older build, to compare): a static host's rules (path, path.html, path/index.html),
 * nothing more.
 * @param root - the build directory.
 * @param port - the port to listen on.
 * @returns a function that stops the server.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.svg': 'image/svg+xml',
	'.webmanifest': 'application/manifest+json'
};

export function serveDir(root: string, port: number): () => void {
	const http = createServer((req, res) => {
		const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)).replace(/^(\.\.[/\\])+/, '');
		for (const f of [join(root, path), join(root, path + '.html'), join(root, path, 'index.html')]) {
			if (existsSync(f) && statSync(f).isFile()) {
				res.writeHead(200, { 'content-type': TYPES[extname(f)] ?? 'application/octet-stream' });
				res.end(readFileSync(f));
				return;
			}
		}
		res.writeHead(404).end();
	});
	http.listen(port);
	return () => http.close();
}
