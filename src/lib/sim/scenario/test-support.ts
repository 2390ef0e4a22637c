/**
 * Helpers for the scenario tests (not used by the application): parse text that must be valid
 * or must fail, and a small valid header to build on.
 *
 * @module
 */
import { formatScenarioError, type ScenarioError } from './types';
import { parseScenario } from './parse';
import type { Scenario } from './grammar';

/** A valid header: two hosts on one link (lines 1-5). */
export const BASE = `# a comment line
seed 42
host client 192.168.1.10 os=linux
host server 203.0.113.5 os=freebsd root
link client server latency=10ms
`;

/** The scenario of a text that must parse; throws with the errors otherwise. */
export function ok(text: string): Scenario {
	const r = parseScenario(text);
	if (!r.ok) throw new Error('unexpected errors:\n' + r.errors.map((e) => formatScenarioError(e)).join('\n'));
	return r.scenario;
}

/** The errors of a text that must not parse. */
export function errs(text: string): ScenarioError[] {
	const r = parseScenario(text);
	if (r.ok) throw new Error('expected errors, got a scenario');
	return r.errors;
}

/** `[line, column]` of each error, for compact assertions. */
export function where(errors: readonly ScenarioError[]): [number, number | undefined][] {
	return errors.map((e) => [e.line, e.column]);
}
