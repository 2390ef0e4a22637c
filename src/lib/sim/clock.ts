/**
 * The virtual clock: a priority queue of timed events.
 *
 * Events are ordered by `(time, insertion sequence)`: two events scheduled for the same
 * millisecond fire in the order they were scheduled, which makes every run deterministic
 * regardless of JavaScript engine (no reliance on `Array.prototype.sort` stability or on
 * object identity).
 *
 * Storage: most events are scheduled a fixed delay after "now" — a link latency, an RTO, the
 * TIME-WAIT length — so the queue keeps a few FIFO *lanes*, one per delay in use: events pushed
 * with the same delay arrive in (time, sequence) order, so each lane is sorted by construction and
 * costs O(1) per push and pop. Everything else (user actions at arbitrary times, or when all lanes
 * are busy with other delays) goes to a binary min-heap. `step()` takes the smallest
 * (time, sequence) among the heap top and the lane heads, so the firing order is exactly that of
 * a single priority queue. Entry objects are pooled, so scheduling on the hot path (one entry
 * per packet delivery or timer) allocates nothing once the pool is warm. Targets are long-lived
 * objects with an `onEvent` method (hosts, TCBs, the simulation), so no closure is created per
 * event.
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

/** A FIFO of entries pushed with the same delay (hence sorted by (time, seq)). */
interface Lane {
	/** Delay (time − now at push) of the entries in this lane; reassigned when the lane is empty. */
	delay: number;
	/** Slots `head .. tail-1` hold the pending entries (slots outside are stale). */
	items: Entry[];
	head: number;
	tail: number;
	/** Time and sequence of the head entry (valid while the lane is non-empty). */
	t: number;
	s: number;
}

/** Most lanes kept; further distinct delays use the heap. */
const MAX_LANES = 12;

/**
 * Most spare entries pooled. Plenty for the hot path (the lifecycle benchmark of
 * lifecycle.bench.ts holds fewer than ten spare entries while it runs, ~650 when a burst of
 * TIME-WAIT expiries begins); without a bound, a burst of events (100,000 connects at one
 * instant) would leave as many entries pooled for the rest of the run.
 */
const MAX_POOL = 1024;

/**
 * Priority queue of timed events keyed on (time ms, insertion sequence): FIFO lanes per delay
 * plus a binary min-heap (see the module doc).
 *
 * `now` is the time of the event being (or last) processed, in ms of virtual time.
 */
export class EventQueue {
	private heap: Entry[] = [];
	private pool: Entry[] = [];
	private lanes: Lane[] = [];
	/** The non-empty lanes (any order); `step()` compares only their heads. */
	private active: Lane[] = [];
	/** Lane used by the previous push (most pushes repeat the same delay). */
	private hint: Lane | null = null;
	private count = 0;
	private seq = 0;
	/** Virtual time in ms of the event most recently popped (or set by {@link advanceTo}). */
	now = 0;

	/** Number of pending events. */
	get size(): number {
		return this.count;
	}

	/**
	 * Schedule `target.onEvent(kind, arg, time)` at virtual time `time` (ms).
	 * Times before `now` are clamped to `now` (the event fires next at the current instant,
	 * after everything already scheduled for that instant).
	 */
	push(time: number, target: EventTarget, kind: number, arg: unknown): void {
		const now = this.now;
		const e = this.pool.length > 0 ? (this.pool.pop() as Entry) : ({ time: 0, seq: 0, target: null, kind: 0, arg: null } as Entry);
		if (time < now) time = now;
		e.time = time;
		e.seq = this.seq++;
		e.target = target;
		e.kind = kind;
		e.arg = arg;
		this.count++;
		// Lane with this delay, else an empty lane to reassign, else a new lane, else the heap.
		const d = time - now;
		let lane = this.hint;
		if (lane === null || lane.delay !== d) {
			lane = null;
			const lanes = this.lanes;
			let free: Lane | null = null;
			for (let i = 0; i < lanes.length; i++) {
				const l = lanes[i];
				if (l.delay === d) {
					lane = l;
					break;
				}
				if (free === null && l.head === l.tail) free = l;
			}
			if (lane === null) {
				if (free !== null) {
					lane = free;
					lane.delay = d;
				} else if (lanes.length < MAX_LANES) {
					lane = { delay: d, items: [], head: 0, tail: 0, t: 0, s: 0 };
					lanes.push(lane);
				} else {
					this.heapPush(e);
					return;
				}
			}
			this.hint = lane;
		}
		if (lane.head === lane.tail) {
			lane.t = time;
			lane.s = e.seq;
			this.active.push(lane);
		} else if (lane.items[lane.tail - 1].time > time) {
			// A lane stays sorted only if `time` is not before its last entry (float rounding guard).
			this.heapPush(e);
			return;
		}
		if (lane.tail < lane.items.length) lane.items[lane.tail] = e;
		else lane.items.push(e);
		lane.tail++;
	}

	private heapPush(e: Entry): void {
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

	/**
	 * Where the earliest pending entry is: index into `active`, or -1 for the heap top; its time
	 * is left in `minTime`. Only call with a non-empty queue.
	 */
	private minLane(): number {
		const h = this.heap;
		const lanes = this.active;
		let where: number;
		let bt: number;
		let bs: number;
		if (h.length > 0) {
			where = -1;
			bt = h[0].time;
			bs = h[0].seq;
		} else {
			where = 0;
			bt = lanes[0].t;
			bs = lanes[0].s;
		}
		for (let i = where + 1; i < lanes.length; i++) {
			const l = lanes[i];
			if (l.t < bt || (l.t === bt && l.s < bs)) {
				bt = l.t;
				bs = l.s;
				where = i;
			}
		}
		this.minTime = bt;
		return where;
	}

	/** Time of the entry found by the last {@link minLane} call. */
	private minTime = 0;

	/** Time (ms) of the earliest pending event, or `Infinity` when the queue is empty. */
	peekTime(): number {
		if (this.count === 0) return Infinity;
		this.minLane();
		return this.minTime;
	}

	/**
	 * Pop the earliest event, advance `now` to its time and dispatch it.
	 * @returns false when the queue was empty.
	 */
	step(): boolean {
		if (this.count === 0) return false;
		this.dispatch(this.take(this.minLane()));
		return true;
	}

	/**
	 * Dispatch events in order while the earliest is at or before `until` (ms), at most `limit`
	 * of them. Same as `while (n < limit && size > 0 && peekTime() <= until) step()`, finding the
	 * minimum once per event.
	 * @returns the number of events dispatched.
	 */
	runUntil(until: number, limit = Infinity): number {
		let n = 0;
		while (this.count > 0 && n < limit) {
			const w = this.minLane();
			if (this.minTime > until) return n;
			this.dispatch(this.take(w));
			n++;
		}
		return n;
	}

	/** Remove the head of active lane `w` (or the heap top when `w < 0`). */
	private take(w: number): Entry {
		this.count--;
		if (w >= 0) {
			const act = this.active;
			const l = act[w];
			const e = l.items[l.head++];
			if (l.head === l.tail) {
				l.head = 0;
				l.tail = 0;
				// An emptied lane keeps its slots for the next burst, unless a burst made it large.
				if (l.items.length > MAX_POOL) l.items = [];
				const last = act.pop() as Lane;
				if (w < act.length) act[w] = last;
			} else {
				if (l.head >= 4096 && l.head * 2 >= l.tail) {
					l.items.copyWithin(0, l.head, l.tail);
					l.tail -= l.head;
					l.head = 0;
				}
				const n = l.items[l.head];
				l.t = n.time;
				l.s = n.seq;
			}
			return e;
		}
		const h = this.heap;
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
		return top;
	}

	private dispatch(top: Entry): void {
		this.now = top.time;
		const target = top.target as EventTarget;
		const kind = top.kind;
		const arg = top.arg;
		top.target = null;
		top.arg = null;
		if (this.pool.length < MAX_POOL) this.pool.push(top);
		target.onEvent(kind, arg, top.time);
	}

	/** Move the clock forward to `time` ms without firing anything (no-op if `time <= now`). */
	advanceTo(time: number): void {
		if (time > this.now) this.now = time;
	}
}
