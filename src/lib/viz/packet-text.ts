/**
 * The text of a packet's label on the ladder (and of the predict-then-reveal answer): the
 * ports first, as every TCP and UDP label must show them, then what the segment carries.
 *
 * ```text
 * 51234 → 80  SYN seq=0  mss 1460 ws 7 sack ts   one line, when it fits along the arrow
 * 51234 → 80                                  two lines otherwise: ports, then the rest
 * PSH,ACK seq=1 ack=1 len=100
 * 51234 → 443 (NAT: 8339 → 443)               the ports as sent, then as the NAT delivered them
 * ICMP Time Exceeded  type 11 for 38145 → 33434
 * ```
 *
 * ICMP has no ports (RFC 792); an ICMP error names the ports of the datagram it quotes, which is
 * how the sending program learns which of its sockets the error is about.
 *
 * Pure functions: the ladder measures and places the lines (ladder-layout.ts).
 *
 * @module
 */
import type { PacketEvent } from '$lib/sim/trace';
import { formatFlags, formatSynOptions } from '$lib/sim/trace';
import type { SeqPair } from './seqspace';

/** Short names of the ICMP type/code pairs the simulator sends (RFC 792, RFC 1812 §5.2.7.1). */
const ICMP_SHORT: Record<string, string> = {
	'0/0': 'Echo Reply',
	'8/0': 'Echo Request',
	'3/0': 'Net Unreachable',
	'3/1': 'Host Unreachable',
	'3/3': 'Port Unreachable',
	'3/9': 'Net Prohibited',
	'3/10': 'Host Prohibited',
	'3/13': 'Admin. Prohibited',
	'11/0': 'Time Exceeded'
};

/**
 * Short names of the ICMPv6 type/code pairs the simulator sends (RFC 4443 §3–4, RFC 4861 §4.3–4.4).
 */
const ICMP6_SHORT: Record<string, string> = {
	'128/0': 'Echo Request',
	'129/0': 'Echo Reply',
	'1/0': 'No Route',
	'1/1': 'Admin. Prohibited',
	'1/3': 'Address Unreachable',
	'1/4': 'Port Unreachable',
	'2/0': 'Packet Too Big',
	'3/0': 'Hop Limit Exceeded',
	'135/0': 'Neighbor Solicitation',
	'136/0': 'Neighbor Advertisement'
};

/** TTLs below this are shown on UDP and ICMP labels (traceroute probes use 1, 2, 3 …). */
const SHOW_TTL_BELOW = 32;

/** The parts of a packet label, before they are laid out on one or two lines. */
export interface PacketText {
	/** `51234 → 80`, the ports as sent; null for ICMP. */
	ports: string | null;
	/** `NAT: 8339 → 80`: the ports as delivered, when a NAT rewrote one on the way. */
	nat: string | null;
	/** What it carries: `SYN,ACK seq=0 ack=1`, `UDP len=32 ttl=1`, `ICMP Time Exceeded`. */
	body: string;
	/**
	 * Secondary detail that may go on the second line: ICMP type/code and the quoted ports; a
	 * SYN's options (`mss 1460 ws 7 sack ts`).
	 */
	detail: string | null;
}

/** Options for {@link packetText}. */
export interface PacketTextOptions {
	/** Relative SEG.SEQ / SEG.ACK to show instead of the absolute ones (seqspace.ts). */
	relative?: SeqPair | null;
	/** Shorter words for phones ("(resent)", no ICMP detail); the ports always stay. */
	short?: boolean;
}

/** The label parts of one packet. */
export function packetText(p: PacketEvent, opts: PacketTextOptions = {}): PacketText {
	const short = opts.short === true;
	if (p.kind === 'segment') {
		const seq = opts.relative ? opts.relative.seq : p.seq;
		const ack = opts.relative ? opts.relative.ack : p.ack;
		const parts = [formatFlags(p.flags), `seq=${seq}`];
		if (p.flags.includes('ACK')) parts.push(`ack=${ack}`);
		if (p.len) parts.push(`len=${p.len}`);
		if (p.retransmission) parts.push(short ? '(resent)' : '(retransmission)');
		// A SYN's options (RFC 7323, RFC 2018): what the two ends negotiate, e.g. `mss 1460 ws 7 sack ts`;
		// an ACK's SACK blocks (RFC 2018 §3), numbered as its ack field.
		const synOpts = p.flags.includes('SYN') ? formatSynOptions(p.options) : '';
		return { ...portsOf(p), body: parts.join(' '), detail: synOpts !== '' ? synOpts : sackText(p, opts.relative ? opts.relative.ack : null) };
	}
	if (p.kind === 'datagram') {
		const parts = ['UDP', `len=${p.len}`];
		if (p.ttl < SHOW_TTL_BELOW) parts.push(`ttl=${p.ttl}`);
		return { ...portsOf(p), body: parts.join(' '), detail: null };
	}
	// ICMPv6 (RFC 4443) has its own numbers: 128/129 echo, 1 unreachable, 2 too big, 3 time exceeded.
	const v6 = (p as { icmpv6?: boolean }).icmpv6 === true;
	const proto = v6 ? 'ICMPv6' : 'ICMP';
	const name = (v6 ? ICMP6_SHORT : ICMP_SHORT)[`${p.type}/${p.code}`] ?? `type ${p.type} code ${p.code}`;
	if (v6 ? p.type === 128 || p.type === 129 : p.type === 0 || p.type === 8) {
		const parts = [`id=${p.identifier ?? 0}`, `seq=${p.sequence ?? 0}`];
		if (p.ttl < SHOW_TTL_BELOW) parts.push(`ttl=${p.ttl}`);
		return { ports: null, nat: null, body: `${proto} ${name}`, detail: parts.join(' ') };
	}
	let detail = `type ${p.type}${p.code ? ` code ${p.code}` : ''}`;
	const q = p.quoted;
	if (q && q.proto !== 'ICMP') detail += ` for ${q.src.port} → ${q.dst.port}`;
	return { ports: null, nat: null, body: `${proto} ${name}`, detail: short ? null : detail };
}

/**
 * SACK blocks (RFC 2018) as `SACK 2001-3001`, in the same numbering as the ACK field (relative
 * when `relAck` is SEG.ACK's relative value), or null when the segment carries none.
 */
function sackText(p: Extract<PacketEvent, { kind: 'segment' }>, relAck: number | null): string | null {
	const blocks = p.options?.sack;
	if (blocks === undefined || blocks.length === 0) return null;
	const shift = relAck === null ? 0 : p.ack - relAck;
	const n = (x: number) => (x - shift + 2 ** 32) % 2 ** 32;
	return `SACK ${blocks.map((b) => `${n(b.left)}-${n(b.right)}`).join(' ')}`;
}

function portsOf(p: Extract<PacketEvent, { src: unknown }>): { ports: string; nat: string | null } {
	const ports = `${p.src.port} → ${p.dst.port}`;
	const t = p.translated;
	const nat = t && (t.src.port !== p.src.port || t.dst.port !== p.dst.port) ? `NAT: ${t.src.port} → ${t.dst.port}` : null;
	return { ports, nat };
}

/** The ports, with the NAT's rewrite in brackets: `51234 → 443 (NAT: 8339 → 443)`. */
function portsLine(t: PacketText): string | null {
	return t.ports && t.nat ? `${t.ports} (${t.nat})` : t.ports;
}

/** The label on one line: `51234 → 80  SYN seq=0`. */
export function oneLine(t: PacketText): string {
	return [portsLine(t), t.body, t.detail].filter((s): s is string => !!s).join('  ');
}

/**
 * The label on two lines: the ports on the first, the rest on the second (ICMP: its name, then
 * the detail). A label with nothing to split stays on one line.
 */
export function twoLines(t: PacketText): string[] {
	if (t.ports) return [portsLine(t)!, [t.body, t.detail].filter(Boolean).join('  ')];
	if (t.detail) return [t.body, t.detail];
	return [t.body];
}

/**
 * The label on three lines, for the narrowest spaces: ports; flags and SEG.SEQ; the rest
 * (`ack=… len=…`), or for a packet a NAT rewrote: ports as sent; as delivered; the rest. Only
 * labels with that much to say have a third line.
 */
export function threeLines(t: PacketText): string[] {
	const two = twoLines(t);
	if (t.ports && t.nat) return [t.ports, t.nat, two[1]];
	if (t.ports && t.detail) return [portsLine(t)!, t.body, t.detail]; // a SYN: its options on a line of their own
	if (!t.ports || two.length < 2) return two;
	const words = two[1].split(' ');
	const cut = words.findIndex((w) => w.startsWith('ack=') || w.startsWith('len=') || w.startsWith('('));
	if (cut <= 0) return two;
	return [two[0], words.slice(0, cut).join(' '), words.slice(cut).join(' ')];
}

/** The one-line label of a packet (predict-then-reveal answer, text alternatives). */
export function packetLine(p: PacketEvent, opts: PacketTextOptions = {}): string {
	return oneLine(packetText(p, opts));
}
