/**
 * svelte-dnd-action's `dndzone`, loaded when an ordering question comes near the viewport:
 * only ordering questions drag, and they sit at the end of a lesson, so the library
 * (~17 KB gzipped) is not part of loading the page. The Move up / Move down buttons work
 * before it arrives.
 */
import type { ActionReturn } from 'svelte/action';
import type { DndZoneAttributes, Item, Options } from 'svelte-dnd-action';

/** Svelte action with the same parameters as `dndzone`. */
export function lazyDndzone<T extends Item>(node: HTMLElement, params: Options<T>): ActionReturn<Options<T>, DndZoneAttributes<T>> {
	let inner: { update?: (p: Options<T>) => void; destroy?: () => void } | null = null;
	let latest = params;
	let destroyed = false;
	const load = () => {
		void import('svelte-dnd-action').then(({ dndzone }) => {
			if (!destroyed) inner = dndzone(node, latest) as typeof inner;
		});
	};
	let observer: IntersectionObserver | null = null;
	if (typeof IntersectionObserver === 'undefined') load();
	else {
		observer = new IntersectionObserver(
			(entries) => {
				if (entries.some((e) => e.isIntersecting)) {
					observer?.disconnect();
					load();
				}
			},
			{ rootMargin: '400px' }
		);
		observer.observe(node);
	}
	return {
		update(p: Options<T>) {
			latest = p;
			inner?.update?.(p);
		},
		destroy() {
			destroyed = true;
			observer?.disconnect();
			inner?.destroy?.();
		}
	};
}
