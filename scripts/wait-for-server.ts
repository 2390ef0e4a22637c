/**
 * Wait until a local server (e.g. `vite preview`) answers `base` with 2xx, polling every 200 ms.
 * @param tries - polls before giving up (150 = 30 s).
 * @throws Error('vite preview did not start') when it never answers.
 */
export async function waitForServer(base: string, tries = 150): Promise<void> {
	for (let i = 0; i < tries; i++) {
		try {
			if ((await fetch(base)).ok) return;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('vite preview did not start');
}
