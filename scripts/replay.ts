/**
 * Replay a capture file through the TCP state machine and print what happened.
 *
 *   npx tsx scripts/replay.ts FILE [--json]
 *
 * FILE is a pcap or pcapng capture (optionally gzip-compressed). Output: the readable log (one
 * line per packet and per inferred state change, then every conversation with its final states
 * and anomalies), or with `--json` a trace in the schema of docs/trace-schema.md: `hosts` (one
 * per address seen), one `segment` event per captured TCP segment in capture order (src/dst
 * address and port, flags, raw seq, raw ack and payload length as on the wire), `datagram` and
 * `icmp` events, and the inferred `state` events of both ends of every connection; the extra
 * `capture` field describes the file, its conversations and their anomalies.
 *
 * A damaged file keeps every packet before the damage and warns on stderr with the record
 * number (exit status 0). A file that is not a capture, or whose link type is not supported,
 * exits with status 1 and one line saying why; usage errors exit 2. Never a stack trace.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { CaptureReader, describeLinkTypes } from '../src/lib/capture/reader';
import { CaptureAnalysis, endpointText, summaryOf, type ConversationSummary } from '../src/lib/capture/analysis';
import { CaptureTraceBuilder } from '../src/lib/capture/replay';
import { isGzip, pump } from '../src/lib/capture/stream';
import { SUPPORTED_LINK_TYPES, linkTypeName } from '../src/lib/capture/link';
import type { InferredState } from '../src/lib/capture/infer';
import { formatEvent } from '../src/lib/sim/format';
import { runMain } from '../src/lib/cli/node';
import type { TraceEvent } from '../src/lib/sim/trace';

const USAGE = `usage: npm run replay -- FILE [--json]

  FILE     a pcap or pcapng capture (tcpdump, Wireshark, dumpcap), optionally gzip-compressed
  --json   print a trace (docs/trace-schema.md) instead of the readable log
`;

/** Where the CLI writes (injectable for tests). */
export interface Io {
	out: (text: string) => boolean | Promise<void>;
	err: (text: string) => void;
	/** Waits until `out` can take more (stdout backpressure). */
	drain?: () => Promise<void>;
}

const SUPPORTED_TEXT = 'Ethernet (with 802.1Q VLAN tags), Linux cooked capture (SLL and SLL2), raw IPv4/IPv6 and BSD loopback';

/** Run the CLI; resolves to the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
	let file: string | null = null;
	let json = false;
	for (const a of argv) {
		if (a === '--json') json = true;
		else if (a === '-h' || a === '--help') {
			await io.out(USAGE);
			return 0;
		} else if (a.startsWith('-') && a !== '-') {
			io.err(`replay: unknown option ${a}\n${USAGE}`);
			return 2;
		} else if (file === null) file = a;
		else {
			io.err(`replay: only one FILE, got ${JSON.stringify(file)} and ${JSON.stringify(a)}\n${USAGE}`);
			return 2;
		}
	}
	if (file === null) {
		io.err(`replay: no capture FILE given\n${USAGE}`);
		return 2;
	}

	// Peek at the first bytes: gzip or not, and is the file readable at all.
	let head: Uint8Array;
	try {
		const fd = openSync(file, 'r');
		head = new Uint8Array(2);
		readSync(fd, head, 0, 2, 0);
		closeSync(fd);
	} catch (e) {
		io.err(`replay: ${file}: cannot read: ${(e as Error).message}\n`);
		return 1;
	}

	const builder = new CaptureTraceBuilder();
	const pending: InferredState[] = [];
	let buffered: string[] = [];
	let first = true;
	const width = 15;
	const emit = (e: TraceEvent) => {
		if (json) {
			buffered.push((first ? '' : ',\n') + JSON.stringify(e));
			first = false;
		} else buffered.push(formatEvent(e, width) + '\n');
	};
	let unsupportedOnly: string | null = null;
	const analysis = new CaptureAnalysis({
		storeBudget: 0,
		onState: (e) => pending.push(e),
		onPacket: (p, conv) => {
			emit(builder.packet(p));
			for (const s of pending) emit(builder.state(s, conv, p.t));
			pending.length = 0;
		}
	});
	const reader = new CaptureReader(
		(rec) => analysis.packet(rec),
		(iface) => {
			analysis.iface(iface);
			if (reader.info?.format === 'pcap' && !SUPPORTED_LINK_TYPES.has(iface.linkType)) {
				unsupportedOnly = `unsupported link type ${linkTypeName(iface.linkType)}; this reader decodes ${SUPPORTED_TEXT}`;
			}
		}
	);
	// Nothing is written before the reader has seen a capture with a usable link type, so a file
	// that fails prints no half JSON document; the readable log's header comes first even when
	// packets are written while the file is still being read.
	let started = false;
	let headerInterfaces = 0;
	const flush = async () => {
		if (buffered.length === 0) return;
		if (!started) {
			started = true;
			if (json) buffered.unshift('{"seed":0,"events":[\n');
			else {
				headerInterfaces = reader.info?.interfaces.length ?? 0;
				buffered.unshift(header(file, reader.info!, analysis));
			}
		}
		const text = buffered.join('');
		buffered = [];
		const ok = await io.out(text);
		if (ok === false && io.drain) await io.drain();
	};

	const source = Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })) as unknown as ReadableStream<Uint8Array>;
	// Flush the output between chunks (each chunk's packets are written before the next is read).
	const throughFlush = source.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			async transform(chunk, ctl) {
				if (!reader.error && !unsupportedOnly) await flush();
				ctl.enqueue(chunk);
			}
		})
	);
	await pump(throughFlush, reader, { gzip: isGzip(head), cancelled: () => unsupportedOnly !== null });
	analysis.finish();

	if (reader.error) {
		io.err(`replay: ${file}: ${reader.error}\n`);
		return 1;
	}
	if (unsupportedOnly) {
		io.err(`replay: ${file}: ${unsupportedOnly}\n`);
		return 1;
	}
	const info = reader.info!;
	const usable = info.interfaces.filter((i) => SUPPORTED_LINK_TYPES.has(i.linkType));
	if (usable.length === 0 && info.interfaces.length > 0) {
		io.err(`replay: ${file}: unsupported link type ${describeLinkTypes(info)}; this reader decodes ${SUPPORTED_TEXT}\n`);
		return 1;
	}

	// Warnings: damage to the file, then packets that could not be decoded.
	for (const w of reader.warnings) io.err(`replay: ${file}: ${w.record !== null ? `record ${w.record}: ` : ''}${w.message}\n`);
	if (reader.droppedWarnings) io.err(`replay: ${file}: … and ${reader.droppedWarnings} more warnings\n`);
	if (reader.damaged) io.err(`replay: ${file}: kept the ${reader.packets} packets before the damage\n`);
	for (const w of analysis.warnings) io.err(`replay: ${file}: record ${w.record}: ${w.message}\n`);
	if (analysis.droppedWarnings) io.err(`replay: ${file}: … and ${analysis.droppedWarnings} more packets that could not be decoded\n`);
	for (const [, u] of analysis.unsupported) if (u.packets > 0) io.err(`replay: ${file}: ${u.packets} packets on an interface with unsupported ${u.name} were skipped\n`);
	if (analysis.stats.untracked) io.err(`replay: ${file}: ${analysis.stats.untracked} packets of conversations beyond the first ${analysis.conversations.length} were counted but not replayed\n`);

	const summaries = analysis.conversations.map((c) => ({ ...summaryOf(c), anomalyList: c.anomalies }));
	if (json) {
		const capture = {
			file,
			format: info.format,
			version: info.version,
			byteOrder: info.byteOrder,
			resolution: info.resolution,
			interfaces: info.interfaces.map((i) => ({ linkType: i.linkType, linkTypeName: linkTypeName(i.linkType), name: i.name, snapLen: i.snapLen, packets: i.packets })),
			stats: analysis.stats,
			damaged: reader.damaged,
			warnings: [...reader.warnings, ...analysis.warnings.map((w) => ({ record: w.record, offset: null, message: w.message }))],
			conversations: summaries
		};
		buffered.push(`\n],"hosts":${JSON.stringify(builder.hosts)},"end":${Math.round(analysis.stats.duration * 1e6) / 1e6},"capture":${JSON.stringify(capture)}}\n`);
	} else {
		if (started && headerInterfaces !== info.interfaces.length) {
			// pcapng may describe interfaces after the header was written.
			buffered.push(`# ${info.interfaces.length} interfaces in all: ${interfaceList(info)}\n`);
		}
		buffered.push(footer(summaries, analysis));
	}
	await flush();
	return 0;
}

function interfaceList(info: NonNullable<CaptureReader['info']>): string {
	return info.interfaces.map((i) => `${linkTypeName(i.linkType)}${i.name ? ` "${i.name}"` : ''}`).join(', ');
}

function header(file: string, info: NonNullable<CaptureReader['info']>, an: CaptureAnalysis): string {
	const ifaces = interfaceList(info);
	const start = an.startSec === null ? '' : ` first packet ${new Date(an.startSec * 1000 + an.startNsec / 1e6).toISOString()}`;
	return `# capture ${file}: ${info.format} ${info.version}, ${info.byteOrder}, ${info.resolution === 'per interface' ? 'timestamps per interface' : info.resolution}; ${info.interfaces.length} interface${info.interfaces.length === 1 ? '' : 's'}: ${ifaces};${start}\n# times are ms since the first packet; each packet is shown as the sender's host (its address)\n`;
}

function footer(convs: Array<ConversationSummary & { anomalyList: import('../src/lib/capture/infer').Anomaly[] }>, an: CaptureAnalysis): string {
	const s = an.stats;
	const lines = [`# ${s.packets} packets (${s.tcp} TCP, ${s.udp} UDP, ${s.icmp} ICMP, ${s.otherIp} other IP, ${s.notIp} not IP), ${convs.length} conversations`];
	for (const c of convs) {
		const ends = c.proto === 'TCP' || c.proto === 'UDP' ? `${endpointText(c.a)} <-> ${endpointText(c.b)}` : `${c.a.ip} <-> ${c.b.ip}${c.icmpId >= 0 ? ` id=${c.icmpId}` : ''}`;
		const st = c.states ? `  A ${c.states[0] ?? '?'} / B ${c.states[1] ?? '?'}${c.midConnection ? ' (started before the capture)' : ''}` : '';
		lines.push(`# ${c.proto} stream ${c.stream}: ${ends}  ${c.packets} packets, ${c.bytes} bytes${st}`);
		for (const a of c.anomalyList) lines.push(`#   frame ${a.frame}: [${a.kind}] ${a.message}`);
		if (c.anomalies > c.anomalyList.length) lines.push(`#   … and ${c.anomalies - c.anomalyList.length} more anomalies`);
	}
	lines.push(`# end ${s.duration.toFixed(3)} ms`);
	return lines.join('\n') + '\n';
}

// Run as a script (not when imported by tests).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const stdout = process.stdout;
	runMain('replay', () =>
		main(process.argv.slice(2), {
			out: (t) => stdout.write(t),
			err: (t) => process.stderr.write(t),
			drain: () => new Promise((r) => stdout.once('drain', r))
		})
	);
}
