/**
 * The statement table: every statement of the scenario language, gathered from the families in
 * `statements/`. The parser dispatches on it, the runner runs its actions, the documentation's
 * grammar summary is generated from it (docs.test.ts checks docs/scenario-format.md), the
 * playground's editor completes from it and its builder takes its keywords and rules from it.
 *
 * Adding a statement family is a one-module change: write `statements/NAME.ts` exporting a
 * {@link Family} (its statements with keyword, syntax, doc line and parser; a runner for each
 * action kind it produces), then list it in {@link FAMILIES} and spread its runners into
 * {@link RUNNERS} below. Its keywords become reserved words, its forms appear in the docs'
 * summary (regenerate it with `UPDATE_GRAMMAR_DOC=1 npx vitest run src/lib/sim/scenario/docs.test.ts`),
 * and the editor offers them.
 *
 * Pure: no engine code (type imports only), so the editor can load it alone.
 *
 * @module
 */
import type { ScenarioHeader, Step as StepOf } from './types';
import type { Family, HeaderSpec, HostSpec, RunSpec, RunnerMap, SocketSpec, StatementSpec, StepRunner, TimedSpec } from './statements/spec';
import type { SocketKind } from './context';
import { topology } from './statements/topology';
import { sockets } from './statements/sockets';
import { udp } from './statements/udp';
import { tools } from './statements/tools';
import { segments } from './statements/segments';
import { expectations } from './statements/expect';

/** Every statement family, in the order the documentation lists them. */
export const FAMILIES = [topology, sockets, udp, tools, segments, expectations] as const;

type ActionOf<F> = F extends Family<infer A> ? A : never;

/** What a timed statement does: the union of every family's actions. */
export type Action = ActionOf<(typeof FAMILIES)[number]>;

/** A timed statement: at `t` ms of virtual time, do `action`. */
export type Step = StepOf<Action>;

/** A parsed, statically checked scenario. Plain data. */
export interface Scenario extends ScenarioHeader {
	/** Timed statements in file order, which is also time order. */
	steps: Step[];
}

/** The runner of every action kind (the type checks that none is missing). */
export const RUNNERS: RunnerMap<Action> = {
	...topology.runners,
	...sockets.runners,
	...udp.runners,
	...tools.runners,
	...segments.runners,
	...expectations.runners
};

/** The runner for an action (one generic view of the table, so the run loop needs no switch). */
export function runnerOf(a: Action): StepRunner<Action> {
	return RUNNERS[a.kind] as StepRunner<Action>;
}

/** Every statement, in documentation order. */
export const STATEMENTS: readonly StatementSpec<Action>[] = FAMILIES.flatMap((f): readonly StatementSpec<Action>[] => f.statements);

/** Header statements (no time), in documentation order. */
export const HEADER_SPECS = STATEMENTS.filter((s): s is HeaderSpec => s.place === 'header');
/** Timed statements written `TIME KEYWORD ...` (`drop next`, `inject`, `expect`). */
export const TIMED_SPECS = STATEMENTS.filter((s): s is TimedSpec<Action> => s.place === 'timed');
/** Timed statements written `TIME HOST KEYWORD ...`. */
export const HOST_SPECS = STATEMENTS.filter((s): s is HostSpec<Action> => s.place === 'host');
/** Timed statements written `TIME SOCKET KEYWORD ...`. */
export const SOCKET_SPECS = STATEMENTS.filter((s): s is SocketSpec<Action> => s.place === 'socket');
/** The `run` statement. */
export const RUN_SPEC = STATEMENTS.find((s): s is RunSpec => s.place === 'run')!;

/** The header statements' keywords: `seed`, `host`, `router`, ... */
export const HEADER_KEYWORDS: readonly string[] = HEADER_SPECS.map((s) => s.keyword);

/**
 * Words that cannot be host, router or socket names: the header and timed keywords (every
 * word of them), `run`, and each family's extra reserved words.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
	...HEADER_KEYWORDS,
	RUN_SPEC.keyword,
	...TIMED_SPECS.flatMap((s) => s.keyword.split(' ')),
	...FAMILIES.flatMap((f) => f.reserved ?? [])
]);

/** The socket verbs that fit a socket of this kind, in documentation order. */
export function verbsFor(kind: SocketKind): SocketSpec<Action>[] {
	return SOCKET_SPECS.filter((s) => s.appliesTo.includes(kind));
}

/** A statement's forms as the summary writes them: timed ones start with `TIME`. */
export function formsOf(s: StatementSpec<Action>): string[] {
	const timed = s.place === 'timed' || s.place === 'host' || s.place === 'socket';
	return s.syntax.map((f) => (timed ? `TIME ${f}` : f));
}

/**
 * The documentation's statement summary (docs/scenario-format.md, "Statement summary"), made
 * from the table: one row per statement with its forms and its doc line.
 */
export function grammarSummary(): string {
	const cell = (t: string) => t.replace(/\|/g, '\\|');
	const rows = STATEMENTS.map((s) => {
		const subject = s.place === 'host' ? 'HOST ' : s.place === 'socket' ? 'SOCKET ' : '';
		return `| ${cell(subject + s.keyword)} | ${formsOf(s).map((f) => `\`${cell(f)}\``).join('<br>')} | ${cell(s.doc)} |`;
	});
	return ['| statement | form | what it does |', '|---|---|---|', ...rows].join('\n');
}
