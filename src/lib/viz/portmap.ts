/**
 * Port-space maths for the port map views: the IANA ranges, a 256 × 256 grid that
 * holds all 65,536 port numbers (row-major: port = row × 256 + column), outlines of
 * ranges on that grid, and the occupancy of a host's ports at any moment of a trace.
 *
 * Occupancy is kept as one byte per port ({@link PortCode}), so a view can paint all
 * 65,536 ports into one canvas `ImageData` without a DOM node per port.
 */
import type { PortEvent, StateEvent, Trace } from '$lib/sim/trace';
import { OS_PRESETS, presetPortOptions, type OsPresetId } from '$lib/sim/os';
import { PortTable } from '$lib/sim/ports';
import { createRng } from '$lib/sim/prng';

/** Number of port numbers (0…65535). */
export const PORT_COUNT = 65_536;
/** Columns (and rows) of the port grid. */
export const GRID = 256;

/** A named, inclusive range of port numbers. */
export interface PortRange {
	id: string;
	name: string;
	low: number;
	high: number;
	/** One sentence for tooltips and the legend. */
	about: string;
}

/** The three IANA ranges (RFC 6335 §6). */
export const IANA_RANGES: readonly PortRange[] = [
	{ id: 'well-known', name: 'Well-known (system) ports', low: 0, high: 1023, about: 'Assigned by IANA to standard services; binding them needs privileges on Unix-like systems.' },
	{ id: 'registered', name: 'Registered (user) ports', low: 1024, high: 49151, about: 'Registered with IANA on request; any program may bind them.' },
	{ id: 'dynamic', name: 'Dynamic (private/ephemeral) ports', low: 49152, high: 65535, about: 'Never assigned by IANA; meant for temporary client ports.' }
];

/** The OS presets offered by the port-space views, in display order. */
export const PORT_SPACE_OSES: readonly OsPresetId[] = ['linux', 'windows', 'macos', 'freebsd', 'windows-xp', 'iana'];

/** The ephemeral range of an OS preset as a {@link PortRange}. */
export function ephemeralRange(os: OsPresetId): PortRange {
	const p = OS_PRESETS[os];
	const [low, high] = p.ephemeral;
	return {
		id: 'ephemeral',
		name: `${p.label} ephemeral range`,
		low,
		high,
		about: `${p.label} picks source ports for connect() and bind(0) from ${low}–${high} (${(high - low + 1).toLocaleString('en-US')} ports).`
	};
}

/** The IANA range a port falls in (ports 0…65535), or null for anything else. */
export function ianaRangeOf(port: number): PortRange | null {
	return IANA_RANGES.find((r) => port >= r.low && port <= r.high) ?? null;
}

/** Grid cell of a port: column and row on the 256 × 256 grid. */
export function cellOf(port: number): { col: number; row: number } {
	return { col: port % GRID, row: Math.floor(port / GRID) };
}

/**
 * Outline of an inclusive port range on a `cols`-wide row-major grid, as a closed
 * polygon of at most 8 corners in cell units (a run of cells wraps from row to row,
 * so its shape is a partial first row, full rows, and a partial last row).
 */
export function rangeOutline(low: number, high: number, cols = GRID): [number, number][] {
	if (high < low) return [];
	const r0 = Math.floor(low / cols);
	const c0 = low % cols;
	const r1 = Math.floor(high / cols);
	const c1 = (high % cols) + 1;
	if (r0 === r1) return [[c0, r0], [c1, r0], [c1, r0 + 1], [c0, r0 + 1]];
	if (r1 === r0 + 1 && c1 <= c0) {
		// Two disjoint pieces would be needed; return the bounding run as two rows joined at the seam.
		return [[c0, r0], [cols, r0], [cols, r0 + 1], [c1, r0 + 1], [c1, r1 + 1], [0, r1 + 1], [0, r0 + 1], [c0, r0 + 1]];
	}
	return [[c0, r0], [cols, r0], [cols, r1], [c1, r1], [c1, r1 + 1], [0, r1 + 1], [0, r0 + 1], [c0, r0 + 1]];
}

/** What one port is doing, one byte per port. */
export const PortCode = {
	Free: 0,
	Connected: 1,
	TimeWait: 2,
	Bound: 3,
	/** Released recently (drawn briefly so the eye sees it go). */
	Freed: 4,
	/**
	 * Connected and in TIME-WAIT at once: a live connection shares the port with a TIME-WAIT
	 * socket towards another peer (Linux and FreeBSD share a port per 4-tuple; Windows reuses a
	 * TIME-WAIT port when its pool runs out). Counted as both.
	 */
	Shared: 5
} as const;
/** One of the {@link PortCode} values. */
export type PortCode = (typeof PortCode)[keyof typeof PortCode];

/** States a view can be given for a port. */
export type PortUse = 'connected' | 'time-wait' | 'bound' | 'freed';

const CODE_OF: Record<PortUse, number> = { connected: PortCode.Connected, 'time-wait': PortCode.TimeWait, bound: PortCode.Bound, freed: PortCode.Freed };

/**
 * Fill a 65,536-byte code array from a list of ports (later entries win).
 * Ports outside 0…65535 or non-integers are ignored.
 */
export function codesFrom(ports: Iterable<{ port: number; state: PortUse }>, into = new Uint8Array(PORT_COUNT)): Uint8Array {
	into.fill(0);
	for (const p of ports) {
		if (Number.isInteger(p.port) && p.port >= 0 && p.port < PORT_COUNT) into[p.port] = CODE_OF[p.state];
	}
	return into;
}

/**
 * Ports per state in a code array. A {@link PortCode.Shared} port counts as connected and as
 * TIME-WAIT (`shared` says how many ports are both), so the counts match the socket listing.
 */
export function countCodes(codes: Uint8Array): { connected: number; timeWait: number; bound: number; freed: number; shared: number } {
	const c = [0, 0, 0, 0, 0, 0];
	for (let i = 0; i < codes.length; i++) c[codes[i]]++;
	return { connected: c[1] + c[5], timeWait: c[2] + c[5], bound: c[3], freed: c[4], shared: c[5] };
}

/**
 * Occupancy counts in `bins` equal bins (e.g. 512 bins of 128 ports) per state, for
 * charts and text summaries: `bins[i] = {connected, timeWait, bound}` for ports
 * `i·size … (i+1)·size − 1`.
 */
export function binCodes(codes: Uint8Array, bins: number): { low: number; high: number; connected: number; timeWait: number; bound: number }[] {
	const size = Math.ceil(codes.length / bins);
	const out = [];
	for (let b = 0; b < bins; b++) {
		const low = b * size;
		const high = Math.min(codes.length, low + size) - 1;
		let connected = 0;
		let timeWait = 0;
		let bound = 0;
		for (let p = low; p <= high; p++) {
			const v = codes[p];
			if (v === PortCode.Connected) connected++;
			else if (v === PortCode.TimeWait) timeWait++;
			else if (v === PortCode.Bound) bound++;
			else if (v === PortCode.Shared) {
				connected++;
				timeWait++;
			}
		}
		out.push({ low, high, connected, timeWait, bound });
	}
	return out;
}

/**
 * A host's port occupancy through a trace, queried at any virtual time.
 *
 * Per port it counts allocations (PortEvents, TCP and UDP), whether a socket holds it
 * through bind(), and its TCP sockets by state (StateEvents: listening, live =
 * SYN-SENT … LAST-ACK, TIME-WAIT). A port is
 * 1. `bound` if a socket on it is in LISTEN;
 * 2. else {@link PortCode.Shared} if a socket on it is live and another is in TIME-WAIT;
 * 3. else `connected` if a socket on it is live;
 * 4. else `time-wait` if a socket on it is in TIME-WAIT (even when it was bound
 *    explicitly: the TIME-WAIT socket keeps the port);
 * 5. else `bound` / `connected` if it is still held by bind() / an allocation
 *    (e.g. UDP sockets, which have no states);
 * 6. else `freed` if released within `freedWindowMs`, else free.
 *
 * Queries moving forward apply only the new events; moving back restarts from the
 * nearest checkpoint (every 4,096 events), so scrubbing a 100,000-event trace stays fast.
 */
export class PortTimeline {
	readonly host: string;
	readonly #events: (PortEvent | StateEvent)[];
	readonly #checkpoints: { index: number; arrays: (Int32Array | Float64Array | Uint8Array)[]; sockets: Map<string, StateEvent['to']> }[] = [];
	/** Last known state of each socket (an accepted socket's first event says `from: LISTEN`, but it is a new socket). */
	#sockets = new Map<string, StateEvent['to']>();
	#refs = new Int32Array(PORT_COUNT);
	#listen = new Int32Array(PORT_COUNT);
	#live = new Int32Array(PORT_COUNT);
	#tw = new Int32Array(PORT_COUNT);
	#bound = new Uint8Array(PORT_COUNT);
	#freedAt = new Float64Array(PORT_COUNT).fill(-Infinity);
	#applied = 0;
	static readonly CHECKPOINT_EVERY = 4096;

	constructor(trace: Trace, host: string) {
		this.host = host;
		this.#events = trace.events.filter((e): e is PortEvent | StateEvent => (e.kind === 'port' || e.kind === 'state') && e.host === host);
	}

	/** Hosts of a trace that take or give back ports, busiest first. */
	static hostsWithPorts(trace: Trace): string[] {
		const n = new Map<string, number>();
		for (const e of trace.events) if (e.kind === 'port') n.set(e.host, (n.get(e.host) ?? 0) + 1);
		return [...n].sort((a, b) => b[1] - a[1]).map(([h]) => h);
	}

	#all() {
		return [this.#refs, this.#listen, this.#live, this.#tw, this.#bound, this.#freedAt];
	}

	#counter(state: StateEvent['to']): Int32Array | null {
		if (state === 'CLOSED') return null;
		if (state === 'LISTEN') return this.#listen;
		if (state === 'TIME-WAIT') return this.#tw;
		return this.#live;
	}

	#apply(e: PortEvent | StateEvent) {
		if (e.kind === 'port') {
			const p = e.port;
			if (e.action === 'allocate') {
				if (e.via === 'bind' || e.via === 'autobind') this.#bound[p] = 1;
				else this.#refs[p]++;
			} else {
				if (e.via === 'bind' || e.via === 'autobind') this.#bound[p] = 0;
				else if (this.#refs[p] > 0) this.#refs[p]--;
				if (!this.#bound[p] && this.#refs[p] === 0) this.#freedAt[p] = e.t;
			}
		} else {
			const p = e.local.port;
			const prev = this.#sockets.get(e.socket);
			const from = prev === undefined ? null : this.#counter(prev);
			const to = this.#counter(e.to);
			if (from) from[p]--;
			if (to) to[p]++;
			this.#sockets.set(e.socket, e.to);
		}
	}

	#seek(t: number) {
		const ev = this.#events;
		// Going back: restart from the last checkpoint at or before the target.
		if (this.#applied > 0 && ev[this.#applied - 1].t > t) {
			let k = this.#checkpoints.length - 1;
			while (k >= 0 && ev[this.#checkpoints[k].index - 1].t > t) k--;
			if (k >= 0) {
				const c = this.#checkpoints[k];
				this.#all().forEach((a, i) => a.set(c.arrays[i] as never));
				this.#sockets = new Map(c.sockets);
				this.#applied = c.index;
			} else {
				for (const a of this.#all()) a.fill(0);
				this.#freedAt.fill(-Infinity);
				this.#sockets.clear();
				this.#applied = 0;
			}
		}
		const every = PortTimeline.CHECKPOINT_EVERY;
		while (this.#applied < ev.length && ev[this.#applied].t <= t) {
			this.#apply(ev[this.#applied]);
			this.#applied++;
			if (this.#applied % every === 0 && this.#checkpoints.length < this.#applied / every) {
				this.#checkpoints.push({ index: this.#applied, arrays: this.#all().map((a) => a.slice()), sockets: new Map(this.#sockets) });
			}
		}
	}

	/**
	 * Port codes at virtual time `t` (ms), written into `into` (65,536 bytes).
	 * @param freedWindowMs - ports released in `(t − window, t]` are {@link PortCode.Freed}.
	 */
	codesAt(t: number, freedWindowMs = 0, into = new Uint8Array(PORT_COUNT)): Uint8Array {
		this.#seek(t);
		const refs = this.#refs;
		const listen = this.#listen;
		const live = this.#live;
		const tw = this.#tw;
		const bound = this.#bound;
		const freedAt = this.#freedAt;
		const since = t - freedWindowMs;
		for (let p = 0; p < PORT_COUNT; p++) {
			const held = bound[p] === 1 || refs[p] > 0;
			if (held && listen[p] > 0) into[p] = PortCode.Bound;
			else if (held && live[p] > 0) into[p] = tw[p] > 0 ? PortCode.Shared : PortCode.Connected;
			else if (held && tw[p] > 0) into[p] = PortCode.TimeWait;
			else if (bound[p]) into[p] = PortCode.Bound;
			else if (refs[p] > 0) into[p] = PortCode.Connected;
			else if (freedWindowMs > 0 && freedAt[p] > since && freedAt[p] <= t) into[p] = PortCode.Freed;
			else into[p] = PortCode.Free;
		}
		return into;
	}
}

/**
 * Demo load for the port map: a {@link PortTable} (the preset's range and algorithm) that keeps
 * about `target` ports in use towards one destination (or up to four), opening and closing
 * connections every tick (each closed connection spends `twTicks` ticks in TIME-WAIT).
 * Deterministic for a given seed. Used to measure the port map's frame time.
 */
export class PortChurn {
	readonly table: PortTable;
	readonly target: number;
	readonly perTick: number;
	readonly twTicks: number;
	#tick = 0;
	#live: { port: number; dest: number }[] = [];
	#tw: { port: number; dest: number; until: number }[] = [];
	#twHead = 0;
	#dests: string[];
	#rng;
	#liveOn = new Uint16Array(PORT_COUNT);
	#twOn = new Uint16Array(PORT_COUNT);

	/**
	 * @param opts.os - preset whose range and algorithm to use (default linux).
	 * @param opts.target - ports to keep in use (default 28,000).
	 * @param opts.perTick - connections opened and closed per tick (default 400).
	 * @param opts.twTicks - ticks a closed connection stays in TIME-WAIT (default 30).
	 * @param opts.seed - PRNG seed (default 1).
	 * @param opts.destinations - remote servers (1–4, default 1: then every port carries one connection,
	 *   so "ports in use" and "connections" are the same number).
	 */
	constructor(opts: { os?: OsPresetId; target?: number; perTick?: number; twTicks?: number; seed?: number; destinations?: number } = {}) {
		const preset = OS_PRESETS[opts.os ?? 'linux'];
		this.#rng = createRng(opts.seed ?? 1);
		this.table = new PortTable({ ...presetPortOptions(preset), rng: this.#rng.fork('churn/tcp') });
		const size = preset.ephemeral[1] - preset.ephemeral[0] + 1;
		this.target = Math.min(opts.target ?? 28_000, size);
		this.perTick = opts.perTick ?? 400;
		this.twTicks = opts.twTicks ?? 30;
		this.#dests = ['203.0.113.5', '203.0.113.6', '198.51.100.20', '198.51.100.21'].slice(0, Math.max(1, Math.min(4, opts.destinations ?? 1)));
	}

	/** Advance one tick: expire TIME-WAITs, close some live connections, open new ones until the target. */
	step(): void {
		const t = ++this.#tick;
		const tb = this.table;
		while (this.#twHead < this.#tw.length && this.#tw[this.#twHead].until <= t) {
			const c = this.#tw[this.#twHead++];
			tb.releaseTuple(c.port, this.#dests[c.dest], 443);
			this.#twOn[c.port]--;
		}
		if (this.#twHead > 4096) {
			this.#tw = this.#tw.slice(this.#twHead);
			this.#twHead = 0;
		}
		for (let i = 0; i < this.perTick && this.#live.length > 0; i++) {
			const k = this.#rng.int(this.#live.length);
			const c = this.#live[k];
			this.#live[k] = this.#live[this.#live.length - 1];
			this.#live.pop();
			tb.enterTimeWait(c.port, this.#dests[c.dest], 443);
			this.#liveOn[c.port]--;
			this.#twOn[c.port]++;
			this.#tw.push({ ...c, until: t + this.twTicks });
		}
		let tries = 0;
		while (tb.inUseCount() < this.target && tries++ < this.perTick * 4) {
			const dest = this.#rng.int(this.#dests.length);
			const r = tb.connect('192.168.1.10', this.#dests[dest], 443);
			if (r.ok) {
				this.#live.push({ port: r.port, dest });
				this.#liveOn[r.port]++;
			}
		}
	}

	/** Current port codes (65,536 bytes). */
	codes(into = new Uint8Array(PORT_COUNT)): Uint8Array {
		const live = this.#liveOn;
		const tw = this.#twOn;
		for (let p = 0; p < PORT_COUNT; p++) {
			into[p] = live[p] > 0 ? (tw[p] > 0 ? PortCode.Shared : PortCode.Connected) : tw[p] > 0 ? PortCode.TimeWait : PortCode.Free;
		}
		return into;
	}

	/** Ticks taken so far. */
	get ticks(): number {
		return this.#tick;
	}
}

/* ------------------------------------------------------------------------------------------ */
/* Focus plus context: the port map view's two strips.                                       */

/** A span of ports `[low, high]` (inclusive). */
export interface PortSpan {
	low: number;
	high: number;
}

/**
 * The detail strip's ports for a host whose range is `range`: the range itself plus a margin,
 * so the range's outline shows against its neighbours (2 ports each side for a range of up to
 * 64 ports, about 2 % of the range beyond that), clipped to 0…65535.
 */
export function focusSpan(range: PortSpan): PortSpan {
	const size = range.high - range.low + 1;
	const pad = size <= 64 ? 2 : Math.max(1, Math.round(size * 0.02));
	return { low: Math.max(0, range.low - pad), high: Math.min(PORT_COUNT - 1, range.high + pad) };
}

/** Ports in use per state in a span of a code array (a {@link PortCode.Shared} port counts as connected and as TIME-WAIT). */
export interface UseCounts {
	connected: number;
	timeWait: number;
	bound: number;
	freed: number;
}

/** One mark on a strip: a run of ports with at least one in use, and where to draw it. */
export interface StripMark {
	/** First and last port the mark stands for. */
	low: number;
	high: number;
	/** First and last port in use within it. */
	firstUsed: number;
	lastUsed: number;
	/** Left and right edge, px from the strip's left; at least `minWidth` wide. */
	x0: number;
	x1: number;
	counts: UseCounts;
	/** One port, drawn as its own cell (the strip has room for every port). */
	cell: boolean;
}

/**
 * Where to draw the ports in use of `span` on a strip `width` px wide, so that every port in
 * use gets a visible mark. When each port gets at least `minWidth` px, each port in use is its
 * own cell; otherwise ports are grouped into bins at least `minWidth` px wide and every bin
 * holding a port in use becomes one mark (its counts say what it holds).
 *
 * Marks are ordered left to right and never overlap. Work is O(span).
 *
 * @param codes - 65,536 {@link PortCode} bytes.
 * @param minWidth - narrowest mark in px (default 3).
 */
export function stripMarks(codes: Uint8Array, span: PortSpan, width: number, minWidth = 3): StripMark[] {
	const ports = span.high - span.low + 1;
	if (ports <= 0 || width <= 0) return [];
	const px = width / ports;
	const per = px >= minWidth ? 1 : Math.ceil(minWidth / px);
	const out: StripMark[] = [];
	for (let b = span.low; b <= span.high; b += per) {
		const end = Math.min(span.high, b + per - 1);
		let connected = 0;
		let timeWait = 0;
		let bound = 0;
		let freed = 0;
		let firstUsed = -1;
		let lastUsed = -1;
		for (let p = b; p <= end; p++) {
			const v = codes[p];
			if (v !== PortCode.Free) {
				if (firstUsed < 0) firstUsed = p;
				lastUsed = p;
			}
			if (v === PortCode.Connected) connected++;
			else if (v === PortCode.TimeWait) timeWait++;
			else if (v === PortCode.Bound) bound++;
			else if (v === PortCode.Freed) freed++;
			else if (v === PortCode.Shared) {
				connected++;
				timeWait++;
			}
		}
		if (connected + timeWait + bound + freed === 0) continue;
		const x0 = (b - span.low) * px;
		const x1 = Math.min(width, Math.max(x0 + minWidth, (end + 1 - span.low) * px));
		out.push({ low: b, high: end, firstUsed, lastUsed, x0: Math.max(0, Math.min(x0, width - minWidth)), x1, counts: { connected, timeWait, bound, freed }, cell: per === 1 });
	}
	return out;
}

/** The state a mark is drawn in when it has room for one colour: the most telling one it holds. */
export function markState(c: UseCounts): PortUse {
	if (c.connected) return 'connected';
	if (c.timeWait) return 'time-wait';
	if (c.bound) return 'bound';
	return 'freed';
}

/**
 * Place labels of the given widths centred on `x` in at most `rows` rows without overlap
 * (greedy, left to right: each label takes the first row where it clears the previous label by
 * `gap` px), kept inside `[0, width]`. Labels that fit no row get `row: -1` (not drawn; the text
 * alternative and the list still name them).
 */
export function placeLabels(items: { x: number; w: number }[], width: number, rows = 2, gap = 4): { x: number; row: number }[] {
	const ends = new Array<number>(rows).fill(-Infinity);
	return items.map(({ x, w }) => {
		const cx = Math.max(w / 2, Math.min(width - w / 2, x));
		for (let r = 0; r < rows; r++) {
			if (cx - w / 2 >= ends[r] + gap) {
				ends[r] = cx + w / 2;
				return { x: cx, row: r };
			}
		}
		return { x: cx, row: -1 };
	});
}

/* ------------------------------------------------------------------------------------------ */
/* Text widths the server and the browser agree on.                                           */

/**
 * Advance widths (em) of DejaVu Sans, the widest of the sans-serif fonts the page's `--font`
 * stack falls back to (system-ui, Segoe UI, Roboto, Noto Sans, Helvetica and Arial are all
 * narrower), so a label laid out by this table fits in whichever font the browser has.
 */
const SANS_EM: Record<string, number> = {
	' ': 0.318, '.': 0.318, ',': 0.318, ':': 0.337, ';': 0.337, '(': 0.39, ')': 0.39, '-': 0.361, '–': 0.5, '—': 1, '/': 0.337, '+': 0.838, '=': 0.838, "'": 0.275, '%': 0.95, '&': 0.78,
	a: 0.613, b: 0.635, c: 0.55, d: 0.635, e: 0.615, f: 0.352, g: 0.635, h: 0.634, i: 0.278, j: 0.278, k: 0.579, l: 0.278, m: 0.974,
	n: 0.634, o: 0.612, p: 0.635, q: 0.635, r: 0.411, s: 0.521, t: 0.392, u: 0.634, v: 0.592, w: 0.818, x: 0.592, y: 0.592, z: 0.525,
	A: 0.684, B: 0.686, C: 0.698, D: 0.77, E: 0.632, F: 0.575, G: 0.775, H: 0.752, I: 0.295, J: 0.295, K: 0.656, L: 0.557, M: 0.863,
	N: 0.748, O: 0.787, P: 0.603, Q: 0.787, R: 0.695, S: 0.635, T: 0.611, U: 0.732, V: 0.684, W: 0.989, X: 0.685, Y: 0.611, Z: 0.685
};
/** Digits, and any character the table does not list (the widest lowercase letters' width). */
const SANS_DIGIT_EM = 0.636;
/** Bold sans-serif runs about a tenth wider (DejaVu Sans Bold's digits: 0.696 em); a monospace font's bold keeps its advance. */
const BOLD = 1.1;
/** Advance of every character of the monospace stack (DejaVu Sans Mono, Menlo, SF Mono: 0.60–0.602 em). */
const MONO_EM = 0.602;

/**
 * Width in px of `text` at `size` px in the page's monospace (`mono`) or sans-serif font, from a
 * fixed table, not from the fonts the browser has: the prerendered port map (which cannot
 * measure) and the live one lay out their labels alike and so draw the same picture. The table
 * is that of a wide font, so the estimate is at least the real width in common fonts.
 *
 * @param text - the label.
 * @param size - font size, px (or the drawing's units: the result is in the same unit).
 * @param opts.mono - the monospace font (a fixed advance per character).
 * @param opts.bold - weight 700.
 */
export function estimateTextWidth(text: string, size: number, opts: { mono?: boolean; bold?: boolean } = {}): number {
	let em = 0;
	for (const ch of text) em += opts.mono ? MONO_EM : (SANS_EM[ch] ?? SANS_DIGIT_EM);
	return em * size * (opts.bold && !opts.mono ? BOLD : 1);
}
