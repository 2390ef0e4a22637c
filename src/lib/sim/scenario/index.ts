/**
 * Scenarios: the plain-text format lesson authors write (docs/scenario-format.md), its parser
 * and its runner.
 *
 * ```ts
 * import { parseScenario, runScenario } from '$lib/sim/scenario';
 * const r = runScenario(text, { seed: 42 });
 * if (r.ok) draw(r.trace); else show(r.errors.map((e) => formatScenarioError(e)));
 * ```
 *
 * `parse.ts` is pure and has no engine import (safe for an editor that only checks syntax);
 * `run.ts` drives the engine.
 *
 * @module
 */
export {
	parseScenario,
	formatScenarioError,
	HOST_OS_IDS,
	MAX_INPUT_CHARS,
	MAX_LINES,
	MAX_ERRORS,
	MAX_TIME_MS,
	MAX_SEND_BYTES,
	MAX_UDP_BYTES,
	DEFAULT_LATENCY_MS,
	DEFAULT_SEED
} from './parse';
export type {
	Scenario,
	ScenarioError,
	ParseResult,
	Action,
	Step,
	SeqRef,
	HostDecl,
	HostOsId,
	RouterDecl,
	NatDecl,
	ForwardDecl,
	FirewallDecl,
	RuleDecl,
	LinkDecl
} from './parse';
export { runScenario, runParsedScenario } from './run';
export type { RunScenarioOptions, RunScenarioResult } from './run';
