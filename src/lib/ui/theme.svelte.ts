/**
 * The colour theme, one state for the whole app: what the reader chose (stored in
 * localStorage), and what is on the page now. Presentation mode shows the projector theme for a
 * while without changing the reader's choice ({@link ThemeState.present}). Components read
 * `theme.projector` instead of watching `<html data-theme>`; CSS keys on the `data-theme`
 * attribute this module writes (app.html applies the saved choice before first paint).
 *
 * Themes: `light`, `dark`, `projector` (high contrast, large type, for classrooms), or `system`
 * (light or dark as the operating system prefers).
 *
 * @module
 */

/** What the reader can pick in the theme menu. */
export type ThemeChoice = 'system' | 'light' | 'dark' | 'projector';

/** The choices, in menu order, with their labels. */
export const THEME_CHOICES: readonly { value: ThemeChoice; label: string }[] = [
	{ value: 'system', label: '◐ System' },
	{ value: 'light', label: '☀ Light' },
	{ value: 'dark', label: '☾ Dark' },
	{ value: 'projector', label: '▣ Projector' }
];

const KEY = 'portsim.theme';
const isChoice = (v: unknown): v is ThemeChoice => v === 'system' || v === 'light' || v === 'dark' || v === 'projector';

export class ThemeState {
	/** The reader's choice. */
	choice = $state<ThemeChoice>('system');
	/** A theme shown for now on top of the choice (presentation mode), or null. */
	#override = $state<Exclude<ThemeChoice, 'system'> | null>(null);

	/** The theme on the page: the override, else the choice. */
	get applied(): ThemeChoice {
		return this.#override ?? this.choice;
	}

	/** Is the projector theme (large type) on the page? */
	get projector(): boolean {
		return this.applied === 'projector';
	}

	/** Read the saved choice (call once in the browser). */
	load() {
		let saved: string | null = null;
		try {
			saved = localStorage.getItem(KEY);
		} catch {
			/* storage blocked: keep the default */
		}
		this.choice = isChoice(saved) ? saved : 'system';
		this.#apply();
	}

	/** Pick a theme; it is saved for the next visit. */
	set(choice: ThemeChoice) {
		this.choice = choice;
		try {
			if (choice === 'system') localStorage.removeItem(KEY);
			else localStorage.setItem(KEY, choice);
		} catch {
			/* private mode: the choice lasts for this page only */
		}
		this.#apply();
	}

	/**
	 * Show the projector theme until the returned function is called (presentation mode); the
	 * reader's choice is neither changed nor saved.
	 */
	present(): () => void {
		this.#override = 'projector';
		this.#apply();
		return () => {
			this.#override = null;
			this.#apply();
		};
	}

	#apply() {
		if (typeof document === 'undefined') return;
		const t = this.applied;
		if (t === 'system') delete document.documentElement.dataset.theme;
		else document.documentElement.dataset.theme = t;
	}
}

/** The app's theme. */
export const theme = new ThemeState();
