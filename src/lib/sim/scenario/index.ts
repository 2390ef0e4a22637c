/**
 * Scenarios: the plain-text format lesson authors write (docs/scenario-format.md), its parser,
 * its runner and its statement table.
 *
 * ```ts
 * import { parseScenario, runScenario } from '$lib/sim/scenario';
 * const r = runScenario(text, { seed: 42 });
 * if (r.ok) draw(r.trace); else show(r.errors.map((e) => formatScenarioError(e)));
 * ```
 *
 * `parse.ts` and `grammar.ts` are pure and import no engine code (safe for an editor that only
 * checks syntax); `run.ts` drives the engine.
 *
 * @module
 */
export { parseScenario, inspectScenario } from './parse';
export type { ParseResult, DeclaredNames } from './parse';
export {
	formatScenarioError,
	HOST_OS_IDS,
	MAX_INPUT_CHARS,
	MAX_LINES,
	MAX_ERRORS,
	MAX_TIME_MS,
	MAX_SEND_BYTES,
	MAX_TOTAL_SEND_BYTES,
	MAX_HOSTS,
	MAX_UDP_BYTES,
	DEFAULT_LATENCY_MS,
	DEFAULT_SEED
} from './types';
export type {
	ScenarioError,
	SeqRef,
	HostDecl,
	HostOsId,
	RouterDecl,
	NatDecl,
	ForwardDecl,
	FirewallDecl,
	RuleDecl,
	LinkDecl
} from './types';
export type { Scenario, Action, Step } from './grammar';
export { runScenario, runParsedScenario, failedExpectations } from './run';
export type { RunScenarioOptions, RunScenarioResult, ExpectationResult } from './run';
