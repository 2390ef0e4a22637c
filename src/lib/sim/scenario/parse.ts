/**
 * Scenario parser: plain text (the format in docs/scenario-format.md) -> a typed {@link Scenario}.
 *
 * Pure: no engine import, no I/O, never throws on any input string. Every problem becomes a
 * {@link ScenarioError} naming the 1-based line (and column where one token is at fault) and
 * saying what was expected. All errors are collected (up to {@link MAX_ERRORS}); parsing does not
 * stop at the first one.
 *
 * Beyond syntax, the parser checks what can be known before running: unknown or duplicate host,
 * router and socket names, sockets used before the line that creates them, port and IPv4
 * validity, times going backwards, unknown OS presets and unknown `key=` arguments.
 *
 * The format follows packetdrill's spirit (google/packetdrill, `gtests/net/tcp/**.pkt`): one
 * behaviour per file, timed socket calls interleaved with injected segments, tcpdump-like flags.
 */
import type { SocketAddress, TcpFlag } from '../trace';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** One problem found in a scenario. Plain data (JSON-serialisable). */
export interface ScenarioError {
	/** 1-based line number in the scenario text. */
	line: number;
	/** 1-based column of the offending token, when one token is at fault. */
	column?: number;
	/** What was expected and what was found, without the "line N:" prefix. */
	message: string;
}

/** The OS presets a host may name with `os=` (ids of OS_PRESETS in src/lib/sim/os.ts). */
export const HOST_OS_IDS = ['linux', 'freebsd', 'macos', 'windows', 'windows-xp', 'rfc9293', 'iana', 'nat'] as const;
/** An OS preset id accepted by `host ... os=`. */
export type HostOsId = (typeof HOST_OS_IDS)[number];

/** `host NAME IP [os=ID] [root] [scripted] [range=LOW-HIGH] [autoreuse=LOW-HIGH]` */
export interface HostDecl {
	line: number;
	name: string;
	ip: string;
	/** OS preset id; `linux` when not written. */
	os: HostOsId;
	/** True when the line says `root`: the host may bind ports below 1024. */
	root: boolean;
	/** Ephemeral port range override `[low, high]` (inclusive), or null for the preset's range. */
	range: [number, number] | null;
	/** True for `scripted`: a host with no TCP stack that only receives (the other side of `inject`). */
	scripted: boolean;
	/**
	 * `autoreuse=LOW-HIGH` (os=windows only): the Windows auto-reuse port range
	 * (`Set-NetTCPSetting -AutoReusePortRange…`); absent when not written (the feature is off).
	 */
	autoReuse?: [number, number];
}

/**
 * A sequence number read from a socket when the statement runs: `SOCKET.FIELD[+N|-N]`, e.g.
 * `c1.rcvnxt` or `c1.iss+1`. Fields: `iss`, `irs`, `sndnxt` (SND.NXT), `rcvnxt` (RCV.NXT).
 * The result is taken modulo 2^32.
 */
export interface SeqRef {
	socket: string;
	field: 'iss' | 'irs' | 'sndnxt' | 'rcvnxt';
	offset: number;
}

/** `router NAME IP [IP...]` (one IP per interface). */
export interface RouterDecl {
	line: number;
	name: string;
	ips: string[];
}

/** `nat ROUTER public=IP [mode=remap|preserve] [range=LOW-HIGH]` */
export interface NatDecl {
	line: number;
	router: string;
	publicIp: string;
	mode: 'remap' | 'preserve';
	/** Port range the NAT picks outside ports from, or null for the engine default. */
	range: [number, number] | null;
}

/** `forward ROUTER tcp|udp PUBLICPORT IP:PORT`: a NAT port forward (needs a `nat ROUTER` line). */
export interface ForwardDecl {
	line: number;
	router: string;
	proto: 'tcp' | 'udp';
	/** Port on the NAT's public address, 1-65535. */
	publicPort: number;
	/** Inside server the port is forwarded to. */
	to: { ip: string; port: number };
}

/**
 * One `rule ROUTER allow|deny in|out|any [tcp|udp|icmp|any] [sport=P|LO-HI] [dport=P|LO-HI]` line.
 * Rules are checked in file order; the first that matches decides.
 */
export interface RuleDecl {
	line: number;
	action: 'allow' | 'deny';
	/** `in`: arriving from outside (public side); `out`: leaving from inside; `any`: both. */
	direction: 'in' | 'out' | 'any';
	proto: 'tcp' | 'udp' | 'icmp' | 'any';
	/** Inclusive port range, or null for any port. */
	sport: [number, number] | null;
	dport: [number, number] | null;
}

/** `firewall NODE stateful|stateless`, with the `rule` lines that name the same node, in order. */
export interface FirewallDecl {
	line: number;
	node: string;
	mode: 'stateful' | 'stateless';
	rules: RuleDecl[];
}

/** `link A B [latency=DURATION] [loss=P]` */
export interface LinkDecl {
	line: number;
	a: string;
	b: string;
	/** One-way latency in ms of virtual time (default {@link DEFAULT_LATENCY_MS}). */
	latencyMs: number;
	/** Probability 0..1 that a packet is lost on this link, drawn from the seeded PRNG. */
	loss: number;
}

/** What a timed statement does. Socket names are the engine socket ids. */
export type Action =
	/**
	 * `HOST listen [PORT] [as=NAME] [manualread]`: new TCP socket, bind(PORT) + listen(); no PORT =>
	 * autobind. `autoRead` is false when the line says `manualread` (data waits for `read` lines);
	 * the same flag exists on `connect` and `bind`, and accepted sockets inherit it.
	 */
	| { kind: 'tcp-listen'; host: string; as: string | null; port: number | null; autoRead: boolean }
	/** `HOST connect IP:PORT [as=NAME]`: new TCP socket, active open from an ephemeral port. */
	| { kind: 'tcp-connect'; host: string; as: string | null; ip: string; port: number; autoRead: boolean }
	/**
	 * `HOST bind PORT [reuseaddr] [reuseunicastport] [as=NAME]`: new TCP socket with an explicit
	 * bind(). `reuseunicastport` (os=windows hosts) sets SO_REUSE_UNICASTPORT first.
	 */
	| { kind: 'tcp-bind'; host: string; as: string | null; port: number; reuseAddr: boolean; autoRead: boolean; reuseUnicastPort?: boolean }
	/** `SOCKET listen [PORT]` on a socket made by `bind`. */
	| { kind: 'socket-listen'; socket: string; port: number | null }
	/** `SOCKET connect IP:PORT` on a socket made by `bind`. */
	| { kind: 'socket-connect'; socket: string; ip: string; port: number }
	/** `SOCKET send LEN ["text"]` on a TCP socket. */
	| { kind: 'send'; socket: string; len: number; text: string | null }
	/** `SOCKET read`: the application reads everything received so far. */
	| { kind: 'read'; socket: string }
	/** `SOCKET close` */
	| { kind: 'close'; socket: string }
	/** `SOCKET abort`: RFC 9293 ABORT (RST where the state calls for one). */
	| { kind: 'abort'; socket: string }
	/**
	 * `HOST udp bind PORT [noconnreset] [as=NAME]`; `noconnreset` (Windows hosts) turns
	 * SIO_UDP_CONNRESET off before the bind.
	 */
	| { kind: 'udp-bind'; host: string; as: string | null; port: number; noConnReset?: boolean }
	/** `HOST udp send IP:PORT LEN ["text"] [as=NAME]`: new UDP socket, autobinds at the send. */
	| { kind: 'udp-send'; host: string; as: string | null; ip: string; port: number; len: number; text: string | null }
	/** `SOCKET send IP:PORT LEN ["text"]` on a UDP socket. */
	| { kind: 'udp-sendto'; socket: string; ip: string; port: number; len: number; text: string | null }
	/** `SOCKET reply LEN ["text"]` / `SOCKET reply "text"`: UDP datagram back to the last sender. */
	| { kind: 'udp-reply'; socket: string; len: number; text: string | null }
	/** `HOST ping IP [count=N] [interval=DURATION]` */
	| { kind: 'ping'; host: string; ip: string; count: number; intervalMs: number }
	/** `HOST traceroute IP [style=unix|windows] [maxhops=N]` */
	| { kind: 'traceroute'; host: string; ip: string; style: 'unix' | 'windows'; maxHops: number | null }
	/** `drop next FROM->TO` */
	| { kind: 'drop-next'; from: string; to: string }
	/** `inject FROM->TO SRC>DST FLAGS [seq=] [ack=] [win=] [len=] [payload="text"]` */
	| {
			kind: 'inject';
			from: string;
			to: string;
			src: SocketAddress;
			dst: SocketAddress;
			/** Canonical order SYN, FIN, RST, PSH, ACK (as in the trace). */
			flags: TcpFlag[];
			/** SEG.SEQ: a number, or a {@link SeqRef} resolved when the statement runs. */
			seq: number | SeqRef;
			/** SEG.ACK: a number, or a {@link SeqRef}. */
			ack: number | SeqRef;
			wnd: number;
			len: number;
			text: string | null;
	  };

/** A timed statement: at `t` ms of virtual time, do `action`. */
export interface Step {
	line: number;
	/** Absolute time, ms of virtual time (relative times are already resolved). */
	t: number;
	action: Action;
}

/** A parsed, statically checked scenario. Plain data. */
export interface Scenario {
	/** `seed N`, or null when not written (the runner then uses {@link DEFAULT_SEED}). */
	seed: number | null;
	hosts: HostDecl[];
	routers: RouterDecl[];
	nats: NatDecl[];
	/** `forward` lines (NAT port forwards), in file order. */
	forwards: ForwardDecl[];
	firewalls: FirewallDecl[];
	links: LinkDecl[];
	/** Timed statements in file order, which is also time order. */
	steps: Step[];
	/** The `run` line, if any; `until` in ms, or null to run until the event queue is empty. */
	run: { line: number; until: number | null } | null;
}

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

/** Largest accepted input, in bytes of UTF-16 text length (100 KB). */
export const MAX_INPUT_CHARS = 100 * 1024;
/** Largest accepted number of lines. */
export const MAX_LINES = 2000;
/** At most this many errors are reported; one more line says how many were left out. */
export const MAX_ERRORS = 50;
/** Largest time accepted anywhere: one day of virtual time, in ms. */
export const MAX_TIME_MS = 86_400_000;
/** Latency of a `link` without `latency=`, ms. */
export const DEFAULT_LATENCY_MS = 10;
/** Seed used when neither the file nor the caller gives one. */
export const DEFAULT_SEED = 1;
/** Largest byte count for one TCP `send` (1 MB). */
export const MAX_SEND_BYTES = 1_000_000;
/** Largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
export const MAX_UDP_BYTES = 65_507;

/** Format an error the way the CLI and tests show it: `line 4: message` (or `FILE:4: message`). */
export function formatScenarioError(e: ScenarioError, file?: string): string {
	return file !== undefined ? `${file}:${e.line}: ${e.message}` : `line ${e.line}: ${e.message}`;
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

interface Token {
	/** Text with quotes removed and escapes resolved. */
	text: string;
	/** Raw source text of the token. */
	raw: string;
	/** 1-based column. */
	col: number;
	/** True when the token contained a quoted part. */
	quoted: boolean;
}

/** Keywords that may not be used as host, router or socket names. */
const RESERVED = new Set([
	'seed', 'host', 'router', 'nat', 'firewall', 'rule', 'link', 'run', 'drop', 'inject', 'next',
	'udp', 'tcp', 'icmp', 'any', 'forward'
]);

const HEADER_KEYWORDS = ['seed', 'host', 'router', 'nat', 'forward', 'firewall', 'rule', 'link'];

const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

class LineErrors {
	constructor(
		private readonly out: ScenarioError[],
		readonly line: number
	) {}
	at(tok: Token | undefined, message: string): void {
		this.out.push(tok ? { line: this.line, column: tok.col, message } : { line: this.line, message });
	}
	atColumn(column: number, message: string): void {
		this.out.push({ line: this.line, column, message });
	}
}

/** Split one line into tokens; `#` outside quotes starts a comment. */
function tokenize(src: string, err: LineErrors): Token[] | null {
	const tokens: Token[] = [];
	let i = 0;
	const n = src.length;
	while (i < n) {
		const c = src[i];
		if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
			i++;
			continue;
		}
		if (c === '#') break;
		const start = i;
		let text = '';
		let quoted = false;
		while (i < n) {
			const d = src[i];
			if (d === ' ' || d === '\t' || d === '\r' || d === '\f' || d === '\v' || d === '#') break;
			if (d === '"') {
				quoted = true;
				i++;
				let closed = false;
				while (i < n) {
					const e = src[i];
					if (e === '"') {
						closed = true;
						i++;
						break;
					}
					if (e === '\\' && i + 1 < n) {
						const f = src[i + 1];
						text += f === 'n' ? '\n' : f === 't' ? '\t' : f === 'r' ? '\r' : f;
						i += 2;
						continue;
					}
					text += e;
					i++;
				}
				if (!closed) {
					err.atColumn(start + 1, 'unterminated string: add a closing "');
					return null;
				}
				continue;
			}
			text += d;
			i++;
		}
		tokens.push({ text, raw: src.slice(start, i), col: start + 1, quoted });
	}
	return tokens;
}

/** Show a token in an error message. */
function show(tok: Token): string {
	const s = tok.raw.length > 40 ? tok.raw.slice(0, 37) + '...' : tok.raw;
	return JSON.stringify(s);
}

// ---------------------------------------------------------------------------------------------
// Value parsers: each returns the value, or null after reporting an error.
// ---------------------------------------------------------------------------------------------

function parseIp(tok: Token, what: string, err: LineErrors): string | null {
	const parts = tok.text.split('.');
	if (tok.quoted || parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p))) {
		err.at(tok, `expected ${what} as a dotted-quad IPv4 address like 192.168.1.10, got ${show(tok)}`);
		return null;
	}
	for (const p of parts) {
		if (p.length > 1 && p[0] === '0') {
			err.at(tok, `IPv4 address ${show(tok)} has a leading zero in "${p}" (ambiguous: octal in some tools); write it without`);
			return null;
		}
		if (Number(p) > 255) {
			err.at(tok, `IPv4 address ${show(tok)}: each part must be 0-255, got ${p}`);
			return null;
		}
	}
	return tok.text;
}

function parseUint(text: string, max: number): number | null {
	if (!/^\d{1,10}$/.test(text)) return null;
	const v = Number(text);
	return v <= max ? v : null;
}

function parsePort(tok: Token, context: string, err: LineErrors, min = 0): number | null {
	const v = tok.quoted ? null : parseUint(tok.text, 65535);
	if (v === null || v < min) {
		err.at(tok, `expected a port number ${min}-65535 ${context}, got ${show(tok)}`);
		return null;
	}
	return v;
}

function parsePortText(text: string): number | null {
	return parseUint(text, 65535);
}

/** `LOW-HIGH` or a single port `P` (=> [P, P] when `single` is allowed). */
function parseRange(tok: Token, key: string, err: LineErrors, min: number, single: boolean): [number, number] | null {
	const text = tok.text.slice(key.length + 1);
	const m = /^(\d+)-(\d+)$/.exec(text);
	let lo: number | null;
	let hi: number | null;
	if (m) {
		lo = parsePortText(m[1]);
		hi = parsePortText(m[2]);
	} else if (single) {
		lo = hi = parsePortText(text);
	} else {
		lo = hi = null;
	}
	const shape = single ? 'a port or a range LOW-HIGH' : 'a port range LOW-HIGH';
	if (lo === null || hi === null || lo < min) {
		err.at(tok, `expected ${shape} with ports ${min}-65535 after "${key}=", got ${JSON.stringify(text)}`);
		return null;
	}
	if (lo > hi) {
		err.at(tok, `port range ${lo}-${hi} after "${key}=" is backwards: LOW must be <= HIGH`);
		return null;
	}
	return [lo, hi];
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000 };

/** Round to a microsecond so `0.1s + 0.2s` stays 300 ms. */
function roundMs(v: number): number {
	return Math.round(v * 1000) / 1000;
}

/** `250ms`, `1.5s`, `2min` -> ms; `relative` is true for a leading `+`. */
function parseTimeText(text: string): { ms: number; relative: boolean } | null {
	const m = /^(\+)?(\d{1,12}(?:\.\d{1,6})?)(ms|s|min)$/.exec(text);
	if (!m) return null;
	const ms = roundMs(Number(m[2]) * UNIT_MS[m[3]]);
	if (!Number.isFinite(ms)) return null;
	return { ms, relative: m[1] === '+' };
}

function timeHint(text: string): string {
	if (/^\+?\d+(\.\d+)?$/.test(text)) return ` (add a unit: ${text}ms)`;
	return '';
}

function parseDuration(tok: Token, key: string, err: LineErrors): number | null {
	const text = tok.text.slice(key.length + 1);
	const t = tok.quoted ? null : parseTimeText(text);
	if (t === null || t.relative) {
		err.at(tok, `expected a duration like 10ms, 1.5s or 2min after "${key}=", got ${JSON.stringify(text)}${timeHint(text)}`);
		return null;
	}
	if (t.ms > MAX_TIME_MS) {
		err.at(tok, `duration after "${key}=" is too long: at most ${MAX_TIME_MS} ms (one day)`);
		return null;
	}
	return t.ms;
}

function parseIntKey(tok: Token, key: string, err: LineErrors, min: number, max: number, what: string): number | null {
	const text = tok.text.slice(key.length + 1);
	const v = tok.quoted ? null : parseUint(text, max);
	if (v === null || v < min) {
		err.at(tok, `expected ${what} ${min}-${max} after "${key}=", got ${JSON.stringify(text)}`);
		return null;
	}
	return v;
}

function checkName(tok: Token, what: string, err: LineErrors): string | null {
	if (tok.quoted || !NAME_RE.test(tok.text)) {
		err.at(tok, `expected ${what}: a letter followed by letters, digits, "_" or "-", got ${show(tok)}`);
		return null;
	}
	if (RESERVED.has(tok.text)) {
		err.at(tok, `"${tok.text}" is a keyword and cannot be used as ${what}`);
		return null;
	}
	return tok.text;
}

// ---------------------------------------------------------------------------------------------
// Key=value and flag arguments
// ---------------------------------------------------------------------------------------------

interface ArgSpec {
	keys: string[];
	flags: string[];
}

interface Args {
	positional: Token[];
	keys: Map<string, Token>;
	flags: Set<string>;
}

/** Split tokens into positionals, `key=value` (value kept in the token) and bare flag words. */
function splitArgs(tokens: Token[], spec: ArgSpec, err: LineErrors, statement: string): Args {
	const args: Args = { positional: [], keys: new Map(), flags: new Set() };
	for (const tok of tokens) {
		const eq = tok.raw.indexOf('=');
		if (eq > 0 && !tok.raw.startsWith('"')) {
			const key = tok.raw.slice(0, eq);
			if (!spec.keys.includes(key)) {
				const allowed = spec.keys.length ? `allowed: ${spec.keys.map((k) => k + '=').join(', ')}` : 'it takes no key=value arguments';
				err.at(tok, `unknown key "${key}=" for ${statement}; ${allowed}`);
				continue;
			}
			if (args.keys.has(key)) {
				err.at(tok, `"${key}=" given twice`);
				continue;
			}
			args.keys.set(key, tok);
		} else if (!tok.quoted && spec.flags.includes(tok.text)) {
			if (args.flags.has(tok.text)) err.at(tok, `"${tok.text}" given twice`);
			args.flags.add(tok.text);
		} else {
			args.positional.push(tok);
		}
	}
	return args;
}

/** Text after `key=` (quotes resolved). */
function keyValue(tok: Token, key: string): string {
	// tok.text has quotes stripped; the key itself is never quoted, so slicing is safe.
	return tok.text.slice(key.length + 1);
}

function tooMany(extra: Token[], statement: string, err: LineErrors, expected: string): void {
	if (extra.length) err.at(extra[0], `unexpected ${show(extra[0])} in ${statement}; expected ${expected}`);
}

// ---------------------------------------------------------------------------------------------
// The parser proper
// ---------------------------------------------------------------------------------------------

type SocketKind = 'tcp-bound' | 'tcp-listener' | 'tcp-active' | 'tcp-accepted' | 'udp';

interface SocketInfo {
	kind: SocketKind;
	host: string;
	line: number;
}

interface NodeInfo {
	kind: 'host' | 'router';
	line: number;
	ips: string[];
}

class Parser {
	readonly errors: ScenarioError[] = [];
	readonly scenario: Scenario = {
		seed: null,
		hosts: [],
		routers: [],
		nats: [],
		forwards: [],
		firewalls: [],
		links: [],
		steps: [],
		run: null
	};
	private seedLine = 0;
	private readonly nodes = new Map<string, NodeInfo>();
	private readonly ipOwner = new Map<string, { name: string; line: number }>();
	private readonly sockets = new Map<string, SocketInfo>();
	private readonly pendingRules: { node: string; tok: Token; rule: RuleDecl }[] = [];
	private readonly pendingForwards: { router: string; tok: Token; line: number }[] = [];
	private firstTimedLine = 0;
	private lastTime = 0;
	private lastTimedLine = 0;

	parseLine(src: string, line: number): void {
		const err = new LineErrors(this.errors, line);
		const tokens = tokenize(src, err);
		if (!tokens || tokens.length === 0) return;
		const head = tokens[0];
		if (this.scenario.run && !head.quoted) {
			err.at(head, `nothing may follow the "run" statement on line ${this.scenario.run.line}; move "run" to the end`);
			return;
		}
		if (!head.quoted && HEADER_KEYWORDS.includes(head.text)) {
			if (this.firstTimedLine) {
				err.at(head, `header statement "${head.text}" must come before the first timed statement (line ${this.firstTimedLine})`);
				// Still parse it, so its names are known and later errors stay meaningful.
			}
			this.header(head.text, tokens.slice(1), err, head);
			return;
		}
		if (!head.quoted && head.text === 'run') {
			this.runStatement(tokens.slice(1), err, line);
			return;
		}
		const time = head.quoted ? null : parseTimeText(head.text);
		if (!time) {
			if (!head.quoted && /^\+?\d/.test(head.text)) {
				err.at(head, `expected a time like 250ms, 1.5s, 2min or +20ms, got ${show(head)}${timeHint(head.text)}`);
			} else if (!head.quoted && (this.nodes.has(head.text) || this.sockets.has(head.text))) {
				err.at(head, `expected a time before "${head.text}" (e.g. "0ms ${head.text} ..." or "+10ms ${head.text} ...")`);
			} else {
				err.at(head, `unknown statement ${show(head)}; expected ${HEADER_KEYWORDS.join(', ')}, run, or a time like 250ms or +20ms`);
			}
			return;
		}
		const t = roundMs(time.relative ? this.lastTime + time.ms : time.ms);
		if (t > MAX_TIME_MS) {
			err.at(head, `time ${t} ms is beyond the limit of ${MAX_TIME_MS} ms (one day of virtual time)`);
			return;
		}
		if (t < this.lastTime) {
			err.at(head, `time goes backwards: ${head.text} is ${t} ms, but line ${this.lastTimedLine} is already at ${this.lastTime} ms; use a later time or a relative one like +0ms`);
			return;
		}
		if (!this.firstTimedLine) this.firstTimedLine = line;
		this.lastTime = t;
		this.lastTimedLine = line;
		const action = this.timed(tokens.slice(1), err, head);
		if (action) this.scenario.steps.push({ line, t, action });
	}

	finish(): void {
		for (const f of this.pendingForwards) {
			if (!this.scenario.nats.some((n) => n.router === f.router)) {
				new LineErrors(this.errors, f.line).at(f.tok, `"forward ${f.router}" needs a line "nat ${f.router} public=IP" (port forwarding is part of NAT)`);
			}
		}
		// Attach rule lines to their firewalls (rules may be written before or after the firewall line).
		for (const { node, tok, rule } of this.pendingRules) {
			const fw = this.scenario.firewalls.find((f) => f.node === node);
			const err = new LineErrors(this.errors, rule.line);
			if (!fw) {
				if (this.nodes.has(node)) err.at(tok, `"rule ${node}" needs a line "firewall ${node} stateless"`);
				continue;
			}
			if (fw.mode !== 'stateless') {
				err.at(tok, `"rule ${node}" applies only to a stateless firewall; line ${fw.line} makes ${node} stateful`);
				continue;
			}
			fw.rules.push(rule);
		}
		for (const fw of this.scenario.firewalls) {
			if (fw.mode === 'stateless' && fw.rules.length === 0) {
				this.errors.push({
					line: fw.line,
					message: `stateless firewall on ${fw.node} has no rule lines; add e.g. "rule ${fw.node} allow in tcp dport=80"`
				});
			}
		}
		this.errors.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
	}

	// --- header statements ---------------------------------------------------------------------

	private header(kw: string, rest: Token[], err: LineErrors, head: Token): void {
		switch (kw) {
			case 'seed':
				return this.seed(rest, err, head);
			case 'host':
				return this.host(rest, err, head);
			case 'router':
				return this.router(rest, err, head);
			case 'nat':
				return this.nat(rest, err, head);
			case 'forward':
				return this.forward(rest, err, head);
			case 'firewall':
				return this.firewall(rest, err, head);
			case 'rule':
				return this.rule(rest, err, head);
			case 'link':
				return this.link(rest, err, head);
		}
	}

	private seed(rest: Token[], err: LineErrors, head: Token): void {
		if (this.seedLine) {
			err.at(head, `seed is already set on line ${this.seedLine}`);
			return;
		}
		const tok = rest[0];
		const v = tok && !tok.quoted ? parseUint(tok.text, 0xffffffff) : null;
		if (!tok || v === null) {
			err.at(tok ?? head, `expected an integer 0-4294967295 after "seed", got ${tok ? show(tok) : 'nothing'}`);
			return;
		}
		tooMany(rest.slice(1), 'seed', err, 'only a number');
		this.seedLine = err.line;
		this.scenario.seed = v;
	}

	private declareNode(nameTok: Token, kind: 'host' | 'router', err: LineErrors): string | null {
		const name = checkName(nameTok, `a ${kind} name`, err);
		if (name === null) return null;
		if (this.nodes.has(name)) {
			err.at(nameTok, `name "${name}" is already used by the ${this.nodes.get(name)!.kind} on line ${this.nodes.get(name)!.line}`);
			return null;
		}
		return name;
	}

	private claimIp(tok: Token, ip: string, name: string, err: LineErrors): boolean {
		const prev = this.ipOwner.get(ip);
		if (prev) {
			err.at(tok, `IP ${ip} already belongs to ${prev.name} (line ${prev.line})`);
			return false;
		}
		this.ipOwner.set(ip, { name, line: err.line });
		return true;
	}

	private host(rest: Token[], err: LineErrors, head: Token): void {
		const args = splitArgs(rest, { keys: ['os', 'range', 'autoreuse'], flags: ['root', 'scripted'] }, err, 'host');
		const [nameTok, ipTok, ...extra] = args.positional;
		if (!nameTok) {
			err.at(head, 'expected "host NAME IP [os=PRESET] [root] [scripted] [range=LOW-HIGH] [autoreuse=LOW-HIGH]"');
			return;
		}
		const name = this.declareNode(nameTok, 'host', err);
		if (!ipTok) {
			err.at(nameTok, `expected an IPv4 address after "host ${nameTok.text}"`);
			if (name !== null) this.nodes.set(name, { kind: 'host', line: err.line, ips: ['0.0.0.0'] });
			return;
		}
		const ip = parseIp(ipTok, 'the host address', err);
		tooMany(extra, 'host', err, 'os=, range=, autoreuse=, root or scripted');
		let os: HostOsId = 'linux';
		const osTok = args.keys.get('os');
		if (osTok) {
			const v = keyValue(osTok, 'os');
			if ((HOST_OS_IDS as readonly string[]).includes(v)) os = v as HostOsId;
			else err.at(osTok, `unknown OS preset "${v}"; valid: ${HOST_OS_IDS.join(', ')}`);
		}
		const rangeTok = args.keys.get('range');
		const range = rangeTok ? parseRange(rangeTok, 'range', err, 1, false) : null;
		const autoTok = args.keys.get('autoreuse');
		const autoReuse = autoTok ? parseRange(autoTok, 'autoreuse', err, 1, false) : null;
		if (autoTok && os !== 'windows') {
			err.at(autoTok, `autoreuse= is a Windows setting (Set-NetTCPSetting -AutoReusePortRange...); it needs os=windows, not os=${os}`);
		}
		// A host with a bad address is still declared (with a placeholder), so later lines that
		// name it do not report a second, misleading "unknown host" error.
		if (name !== null && ip === null) this.nodes.set(name, { kind: 'host', line: err.line, ips: ['0.0.0.0'] });
		if (name === null || ip === null) return;
		this.nodes.set(name, { kind: 'host', line: err.line, ips: [ip] });
		this.claimIp(ipTok, ip, name, err);
		this.scenario.hosts.push({
			line: err.line,
			name,
			ip,
			os,
			root: args.flags.has('root'),
			range,
			scripted: args.flags.has('scripted'),
			...(autoReuse && os === 'windows' ? { autoReuse: [autoReuse[0], autoReuse[1]] as [number, number] } : {})
		});
	}

	private router(rest: Token[], err: LineErrors, head: Token): void {
		const args = splitArgs(rest, { keys: [], flags: [] }, err, 'router');
		const [nameTok, ...ipToks] = args.positional;
		if (!nameTok) {
			err.at(head, 'expected "router NAME IP [IP...]" (one IP per interface)');
			return;
		}
		const name = this.declareNode(nameTok, 'router', err);
		if (ipToks.length === 0) {
			err.at(nameTok, `expected at least one IPv4 address after "router ${nameTok.text}" (one per interface)`);
			return;
		}
		const ips: string[] = [];
		for (const tok of ipToks) {
			const ip = parseIp(tok, 'an interface address', err);
			if (ip !== null) ips.push(ip);
		}
		if (name !== null && ips.length !== ipToks.length) this.nodes.set(name, { kind: 'router', line: err.line, ips: ['0.0.0.0'] });
		if (name === null || ips.length !== ipToks.length) return;
		this.nodes.set(name, { kind: 'router', line: err.line, ips });
		ipToks.forEach((tok, i) => this.claimIp(tok, ips[i], name, err));
		this.scenario.routers.push({ line: err.line, name, ips });
	}

	/** Resolve a name token that must be a declared node of the given kinds. */
	private nodeRef(tok: Token, kinds: ('host' | 'router')[], err: LineErrors, context: string): string | null {
		const node = tok.quoted ? undefined : this.nodes.get(tok.text);
		const what = kinds.join(' or ');
		if (!node) {
			const known = [...this.nodes.entries()].filter(([, n]) => kinds.includes(n.kind)).map(([k]) => k);
			err.at(tok, `unknown ${what} ${show(tok)} ${context}${known.length ? `; declared: ${known.join(', ')}` : `; declare it first with "${kinds[0]} NAME IP"`}`);
			return null;
		}
		if (!kinds.includes(node.kind)) {
			err.at(tok, `"${tok.text}" is a ${node.kind} (line ${node.line}), but ${context} needs a ${what}`);
			return null;
		}
		return tok.text;
	}

	private nat(rest: Token[], err: LineErrors, head: Token): void {
		const args = splitArgs(rest, { keys: ['public', 'mode', 'range'], flags: [] }, err, 'nat');
		const [nodeTok, ...extra] = args.positional;
		if (!nodeTok) {
			err.at(head, 'expected "nat ROUTER public=IP [mode=remap|preserve] [range=LOW-HIGH]"');
			return;
		}
		const router = this.nodeRef(nodeTok, ['router'], err, 'after "nat"');
		tooMany(extra, 'nat', err, 'public=, mode= or range=');
		const pubTok = args.keys.get('public');
		let publicIp: string | null = null;
		if (!pubTok) err.at(nodeTok, `"nat ${nodeTok.text}" needs public=IP (the address the NAT shows to the outside)`);
		else {
			const t: Token = { ...pubTok, text: keyValue(pubTok, 'public') };
			t.raw = t.text;
			publicIp = parseIp(t, 'the public address after "public="', err);
		}
		let mode: 'remap' | 'preserve' = 'remap';
		const modeTok = args.keys.get('mode');
		if (modeTok) {
			const v = keyValue(modeTok, 'mode');
			if (v === 'remap' || v === 'preserve') mode = v;
			else err.at(modeTok, `expected mode=remap or mode=preserve, got ${JSON.stringify(v)}`);
		}
		const rangeTok = args.keys.get('range');
		const range = rangeTok ? parseRange(rangeTok, 'range', err, 1, false) : null;
		if (router === null || publicIp === null) return;
		const dup = this.scenario.nats.find((x) => x.router === router);
		if (dup) {
			err.at(nodeTok, `${router} already has a NAT (line ${dup.line})`);
			return;
		}
		if (pubTok && !this.nodes.get(router)!.ips.includes(publicIp)) this.claimIp(pubTok, publicIp, router, err);
		this.scenario.nats.push({ line: err.line, router, publicIp, mode, range });
	}

	private forward(rest: Token[], err: LineErrors, head: Token): void {
		const usage = '"forward ROUTER tcp|udp PUBLICPORT IP:PORT" (e.g. forward r1 tcp 8080 192.168.1.20:80)';
		const args = splitArgs(rest, { keys: [], flags: [] }, err, 'forward');
		const [nodeTok, protoTok, portTok, dstTok, ...extra] = args.positional;
		if (!nodeTok) {
			err.at(head, `expected ${usage}`);
			return;
		}
		const router = this.nodeRef(nodeTok, ['router'], err, 'after "forward"');
		let proto: 'tcp' | 'udp' | null = null;
		if (protoTok && !protoTok.quoted && (protoTok.text === 'tcp' || protoTok.text === 'udp')) proto = protoTok.text;
		else err.at(protoTok ?? nodeTok, `expected "tcp" or "udp" after "forward ${nodeTok.text}", got ${protoTok ? show(protoTok) : 'nothing'}; usage: ${usage}`);
		let publicPort: number | null = null;
		if (proto !== null) {
			if (!portTok) err.at(protoTok!, `expected the public port after "forward ${nodeTok.text} ${proto}"; usage: ${usage}`);
			else {
				publicPort = parsePort(portTok, `after "forward ${nodeTok.text} ${proto}"`, err);
				if (publicPort === 0) {
					err.at(portTok, 'the public port must be 1-65535');
					publicPort = null;
				}
			}
		}
		const to = proto !== null && portTok ? this.endpoint(dstTok, err, `forward ${nodeTok.text} ${proto} ${portTok.text}`, portTok) : null;
		tooMany(extra, 'forward', err, 'nothing after IP:PORT');
		if (router === null || proto === null || publicPort === null || to === null) return;
		const dup = this.scenario.forwards.find((f) => f.router === router && f.proto === proto && f.publicPort === publicPort);
		if (dup) {
			err.at(portTok!, `${proto} port ${publicPort} of ${router} is already forwarded (line ${dup.line})`);
			return;
		}
		this.scenario.forwards.push({ line: err.line, router, proto, publicPort, to });
		this.pendingForwards.push({ router, tok: nodeTok, line: err.line });
	}

	private firewall(rest: Token[], err: LineErrors, head: Token): void {
		const args = splitArgs(rest, { keys: [], flags: [] }, err, 'firewall');
		const [nodeTok, modeTok, ...extra] = args.positional;
		if (!nodeTok) {
			err.at(head, 'expected "firewall ROUTER stateful" or "firewall ROUTER stateless" (then rule lines)');
			return;
		}
		const node = this.nodeRef(nodeTok, ['router'], err, 'after "firewall"');
		let mode: 'stateful' | 'stateless' | null = null;
		if (!modeTok || (modeTok.text !== 'stateful' && modeTok.text !== 'stateless')) {
			err.at(modeTok ?? nodeTok, `expected "stateful" or "stateless" after "firewall ${nodeTok.text}", got ${modeTok ? show(modeTok) : 'nothing'}`);
		} else mode = modeTok.text;
		tooMany(extra, 'firewall', err, 'nothing after the mode');
		if (node === null || mode === null) return;
		const dup = this.scenario.firewalls.find((f) => f.node === node);
		if (dup) {
			err.at(nodeTok, `${node} already has a firewall (line ${dup.line})`);
			return;
		}
		this.scenario.firewalls.push({ line: err.line, node, mode, rules: [] });
	}

	private rule(rest: Token[], err: LineErrors, head: Token): void {
		const args = splitArgs(rest, { keys: ['sport', 'dport'], flags: [] }, err, 'rule');
		const [nodeTok, actTok, dirTok, protoTok, ...extra] = args.positional;
		const usage = '"rule ROUTER allow|deny in|out|any [tcp|udp|icmp|any] [sport=PORTS] [dport=PORTS]"';
		if (!nodeTok || !actTok || !dirTok) {
			err.at(head, `expected ${usage}`);
			return;
		}
		const node = this.nodeRef(nodeTok, ['router'], err, 'after "rule"');
		let ok = node !== null;
		if (actTok.text !== 'allow' && actTok.text !== 'deny') {
			err.at(actTok, `expected "allow" or "deny" after "rule ${nodeTok.text}", got ${show(actTok)}`);
			ok = false;
		}
		if (dirTok.text !== 'in' && dirTok.text !== 'out' && dirTok.text !== 'any') {
			err.at(dirTok, `expected a direction "in", "out" or "any", got ${show(dirTok)}`);
			ok = false;
		}
		let proto: RuleDecl['proto'] = 'any';
		if (protoTok) {
			if (['tcp', 'udp', 'icmp', 'any'].includes(protoTok.text) && !protoTok.quoted) proto = protoTok.text as RuleDecl['proto'];
			else {
				err.at(protoTok, `expected a protocol "tcp", "udp", "icmp" or "any", got ${show(protoTok)}`);
				ok = false;
			}
		}
		tooMany(extra, 'rule', err, 'sport= or dport=');
		const portKey = (key: 'sport' | 'dport'): [number, number] | null => {
			const tok = args.keys.get(key);
			if (!tok) return null;
			if (proto !== 'tcp' && proto !== 'udp') {
				err.at(tok, `"${key}=" needs protocol tcp or udp (ICMP has no ports)`);
				ok = false;
				return null;
			}
			const r = parseRange(tok, key, err, 0, true);
			if (r === null) ok = false;
			return r;
		};
		const sport = portKey('sport');
		const dport = portKey('dport');
		if (!ok || node === null) return;
		this.pendingRules.push({
			node,
			tok: nodeTok,
			rule: {
				line: err.line,
				action: actTok.text as 'allow' | 'deny',
				direction: dirTok.text as 'in' | 'out' | 'any',
				proto,
				sport,
				dport
			}
		});
	}

	private link(rest: Token[], err: LineErrors, head: Token): void {
		const args = splitArgs(rest, { keys: ['latency', 'loss'], flags: [] }, err, 'link');
		const [aTok, bTok, ...extra] = args.positional;
		if (!aTok || !bTok) {
			err.at(head, 'expected "link A B [latency=10ms] [loss=0.01]"');
			return;
		}
		const a = this.nodeRef(aTok, ['host', 'router'], err, 'in "link"');
		const b = this.nodeRef(bTok, ['host', 'router'], err, 'in "link"');
		tooMany(extra, 'link', err, 'latency= or loss=');
		const latTok = args.keys.get('latency');
		const latencyMs = latTok ? parseDuration(latTok, 'latency', err) : DEFAULT_LATENCY_MS;
		let loss: number | null = 0;
		const lossTok = args.keys.get('loss');
		if (lossTok) {
			const v = keyValue(lossTok, 'loss');
			const m = /^(\d{1,3}(?:\.\d{1,6})?)(%?)$/.exec(v);
			const p = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
			if (!m || !(p >= 0 && p <= 1)) {
				err.at(lossTok, `expected a loss probability 0-1 (like 0.05) or a percentage (like 5%) after "loss=", got ${JSON.stringify(v)}`);
				loss = null;
			} else loss = p;
		}
		if (a === null || b === null || latencyMs === null || loss === null) return;
		if (a === b) {
			err.at(bTok, `a link joins two different nodes; both ends are "${a}"`);
			return;
		}
		const dup = this.scenario.links.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
		if (dup) {
			err.at(aTok, `${a} and ${b} are already linked (line ${dup.line})`);
			return;
		}
		this.scenario.links.push({ line: err.line, a, b, latencyMs, loss });
	}

	private runStatement(rest: Token[], err: LineErrors, line: number): void {
		const args = splitArgs(rest, { keys: ['until'], flags: [] }, err, 'run');
		tooMany(args.positional, 'run', err, 'only until=TIME');
		let until: number | null = null;
		const tok = args.keys.get('until');
		if (tok) {
			until = parseDuration(tok, 'until', err);
			if (until !== null && until < this.lastTime) {
				err.at(tok, `run until=${until} ms ends before line ${this.lastTimedLine}, which is at ${this.lastTime} ms`);
			}
		}
		this.scenario.run = { line, until };
	}

	// --- timed statements ----------------------------------------------------------------------

	private timed(rest: Token[], err: LineErrors, timeTok: Token): Action | null {
		const [subj, verb, ...args] = rest;
		if (!subj) {
			err.at(timeTok, `expected a statement after the time ${show(timeTok)}, e.g. "client connect 203.0.113.5:80"`);
			return null;
		}
		if (!subj.quoted && subj.text === 'drop') return this.dropNext(rest.slice(1), err, subj);
		if (!subj.quoted && subj.text === 'inject') return this.inject(rest.slice(1), err, subj);
		if (!subj.quoted && subj.text === 'run') {
			err.at(subj, '"run" takes no time; write "run until=130s" on its own line at the end');
			return null;
		}
		if (!subj.quoted && HEADER_KEYWORDS.includes(subj.text)) {
			err.at(subj, `"${subj.text}" is a header statement and takes no time; write it without "${timeTok.text}" above the timed lines`);
			return null;
		}
		const node = subj.quoted ? undefined : this.nodes.get(subj.text);
		if (node) {
			if (node.kind !== 'host') {
				err.at(subj, `"${subj.text}" is a router; socket calls, ping and traceroute run on hosts`);
				return null;
			}
			return this.hostVerb(subj.text, verb, args, err, subj);
		}
		const sock = this.socketRef(subj, err);
		if (sock === null) return null;
		return this.socketVerb(sock, verb, args, err, subj);
	}

	/** Resolve a socket name (including accepted `<listener>.<n>`), reporting unknown names. */
	private socketRef(tok: Token, err: LineErrors): { name: string; info: SocketInfo } | null {
		const name = tok.text;
		const known = tok.quoted ? undefined : this.sockets.get(name);
		if (known) return { name, info: known };
		const m = /^([A-Za-z][A-Za-z0-9_-]*)\.(\d{1,6})$/.exec(name);
		if (m && !tok.quoted) {
			const base = this.sockets.get(m[1]);
			if (!base) {
				err.at(tok, `unknown socket "${m[1]}" in ${show(tok)}: accepted sockets are named LISTENER.N after a socket made by "listen ... as=LISTENER"`);
				return null;
			}
			if (base.kind !== 'tcp-listener') {
				err.at(tok, `"${m[1]}" is not a listening socket (line ${base.line}), so it has no accepted sockets like ${show(tok)}`);
				return null;
			}
			if (Number(m[2]) < 1) {
				err.at(tok, `accepted sockets are numbered from 1 in accept order: "${m[1]}.1", "${m[1]}.2"...`);
				return null;
			}
			return { name, info: { kind: 'tcp-accepted', host: base.host, line: base.line } };
		}
		const hosts = [...this.nodes.entries()].filter(([, n]) => n.kind === 'host').map(([k]) => k);
		const socks = [...this.sockets.keys()];
		const hint = [hosts.length ? `hosts: ${hosts.join(', ')}` : '', socks.length ? `sockets so far: ${socks.join(', ')}` : '']
			.filter(Boolean)
			.join('; ');
		err.at(tok, `unknown host or socket ${show(tok)}${hint ? ` (${hint})` : ''}; a socket exists only after the line that names it with as=`);
		return null;
	}

	/** Register a new socket name from `as=NAME`. */
	/** Report an error unless `host` runs a Windows preset (`anyWindows`: windows-xp too). */
	private needsWindows(host: string, what: string, at: Token, err: LineErrors, anyWindows = false): void {
		const os = this.scenario.hosts.find((h) => h.name === host)?.os;
		if (os === undefined || os === 'windows' || (anyWindows && os === 'windows-xp')) return;
		err.at(at, `${what} is a Windows socket option; host ${host} runs os=${os} (use os=windows${anyWindows ? ' or os=windows-xp' : ''})`);
	}

	private newSocket(args: Args, host: string, kind: SocketKind, err: LineErrors): { ok: boolean; name: string | null } {
		const tok = args.keys.get('as');
		if (!tok) return { ok: true, name: null };
		const t: Token = { ...tok, text: keyValue(tok, 'as') };
		t.raw = t.text;
		const name = checkName(t, 'a socket name after "as="', err);
		if (name === null) return { ok: false, name: null };
		const node = this.nodes.get(name);
		if (node) {
			err.at(tok, `socket name "${name}" is already the name of a ${node.kind} (line ${node.line})`);
			return { ok: false, name: null };
		}
		const prev = this.sockets.get(name);
		if (prev) {
			err.at(tok, `socket name "${name}" is already used on line ${prev.line}`);
			return { ok: false, name: null };
		}
		this.sockets.set(name, { kind, host, line: err.line });
		return { ok: true, name };
	}

	/** `IP:PORT` or `HOST:PORT` (a declared host or router name resolves to its first address). */
	private endpoint(tok: Token | undefined, err: LineErrors, after: string, anchor: Token): { ip: string; port: number } | null {
		if (!tok) {
			err.at(anchor, `expected a destination IP:PORT after "${after}" (e.g. 203.0.113.5:80, or server:80)`);
			return null;
		}
		const idx = tok.text.lastIndexOf(':');
		if (idx <= 0 || tok.quoted) {
			err.at(tok, `expected a destination IP:PORT after "${after}" (e.g. 203.0.113.5:80, or server:80), got ${show(tok)}`);
			return null;
		}
		const hostPart = tok.text.slice(0, idx);
		const portPart = tok.text.slice(idx + 1);
		const ip = this.address(hostPart, tok, err, after);
		const port = parsePortText(portPart);
		if (port === null || port === 0) {
			err.at(tok, `expected a port number 1-65535 after "${hostPart}:", got ${JSON.stringify(portPart)}`);
			return null;
		}
		return ip === null ? null : { ip, port };
	}

	/** An IP, or a node name standing for its first address. */
	private address(text: string, tok: Token, err: LineErrors, after: string): string | null {
		const node = this.nodes.get(text);
		if (node) return node.ips[0];
		if (/^[A-Za-z]/.test(text)) {
			err.at(tok, `unknown host "${text}" after "${after}"; write an IPv4 address or a declared host name`);
			return null;
		}
		return parseIp({ ...tok, text, raw: text }, `an address after "${after}"`, err);
	}

	/** `LEN ["text"]`, `"text"` alone (length = UTF-8 bytes), used by send and udp send. */
	private payload(toks: Token[], err: LineErrors, after: string, anchor: Token, max: number): { len: number; text: string | null; rest: Token[] } | null {
		const [a, b, ...rest] = toks;
		if (!a) {
			err.at(anchor, `expected a byte count after "${after}" (e.g. ${after} 120 "GET / HTTP/1.1")`);
			return null;
		}
		if (a.quoted) {
			const len = new TextEncoder().encode(a.text).length;
			if (len > max) {
				err.at(a, `payload is ${len} bytes; at most ${max}`);
				return null;
			}
			return { len, text: a.text, rest: b ? [b, ...rest] : [] };
		}
		const len = parseUint(a.text, max);
		if (len === null) {
			err.at(a, `expected a byte count 0-${max} after "${after}", got ${show(a)}`);
			return null;
		}
		if (b && b.quoted) return { len, text: b.text, rest };
		return { len, text: null, rest: b ? [b, ...rest] : [] };
	}

	private hostVerb(host: string, verb: Token | undefined, toks: Token[], err: LineErrors, subj: Token): Action | null {
		const verbs = 'listen, connect, bind, udp bind, udp send, ping, traceroute';
		if (!verb || verb.quoted) {
			err.at(verb ?? subj, `expected what host "${host}" does: ${verbs}`);
			return null;
		}
		switch (verb.text) {
			case 'listen': {
				const args = splitArgs(toks, { keys: ['as'], flags: ['manualread'] }, err, 'listen');
				const [portTok, ...extra] = args.positional;
				const port = portTok ? parsePort(portTok, 'after "listen"', err) : null;
				tooMany(extra, 'listen', err, 'as=NAME or manualread');
				const s = this.newSocket(args, host, 'tcp-listener', err);
				if ((portTok && port === null) || !s.ok) return null;
				return { kind: 'tcp-listen', host, as: s.name, port, autoRead: !args.flags.has('manualread') };
			}
			case 'connect': {
				const args = splitArgs(toks, { keys: ['as'], flags: ['manualread'] }, err, 'connect');
				const [dstTok, ...extra] = args.positional;
				const dst = this.endpoint(dstTok, err, 'connect', verb);
				tooMany(extra, 'connect', err, 'as=NAME or manualread');
				const s = this.newSocket(args, host, 'tcp-active', err);
				if (!dst || !s.ok) return null;
				return { kind: 'tcp-connect', host, as: s.name, ...dst, autoRead: !args.flags.has('manualread') };
			}
			case 'bind': {
				const args = splitArgs(toks, { keys: ['as'], flags: ['reuseaddr', 'reuseunicastport', 'manualread'] }, err, 'bind');
				const [portTok, ...extra] = args.positional;
				const port = portTok ? parsePort(portTok, 'after "bind"', err) : null;
				if (!portTok) err.at(verb, 'expected a port number 0-65535 after "bind" (0 picks an ephemeral port)');
				tooMany(extra, 'bind', err, 'reuseaddr, reuseunicastport, manualread or as=NAME');
				const unicast = args.flags.has('reuseunicastport');
				if (unicast) this.needsWindows(host, 'reuseunicastport (SO_REUSE_UNICASTPORT)', verb, err);
				const s = this.newSocket(args, host, 'tcp-bound', err);
				if (port === null || !s.ok) return null;
				return {
					kind: 'tcp-bind',
					host,
					as: s.name,
					port,
					reuseAddr: args.flags.has('reuseaddr'),
					autoRead: !args.flags.has('manualread'),
					...(unicast ? { reuseUnicastPort: true } : {})
				};
			}
			case 'udp': {
				const [sub, ...more] = toks;
				if (sub && !sub.quoted && sub.text === 'bind') {
					const args = splitArgs(more, { keys: ['as'], flags: ['noconnreset'] }, err, 'udp bind');
					const [portTok, ...extra] = args.positional;
					const port = portTok ? parsePort(portTok, 'after "udp bind"', err) : null;
					if (!portTok) err.at(sub, 'expected a port number 0-65535 after "udp bind"');
					tooMany(extra, 'udp bind', err, 'noconnreset or as=NAME');
					const noReset = args.flags.has('noconnreset');
					if (noReset) this.needsWindows(host, 'noconnreset (SIO_UDP_CONNRESET)', sub, err, true);
					const s = this.newSocket(args, host, 'udp', err);
					if (port === null || !s.ok) return null;
					return { kind: 'udp-bind', host, as: s.name, port, ...(noReset ? { noConnReset: true } : {}) };
				}
				if (sub && !sub.quoted && sub.text === 'send') {
					const args = splitArgs(more, { keys: ['as'], flags: [] }, err, 'udp send');
					const [dstTok, ...after] = args.positional;
					const dst = this.endpoint(dstTok, err, 'udp send', sub);
					const pl = dst ? this.payload(after, err, 'udp send ' + dstTok!.text, dstTok!, MAX_UDP_BYTES) : null;
					if (pl) tooMany(pl.rest, 'udp send', err, 'as=NAME');
					const s = this.newSocket(args, host, 'udp', err);
					if (!dst || !pl || !s.ok) return null;
					return { kind: 'udp-send', host, as: s.name, ...dst, len: pl.len, text: pl.text };
				}
				err.at(sub ?? verb, `expected "udp bind PORT" or "udp send IP:PORT LEN", got ${sub ? show(sub) : 'nothing'} after "udp"`);
				return null;
			}
			case 'ping': {
				const args = splitArgs(toks, { keys: ['count', 'interval'], flags: [] }, err, 'ping');
				const [dstTok, ...extra] = args.positional;
				if (!dstTok) {
					err.at(verb, 'expected an address after "ping" (an IPv4 address or a host name)');
					return null;
				}
				const ip = this.address(dstTok.text, dstTok, err, 'ping');
				tooMany(extra, 'ping', err, 'count= or interval=');
				const cTok = args.keys.get('count');
				const count = cTok ? parseIntKey(cTok, 'count', err, 1, 100, 'a count') : 1;
				const iTok = args.keys.get('interval');
				const intervalMs = iTok ? parseDuration(iTok, 'interval', err) : 1000;
				if (iTok && intervalMs === 0) err.at(iTok, 'interval= must be more than 0 ms');
				if (ip === null || count === null || intervalMs === null || intervalMs === 0) return null;
				return { kind: 'ping', host, ip, count, intervalMs };
			}
			case 'traceroute': {
				const args = splitArgs(toks, { keys: ['style', 'maxhops'], flags: [] }, err, 'traceroute');
				const [dstTok, ...extra] = args.positional;
				if (!dstTok) {
					err.at(verb, 'expected an address after "traceroute" (an IPv4 address or a host name)');
					return null;
				}
				const ip = this.address(dstTok.text, dstTok, err, 'traceroute');
				tooMany(extra, 'traceroute', err, 'style= or maxhops=');
				let style: 'unix' | 'windows' = 'unix';
				const sTok = args.keys.get('style');
				if (sTok) {
					const v = keyValue(sTok, 'style');
					if (v === 'unix' || v === 'windows') style = v;
					else {
						err.at(sTok, `expected style=unix (UDP probes) or style=windows (ICMP echo), got ${JSON.stringify(v)}`);
						return null;
					}
				}
				const mTok = args.keys.get('maxhops');
				const maxHops = mTok ? parseIntKey(mTok, 'maxhops', err, 1, 64, 'a hop count') : null;
				if (ip === null || (mTok && maxHops === null)) return null;
				return { kind: 'traceroute', host, ip, style, maxHops };
			}
			default: {
				const sockVerb = ['send', 'read', 'close', 'abort'].includes(verb.text);
				err.at(
					verb,
					`unknown action ${show(verb)} for host "${host}"; expected ${verbs}` +
						(sockVerb ? `. "${verb.text}" applies to a socket: name one with as= and write "SOCKET ${verb.text}"` : '')
				);
				return null;
			}
		}
	}

	private socketVerb(sock: { name: string; info: SocketInfo }, verb: Token | undefined, toks: Token[], err: LineErrors, subj: Token): Action | null {
		const { name, info } = sock;
		const isUdp = info.kind === 'udp';
		const verbs = isUdp ? 'send IP:PORT LEN, reply LEN, close' : info.kind === 'tcp-bound' ? 'listen, connect, close' : 'send, read, close, abort';
		if (!verb || verb.quoted) {
			err.at(verb ?? subj, `expected what socket "${name}" does: ${verbs}`);
			return null;
		}
		const noArgs = (kind: 'read' | 'close' | 'abort'): Action => {
			const args = splitArgs(toks, { keys: [], flags: [] }, err, kind);
			tooMany(args.positional, kind, err, 'nothing');
			return { kind, socket: name };
		};
		const wrongKind = (what: string): null => {
			err.at(verb, `"${verb.text}" does not apply to ${what} "${name}" (line ${info.line}); expected ${verbs}`);
			return null;
		};
		switch (verb.text) {
			case 'send': {
				const args = splitArgs(toks, { keys: [], flags: [] }, err, 'send');
				if (isUdp) {
					const [dstTok, ...after] = args.positional;
					const dst = this.endpoint(dstTok, err, 'send', verb);
					const pl = dst ? this.payload(after, err, 'send ' + dstTok!.text, dstTok!, MAX_UDP_BYTES) : null;
					if (pl) tooMany(pl.rest, 'send', err, 'nothing after the payload');
					if (!dst || !pl) return null;
					return { kind: 'udp-sendto', socket: name, ...dst, len: pl.len, text: pl.text };
				}
				if (info.kind === 'tcp-bound' || info.kind === 'tcp-listener') {
					return wrongKind(info.kind === 'tcp-listener' ? 'the listening socket' : 'the unconnected socket');
				}
				const pl = this.payload(args.positional, err, 'send', verb, MAX_SEND_BYTES);
				if (!pl) return null;
				tooMany(pl.rest, 'send', err, 'nothing after the payload');
				return { kind: 'send', socket: name, len: pl.len, text: pl.text };
			}
			case 'reply': {
				if (!isUdp) return wrongKind('the TCP socket');
				const args = splitArgs(toks, { keys: [], flags: [] }, err, 'reply');
				const pl = this.payload(args.positional, err, 'reply', verb, MAX_UDP_BYTES);
				if (!pl) return null;
				tooMany(pl.rest, 'reply', err, 'nothing after the payload');
				return { kind: 'udp-reply', socket: name, len: pl.len, text: pl.text };
			}
			case 'read':
				if (isUdp || info.kind === 'tcp-bound' || info.kind === 'tcp-listener') return wrongKind(isUdp ? 'the UDP socket' : 'the socket');
				return noArgs('read');
			case 'close':
				return noArgs('close');
			case 'abort':
				if (isUdp) return wrongKind('the UDP socket');
				return noArgs('abort');
			case 'listen':
			case 'connect': {
				if (info.kind !== 'tcp-bound') return wrongKind(isUdp ? 'the UDP socket' : 'the socket');
				const known = this.sockets.get(name)!;
				if (verb.text === 'listen') {
					const args = splitArgs(toks, { keys: [], flags: [] }, err, 'listen');
					const [portTok, ...extra] = args.positional;
					const port = portTok ? parsePort(portTok, 'after "listen"', err) : null;
					tooMany(extra, 'listen', err, 'nothing else');
					if (portTok && port === null) return null;
					known.kind = 'tcp-listener';
					return { kind: 'socket-listen', socket: name, port };
				}
				const args = splitArgs(toks, { keys: [], flags: [] }, err, 'connect');
				const [dstTok, ...extra] = args.positional;
				const dst = this.endpoint(dstTok, err, 'connect', verb);
				tooMany(extra, 'connect', err, 'nothing else');
				if (!dst) return null;
				known.kind = 'tcp-active';
				return { kind: 'socket-connect', socket: name, ...dst };
			}
			default:
				err.at(verb, `unknown action ${show(verb)} for socket "${name}"; expected ${verbs}`);
				return null;
		}
	}

	// --- drop / inject -------------------------------------------------------------------------

	/** `A->B` as one token, or `A -> B` as three. Returns the names and how many tokens it used. */
	private path(
		toks: Token[],
		err: LineErrors,
		anchor: Token,
		stmt: string,
		fromKinds: ('host' | 'router')[]
	): { from: string; to: string; used: number } | null {
		let fromTok: Token | undefined;
		let toTok: Token | undefined;
		let used = 0;
		const first = toks[0];
		if (first && !first.quoted && first.text.includes('->')) {
			const i = first.text.indexOf('->');
			fromTok = { ...first, text: first.text.slice(0, i), raw: first.text.slice(0, i) };
			toTok = { ...first, text: first.text.slice(i + 2), raw: first.text.slice(i + 2), col: first.col + i + 2 };
			used = 1;
			if (!fromTok.text || !toTok.text) {
				fromTok = toTok = undefined;
			}
		} else if (first && toks[1] && toks[1].text === '->' && toks[2]) {
			fromTok = first;
			toTok = toks[2];
			used = 3;
		}
		if (!fromTok || !toTok) {
			err.at(first ?? anchor, `expected FROM->TO after "${stmt}" (e.g. client->server), got ${first ? show(first) : 'nothing'}`);
			return null;
		}
		const from = this.nodeRef(fromTok, fromKinds, err, `in "${stmt}"`);
		const to = this.nodeRef(toTok, ['host', 'router'], err, `in "${stmt}"`);
		if (from === null || to === null) return null;
		if (from === to) {
			err.at(first, `"${stmt}" needs two different nodes; both are "${from}"`);
			return null;
		}
		return { from, to, used };
	}

	private dropNext(toks: Token[], err: LineErrors, anchor: Token): Action | null {
		const [next, ...rest] = toks;
		if (!next || next.text !== 'next') {
			err.at(next ?? anchor, `expected "drop next FROM->TO", got ${next ? show(next) : 'nothing'} after "drop"`);
			return null;
		}
		const p = this.path(rest, err, next, 'drop next', ['host', 'router']);
		if (!p) return null;
		tooMany(rest.slice(p.used), 'drop next', err, 'nothing after FROM->TO');
		return { kind: 'drop-next', from: p.from, to: p.to };
	}

	private inject(toks: Token[], err: LineErrors, anchor: Token): Action | null {
		const p = this.path(toks, err, anchor, 'inject', ['host']);
		if (!p) return null;
		const args = splitArgs(toks.slice(p.used), { keys: ['seq', 'ack', 'win', 'len', 'payload'], flags: [] }, err, 'inject');
		const [portsTok, flagsTok, ...extra] = args.positional;
		const usage = 'e.g. "inject client->server 40000>80 S seq=1000"';
		if (!portsTok) {
			err.at(anchor, `expected SRCPORT>DSTPORT (or IP:PORT>IP:PORT) after "inject ${p.from}->${p.to}", ${usage}`);
			return null;
		}
		const ends = this.injectEnds(portsTok, p.from, p.to, err);
		if (!flagsTok) {
			err.at(portsTok, `expected tcpdump-style flags after ${show(portsTok)}: S, S., ., F., R, R., P. (S SYN, F FIN, R RST, P PSH, . ACK)`);
			return null;
		}
		const flags = parseFlags(flagsTok, err);
		tooMany(extra, 'inject', err, 'seq=, ack=, win=, len= or payload=');
		const u32 = (key: string): number | SeqRef | null => {
			const tok = args.keys.get(key);
			if (!tok) return 0;
			const v = keyValue(tok, key);
			const m = /^([A-Za-z][A-Za-z0-9_-]*(?:\.\d{1,6})?)\.(iss|irs|sndnxt|rcvnxt)(?:([+-])(\d{1,10}))?$/.exec(v);
			if (m && !tok.quoted) {
				const sock = this.socketRef({ ...tok, text: m[1], raw: m[1] }, err);
				if (sock === null) return null;
				if (sock.info.kind === 'udp') {
					err.at(tok, `"${m[1]}" is a UDP socket; ${key}=${m[2]} needs a TCP socket`);
					return null;
				}
				const n = m[4] ? Number(m[4]) : 0;
				if (n > 0xffffffff) {
					err.at(tok, `offset in "${key}=" must be at most 4294967295`);
					return null;
				}
				return { socket: m[1], field: m[2] as SeqRef['field'], offset: m[3] === '-' ? -n : n };
			}
			if (/^[A-Za-z]/.test(v)) {
				err.at(tok, `expected a number or SOCKET.iss|irs|sndnxt|rcvnxt[+N] after "${key}=", got ${JSON.stringify(v)}`);
				return null;
			}
			return parseIntKey(tok, key, err, 0, 0xffffffff, 'an unsigned 32-bit number');
		};
		const seq = u32('seq');
		const ack = u32('ack');
		const winTok = args.keys.get('win');
		const wnd = winTok ? parseIntKey(winTok, 'win', err, 0, 65535, 'a window') : 65535;
		const lenTok = args.keys.get('len');
		const payTok = args.keys.get('payload');
		const text = payTok ? keyValue(payTok, 'payload') : null;
		let len: number | null = lenTok ? parseIntKey(lenTok, 'len', err, 0, 65535, 'a length') : text !== null ? new TextEncoder().encode(text).length : 0;
		if (len !== null && len > 65535) {
			err.at(payTok, 'payload= is longer than 65535 bytes');
			len = null;
		}
		if (flags && args.keys.has('ack') && !flags.includes('ACK')) {
			err.at(args.keys.get('ack'), `ack= is given but the flags ${show(flagsTok)} have no ACK; add "." (e.g. "${flagsTok.text}.")`);
			return null;
		}
		if (!ends || !flags || seq === null || ack === null || wnd === null || len === null) return null;
		return { kind: 'inject', from: p.from, to: p.to, src: ends.src, dst: ends.dst, flags, seq, ack, wnd, len, text };
	}

	private injectEnds(tok: Token, from: string, to: string, err: LineErrors): { src: SocketAddress; dst: SocketAddress } | null {
		const parts = tok.text.split('>');
		if (parts.length !== 2 || tok.quoted) {
			err.at(tok, `expected SRCPORT>DSTPORT (or IP:PORT>IP:PORT), got ${show(tok)}`);
			return null;
		}
		const side = (text: string, node: string, which: string): SocketAddress | null => {
			const i = text.lastIndexOf(':');
			const ipText = i >= 0 ? text.slice(0, i) : null;
			const portText = i >= 0 ? text.slice(i + 1) : text;
			const port = parsePortText(portText);
			if (port === null) {
				err.at(tok, `expected a ${which} port number 0-65535 in ${show(tok)}, got ${JSON.stringify(portText)}`);
				return null;
			}
			const ip = ipText === null ? this.nodes.get(node)!.ips[0] : this.address(ipText, tok, err, 'inject');
			return ip === null ? null : { ip, port };
		};
		const src = side(parts[0], from, 'source');
		const dst = side(parts[1], to, 'destination');
		return src && dst ? { src, dst } : null;
	}
}

/** tcpdump flag letters -> canonical flag list. Accepts `S`, `S.`, `.`, `F.`, `R`, `R.`, `P.`, `FP.`, `[S.]`. */
function parseFlags(tok: Token, err: LineErrors): TcpFlag[] | null {
	let s = tok.text;
	if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
	const seen = new Set<TcpFlag>();
	const map: Record<string, TcpFlag> = { S: 'SYN', F: 'FIN', R: 'RST', P: 'PSH', '.': 'ACK' };
	if (s.length === 0 || tok.quoted) {
		err.at(tok, `expected tcpdump-style flags (S SYN, F FIN, R RST, P PSH, . ACK; e.g. "S." for SYN,ACK), got ${show(tok)}`);
		return null;
	}
	for (const ch of s) {
		const f = map[ch];
		if (!f) {
			err.at(tok, `unknown flag letter "${ch}" in ${show(tok)}; use S SYN, F FIN, R RST, P PSH, . ACK`);
			return null;
		}
		if (seen.has(f)) {
			err.at(tok, `flag "${ch}" appears twice in ${show(tok)}`);
			return null;
		}
		seen.add(f);
	}
	const order: TcpFlag[] = ['SYN', 'FIN', 'RST', 'PSH', 'ACK'];
	return order.filter((f) => seen.has(f));
}

/**
 * Parse scenario text.
 *
 * @param text the whole scenario file (any string; `\n`, `\r\n` or `\r` line ends).
 * @returns `{ ok: true, scenario }`, or `{ ok: false, errors }` with every error found, sorted by
 *   line, at most {@link MAX_ERRORS} (+1 line saying how many more). Never throws.
 */
export function parseScenario(text: string): ParseResult {
	try {
		if (typeof text !== 'string') return { ok: false, errors: [{ line: 1, message: 'scenario text must be a string' }] };
		if (text.length > MAX_INPUT_CHARS) {
			return {
				ok: false,
				errors: [{ line: 1, message: `scenario is ${Math.ceil(text.length / 1024)} KB; the limit is ${MAX_INPUT_CHARS / 1024} KB` }]
			};
		}
		const lines = text.split(/\r\n|\r|\n/);
		if (lines.length > MAX_LINES && lines.slice(MAX_LINES).some((l) => l.trim() !== '')) {
			return { ok: false, errors: [{ line: MAX_LINES + 1, message: `scenario has ${lines.length} lines; the limit is ${MAX_LINES}` }] };
		}
		const p = new Parser();
		lines.forEach((l, i) => {
			if (p.errors.length <= MAX_ERRORS * 4) p.parseLine(l, i + 1);
		});
		p.finish();
		if (p.errors.length === 0) return { ok: true, scenario: p.scenario };
		const errors = p.errors.slice(0, MAX_ERRORS);
		if (p.errors.length > MAX_ERRORS) {
			errors.push({ line: p.errors[MAX_ERRORS].line, message: `... and ${p.errors.length - MAX_ERRORS} more errors` });
		}
		return { ok: false, errors };
	} catch (e) {
		// A bug in the parser, not in the scenario: still report, never throw.
		return { ok: false, errors: [{ line: 1, message: `internal parser error: ${e instanceof Error ? e.message : String(e)}` }] };
	}
}
