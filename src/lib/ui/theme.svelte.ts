/** The colour theme: follows the system unless the user picks one. Stored in localStorage. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'portsim.theme';

class ThemeState {
	choice = $state<ThemeChoice>('system');

	/** Read the saved choice (call once in the browser). */
	load() {
		try {
			const v = localStorage.getItem(KEY);
			this.choice = v === 'light' || v === 'dark' ? v : 'system';
		} catch {
			this.choice = 'system';
		}
	}

	set(choice: ThemeChoice) {
		this.choice = choice;
		try {
			if (choice === 'system') localStorage.removeItem(KEY);
			else localStorage.setItem(KEY, choice);
		} catch {
			/* private mode: the choice lasts for this page only */
		}
		if (choice === 'system') delete document.documentElement.dataset.theme;
		else document.documentElement.dataset.theme = choice;
	}
}

export const theme = new ThemeState();
