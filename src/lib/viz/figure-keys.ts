import type { Player } from './player.svelte';

/**
 * The keys of a figure (lesson figure, capture replay), for its `keydown` handler: → and ←
 * step, Home restarts, P or K plays and pauses (as in video players). Keys typed into a text
 * field, text area or select are left alone, and ← / → also on any other input (a range
 * slider keeps its own arrows). Handled keys have their default prevented.
 *
 * @param player - the figure's playback state; nothing happens when there is none yet.
 */
export function figureKeydown(player: Player | undefined, e: KeyboardEvent): void {
	if (!player) return;
	const t = e.target as HTMLElement;
	if (t.closest('input[type="text"], textarea, select')) return;
	if (e.key === 'ArrowRight' && !(t instanceof HTMLInputElement)) {
		player.stepForward();
		e.preventDefault();
	} else if (e.key === 'ArrowLeft' && !(t instanceof HTMLInputElement)) {
		player.stepBack();
		e.preventDefault();
	} else if (e.key === 'Home') {
		player.restart();
		e.preventDefault();
	} else if ((e.key === 'p' || e.key === 'k') && !e.ctrlKey && !e.metaKey && !e.altKey) {
		player.toggle();
		e.preventDefault();
	}
}
