/**
 * Every scenario in content/ (the examples in content/scenarios and every lesson's scenarios)
 * states what its lesson or its comment header claims as `expect` lines; here they all run and
 * every expectation must hold. A change in the engine that breaks a claim fails here, naming
 * the file and line.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenarioError } from './types';
import { parseScenario } from './parse';
import { failedExpectations, runScenario } from './run';

const CONTENT = fileURLToPath(new URL('../../../../content', import.meta.url));

/** Every `.scn` file under `dir`, relative to content/, sorted. */
function scenarioFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...scenarioFiles(path));
		else if (name.endsWith('.scn')) out.push(relative(CONTENT, path));
	}
	return out.sort();
}
const FILES = scenarioFiles(CONTENT);
const EXAMPLES = FILES.filter((f) => f.startsWith('scenarios')).map((f) => f.split(/[\\/]/).pop()!);
const read = (f: string): string => readFileSync(join(CONTENT, f), 'utf8');

describe('content/scenarios', () => {
	it('has the example files the lessons and the gallery use', () => {
		for (const f of [
			'handshake', 'two-tabs', 'simultaneous-open', 'simultaneous-close', 'rst-closed-port', 'lost-segment',
			'time-wait-fin-retransmit', 'port-exhaustion', 'udp-closed-port', 'ping', 'traceroute-unix',
			'traceroute-windows', 'nat-remap', 'firewall-stateless', 'firewall-stateful', 'rst-in-time-wait'
		]) {
			expect(EXAMPLES).toContain(`${f}.scn`);
		}
	});

	it.each(EXAMPLES)('%s opens with a comment header naming itself', (f) => {
		expect(read(`scenarios/${f}`).split('\n')[0]).toMatch(new RegExp(`^# ${f.replace('.', '\\.')}: `));
	});

	it('runs are deterministic: same seed, same trace; another seed, other ISNs', () => {
		const text = read('scenarios/handshake.scn');
		const [a, b, c] = [runScenario(text), runScenario(text), runScenario(text, { seed: 99 })];
		if (!a.ok || !b.ok || !c.ok) throw new Error('handshake.scn failed');
		expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
		expect(c.trace.seed).toBe(99);
		const firstSeq = (t: typeof a.trace) => t.events.find((e) => e.kind === 'segment')!;
		expect(firstSeq(c.trace)).not.toEqual(firstSeq(a.trace));
	});
});

describe("every content scenario's expectations hold", () => {
	it('finds the scenarios (examples and lessons)', () => {
		expect(FILES.filter((f) => f.startsWith('lessons')).length).toBeGreaterThanOrEqual(19);
		expect(EXAMPLES.length).toBeGreaterThanOrEqual(16);
	});

	it.each(FILES)('%s', (file) => {
		const text = read(file);
		const parsed = parseScenario(text);
		expect(parsed.ok ? [] : parsed.errors.map((e) => formatScenarioError(e, file))).toEqual([]);
		const r = runScenario(text);
		if (!r.ok) throw new Error(r.errors.map((e) => formatScenarioError(e, file)).join('\n'));
		// Each file states what it shows: at least three checked claims.
		expect(r.expectations.length).toBeGreaterThanOrEqual(3);
		expect(failedExpectations(r).map((e) => formatScenarioError(e, file))).toEqual([]);
	});
});
