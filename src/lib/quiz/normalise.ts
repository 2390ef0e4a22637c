/**
 * The one answer normaliser for typed responses (short-answer items and typed simulation items).
 *
 * {@link analyseAnswer} turns a typed answer into a comparison key plus two tags that were
 * stripped from it; {@link matchesAny} compares a response with a question's accepted answers.
 *
 * Rules, in order:
 * 1. Unicode NFKC, trimmed, lower-case; en/em dashes become `-`; brackets are dropped; a leading
 *    "about", "around", "approximately", "approx." or "~" is dropped.
 * 2. Number words from "zero" to "twenty" become digits ("sixteen-bit" → "16-bit").
 * 3. Around a number only (so "TCP" alone or "TCP and UDP" stay words):
 *    - the protocol words `tcp` / `udp` are dropped and remembered as the protocol tag
 *      ("TCP 3389", "3389/tcp", "tcp:3389", "UDP port 33434");
 *    - the units `bit(s)`, `byte(s)`, `octet(s)` are dropped and remembered as the unit tag
 *      ("16-bit", "8 octets", "eight bytes");
 *    - rate words `/s`, `/sec`, `per second`, `a second`, `each second`, `pps` are dropped
 *      ("470 per second", "470/s");
 *    - the word `port(s)` is dropped ("port 443", "tcp port 3389").
 * 4. Spaces around `,` `/` `:` are removed; runs of whitespace, `_` and `-` become one `-`;
 *    a whole-number answer written with thousands separators ("1,001", "28 232") loses them.
 * 5. A whole answer that names a TCP state in any spelling used by `ss` (ESTAB, SYN-RECV,
 *    UNCONN), Linux `netstat` (SYN_RECV, FIN_WAIT1), BSD/macOS `netstat` (SYN_RCVD, FIN_WAIT_1),
 *    Windows `netstat` (LISTENING, SYN_RECEIVED), PowerShell `Get-NetTCPConnection` (TimeWait,
 *    FinWait1) or RFC 9293 (TIME-WAIT) becomes the RFC 9293 name. Sources: iproute2
 *    misc/ss.c `sstate_name[]`; net-tools netstat.c `tcp_state[]`; BSD netinet/tcp_fsm.h
 *    `tcpstates[]`; Microsoft's MIB_TCP_STATE and the Get-NetTCPConnection `State` values.
 *    Linux netstat's bare `CLOSE` is accepted for CLOSED only where a state is asked
 *    ({@link AnswerKind} `state`), because "close" is also the name of a call.
 * 6. A whole answer that names a socket error by its errno, its glibc `strerror` text
 *    ("Connection refused" for ECONNREFUSED) or its Winsock name (WSAECONNREFUSED) becomes the
 *    POSIX errno name. Sources: glibc `sysdeps/gnu/errlist.h`; Microsoft "Windows Sockets Error Codes".
 * 7. A whole answer made only of TCP flag names ("SYN ACK", "syn/ack", "ACK+SYN") becomes the
 *    sorted, comma-joined set; where flags are asked, tcpdump's bracketed letters ("[S.]", "Flags [R.]") are read too.
 * 8. Where an ICMP message is asked, "type 3 code 3", "3,3" and names such as "port unreachable"
 *    become `type/code` ("3/3"). Source: RFC 792 and the IANA ICMP parameters registry.
 *
 * The tags decide conflicts only when both sides carry one: "UDP 3389" does not match an accepted
 * "TCP 3389"; "16 bytes" does not match "16 bits", while "2 bytes" does (8 bits per byte).
 *
 * @module
 */

/** What a typed answer is about, so context-dependent spellings can be read. */
export type AnswerKind = 'state' | 'errno' | 'flags' | 'icmp';

/** Result of {@link analyseAnswer}. */
export interface AnalysedAnswer {
	/** The comparison key ("3389", "time-wait", "econnrefused", "ack,syn"). */
	key: string;
	/** Protocol word that stood next to a number, if any. */
	proto: 'tcp' | 'udp' | null;
	/** Unit that stood after a number, if any (octets count as bytes). */
	unit: 'bit' | 'byte' | null;
}

const NUMBER_WORDS = [
	'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
	'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'
];
const NUMBER_WORD_RE = new RegExp(`\\b(${NUMBER_WORDS.join('|')})\\b`, 'g');

/** TCP state spellings (separators removed) → RFC 9293 name. See the module comment for sources. */
const STATE_ALIASES: Record<string, string> = {
	closed: 'CLOSED',
	unconn: 'CLOSED',
	listen: 'LISTEN',
	listening: 'LISTEN',
	synsent: 'SYN-SENT',
	synrecv: 'SYN-RECEIVED',
	synrcvd: 'SYN-RECEIVED',
	synreceived: 'SYN-RECEIVED',
	estab: 'ESTABLISHED',
	established: 'ESTABLISHED',
	finwait1: 'FIN-WAIT-1',
	finwait2: 'FIN-WAIT-2',
	closewait: 'CLOSE-WAIT',
	closing: 'CLOSING',
	lastack: 'LAST-ACK',
	timewait: 'TIME-WAIT'
};

/**
 * Socket errors: POSIX name → glibc strerror text and Winsock name.
 * glibc texts from sysdeps/gnu/errlist.h; Winsock names from Microsoft's "Windows Sockets Error Codes".
 */
const ERRNO_ALIASES: Record<string, readonly string[]> = {
	ECONNREFUSED: ['Connection refused', 'WSAECONNREFUSED'],
	ECONNRESET: ['Connection reset by peer', 'WSAECONNRESET'],
	EADDRNOTAVAIL: ['Cannot assign requested address', 'WSAEADDRNOTAVAIL'],
	EADDRINUSE: ['Address already in use', 'WSAEADDRINUSE'],
	EACCES: ['Permission denied', 'WSAEACCES'],
	ETIMEDOUT: ['Connection timed out', 'WSAETIMEDOUT'],
	EHOSTUNREACH: ['No route to host', 'WSAEHOSTUNREACH'],
	ENETUNREACH: ['Network is unreachable', 'WSAENETUNREACH'],
	ENOTCONN: ['Transport endpoint is not connected', 'WSAENOTCONN'],
	EINVAL: ['Invalid argument', 'WSAEINVAL'],
	EDESTADDRREQ: ['Destination address required', 'WSAEDESTADDRREQ'],
	ENOBUFS: ['No buffer space available', 'WSAENOBUFS']
};
const ERRNO_KEYS = new Map<string, string>();
for (const [name, aliases] of Object.entries(ERRNO_ALIASES)) {
	for (const a of [name, ...aliases]) ERRNO_KEYS.set(squash(a), name.toLowerCase());
}

const FLAG_NAMES = new Set(['syn', 'ack', 'fin', 'rst', 'psh', 'urg', 'ece', 'cwr']);
/** tcpdump's flag letters (tcpdump(8), "TCP Packets"): S SYN, F FIN, P PSH, R RST, U URG, E ECE, W CWR, `.` ACK. */
const TCPDUMP_FLAGS: Record<string, string> = { s: 'syn', f: 'fin', p: 'psh', r: 'rst', u: 'urg', e: 'ece', w: 'cwr', '.': 'ack' };

/** ICMP names → type/code (RFC 792; IANA "ICMP Type Numbers"). Keys have separators removed. */
const ICMP_NAMES: Record<string, string> = {
	echoreply: '0/0',
	netunreachable: '3/0',
	networkunreachable: '3/0',
	hostunreachable: '3/1',
	protocolunreachable: '3/2',
	portunreachable: '3/3',
	destinationunreachableportunreachable: '3/3',
	fragmentationneeded: '3/4',
	fragmentationneededanddfset: '3/4',
	communicationadministrativelyprohibited: '3/13',
	adminprohibited: '3/13',
	echorequest: '8/0',
	echo: '8/0',
	timeexceeded: '11/0',
	ttlexceeded: '11/0',
	ttlexceededintransit: '11/0',
	timetoliveexceededintransit: '11/0',
	fragmentreassemblytimeexceeded: '11/1'
};

/** Lower-case letters and digits only: the form alias tables are keyed by. */
function squash(s: string): string {
	return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const NUM = String.raw`\d+(?:\.\d+)?`;
const PROTO_BEFORE = new RegExp(String.raw`(^|[\s/:,-])(tcp|udp)(?:\s*(?:/|:|-)?\s*)(?:ports?\s*:?\s*)?(?=${NUM}\b)`, 'g');
const PROTO_AFTER = new RegExp(String.raw`(${NUM})\s*(?:/|-|\s)\s*(tcp|udp)(?=$|[\s/:,)-])`, 'g');
const UNIT_AFTER = new RegExp(String.raw`(${NUM})\s*-?\s*(bits?|bytes?|octets?)(?=$|[\s/:,-])`, 'g');
const RATE_NOUN = String.raw`(?:(?:new\s+)?(?:connections?|conns?|packets?|segments?|sockets?|ports?)\s*)?`;
const RATE_AFTER = new RegExp(
	String.raw`(${NUM})\s*${RATE_NOUN}(?:(?:/\s*(?:s|sec|second)\b)|(?:(?:per|a|each|every)[\s-]+(?:second|sec)\b)|(?:pps\b))`,
	'g'
);
const PORT_WORD = new RegExp(String.raw`(^|[\s/:,-])ports?\s*:?\s*(?=${NUM}\b)`, 'g');

/**
 * Analyse a typed answer (or an accepted alternative) for comparison; see the module comment.
 * @param kind - what the question asks for, enabling context-only spellings; omit for short answers.
 */
export function analyseAnswer(text: string, kind?: AnswerKind): AnalysedAnswer {
	let proto: AnalysedAnswer['proto'] = null;
	let unit: AnalysedAnswer['unit'] = null;
	let s = String(text).normalize('NFKC').trim().toLowerCase();
	s = s.replace(/[\u2010-\u2015\u2212]/g, '-');
	const raw = s;
	// Stripping can expose another strippable word ("1,001 tcp tcp"), so repeat until stable.
	for (let round = 0; round < 8; round++) {
		const before = s;
		s = s.replace(/[()[\]{}]/g, ' ').trim();
		s = s.replace(NUMBER_WORD_RE, (w) => String(NUMBER_WORDS.indexOf(w)));
		s = s.replace(/^(?:about|around|approximately|approx\.?|roughly|~|≈)\s*(?=\d)/, '');
		s = s.replace(PROTO_BEFORE, (_m, pre: string, p: string) => {
			proto = p as 'tcp' | 'udp';
			return pre;
		});
		s = s.replace(PROTO_AFTER, (_m, n: string, p: string) => {
			proto = p as 'tcp' | 'udp';
			return n;
		});
		s = s.replace(UNIT_AFTER, (_m, n: string, u: string) => {
			unit = u.startsWith('bit') ? 'bit' : 'byte';
			return n;
		});
		s = s.replace(RATE_AFTER, '$1');
		s = s.replace(PORT_WORD, '$1');
		s = s.trim();
		if (/^\d{1,3}(?:(?:,|\s)\d{3})+$/.test(s)) s = s.replace(/[,\s]/g, '');
		s = s.replace(/\s*([,/:])\s*/g, '$1');
		s = s.replace(/[\s_-]+/g, '-');
		s = s.replace(/^[-,/:]+|[-,/:]+$/g, '');
		if (s === before) break;
	}

	const squashed = squash(s);
	const state = STATE_ALIASES[squashed] ?? (kind === 'state' && squashed === 'close' ? 'CLOSED' : undefined);
	if (state) return { key: state.toLowerCase(), proto, unit };
	const errno = ERRNO_KEYS.get(squashed);
	if (errno) return { key: errno, proto, unit };
	const flags = flagSet(s, raw, kind === 'flags');
	if (flags) return { key: flags, proto, unit };
	if (kind === 'icmp') {
		const icmp = icmpKey(s);
		if (icmp) return { key: icmp, proto, unit };
	}
	return { key: s, proto, unit };
}

/** Sorted, comma-joined flag set when `s` is made only of flag names (or tcpdump letters when allowed). */
function flagSet(s: string, raw: string, tcpdump: boolean): string | null {
	const words = s.split(/[-,/+&]+|\band\b/).filter(Boolean);
	if (words.length > 0 && words.every((w) => FLAG_NAMES.has(w))) {
		if (words.length === 1) return null;
		return [...new Set(words)].sort().join(',');
	}
	if (tcpdump) {
		const m = /^\[([sfpruew.]+)\]$/.exec(raw.replace(/\s+/g, '').replace(/^flags/, ''));
		if (m) return [...new Set([...m[1]].map((c) => TCPDUMP_FLAGS[c]))].sort().join(',');
	}
	return null;
}

/** `type/code` for "3/3", "3,3", "type-3-code-3" or a known message name. */
function icmpKey(s: string): string | null {
	const m = /^(?:type-?)?(\d{1,3})(?:[,/:-]|-?code-?)(\d{1,3})$/.exec(s);
	if (m) return `${Number(m[1])}/${Number(m[2])}`;
	return ICMP_NAMES[squash(s.replace(/^icmp-?/, ''))] ?? null;
}

/** The comparison key of a typed answer (see {@link analyseAnswer}); tags are discarded. */
export function normaliseAnswer(text: string, kind?: AnswerKind): string {
	return analyseAnswer(text, kind).key;
}

const isNumber = (s: string) => /^\d+(?:\.\d+)?$/.test(s);

/** True when two analysed answers agree (see the module comment on tags). */
function agree(g: AnalysedAnswer, a: AnalysedAnswer): boolean {
	if (g.proto && a.proto && g.proto !== a.proto) return false;
	if (g.unit && a.unit && g.unit !== a.unit) {
		if (!isNumber(g.key) || !isNumber(a.key)) return false;
		const bits = (x: AnalysedAnswer) => Number(x.key) * (x.unit === 'byte' ? 8 : 1);
		return bits(g) === bits(a);
	}
	return g.key === a.key;
}

/**
 * True when `given` matches any accepted answer after normalisation. An answer that is empty
 * after normalisation never matches.
 *
 * When the accepted answers name one unit (or one protocol) somewhere, their bare numbers are
 * read in it: with `["16", "16 bits"]`, "2 bytes" matches and "16 bytes" does not.
 *
 * @param kind - what is asked (state, errno, flags, icmp), enabling context-only spellings.
 */
export function matchesAny(given: string, accepted: readonly string[], kind?: AnswerKind): boolean {
	const g = analyseAnswer(given, kind);
	if (g.key === '') return false;
	const list = accepted.map((a) => analyseAnswer(a, kind));
	const units = new Set(list.map((a) => a.unit).filter((u) => u !== null));
	const protos = new Set(list.map((a) => a.proto).filter((p) => p !== null));
	const unit = units.size === 1 ? [...units][0] : null;
	const proto = protos.size === 1 ? [...protos][0] : null;
	return list.some((a) => agree(g, { ...a, unit: a.unit ?? (isNumber(a.key) ? unit : null), proto: a.proto ?? (isNumber(a.key) ? proto : null) }));
}
