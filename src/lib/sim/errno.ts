/**
 * Socket error names: POSIX errno names for Linux, BSD and macOS hosts, and their Windows
 * Sockets (WinSock) counterparts for Windows hosts.
 *
 * The engine decides failures in POSIX terms (`EADDRINUSE`, `ENOBUFS`, …). A host whose OS
 * preset has `errnoNames: 'winsock'` records them under the name and number a Windows program
 * gets from `WSAGetLastError()`: WinSock names are the BSD names with a `WSA` prefix and numbers
 * `WSABASEERR (10000) +` the BSD errno value (`WSAEADDRINUSE` = 10048, `WSAENOBUFS` = 10055).
 *
 * Source for every name, number and text below: Microsoft, "Windows Sockets Error Codes"
 * (https://learn.microsoft.com/en-us/windows/win32/winsock/windows-sockets-error-codes-2).
 *
 * @module
 */

/** POSIX errno names the simulator reports. */
export type PosixErrno =
	| 'ECONNREFUSED'
	| 'ECONNRESET'
	| 'EADDRNOTAVAIL'
	| 'EADDRINUSE'
	| 'EACCES'
	| 'ETIMEDOUT'
	| 'EHOSTUNREACH'
	/** "Network is unreachable": ICMP Network Unreachable (and network prohibited) answering a SYN, as Linux reports it;
	 * also connect() to an IPv6 address from a host without one. */
	| 'ENETUNREACH'
	| 'ENOTCONN'
	| 'EINVAL'
	/** UDP send() on a socket with no destination (not connected), as Linux returns it. */
	| 'EDESTADDRREQ'
	/**
	 * "No buffer space available". The simulator reports it only for Windows hosts, as
	 * `WSAENOBUFS`, when the dynamic port pool is exhausted.
	 */
	| 'ENOBUFS'
	/**
	 * send() after shutdown(SHUT_WR) (Linux `tcp_sendmsg` → `sk_stream_error`: "-EPIPE"). Windows
	 * has no WSAEPIPE: its send() fails with WSAESHUTDOWN (10058) "after shutdown has been invoked
	 * with how set to SD_SEND or SD_BOTH" (Microsoft, send function, Winsock reference).
	 */
	| 'EPIPE'
	/**
	 * A call on a descriptor the program has already closed (close() twice). Windows: WSAENOTSOCK
	 * (10038), "the descriptor is not a socket" (Microsoft, closesocket function).
	 */
	| 'EBADF';

/**
 * The WinSock name of each {@link PosixErrno}, e.g. `WSAEADDRINUSE`: the POSIX name with a `WSA`
 * prefix, except EPIPE and EBADF, which Windows reports as WSAESHUTDOWN and WSAENOTSOCK.
 */
export type WinsockErrno = `WSA${Exclude<PosixErrno, 'EPIPE' | 'EBADF'>}` | 'WSAESHUTDOWN' | 'WSAENOTSOCK';

/** One WinSock error: name, number and Microsoft's short description. */
export interface WinsockError {
	name: WinsockErrno;
	/** The number `WSAGetLastError()` returns, e.g. 10055. */
	code: number;
	/** Microsoft's short description, e.g. "No buffer space available." */
	text: string;
}

/** WinSock name, number and text for every POSIX name the simulator reports. */
export const WINSOCK_ERRORS: Readonly<Record<PosixErrno, Readonly<WinsockError>>> = Object.freeze({
	EBADF: { name: 'WSAENOTSOCK', code: 10038, text: 'Socket operation on nonsocket.' },
	EACCES: { name: 'WSAEACCES', code: 10013, text: 'Permission denied.' },
	EINVAL: { name: 'WSAEINVAL', code: 10022, text: 'Invalid argument.' },
	EDESTADDRREQ: { name: 'WSAEDESTADDRREQ', code: 10039, text: 'Destination address required.' },
	EADDRINUSE: { name: 'WSAEADDRINUSE', code: 10048, text: 'Address already in use.' },
	EADDRNOTAVAIL: { name: 'WSAEADDRNOTAVAIL', code: 10049, text: 'Cannot assign requested address.' },
	ECONNRESET: { name: 'WSAECONNRESET', code: 10054, text: 'Connection reset by peer.' },
	ENETUNREACH: { name: 'WSAENETUNREACH', code: 10051, text: 'Network is unreachable.' },
	ENOBUFS: { name: 'WSAENOBUFS', code: 10055, text: 'No buffer space available.' },
	ENOTCONN: { name: 'WSAENOTCONN', code: 10057, text: 'Socket is not connected.' },
	EPIPE: { name: 'WSAESHUTDOWN', code: 10058, text: 'Cannot send after socket shutdown.' },
	ETIMEDOUT: { name: 'WSAETIMEDOUT', code: 10060, text: 'Connection timed out.' },
	ECONNREFUSED: { name: 'WSAECONNREFUSED', code: 10061, text: 'Connection refused.' },
	EHOSTUNREACH: { name: 'WSAEHOSTUNREACH', code: 10065, text: 'No route to host.' }
} satisfies Record<PosixErrno, WinsockError>);

const BY_WINSOCK_NAME: ReadonlyMap<string, Readonly<WinsockError>> = new Map(
	Object.values(WINSOCK_ERRORS).map((w) => [w.name, w])
);

/** True for a WinSock name the simulator reports (`WSAENOBUFS`, …). */
export function isWinsockErrno(name: string): name is WinsockErrno {
	return BY_WINSOCK_NAME.has(name);
}

/**
 * The WinSock error for an errno name: the POSIX name's counterpart, or the WinSock entry itself.
 * @returns undefined for a name the simulator does not report.
 */
export function winsockError(name: string): Readonly<WinsockError> | undefined {
	return (WINSOCK_ERRORS as Record<string, Readonly<WinsockError>>)[name] ?? BY_WINSOCK_NAME.get(name);
}

/**
 * How a host names socket errors: `'posix'` (Linux, BSD, macOS) or `'winsock'` (Windows).
 * @returns the name to record and, for WinSock, its number.
 */
export function errnoForHost(
	style: 'posix' | 'winsock',
	errno: PosixErrno | WinsockErrno
): { errno: PosixErrno | WinsockErrno; code?: number } {
	if (style === 'posix') return { errno };
	const w = winsockError(errno);
	return w === undefined ? { errno } : { errno: w.name, code: w.code };
}
