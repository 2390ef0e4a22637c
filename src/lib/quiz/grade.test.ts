import { describe, expect, it } from 'vitest';
import { validateBank } from './bank';
import { answerKind, isCorrect } from './grade';
import { resolveSimulationQuestions, type RunResult } from './simulation';
import type { Question, SimulationQuestion } from './types';
import type { Trace } from '../sim/trace';

const base = { lesson: 'l', prompt: 'p', explanation: 'e', link: '/lessons/l#x', objectives: { netplus: ['1.4'], ccna: [] } };
const sim = (id: string, ask: SimulationQuestion['ask'], answer: string[]): Question => ({
	...base,
	id,
	type: 'simulation',
	scenario: '',
	scenarioName: 'x.scn',
	ask,
	answer
});

describe('typed simulation items', () => {
	it('accept state names as ss, netstat and the RFC spell them', () => {
		const q = sim('s1', { kind: 'next-state', socket: 'c1', after: 1 }, ['ESTABLISHED']);
		for (const r of ['ESTAB', 'established', 'Established']) expect(isCorrect(q, r), r).toBe(true);
		expect(isCorrect(q, 'SYN-SENT')).toBe(false);
		const tw = sim('s2', { kind: 'final-state', socket: 'c1' }, ['TIME-WAIT']);
		for (const r of ['TIME_WAIT', 'TIME-WAIT', 'TimeWait', 'time wait']) expect(isCorrect(tw, r), r).toBe(true);
		expect(isCorrect(tw, 'CLOSE_WAIT')).toBe(false);
		const ss = sim('s3', { kind: 'next-state', socket: 'c1', after: 0 }, ['SYN-SENT']);
		for (const r of ['SYN_SENT', 'SYN-SENT', 'SynSent']) expect(isCorrect(ss, r), r).toBe(true);
	});
	it('accept "Connection refused" for ECONNREFUSED, and flags in any order or separator', () => {
		const q = sim('e1', { kind: 'error', socket: 'c1' }, ['ECONNREFUSED']);
		expect(isCorrect(q, 'Connection refused')).toBe(true);
		expect(isCorrect(q, 'ECONNREFUSED')).toBe(true);
		expect(isCorrect(q, 'Connection timed out')).toBe(false);
		const f = sim('f1', { kind: 'segment-field', segment: 2, field: 'flags' }, ['SYN,ACK']);
		for (const r of ['SYN/ACK', 'ack syn', '[S.]']) expect(isCorrect(f, r), r).toBe(true);
		expect(isCorrect(f, 'SYN')).toBe(false);
		const i = sim('i1', { kind: 'icmp', index: 1 }, ['3/3']);
		expect(isCorrect(i, 'port unreachable')).toBe(true);
		expect(isCorrect(i, 'host unreachable')).toBe(false);
		expect(answerKind({ kind: 'segment-field', segment: 1, field: 'seq' })).toBeUndefined();
	});
	it('take the bank\'s `accept` spellings besides the derived value', () => {
		const yaml = `
lesson: l
questions:
  - id: s-01
    type: simulation
    prompt: Which error?
    scenario: x.scn
    ask: { kind: error, socket: c1 }
    accept: [refused by the server]
    objectives: { netplus: ["1.4"] }
    explanation: x
    link: /lessons/l#x
  - id: s-02
    type: simulation
    prompt: Which error?
    scenario: x.scn
    ask: { kind: error, socket: c1 }
    options: [ECONNREFUSED, ETIMEDOUT]
    accept: [nope]
    objectives: { netplus: ["1.4"] }
    explanation: x
    link: /lessons/l#x
`;
		const r = validateBank('content/lessons/01-x/01-l/quiz.yaml', yaml, { scenarios: { 'x.scn': 'host a 10.0.0.1\n' } });
		expect(r.errors).toEqual(['content/lessons/01-x/01-l/quiz.yaml: s-02: "accept" is for typed simulation questions; a question with "options" is answered by choosing']);
		const q = r.questions[0] as SimulationQuestion;
		expect(q.accept).toEqual(['refused by the server']);
		const trace = { events: [{ kind: 'error', t: 0, host: 'a', socket: 'c1', call: 'connect', errno: 'ECONNREFUSED', message: 'x' }] } as unknown as Trace;
		const run = (): RunResult => ({ ok: true, trace });
		expect(resolveSimulationQuestions([q], run)).toEqual([]);
		expect(q.answer).toEqual(['ECONNREFUSED', 'refused by the server']);
		expect(isCorrect(q, 'Refused by the server')).toBe(true);
		expect(isCorrect(q, 'connection refused')).toBe(true);
		expect(isCorrect(q, 'refused')).toBe(false);
	});
});
