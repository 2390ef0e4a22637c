/**
 * `npm run simulate` checks a scenario's expect lines: exit status 0 and a count when they
 * hold; exit status 1 and `FILE:LINE: expectation failed: ...` for each that does not (the
 * trace is still printed).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
