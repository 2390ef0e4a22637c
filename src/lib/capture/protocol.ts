/**
 * Messages between the capture page and its Web Worker (worker.ts). Plain, structured-clonable data.
 *
 * @module
 */
import type { CaptureStats, ConversationSummary } from './analysis';
import type { CaptureScenario } from './scenario';
import type { ConvTab } from './columns';
import type { ConversationReplay } from './replay';

/** Page → worker. */
export type ToWorker =
	/** Read a file (a `File` from a drop or a picker, or a fetched sample). */
	| { type: 'open'; file: Blob; name: string }
	/** Build the replay of one conversation (window: which window of packets to show). */
	| { type: 'replay'; id: number; window: number }
	/** A page of the conversation list, sorted (answered by `rows` with the same `seq`). */
	| { type: 'rows'; seq: number; tab: ConvTab; sort: string; dir: 1 | -1; limit: number }
	/** Stop a second pass over the file (a long conversation's replay); the file stays loaded. */
	| { type: 'cancel' };

/** One interface of the capture, for the summary. */
export interface InterfaceInfo {
	index: number;
	linkType: number;
	linkTypeName: string;
	supported: boolean;
	name: string | null;
	snapLen: number;
	packets: number;
}

/** What the page shows about a file once it is read. */
export interface CaptureResult {
	name: string;
	size: number;
	format: 'pcap' | 'pcapng';
	version: string;
	byteOrder: string;
	resolution: string;
	gzip: boolean;
	sections: number;
	skippedBlocks: number;
	interfaces: InterfaceInfo[];
	stats: CaptureStats;
	/** ISO time of the first packet (UTC), or null. */
	start: string | null;
	/** Damage and decode problems, one line each, with the record number. */
	warnings: string[];
	/** More warnings than listed. */
	moreWarnings: number;
	/** The file is damaged: reading stopped early (the first warning says where). */
	damaged: boolean;
	/** Conversations per tab of the list (the rows themselves are asked for page by page). */
	counts: Record<ConvTab, number>;
	/** Conversations beyond the tracking limit (their packets are counted in stats.untracked). */
	maxConversations: number;
	timeWentBack: boolean;
}

/** Worker → page. */
export type FromWorker =
	| { type: 'progress'; phase: 'read' | 'rescan'; bytes: number; total: number; packets: number }
	| { type: 'opened'; result: CaptureResult }
	| { type: 'rows'; seq: number; rows: ConversationSummary[]; total: number }
	| { type: 'replay'; id: number; summary: ConversationSummary; replay: ConversationReplay; scenario: CaptureScenario | null; kept: number; limited: boolean }
	/** A replay's second pass was cancelled. */
	| { type: 'cancelled' }
	/** The file could not be read at all (not a capture, unsupported link type): one sentence. */
	| { type: 'error'; message: string };
