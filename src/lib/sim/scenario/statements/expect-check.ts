/**
 * Checking `expect` lines (expect.ts) against a finished run. Each check reads the trace as of
 * the end of its line's instant (every event with `t <= T`), returns null when the expectation
 * holds, or one sentence saying what happened instead and, where it helps, when what was
 * expected does happen, so the author can fix the time.
 *
 * @module
 */
import { hostPort } from '../../wire';
import { formatEventDetail } from '../../format';
import { WINSOCK_ERRORS, type PosixErrno } from '../../errno';
import { formatSynOptions, isPacket, type PacketEvent, type SocketErrno, type StateEvent, type TraceEvent } from '../../trace';
import type { ExpectAction, PacketMatch } from './expect';
import type { CheckRuntime } from './spec';

/**
 * The error names an `expect SOCKET error` line may use (trace.ts `SocketErrno`): the POSIX
 * names, then their WinSock counterparts that Windows hosts record (errno.ts).
 */
const POSIX_ERRNOS = [
	'ECONNREFUSED',
	'ECONNRESET',
	'EADDRNOTAVAIL',
	'EADDRINUSE',
	'EACCES',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENOTCONN',
	'EINVAL',
	'EDESTADDRREQ',
	'ENOBUFS',
	'EPIPE',
	'EBADF'
] as const satisfies readonly PosixErrno[];
export const ERRNOS: readonly SocketErrno[] = [...POSIX_ERRNOS, ...POSIX_ERRNOS.map((e) => WINSOCK_ERRORS[e].name)];
/** An error name of {@link ERRNOS}. */
export type Errno = SocketErrno;

/** Engine times are sums of latencies: compare them with a tolerance far below a microsecond. */
const EPS = 1e-6;
const U32 = 0x1_0000_0000;

/** `250 ms`, `1.5 ms`. */
const ms = (t: number): string => `${Number(t.toFixed(3))} ms`;
const upTo = (t: number) => (e: TraceEvent) => e.t <= t + EPS;

type Of<K extends ExpectAction['kind']> = Extract<ExpectAction, { kind: K }>;

/** Failure message when the run stopped (until=) before time `t`, else null. */
function notReached(rt: CheckRuntime, t: number): string | null {
	if (rt.stoppedAt === null || t <= rt.stoppedAt + EPS) return null;
	return `the run stopped at ${ms(rt.stoppedAt)}, before this line's time (${ms(t)}); nothing can be checked there`;
}

function stateEvents(rt: CheckRuntime, socket: string): StateEvent[] {
	return rt.trace.events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === socket);
}

/** `expect SOCKET state STATE`: the socket's state after everything at time `t`. */
export function checkState(rt: CheckRuntime, a: Of<'expect-state'>, t: number): string | null {
	const late = notReached(rt, t);
	if (late) return late;
	const all = stateEvents(rt, a.socket);
	const last = all.filter(upTo(t)).at(-1);
	const created = (rt.createdAt(a.socket) ?? Infinity) <= t + EPS;
	const later = all.find((e) => e.t > t + EPS && e.to === a.state);
	const hint = later ? `; it becomes ${a.state} at ${ms(later.t)}` : '';
	if (!last && !created) return `socket ${a.socket} does not exist yet at ${ms(t)}${hint}`;
	const actual = last ? last.to : 'CLOSED';
	if (actual === a.state) return null;
	const since = last ? ` (since ${ms(last.t)}: ${last.cause})` : '';
	return `${a.socket} is ${actual} at ${ms(t)}${since}, not ${a.state}${hint}`;
}

/** `expect SOCKET error ERRNO`: the socket reported that error at or before `t`. */
export function checkError(rt: CheckRuntime, a: Of<'expect-error'>, t: number): string | null {
	const late = notReached(rt, t);
	if (late) return late;
	const mine = rt.trace.events.filter((e) => e.kind === 'error' && e.socket === a.socket);
	const hit = mine.find((e) => e.kind === 'error' && e.errno === a.errno);
	if (hit && hit.t <= t + EPS) return null;
	const before = mine.filter(upTo(t)).map((e) => (e.kind === 'error' ? `${e.errno} at ${ms(e.t)}` : ''));
	const got = before.length ? `reported ${before.join(', ')}` : 'reported no error';
	return `${a.socket} ${got} by ${ms(t)}, not ${a.errno}${hit ? ` (${a.errno} comes at ${ms(hit.t)})` : ''}`;
}

/** `expect SOCKET local|remote [IP:]PORTS`: the connection's address at time `t`. */
export function checkAddress(rt: CheckRuntime, a: Of<'expect-address'>, t: number): string | null {
	const late = notReached(rt, t);
	if (late) return late;
	const last = stateEvents(rt, a.socket).filter(upTo(t)).at(-1);
	if (!last) return `${a.socket} has no ${a.side} address at ${ms(t)}: it has not been bound or connected yet`;
	const addr = a.side === 'local' ? last.local : last.remote;
	const ipOk = a.ip === null || addr.ip === a.ip;
	if (ipOk && addr.port >= a.ports[0] && addr.port <= a.ports[1]) return null;
	const want = `${a.ip === null ? '' : `${a.ip}:`}${a.ports[0] === a.ports[1] ? a.ports[0] : `${a.ports[0]}..${a.ports[1]}`}`;
	return `${a.socket}'s ${a.side} address at ${ms(t)} is ${hostPort(addr.ip, addr.port)}, not ${a.ip !== null && a.ip.includes(':') ? `[${a.ip}]${want.slice(a.ip.length)}` : want}`;
}

/** A sequence number of an expectation: the number, or a socket's ISS/IRS (+offset). */
function seqValue(rt: CheckRuntime, v: PacketMatch['seq']): number | string | null {
	if (v === null || typeof v === 'number') return v;
	const snap = rt.sim.socketOrNull(v.socket)?.snapshot();
	const base = snap?.[v.field === 'iss' ? 'iss' : 'irs'];
	if (typeof base !== 'number') return `${v.socket}.${v.field} is not known: socket ${v.socket} ${snap ? 'never had one' : 'does not exist'}`;
	return (((base + v.offset) % U32) + U32) % U32;
}

const KIND_OF: Record<PacketMatch['proto'], PacketEvent['kind']> = { TCP: 'segment', UDP: 'datagram', ICMP: 'icmp' };

/** Why packet `e` is not the one `m` describes (empty when it is). */
function mismatches(rt: CheckRuntime, m: PacketMatch, e: PacketEvent, seq: number | null, ack: number | null): string[] {
	const out: string[] = [];
	const dstOwner = e.translated ? rt.ownerOf(e.translated.dst.ip) : undefined;
	if (e.to !== m.to && dstOwner !== m.to) out.push(`it goes to ${e.to ?? 'an unknown host'}`);
	const inRange = (p: number, r: [number, number] | null) => r === null || (p >= r[0] && p <= r[1]);
	if (e.kind === 'segment') {
		if (m.flags && e.flags.join(',') !== m.flags.join(',')) out.push(`its flags are ${e.flags.join(',') || 'none'}`);
		if (seq !== null && e.seq !== seq) out.push(`seq=${e.seq}, not ${seq}`);
		if (ack !== null && e.ack !== ack) out.push(`ack=${e.ack}, not ${ack}`);
		if (m.win !== null && e.wnd !== m.win) out.push(`win=${e.wnd}`);
		if (m.opts !== null && (formatSynOptions(e.options) || 'none') !== m.opts) out.push(`opts="${formatSynOptions(e.options) || 'none'}"`);
		if (m.retransmission && !e.retransmission) out.push('it is not a retransmission');
	}
	if (e.kind !== 'icmp') {
		if (m.len !== null && e.len !== m.len) out.push(`len=${e.len}`);
		if (!inRange(e.src.port, m.sport)) out.push(`sport=${e.src.port}`);
		if (!inRange(e.dst.port, m.dport)) out.push(`dport=${e.dst.port}`);
	} else {
		if (m.icmp && (m.icmp.v6 === true) !== (e.icmpv6 === true)) out.push(`it is ${e.icmpv6 ? 'ICMPv6' : 'ICMP (IPv4)'}`);
		else if (m.icmp && (e.type !== m.icmp.type || (m.icmp.code !== null && e.code !== m.icmp.code))) out.push(`it is type ${e.type} code ${e.code}`);
		if (m.echoId !== null && e.identifier !== m.echoId) out.push(`id=${e.identifier ?? 'none'}`);
		if (m.echoSeq !== null && e.sequence !== m.echoSeq) out.push(`seq=${e.sequence ?? 'none'}`);
	}
	if (m.ttl !== null && e.kind !== 'segment' && e.ttl !== m.ttl) out.push(`ttl=${e.ttl}`);
	const fate = e.arrivedAt !== null ? 'delivered' : (e.dropped ?? 'lost');
	if (m.fate !== null && fate !== m.fate) out.push(fate === 'delivered' ? 'it was delivered' : `it was ${fate === 'lost' ? 'lost' : `dropped (${fate})`}`);
	return out;
}

/** `expect segment|datagram|icmp FROM > TO ...`: such a packet left FROM at time `t` (or up to `within=` later). */
export function checkPacket(rt: CheckRuntime, m: PacketMatch, t: number): string | null {
	const late = notReached(rt, t);
	if (late) return late;
	const seq = seqValue(rt, m.seq);
	const ack = seqValue(rt, m.ack);
	if (typeof seq === 'string') return seq;
	if (typeof ack === 'string') return ack;
	const kind = KIND_OF[m.proto];
	const mine = rt.trace.events.filter((e): e is PacketEvent => isPacket(e) && e.kind === kind && e.from === m.from);
	const now = mine.filter((e) => e.t >= t - EPS && e.t <= t + m.withinMs + EPS);
	const reasons = now.map((e) => ({ e, why: mismatches(rt, m, e, seq, ack) }));
	if (reasons.some((r) => r.why.length === 0)) return null;
	if (reasons.length === 0) {
		const end = t + m.withinMs;
		const next = mine.find((e) => e.t > end + EPS);
		const prev = mine.filter((e) => e.t < t - EPS).at(-1);
		const near = next ? `; its next leaves at ${ms(next.t)}: ${formatEventDetail(next)}` : prev ? `; its last left at ${ms(prev.t)}` : '';
		return `${m.from} sent no ${kind} ${m.withinMs ? `from ${ms(t)} to ${ms(end)}` : `at ${ms(t)}`}${near}`;
	}
	const best = reasons.reduce((x, y) => (y.why.length < x.why.length ? y : x));
	return `${m.from} sent ${formatEventDetail(best.e)} at ${ms(best.e.t)}, but ${best.why.join(', ')}`;
}

/** Ports held on a host at time `t` (count per port), from the trace's port events. */
function portsHeld(rt: CheckRuntime, host: string, proto: 'TCP' | 'UDP', t: number): Map<number, number> {
	const held = new Map<number, number>();
	for (const e of rt.trace.events) {
		if (e.t > t + EPS) break;
		if (e.kind !== 'port' || e.host !== host || e.proto !== proto) continue;
		held.set(e.port, (held.get(e.port) ?? 0) + (e.action === 'allocate' ? 1 : -1));
	}
	return held;
}

/** `expect port HOST PORTS in use|free`: every port of the range is held (or none is) at `t`. */
export function checkPort(rt: CheckRuntime, a: Of<'expect-port'>, t: number): string | null {
	const late = notReached(rt, t);
	if (late) return late;
	const held = portsHeld(rt, a.host, a.proto, t);
	const wrong: number[] = [];
	for (let p = a.ports[0]; p <= a.ports[1] && wrong.length < 6; p++) if (((held.get(p) ?? 0) > 0) !== a.inUse) wrong.push(p);
	if (wrong.length === 0) return null;
	const list = wrong.length > 5 ? `${wrong.slice(0, 5).join(', ')}...` : wrong.join(', ');
	return `on ${a.host} at ${ms(t)}, ${a.proto} port${wrong.length > 1 ? 's' : ''} ${list} ${wrong.length > 1 ? 'are' : 'is'} ${a.inUse ? 'free' : 'in use'}`;
}

/** `expect nothing sent [from=NODE] [for=DURATION]`: no packet leaves after `t` (up to `t + for`). */
export function checkNothing(rt: CheckRuntime, a: Of<'expect-nothing'>, t: number): string | null {
	const late = notReached(rt, t);
	if (late) return late;
	const end = a.forMs === null ? Infinity : t + a.forMs;
	if (rt.stoppedAt !== null && end > rt.stoppedAt + EPS && a.forMs !== null) {
		return `the window ends at ${ms(end)}, after the run stops (${ms(rt.stoppedAt)}); use a later run until=`;
	}
	const sent = rt.trace.events.find((e): e is PacketEvent => isPacket(e) && e.t > t + EPS && e.t <= end + EPS && (a.from === null || e.from === a.from));
	if (!sent) return null;
	return `${sent.from} sent ${formatEventDetail(sent)} at ${ms(sent.t)}`;
}
