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
import { readStdin, runMain } from '../src/lib/cli/node';
import { loadServices, runExplain } from '../src/lib/listing/cli';

runMain('explain', () =>
	runExplain(process.argv.slice(2), {
		readFile: (p) => readFileSync(p),
		// Stop reading far past the limit: runExplain reports the size.
		readStdin: () => readStdin(16 * 1024 * 1024),
		stdout: (s) => process.stdout.write(s),
		stderr: (s) => process.stderr.write(s),
		services: loadServices
	})
);
