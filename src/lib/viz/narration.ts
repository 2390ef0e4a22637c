/**
 * The narration of a trace: one plain-English sentence per event, for a figure's live caption,
 * its full event log and screen readers.
 *
 * Every sentence about a socket names it (`c1 on client connects to 203.0.113.5:80.`). Packets
 * do not carry a socket id in the trace, so {@link Narrator} follows the trace in order and
 * finds the sending socket from what it knows at that moment: TCP sockets by their local and
 * remote address (StateEvents), UDP and ICMP echo sockets by their port or echo identifier
 * (PortEvents). A packet no socket sent (a RST for a closed port, an ICMP error, an echo reply)
 * is said to come from the host's kernel or the router.
 *
 * Reads say how many bytes they returned; "0 bytes" appears only at end of stream, which is
 * what a return value of 0 means in the sockets API (POSIX read(2): "If no process has the pipe
 * open for writing, read() shall return 0 to indicate end-of-file"; recv(2) on Linux: "the
 * return value will be 0 when the peer has performed an orderly shutdown").
 *
 * @module
 */
import type { CallEvent, ErrorEvent, IcmpEvent, PacketEvent, TraceEvent, Trace } from '$lib/sim/trace';
import { formatAddress, formatFlags } from '$lib/sim/trace';
import { formatTime } from './timeline';
import { icmpName, isIcmpv6 } from './labels';
import type { SeqPair } from './seqspace';

/** Why a packet did not arrive, as a sentence (trace `dropped`). */
const FATE: Record<string, string> = {
	lost: 'It is lost on the way.',
	firewall: 'A firewall on the way drops it.',
	'no-route': 'No route leads to its destination, so it is dropped.',
	ttl: 'Its TTL runs out at a router on the way, which drops it.',
	nat: 'The NAT on the way has no mapping for it and drops it.',
	'too-big': 'It is larger than the MTU of a link on the way, so the router there drops it and answers Packet Too Big.'
};

/** Control characters of a payload preview made visible (`\r\n` stays readable on one line). */
function visible(text: string): string {
	return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Runs of spaces (the column padding of tool output) collapsed, ends trimmed. */
function squash(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/** `40 bytes` and an optional quoted preview (`40 bytes "SSH-2.0"`) from a call detail. */
function bytesAndPreview(detail: string): { bytes: number; preview: string | null } | null {
	const m = /^(\d+) bytes?(?: "([\s\S]*)")?$/.exec(detail.trim());
	if (!m) return null;
	return { bytes: Number(m[1]), preview: m[2] === undefined ? null : visible(m[2]) };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** `1 s`, `250 ms` from a number of milliseconds. */
const duration = (ms: number) => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** One sentence of the narration: about an event, or about a packet arriving (`arrival`). */
export interface NarrationLine {
	/** ms of virtual time the sentence is about. */
	t: number;
	text: string;
	/** The event it narrates; null for an arrival. */
	event: TraceEvent | null;
	/** The packet that arrives, for an arrival. */
	arrival?: PacketEvent;
}

/** What a packet is called in an arrival sentence ("the SYN,ACK", "the UDP datagram"). */
function packetName(p: PacketEvent): string {
	if (p.kind === 'segment') return `the ${formatFlags(p.flags)}${p.len ? ` with ${plural(p.len, 'byte')} of data` : ''}`;
	if (p.kind === 'datagram') return `the UDP datagram`;
	return isIcmpv6(p) ? `the ICMPv6 ${icmpName(p.type, p.code, true)}` : `the ICMP ${icmpName(p.type, p.code)}`;
}

/** The sentence for a packet reaching its destination (at `arrivedAt`). */
export function arrivalLine(p: PacketEvent): string {
	const at = p.kind === 'icmp' ? (p.translated?.dst.ip ?? p.dstIp) : formatAddress(p.translated?.dst ?? p.dst);
	return `${formatTime(p.arrivedAt ?? p.t)}: ${packetName(p)} from ${p.from} arrives at ${p.to ?? 'its destination'} (${at}).`;
}

/**
 * Narrates the events of one trace in order. Build one per trace and call {@link line} for its
 * events in trace order (the socket lookup follows the trace; {@link lines} does this for you).
 */
export class Narrator {
	/** TCP socket id by `host|local|remote`, and listeners by `host|local` (state events so far). */
	#tcp = new Map<string, string>();
	/** UDP / ICMP socket id by `host|proto|port` (port allocations so far; ICMP: echo identifier). */
	#ports = new Map<string, string>();
	/** The last window event's numbers, by `host|socket`: an unchanged one is not narrated again. */
	#windows = new Map<string, string>();
	readonly #trace: Trace;
	readonly #relative: ReadonlyMap<number, SeqPair> | null;

	/**
	 * @param options.relative - relative SEG.SEQ / SEG.ACK by segment id (seqspace.ts), to narrate
	 *   the numbers the ladder shows when it counts from each connection's ISNs; absolute if absent.
	 */
	constructor(trace: Trace, options: { relative?: ReadonlyMap<number, SeqPair> | null } = {}) {
		this.#trace = trace;
		this.#relative = options.relative ?? null;
	}

	/**
	 * The whole narration in time order: every event's sentence (PortEvents are not narrated)
	 * and, for each packet that arrives, an arrival sentence at its arrival time, before the
	 * events of that moment (which the arrival causes).
	 */
	lines(): NarrationLine[] {
		const events: NarrationLine[] = [];
		const arrivals: NarrationLine[] = [];
		for (const e of this.#trace.events) {
			const text = this.line(e);
			if (text !== null) events.push({ t: e.t, text, event: e });
			if ((e.kind === 'segment' || e.kind === 'datagram' || e.kind === 'icmp') && e.arrivedAt !== null) {
				arrivals.push({ t: e.arrivedAt, text: arrivalLine(e), event: null, arrival: e });
			}
		}
		arrivals.sort((a, b) => a.t - b.t || a.arrival!.id - b.arrival!.id);
		const out: NarrationLine[] = [];
		let i = 0;
		for (const l of events) {
			while (i < arrivals.length && arrivals[i].t <= l.t) out.push(arrivals[i++]);
			out.push(l);
		}
		while (i < arrivals.length) out.push(arrivals[i++]);
		return out;
	}

	/**
	 * The sentence for one event, with its time (`120 ms: …`); `null` for events that are not
	 * narrated: port allocations, which the port map and socket tables show, and a window event
	 * whose numbers are the same as the socket's previous one (the engine records the window each
	 * time it sends or receives; the narration tells only what changed).
	 * Events must be given in trace order.
	 */
	line(e: TraceEvent): string | null {
		this.#learn(e);
		if (e.kind === 'port') return null;
		if (e.kind === 'window') {
			const key = `${e.host}|${e.socket}`;
			const numbers = `${e.inFlight}|${e.sndWnd}|${e.cwnd}|${e.ssthresh}`;
			if (this.#windows.get(key) === numbers) return null;
			this.#windows.set(key, numbers);
		}
		return `${formatTime(e.t)}: ${this.#sentence(e)}`;
	}

	#learn(e: TraceEvent) {
		if (e.kind === 'state') {
			this.#tcp.set(`${e.host}|${formatAddress(e.local)}|${formatAddress(e.remote)}`, e.socket);
		} else if (e.kind === 'port' && e.action === 'allocate' && e.via !== 'nat' && (e.proto === 'UDP' || e.proto === 'ICMP')) {
			this.#ports.set(`${e.host}|${e.proto}|${e.port}`, e.socket);
		}
	}

	/** `c1 on client`, or just `laptop#ping1` for an automatic id that already names its host. */
	static socketRef(host: string, socket: string): string {
		return socket.startsWith(`${host}#`) ? socket : `${socket} on ${host}`;
	}

	/** The socket that sent a packet, when the trace tells. */
	#sender(p: PacketEvent): string | null {
		if (p.kind === 'segment') {
			return (
				this.#tcp.get(`${p.from}|${formatAddress(p.src)}|${formatAddress(p.dst)}`) ??
				this.#tcp.get(`${p.from}|${formatAddress(p.src)}|${formatAddress({ ip: '0.0.0.0', port: 0 })}`) ??
				null
			);
		}
		if (p.kind === 'datagram') return this.#ports.get(`${p.from}|UDP|${p.src.port}`) ?? null;
		if (p.type === 8) return this.#ports.get(`${p.from}|ICMP|${p.identifier ?? 0}`) ?? null;
		return null;
	}

	/**
	 * Who sends a packet, and a note when no socket did: a RST for a port no socket holds comes
	 * from the kernel; any other TCP segment without a socket was written raw (a SYN scanner's
	 * probes, an `inject` line); ICMP errors and echo replies come from the kernel or router.
	 */
	#who(p: PacketEvent): { who: string; note: string } {
		const s = this.#sender(p);
		if (s) return { who: Narrator.socketRef(p.from, s), note: '' };
		const role = this.#trace.hosts.find((h) => h.name === p.from)?.role;
		const node = role === 'router' || role === 'nat' ? `router ${p.from}` : `the kernel of ${p.from}`;
		if (p.kind === 'segment') {
			if (p.flags.includes('RST')) return { who: node, note: ` (no socket holds ${formatAddress(p.src)})` };
			return { who: p.from, note: ' (a raw packet, not sent by a TCP socket)' };
		}
		if (p.kind === 'datagram') return { who: p.from, note: ' (a raw packet, not sent by a UDP socket)' };
		return { who: node, note: '' };
	}

	#sentence(e: Exclude<TraceEvent, { kind: 'port' }>): string {
		switch (e.kind) {
			case 'segment':
			case 'datagram':
			case 'icmp':
				return this.#packet(e);
			case 'state':
				return `${Narrator.socketRef(e.host, e.socket)} moves from ${e.from} to ${e.to} (${e.cause}).`;
			case 'error':
				return this.#error(e);
			case 'call':
				return this.#call(e);
			case 'nat':
				if (e.action === 'create' && e.type !== undefined) {
					return `NAT ${e.host} translates ${e.proto} ${formatAddress(e.inside)} to ${formatAddress(e.outside)} for ${formatAddress(e.remote)}: ${e.type === 'static' ? 'a static entry' : 'an address from its pool'}, so only the address changes, not the port.`;
				}
				return e.action === 'create'
					? `NAT ${e.host} maps ${e.proto} ${formatAddress(e.inside)} to its public ${formatAddress(e.outside)} for ${formatAddress(e.remote)}.`
					: `NAT ${e.host} forgets the ${e.proto} mapping ${formatAddress(e.inside)} ↔ ${formatAddress(e.outside)}.`;
			case 'window':
				return (
					`${Narrator.socketRef(e.host, e.socket)}: ${e.inFlight === 0 ? 'nothing' : e.inFlight === 1 ? '1 byte' : `${e.inFlight} bytes`} in flight, the peer's window is ${e.sndWnd === 0 ? 'zero' : `${e.sndWnd} bytes`}` +
					(e.cwnd === null ? '.' : `, cwnd ${e.cwnd} bytes${e.ssthresh === null ? '' : `, ssthresh ${e.ssthresh}`}.`)
				);
			case 'queue':
				return `${Narrator.socketRef(e.host, e.socket)} (backlog ${e.backlog}): ${e.detail}. SYN queue ${e.synQueue}, accept queue ${e.acceptQueue}.`;
		}
	}

	#packet(p: PacketEvent): string {
		const { who, note } = this.#who(p);
		const fate = p.arrivedAt === null ? ` ${FATE[p.dropped ?? 'lost'] ?? FATE.lost}` : '';
		const verb = p.kind === 'segment' && p.retransmission ? 'resends' : 'sends';
		if (p.kind === 'segment') {
			const n = this.#relative?.get(p.id) ?? p;
			const parts = [formatFlags(p.flags), `seq=${n.seq}`];
			if (p.flags.includes('ACK')) parts.push(`ack=${n.ack}`);
			const data = p.len ? ` with ${plural(p.len, 'byte')} of data` : '';
			const again = p.retransmission ? ' (a retransmission)' : '';
			return `${who} ${verb} ${parts.join(' ')}${data}${again} from ${formatAddress(p.src)} to ${formatAddress(p.dst)}${note}.${fate}`;
		}
		if (p.kind === 'datagram') {
			const ttl = p.ttl < 32 ? ` with TTL ${p.ttl}` : '';
			return `${who} sends a UDP datagram of ${plural(p.len, 'byte')}${ttl} from ${formatAddress(p.src)} to ${formatAddress(p.dst)}${note}.${fate}`;
		}
		const about = this.#about(p);
		return `${who} ${verb} ${this.#icmp(p)} from ${p.srcIp} to ${p.dstIp}${about ? `, about ${about}` : ''}.${fate}`;
	}

	#icmp(p: IcmpEvent): string {
		const v6 = isIcmpv6(p);
		const name = `${v6 ? 'ICMPv6' : 'ICMP'} ${icmpName(p.type, p.code, v6)}`;
		const request = v6 ? 128 : 8;
		if (p.type === (v6 ? 129 : 0) || p.type === request) {
			const ttl = p.type === request && p.ttl < 32 ? ` with ${v6 ? 'Hop Limit' : 'TTL'} ${p.ttl}` : '';
			return `${name} id=${p.identifier ?? 0} seq=${p.sequence ?? 0}${ttl}`;
		}
		if (v6 && p.type === 2 && p.mtu !== undefined) return `${name} (MTU ${p.mtu})`;
		if (v6 && (p.type === 135 || p.type === 136) && p.target !== undefined) return `${name} for ${p.target}`;
		return name;
	}

	/** What an ICMP error is about: the packet its body quotes (RFC 792). */
	#about(p: IcmpEvent): string | null {
		const q = p.quoted;
		if (!q || (isIcmpv6(p) ? p.type >= 128 : p.type === 0 || p.type === 8)) return null;
		if (q.proto === 'ICMP') return `the Echo Request id=${q.identifier ?? 0} seq=${q.sequence ?? 0} from ${q.src.ip}`;
		return `the ${q.proto === 'TCP' ? 'TCP segment' : 'UDP datagram'} ${formatAddress(q.src)} → ${formatAddress(q.dst)}`;
	}

	#error(e: ErrorEvent): string {
		// Messages may start with the call and its arguments ("bind(80): ports below 1024 …").
		const m = /^([a-z_]+)\(([^)]*)\):\s*(.*)$/is.exec(e.message);
		const call = m && m[1] === e.call && m[2] !== '' ? `${e.call}(${m[2]})` : `${e.call}()`;
		const reason = (m && m[1] === e.call ? m[3] : e.message).replace(/\.$/, '');
		// Windows hosts: WinSock name and number, e.g. "WSAENOBUFS (10055)".
		const code = e.code !== undefined ? ` (${e.code})` : '';
		return `${Narrator.socketRef(e.host, e.socket)}: ${call} fails with ${e.errno}${code}: ${reason}.`;
	}

	#call(e: CallEvent): string {
		const who = Narrator.socketRef(e.host, e.socket);
		const d = e.detail ?? '';
		switch (e.call) {
			case 'listen':
				return `${who} calls listen() to take connections on ${d}.`;
			case 'connect':
				return `${who} calls connect() to open a connection to ${d}.`;
			case 'bind':
				return `${who} calls bind() to take ${d}.`;
			case 'accept': {
				const m = /^(\S+) from (\S+)$/.exec(d);
				return m ? `${who} accepts the connection from ${m[2]} as socket ${m[1]}.` : `${who} accepts a connection (${squash(d)}).`;
			}
			case 'send': {
				const b = bytesAndPreview(d);
				if (!b) return `${who} calls send() (${squash(d)}).`;
				return `${who} writes ${plural(b.bytes, 'byte')}${b.preview ? ` (“${b.preview}”)` : ''} with send().`;
			}
			case 'sendto': {
				const m = /^(\S+) ([\s\S]*)$/.exec(d);
				const b = m ? bytesAndPreview(m[2]) : null;
				if (!m || !b) return `${who} calls sendto() (${squash(d)}).`;
				return `${who} sends ${plural(b.bytes, 'byte')}${b.preview ? ` (“${b.preview}”)` : ''} to ${m[1]} with sendto().`;
			}
			case 'read':
			case 'recv':
				return this.#read(e, who);
			case 'close':
				return `${who} calls close().`;
			case 'abort':
				return `${who} aborts its connection (ABORT in RFC 9293; close() with SO_LINGER set to 0 in the sockets API): RST instead of FIN.`;
			case 'ping': {
				const m = /^(\S+) count=(\d+) interval=(\d+)ms$/.exec(d.trim());
				return m
					? `${who} pings ${m[1]}: ${plural(Number(m[2]), 'Echo Request')}, ${duration(Number(m[3]))} apart.`
					: `${who} pings ${squash(d)}.`;
			}
			case 'traceroute':
			case 'tracert': {
				const [dest, ...rest] = d.split(',');
				const tool = e.call === 'tracert' ? 'tracert' : 'traceroute';
				return `${who} runs ${tool} to ${dest.trim()}${rest.length ? ` (${rest.map((r) => r.trim()).join(', ')})` : ''}.`;
			}
			case 'probe': {
				const m = /^hop (\d+) \(ttl=(\d+)\) probe (\d+):\s*(.*)$/.exec(d.trim());
				if (!m) return `${who} records a probe result: ${squash(d)}.`;
				const answer = squash(m[4]);
				const got = /^(\S+) (\d+(?:\.\d+)? ms)$/.exec(answer);
				const head = `probe ${m[3]} of hop ${m[1]} (TTL ${m[2]})`;
				return got ? `${who}: ${head} is answered by ${got[1]} after ${got[2]}.` : `${who}: ${head}: ${answer === '*' ? 'no answer' : answer}.`;
			}
			case 'hop':
				return `${who} prints ${hopLine(d)}.`;
			case 'done':
				return `${who} is done: ${squash(d)}.`;
			default:
				return d.trim() === '' ? `${who} calls ${e.call}().` : `${who} calls ${e.call}() (${squash(d)}).`;
		}
	}

	#read(e: CallEvent, who: string): string {
		const d = e.detail ?? '';
		if (e.call === 'recv' && !/^\d+ bytes?$/.test(d.trim())) {
			// A tool's receive line (ping's "64 bytes from …: icmp_seq=1 ttl=62 time=40 ms").
			return `${who} gets a reply: ${squash(d)}.`;
		}
		const m = /^(\d+) bytes?/.exec(d.trim());
		if (!m) return `${who} calls ${e.call}().`;
		const n = Number(m[1]);
		if (n > 0) return `${who} reads ${plural(n, 'byte')} with ${e.call}().`;
		if (/SHUT_RD/.test(d)) return `${who} calls ${e.call}(), which returns 0 bytes: end of stream for this program, which shut down its receiving side with shutdown(SHUT_RD).`;
		if (/end of stream/i.test(d)) return `${who} calls ${e.call}(), which returns 0 bytes: end of stream, the peer has sent its FIN.`;
		// 0 without end of stream: nothing is waiting (a program that reads as data arrives has taken it).
		return `${who} calls ${e.call}(), but nothing is waiting: what arrived was already read as it came (a blocking ${e.call}() would wait for more).`;
	}
}

/** A traceroute output line (` 3  203.0.113.5  40 ms  203.0.113.5  40 ms  * `) in words. */
export function hopLine(detail: string): string {
	const tokens = squash(detail).split(' ');
	const hop = tokens.shift();
	if (!hop || !/^\d+$/.test(hop)) return `the line “${squash(detail)}”`;
	const probes: { from: string | null; ms: string | null }[] = [];
	let from: string | null = null;
	for (let i = 0; i < tokens.length; i++) {
		const t = tokens[i];
		if (t === '*') probes.push({ from: null, ms: null });
		else if (/^\d+(\.\d+)?$/.test(t) && tokens[i + 1] === 'ms') {
			probes.push({ from, ms: `${t} ms` });
			i++;
		} else if (/^<?\d+(\.\d+)?ms$/.test(t)) probes.push({ from, ms: t.replace('ms', ' ms') });
		else from = t.replace(/^\[|\]$/g, '');
	}
	// Windows tracert prints the times first and the address last ("  1  4 ms  4 ms  4 ms  192.168.1.1").
	for (const p of probes) if (p.ms && p.from === null) p.from = from;
	if (probes.length === 0) return `hop ${hop}: ${from ?? 'no answer'}`;
	const senders = [...new Set(probes.map((p) => p.from).filter((f): f is string => f !== null))];
	const times = probes.map((p) => p.ms ?? 'no answer').join(', ');
	if (senders.length <= 1) return `hop ${hop}: ${senders[0] ?? 'no answer'} (${times})`;
	return `hop ${hop}: ${probes.map((p) => (p.ms ? `${p.from} ${p.ms}` : 'no answer')).join(', ')}`;
}

/** The narration of a whole trace (see {@link Narrator.lines}). */
export function narrateTrace(trace: Trace, options: { relative?: ReadonlyMap<number, SeqPair> | null } = {}): NarrationLine[] {
	return new Narrator(trace, options).lines();
}

/**
 * The sentences of one moment as the figure shows them under its ladder: all of them when there
 * are at most `max`, else the first and last few with the number left out between them. A bulk
 * send puts hundreds of segments on the wire at one virtual instant (wscale-lfn's 300,000-byte
 * window); listing each one made the figure 15,000 px tall. The full event log lists them all.
 *
 * @param lines - the sentences at the current moment, in order.
 * @param max - the most sentences shown (≥ 3).
 * @returns `head` and `tail` to show, and `hidden`, the number of sentences left out between them (0 when none).
 */
export function clipMoment<T>(lines: readonly T[], max = 8): { head: T[]; hidden: number; tail: T[] } {
	if (lines.length <= max) return { head: [...lines], hidden: 0, tail: [] };
	const tailN = Math.floor((max - 1) / 2);
	const headN = max - 1 - tailN;
	return { head: lines.slice(0, headN), hidden: lines.length - headN - tailN, tail: lines.slice(lines.length - tailN) };
}
