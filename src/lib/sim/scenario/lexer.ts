/**
 * The scenario language's lexer: one line of text -> words ({@link Token}s), and the error sink
 * every parser reports into ({@link LineErrors}).
 *
 * Lexical rules (docs/scenario-format.md, "Lexical rules"): words are separated by spaces or
 * tabs; `#` outside a quoted string starts a comment; `"..."` holds text with the escapes `\"`,
 * `\\`, `\n`, `\r`, `\t`. A quoted part may sit inside a word (`payload="a b"` is one token).
 *
 * @module
 */
import { escapeControls } from '../../cli/text';
import type { ScenarioError } from './types';

/** One word of a line. */
export interface Token {
	/** Text with quotes removed and escapes resolved. */
	text: string;
	/** Raw source text of the token. */
	raw: string;
	/** 1-based column. */
	col: number;
	/** True when the token contained a quoted part. */
	quoted: boolean;
}

/** Collects the errors of one line, each with the line number and, when a token is at fault, its column. */
export class LineErrors {
	constructor(
		private readonly out: ScenarioError[],
		/** 1-based line number. */
		readonly line: number
	) {}
	/** Report a problem at a token (or at the line, when there is no token to point at). */
	at(tok: Token | undefined, message: string): void {
		this.out.push(tok ? { line: this.line, column: tok.col, message } : { line: this.line, message });
	}
	/** Report a problem at a 1-based column. */
	atColumn(column: number, message: string): void {
		this.out.push({ line: this.line, column, message });
	}
}

/** Characters that separate words (a `\r` left over from an odd line end counts as space). */
function isSpace(c: string): boolean {
	return c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v';
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r' };

/**
 * Read a quoted part starting at `src[i] === '"'`.
 * @returns the text and the index after the closing quote, or null when the string never closes.
 */
function readQuoted(src: string, i: number): { text: string; end: number } | null {
	let text = '';
	for (let j = i + 1; j < src.length; j++) {
		const c = src[j];
		if (c === '"') return { text, end: j + 1 };
		if (c === '\\' && j + 1 < src.length) {
			const f = src[j + 1];
			text += ESCAPES[f] ?? f;
			j++;
		} else text += c;
	}
	return null;
}

/**
 * Split one line into tokens; `#` outside quotes starts a comment.
 * @returns the tokens, or null after reporting an unterminated string.
 */
export function tokenize(src: string, err: LineErrors): Token[] | null {
	const tokens: Token[] = [];
	let i = 0;
	while (i < src.length) {
		if (isSpace(src[i])) {
			i++;
			continue;
		}
		if (src[i] === '#') break;
		const start = i;
		let text = '';
		let quoted = false;
		while (i < src.length && !isSpace(src[i]) && src[i] !== '#') {
			if (src[i] !== '"') {
				text += src[i++];
				continue;
			}
			const q = readQuoted(src, i);
			if (q === null) {
				err.atColumn(start + 1, 'unterminated string: add a closing "');
				return null;
			}
			quoted = true;
			text += q.text;
			i = q.end;
		}
		tokens.push({ text, raw: src.slice(start, i), col: start + 1, quoted });
	}
	return tokens;
}

/**
 * Show a token in an error message: its raw text, quoted, cut at 40 characters; `"` and `\`
 * are escaped with a backslash, control characters as `\xNN` (ESC -> `\x1b`), so a message
 * is one line that is safe to print on a terminal.
 */
export function show(tok: Token): string {
	const s = tok.raw.length > 40 ? tok.raw.slice(0, 37) + '...' : tok.raw;
	return `"${escapeControls(s.replace(/[\\"]/g, (c) => '\\' + c))}"`;
}

/** A token for part of another one (e.g. `public=IP`'s address), keeping its column. */
export function subToken(tok: Token, text: string, offset = 0): Token {
	return { text, raw: text, col: tok.col + offset, quoted: tok.quoted };
}

/** True when `tok` is the unquoted word `word`. */
export function isWord(tok: Token | undefined, word: string): boolean {
	return tok !== undefined && !tok.quoted && tok.text === word;
}
