/**
 * Node-side helpers the command-line tools share: reading standard input under a size limit,
 * and running a tool's `main` so that no exception ever reaches the user as a stack trace.
 *
 * @module
 */
import { oneLine } from './text';

/**
 * Read standard input, stopping once more than `limit` bytes have arrived (the caller reports
 * the size: the result is then longer than `limit`).
 */
export async function readStdin(limit: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const c of process.stdin) {
		const b = c as Buffer;
		size += b.length;
		chunks.push(b);
		if (size > limit) break;
	}
	return Buffer.concat(chunks);
}

/**
 * Run a tool's `main` as the process: its result becomes the exit status; an exception becomes
 * one line `NAME: internal error: MESSAGE` (control characters escaped) and exit status 1. A
 * closed standard output (`| head`) ends the process quietly.
 */
export function runMain(name: string, main: () => Promise<number>): void {
	const fail = (e: unknown) => {
		process.stderr.write(`${name}: internal error: ${oneLine(String(e instanceof Error ? e.message : e))}\n`);
		process.exitCode = 1;
	};
	process.stdout.on('error', (e: NodeJS.ErrnoException) => {
		if (e.code === 'EPIPE') process.exit(0);
		fail(e);
	});
	process.on('uncaughtException', fail);
	main().then((code) => {
		process.exitCode = code;
	}, fail);
}
