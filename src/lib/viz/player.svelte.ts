/**
 * The playback state every view of one trace shares: one playhead, moved by
 * Play/Pause, Step back/forward, Restart and a speed control.
 *
 * Motion uses Svelte's `Tween`; with `prefers-reduced-motion` the playhead jumps
 * from moment to moment without in-between frames.
 */
import { Tween } from 'svelte/motion';
import { relativeNumbers, type RelativeNumbers } from './seqspace';
import { linear } from 'svelte/easing';
import type { Trace } from '$lib/sim/trace';
import { momentsOf, timeAt } from './timeline';

/** Milliseconds of real time one step takes at 1× speed. */
export const STEP_MS = 900;

/** Playback speeds offered by the speed control. */
export const SPEEDS = [0.5, 1, 2, 4] as const;

function prefersReducedMotion(): boolean {
	return typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;
}

/** Options of a {@link Player}. */
export interface PlayerOptions {
	/**
	 * Start with sequence numbers relative to each connection's ISNs (true), absolute (false), or
	 * let each ladder choose what fits (undefined). A lesson whose prose quotes relative values
	 * sets it so the figure shows the same numbers.
	 */
	relative?: boolean;
}

export class Player {
	readonly trace: Trace;
	/** Moment times (ms of virtual time), ascending. */
	readonly moments: number[];
	/** Does the trace contain TCP segments (so sequence numbers mean something)? */
	readonly hasTcp: boolean;
	/** The step the playhead is at or heading to (integer, 0 … last). */
	step = $state(0);
	playing = $state(false);
	speed = $state<number>(1);
	/**
	 * Relative (true) or absolute (false) sequence numbers, as the reader or the figure chose; null
	 * until then (each view picks what fits). Shared, so the lesson figure and its presentation
	 * show the same numbers.
	 */
	relative = $state<boolean | null>(null);
	/**
	 * What the ladder actually shows (its resolved choice when `relative` is null: it depends on
	 * the ladder's width). Set by the Ladder view; the narration and the header inspector read it
	 * so every view of the figure prints the same numbers.
	 */
	relativeShown = $state(false);
	#relativeNumbers: RelativeNumbers | null = null;
	/**
	 * Packets (by trace `id`) that views must not show yet: presentation mode's predict-then-reveal
	 * hides what is about to be sent until the presenter reveals it. Views read this; nothing
	 * reaches into another view's DOM.
	 */
	concealed = $state<ReadonlySet<number>>(new Set());
	readonly #pos: Tween<number>;
	#timer: ReturnType<typeof setTimeout> | null = null;
	/** Bumped by every play()/pause() so a superseded play loop stops. */
	#generation = 0;

	constructor(trace: Trace, startStep = 0, options: PlayerOptions = {}) {
		this.trace = trace;
		this.moments = momentsOf(trace);
		this.hasTcp = trace.events.some((e) => e.kind === 'segment');
		if (options.relative !== undefined && this.hasTcp) this.relative = options.relative;
		const s = Math.max(0, Math.min(this.last, Math.floor(startStep)));
		this.step = s;
		this.#pos = new Tween(s, { duration: 0, easing: linear });
	}

	/** Relative SEG.SEQ / SEG.ACK of every segment (seqspace.ts), computed once on first use. */
	get relativeNumbers(): RelativeNumbers {
		return (this.#relativeNumbers ??= relativeNumbers(this.trace));
	}

	/** Index of the final step. */
	get last(): number {
		return this.moments.length - 1;
	}
	/** Continuous playhead in moment units (animated). */
	get pos(): number {
		return this.#pos.current;
	}
	/** Virtual time (ms) at the playhead. */
	get time(): number {
		return timeAt(this.moments, this.#pos.current);
	}
	/** Virtual time (ms) of the current step (not animated). */
	get stepTime(): number {
		return this.moments[this.step];
	}
	get atEnd(): boolean {
		return this.step >= this.last;
	}

	#go(step: number, animate: boolean) {
		const target = Math.max(0, Math.min(this.last, step));
		this.step = target;
		const duration = animate && !prefersReducedMotion() ? STEP_MS / this.speed : 0;
		return this.#pos.set(target, { duration });
	}

	stepForward() {
		this.pause();
		void this.#go(this.step + 1, true);
	}
	stepBack() {
		this.pause();
		void this.#go(this.step - 1, false);
	}
	restart() {
		this.pause();
		void this.#go(0, false);
	}
	/** Jump to a step without animation (slider, shared links). */
	seek(step: number) {
		this.pause();
		void this.#go(step, false);
	}

	play() {
		if (this.playing) return;
		if (this.atEnd) void this.#go(0, false);
		this.playing = true;
		void this.#tick(++this.#generation);
	}
	pause() {
		this.#generation++;
		this.playing = false;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}
	toggle() {
		if (this.playing) this.pause();
		else this.play();
	}

	async #tick(generation: number) {
		const live = () => this.playing && generation === this.#generation;
		while (live() && !this.atEnd) {
			if (prefersReducedMotion()) {
				// No motion: hold each step, then jump to the next one.
				await new Promise<void>((r) => (this.#timer = setTimeout(r, STEP_MS / this.speed)));
				if (!live()) return;
				await this.#go(this.step + 1, false);
			} else {
				await this.#go(this.step + 1, true);
			}
		}
		if (live()) this.playing = false;
	}

	/** Hide these packets from every view until {@link reveal} (predict-then-reveal). */
	conceal(ids: Iterable<number>) {
		this.concealed = new Set(ids);
	}
	/** Show every packet again. */
	reveal() {
		if (this.concealed.size) this.concealed = new Set();
	}

	destroy() {
		this.pause();
	}
}
