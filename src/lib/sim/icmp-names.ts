/**
 * Names of ICMP messages (RFC 792; code 13 of Destination Unreachable from RFC 1812 §5.2.7.1),
 * one table for every place that shows or reads them: the CLI log (format.ts), the figures'
 * labels (viz/labels.ts), the quiz's packet descriptions and the scenario language's
 * `expect icmp … TYPE` (scenario/statements/expect.ts).
 *
 * @module
 */

/** One ICMP message the simulator sends or a scenario may name. */
export interface IcmpMessage {
	/** ICMP type (RFC 792). */
	type: number;
	/** ICMP code, or null for "any code" (the type's general name). */
	code: number | null;
	/** The name in the scenario language: lower case, words joined by `-` (`port-unreachable`). */
	slug: string;
	/** The RFC's name, as the figures show it: `Port Unreachable`. */
	name: string;
}

/** ICMP types by number, with their RFC 792 names. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
	0: 'Echo Reply',
	3: 'Destination Unreachable',
	8: 'Echo Request',
	11: 'Time Exceeded'
};

/**
 * Every ICMP message with a name: the four types (any code), then the codes of Destination
 * Unreachable and Time Exceeded that the simulator sends or a lesson mentions.
 */
export const ICMP_MESSAGES: readonly IcmpMessage[] = [
	{ type: 0, code: 0, slug: 'echo-reply', name: 'Echo Reply' },
	{ type: 8, code: 0, slug: 'echo-request', name: 'Echo Request' },
	{ type: 3, code: null, slug: 'destination-unreachable', name: 'Destination Unreachable' },
	{ type: 3, code: 0, slug: 'net-unreachable', name: 'Net Unreachable' },
	{ type: 3, code: 1, slug: 'host-unreachable', name: 'Host Unreachable' },
	{ type: 3, code: 2, slug: 'protocol-unreachable', name: 'Protocol Unreachable' },
	{ type: 3, code: 3, slug: 'port-unreachable', name: 'Port Unreachable' },
	{ type: 3, code: 4, slug: 'fragmentation-needed', name: 'Fragmentation Needed' },
	{ type: 3, code: 9, slug: 'net-prohibited', name: 'Destination Network Administratively Prohibited' },
	{ type: 3, code: 10, slug: 'host-prohibited', name: 'Destination Host Administratively Prohibited' },
	{ type: 3, code: 13, slug: 'admin-prohibited', name: 'Communication Administratively Prohibited' },
	{ type: 11, code: null, slug: 'time-exceeded', name: 'Time Exceeded' },
	{ type: 11, code: 0, slug: 'ttl-exceeded', name: 'TTL exceeded in transit' },
	{ type: 11, code: 1, slug: 'reassembly-time-exceeded', name: 'Fragment reassembly time exceeded' }
];

/** The RFC 792 name of an ICMP type (`Echo Reply`), or undefined for a type without one here. */
export function icmpTypeName(type: number): string | undefined {
	return TYPE_NAMES[type];
}

/** The entry for an exact type and code, if it has a name. */
function codeEntry(type: number, code: number): IcmpMessage | undefined {
	return ICMP_MESSAGES.find((m) => m.type === type && m.code === code);
}

/**
 * The name the figures show: the type's name, with the code's in brackets for Destination
 * Unreachable and Time Exceeded: `Echo Reply`, `Destination Unreachable (Port Unreachable)`,
 * `Time Exceeded (TTL exceeded in transit)`; `type T code C` for anything unnamed.
 */
export function icmpName(type: number, code: number): string {
	const typeName = TYPE_NAMES[type];
	if (typeName === undefined) return `type ${type} code ${code}`;
	if (type === 0 || type === 8) return code === 0 ? typeName : `${typeName} code ${code}`;
	const c = codeEntry(type, code);
	return c ? `${typeName} (${c.name})` : `type ${type} code ${code}`;
}

/**
 * The short lower-case name of the command-line log: `echo reply`, `port unreachable`,
 * `time exceeded in transit`, `destination unreachable code 9`, `type 5 code 1`.
 */
export function icmpLogName(type: number, code: number): string {
	const typeName = TYPE_NAMES[type];
	if (typeName === undefined) return `type ${type} code ${code}`;
	if (type === 0 || type === 8) return typeName.toLowerCase();
	const c = codeEntry(type, code);
	if (type === 11) return code === 0 ? 'time exceeded in transit' : `time exceeded code ${code}`;
	return c ? c.name.toLowerCase() : `destination unreachable code ${code}`;
}

/**
 * ICMPv6 messages the simulator sends (RFC 4443 §2.1; neighbour discovery, RFC 4861 §4), with
 * their names in the scenario language's `expect icmp6 … MESSAGE`.
 */
export const ICMP6_MESSAGES: readonly IcmpMessage[] = [
	{ type: 128, code: 0, slug: 'echo-request', name: 'Echo Request' },
	{ type: 129, code: 0, slug: 'echo-reply', name: 'Echo Reply' },
	{ type: 1, code: null, slug: 'destination-unreachable', name: 'Destination Unreachable' },
	{ type: 1, code: 4, slug: 'port-unreachable', name: 'Port Unreachable' },
	{ type: 2, code: 0, slug: 'packet-too-big', name: 'Packet Too Big' },
	{ type: 3, code: null, slug: 'time-exceeded', name: 'Time Exceeded' },
	{ type: 3, code: 0, slug: 'hop-limit-exceeded', name: 'Hop limit exceeded in transit' },
	{ type: 135, code: 0, slug: 'neighbor-solicitation', name: 'Neighbor Solicitation' },
	{ type: 136, code: 0, slug: 'neighbor-advertisement', name: 'Neighbor Advertisement' }
];
