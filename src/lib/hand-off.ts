/**
 * Passing what a reader did to a prerendered, not hydrated copy of a component (a figure's first
 * frame) on to its live copy once that has replaced it (issue 18 item 2: the page does not
 * hydrate them at load). A click on a button or a summary, a figure key, a box
 * ticked, a radio chosen, a text typed and the focus are noted in the order they happened, then
 * done again on the same controls of the live copy: one click is one step, never lost and never
 * doubled.
 *
 * A control is known by its signature, not its position alone: its tag and type, a radio's or
 * box's value, and its text. Where the live copy differs from the static one, an act is done on
 * the same control or on none, never on the control that happens to sit at the same index.
 *
 * @module
 */

/** The elements a reader can act on. */
export const CONTROLS = 'button, a[href], summary, input, select, textarea, [tabindex]';

/** The events to listen for (in the capture phase) on the static copy. */
export const HAND_OFF_EVENTS = ['click', 'focusin', 'input', 'change', 'keydown'] as const;

/**
 * One thing the reader did: to the `nth` control (from 0) among those with signature `sig`.
 * `key` is a keydown the component handles itself (a figure's ← →), passed on as a keydown.
 */
export type Act = { sig: string; nth: number } & ({ kind: 'click' } | { kind: 'key'; key: string } | { kind: 'checked'; checked: boolean } | { kind: 'value'; value: string });

/** The controls the reader can reach in `root`: a static figure frame holds one drawing per width class, and CSS hides all but one. */
export function controlsIn(root: Element): HTMLElement[] {
	return [...root.querySelectorAll<HTMLElement>(CONTROLS)].filter((el) => el.getClientRects().length > 0);
}

/**
 * What identifies a control between the static and the live copy: its tag and type, a radio's or
 * box's value, and its text (at most 80 characters).
 */
export function signature(el: Element): string {
	const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);
	const type = el.getAttribute('type') ?? '';
	// The value names a radio's or a box's choice. Other fields' value attribute is only their
	// start: the server writes it, the browser's render sets the property alone (a slider's
	// `value` attribute is "0" on the static frame and absent on the live one).
	const value = type === 'radio' || type === 'checkbox' ? (el.getAttribute('value') ?? '') : '';
	return [el.tagName, type, value, text].join('|');
}

/** Where `el` is among `controls`: its signature and its rank among the controls that share it. */
function locate(el: HTMLElement, controls: HTMLElement[]): { sig: string; nth: number } {
	const sig = signature(el);
	let nth = 0;
	for (const c of controls) {
		if (c === el) break;
		if (signature(c) === sig) nth++;
	}
	return { sig, nth };
}

/** The control of `controls` at a noted place, or `undefined` when the live copy has none there. */
function find(controls: HTMLElement[], at: { sig: string; nth: number }): HTMLElement | undefined {
	let n = 0;
	for (const c of controls) {
		if (signature(c) !== at.sig) continue;
		if (n === at.nth) return c;
		n++;
	}
	return undefined;
}

/**
 * The acts noted on one static copy, and the focus.
 *
 * Usage: listen for {@link HAND_OFF_EVENTS} in the capture phase on the static copy's container
 * and call {@link HandOff.note} with each, then make the component live; once the live copy is in
 * the container, call {@link HandOff.replay}.
 */
export class HandOff {
	private acts: Act[] = [];
	private focused: { sig: string; nth: number } | null = null;

	/**
	 * @param keyAction - whether a keydown is one the live copy handles itself (figure-keys.ts for
	 *   a figure): it is then kept from the static copy and passed on. Enter and Space on a button
	 *   need nothing here: the browser turns them into the click that is noted.
	 */
	constructor(private readonly keyAction: (e: KeyboardEvent) => boolean = () => false) {}

	/** Something is waiting to be done on the live copy. */
	get pending(): boolean {
		return this.acts.length > 0 || this.focused !== null;
	}

	/** Note event `e`, which reached the static copy inside `root`. */
	note(root: Element, e: Event): void {
		const control = (e.target as Element | null)?.closest?.(CONTROLS) as HTMLElement | null | undefined;
		if (!control || !root.contains(control)) return;
		const at = locate(control, controlsIn(root));
		if (e.type === 'focusin') this.focused = at;
		else if (e.type === 'keydown') {
			if (this.keyAction(e as KeyboardEvent)) {
				e.preventDefault();
				this.acts.push({ ...at, kind: 'key', key: (e as KeyboardEvent).key });
			}
		} else if (control instanceof HTMLInputElement && (control.type === 'checkbox' || control.type === 'radio')) {
			// Noted at the click too (the box has its new state by then): the live copy can replace
			// the static one before the change event that follows it.
			if (e.type === 'click' || e.type === 'change') this.acts.push({ ...at, kind: 'checked', checked: control.checked });
		} else if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement || control instanceof HTMLTextAreaElement) {
			if (e.type !== 'click') this.acts.push({ ...at, kind: 'value', value: control.value });
		} else if (e.type === 'click') {
			// A button, link or summary: nothing happens on the static copy; the live one gets the click.
			e.preventDefault();
			this.acts.push({ ...at, kind: 'click' });
		}
	}

	/**
	 * Note what was done to the static copy inside `root` before anything listened (before the
	 * page's scripts ran): a box ticked or a radio chosen, a text typed, an option picked, and the focus.
	 */
	noteState(root: Element): void {
		// Most pages load untouched: look for a changed field or the focus first, without the
		// layout that controlsIn's visibility test forces (36 ms of tcp-handshake's hydration at 4× CPU).
		const fields = [...root.querySelectorAll<HTMLElement>('input, textarea, select')];
		const changed = (el: HTMLElement) =>
			el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')
				? el.checked !== el.defaultChecked
				: el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement
					? el.value !== el.defaultValue
					: el instanceof HTMLSelectElement && [...el.options].some((o) => o.selected !== o.defaultSelected);
		const active = document.activeElement;
		const focusInside = active instanceof HTMLElement && active !== root && root.contains(active);
		if (!focusInside && !fields.some(changed)) return;
		const controls = controlsIn(root);
		for (const el of controls) {
			if (!fields.includes(el) || !changed(el)) continue;
			if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) this.acts.push({ ...locate(el, controls), kind: 'checked', checked: el.checked });
			else this.acts.push({ ...locate(el, controls), kind: 'value', value: (el as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value });
		}
		if (focusInside && controls.includes(active)) this.focused = locate(active, controls);
	}

	/** Do the noted acts, in order, on the live copy now inside `root`, then restore the focus; forgets them. */
	replay(root: Element): void {
		const acts = this.acts;
		const focus = this.focused;
		this.acts = [];
		this.focused = null;
		// Found before any is done: an act can change a control's text (Play becomes Pause), and a
		// second click noted on Play is the click that pauses.
		const controls = controlsIn(root);
		const targets = acts.map((act) => find(controls, act));
		acts.forEach((act, i) => {
			const target = targets[i];
			if (!target) return;
			if (act.kind === 'click') target.click();
			else if (act.kind === 'key') {
				// Through the live copy's own key handler, as the reader's key would go.
				target.dispatchEvent(new KeyboardEvent('keydown', { key: act.key, bubbles: true, cancelable: true }));
			} else if (target instanceof HTMLInputElement && act.kind === 'checked') {
				if (target.checked !== act.checked) target.click();
			} else if ((target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) && act.kind === 'value') {
				if (target.value !== act.value) {
					target.value = act.value;
					target.dispatchEvent(new Event('input', { bubbles: true }));
					target.dispatchEvent(new Event('change', { bubbles: true }));
				}
			}
		});
		if (focus) find(controls, focus)?.focus();
	}
}

/**
 * Listen on the static copy inside `root` and note what reaches it ({@link HandOff.note}); then
 * make the component live (`goLive`) once the event is over: after a click, a key, a text typed or
 * a focus from the keyboard. A press of the pointer waits for its click (the live copy would
 * otherwise replace the pressed control before the click, and the click would be lost), or goes
 * live after a second if no click comes (a drag).
 *
 * @param isStatic - whether the static copy is still the one shown (events on the live copy are not noted).
 * @returns a function that stops listening.
 */
export function listenForHandOff(root: HTMLElement, handOff: HandOff, { isStatic, goLive }: { isStatic: () => boolean; goLive: () => void }): () => void {
	let pressed = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const wake = (ms: number) => {
		clearTimeout(timer);
		timer = setTimeout(goLive, ms);
	};
	const listener = (e: Event) => {
		if (!isStatic()) return;
		if (e.type === 'pointerdown') {
			pressed = true;
			wake(1000);
			return;
		}
		handOff.note(root, e);
		if (e.type === 'focusin' && pressed) return;
		if (e.type === 'click') pressed = false;
		// Once this event and those it brings (a radio's input and change after its click) are over.
		wake(0);
	};
	const types = ['pointerdown', ...HAND_OFF_EVENTS];
	for (const type of types) root.addEventListener(type, listener, true);
	return () => {
		clearTimeout(timer);
		for (const type of types) root.removeEventListener(type, listener, true);
	};
}
