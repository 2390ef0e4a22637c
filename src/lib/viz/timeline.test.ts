import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { momentsOf, posOf, timeAt, socketsAt, formatTime } from './timeline';
import type { Trace } from '$lib/sim/trace';

const a = { ip: '10.0.0.1', port: 40000 };
const b = { ip: '10.0.0.2', port: 80 };
const trace: Trace = {
	seed: 1,
	end: 200,
	hosts: [
		{ name: 'c', ip: a.ip, os: 'linux', role: 'host' },
		{ name: 's', ip: b.ip, os: 'linux', role: 'host' }
	],
	events: [
		{ kind: 'state', t: 10, host: 'c', socket: 'c1', local: a, remote: b, from: 'CLOSED', to: 'SYN-SENT', cause: 'OPEN' },
		{ kind: 'segment', t: 10, id: 1, proto: 'TCP', from: 'c', to: 's', src: a, dst: b, flags: ['SYN'], seq: 5, ack: 0, len: 0, wnd: 100, arrivedAt: 30 },
		{ kind: 'state', t: 50, host: 'c', socket: 'c1', local: a, remote: b, from: 'SYN-SENT', to: 'ESTABLISHED', cause: 'rcv SYN,ACK' },
		{ kind: 'state', t: 200, host: 'c', socket: 'c1', local: a, remote: b, from: 'ESTABLISHED', to: 'CLOSED', cause: 'ABORT' }
	]
};

describe('timeline maths', () => {
	it('collects send, arrival and state times as sorted unique moments', () => {
		expect(momentsOf(trace)).toEqual([10, 30, 50, 200]);
	});
	it('interpolates time between moments and inverts it', () => {
		const m = momentsOf(trace);
		expect(timeAt(m, 0)).toBe(10);
		expect(timeAt(m, 0.5)).toBe(20);
		expect(timeAt(m, 2.5)).toBe(125);
		expect(timeAt(m, 99)).toBe(200);
		fc.assert(
			fc.property(fc.double({ min: 0, max: 3, noNaN: true }), (p) => Math.abs(posOf(m, timeAt(m, p)) - p) < 1e-9)
		);
	});
	it('lists sockets as ss would: last state, CLOSED omitted', () => {
		expect(socketsAt(trace, 5).get('c')).toEqual([]);
		expect(socketsAt(trace, 10).get('c')?.map((r) => r.state)).toEqual(['SYN-SENT']);
		expect(socketsAt(trace, 60).get('c')?.map((r) => r.state)).toEqual(['ESTABLISHED']);
		expect(socketsAt(trace, 200).get('c')).toEqual([]);
	});
	it('formats virtual time for people', () => {
		expect(formatTime(250)).toBe('250 ms');
		expect(formatTime(1250)).toBe('1.25 s');
		expect(formatTime(61_000)).toBe('61 s');
		expect(formatTime(125_000)).toBe('2 min 5 s');
	});
});
