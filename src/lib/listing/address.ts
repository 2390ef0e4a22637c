/**
 * Socket addresses as the listing tools print them, and what kind of address each one is.
 *
 * Two notations:
 * - **colon** (`ss`, Linux and Windows `netstat`, `lsof`, `sockstat`): `10.0.0.1:443`,
 *   `[::1]:631`, `[fe80::1%9]:49670`, `:::22` and `::1:631` (IPv6 without brackets: the last
 *   colon splits), `127.0.0.53%lo:53`, wildcards `*:*`, `0.0.0.0:*`, `[::]:0`, `:::*`;
 * - **dot** (BSD `netstat`, macOS and FreeBSD): `10.0.0.1.443`, `*.*`, `*.22`, `::1.631`,
 *   `fe80::1%lo0.5000`: the last dot splits address and port.
 *
 * Classification uses ipaddr.js (loopback, link-local, private ranges).
 *
 * @module
 */
import ipaddr from 'ipaddr.js';
import type { Endpoint } from './types';

/** Maps a service name the tool printed (`http-alt`, `https`) to its port, or `undefined`. */
export type ServiceResolver = (name: string, proto: string) => number | undefined;

/** Characters an address may hold as printed (numeric, names, zones, wildcards, truncated IPv6). */
const ADDR_CHARS = /^[0-9A-Za-z:._*%-]{1,255}$/;
const PORT_DIGITS = /^\d{1,5}$/;
const PORT_NAME = /^[A-Za-z][A-Za-z0-9+._-]{0,31}$/;

/**
 * Read the port part of an endpoint.
 * @returns `{ port }` (null for `*`), `{ port: null, name }` for an unresolved name, or null when it is not a port.
 */
function readPort(text: string, proto: string, services?: ServiceResolver): { port: number | null; name?: string } | null {
	if (text === '*') return { port: null };
	if (PORT_DIGITS.test(text)) {
		const n = Number(text);
		return n <= 65535 ? { port: n } : null;
	}
	if (PORT_NAME.test(text)) {
		const n = services?.(text.toLowerCase(), proto);
		return { port: n ?? null, name: text };
	}
	return null;
}

function splitZone(addr: string): { addr: string; zone?: string } {
	const i = addr.indexOf('%');
	if (i < 0) return { addr };
	return { addr: addr.slice(0, i), zone: addr.slice(i + 1) };
}

function endpoint(addr: string, port: { port: number | null; name?: string }): Endpoint | null {
	const z = splitZone(addr);
	if (z.addr === '' || !ADDR_CHARS.test(z.addr)) return null;
	const ep: Endpoint = { addr: z.addr, port: port.port };
	if (z.zone !== undefined && z.zone !== '') ep.zone = z.zone;
	if (port.name !== undefined) ep.portName = port.name;
	return ep;
}

/**
 * Parse `ADDR:PORT` as Linux, Windows, lsof and sockstat print it.
 * @param proto `tcp` or `udp`, for service-name lookups.
 * @returns the endpoint, or null when the text is not an address and port.
 */
export function parseColonEndpoint(text: string, proto = 'tcp', services?: ServiceResolver): Endpoint | null {
	if (text.length === 0 || text.length > 300) return null;
	if (text === '*') return { addr: '*', port: null };
	if (text.startsWith('[')) {
		const close = text.indexOf(']');
		if (close < 0) return null;
		let inside = text.slice(1, close);
		let rest = text.slice(close + 1);
		// ss prints an interface scope after the bracket: [fe80::1]%eth0:546
		const zone = /^%([A-Za-z0-9_.-]{1,32})/.exec(rest);
		if (zone && !inside.includes('%')) {
			inside = `${inside}%${zone[1]}`;
			rest = rest.slice(zone[0].length);
		}
		if (rest === '') return endpoint(inside, { port: null });
		if (!rest.startsWith(':')) return null;
		const port = readPort(rest.slice(1), proto, services);
		return port ? endpoint(inside, port) : null;
	}
	const colon = text.lastIndexOf(':');
	if (colon < 0) return null;
	const port = readPort(text.slice(colon + 1), proto, services);
	if (!port) return null;
	return endpoint(text.slice(0, colon), port);
}

/**
 * Parse `ADDR.PORT` as BSD netstat (macOS, FreeBSD) prints it.
 * @returns the endpoint, or null when the text is not an address and port.
 */
export function parseDotEndpoint(text: string, proto = 'tcp', services?: ServiceResolver): Endpoint | null {
	if (text.length === 0 || text.length > 300) return null;
	const dot = text.lastIndexOf('.');
	if (dot <= 0) return null;
	const port = readPort(text.slice(dot + 1), proto, services);
	if (!port) return null;
	return endpoint(text.slice(0, dot), port);
}

/** True for an address that means "every local address": `*`, `0.0.0.0`, `::`. */
export function isWildcard(addr: string): boolean {
	return addr === '*' || addr === '0.0.0.0' || addr === '::' || addr === '0:0:0:0:0:0:0:0';
}

function parsed(addr: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
	if (!ipaddr.isValid(addr)) return null;
	try {
		return ipaddr.process(addr);
	} catch {
		return null;
	}
}

/** True for a dotted-quad IPv4 address (no leading zeros, each part 0–255). */
export function isIpv4(addr: string): boolean {
	return ipaddr.IPv4.isValidFourPartDecimal(addr);
}

/** True for loopback addresses (127.0.0.0/8, ::1, ::ffff:127.x) and the name `localhost`. */
export function isLoopback(addr: string): boolean {
	if (addr === 'localhost' || addr.startsWith('localhost.') || addr === 'ip6-localhost') return true;
	const a = parsed(addr);
	return a !== null && a.range() === 'loopback';
}

/** True for a link-local address (169.254/16, fe80::/10): reachable only on its own link. */
export function isLinkLocal(addr: string): boolean {
	const a = parsed(addr);
	return a !== null && a.range() === 'linkLocal';
}

/** IP version of an address as printed: 6 when it has a colon, 4 for a dotted quad, else undefined. */
export function ipVersionOf(addr: string): 4 | 6 | undefined {
	if (addr.includes(':')) return 6;
	if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return 4;
	return undefined;
}

/** `addr:port` for display, IPv6 in brackets, `*` for a missing port. */
export function formatEndpoint(e: Endpoint): string {
	const addr = e.zone ? `${e.addr}%${e.zone}` : e.addr;
	const port = e.port === null ? (e.portName ?? '*') : String(e.port);
	return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}
