/**
 * The lesson sections findings link to. `lessons.test.ts` checks every one against the lesson
 * index (slug exists, heading id exists), so a renamed heading fails the tests.
 *
 * @module
 */
import type { LessonLink } from './types';

function link(slug: string, heading: string, id: string): LessonLink {
	return { slug, heading, id, href: `/lessons/${slug}#${id}` };
}

export const LESSONS = {
	closeWait: link('closing-connections', 'CLOSE-WAIT means the program has not closed', 'close-wait-means-the-program-has-not-closed'),
	eachDirection: link('closing-connections', 'Each direction closes separately', 'each-direction-closes-separately'),
	timeWait: link('closing-connections', 'TIME-WAIT: who and for how long', 'time-wait-who-and-for-how-long'),
	resets: link('closing-connections', 'Resets', 'resets'),
	twAccumulates: link('port-exhaustion', 'How TIME-WAIT accumulates', 'how-time-wait-accumulates'),
	ceiling: link('port-exhaustion', 'The ceiling', 'the-ceiling'),
	perDestination: link('port-exhaustion', 'Per destination on Linux, per host on Windows', 'per-destination-on-linux-per-host-on-windows'),
	fixes: link('port-exhaustion', 'Fixes, best first', 'fixes-best-first'),
	restarts: link('port-exhaustion', 'Server restarts and port reuse', 'server-restarts-and-port-reuse'),
	retransmission: link('reliable-delivery', 'Retransmission', 'retransmission'),
	handshake: link('tcp-handshake', 'The three-way handshake', 'the-three-way-handshake'),
	scanner: link('ports-in-practice', 'What a port scanner sees', 'what-a-port-scanner-sees'),
	dropOrReject: link('firewalls', 'Drop or reject', 'drop-or-reject'),
	reading: link('ports-in-practice', 'Reading a socket listing', 'reading-a-socket-listing'),
	whoUses: link('ports-in-practice', 'Who is using this port', 'who-is-using-this-port'),
	expose: link('ports-in-practice', 'Expose as few ports as possible', 'expose-as-few-ports-as-possible'),
	ranges: link('ephemeral-ports', 'Default ranges by operating system', 'default-ranges-by-operating-system')
} as const satisfies Record<string, LessonLink>;
