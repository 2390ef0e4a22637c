/**
 * The playground's gallery of ready demos: one scenario per classic behaviour, with a title
 * and a one-line description of what to watch. The scenario files live in
 * content/scenarios/ (each starts with comments explaining it).
 *
 * @module
 */
import handshake from '$content/scenarios/handshake.scn?raw';
import twoTabs from '$content/scenarios/two-tabs.scn?raw';
import simultaneousClose from '$content/scenarios/simultaneous-close.scn?raw';
import rstClosedPort from '$content/scenarios/rst-closed-port.scn?raw';
import portExhaustion from '$content/scenarios/port-exhaustion.scn?raw';
import natRemap from '$content/scenarios/nat-remap.scn?raw';
import tracerouteUnix from '$content/scenarios/traceroute-unix.scn?raw';
import tracerouteWindows from '$content/scenarios/traceroute-windows.scn?raw';
import udpClosedPort from '$content/scenarios/udp-closed-port.scn?raw';

/** One ready demo. */
export interface Demo {
	/** Stable id (the scenario's file name without `.scn`). */
	id: string;
	title: string;
	/** What to watch, in one sentence. */
	blurb: string;
	/** Scenario text (docs/scenario-format.md). */
	text: string;
}

/** The demos, in the order the gallery shows them. The first is the playground's default. */
export const GALLERY: readonly Demo[] = [
	{
		id: 'handshake',
		title: 'One connection, start to finish',
		blurb: 'SYN, SYN-ACK, ACK, a request and a reply, then FIN and the client waiting in TIME-WAIT.',
		text: handshake
	},
	{
		id: 'two-tabs',
		title: 'Two tabs, one server',
		blurb: 'Both tabs reach port 443; each gets its own ephemeral port, so the 4-tuples differ.',
		text: twoTabs
	},
	{
		id: 'simultaneous-close',
		title: 'Simultaneous close',
		blurb: 'Both ends send FIN at once, pass through CLOSING and both end in TIME-WAIT.',
		text: simultaneousClose
	},
	{
		id: 'rst-closed-port',
		title: 'RST from a closed port',
		blurb: 'A SYN to a port where nothing listens is answered with RST,ACK: ECONNREFUSED.',
		text: rstClosedPort
	},
	{
		id: 'port-exhaustion',
		title: 'Port exhaustion',
		blurb: 'Four ephemeral ports, five connections: the fifth connect() fails with EADDRNOTAVAIL.',
		text: portExhaustion
	},
	{
		id: 'nat-remap',
		title: 'NAT remaps a clashing port',
		blurb: 'Two laptops both use source port 40000; the NAT gives the second another public port.',
		text: natRemap
	},
	{
		id: 'traceroute-unix',
		title: 'traceroute (Unix style)',
		blurb: 'UDP probes with TTL 1, 2, 3: Time Exceeded from each router, Port Unreachable at the end.',
		text: tracerouteUnix
	},
	{
		id: 'traceroute-windows',
		title: 'tracert (Windows style)',
		blurb: 'The same path probed with ICMP Echo Requests; the destination answers Echo Reply.',
		text: tracerouteWindows
	},
	{
		id: 'udp-closed-port',
		title: 'UDP to a closed port',
		blurb: 'No handshake and no RST: the host answers ICMP Port Unreachable.',
		text: udpClosedPort
	}
];
