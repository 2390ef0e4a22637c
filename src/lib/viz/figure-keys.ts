import type { Player } from './player.svelte';

/** What a figure's key does: step forward or back, restart, play/pause. */
export type FigureKeyAction = 'forward' | 'back' | 'restart' | 'toggle';

/**
 * The action of a keydown in a figure (lesson figure, capture replay), or `null` for a key the
 * figure leaves alone: → and ← step, Home restarts, P or K plays and pauses (as in video
 * players). Keys typed into a text field, text area or select are left alone, and ← / → also on
 * any other input (a range slider keeps its own arrows).
 *
 * SimPlayer uses it on the prerendered frame too, which has no player yet: it notes the key and
 * passes it on to the live figure, so a key pressed before the figure is live is one step, as after.
 */
export function figureKeyAction(e: KeyboardEvent): FigureKeyAction | null {
	const t = e.target as HTMLElement;
	if (t.closest('input[type="text"], textarea, select')) return null;
	if (e.key === 'ArrowRight' && !(t instanceof HTMLInputElement)) return 'forward';
	if (e.key === 'ArrowLeft' && !(t instanceof HTMLInputElement)) return 'back';
	if (e.key === 'Home') return 'restart';
	if ((e.key === 'p' || e.key === 'k') && !e.ctrlKey && !e.metaKey && !e.altKey) return 'toggle';
	return null;
}

/**
 * The keys of a figure, for its `keydown` handler ({@link figureKeyAction}). Handled keys have
 * their default prevented.
 *
 * @param player - the figure's playback state; nothing happens when there is none yet.
 */
export function figureKeydown(player: Player | undefined, e: KeyboardEvent): void {
	if (!player) return;
	const action = figureKeyAction(e);
	if (!action) return;
	if (action === 'forward') player.stepForward();
	else if (action === 'back') player.stepBack();
	else if (action === 'restart') player.restart();
	else player.toggle();
	e.preventDefault();
}
