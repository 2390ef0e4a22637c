// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { figureKeydown } from './figure-keys';
import type { Player } from './player.svelte';

/** A player that records what it was asked to do. */
function fakePlayer(calls: string[]): Player {
	const rec = (name: string) => () => void calls.push(name);
	return { stepForward: rec('forward'), stepBack: rec('back'), restart: rec('restart'), toggle: rec('toggle') } as unknown as Player;
}

/** Stands in for the DOM's input element (this test runs in Node). */
class FakeInput {
	constructor(readonly type: 'text' | 'range') {}
	closest(sel: string) {
		return this.type === 'text' && sel.includes('input[type="text"]') ? this : null;
	}
}
(globalThis as { HTMLInputElement?: unknown }).HTMLInputElement = FakeInput;

/** A keydown event on the figure itself, a text field or a range slider. */
function key(k: string, inside: 'figure' | 'text' | 'range' = 'figure', mods: { ctrlKey?: boolean } = {}) {
	let prevented = false;
	const target = inside === 'figure' ? { closest: () => null } : new FakeInput(inside);
	const e = { key: k, target, ctrlKey: !!mods.ctrlKey, metaKey: false, altKey: false, preventDefault: () => (prevented = true) } as unknown as KeyboardEvent;
	return { e, prevented: () => prevented };
}

describe('figureKeydown', () => {
	it('steps, restarts and plays from the figure, preventing the default of the keys it handles', () => {
		const calls: string[] = [];
		const p = fakePlayer(calls);
		for (const k of ['ArrowRight', 'ArrowLeft', 'Home', 'p', 'k']) {
			const ev = key(k);
			figureKeydown(p, ev.e);
			expect(ev.prevented(), k).toBe(true);
		}
		expect(calls).toEqual(['forward', 'back', 'restart', 'toggle', 'toggle']);
	});

	it('leaves text fields, slider arrows, shortcuts with Ctrl and other keys alone', () => {
		const calls: string[] = [];
		const p = fakePlayer(calls);
		const cases = [key('p', 'text'), key('ArrowRight', 'range'), key('p', 'figure', { ctrlKey: true }), key('x')];
		for (const ev of cases) {
			figureKeydown(p, ev.e);
			expect(ev.prevented()).toBe(false);
		}
		expect(calls).toEqual([]);
		// no player yet: nothing to do
		figureKeydown(undefined, key('ArrowRight').e);
	});
});
