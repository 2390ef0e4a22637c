/**
 * The virtual clock: a priority queue of timed events.
 *
 * Events are ordered by `(time, insertion sequence)`: two events scheduled for the same
 * millisecond fire in the order they were scheduled, which makes every run deterministic
 * regardless of JavaScript engine (no reliance on `Array.prototype.sort` stability or on
 * object identity).
 *
 * The queue is a binary min-heap over pooled entry objects, so scheduling on the hot path
 * (one entry per packet delivery or timer) allocates nothing once the pool is warm.
 * Targets are long-lived objects with an `onEvent` method (hosts, TCBs, the simulation),
 * so no closure is created per event.
 *
 * @module
 */

/** Something that can receive a timed event. `kind` and `arg` are whatever was scheduled. */
export interface EventTarget {
	/**
	 * Called when the event fires.
	 * @param kind - small integer chosen by the scheduler (e.g. "deliver packet", "RTO").
	 * @param arg - the payload given to {@link EventQueue.push} (a packet, a generation counter…).
	 * @param time - the virtual time in ms at which it fires (equals the queue's `now`).
	 */
	onEvent(kind: number, arg: unknown, time: number): void;
}

/** One scheduled event (pooled; do not keep references to it after it fired). */
interface Entry {
	time: number;
	seq: number;
	target: EventTarget | null;
	kind: number;
	arg: unknown;
}

/**
 * Binary min-heap keyed on (time ms, insertion sequence).
 *
 * `now` is the time of the event being (or last) processed, in ms of virtual time.
 */
export class EventQueue {
	private heap: Entry[] = [];
	private pool: Entry[] = [];
	private seq = 0;
	/** Virtual time in ms of the event most recently popped (or set by {@link advanceTo}). */
	now = 0;

	/** Number of pending events. */
	get size(): number {
		return this.heap.length;
	}

	/**
	 * Schedule `target.onEvent(kind, arg, time)` at virtual time `time` (ms).
	 * Times before `now` are clamped to `now` (the event fires next at the current instant,
	 * after everything already scheduled for that instant).
	 */
	push(time: number, target: EventTarget, kind: number, arg: unknown): void {
		const e = this.pool.length > 0 ? (this.pool.pop() as Entry) : ({} as Entry);
		e.time = time < this.now ? this.now : time;
		e.seq = this.seq++;
		e.target = target;
		e.kind = kind;
		e.arg = arg;
		const h = this.heap;
		let i = h.length;
		h.push(e);
		// sift up
		while (i > 0) {
			const p = (i - 1) >> 1;
			const pe = h[p];
			if (pe.time < e.time || (pe.time === e.time && pe.seq < e.seq)) break;
			h[i] = pe;
			i = p;
		}
		h[i] = e;
	}

	/** Time (ms) of the earliest pending event, or `Infinity` when the queue is empty. */
	peekTime(): number {
		return this.heap.length > 0 ? this.heap[0].time : Infinity;
	}

	/**
	 * Pop the earliest event, advance `now` to its time and dispatch it.
	 * @returns false when the queue was empty.
	 */
	step(): boolean {
		const h = this.heap;
		if (h.length === 0) return false;
		const top = h[0];
		const last = h.pop() as Entry;
		if (h.length > 0) {
			// sift `last` down from the root
			let i = 0;
			const n = h.length;
			for (;;) {
				const l = 2 * i + 1;
				if (l >= n) break;
				const r = l + 1;
				let c = l;
				if (r < n) {
					const le = h[l];
					const re = h[r];
					if (re.time < le.time || (re.time === le.time && re.seq < le.seq)) c = r;
				}
				const ce = h[c];
				if (last.time < ce.time || (last.time === ce.time && last.seq < ce.seq)) break;
				h[i] = ce;
				i = c;
			}
			h[i] = last;
		}
		this.now = top.time;
		const target = top.target as EventTarget;
		const kind = top.kind;
		const arg = top.arg;
		top.target = null;
		top.arg = null;
		this.pool.push(top);
		target.onEvent(kind, arg, top.time);
		return true;
	}

	/** Move the clock forward to `time` ms without firing anything (no-op if `time <= now`). */
	advanceTo(time: number): void {
		if (time > this.now) this.now = time;
	}
}
