/**
 * The scenario language's data: what the parser produces (plain, JSON-serialisable objects)
 * and its limits. The statements that fill these in live in `statements/`; their actions
 * (what a timed statement does) are declared beside their parsers and gathered in grammar.ts.
 *
 * @module
 */
import { OS_PRESET_IDS, type OsPresetId } from '../os';
import type { RejectWith } from '../router';

/** One problem found in a scenario. Plain data (JSON-serialisable). */
export interface ScenarioError {
	/** 1-based line number in the scenario text. */
	line: number;
	/** 1-based column of the offending token, when one token is at fault. */
	column?: number;
	/** What was expected and what was found, without the "line N:" prefix. */
	message: string;
}

/** The OS presets a host may name with `os=`: every preset of src/lib/sim/os.ts. */
export const HOST_OS_IDS: readonly OsPresetId[] = OS_PRESET_IDS;
/** An OS preset id accepted by `host ... os=`. */
export type HostOsId = OsPresetId;

/** `host NAME IP [os=ID] [root] [scripted] [range=LOW-HIGH] [autoreuse=LOW-HIGH]` */
export interface HostDecl {
	line: number;
	name: string;
	ip: string;
	/** `ip6=ADDRESS`: the host is dual-stack (RFC 5952 text); absent for an IPv4-only host. */
	ip6?: string;
	/** OS preset id; `linux` when not written. */
	os: HostOsId;
	/** True when the line says `root`: the host may bind ports below 1024. */
	root: boolean;
	/** Ephemeral port range override `[low, high]` (inclusive), or null for the preset's range. */
	range: [number, number] | null;
	/** True for `scripted`: a host with no TCP stack that only receives (the other side of `inject`). */
	scripted: boolean;
	/**
	 * `autoreuse=LOW-HIGH` (os=windows only): the Windows auto-reuse port range
	 * (`Set-NetTCPSetting -AutoReusePortRange…`); absent when not written (the feature is off).
	 */
	autoReuse?: [number, number];
	/**
	 * `options=-ts,-sack,-wscale`: SYN options this host does not offer (Linux `tcp_timestamps`,
	 * `tcp_sack`, `tcp_window_scaling` = 0); absent when not written.
	 */
	optionsOff?: ('ts' | 'sack' | 'wscale')[];
	/** `rcvbuf=BYTES`: the receive buffer (the most RCV.WND can be); absent = the preset's. */
	rcvBuf?: number;
	/** `tw_reuse=0|1|2` (os=linux only): `net.ipv4.tcp_tw_reuse`; absent = the preset's 2. */
	twReuse?: 0 | 1 | 2;
	/** `synretries=N`: SYN retransmissions before connect() fails (Linux `tcp_syn_retries`); absent: the preset's. */
	synRetries?: number;
	/** `syncookies=0|1` (Linux `tcp_syncookies`); absent: the preset's. */
	syncookies?: boolean;
}

/** `router NAME IP [IP...]` (one IP per interface). */
export interface RouterDecl {
	line: number;
	name: string;
	ips: string[];
}

/** `nat ROUTER public=IP [mode=remap|preserve] [range=LOW-HIGH] [mapping=] [filtering=] [hairpin=] [parity=] [overload=] [timeouts=]`, or `nat ROUTER pool=FIRST-LAST [pool-timeout=] [timeouts=]` */
export interface NatDecl {
	line: number;
	router: string;
	publicIp: string;
	mode: 'remap' | 'preserve';
	/** Port range the NAT picks outside ports from, or null for the engine default. */
	range: [number, number] | null;
	/** `mapping=`: RFC 4787 mapping behaviour (absent: the engine default, endpoint-independent). */
	mapping?: 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';
	/** `filtering=`: RFC 4787 filtering behaviour (absent: address-and-port-dependent). */
	filtering?: 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';
	/** `hairpin=on|off` (absent: on). */
	hairpin?: boolean;
	/** `parity=on|off` (absent: off). */
	parity?: boolean;
	/** `overload=on|off` (absent: off). */
	overload?: boolean;
	/** `timeouts=linux|rfc|cisco` (absent: linux). */
	timeouts?: 'linux' | 'rfc' | 'cisco';
	/** `pool=FIRST-LAST`: dynamic NAT without overload from these addresses (`publicIp` is the first). */
	pool?: string[];
	/** `pool-timeout=DURATION`: how long a pool binding outlives its last packet, ms (absent: 24 h). */
	poolTimeoutMs?: number;
	/** `static ROUTER INSIDE-IP GLOBAL-IP` lines for this router, in file order. */
	statics?: { line: number; inside: string; global: string }[];
}

/** `forward ROUTER tcp|udp PUBLICPORT IP:PORT`: a NAT port forward (needs a `nat ROUTER` line). */
export interface ForwardDecl {
	line: number;
	router: string;
	proto: 'tcp' | 'udp';
	/** Port on the NAT's public address, 1-65535. */
	publicPort: number;
	/** Inside server the port is forwarded to. */
	to: { ip: string; port: number };
}

/**
 * One `rule ROUTER allow|deny in|out|any [tcp|udp|icmp|any] [sport=P|LO-HI] [dport=P|LO-HI]` line.
 * Rules are checked in file order; the first that matches decides.
 */
export interface RuleDecl {
	line: number;
	/** `deny` drops silently; `reject` drops and answers (`with=`, iptables REJECT). */
	action: 'allow' | 'deny' | 'reject';
	/** For `reject`: the answer (`with=`), default port-unreachable. */
	rejectWith?: RejectWith;
	/** `in`: arriving from outside (public side); `out`: leaving from inside; `any`: both. */
	direction: 'in' | 'out' | 'any';
	proto: 'tcp' | 'udp' | 'icmp' | 'any';
	/** Inclusive port range, or null for any port. */
	sport: [number, number] | null;
	dport: [number, number] | null;
}

/** `firewall NODE stateful|stateless`, with the `rule` lines that name the same node, in order. */
export interface FirewallDecl {
	line: number;
	node: string;
	mode: 'stateful' | 'stateless';
	rules: RuleDecl[];
	/** `idle=DURATION` (stateful): idle timeout of an established TCP flow, ms. */
	idleMs?: number;
}

/** `link A B [latency=DURATION] [loss=P]` */
export interface LinkDecl {
	line: number;
	a: string;
	b: string;
	/** One-way latency in ms of virtual time (default {@link DEFAULT_LATENCY_MS}). */
	latencyMs: number;
	/** Probability 0..1 that a packet is lost on this link, drawn from the seeded PRNG. */
	loss: number;
	/** `mtu=BYTES` (576-65535), absent for the default 1500. */
	mtu?: number;
}

/**
 * A sequence number read from a socket: `SOCKET.FIELD[+N|-N]`, e.g. `c1.rcvnxt` or `c1.iss+1`.
 * Fields: `iss`, `irs`, `sndnxt` (SND.NXT), `rcvnxt` (RCV.NXT). The result is taken modulo 2^32.
 */
export interface SeqRef {
	socket: string;
	field: 'iss' | 'irs' | 'sndnxt' | 'rcvnxt';
	offset: number;
}

/** A timed statement: at `t` ms of virtual time, do `action`. */
export interface Step<A> {
	line: number;
	/** Absolute time, ms of virtual time (relative times are already resolved). */
	t: number;
	action: A;
}

/** The header part of a scenario: everything but its timed statements. */
export interface ScenarioHeader {
	/** `seed N`, or null when not written (the runner then uses {@link DEFAULT_SEED}). */
	seed: number | null;
	hosts: HostDecl[];
	routers: RouterDecl[];
	nats: NatDecl[];
	/** `forward` lines (NAT port forwards), in file order. */
	forwards: ForwardDecl[];
	firewalls: FirewallDecl[];
	links: LinkDecl[];
	/** The `run` line, if any; `until` in ms, or null to run until the event queue is empty. */
	run: { line: number; until: number | null } | null;
}

/** Largest accepted input, in UTF-16 code units of text (100 KB). */
export const MAX_INPUT_CHARS = 100 * 1024;
/** Largest accepted number of lines. */
export const MAX_LINES = 2000;
/** At most this many errors are reported; one more line says how many were left out. */
export const MAX_ERRORS = 50;
/** Largest time accepted anywhere: one day of virtual time, in ms. */
export const MAX_TIME_MS = 86_400_000;
/** Latency of a `link` without `latency=`, ms. */
export const DEFAULT_LATENCY_MS = 10;
/** Seed used when neither the file nor the caller gives one. */
export const DEFAULT_SEED = 1;
/** Largest byte count for one TCP `send` (1 MB). */
export const MAX_SEND_BYTES = 1_000_000;
/**
 * Most bytes a whole scenario may send: the sum of every `send`, `udp send`, `reply` and
 * `inject` payload (10 MB). The content scenarios send a few kilobytes; this bounds the work a
 * pasted or shared scenario asks for (issue 12: 2,000 lines of `send 1000000` exhaust memory).
 */
export const MAX_TOTAL_SEND_BYTES = 10_000_000;
/**
 * Most hosts and routers together in one scenario (each costs the engine its port tables and
 * routes; the content scenarios have at most a handful).
 */
export const MAX_HOSTS = 256;
/** Largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
export const MAX_UDP_BYTES = 65_507;

/** Format an error the way the CLI and tests show it: `line 4: message` (or `FILE:4: message`). */
export function formatScenarioError(e: ScenarioError, file?: string): string {
	return file !== undefined ? `${file}:${e.line}: ${e.message}` : `line ${e.line}: ${e.message}`;
}
