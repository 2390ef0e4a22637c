import { describe, expect, it } from 'vitest';
import { WINSOCK_ERRORS, errnoForHost, isWinsockErrno, winsockError } from './errno';

describe('WinSock error names and numbers ("Windows Sockets Error Codes")', () => {
	it('are WSABASEERR (10000) + the BSD errno, with Microsoft names', () => {
		expect(WINSOCK_ERRORS.EADDRINUSE).toMatchObject({ name: 'WSAEADDRINUSE', code: 10048 });
		expect(WINSOCK_ERRORS.ENOBUFS).toMatchObject({ name: 'WSAENOBUFS', code: 10055, text: 'No buffer space available.' });
		expect(WINSOCK_ERRORS.ECONNRESET).toMatchObject({ name: 'WSAECONNRESET', code: 10054 });
		const renamed: Record<string, string> = { EPIPE: 'WSAESHUTDOWN', EBADF: 'WSAENOTSOCK' };
		for (const [posix, w] of Object.entries(WINSOCK_ERRORS)) expect(w.name).toBe(renamed[posix] ?? `WSA${posix}`);
		expect(WINSOCK_ERRORS.EPIPE).toMatchObject({ name: 'WSAESHUTDOWN', code: 10058 });
		const codes = Object.values(WINSOCK_ERRORS).map((w) => w.code);
		expect(new Set(codes).size).toBe(codes.length);
	});

	it('a Windows host records the WinSock name and number; a POSIX host keeps the name', () => {
		expect(errnoForHost('winsock', 'ENOBUFS')).toEqual({ errno: 'WSAENOBUFS', code: 10055 });
		expect(errnoForHost('winsock', 'WSAEADDRINUSE')).toEqual({ errno: 'WSAEADDRINUSE', code: 10048 });
		expect(errnoForHost('posix', 'EADDRNOTAVAIL')).toEqual({ errno: 'EADDRNOTAVAIL' });
		expect(isWinsockErrno('WSAECONNREFUSED')).toBe(true);
		expect(isWinsockErrno('ECONNREFUSED')).toBe(false);
		expect(winsockError('EBOGUS')).toBeUndefined();
	});
});
