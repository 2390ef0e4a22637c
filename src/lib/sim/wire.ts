/**
 * Wire-level helpers shared by the network and TCP layers: TCP flag bits and IPv4/port
 * validation. (Kept separate so that tcp.ts and network.ts do not depend on each other at
 * module-evaluation time.)
 *
 * @module
 */

import { SimError } from './errors';
import type { TcpFlag } from './trace';

/** TCP control bits as a bit mask (internal, hot path). RFC 9293 §3.1 header bits. */
export const F_FIN = 1;
/** SYN bit. */
export const F_SYN = 2;
/** RST bit. */
export const F_RST = 4;
/** PSH bit. */
export const F_PSH = 8;
/** ACK bit. */
export const F_ACK = 16;

const FLAG_ARRAYS: TcpFlag[][] = [];
for (let m = 0; m < 32; m++) {
	const a: TcpFlag[] = [];
	if (m & F_SYN) a.push('SYN');
	if (m & F_FIN) a.push('FIN');
	if (m & F_RST) a.push('RST');
	if (m & F_PSH) a.push('PSH');
	if (m & F_ACK) a.push('ACK');
	FLAG_ARRAYS.push(a);
}

/** Flag mask → trace flag list in canonical order SYN, FIN, RST, PSH, ACK (fresh array). */
export function flagsToList(mask: number): TcpFlag[] {
	return FLAG_ARRAYS[mask & 31].slice();
}

/** Trace flag list → mask. @throws SimError on an unknown flag name. */
export function flagsFromList(flags: readonly string[]): number {
	let m = 0;
	for (const f of flags) {
		switch (f) {
			case 'SYN':
				m |= F_SYN;
				break;
			case 'FIN':
				m |= F_FIN;
				break;
			case 'RST':
				m |= F_RST;
				break;
			case 'PSH':
				m |= F_PSH;
				break;
			case 'ACK':
				m |= F_ACK;
				break;
			default:
				throw new SimError(`Unknown TCP flag "${f}"; use SYN, ACK, FIN, RST or PSH.`, 'flags');
		}
	}
	return m;
}

/** Parse a dotted-quad IPv4 address. @returns the 32-bit value, or -1 when invalid. */
export function parseIp(ip: string): number {
	if (typeof ip !== 'string') return -1;
	const parts = ip.split('.');
	if (parts.length !== 4) return -1;
	let v = 0;
	for (const p of parts) {
		if (!/^\d{1,3}$/.test(p)) return -1;
		const n = Number(p);
		if (n > 255) return -1;
		v = v * 256 + n;
	}
	return v;
}

/** @throws SimError unless `ip` is a dotted-quad IPv4 address. */
export function checkIp(ip: string, field = 'ip'): void {
	if (parseIp(ip) < 0) {
		throw new SimError(`Invalid IPv4 address ${JSON.stringify(ip)} (expected a.b.c.d, each 0-255).`, field);
	}
}

/** @throws SimError unless `port` is an integer 0..65535. */
export function checkPort(port: number, field = 'port'): void {
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		throw new SimError(`Invalid port ${JSON.stringify(port)} (expected an integer 0-65535).`, field);
	}
}

