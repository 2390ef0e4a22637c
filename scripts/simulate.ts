/**
 * Run a scenario file and print its trace.
 *
 *   npx tsx scripts/simulate.ts FILE [--json] [--seed N] [--until TIME] [--check] [--pcap OUT]
 *
 * Output: the readable log (one line per event, src/lib/sim/format.ts), or with `--json` the
 * Trace as JSON (`{ seed, hosts, events, end }`, docs/trace-schema.md). `--check` only parses.
 * Scenario errors go to stderr as `FILE:LINE: message`, exit status 1; usage errors exit 2.
 * The file's `expect` lines are checked after the run: each one that fails is reported on
 * stderr as `FILE:LINE: expectation failed: ...` and the exit status is 1 (the trace is still
 * printed); when all hold, stderr says how many.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { failedExpectations, formatScenarioError, parseScenario, runScenario } from '../src/lib/sim/scenario/index';
import { formatTrace } from '../src/lib/sim/format';
import { tracePcapng } from '../src/lib/capture/export';

const USAGE = `usage: npm run simulate -- FILE [--json] [--seed N] [--until TIME] [--check] [--pcap OUT]

  FILE          scenario file (docs/scenario-format.md), e.g. content/scenarios/handshake.scn
  --json        print the trace as JSON (docs/trace-schema.md) instead of the readable log
  --seed N      PRNG seed 0-4294967295 (overrides the file's "seed" line)
  --until TIME  stop at this virtual time: 130s, 2min, 500ms or plain ms (overrides "run until=")
  --check       only parse and check the file; print "FILE: ok" or the errors
  --pcap OUT    also write the run as a pcapng capture to OUT (open it in Wireshark or tshark)
`;

function usage(message: string): never {
	process.stderr.write(`simulate: ${message}\n${USAGE}`);
	process.exit(2);
}

function parseTime(text: string): number | null {
	const m = /^(\d+(?:\.\d+)?)(ms|s|min)?$/.exec(text);
	if (!m) return null;
	return Number(m[1]) * ({ ms: 1, s: 1000, min: 60_000 } as Record<string, number>)[m[2] ?? 'ms'];
}

function main(argv: string[]): void {
	let file: string | null = null;
	let json = false;
	let check = false;
	let seed: number | undefined;
	let until: number | undefined;
	let pcap: string | null = null;
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--json') json = true;
		else if (a === '--check') check = true;
		else if (a === '-h' || a === '--help') {
			process.stdout.write(USAGE);
			return;
		} else if (a === '--seed' || a.startsWith('--seed=')) {
			const v = a.includes('=') ? a.slice(7) : argv[++i];
			if (v === undefined || !/^\d{1,10}$/.test(v) || Number(v) > 0xffffffff) usage(`--seed needs an integer 0-4294967295, got ${JSON.stringify(v ?? '')}`);
			seed = Number(v);
		} else if (a === '--until' || a.startsWith('--until=')) {
			const v = a.includes('=') ? a.slice(8) : argv[++i];
			const t = v === undefined ? null : parseTime(v);
			if (t === null) usage(`--until needs a time like 130s, 2min or 500ms, got ${JSON.stringify(v ?? '')}`);
			until = t;
		} else if (a === '--pcap' || a.startsWith('--pcap=')) {
			const v = a.includes('=') ? a.slice(7) : argv[++i];
			if (!v) usage('--pcap needs an output file name');
			pcap = v;
		} else if (a.startsWith('-')) usage(`unknown option ${a}`);
		else if (file === null) file = a;
		else usage(`only one FILE, got ${JSON.stringify(file)} and ${JSON.stringify(a)}`);
	}
	if (file === null) usage('no scenario FILE given');

	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (e) {
		process.stderr.write(`${file}: cannot read: ${(e as Error).message}\n`);
		process.exit(1);
	}

	if (check) {
		const p = parseScenario(text);
		if (p.ok) {
			process.stdout.write(`${file}: ok\n`);
			return;
		}
		for (const e of p.errors) process.stderr.write(formatScenarioError(e, file) + '\n');
		process.exit(1);
	}

	const r = runScenario(text, { seed, until });
	if (!r.ok) {
		for (const e of r.errors) process.stderr.write(formatScenarioError(e, file) + '\n');
		process.exit(1);
	}
	if (pcap !== null) {
		try {
			writeFileSync(pcap, tracePcapng(r.trace));
		} catch (e) {
			process.stderr.write(`${pcap}: cannot write the capture: ${(e as Error).message}\n`);
			process.exit(1);
		}
	}
	process.stdout.write(json ? JSON.stringify(r.trace, null, 2) + '\n' : formatTrace(r.trace));
	const failed = failedExpectations(r);
	for (const e of failed) process.stderr.write(formatScenarioError(e, file) + '\n');
	const n = r.expectations.length;
	if (failed.length) {
		process.stderr.write(`${file}: ${failed.length} of ${n} expectation${n === 1 ? '' : 's'} failed\n`);
		process.exit(1);
	}
	if (n) process.stderr.write(`${file}: all ${n} expectation${n === 1 ? '' : 's'} hold\n`);
}

main(process.argv.slice(2));
