/**
 * UDP socket calls: `HOST udp bind` and `HOST udp send` create a socket; `SOCKET send
 * IP:PORT` and `SOCKET reply` send from one (`SOCKET close` is in sockets.ts). Each becomes one
 * call on the engine's {@link UdpSocket}.
 *
 * @module
 */
import { MAX_UDP_BYTES } from '../types';
import { parsePort, splitArgs, tooMany } from '../values';
import type { Family, HostSpec, SocketSpec } from './spec';

/** What the UDP statements do (docs/scenario-format.md, "UDP"). */
export type UdpAction =
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
	| { kind: 'udp-reply'; socket: string; len: number; text: string | null };

const udpBind: HostSpec<UdpAction> = {
	place: 'host',
	keyword: 'udp bind',
	syntax: ['HOST udp bind PORT [noconnreset] [as=NAME]'],
	doc: 'A new UDP socket bound to PORT (0: an ephemeral port; noconnreset: SIO_UDP_CONNRESET off, Windows presets).',
	keys: ['as'],
	flags: ['noconnreset'],
	parse(ctx, host, toks, err, verb) {
		const args = splitArgs(toks, { keys: ['as'], flags: ['noconnreset'] }, err, 'udp bind');
		const [portTok, ...extra] = args.positional;
		const port = portTok ? parsePort(portTok, 'after "udp bind"', err) : null;
		if (!portTok) err.at(verb, 'expected a port number 0-65535 after "udp bind"');
		tooMany(extra, 'udp bind', err, 'noconnreset or as=NAME');
		const noReset = args.flags.has('noconnreset');
		if (noReset) ctx.needsWindows(host, 'noconnreset (SIO_UDP_CONNRESET)', verb, err, true);
		const s = ctx.newSocket(args, host, 'udp', err);
		if (port === null || !s.ok) return null;
		return { kind: 'udp-bind', host, as: s.name, port, ...(noReset ? { noConnReset: true } : {}) };
	}
};

const udpSend: HostSpec<UdpAction> = {
	place: 'host',
	keyword: 'udp send',
	syntax: ['HOST udp send IP:PORT LEN ["TEXT"] [as=NAME]'],
	doc: 'A new UDP socket sends one datagram of LEN bytes (0-65507); it autobinds an ephemeral port at this send.',
	keys: ['as'],
	parse(ctx, host, toks, err, verb) {
		const args = splitArgs(toks, { keys: ['as'], flags: [] }, err, 'udp send');
		const [dstTok, ...after] = args.positional;
		const dst = ctx.endpoint(dstTok, err, 'udp send', verb);
		const pl = dst ? ctx.payload(after, err, 'udp send ' + dstTok!.text, dstTok!, MAX_UDP_BYTES) : null;
		if (pl) tooMany(pl.rest, 'udp send', err, 'as=NAME');
		const s = ctx.newSocket(args, host, 'udp', err);
		if (!dst || !pl || !s.ok) return null;
		return { kind: 'udp-send', host, as: s.name, ...dst, len: pl.len, text: pl.text };
	}
};

const sendTo: SocketSpec<UdpAction> = {
	place: 'socket',
	keyword: 'send',
	appliesTo: ['udp'],
	syntax: ['SOCKET send IP:PORT LEN ["TEXT"]'],
	doc: 'Send one datagram from an existing UDP socket (same source port).',
	parse(ctx, sock, toks, err, verb) {
		const args = splitArgs(toks, { keys: [], flags: [] }, err, 'send');
		const [dstTok, ...after] = args.positional;
		const dst = ctx.endpoint(dstTok, err, 'send', verb);
		const pl = dst ? ctx.payload(after, err, 'send ' + dstTok!.text, dstTok!, MAX_UDP_BYTES) : null;
		if (pl) tooMany(pl.rest, 'send', err, 'nothing after the payload');
		if (!dst || !pl) return null;
		return { kind: 'udp-sendto', socket: sock.name, ...dst, len: pl.len, text: pl.text };
	}
};

const reply: SocketSpec<UdpAction> = {
	place: 'socket',
	keyword: 'reply',
	appliesTo: ['udp'],
	syntax: ['SOCKET reply LEN ["TEXT"]', 'SOCKET reply "TEXT"'],
	doc: 'Send one datagram back to the sender of the last datagram this UDP socket received (EDESTADDRREQ if none).',
	parse(ctx, sock, toks, err, verb) {
		const args = splitArgs(toks, { keys: [], flags: [] }, err, 'reply');
		const pl = ctx.payload(args.positional, err, 'reply', verb, MAX_UDP_BYTES);
		if (!pl) return null;
		tooMany(pl.rest, 'reply', err, 'nothing after the payload');
		return { kind: 'udp-reply', socket: sock.name, len: pl.len, text: pl.text };
	}
};

/** The UDP socket calls family. */
export const udp: Family<UdpAction> = {
	name: 'udp',
	statements: [udpBind, udpSend, sendTo, reply],
	runners: {
		'udp-bind': {
			at(rt, a) {
				const s = rt.sim.host(a.host).udp(a.as ?? undefined);
				rt.keep(a.as, s);
				if (a.noConnReset) s.setUdpConnReset(false);
				s.bind(a.port);
			}
		},
		'udp-send': {
			at(rt, a) {
				const s = rt.sim.host(a.host).udp(a.as ?? undefined);
				rt.keep(a.as, s);
				if (a.text === null) s.sendTo(a.ip, a.port, a.len);
				else s.sendTo(a.ip, a.port, a.len, a.text);
			}
		},
		'udp-sendto': {
			at(rt, a) {
				if (a.text === null) rt.udp(a.socket).sendTo(a.ip, a.port, a.len);
				else rt.udp(a.socket).sendTo(a.ip, a.port, a.len, a.text);
			}
		},
		'udp-reply': {
			at(rt, a) {
				if (a.text === null) rt.udp(a.socket).reply(a.len);
				else rt.udp(a.socket).reply(a.len, a.text);
			}
		}
	}
};
