/**
 * Text helpers the command-line tools share (`npm run simulate`, `explain`, `replay`): what is
 * read is stripped of a byte-order mark, and what is written to a terminal never carries raw
 * control characters (an ESC byte from a file could otherwise recolour or rewrite the screen).
 *
 * Pure: no Node import (the listing worker uses {@link stripBom} in the browser).
 *
 * @module
 */

/** Strip one leading UTF-8 byte-order mark (U+FEFF), as editors on Windows write it. */
export function stripBom(text: string): string {
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Make text safe for a terminal: C0 and C1 control characters other than tab and newline
 * (ESC and the rest) become `\xNN`, e.g. ESC -> `\x1b`.
 */
export function escapeControls(s: string): string {
	// eslint-disable-next-line no-control-regex
	return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** One line for an error message: line breaks become spaces, then {@link escapeControls}. */
export function oneLine(s: string): string {
	return escapeControls(s.replace(/\r?\n/g, ' '));
}
