/**
 * Rows of RFC 9293's transition table (src/lib/sim/rfc9293-transitions.json, copied from
 * /work/shared/reference) that the engine deliberately does not implement, with the reason.
 * Every other row is exercised by transitions.test.ts, which also checks that each of the 161
 * ids is either tested or listed here. docs/tcp-deviations.md mirrors this list.
 *
 * @module
 */

/** A transition-table row the engine does not implement, and why. */
export interface Deviation {
	/** Row id in rfc9293-transitions.json. */
	id: number;
	/** Why the row is not modelled. */
	reason: string;
}

const SECURITY = 'Security/compartment (IP security option, RFC 9293 3.10.7.4 third step) is not modelled: every segment matches.';
const RFC793 =
	'RFC 793 variant of SYN handling in a synchronized state; the engine implements the RFC 5961 variant (challenge ACK, tested in the sibling row), as Linux, FreeBSD, macOS and Windows do.';

/** The deviation list (ids ascending). */
export const DEVIATIONS: readonly Deviation[] = Object.freeze([
	{
		id: 9,
		reason:
			'CLOSE on a socket without a connection is an error in the RFC ("connection does not exist"); close() on any open descriptor returns 0 (POSIX close(2), Linux inet_release), also after ECONNREFUSED. The engine records no error (tcp-socket.test.ts).'
	},
	{ id: 14, reason: SECURITY },
	{
		id: 16,
		reason:
			'OPEN(active) on a LISTEN TCB is RFC-only: through BSD sockets connect() on a listening socket fails (the engine records EINVAL).'
	},
	{
		id: 17,
		reason: 'SEND on a LISTEN TCB with a remote socket is RFC-only; send() on a listening socket fails ENOTCONN.'
	},
	{ id: 25, reason: SECURITY },
	{ id: 39, reason: SECURITY },
	{ id: 55, reason: RFC793 },
	{ id: 56, reason: SECURITY },
	{ id: 62, reason: RFC793 },
	{ id: 63, reason: SECURITY },
	{ id: 69, reason: RFC793 },
	{ id: 70, reason: SECURITY },
	{ id: 76, reason: RFC793 },
	{ id: 77, reason: SECURITY },
	{ id: 83, reason: RFC793 },
	{ id: 84, reason: SECURITY },
	{ id: 90, reason: RFC793 },
	{ id: 91, reason: SECURITY },
	{ id: 97, reason: RFC793 },
	{ id: 98, reason: SECURITY },
	{
		id: 161,
		reason:
			'USER TIMEOUT is not modelled (Linux TCP_USER_TIMEOUT defaults to off). Connections are instead abandoned after bounded retransmissions (ETIMEDOUT), tested separately.'
	}
]);
