/**
 * `npm run simulate` checks a scenario's expect lines: exit status 0 and a count when they
 * hold; exit status 1 and `FILE:LINE: expectation failed: ...` for each that does not (the
 * trace is still printed). It fails cleanly on any input (issue 12 item 4): one line per error
 * with control characters escaped, a byte-order mark stripped, `-` for standard input, `--json`
 * streamed, and no stack trace.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { main } from './simulate';
import { runScenario } from '../src/lib/sim/scenario/index';
import { formatTrace } from '../src/lib/sim/format';
import { ackStorm } from '../src/lib/sim/ack-storm.testkit';

const SCENARIO = `host client 192.168.1.10
host server 203.0.113.5 root
link client server
0ms  server listen 80 as=web
10ms client connect server:80 as=c1
+20ms expect c1 state ESTABLISHED
+0ms expect c1 state TIME-WAIT
run until=1s
`;

/** Run the CLI on `text`; returns its exit status, standard output and standard error. */
function simulate(text: string): { status: number; stdout: string; stderr: string; file: string } {
	const file = join(mkdtempSync(join(tmpdir(), 'simulate-')), 'x.scn');
	writeFileSync(file, text);
	try {
		const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', file], { encoding: 'utf8', stdio: 'pipe' });
		return { status: 0, stdout, stderr: '', file };
	} catch (e) {
		const err = e as { status: number; stdout: string; stderr: string };
		return { status: err.status, stdout: err.stdout, stderr: err.stderr, file };
	}
}

describe('simulate checks expect lines', () => {
	it('exits 1 and names the line of each failed expectation, after printing the trace', () => {
		const r = simulate(SCENARIO);
		expect(r.status).toBe(1);
		expect(r.stdout).toContain('SYN-SENT -> ESTABLISHED');
		expect(r.stderr).toContain(`${r.file}:7: expectation failed: c1 is ESTABLISHED at 30 ms`);
		expect(r.stderr).toContain(`${r.file}: 1 of 2 expectations failed`);
		expect(r.stderr).not.toContain(':6:');
	});

	it('exits 0 when every expectation holds', () => {
		const r = simulate(SCENARIO.replace('+0ms expect c1 state TIME-WAIT\n', ''));
		expect(r.status).toBe(0);
	});
});

/** Run the CLI in-process on `text` (given as the file, or on standard input with `-`). */
async function run(argv: string[], stdin?: string | Buffer): Promise<{ status: number; out: string; err: string; writes: number }> {
	let out = '';
	let err = '';
	let writes = 0;
	const status = await main(argv, {
		readFile: (p) => readFileSync(p),
		readStdin: async () => stdin ?? '',
		writeFile: () => {},
		out: (t) => {
			out += t;
			writes++;
			return true;
		},
		err: (t) => {
			err += t;
		}
	});
	return { status, out, err, writes };
}

function fileOf(text: string | Buffer): string {
	const file = join(mkdtempSync(join(tmpdir(), 'simulate-')), 'x.scn');
	writeFileSync(file, text);
	return file;
}

const HANDSHAKE = 'host client 192.168.1.10\nhost server 203.0.113.5 root\nlink client server\n0ms server listen 80 as=web\n10ms client connect server:80 as=c\n';

describe('simulate fails cleanly (issue 12 item 4)', () => {
	it('escapes control characters in errors: ESC from the file is written as \\x1b, on one line', async () => {
		const file = fileOf(HANDSHAKE + '20ms client frob\x1b[2J\x07 now\n');
		const r = await run([file]);
		expect(r.status).toBe(1);
		expect(r.err).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
		expect(r.err.startsWith(`${file}:6: unknown action "frob\\x1b[2J\\x07" for host "client"; expected listen`)).toBe(true);
		expect(r.err.split('\n')).toHaveLength(2);
	});

	it('escapes control characters in the file name', async () => {
		const r = await run(['/nonexistent/a\x1bb.scn']);
		expect(r).toMatchObject({ status: 1, err: 'simulate: /nonexistent/a\\x1bb.scn: cannot read: no such file\n' });
	});

	it('strips a UTF-8 byte-order mark (it gave `unknown statement "host"`)', async () => {
		const r = await run([fileOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HANDSHAKE)]))]);
		expect(r.err).toBe('');
		expect(r.status).toBe(0);
		expect(r.out).toContain('SYN-SENT -> ESTABLISHED');
	});

	it('reads standard input for "-", also with --check', async () => {
		const r = await run(['-', '--seed', '7'], '\ufeff' + HANDSHAKE);
		expect(r.status).toBe(0);
		expect(r.out).toMatch(/^# seed 7\n/);
		expect(await run(['--check', '-'], HANDSHAKE)).toMatchObject({ status: 0, out: 'stdin: ok\n' });
		expect(await run(['-'], 'host a 1.2.3\n')).toMatchObject({ status: 1, err: expect.stringMatching(/^stdin:1: expected the host address/) });
	});

	it('streams --json in pieces, byte for byte what JSON.stringify(trace, null, 2) gives', async () => {
		const text = HANDSHAKE + '+100ms c send 1000000\n+0ms web.1 send 300000\nrun until=60s\n';
		const trace = runScenario(text);
		if (!trace.ok) throw new Error('run failed');
		const r = await run([fileOf(text), '--json']);
		expect(r.status).toBe(0);
		expect(r.writes).toBeGreaterThan(10);
		expect(r.out).toBe(JSON.stringify(trace.trace, null, 2) + '\n');
		const log = await run([fileOf(text)]);
		expect(log.out).toBe(formatTrace(trace.trace));
	});

	it('stops the 9 KB scenario of the issue at the parser with one line, not a RangeError', async () => {
		const text = HANDSHAKE + '+100ms c send 1000000\n'.repeat(410);
		expect(text.length).toBeGreaterThan(9000);
		const r = await run([fileOf(text), '--json']);
		expect(r.status).toBe(1);
		expect(r.out).toBe('');
		expect(r.err).toMatch(/^.*:16: this payload brings the bytes sent by the scenario to 11000000; a scenario may send at most 10000000 bytes in all\n$/);
	});

	it('holds --until to the one-day limit', async () => {
		const r = await run([fileOf(HANDSHAKE), '--until', '99999999999999']);
		expect(r.status).toBe(2);
		expect(r.err.split('\n')[0]).toBe('simulate: --until 99999999999999 is beyond the limit of 86400000 ms (one day of virtual time)');
		expect((await run([fileOf(HANDSHAKE), '--until=1440min'])).status).toBe(0);
	});

	it('refuses a directory, an oversized file and binary data with one line each', async () => {
		expect(await run([tmpdir()])).toMatchObject({ status: 1, err: `simulate: ${tmpdir()}: cannot read: is a directory\n` });
		const big = await run([fileOf('#'.repeat(500 * 1024))]);
		expect(big).toMatchObject({ status: 1, err: expect.stringMatching(/too large; a scenario is at most 100 KB of text\n$/) });
		const bin = await run(['-'], Buffer.from([0, 1, 2, 0x1b, 0xff, 10, 0x9b, 65]));
		expect(bin.status).toBe(1);
		for (const line of bin.err.trimEnd().split('\n')) expect(line).toMatch(/^stdin:\d+: [^\x00-\x1f]*$/);
	});
});

describe('no stack trace reaches the user', () => {
	it('prints one line for an exception inside the tool (runMain)', () => {
		const script = "import('./src/lib/cli/node.ts').then((m) => m.runMain('simulate', async () => { throw new TypeError('boom\\nsecond line \\x1b[31m'); }))";
		try {
			execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', stdio: 'pipe' });
			throw new Error('expected exit status 1');
		} catch (e) {
			const err = e as { status: number; stderr: string };
			expect(err.status).toBe(1);
			expect(err.stderr).toBe('simulate: internal error: boom second line \\x1b[31m\n');
		}
	});

	it('the script itself: a usage error and a bad file end with one line and no "at ..." frame', () => {
		for (const args of [['--until', '99999999999999', 'x.scn'], ['/nonexistent.scn'], ['-']]) {
			try {
				execFileSync(process.execPath, ['--import', 'tsx', 'scripts/simulate.ts', ...args], { encoding: 'utf8', stdio: 'pipe', input: 'host a 1.2.3.4\x1b\n' });
				throw new Error('expected a failure');
			} catch (e) {
				const err = e as { status: number; stderr: string };
				expect(err.status).toBeGreaterThan(0);
				expect(err.stderr).not.toMatch(/^\s+at /m);
				expect(err.stderr).not.toContain('\x1b');
			}
		}
	});
});

/** The inputs of issue 12 that broke the CLI, each with what it gets now. */
describe('each hostile input of issue 12 through the CLI', () => {
	const HEAD = 'host client 192.168.1.10\nhost server 203.0.113.5 root\nlink client server latency=10ms\n';
	/** Every line of standard error is one line of printable text. */
	const printable = (err: string) => {
		for (const line of err.trimEnd().split('\n')) expect(line).toMatch(/^[^\x00-\x1f\x7f]*$/);
	};

	it('the 9-line ACK-loop scenario (out of memory after 117-169 s) ends by itself: 8 segments, exit 0', async () => {
		const text = ackStorm('windows', 'linux');
		const r = await run([fileOf(text)]);
		expect(r.status).toBe(0);
		expect(r.out.split('\n').filter((l) => /\d+:\d+ > [\d.]+:\d+ {2}\[/.test(l))).toHaveLength(8);
		expect(r.err).toMatch(/: all 2 expectations hold\n$/);
	});

	it('1,990 lines of `send 1000000` (44 KB; out of memory) stop at the parser with one line', async () => {
		const text = HEAD + '0ms server listen 80 as=web\n10ms client connect 203.0.113.5:80 as=c1\n' + '+0ms c1 send 1000000\n'.repeat(1_990);
		expect(text.length).toBeGreaterThan(40_000);
		const r = await run([fileOf(text), '--json']);
		expect(r).toMatchObject({ status: 1, out: '' });
		expect(r.err).toMatch(/^.*:16: this payload brings the bytes sent by the scenario to 11000000; a scenario may send at most 10000000 bytes in all\n$/);
	});

	it('1,990 hosts (1 GB of port tables) stop at the parser: an error from the 257th host on, at most 50 lines and a count', async () => {
		const text = HEAD + Array.from({ length: 1_990 }, (_, i) => `host h${i} 10.${i >> 8}.${i & 255}.1\n`).join('');
		const r = await run([fileOf(text)]);
		expect(r.status).toBe(1);
		const lines = r.err.trimEnd().split('\n');
		expect(lines[0]).toMatch(/:258: too many hosts and routers: host "h254" is number 257; a scenario may declare at most 256$/);
		expect(lines).toHaveLength(51);
		expect(lines[50]).toMatch(/: \.\.\. and \d+ more errors$/);
		printable(r.err);
	});

	it('a 9 KB scenario of pings streams its 14 MB of --json (it died with RangeError: Invalid string length)', async () => {
		let text = HEAD;
		while (text.length < 9_000) text += '+0ms client ping 203.0.113.5 count=100 interval=1ms\n';
		const r = await run([fileOf(text), '--json']);
		expect(r.status).toBe(0);
		expect(r.writes).toBeGreaterThan(100);
		expect(r.out.length).toBeGreaterThan(10_000_000);
		expect(JSON.parse(r.out).events.length).toBeGreaterThan(50_000);
	});

	it('`listen 080` is refused like a leading zero in an address', async () => {
		const r = await run([fileOf(HEAD + '0ms server listen 080\n')]);
		expect(r).toMatchObject({ status: 1, err: expect.stringMatching(/:4: expected a port number 0-65535 after "listen", got "080" \(no leading zeros: write 80\)\n$/) });
	});

	it('`ping count=100 interval=1440min` (99 days) is refused at the one-day limit', async () => {
		const r = await run([fileOf(HEAD + '0ms client ping 203.0.113.5 count=100 interval=1440min\n')]);
		expect(r.status).toBe(1);
		expect(r.err).toMatch(/:4: .*beyond the limit of 86400000 ms \(one day of virtual time\)\n$/);
	});
});

/** Scenario-like lines: valid ones, valid ones with a token replaced by anything, and noise. */
const lineArb = fc.oneof(
	fc.constantFrom(...HANDSHAKE.trimEnd().split('\n'), '+10ms c send 100', '+0ms c close', 'run until=1s', '+5ms expect c state ESTABLISHED', 'seed 7'),
	fc.tuple(fc.constantFrom(...HANDSHAKE.trimEnd().split('\n'), '+10ms c send 100', '+0ms client ping 203.0.113.5 count=3'), fc.nat(), fc.string({ unit: 'binary', maxLength: 12 })).map(([line, i, tok]) => {
		const words = line.split(' ');
		words[i % words.length] = tok;
		return words.join(' ');
	}),
	fc.string({ unit: 'binary', maxLength: 40 })
);
const argsArb = fc.array(fc.constantFrom('--json', '--check', '--seed', '--seed=x', '--seed=4294967296', '--until', '--until=5', '--until=1e99', '--pcap', '--bogus', '-'), { maxLength: 3 });

describe('no stack trace reaches the user, for any input (property)', () => {
	it('random scenarios and options: exit 0, 1 or 2; every error line is one printable line; no "at ..." frame', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(lineArb, { maxLength: 12 }), argsArb, fc.boolean(), async (lines, args, bom) => {
				const text = (bom ? '\ufeff' : '') + lines.join('\n') + '\n';
				const r = await run(['-', ...args], text);
				expect([0, 1, 2]).toContain(r.status);
				for (const line of r.err.split('\n')) {
					expect(line).toMatch(/^[^\x00-\x08\x0b-\x1f\x7f]*$/);
					expect(line).not.toMatch(/^\s+at |internal error/);
				}
			}),
			{ numRuns: 300, seed: 12 }
		);
	});
});
