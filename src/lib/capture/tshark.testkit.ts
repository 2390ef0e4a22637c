/**
 * Test kit: what tshark (Wireshark's command-line reader) makes of a capture, so the tests can
 * hold this reader and writer to the reference implementation. Node only; tests only.
 *
 * tshark is a Debian package (`apt-get install tshark`); `.ci/run` installs it when missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CaptureReader } from './reader';
import { decodePacket, newDecoded } from './decode';

/** True when a `tshark` binary runs. */
export function hasTshark(): boolean {
	return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The fields compared, per frame (first occurrence only, so an ICMP error's quoted headers do not count). */
export const FIELDS = [
	'frame.number',
	'frame.time_epoch',
	'ip.src',
	'ip.dst',
	'ipv6.src',
	'ipv6.dst',
	'tcp.srcport',
	'tcp.dstport',
	'tcp.seq_raw',
	'tcp.ack_raw',
	'tcp.flags',
	'tcp.len',
	'udp.srcport',
	'udp.dstport',
	'icmp.type',
	'icmp.code',
	'icmpv6.type',
	'icmpv6.code'
] as const;

export type TsharkRow = Record<(typeof FIELDS)[number], string>;

/** tshark's reading of a file: one row per frame, and its stderr (minus the "running as root" notice). */
export function tsharkRows(file: string, extra: string[] = []): { rows: TsharkRow[]; stderr: string } {
	const args = ['-r', file, '-n', '-T', 'fields', '-E', 'occurrence=f', '-E', 'separator=\t', ...extra];
	for (const f of FIELDS) args.push('-e', f);
	const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	const stderr = (r.stderr ?? '')
		.split('\n')
		.filter((l) => l.trim() && !l.includes('Running as user'))
		.join('\n');
	const rows = (r.stdout ?? '')
		.split('\n')
		.filter((l) => l.length > 0)
		.map((l) => {
			const v = l.split('\t');
			return Object.fromEntries(FIELDS.map((f, i) => [f, v[i] ?? ''])) as TsharkRow;
		});
	return { rows, stderr };
}

/** The same fields as this project's reader and decoder see them, for packets with an IP header. */
export interface OurRow {
	frame: number;
	sec: number;
	nsec: number;
	hasTime: boolean;
	src: string;
	dst: string;
	ipVersion: number;
	l4: string;
	sport: number;
	dport: number;
	seq: number;
	ack: number;
	flags: number;
	len: number;
	icmpType: number;
	icmpCode: number;
}

/** Read a file with {@link CaptureReader} and {@link decodePacket}: every IP packet, plus the reader's outcome. */
export function ourRows(file: string, chunk = 1 << 16): { rows: OurRow[]; reader: CaptureReader } {
	const d = newDecoded();
	const rows: OurRow[] = [];
	const reader = new CaptureReader((rec) => {
		if (!decodePacket(rec.iface.linkType, rec.data, d)) return;
		rows.push({
			frame: rec.frame,
			sec: rec.sec,
			nsec: rec.nsec,
			hasTime: rec.hasTime,
			src: d.src,
			dst: d.dst,
			ipVersion: d.ipVersion,
			l4: d.l4,
			sport: d.sport,
			dport: d.dport,
			seq: d.seq,
			ack: d.ack,
			flags: d.flags,
			len: d.payloadLen,
			icmpType: d.icmpType,
			icmpCode: d.icmpCode
		});
	});
	const bytes = readFileSync(file);
	for (let i = 0; i < bytes.length && reader.push(bytes.subarray(i, i + chunk)); i += chunk);
	reader.end();
	return { rows, reader };
}

/** tshark's TCP payload (hex) of every frame that carries one, by frame number. */
export function tsharkPayloads(file: string): Map<number, string> {
	const out = execFileSync('tshark', ['-r', file, '-n', '-Y', 'tcp.len > 0', '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', 'tcp.payload'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
		maxBuffer: 256 * 1024 * 1024
	});
	const payloads = new Map<number, string>();
	for (const line of out.split('\n').filter(Boolean)) {
		const [frame, hex] = line.split('\t');
		payloads.set(Number(frame), hex);
	}
	return payloads;
}

/** tshark's expert infos of severity warning or error that are not about the traffic's own TCP behaviour (group Sequence). */
export function tsharkProblems(file: string): string[] {
	const out = execFileSync(
		'tshark',
		['-r', file, '-n', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=\t', '-e', 'frame.number', '-e', '_ws.expert.severity', '-e', '_ws.expert.group', '-e', '_ws.expert.message', '-e', '_ws.malformed', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'udp.checksum.status', '-e', 'icmp.checksum.status', '-e', 'icmpv6.checksum.status'],
		{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 }
	);
	const problems: string[] = [];
	const SEQUENCE = 0x02000000;
	const WARN = 0x00600000;
	for (const line of out.split('\n').filter(Boolean)) {
		const [frame, sev, group, msg, malformed, ...sums] = line.split('\t');
		const sevs = sev ? sev.split(',').map(Number) : [];
		const groups = group ? group.split(',').map(Number) : [];
		const msgs = msg ? msg.split(',') : [];
		sevs.forEach((s, i) => {
			if (s >= WARN && groups[i] !== SEQUENCE) problems.push(`frame ${frame}: ${msgs[i] ?? ''} (severity 0x${s.toString(16)})`);
		});
		if (malformed) problems.push(`frame ${frame}: malformed`);
		// Checksum status 0 is "bad" (1 good, 2 unverified).
		if (sums.some((s) => s.split(',').some((x) => x === '0'))) problems.push(`frame ${frame}: bad checksum ${sums.join(' ')}`);
	}
	return problems;
}

/** tshark's TCP fields of every TCP frame: ports, flags (hex), raw seq, raw ack, payload length. */
export function tsharkTcp(file: string): Array<{ sport: number; dport: number; flags: number; seq: number; ack: number; len: number }> {
	// `!icmp`, `!icmpv6`: an ICMP error quoting a TCP header (a firewall's REJECT answering a SYN,
	// an ICMPv6 Packet Too Big) is not a segment.
	const out = execFileSync('tshark', ['-r', file, '-n', '-Y', 'tcp && !icmp && !icmpv6', '-T', 'fields', '-E', 'occurrence=f', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.flags', '-e', 'tcp.seq_raw', '-e', 'tcp.ack_raw', '-e', 'tcp.len'], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
		maxBuffer: 64 * 1024 * 1024
	});
	return out
		.split('\n')
		.filter(Boolean)
		.map((l) => {
			const [sport, dport, flags, seq, ack, len] = l.split('\t');
			return { sport: Number(sport), dport: Number(dport), flags: parseInt(flags, 16), seq: Number(seq), ack: Number(ack), len: Number(len) };
		});
}
