/**
 * The real question banks in `content/`: every bank validates and every simulation question's
 * answer can be derived by running its scenario with the engine (as the /exam prerender does, so
 * a broken question fails here, in the unit tests, before it fails the build). Heading anchors
 * are checked by the build, which knows the rendered headings.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/scenario';
import { buildCatalog } from './catalog-core';
import type { RunResult } from './simulation';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Files under `content/lessons` matching `test`, keyed as import.meta.glob keys them (`/content/...`). */
function collect(dir: string, test: (name: string) => boolean, out: Record<string, string> = {}): Record<string, string> {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) collect(path, test, out);
		else if (test(name)) out['/' + relative(ROOT, path).split('\\').join('/')] = readFileSync(path, 'utf8');
	}
	return out;
}

const banks = collect(join(ROOT, 'content/lessons'), (n) => n === 'quiz.yaml');
const scenarios = collect(join(ROOT, 'content/lessons'), (n) => n.endsWith('.scn'));
const objectives = readFileSync(join(ROOT, 'content/exam/objectives.yaml'), 'utf8');

describe('content question banks', () => {
	const cat = buildCatalog({ banks, scenarios, objectives, run: (text) => runScenario(text) as RunResult });

	it('validate, with every simulation answer derived from its scenario', () => {
		expect(cat.errors).toEqual([]);
		expect(Object.keys(banks).length).toBe(13);
		const sims = cat.questions.filter((q) => q.type === 'simulation');
		expect(sims.length).toBeGreaterThanOrEqual(25);
		for (const q of sims) expect(q.answer?.length, q.id).toBeGreaterThan(0);
	});

	it('derive the answers the explanations give for the UDP, ICMP, firewall, NAT and Windows exhaustion questions', () => {
		const answer = (id: string): string[] | undefined => {
			const q = cat.questions.find((x) => x.id === id);
			if (q?.type !== 'simulation') return undefined;
			// a choice question's answer is option ids; compare the option texts
			return q.options ? q.answer?.map((a) => q.options?.find((o) => o.id === a)?.text ?? a) : q.answer;
		};
		// a closed UDP port → Port Unreachable; traceroute's TTL-1 probe → Time Exceeded;
		// the stateless filter's first drop is the returning SYN,ACK
		expect(answer('udp-11')).toEqual(['3/3']);
		expect(answer('icmp-12')).toEqual(['11/0']);
		expect(answer('fw-11')).toEqual(['SYN,ACK']);
		// the laptop's flow cannot keep 51234 on the public address: the server replies to the remapped port
		expect(answer('nat-11')).toEqual(['8339']);
		// Windows: with every port of its pool held by a live connection, connect() fails WSAENOBUFS (Event 4231)
		expect(answer('exh-11')).toEqual(['WSAENOBUFS']);
	});
});
