import { describe, it, expect } from 'vitest';
import { parseScenario, runScenario } from '$lib/sim/scenario';
import {
	classifyLine,
	insertHeaderLines,
	insertTimedLines,
	namesOf,
	nameProblem,
	nextFreeName,
	suggestIp,
	quote,
	hostStatement,
	linkStatement,
	stepStatement,
	timeProblem,
	ipProblem,
	EMPTY_SCENARIO
} from './builder';

describe('classifyLine', () => {
	it('tells header, timed, run and blank lines apart, ignoring comments', () => {
		expect(classifyLine('host a 10.0.0.1')).toBe('header');
		expect(classifyLine('  link a b # comment')).toBe('header');
		expect(classifyLine('+50ms c1 send "a # b"')).toBe('timed');
		expect(classifyLine('1.5s drop next a->b')).toBe('timed');
		expect(classifyLine('run until=1s')).toBe('run');
		expect(classifyLine('   # only a comment')).toBe('blank');
		expect(classifyLine('')).toBe('blank');
		expect(classifyLine('bogus words')).toBe('other');
	});
});

describe('inserting statements', () => {
	const text = `# demo\nseed 1\nhost a 10.0.0.1\n\n0ms a listen 80 as=w\nrun until=1s\n`;
	it('puts header lines after the last header line', () => {
		expect(insertHeaderLines(text, ['host b 10.0.0.2'])).toBe(`# demo\nseed 1\nhost a 10.0.0.1\nhost b 10.0.0.2\n\n0ms a listen 80 as=w\nrun until=1s\n`);
	});
	it('puts header lines before the first timed line when there is no header', () => {
		expect(insertHeaderLines('# x\n0ms a listen 80\n', ['host a 10.0.0.1'])).toBe('# x\nhost a 10.0.0.1\n\n0ms a listen 80\n');
		expect(insertHeaderLines('', ['seed 1'])).toBe('seed 1\n');
	});
	it('puts timed lines before run, or at the end', () => {
		expect(insertTimedLines(text, ['+0ms w close'])).toBe(`# demo\nseed 1\nhost a 10.0.0.1\n\n0ms a listen 80 as=w\n+0ms w close\nrun until=1s\n`);
		expect(insertTimedLines('seed 1\nhost a 10.0.0.1\n\n\n', ['0ms a listen 80'])).toBe('seed 1\nhost a 10.0.0.1\n\n0ms a listen 80\n');
		expect(insertTimedLines('0ms a listen 80\r\n', ['+1s x close'])).toBe('0ms a listen 80\n+1s x close\n');
	});
});

describe('names', () => {
	it('validates and suggests names', () => {
		expect(nameProblem('web-1', [])).toBeNull();
		expect(nameProblem('1web', [])).toMatch(/not a name/);
		expect(nameProblem('link', [])).toMatch(/keyword/);
		expect(nameProblem('a', ['a'])).toMatch(/already used/);
		expect(nextFreeName('client', [])).toBe('client');
		expect(nextFreeName('client', ['client', 'client2'])).toBe('client3');
		expect(nextFreeName('c1', ['c1', 'c2'])).toBe('c3');
		expect(suggestIp([])).toBe('192.168.1.10');
		expect(suggestIp(['192.168.1.10'])).toBe('203.0.113.5');
		expect(suggestIp(['192.168.1.10', '203.0.113.5'])).toBe('192.168.1.11');
	});
	it('quotes payload text so the parser reads it back', () => {
		const t = 'GET / "x" \\ #\r\n\tend';
		const line = stepStatement('0ms', { kind: 'send', socket: 'c', bytes: null, text: t });
		expect(line).toBe(`0ms    c send ${quote(t)}`);
		const r = parseScenario(`host a 10.0.0.1\nhost b 10.0.0.2\nlink a b\n0ms b listen 8080 as=w\n+0ms a connect b:8080 as=c\n${line}\n`);
		expect(r.ok).toBe(true);
		if (r.ok) {
			const send = r.scenario.steps[2].action;
			expect(send).toMatchObject({ kind: 'send', text: t, len: new TextEncoder().encode(t).length });
		}
	});
	it('checks times', () => {
		expect(timeProblem('+50ms')).toBeNull();
		expect(timeProblem('1.5s')).toBeNull();
		expect(timeProblem('2min')).toBeNull();
		expect(timeProblem('50')).toMatch(/not a time/);
		expect(timeProblem('-5ms')).toMatch(/not a time/);
	});
});

describe('building a whole scenario with the controls', () => {
	it('produces a scenario that parses and runs: handshake, data, close', () => {
		let text = EMPTY_SCENARIO;
		text = insertHeaderLines(text, [hostStatement({ name: 'client', ip: '192.168.1.10', os: 'linux', root: false })]);
		text = insertHeaderLines(text, [hostStatement({ name: 'server', ip: '203.0.113.5', os: 'freebsd', root: true }), linkStatement('server', 'client')]);
		text = insertTimedLines(text, [stepStatement('0ms', { kind: 'listen', host: 'server', port: 80, as: 'web' })]);
		text = insertTimedLines(text, [stepStatement('10ms', { kind: 'connect', host: 'client', target: 'server', port: 80, as: 'c1' })]);
		text = insertTimedLines(text, [stepStatement('+50ms', { kind: 'send', socket: 'c1', bytes: 100, text: 'hello' })]);
		text = insertTimedLines(text, [stepStatement('+20ms', { kind: 'drop', from: 'server', to: 'client' })]);
		text = insertTimedLines(text, [stepStatement('+50ms', { kind: 'close', socket: 'c1' })]);
		text = insertTimedLines(text, [stepStatement('+50ms', { kind: 'abort', socket: 'web.1' })]);
		expect(text).toContain('host server 203.0.113.5 os=freebsd root\nlink server client latency=10ms\n\n0ms');
		const r = runScenario(text);
		if (!r.ok) throw new Error(r.errors.map((e) => `line ${e.line}: ${e.message}`).join('\n') + '\n' + text);
		expect(r.trace.events.some((e) => e.kind === 'segment' && e.flags.includes('RST'))).toBe(true);
		const names = namesOf(r.scenario, r.trace);
		expect(names.hosts.map((h) => h.name)).toEqual(['client', 'server']);
		expect(names.sockets).toEqual(['web', 'c1', 'web.1']);
		expect(names.listeners).toEqual(['web']);
		expect(namesOf(r.scenario).sockets).toEqual(['web', 'c1', 'web.1']);
	});
});

describe('the form follows the grammar table', () => {
	it('refuses every reserved word as a name, forward and expect included', () => {
		for (const w of ['forward', 'expect', 'segment', 'nothing', 'run', 'next']) expect(nameProblem(w, [])).toMatch(/keyword/);
		const r = parseScenario(`${hostStatement({ name: 'forward2', ip: '10.0.0.1', os: 'linux', root: false })}\n`);
		expect(r.ok).toBe(true);
	});

	it('checks addresses and times as the parser does', () => {
		expect(ipProblem('192.168.1.10')).toBeNull();
		expect(ipProblem('10.0.0.01')).toMatch(/leading zero/);
		expect(ipProblem('10.0.0.256')).toMatch(/0-255/);
		expect(ipProblem('10.0.0')).toMatch(/not an IPv4 address/);
		expect(timeProblem('+0.5s')).toBeNull();
		expect(timeProblem('250')).toMatch(/not a time/);
	});

	it('classifies every header keyword of the table as a header line', () => {
		for (const kw of ['seed', 'host', 'router', 'nat', 'forward', 'firewall', 'rule', 'link']) expect(classifyLine(`${kw} x`)).toBe('header');
	});
});

describe('sockets the step form offers', () => {
	it('marks listening sockets, so "send" never defaults to one; a bound socket that connects can send', () => {
		const r = runScenario(
			'host client 192.168.1.10\nhost server 203.0.113.5 root\nlink client server\n0ms server bind 80 as=s\n+0ms s listen\n+0ms client bind 40000 as=b\n+0ms b connect 203.0.113.5:80\n+10ms client connect 203.0.113.5:80 as=c2\nrun until=1s\n'
		);
		if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
		const names = namesOf(r.scenario, r.trace);
		expect(names.sockets).toEqual(['s', 'b', 'c2', 's.1', 's.2']);
		expect(names.listeners).toEqual(['s']);
	});
});
