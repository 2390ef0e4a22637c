/**
 * A streaming reader of pcap and pcapng capture files.
 *
 * Formats, as specified by the IETF OPSAWG drafts (cited by section below):
 * - **pcap** (draft-ietf-opsawg-pcap): a 24-byte File Header (§4) then Packet Records (§5),
 *   microsecond (magic 0xA1B2C3D4) or nanosecond (0xA1B23C4D) timestamps, in either byte order
 *   (§3, §4.1). Also the "modified" pcap of Alexey Kuznetzov's patches (magic 0xA1B2CD34, 24-byte
 *   records), which libpcap and Wireshark read too.
 * - **pcapng** (draft-ietf-opsawg-pcapng): blocks (§3.1) in sections, each starting with a
 *   Section Header Block (§4.1) that sets the section's byte order; Interface Description Blocks
 *   (§4.2, with the `if_tsresol` and `if_tsoffset` options that scale timestamps), Enhanced
 *   Packet Blocks (§4.3), Simple Packet Blocks (§4.4) and the obsolete Packet Block (Appendix
 *   A). Any other block (Name Resolution, Interface Statistics, Decryption Secrets, Custom,
 *   local-use types) is skipped by its length, as §3.1 allows.
 *
 * The reader is fed the file in chunks of any size ({@link CaptureReader.push}), so a 1 GB file
 * is read with memory bounded by one record plus one chunk. It calls back once per packet with
 * a reused {@link PacketRecord} whose `data` views the chunk (valid only during the call).
 *
 * Errors never escape: a file that is not a capture sets {@link CaptureReader.error}; damage
 * found part-way (a record cut off by the end of the file, a block length that is not a
 * multiple of 4 or disagrees with its trailer, a record claiming more bytes than any capture
 * holds) stops reading with a warning naming the record number, keeping every packet before
 * it. As draft-ietf-opsawg-pcap §7 asks, every header field is validated before use.
 *
 * @module
 */
import { linkTypeName } from './link';

/** The largest packet accepted, bytes: libpcap's and Wireshark's maximum snapshot length (262144). */
export const MAX_PACKET = 262_144;
/** The largest pcapng block buffered, bytes; larger non-packet blocks are skipped unread. */
export const MAX_BLOCK = 16 * 1024 * 1024;
/** Warnings kept; later ones are only counted ({@link CaptureReader.droppedWarnings}). */
export const MAX_WARNINGS = 100;
/**
 * Interfaces described in one file, all sections together. pcapng allows 2^32 per section
 * (§4.2: the Interface ID is 32 bits), but a capture with more than this many Interface
 * Description Blocks is hostile or damaged, and each one costs memory: reading stops there.
 */
export const MAX_INTERFACES = 10_000;
/** Characters kept of an interface's `if_name` / `if_description` option (up to 65,535 bytes each). */
const MAX_NAME = 256;

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
/** Kuznetzov's "modified" pcap: the same header, 8 more bytes per record (ifindex, protocol, type). */
const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;
const BT_IDB = 0x00000001;
const BT_PB = 0x00000002;
const BT_SPB = 0x00000003;
const BT_EPB = 0x00000006;

/** One capture interface: the pcap file's single link, or a pcapng Interface Description Block. */
export interface CaptureInterface {
	/** Position among all interfaces of the file, from 0 (sections in file order). */
	index: number;
	/** pcapng section number, from 0 (always 0 for pcap). */
	section: number;
	/** Interface ID within its section (pcapng §4.2); 0 for pcap. */
	id: number;
	/** LinkType (draft-ietf-opsawg-pcaplinktype registry). */
	linkType: number;
	/** Snapshot length in bytes; 0 means no limit (pcapng §4.2). */
	snapLen: number;
	/** `if_name`, when given. */
	name: string | null;
	/** `if_description`, when given. */
	description: string | null;
	/** Timestamp units per second: 1e6 (pcap µs, pcapng default), 1e9 (ns), or from `if_tsresol`. */
	unitsPerSec: number;
	/** `if_tsoffset`: seconds added to every timestamp of the interface. */
	tsOffset: number;
	/** Packets read on this interface so far. */
	packets: number;
}

/** What the file is, known once its header (or first Section Header Block) has been read. */
export interface CaptureInfo {
	format: 'pcap' | 'pcapng';
	/** Byte order of the file (pcap) or of its first section (pcapng). */
	byteOrder: 'little-endian' | 'big-endian';
	/** Version written in the header, e.g. "2.4" (pcap) or "1.0" (pcapng). */
	version: string;
	/** pcap only: timestamps in microseconds or nanoseconds (§4 magic number). */
	resolution: 'microseconds' | 'nanoseconds' | 'per interface';
	/** Every interface seen so far, in order. */
	interfaces: CaptureInterface[];
	/** pcapng: Section Header Blocks seen (1 for pcap). */
	sections: number;
	/** pcapng: blocks skipped because their type is not a packet or interface block. */
	skippedBlocks: number;
}

/** Something wrong with the file, found while reading. */
export interface CaptureWarning {
	/** Packet (record) number the warning is about, 1-based as Wireshark numbers frames; null before the first. */
	record: number | null;
	/** Byte offset in the file where the problem was found. */
	offset: number;
	message: string;
}

/** One packet as read from the file. Reused between callbacks: copy what you keep. */
export interface PacketRecord {
	/** 1-based packet number in the file (Wireshark's frame number). */
	frame: number;
	iface: CaptureInterface;
	/** The captured bytes (`caplen` of them). A view into the reader's buffer: valid during the callback only. */
	data: Uint8Array;
	/** Original length on the wire, bytes (may exceed data.length when the snap length cut it). */
	origLen: number;
	/** Timestamp: whole seconds since 1970-01-01 00:00:00 UTC. */
	sec: number;
	/** Timestamp: nanoseconds within `sec` (fractional for binary `if_tsresol`). */
	nsec: number;
	/** False for a Simple Packet Block, which has no timestamp (then sec/nsec repeat the previous packet's). */
	hasTime: boolean;
	/** Byte offset of the record in the file. */
	offset: number;
}

/** Called once per packet. */
export type PacketHandler = (rec: PacketRecord) => void;
/** Called when an interface is defined (before its first packet). */
export type InterfaceHandler = (iface: CaptureInterface) => void;

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Reads a pcap or pcapng file pushed to it in chunks.
 *
 * ```ts
 * const r = new CaptureReader((rec) => count++);
 * for await (const chunk of stream) if (!r.push(chunk)) break;
 * r.end();
 * if (r.error) console.error(r.error); // not a capture
 * for (const w of r.warnings) console.warn(`record ${w.record}: ${w.message}`);
 * ```
 *
 * No method throws; problems are reported through {@link error} and {@link warnings}.
 */
export class CaptureReader {
	/** Set when the file is not a capture this reader understands (nothing was read). One sentence. */
	error: string | null = null;
	/** Damage and oddities found, in file order (at most {@link MAX_WARNINGS}). */
	readonly warnings: CaptureWarning[] = [];
	/** Warnings beyond {@link MAX_WARNINGS}, counted only. */
	droppedWarnings = 0;
	/** Known after the header has been read. */
	info: CaptureInfo | null = null;
	/** Packets delivered so far. */
	packets = 0;
	/** True once reading has stopped (end of file, not a capture, or damage). */
	stopped = false;
	/** True when reading stopped early because of damage (a warning says where). */
	damaged = false;

	readonly #onPacket: PacketHandler;
	readonly #onInterface: InterfaceHandler | null;
	/** Bytes of the file consumed before the current buffer. */
	#offset = 0;
	#rest: Uint8Array = EMPTY;
	/**
	 * Where an unread tail is joined with the next chunk, reused from chunk to chunk: reading a
	 * file allocates no new buffer per chunk (garbage that a browser's collector frees late, which
	 * made a 1 GB read peak at 300 MB). {@link #rest} is empty or a view at its start.
	 */
	#work: Uint8Array = EMPTY;
	/** Bytes still to drop of a block too large to buffer. */
	#skip = 0;
	#mode: 'start' | 'pcap' | 'pcapng' = 'start';
	#le = true;
	#recordHeader = 16;
	#pcapUnits = 1e6;
	/** pcapng: interfaces of the current section, by Interface ID. */
	#section: CaptureInterface[] = [];
	#sectionNo = -1;
	/** pcapng: the current section has an unsupported major version and is skipped. */
	#skipSection = false;
	readonly #rec: PacketRecord;

	constructor(onPacket: PacketHandler, onInterface?: InterfaceHandler) {
		this.#onPacket = onPacket;
		this.#onInterface = onInterface ?? null;
		this.#rec = { frame: 0, iface: null as unknown as CaptureInterface, data: EMPTY, origLen: 0, sec: 0, nsec: 0, hasTime: true, offset: 0 };
	}

	/** Bytes of the file read so far. */
	get bytesRead(): number {
		return this.#offset + this.#rest.length;
	}

	/**
	 * Feed the next bytes of the file.
	 * @returns false once reading has stopped (the caller can stop reading the file).
	 */
	push(chunk: Uint8Array): boolean {
		if (this.stopped) return false;
		try {
			let buf = chunk;
			if (this.#skip > 0) {
				const drop = Math.min(this.#skip, buf.length);
				this.#skip -= drop;
				this.#offset += drop;
				buf = buf.subarray(drop);
				if (buf.length === 0) return true;
			}
			if (this.#rest.length) {
				const need = this.#rest.length + buf.length;
				if (this.#work.length < need) {
					const grown = new Uint8Array(Math.max(need, this.#work.length * 2));
					grown.set(this.#rest);
					this.#work = grown;
				}
				this.#work.set(buf, this.#rest.length);
				buf = this.#work.subarray(0, need);
			}
			const used = this.#parse(buf);
			this.#offset += used;
			// Copy the unread tail to the start of the work buffer: the caller may reuse its chunk
			// (a BYOB read), and a view would keep a large chunk alive.
			if (used < buf.length && !this.stopped) {
				const tail = buf.length - used;
				if (buf.buffer === this.#work.buffer) this.#work.copyWithin(0, used, buf.length);
				else {
					if (this.#work.length < tail) this.#work = new Uint8Array(Math.max(tail, 1 << 16));
					this.#work.set(buf.subarray(used));
				}
				this.#rest = this.#work.subarray(0, tail);
			} else this.#rest = EMPTY;
		} catch (e) {
			this.#damage(`internal error while reading: ${e instanceof Error ? e.message : String(e)}`, this.#offset);
		}
		return !this.stopped;
	}

	/**
	 * The bytes stopped coming because their source failed (a file that cannot be read, damaged
	 * gzip data): before the capture's header this is the file's {@link error}; after it, damage
	 * at the next record (a warning naming it), keeping every packet before.
	 */
	abort(reason: string): void {
		if (this.stopped) return;
		if (this.info === null) this.#fail(reason.charAt(0).toUpperCase() + reason.slice(1) + '.');
		else this.#damage(`${reason}: the file could not be read past here`, this.#offset);
	}

	/** The file has ended: reports a record cut off by the end of the file. */
	end(): void {
		if (this.stopped) return;
		try {
			if (this.#mode === 'start' || this.info === null) {
				if (this.error === null) {
					if (this.#rest.length === 0) this.#fail('The file is empty.');
					else if (this.#mode === 'pcapng') this.#fail(`The file starts like pcapng but ends after ${this.#rest.length} bytes, inside its first block.`);
					else this.#fail(this.#rest.length < 24 && this.#mode === 'start' && isPcapMagic(this.#rest) ? `The file starts like pcap but ends after ${this.#rest.length} bytes, inside its 24-byte file header.` : notACapture(this.#rest));
				}
			} else if (this.#skip > 0) {
				this.#damage(`the file ends inside a block (${this.#skip} bytes missing): the capture was cut off`, this.#offset);
			} else if (this.#rest.length > 0) {
				const what = this.#mode === 'pcap' ? 'packet record' : 'block';
				this.#damage(
					`the file ends ${this.#rest.length} bytes into the next ${what} (record ${this.packets + 1}): the capture was cut off`,
					this.#offset
				);
			}
		} catch (e) {
			this.#damage(`internal error at the end of the file: ${e instanceof Error ? e.message : String(e)}`, this.#offset);
		}
		this.stopped = true;
		this.#rest = EMPTY;
	}

	#warn(message: string, offset: number, record: number | null = this.packets > 0 ? this.packets : null) {
		if (this.warnings.length < MAX_WARNINGS) this.warnings.push({ record, offset, message });
		else this.droppedWarnings++;
	}

	/** Stop reading: the file is damaged here. Packets before stay read. */
	#damage(message: string, offset: number) {
		this.#warn(message, offset, this.packets + 1);
		this.damaged = true;
		this.stopped = true;
		this.#rest = EMPTY;
	}

	#fail(message: string) {
		this.error = message;
		this.stopped = true;
		this.#rest = EMPTY;
	}

	/** Parse as much of `buf` as holds whole records; returns the bytes consumed. */
	#parse(buf: Uint8Array): number {
		let p = 0;
		if (this.#mode === 'start') {
			if (buf.length < 4) return 0;
			const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
			const m = dv.getUint32(0, true);
			if (m === PCAPNG_SHB) {
				this.#mode = 'pcapng';
			} else {
				const le = m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || m === PCAP_MAGIC_MODIFIED;
				const mb = dv.getUint32(0, false);
				const be = mb === PCAP_MAGIC_US || mb === PCAP_MAGIC_NS || mb === PCAP_MAGIC_MODIFIED;
				if (!le && !be) {
					this.#fail(notACapture(buf));
					return 0;
				}
				if (buf.length < 24) return 0;
				p = this.#pcapHeader(dv, le);
				if (this.stopped) return 0;
			}
		}
		if (this.#mode === 'pcap') return this.#pcapRecords(buf, p);
		return this.#pcapngBlocks(buf, p);
	}

	/** draft-ietf-opsawg-pcap §4: the 24-byte File Header. */
	#pcapHeader(dv: DataView, le: boolean): number {
		this.#le = le;
		const magic = dv.getUint32(0, le);
		const major = dv.getUint16(4, le);
		const minor = dv.getUint16(6, le);
		const snapLen = dv.getUint32(16, le);
		const field = dv.getUint32(20, le);
		// §4 Figure 2: FCS len (4 bits), R, P, Reserved3 (10 bits), LinkType (16 bits).
		const linkType = field & 0xffff;
		if (major !== 2) {
			this.#fail(`This pcap file has format version ${major}.${minor}; only version 2 (draft-ietf-opsawg-pcap §4) exists.`);
			return 0;
		}
		if ((field & 0x03ff0000) !== 0) {
			this.#warn(`the file header's reserved bits are not zero (0x${field.toString(16)}); reading the LinkType from the low 16 bits`, 20, null);
		}
		this.#pcapUnits = magic === PCAP_MAGIC_NS ? 1e9 : 1e6;
		this.#recordHeader = magic === PCAP_MAGIC_MODIFIED ? 24 : 16;
		const iface: CaptureInterface = {
			index: 0,
			section: 0,
			id: 0,
			linkType,
			snapLen,
			name: null,
			description: null,
			unitsPerSec: this.#pcapUnits,
			tsOffset: 0,
			packets: 0
		};
		this.#section = [iface];
		this.#mode = 'pcap';
		this.info = {
			format: 'pcap',
			byteOrder: le ? 'little-endian' : 'big-endian',
			version: `${major}.${minor}`,
			resolution: magic === PCAP_MAGIC_NS ? 'nanoseconds' : 'microseconds',
			interfaces: [iface],
			sections: 1,
			skippedBlocks: 0
		};
		this.#onInterface?.(iface);
		return 24;
	}

	/** draft-ietf-opsawg-pcap §5: Packet Records, 16-byte header then the captured bytes, no padding. */
	#pcapRecords(buf: Uint8Array, start: number): number {
		const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
		const le = this.#le;
		const h = this.#recordHeader;
		const n = buf.length;
		const iface = this.#section[0];
		const units = this.#pcapUnits;
		const rec = this.#rec;
		rec.iface = iface;
		rec.hasTime = true;
		let p = start;
		while (p + h <= n) {
			const incl = dv.getUint32(p + 8, le);
			if (incl > MAX_PACKET) {
				this.#damage(
					`record ${this.packets + 1} claims ${incl} captured bytes, more than any capture holds (${MAX_PACKET}): the file is damaged here`,
					this.#offset + p
				);
				return p;
			}
			if (p + h + incl > n) break;
			const frac = dv.getUint32(p + 4, le);
			rec.frame = ++this.packets;
			rec.sec = dv.getUint32(p, le);
			rec.nsec = units === 1e6 ? frac * 1000 : frac;
			rec.origLen = Math.max(dv.getUint32(p + 12, le), incl);
			rec.offset = this.#offset + p;
			rec.data = buf.subarray(p + h, p + h + incl);
			iface.packets++;
			this.#onPacket(rec);
			p += h + incl;
		}
		return p;
	}

	/** draft-ietf-opsawg-pcapng §3.1: blocks of Type, Total Length, Body, Total Length. */
	#pcapngBlocks(buf: Uint8Array, start: number): number {
		const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
		const n = buf.length;
		let p = start;
		while (p + 12 <= n) {
			const at = this.#offset + p;
			const typeLE = dv.getUint32(p, true);
			if (typeLE === PCAPNG_SHB) {
				// §4.1: the Byte-Order Magic decides the order of this section (the SHB's own length too).
				if (dv.getUint32(p + 8, true) === PCAPNG_BOM) this.#le = true;
				else if (dv.getUint32(p + 8, false) === PCAPNG_BOM) this.#le = false;
				else {
					if (this.info === null) this.#fail('This file starts like pcapng but its byte-order magic is wrong, so it is not a readable capture (draft-ietf-opsawg-pcapng §4.1).');
					else this.#damage(`section header block at byte ${at} has a bad byte-order magic: the file is damaged here`, at);
					return p;
				}
			} else if (this.info === null) {
				this.#fail(notACapture(buf));
				return p;
			}
			const le = this.#le;
			const type = dv.getUint32(p, le);
			const len = dv.getUint32(p + 4, le);
			if (len < 12 || len % 4 !== 0) {
				this.#damage(
					`block at byte ${at} (before record ${this.packets + 1}) has length ${len}, which is not a multiple of 4 of at least 12 (draft-ietf-opsawg-pcapng §3.1): the file is damaged here`,
					at
				);
				return p;
			}
			const isPacket = type === BT_EPB || type === BT_SPB || type === BT_PB;
			if (len > MAX_BLOCK || (isPacket && len > MAX_PACKET + 4096)) {
				if (isPacket || type === PCAPNG_SHB || type === BT_IDB) {
					this.#damage(`block at byte ${at} (record ${this.packets + 1}) claims ${len} bytes, more than any capture block holds: the file is damaged here`, at);
					return p;
				}
				// A huge block of another kind: skip it without buffering it.
				this.#countSkipped();
				if (p + len <= n) {
					p += len;
					continue;
				}
				this.#skip = p + len - n;
				return n;
			}
			if (p + len > n) break;
			if (dv.getUint32(p + len - 4, le) !== len) {
				this.#damage(
					`block at byte ${at} (before record ${this.packets + 1}): its trailing length ${dv.getUint32(p + len - 4, le)} differs from its length ${len} (draft-ietf-opsawg-pcapng §3.1): the file is damaged here`,
					at
				);
				return p;
			}
			if (type === PCAPNG_SHB) {
				if (!this.#shb(dv, p, len, at)) return p;
			} else if (this.#skipSection) {
				this.#countSkipped();
			} else if (type === BT_EPB) {
				if (!this.#epb(buf, dv, p, len, at)) return p;
			} else if (type === BT_SPB) {
				if (!this.#spb(buf, dv, p, len, at)) return p;
			} else if (type === BT_IDB) {
				if (!this.#idb(buf, dv, p, len, at)) return p;
			} else if (type === BT_PB) {
				if (!this.#pb(buf, dv, p, len, at)) return p;
			} else {
				this.#countSkipped();
			}
			p += len;
		}
		return p;
	}

	#countSkipped() {
		if (this.info) this.info.skippedBlocks++;
	}

	/** §4.1 Section Header Block. */
	#shb(dv: DataView, p: number, len: number, at: number): boolean {
		if (len < 28) {
			const msg = `section header block at byte ${at} is ${len} bytes, shorter than the 28 its fields need`;
			if (this.info === null) this.#fail(`This file starts like pcapng but its ${msg}.`);
			else this.#damage(`${msg}: the file is damaged here`, at);
			return false;
		}
		const le = this.#le;
		const major = dv.getUint16(p + 12, le);
		const minor = dv.getUint16(p + 14, le);
		this.#sectionNo++;
		this.#section = [];
		this.#skipSection = major !== 1;
		if (this.info === null) {
			this.info = {
				format: 'pcapng',
				byteOrder: le ? 'little-endian' : 'big-endian',
				version: `${major}.${minor}`,
				resolution: 'per interface',
				interfaces: [],
				sections: 1,
				skippedBlocks: 0
			};
		} else this.info.sections++;
		if (this.#skipSection) {
			this.#warn(`section ${this.#sectionNo + 1} (byte ${at}) has format version ${major}.${minor}; only 1.x is defined (draft-ietf-opsawg-pcapng §4.1), so its blocks are skipped`, at);
		}
		return true;
	}

	/** §4.2 Interface Description Block: LinkType, SnapLen, options (if_tsresol, if_tsoffset, ...). */
	#idb(buf: Uint8Array, dv: DataView, p: number, len: number, at: number): boolean {
		if (len < 20) {
			this.#damage(`interface description block at byte ${at} is ${len} bytes, shorter than the 20 its fields need: the file is damaged here`, at);
			return false;
		}
		const le = this.#le;
		const info = this.info!;
		if (info.interfaces.length >= MAX_INTERFACES) {
			this.#damage(
				`interface description block at byte ${at} would be the file's interface number ${MAX_INTERFACES + 1}; no real capture describes that many, so the file is damaged or hostile here`,
				at
			);
			return false;
		}
		const iface: CaptureInterface = {
			index: info.interfaces.length,
			section: this.#sectionNo,
			id: this.#section.length,
			linkType: dv.getUint16(p + 8, le),
			snapLen: dv.getUint32(p + 12, le),
			name: null,
			description: null,
			unitsPerSec: 1e6,
			tsOffset: 0,
			packets: 0
		};
		// §3.5 options: code (2), length (2), value padded to 32 bits; opt_endofopt (0) ends the list.
		let o = p + 16;
		const end = p + len - 4;
		while (o + 4 <= end) {
			const code = dv.getUint16(o, le);
			const olen = dv.getUint16(o + 2, le);
			const v = o + 4;
			if (code === 0) break;
			if (v + olen > end) {
				this.#warn(`interface ${iface.index}: option ${code} runs past the end of its block; the remaining options are ignored`, this.#offset + o);
				break;
			}
			if (code === 2) iface.name = utf8.decode(buf.subarray(v, v + olen)).slice(0, MAX_NAME);
			else if (code === 3) iface.description = utf8.decode(buf.subarray(v, v + olen)).slice(0, MAX_NAME);
			else if (code === 9 && olen >= 1) {
				// if_tsresol: MSB clear = negative power of 10, set = negative power of 2.
				const r = buf[v];
				const units = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
				if (Number.isFinite(units) && units >= 1 && units <= 1e18) iface.unitsPerSec = units;
				else this.#warn(`interface ${iface.index}: if_tsresol ${r} is out of range; microseconds assumed`, this.#offset + o);
			} else if (code === 14 && olen >= 8) {
				// if_tsoffset: signed 64-bit seconds.
				const hi = le ? dv.getInt32(v + 4, true) : dv.getInt32(v, false);
				const lo = le ? dv.getUint32(v, true) : dv.getUint32(v + 4, false);
				iface.tsOffset = hi * 4294967296 + lo;
			}
			o = v + ((olen + 3) & ~3);
		}
		this.#section.push(iface);
		info.interfaces.push(iface);
		this.#onInterface?.(iface);
		return true;
	}

	/** The interface a packet block names, or a warning when the section has no such IDB. */
	#ifaceFor(id: number, at: number): CaptureInterface | null {
		const iface = this.#section[id];
		if (!iface) {
			this.#warn(`packet ${this.packets + 1} (byte ${at}) names interface ${id}, which this section does not describe (draft-ietf-opsawg-pcapng §4.3); skipped`, at, this.packets + 1);
			this.packets++;
			return null;
		}
		return iface;
	}

	/** §4.3 Enhanced Packet Block: a 32-bit Interface ID. */
	#epb(buf: Uint8Array, dv: DataView, p: number, len: number, at: number): boolean {
		return this.#timedPacket('enhanced packet block', buf, dv, p, len, at, () => dv.getUint32(p + 8, this.#le));
	}

	/** Appendix A: the obsolete Packet Block, laid out as an EPB with a 16-bit Interface ID (then a drops count). */
	#pb(buf: Uint8Array, dv: DataView, p: number, len: number, at: number): boolean {
		return this.#timedPacket('packet block', buf, dv, p, len, at, () => dv.getUint16(p + 8, this.#le));
	}

	/** The fields EPB and PB share: timestamp high/low at +12/+16, captured and original length at +20/+24, data at +28. */
	#timedPacket(name: string, buf: Uint8Array, dv: DataView, p: number, len: number, at: number, ifaceId: () => number): boolean {
		if (len < 32) {
			this.#damage(`${name} at byte ${at} is ${len} bytes, shorter than the 32 its fields need: the file is damaged here`, at);
			return false;
		}
		const le = this.#le;
		const iface = this.#ifaceFor(ifaceId(), at);
		if (!iface) return true;
		const caplen = dv.getUint32(p + 20, le);
		if (caplen > len - 32) {
			this.#damage(`record ${this.packets + 1} (byte ${at}) claims ${caplen} captured bytes but its block holds only ${len - 32}: the file is damaged here`, at);
			return false;
		}
		this.#emit(iface, buf.subarray(p + 28, p + 28 + caplen), dv.getUint32(p + 24, le), dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), true, at);
		return true;
	}

	/**
	 * §4.4 Simple Packet Block: interface 0 of the section, no timestamp; the captured length is
	 * the smaller of the original length and the interface's snap length (and of what the block holds).
	 */
	#spb(buf: Uint8Array, dv: DataView, p: number, len: number, at: number): boolean {
		if (len < 16) {
			this.#damage(`simple packet block at byte ${at} is ${len} bytes, shorter than the 16 its fields need: the file is damaged here`, at);
			return false;
		}
		const iface = this.#ifaceFor(0, at);
		if (!iface) return true;
		const origLen = dv.getUint32(p + 8, this.#le);
		let caplen = Math.min(origLen, len - 16);
		if (iface.snapLen > 0) caplen = Math.min(caplen, iface.snapLen);
		this.#emit(iface, buf.subarray(p + 12, p + 12 + caplen), origLen, 0, 0, false, at);
		return true;
	}

	#emit(iface: CaptureInterface, data: Uint8Array, origLen: number, hi: number, lo: number, hasTime: boolean, at: number) {
		const rec = this.#rec;
		rec.frame = ++this.packets;
		rec.iface = iface;
		rec.data = data;
		rec.origLen = Math.max(origLen, data.length);
		rec.offset = at;
		rec.hasTime = hasTime;
		if (hasTime) splitTimestamp(hi, lo, iface.unitsPerSec, iface.tsOffset, rec);
		iface.packets++;
		this.#onPacket(rec);
	}
}

/**
 * pcapng §4.3: a 64-bit count of units since the epoch (plus `if_tsoffset` seconds), split into
 * whole seconds and nanoseconds exactly (by long division when the count passes 2^53, as
 * nanosecond timestamps do).
 */
export function splitTimestamp(hi: number, lo: number, unitsPerSec: number, offset: number, out: { sec: number; nsec: number }): void {
	let sec: number;
	let rem: number;
	if (hi < 0x200000) {
		const total = hi * 4294967296 + lo;
		sec = Math.floor(total / unitsPerSec);
		rem = total - sec * unitsPerSec;
	} else if (Number.isInteger(unitsPerSec) && unitsPerSec <= 2 ** 36) {
		// Long division of the four 16-bit digits by the unit: every partial stays below 2^53.
		const digits = [hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff];
		let q = 0;
		let r = 0;
		for (const d of digits) {
			const cur = r * 65536 + d;
			const qd = Math.floor(cur / unitsPerSec);
			r = cur - qd * unitsPerSec;
			q = q * 65536 + qd;
		}
		sec = q;
		rem = r;
	} else {
		const total = hi * 4294967296 + lo;
		sec = Math.floor(total / unitsPerSec);
		rem = Math.max(0, total - sec * unitsPerSec);
	}
	out.sec = sec + offset;
	out.nsec = unitsPerSec === 1e9 ? rem : unitsPerSec === 1e6 ? rem * 1000 : (rem * 1e9) / unitsPerSec;
}

function isPcapMagic(b: Uint8Array): boolean {
	if (b.length < 4) return false;
	const le = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
	const be = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
	return [PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_MAGIC_MODIFIED].some((m) => m === le || m === be);
}

/** One sentence saying why these first bytes are not a pcap or pcapng file (naming what they look like). */
export function notACapture(head: Uint8Array): string {
	const b = head;
	const starts = (...bytes: number[]) => bytes.every((x, i) => b[i] === x);
	const text = (s: string) => [...s].every((c, i) => b[i] === c.charCodeAt(0));
	let what = '';
	if (starts(0x1f, 0x8b)) what = 'it is gzip-compressed; decompress it first (gunzip)';
	else if (starts(0x28, 0xb5, 0x2f, 0xfd)) what = 'it is zstd-compressed; decompress it first (unzstd)';
	else if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a)) what = 'it is xz-compressed; decompress it first (unxz)';
	else if (text('PK')) what = 'it is a ZIP archive; extract the capture from it first';
	else if (text('snoop')) what = 'it is a Solaris snoop file; convert it with editcap -F pcapng';
	else if (text('GMBU')) what = 'it is a Microsoft Network Monitor file; convert it with editcap -F pcapng';
	else if (text('XCP')) what = 'it is a NetXRay/Sniffer file; convert it with editcap -F pcapng';
	else if (b.length > 0 && [...b.subarray(0, Math.min(64, b.length))].every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127))) {
		what = 'it looks like text (a tcpdump or tshark printout?), not a capture file';
	}
	const hex = [...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
	return `Not a pcap or pcapng capture: the file starts with bytes ${hex || '(none)'}${what ? `, and ${what}` : ''}.`;
}

/** Names of the link types of a capture's interfaces, for messages. */
export function describeLinkTypes(info: CaptureInfo): string {
	return [...new Set(info.interfaces.map((i) => linkTypeName(i.linkType)))].join(', ');
}
