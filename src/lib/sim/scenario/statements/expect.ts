/**
 * Run and expect: the `run` statement, and `expect` lines, which state what must have happened
 * by their time, in the spirit of packetdrill's inline expectations: the scenario is its own
 * test. `npm run simulate` checks them and fails naming the line; the playground marks them.
 *
 * Expectations never change the run: they are not scheduled in the engine, they are checked
 * against the finished trace (expect-check.ts). "At time T" means after everything that
 * happens at T. The forms (docs/scenario-format.md, "Expectations"):
 *
 * ```text
 * 90ms  expect c1 state TIME-WAIT            # the socket's state at this time
 * +0ms  expect c2 error ECONNREFUSED         # the socket reported this error by now
 * +0ms  expect web.1 remote 192.168.1.10:32768..60999
 * +0ms  expect segment server > client SYN,ACK seq=web.1.iss ack=c1.iss+1   # sent at this time
 * +0ms  expect segment client > server PSH,ACK retransmission within=3s     # ...or up to 3 s later
 * +0ms  expect datagram client > server dport=53
 * +0ms  expect icmp server > client port-unreachable
 * +0ms  expect port client 40000..40003 in use
 * +0ms  expect nothing sent from=client for=5s   # after this time, for 5 s (or to the end)
 * ```
 *
 * @module
 */
import { ICMP6_MESSAGES, ICMP_MESSAGES } from '../../icmp-names';
import { TCP_STATES, type TcpFlag, type TcpState } from '../../trace';
import type { ParseContext } from '../context';
import { type LineErrors, type Token, isWord, show, subToken } from '../lexer';
import type { SeqRef } from '../types';
import { type Args, keyValue, parseDuration, parseFlags, parseIntKey, parseRange, parseRangeText, splitArgs, tooMany } from '../values';
import { checkAddress, checkError, checkNothing, checkPacket, checkPort, checkState, ERRNOS, type Errno } from './expect-check';
import { parseSeqKey } from './segments';
import type { Family, RunSpec, TimedSpec } from './spec';

/** What a packet must look like: every field that is not null must match. */
export interface PacketMatch {
	proto: 'TCP' | 'UDP' | 'ICMP';
	from: string;
	to: string;
	/** TCP: exactly these flags. */
	flags: TcpFlag[] | null;
	seq: number | SeqRef | null;
	ack: number | SeqRef | null;
	len: number | null;
	/** The window in bytes (after window scaling, as the trace records it). */
	win: number | null;
	/** TCP: the SYN options, as the labels write them (`mss 1460 ws 7 sack ts`; `none` for no options). */
	opts: string | null;
	/** Inclusive port ranges (TCP, UDP). */
	sport: [number, number] | null;
	dport: [number, number] | null;
	/** ICMP type, and code (null: any code). */
	icmp: { type: number; code: number | null; v6?: boolean } | null;
	/** IP TTL it was sent with (datagrams, ICMP). */
	ttl: number | null;
	/** ICMP echo identifier and sequence number (`id=`, `seq=` on `expect icmp`). */
	echoId: number | null;
	echoSeq: number | null;
	/** `delivered`, `lost`, or dropped for a reason (`dropped=firewall`...). */
	fate: 'delivered' | 'lost' | 'firewall' | 'nat' | 'ttl' | 'no-route' | 'too-big' | null;
	/** `retransmission`: it must be one. */
	retransmission: boolean;
	/** `within=DURATION`: it may leave up to this many ms after the line's time (default 0: at it). */
	withinMs: number;
}

/** What the expectation statements state (each checked after the run, at its line's time). */
export type ExpectAction =
	| { kind: 'expect-state'; socket: string; state: TcpState }
	| { kind: 'expect-error'; socket: string; errno: Errno }
	| { kind: 'expect-address'; socket: string; side: 'local' | 'remote'; ip: string | null; ports: [number, number] }
	| { kind: 'expect-packet'; match: PacketMatch }
	| { kind: 'expect-port'; host: string; proto: 'TCP' | 'UDP'; ports: [number, number]; inUse: boolean }
	| { kind: 'expect-nothing'; from: string | null; forMs: number | null };

const PACKET_WORDS = ['segment', 'datagram', 'icmp', 'icmp6'] as const;
const FATES = ['lost', 'firewall', 'nat', 'ttl', 'no-route', 'too-big'] as const;
const SOCKET_WORDS = ['state', 'error', 'local', 'remote'] as const;

/** `[IP|NAME:]PORTS` of a local/remote expectation. */
function parseAddress(ctx: ParseContext, tok: Token | undefined, anchor: Token, err: LineErrors): { ip: string | null; ports: [number, number] } | null {
	if (!tok || tok.quoted) {
		err.at(tok ?? anchor, 'expected an address like 203.0.113.5:80, server:80, 192.168.1.10:32768..60999 or just a port');
		return null;
	}
	const i = tok.text.lastIndexOf(':');
	// `[2001:db8::5]:80` or `[::ffff:192.0.2.20]:80`: an IPv6 address in brackets, as ss prints it.
	let host = i > 0 ? tok.text.slice(0, i) : '';
	const six = host.startsWith('[') && host.endsWith(']');
	if (six) host = host.slice(1, -1);
	const ip = i > 0 ? ctx.address(host, tok, err, anchor.text, six) : null;
	const ports = parseRangeText(tok.text.slice(i + 1), true);
	if (ports === null || ports[0] > ports[1]) {
		err.at(tok, `expected a port or a range LOW..HIGH in ${show(tok)}`);
		return null;
	}
	return i > 0 && ip === null ? null : { ip, ports };
}

/** `expect SOCKET state|error|local|remote ...` */
function socketExpect(ctx: ParseContext, subj: Token, rest: Token[], err: LineErrors): ExpectAction | null {
	const sock = ctx.socketRef(subj, err);
	if (sock === null) return null;
	const [word, value, ...extra] = rest;
	const what = SOCKET_WORDS.find((w) => isWord(word, w));
	if (!what) {
		err.at(word ?? subj, `expected what to check on "${sock.name}": ${SOCKET_WORDS.join(', ')}; got ${word ? show(word) : 'nothing'}`);
		return null;
	}
	tooMany(extra, `expect ${what}`, err, 'nothing more');
	if (what !== 'error' && sock.info.kind === 'udp') {
		err.at(word, `"${sock.name}" is a UDP socket: it has no TCP ${what === 'state' ? 'state' : 'connection'} to check`);
		return null;
	}
	if (what === 'state') {
		const state = TCP_STATES.find((s) => isWord(value, s));
		if (!state) err.at(value ?? word, `expected a TCP state (${TCP_STATES.join(', ')}), got ${value ? show(value) : 'nothing'}`);
		return state ? { kind: 'expect-state', socket: sock.name, state } : null;
	}
	if (what === 'error') {
		const errno = ERRNOS.find((e) => isWord(value, e));
		if (!errno) err.at(value ?? word, `expected an error name (${ERRNOS.filter((e) => !e.startsWith('WSA')).join(', ')}, or WSA… on Windows hosts), got ${value ? show(value) : 'nothing'}`);
		return errno ? { kind: 'expect-error', socket: sock.name, errno } : null;
	}
	const addr = parseAddress(ctx, value, word, err);
	return addr ? { kind: 'expect-address', socket: sock.name, side: what, ...addr } : null;
}

/** The fate words and `dropped=` of a packet expectation. */
function parseFate(args: Args, err: LineErrors): PacketMatch['fate'] | undefined {
	const dTok = args.keys.get('dropped');
	const words = (['delivered', 'lost'] as const).filter((w) => args.flags.has(w));
	if (words.length + (dTok ? 1 : 0) > 1) {
		err.at(dTok, 'give one of delivered, lost or dropped=REASON');
		return undefined;
	}
	if (!dTok) return words[0] ?? null;
	const v = keyValue(dTok, 'dropped');
	const fate = FATES.find((f) => f === v);
	if (!fate) err.at(dTok, `expected dropped=${FATES.join('|')}, got ${JSON.stringify(v)}`);
	return fate ?? undefined;
}

/** The ICMP message name of an `expect icmp` line (`expect icmp6`: an ICMPv6 one). */
function parseIcmpName(tok: Token | undefined, anchor: Token, err: LineErrors, v6 = false): PacketMatch['icmp'] | undefined {
	const table = v6 ? ICMP6_MESSAGES : ICMP_MESSAGES;
	const m = table.find((x) => isWord(tok, x.slug));
	if (!m) {
		err.at(tok ?? anchor, `expected an ${v6 ? 'ICMPv6' : 'ICMP'} message: ${table.map((x) => x.slug).join(', ')}; got ${tok ? show(tok) : 'nothing'}`);
		return undefined;
	}
	return v6 ? { type: m.type, code: m.code, v6: true } : { type: m.type, code: m.code };
}

const PACKET_KEYS: Record<(typeof PACKET_WORDS)[number], readonly string[]> = {
	segment: ['seq', 'ack', 'len', 'win', 'opts', 'sport', 'dport', 'dropped', 'within'],
	datagram: ['len', 'sport', 'dport', 'ttl', 'dropped', 'within'],
	icmp: ['id', 'seq', 'ttl', 'dropped', 'within'],
	icmp6: ['id', 'seq', 'ttl', 'dropped', 'within']
};
const PACKET_FLAGS = ['delivered', 'lost', 'retransmission'];

/** `expect segment|datagram|icmp FROM > TO ...` */
function packetExpect(ctx: ParseContext, kindTok: Token, rest: Token[], err: LineErrors): ExpectAction | null {
	const word = PACKET_WORDS.find((w) => isWord(kindTok, w))!;
	const before = ctx.errors.length;
	const p = ctx.path(rest, err, kindTok, `expect ${word}`, ['host', 'router'], ['->', '>']);
	if (!p) return null;
	const flags = word === 'segment' ? PACKET_FLAGS : PACKET_FLAGS.slice(0, 2);
	const args = splitArgs(rest.slice(p.used), { keys: PACKET_KEYS[word], flags }, err, `expect ${word}`);
	const [what, ...extra] = args.positional;
	const tcpFlags = word === 'segment' ? (what ? parseFlags(what, err) : null) : null;
	if (word === 'segment' && !what) err.at(kindTok, `expected the segment's flags after "${p.from} > ${p.to}" (e.g. SYN,ACK or S.)`);
	const isIcmp = word === 'icmp' || word === 'icmp6';
	const icmp = isIcmp ? parseIcmpName(what, kindTok, err, word === 'icmp6') : null;
	tooMany(word === 'datagram' ? args.positional : extra, `expect ${word}`, err, `${PACKET_KEYS[word].map((k) => k + '=').join(', ')} or ${flags.join(', ')}`);
	const port = (k: string) => (args.keys.has(k) ? parseRange(args.keys.get(k)!, `${k}=`, err, 0, true) : null);
	const num = (k: string, max: number) => (args.keys.has(k) ? parseIntKey(args.keys.get(k)!, k, err, 0, max, 'a number') : null);
	const seqOf = (k: string) => (args.keys.has(k) ? parseSeqKey(ctx, args.keys.get(k), k, err, ['iss', 'irs']) : null);
	const match: PacketMatch = {
		proto: word === 'segment' ? 'TCP' : word === 'datagram' ? 'UDP' : 'ICMP',
		from: p.from,
		to: p.to,
		flags: tcpFlags,
		seq: word === 'segment' ? seqOf('seq') : null,
		ack: seqOf('ack'),
		len: num('len', 1_000_000),
		win: num('win', 65535 * 2 ** 14), // RFC 7323 §2.3: 65,535 << 14 at most
		opts: args.keys.has('opts') ? keyValue(args.keys.get('opts')!, 'opts') : null,
		sport: port('sport'),
		dport: port('dport'),
		icmp: icmp ?? null,
		ttl: num('ttl', 255),
		echoId: isIcmp ? num('id', 65535) : null,
		echoSeq: isIcmp ? num('seq', 65535) : null,
		fate: parseFate(args, err) ?? null,
		retransmission: args.flags.has('retransmission'),
		withinMs: (args.keys.has('within') ? parseDuration(args.keys.get('within')!, 'within', err) : 0) ?? 0
	};
	return ctx.errors.length === before ? { kind: 'expect-packet', match } : null;
}

/** `expect port HOST PORTS in use|free [tcp|udp]` */
function portExpect(ctx: ParseContext, head: Token, rest: Token[], err: LineErrors): ExpectAction | null {
	const [hostTok, portsTok, ...words] = rest;
	const usage = 'expected "expect port HOST PORTS in use" or "expect port HOST PORTS free" (PORTS: 40000 or 40000..40003)';
	if (!hostTok || !portsTok) {
		err.at(hostTok ?? head, usage);
		return null;
	}
	const host = ctx.nodeRef(hostTok, ['host'], err, 'after "expect port"');
	const ports = parseRange(portsTok, '', err, 0, true);
	let i = 0;
	const inUse = isWord(words[0], 'in') && isWord(words[1], 'use') ? ((i = 2), true) : isWord(words[0], 'free') ? ((i = 1), false) : null;
	if (inUse === null) {
		err.at(words[0] ?? portsTok, usage);
		return null;
	}
	const proto = isWord(words[i], 'udp') ? 'UDP' : 'TCP';
	if (isWord(words[i], 'udp') || isWord(words[i], 'tcp')) i++;
	tooMany(words.slice(i), 'expect port', err, 'nothing after "in use" / "free" but tcp or udp');
	if (host === null || ports === null) return null;
	return { kind: 'expect-port', host, proto, ports, inUse };
}

/** `expect nothing sent [from=NODE] [for=DURATION]` */
function nothingExpect(ctx: ParseContext, head: Token, rest: Token[], err: LineErrors): ExpectAction | null {
	const [sent, ...more] = rest;
	if (!isWord(sent, 'sent')) {
		err.at(sent ?? head, `expected "expect nothing sent [from=NODE] [for=DURATION]", got ${sent ? show(sent) : 'nothing'} after "nothing"`);
		return null;
	}
	const args = splitArgs(more, { keys: ['from', 'for'], flags: [] }, err, 'expect nothing sent');
	tooMany(args.positional, 'expect nothing sent', err, 'from= or for=');
	const fromTok = args.keys.get('from');
	const from = fromTok ? ctx.nodeRef(subToken(fromTok, keyValue(fromTok, 'from')), ['host', 'router'], err, 'after "from="') : null;
	const forTok = args.keys.get('for');
	const forMs = forTok ? parseDuration(forTok, 'for', err) : null;
	if ((fromTok && from === null) || (forTok && forMs === null)) return null;
	return { kind: 'expect-nothing', from, forMs };
}

const expect: TimedSpec<ExpectAction> = {
	place: 'timed',
	keyword: 'expect',
	syntax: [
		'expect SOCKET state STATE',
		'expect SOCKET error ERRNO',
		'expect SOCKET local|remote [IP:]PORTS',
		'expect segment FROM > TO FLAGS [seq=] [ack=] [len=] [win=] [opts="mss 1460 ws 7 sack ts"] [sport=] [dport=] [delivered|lost|dropped=REASON] [retransmission] [within=DURATION]',
		'expect datagram FROM > TO [len=] [sport=] [dport=] [ttl=] [delivered|lost|dropped=REASON] [within=DURATION]',
		'expect icmp FROM > TO MESSAGE [id=] [seq=] [ttl=] [delivered|lost|dropped=REASON] [within=DURATION]',
		'expect icmp6 FROM > TO MESSAGE [id=] [seq=] [ttl=] [delivered|lost|dropped=REASON] [within=DURATION]',
		'expect port HOST PORTS in use|free [tcp|udp]',
		'expect nothing sent [from=NODE] [for=DURATION]'
	],
	doc: 'Check what must have happened by this time (after the run; the run itself is unchanged): a failure names this line.',
	words: ['segment', 'datagram', 'icmp', 'icmp6', 'port', 'nothing'],
	parse(ctx, rest, err, head) {
		const [first, ...more] = rest;
		if (!first) {
			err.at(head, 'expected what to expect: SOCKET state|error|local|remote, segment, datagram, icmp, port or nothing sent');
			return null;
		}
		if (PACKET_WORDS.some((w) => isWord(first, w))) return packetExpect(ctx, first, more, err);
		if (isWord(first, 'port')) return portExpect(ctx, first, more, err);
		if (isWord(first, 'nothing')) return nothingExpect(ctx, first, more, err);
		return socketExpect(ctx, first, more, err);
	}
};

const run: RunSpec = {
	place: 'run',
	keyword: 'run',
	syntax: ['run [until=TIME]'],
	doc: 'Run until the virtual time until= (default: until nothing is left to happen); the last statement.',
	keys: ['until'],
	parse(ctx, rest, err) {
		const args = splitArgs(rest, { keys: ['until'], flags: [] }, err, 'run');
		tooMany(args.positional, 'run', err, 'only until=TIME');
		let until: number | null = null;
		const tok = args.keys.get('until');
		if (tok) {
			until = parseDuration(tok, 'until', err);
			if (until !== null && until < ctx.lastTime) {
				err.at(tok, `run until=${until} ms ends before line ${ctx.lastTimedLine}, which is at ${ctx.lastTime} ms`);
			}
		}
		ctx.header.run = { line: err.line, until };
	}
};

/** The run-and-expect family. */
export const expectations: Family<ExpectAction> = {
	name: 'expect',
	reserved: ['segment', 'datagram', 'port', 'nothing'],
	statements: [expect, run],
	runners: {
		'expect-state': { after: checkState },
		'expect-error': { after: checkError },
		'expect-address': { after: checkAddress },
		'expect-packet': { after: (rt, a, t) => checkPacket(rt, a.match, t) },
		'expect-port': { after: checkPort },
		'expect-nothing': { after: checkNothing }
	}
};
