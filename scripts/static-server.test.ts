import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { serveDir } from './static-server';

const PORT = 4324;
const dir = mkdtempSync(join(tmpdir(), 'static-server-'));
const page = '<!doctype html><title>t</title>' + '<p>a paragraph of the page</p>'.repeat(100);
let stop: () => void;

/** GET a path with the given Accept-Encoding; the raw (undecoded) body and the headers. */
function get(path: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
	return new Promise((done, fail) => {
		const req = request({ port: PORT, path, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
			const parts: Buffer[] = [];
			res.on('data', (c: Buffer) => parts.push(c));
			res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
		});
		req.on('error', fail);
		req.end();
	});
}

beforeAll(() => {
	writeFileSync(join(dir, 'lesson.html'), page);
	writeFileSync(join(dir, 'tiny.js'), 'export {};');
	stop = serveDir(dir, PORT);
});
afterAll(() => stop());

describe('serveDir', () => {
	it('gzips a page when the client accepts gzip, and the body inflates to the file', async () => {
		const r = await get('/lesson', 'gzip, deflate, br');
		expect(r.status).toBe(200);
		expect(r.headers['content-encoding']).toBe('gzip');
		expect(r.headers['content-type']).toBe('text/html');
		expect(r.body.length).toBeLessThan(page.length / 4);
		expect(gunzipSync(r.body).toString()).toBe(page);
	});
	it('sends the file as it is to a client that does not accept gzip', async () => {
		const r = await get('/lesson', 'identity');
		expect(r.headers['content-encoding']).toBeUndefined();
		expect(r.body.toString()).toBe(page);
	});
	it('leaves files under 1 KB uncompressed, as vite preview does', async () => {
		const r = await get('/tiny.js', 'gzip');
		expect(r.headers['content-encoding']).toBeUndefined();
		expect(r.body.toString()).toBe('export {};');
	});
	it('answers 404 for a path the build did not write', async () => {
		expect((await get('/nowhere', 'gzip')).status).toBe(404);
	});
});
