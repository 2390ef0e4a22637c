import { describe, expect, it } from 'vitest';
import type { SegmentEvent, StateEvent, Trace, TcpFlag, TcpState } from '../sim/trace';
import { deriveAnswer, optionMatches, pausedPackets, resolveSimulationQuestions } from './simulation';
import type { SimulationQuestion } from './types';

const C = { ip: '10.0.0.1', port: 40000 };
const S = { ip: '10.0.0.2', port: 80 };
let nextId = 1;
function seg(t: number, from: 'client' | 'server', flags: TcpFlag[], seq: number, ack: number, len = 0, arrived = true): SegmentEvent {
	const fromClient = from === 'client';
	return {
		kind: 'segment', t, id: nextId++, proto: 'TCP', from, to: fromClient ? 'server' : 'client',
		src: fromClient ? C : S, dst: fromClient ? S : C, flags, seq, ack, len, wnd: 65535,
		arrivedAt: arrived ? t + 10 : null, dropped: arrived ? undefined : 'firewall'
	};
}
function st(t: number, socket: string, from: TcpState, to: TcpState): StateEvent {
	const client = socket === 'c1';
	return { kind: 'state', t, host: client ? 'client' : 'server', socket, local: client ? C : S, remote: client ? S : C, from, to, cause: 'test' };
}

/** A hand-built trace of a handshake and an active close by the client (ISNs 1000 and 5000). */
const trace: Trace = {
	seed: 1,
	hosts: [],
	end: 61000,
	events: [
		st(0, 'web', 'CLOSED', 'LISTEN'),
		st(10, 'c1', 'CLOSED', 'SYN-SENT'),
		seg(10, 'client', ['SYN'], 1000, 0),
		st(20, 'web.1', 'LISTEN', 'SYN-RECEIVED'),
		seg(20, 'server', ['SYN', 'ACK'], 5000, 1001),
		st(30, 'c1', 'SYN-SENT', 'ESTABLISHED'),
		seg(30, 'client', ['ACK'], 1001, 5001),
		st(40, 'web.1', 'SYN-RECEIVED', 'ESTABLISHED'),
		st(100, 'c1', 'ESTABLISHED', 'FIN-WAIT-1'),
		seg(100, 'client', ['FIN', 'ACK'], 1001, 5001),
		st(110, 'web.1', 'ESTABLISHED', 'CLOSE-WAIT'),
		seg(110, 'server', ['ACK'], 5001, 1002),
		st(120, 'c1', 'FIN-WAIT-1', 'FIN-WAIT-2'),
		st(150, 'web.1', 'CLOSE-WAIT', 'LAST-ACK'),
		seg(150, 'server', ['FIN', 'ACK'], 5001, 1002),
		st(160, 'c1', 'FIN-WAIT-2', 'TIME-WAIT'),
		seg(160, 'client', ['ACK'], 1002, 5002),
		st(170, 'web.1', 'LAST-ACK', 'CLOSED'),
		{ kind: 'error', t: 200, host: 'client', socket: 'c2', call: 'connect', errno: 'ECONNREFUSED', message: 'refused' },
		seg(300, 'client', ['SYN'], 7000, 0, 0, false),
		{ kind: 'icmp', t: 400, id: 99, proto: 'ICMP', from: 'server', to: 'client', srcIp: S.ip, dstIp: C.ip, type: 3, code: 3, ttl: 64, arrivedAt: 410 }
	]
};

describe('deriveAnswer', () => {
	it('next-state counts the socket’s own state changes', () => {
		expect(deriveAnswer(trace, { kind: 'next-state', socket: 'c1', after: 1 })).toMatchObject({ ok: true, value: 'ESTABLISHED' });
		expect(deriveAnswer(trace, { kind: 'next-state', socket: 'c1', after: 3 })).toMatchObject({ ok: true, value: 'FIN-WAIT-2' });
		expect(deriveAnswer(trace, { kind: 'next-state', socket: 'web.1', after: 1 })).toMatchObject({ ok: true, value: 'ESTABLISHED' });
		const d = deriveAnswer(trace, { kind: 'next-state', socket: 'c1', after: 5 });
		expect(d.ok).toBe(false);
		expect(!d.ok && d.reason).toMatch(/only 5 state change/);
	});
	it('pauses just before the answering event', () => {
		const d = deriveAnswer(trace, { kind: 'next-state', socket: 'c1', after: 1 });
		if (!d.ok) throw new Error(d.reason);
		const shown = pausedPackets(trace, d.pauseAt);
		expect(shown.map((p) => p.text)).toEqual([
			'TCP 10.0.0.1:40000 → 10.0.0.2:80 [SYN] seq=1000 len=0',
			'TCP 10.0.0.2:80 → 10.0.0.1:40000 [SYN,ACK] seq=5000 ack=1001 len=0'
		]);
	});
	it('reads segment fields, ports, TIME-WAIT, drops, errors and ICMP', () => {
		expect(deriveAnswer(trace, { kind: 'segment-field', segment: 2, field: 'ack' })).toMatchObject({ value: '1001' });
		expect(deriveAnswer(trace, { kind: 'segment-field', segment: 2, field: 'flags' })).toMatchObject({ value: 'SYN,ACK' });
		expect(deriveAnswer(trace, { kind: 'segment-field', segment: 7, field: 'seq' })).toMatchObject({ value: '1002' });
		expect(deriveAnswer(trace, { kind: 'segment-field', segment: 60, field: 'seq' }).ok).toBe(false);
		expect(deriveAnswer(trace, { kind: 'local-port', socket: 'c1' })).toMatchObject({ value: '40000' });
		expect(deriveAnswer(trace, { kind: 'final-state', socket: 'web.1' })).toMatchObject({ value: 'CLOSED' });
		expect(deriveAnswer(trace, { kind: 'time-wait' })).toMatchObject({ value: 'c1' });
		expect(deriveAnswer(trace, { kind: 'first-dropped', field: 'reason' })).toMatchObject({ value: 'firewall' });
		expect(deriveAnswer(trace, { kind: 'first-dropped', field: 'flags' })).toMatchObject({ value: 'SYN' });
		expect(deriveAnswer(trace, { kind: 'error', socket: 'c2' })).toMatchObject({ value: 'ECONNREFUSED' });
		expect(deriveAnswer(trace, { kind: 'icmp', index: 1 })).toMatchObject({ value: '3/3' });
		expect(deriveAnswer(trace, { kind: 'final-state', socket: 'nobody' }).ok).toBe(false);
		expect(deriveAnswer({ ...trace, events: [] }, { kind: 'time-wait' })).toMatchObject({ value: 'none' });
	});
	it('reads UDP datagram fields and pauses before the datagram', () => {
		const dgram = (t: number, sport: number, dport: number, len: number) => ({
			kind: 'datagram' as const, t, id: nextId++, proto: 'UDP' as const, from: 'client', to: 'server',
			src: { ip: C.ip, port: sport }, dst: { ip: S.ip, port: dport }, len, ttl: 64, arrivedAt: t + 5
		});
		const udp: Trace = { ...trace, events: [dgram(0, 47000, 161, 48), dgram(10, 32801, 162, 90)] };
		expect(deriveAnswer(udp, { kind: 'datagram-field', datagram: 2, field: 'dst-port' })).toMatchObject({ ok: true, value: '162', pauseAt: 1 });
		expect(deriveAnswer(udp, { kind: 'datagram-field', datagram: 1, field: 'src-port' })).toMatchObject({ value: '47000' });
		expect(deriveAnswer(udp, { kind: 'datagram-field', datagram: 1, field: 'len' })).toMatchObject({ value: '48' });
		const none = deriveAnswer(trace, { kind: 'datagram-field', datagram: 1, field: 'dst-port' });
		expect(!none.ok && none.reason).toBe('the trace has fewer than 1 UDP datagrams');
	});
});

describe('optionMatches', () => {
	it('matches exact values and numeric ranges', () => {
		expect(optionMatches('32768-60999', '40000')).toBe(true);
		expect(optionMatches('49152–65535', '40000')).toBe(false);
		expect(optionMatches('time wait', 'TIME-WAIT')).toBe(true);
	});
});

function simQ(id: string, ask: SimulationQuestion['ask'], options?: string[]): SimulationQuestion {
	return {
		id, type: 'simulation', lesson: 'tcp-handshake', prompt: 'p', explanation: 'e', link: '/lessons/tcp-handshake#x',
		objectives: { netplus: ['1.4'], ccna: [] }, scenario: 'text', scenarioName: 'handshake.scn', ask,
		options: options?.map((text, i) => ({ id: String.fromCharCode(97 + i), text, value: text }))
	};
}

describe('resolveSimulationQuestions', () => {
	it('fills the derived answer, choosing the matching option', () => {
		const qs = [
			simQ('a', { kind: 'next-state', socket: 'c1', after: 3 }),
			simQ('b', { kind: 'local-port', socket: 'c1' }, ['1024-5000', '32768-60999', '61000-65535'])
		];
		let runs = 0;
		const errors = resolveSimulationQuestions(qs, () => (runs++, { ok: true, trace }));
		expect(errors).toEqual([]);
		expect(runs).toBe(1);
		expect(qs[0].answer).toEqual(['FIN-WAIT-2']);
		expect(qs[1].answer).toEqual(['b']);
		expect(qs[1].paused).toEqual([]);
	});
	it('puts a typed question’s accepted spellings after the derived value', () => {
		const q = { ...simQ('t', { kind: 'next-state', socket: 'c1', after: 3 }), accept: ['fin wait 2', 'FIN_WAIT2', 'second FIN wait'] };
		expect(resolveSimulationQuestions([q], () => ({ ok: true, trace }))).toEqual([]);
		// "fin wait 2" and "FIN_WAIT2" normalise to the derived "fin-wait-2", so they are not repeated
		expect(q.answer).toEqual(['FIN-WAIT-2', 'second FIN wait']);
	});
	it('reports scenarios that fail, throw, or give an answer no option matches', () => {
		const errs = [
			...resolveSimulationQuestions([simQ('x', { kind: 'time-wait' }, ['web.1', 'none'])], () => ({ ok: true, trace }), () => 'bank.yaml'),
			...resolveSimulationQuestions([simQ('y', { kind: 'time-wait' })], () => ({ ok: false, errors: [{ line: 3, message: 'unknown host' }] }), () => 'bank.yaml'),
			...resolveSimulationQuestions([simQ('z', { kind: 'time-wait' })], () => { throw new Error('boom'); }, () => 'bank.yaml')
		];
		expect(errs).toEqual([
			'bank.yaml: x: the simulation gives "c1", which matches no option',
			'bank.yaml: y: scenario handshake.scn failed: line 3: unknown host',
			'bank.yaml: z: scenario handshake.scn threw: boom'
		]);
	});
});
