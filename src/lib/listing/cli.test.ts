import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runExplain, type CliIo } from './cli';
import { EXAMPLES } from './examples';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WINDOWS = EXAMPLES.find((e) => e.id === 'windows')!.text;

function io(files: Record<string, string | Buffer>, stdin: string | Buffer = '') {
	const out: string[] = [];
	const err: string[] = [];
	const cli: CliIo = {
		readFile: (p) => {
			if (p in files) return files[p];
			const e = new Error(`ENOENT: no such file, open '${p}'`) as NodeJS.ErrnoException;
			e.code = p.endsWith('/') ? 'EISDIR' : 'ENOENT';
			throw e;
		},
		readStdin: async () => stdin,
		stdout: (s) => out.push(s),
		stderr: (s) => err.push(s)
	};
	return { cli, out: () => out.join(''), err: () => err.join('') };
}

/** One line, no stack trace, no raw control character. */
function oneLineError(s: string) {
	expect(s.trimEnd().split('\n')[0]).toMatch(/^explain: /);
	expect(s).not.toMatch(/\n\s+at /);
	expect(s).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
}

describe('npm run explain', () => {
	it('prints the findings with their lessons and the rows', async () => {
		const t = io({ 'w.txt': WINDOWS });
		expect(await runExplain(['w.txt'], t.cli)).toBe(0);
		expect(t.out()).toMatch(/^format: netstat-windows {3}os: windows/);
		expect(t.out()).toContain('close-wait-leak');
		expect(t.out()).toContain('learn: /lessons/closing-connections#close-wait-means-the-program-has-not-closed');
		expect(t.out()).toMatch(/\n16 +tcp +ESTABLISHED +192\.168\.1\.11:50312/);
		expect(t.err()).toBe('');
	});

	it('prints the JSON shape of issue 15 with --json', async () => {
		const t = io({ 'w.txt': WINDOWS });
		expect(await runExplain(['--json', 'w.txt'], t.cli)).toBe(0);
		const j = JSON.parse(t.out());
		expect(Object.keys(j)).toEqual(expect.arrayContaining(['format', 'os', 'rows', 'skipped', 'findings']));
		expect(j.rows[0]).toMatchObject({ line: 6, proto: 'tcp', state: 'LISTEN', stateRaw: 'LISTENING', local: { addr: '0.0.0.0', port: 135 }, peer: { addr: '0.0.0.0', port: null }, pid: 1064, process: 'svchost.exe' });
		const tw = j.rows.find((r: { stateRaw: string }) => r.stateRaw === 'TIME_WAIT');
		expect(tw.state).toBe('TIME-WAIT');
		for (const f of j.findings) {
			expect(f).toMatchObject({ kind: expect.any(String), severity: expect.any(String), message: expect.any(String), rows: expect.any(Array) });
		}
	});

	it('reads standard input for "-" and strips a BOM', async () => {
		const t = io({}, Buffer.from('\ufeff' + WINDOWS, 'utf8'));
		expect(await runExplain(['-', '--json'], t.cli)).toBe(0);
		expect(JSON.parse(t.out()).format).toBe('netstat-windows');
	});

	it.each([
		[['missing.txt'], 1, /missing\.txt: cannot read: no such file/],
		[['dir/'], 1, /cannot read: is a directory/],
		[[], 2, /no FILE given/],
		[['--yaml', 'w.txt'], 2, /unknown option --yaml/],
		[['a', 'b'], 2, /only one FILE/],
		[['prose.txt'], 1, /prose\.txt: no socket listing recognised/],
		[['bin.dat'], 1, /binary data/],
		[['esc\x1b[31m.txt'], 1, /esc\\x1b\[31m\.txt/]
	] as [string[], number, RegExp][])('fails with one line for %j', async (argv, code, msg) => {
		const t = io({ 'w.txt': WINDOWS, 'prose.txt': 'Dear diary,\nnothing listens here.\n', 'bin.dat': Buffer.from([0x89, 0x50, 0x00, 0x01]) });
		expect(await runExplain(argv, t.cli)).toBe(code);
		expect(t.err()).toMatch(msg);
		oneLineError(t.err());
		expect(t.out()).toBe('');
	});

	it('says the limit when the file is too large', async () => {
		const t = io({ 'big.txt': 'tcp 0 0 1.2.3.4:1 5.6.7.8:2 ESTABLISHED\n'.repeat(120_000) });
		expect(await runExplain(['big.txt'], t.cli)).toBe(1);
		expect(t.err()).toMatch(/at most/);
		oneLineError(t.err());
	});

	it('runs as a script: "-" reads stdin, errors are one line with no stack trace', () => {
		const tsx = [ROOT + 'node_modules/tsx/dist/cli.mjs', ROOT + 'scripts/explain.ts'];
		const out = execFileSync(process.execPath, [...tsx, '-', '--json'], { input: '\ufeff' + WINDOWS.replace(/\n/g, '\r\n'), encoding: 'utf8' });
		expect(JSON.parse(out).rows.length).toBe(13);
		const bad = spawnSync(process.execPath, [...tsx, ROOT + 'no-such-listing.txt'], { encoding: 'utf8' });
		expect(bad.status).toBe(1);
		oneLineError(bad.stderr);
	}, 60_000);
});
