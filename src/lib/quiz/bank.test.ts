import { describe, expect, it } from 'vitest';
import { slugFromBankPath, validateBank } from './bank';

const FILE = 'content/lessons/02-tcp/01-tcp-handshake/quiz.yaml';
const OBJ = { netplus: new Set(['1.4', '1.1']), ccna: new Set(['1.5']) };

const good = `
lesson: tcp-handshake
questions:
  - id: hs-01
    type: single
    prompt: Which segment opens a TCP connection?
    options: [SYN, FIN, RST]
    answer: SYN
    objectives: { netplus: ["1.4"], ccna: ["1.5"] }
    explanation: The active opener sends SYN first.
    link: /lessons/tcp-handshake#the-three-way-handshake
  - id: hs-02
    type: multi
    prompt: Which control bits consume a sequence number?
    options: [SYN, ACK, FIN, RST]
    answer: [SYN, FIN]
    objectives: { netplus: ["1.4"] }
    explanation: SYN and FIN each count as one.
    link: /lessons/tcp-handshake#sequence-numbers-in-one-paragraph
  - id: hs-03
    type: short
    prompt: Port?
    answer: 443
    accept: [tcp/443]
    objectives: { ccna: ["1.5"] }
    explanation: x
    link: /lessons/tcp-handshake#a
  - id: hs-04
    type: ordering
    prompt: Order
    items: [SYN, "SYN,ACK", ACK]
    objectives: { ccna: ["1.5"] }
    explanation: x
    link: /lessons/tcp-handshake#a
  - id: hs-05
    type: matching
    prompt: Match
    pairs:
      - { left: 22, right: SSH }
      - { left: 443, right: HTTPS }
    distractors: [Telnet]
    objectives: { netplus: ["1.4"] }
    explanation: x
    link: /lessons/tcp-handshake#a
  - id: hs-06
    type: simulation
    prompt: What next?
    scenario: handshake.scn
    ask: { kind: next-state, socket: c1, after: 1 }
    objectives: { ccna: ["1.5"] }
    explanation: x
    link: /lessons/tcp-handshake#a
`;

function withQuestion(yamlQuestion: string): string {
	return `lesson: tcp-handshake\nquestions:\n${yamlQuestion}`;
}

describe('validateBank', () => {
	it('accepts a well-formed bank of every type and assigns option ids', () => {
		const r = validateBank(FILE, good, { objectives: OBJ, scenarios: { 'handshake.scn': 'seed 1\n' } });
		expect(r.errors).toEqual([]);
		expect(r.questions.map((q) => q.type)).toEqual(['single', 'multi', 'short', 'ordering', 'matching', 'simulation']);
		const [single, multi, short, , matching, sim] = r.questions;
		expect(single.type === 'single' && single.answer).toBe('a');
		expect(multi.type === 'multi' && multi.answer).toEqual(['a', 'c']);
		expect(short.type === 'short' && short.answer).toEqual(['443', 'tcp/443']);
		if (matching.type !== 'matching') throw new Error('type');
		expect(matching.choices.map((c) => c.text)).toEqual(['SSH', 'HTTPS', 'Telnet']);
		expect(matching.pairs[0]).toMatchObject({ left: '22', right: 'a' });
		expect(sim.type === 'simulation' && sim.scenario).toBe('seed 1\n');
	});

	it('reports YAML syntax errors with the file name', () => {
		const r = validateBank(FILE, 'lesson: [unclosed\nquestions:');
		expect(r.errors).toHaveLength(1);
		expect(r.errors[0]).toMatch(/^content\/lessons\/02-tcp\/01-tcp-handshake\/quiz\.yaml: YAML syntax error/);
	});

	it('rejects a lesson that does not match the folder', () => {
		const r = validateBank(FILE, good.replace('lesson: tcp-handshake', 'lesson: udp'));
		expect(r.errors[0]).toBe(`${FILE}: lesson "udp" does not match its folder slug "tcp-handshake"`);
	});

	it('names the question id and reason for a wrong answer', () => {
		const r = validateBank(FILE, good.replace('answer: SYN\n', 'answer: ACK\n'));
		expect(r.errors).toContain(`${FILE}: hs-01: answer "ACK" is not one of the options`);
		expect(r.questions.map((q) => q.id)).not.toContain('hs-01');
	});

	it('flags unquoted objective ids that YAML turns into numbers', () => {
		const r = validateBank(FILE, good.replace('{ netplus: ["1.4"], ccna: ["1.5"] }', '{ netplus: [1.10] }'));
		expect(r.errors.join('\n')).toMatch(/hs-01: objectives\.netplus: 1\.1 must be a quoted string/);
	});

	it('rejects unknown objectives, types, fields, links and duplicate ids', () => {
		const bad = withQuestion(`
  - id: x-1
    type: single
    prompt: p
    options: [a, b]
    answer: a
    objectives: { netplus: ["9.9"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: x-2
    type: essay
    prompt: p
  - id: x-3
    type: short
    prompt: p
    answer: "1"
    colour: red
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: https://example.com
  - id: x-3
    type: short
    prompt: p
    answer: "1"
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: x-3
    type: short
    prompt: p
    answer: "2"
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
`);
		const r = validateBank(FILE, bad, { objectives: OBJ });
		const text = r.errors.join('\n');
		expect(text).toContain('x-1: objectives.netplus: "9.9" is not an objective id like "1.4"');
		expect(text).toContain('x-2: "type" must be one of');
		expect(text).toContain('x-3: unknown field "colour" for a short question');
		expect(text).toContain('x-3: link "https://example.com" must look like /lessons/<slug>#<heading-id>');
		expect(text).toContain('x-3: duplicate id "x-3"');
		expect(r.questions.map((q) => q.id)).toEqual(['x-3']);
	});

	it('checks objective ids against the known list', () => {
		const r = validateBank(FILE, good.replace('netplus: ["1.4"], ccna', 'netplus: ["5.5"], ccna'), { objectives: OBJ });
		expect(r.errors).toContain(`${FILE}: hs-01: objectives.netplus: "5.5" is not in content/exam/objectives.yaml`);
	});

	it('rejects bad ordering, matching and simulation questions', () => {
		const bad = withQuestion(`
  - id: o-1
    type: ordering
    prompt: p
    items: [a, a, b]
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: m-1
    type: matching
    prompt: p
    pairs: [{ left: 22, right: SSH }, { left: 22, right: SFTP }]
    distractors: [SSH]
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: s-1
    type: simulation
    prompt: p
    scenario: missing.scn
    ask: { kind: next-state, socket: c1 }
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: s-2
    type: simulation
    prompt: p
    scenario: "x.scn"
    ask: { kind: teleport }
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
`);
		const text = validateBank(FILE, bad, { scenarios: {} }).errors.join('\n');
		expect(text).toContain('o-1: "items" lists "a" twice');
		expect(text).toContain('m-1: pairs: left "22" appears twice');
		expect(text).toContain('m-1: distractor "SSH" is also a correct match');
		expect(text).toContain('s-1: scenario file "missing.scn" not found');
		expect(text).toContain('s-1: ask.after must be an integer ≥ 0');
		expect(text).toContain('s-2: ask.kind "teleport" is unknown');
		const dg = withQuestion(`
  - id: d-1
    type: simulation
    prompt: p
    scenario: x.scn
    ask: { kind: datagram-field, datagram: 0, field: seq }
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
`);
		const dgText = validateBank(FILE, dg, { scenarios: { 'x.scn': 'seed 1\n' } }).errors.join('\n');
		expect(dgText).toContain('d-1: ask.datagram must be an integer ≥ 1');
		expect(dgText).toContain('d-1: ask.field must be one of src-port, dst-port, len');
	});

	it('marks questions exam: false as course-only, without objectives', () => {
		const bank = withQuestion(`
  - id: k-1
    type: short
    prompt: Which sysctl sets the Linux ephemeral range?
    answer: net.ipv4.ip_local_port_range
    exam: false
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: k-2
    type: short
    prompt: p
    answer: "1"
    exam: false
    objectives: { netplus: ["1.4"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: k-3
    type: short
    prompt: p
    answer: "1"
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: k-4
    type: short
    prompt: p
    answer: "1"
    exam: "no"
    objectives: { netplus: ["1.4"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
`);
		const r = validateBank(FILE, bank, { objectives: OBJ });
		expect(r.questions.map((q) => [q.id, q.exam, q.objectives])).toEqual([['k-1', false, { netplus: [], ccna: [] }]]);
		const text = r.errors.join('\n');
		expect(text).toContain('k-2: a course-only question (exam: false) names no exam objective');
		expect(text).toContain('k-3: "objectives" must be a mapping');
		expect(text).toContain('k-4: "exam" must be true or false');
		// exam defaults to true
		expect(validateBank(FILE, good, { objectives: OBJ, scenarios: { 'handshake.scn': 'seed 1\n' } }).questions.every((q) => q.exam)).toBe(true);
	});

	it('takes accept on typed simulation questions only', () => {
		const bank = withQuestion(`
  - id: s-1
    type: simulation
    prompt: p
    scenario: handshake.scn
    ask: { kind: error, socket: c1 }
    accept: [Connection refused]
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
  - id: s-2
    type: simulation
    prompt: p
    scenario: handshake.scn
    ask: { kind: error, socket: c1 }
    options: [ECONNREFUSED, ETIMEDOUT]
    accept: [refused]
    objectives: { ccna: ["1.5"] }
    explanation: e
    link: /lessons/tcp-handshake#ok
`);
		const r = validateBank(FILE, bank, { objectives: OBJ, scenarios: { 'handshake.scn': 'seed 1\n' } });
		expect(r.errors).toEqual([`${FILE}: s-2: "accept" is for typed simulation questions; a question with "options" is answered by choosing`]);
		const [s1] = r.questions;
		expect(s1.type === 'simulation' && s1.accept).toEqual(['Connection refused']);
	});

	it('rejects a document without questions', () => {
		expect(validateBank(FILE, 'lesson: tcp-handshake\n').errors).toEqual([`${FILE}: "questions" must be a non-empty list`]);
		expect(validateBank(FILE, '- just a list').errors).toEqual([`${FILE}: expected a mapping with "lesson" and "questions"`]);
	});

	it('derives slugs from bank paths', () => {
		expect(slugFromBankPath('/content/lessons/04-network/03-ports-in-practice/quiz.yaml')).toBe('ports-in-practice');
		expect(slugFromBankPath('quiz.txt')).toBeNull();
	});
});
