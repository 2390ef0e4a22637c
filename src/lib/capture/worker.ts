/**
 * The capture page's Web Worker: reads a capture file off the main thread, streaming it
 * (`Blob.stream()`, gzip decompressed on the fly) through the reader and the analysis, posting
 * progress at most ten times a second, then the conversations. Replays of single conversations
 * are built here too, reading the file a second time for a conversation whose packets did not
 * fit in the store. Cancelling is terminating the worker (the page does it).
 *
 * Memory stays bounded for any file size: a chunk of the file at a time, the packet store's
 * budget, and at most {@link MAX_CONVERSATIONS} conversations.
 */
import { CaptureReader } from './reader';
import { CaptureAnalysis, summaryOf, type Conversation, type ConversationSummary } from './analysis';
import { pageOf, tabOf, type ConvTab } from './columns';
import { conversationReplay } from './replay';
import { conversationScenario } from './scenario';
import { isGzip, pump, pumpBlob } from './stream';
import { SUPPORTED_LINK_TYPES, linkTypeName } from './link';
import type { CaptureResult, FromWorker, ToWorker } from './protocol';

/** Conversations tracked per file in the browser. */
export const MAX_CONVERSATIONS = 50_000;
/** Packets kept in memory for replays (about 70 bytes each). */
export const STORE_BUDGET = 250_000;

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);

let file: Blob | null = null;
let fileName = '';
let gzip = false;
let analysis: CaptureAnalysis | null = null;
let summaries: ConversationSummary[] = [];
let cancelRequested = false;

function progress(phase: 'read' | 'rescan', total: number) {
	let last = 0;
	return (bytes: number, packets: number) => {
		const now = Date.now();
		if (now - last < 100 && bytes < total) return;
		last = now;
		post({ type: 'progress', phase, bytes, total, packets });
	};
}

async function open(blob: Blob, name: string) {
	file = blob;
	fileName = name;
	analysis = null;
	cache = null;
	gzip = isGzip(new Uint8Array(await blob.slice(0, 2).arrayBuffer()));
	summaries = [];
	// Anomalies are counted here and explained when a conversation is replayed: no messages kept.
	const an = new CaptureAnalysis({ maxConversations: MAX_CONVERSATIONS, storeBudget: STORE_BUDGET, maxAnomalies: 0 });
	const reader = new CaptureReader(
		(rec) => an.packet(rec),
		(iface) => an.iface(iface)
	);
	const report = progress('read', blob.size);
	const onProgress = (b: number) => report(b, reader.packets);
	await (gzip ? pump(blob.stream(), reader, { gzip, onProgress }) : pumpBlob(blob, reader, { onProgress }));
	an.finish();
	if (reader.error) {
		post({ type: 'error', message: reader.error });
		return;
	}
	const info = reader.info!;
	if (info.interfaces.length > 0 && info.interfaces.every((i) => !SUPPORTED_LINK_TYPES.has(i.linkType))) {
		const kinds = [...new Set(info.interfaces.map((i) => linkTypeName(i.linkType)))].join(', ');
		post({
			type: 'error',
			message: `This capture's link type is ${kinds}, which this reader does not decode: it reads Ethernet (with VLAN tags), Linux cooked capture (SLL, SLL2), raw IPv4/IPv6 and BSD loopback. Convert or re-capture it on one of those.`
		});
		return;
	}
	analysis = an;
	summaries = an.summaries();
	const counts: Record<ConvTab, number> = { TCP: 0, UDP: 0, ICMP: 0 };
	for (const c of summaries) counts[tabOf(c.proto)]++;
	const warnings: string[] = [];
	for (const w of reader.warnings) warnings.push(`${w.record !== null ? `Record ${w.record}: ` : ''}${w.message}`);
	for (const w of an.warnings) warnings.push(`Record ${w.record}: ${w.message}`);
	for (const [, u] of an.unsupported) if (u.packets) warnings.push(`${u.packets} packets on an interface with unsupported ${u.name} were skipped.`);
	const result: CaptureResult = {
		name,
		size: blob.size,
		format: info.format,
		version: info.version,
		byteOrder: info.byteOrder,
		resolution: info.resolution,
		gzip,
		sections: info.sections,
		skippedBlocks: info.skippedBlocks,
		interfaces: info.interfaces.map((i) => ({
			index: i.index,
			linkType: i.linkType,
			linkTypeName: linkTypeName(i.linkType),
			supported: SUPPORTED_LINK_TYPES.has(i.linkType),
			name: i.name,
			snapLen: i.snapLen,
			packets: i.packets
		})),
		stats: an.stats,
		start: an.startSec === null ? null : new Date(an.startSec * 1000 + an.startNsec / 1e6).toISOString(),
		warnings,
		moreWarnings: reader.droppedWarnings + an.droppedWarnings,
		damaged: reader.damaged,
		counts,
		maxConversations: MAX_CONVERSATIONS,
		timeWentBack: an.timeWentBack
	};
	post({ type: 'opened', result });
}

/** The last conversation's packets, so paging through its windows does not read the file again. */
let cache: { id: number; packets: Awaited<ReturnType<CaptureAnalysis['packetsOf']>>; limited: boolean } | null = null;

/** The packets of one conversation: from the store, or from a second pass over the file. */
async function packetsFor(c: Conversation) {
	if (cache && cache.id === c.id) return cache;
	const result = await readPackets(c);
	if (result) cache = { id: c.id, ...result };
	return result;
}

async function readPackets(c: Conversation) {
	const an = analysis!;
	if (an.complete(c)) return { packets: an.packetsOf(c), limited: false };
	const second = new CaptureAnalysis(CaptureAnalysis.rescanFor(c));
	const reader = new CaptureReader(
		(rec) => second.packet(rec),
		(iface) => second.iface(iface)
	);
	const report = progress('rescan', file!.size);
	const opts = { onProgress: (b: number) => report(b, reader.packets), cancelled: () => cancelRequested || second.pastRange };
	await (gzip ? pump(file!.stream(), reader, { gzip, ...opts }) : pumpBlob(file!, reader, opts));
	if (cancelRequested) return null;
	const found = second.rescanned();
	const packets = found ? second.packetsOf(found) : [];
	return { packets, limited: found ? !second.complete(found) : true };
}

async function replay(id: number, window: number) {
	const an = analysis;
	const c = an?.conversations[id];
	if (!an || !c) {
		post({ type: 'error', message: 'That conversation is no longer loaded; open the file again.' });
		return;
	}
	cancelRequested = false;
	const got = await packetsFor(c);
	if (!got) {
		post({ type: 'cancelled' });
		return;
	}
	const { packets, limited } = got;
	const summary = summaryOf(c);
	const rep = conversationReplay(summary, packets, window);
	const scenario = conversationScenario(summary, packets, rep.names, fileName);
	post({ type: 'replay', id, summary, replay: rep, scenario, kept: packets.length, limited });
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
	const m = e.data;
	if (m.type === 'cancel') {
		cancelRequested = true;
		return;
	}
	if (m.type === 'rows') {
		const { rows, total } = pageOf(summaries, m.tab, m.sort, m.dir, 0, m.limit);
		post({ type: 'rows', seq: m.seq, rows, total });
		return;
	}
	const run = m.type === 'open' ? open(m.file, m.name) : replay(m.id, m.window);
	run.catch((err: unknown) => post({ type: 'error', message: `Reading stopped: ${err instanceof Error ? err.message : String(err)}` }));
};
