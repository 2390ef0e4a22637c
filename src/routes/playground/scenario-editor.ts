/**
 * The playground's code editor: CodeMirror 6 set up for the scenario language. Loaded only by
 * the playground's Editor component, with a dynamic `import()`, so no other page downloads it.
 *
 * - Highlighting: a StreamLanguage tokenizer whose keywords come from the statement table.
 * - Completion: `completeLine` (src/lib/sim/scenario/complete.ts) on the names the text declares.
 * - Lint: the page's parse and run errors and failed expectations, set as diagnostics (with
 *   line and column), plus a gutter mark per line.
 * - Undo history, search (Ctrl/Cmd-F), line numbers; only the visible lines are drawn, so a
 *   long text costs little.
 * - Keyboard: Tab accepts a completion (the first, or the one chosen with the arrow keys) or
 *   indents; Enter ends the line unless a candidate was chosen with the arrows; Escape then Tab
 *   (or Ctrl-M, which toggles tab-focus mode) moves focus out of the editor, so Tab never traps it.
 * - Size: a change that would make the text longer than the parser's limit is refused before it
 *   reaches the document, and `onRefused` says why.
 *
 * @module
 */
import {
	acceptCompletion,
	autocompletion,
	completionKeymap,
	completionStatus,
	selectedCompletionIndex,
	setSelectedCompletion,
	type CompletionContext,
	type CompletionResult
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StringStream } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import { EditorState, type Text } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, placeholder, type Command } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { KEYWORDS, completeLine } from '$lib/sim/scenario/complete';
import { inspectScenario, type DeclaredNames } from '$lib/sim/scenario/parse';
import { MAX_INPUT_CHARS, type ScenarioError } from '$lib/sim/scenario/types';
import { TCP_STATES } from '$lib/sim/trace';

const STATES = new Set<string>(TCP_STATES);

/** Tokenizer state: whether the line's first word has been read. */
interface LineState {
	atStart: boolean;
}

/** One token of the scenario language, named as CodeMirror's standard tags. */
function token(stream: StringStream, state: LineState): string | null {
	if (stream.sol()) state.atStart = true;
	if (stream.eatSpace()) return null;
	const first = state.atStart;
	state.atStart = false;
	if (stream.match('#')) {
		stream.skipToEnd();
		return 'comment';
	}
	if (stream.match(/^"(?:\\.|[^"\\])*"?/)) return 'string';
	if (first && stream.match(/^\+?\d+(?:\.\d+)?(?:ms|s|min)\b/)) return 'number';
	if (stream.match(/^[A-Za-z][A-Za-z0-9_-]*=/)) {
		stream.backUp(1);
		return 'propertyName';
	}
	if (stream.match('=')) return 'operator';
	if (stream.match(/^(->|>)/)) return 'operator';
	if (stream.match(/^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?/) || stream.match(/^\d+(?:(?:\.\.|-)\d+)?(?:ms|s|min|%)?/)) return 'number';
	const word = stream.match(/^[A-Za-z][A-Za-z0-9_.+-]*/) as RegExpMatchArray | null;
	if (word) {
		if (STATES.has(word[0]) || /^E[A-Z]+$/.test(word[0])) return 'atom';
		if (KEYWORDS.has(word[0])) return 'keyword';
		return 'variableName';
	}
	stream.next();
	return null;
}

/** The scenario language for CodeMirror (`#` line comments). */
const scenarioLanguage = StreamLanguage.define<LineState>({
	name: 'portlab-scenario',
	startState: () => ({ atStart: true }),
	copyState: (s) => ({ ...s }),
	token,
	languageData: { commentTokens: { line: '#' } }
});

/** Colours from the site's theme variables, so light, dark and projector themes all apply. */
const highlight = HighlightStyle.define([
	{ tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
	{ tag: tags.keyword, color: 'var(--accent)', fontWeight: '600' },
	{ tag: tags.string, color: 'var(--server)' },
	{ tag: tags.number, color: 'var(--client)' },
	{ tag: tags.atom, color: 'var(--flag-fin)', fontWeight: '600' },
	{ tag: tags.propertyName, color: 'var(--warn)' },
	{ tag: tags.operator, color: 'var(--muted)' }
]);

const theme = EditorView.theme({
	'&': { backgroundColor: 'var(--surface)', color: 'var(--fg)', fontSize: '0.85rem', height: '100%' },
	'.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
	'.cm-content': { caretColor: 'var(--fg)', padding: '0.4rem 0' },
	'.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
	'.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
	'.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 14%, transparent)', color: 'var(--fg)' },
	'&.cm-focused': { outline: 'none' },
	'&.cm-focused .cm-cursor': { borderLeftColor: 'var(--fg)' },
	'.cm-selectionBackground, &.cm-focused .cm-selectionBackground': { backgroundColor: 'color-mix(in srgb, var(--accent) 28%, transparent) !important' },
	'.cm-tooltip': { backgroundColor: 'var(--surface)', color: 'var(--fg)', border: '1px solid var(--border)', borderRadius: '6px' },
	'.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-fg)' },
	'.cm-completionDetail': { color: 'inherit', opacity: '0.75', marginLeft: '0.6em', fontStyle: 'normal' },
	'.cm-panels': { backgroundColor: 'var(--surface-2)', color: 'var(--fg)' },
	'.cm-tooltip-lint': { maxWidth: 'min(34rem, 92vw)' },
	'.cm-diagnostic': { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
	'.cm-diagnostic-error': { borderLeftColor: 'var(--bad)' },
	'.cm-diagnostic-warning': { borderLeftColor: 'var(--warn)' },
	'.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--bad)', textUnderlineOffset: '3px' },
	'.cm-lintRange-warning': { backgroundImage: 'none', textDecoration: 'underline wavy var(--warn)', textUnderlineOffset: '3px' }
});

/** Names declared by the document, parsed once per document version. */
const namesCache = new WeakMap<Text, DeclaredNames>();
function namesOf(doc: Text): DeclaredNames {
	let n = namesCache.get(doc);
	if (!n) {
		n = inspectScenario(doc.toString()).names;
		namesCache.set(doc, n);
	}
	return n;
}

/** CodeMirror completion source over {@link completeLine}. */
function complete(ctx: CompletionContext): CompletionResult | null {
	const line = ctx.state.doc.lineAt(ctx.pos);
	const r = completeLine(line.text.slice(0, ctx.pos - line.from), namesOf(ctx.state.doc), ctx.explicit);
	if (!r) return null;
	return { from: line.from + r.from, options: r.options, validFor: /^[^\s=]*$/ };
}

/**
 * Tab with the completion list open takes the highlighted candidate, or the first one. (The list
 * opens with nothing highlighted, so Enter still ends the line; Arrow keys then Enter also pick.)
 */
const acceptWithTab: Command = (view) => {
	if (completionStatus(view.state) !== 'active') return false;
	if (selectedCompletionIndex(view.state) === null) view.dispatch({ effects: setSelectedCompletion(0) });
	return acceptCompletion(view);
};

/** What the editor reports to its owner. */
export interface EditorHooks {
	/** The text changed (typing, paste, undo...). */
	onChange(text: string): void;
	/** A change was refused because the text would be too long; `message` says so. */
	onRefused(message: string): void;
}

/** A mounted editor. */
export interface ScenarioEditor {
	view: EditorView;
	/** Replace the whole text (a demo was loaded, the builder added a line); keeps undo history. */
	setText(text: string): void;
	/** Show errors (red) and failed expectations (amber) at their line and column. */
	setProblems(errors: readonly ScenarioError[], failures: readonly ScenarioError[]): void;
	/** Put the caret at a line (and column) and focus the editor. */
	goTo(line: number, column?: number): void;
	destroy(): void;
}

const KB = (n: number) => `${Math.ceil(n / 1024)} KB`;

/** A diagnostic for a line-numbered problem: from its column to the end of that word (or the whole line). */
function diagnostic(doc: Text, e: ScenarioError, severity: 'error' | 'warning'): Diagnostic {
	const line = doc.line(Math.min(Math.max(1, e.line), doc.lines));
	const from = e.column ? Math.min(line.from + e.column - 1, line.to) : line.from;
	const rest = line.text.slice(from - line.from);
	const to = e.column ? from + (/^\S*/.exec(rest)?.[0].length ?? 0) : line.to;
	return { from, to: Math.max(to, from), severity, message: e.message, source: severity === 'error' ? 'scenario' : 'expect' };
}

/**
 * Mount an editor in `parent`.
 * @param doc - the initial text.
 * @param aria - accessible name and the id of the element that describes the keys.
 */
export function createScenarioEditor(parent: HTMLElement, doc: string, aria: { label: string; describedBy: string }, hooks: EditorHooks): ScenarioEditor {
	const refuse = EditorState.transactionFilter.of((tr) => {
		if (!tr.docChanged || tr.newDoc.length <= MAX_INPUT_CHARS) return tr;
		hooks.onRefused(`Not inserted: the scenario would be ${KB(tr.newDoc.length)}, and the limit is ${KB(MAX_INPUT_CHARS)}.`);
		return [];
	});
	const pasteGuard = EditorView.domEventHandlers({
		paste(event, view) {
			const text = event.clipboardData?.getData('text/plain') ?? '';
			if (view.state.doc.length + text.length - (view.state.selection.main.to - view.state.selection.main.from) <= MAX_INPUT_CHARS) return false;
			event.preventDefault();
			hooks.onRefused(`Not pasted: the pasted text is ${KB(text.length)}, and a scenario may be at most ${KB(MAX_INPUT_CHARS)}.`);
			return true;
		}
	});
	const view = new EditorView({
		parent,
		state: EditorState.create({
			doc,
			extensions: [
				lineNumbers(),
				highlightActiveLineGutter(),
				lintGutter(),
				history(),
				drawSelection(),
				highlightActiveLine(),
				highlightSelectionMatches(),
				search({ top: true }),
				scenarioLanguage,
				syntaxHighlighting(highlight),
				// interactionDelay 0: a Tab within 75 ms (CodeMirror's default) of the list opening
				// or changing was refused by acceptCompletion and fell through to indentWithTab, so
				// a quick "cli<Tab>" indented the line instead of completing it (playground.spec,
				// "edits with the keyboard only", 2 of 4 runs). The delay guards against an Enter
				// meant for the line taking a candidate that just appeared; here the list opens with
				// nothing chosen, so Enter ends the line anyway.
				autocompletion({ override: [complete], icons: false, selectOnOpen: false, interactionDelay: 0 }),
				keymap.of([{ key: 'Tab', run: acceptWithTab }, ...completionKeymap, ...searchKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab]),
				placeholder('Type a scenario: host client 192.168.1.10 ...'),
				refuse,
				pasteGuard,
				theme,
				// An explicit tabindex makes the content a focusable child of the scrolling element, as
				// axe's scrollable-region-focusable rule asks (contenteditable alone does not count there).
				EditorView.contentAttributes.of({ 'aria-label': aria.label, 'aria-describedby': aria.describedBy, tabindex: '0', spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
				EditorView.updateListener.of((u) => {
					if (u.docChanged) hooks.onChange(u.state.doc.toString());
				})
			]
		})
	});
	return {
		view,
		setText(text) {
			if (text === view.state.doc.toString()) return;
			view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
		},
		setProblems(errors, failures) {
			const d = view.state.doc;
			const all = [...errors.map((e) => diagnostic(d, e, 'error')), ...failures.map((e) => diagnostic(d, e, 'warning'))];
			view.dispatch(setDiagnostics(view.state, all));
		},
		goTo(lineNo, column) {
			const d = view.state.doc;
			const line = d.line(Math.min(Math.max(1, lineNo), d.lines));
			const pos = Math.min(line.from + Math.max(0, (column ?? 1) - 1), line.to);
			view.dispatch({ selection: { anchor: pos, head: line.to }, scrollIntoView: true });
			view.focus();
		},
		destroy: () => view.destroy()
	};
}
