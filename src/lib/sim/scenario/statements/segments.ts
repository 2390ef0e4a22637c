/**
 * Faults and injected segments: `drop next FROM->TO` loses the next packet on a path, and
 * `inject FROM->TO SRC>DST FLAGS ...` puts a hand-made TCP segment on the wire, as packetdrill
 * does (no TCB stands behind it).
 *
 * @module
 */
import type { SocketAddress, TcpFlag } from '../../trace';
import type { ParseContext } from '../context';
import { type LineErrors, type Token, show, subToken } from '../lexer';
import { MAX_UDP_BYTES, type SeqRef } from '../types';
import { keyValue, parseDuration, parseFlags, parseIntKey, parsePortText, portHint, splitArgs, tooMany } from '../values';
import type { Family, TimedSpec } from './spec';

/** What the fault and injection statements do. */
export type SegmentAction =
	/** `synflood FROM->TO SRC>DST count=N [every=DURATION]`: N SYNs, source port counting up from SRC's. */
	| { kind: 'synflood'; from: string; to: string; src: SocketAddress; dst: SocketAddress; count: number; everyMs: number }
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
	  }
	/** `inject FROM->TO SRC>DST udp [len=] [payload="text"]`: a UDP datagram, e.g. with a forged source. */
	| { kind: 'inject-udp'; from: string; to: string; src: SocketAddress; dst: SocketAddress; len: number; text: string | null };

const SEQ_REF = /^([A-Za-z][A-Za-z0-9_-]*(?:\.\d{1,6})?)\.(iss|irs|sndnxt|rcvnxt)(?:([+-])(\d{1,10}))?$/;

/**
 * `key=N` or `key=SOCKET.FIELD[+N|-N]` (a sequence number read from a TCP socket) on an
 * unsigned 32-bit field. `fields` limits the socket fields allowed (expectations take only the
 * ones that never change: iss and irs). Missing key: 0.
 */
export function parseSeqKey(ctx: ParseContext, tok: Token | undefined, key: string, err: LineErrors, fields: readonly SeqRef['field'][] = ['iss', 'irs', 'sndnxt', 'rcvnxt']): number | SeqRef | null {
	if (!tok) return 0;
	const v = keyValue(tok, key);
	const m = SEQ_REF.exec(v);
	if (m && !tok.quoted) {
		const sock = ctx.socketRef(subToken(tok, m[1]), err);
		if (sock === null) return null;
		if (sock.info.kind === 'udp') {
			err.at(tok, `"${m[1]}" is a UDP socket; ${key}=${m[2]} needs a TCP socket`);
			return null;
		}
		const field = fields.find((f) => f === m[2]);
		if (field === undefined) {
			err.at(tok, `${key}=${m[1]}.${m[2]}: ${m[2]} changes during the run; here use ${fields.map((f) => `${m[1]}.${f}`).join(' or ')} (+N)`);
			return null;
		}
		const n = m[4] ? Number(m[4]) : 0;
		if (n > 0xffffffff) {
			err.at(tok, `offset in "${key}=" must be at most 4294967295`);
			return null;
		}
		return { socket: m[1], field, offset: m[3] === '-' ? -n : n };
	}
	if (/^[A-Za-z]/.test(v)) {
		err.at(tok, `expected a number or SOCKET.${fields.join('|')}[+N] after "${key}=", got ${JSON.stringify(v)}`);
		return null;
	}
	return parseIntKey(tok, key, err, 0, 0xffffffff, 'an unsigned 32-bit number');
}

const drop: TimedSpec<SegmentAction> = {
	place: 'timed',
	keyword: 'drop next',
	syntax: ['drop next FROM->TO'],
	doc: 'The next packet that leaves FROM towards TO after this moment is lost.',
	parse(ctx, rest, err, head) {
		const p = ctx.path(rest, err, head, 'drop next', ['host', 'router']);
		if (!p) return null;
		tooMany(rest.slice(p.used), 'drop next', err, 'nothing after FROM->TO');
		return { kind: 'drop-next', from: p.from, to: p.to };
	}
};

/** `SRCPORT>DSTPORT` or `IP:PORT>IP:PORT` of an inject line. */
function injectEnds(ctx: ParseContext, tok: Token, from: string, to: string, err: LineErrors): { src: SocketAddress; dst: SocketAddress } | null {
	const parts = tok.text.split('>');
	if (parts.length !== 2 || tok.quoted) {
		err.at(tok, `expected SRCPORT>DSTPORT (or IP:PORT>IP:PORT), got ${show(tok)}`);
		return null;
	}
	const side = (text: string, node: string, which: string): SocketAddress | null => {
		const i = text.lastIndexOf(':');
		const portText = i >= 0 ? text.slice(i + 1) : text;
		const port = parsePortText(portText);
		if (port === null) {
			err.at(tok, `expected a ${which} port number 0-65535 in ${show(tok)}, got ${JSON.stringify(portText)}${portHint(portText)}`);
			return null;
		}
		const ip = i < 0 ? ctx.nodes.get(node)!.ips[0] : ctx.address(text.slice(0, i), tok, err, 'inject');
		return ip === null ? null : { ip, port };
	};
	const src = side(parts[0], from, 'source');
	const dst = side(parts[1], to, 'destination');
	return src && dst ? { src, dst } : null;
}

/** `len=` and `payload=` of an inject line: the length (payload's UTF-8 length by default) and the text. */
function injectPayload(lenTok: Token | undefined, payTok: Token | undefined, err: LineErrors): { len: number | null; text: string | null } {
	const text = payTok ? keyValue(payTok, 'payload') : null;
	const len = lenTok ? parseIntKey(lenTok, 'len', err, 0, 65535, 'a length') : text !== null ? new TextEncoder().encode(text).length : 0;
	if (len !== null && len > 65535) {
		err.at(payTok, 'payload= is longer than 65535 bytes');
		return { len: null, text };
	}
	return { len, text };
}

const inject: TimedSpec<SegmentAction> = {
	place: 'timed',
	keyword: 'inject',
	syntax: ['inject FROM->TO SRC>DST FLAGS [seq=] [ack=] [win=] [len=] [payload="TEXT"]', 'inject FROM->TO SRC>DST udp [len=] [payload="TEXT"]'],
	doc: 'Put a hand-made TCP segment (tcpdump flags; seq= may read SOCKET.rcvnxt) or UDP datagram on the wire from FROM towards TO; IP:PORT>IP:PORT forges the source.',
	keys: ['seq', 'ack', 'win', 'len', 'payload'],
	parse(ctx, toks, err, anchor) {
		const p = ctx.path(toks, err, anchor, 'inject', ['host']);
		if (!p) return null;
		const args = splitArgs(toks.slice(p.used), { keys: ['seq', 'ack', 'win', 'len', 'payload'], flags: [] }, err, 'inject');
		const [portsTok, flagsTok, ...extra] = args.positional;
		if (!portsTok) {
			err.at(anchor, `expected SRCPORT>DSTPORT (or IP:PORT>IP:PORT) after "inject ${p.from}->${p.to}", e.g. "inject client->server 40000>80 S seq=1000"`);
			return null;
		}
		const ends = injectEnds(ctx, portsTok, p.from, p.to, err);
		if (!flagsTok) {
			err.at(portsTok, `expected tcpdump-style flags after ${show(portsTok)}: S, S., ., F., R, R., P. (S SYN, F FIN, R RST, P PSH, . ACK)`);
			return null;
		}
		if (!flagsTok.quoted && flagsTok.text.toLowerCase() === 'udp') {
			tooMany(extra, 'inject', err, 'len= or payload=');
			for (const k of ['seq', 'ack', 'win'] as const) {
				if (args.keys.has(k)) err.at(args.keys.get(k), `${k}= is a TCP field; a udp inject takes only len= and payload=`);
			}
			const { len, text } = injectPayload(args.keys.get('len'), args.keys.get('payload'), err);
			if (len !== null && len > MAX_UDP_BYTES) {
				err.at(args.keys.get('len') ?? args.keys.get('payload'), `a UDP datagram carries at most ${MAX_UDP_BYTES} bytes`);
				return null;
			}
			if (!ends || len === null || ['seq', 'ack', 'win'].some((k) => args.keys.has(k))) return null;
			return { kind: 'inject-udp', from: p.from, to: p.to, src: ends.src, dst: ends.dst, len, text };
		}
		const flags = parseFlags(flagsTok, err);
		tooMany(extra, 'inject', err, 'seq=, ack=, win=, len= or payload=');
		const seq = parseSeqKey(ctx, args.keys.get('seq'), 'seq', err);
		const ack = parseSeqKey(ctx, args.keys.get('ack'), 'ack', err);
		const winTok = args.keys.get('win');
		const wnd = winTok ? parseIntKey(winTok, 'win', err, 0, 65535, 'a window') : 65535;
		const { len, text } = injectPayload(args.keys.get('len'), args.keys.get('payload'), err);
		const lenAt = args.keys.get('len') ?? args.keys.get('payload');
		if (len !== null && lenAt && !ctx.countSent(lenAt, len, err)) return null;
		if (flags && args.keys.has('ack') && !flags.includes('ACK')) {
			err.at(args.keys.get('ack'), `ack= is given but the flags ${show(flagsTok)} have no ACK; add "." (e.g. "${flagsTok.text}.")`);
			return null;
		}
		if (!ends || !flags || seq === null || ack === null || wnd === null || len === null) return null;
		return { kind: 'inject', from: p.from, to: p.to, src: ends.src, dst: ends.dst, flags, seq, ack, wnd, len, text };
	}
};

/** Most SYNs one synflood line may send. */
const MAX_FLOOD = 1000;

const synflood: TimedSpec<SegmentAction> = {
	place: 'timed',
	keyword: 'synflood',
	syntax: ['synflood FROM->TO SRC>DST count=N [every=DURATION]'],
	doc: `A SYN flood: FROM sends N (1-${MAX_FLOOD}) SYNs towards TO, one every DURATION (default 10ms), with the (spoofed) source address of SRC and source ports counting up from its port.`,
	keys: ['count', 'every'],
	parse(ctx, toks, err, anchor) {
		const p = ctx.path(toks, err, anchor, 'synflood', ['host']);
		if (!p) return null;
		const args = splitArgs(toks.slice(p.used), { keys: ['count', 'every'], flags: [] }, err, 'synflood');
		const [portsTok, ...extra] = args.positional;
		if (!portsTok) {
			err.at(anchor, `expected SRC>DST after "synflood ${p.from}->${p.to}", e.g. "synflood attacker->server 198.51.100.66:40000>80 count=8"`);
			return null;
		}
		const ends = injectEnds(ctx, portsTok, p.from, p.to, err);
		tooMany(extra, 'synflood', err, 'count= or every=');
		const countTok = args.keys.get('count');
		if (!countTok) err.at(portsTok, 'expected count=N (how many SYNs)');
		const count = countTok ? parseIntKey(countTok, 'count', err, 1, MAX_FLOOD, 'a number of SYNs') : null;
		const everyTok = args.keys.get('every');
		const everyMs = everyTok ? parseDuration(everyTok, 'every', err) : 10;
		if (ends && count !== null && ends.src.port + count - 1 > 65535) {
			err.at(portsTok, `source ports ${ends.src.port}-${ends.src.port + count - 1} run past 65535; start lower`);
			return null;
		}
		if (!ends || count === null || everyMs === null) return null;
		return { kind: 'synflood', from: p.from, to: p.to, src: ends.src, dst: ends.dst, count, everyMs };
	}
};

/** The ISN of flood SYN number `i`: arbitrary but fixed (a multiplicative hash), so traces repeat. */
function floodIsn(i: number): number {
	return Math.imul(i + 1, 0x9e3779b1) >>> 0;
}

/** The faults and injected segments family. */
export const segments: Family<SegmentAction> = {
	name: 'segments',
	reserved: ['next'],
	statements: [drop, inject, synflood],
	runners: {
		synflood: {
			at(rt, a) {
				for (let i = 0; i < a.count; i++) {
					rt.sim.after(i * a.everyMs, () =>
						rt.sim.inject({ from: a.from, to: a.to, proto: 'TCP', src: { ip: a.src.ip, port: a.src.port + i }, dst: { ...a.dst }, flags: ['SYN'], seq: floodIsn(i), len: 0 })
					);
				}
			}
		},
		'drop-next': { at: (rt, a) => rt.sim.dropNext({ from: a.from, to: a.to }) },
		'inject-udp': {
			at(rt, a) {
				rt.sim.injectDatagram({ from: a.from, to: a.to, src: { ...a.src }, dst: { ...a.dst }, len: a.len, ...(a.text !== null ? { payload: a.text } : {}) });
			}
		},
		inject: {
			at(rt, a) {
				rt.sim.inject({
					from: a.from,
					to: a.to,
					proto: 'TCP',
					src: { ...a.src },
					dst: { ...a.dst },
					flags: [...a.flags],
					seq: rt.seq(a.seq, 'seq'),
					ack: rt.seq(a.ack, 'ack'),
					len: a.len,
					wnd: a.wnd,
					...(a.text !== null ? { payload: a.text } : {})
				});
			}
		}
	}
};
