/**
 * What the statement parsers share while a scenario is read: the names declared so far
 * (hosts, routers, sockets), the addresses taken, the scenario's header being filled in, and
 * the reference helpers every family uses (`nodeRef`, `socketRef`, `endpoint`, `payload`...).
 *
 * Names share one namespace and exist from the line that declares them: the checks here are
 * what lets the parser report "unknown socket" before anything runs.
 *
 * @module
 */
import { type LineErrors, type Token, show, subToken } from './lexer';
import { MAX_HOSTS, MAX_TOTAL_SEND_BYTES, type ScenarioError, type ScenarioHeader } from './types';
import { type Args, keyValue, parseIp, parseIp6, parsePortText, parseUint, portHint } from './values';

/** What a named socket is, as far as the parser can tell: it decides which verbs apply. */
export type SocketKind = 'tcp-bound' | 'tcp-listener' | 'tcp-active' | 'tcp-accepted' | 'udp';

/** A socket name known to the parser. */
export interface SocketInfo {
	kind: SocketKind;
	host: string;
	/** Line that created it (for an accepted socket: its listener's line). */
	line: number;
}

/** A host or router name known to the parser. */
export interface NodeInfo {
	kind: 'host' | 'router';
	line: number;
	/** Its addresses (`0.0.0.0` as a placeholder when its line had a bad address). */
	ips: string[];
}

/** A socket a statement refers to. */
export interface SocketRef {
	name: string;
	info: SocketInfo;
}

/** Names must start with a letter and continue with letters, digits, `_` or `-`. */
export const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** The parse state shared by every statement family (see the module comment). */
export class ParseContext {
	readonly errors: ScenarioError[] = [];
	readonly header: ScenarioHeader = { seed: null, hosts: [], routers: [], nats: [], forwards: [], firewalls: [], links: [], run: null };
	readonly nodes = new Map<string, NodeInfo>();
	readonly sockets = new Map<string, SocketInfo>();
	private readonly ipOwner = new Map<string, { name: string; line: number }>();
	private readonly familyState = new Map<string, unknown>();
	/** Line of the first timed statement (0 before it). */
	firstTimedLine = 0;
	/** Time of the last timed statement, ms. */
	lastTime = 0;
	/** Line of the last timed statement. */
	lastTimedLine = 0;
	/** Bytes sent so far by the scenario's payloads ({@link ParseContext.countSent}). */
	private sentBytes = 0;
	/** Hosts and routers declared so far (with placeholders for lines with a bad address). */
	private nodeCount = 0;

	/** @param reserved - words that cannot be names (every keyword of the grammar table). */
	constructor(readonly reserved: ReadonlySet<string>) {}

	/** State a statement family keeps between lines (created by `init` on first use). */
	local<T>(family: string, init: () => T): T {
		if (!this.familyState.has(family)) this.familyState.set(family, init());
		return this.familyState.get(family) as T;
	}

	/** A name token for a new host, router or socket: well formed and not a keyword. */
	checkName(tok: Token, what: string, err: LineErrors): string | null {
		if (tok.quoted || !NAME_RE.test(tok.text)) {
			err.at(tok, `expected ${what}: a letter followed by letters, digits, "_" or "-", got ${show(tok)}`);
			return null;
		}
		if (this.reserved.has(tok.text)) {
			err.at(tok, `"${tok.text}" is a keyword and cannot be used as ${what}`);
			return null;
		}
		return tok.text;
	}

	/** A name for a new host or router: valid and not yet used by another node. */
	declareNode(nameTok: Token, kind: 'host' | 'router', err: LineErrors): string | null {
		const name = this.checkName(nameTok, `a ${kind} name`, err);
		if (name === null) return null;
		const prev = this.nodes.get(name);
		if (prev) {
			err.at(nameTok, `name "${name}" is already used by the ${prev.kind} on line ${prev.line}`);
			return null;
		}
		if (++this.nodeCount > MAX_HOSTS) {
			err.at(nameTok, `too many hosts and routers: ${kind} "${name}" is number ${this.nodeCount}; a scenario may declare at most ${MAX_HOSTS}`);
			return null;
		}
		return name;
	}

	/**
	 * Add a payload's `len` bytes to the scenario's total; after {@link MAX_TOTAL_SEND_BYTES} an
	 * error at `tok` (once: the first line that passes the limit) and false.
	 */
	countSent(tok: Token, len: number, err: LineErrors): boolean {
		const before = this.sentBytes;
		this.sentBytes += len;
		if (this.sentBytes <= MAX_TOTAL_SEND_BYTES) return true;
		if (before <= MAX_TOTAL_SEND_BYTES) {
			err.at(tok, `this payload brings the bytes sent by the scenario to ${this.sentBytes}; a scenario may send at most ${MAX_TOTAL_SEND_BYTES} bytes in all`);
		}
		return false;
	}

	/** Record that `ip` belongs to `name`; false (after an error) if another node has it. */
	claimIp(tok: Token, ip: string, name: string, err: LineErrors): boolean {
		const prev = this.ipOwner.get(ip);
		if (prev) {
			err.at(tok, `IP ${ip} already belongs to ${prev.name} (line ${prev.line})`);
			return false;
		}
		this.ipOwner.set(ip, { name, line: err.line });
		return true;
	}

	/** The node that owns an address, if any. */
	ownerOf(ip: string): string | undefined {
		return this.ipOwner.get(ip)?.name;
	}

	/** Resolve a name token that must be a declared node of the given kinds. */
	nodeRef(tok: Token, kinds: readonly ('host' | 'router')[], err: LineErrors, context: string): string | null {
		const node = tok.quoted ? undefined : this.nodes.get(tok.text);
		const what = kinds.join(' or ');
		if (!node) {
			const known = [...this.nodes.entries()].filter(([, n]) => kinds.includes(n.kind)).map(([k]) => k);
			const hint = known.length ? `; declared: ${known.join(', ')}` : `; declare it first with "${kinds[0]} NAME IP"`;
			err.at(tok, `unknown ${what} ${show(tok)} ${context}${hint}`);
			return null;
		}
		if (!kinds.includes(node.kind)) {
			err.at(tok, `"${tok.text}" is a ${node.kind} (line ${node.line}), but ${context} needs a ${what}`);
			return null;
		}
		return tok.text;
	}

	/** Resolve a socket name (including accepted `LISTENER.N`), reporting unknown names. */
	socketRef(tok: Token, err: LineErrors): SocketRef | null {
		const name = tok.text;
		const known = tok.quoted ? undefined : this.sockets.get(name);
		if (known) return { name, info: known };
		const m = /^([A-Za-z][A-Za-z0-9_-]*)\.(\d{1,6})$/.exec(name);
		if (m && !tok.quoted) return this.acceptedRef(tok, m[1], Number(m[2]), err);
		const hosts = [...this.nodes.entries()].filter(([, n]) => n.kind === 'host').map(([k]) => k);
		const socks = [...this.sockets.keys()];
		const hint = [hosts.length ? `hosts: ${hosts.join(', ')}` : '', socks.length ? `sockets so far: ${socks.join(', ')}` : '']
			.filter(Boolean)
			.join('; ');
		err.at(tok, `unknown host or socket ${show(tok)}${hint ? ` (${hint})` : ''}; a socket exists only after the line that names it with as=`);
		return null;
	}

	/** `LISTENER.N`: the N-th connection a listening socket accepts. */
	private acceptedRef(tok: Token, listener: string, n: number, err: LineErrors): SocketRef | null {
		const base = this.sockets.get(listener);
		if (!base) {
			err.at(tok, `unknown socket "${listener}" in ${show(tok)}: accepted sockets are named LISTENER.N after a socket made by "listen ... as=LISTENER"`);
			return null;
		}
		if (base.kind !== 'tcp-listener') {
			err.at(tok, `"${listener}" is not a listening socket (line ${base.line}), so it has no accepted sockets like ${show(tok)}`);
			return null;
		}
		if (n < 1) {
			err.at(tok, `accepted sockets are numbered from 1 in accept order: "${listener}.1", "${listener}.2"...`);
			return null;
		}
		return { name: tok.text, info: { kind: 'tcp-accepted', host: base.host, line: base.line } };
	}

	/** Report an error unless `host` runs a Windows preset (`anyWindows`: windows-xp too). */
	needsWindows(host: string, what: string, at: Token, err: LineErrors, anyWindows = false): void {
		const os = this.header.hosts.find((h) => h.name === host)?.os;
		if (os === undefined || os === 'windows' || (anyWindows && os === 'windows-xp')) return;
		err.at(at, `${what} is a Windows socket option; host ${host} runs os=${os} (use os=windows${anyWindows ? ' or os=windows-xp' : ''})`);
	}

	/** Register a new socket name from `as=NAME`; `ok` is false after an error. */
	newSocket(args: Args, host: string, kind: SocketKind, err: LineErrors): { ok: boolean; name: string | null } {
		const tok = args.keys.get('as');
		if (!tok) return { ok: true, name: null };
		const name = this.checkName(subToken(tok, keyValue(tok, 'as')), 'a socket name after "as="', err);
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

	/**
	 * An IP (IPv4, or IPv6 in RFC 5952 or any other valid text), or a node name standing for its
	 * first address; with `six`, for its IPv6 address (a dual-stack host's `ip6=`, a router's
	 * first IPv6 interface).
	 */
	address(text: string, tok: Token, err: LineErrors, after: string, six = false): string | null {
		const node = this.nodes.get(text);
		if (node) {
			if (!six) return node.ips[0];
			const v6 = node.ips.find((ip) => ip.includes(':'));
			if (v6 === undefined) err.at(tok, `${text} has no IPv6 address (give the host one with ip6=ADDRESS)`);
			return v6 ?? null;
		}
		if (/^[A-Za-z]/.test(text) && !text.includes(':')) {
			err.at(tok, `unknown host "${text}" after "${after}"; write an IP address or a declared host name`);
			return null;
		}
		return text.includes(':') ? parseIp6(subToken(tok, text), `an address after "${after}"`, err) : parseIp(subToken(tok, text), `an address after "${after}"`, err);
	}

	/** `IP:PORT` or `HOST:PORT` (a declared host or router name resolves to its first address). */
	endpoint(tok: Token | undefined, err: LineErrors, after: string, anchor: Token): { ip: string; port: number } | null {
		const example = '(e.g. 203.0.113.5:80, server:80, or IPv6 in brackets: [2001:db8::5]:80, [server]:80)';
		const idx = tok ? tok.text.lastIndexOf(':') : -1;
		if (!tok || idx <= 0 || tok.quoted) {
			err.at(tok ?? anchor, `expected a destination IP:PORT after "${after}" ${example}${tok ? `, got ${show(tok)}` : ''}`);
			return null;
		}
		let hostPart = tok.text.slice(0, idx);
		const portPart = tok.text.slice(idx + 1);
		// `[2001:db8::5]:80` (RFC 5952 §6, as ss prints it); `[server]:80` is server's IPv6 address.
		const bracketed = hostPart.startsWith('[') && hostPart.endsWith(']');
		if (bracketed) hostPart = hostPart.slice(1, -1);
		else if (hostPart.includes(':') || hostPart.includes('[')) {
			err.at(tok, `write an IPv6 address with its port in brackets, like [2001:db8::5]:80, got ${show(tok)}`);
			return null;
		}
		const ip = this.address(hostPart, tok, err, after, bracketed);
		const port = parsePortText(portPart);
		if (port === null || port === 0) {
			err.at(tok, `expected a port number 1-65535 after "${hostPart}:", got ${JSON.stringify(portPart)}${portHint(portPart)}`);
			return null;
		}
		return ip === null ? null : { ip, port };
	}

	/** `LEN ["text"]`, or `"text"` alone (length = UTF-8 bytes): the payload of send, reply and udp send. */
	payload(toks: readonly Token[], err: LineErrors, after: string, anchor: Token, max: number): { len: number; text: string | null; rest: Token[] } | null {
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
			if (!this.countSent(a, len, err)) return null;
			return { len, text: a.text, rest: b ? [b, ...rest] : [] };
		}
		const len = parseUint(a.text, max);
		if (len === null) {
			err.at(a, `expected a byte count 0-${max} after "${after}", got ${show(a)}`);
			return null;
		}
		if (!this.countSent(a, len, err)) return null;
		if (b && b.quoted) return { len, text: b.text, rest };
		return { len, text: null, rest: b ? [b, ...rest] : [] };
	}

	/**
	 * `A->B` (or `A>B`) as one token, or `A -> B` / `A > B` as three: two different nodes.
	 * @returns the names and how many tokens it used.
	 */
	path(toks: readonly Token[], err: LineErrors, anchor: Token, stmt: string, fromKinds: readonly ('host' | 'router')[], arrows: readonly string[] = ['->']): { from: string; to: string; used: number } | null {
		const ends = splitPath(toks, arrows);
		const first = toks[0];
		if (!ends) {
			err.at(first ?? anchor, `expected FROM${arrows[0]}TO after "${stmt}" (e.g. client${arrows[0]}server), got ${first ? show(first) : 'nothing'}`);
			return null;
		}
		const from = this.nodeRef(ends.from, fromKinds, err, `in "${stmt}"`);
		const to = this.nodeRef(ends.to, ['host', 'router'], err, `in "${stmt}"`);
		if (from === null || to === null) return null;
		if (from === to) {
			err.at(first, `"${stmt}" needs two different nodes; both are "${from}"`);
			return null;
		}
		return { from, to, used: ends.used };
	}
}

/** The two name tokens of a path `A->B` / `A -> B` (with any of `arrows`), or null. */
function splitPath(toks: readonly Token[], arrows: readonly string[]): { from: Token; to: Token; used: number } | null {
	const [first, second, third] = toks;
	if (!first || first.quoted) return null;
	for (const arrow of arrows) {
		const i = first.text.indexOf(arrow);
		if (i > 0 && i + arrow.length < first.text.length) {
			const from = subToken(first, first.text.slice(0, i));
			const to = subToken(first, first.text.slice(i + arrow.length), i + arrow.length);
			return { from, to, used: 1 };
		}
		if (i < 0 && second && !second.quoted && second.text === arrow && third) return { from: first, to: third, used: 3 };
	}
	return null;
}
