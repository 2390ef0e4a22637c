/**
 * Explain a socket listing from the command line.
 *
 *   npx tsx scripts/explain.ts FILE [--json]      (npm run explain -- FILE [--json])
 *
 * FILE holds the output of ss, netstat (Linux, Windows, macOS, FreeBSD), Get-NetTCPConnection,
 * lsof -i or sockstat; "-" reads standard input. Prints the findings and rows, or with --json
 * `{ format, os, rows, skipped, findings, notes }` (src/lib/listing/types.ts). Errors are one line
 * on stderr: exit 1 for an unreadable, oversized or unrecognised file, 2 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { loadServices, runExplain } from '../src/lib/listing/cli';

async function readStdin(): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const c of process.stdin) {
		const b = c as Buffer;
		size += b.length;
		chunks.push(b);
		// Stop reading far past the limit: runExplain reports the size.
		if (size > 16 * 1024 * 1024) break;
	}
	return Buffer.concat(chunks);
}

runExplain(process.argv.slice(2), {
	readFile: (p) => readFileSync(p),
	readStdin,
	stdout: (s) => process.stdout.write(s),
	stderr: (s) => process.stderr.write(s),
	services: loadServices
}).then(
	(code) => {
		process.exitCode = code;
	},
	(e: unknown) => {
		process.stderr.write(`explain: internal error: ${String(e instanceof Error ? e.message : e).replace(/[\x00-\x1f\x7f]/g, ' ')}\n`);
		process.exitCode = 1;
	}
);
