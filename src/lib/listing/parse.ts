/**
 * Read a pasted socket listing: find which tool printed it (no option needed), read every row,
 * and say why each other line was not read.
 *
 * Work is bounded: the text is refused above {@link DEFAULT_LIMITS}.maxChars or maxLines, lines
 * longer than maxLineLength are skipped unread, and every reader runs in time linear in its line
 * (no backtracking regular expressions over user text).
 *
 * @module
 */
import type { ServiceResolver } from './address';
import { bsdTruncation, markTruncated, READERS, type FormatReader, type HeaderInfo, type ReadContext } from './formats';
import { SS_FILTER_STATES } from './states';
import { stripBom } from '../cli/text';
import type { ListingFormat, ListingLimits, ListingOs, ListingRow, SkippedLine, SsSummary } from './types';

export const DEFAULT_LIMITS: ListingLimits = { maxChars: 4 * 1024 * 1024, maxLines: 100_000, maxLineLength: 4096 };

/** What {@link parseListing} returns: rows and skipped lines, before any finding is made. */
export interface ParsedListing {
	format: ListingFormat;
	os: ListingOs;
	rows: ListingRow[];
	skipped: SkippedLine[];
	notes: string[];
	summary?: SsSummary;
	command?: string;
	error?: string;
}

/** A shell prompt followed by one of the tools: the paste includes the command line. */
const PROMPT =
	/^\s*(?:\S*[$#%>]\s*|PS [^>]{0,200}>\s*|[A-Za-z]:\\[^>]{0,200}>\s*)?((?:sudo\s+)?(?:ss|netstat|lsof|sockstat|Get-NetTCPConnection|Get-NetUDPEndpoint)(?:\.exe)?(?:\s.*)?)$/i;
/** Section titles that start a table of something other than Internet sockets. */
const OTHER_SECTION =
	/^\s*(Active (UNIX|LOCAL \(UNIX\)) domain sockets|Active kernel (event|control) sockets|Registered kernel control modules|Active Multipath Internet connections|Active Bluetooth connections|Active (IPX|AX\.25|NET\/ROM|X\.25) sockets|Active vsock sockets)/i;

function bytes(n: number): string {
	return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}


/** The command line of a pasted prompt, e.g. `ss -tan state time-wait`, or null. */
export function commandOf(line: string): string | null {
	if (line.length > 1000) return null;
	const m = PROMPT.exec(line);
	if (!m) return null;
	const cmd = m[1].trim();
	// A bare "netstat" line in a paste is a command only when it carries options or a prompt.
	if (!/\s/.test(cmd) && !/[$#%>]/.test(line)) return null;
	return cmd;
}

function detect(lines: string[], limits: ListingLimits): FormatReader | null {
	const score = new Map<FormatReader, number>();
	const ctx: ReadContext = { header: null, prev: null, contCount: 0 };
	let seen = 0;
	for (let i = 0; i < lines.length && seen < 400; i++) {
		const line = lines[i];
		if (line.trim() === '' || line.length > limits.maxLineLength) continue;
		seen++;
		for (const r of READERS) {
			let s = 0;
			const h = r.header(line, lines[i + 1]);
			if (h) s = 5;
			else {
				ctx.header = null;
				ctx.prev = null;
				const res = r.read(line, i + 1, ctx);
				if (res.kind === 'row') s = 1;
				else if (res.kind === 'meta' && r.format === 'ss-summary') s = 2;
			}
			if (s) score.set(r, (score.get(r) ?? 0) + s);
		}
	}
	let best: FormatReader | null = null;
	let bestScore = 0;
	for (const r of READERS) {
		const s = score.get(r) ?? 0;
		if (s > bestScore) {
			best = r;
			bestScore = s;
		}
	}
	return best;
}

function readSummaryLine(line: string, lineNo: number, summary: SsSummary | undefined): SsSummary | undefined {
	const s = line.trim();
	const total = /^Total:\s+(\d{1,12})/.exec(s);
	if (total) return { ...(summary ?? { line: lineNo }), total: Number(total[1]) };
	const tcp = /^TCP:\s+(\d{1,12})\s*\(([^)]{0,300})\)/.exec(s);
	if (tcp) {
		const out: SsSummary = { ...(summary ?? { line: lineNo }), tcp: Number(tcp[1]) };
		for (const part of tcp[2].split(',')) {
			const m = /^\s*(estab|closed|orphaned|synrecv|timewait)\s+(\d{1,12})/.exec(part);
			if (m) out[m[1] as 'estab'] = Number(m[2]);
		}
		return out;
	}
	return summary;
}

/**
 * Read a listing.
 *
 * @param text the paste (any line ends; a leading BOM is ignored).
 * @param opts.services maps service names to ports for listings printed without `-n`.
 * @param opts.limits overrides {@link DEFAULT_LIMITS}.
 * @returns rows in line order, skipped lines with reasons, and notes. Never throws; an input over
 *   the limits returns `error` and no rows.
 */
export function parseListing(text: string, opts: { services?: ServiceResolver; limits?: Partial<ListingLimits> } = {}): ParsedListing {
	const limits = { ...DEFAULT_LIMITS, ...opts.limits };
	const empty = (error: string): ParsedListing => ({ format: 'unknown', os: 'unknown', rows: [], skipped: [], notes: [], error });
	if (typeof text !== 'string') return empty('the listing must be text');
	if (text.length > limits.maxChars) {
		return empty(`The listing is ${bytes(text.length)}; the explainer reads at most ${bytes(limits.maxChars)}. Paste a part of it, for example one state (ss -tan state time-wait) or one port.`);
	}
	text = stripBom(text);
	const lines = text.split(/\r\n|\r|\n/);
	if (lines.length > limits.maxLines) {
		return empty(`The listing has ${lines.length.toLocaleString('en-US')} lines; the explainer reads at most ${limits.maxLines.toLocaleString('en-US')}. Paste a part of it, for example one state or one port.`);
	}

	const rows: ListingRow[] = [];
	const skipped: SkippedLine[] = [];
	const notes: string[] = [];
	const formatCounts = new Map<string, number>();
	const osCounts = new Map<ListingOs, number>();
	const fieldLens = new Map<string, number>();
	const rowFields = new Map<ListingRow, { format: ListingFormat; local: string; peer: string; width: number }>();
	let command: string | undefined;
	let summary: SsSummary | undefined;
	let osHint: ListingOs | undefined;

	let reader = detect(lines, limits);
	const ctx: ReadContext = { services: opts.services, header: null, prev: null, contCount: 0 };
	let otherSection: { start: number; title: string; count: number } | null = null;
	const closeSection = () => {
		if (!otherSection) return;
		const end = otherSection.start + otherSection.count - 1;
		skipped.push({
			line: otherSection.start,
			reason: `${otherSection.title}: not Internet sockets; lines ${otherSection.start}–${end} were not read`
		});
		otherSection = null;
	};

	for (let i = 0; i < lines.length; i++) {
		const lineNo = i + 1;
		const line = lines[i].replace(/\s+$/, '');
		if (line.trim() === '') {
			if (otherSection) otherSection.count++;
			continue;
		}
		if (line.length > limits.maxLineLength) {
			skipped.push({ line: lineNo, reason: `line longer than ${limits.maxLineLength} characters, not read` });
			continue;
		}
		const cmd = commandOf(line);
		if (cmd !== null) {
			closeSection();
			command ??= cmd;
			const st = /\bstate\s+([a-z0-9-]+)/i.exec(cmd);
			ctx.ssStateFilter = st && /^ss\b|\bss\s/.test(cmd) ? SS_FILTER_STATES[st[1].toLowerCase()] : undefined;
			ctx.udpOnly = /^(sudo\s+)?(ss|netstat)\s+-[A-Za-z]*u/.test(cmd) && !/-[A-Za-z]*t/.test(cmd);
			if (/^(Get-Net|netstat\.exe)/i.test(cmd) || /^\s*(PS |[A-Za-z]:\\)/.test(line)) osHint = 'windows';
			skipped.push({ line: lineNo, reason: 'command line' });
			continue;
		}
		if (OTHER_SECTION.test(line)) {
			closeSection();
			otherSection = { start: lineNo, title: line.trim().slice(0, 60), count: 1 };
			ctx.prev = null;
			continue;
		}
		let header: HeaderInfo | null = null;
		let headerReader: FormatReader | null = null;
		for (const r of reader ? [reader, ...READERS.filter((x) => x !== reader)] : READERS) {
			header = r.header(line, lines[i + 1]);
			if (header) {
				headerReader = r;
				break;
			}
		}
		if (header && headerReader) {
			closeSection();
			reader = headerReader;
			// A title line ("Active Internet connections") keeps a column header read before it.
			if (header.names || header.starts || !ctx.header || ctx.header.format !== header.format) ctx.header = header;
			if (header.os) osHint = header.os;
			ctx.prev = null;
			if (header.format === 'ss-summary') summary = readSummaryLine(line, lineNo, summary);
			continue;
		}
		if (otherSection) {
			otherSection.count = lineNo - otherSection.start + 1;
			continue;
		}
		if (!reader) {
			skipped.push({ line: lineNo, reason: 'not a row of any supported tool (ss, netstat, Get-NetTCPConnection, lsof, sockstat)' });
			continue;
		}
		let res = reader.read(line, lineNo, ctx);
		if (res.kind === 'fail') {
			// A paste may hold the output of two tools: try the others before giving up on the line.
			for (const r of READERS) {
				if (r === reader) continue;
				const other = r.read(line, lineNo, { ...ctx, header: null, prev: null, prevFormat: undefined });
				if (other.kind === 'row') {
					reader = r;
					ctx.header = null;
					res = other;
					break;
				}
			}
		}
		switch (res.kind) {
			case 'row':
				rows.push(res.row);
				ctx.prev = res.row;
				ctx.prevFormat = reader.format;
				ctx.contCount = 0;
				formatCounts.set(reader.format, (formatCounts.get(reader.format) ?? 0) + 1);
				if (res.os) osCounts.set(res.os, (osCounts.get(res.os) ?? 0) + 1);
				if (res.fields) {
					const key = reader.format;
					fieldLens.set(key, Math.max(fieldLens.get(key) ?? 0, res.fields.local.length, res.fields.peer.length));
					rowFields.set(res.row, { format: reader.format, ...res.fields });
				}
				break;
			case 'cont':
				ctx.contCount++;
				break;
			case 'meta':
				if (reader.format === 'ss-summary') {
					summary = readSummaryLine(line, lineNo, summary);
					formatCounts.set('ss-summary', (formatCounts.get('ss-summary') ?? 0) + 1);
				}
				break;
			case 'skip':
				skipped.push({ line: lineNo, reason: res.reason });
				break;
			case 'fail':
				skipped.push({ line: lineNo, reason: res.reason });
				break;
		}
	}
	closeSection();

	// Wide output (-W) prints whole addresses: a field wider than the cut-off width means nothing was cut.
	const wideLinux = (fieldLens.get('netstat-linux') ?? 0) > 23;
	const wideBsd = (fieldLens.get('netstat-bsd') ?? 0) > 22;
	for (const [row, f] of rowFields) {
		if (f.format === 'netstat-bsd' && !wideBsd) {
			bsdTruncation(row, 'local', f.local, f.width);
			bsdTruncation(row, 'peer', f.peer, f.width);
		}
		// net-tools without -W cuts the address so that "addr:port" fits 23 characters; the port is kept.
		if (f.format === 'netstat-linux' && !wideLinux) {
			if (f.local.length >= 23) markTruncated(row, 'local.addr');
			if (f.peer.length >= 23) markTruncated(row, 'peer.addr');
		}
	}
	let format: ListingFormat = 'unknown';
	let most = 0;
	for (const [f, n] of formatCounts) {
		if (n > most) {
			format = f as ListingFormat;
			most = n;
		}
	}
	if (format === 'unknown' && summary) format = 'ss-summary';
	let os: ListingOs = 'unknown';
	let osMost = 0;
	for (const [o, n] of osCounts) {
		if (n > osMost) {
			os = o;
			osMost = n;
		}
	}
	if (format === 'ss-summary') os = 'linux';
	if (osHint && (os === 'unknown' || (format === 'netstat-bsd' && osHint === 'freebsd' && os !== 'macos'))) os = osHint;
	if (osHint === 'windows' && os === 'unknown') os = 'windows';

	if (rows.some((r) => r.state === 'UNKNOWN' && r.proto === 'tcp' && r.stateRaw === '') && format === 'ss') {
		notes.push(
			'The State column is missing: ss leaves it out when one state is filtered (ss -tan state close-wait). Paste the command line with the output so the state is known.'
		);
	}
	return { format, os, rows, skipped, notes, summary, command };
}
