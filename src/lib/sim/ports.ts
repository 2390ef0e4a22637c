/**
 * Ephemeral-port allocation and local-port bookkeeping for one (host, protocol).
 *
 * A {@link PortTable} answers the two questions a TCP/IP stack asks when a socket needs a local
 * port:
 *
 * - **connect()** without a prior bind(): which source port for this destination? Three
 *   algorithms are modelled — a global sequential rover (old BSD / Windows), RFC 6056 §3.3.1
 *   "Algorithm 1" (random start, sequential scan), and Linux's RFC 6056 §3.3.4 "Algorithm 4"
 *   (double-hash) exactly as `__inet_hash_connect()` (net/ipv4/inet_hashtables.c) implements it.
 * - **bind()**: may this socket have port P (explicit), or which port (port 0, autobind as in
 *   `inet_csk_find_open_port()`, net/ipv4/inet_connection_sock.c)?
 *
 * Sharing rules (Linux; applied to every algorithm):
 * - A port taken by connect() may carry any number of connections as long as every 4-tuple
 *   (local IP, local port, remote IP, remote port) is unique — "the established check is already
 *   unique enough" (`__inet_hash_connect`). Exhaustion is therefore per destination. A table made
 *   with `sharePorts: false` (macOS, Windows) instead gives connect() only ports nothing on the
 *   host holds, so the whole host runs out at the size of the range.
 * - Windows (`timeWaitReuse`, `errors: 'windows'`, `autoReuse`) adds what Microsoft documents:
 *   when no port of the dynamic pool is free, connect() reuses a port held only by TIME-WAIT
 *   connections (the text of Event 4227); if that port was recently used towards the same remote
 *   endpoint the connect fails WSAEADDRINUSE (10048, Event 4227), and with every port held by a
 *   live connection or a bind it fails WSAENOBUFS (10055, Event 4231). With an auto-reuse port
 *   range (`Set-NetTCPSetting -AutoReusePortRange…`) connect() draws from that range instead,
 *   sharing a port between destinations as long as the 4-tuple is unique (SO_REUSE_UNICASTPORT).
 *   Sources are cited at {@link PortTableOptions.timeWaitReuse} and os.ts.
 * - A port taken by bind() is exclusive: connect() never picks it (bind bucket `fastreuse >= 0`),
 *   and it stays exclusive while connections that inherited it (accepted children, their
 *   TIME-WAIT) remain, because the kernel's bind bucket lives as long as any owner.
 * - A port whose 4-tuple to the same destination is live or in TIME-WAIT is skipped by connect()
 *   (`__inet_check_established` / `tcp_twsk_unique` with the default `tcp_tw_reuse = 2`,
 *   i.e. no TIME-WAIT recycling towards non-loopback peers).
 *
 * Cost: choosing a port is O(log₃₂ n) — a handful of word operations — whatever the occupancy,
 * yet returns exactly the port the kernel's linear scan would return (each bitmap also counts its
 * clear bits, so a parity pass with no usable port, the usual case near exhaustion, costs O(1)). Each destination that
 * connect() has been asked for owns a pair of hierarchical bitmaps (one per port parity) marking
 * the ports unusable for it; ports held by bind() are merged into every destination's bitmaps
 * (bind is rare). Destinations that only ever reach the table through
 * {@link PortTable.attachTuple} (accepted connections, bind()+connect()) get no bitmaps: they are
 * built on the first connect() towards them, from the registered tuples, so a server accepting
 * many peers pays one small map entry per connection, not a range-sized bitmap copy.
 * `src/lib/sim/ports.property.test.ts` proves equality with a literal linear-scan model.
 *
 * One table serves one local IP address: tuples are keyed by (local port, remote IP, remote
 * port); `localIp` only feeds the Linux per-destination hash.
 *
 * @module
 */

import type { Rng } from './prng';
import { SimError } from './errors';

/**
 * Ephemeral-port selection algorithm.
 *
 * - `'sequential'`: one global rover that moves past each port it hands out (4.4BSD
 *   `in_pcbbind` with `lastport`, Windows before RFC 6056 randomisation).
 * - `'random'`: RFC 6056 §3.3.1 Algorithm 1, "Simple Port Randomization": random start, then a
 *   sequential scan with wrap-around (FreeBSD `in_pcb_lport` with `portrange.randomized`).
 * - `'linux'`: RFC 6056 §3.3.4 Algorithm 4, "Double-Hash Port Selection", as in Linux ≥ 5.12
 *   `__inet_hash_connect()` (with the 2022 hardening: 2^16-entry perturbation table, random
 *   increments, even ports first); autobind per `inet_csk_find_open_port()` (odd ports first).
 */
export type PortAlgorithm = 'sequential' | 'random' | 'linux';

/** Every valid {@link PortAlgorithm}. */
export const PORT_ALGORITHMS: readonly PortAlgorithm[] = Object.freeze([
	'sequential',
	'random',
	'linux'
]);

/**
 * Errno values a {@link PortTable} can return, as POSIX names; a Windows host records them under
 * their WinSock names (`ENOBUFS` → `WSAENOBUFS`, errno.ts).
 */
export type PortErrno = 'EADDRNOTAVAIL' | 'EADDRINUSE' | 'EACCES' | 'ENOBUFS';

/**
 * Result of an allocation. Network-level failures are values, not exceptions:
 * - `EADDRNOTAVAIL`: connect() found no usable port for this destination (Linux
 *   `__inet_hash_connect` `return -EADDRNOTAVAIL`, "Cannot assign requested address").
 * - `EADDRINUSE`: bind() to a held port, or bind(0) with no free port (POSIX tables); on a
 *   Windows table also connect() onto a port recently used towards the same remote endpoint
 *   (Event 4227) or a duplicate 4-tuple after an explicit bind().
 * - `ENOBUFS` (Windows tables): no port of the dynamic pool can be had (Event 4231).
 * - `EACCES`: bind() below the unprivileged start (default 1024) without root.
 *
 * `windowsEvent` names the Windows System-log event (source Tcpip) a Windows stack logs for the
 * failure: 4227 (`EVENT_TCPIP_TCP_TIME_WAIT_COLLISION`) or 4231 (ephemeral port space exhausted).
 */
export type AllocResult =
	| { ok: true; port: number }
	| { ok: false; errno: PortErrno; message: string; windowsEvent?: 4227 | 4231 };

/**
 * Text of Windows event 4227 (source Tcpip), from `EVENT_TCPIP_TCP_TIME_WAIT_COLLISION` in the
 * Windows Driver Kit's netevent.h and Microsoft's event list "TCP/IP Network Connectivity"
 * (https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2008-R2-and-2008/cc727709(v=ws.10)).
 * The collision message quotes its key clause.
 * @public
 */
export const WINDOWS_EVENT_4227 =
	'TCP/IP failed to establish an outgoing connection because the selected local endpoint was recently used to ' +
	'connect to the same remote endpoint. This error typically occurs when outgoing connections are opened and ' +
	'closed at a high rate, causing all available local ports to be used and forcing TCP/IP to reuse a local port ' +
	'for an outgoing connection. To minimize the risk of data corruption, the TCP/IP standard requires a minimum ' +
	'time period to elapse between successive connections from a given local endpoint to a given remote endpoint.';

/** Text of Windows event 4231 (source Tcpip), as Windows logs it. */
export const WINDOWS_EVENT_4231 =
	'A request to allocate an ephemeral port number from the global TCP port space has failed due to all such ports being in use.';

/**
 * What connect() (without an explicit bind) does with ports held only by connections in
 * TIME-WAIT, on a table that does not share ports between destinations:
 * - `'never'`: it never takes them (macOS `in_pcbbind`);
 * - `'when-exhausted'`: only when no port of the pool is free, it reuses one, whatever its
 *   TIME-WAIT connections' remote endpoints (Windows Vista and later; Event 4227);
 * - `'always'`: such a port counts as free from the start (Windows before Server 2003 SP1).
 */
export type TimeWaitReuse = 'never' | 'when-exhausted' | 'always';

/** Options of a {@link PortTable}. */
export interface PortTableOptions {
	/** Inclusive ephemeral range `[low, high]`, 1 ≤ low ≤ high ≤ 65535 (e.g. `[32768, 60999]`). */
	range: [number, number];
	/** Selection algorithm, usually the OS preset's. */
	algorithm: PortAlgorithm;
	/**
	 * Random stream owned by this table. The constructor draws 3 × u32 from it (the hash secrets);
	 * afterwards `'random'` draws `int(n)` per connect() and per bind(0), `'linux'` draws `int(8)`
	 * per successful connect() and `int(remaining)` per bind(0); `'sequential'` draws nothing.
	 * Give each table its own fork (e.g. `rng.fork('client/tcp')`).
	 */
	rng: Rng;
	/**
	 * Lowest port a non-root socket may bind explicitly (Linux `net.ipv4.ip_unprivileged_port_start`,
	 * default 1024). Integer 0..65536.
	 */
	unprivilegedStart?: number;
	/**
	 * May connect() give one port to connections towards different destinations (default true,
	 * the per-4-tuple rule of Linux, FreeBSD and RFC 6056)? With false it picks only ports that
	 * carry nothing at all, live or TIME-WAIT (macOS, Windows): the OS preset's `sharePorts`.
	 */
	sharePorts?: boolean;
	/**
	 * With `sharePorts: false`: may connect() reuse a port held only by TIME-WAIT connections
	 * (default `'never'`)? The OS preset's `timeWaitReuse`. Needs algorithm `'sequential'` or
	 * `'random'`; the reused port is the next one in the algorithm's scan order that holds no bind
	 * and no live connection.
	 *
	 * Windows (`'when-exhausted'`): the text of Event 4227 (see {@link WINDOWS_EVENT_4227}) says
	 * connections "opened and closed at a high rate, causing all available local ports to be used"
	 * force "TCP/IP to reuse a local port for an outgoing connection", and that the connection fails
	 * when "the selected local endpoint was recently used to connect to the same remote endpoint";
	 * KB "Event ID 4227 when a client application tries to connect to a Windows Server 2008
	 * SP2-based server" adds that the application then "receives a WinSock error 10048
	 * (WSAEADDRINUSE)". Microsoft does not say which of several reusable ports is selected; the
	 * model takes the next in scan order without looking at its remote endpoints (assumption), so a
	 * retry after a collision moves on to the next port. Windows before Server 2003 SP1
	 * (`'always'`): "The TCP port for a connection in the TIME-WAIT state is considered an available
	 * port and can be assigned for use by an application" (Microsoft, "Microsoft Windows Server 2003
	 * TCP/IP Implementation Details", Smart TCP port allocation).
	 */
	timeWaitReuse?: TimeWaitReuse;
	/**
	 * Error conventions (default `'posix'`). `'windows'`: no port for connect() or bind(0) is
	 * `ENOBUFS` (WSAENOBUFS 10055: the .NET team's "Handle port exhaustion by utilizing auto-reuse
	 * port range on Windows" reports 10055 at about 16K concurrent connections; Winsock `connect`
	 * and `bind` list WSAENOBUFS; Event 4231); a TIME-WAIT collision (Event 4227) and a duplicate
	 * 4-tuple after an explicit bind() are `EADDRINUSE` (WSAEADDRINUSE 10048, Winsock `connect`).
	 */
	errors?: 'posix' | 'windows';
	/**
	 * Windows auto-reuse port range `[low, high]` (`Set-NetTCPSetting -AutoReusePortRangeStartPort
	 * -AutoReusePortRangeNumberOfPorts`, Windows 8.1/Server 2012 R2 with KB3149157, Windows Server
	 * 2016 and later), or undefined (the default: 0 ports, feature off). When set, connect() without
	 * an explicit bind — and a socket with SO_REUSE_UNICASTPORT, whose bind(0) is deferred to
	 * connect() — takes its port from this range, random within it (the SO_RANDOMIZE_PORT entry of
	 * "SOL_SOCKET Socket Options": "Auto-reuse ports … also randomize the returned port"), shared
	 * between connections as long as the 4-tuple is unique. Its ports leave the ordinary pool:
	 * bind(0) never picks them and an explicit bind() to one fails (Microsoft: "an attempt to bind a
	 * listening socket to that port will fail"; the error is not named, EADDRINUSE is assumed).
	 */
	autoReuse?: [number, number];
}

/** A 4-tuple registered on a local port (the local IP is the table's). */
export interface TupleInfo {
	remoteIp: string;
	remotePort: number;
	/** `'live'` = any state before TIME-WAIT (SYN-SENT … LAST-ACK); `'time-wait'` = TIME-WAIT. */
	state: 'live' | 'time-wait';
}

/** One row of {@link PortTable.snapshot}. */
export interface PortSnapshotEntry {
	port: number;
	/**
	 * `'bound'` if a socket holds it through bind()/autobind; otherwise `'connected'` if any live
	 * connection uses it; otherwise `'time-wait'` (only TIME-WAIT connections remain).
	 */
	state: 'bound' | 'connected' | 'time-wait';
}

/** Size of the Linux perturbation table: `INET_TABLE_PERTURB_SIZE = 1 << INET_TABLE_PERTURB_ORDER (16)`. */
export const LINUX_TABLE_PERTURB_SIZE = 1 << 16;

/** splitmix32/lowbias32-style avalanche mix (bijection on u32). */
function mix32(x: number): number {
	x = x >>> 0;
	x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
	x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
	return (x ^ (x >>> 15)) >>> 0;
}

/** Keyed 32-bit hash of a string (per-character mixing; not cryptographic). */
function keyedHash(key: number, s: string): number {
	let h = mix32(key ^ 0x9e3779b9);
	for (let i = 0; i < s.length; i++) h = mix32((h ^ s.charCodeAt(i)) + 0x7f4a7c15);
	return mix32(h ^ s.length);
}

/**
 * The simulator's stand-in for Linux `secure_ipv4_port_ephemeral(saddr, daddr, dport)`, the
 * 64-bit keyed SipHash whose low 16 bits index the perturbation table and whose high 32 bits
 * are added to the table entry (`__inet_hash_connect`). Here two independent 32-bit keyed hashes.
 *
 * @param secret - the table's secret words (`PortTable.secret`); words 0 and 1 are used.
 * @returns `index` in 0..65535 and `hi`, an unsigned 32-bit value.
 */
export function linuxPortOffset(
	secret: readonly number[],
	localIp: string,
	remoteIp: string,
	remotePort: number
): { index: number; hi: number } {
	const s = `${localIp}>${remoteIp}:${remotePort}`;
	return {
		index: keyedHash(secret[0] ?? 0, s) & (LINUX_TABLE_PERTURB_SIZE - 1),
		hi: keyedHash(secret[1] ?? 0, s)
	};
}

/**
 * Initial value of `table_perturb[index]`. Linux fills the table with random bytes on first use
 * (`get_random_sleepable_once`); the simulator derives each entry lazily from secret word 2 so a
 * table costs nothing until used.
 * @returns an unsigned 32-bit value.
 */
export function linuxPerturbInit(secret: readonly number[], index: number): number {
	return mix32((secret[2] ?? 0) ^ mix32(index + 0x632be5ab));
}

/** Index of the lowest set bit of a non-zero 32-bit value. */
function ctz(x: number): number {
	return 31 - Math.clz32(x & -x);
}

/**
 * Hierarchical bitmap over `0..n-1` with "first clear bit at or after i" in O(log₃₂ n).
 * Level 0 holds the bits; a bit of level k+1 is set iff word j of level k is all ones.
 * Padding bits past the end are set so they are never reported as clear.
 *
 * The words are allocated on the first {@link Bitmap.set}: until then every bit is clear and
 * the bitmap costs a few dozen bytes, so an idle host's port tables stay small (issue 12: 2,000
 * hosts in a few MB). (Allocating level 0 in smaller chunks was tried: typed-array overhead ate
 * the saving and the extra indirection made connect() four times slower.)
 */
class Bitmap {
	/** The levels, or null while every bit is clear (nothing allocated yet). */
	private levels: Uint32Array[] | null;
	/** Number of clear bits in `0..n-1` (0 ⇒ every search fails at once). */
	free: number;

	constructor(
		readonly n: number,
		source?: Bitmap
	) {
		if (source) {
			this.levels = source.levels === null ? null : source.levels.map((l) => l.slice());
			this.free = source.free;
			return;
		}
		this.free = n;
		this.levels = null;
	}

	/** Allocate the words (all bits clear, padding set). */
	private alloc(): Uint32Array[] {
		const levels: Uint32Array[] = [];
		let bits = this.n;
		for (;;) {
			const words = Math.ceil(bits / 32);
			const arr = new Uint32Array(words);
			if (bits % 32 !== 0 && words > 0) arr[words - 1] = (0xffffffff << bits % 32) >>> 0;
			levels.push(arr);
			if (words <= 1) break;
			bits = words;
		}
		this.levels = levels;
		return levels;
	}

	/** A copy with identical bits. */
	clone(): Bitmap {
		return new Bitmap(this.n, this);
	}

	has(i: number): boolean {
		const levels = this.levels;
		if (levels === null) return false;
		return (levels[0]![i >>> 5]! & (1 << (i & 31))) !== 0;
	}

	set(i: number): void {
		const levels = this.levels ?? this.alloc();
		if ((levels[0]![i >>> 5]! & (1 << (i & 31))) === 0) this.free--;
		for (let k = 0; k < levels.length; k++) {
			const arr = levels[k]!;
			const w = i >>> 5;
			const before = arr[w]!;
			const after = (before | (1 << (i & 31))) >>> 0;
			arr[w] = after;
			// Propagate only when this word has just become full.
			if (after !== 0xffffffff || before === 0xffffffff) return;
			i = w;
		}
	}

	clear(i: number): void {
		const levels = this.levels;
		if (levels === null) return;
		if ((levels[0]![i >>> 5]! & (1 << (i & 31))) !== 0) this.free++;
		for (let k = 0; k < levels.length; k++) {
			const arr = levels[k]!;
			const w = i >>> 5;
			const before = arr[w]!;
			arr[w] = (before & ~(1 << (i & 31))) >>> 0;
			// Propagate only when this word was full before (its summary bit is set).
			if (before !== 0xffffffff) return;
			i = w;
		}
	}

	/** First clear index ≥ `from`, or -1. */
	findClear(from: number): number {
		if (this.free === 0) return -1;
		if (from < 0) from = 0;
		if (from >= this.n) return -1;
		if (this.levels === null) return from;
		return this.find(this.levels, 0, from);
	}

	/** First clear index in `[from, to)`, or -1. */
	findClearIn(from: number, to: number): number {
		if (from >= to) return -1;
		const r = this.findClear(from);
		return r >= 0 && r < to ? r : -1;
	}

	/** First clear index in the cyclic window `[start, to) ∪ [lo, start)`, or -1. */
	findClearWrap(start: number, lo: number, to: number): number {
		const r = this.findClearIn(start, to);
		return r >= 0 ? r : this.findClearIn(lo, start);
	}

	private find(levels: Uint32Array[], level: number, from: number): number {
		const arr = levels[level]!;
		const w = from >>> 5;
		if (w >= arr.length) return -1;
		const m = ~arr[w]! & (0xffffffff << (from & 31));
		if (m !== 0) return (w << 5) + ctz(m);
		let j: number;
		if (level + 1 < levels.length) {
			j = this.find(levels, level + 1, w + 1);
		} else {
			j = -1;
			for (let x = w + 1; x < arr.length; x++) {
				if (arr[x] !== 0xffffffff) {
					j = x;
					break;
				}
			}
		}
		if (j < 0) return -1;
		return (j << 5) + ctz(~arr[j]!);
	}
}

/**
 * Set of range indices (0..n-1, index = port − low) split by parity, so that Linux's
 * "scan only ports of one parity" passes are single bitmap searches.
 */
class ParitySet {
	readonly even: Bitmap;
	readonly odd: Bitmap;

	constructor(n: number, source?: ParitySet) {
		this.even = source ? source.even.clone() : new Bitmap(Math.ceil(n / 2));
		this.odd = source ? source.odd.clone() : new Bitmap(Math.floor(n / 2));
	}

	clone(n: number): ParitySet {
		return new ParitySet(n, this);
	}

	cls(c: number): Bitmap {
		return c === 0 ? this.even : this.odd;
	}

	has(idx: number): boolean {
		return this.cls(idx & 1).has(idx >>> 1);
	}

	assign(idx: number, value: boolean): void {
		if (value) this.cls(idx & 1).set(idx >>> 1);
		else this.cls(idx & 1).clear(idx >>> 1);
	}

	/** First clear index (either parity) in `[from, to)`, or -1. */
	findClearIn(from: number, to: number): number {
		if (from >= to) return -1;
		// idx = 2k ≥ from ⇔ k ≥ ceil(from/2); idx = 2k+1 ≥ from ⇔ k ≥ floor(from/2).
		const ke = this.even.findClear((from + 1) >>> 1);
		const ko = this.odd.findClear(from >>> 1);
		let best = -1;
		if (ke >= 0 && 2 * ke < to) best = 2 * ke;
		if (ko >= 0 && 2 * ko + 1 < to && (best < 0 || 2 * ko + 1 < best)) best = 2 * ko + 1;
		return best;
	}

	/** First clear index in the cyclic window `[start, to) ∪ [lo, start)`, or -1. */
	findClearWrap(start: number, lo: number, to: number): number {
		const r = this.findClearIn(start, to);
		return r >= 0 ? r : this.findClearIn(lo, start);
	}
}

/**
 * One parity pass of the kernel loop
 * `for (i = 0, port = low + offset; i < remaining; i += 2, port += 2) { if (port >= high) port -= remaining; … }`
 * over the window of range indices `[lo, lo + size)` (`lo` even, `remaining = size & ~1` for
 * size > 1), done as one cyclic bitmap search.
 *
 * The visited set is every index of the start's parity, except with an odd `size`: then the
 * even pass sees `remaining / 2` of the `(size + 1) / 2` even indices — `0 … size-3` when it starts
 * at 0, otherwise `2 … size-1` (index `size + 1` wraps to 2), exactly as Linux walks it.
 *
 * @param set - clear bit = usable.
 * @param s - start index relative to `lo` (`offset`), 0 ≤ s < size.
 * @returns the first usable relative index `r` and its iteration number `j` (kernel `i = 2j`),
 *   or null when the pass finds nothing.
 */
function scanParity(set: ParitySet, lo: number, size: number, s: number): { r: number; j: number } | null {
	if (size === 1) {
		// remaining = 1: whatever the offset, the only probe is index lo.
		return set.has(lo) ? null : { r: 0, j: 0 };
	}
	const c = s & 1;
	const base = lo >>> 1;
	const ks = s >>> 1;
	let wLo = 0;
	let wHi: number;
	if ((size & 1) === 0) wHi = size >>> 1;
	else if (c === 1 || ks === 0) wHi = (size - 1) >>> 1;
	else {
		wLo = 1;
		wHi = (size + 1) >>> 1;
	}
	const k = set.cls(c).findClearWrap(base + ks, base + wLo, base + wHi);
	if (k < 0) return null;
	const kr = k - base;
	const cnt = wHi - wLo;
	return { r: 2 * kr + c, j: (kr - ks + cnt) % cnt };
}

/**
 * Per-destination bookkeeping for connect(): ports unusable for it (bind-owned ∪ tuple to it).
 * Created lazily by connect(); from then on it tracks every in-range tuple to the destination.
 */
interface DestState {
	set: ParitySet;
	/** Number of tuples (live + TIME-WAIT) to this destination on ports inside the range. */
	count: number;
	/** Cached {@link linuxPortOffset} result for `hashLocalIp` (hashing is the dominant fixed cost). */
	hashLocalIp?: string;
	hashIndex?: number;
	hashHi?: number;
}

interface PortEntry {
	/** A socket currently holds the port through bind()/autobind. */
	bound: boolean;
	/**
	 * The port's bind bucket belongs to bind(): connect() must not share it. Stays true after
	 * releaseBind() while tuples remain (inherited by accepted children / their TIME-WAIT).
	 */
	bindOwned: boolean;
	/** Number of tuples on the port (live + TIME-WAIT). */
	size: number;
	/** Live tuples on the port. */
	live: number;
	/**
	 * First tuple, stored inline (most ports carry exactly one): its destination key
	 * ({@link PortTable.destKey}), or -1 when the slot is empty; `s0` its state.
	 */
	k0: number;
	s0: number;
	/** Further tuples: destination key → state; null until a second tuple arrives. */
	more: Map<number, number> | null;
}

/** Tuple states inside a {@link PortEntry}. */
const ST_LIVE = 0;
const ST_TW = 1;

/** State of the tuple `key` on `e`, or -1. */
function tupleGet(e: PortEntry, key: number): number {
	if (e.k0 === key) return e.s0;
	if (e.more === null) return -1;
	const v = e.more.get(key);
	return v === undefined ? -1 : v;
}

function tupleSet(e: PortEntry, key: number, st: number): void {
	if (e.k0 === key) e.s0 = st;
	else (e.more as Map<number, number>).set(key, st);
}

function tupleAdd(e: PortEntry, key: number, st: number): void {
	if (e.k0 === -1) {
		e.k0 = key;
		e.s0 = st;
	} else {
		(e.more ??= new Map()).set(key, st);
	}
	e.size++;
}

function tupleDelete(e: PortEntry, key: number): void {
	if (e.k0 === key) e.k0 = -1;
	else (e.more as Map<number, number>).delete(key);
	e.size--;
}

/** Smallest capacity of a {@link SparsePortMap}'s hash table (a power of two). */
const MIN_CAPACITY = 8;
const NO_KEYS = new Int32Array(0);
/** A {@link SparsePortMap} switches to pages above this many ports, and back below {@link HASH_BELOW}. */
const PAGED_ABOVE = 256;
const HASH_BELOW = 64;
/** Ports per page (the low 8 bits of the port number) and pages (the high 8 bits). */
const PAGE_BITS = 8;
const PAGE_SIZE = 1 << PAGE_BITS;
/** Empty pages kept for reuse before they are freed. */
const SPARE_PAGES = 8;

/**
 * Port → entry map that costs memory only for the ports in use (issue 12), in two shapes:
 *
 * - up to a few hundred ports (nearly every host), an open-addressing hash table (linear probing,
 *   Fibonacci hashing of the port number) of about twice as many slots as ports: a host holding a
 *   dozen ports stores 32 slots, under 400 bytes;
 * - above {@link PAGED_ABOVE} ports, pages of 256 slots, allocated when their first port is
 *   taken (two array reads per lookup, as fast as the dense 65,536-slot array this replaces, which
 *   cost 512 KB per table). The hash table's probing made connect() at 50 % occupancy twice as
 *   slow in `npm run bench`, hence the switch.
 *
 * Neither shape rehashes under a steady connect/close churn: the hash table deletes by shifting
 * later entries back (Knuth's Algorithm R) instead of leaving tombstones, grows past half full
 * and shrinks below one eighth; pages that empty out are kept, up to {@link SPARE_PAGES}, then
 * freed. (A `Map<number, …>` under such churn makes V8 rehash its whole table every few thousand
 * operations, which made allocation cost grow with occupancy.)
 */
class SparsePortMap {
	/** Hash shape: port in each slot, -1 for an empty slot. */
	private keys: Int32Array = NO_KEYS;
	private vals: (PortEntry | undefined)[] = [];
	/** `32 - log2(capacity)`: the home slot of a port is the top bits of `port × 2^32/φ`. */
	private shift = 32;
	/** Paged shape, or null while the hash shape is in use. */
	private pages: ((PortEntry | undefined)[] | undefined)[] | null = null;
	/** Ports per page (paged shape). */
	private counts: Uint16Array | null = null;
	/** Pages allocated but empty (paged shape). */
	private emptyPages = 0;
	/** Number of ports held. */
	size = 0;

	private home(port: number): number {
		return Math.imul(port, 0x9e3779b1) >>> this.shift;
	}

	/** Hash slot holding `port`, or -1. */
	private find(port: number): number {
		if (this.size === 0) return -1;
		const keys = this.keys;
		const mask = keys.length - 1;
		for (let i = this.home(port); ; i = (i + 1) & mask) {
			const k = keys[i]!;
			if (k === port) return i;
			if (k === -1) return -1;
		}
	}

	get(port: number): PortEntry | undefined {
		const pages = this.pages;
		if (pages !== null) {
			const pg = pages[port >>> PAGE_BITS];
			return pg === undefined ? undefined : pg[port & (PAGE_SIZE - 1)];
		}
		const i = this.find(port);
		return i < 0 ? undefined : this.vals[i];
	}

	has(port: number): boolean {
		return this.get(port) !== undefined;
	}

	set(port: number, e: PortEntry): void {
		if (this.pages === null) {
			const at = this.find(port);
			if (at >= 0) {
				this.vals[at] = e;
				return;
			}
			if (this.size < PAGED_ABOVE) {
				this.hashInsert(port, e);
				return;
			}
			this.toPages();
		}
		this.pageSet(port, e);
	}

	delete(port: number): void {
		if (this.pages !== null) {
			this.pageDelete(port);
			if (this.size < HASH_BELOW) this.toHash();
			return;
		}
		let i = this.find(port);
		if (i < 0) return;
		const keys = this.keys;
		const vals = this.vals;
		const mask = keys.length - 1;
		// Algorithm R: move back every later entry of the probe run whose home slot does not lie
		// cyclically after the hole, so lookups never meet a gap before their key.
		for (let j = (i + 1) & mask; keys[j] !== -1; j = (j + 1) & mask) {
			const k = keys[j]!;
			if (((j - this.home(k)) & mask) >= ((j - i) & mask)) {
				keys[i] = k;
				vals[i] = vals[j];
				i = j;
			}
		}
		keys[i] = -1;
		vals[i] = undefined;
		this.size--;
		if (this.size * 8 < keys.length && keys.length > MIN_CAPACITY) this.resize(keys.length / 2);
	}

	/** Occupied slots in ascending port order. */
	entries(): [number, PortEntry][] {
		const out: [number, PortEntry][] = [];
		const pages = this.pages;
		if (pages !== null) {
			for (let p = 0; p < pages.length; p++) {
				const pg = pages[p];
				if (pg === undefined) continue;
				for (let s = 0; s < PAGE_SIZE; s++) {
					const e = pg[s];
					if (e !== undefined) out.push([(p << PAGE_BITS) | s, e]);
				}
			}
			return out;
		}
		const keys = this.keys;
		for (let j = 0; j < keys.length; j++) if (keys[j] !== -1) out.push([keys[j]!, this.vals[j]!]);
		return out.sort((x, y) => x[0] - y[0]);
	}

	// ------------------------------------------------------------ hash shape

	private hashInsert(port: number, e: PortEntry): void {
		if ((this.size + 1) * 2 > this.keys.length) this.resize(Math.max(MIN_CAPACITY, this.keys.length * 2));
		const keys = this.keys;
		const mask = keys.length - 1;
		let i = this.home(port);
		while (keys[i] !== -1) i = (i + 1) & mask;
		keys[i] = port;
		this.vals[i] = e;
		this.size++;
	}

	/** Rehash into `capacity` slots (a power of two ≥ {@link MIN_CAPACITY}). */
	private resize(capacity: number): void {
		const oldKeys = this.keys;
		const oldVals = this.vals;
		this.keys = new Int32Array(capacity).fill(-1);
		this.vals = new Array<PortEntry | undefined>(capacity).fill(undefined);
		this.shift = 32 - Math.log2(capacity);
		const mask = capacity - 1;
		for (let j = 0; j < oldKeys.length; j++) {
			const k = oldKeys[j]!;
			if (k === -1) continue;
			let i = this.home(k);
			while (this.keys[i] !== -1) i = (i + 1) & mask;
			this.keys[i] = k;
			this.vals[i] = oldVals[j];
		}
	}

	// ------------------------------------------------------------ paged shape

	private toPages(): void {
		const all = this.entries();
		this.keys = NO_KEYS;
		this.vals = [];
		this.shift = 32;
		this.pages = new Array<(PortEntry | undefined)[] | undefined>(65536 >>> PAGE_BITS).fill(undefined);
		this.counts = new Uint16Array(65536 >>> PAGE_BITS);
		this.emptyPages = 0;
		this.size = 0;
		for (const [port, e] of all) this.pageSet(port, e);
	}

	private toHash(): void {
		const all = this.entries();
		this.pages = null;
		this.counts = null;
		this.emptyPages = 0;
		this.size = 0;
		this.resize(MIN_CAPACITY);
		for (const [port, e] of all) this.hashInsert(port, e);
	}

	private pageSet(port: number, e: PortEntry): void {
		const pages = this.pages!;
		const counts = this.counts!;
		const p = port >>> PAGE_BITS;
		let pg = pages[p];
		if (pg === undefined) pg = pages[p] = new Array<PortEntry | undefined>(PAGE_SIZE).fill(undefined);
		else if (counts[p] === 0) this.emptyPages--;
		const slot = port & (PAGE_SIZE - 1);
		if (pg[slot] === undefined) {
			this.size++;
			counts[p]!++;
		}
		pg[slot] = e;
	}

	private pageDelete(port: number): void {
		const pages = this.pages!;
		const p = port >>> PAGE_BITS;
		const pg = pages[p];
		const slot = port & (PAGE_SIZE - 1);
		if (pg === undefined || pg[slot] === undefined) return;
		pg[slot] = undefined;
		this.size--;
		const counts = this.counts!;
		if (--counts[p]! === 0 && ++this.emptyPages > SPARE_PAGES) {
			for (let q = 0; q < pages.length; q++) if (pages[q] !== undefined && counts[q] === 0) pages[q] = undefined;
			this.emptyPages = 0;
		}
	}
}

function isPort(p: unknown, min: number): p is number {
	return typeof p === 'number' && Number.isInteger(p) && p >= min && p <= 65535;
}

/**
 * Local-port table of one host for one protocol (TCP or UDP): ephemeral-port selection plus the
 * bind()/4-tuple bookkeeping that decides EADDRINUSE, EADDRNOTAVAIL and EACCES.
 *
 * The engine calls {@link PortTable.connect} / {@link PortTable.bind} when a socket needs a port,
 * {@link PortTable.attachTuple} when a bound socket (or an accepted child) gets a peer,
 * {@link PortTable.enterTimeWait} when a connection enters TIME-WAIT, and
 * {@link PortTable.releaseTuple} / {@link PortTable.releaseBind} when it is gone.
 *
 * Programming errors (bad port numbers, releasing what was never registered) throw
 * {@link SimError}; network-level failures are returned as `{ ok: false, errno }`.
 */
export class PortTable {
	/** Lowest ephemeral port (inclusive). */
	readonly low: number;
	/** Highest ephemeral port (inclusive). */
	readonly high: number;
	/** Selection algorithm. */
	readonly algorithm: PortAlgorithm;
	/** connect() may share a port between destinations ({@link PortTableOptions.sharePorts}). */
	readonly sharePorts: boolean;
	/** Reuse of TIME-WAIT-only ports by connect() ({@link PortTableOptions.timeWaitReuse}). */
	readonly timeWaitReuse: TimeWaitReuse;
	/** Error conventions ({@link PortTableOptions.errors}). */
	readonly errors: 'posix' | 'windows';
	/** Windows auto-reuse port range, or null ({@link PortTableOptions.autoReuse}). */
	readonly autoReuse: readonly [number, number] | null;
	/** Lowest port a non-root bind() may take explicitly. */
	readonly unprivilegedStart: number;
	/** The three hash-secret words drawn from the rng at construction (see {@link linuxPortOffset}). */
	readonly secret: readonly [number, number, number];

	private readonly n: number;
	private readonly rng: Rng;
	/**
	 * Linux `table_perturb` (u32 entries): only the entries connect() has written, by index; an
	 * entry never written holds {@link linuxPerturbInit}. Sparse, so a host that connects to a few
	 * destinations stores a few numbers, not the kernel's 2^16-entry array.
	 */
	private readonly perturb = new Map<number, number>();
	/** Global rover for `'sequential'` (index into the range). */
	private rover = 0;
	private readonly ports = new SparsePortMap();
	/** Destinations whose `count` dropped to 0 but whose state is kept for reuse. */
	private emptyDests = 0;
	private tuples = 0;
	/** Destination states, keyed by {@link PortTable.destKey}; only destinations connect() was asked for. */
	private readonly dests = new Map<number, DestState>();
	/** In-range tuples whose destination has no DestState (attached by attachTuple). */
	private untracked = 0;
	/**
	 * Interned remote IPs: string → small id (keys stay small integers). The way back (only
	 * {@link PortTable.tuplesOn} needs it) searches this map: an id → IP array, new and empty in
	 * every table, made `connect()` and `attachTuple()` deoptimize at its first push in each new
	 * simulation (the array's elements kind changes) and be compiled again, ~20 ms of compiler
	 * time in most timed runs of the lifecycle benchmark (`--trace-deopt`, `--trace-opt`).
	 */
	private readonly ipIds = new Map<string, number>();
	/** In-range indices whose bind bucket belongs to bind(): the base of every DestState. */
	private readonly bindSet: ParitySet;
	/** In-range indices with any occupant (bound or any tuple): autobind candidates are clear bits. */
	private readonly occupied: ParitySet;
	/**
	 * In-range indices held by a bind or a live connection (clear = free or TIME-WAIT only), kept
	 * only when connect() may reuse TIME-WAIT ports ({@link PortTableOptions.timeWaitReuse}).
	 */
	private readonly busy: ParitySet | null;
	/** The table of the auto-reuse port range ({@link PortTableOptions.autoReuse}), or null. */
	private readonly auto: PortTable | null;
	private tw = 0;
	/** Hash computed by the last pickLinux() miss, cached into the DestState by addTuple(). */
	private lastHash: { localIp: string; index: number; hi: number } | undefined;

	/**
	 * @throws SimError if the range is not integers with 1 ≤ low ≤ high ≤ 65535, the algorithm is
	 *   unknown, the rng is missing, or unprivilegedStart is not an integer in 0..65536.
	 */
	constructor(opts: PortTableOptions) {
		const range = opts?.range;
		if (
			!Array.isArray(range) ||
			range.length !== 2 ||
			!isPort(range[0], 1) ||
			!isPort(range[1], 1) ||
			range[0] > range[1]
		) {
			throw new SimError(
				`PortTable: range must be [low, high] with integers 1 <= low <= high <= 65535, got ${JSON.stringify(range)}`,
				'range'
			);
		}
		if (!PORT_ALGORITHMS.includes(opts.algorithm)) {
			throw new SimError(
				`PortTable: unknown algorithm ${JSON.stringify(opts.algorithm)}; valid: ${PORT_ALGORITHMS.join(', ')}`,
				'algorithm'
			);
		}
		if (!opts.rng || typeof opts.rng.u32 !== 'function') {
			throw new SimError('PortTable: rng is required (use createRng(seed).fork(label))', 'rng');
		}
		const ups = opts.unprivilegedStart ?? 1024;
		if (!Number.isInteger(ups) || ups < 0 || ups > 65536) {
			throw new SimError(
				`PortTable: unprivilegedStart must be an integer in 0..65536, got ${String(ups)}`,
				'unprivilegedStart'
			);
		}
		const twr = opts.timeWaitReuse ?? 'never';
		if (twr !== 'never' && twr !== 'when-exhausted' && twr !== 'always') {
			throw new SimError(`PortTable: timeWaitReuse must be never, when-exhausted or always, got ${JSON.stringify(twr)}`, 'timeWaitReuse');
		}
		if (twr !== 'never' && (opts.sharePorts ?? true)) {
			throw new SimError('PortTable: timeWaitReuse applies only to tables that do not share ports (sharePorts: false)', 'timeWaitReuse');
		}
		if (twr !== 'never' && opts.algorithm === 'linux') {
			throw new SimError('PortTable: timeWaitReuse needs algorithm sequential or random', 'timeWaitReuse');
		}
		const auto = opts.autoReuse;
		if (
			auto !== undefined &&
			(!Array.isArray(auto) || auto.length !== 2 || !isPort(auto[0], 1) || !isPort(auto[1], 1) || auto[0] > auto[1])
		) {
			throw new SimError(
				`PortTable: autoReuse must be [low, high] with integers 1 <= low <= high <= 65535, got ${JSON.stringify(auto)}`,
				'autoReuse'
			);
		}
		this.low = range[0];
		this.high = range[1];
		this.n = this.high - this.low + 1;
		this.algorithm = opts.algorithm;
		this.sharePorts = opts.sharePorts ?? true;
		this.timeWaitReuse = twr;
		this.errors = opts.errors === 'windows' ? 'windows' : 'posix';
		this.rng = opts.rng;
		this.unprivilegedStart = ups;
		this.secret = [this.rng.u32(), this.rng.u32(), this.rng.u32()];
		this.bindSet = new ParitySet(this.n);
		this.occupied = new ParitySet(this.n);
		this.busy = twr === 'never' ? null : new ParitySet(this.n);
		this.autoReuse = auto === undefined ? null : Object.freeze([auto[0], auto[1]] as [number, number]);
		this.auto = null;
		if (auto !== undefined) {
			// Auto-reuse ports serve only connect(): they leave the ordinary pool for good.
			this.auto = new PortTable({
				range: [auto[0], auto[1]],
				algorithm: 'random',
				sharePorts: true,
				errors: this.errors,
				unprivilegedStart: ups,
				rng: this.rng.fork('auto-reuse')
			});
			for (let port = Math.max(auto[0], this.low); port <= Math.min(auto[1], this.high); port++) {
				const idx = port - this.low;
				this.bindSet.assign(idx, true);
				this.occupied.assign(idx, true);
				this.busy?.assign(idx, true);
			}
		}
	}

	/** True when `port` lies in the auto-reuse port range (its tuples live in {@link PortTable.auto}). */
	private inAuto(port: number): boolean {
		const a = this.autoReuse;
		return a !== null && port >= a[0] && port <= a[1];
	}

	/** A failure result; on a Windows table `ENOBUFS` carries Event 4231 and a collision 4227. */
	private fail(errno: PortErrno, message: string, windowsEvent?: 4227 | 4231): AllocResult {
		return windowsEvent === undefined || this.errors !== 'windows'
			? { ok: false, errno, message }
			: { ok: false, errno, message, windowsEvent };
	}

	// ---------------------------------------------------------------- connect()

	/**
	 * Choose a source port for a connection to `remoteIp:remotePort` and register the 4-tuple as
	 * live (the socket is in SYN-SENT when Linux does this, from `tcp_v4_connect`).
	 *
	 * A port is usable for the destination iff it is in the range, not bind-owned, and carries no
	 * tuple (live or TIME-WAIT) to the same remote address and port — or, when the table does not
	 * share ports ({@link PortTableOptions.sharePorts} false), carries no tuple at all.
	 *
	 * @param localIp - the host's address (input to the Linux per-destination hash).
	 * @param remoteIp - peer address, e.g. `'203.0.113.5'`.
	 * @param remotePort - peer port, integer 0..65535.
	 * @returns `{ok:true, port}`, or `{ok:false, errno:'EADDRNOTAVAIL'}` when every port of the
	 *   range is unusable for this destination (other destinations may still succeed).
	 * @throws SimError for a non-string IP or a port outside 0..65535.
	 */
	connect(localIp: string, remoteIp: string, remotePort: number): AllocResult {
		this.checkRemote(remoteIp, remotePort);
		if (typeof localIp !== 'string' || localIp === '') {
			throw new SimError(`connect: localIp must be a non-empty string, got ${JSON.stringify(localIp)}`, 'localIp');
		}
		if (this.auto !== null) {
			// Implicit bind with an auto-reuse range: SO_REUSE_UNICASTPORT is on by default for
			// connect() without bind() ("SOL_SOCKET Socket Options"), so the port comes from that range.
			const r = this.auto.connect(localIp, remoteIp, remotePort);
			if (r.ok) return r;
			return this.fail(
				r.errno,
				`no port in the auto-reuse port range ${this.autoReuse![0]}-${this.autoReuse![1]} gives a unique 4-tuple to ${remoteIp}:${remotePort}`,
				4231
			);
		}
		const key = this.destKey(remoteIp, remotePort);
		if (this.busy !== null) return this.connectReusingTimeWait(key, remoteIp, remotePort);
		const dest = this.dests.get(key) ?? this.makeDest(key);
		// `occupied` marks every port that is bound or carries any tuple: the exclusive rule.
		const set = this.sharePorts ? dest.set : this.occupied;
		let idx: number;
		switch (this.algorithm) {
			case 'linux':
				idx = this.pickLinux(set, dest, localIp, remoteIp, remotePort);
				break;
			case 'random':
				// RFC 6056 §3.3.1: next_ephemeral = min + random() % num; scan with wrap.
				idx = set.findClearWrap(this.rng.int(this.n), 0, this.n);
				break;
			case 'sequential':
				idx = set.findClearWrap(this.rover, 0, this.n);
				if (idx >= 0) this.rover = (idx + 1) % this.n;
				break;
		}
		const h = this.lastHash;
		this.lastHash = undefined;
		if (idx < 0) {
			const windows = this.errors === 'windows';
			return this.fail(
				windows ? 'ENOBUFS' : 'EADDRNOTAVAIL',
				this.sharePorts
					? `no free local port in ${this.low}-${this.high} for ${remoteIp}:${remotePort} (every port already has a connection or TIME-WAIT to it, or is bound)`
					: `no free local port in ${this.low}-${this.high} (every port is held by a connection, a TIME-WAIT or a bind; this OS does not share a port between destinations)`,
				4231
			);
		}
		const port = this.low + idx;
		this.addTuple(port, key);
		if (h !== undefined) {
			dest.hashLocalIp = h.localIp;
			dest.hashIndex = h.index;
			dest.hashHi = h.hi;
		}
		return { ok: true, port };
	}

	/**
	 * connect() on a table that reuses TIME-WAIT-only ports ({@link PortTableOptions.timeWaitReuse}):
	 * 1. `'when-exhausted'` (Windows Vista and later): the first free port in scan order;
	 * 2. else (or at once with `'always'`): the first port in scan order holding no bind and no
	 *    live connection, i.e. free or held only by TIME-WAIT connections;
	 * 3. if that port has a TIME-WAIT connection to the same remote endpoint, the connect fails
	 *    `EADDRINUSE` (Event 4227; the rover has moved on, so a retry selects the next port);
	 * 4. with no candidate at all, `ENOBUFS` on a Windows table (Event 4231), else `EADDRNOTAVAIL`.
	 */
	private connectReusingTimeWait(key: number, remoteIp: string, remotePort: number): AllocResult {
		const n = this.n;
		const start = this.algorithm === 'random' ? this.rng.int(n) : this.rover;
		let idx = this.timeWaitReuse === 'when-exhausted' ? this.occupied.findClearWrap(start, 0, n) : -1;
		if (idx < 0) idx = this.busy!.findClearWrap(start, 0, n);
		if (idx < 0) {
			return this.fail(
				this.errors === 'windows' ? 'ENOBUFS' : 'EADDRNOTAVAIL',
				this.errors === 'windows'
					? `no ephemeral port left in ${this.low}-${this.high}: every port is held by a live connection or a bind (Event 4231: "${WINDOWS_EVENT_4231}")`
					: `no free local port in ${this.low}-${this.high} (every port is held by a live connection or a bind)`,
				4231
			);
		}
		if (this.algorithm === 'sequential') this.rover = (idx + 1) % n;
		const port = this.low + idx;
		const e = this.ports.get(port);
		if (e !== undefined && tupleGet(e, key) >= 0) {
			// Only TIME-WAIT tuples remain on a port that is not busy.
			return this.fail(
				'EADDRINUSE',
				this.errors === 'windows'
					? `no port is free, so TCP/IP reused local port ${port}, but its TIME-WAIT connection goes to the same remote endpoint ${remoteIp}:${remotePort} (Event 4227: "the selected local endpoint was recently used to connect to the same remote endpoint")`
					: `local port ${port} is in TIME-WAIT towards ${remoteIp}:${remotePort}`,
				4227
			);
		}
		this.addTuple(port, key);
		return { ok: true, port };
	}

	/**
	 * Linux `__inet_hash_connect()` (RFC 6056 §3.3.4 Algorithm 4):
	 * ```
	 * high++; remaining = (high - low) & ~1;               // sysctl range: step 2
	 * offset = (table_perturb[index] + (port_offset >> 32)) % remaining;
	 * offset &= ~1;                                        // first pass: parity of low
	 * other_parity_scan:
	 * for (i = 0, port = low + offset; i < remaining; i += 2, port += 2) { wrap; if usable goto ok; }
	 * offset++; if ((offset & 1) && remaining > 1) goto other_parity_scan;
	 * return -EADDRNOTAVAIL;
	 * ok: table_perturb[index] += max(i, get_random_u32_below(8) * 2) + 2;
	 * ```
	 * The loop is replaced by one bitmap search per pass; `i` is recovered from the distance.
	 * With an odd-sized range each pass still makes `remaining / 2` probes, so one even port is
	 * skipped per scan (see {@link scanParity}), as in Linux.
	 */
	private pickLinux(
		set: ParitySet,
		dest: DestState,
		localIp: string,
		remoteIp: string,
		remotePort: number
	): number {
		const n = this.n;
		const remaining = n > 1 ? n & ~1 : n;
		let index: number;
		let hi: number;
		if (dest.hashLocalIp === localIp) {
			index = dest.hashIndex!;
			hi = dest.hashHi!;
		} else {
			({ index, hi } = linuxPortOffset(this.secret, localIp, remoteIp, remotePort));
			this.lastHash = { localIp, index, hi };
		}
		const table = this.perturb;
		const t = table.get(index) ?? linuxPerturbInit(this.secret, index);
		let offset = ((t + hi) >>> 0) % remaining;
		offset &= ~1;
		for (;;) {
			const hit = scanParity(set, 0, n, offset);
			if (hit) {
				const i = hit.j * 2;
				const inc = Math.max(i, this.rng.int(8) * 2) + 2;
				table.set(index, (t + inc) >>> 0);
				return hit.r;
			}
			offset++;
			if ((offset & 1) !== 0 && remaining > 1) continue;
			return -1;
		}
	}

	// ---------------------------------------------------------------- bind()

	/**
	 * Bind a local port (explicitly, or `port = 0` for an automatic one) and register it as
	 * exclusive: connect() will not pick it while it or connections inheriting it exist.
	 *
	 * Order of checks as in Linux `inet_bind_sk()` → `inet_csk_get_port()`:
	 * 1. explicit `port < unprivilegedStart` without `root` ⇒ `EACCES`;
	 * 2. port held by a bound socket or a live connection ⇒ `EADDRINUSE`;
	 * 3. port held only by TIME-WAIT connections ⇒ `EADDRINUSE` unless `reuseAddr`
	 *    (SO_REUSEADDR; Linux selftest bind_timewait.c).
	 *
	 * Port 0 (autobind, also used by listen() on an unbound socket) picks a port of the range with
	 * no occupant at all: `'linux'` as `inet_csk_find_open_port()` — random offset forced odd
	 * (prefers ports of the opposite parity to `low`, i.e. odd for 32768, "to not pollute connect()
	 * users"), then the other parity, and with `reuseAddr` the lower half of the range first;
	 * `'random'` random start + scan; `'sequential'` the shared rover. None free ⇒ `EADDRINUSE`.
	 *
	 * @param port - 0 for autobind, else 1..65535 (may lie outside the ephemeral range).
	 * @param opts.reuseAddr - SO_REUSEADDR set on the socket.
	 * @param opts.root - the process may bind privileged ports (CAP_NET_BIND_SERVICE).
	 * @throws SimError if `port` is not an integer in 0..65535.
	 */
	bind(port: number, opts: { reuseAddr?: boolean; root?: boolean } = {}): AllocResult {
		if (!isPort(port, 0)) {
			throw new SimError(`bind: port must be an integer in 0..65535, got ${String(port)}`, 'port');
		}
		const reuseAddr = opts.reuseAddr === true;
		if (port === 0) {
			const idx = this.pickAutobind(reuseAddr);
			if (idx < 0) {
				return this.errors === 'windows'
					? this.fail('ENOBUFS', `bind(0): no free port in ${this.low}-${this.high} (Event 4231: "${WINDOWS_EVENT_4231}")`, 4231)
					: this.fail('EADDRINUSE', `bind(0): no free port in ${this.low}-${this.high}`);
			}
			this.claimBind(this.low + idx);
			return { ok: true, port: this.low + idx };
		}
		if (port < this.unprivilegedStart && opts.root !== true) {
			return {
				ok: false,
				errno: 'EACCES',
				message: `bind(${port}): ports below ${this.unprivilegedStart} need root (CAP_NET_BIND_SERVICE)`
			};
		}
		if (this.inAuto(port)) {
			return this.fail(
				'EADDRINUSE',
				`bind(${port}): the port lies in the auto-reuse port range ${this.autoReuse![0]}-${this.autoReuse![1]}, which Windows keeps for outgoing connections`
			);
		}
		const e = this.ports.get(port);
		if (e) {
			if (e.bound) {
				return { ok: false, errno: 'EADDRINUSE', message: `bind(${port}): port already bound by another socket` };
			}
			if (e.live > 0) {
				return { ok: false, errno: 'EADDRINUSE', message: `bind(${port}): port in use by ${e.live} connection(s)` };
			}
			if (e.size > 0 && !reuseAddr) {
				return {
					ok: false,
					errno: 'EADDRINUSE',
					message: `bind(${port}): port held by ${e.size} connection(s) in TIME-WAIT (set SO_REUSEADDR)`
				};
			}
		}
		this.claimBind(port);
		return { ok: true, port };
	}

	/** `inet_csk_find_open_port()` for 'linux'; Algorithm 1 / rover otherwise. Returns an index or -1. */
	private pickAutobind(reuseAddr: boolean): number {
		const n = this.n;
		const occ = this.occupied;
		if (this.algorithm === 'random') return occ.findClearWrap(this.rng.int(n), 0, n);
		if (this.algorithm === 'sequential') {
			const idx = occ.findClearWrap(this.rover, 0, n);
			if (idx >= 0) this.rover = (idx + 1) % n;
			return idx;
		}
		// attempt_half = SO_REUSEADDR ? 1 : 0; high++ ⇒ window [0, n).
		let attemptHalf = reuseAddr && n >= 4 ? 1 : 0;
		for (;;) {
			let lo = 0;
			let hi = n;
			if (attemptHalf) {
				const half = (n >> 2) << 1;
				if (attemptHalf === 1) hi = half;
				else lo = half;
			}
			let remaining = hi - lo;
			if (remaining > 1) remaining &= ~1;
			let offset = this.rng.int(remaining) | 1;
			// Pass 1: parity opposite to low (offset odd); pass 2: offset-- (even).
			for (let pass = 0; pass < 2; pass++) {
				const hit = scanParity(occ, lo, hi - lo, offset);
				if (hit) return lo + hit.r;
				offset--;
			}
			if (attemptHalf === 1) {
				attemptHalf = 2;
				continue;
			}
			return -1;
		}
	}

	private claimBind(port: number): void {
		const e = this.entry(port);
		e.bound = true;
		if (!e.bindOwned) {
			e.bindOwned = true;
			this.setBindOwned(port, true);
		}
		this.updateOccupied(port, e);
	}

	/**
	 * Give back a port taken by {@link PortTable.bind}. Connections that inherited the port
	 * (attached tuples, their TIME-WAIT) keep it exclusive until they are released.
	 * @throws SimError if the port is not bound.
	 */
	releaseBind(port: number): void {
		const e = this.ports.get(port);
		if (!e || !e.bound) throw new SimError(`releaseBind(${String(port)}): port is not bound`, 'port');
		e.bound = false;
		this.maybeFree(port, e);
	}

	// ---------------------------------------------------------------- 4-tuples

	/**
	 * Register a 4-tuple on an already bound port: connect() after an explicit bind() (Linux does
	 * only the `check_established` 4-tuple test then), or an accepted connection, which inherits
	 * its listener's port and consumes no new port (`__inet_inherit_port`).
	 *
	 * @param opts.recycleTimeWait - replace a TIME-WAIT tuple with the same 4-tuple instead of
	 *   failing (Linux `tcp_twsk_unique` permits this for user-bound ports when timestamps are on;
	 *   a listener accepts a new SYN for a TIME-WAIT tuple, RFC 9293 §3.10.7.4 / RFC 6191).
	 * @returns `EADDRNOTAVAIL` if the 4-tuple already exists (live, or TIME-WAIT without recycling).
	 * @throws SimError if the port is not bound, or a remote argument is invalid.
	 */
	attachTuple(
		port: number,
		remoteIp: string,
		remotePort: number,
		opts: { recycleTimeWait?: boolean } = {}
	): AllocResult {
		this.checkRemote(remoteIp, remotePort);
		const e = this.ports.get(port);
		if (!e || !e.bound) {
			throw new SimError(`attachTuple(${String(port)}): port is not bound; bind it first`, 'port');
		}
		const key = this.destKey(remoteIp, remotePort);
		const existing = tupleGet(e, key);
		if (existing >= 0) {
			if (existing === ST_LIVE || opts.recycleTimeWait !== true) {
				return this.fail(
					this.errors === 'windows' ? 'EADDRINUSE' : 'EADDRNOTAVAIL',
					`4-tuple :${port} -> ${remoteIp}:${remotePort} already exists (${existing === ST_LIVE ? 'live' : 'time-wait'})`
				);
			}
			tupleSet(e, key, ST_LIVE);
			e.live++;
			this.tw--;
			this.updateOccupied(port, e);
			return { ok: true, port };
		}
		this.addTuple(port, key);
		return { ok: true, port };
	}

	/**
	 * Mark a live 4-tuple as TIME-WAIT. Idempotent for a tuple already in TIME-WAIT (a
	 * retransmitted FIN restarts the engine's timer, not this table's state).
	 * @throws SimError if the tuple is not registered.
	 */
	enterTimeWait(port: number, remoteIp: string, remotePort: number): void {
		if (this.auto !== null && this.inAuto(port)) {
			this.auto.enterTimeWait(port, remoteIp, remotePort);
			return;
		}
		const e = this.ports.get(port);
		const key = this.destKey(remoteIp, remotePort);
		const st = e === undefined ? -1 : tupleGet(e, key);
		if (e === undefined || st < 0) {
			throw new SimError(`enterTimeWait: no connection :${String(port)} -> ${remoteIp}:${String(remotePort)}`, 'port');
		}
		if (st === ST_TW) return;
		tupleSet(e, key, ST_TW);
		e.live--;
		this.tw++;
		if (this.busy !== null) this.updateOccupied(port, e);
	}

	/**
	 * Forget a 4-tuple (connection CLOSED, TIME-WAIT expired, or a failed connect). The port
	 * becomes usable again for that destination, and free when nothing else holds it.
	 * @throws SimError if the tuple is not registered.
	 */
	releaseTuple(port: number, remoteIp: string, remotePort: number): void {
		if (this.auto !== null && this.inAuto(port)) {
			this.auto.releaseTuple(port, remoteIp, remotePort);
			return;
		}
		const e = this.ports.get(port);
		const key = this.destKey(remoteIp, remotePort);
		const st = e === undefined ? -1 : tupleGet(e, key);
		if (e === undefined || st < 0) {
			throw new SimError(`releaseTuple: no connection :${String(port)} -> ${remoteIp}:${String(remotePort)}`, 'port');
		}
		if (st === ST_LIVE) e.live--;
		else this.tw--;
		this.tuples--;
		const idx = port - this.low;
		tupleDelete(e, key);
		if (idx >= 0 && idx < this.n) {
			const d = this.dests.get(key);
			if (d !== undefined) {
				d.count--;
				if (!e.bindOwned) d.set.assign(idx, false);
				// An empty destination's set equals the bind set again; keep it (cheap reuse for the
				// common connect/close/connect pattern) but sweep when many pile up.
				if (d.count === 0 && ++this.emptyDests > 256) this.sweepDests();
			} else {
				this.untracked--;
			}
		}
		this.maybeFree(port, e);
	}

	// ---------------------------------------------------------------- queries

	/** True if a socket currently holds `port` through bind()/autobind. */
	isBound(port: number): boolean {
		return this.ports.get(port)?.bound === true;
	}

	/** The 4-tuples registered on `port`, sorted by remote IP then remote port (copies). */
	tuplesOn(port: number): TupleInfo[] {
		if (this.auto !== null && this.inAuto(port)) return this.auto.tuplesOn(port);
		const e = this.ports.get(port);
		if (!e) return [];
		const out: TupleInfo[] = [];
		const push = (key: number, st: number): void => {
			out.push({
				remoteIp: this.ipOf(Math.floor(key / 65536)),
				remotePort: key % 65536,
				state: st === ST_LIVE ? 'live' : 'time-wait'
			});
		};
		if (e.k0 !== -1) push(e.k0, e.s0);
		if (e.more !== null) for (const [k, st] of e.more) push(k, st);
		return out.sort((a, b) =>
				a.remoteIp < b.remoteIp ? -1 : a.remoteIp > b.remoteIp ? 1 : a.remotePort - b.remotePort
			);
	}

	/** Number of distinct local ports held by anything (bound, live or TIME-WAIT connections). */
	inUseCount(): number {
		return this.ports.size + (this.auto?.inUseCount() ?? 0);
	}

	/** Number of 4-tuples in TIME-WAIT. */
	timeWaitCount(): number {
		return this.tw + (this.auto?.timeWaitCount() ?? 0);
	}

	/** Number of registered 4-tuples (live + TIME-WAIT). */
	tupleCount(): number {
		return this.tuples + (this.auto?.tupleCount() ?? 0);
	}

	/** Every held port with its dominant state, sorted by port (for the port-map view). */
	snapshot(): PortSnapshotEntry[] {
		const out: PortSnapshotEntry[] = [];
		for (const [port, e] of this.ports.entries()) {
			out.push({ port, state: e.bound ? 'bound' : e.live > 0 ? 'connected' : 'time-wait' });
		}
		if (this.auto !== null) return out.concat(this.auto.snapshot()).sort((a, b) => a.port - b.port);
		return out; // entries() yields ascending ports
	}

	// ---------------------------------------------------------------- internals

	private checkRemote(remoteIp: string, remotePort: number): void {
		if (typeof remoteIp !== 'string' || remoteIp === '') {
			throw new SimError(`remoteIp must be a non-empty string, got ${JSON.stringify(remoteIp)}`, 'remoteIp');
		}
		if (!isPort(remotePort, 0)) {
			throw new SimError(`remotePort must be an integer in 0..65535, got ${String(remotePort)}`, 'remotePort');
		}
	}

	/**
	 * @internal Destination key: (interned remote IP id) · 65536 + remote port. Ids are handed out
	 * in order of first appearance, so keys stay small integers (V8 Smis, cheap Map keys, on
	 * 31-bit-Smi builds too) for the first 16,384 remote IPs. The host's connection demux uses
	 * the same keys.
	 */
	destKey(remoteIp: string, remotePort: number): number {
		let id: number | undefined;
		if (remoteIp === this.lastIp) id = this.lastIpId;
		else {
			id = this.ipIds.get(remoteIp);
			if (id === undefined) {
				id = this.ipIds.size;
				this.ipIds.set(remoteIp, id);
			}
			this.lastIp = remoteIp;
			this.lastIpId = id;
		}
		return id * 65536 + remotePort;
	}

	/** The remote IP interned as `id` by {@link destKey}. */
	private ipOf(id: number): string {
		for (const [ip, i] of this.ipIds) if (i === id) return ip;
		throw new Error(`internal: no remote IP with id ${id}`);
	}

	/** Last remote IP interned by {@link destKey} and its id (consecutive calls repeat the peer). */
	private lastIp: string | null = null;
	private lastIpId = 0;

	private entry(port: number): PortEntry {
		let e = this.ports.get(port);
		if (!e) {
			e = { bound: false, bindOwned: false, size: 0, live: 0, k0: -1, s0: 0, more: null };
			this.ports.set(port, e);
		}
		return e;
	}

	/**
	 * The DestState for `key`, created now (connect() needs it): the bind set plus every in-range
	 * port already carrying a tuple to `key` (found by a scan, only if such untracked tuples exist).
	 * Registered as empty when it has no tuple yet.
	 */
	private makeDest(key: number): DestState {
		if (this.emptyDests > 256) this.sweepDests();
		const d: DestState = { set: this.bindSet.clone(this.n), count: 0 };
		if (this.untracked > 0) {
			for (let idx = 0; idx < this.n; idx++) {
				const e = this.ports.get(this.low + idx);
				if (e !== undefined && e.size > 0 && tupleGet(e, key) >= 0) {
					d.count++;
					d.set.assign(idx, true);
				}
			}
			this.untracked -= d.count;
		}
		this.dests.set(key, d);
		if (d.count === 0) this.emptyDests++;
		return d;
	}

	private addTuple(port: number, key: number): void {
		const e = this.entry(port);
		tupleAdd(e, key, ST_LIVE);
		e.live++;
		this.tuples++;
		const idx = port - this.low;
		if (idx >= 0 && idx < this.n) {
			const d = this.dests.get(key);
			if (d !== undefined) {
				if (d.count === 0) this.emptyDests--;
				d.count++;
				d.set.assign(idx, true);
			} else {
				this.untracked++;
			}
		}
		this.updateOccupied(port, e);
	}

	/** Forget destinations without tuples (their sets equal the bind set). */
	private sweepDests(): void {
		for (const [key, d] of this.dests) if (d.count === 0) this.dests.delete(key);
		this.emptyDests = 0;
	}

	/** Drop the entry once nothing holds the port; clear bind ownership with it. */
	private maybeFree(port: number, e: PortEntry): void {
		if (e.bound || e.size > 0) {
			this.updateOccupied(port, e);
			return;
		}
		this.ports.delete(port);
		if (e.bindOwned) {
			e.bindOwned = false;
			this.setBindOwned(port, false);
		}
		this.updateOccupied(port, e);
	}

	/** Merge a change of bind ownership into the base set and every destination's set. */
	private setBindOwned(port: number, owned: boolean): void {
		const idx = port - this.low;
		if (idx < 0 || idx >= this.n) return;
		this.bindSet.assign(idx, owned);
		const e = this.ports.get(port);
		for (const [key, d] of this.dests) {
			d.set.assign(idx, owned || (e !== undefined && tupleGet(e, key) >= 0));
		}
	}

	private updateOccupied(port: number, e: PortEntry): void {
		const idx = port - this.low;
		if (idx < 0 || idx >= this.n) return;
		// An entry is dropped from the map only once nothing holds it, so `e` decides.
		this.occupied.assign(idx, e.bound || e.size > 0);
		this.busy?.assign(idx, e.bound || e.bindOwned || e.live > 0);
	}
}
