/**
 * Readable text log of a {@link Trace}: one line per event, in trace order.
 *
 * Used by `npm run simulate` and by tests and lessons that show a run as text. Pure: it reads
 * only the trace (no engine import), so it works on a trace loaded from JSON.
 *
 * Line shape: `TIME ms  HOST  DETAIL`, with the time right-aligned to three decimals and the host
 * column padded to the longest host name, e.g.
 *
 * ```text
 *    10.000 ms  client  192.168.1.10:51234 > 203.0.113.5:80  [SYN] seq=123 ack=0 len=0 win=64240
 *    30.000 ms  client  client#1 SYN-SENT -> ESTABLISHED (rcv SYN,ACK)
 * ```
 *
 * Packets are shown at the time they left the sender; one that did not arrive is marked
 * `LOST` or `DROPPED (reason)`.
 *
 * @module
 */
import {
	formatAddress,
	formatFlags,
	formatTcpOptionsLong,
	type DatagramEvent,
	type IcmpEvent,
	type SegmentEvent,
	type Trace,
	type TraceEvent
} from './trace';
import { icmpLogName } from './icmp-names';

/** Options for {@link formatTrace}. */
export interface FormatOptions {
	/** Print the `# seed / hosts` header and `# end` footer lines (default true). */
	header?: boolean;
	/** Width of the host column; default: the longest host name in the trace. */
	hostWidth?: number;
}

/** `12.5` -> `    12.500 ms` (right-aligned to 10 characters before " ms"). */
export function formatTime(t: number): string {
	return `${t.toFixed(3).padStart(10)} ms`;
}

function dropNote(e: { arrivedAt: number | null; dropped?: string }): string {
	if (e.arrivedAt !== null) return '';
	if (e.dropped === 'lost' || e.dropped === undefined) return '  LOST';
	return `  DROPPED (${e.dropped})`;
}

function preview(text: string | undefined): string {
	if (text === undefined || text === '') return '';
	const s = text.length > 40 ? text.slice(0, 39) + '…' : text;
	return `  ${JSON.stringify(s)}`;
}

function segment(e: SegmentEvent): string {
	const retx = e.retransmission ? ' (retransmission)' : '';
	return (
		`${formatAddress(e.src)} > ${formatAddress(e.dst)}  [${formatFlags(e.flags)}] ` +
		`seq=${e.seq} ack=${e.ack} len=${e.len} win=${e.wnd}${e.options !== undefined ? ` <${formatTcpOptionsLong(e.options)}>` : ''}${retx}${preview(e.payload)}${dropNote(e)}`
	);
}

function datagram(e: DatagramEvent): string {
	return `${formatAddress(e.src)} > ${formatAddress(e.dst)}  UDP len=${e.len} ttl=${e.ttl}${preview(e.payload)}${dropNote(e)}`;
}

/** RFC 792 names of the ICMP types and codes, as the log writes them (icmp-names.ts). */
export { icmpLogName as icmpName };

/**
 * RFC 4443 (and RFC 4861 for neighbour discovery) names of ICMPv6 types and codes, for traces
 * replayed from captures, whose ICMPv6 events carry `icmpv6: true`.
 */
export function icmpv6Name(type: number, code: number): string {
	switch (type) {
		case 1: {
			const names: Record<number, string> = {
				0: 'no route to destination',
				1: 'communication administratively prohibited',
				2: 'beyond scope of source address',
				3: 'address unreachable',
				4: 'port unreachable',
				5: 'source address failed policy',
				6: 'reject route to destination'
			};
			return names[code] ?? `destination unreachable code ${code}`;
		}
		case 2:
			return 'packet too big';
		case 3:
			return code === 0 ? 'hop limit exceeded in transit' : 'fragment reassembly time exceeded';
		case 4:
			return 'parameter problem';
		case 128:
			return 'echo request';
		case 129:
			return 'echo reply';
		case 133:
			return 'router solicitation';
		case 134:
			return 'router advertisement';
		case 135:
			return 'neighbor solicitation';
		case 136:
			return 'neighbor advertisement';
		case 137:
			return 'redirect';
		default:
			return `type ${type} code ${code}`;
	}
}

function icmp(e: IcmpEvent): string {
	const v6 = e.icmpv6 === true;
	let s = `${e.srcIp} > ${e.dstIp}  ${v6 ? `ICMPv6 ${icmpv6Name(e.type, e.code)}` : `ICMP ${icmpLogName(e.type, e.code)}`}`;
	if (e.identifier !== undefined) s += ` id=${e.identifier}`;
	if (e.sequence !== undefined) s += ` seq=${e.sequence}`;
	if (e.target !== undefined) s += ` target=${e.target}`;
	if (e.mtu !== undefined) s += ` mtu=${e.mtu}`;
	s += ` ttl=${e.ttl}`;
	if (e.quoted) s += ` (about ${e.quoted.proto} ${formatAddress(e.quoted.src)} > ${formatAddress(e.quoted.dst)})`;
	return s + dropNote(e);
}

/** Escape control characters (newlines in payload previews...) so an event stays on one line. */
function oneLine(s: string): string {
	// eslint-disable-next-line no-control-regex
	return s.replace(/[\u0000-\u001f\u007f]/g, (c) =>
		c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
	);
}

/** The detail part of one event's line (everything after the host column), always one line. */
export function formatEventDetail(e: TraceEvent): string {
	return oneLine(detail(e));
}

function detail(e: TraceEvent): string {
	switch (e.kind) {
		case 'segment':
			return segment(e);
		case 'datagram':
			return datagram(e);
		case 'icmp':
			return icmp(e);
		case 'state':
			return `${e.socket} ${e.from} -> ${e.to} (${e.cause})`;
		case 'port':
			return `${e.socket} ${e.action} ${e.proto} port ${e.port} (${e.via})`;
		case 'error':
			return `${e.socket} ${e.call}() failed: ${e.errno}${e.code !== undefined ? ` ${e.code}` : ''} (${e.message})`;
		case 'call':
			return `${e.socket} ${e.call}(${e.detail})`;
		case 'nat':
			return (
				`NAT ${e.action} ${e.proto} ${formatAddress(e.inside)} <-> ${formatAddress(e.outside)}` +
				` (remote ${formatAddress(e.remote)})`
			);
		case 'window':
			return (
				`${e.socket} window snd.wnd=${e.sndWnd} rcv.wnd=${e.rcvWnd} in-flight=${e.inFlight}` +
				(e.cwnd === null ? '' : ` cwnd=${e.cwnd}`) +
				(e.ssthresh === null ? '' : ` ssthresh=${e.ssthresh}`)
			);
		case 'queue':
			return (
				`${e.socket} ${e.action} from ${formatAddress(e.remote)}: syn-queue=${e.synQueue} accept-queue=${e.acceptQueue} backlog=${e.backlog}` +
				(e.cookie === undefined ? '' : ` cookie=${e.cookie}`) +
				` (${e.detail})`
			);
		default: {
			// Event kinds added to trace.ts later still print something useful.
			const other = e as { kind?: unknown };
			return `${String(other.kind)} ${JSON.stringify(e)}`;
		}
	}
}

/** The host column of an event: the sender for packets, the host otherwise. */
export function eventHost(e: TraceEvent): string {
	return 'from' in e && e.kind !== 'state' ? e.from : 'host' in e ? e.host : '';
}

/** One event as one line: `TIME ms  HOST  DETAIL`. */
export function formatEvent(e: TraceEvent, hostWidth = 0): string {
	return `${formatTime(e.t)}  ${eventHost(e).padEnd(hostWidth)}  ${formatEventDetail(e)}`;
}

/**
 * The whole trace as text, one line per event, joined by `\n` (with a trailing newline).
 *
 * @param trace - any {@link Trace} (from the engine or parsed from JSON).
 * @returns header lines `# seed N`, `# host NAME IP os=OS (role)`, the events, then `# end T ms`.
 */
export function formatTrace(trace: Trace, opts: FormatOptions = {}): string {
	const width = opts.hostWidth ?? Math.max(0, ...trace.hosts.map((h) => h.name.length), ...trace.events.map((e) => eventHost(e).length));
	const lines: string[] = [];
	const header = opts.header ?? true;
	if (header) {
		lines.push(`# seed ${trace.seed}`);
		for (const h of trace.hosts) lines.push(`# ${h.role} ${h.name} ${h.ip}${h.ip6 !== undefined ? ` ip6=${h.ip6}` : ''} os=${h.os}`);
	}
	for (const e of trace.events) lines.push(formatEvent(e, width));
	if (header) lines.push(`# end ${trace.end.toFixed(3)} ms`);
	return lines.join('\n') + '\n';
}
