/**
 * "Open in playground": a captured conversation as a scenario (docs/scenario-format.md) whose
 * peers replay it with the captured timing.
 *
 * - TCP: both ends are `scripted` hosts (no TCP stack of their own) that `inject` every captured
 *   segment, with its flags, raw sequence and acknowledgement numbers, window and length, at the
 *   time it was captured (ms after the conversation's first packet). The playground's engine then
 *   shows what its own stacks would make of those segments.
 * - UDP: each end binds its captured port and sends the captured datagrams; when the capture
 *   shows an ICMP port-unreachable answer, the receiving end binds nothing, so the simulated host
 *   answers the same way.
 * - ICMP echo: `ping` at the captured times.
 *
 * Scenarios speak IPv4 with one address per host, so IPv6 ends are mapped to 10.0.0.1 and
 * 10.0.0.2, and two ends on one address (loopback) get neighbouring addresses; a comment says so.
 * A scenario stops at the limits a shared link carries (20 000 characters) and says how many of
 * the captured packets it holds.
 *
 * @module
 */
import type { CapturedPacket, ConversationSummary } from './analysis';
import { endpointText } from './analysis';
import { TH_ACK, TH_FIN, TH_PSH, TH_RST, TH_SYN } from './decode';

/** Largest scenario produced, characters (what a playground link carries, src/lib/present/share.ts). */
export const MAX_SCENARIO_CHARS = 20_000;

/** A conversation turned into scenario text. */
export interface CaptureScenario {
	text: string;
	/** Packets of the conversation written as statements, and how many it has. */
	included: number;
	total: number;
}

/** tcpdump-style flag letters, as `inject` takes them: S F R P then `.` for ACK. */
function flagLetters(flags: number): string {
	let s = '';
	if (flags & TH_SYN) s += 'S';
	if (flags & TH_FIN) s += 'F';
	if (flags & TH_RST) s += 'R';
	if (flags & TH_PSH) s += 'P';
	if (flags & TH_ACK) s += '.';
	return s || '.';
}

function ms(t: number): string {
	const r = Math.round(t * 1000) / 1000;
	return `${r}ms`;
}

function quote(text: string): string {
	return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Map the two ends to IPv4 addresses a scenario accepts (distinct, dotted quads). */
function scenarioAddresses(c: Pick<ConversationSummary, 'a' | 'b'>): { a: string; b: string; note: string | null } {
	const v4 = (ip: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
	if (v4(c.a.ip) && v4(c.b.ip) && c.a.ip !== c.b.ip) return { a: c.a.ip, b: c.b.ip, note: null };
	if (v4(c.a.ip) && c.a.ip === c.b.ip) {
		const parts = c.a.ip.split('.').map(Number);
		parts[3] = parts[3] >= 254 ? parts[3] - 1 : parts[3] + 1;
		const b = parts.join('.');
		return { a: c.a.ip, b, note: `# Both ends were ${c.a.ip} (one host talking to itself); the second end is ${b} here, as a scenario gives each host its own address.` };
	}
	return { a: '10.0.0.1', b: '10.0.0.2', note: `# Scenarios are IPv4: ${c.a.ip} is 10.0.0.1 and ${c.b.ip} is 10.0.0.2 here.` };
}

/**
 * The scenario for one conversation, or null when it has nothing a scenario can send (a flow of
 * ICMP errors only).
 *
 * @param c - the conversation.
 * @param packets - its packets in capture order (duplicates and related ICMP errors are skipped).
 * @param names - names for ends A and B (from the replay, e.g. client and server).
 * @param source - where it came from, for the header comment (the file name).
 */
export function conversationScenario(c: ConversationSummary, packets: readonly CapturedPacket[], names: readonly [string, string], source = 'a capture'): CaptureScenario | null {
	const own = packets.filter((p) => !p.duplicate && !p.related);
	if (own.length === 0) return null;
	const t0 = own[0].t;
	const [na, nb] = names.map((n) => n.replace(/[^A-Za-z0-9_-]/g, '') || 'host') as [string, string];
	const nameB = nb === na ? `${nb}2` : nb;
	const addr = scenarioAddresses(c);
	const head: string[] = [];
	const body: string[] = [];
	/** ms (from the conversation's start) of each body statement. */
	const times: number[] = [];
	const put = (t: number, line: string) => {
		times.push(t);
		body.push(`${ms(t)} ${line}`);
	};
	const ends = c.proto === 'TCP' || c.proto === 'UDP' ? `${endpointText(c.a)} and ${endpointText(c.b)}` : `${c.a.ip} and ${c.b.ip}`;
	head.push(`# ${c.proto} stream ${c.stream} of ${source.replace(/[\r\n]/g, ' ')}: ${ends}, replayed with its captured timing.`);
	if (addr.note) head.push(addr.note);
	head.push('seed 1');
	const needsRoot = (port: number) => port > 0 && port < 1024;
	if (c.proto === 'TCP') {
		head.push('# Both hosts are scripted peers: they send exactly the captured segments and never answer on their own.');
		head.push(`host ${na} ${addr.a} scripted`);
		head.push(`host ${nameB} ${addr.b} scripted`);
		head.push(`link ${na} ${nameB} latency=0.001ms`);
		for (const p of own) {
			const from = p.dir === 0 ? na : nameB;
			const to = p.dir === 0 ? nameB : na;
			let line = `inject ${from}->${to} ${p.src.port}>${p.dst.port} ${flagLetters(p.flags)} seq=${p.seq}`;
			if (p.flags & TH_ACK) line += ` ack=${p.ack}`;
			line += ` win=${p.win}`;
			if (p.len > 0) line += ` len=${Math.min(p.len, 65535)}`;
			if (p.preview && p.len > 0) line += ` payload=${quote(p.preview.slice(0, Math.min(40, p.len)))}`;
			put(p.t - t0, line);
		}
	} else if (c.proto === 'UDP') {
		const unreachable = packets.some((p) => p.related && (p.icmpType === 3 || (p.proto === 'ICMPv6' && p.icmpType === 1)));
		const aSends = own.some((p) => p.dir === 0);
		const bSends = own.some((p) => p.dir === 1);
		head.push(`host ${na} ${addr.a}${needsRoot(c.a.port) ? ' root' : ''}`);
		head.push(`host ${nameB} ${addr.b}${needsRoot(c.b.port) ? ' root' : ''}`);
		head.push(`link ${na} ${nameB} latency=0.001ms`);
		if (aSends || !unreachable) put(0, `${na} udp bind ${c.a.port} as=${na}_udp`);
		if (bSends || !unreachable) put(0, `${nameB} udp bind ${c.b.port} as=${nameB}_udp`);
		else head.push(`# Nothing is bound on ${nameB}'s port ${c.b.port}, as the capture shows (ICMP port unreachable).`);
		for (const p of own) {
			const sock = p.dir === 0 ? `${na}_udp` : `${nameB}_udp`;
			const dst = p.dir === 0 ? `${addr.b}:${c.b.port}` : `${addr.a}:${c.a.port}`;
			put(p.t - t0, `${sock} send ${dst} ${Math.min(p.len, 65507)}${p.preview ? ` ${quote(p.preview)}` : ''}`);
		}
	} else {
		const requests = own.filter((p) => p.icmpId >= 0 && (p.icmpType === 8 || p.icmpType === 128));
		if (requests.length === 0) return null;
		head.push(`host ${na} ${addr.a}`);
		head.push(`host ${nameB} ${addr.b}`);
		head.push(`link ${na} ${nameB} latency=0.001ms`);
		head.push('# Each captured echo request is one ping; the simulated target answers it.');
		for (const p of requests) put(p.t - t0, `${na} ping ${addr.b} count=1`);
	}
	// Keep within what a link carries, cutting at whole statements.
	const packetLines = body.length - (c.proto === 'UDP' ? body.length - own.length : 0);
	let text = head.join('\n') + '\n';
	let included = 0;
	const tail = (n: number) => (n < body.length ? `# … ${body.length - n} more captured packets are not included (a shared scenario holds at most ${MAX_SCENARIO_CHARS.toLocaleString('en-US')} characters).\n` : '');
	for (const line of body) {
		if (text.length + line.length + 1 + 120 > MAX_SCENARIO_CHARS) break;
		text += line + '\n';
		included++;
	}
	text += tail(included);
	const lastT = included > 0 ? times[included - 1] : 0;
	text += `run until=${ms(lastT + 1000)}\n`;
	const setup = body.length - packetLines;
	return { text, included: Math.max(0, included - setup), total: packetLines };
}
