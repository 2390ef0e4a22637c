/**
 * Safe inline formatting for question text: HTML is escaped, then `code` spans become `<code>`,
 * **bold** becomes `<strong>` and blank-line-separated paragraphs become `<br><br>`.
 * The result is safe for `{@html}` because every `<`, `>`, `&` and quote of the input is escaped first.
 *
 * @module
 */

/** Escape the five HTML-special characters. */
export function escapeHtml(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Format question text as described in the module comment. */
export function inlineHtml(s: string): string {
	return escapeHtml(s.trim())
		.replace(/`([^`]+)`/g, '<code>$1</code>')
		.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
		.replace(/\n\s*\n/g, '<br><br>');
}
