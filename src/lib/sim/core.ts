/**
 * What every part of the engine may use of the simulation that owns it: the virtual clock, the
 * trace being recorded, the seeded PRNG and the socket-id namespace. `Simulation`
 * (simulation.ts) implements {@link SimCore}; hosts, routers, NAT and the protocols see only
 * this interface, so none of them imports simulation.ts.
 *
 * @module
 */

import type { EventQueue } from './clock';
import type { Rng } from './prng';
import type { TraceEvent } from './trace';

/** Anything with an id in the simulation's socket namespace (TCP and UDP sockets, tools). */
export interface NamedSocket {
	/** Unique id in the trace, e.g. `c1`, `web.1`, `client#3`. */
	readonly id: string;
}

/** The simulation as the layers below it see it. Internal (not part of the public API). */
export interface SimCore {
	/** The virtual clock (ms) and its event queue. */
	readonly queue: EventQueue;
	/** When false, only ErrorEvents are recorded and closed sockets are forgotten (benchmarks). */
	readonly record: boolean;
	/** The trace's events, in order; layers append to it. */
	readonly events: TraceEvent[];
	/** Root PRNG, forked per purpose (`isn:<host>`, `ports:tcp:<host>`, `loss`, …). */
	readonly rng: Rng;
	/** Allocate the next packet id (trace `id` of a transmission). */
	nextPacketId(): number;
	/**
	 * Register a newly created TCP socket's id. `generated`: the id was made by the host
	 * (`<host>#<n>`), not chosen by the user.
	 * @returns true when the simulation keeps a reference to the socket by id (user-chosen ids),
	 *   which {@link forgetSocket} must drop once the socket is gone.
	 * @throws SimError if the id is already in use.
	 */
	registerSocket(s: NamedSocket, generated: boolean): boolean;
	/** Register a listener's child `<listenerId>.<n>`. @throws SimError if a user socket has that id. */
	registerChild(s: NamedSocket): void;
	/** Drop the reference {@link registerSocket} kept (only with `record: false`, once the socket is CLOSED). */
	forgetSocket(s: NamedSocket): void;
	/** Register a UDP socket or tool id in the shared namespace. @throws SimError on duplicates. */
	registerOtherSocket?(id: string, s: NamedSocket): void;
}
