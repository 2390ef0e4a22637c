/**
 * What `ping` and `traceroute` print, rebuilt from a trace's ICMP and UDP packets.
 *
 * Sessions are recognised from the packets themselves (no call events needed):
 * - ICMP Echo Requests (type 8) from one host to one address with one identifier:
 *   a `ping` when they all carry the same TTL, a Windows `tracert` when the TTL
 *   counts up from 1 (tracert probes with ICMP echo).
 * - UDP datagrams to ports 33434 and up whose TTL counts up from 1: a Unix
 *   `traceroute` (Van Jacobson's classic UDP probes).
 *
 * Replies are matched to probes the way the tools do: an Echo Reply by its identifier
 * and sequence number; an ICMP error (Time Exceeded, Port Unreachable) by the UDP
 * ports it quotes, or, for quoted ICMP, by order. Output formats follow iputils
 * `ping`, Linux `traceroute -n` and Windows `ping` / `tracert -d`.
 */
import type { DatagramEvent, IcmpEvent, Trace } from '$lib/sim/trace';
import { winsockError } from '$lib/sim/errno';

/** How long each tool waits for a reply before printing a timeout, ms. */
export const WAIT_MS = {
	/** iputils ping: a reply after this is not counted (the -W default is 10 s for the last probe). */
	unixPing: 10_000,
	/** Linux traceroute -w 5.0 (default). */
	unixTrace: 5_000,
	/** Windows ping -w 4000 and tracert -w 4000 (defaults). */
	windows: 4_000
} as const;

/** A probe and the reply matched to it. */
interface Probe {
	ev: DatagramEvent | IcmpEvent;
	ttl: number;
	reply: IcmpEvent | null;
}

/** One run of ping or traceroute seen in a trace. */
export interface TerminalSession {
	host: string;
	kind: 'ping' | 'traceroute' | 'strace';
	style: 'unix' | 'windows';
	/** The address pinged or traced. */
	target: string;
	/** The command line as typed (without prompt). */
	command: string;
	/** Output lines printed by virtual time `t`. */
	lines: string[];
	/** Has the tool finished by `t`? */
	done: boolean;
}

/** Options for {@link terminalSessions}. */
export interface TerminalOptions {
	/** Last moment of the trace (ms): probes unanswered by then count as lost. */
	end?: number;
	/**
	 * Routers between two hosts (each decrements the TTL), to show a reply's TTL as
	 * received. Default: none (the TTL as sent).
	 */
	routersBetween?: (from: string, to: string) => number;
}

/** iputils formats an RTT with 3 significant digits: `123`, `40.0`, `1.23`, `0.456`. */
export function formatPingRtt(ms: number): string {
	if (ms >= 100) return String(Math.round(ms));
	if (ms >= 10) return ms.toFixed(1);
	if (ms >= 1) return ms.toFixed(2);
	return ms.toFixed(3);
}

/** Windows shows whole milliseconds and `<1ms` below one. */
function winMs(ms: number): { eq: string; field: string } {
	const r = Math.round(ms);
	return ms < 1 ? { eq: '<1ms', field: '    <1 ms' } : { eq: `=${r}ms`, field: `  ${String(r).padStart(4)} ms` };
}

const isWindows = (os: string | undefined) => (os ?? '').startsWith('windows');

/**
 * The terminal output of every ping and traceroute in `trace`, as printed by virtual
 * time `t` (ms), sessions in the order they started.
 */
export function terminalSessions(trace: Trace, t: number, opts: TerminalOptions = {}): TerminalSession[] {
	const end = opts.end ?? trace.end;
	const hostOs = new Map(trace.hosts.map((h) => [h.name, h.os]));
	const hostIp = new Map(trace.hosts.map((h) => [h.name, h.ip]));
	const hostIp6 = new Map(trace.hosts.map((h) => [h.name, h.ip6]));
	const hops = opts.routersBetween ?? (() => 0);

	// Group probes into sessions.
	const groups = new Map<string, { host: string; target: string; proto: 'ICMP' | 'UDP'; probes: Probe[] }>();
	const replies: IcmpEvent[] = [];
	for (const e of trace.events) {
		// Echo Request: ICMP 8, ICMPv6 128 (ping6; RFC 4443 §4.1).
		if (e.kind === 'icmp' && e.type === (e.icmpv6 ? 128 : 8)) {
			const key = `icmp|${e.from}|${e.dstIp}|${e.identifier ?? 0}`;
			const g = groups.get(key) ?? { host: e.from, target: e.dstIp, proto: 'ICMP' as const, probes: [] };
			g.probes.push({ ev: e, ttl: e.ttl, reply: null });
			groups.set(key, g);
		} else if (e.kind === 'datagram' && e.dst.port >= 33434 && e.dst.port < 33434 + 3 * 255 && e.ttl < 64) {
			const key = `udp|${e.from}|${e.dst.ip}`;
			const g = groups.get(key) ?? { host: e.from, target: e.dst.ip, proto: 'UDP' as const, probes: [] };
			g.probes.push({ ev: e, ttl: e.ttl, reply: null });
			groups.set(key, g);
		} else if (e.kind === 'icmp' && (e.icmpv6 ? e.type === 129 || e.type === 1 || e.type === 3 : e.type === 0 || e.type === 3 || e.type === 11) && e.arrivedAt !== null) {
			replies.push(e);
		}
	}

	const out: { start: number; s: TerminalSession }[] = [];
	for (const g of groups.values()) {
		const ttls = g.probes.map((p) => p.ttl);
		const trace_ = g.proto === 'UDP' ? Math.min(...ttls) === 1 : Math.min(...ttls) === 1 && Math.max(...ttls) > 1;
		if (g.proto === 'UDP' && !trace_) continue;
		const myIp = hostIp.get(g.host);
		const myIp6 = hostIp6.get(g.host);
		const mine = replies.filter((r) => r.to === g.host || (myIp !== undefined && r.dstIp === myIp) || (myIp6 !== undefined && r.dstIp === myIp6));
		matchReplies(g.probes, mine, g.proto);
		const style: 'unix' | 'windows' = g.proto === 'ICMP' && trace_ ? 'windows' : g.proto === 'UDP' ? 'unix' : isWindows(hostOs.get(g.host)) ? 'windows' : 'unix';
		const wait = style === 'windows' ? WAIT_MS.windows : trace_ ? WAIT_MS.unixTrace : WAIT_MS.unixPing;
		const known = (p: Probe) => p.ev.t <= t;
		const answered = (p: Probe) => p.reply !== null && (p.reply.arrivedAt as number) <= t;
		const timedOut = (p: Probe) => !answered(p) && (t >= p.ev.t + wait || t >= end);
		const resolved = (p: Probe) => known(p) && (answered(p) || timedOut(p));
		const rtt = (p: Probe) => (p.reply!.arrivedAt as number) - p.ev.t;
		const recvTtl = (p: Probe) => Math.max(1, p.reply!.ttl - hops(p.reply!.from, g.host));
		const s: TerminalSession = trace_
			? traceLines(g.target, g.probes, style, { known, answered, resolved, rtt }, t)
			: pingLines(g.target, g.probes, style, { known, answered, resolved, timedOut, rtt, recvTtl });
		s.host = g.host;
		if (g.probes.some(known)) out.push({ start: g.probes[0].ev.t, s });
	}
	out.push(...failedCalls(trace, t));
	return out.sort((a, b) => a.start - b.start).map((x) => x.s);
}

/** What strerror(3) prints for each errno (glibc wording). */
export const STRERROR: Record<string, string> = {
	ECONNREFUSED: 'Connection refused',
	ECONNRESET: 'Connection reset by peer',
	EADDRNOTAVAIL: 'Cannot assign requested address',
	EADDRINUSE: 'Address already in use',
	EACCES: 'Permission denied',
	ETIMEDOUT: 'Connection timed out',
	EHOSTUNREACH: 'No route to host',
	ENOTCONN: 'Transport endpoint is not connected',
	EINVAL: 'Invalid argument',
	EDESTADDRREQ: 'Destination address required',
	ENOBUFS: 'No buffer space available'
};

/**
 * Socket calls that failed by virtual time `t`, one session per host (Windows hosts print the
 * WinSock name, number and Microsoft's text: `failed: WSAENOBUFS 10055 (No buffer space available.)`). On Linux it is
 * `strace -e trace=network`, printed as strace prints a failing system call:
 * `connect(c1, 203.0.113.5:80) = -1 ECONNREFUSED (Connection refused)`. Other systems have no
 * strace, so there the program itself reports each failure (`connect(c1, 203.0.113.5:80) failed:
 * ECONNREFUSED (...)`), at a `C:\>` prompt on Windows.
 * The arguments are those of the socket's latest call event (listen() stands for its bind(), for example).
 */
function failedCalls(trace: Trace, t: number): { start: number; s: TerminalSession }[] {
	const byHost = new Map<string, { start: number; lines: string[] }>();
	const lastCall = new Map<string, string>();
	const osOf = new Map(trace.hosts.map((h) => [h.name, h.os]));
	for (const e of trace.events) {
		if (e.t > t) break;
		if (e.kind === 'call') lastCall.set(e.socket, e.detail);
		if (e.kind !== 'error' || e.call === 'nat') continue;
		const detail = lastCall.get(e.socket);
		const args = detail ? `${e.socket}, ${detail}` : e.socket;
		const entry = byHost.get(e.host) ?? { start: e.t, lines: [] };
		const linux = (osOf.get(e.host) ?? 'linux') === 'linux';
		// Windows hosts report the WinSock name and number, with Microsoft's text for it.
		const ws = e.code !== undefined ? winsockError(e.errno) : undefined;
		const why = ws ? `${e.errno} ${ws.code} (${ws.text})` : `${e.errno} (${STRERROR[e.errno] ?? e.message})`;
		entry.lines.push(linux ? `${e.call}(${args}) = -1 ${why}` : `${e.call}(${args}) failed: ${why}`);
		byHost.set(e.host, entry);
	}
	return [...byHost].map(([host, { start, lines }]) => {
		const os = osOf.get(host) ?? 'linux';
		const windows = isWindows(os);
		const command = os === 'linux' ? 'strace -e trace=network ./app' : windows ? 'app.exe' : './app';
		return { start, s: { host, kind: 'strace' as const, style: windows ? ('windows' as const) : ('unix' as const), target: '', command, lines, done: false } };
	});
}

/** Attach to each probe the reply that answers it. */
function matchReplies(probes: Probe[], replies: IcmpEvent[], proto: 'ICMP' | 'UDP') {
	const used = new Set<IcmpEvent>();
	for (const r of replies) {
		let cand: Probe | undefined;
		const open = (p: Probe) => p.reply === null && p.ev.t <= r.t;
		if (r.type === (r.icmpv6 ? 129 : 0)) {
			cand = probes.find((p) => open(p) && p.ev.kind === 'icmp' && p.ev.identifier === r.identifier && p.ev.sequence === r.sequence);
		} else if (r.quoted && r.quoted.proto === 'UDP' && proto === 'UDP') {
			const q = r.quoted;
			cand = probes.find((p) => open(p) && p.ev.kind === 'datagram' && p.ev.src.port === q.src.port && p.ev.dst.port === q.dst.port && p.ev.dst.ip === q.dst.ip);
		} else if (r.quoted && r.quoted.proto === 'ICMP' && proto === 'ICMP' && (r.quoted as { sequence?: number }).sequence !== undefined) {
			// The quoted echo request's identifier and sequence (carried when the engine records them).
			const q = r.quoted as { identifier?: number; sequence?: number };
			cand = probes.find((p) => open(p) && p.ev.kind === 'icmp' && p.ev.sequence === q.sequence && (q.identifier === undefined || p.ev.identifier === q.identifier));
		} else if (!r.quoted || r.quoted.proto === proto) {
			const target = probes[0].ev.kind === 'icmp' ? probes[0].ev.dstIp : probes[0].ev.dst.ip;
			if (!r.quoted || r.quoted.dst.ip === target) cand = probes.find(open);
		}
		if (cand && !used.has(r)) {
			cand.reply = r;
			used.add(r);
		}
	}
}

interface Fns {
	known: (p: Probe) => boolean;
	answered: (p: Probe) => boolean;
	resolved: (p: Probe) => boolean;
	rtt: (p: Probe) => number;
}

function pingLines(
	target: string,
	probes: Probe[],
	style: 'unix' | 'windows',
	f: Fns & { timedOut: (p: Probe) => boolean; recvTtl: (p: Probe) => number }
): TerminalSession {
	const lines: string[] = [];
	const done = probes.every(f.resolved);
	if (style === 'unix') {
		// iputils: 56 data bytes make 84-byte IPv4 packets, 104-byte IPv6 ones (40-byte header).
		lines.push(`PING ${target} (${target}) 56(${target.includes(':') ? 104 : 84}) bytes of data.`);
		// Replies print in arrival order.
		const got = probes.filter(f.answered).sort((a, b) => (a.reply!.arrivedAt as number) - (b.reply!.arrivedAt as number));
		for (const p of got) {
			lines.push(`64 bytes from ${p.reply!.srcIp}: icmp_seq=${(p.ev as IcmpEvent).sequence ?? 0} ttl=${f.recvTtl(p)} time=${formatPingRtt(f.rtt(p))} ms`);
		}
		if (done) {
			const rtts = got.map(f.rtt);
			const n = probes.length;
			const loss = Math.round(((n - got.length) / n) * 100);
			const span = Math.round(probes[n - 1].ev.t - probes[0].ev.t);
			lines.push('', `--- ${target} ping statistics ---`, `${n} packets transmitted, ${got.length} received, ${loss}% packet loss, time ${span}ms`);
			if (rtts.length) {
				const min = Math.min(...rtts);
				const max = Math.max(...rtts);
				const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
				const mdev = Math.sqrt(Math.max(0, rtts.reduce((a, b) => a + b * b, 0) / rtts.length - avg * avg));
				lines.push(`rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${mdev.toFixed(3)} ms`);
			}
		}
		return { host: '', kind: 'ping', style, target, command: `ping -c ${probes.length} ${target}`, lines, done };
	}
	lines.push(`Pinging ${target} with 32 bytes of data:`);
	for (const p of probes) {
		if (!f.resolved(p)) break;
		if (f.answered(p)) lines.push(`Reply from ${p.reply!.srcIp}: bytes=32 time${winMs(f.rtt(p)).eq} TTL=${f.recvTtl(p)}`);
		else lines.push('Request timed out.');
	}
	if (done) {
		const rtts = probes.filter(f.answered).map((p) => Math.round(f.rtt(p)));
		const n = probes.length;
		lines.push('', `Ping statistics for ${target}:`, `    Packets: Sent = ${n}, Received = ${rtts.length}, Lost = ${n - rtts.length} (${Math.round(((n - rtts.length) / n) * 100)}% loss),`);
		if (rtts.length) {
			const avg = Math.round(rtts.reduce((a, b) => a + b, 0) / rtts.length);
			lines.push('Approximate round trip times in milli-seconds:', `    Minimum = ${Math.min(...rtts)}ms, Maximum = ${Math.max(...rtts)}ms, Average = ${avg}ms`);
		}
	}
	return { host: '', kind: 'ping', style, target, command: `ping -n ${probes.length} ${target}`, lines, done };
}

function traceLines(target: string, probes: Probe[], style: 'unix' | 'windows', f: Fns, t: number): TerminalSession {
	const byHop = new Map<number, Probe[]>();
	for (const p of probes) byHop.set(p.ttl, [...(byHop.get(p.ttl) ?? []), p]);
	const hopNums = [...byHop.keys()].sort((a, b) => a - b);
	const lines: string[] = [];
	let reached = false;
	const v6 = target.includes(':');
	// Linux traceroute: 60-byte probes over IPv4, 80-byte over IPv6 (traceroute(8)).
	if (style === 'unix') lines.push(`traceroute to ${target} (${target}), 30 hops max, ${v6 ? 80 : 60} byte packets`);
	else lines.push(`Tracing route to ${target} over a maximum of 30 hops`, '');
	let done = false;
	for (const h of hopNums) {
		const ps = byHop.get(h)!;
		if (!ps.some(f.known)) break;
		if (style === 'unix') {
			// Linux traceroute: "%2d " then per probe " addr" (when it changes) "  %.3f ms", or " *".
			let line = `${String(h).padStart(2)} `;
			let last: string | null = null;
			for (const p of ps) {
				if (!f.resolved(p)) break;
				if (f.answered(p)) {
					if (p.reply!.srcIp !== last) line += ` ${p.reply!.srcIp}`;
					last = p.reply!.srcIp;
					line += `  ${f.rtt(p).toFixed(3)} ms`;
				} else line += ' *';
			}
			lines.push(line);
			// The next hop's line only starts once this one is complete.
			if (!ps.every(f.resolved)) break;
		} else {
			// Windows tracert -d: "%3d" then per probe "  %4d ms" / "     *   ", then "  addr" or "  Request timed out.".
			let line = String(h).padStart(3);
			let addr: string | null = null;
			const allDone = ps.every(f.resolved);
			for (const p of ps) {
				if (!f.resolved(p)) break;
				if (f.answered(p)) {
					line += winMs(f.rtt(p)).field;
					addr = p.reply!.srcIp;
				} else line += '     *   ';
			}
			if (allDone) line += addr ? `  ${addr}` : '  Request timed out.';
			lines.push(line);
			if (!allDone) break;
		}
		// Arrived: the destination answered (ICMP 3 or 0; ICMPv6 1 or 129).
		const hit = ps.some((p) => f.answered(p) && (p.reply!.srcIp === target || (p.reply!.icmpv6 ? p.reply!.type === 1 || p.reply!.type === 129 : p.reply!.type === 3 || p.reply!.type === 0)));
		if (hit && ps.every(f.resolved)) {
			reached = true;
			break;
		}
	}
	const last = probes[probes.length - 1];
	done = reached || (probes.every(f.resolved) && t >= last.ev.t);
	if (style === 'windows' && done) lines.push('', 'Trace complete.');
	return {
		host: '',
		kind: 'traceroute',
		style,
		target,
		command: style === 'unix' ? `${v6 ? 'traceroute6' : 'traceroute'} -n ${target}` : `tracert -d ${target}`,
		lines,
		done
	};
}
