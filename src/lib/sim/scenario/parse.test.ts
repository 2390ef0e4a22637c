/**
 * The parser's driver: lines, times, the order of the parts, names across lines, limits and
 * error collection. Each statement family has its own tests beside it (statements/*.test.ts);
 * the fuzz tests are in fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_CHARS, MAX_LINES } from './index';
import { inspectScenario } from './parse';
import { BASE, errs, ok } from './test-support';

describe('parseScenario: times and the order of the parts', () => {
	it('rejects times going backwards and times without units', () => {
		const e = errs(BASE + '1s server listen 80\n500ms client connect server:80\n250 client connect server:80\n');
		expect(e.map((x) => x.line)).toEqual([7, 8]);
		expect(e[0].message).toContain('time goes backwards');
		expect(e[0].message).toContain('line 6 is already at 1000 ms');
		expect(e[1].message).toContain('add a unit: 250ms');
	});
	it('requires header statements before timed ones and nothing after run', () => {
		const e = errs(BASE + '0ms server listen 80\nhost x 10.1.1.1\nrun until=1s\n0ms server listen 81\n');
		expect(e.map((x) => x.line)).toEqual([7, 9]);
		expect(e[0].message).toContain('must come before the first timed statement (line 6)');
		expect(e[1].message).toContain('nothing may follow the "run"');
	});
	it('rejects run until= earlier than the last timed line', () => {
		const [e] = errs(BASE + '5s server listen 80\nrun until=1s\n');
		expect(e.message).toContain('ends before line 6');
	});
	it('points at a missing time', () => {
		const [e] = errs(BASE + 'server listen 80\n');
		expect(e.message).toContain('expected a time before "server"');
	});
});

describe('parseScenario: errors and limits', () => {
	it('collects all errors instead of stopping at the first', () => {
		const e = errs('host a 1.2.3\nhost b 10.0.0.1 os=x\nbogus\n0ms a listen 1\n');
		expect(e.length).toBeGreaterThanOrEqual(3);
		expect(e.map((x) => x.line)).toEqual([...e.map((x) => x.line)].sort((p, q) => p - q));
	});
	it('does not cascade: a host with a bad address is still a known name', () => {
		const e = errs('host a 1.2.3\n0ms a listen 80a\n');
		expect(e.map((x) => x.line)).toEqual([1, 2]);
		expect(e[1].message).toContain('expected a port number');
	});
	it('reports an unterminated string at its column', () => {
		const [e] = errs(BASE + '0ms client connect server:80 as=c\n0ms c send 5 "abc\n');
		expect(e).toEqual({ line: 7, column: 14, message: 'unterminated string: add a closing "' });
	});
	it('limits input size and line count', () => {
		const big = errs('#'.repeat(MAX_INPUT_CHARS + 1));
		expect(big[0].message).toMatch(/limit is 100 KB/);
		const many = errs('seed 1\n'.padEnd(0) + '# x\n'.repeat(MAX_LINES + 5));
		expect(many[0].line).toBe(MAX_LINES + 1);
		expect(many[0].message).toContain('the limit is 2000');
	});
	it('handles CRLF line ends', () => {
		expect(ok(BASE.replace(/\n/g, '\r\n')).hosts).toHaveLength(2);
	});
});

describe('parseScenario: encodings and the names it declares', () => {
	it('ignores a UTF-8 byte-order mark', () => {
		expect(ok('\ufeff' + BASE).hosts).toHaveLength(2);
	});

	it('returns the declared names even when the text has errors', () => {
		const r = inspectScenario(BASE + 'router r1 10.0.0.1\n0ms server listen 80 as=web\n+0ms client udp bind 53 as=u\n+0ms bogus\n');
		expect(r.result.ok).toBe(false);
		expect(r.names).toEqual({
			hosts: ['client', 'server'],
			routers: ['r1'],
			sockets: [
				{ name: 'web', kind: 'tcp-listener' },
				{ name: 'u', kind: 'udp' }
			]
		});
	});

	it('asks for a time before an expect line', () => {
		const [e] = errs(BASE + 'expect nothing sent\n');
		expect(e).toMatchObject({ line: 6, column: 1 });
		expect(e.message).toContain('"expect" needs a time');
	});
});
