/**
 * TCP socket calls: `HOST listen|connect|bind` create a socket; `SOCKET listen|connect` (on a
 * bound socket), `send`, `read`, `shutdown`, `keepalive`, `close` and `abort` act on one. Each becomes one call on the
 * engine's {@link TcpSocket} at the statement's time (`close` also closes UDP sockets).
 *
 * @module
 */
import type { SocketKind, SocketRef } from '../context';
import type { LineErrors, Token } from '../lexer';
import { MAX_SEND_BYTES } from '../types';
import { happyEyeballs } from '../../happy-eyeballs';
import { keyValue, parseDuration, parseIntKey, parsePort, splitArgs, tooMany } from '../values';
import type { Family, HostSpec, SocketSpec } from './spec';

/** What the TCP statements do (docs/scenario-format.md, "TCP"). */
export type TcpAction =
	/**
	 * `HOST listen [PORT] [as=NAME] [manualread]`: new TCP socket, bind(PORT) + listen(); no PORT =>
	 * autobind. `autoRead` is false when the line says `manualread` (data waits for `read` lines);
	 * the same flag exists on `connect` and `bind`, and accepted sockets inherit it.
	 */
	| { kind: 'tcp-listen'; host: string; as: string | null; port: number | null; autoRead: boolean; inet6?: boolean; v6only?: boolean; backlog?: number; manualAccept?: boolean }
	/** `HOST connect IP:PORT [as=NAME]`: new TCP socket, active open from an ephemeral port. */
	| { kind: 'tcp-connect'; host: string; as: string | null; ip: string; port: number; autoRead: boolean; fallbackIp?: string }
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
	/** `SOCKET shutdown SHUT_RD|SHUT_WR|SHUT_RDWR`: shutdown() on a TCP connection. */
	| { kind: 'shutdown'; socket: string; how: 'SHUT_RD' | 'SHUT_WR' | 'SHUT_RDWR' }
	/**
	 * `SOCKET keepalive [idle=DUR] [intvl=DUR] [cnt=N]`: setsockopt(SO_KEEPALIVE) with
	 * TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT (ms; null = the OS preset's default).
	 */
	| { kind: 'keepalive'; socket: string; idleMs: number | null; intvlMs: number | null; cnt: number | null }
	/** `SOCKET close` (TCP or UDP). */
	| { kind: 'close'; socket: string }
	/** `SOCKET abort`: RFC 9293 ABORT (RST where the state calls for one). */
	| { kind: 'abort'; socket: string }
	/** `SOCKET accept`: accept() on a `manualaccept` listener (blocks while the accept queue is empty). */
	| { kind: 'accept'; socket: string };

/** Socket kinds with a connection (or one on the way): what send, read and abort need. */
export const CONNECTED: readonly SocketKind[] = ['tcp-active', 'tcp-accepted'];
const TCP_KINDS: readonly SocketKind[] = ['tcp-bound', 'tcp-listener', 'tcp-active', 'tcp-accepted'];
const ALL_KINDS: readonly SocketKind[] = [...TCP_KINDS, 'udp'];

/** The optional port of `listen`. */
function listenPort(portTok: Token | undefined, err: LineErrors): number | null | undefined {
	if (!portTok) return null;
	return parsePort(portTok, 'after "listen"', err) ?? undefined;
}

const listen: HostSpec<TcpAction> = {
	place: 'host',
	keyword: 'listen',
	syntax: ['HOST listen [PORT] [ip6] [v6only=on|off] [as=NAME] [backlog=N] [manualaccept] [manualread]'],
	doc: 'A new TCP socket: bind(PORT) and listen() (no PORT: autobind an ephemeral port). Ports below 1024 need root. ip6: an AF_INET6 socket on [::], dual-stack unless IPV6_V6ONLY is on (default per OS: off on Linux and macOS, on on Windows and FreeBSD). backlog=N bounds the SYN and accept queues (with somaxconn); manualaccept: connections wait in the accept queue for SOCKET accept lines.',
	keys: ['as', 'v6only', 'backlog'],
	flags: ['manualread', 'manualaccept', 'ip6'],
	parse(ctx, host, toks, err) {
		const args = splitArgs(toks, { keys: ['as', 'v6only', 'backlog'], flags: ['manualread', 'manualaccept', 'ip6'] }, err, 'listen');
		const [portTok, ...extra] = args.positional;
		const port = listenPort(portTok, err);
		tooMany(extra, 'listen', err, 'ip6, v6only=, as=NAME, backlog=N, manualaccept or manualread');
		const vTok = args.keys.get('v6only');
		const v = vTok ? keyValue(vTok, 'v6only') : null;
		if (v !== null && v !== 'on' && v !== 'off') err.at(vTok, `expected v6only=on or v6only=off, got ${JSON.stringify(v)}`);
		const inet6 = args.flags.has('ip6');
		if (vTok && !inet6) err.at(vTok, 'v6only= is an option of an AF_INET6 socket: add ip6');
		const blTok = args.keys.get('backlog');
		const backlog = blTok ? parseIntKey(blTok, 'backlog', err, 0, 65535, 'an integer') : null;
		const s = ctx.newSocket(args, host, 'tcp-listener', err);
		if (port === undefined || !s.ok || (v !== null && v !== 'on' && v !== 'off') || (vTok && !inet6) || (blTok && backlog === null)) return null;
		return {
			kind: 'tcp-listen',
			host,
			as: s.name,
			port,
			autoRead: !args.flags.has('manualread'),
			...(inet6 ? { inet6: true } : {}),
			...(v !== null ? { v6only: v === 'on' } : {}),
			...(backlog !== null ? { backlog } : {}),
			...(args.flags.has('manualaccept') ? { manualAccept: true } : {})
		};
	}
};

const connect: HostSpec<TcpAction> = {
	place: 'host',
	keyword: 'connect',
	syntax: ['HOST connect IP:PORT [happyeyeballs] [as=NAME] [manualread]'],
	doc: 'A new TCP socket: connect() from an ephemeral port chosen by the OS preset (active open). happyeyeballs, to a dual-stack HOST:PORT: IPv6 first, IPv4 250 ms later unless IPv6 is connected (RFC 8305); the IPv4 attempt is socket NAME-v4.',
	keys: ['as'],
	flags: ['manualread', 'happyeyeballs'],
	parse(ctx, host, toks, err, verb) {
		const args = splitArgs(toks, { keys: ['as'], flags: ['manualread', 'happyeyeballs'] }, err, 'connect');
		const [dstTok, ...extra] = args.positional;
		const he = args.flags.has('happyeyeballs');
		let dst = ctx.endpoint(dstTok, err, 'connect', verb);
		let fallbackIp: string | undefined;
		if (he && dst && dstTok) {
			// RFC 8305: the name resolves to both families; the IPv6 address goes first.
			const name = dstTok.text.slice(0, dstTok.text.lastIndexOf(':'));
			const node = ctx.nodes.get(name);
			const v6 = node?.ips.find((ip) => ip.includes(':'));
			const v4 = node?.ips.find((ip) => !ip.includes(':'));
			if (v6 === undefined || v4 === undefined) {
				err.at(dstTok, 'happyeyeballs needs a dual-stack host name as the destination (a host with ip6=), like server:443');
				dst = null;
			} else {
				dst = { ip: v6, port: dst.port };
				fallbackIp = v4;
			}
		}
		tooMany(extra, 'connect', err, 'happyeyeballs, as=NAME or manualread');
		const s = ctx.newSocket(args, host, 'tcp-active', err);
		if (!dst || !s.ok) return null;
		if (fallbackIp !== undefined && s.name !== null) ctx.sockets.set(`${s.name}-v4`, { kind: 'tcp-active', host, line: err.line });
		return { kind: 'tcp-connect', host, as: s.name, ...dst, autoRead: !args.flags.has('manualread'), ...(fallbackIp !== undefined ? { fallbackIp } : {}) };
	}
};

const bind: HostSpec<TcpAction> = {
	place: 'host',
	keyword: 'bind',
	syntax: ['HOST bind PORT [reuseaddr] [reuseunicastport] [as=NAME] [manualread]'],
	doc: 'A new TCP socket with an explicit bind() (0: an ephemeral port; reuseunicastport: SO_REUSE_UNICASTPORT, os=windows); then SOCKET listen or SOCKET connect.',
	keys: ['as'],
	flags: ['reuseaddr', 'reuseunicastport', 'manualread'],
	parse(ctx, host, toks, err, verb) {
		const args = splitArgs(toks, { keys: ['as'], flags: ['reuseaddr', 'reuseunicastport', 'manualread'] }, err, 'bind');
		const [portTok, ...extra] = args.positional;
		const port = portTok ? parsePort(portTok, 'after "bind"', err) : null;
		if (!portTok) err.at(verb, 'expected a port number 0-65535 after "bind" (0 picks an ephemeral port)');
		tooMany(extra, 'bind', err, 'reuseaddr, reuseunicastport, manualread or as=NAME');
		const unicast = args.flags.has('reuseunicastport');
		if (unicast) ctx.needsWindows(host, 'reuseunicastport (SO_REUSE_UNICASTPORT)', verb, err);
		const s = ctx.newSocket(args, host, 'tcp-bound', err);
		if (port === null || !s.ok) return null;
		const reuseAddr = args.flags.has('reuseaddr');
		return { kind: 'tcp-bind', host, as: s.name, port, reuseAddr, autoRead: !args.flags.has('manualread'), ...(unicast ? { reuseUnicastPort: true } : {}) };
	}
};

/** A bound socket's known kind becomes `kind` from this line on. */
function becomes(ctx: { sockets: Map<string, { kind: SocketKind }> }, sock: SocketRef, kind: SocketKind): void {
	const known = ctx.sockets.get(sock.name);
	if (known) known.kind = kind;
}

const socketListen: SocketSpec<TcpAction> = {
	place: 'socket',
	keyword: 'listen',
	appliesTo: ['tcp-bound'],
	syntax: ['SOCKET listen [PORT]'],
	doc: 'listen() on a socket made by bind (a PORT here binds it first).',
	parse(ctx, sock, toks, err) {
		const args = splitArgs(toks, { keys: [], flags: [] }, err, 'listen');
		const [portTok, ...extra] = args.positional;
		const port = listenPort(portTok, err);
		tooMany(extra, 'listen', err, 'nothing else');
		if (port === undefined) return null;
		becomes(ctx, sock, 'tcp-listener');
		return { kind: 'socket-listen', socket: sock.name, port };
	}
};

const socketConnect: SocketSpec<TcpAction> = {
	place: 'socket',
	keyword: 'connect',
	appliesTo: ['tcp-bound'],
	syntax: ['SOCKET connect IP:PORT'],
	doc: 'connect() from the port a bind line chose.',
	parse(ctx, sock, toks, err, verb) {
		const args = splitArgs(toks, { keys: [], flags: [] }, err, 'connect');
		const [dstTok, ...extra] = args.positional;
		const dst = ctx.endpoint(dstTok, err, 'connect', verb);
		tooMany(extra, 'connect', err, 'nothing else');
		if (!dst) return null;
		becomes(ctx, sock, 'tcp-active');
		return { kind: 'socket-connect', socket: sock.name, ...dst };
	}
};

const send: SocketSpec<TcpAction> = {
	place: 'socket',
	keyword: 'send',
	appliesTo: CONNECTED,
	syntax: ['SOCKET send LEN ["TEXT"]', 'SOCKET send "TEXT"'],
	doc: 'Queue LEN bytes (0-1000000) on a TCP connection; the text is a preview (alone, its UTF-8 length is the count).',
	parse(ctx, sock, toks, err, verb) {
		const args = splitArgs(toks, { keys: [], flags: [] }, err, 'send');
		const pl = ctx.payload(args.positional, err, 'send', verb, MAX_SEND_BYTES);
		if (!pl) return null;
		tooMany(pl.rest, 'send', err, 'nothing after the payload');
		return { kind: 'send', socket: sock.name, len: pl.len, text: pl.text };
	}
};

const SHUT_HOWS = ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'] as const;

const shutdown: SocketSpec<TcpAction> = {
	place: 'socket',
	keyword: 'shutdown',
	appliesTo: CONNECTED,
	syntax: ['SOCKET shutdown SHUT_RD|SHUT_WR|SHUT_RDWR'],
	doc: 'shutdown(): SHUT_WR sends FIN after the queued data and keeps reading (half-close; a later send fails EPIPE); SHUT_RD stops reading; SHUT_RDWR both.',
	parse(_ctx, sock, toks, err, verb) {
		const args = splitArgs(toks, { keys: [], flags: [] }, err, 'shutdown');
		const [howTok, ...extra] = args.positional;
		tooMany(extra, 'shutdown', err, 'nothing after SHUT_RD, SHUT_WR or SHUT_RDWR');
		const how = SHUT_HOWS.find((h) => h === howTok?.text);
		if (!howTok || how === undefined || howTok.quoted) {
			err.at(howTok ?? verb, `expected SHUT_RD, SHUT_WR or SHUT_RDWR after "shutdown", got ${howTok ? JSON.stringify(howTok.text) : 'nothing'}`);
			return null;
		}
		return { kind: 'shutdown', socket: sock.name, how };
	}
};

/** Linux's limits for TCP_KEEPIDLE and TCP_KEEPINTVL (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL: 32767 s) and TCP_KEEPCNT (MAX_TCP_KEEPCNT: 127). */
const MAX_KEEP_S = 32767;
const MAX_KEEPCNT = 127;

/** `idle=DUR` / `intvl=DUR`: at least 1 s and at most 32767 s, as Linux accepts. */
function keepTime(tok: Token | undefined, key: string, err: LineErrors): number | null | undefined {
	if (!tok) return null;
	const ms = parseDuration(tok, key, err);
	if (ms === null) return undefined;
	if (ms < 1000 || ms > MAX_KEEP_S * 1000 || ms % 1000 !== 0) {
		err.at(tok, `"${key}=" must be 1s-${MAX_KEEP_S}s (Linux TCP_KEEP${key === 'idle' ? 'IDLE' : 'INTVL'} is in whole seconds, 1-${MAX_KEEP_S})`);
		return undefined;
	}
	return ms;
}

const keepalive: SocketSpec<TcpAction> = {
	place: 'socket',
	keyword: 'keepalive',
	appliesTo: ['tcp-bound', 'tcp-listener', 'tcp-active', 'tcp-accepted'],
	syntax: ['SOCKET keepalive [idle=DURATION] [intvl=DURATION] [cnt=N]'],
	doc: "setsockopt(SO_KEEPALIVE): after idle= without a word from the peer, probe every intvl=; cnt= probes unanswered → ETIMEDOUT (defaults: the host OS's, e.g. Linux 2 h, 75 s, 9). Accepted sockets inherit a listener's.",
	keys: ['idle', 'intvl', 'cnt'],
	parse(_ctx, sock, toks, err) {
		const args = splitArgs(toks, { keys: ['idle', 'intvl', 'cnt'], flags: [] }, err, 'keepalive');
		tooMany(args.positional, 'keepalive', err, 'idle=, intvl= or cnt=');
		const idleMs = keepTime(args.keys.get('idle'), 'idle', err);
		const intvlMs = keepTime(args.keys.get('intvl'), 'intvl', err);
		const cntTok = args.keys.get('cnt');
		const cnt = cntTok ? parseIntKey(cntTok, 'cnt', err, 1, MAX_KEEPCNT, 'a probe count') : null;
		if (idleMs === undefined || intvlMs === undefined || (cntTok && cnt === null)) return null;
		return { kind: 'keepalive', socket: sock.name, idleMs, intvlMs, cnt };
	}
};

/** A verb without arguments (`read`, `close`, `abort`, `accept`). */
function bare(keyword: 'read' | 'close' | 'abort' | 'accept', appliesTo: readonly SocketKind[], doc: string): SocketSpec<TcpAction> {
	return {
		place: 'socket',
		keyword,
		appliesTo,
		syntax: [`SOCKET ${keyword}`],
		doc,
		parse(_ctx, sock, toks, err) {
			const args = splitArgs(toks, { keys: [], flags: [] }, err, keyword);
			tooMany(args.positional, keyword, err, 'nothing');
			return { kind: keyword, socket: sock.name };
		}
	};
}

/** The TCP socket calls family. */
export const sockets: Family<TcpAction> = {
	name: 'sockets',
	statements: [
		listen,
		connect,
		bind,
		socketListen,
		socketConnect,
		send,
		bare('read', CONNECTED, 'The program reads everything that has arrived (matters for manualread sockets).'),
		shutdown,
		keepalive,
		bare('close', ALL_KINDS, 'close(): FIN from ESTABLISHED or CLOSE-WAIT; a listener stops listening; a UDP socket is closed.'),
		bare('abort', TCP_KINDS, 'RFC 9293 ABORT (SO_LINGER 0): the connection is dropped and a RST sent when the state calls for one.'),
		bare('accept', ['tcp-listener'], 'accept() on a manualaccept listener: takes the oldest connection of the accept queue (waits for one if it is empty).')
	],
	runners: {
		'tcp-listen': {
			at(rt, a) {
				const s = rt.sim.host(a.host).tcp(a.as ?? undefined, { autoRead: a.autoRead, ...(a.inet6 ? { inet6: true } : {}), ...(a.v6only !== undefined ? { v6only: a.v6only } : {}) });
				rt.keep(a.as, s);
				const opts = { ...(a.backlog !== undefined ? { backlog: a.backlog } : {}), ...(a.manualAccept ? { manualAccept: true } : {}) };
				if (a.port === null) s.listen(undefined, opts);
				else s.listen(a.port, opts);
			}
		},
		'tcp-connect': {
			at(rt, a) {
				if (a.fallbackIp !== undefined) {
					const he = happyEyeballs(rt.sim.host(a.host), a.as ?? undefined, a.ip, a.fallbackIp, a.port, { autoRead: a.autoRead });
					rt.keep(a.as, he.v6);
					if (a.as !== null) rt.keep(`${a.as}-v4`, he.v4);
					return;
				}
				const s = rt.sim.host(a.host).tcp(a.as ?? undefined, { autoRead: a.autoRead });
				rt.keep(a.as, s);
				s.connect(a.ip, a.port);
			}
		},
		'tcp-bind': {
			at(rt, a) {
				const s = rt.sim.host(a.host).tcp(a.as ?? undefined, { autoRead: a.autoRead });
				rt.keep(a.as, s);
				s.bind(a.port, a.reuseUnicastPort ? { reuseAddr: a.reuseAddr, reuseUnicastPort: true } : { reuseAddr: a.reuseAddr });
			}
		},
		'socket-listen': {
			at(rt, a) {
				if (a.port === null) rt.tcp(a.socket).listen();
				else rt.tcp(a.socket).listen(a.port);
			}
		},
		'socket-connect': { at: (rt, a) => void rt.tcp(a.socket).connect(a.ip, a.port) },
		send: {
			at(rt, a) {
				if (a.text === null) rt.tcp(a.socket).send(a.len);
				else rt.tcp(a.socket).send(a.len, a.text);
			}
		},
		read: { at: (rt, a) => void rt.tcp(a.socket).read() },
		shutdown: { at: (rt, a) => void rt.tcp(a.socket).shutdown(a.how) },
		keepalive: {
			at(rt, a) {
				const o: { idleMs?: number; intvlMs?: number; cnt?: number } = {};
				if (a.idleMs !== null) o.idleMs = a.idleMs;
				if (a.intvlMs !== null) o.intvlMs = a.intvlMs;
				if (a.cnt !== null) o.cnt = a.cnt;
				rt.tcp(a.socket).setKeepalive(o);
			}
		},
		close: { at: (rt, a) => void rt.socket(a.socket).close() },
		abort: { at: (rt, a) => void rt.tcp(a.socket).abort() },
		accept: { at: (rt, a) => void rt.tcp(a.socket).accept() }
	}
};
