/**
 * The numbers of a host's TIME-WAIT records (tcp-timewait.ts), kept in shared arrays of doubles:
 * a slab of fixed-size blocks, one per record, handed out and taken back as records begin and end.
 *
 * A record's numbers (SND.NXT, RCV.NXT, TS.Recent, the 2MSL deadline, …) are sequence numbers and
 * TSvals up to 2^32 and times in ms that may be fractional: as object fields each would be a
 * separate heap box. As one array per record (as the TCB keeps them, tcb.ts), every record
 * allocated an array that V8 allocates straight in old space (records live 2MSL, so the
 * allocation site is pretenured): in the CPU profile of `npm run bench` (lifecycle benchmark,
 * ~20,000 TIME-WAITs alive) that one array literal took 4.3 % of the samples, the record's
 * constructor with the slab ~1.7 %. Its small integers (Rcv.Wind.Shift, Eff.snd.MSS, unread
 * bytes) sit here too, so the record object the scavenger copies is smaller. Lifecycles per
 * CPU-second with both, A/B in separate processes alternately (24 rounds of 5 runs, load 4–12):
 * median of the per-round ratios +12 % and +4 % in two sets of 12 rounds, the new build ahead
 * in 18 of the 24 rounds; bytes promoted by the scavenger per lifecycle 452 → 407.
 *
 * The blocks sit in chunks of {@link CHUNK_BLOCKS} blocks, so the slab grows without copying and
 * a record names its block by its chunk and the offset in it. Released blocks are reused last in,
 * first out; once no block is in use, the chunks go (a burst of TIME-WAITs does not keep its
 * memory).
 *
 * @module
 */

/** Numbers per record (a record's fields are offsets 0 … TW_STRIDE − 1 of its block). */
export const TW_STRIDE = 13;

/** Blocks per chunk (4,096 records, 416 KB of doubles; a smaller chunk's allocation showed in the profile). */
const CHUNK_BLOCKS = 4096;

/**
 * Where a finished record points: one block of NaN, so reading a closed record's numbers gives
 * NaN rather than another record's. Never written (a closed record's numbers are not set).
 */
export const CLOSED_BLOCK: Float64Array = new Float64Array(TW_STRIDE).fill(NaN);

/** Blocks of {@link TW_STRIDE} doubles for a host's TIME-WAIT records (see the module doc). */
export class TimeWaitSlab {
	/** The chunk of the block the last {@link alloc} handed out. */
	chunk: Float64Array = CLOSED_BLOCK;
	/** Blocks handed out and not released. */
	used = 0;
	/** The chunk new blocks are cut from, and the offset of its first uncut block. */
	private current: Float64Array | null = null;
	private cut = 0;
	/** Released blocks: chunk and offset, in parallel. */
	private readonly freeChunks: Float64Array[] = [];
	private readonly freeOffsets: number[] = [];

	/**
	 * Hand out a block: its chunk is left in {@link chunk}. Its numbers are unspecified until
	 * written, and the record must write the first one (see {@link release}).
	 * @returns the block's offset in that chunk.
	 */
	alloc(): number {
		this.used++;
		if (this.freeOffsets.length > 0) {
			this.chunk = this.freeChunks.pop() as Float64Array;
			return this.freeOffsets.pop() as number;
		}
		if (this.current === null || this.cut === this.current.length) {
			this.current = new Float64Array(CHUNK_BLOCKS * TW_STRIDE);
			this.cut = 0;
		}
		this.chunk = this.current;
		const o = this.cut;
		this.cut += TW_STRIDE;
		return o;
	}

	/**
	 * Take back the block at offset `o` of `chunk` (from {@link alloc}). Its numbers become NaN.
	 * @throws Error if the block is not in use: already released (it holds NaN, which no record's
	 *   first number is) or not a block at all.
	 */
	release(chunk: Float64Array, o: number): void {
		if (chunk === CLOSED_BLOCK || o % TW_STRIDE !== 0 || o < 0 || o >= chunk.length || Number.isNaN(chunk[o])) {
			throw new Error(`internal: TIME-WAIT slab: block ${o} is not in use`);
		}
		chunk.fill(NaN, o, o + TW_STRIDE);
		if (--this.used === 0) {
			this.freeChunks.length = 0;
			this.freeOffsets.length = 0;
			this.current = null;
			this.chunk = CLOSED_BLOCK;
			return;
		}
		this.freeChunks.push(chunk);
		this.freeOffsets.push(o);
	}
}
