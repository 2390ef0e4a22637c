import { describe, expect, it, beforeEach } from 'vitest';
import { ThemeState, THEME_CHOICES } from './theme.svelte';

/** A minimal document and localStorage for the module to write to. */
function fakeBrowser() {
	const store = new Map<string, string>();
	const dataset: Record<string, string> = {};
	Object.assign(globalThis, {
		localStorage: {
			getItem: (k: string) => store.get(k) ?? null,
			setItem: (k: string, v: string) => void store.set(k, v),
			removeItem: (k: string) => void store.delete(k)
		},
		document: { documentElement: { dataset } }
	});
	return { store, dataset };
}

describe('theme state', () => {
	let env: ReturnType<typeof fakeBrowser>;
	beforeEach(() => (env = fakeBrowser()));

	it('offers Projector in the menu', () => {
		expect(THEME_CHOICES.map((c) => c.value)).toEqual(['system', 'light', 'dark', 'projector']);
	});

	it('saves a choice and applies it to <html data-theme>', () => {
		const t = new ThemeState();
		t.set('projector');
		expect(env.store.get('portsim.theme')).toBe('projector');
		expect(env.dataset.theme).toBe('projector');
		expect(t.projector).toBe(true);
		t.set('system');
		expect(env.store.has('portsim.theme')).toBe(false);
		expect(env.dataset.theme).toBeUndefined();
		expect(t.projector).toBe(false);
	});

	it('loads the saved choice, ignoring junk', () => {
		env.store.set('portsim.theme', 'dark');
		const t = new ThemeState();
		t.load();
		expect(t.choice).toBe('dark');
		env.store.set('portsim.theme', '<script>');
		t.load();
		expect(t.choice).toBe('system');
	});

	it('presentation mode shows the projector theme for a while and gives the choice back', () => {
		const t = new ThemeState();
		t.set('dark');
		const restore = t.present();
		expect(t.projector).toBe(true);
		expect(env.dataset.theme).toBe('projector');
		expect(env.store.get('portsim.theme')).toBe('dark');
		restore();
		expect(t.applied).toBe('dark');
		expect(env.dataset.theme).toBe('dark');
	});
});
