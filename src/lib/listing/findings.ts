/**
 * Findings: what a socket listing says about the machine, explained in the course's terms (who
 * closed first, which side leaks and why the kernel will not clean it up, the share of the
 * ephemeral range used toward one destination, closed versus filtered), each linked to the lesson
 * that teaches the cause.
 *
 * Thresholds are judgement calls, stated next to each rule. Ranges, TIME-WAIT lengths and the
 * port-sharing rule come from the OS presets (`src/lib/sim/os.ts`), which cite their sources.
 *
 * @module
 */
import { OS_PRESETS, type OsPreset, type OsPresetId } from '../sim/os';
import { formatEndpoint, isLinkLocal, isLoopback, isWildcard } from './address';
import { LESSONS } from './lessons';
import type { Finding, ListingOs, ListingRow, Severity, SsSummary } from './types';

const PRESET_OF: Record<ListingOs, OsPresetId> = { linux: 'linux', windows: 'windows', macos: 'macos', freebsd: 'freebsd', unknown: 'linux' };

/** The OS preset whose ranges and timers explain a listing from `os` (Linux when unknown). */
export function presetFor(os: ListingOs): OsPreset {
	return OS_PRESETS[PRESET_OF[os]];
}

const n = (x: number) => x.toLocaleString('en-US');
const plural = (k: number, one: string, many = `${one}s`) => `${n(k)} ${k === 1 ? one : many}`;
const seconds = (ms: number) => `${ms / 1000} s`;
const pct = (x: number) => (x >= 0.1 ? `${Math.round(x * 100)}%` : `${(x * 100).toFixed(1)}%`);

/** Services that should rarely listen where the network can reach them (databases, caches, admin APIs). */
const SENSITIVE_PORTS: Record<number, string> = {
	23: 'Telnet',
	111: 'rpcbind',
	135: 'Windows RPC endpoint mapper',
	139: 'NetBIOS session',
	445: 'SMB',
	1433: 'Microsoft SQL Server',
	1521: 'Oracle database',
	2049: 'NFS',
	2375: 'Docker API without TLS',
	2379: 'etcd',
	3306: 'MySQL',
	3389: 'Remote Desktop',
	5432: 'PostgreSQL',
	5900: 'VNC',
	5984: 'CouchDB',
	6379: 'Redis',
	9042: 'Cassandra',
	9200: 'Elasticsearch',
	11211: 'memcached',
	27017: 'MongoDB'
};

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
	const m = new Map<string, T[]>();
	for (const it of items) {
		const k = key(it);
		const list = m.get(k);
		if (list) list.push(it);
		else m.set(k, [it]);
	}
	return m;
}

function topGroups<T>(m: Map<string, T[]>, k = 3): [string, T[]][] {
	return [...m.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, k);
}

const peerKey = (r: ListingRow) => formatEndpoint(r.peer);
const localPortKey = (r: ListingRow) => (r.local.port === null ? formatEndpoint(r.local) : `port ${r.local.port}`);
const lines = (rows: ListingRow[]) => rows.map((r) => r.line);
/** Windows shows PID 0 (System Idle Process) and macOS `kernel:0` for sockets no program holds. */
const owned = (r: ListingRow) => (r.pid !== undefined && r.pid !== 0) || (!!r.process && r.process !== 'kernel');
const who = (r: ListingRow) =>
	!owned(r) ? null : r.process ? `${r.process}${r.pid !== undefined ? ` (pid ${r.pid})` : ''}` : `pid ${r.pid}`;

function byProcess(rows: ListingRow[]): string {
	const g = topGroups(groupBy(rows.filter((r) => who(r)), (r) => who(r) as string), 3);
	if (g.length === 0) return '';
	return ` Held by ${g.map(([w, l]) => `${w}: ${n(l.length)}`).join(', ')}.`;
}

function severity(count: number, warnAt: number, criticalAt: number): Severity {
	return count >= criticalAt ? 'critical' : count >= warnAt ? 'warning' : 'info';
}

/** Listening ports of the listing (TCP), to tell a server's accepted connections from its clients'. */
function listeningPorts(rows: ListingRow[]): Set<number> {
	const s = new Set<number>();
	for (const r of rows) if (r.proto === 'tcp' && r.state === 'LISTEN' && r.local.port !== null) s.add(r.local.port);
	return s;
}

/** Context the rules share. */
interface Ctx {
	rows: ListingRow[];
	tcp: ListingRow[];
	os: ListingOs;
	preset: OsPreset;
	osNamed: string;
	listening: Set<number>;
}

function timeWait(c: Ctx): Finding[] {
	const tw = c.tcp.filter((r) => r.state === 'TIME-WAIT');
	// 10 or more: enough to be worth explaining; a busy client normally holds thousands (lesson "Ports in practice").
	if (tw.length < 10) return [];
	const tws = c.preset.timeWaitMs / 1000;
	const top = topGroups(groupBy(tw, peerKey), 3);
	const ours = tw.filter((r) => r.local.port !== null && !c.listening.has(r.local.port)).length;
	const rate = tw.length / tws;
	const message =
		`${plural(tw.length, 'socket')} in TIME-WAIT. TIME-WAIT is held only by the side that sent the first FIN (the active closer), so this host closed these connections first` +
		(ours === tw.length ? ', as the client' : ours === 0 ? ', as the server (they sit on its listening ports)' : '') +
		`. ${c.osNamed} keeps each 4-tuple for ${seconds(c.preset.timeWaitMs)} so that a lost final ACK can be resent and old segments die out; ` +
		`${n(tw.length)} entries at once mean at least about ${rate >= 10 ? n(Math.round(rate)) : rate.toFixed(1)} connections closed per second over the last ${tws} s. ` +
		`Most frequent peers: ${top.map(([k, l]) => `${k} (${n(l.length)})`).join(', ')}. ` +
		'A few thousand are normal on a busy client; if they crowd the ephemeral range toward one destination, reuse connections (keep-alive, pools) or let the server close.';
	return [
		{
			kind: 'time-wait-pileup',
			severity: severity(tw.length, 5_000, 20_000),
			title: `${plural(tw.length, 'connection')} in TIME-WAIT: this host closed first`,
			message,
			rows: lines(tw),
			links: [LESSONS.timeWait, LESSONS.twAccumulates, LESSONS.fixes]
		}
	];
}

function closeWait(c: Ctx): Finding[] {
	const cw = c.tcp.filter((r) => r.state === 'CLOSE-WAIT');
	if (cw.length === 0) return [];
	const top = topGroups(groupBy(cw, (r) => (r.local.port !== null && c.listening.has(r.local.port) ? `local ${localPortKey(r)}` : `to ${peerKey(r)}`)), 3);
	const unread = cw.filter((r) => (r.recvQ ?? 0) > 0).length;
	const message =
		`${plural(cw.length, 'socket')} in CLOSE-WAIT. The peer closed first: its FIN arrived and this host's kernel acknowledged it, so the peer's side waits in FIN-WAIT-2. ` +
		"Now only the local program can finish the close by calling close(). CLOSE-WAIT has no timeout: the kernel cannot know whether the program still wants to send, so it keeps the socket until the program closes it or exits. " +
		`A socket normally leaves CLOSE-WAIT within milliseconds; ${cw.length === 1 ? 'one seen in a listing may be about to close, but if it is still there in a second listing, it has leaked' : 'several at once, or the same ones in a second listing, mean the program leaks them (a missing close() on an error path, a connection pool that never discards closed connections)'}.` +
		byProcess(cw) +
		` On ${top.map(([k, l]) => `${k} (${n(l.length)})`).join(', ')}.` +
		(unread ? ` ${plural(unread, 'socket')} still hold${unread === 1 ? 's' : ''} unread bytes (Recv-Q): the program stopped reading too.` : '') +
		' Restarting the program frees them; fixing its close() stops the leak.';
	return [
		{
			kind: 'close-wait-leak',
			// One or two can be a socket caught mid-close; 5 or more is a leak worth a warning, 100 a serious one.
			severity: severity(cw.length, 5, 100),
			title: `${plural(cw.length, 'socket')} in CLOSE-WAIT: the peer closed, the local program has not`,
			message,
			rows: lines(cw),
			links: [LESSONS.closeWait, LESSONS.eachDirection]
		}
	];
}

function finWait2(c: Ctx): Finding[] {
	const fw = c.tcp.filter((r) => r.state === 'FIN-WAIT-2');
	// Below 5 they are ordinary closes in progress.
	if (fw.length < 5) return [];
	const top = topGroups(groupBy(fw, peerKey), 3);
	const linux = c.os === 'linux' || c.os === 'unknown';
	const message =
		`${plural(fw.length, 'socket')} in FIN-WAIT-2. This host closed first: it sent its FIN and the peer acknowledged it, but the peer has not sent its own FIN. ` +
		"The peer's kernel did its part; its program has not called close(), so on the peer these connections sit in CLOSE-WAIT: the leak is over there, not here. " +
		(linux
			? 'Linux gives up on an orphaned FIN-WAIT-2 socket (one the program has already closed) after net.ipv4.tcp_fin_timeout, 60 s by default; a socket the program only shut down for writing waits as long as the program keeps it. '
			: 'Most stacks time out a FIN-WAIT-2 socket the program has closed; one the program only shut down for writing waits as long as the program keeps it. ') +
		`Peers: ${top.map(([k, l]) => `${k} (${n(l.length)})`).join(', ')}. Look at the peer program's close() handling.`;
	return [
		{
			kind: 'fin-wait-2-pileup',
			severity: severity(fw.length, 50, 1_000),
			title: `${plural(fw.length, 'socket')} in FIN-WAIT-2: the peer never closed its side`,
			message,
			rows: lines(fw),
			links: [LESSONS.closeWait, LESSONS.eachDirection]
		}
	];
}

function finWait1(c: Ctx): Finding[] {
	const fw = c.tcp.filter((r) => r.state === 'FIN-WAIT-1');
	if (fw.length === 0) return [];
	const queued = fw.filter((r) => (r.sendQ ?? 0) > 0);
	const message =
		`${plural(fw.length, 'socket')} in FIN-WAIT-1. This host closed first and sent its FIN, and no acknowledgement has come back. ` +
		'FIN-WAIT-1 normally lasts one round trip. ' +
		(queued.length
			? `${plural(queued.length, 'socket')} still ${queued.length === 1 ? 'has' : 'have'} bytes in Send-Q: the FIN waits behind data the peer has not acknowledged, usually because the peer advertises a zero window (it stopped reading) or is unreachable. `
			: 'The peer is probably unreachable (down, or a firewall now drops the segments), so the FIN is being retransmitted. ') +
		'The kernel keeps retransmitting with a growing timeout and gives up after its retry limit (Linux: net.ipv4.tcp_orphan_retries for a closed socket), so these go away on their own; many of them point to a peer or path that stopped answering.' +
		` Peers: ${topGroups(groupBy(fw, peerKey), 3)
			.map(([k, l]) => `${k} (${n(l.length)})`)
			.join(', ')}.`;
	return [
		{
			kind: 'fin-wait-1-stuck',
			severity: queued.length > 0 || fw.length >= 5 ? 'warning' : 'info',
			title: `${plural(fw.length, 'socket')} in FIN-WAIT-1: the FIN is not being acknowledged`,
			message,
			rows: lines(fw),
			links: [LESSONS.eachDirection, LESSONS.retransmission]
		}
	];
}

function synSent(c: Ctx): Finding[] {
	const ss = c.tcp.filter((r) => r.state === 'SYN-SENT');
	if (ss.length === 0) return [];
	const top = topGroups(groupBy(ss, peerKey), 3);
	const message =
		`${plural(ss.length, 'connection attempt')} in SYN-SENT: this host sent a SYN and has heard nothing back. ` +
		'A closed port answers at once with RST (connect() fails with ECONNREFUSED) and an open one with SYN-ACK; silence means the SYN or the answer is being dropped: the port is filtered by a firewall, or the host is down or unreachable. ' +
		`The kernel retransmits the SYN with a doubling timeout (Linux: about 1, 3, 7, 15, 31, 63 s with the default net.ipv4.tcp_syn_retries = 6) and then fails with ETIMEDOUT. ` +
		`Destinations: ${top.map(([k, l]) => `${k} (${n(l.length)})`).join(', ')}. Check the firewall or security group on the path, and whether anything answers at all (ping, a connect from elsewhere).`;
	return [
		{
			kind: 'syn-sent-unanswered',
			severity: ss.length >= 3 ? 'warning' : 'info',
			title: `${plural(ss.length, 'SYN')} unanswered: filtered, not closed`,
			message,
			rows: lines(ss),
			links: [LESSONS.scanner, LESSONS.dropOrReject, LESSONS.handshake]
		}
	];
}

function synRecv(c: Ctx): Finding[] {
	const sr = c.tcp.filter((r) => r.state === 'SYN-RECEIVED');
	if (sr.length === 0) return [];
	const top = topGroups(groupBy(sr, (r) => `local ${localPortKey(r)}`), 3);
	const sources = new Set(sr.map((r) => r.peer.addr)).size;
	const message =
		`${plural(sr.length, 'half-open connection')} in SYN-RECEIVED: a SYN arrived, this host answered SYN-ACK, and the final ACK of the handshake has not come. ` +
		'A handful is normal on a busy server (each lasts one round trip). Many, from many addresses, are the signature of a SYN flood: spoofed SYNs whose SYN-ACKs go nowhere; from a few clients, their firewall may be dropping the SYN-ACK. ' +
		'The listener retransmits the SYN-ACK a few times (Linux: net.ipv4.tcp_synack_retries = 5) and drops the entry; when the SYN queue overflows, Linux answers with SYN cookies (net.ipv4.tcp_syncookies) so that genuine clients still get in. ' +
		`Listeners: ${top.map(([k, l]) => `${k} (${n(l.length)})`).join(', ')}; ${plural(sources, 'source address', 'source addresses')}.`;
	return [
		{
			kind: 'syn-recv-flood',
			// 10 half-open connections on one listing deserve a look; 100 or more look like a flood.
			severity: severity(sr.length, 10, 100),
			title: `${plural(sr.length, 'half-open connection')} in SYN-RECEIVED`,
			message,
			rows: lines(sr),
			links: [LESSONS.handshake]
		}
	];
}

function ephemeral(c: Ctx): Finding[] {
	const [low, high] = c.preset.ephemeral;
	const size = high - low + 1;
	const clients = c.tcp.filter(
		(r) =>
			r.local.port !== null &&
			r.local.port >= low &&
			r.local.port <= high &&
			!c.listening.has(r.local.port) &&
			r.peer.port !== null &&
			!['LISTEN', 'CLOSED', 'UNKNOWN', 'BOUND'].includes(r.state)
	);
	if (clients.length === 0) return [];
	const share = c.preset.sharePorts;
	const groups = share
		? groupBy(clients, (r) => `${r.local.addr} → ${formatEndpoint(r.peer)}`)
		: groupBy(clients, (r) => r.local.addr);
	const out: Finding[] = [];
	const ceiling = Math.floor(size / (c.preset.timeWaitMs / 1000));
	for (const [key, list] of topGroups(groups, 3)) {
		const ports = new Set(list.map((r) => r.local.port)).size;
		const used = ports / size;
		// 10% of the range to one destination is worth knowing; 50% is close to failing; 85% fails soon.
		if (used < 0.1) continue;
		const states = topGroups(groupBy(list, (r) => r.state), 4)
			.map(([s, l]) => `${n(l.length)} ${s}`)
			.join(', ');
		const where = share ? `from ${key.replace(' → ', ' to ')}` : `from ${key} (all destinations together)`;
		const rule = share
			? `${c.osNamed} lets one ephemeral port serve several destinations, so the limit applies to each (source address, destination address, destination port): when all ${n(size)} are taken toward this destination, connect() to it fails with EADDRNOTAVAIL while other destinations still work.`
			: `${c.osNamed} hands out an ephemeral port only when nothing else on the host holds it, so every outgoing connection shares one pool of ${n(size)}: when it is empty, new connections to any destination fail.`;
		out.push({
			kind: 'ephemeral-exhaustion-risk',
			severity: used >= 0.85 ? 'critical' : used >= 0.5 ? 'warning' : 'info',
			title: `${pct(used)} of the ephemeral range in use ${share ? 'toward one destination' : 'on this host'}`,
			message:
				`${n(ports)} of the ${n(size)} ports in ${c.osNamed}'s ephemeral range (${low}–${high}) are held by connections ${where}: ${pct(used)} (${states}). ` +
				rule +
				` TIME-WAIT entries count too, because they keep their 4-tuple for ${seconds(c.preset.timeWaitMs)}: the sustainable rate is about ${n(ceiling)} new connections per second (range ÷ TIME-WAIT). ` +
				'Reuse connections, add destination or source addresses, or widen the range.',
			rows: lines(list),
			links: [LESSONS.ceiling, LESSONS.perDestination, LESSONS.fixes]
		});
	}
	return out;
}

function exposed(c: Ctx): Finding[] {
	const listeners = c.rows.filter(
		(r) =>
			r.local.port !== null &&
			((r.proto === 'tcp' && r.state === 'LISTEN') || (r.proto === 'udp' && r.state === 'UNCONN')) &&
			!isLoopback(r.local.addr) &&
			!isLinkLocal(r.local.addr)
	);
	if (listeners.length === 0) return [];
	const sensitive = listeners.filter((r) => r.local.port !== null && SENSITIVE_PORTS[r.local.port] && r.proto === 'tcp');
	const out: Finding[] = [];
	const describe = (list: ListingRow[]) =>
		[...new Set(list.map((r) => `${formatEndpoint(r.local)}${SENSITIVE_PORTS[r.local.port as number] ? ` (${SENSITIVE_PORTS[r.local.port as number]})` : ''}${who(r) ? ` by ${who(r)}` : ''}`))]
			.slice(0, 6)
			.join(', ');
	if (sensitive.length) {
		out.push({
			kind: 'exposed-listener',
			severity: 'warning',
			title: `${plural(sensitive.length, 'database, cache or admin port')} listening beyond loopback`,
			message:
				`${describe(sensitive)}${sensitive.length > 6 ? ' …' : ''}. ` +
				'A listener on 0.0.0.0, [::] or * accepts connections on every interface, so anyone who can reach the host can try it; these services are usually meant for programs on the same machine or a private network. ' +
				'Bind them to 127.0.0.1 (or a private interface) and deny inbound traffic by default; a listing shows what listens, not what a firewall lets through, so check from outside too.',
			rows: lines(sensitive),
			links: [LESSONS.expose, LESSONS.reading]
		});
	}
	const rest = listeners.filter((r) => !sensitive.includes(r));
	const wildcard = rest.filter((r) => isWildcard(r.local.addr));
	if (rest.length) {
		out.push({
			kind: 'exposed-listener',
			severity: 'info',
			title: `${plural(rest.length, 'socket')} listening on addresses other machines can reach`,
			message:
				`${describe(rest)}${rest.length > 6 ? ' …' : ''}. ` +
				`${wildcard.length ? `${plural(wildcard.length, 'of them listens', 'of them listen')} on every interface (0.0.0.0, [::] or *). ` : ''}` +
				'Each is a way in for anyone who can reach the host: list them (ss -tulnp, netstat -ano), and stop or bind to loopback whatever you cannot explain.',
			rows: lines(rest),
			links: [LESSONS.expose, LESSONS.whoUses]
		});
	}
	return out;
}

function duplicates(c: Ctx): Finding[] {
	const listeners = c.tcp.filter((r) => r.state === 'LISTEN' && r.local.port !== null);
	const fam = (r: ListingRow) => (r.ipVersion === 46 ? 6 : (r.ipVersion ?? (r.local.addr.includes(':') ? 6 : 4)));
	const byPort = groupBy(listeners, (r) => `${fam(r)}|${r.local.port}`);
	const flagged: ListingRow[] = [];
	const notes: string[] = [];
	for (const list of byPort.values()) {
		if (list.length < 2) continue;
		const exact = groupBy(list, (r) => `${r.local.addr}%${r.local.zone ?? ''}`);
		for (const same of exact.values()) {
			if (same.length < 2) continue;
			flagged.push(...same);
			const pids = [...new Set(same.map((r) => r.pid).filter((p) => p !== undefined))];
			notes.push(
				`${formatEndpoint(same[0].local)} is listened on by ${plural(same.length, 'socket')}${pids.length > 1 ? ` of ${pids.length} processes (${pids.join(', ')})` : ''}`
			);
		}
		const wild = list.filter((r) => isWildcard(r.local.addr));
		const specific = list.filter((r) => !isWildcard(r.local.addr));
		if (wild.length && specific.length) {
			const pids = new Set([...wild, ...specific].map((r) => r.pid ?? -1));
			if (pids.size > 1 || pids.has(-1)) {
				flagged.push(...wild, ...specific);
				notes.push(`${formatEndpoint(specific[0].local)} and ${formatEndpoint(wild[0].local)} overlap`);
			}
		}
	}
	if (flagged.length === 0) return [];
	const uniq = [...new Set(flagged)];
	return [
		{
			kind: 'duplicate-listener',
			severity: 'warning',
			title: 'Several sockets listen on the same port',
			message:
				`${notes.slice(0, 4).join('; ')}. Two sockets can hold the same address and port only with SO_REUSEPORT (Linux, the BSDs: the kernel spreads new connections between them, as several server workers want) or SO_REUSEADDR on Windows (where a second program can take over the port unless the first used SO_EXCLUSIVEADDRUSE). ` +
				'When a specific address and the wildcard share a port, a connection goes to the socket bound to the more specific address. If you did not mean to run two servers, one of them is a stale instance or another program: find it by its PID, since a restart of the intended one may otherwise fail with "Address already in use".',
			rows: lines(uniq).sort((a, b) => a - b),
			links: [LESSONS.whoUses, LESSONS.restarts]
		}
	];
}

function truncated(c: Ctx): Finding[] {
	const cut = c.rows.filter((r) => r.truncated);
	if (cut.length === 0) return [];
	const ports = cut.filter((r) => (r.truncatedParts ?? []).some((p) => p.endsWith('.port')));
	const addrs = cut.filter((r) => (r.truncatedParts ?? []).some((p) => p.endsWith('.addr')));
	const procs = cut.filter((r) => (r.truncatedParts ?? []).includes('process'));
	const bits: string[] = [];
	if (addrs.length)
		bits.push(
			`${plural(addrs.length, 'row')} show${addrs.length === 1 ? 's' : ''} an address the tool cut short (BSD and macOS netstat print at most 16 characters of an address, Linux netstat fits address and port into 23, PowerShell ends a cut cell with "..."): those rows cannot be grouped by peer exactly`
		);
	if (ports.length)
		bits.push(
			`${plural(ports.length, 'row')} had the port cut too, so no port is reported for ${ports.length === 1 ? 'it' : 'them'} rather than a wrong one`
		);
	if (procs.length) bits.push(`${plural(procs.length, 'process name')} may be cut (lsof shows 9 characters of COMMAND, sockstat 10)`);
	return [
		{
			kind: 'truncated-columns',
			severity: ports.length ? 'warning' : 'info',
			title: 'Some columns were cut by the tool',
			message:
				`${bits.join('; ')}. For whole columns run netstat -anW (macOS, FreeBSD, Linux), ss (which never cuts), Get-NetTCPConnection | Format-Table -AutoSize or Format-List, lsof +c 0, sockstat -w.`,
			rows: lines(cut),
			links: [LESSONS.reading]
		}
	];
}

function orphaned(c: Ctx, summary: SsSummary | undefined): Finding[] {
	const out: Finding[] = [];
	const hasOwners = c.rows.some(owned);
	const closing = ['FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSING', 'LAST-ACK'];
	const orphans = hasOwners ? c.tcp.filter((r) => closing.includes(r.state) && !owned(r)) : [];
	const counted = summary?.orphaned ?? 0;
	if (orphans.length === 0 && counted === 0) return out;
	const k = Math.max(orphans.length, counted);
	out.push({
		kind: 'orphaned-sockets',
		// Linux refuses new orphans past net.ipv4.tcp_max_orphans (tens of thousands by default); 1,000 is worth a warning.
		severity: severity(k, 1_000, 10_000),
		title: `${plural(k, 'orphaned socket')}: closed by their program, still closing in the kernel`,
		message:
			`${counted ? `ss -s counts ${plural(counted, 'orphaned socket')}` : `${plural(orphans.length, 'socket')} in ${[...new Set(orphans.map((r) => r.state))].join(', ')} belong${orphans.length === 1 ? 's' : ''} to no process`}. ` +
			'An orphan is a connection whose program has already called close(): the kernel finishes the close on its own (sending or waiting for the last FIN and ACK) with no process left to tell. ' +
			'On Linux they are limited by net.ipv4.tcp_max_orphans, a FIN that is never acknowledged is retried net.ipv4.tcp_orphan_retries times, and an orphaned FIN-WAIT-2 lasts net.ipv4.tcp_fin_timeout (60 s). ' +
			'Many orphans mean many closes toward peers that no longer answer or do not close their side. (TIME-WAIT sockets have no owner either, but are counted separately.)',
		rows: lines(orphans),
		links: [LESSONS.closeWait, LESSONS.eachDirection]
	});
	return out;
}

function summaryTimeWait(summary: SsSummary | undefined, c: Ctx): Finding[] {
	if (!summary || summary.timewait === undefined || summary.timewait < 10 || c.tcp.some((r) => r.state === 'TIME-WAIT')) return [];
	const tws = c.preset.timeWaitMs / 1000;
	return [
		{
			kind: 'time-wait-pileup',
			severity: severity(summary.timewait, 5_000, 20_000),
			title: `${n(summary.timewait)} connections in TIME-WAIT (ss -s): this host closed first`,
			message:
				`ss -s counts ${n(summary.timewait)} sockets in TIME-WAIT. Only the side that sends the first FIN waits in TIME-WAIT, so this host closed them; Linux holds each for ${tws} s, so at least about ${n(Math.round(summary.timewait / tws))} connections were closed per second. ` +
				'Run ss -tan state time-wait to see toward which destinations: each (source, destination, port) has only the ephemeral range to draw from.',
			rows: [summary.line],
			links: [LESSONS.timeWait, LESSONS.twAccumulates]
		}
	];
}

/**
 * Every finding for a listing, most severe first.
 *
 * @param rows the listing's rows (from one host).
 * @param os where the listing comes from; its preset gives the ephemeral range, TIME-WAIT length
 *   and port-sharing rule (Linux when unknown).
 * @param summary `ss -s` counts, if any.
 */
export function findingsFor(rows: ListingRow[], os: ListingOs, summary?: SsSummary): Finding[] {
	const preset = presetFor(os);
	const c: Ctx = {
		rows,
		tcp: rows.filter((r) => r.proto === 'tcp'),
		os,
		preset,
		osNamed: os === 'unknown' ? 'Linux (assumed)' : preset.label.replace(/ \(.*\)$/, ''),
		listening: listeningPorts(rows)
	};
	const all = [
		...closeWait(c),
		...ephemeral(c),
		...timeWait(c),
		...summaryTimeWait(summary, c),
		...synSent(c),
		...synRecv(c),
		...finWait2(c),
		...finWait1(c),
		...orphaned(c, summary),
		...duplicates(c),
		...exposed(c),
		...truncated(c)
	];
	const rank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
	return all.map((f, i) => ({ f, i })).sort((a, b) => rank[a.f.severity] - rank[b.f.severity] || a.i - b.i).map((x) => x.f);
}
