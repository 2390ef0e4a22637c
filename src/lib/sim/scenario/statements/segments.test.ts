/**
 * The faults and injected segments family: drop next and inject, with socket sequence
 * references, their errors (line and column) and how they run.
 */
import { describe, expect, it } from 'vitest';
import { BASE, errs, ok, where } from '../test-support';

describe('inject: sequence numbers and flags', () => {
	it('accepts sequence numbers read from a socket at run time', () => {
		const s = ok(BASE + '0ms client bind 40000 as=c1\n+0ms c1 connect server:80\n1s inject server->client 80>40000 R. seq=c1.rcvnxt ack=c1.sndnxt-1\n');
		expect(s.steps[2].action).toMatchObject({
			seq: { socket: 'c1', field: 'rcvnxt', offset: 0 },
			ack: { socket: 'c1', field: 'sndnxt', offset: -1 }
		});
		const e = errs(BASE + '0ms inject server->client 80>40000 R seq=zz.rcvnxt\n0ms inject server->client 80>40000 R seq=abc\n');
		expect(e[0].message).toContain('unknown host or socket "zz"');
		expect(e[1].message).toContain('SOCKET.iss|irs|sndnxt|rcvnxt');
	});
	it('rejects bad inject flags and ack= without ACK', () => {
		const e = errs(BASE + '0ms inject client->server 1>2 SX\n0ms inject client->server 1>2 S ack=5\n0ms inject client->server 1>99999 S\n');
		expect(e.map((x) => x.line)).toEqual([6, 7, 8]);
		expect(e[0].message).toContain('unknown flag letter "X"');
		expect(e[1].message).toContain('have no ACK');
		expect(e[2].message).toContain('destination port');
	});
});

describe('drop and inject: forms and errors', () => {
	it('parses drop next in both spellings and inject with its defaults', () => {
		const s = ok(BASE + '0ms drop next client->server\n+1ms drop next server -> client\n+1ms inject client->server 40000>80 S seq=1000\n+1ms inject server->client 10.9.9.9:80>192.168.1.10:40000 [R.] seq=5 ack=1001 win=0\n+1ms inject client->server 40000>80 P. seq=1001 ack=1 payload="hi there"\n');
		const a = s.steps.map((x) => x.action);
		expect(a[0]).toEqual({ kind: 'drop-next', from: 'client', to: 'server' });
		expect(a[1]).toEqual({ kind: 'drop-next', from: 'server', to: 'client' });
		expect(a[2]).toEqual({ kind: 'inject', from: 'client', to: 'server', src: { ip: '192.168.1.10', port: 40000 }, dst: { ip: '203.0.113.5', port: 80 }, flags: ['SYN'], seq: 1000, ack: 0, wnd: 65535, len: 0, text: null });
		expect(a[3]).toMatchObject({ src: { ip: '10.9.9.9', port: 80 }, flags: ['RST', 'ACK'], seq: 5, ack: 1001, wnd: 0 });
		expect(a[4]).toMatchObject({ flags: ['PSH', 'ACK'], len: 8, text: 'hi there' });
	});

	it('reports drop without next, a bad path and a path to itself', () => {
		const e = errs(BASE + '0ms drop client->server\n0ms drop next client\n0ms drop next client->client\n0ms drop next client->nowhere\n');
		expect(where(e)).toEqual([[6, 10], [7, 15], [8, 15], [9, 23]]);
		expect(e[0].message).toBe('expected "drop next FROM->TO", got "client->server" after "drop"');
		expect(e[1].message).toContain('expected FROM->TO after "drop next"');
		expect(e[2].message).toContain('needs two different nodes');
		expect(e[3].message).toContain('unknown host or router "nowhere"');
	});

	it('counts injected payloads in the bytes a scenario sends', () => {
		const many = Array.from({ length: 153 }, () => '+1ms inject client->server 40000>80 P. seq=1 ack=1 len=65535\n').join('');
		const e = errs(BASE + many);
		expect(where(e)).toEqual([[158, 52]]);
		expect(e[0].message).toContain('a scenario may send at most 10000000 bytes in all');
	});
});
