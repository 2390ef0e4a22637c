import { describe, expect, it } from 'vitest';
import { checkPausedList, PAUSED_HEAD, PAUSED_SLACK, PAUSED_TAIL, pausedIsCut, pausedUrl, trimPaused } from './paused';
import type { PausedPacket, Question, SimulationQuestion } from './types';

const packets = (n: number): PausedPacket[] => Array.from({ length: n }, (_, i) => ({ t: i * 10, from: 'a', to: 'b', text: `packet ${i + 1}` }));
const sim = (n: number): SimulationQuestion => ({
	id: 'x-01',
	lesson: 'x',
	prompt: 'p',
	objectives: {},
	explanation: 'e',
	type: 'simulation',
	scenario: 'seed 1',
	scenarioName: 'inline',
	ask: { kind: 'time-wait' },
	paused: packets(n)
}) as SimulationQuestion;

describe('trimPaused', () => {
	it('keeps a short list whole and the question unchanged', () => {
		const n = PAUSED_HEAD + PAUSED_TAIL + PAUSED_SLACK;
		const q = sim(n);
		expect(pausedIsCut(n)).toBe(false);
		expect(trimPaused(q)).toBe(q);
	});
	it('keeps the first and last packets of a long list and says how many there are', () => {
		const q = sim(648);
		const t = trimPaused(q) as SimulationQuestion;
		expect(t.pausedTotal).toBe(648);
		expect(t.paused).toHaveLength(PAUSED_HEAD + PAUSED_TAIL);
		expect(t.paused![0].text).toBe('packet 1');
		expect(t.paused![PAUSED_HEAD - 1].text).toBe(`packet ${PAUSED_HEAD}`);
		expect(t.paused![PAUSED_HEAD].text).toBe(`packet ${648 - PAUSED_TAIL + 1}`);
		expect(t.paused!.at(-1)!.text).toBe('packet 648');
		// The catalog's copy is not touched (the exam bank serves it whole).
		expect(q.paused).toHaveLength(648);
		expect(q.pausedTotal).toBeUndefined();
	});
	it('leaves other question types alone', () => {
		const q = { id: 's', lesson: 'x', prompt: 'p', objectives: {}, explanation: 'e', type: 'short', accept: ['a'] } as unknown as Question;
		expect(trimPaused(q)).toBe(q);
	});
});

describe('checkPausedList', () => {
	it('accepts the whole list and refuses anything else', () => {
		expect(checkPausedList(packets(50), 50)).toHaveLength(50);
		expect(() => checkPausedList(packets(49), 50)).toThrow(/expected 50 packets/);
		expect(() => checkPausedList({ length: 50 }, 50)).toThrow();
		expect(() => checkPausedList([...packets(49), { t: 'x', text: 1 }], 50)).toThrow();
	});
});

it('names the file a question id maps to', () => {
	expect(pausedUrl('flc-12')).toBe('/quiz/paused/flc-12.json');
});
