/**
 * Feeding a capture file to a {@link CaptureReader} from a web `ReadableStream` (a browser
 * `File.stream()`, or Node's `Readable.toWeb`), with progress, cancellation and transparent
 * gzip decompression (`.pcap.gz`, `.pcapng.gz`, as tshark reads them).
 *
 * @module
 */
import type { CaptureReader } from './reader';

/** True when the first bytes are a gzip member header (RFC 1952 §2.3.1: ID1 0x1f, ID2 0x8b). */
export function isGzip(head: Uint8Array): boolean {
	return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Options of {@link pump}. */
export interface PumpOptions {
	/** The file is gzip-compressed (see {@link isGzip}): decompress while reading. */
	gzip?: boolean;
	/** Called after each chunk with the bytes of the file read so far (compressed bytes for gzip). */
	onProgress?: (fileBytes: number) => void;
	/** Stops reading when it returns true (checked between chunks). */
	cancelled?: () => boolean;
}

/**
 * Push a whole stream through the reader, then end it. Stops early once the reader stops
 * (damage, not a capture) or `cancelled()` says so. Resolves to the bytes of the file read.
 * A stream error (an unreadable file, broken gzip data) goes to {@link CaptureReader.abort} (the
 * reader's error before the capture header, damage with a warning after it), never a throw;
 * `streamError` keeps its text.
 */
export async function pump(source: ReadableStream<Uint8Array>, reader: CaptureReader, opts: PumpOptions = {}): Promise<{ bytes: number; cancelled: boolean; streamError: string | null }> {
	let bytes = 0;
	let stream = source.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, ctl) {
				bytes += chunk.length;
				ctl.enqueue(chunk);
			}
		})
	);
	if (opts.gzip) stream = stream.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
	const r = stream.getReader();
	let cancelled = false;
	let streamError: string | null = null;
	try {
		for (;;) {
			if (opts.cancelled?.()) {
				cancelled = true;
				break;
			}
			const { done, value } = await r.read();
			if (done) break;
			const more = reader.push(value);
			opts.onProgress?.(bytes);
			if (!more) break;
		}
	} catch (e) {
		streamError = e instanceof Error ? e.message : String(e);
		reader.abort(opts.gzip ? `the file starts like gzip but its compressed data is damaged (${streamError})` : `reading the file failed (${streamError})`);
	} finally {
		r.cancel().catch(() => {});
	}
	if (!cancelled) reader.end();
	return { bytes, cancelled, streamError };
}

/** Bytes read from a file at a time by {@link pumpBlob}. */
export const BLOB_CHUNK = 1 << 20;

/**
 * Push a (browser) `Blob` or `File` through the reader one chunk at a time, then end it: only one
 * chunk of the file is in memory at once. Where the browser offers a BYOB reader on
 * `Blob.stream()` (Chromium does) one {@link BLOB_CHUNK} buffer is read into again and again, so
 * reading a gigabyte leaves no garbage behind; elsewhere `Blob.slice` reads each chunk. Stops
 * early like {@link pump}; a read error goes to {@link CaptureReader.abort}.
 */
export async function pumpBlob(blob: Blob, reader: CaptureReader, opts: Omit<PumpOptions, 'gzip'> = {}): Promise<{ bytes: number; cancelled: boolean; streamError: string | null }> {
	let bytes = 0;
	let byob: ReadableStreamBYOBReader | null = null;
	try {
		byob = blob.stream().getReader({ mode: 'byob' });
	} catch {
		byob = null; // Not a byte stream here: slice instead.
	}
	try {
		if (byob) {
			let buffer = new ArrayBuffer(BLOB_CHUNK);
			for (;;) {
				if (opts.cancelled?.()) return { bytes, cancelled: true, streamError: null };
				const { done, value } = await byob.read(new Uint8Array(buffer, 0, BLOB_CHUNK));
				if (done || !value) break;
				bytes += value.length;
				const more = reader.push(value);
				opts.onProgress?.(bytes);
				buffer = value.buffer as ArrayBuffer; // The same memory, handed back by the read.
				if (!more) break;
			}
		} else {
			for (let off = 0; off < blob.size; off += BLOB_CHUNK) {
				if (opts.cancelled?.()) return { bytes, cancelled: true, streamError: null };
				const chunk = new Uint8Array(await blob.slice(off, off + BLOB_CHUNK).arrayBuffer());
				bytes += chunk.length;
				const more = reader.push(chunk);
				opts.onProgress?.(bytes);
				if (!more) break;
			}
		}
	} catch (e) {
		const streamError = e instanceof Error ? e.message : String(e);
		reader.abort(`reading the file failed (${streamError})`);
		return { bytes, cancelled: false, streamError };
	} finally {
		byob?.cancel().catch(() => {});
	}
	reader.end();
	return { bytes, cancelled: false, streamError: null };
}
