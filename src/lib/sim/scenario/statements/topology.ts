/**
 * Hosts and topology: the header statements `seed`, `host`, `router`, `link` (this module) and
 * the middleboxes `nat`, `forward`, `firewall`, `rule` (middleboxes.ts), with the setup that
 * builds them in the engine (`addHost`, `addRouter`, `addLink`, `setNat`, `forwardPort`,
 * `setFirewall`).
 *
 * @module
 */
import type { FirewallConfig, Simulation, TcpHostSettings } from '../../index';
import { type LineErrors, type Token, show, subToken } from '../lexer';
import { DEFAULT_LATENCY_MS, HOST_OS_IDS, type HostOsId, type ScenarioHeader } from '../types';
import type { ParseContext } from '../context';
import { keyValue, parseAnyIp, parseDuration, parseIntKey, parseIp, parseIp6, parseRange, parseUint, splitArgs, tooMany } from '../values';
import type { Family, HeaderSpec } from './spec';
import { MIDDLEBOX_STATEMENTS, finishMiddleboxes, toEngineRules } from './middleboxes';

const seed: HeaderSpec = {
	place: 'header',
	keyword: 'seed',
	syntax: ['seed N'],
	doc: 'Seed of the pseudo-random number generator (0-4294967295): ISNs, random ports and losses.',
	parse(ctx, rest, err, head) {
		const st = ctx.local('topology', () => ({ seedLine: 0 }));
		if (st.seedLine) {
			err.at(head, `seed is already set on line ${st.seedLine}`);
			return;
		}
		const tok = rest[0];
		const v = tok && !tok.quoted ? parseUint(tok.text, 0xffffffff) : null;
		if (!tok || v === null) {
			err.at(tok ?? head, `expected an integer 0-4294967295 after "seed", got ${tok ? show(tok) : 'nothing'}`);
			return;
		}
		tooMany(rest.slice(1), 'seed', err, 'only a number');
		st.seedLine = err.line;
		ctx.header.seed = v;
	}
};

/** The `os=` value of a host line (`linux` when absent). */
function hostOs(tok: Token | undefined, err: LineErrors): HostOsId {
	if (!tok) return 'linux';
	const v = keyValue(tok, 'os');
	const id = HOST_OS_IDS.find((x) => x === v);
	if (id === undefined) err.at(tok, `unknown OS preset "${v}"; valid: ${HOST_OS_IDS.join(', ')}`);
	return id ?? 'linux';
}

/** Declare a host whose line has no usable address, so later lines naming it do not cascade. */
function placeholder(ctx: ParseContext, name: string | null, kind: 'host' | 'router', line: number): void {
	if (name !== null) ctx.nodes.set(name, { kind, line, ips: ['0.0.0.0'] });
}

/** `autoreuse=LOW-HIGH`: the Windows auto-reuse port range, an error on any other preset. */
function windowsAutoReuse(tok: Token | undefined, os: HostOsId, err: LineErrors): [number, number] | null {
	if (!tok) return null;
	const range = parseRange(tok, 'autoreuse=', err, 1, false);
	if (os !== 'windows') {
		err.at(tok, `autoreuse= is a Windows setting (Set-NetTCPSetting -AutoReusePortRange...); it needs os=windows, not os=${os}`);
		return null;
	}
	return range ? [range[0], range[1]] : null;
}

const SYN_OPTIONS = ['ts', 'sack', 'wscale'] as const;

/** `options=-ts,-sack,-wscale`: the SYN options a host does not offer. */
function optionsOff(tok: Token | undefined, err: LineErrors): ('ts' | 'sack' | 'wscale')[] | null {
	if (!tok) return null;
	const v = keyValue(tok, 'options');
	const out: ('ts' | 'sack' | 'wscale')[] = [];
	for (const part of v.split(',')) {
		const name = part.startsWith('-') ? part.slice(1) : null;
		const opt = SYN_OPTIONS.find((o) => o === name);
		if (opt === undefined) {
			err.at(tok, `expected options=-ts,-sack,-wscale (a comma-separated list of options to turn off, each with "-"), got ${JSON.stringify(part)}`);
			return null;
		}
		if (!out.includes(opt)) out.push(opt);
	}
	return out;
}

/** `tw_reuse=0|1|2`: Linux net.ipv4.tcp_tw_reuse, an error on any other preset. */
function twReuse(tok: Token | undefined, os: HostOsId, err: LineErrors): 0 | 1 | 2 | null {
	if (!tok) return null;
	const v = parseIntKey(tok, 'tw_reuse', err, 0, 2, 'net.ipv4.tcp_tw_reuse');
	if (v === null) return null;
	if (os !== 'linux') {
		err.at(tok, `tw_reuse= is a Linux setting (net.ipv4.tcp_tw_reuse); it needs os=linux, not os=${os}`);
		return null;
	}
	return v as 0 | 1 | 2;
}

const host: HeaderSpec = {
	place: 'header',
	keyword: 'host',
	syntax: ['host NAME IP [ip6=IPV6] [os=PRESET] [root] [scripted] [range=LOW-HIGH] [autoreuse=LOW-HIGH] [options=-ts,-sack,-wscale] [rcvbuf=BYTES] [tw_reuse=0|1|2] [synretries=N] [syncookies=0|1]'],
	doc: 'An end host with an IPv4 address (and with ip6= an IPv6 one: dual-stack), an OS preset, and optionally root, a scripted peer, its own ephemeral range, (os=windows) an auto-reuse port range, SYN options turned off, a receive buffer size, (os=linux) net.ipv4.tcp_tw_reuse, its SYN retries (tcp_syn_retries) or SYN cookies (tcp_syncookies).',
	keys: ['ip6', 'os', 'range', 'autoreuse', 'options', 'rcvbuf', 'tw_reuse', 'synretries', 'syncookies'],
	flags: ['root', 'scripted'],
	parse(ctx, rest, err, head) {
		const args = splitArgs(rest, { keys: ['ip6', 'os', 'range', 'autoreuse', 'options', 'rcvbuf', 'tw_reuse', 'synretries', 'syncookies'], flags: ['root', 'scripted'] }, err, 'host');
		const [nameTok, ipTok, ...extra] = args.positional;
		if (!nameTok) {
			err.at(head, 'expected "host NAME IP [os=PRESET] [root] [scripted] [range=LOW-HIGH] [autoreuse=LOW-HIGH]"');
			return;
		}
		const name = ctx.declareNode(nameTok, 'host', err);
		if (!ipTok) {
			err.at(nameTok, `expected an IPv4 address after "host ${nameTok.text}"`);
			return placeholder(ctx, name, 'host', err.line);
		}
		const ip = parseIp(ipTok, 'the host address', err);
		tooMany(extra, 'host', err, 'ip6=, os=, range=, autoreuse=, synretries=, syncookies=, root or scripted');
		const ip6Tok = args.keys.get('ip6');
		const ip6 = ip6Tok ? parseIp6(subToken(ip6Tok, keyValue(ip6Tok, 'ip6')), 'the address after "ip6="', err) : null;
		const os = hostOs(args.keys.get('os'), err);
		const rangeTok = args.keys.get('range');
		const range = rangeTok ? parseRange(rangeTok, 'range=', err, 1, false) : null;
		const autoReuse = windowsAutoReuse(args.keys.get('autoreuse'), os, err);
		const off = optionsOff(args.keys.get('options'), err);
		const rcvTok = args.keys.get('rcvbuf');
		// RFC 7323 §2.3: a window is at most 65,535 << 14 bytes.
		const rcvBuf = rcvTok ? parseIntKey(rcvTok, 'rcvbuf', err, 1, 65535 * 2 ** 14, 'a receive buffer in bytes') : null;
		const reuse = twReuse(args.keys.get('tw_reuse'), os, err);
		const srTok = args.keys.get('synretries');
		const synRetries = srTok ? parseIntKey(srTok, 'synretries', err, 0, 127, 'an integer') : null;
		const scTok = args.keys.get('syncookies');
		const syncookies = scTok ? parseIntKey(scTok, 'syncookies', err, 0, 1, 'a value') : null;
		// A host with a bad address is still declared (with a placeholder), so later lines that
		// name it do not report a second, misleading "unknown host" error.
		if (ip === null) return placeholder(ctx, name, 'host', err.line);
		if (name === null) return;
		ctx.nodes.set(name, { kind: 'host', line: err.line, ips: ip6 !== null ? [ip, ip6] : [ip] });
		ctx.claimIp(ipTok, ip, name, err);
		if (ip6 !== null && ip6Tok) ctx.claimIp(ip6Tok, ip6, name, err);
		ctx.header.hosts.push({
			line: err.line,
			name,
			ip,
			...(ip6 !== null ? { ip6 } : {}),
			os,
			root: args.flags.has('root'),
			range,
			scripted: args.flags.has('scripted'),
			...(autoReuse ? { autoReuse } : {}),
			...(off && off.length ? { optionsOff: off } : {}),
			...(rcvBuf !== null ? { rcvBuf } : {}),
			...(reuse !== null ? { twReuse: reuse } : {}),
			...(synRetries !== null ? { synRetries } : {}),
			...(syncookies !== null ? { syncookies: syncookies === 1 } : {})
		});
	}
};

const router: HeaderSpec = {
	place: 'header',
	keyword: 'router',
	syntax: ['router NAME IP [IP...]'],
	doc: 'A router with one address per interface (IPv4, or IPv6 like 2001:db8:1::1): forwards packets, lowers the TTL or Hop Limit, answers Time Exceeded and Packet Too Big.',
	parse(ctx, rest, err, head) {
		const args = splitArgs(rest, { keys: [], flags: [] }, err, 'router');
		const [nameTok, ...ipToks] = args.positional;
		if (!nameTok) {
			err.at(head, 'expected "router NAME IP [IP...]" (one IP per interface)');
			return;
		}
		const name = ctx.declareNode(nameTok, 'router', err);
		if (ipToks.length === 0) {
			err.at(nameTok, `expected at least one IP address after "router ${nameTok.text}" (one per interface)`);
			return;
		}
		const ips: string[] = [];
		for (const tok of ipToks) {
			const ip = parseAnyIp(tok, 'an interface address', err);
			if (ip !== null) ips.push(ip);
		}
		if (ips.length !== ipToks.length) return placeholder(ctx, name, 'router', err.line);
		if (name === null) return;
		ctx.nodes.set(name, { kind: 'router', line: err.line, ips });
		ipToks.forEach((tok, i) => ctx.claimIp(tok, ips[i], name, err));
		ctx.header.routers.push({ line: err.line, name, ips });
	}
};

/** `loss=` as a probability (`0.05`) or a percentage (`5%`). */
function parseLoss(tok: Token | undefined, err: LineErrors): number | null {
	if (!tok) return 0;
	const v = keyValue(tok, 'loss');
	const m = /^(\d{1,3}(?:\.\d{1,6})?)(%?)$/.exec(v);
	const p = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
	if (!m || !(p >= 0 && p <= 1)) {
		err.at(tok, `expected a loss probability 0-1 (like 0.05) or a percentage (like 5%) after "loss=", got ${JSON.stringify(v)}`);
		return null;
	}
	return p;
}

const link: HeaderSpec = {
	place: 'header',
	keyword: 'link',
	syntax: ['link A B [latency=DURATION] [loss=P] [mtu=BYTES]'],
	doc: 'A two-way link between two hosts or routers, with a one-way latency (default 10ms), a loss probability and an MTU (default 1500 bytes).',
	keys: ['latency', 'loss', 'mtu'],
	parse(ctx, rest, err, head) {
		const args = splitArgs(rest, { keys: ['latency', 'loss', 'mtu'], flags: [] }, err, 'link');
		const [aTok, bTok, ...extra] = args.positional;
		if (!aTok || !bTok) {
			err.at(head, 'expected "link A B [latency=10ms] [loss=0.01]"');
			return;
		}
		const a = ctx.nodeRef(aTok, ['host', 'router'], err, 'in "link"');
		const b = ctx.nodeRef(bTok, ['host', 'router'], err, 'in "link"');
		tooMany(extra, 'link', err, 'latency=, loss= or mtu=');
		const mtuTok = args.keys.get('mtu');
		const mtu = mtuTok ? parseIntKey(mtuTok, 'mtu', err, 576, 65535, 'an MTU in bytes') : null;
		if (mtuTok && mtu === null) return;
		const latTok = args.keys.get('latency');
		const latencyMs = latTok ? parseDuration(latTok, 'latency', err) : DEFAULT_LATENCY_MS;
		const loss = parseLoss(args.keys.get('loss'), err);
		if (a === null || b === null || latencyMs === null || loss === null) return;
		if (a === b) {
			err.at(bTok, `a link joins two different nodes; both ends are "${a}"`);
			return;
		}
		const dup = ctx.header.links.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
		if (dup) {
			err.at(aTok, `${a} and ${b} are already linked (line ${dup.line})`);
			return;
		}
		ctx.header.links.push({ line: err.line, a, b, latencyMs, loss, ...(mtu !== null ? { mtu } : {}) });
	}
};

/** The engine's `tcp` host settings a host line asks for, if any. */
function hostTcp(x: ScenarioHeader['hosts'][number]): { tcp?: TcpHostSettings } {
	if (x.optionsOff === undefined && x.rcvBuf === undefined && x.twReuse === undefined) return {};
	const tcp: TcpHostSettings = {};
	for (const o of x.optionsOff ?? []) tcp[o] = false;
	if (x.rcvBuf !== undefined) tcp.rcvBuf = x.rcvBuf;
	if (x.twReuse !== undefined) tcp.twReuse = x.twReuse;
	return { tcp };
}

/** Build the header in the engine: topology first (hosts, routers), then what attaches to it. */
function setup(sim: Simulation, h: ScenarioHeader, guard: (line: number, fn: () => void) => boolean): void {
	for (const x of h.hosts) {
		guard(x.line, () => {
			sim.addHost({ name: x.name, ip: x.ip, ...(x.ip6 !== undefined ? { ip6: x.ip6 } : {}), os: x.os, root: x.root, ...(x.scripted ? { scripted: true } : {}), ...(x.range ? { ephemeral: [x.range[0], x.range[1]] } : {}), ...(x.autoReuse ? { autoReuse: [x.autoReuse[0], x.autoReuse[1]] } : {}), ...hostTcp(x), ...(x.synRetries !== undefined ? { synRetries: x.synRetries } : {}), ...(x.syncookies !== undefined ? { syncookies: x.syncookies } : {}) });
		});
	}
	for (const r of h.routers) guard(r.line, () => void sim.addRouter({ name: r.name, ips: r.ips }));
	for (const n of h.nats) {
		const { mapping, filtering, hairpin, parity, overload, timeouts, pool, poolTimeoutMs } = n;
		const extra = Object.fromEntries(Object.entries({ mapping, filtering, hairpin, parity, overload, timeouts, pool, poolTimeoutMs }).filter(([, v]) => v !== undefined));
		if (guard(n.line, () => void sim.setNat(n.router, { publicIp: n.publicIp, mode: n.mode, ...(n.range ? { range: [n.range[0], n.range[1]] } : {}), ...extra }))) {
			for (const st of n.statics ?? []) guard(st.line, () => sim.staticNat(n.router, st.inside, st.global));
		}
	}
	for (const f of h.forwards) {
		guard(f.line, () => sim.forwardPort(f.router, { proto: f.proto === 'tcp' ? 'TCP' : 'UDP', publicPort: f.publicPort, to: { ...f.to } }));
	}
	for (const f of h.firewalls) {
		const cfg: FirewallConfig =
			f.mode === 'stateful' ? { mode: 'stateful', ...(f.idleMs !== undefined ? { idleMs: f.idleMs } : {}) } : { mode: 'stateless', rules: f.rules.flatMap(toEngineRules) };
		guard(f.line, () => void sim.setFirewall(f.node, cfg));
	}
	for (const l of h.links) guard(l.line, () => sim.addLink(l.a, l.b, { latencyMs: l.latencyMs, loss: l.loss, ...(l.mtu !== undefined ? { mtu: l.mtu } : {}) }));
}

/** The hosts-and-topology family. */
export const topology: Family<never> = {
	name: 'topology',
	reserved: ['tcp', 'udp', 'icmp', 'any'],
	statements: [seed, host, router, ...MIDDLEBOX_STATEMENTS, link],
	runners: {},
	finish: finishMiddleboxes,
	setup
};
