/**
 * Shapes of an explained socket listing (`ss`, `netstat`, `Get-NetTCPConnection`, `lsof -i`,
 * `sockstat` output). The JSON that `npm run explain -- FILE --json` prints is a
 * {@link ListingResult}.
 *
 * @module
 */

/**
 * A TCP state in RFC 9293 spelling (§3.3.2), plus the few states the tools show that RFC 9293 has
 * no name for:
 * - `UNCONN`: an unconnected UDP (or raw) socket, as `ss` calls it; a UDP socket with a peer is
 *   `ESTABLISHED`, again as `ss` shows it (UDP itself has no states);
 * - `BOUND`: bound but neither listening nor connecting (Windows `netstat -q`, `Get-NetTCPConnection`);
 * - `DELETE-TCB`: Windows' state while a control block is being freed;
 * - `UNKNOWN`: the listing does not show the state (for example `ss -tan state close-wait`
 *   without the command line, or `sockstat` without `-s`).
 */
export type SocketState =
	| 'LISTEN'
	| 'SYN-SENT'
	| 'SYN-RECEIVED'
	| 'ESTABLISHED'
	| 'FIN-WAIT-1'
	| 'FIN-WAIT-2'
	| 'CLOSE-WAIT'
	| 'CLOSING'
	| 'LAST-ACK'
	| 'TIME-WAIT'
	| 'CLOSED'
	| 'UNCONN'
	| 'BOUND'
	| 'DELETE-TCB'
	| 'UNKNOWN';

/** The tools and layouts the parser recognises. */
export type ListingFormat =
	| 'ss'
	| 'ss-summary'
	| 'netstat-linux'
	| 'netstat-windows'
	| 'powershell'
	| 'netstat-bsd'
	| 'lsof'
	| 'sockstat'
	| 'unknown';

/** The operating system the listing most likely comes from (`unknown` when nothing tells). */
export type ListingOs = 'linux' | 'windows' | 'macos' | 'freebsd' | 'unknown';

/** One end of a socket, as the tool printed it. */
export interface Endpoint {
	/**
	 * The address without brackets, port or zone: `192.168.1.10`, `::1`, `fe80::1`, a wildcard
	 * (`*`, `0.0.0.0`, `::`) or a host name when the tool resolved names. May be cut short when the
	 * row is {@link ListingRow.truncated}.
	 */
	addr: string;
	/** Port 0–65535, or `null` for a wildcard (`*`), a peer that does not exist, or a port that cannot be trusted (cut by the tool). */
	port: number | null;
	/** IPv6 zone / interface after `%` (`lo`, `9`, `en0`), when shown. */
	zone?: string;
	/** The service name the tool printed instead of a number (`http-alt`), when names were resolved. */
	portName?: string;
}

/** One socket of the listing. */
export interface ListingRow {
	/** 1-based line number in the pasted text. */
	line: number;
	/** `tcp`, `udp`, `raw`, `sctp` … (lower case, without the 4/6 suffix). */
	proto: string;
	/** IP version when the tool shows it (`tcp6`, `IPv6`, brackets). `46` = a dual-stack socket (macOS `tcp46`). */
	ipVersion?: 4 | 6 | 46;
	/** RFC 9293 spelling (see {@link SocketState}). */
	state: SocketState;
	/** The state exactly as printed (`ESTAB`, `TIME_WAIT`, `TimeWait`, `LISTENING` …); empty when not shown. */
	stateRaw: string;
	/** True when the state was not printed but follows from the row (a `sockstat` TCP socket with no peer is listening). */
	stateInferred?: boolean;
	local: Endpoint;
	peer: Endpoint;
	/** Owning process id, when shown. */
	pid?: number;
	/** Owning process name, when shown (spaces kept: `Web Content`, `Google Chrome`). */
	process?: string;
	/** Other processes sharing the socket (`ss -p` lists every holder of a forked listener). */
	otherPids?: number[];
	/** Windows `netstat -b` component line (a service name such as `RpcSs`). */
	component?: string;
	/** Bytes in the receive queue (for a Linux listener: connections waiting for accept()). */
	recvQ?: number;
	/** Bytes in the send queue (for a Linux listener: the backlog limit). */
	sendQ?: number;
	/** Some column of this row was cut short by the tool (see {@link ListingRow.truncatedParts}). */
	truncated?: boolean;
	/** Which parts were (or may have been) cut: `local.addr`, `local.port`, `peer.addr`, `peer.port`, `process`. */
	truncatedParts?: string[];
}

/** A line that was not read as a socket, and why. */
export interface SkippedLine {
	line: number;
	reason: string;
}

/** Finding kinds, as issue 15 names them. */
export type FindingKind =
	| 'time-wait-pileup'
	| 'close-wait-leak'
	| 'fin-wait-2-pileup'
	| 'fin-wait-1-stuck'
	| 'syn-sent-unanswered'
	| 'syn-recv-flood'
	| 'ephemeral-exhaustion-risk'
	| 'exposed-listener'
	| 'duplicate-listener'
	| 'truncated-columns'
	| 'orphaned-sockets';

export type Severity = 'info' | 'warning' | 'critical';

/** A place in the course that teaches a cause: `/lessons/{slug}#{id}`. */
export interface LessonLink {
	slug: string;
	/** The heading id rehype-slug gives the section. */
	id: string;
	/** The heading text, for the link. */
	heading: string;
	/** Site path, `/lessons/closing-connections#close-wait-means-the-program-has-not-closed`. */
	href: string;
}

/** Something worth knowing about the listing, explained in the course's terms. */
export interface Finding {
	kind: FindingKind;
	severity: Severity;
	/** One line: what was found. */
	title: string;
	/** The explanation: cause, who is responsible, what the kernel does, what to do. */
	message: string;
	/** Line numbers of the rows it is about. */
	rows: number[];
	/** Lessons that teach the cause. */
	links: LessonLink[];
}

/** Counts from `ss -s`. */
export interface SsSummary {
	total?: number;
	tcp?: number;
	estab?: number;
	closed?: number;
	orphaned?: number;
	synrecv?: number;
	timewait?: number;
	line: number;
}

/** Everything the explainer found in one paste. */
export interface ListingResult {
	format: ListingFormat;
	os: ListingOs;
	rows: ListingRow[];
	skipped: SkippedLine[];
	findings: Finding[];
	/** Remarks on the listing as a whole (a missing State column, an assumed OS …). */
	notes: string[];
	/** `ss -s` counts, when the paste is (or contains) a summary. */
	summary?: SsSummary;
	/** The command line, when the paste includes the prompt (`$ ss -tanp`). */
	command?: string;
	/** Set when the input was refused as a whole (too large); rows and findings are then empty. */
	error?: string;
}

/** Limits that bound the work one explanation may do. */
export interface ListingLimits {
	/** Largest input, in UTF-16 code units (≈ bytes for ASCII). Default 4 MiB. */
	maxChars: number;
	/** Most lines read. Default 100 000. */
	maxLines: number;
	/** Longer lines are skipped unread. Default 4096. */
	maxLineLength: number;
}
