import { describe, expect, it } from 'vitest';
import { buildCatalog } from './catalog-core';
import { ECHO_ALLOWED, checkCues, keyLengthStats, leansOnAnotherQuestion, stemEchoes, words } from './cues';
import type { Question, SingleQuestion } from './types';

const base = { lesson: 'x', objectives: { netplus: ['1.4'], ccna: [] }, explanation: 'e', link: '/lessons/x#y' };

function single(id: string, prompt: string, options: string[], key = 0): SingleQuestion {
	const ids = options.map((_, i) => String.fromCharCode(97 + i));
	return { ...base, id, type: 'single', prompt, options: options.map((text, i) => ({ id: ids[i], text })), answer: ids[key] };
}

describe('words', () => {
	it('drops stop words and short words, keeps numbers of two or more digits, and stems', () => {
		expect([...words('Which of these closes the TCP connection?')]).toEqual(['clos', 'tcp', 'connection']);
		expect(words('the closer, closed, close')).toEqual(new Set(['clos']));
		expect(words('MaxUserPort 5000 on port 7').has('5000')).toBe(true);
		expect(words('MaxUserPort 5000 on port 7').has('7')).toBe(false);
		expect(words('addresses and an address')).toEqual(new Set(['address']));
	});
});

describe('stemEchoes', () => {
	it('flags a stem word that only the key repeats (the hs-08 and eph-09 cues)', () => {
		const hs08 = single('hs-08', 'The client closes first. Which socket enters TIME-WAIT?', [
			'Only the client socket (the active closer)',
			'Only the server socket',
			'Both sockets',
			'Neither'
		]);
		expect(stemEchoes(hs08)).toEqual(['client', 'clos']);
		const eph09 = single('eph-09', 'Windows XP (MaxUserPort 5000) opens a connection. Which range?', ['1025–5000', '10000–32767', '49152–65535']);
		expect(stemEchoes(eph09)).toEqual(['5000']);
	});
	it('accepts a stem word that a distractor repeats too', () => {
		const q = single('q-1', 'Which header field picks the program on a host?', ['The destination port in the TCP header', 'The TTL in the IP header']);
		expect(stemEchoes(q)).toEqual([]);
	});
	it('flags a multiple-response item when only and all the correct options repeat a stem word', () => {
		const q: Question = {
			...base,
			id: 'm-1',
			type: 'multi',
			prompt: 'Which services use UDP?',
			options: [
				{ id: 'a', text: 'DNS over UDP' },
				{ id: 'b', text: 'NTP over UDP' },
				{ id: 'c', text: 'SSH' }
			],
			answer: ['a', 'b']
		};
		expect(stemEchoes(q)).toEqual(['udp']);
	});
	it('honours the explicit allow-list, which names a reason for each entry', () => {
		for (const [id, entry] of Object.entries(ECHO_ALLOWED)) {
			expect(entry.words.length, id).toBeGreaterThan(0);
			expect(entry.why.length, id).toBeGreaterThan(20);
		}
		const q = single('prc-25', 'ipconfig shows an empty default gateway. What is wrong?', ['The empty default gateway', 'The subnet mask', 'The DNS server']);
		expect(stemEchoes(q)).toEqual([]);
	});
});

describe('leansOnAnotherQuestion', () => {
	it('catches stems that depend on an earlier question (the exh-03 cue)', () => {
		expect(leansOnAnotherQuestion('The same proxy is out of ports towards 10.0.0.5:5432.')).toBe(true);
		expect(leansOnAnotherQuestion('Later the client program aborts the connection.')).toBe(true);
		expect(leansOnAnotherQuestion('As in the previous question, what happens?')).toBe(true);
		expect(leansOnAnotherQuestion('A Linux proxy has used every ephemeral port towards 10.0.0.5:5432.')).toBe(false);
	});
});

describe('checkCues', () => {
	it('allows the key to be strictly longest in at most 35 % of single-answer items, and strictly shortest likewise', () => {
		const longKey = (id: string) => single(id, `Question ${id}?`, ['a much longer right answer', 'short one', 'another'], 0);
		const shortKey = (id: string) => single(id, `Question ${id}?`, ['ok', 'longer wrong answer', 'another wrong one'], 0);
		const tied = (id: string) => single(id, `Question ${id}?`, ['aaaa', 'bbbb', 'cccc'], 0);
		// 3 of 9 strictly longest = 33 %: allowed; 4 of 9 = 44 %: not
		const ok = [longKey('a1'), longKey('a2'), longKey('a3'), ...['t1', 't2', 't3', 't4', 't5', 't6'].map(tied)];
		expect(checkCues('bank.yaml', ok)).toEqual([]);
		const bad = [...ok.slice(0, 3), longKey('a4'), ...ok.slice(4)];
		expect(checkCues('bank.yaml', bad)).toEqual([
			'bank.yaml: the key is the strictly longest option in 4 of 9 single-answer choice items (at most 3, 35 %, allowed): a1, a2, a3, a4'
		]);
		const shorts = [shortKey('s1'), shortKey('s2'), shortKey('s3'), shortKey('s4'), ...['t1', 't2', 't3', 't4', 't5'].map(tied)];
		expect(checkCues('bank.yaml', shorts)[0]).toMatch(/strictly shortest option in 4 of 9/);
		expect(keyLengthStats(bad)).toMatchObject({ items: 9, longest: 9, strictlyLongest: 4, strictlyShortest: 0 });
	});
});

describe('buildCatalog runs the cue checks on every bank', () => {
	it('fails the catalog when a bank has a cue', () => {
		const objectives = `exams:\n  - id: netplus\n    name: N\n    code: X\n    domains:\n      - id: "1"\n        name: D\n        weight: 100\n        objectives:\n          - { id: "1.4", name: o }\n`;
		const bank = `lesson: a
questions:
  - id: q-1
    type: single
    prompt: The same server answers on which port?
    options: [Port 443 of the server, "22", "25"]
    answer: Port 443 of the server
    objectives: { netplus: ["1.4"] }
    explanation: e
    link: /lessons/a#h
`;
		const r = buildCatalog({ banks: { '/content/lessons/01-x/01-a/quiz.yaml': bank }, scenarios: {}, objectives, headings: new Map([['a', new Set(['h'])]]) });
		expect(r.errors).toEqual([
			'/content/lessons/01-x/01-a/quiz.yaml: q-1: the stem leans on another question ("The same server answers on which port?…"); every stem must stand alone, since exams shuffle questions',
			'/content/lessons/01-x/01-a/quiz.yaml: q-1: the key is the only option repeating "port", "serv" from the stem; reword the options (or list a justified exception in ECHO_ALLOWED, src/lib/quiz/cues.ts)',
			'/content/lessons/01-x/01-a/quiz.yaml: the key is the strictly longest option in 1 of 1 single-answer choice items (at most 0, 35 %, allowed): q-1'
		]);
	});
});
