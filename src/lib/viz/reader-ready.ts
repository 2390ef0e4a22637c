/**
 * When a lesson's figures may start going live (issue 18 item 2: no task over 50 ms while the
 * page loads). A figure going live runs its scenario in the worker and mounts the live figure:
 * one main-thread task of 100–500 ms on a phone (4× slower CPU), too long to run while the page
 * is loading. The static first frame is the same picture, and a click, tap or focus on it makes
 * the figure live at once (SimPlayer's `wake`), so nothing waits on this but the head start.
 *
 * The figures near the viewport go live at the first sign of the reader (a scroll, a key, the
 * pointer or a touch anywhere on the page), or, if the reader does nothing, once the page has been
 * quiet for {@link QUIET_MS}: no long task (the `longtask` entries of the Long Tasks API, where the
 * browser has it) for that long after the `load` event. Five seconds of quiet is what Lighthouse's
 * "time to interactive" waits for (https://developer.chrome.com/docs/lighthouse/performance/interactive),
 * so the figures' own work starts after the page has been usable, not inside its loading.
 */

/** Quiet time (ms) after load, without a long task, before the figures in reach go live unasked. */
export const QUIET_MS = 5000;
const READER_EVENTS = ['scroll', 'wheel', 'keydown', 'pointerdown', 'pointermove', 'touchstart'] as const;

let ready = false;
let started = false;
const waiting = new Set<() => void>();
let stopWatching = () => {};

function go() {
	if (ready) return;
	ready = true;
	stopWatching();
	for (const f of [...waiting]) f();
	waiting.clear();
}

/**
 * A sign of the reader. A `scroll` counts only for the page itself: the capture listener also
 * hears every element's scroll, and the page's own code scrolls elements as it starts (the
 * playground's editor and figure, the phone's navigation bar), which made the playground's figure
 * go live inside its load.
 */
function sign(e: Event) {
	if (e.type === 'scroll' && e.target !== document) return;
	go();
}

function start() {
	started = true;
	for (const type of READER_EVENTS) addEventListener(type, sign, { capture: true, passive: true });
	let timer: ReturnType<typeof setTimeout> | undefined;
	let observer: PerformanceObserver | undefined;
	const wait = () => {
		clearTimeout(timer);
		timer = setTimeout(go, QUIET_MS);
	};
	const afterLoad = () => {
		wait();
		// Each long task (hydration, a late chunk) restarts the quiet time.
		if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
			observer = new PerformanceObserver(wait);
			observer.observe({ type: 'longtask' });
		}
	};
	if (document.readyState === 'complete') afterLoad();
	else addEventListener('load', afterLoad, { once: true });
	stopWatching = () => {
		for (const type of READER_EVENTS) removeEventListener(type, sign, { capture: true });
		removeEventListener('load', afterLoad);
		clearTimeout(timer);
		observer?.disconnect();
	};
}

/**
 * Calls `f` once the reader has shown up or the loaded page has been quiet (at once if that has
 * already happened). Returns a function that cancels the call.
 */
export function whenReaderReady(f: () => void): () => void {
	if (ready) {
		f();
		return () => {};
	}
	if (!started) start();
	waiting.add(f);
	return () => waiting.delete(f);
}

/**
 * Calls `f` once, when `el` comes within `margin` of the viewport (an IntersectionObserver
 * `rootMargin`, e.g. `'200% 0px'`: two screens) after the reader is there ({@link whenReaderReady}):
 * a prerendered figure or quiz going live. At once where there is no IntersectionObserver.
 * Returns a function that cancels the call.
 */
export function whenNear(el: Element, margin: string, f: () => void): () => void {
	if (typeof IntersectionObserver === 'undefined') {
		f();
		return () => {};
	}
	const io = new IntersectionObserver(
		(entries) => {
			if (entries.some((e) => e.isIntersecting)) {
				io.disconnect();
				f();
			}
		},
		{ rootMargin: margin }
	);
	const cancel = whenReaderReady(() => io.observe(el));
	return () => {
		cancel();
		io.disconnect();
	};
}
