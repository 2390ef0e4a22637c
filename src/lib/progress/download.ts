/**
 * Offer text as a file download (browser only): a Blob URL on a temporary link, revoked after use.
 * @param text - the file's contents.
 * @param filename - suggested file name, e.g. "portlab-progress-2025-03-03.json".
 * @param type - MIME type (default JSON).
 */
export function downloadText(text: string, filename: string, type = 'application/json'): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Today's date as YYYY-MM-DD (local), for file names. */
export function dateStamp(now = Date.now()): string {
	const d = new Date(now);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
