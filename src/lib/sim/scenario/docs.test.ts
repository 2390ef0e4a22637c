/**
 * docs/scenario-format.md cannot drift from the statement table (grammar.ts): its statement
 * summary is the table's, its list of reserved words is the parser's, and every form of every
 * statement appears in it.
 *
 * After changing the table, rewrite the generated parts with
 * `UPDATE_GRAMMAR_DOC=1 npx vitest run src/lib/sim/scenario/docs.test.ts` and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RESERVED_WORDS, STATEMENTS, grammarSummary } from './grammar';

const DOC = fileURLToPath(new URL('../../../../docs/scenario-format.md', import.meta.url));
const UPDATE = process.env.UPDATE_GRAMMAR_DOC === '1';

/** The text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
function between(doc: string, name: string): { start: number; end: number; text: string } {
	const open = `<!-- ${name}:start -->\n`;
	const start = doc.indexOf(open);
	const end = doc.indexOf(`<!-- ${name}:end -->`);
	if (start < 0 || end < start) throw new Error(`docs/scenario-format.md has no ${name} markers`);
	return { start: start + open.length, end, text: doc.slice(start + open.length, end) };
}

/** The reserved-words sentence, generated from the parser's set. */
function reservedSentence(): string {
	return `These words cannot be names: ${[...RESERVED_WORDS].map((w) => `\`${w}\``).join(' ')}.\n`;
}

/** Replace or check one generated block. */
function generated(name: string, want: string): void {
	let doc = readFileSync(DOC, 'utf8');
	const b = between(doc, name);
	if (UPDATE && b.text !== want) {
		doc = doc.slice(0, b.start) + want + doc.slice(b.end);
		writeFileSync(DOC, doc);
	}
	expect(between(readFileSync(DOC, 'utf8'), name).text).toBe(want);
}

describe('docs/scenario-format.md follows the statement table', () => {
	it('has the statement summary the table generates', () => {
		generated('statement-table', grammarSummary() + '\n');
	});

	it('lists exactly the words the parser refuses as names', () => {
		generated('reserved-words', reservedSentence());
	});

	it('documents every form of every statement in its prose, outside the summary', () => {
		const doc = readFileSync(DOC, 'utf8');
		const table = between(doc, 'statement-table');
		const prose = doc.slice(0, table.start) + doc.slice(table.end);
		const missing = STATEMENTS.flatMap((s) => s.syntax).filter((form) => !prose.includes(form.replace(/^(HOST|SOCKET) /, '')));
		expect(missing).toEqual([]);
	});
});
