/**
 * Row readers for each supported tool. Each reader turns one line into a socket row, a
 * continuation of the row before it, or a reason why the line is not a row of that tool.
 *
 * Layouts, from the tools' sources and manuals:
 * - `ss` (iproute2 `misc/ss.c`): `[Netid] [State] Recv-Q Send-Q Local:Port Peer:Port [Process]`;
 *   the State column is left out when a single state is filtered (`ss -tan state time-wait`);
 *   `-p` adds `users:(("name",pid=N,fd=M),…)`, `-e` adds `uid: ino: sk: cgroup:` fields, `-i`
 *   prints an indented detail line under each row.
 * - net-tools `netstat -tan[p][e]` (`netstat.c`): `Proto Recv-Q Send-Q Local Foreign State
 *   [User Inode] [PID/Program name] [Timer]`. Without `-W` the address is cut so that
 *   `addr:port` fits 23 characters (the port is kept).
 * - Windows `netstat -an[o][b]`: `Proto Local Foreign State [PID]`, `-b` prints the component
 *   and `[exe]` lines under the row.
 * - PowerShell `Get-NetTCPConnection`: a table whose column positions the dashes line gives.
 * - BSD `netstat -an[v]` (FreeBSD `usr.bin/netstat/inet.c`, Apple `network_cmds`
 *   `netstat.tproj/inet.c`): `Proto Recv-Q Send-Q Local Foreign (state) […]`; without `-W` the
 *   address is cut to 16 characters (12 with `-A` and names) and the field to 22 (18 with `-A`).
 *   Newest macOS `-anv` prints `process:pid` where the name may hold spaces.
 * - `lsof -i`: `COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME`, NAME = `local->peer (STATE)`;
 *   COMMAND is cut to 9 characters by default and escapes spaces as `\x20`.
 * - FreeBSD `sockstat`: `USER COMMAND PID FD PROTO LOCAL FOREIGN [PATH STATE] [CONN STATE]`;
 *   COMMAND is cut to 10 characters (`%.10s`); a socket no process holds shows `?`.
 *
 * @module
 */
import { ipVersionOf, parseColonEndpoint, parseDotEndpoint, type ServiceResolver } from './address';
import { normaliseState } from './states';
import type { Endpoint, ListingFormat, ListingOs, ListingRow, SocketState } from './types';

/** What a reader learned from a column-header line. */
export interface HeaderInfo {
	format: ListingFormat;
	/** Column names in order (PowerShell, BSD netstat -v). */
	names?: string[];
	/** Column start offsets (PowerShell, from the dashes line). */
	starts?: number[];
	/** BSD netstat: `-A` adds a PCB column and narrows address fields to 18. */
	bsdA?: boolean;
	/** Header text says macOS (two spaces after Send-Q) or FreeBSD. */
	os?: ListingOs;
}

/** Reader state carried from line to line. */
export interface ReadContext {
	services?: ServiceResolver;
	header: HeaderInfo | null;
	/** The last row read (continuation lines attach to it). */
	prev: ListingRow | null;
	/** The reader that read `prev`. */
	prevFormat?: ListingFormat;
	/** Continuation lines attached to `prev` so far. */
	contCount: number;
	/** `ss … state X` from the pasted command line: the state rows without a State column have. */
	ssStateFilter?: SocketState;
	/** The pasted command selected UDP only (`ss -uan`, `netstat -uan`). */
	udpOnly?: boolean;
}

export type LineResult =
	| { kind: 'row'; row: ListingRow; os?: ListingOs; fields?: { local: string; peer: string; width: number } }
	| { kind: 'cont' }
	| { kind: 'meta' }
	| { kind: 'skip'; reason: string }
	| { kind: 'fail'; reason: string };

/** One tool's reader. */
export interface FormatReader {
	format: ListingFormat;
	/** Human name for messages. */
	label: string;
	/** The line is this tool's column header (or title) line. */
	header(line: string, next: string | undefined): HeaderInfo | null;
	/** Read one line (never throws). */
	read(line: string, lineNo: number, ctx: ReadContext): LineResult;
}

const tokens = (line: string) => line.trim().split(/\s+/);
const DIGITS = /^\d{1,12}$/;
const isCount = (s: string | undefined) => s !== undefined && DIGITS.test(s);

function baseProto(p: string): { proto: string; v?: 4 | 6 | 46 } {
	const m = /^([a-z_]+?)(46|4|6)?$/i.exec(p);
	if (!m) return { proto: p.toLowerCase() };
	let proto = m[1].toLowerCase();
	if (proto === 'icm') proto = 'icmp';
	if (proto === 'sct') proto = 'sctp';
	const v = m[2] === '46' ? 46 : m[2] === '4' ? 4 : m[2] === '6' ? 6 : undefined;
	return v ? { proto, v } : { proto };
}

function versionOf(local: Endpoint, peer: Endpoint): 4 | 6 | undefined {
	return ipVersionOf(local.addr) ?? ipVersionOf(peer.addr);
}

/** UDP and raw sockets have no TCP state: `UNCONN` without a peer, `ESTABLISHED` with one (as `ss` shows). */
function datagramState(peer: Endpoint): SocketState {
	const noPeer = peer.port === null || peer.port === 0;
	return noPeer ? 'UNCONN' : 'ESTABLISHED';
}

/** A peer printed as port 0 (`0.0.0.0:0`, `[::]:0`) means no peer: report its port as null. */
function noPeerPort(peer: Endpoint): Endpoint {
	return peer.port === 0 ? { ...peer, port: null } : peer;
}

export function markTruncated(row: ListingRow, part: string) {
	row.truncated = true;
	(row.truncatedParts ??= []).includes(part) || row.truncatedParts.push(part);
}

// ---------------------------------------------------------------- ss

const SS_NETIDS = new Set(['tcp', 'udp', 'raw', 'sctp', 'mptcp', 'dccp', 'udplite', 'icmp', 'icmp6']);
const SS_OTHER_NETIDS = new Set(['u_str', 'u_dgr', 'u_seq', 'nl', 'p_raw', 'p_dgr', 'v_str', 'v_dgr', 'v_seq', 'xdp', 'tipc']);
const SS_STATES = new Set([
	'UNCONN',
	'LISTEN',
	'ESTAB',
	'SYN-SENT',
	'SYN-RECV',
	'FIN-WAIT-1',
	'FIN-WAIT-2',
	'CLOSE-WAIT',
	'LAST-ACK',
	'CLOSING',
	'TIME-WAIT',
	'CLOSED',
	'UNKNOWN'
]);

/**
 * Cut `users:((…))` out of an `ss -p` line. Names are quoted and may hold spaces, commas and
 * brackets (`("Web Content",pid=123,fd=4)`), so the field is scanned quote-aware, not split.
 */
export function extractSsUsers(line: string): { rest: string; users: { name: string; pid: number }[] } | null {
	const start = line.indexOf('users:((');
	if (start < 0) return null;
	const users: { name: string; pid: number }[] = [];
	let i = start + 'users:('.length;
	let end = -1;
	const n = Math.min(line.length, start + 8192);
	while (i < n) {
		const c = line[i];
		if (c === ')') {
			end = i + 1;
			break;
		}
		if (c === ',' || c === ' ') {
			i++;
			continue;
		}
		if (c !== '(') return null;
		i++;
		let name = '';
		if (line[i] === '"') {
			i++;
			while (i < n && line[i] !== '"') {
				if (line[i] === '\\' && i + 1 < n) i++;
				name += line[i];
				i++;
			}
			i++;
		}
		let fields = '';
		while (i < n && line[i] !== ')') fields += line[i++];
		i++;
		const pid = /(?:^|,)pid=(\d{1,10})/.exec(fields);
		if (pid) users.push({ name, pid: Number(pid[1]) });
	}
	if (end < 0) return null;
	return { rest: line.slice(0, start) + ' ' + line.slice(end), users };
}

const ssReader: FormatReader = {
	format: 'ss',
	label: 'ss',
	header(line) {
		return /^\s*(Netid\s+)?(State\s+)?Recv-Q\s+Send-Q\s+Local\s+Address:Port\s+Peer\s+Address:Port/i.test(line)
			? { format: 'ss' }
			: null;
	},
	read(line, lineNo, ctx) {
		if (/^\s/.test(line) && ctx.prev && ctx.prevFormat === 'ss') return { kind: 'cont' };
		const users = extractSsUsers(line);
		const t = tokens(users ? users.rest : line);
		let i = 0;
		let proto: string | undefined;
		const first = t[0]?.toLowerCase() ?? '';
		if (SS_OTHER_NETIDS.has(first)) return { kind: 'skip', reason: `${t[0]} socket (UNIX-domain, netlink or packet), not TCP or UDP` };
		if (SS_NETIDS.has(first)) {
			proto = first;
			i++;
		}
		let stateRaw = '';
		let state: SocketState | null = null;
		if (SS_STATES.has(t[i] ?? '')) {
			stateRaw = t[i];
			state = normaliseState(stateRaw);
			if (stateRaw === 'UNKNOWN') state = 'UNKNOWN';
			i++;
		}
		if (!isCount(t[i]) || !isCount(t[i + 1])) return { kind: 'fail', reason: 'not an ss row (expected [Netid] [State] Recv-Q Send-Q Local:Port Peer:Port)' };
		const p = proto ?? (ctx.udpOnly || stateRaw === 'UNCONN' ? 'udp' : 'tcp');
		const local = parseColonEndpoint(t[i + 2] ?? '', p, ctx.services);
		const peerRaw = parseColonEndpoint(t[i + 3] ?? '', p, ctx.services);
		if (!local || !peerRaw) return { kind: 'fail', reason: 'not an ss row: the local and peer columns are not address:port' };
		const peer = noPeerPort(peerRaw);
		// "tcp 0 0 A B ESTABLISHED" is net-tools netstat (state after the addresses), not ss with its State column left out.
		if (state === null && t[i + 4] !== undefined && normaliseState(t[i + 4])) {
			return { kind: 'fail', reason: 'not an ss row: the state follows the addresses, as netstat prints it' };
		}
		if (state === null) state = ctx.ssStateFilter ?? (p === 'tcp' ? 'UNKNOWN' : datagramState(peer));
		const row: ListingRow = {
			line: lineNo,
			proto: p,
			state,
			stateRaw,
			local,
			peer,
			recvQ: Number(t[i]),
			sendQ: Number(t[i + 1])
		};
		const v = versionOf(local, peer);
		if (v) row.ipVersion = v;
		if (users && users.users.length > 0) {
			row.pid = users.users[0].pid;
			row.process = users.users[0].name;
			const others = [...new Set(users.users.slice(1).map((u) => u.pid))].filter((x) => x !== row.pid);
			if (others.length) row.otherPids = others;
		}
		return { kind: 'row', row, os: 'linux' };
	}
};

/** `ss -s`: the summary counts. Parsed by {@link readSsSummary}; rows are not listed. */
const ssSummaryReader: FormatReader = {
	format: 'ss-summary',
	label: 'ss -s',
	header(line) {
		return /^Total:\s+\d+/.test(line) ? { format: 'ss-summary' } : null;
	},
	read(line) {
		if (/^(Total:|TCP:\s+\d+|Transport\s+Total|(RAW|UDP|TCP|INET|FRAG|\*)\s+\d+\s)/.test(line.trim())) return { kind: 'meta' };
		return { kind: 'fail', reason: 'not an ss -s summary line' };
	}
};

// ---------------------------------------------------------------- net-tools netstat (Linux)

const LINUX_PROTOS = /^(tcp|tcp6|udp|udp6|udpl|udpl6|raw|raw6|sctp|sctp6)$/;
const NETTOOLS_TIMER = /\s+(off|on|keepalive|timewait|unkn-\d+)\s+\([^)]*\)\s*$/;

const netstatLinuxReader: FormatReader = {
	format: 'netstat-linux',
	label: 'netstat (Linux net-tools)',
	header(line) {
		if (/^Active Internet connections \((servers and established|only servers|w\/o servers)\)/.test(line)) return { format: 'netstat-linux' };
		return /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+State\b/.test(line) ? { format: 'netstat-linux' } : null;
	},
	read(line, lineNo, ctx) {
		const t = tokens(line);
		if (!LINUX_PROTOS.test(t[0] ?? '') || !isCount(t[1]) || !isCount(t[2])) {
			return { kind: 'fail', reason: 'not a netstat row (expected Proto Recv-Q Send-Q Local Foreign State)' };
		}
		const { proto, v } = baseProto(t[0]);
		const local = parseColonEndpoint(t[3] ?? '', proto, ctx.services);
		const peerRaw = parseColonEndpoint(t[4] ?? '', proto, ctx.services);
		if (!local || !peerRaw) return { kind: 'fail', reason: 'not a netstat row: the address columns are not address:port' };
		const peer = noPeerPort(peerRaw);
		let k = 5;
		let stateRaw = '';
		let state: SocketState | null = null;
		if (t[k] !== undefined && normaliseState(t[k])) {
			stateRaw = t[k];
			state = normaliseState(stateRaw);
			k++;
		}
		if (state === null) {
			if (proto === 'tcp') return { kind: 'fail', reason: 'netstat TCP row without a state' };
			state = datagramState(peer);
			// raw sockets print the protocol number in the State column
			if (proto === 'raw' && isCount(t[k])) k++;
		}
		const row: ListingRow = { line: lineNo, proto, state, stateRaw, local, peer, recvQ: Number(t[1]), sendQ: Number(t[2]) };
		const ver = v ?? versionOf(local, peer);
		if (ver) row.ipVersion = ver;
		// -p: "PID/Program name" ("-" when not ours); the name may hold spaces; -o adds a timer after it.
		for (let j = k; j < t.length; j++) {
			const m = /^(\d{1,10})\/(.*)$/.exec(t[j]);
			if (m) {
				row.pid = Number(m[1]);
				const name = [m[2], ...t.slice(j + 1)].join(' ').replace(NETTOOLS_TIMER, '').replace(/^(off|on|keepalive|timewait)\s+\(.*$/, '').trim();
				if (name) row.process = name;
				break;
			}
		}
		return { kind: 'row', row, os: 'linux', fields: { local: t[3], peer: t[4], width: 23 } };
	}
};

// ---------------------------------------------------------------- Windows netstat

const WIN_PROTO = /^(TCP|UDP|TCPv6|UDPv6)$/;

const netstatWindowsReader: FormatReader = {
	format: 'netstat-windows',
	label: 'netstat (Windows)',
	header(line) {
		const s = line.trim();
		if (/^(Active Connections|Aktive Verbindungen|Connexions actives|Conexiones activas|Connessioni attive)$/i.test(s)) return { format: 'netstat-windows' };
		return /^Proto\s+(Local Address|Lokale Adresse|Adresse locale|Dirección local|Indirizzo locale)\s+/i.test(s) ? { format: 'netstat-windows' } : null;
	},
	read(line, lineNo, ctx) {
		const t = tokens(line);
		if (!WIN_PROTO.test(t[0] ?? '')) {
			// netstat -b: the component and "[exe]" lines under a row.
			if (ctx.prev && ctx.prevFormat === 'netstat-windows' && ctx.contCount < 3) {
				const s = line.trim();
				const exe = /^\[(.{1,260})\]$/.exec(s);
				if (exe) {
					ctx.prev.process = exe[1];
					return { kind: 'cont' };
				}
				if (/ownership|Besitzerinformationen|propriétaire|propiedad/i.test(s)) return { kind: 'cont' };
				if (s.length > 0 && s.length <= 80 && !/\s{2,}/.test(s)) {
					ctx.prev.component = s;
					return { kind: 'cont' };
				}
			}
			return { kind: 'fail', reason: 'not a Windows netstat row (expected Proto Local Foreign State [PID])' };
		}
		const proto = t[0].toLowerCase().replace('v6', '');
		const local = parseColonEndpoint(t[1] ?? '', proto, ctx.services);
		const peerRaw = parseColonEndpoint(t[2] ?? '', proto, ctx.services);
		if (!local || !peerRaw) return { kind: 'fail', reason: 'not a Windows netstat row: the address columns are not address:port' };
		const peer = noPeerPort(peerRaw);
		let k = 3;
		let stateRaw = '';
		let state: SocketState | null = null;
		if (proto === 'tcp') {
			stateRaw = t[k] ?? '';
			state = normaliseState(stateRaw);
			if (!state) return { kind: 'fail', reason: `unknown TCP state "${stateRaw.slice(0, 24)}"` };
			k++;
		} else state = datagramState(peer);
		const row: ListingRow = { line: lineNo, proto, state, stateRaw, local, peer };
		const v = t[0].endsWith('v6') ? 6 : versionOf(local, peer);
		if (v) row.ipVersion = v;
		if (isCount(t[k])) row.pid = Number(t[k]);
		return { kind: 'row', row, os: 'windows' };
	}
};

// ---------------------------------------------------------------- PowerShell Get-NetTCPConnection

function psCells(line: string, starts: number[]): string[] {
	const cells: string[] = [];
	for (let i = 0; i < starts.length; i++) {
		// A right-aligned number may start left of its column; take from just after the previous column's text.
		const from = i === 0 ? 0 : starts[i];
		const to = i + 1 < starts.length ? starts[i + 1] : line.length;
		cells.push(line.slice(from, to).trim());
	}
	return cells;
}

const PS_TRUNC = /(\.\.\.|…)$/;

function psEndpoint(addr: string, port: string, proto: string): { ep: Endpoint; cutAddr: boolean; cutPort: boolean } | null {
	const cutAddr = PS_TRUNC.test(addr);
	const cutPort = PS_TRUNC.test(port);
	const a = addr.replace(PS_TRUNC, '');
	const z = a.indexOf('%');
	const bare = z >= 0 ? a.slice(0, z) : a;
	if (!/^[0-9A-Fa-f:.*]{1,64}$/.test(bare) && !cutAddr) return null;
	let p: number | null = null;
	if (!cutPort) {
		if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return null;
		p = Number(port);
	}
	const ep: Endpoint = { addr: bare, port: p };
	if (z >= 0 && a.slice(z + 1)) ep.zone = a.slice(z + 1);
	void proto;
	return { ep, cutAddr, cutPort };
}

const powershellReader: FormatReader = {
	format: 'powershell',
	label: 'Get-NetTCPConnection (PowerShell)',
	header(line, next) {
		if (!/\bLocalAddress\b/.test(line) || !/\bLocalPort\b/.test(line)) return null;
		const names = tokens(line);
		const info: HeaderInfo = { format: 'powershell', names };
		if (next !== undefined && /^[\s-]+$/.test(next) && next.includes('-')) {
			const starts: number[] = [];
			const re = /-+/g;
			let m: RegExpExecArray | null;
			while ((m = re.exec(next)) !== null) starts.push(m.index);
			if (starts.length === names.length) info.starts = starts;
		}
		return info;
	},
	read(line, lineNo, ctx) {
		if (/^[\s-]+$/.test(line)) return { kind: 'meta' };
		const h = ctx.header?.format === 'powershell' ? ctx.header : null;
		let get: (name: string) => string | undefined;
		if (h?.names && h.starts) {
			const cells = psCells(line, h.starts);
			const names = h.names;
			get = (n) => {
				const i = names.findIndex((x) => x.toLowerCase() === n.toLowerCase());
				return i >= 0 ? cells[i] : undefined;
			};
		} else if (h?.names) {
			const t = tokens(line);
			const names = h.names;
			get = (n) => {
				const i = names.findIndex((x) => x.toLowerCase() === n.toLowerCase());
				return i >= 0 && t.length === names.length ? t[i] : undefined;
			};
		} else {
			// No header: the default column order LocalAddress LocalPort RemoteAddress RemotePort State [AppliedSetting] [OwningProcess].
			const t = tokens(line);
			if (t.length < 5 || !/^\d{1,5}$/.test(t[1]) || !/^\d{1,5}$/.test(t[3]) || !/^[A-Z][A-Za-z0-9]+$/.test(t[4]) || !normaliseState(t[4])) {
				return { kind: 'fail', reason: 'not a Get-NetTCPConnection row (expected LocalAddress LocalPort RemoteAddress RemotePort State …)' };
			}
			const last = t[t.length - 1];
			const map: Record<string, string | undefined> = {
				localaddress: t[0],
				localport: t[1],
				remoteaddress: t[2],
				remoteport: t[3],
				state: t[4],
				owningprocess: t.length >= 6 && /^\d+$/.test(last) ? last : undefined
			};
			get = (n) => map[n.toLowerCase()];
		}
		const la = get('LocalAddress');
		const lp = get('LocalPort');
		if (!la || !lp) return { kind: 'fail', reason: 'not a Get-NetTCPConnection row: no LocalAddress and LocalPort' };
		const ra = get('RemoteAddress');
		const rp = get('RemotePort');
		const tcp = ra !== undefined;
		const proto = tcp ? 'tcp' : 'udp';
		const local = psEndpoint(la, lp, proto);
		const remote = tcp ? psEndpoint(ra ?? '', rp ?? '', proto) : { ep: { addr: '*', port: null } as Endpoint, cutAddr: false, cutPort: false };
		if (!local || !remote) return { kind: 'fail', reason: 'not a Get-NetTCPConnection row: the address or port cells do not hold an address or a port' };
		const stateRaw = get('State') ?? '';
		const peer = noPeerPort(remote.ep);
		let state: SocketState | null = tcp ? normaliseState(stateRaw.replace(PS_TRUNC, '')) : datagramState(peer);
		if (!state) {
			if (!PS_TRUNC.test(stateRaw)) return { kind: 'fail', reason: `unknown TCP state "${stateRaw.slice(0, 24)}"` };
			state = 'UNKNOWN';
		}
		const row: ListingRow = { line: lineNo, proto, state, stateRaw, local: local.ep, peer };
		const v = versionOf(local.ep, peer);
		if (v) row.ipVersion = v;
		const pid = get('OwningProcess');
		if (pid && /^\d{1,10}$/.test(pid)) row.pid = Number(pid);
		const name = get('ProcessName') ?? get('Process') ?? get('Name');
		if (name) {
			row.process = name.replace(PS_TRUNC, '');
			if (PS_TRUNC.test(name)) markTruncated(row, 'process');
		}
		if (local.cutAddr) markTruncated(row, 'local.addr');
		if (local.cutPort) markTruncated(row, 'local.port');
		if (remote.cutAddr) markTruncated(row, 'peer.addr');
		if (remote.cutPort) markTruncated(row, 'peer.port');
		return { kind: 'row', row, os: 'windows' };
	}
};

// ---------------------------------------------------------------- BSD netstat (macOS, FreeBSD)

const BSD_PROTO = /^(tcp|udp|icm|raw|sctp|sct|div|tcp4|tcp6|tcp46|udp4|udp6|udp46|icm4|icm6|raw4|raw6|raw46|sctp4|sctp6|sctp46|div4|div6|div46)$/;
const HEX_PCB = /^(0x)?[0-9a-f]{8,16}$/;

/** BSD `inetprint`: without -W the address is cut to 16 characters and the field to 22 (18 with -A). */
export function bsdTruncation(row: ListingRow, side: 'local' | 'peer', raw: string, width: number) {
	const ep = row[side];
	const addrPart = raw.slice(0, raw.lastIndexOf('.'));
	if (addrPart.length >= (width === 18 ? 12 : 16) && addrPart !== '*' && (addrPart.includes(':') || /[A-Za-z]/.test(addrPart))) {
		markTruncated(row, `${side}.addr`);
	}
	if (raw.length >= width) {
		// A numeric port always fits a 22-wide field; a service name, or any port in an 18-wide field, may be cut.
		if (width === 18 || ep.portName !== undefined) {
			markTruncated(row, `${side}.port`);
			row[side] = { ...ep, port: null };
		}
	}
}

const netstatBsdReader: FormatReader = {
	format: 'netstat-bsd',
	label: 'netstat (macOS / FreeBSD)',
	header(line) {
		if (/^Active Internet connections( \(including servers\))?\s*$/.test(line)) return { format: 'netstat-bsd' };
		const m = /^(Tcpcb\s+|Socket\s+|PCB\s+)?(Flowhash\s+)?Proto\s+Recv-Q\s+Send-Q(\s+)Local Address\s+Foreign Address\s+\(state\)(.*)$/.exec(line);
		if (!m) return null;
		const names = m[4].trim() ? m[4].trim().split(/\s+/) : [];
		const info: HeaderInfo = { format: 'netstat-bsd', names, bsdA: m[1] !== undefined };
		info.os = names.length > 0 || m[3] === '  ' ? 'macos' : 'freebsd';
		return info;
	},
	read(line, lineNo, ctx) {
		let t = tokens(line);
		let a = false;
		while (t.length > 0 && HEX_PCB.test(t[0]) && !BSD_PROTO.test(t[0])) {
			t = t.slice(1);
			a = true;
		}
		if (!BSD_PROTO.test(t[0] ?? '') || !isCount(t[1]) || !isCount(t[2])) {
			return { kind: 'fail', reason: 'not a BSD netstat row (expected Proto Recv-Q Send-Q Local.port Foreign.port (state))' };
		}
		const { proto, v } = baseProto(t[0]);
		const localRaw = t[3] ?? '';
		const peerRaw = t[4] ?? '';
		const local = parseDotEndpoint(localRaw, proto, ctx.services);
		const peerEp = parseDotEndpoint(peerRaw, proto, ctx.services);
		if (!local || !peerEp) return { kind: 'fail', reason: 'not a BSD netstat row: the address columns are not address.port' };
		const peer = noPeerPort(peerEp);
		let k = 5;
		let stateRaw = '';
		let state: SocketState | null = null;
		if (t[k] !== undefined && normaliseState(t[k]) && !/^\d/.test(t[k])) {
			stateRaw = t[k];
			state = normaliseState(stateRaw);
			k++;
		}
		if (state === null) state = proto === 'tcp' ? 'UNKNOWN' : datagramState(peer);
		const row: ListingRow = { line: lineNo, proto, state, stateRaw, local, peer, recvQ: Number(t[1]), sendQ: Number(t[2]) };
		const ver = v ?? versionOf(local, peer);
		if (ver) row.ipVersion = ver;
		const width = a || ctx.header?.bsdA ? 18 : 22;
		// -v columns after the state: old layout "rhiwat shiwat pid epid …", newest "… process:pid state options …".
		const extras = t.slice(k);
		const names = ctx.header?.format === 'netstat-bsd' ? (ctx.header.names ?? []) : [];
		const pidAt = names.indexOf('pid');
		const procAt = names.indexOf('process:pid');
		if (procAt >= 0 && extras.length >= names.length) {
			const after = names.length - procAt - 1;
			const text = extras.slice(procAt, extras.length - after).join(' ');
			const m = /^(.*):(\d{1,10})$/.exec(text);
			if (m) {
				row.pid = Number(m[2]);
				if (m[1]) row.process = m[1];
			}
		} else if (pidAt >= 0 && extras.length > pidAt && isCount(extras[pidAt])) {
			row.pid = Number(extras[pidAt]);
		} else if (names.length === 0 && extras.length >= 9) {
			// Newest -anv layout without its header: "name:pid" sits 8 columns from the end.
			const text = extras.slice(4, extras.length - 8).join(' ');
			const m = /^(.*):(\d{1,10})$/.exec(text);
			if (m) {
				row.pid = Number(m[2]);
				if (m[1]) row.process = m[1];
			}
		}
		const macos = v === 46 || /^\S+\s+\d+\s+\d+ {2}\S/.test(line) || procAt >= 0 || names.length > 0 || (row.pid !== undefined && ctx.header?.os !== 'freebsd');
		return { kind: 'row', row, os: macos ? 'macos' : (ctx.header?.os ?? 'freebsd'), fields: { local: localRaw, peer: peerRaw, width } };
	}
};

// ---------------------------------------------------------------- lsof -i

const LSOF_NODE = /^(TCP|UDP|UDPLITE|SCTP|ICMP|ICMPV6|RAW)$/;

function unescapeLsof(s: string): string {
	return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

const lsofReader: FormatReader = {
	format: 'lsof',
	label: 'lsof -i',
	header(line) {
		return /^COMMAND\s+PID\s+(TID\s+(TASKCMD\s+)?)?USER\s+FD\s+TYPE\s+DEVICE\s+/.test(line) ? { format: 'lsof' } : null;
	},
	read(line, lineNo, ctx) {
		const t = tokens(line);
		let j = -1;
		for (let i = 3; i < Math.min(t.length, 8); i++) {
			if (t[i] === 'IPv4' || t[i] === 'IPv6') {
				j = i;
				break;
			}
		}
		if (j < 0 || !isCount(t[1])) return { kind: 'fail', reason: 'not an lsof -i row (expected COMMAND PID USER FD TYPE … NODE NAME)' };
		let k = -1;
		for (let i = j + 1; i < Math.min(t.length, j + 5); i++) {
			if (LSOF_NODE.test(t[i])) {
				k = i;
				break;
			}
		}
		if (k < 0) return { kind: 'fail', reason: 'not an lsof -i row: no TCP or UDP node column' };
		const proto = t[k].toLowerCase();
		let name = t.slice(k + 1).join(' ');
		let stateRaw = '';
		const st = /\s*\(([A-Z0-9_]+)\)$/.exec(name);
		if (st) {
			stateRaw = st[1];
			name = name.slice(0, st.index);
		}
		const [l, r] = name.split('->');
		const local = parseColonEndpoint(l ?? '', proto, ctx.services);
		const peerRaw = r !== undefined ? parseColonEndpoint(r, proto, ctx.services) : { addr: '*', port: null };
		if (!local || !peerRaw) return { kind: 'fail', reason: 'not an lsof -i row: NAME is not address:port[->address:port]' };
		const peer = noPeerPort(peerRaw);
		let state: SocketState | null = stateRaw ? normaliseState(stateRaw) : null;
		if (state === null) state = proto === 'tcp' ? 'UNKNOWN' : datagramState(peer);
		const row: ListingRow = { line: lineNo, proto, state, stateRaw, local, peer, pid: Number(t[1]) };
		// COMMAND is cut to 9 printed characters, escapes included (`Google\x20` is "Google Chrome").
		row.process = unescapeLsof(t[0]).trimEnd();
		if (t[0].length >= 9) markTruncated(row, 'process');
		row.ipVersion = t[j] === 'IPv6' ? 6 : 4;
		const hexDevice = /^0x[0-9a-f]+$/i.test(t[j + 1] ?? '');
		return { kind: 'row', row, os: hexDevice ? 'macos' : 'linux' };
	}
};

// ---------------------------------------------------------------- sockstat (FreeBSD)

const SOCKSTAT_PROTO = /^(tcp|udp|sctp|udplite|raw|div)(4|6|46)?$/;

const sockstatReader: FormatReader = {
	format: 'sockstat',
	label: 'sockstat',
	header(line) {
		return /^USER\s+COMMAND\s+PID\s+FD\s+PROTO\s+LOCAL ADDRESS\s+FOREIGN ADDRESS/.test(line) ? { format: 'sockstat' } : null;
	},
	read(line, lineNo, ctx) {
		if (/^\s/.test(line) && ctx.prev && ctx.prevFormat === 'sockstat') return { kind: 'cont' };
		const t = tokens(line);
		let p = -1;
		for (let i = 4; i < Math.min(t.length, 12); i++) {
			if (SOCKSTAT_PROTO.test(t[i])) {
				p = i;
				break;
			}
			if (/^(stream|dgram|seqpac|seqpack)$/.test(t[i])) return { kind: 'skip', reason: 'UNIX-domain socket (sockstat -u), not TCP or UDP' };
		}
		if (p < 0) return { kind: 'fail', reason: 'not a sockstat row (expected USER COMMAND PID FD PROTO LOCAL FOREIGN)' };
		const pidTok = t[p - 2];
		const fdTok = t[p - 1];
		if (!(isCount(pidTok) || pidTok === '?') || !(isCount(fdTok) || fdTok === '?')) return { kind: 'fail', reason: 'not a sockstat row: PID and FD are not numbers' };
		const { proto, v } = baseProto(t[p]);
		const local = parseColonEndpoint(t[p + 1] ?? '', proto, ctx.services);
		const peerRaw = parseColonEndpoint(t[p + 2] ?? '', proto, ctx.services);
		if (!local || !peerRaw) return { kind: 'fail', reason: 'not a sockstat row: the address columns are not address:port' };
		const peer = noPeerPort(peerRaw);
		let stateRaw = '';
		let state: SocketState | null = null;
		for (const x of t.slice(p + 3)) {
			const s = normaliseState(x);
			if (s) {
				stateRaw = x;
				state = s;
			}
		}
		let inferred = false;
		if (state === null) {
			if (proto === 'tcp') {
				if (peer.addr === '*' && peer.port === null) {
					state = 'LISTEN';
					inferred = true;
				} else state = 'UNKNOWN';
			} else state = datagramState(peer);
		}
		const row: ListingRow = { line: lineNo, proto, state, stateRaw, local, peer };
		if (inferred) row.stateInferred = true;
		const ver = v ?? versionOf(local, peer);
		if (ver) row.ipVersion = ver;
		const command = t.slice(1, p - 2).join(' ');
		if (isCount(pidTok)) row.pid = Number(pidTok);
		if (command && command !== '?') {
			row.process = command;
			if (command.length >= 10) markTruncated(row, 'process');
		}
		return { kind: 'row', row, os: 'freebsd' };
	}
};

/** Every reader, in the order detection prefers them on a tie. */
export const READERS: readonly FormatReader[] = [
	ssReader,
	netstatLinuxReader,
	netstatWindowsReader,
	powershellReader,
	netstatBsdReader,
	lsofReader,
	sockstatReader,
	ssSummaryReader
];
