/**
 * The scenario language stays readable: no source file in src/lib/sim/scenario over 500 lines
 * and no function over 80 (issue 14). Functions are measured with the TypeScript compiler's own
 * parser: every function declaration, method, accessor, constructor, function expression and
 * arrow function, from its first line to its last. Data files (the golden traces) are not code
 * and are not measured.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 80;

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sources(path);
		return name.endsWith('.ts') ? [path] : [];
	});
}

/** `label:line name (N lines)` for every function of `text` longer than `max` lines. */
function longFunctions(label: string, text: string, max: number): string[] {
	const sf = ts.createSourceFile(label, text, ts.ScriptTarget.Latest, true);
	const out: string[] = [];
	const visit = (node: ts.Node): void => {
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
			const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
			const lines = last - first + 1;
			const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
			if (lines > max) out.push(`${label}:${first + 1} ${name} (${lines} lines)`);
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return out;
}

const FILES = sources(DIR);

describe('src/lib/sim/scenario size limits', () => {
	it('finds the sources', () => {
		expect(FILES.length).toBeGreaterThan(10);
	});

	it(`no file is over ${MAX_FILE_LINES} lines`, () => {
		const long = FILES.map((f) => ({ f: relative(DIR, f), n: readFileSync(f, 'utf8').split('\n').length }))
			.filter((x) => x.n > MAX_FILE_LINES)
			.map((x) => `${x.f} (${x.n} lines)`);
		expect(long).toEqual([]);
	});

	it(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
		expect(FILES.flatMap((f) => longFunctions(relative(DIR, f), readFileSync(f, 'utf8'), MAX_FUNCTION_LINES))).toEqual([]);
	});

	it('the measure itself finds a long function', () => {
		const body = Array.from({ length: 85 }, (_, i) => `\tconst x${i} = ${i};`).join('\n');
		expect(longFunctions('x.ts', `function big() {\n${body}\n}\nconst ok = () => 1;\n`, MAX_FUNCTION_LINES)).toEqual(['x.ts:1 big (87 lines)']);
	});
});
