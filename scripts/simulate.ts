/**
 * Run a scenario file and print its trace.
 *
 *   npx tsx scripts/simulate.ts FILE [--json] [--seed N] [--until TIME] [--check] [--pcap OUT]
 *
 * FILE is a scenario (docs/scenario-format.md); "-" reads standard input; a leading UTF-8
 * byte-order mark is ignored. Output: the readable log (one line per event,
 * src/lib/sim/format.ts), or with `--json` the Trace as JSON (`{ seed, hosts, events, end }`,
 * docs/trace-schema.md), written event by event so that a trace of any length streams out.
 * `--check` only parses. Scenario errors go to stderr as `FILE:LINE: message`, exit status 1;
 * usage errors exit 2. Every error is one line with control characters escaped (ESC -> `\x1b`),
 * and no stack trace reaches the user. The file's `expect` lines are checked after the run:
 * each one that fails is reported on stderr as `FILE:LINE: expectation failed: ...` and the
 * exit status is 1 (the trace is still printed); when all hold, stderr says how many.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { failedExpectations, formatScenarioError, MAX_INPUT_CHARS, MAX_TIME_MS, parseScenario, runScenario, type ScenarioError } from '../src/lib/sim/scenario/index';
import { eventHost, formatEvent, formatTrace } from '../src/lib/sim/format';
import type { Trace } from '../src/lib/sim/trace';
import { tracePcapng } from '../src/lib/capture/export';
import { oneLine, stripBom } from '../src/lib/cli/text';
import { readStdin, runMain } from '../src/lib/cli/node';

const USAGE = `usage: npm run simulate -- FILE [--json] [--seed N] [--until TIME] [--check] [--pcap OUT]

  FILE          scenario file (docs/scenario-format.md), e.g. content/scenarios/handshake.scn;
                "-" reads standard input
  --json        print the trace as JSON (docs/trace-schema.md) instead of the readable log
  --seed N      PRNG seed 0-4294967295 (overrides the file's "seed" line)
  --until TIME  stop at this virtual time, at most one day: 130s, 2min, 500ms or plain ms
                (overrides "run until=")
  --check       only parse and check the file; print "FILE: ok" or the errors
  --pcap OUT    also write the run as a pcapng capture to OUT (open it in Wireshark or tshark)
`;

/** Bytes read before a file is refused as too large (a scenario is at most 100 KB of text). */
const MAX_READ_BYTES = MAX_INPUT_CHARS * 4;

/** What the CLI needs from its surroundings (injected so that tests can run it in-process). */
export interface SimulateIo {
	readFile(path: string): Buffer | string;
	readStdin(): Promise<Buffer | string>;
	writeFile(path: string, data: Uint8Array): void;
	/** Write to standard output; `false` means wait for {@link SimulateIo.drain}. */
	out(text: string): boolean | void;
	err(text: string): void;
	/** Resolves when standard output can take more. */
	drain?: () => Promise<void>;
}

class UsageError extends Error {}

function parseTime(text: string): number | null {
	const m = /^(\d{1,20}(?:\.\d{1,6})?)(ms|s|min)?$/.exec(text);
	if (!m) return null;
	return Number(m[1]) * ({ ms: 1, s: 1000, min: 60_000 } as Record<string, number>)[m[2] ?? 'ms'];
}

/** The value of `--opt V` or `--opt=V`. */
function optionValue(argv: string[], i: number, name: string): { v: string | undefined; next: number } {
	const a = argv[i];
	return a.startsWith(`${name}=`) ? { v: a.slice(name.length + 1), next: i } : { v: argv[i + 1], next: i + 1 };
}

interface Options {
	file: string;
	json: boolean;
	check: boolean;
	seed?: number;
	until?: number;
	pcap: string | null;
}

function parseArgs(argv: string[]): Options | 'help' {
	let file: string | null = null;
	const o: Omit<Options, 'file'> = { json: false, check: false, pcap: null };
	const show = (v: string | undefined) => oneLine(JSON.stringify(v ?? '').slice(0, 60));
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--json') o.json = true;
		else if (a === '--check') o.check = true;
		else if (a === '-h' || a === '--help') return 'help';
		else if (a === '--seed' || a.startsWith('--seed=')) {
			const { v, next } = optionValue(argv, i, '--seed');
			i = next;
			if (v === undefined || !/^\d{1,10}$/.test(v) || Number(v) > 0xffffffff) throw new UsageError(`--seed needs an integer 0-4294967295, got ${show(v)}`);
			o.seed = Number(v);
		} else if (a === '--until' || a.startsWith('--until=')) {
			const { v, next } = optionValue(argv, i, '--until');
			i = next;
			const t = v === undefined ? null : parseTime(v);
			if (t === null) throw new UsageError(`--until needs a time like 130s, 2min or 500ms, got ${show(v)}`);
			if (t > MAX_TIME_MS) throw new UsageError(`--until ${show(v).slice(1, -1)} is beyond the limit of ${MAX_TIME_MS} ms (one day of virtual time)`);
			o.until = t;
		} else if (a === '--pcap' || a.startsWith('--pcap=')) {
			const { v, next } = optionValue(argv, i, '--pcap');
			i = next;
			if (!v) throw new UsageError('--pcap needs an output file name');
			o.pcap = v;
		} else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${show(a)}`);
		else if (file === null) file = a;
		else throw new UsageError(`only one FILE, got ${show(file)} and ${show(a)}`);
	}
	if (file === null) throw new UsageError('no scenario FILE given ("-" reads standard input)');
	return { file, ...o };
}

/** Why a file cannot be read, in a few words. */
function readFailure(e: unknown): string {
	const code = (e as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'no such file';
	if (code === 'EISDIR') return 'is a directory';
	if (code === 'EACCES') return 'permission denied';
	return e instanceof Error ? e.message : String(e);
}

/**
 * Write `trace` as `JSON.stringify(trace, null, 2)` would, one piece at a time: arrays at the
 * top level (events, hosts, links) element by element, so that no single string holds the
 * whole trace (a long run passes V8's string limit otherwise).
 */
async function* jsonPieces(trace: Trace): AsyncGenerator<string> {
	const indent = (s: string, pad: string) => s.replace(/\n/g, '\n' + pad);
	const entries = Object.entries(trace).filter(([, v]) => v !== undefined && typeof v !== 'function');
	yield '{\n';
	for (const [k, [key, value]] of entries.entries()) {
		const comma = k < entries.length - 1 ? ',' : '';
		if (Array.isArray(value) && value.length > 0) {
			yield `  ${JSON.stringify(key)}: [\n`;
			for (let i = 0; i < value.length; i++) {
				yield `    ${indent(JSON.stringify(value[i] ?? null, null, 2), '    ')}${i < value.length - 1 ? ',' : ''}\n`;
			}
			yield `  ]${comma}\n`;
		} else yield `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${comma}\n`;
	}
	yield '}\n';
}

/** The readable log of `trace`, a line at a time (the same text as {@link formatTrace}). */
async function* logPieces(trace: Trace): AsyncGenerator<string> {
	let width = 0;
	for (const h of trace.hosts) width = Math.max(width, h.name.length);
	for (const e of trace.events) width = Math.max(width, eventHost(e).length);
	// Header and end lines from formatTrace itself, without the events.
	const frame = formatTrace({ ...trace, events: [] }, { hostWidth: width }).split('\n');
	const end = frame.slice(-2).join('\n');
	yield frame.slice(0, -2).join('\n') + '\n';
	for (const e of trace.events) yield formatEvent(e, width) + '\n';
	yield end;
}

/** Write pieces in batches of about 64 KB, waiting when standard output is full. */
async function stream(io: SimulateIo, pieces: AsyncGenerator<string>): Promise<void> {
	let batch: string[] = [];
	let size = 0;
	const flush = async () => {
		const text = batch.join('');
		batch = [];
		size = 0;
		if (io.out(text) === false && io.drain) await io.drain();
	};
	for await (const p of pieces) {
		batch.push(p);
		size += p.length;
		if (size >= 1 << 16) await flush();
	}
	if (size) await flush();
}

/**
 * Run the CLI.
 * @param argv - arguments after the script name.
 * @returns the exit status: 0 done, 1 a scenario, input or output error (or a failed
 *   expectation), 2 a usage error.
 */
export async function main(argv: string[], io: SimulateIo): Promise<number> {
	let o: Options | 'help';
	try {
		o = parseArgs(argv);
	} catch (e) {
		if (!(e instanceof UsageError)) throw e;
		io.err(`simulate: ${e.message}\n${USAGE}`);
		return 2;
	}
	if (o === 'help') {
		io.out(USAGE);
		return 0;
	}
	const name = oneLine(o.file === '-' ? 'stdin' : o.file);
	const report = (errors: readonly ScenarioError[]) => {
		for (const e of errors) io.err(oneLine(formatScenarioError(e, name)) + '\n');
	};

	let raw: Buffer | string;
	try {
		raw = o.file === '-' ? await io.readStdin() : io.readFile(o.file);
	} catch (e) {
		io.err(`simulate: ${name}: cannot read: ${oneLine(readFailure(e))}\n`);
		return 1;
	}
	if (raw.length > MAX_READ_BYTES) {
		io.err(`simulate: ${name}: more than ${MAX_READ_BYTES / 1024} KB is too large; a scenario is at most ${MAX_INPUT_CHARS / 1024} KB of text\n`);
		return 1;
	}
	const text = stripBom(typeof raw === 'string' ? raw : raw.toString('utf8'));

	if (o.check) {
		const p = parseScenario(text);
		if (!p.ok) {
			report(p.errors);
			return 1;
		}
		io.out(`${name}: ok\n`);
		return 0;
	}

	const r = runScenario(text, { seed: o.seed, until: o.until });
	if (!r.ok) {
		report(r.errors);
		return 1;
	}
	if (o.pcap !== null) {
		try {
			io.writeFile(o.pcap, tracePcapng(r.trace));
		} catch (e) {
			io.err(`simulate: ${oneLine(o.pcap)}: cannot write the capture: ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
			return 1;
		}
	}
	await stream(io, o.json ? jsonPieces(r.trace) : logPieces(r.trace));
	const failed = failedExpectations(r);
	report(failed);
	const n = r.expectations.length;
	const s = n === 1 ? '' : 's';
	if (failed.length) {
		io.err(`${name}: ${failed.length} of ${n} expectation${s} failed\n`);
		return 1;
	}
	if (n) io.err(`${name}: all ${n} expectation${s} hold\n`);
	return 0;
}

// Run as a script (not when imported by tests).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const stdout = process.stdout;
	runMain('simulate', () =>
		main(process.argv.slice(2), {
			readFile: (p) => readFileSync(p),
			readStdin: () => readStdin(MAX_READ_BYTES),
			writeFile: (p, data) => writeFileSync(p, data),
			out: (t) => stdout.write(t),
			err: (t) => process.stderr.write(t),
			drain: () => new Promise((r) => stdout.once('drain', r))
		})
	);
}
