import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/scenario';
import type { StateEvent } from '../sim/trace';
import { explainListing } from './index';
import { scenarioForRow } from './scenario';
import type { ListingOs, ListingRow, SocketState } from './types';

function row(state: SocketState, local: [string, number | null], peer: [string, number | null], proto = 'tcp'): ListingRow {
	return { line: 7, proto, state, stateRaw: state, local: { addr: local[0], port: local[1] }, peer: { addr: peer[0], port: peer[1] } };
}

/** The last state the row's socket reaches in the generated scenario's trace. */
function statesOf(r: ListingRow, listening: Set<number> = new Set(), os: ListingOs = 'linux'): string[] {
	const s = scenarioForRow(r, os, listening);
	if (!s.ok) throw new Error(s.reason);
	const run = runScenario(s.text);
	if (!run.ok) throw new Error(JSON.stringify(run.errors));
	return run.trace.events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === s.socket).map((e) => e.to);
}
const finalState = (r: ListingRow, listening?: Set<number>, os?: ListingOs) => statesOf(r, listening, os).at(-1);

describe('scenarioForRow', () => {
	const client = (s: SocketState) => row(s, ['192.168.1.10', 51234], ['203.0.113.5', 443]);
	const server = (s: SocketState) => row(s, ['192.168.1.10', 8080], ['198.51.100.7', 51234]);

	it.each(['ESTABLISHED', 'TIME-WAIT', 'CLOSE-WAIT', 'FIN-WAIT-2', 'FIN-WAIT-1', 'SYN-SENT', 'LAST-ACK'] as SocketState[])(
		'replays a client socket in %s to that state',
		(state) => {
			expect(finalState(client(state))).toBe(state);
		}
	);

	it.each(['ESTABLISHED', 'TIME-WAIT', 'CLOSE-WAIT', 'FIN-WAIT-2', 'LISTEN', 'SYN-RECEIVED'] as SocketState[])(
		'replays a server-side socket in %s (local port listening) to that state',
		(state) => {
			expect(finalState(server(state), new Set([8080]))).toBe(state);
		}
	);

	it.each(['windows', 'macos', 'freebsd'] as ListingOs[])('ends in the row’s state with the %s preset too', (os) => {
		for (const state of ['TIME-WAIT', 'CLOSE-WAIT', 'FIN-WAIT-1', 'LAST-ACK', 'SYN-SENT'] as SocketState[]) {
			expect(finalState(client(state), new Set(), os), state).toBe(state);
		}
	});

	it('shows a simultaneous close passing through CLOSING (both sides then wait in TIME-WAIT)', () => {
		const states = statesOf(client('CLOSING'));
		expect(states).toContain('CLOSING');
		expect(states.at(-1)).toBe('TIME-WAIT');
	});

	it('keeps the row’s IPv4 addresses and ports and names what it had to replace', () => {
		const s = scenarioForRow(row('CLOSE-WAIT', ['10.0.0.5', 40000], ['fe80::1', 443]), 'windows');
		expect(s.ok).toBe(true);
		if (!s.ok) return;
		expect(s.text).toContain('host local 10.0.0.5 os=windows');
		expect(s.text).toContain(':443');
		expect(s.substitutions.join(' ')).toContain('fe80::1');
		expect(runScenario(s.text).ok).toBe(true);
	});

	it('says why there is no story for a socket whose state is not shown', () => {
		const s = scenarioForRow(row('UNKNOWN', ['10.0.0.5', 40000], ['10.0.0.6', 443]), 'linux');
		expect(s).toEqual({ ok: false, reason: expect.stringContaining('does not show') });
	});

	it('builds a UDP story that runs', () => {
		const s = scenarioForRow(row('UNCONN', ['0.0.0.0', 5353], ['*', null], 'udp'), 'linux');
		expect(s.ok && runScenario(s.text).ok).toBe(true);
	});

	it('every row of a mixed listing gets a scenario that runs, or a reason', () => {
		const text = [
			'State      Recv-Q Send-Q Local Address:Port Peer Address:Port',
			'LISTEN     0      128    0.0.0.0:22         0.0.0.0:*',
			'ESTAB      0      0      10.0.0.2:22        10.0.0.9:50000',
			'TIME-WAIT  0      0      10.0.0.2:41000     10.0.0.80:80',
			'SYN-RECV   0      0      10.0.0.2:22        10.0.0.77:50001',
			'LAST-ACK   0      1      [::1]:22           [::1]:50002',
			'CLOSED     0      0      10.0.0.2:41001     10.0.0.80:80'
		].join('\n');
		const r = explainListing(text);
		expect(r.rows).toHaveLength(6);
		const listening = new Set([22]);
		for (const x of r.rows) {
			const s = scenarioForRow(x, r.os, listening);
			if (s.ok) expect(runScenario(s.text).ok, `line ${x.line}`).toBe(true);
			else expect(s.reason.length).toBeGreaterThan(10);
		}
	});
});
