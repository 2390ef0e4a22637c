/**
 * Happy Eyeballs v2 (RFC 8305) for one TCP connect to a dual-stack name: the IPv6 attempt
 * starts at once; the IPv4 attempt starts when the IPv6 one fails or after the Connection
 * Attempt Delay of 250 ms (§5: "a recommended default of 250 milliseconds"), whichever comes
 * first; the first attempt to reach ESTABLISHED wins and every other is cancelled (§5, aborted
 * here: a RST if its SYN,ACK arrives later). The resolver step (§3, AAAA before A, the 50 ms
 * Resolution Delay) is left out: the addresses are given.
 *
 * Real clients: Chrome and Firefox use 250-300 ms; Apple's stack adapts the delay to measured
 * RTTs (RFC 8305 §8 allows 100 ms to 2 s). The simulator uses the RFC's default.
 *
 * @module
 */

import type { EventTarget } from './clock';
import type { SimCore } from './core';
import type { Tcb } from './tcb';
import type { TcpSocket, TcpSocketOptions } from './tcp-socket';

/** RFC 8305 §5 Connection Attempt Delay, ms. */
export const CONNECTION_ATTEMPT_DELAY_MS = 250;

/** What happy eyeballs needs of a host. */
interface HeHost {
	readonly core: SimCore;
	tcp(id?: string, opts?: TcpSocketOptions): TcpSocket;
}

/** The two attempts of one happy-eyeballs connect. */
export interface HappyEyeballs {
	/** The IPv6 attempt (id as given, or the host's next `<host>#n`). */
	v6: TcpSocket;
	/** The IPv4 attempt, `<id>-v4`; it stays CLOSED when the IPv6 one wins within 250 ms. */
	v4: TcpSocket;
}

class Race implements EventTarget {
	private v4Started = false;
	private decided = false;
	constructor(
		readonly v6: TcpSocket,
		readonly v4: TcpSocket,
		private ip4: string,
		private port: number
	) {}
	/** The Connection Attempt Delay ran out. */
	onEvent(): void {
		if (!this.decided) this.startV4();
	}
	startV4(): void {
		if (this.v4Started) return;
		this.v4Started = true;
		this.v4.connect(this.ip4, this.port);
	}
	/** A state change of either attempt. */
	changed(t: Tcb): void {
		if (this.decided) return;
		if (t.state === 'ESTABLISHED') {
			this.decided = true;
			const other = t === this.v6 ? this.v4 : this.v6;
			if (other.state !== 'CLOSED') other.abort();
		} else if (t === this.v6 && t.state === 'CLOSED') {
			// The IPv6 attempt failed (RST, unreachable): IPv4 goes now, not after the delay.
			this.startV4();
		}
	}
}

/**
 * Start a happy-eyeballs connect from `host` to `port` at `ip6` and `ip4`.
 * @throws SimError for an invalid address or port, or a socket id already in use.
 */
export function happyEyeballs(host: HeHost, id: string | undefined, ip6: string, ip4: string, port: number, opts: TcpSocketOptions = {}): HappyEyeballs {
	const v6 = host.tcp(id, opts);
	const v4 = host.tcp(`${v6.id}-v4`, opts);
	const race = new Race(v6, v4, ip4, port);
	v6.onState = (t) => race.changed(t);
	v4.onState = (t) => race.changed(t);
	const q = host.core.queue;
	q.push(q.now + CONNECTION_ATTEMPT_DELAY_MS, race, 1, null);
	v6.connect(ip6, port);
	return { v6, v4 };
}
