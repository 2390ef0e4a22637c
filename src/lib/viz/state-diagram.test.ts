import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import {
	FIGURE5_EDGES,
	boxExit,
	describeMark,
	edgeFor,
	layoutDiagram,
	lastTransitionsAt,
	nodeFor,
	pointOnEdge,
	socketMarksAt
} from './state-diagram';
import { TCP_STATES, type StateEvent, type Trace } from '$lib/sim/trace';

const A = { ip: '10.0.0.1', port: 40000 };
const B = { ip: '10.0.0.2', port: 80 };
function st(t: number, socket: string, host: string, from: StateEvent['from'], to: StateEvent['to'], cause: string): StateEvent {
	return { kind: 'state', t, host, socket, local: A, remote: B, from, to, cause };
}
const trace: Trace = {
	seed: 1,
	hosts: [
		{ name: 'client', ip: A.ip, os: 'linux', role: 'host' },
		{ name: 'server', ip: B.ip, os: 'linux', role: 'host' }
	],
	events: [
		st(0, 'web', 'server', 'CLOSED', 'LISTEN', 'passive OPEN'),
		st(10, 'c1', 'client', 'CLOSED', 'SYN-SENT', 'active OPEN'),
		st(20, 'web.1', 'server', 'LISTEN', 'SYN-RECEIVED', 'rcv SYN'),
		st(30, 'c1', 'client', 'SYN-SENT', 'ESTABLISHED', 'rcv SYN,ACK'),
		st(40, 'web.1', 'server', 'SYN-RECEIVED', 'ESTABLISHED', 'rcv ACK of SYN'),
		st(40, 'web', 'server', 'LISTEN', 'LISTEN', 'noop'),
		st(100, 'c1', 'client', 'ESTABLISHED', 'CLOSED', 'rcv RST')
	],
	end: 100
};

describe('Figure 5 layout', () => {
	it('has every one of the eleven states, CLOSED twice', () => {
		const l = layoutDiagram('wide');
		const states = new Set(l.nodes.map((n) => n.state));
		for (const s of TCP_STATES) expect(states.has(s)).toBe(true);
		expect(l.nodes.filter((n) => n.state === 'CLOSED')).toHaveLength(2);
	});

	const REF = '/work/shared/reference/rfc9293-summary.md';
	it('has an edge for each Figure 5 transition', () => {
		const pairs = [
			'CLOSED LISTEN', 'CLOSED SYN-SENT', 'LISTEN CLOSED', 'LISTEN SYN-RECEIVED', 'LISTEN SYN-SENT', 'SYN-SENT CLOSED',
			'SYN-SENT SYN-RECEIVED', 'SYN-SENT ESTABLISHED', 'SYN-RECEIVED LISTEN', 'SYN-RECEIVED CLOSED', 'SYN-RECEIVED ESTABLISHED',
			'SYN-RECEIVED FIN-WAIT-1', 'ESTABLISHED FIN-WAIT-1', 'ESTABLISHED CLOSE-WAIT', 'FIN-WAIT-1 FIN-WAIT-2', 'FIN-WAIT-1 CLOSING',
			'FIN-WAIT-1 TIME-WAIT', 'FIN-WAIT-2 TIME-WAIT', 'CLOSE-WAIT LAST-ACK', 'CLOSING TIME-WAIT', 'LAST-ACK CLOSED', 'TIME-WAIT CLOSED'
		];
		for (const p of pairs) {
			const [from, to] = p.split(' ') as [StateEvent['from'], StateEvent['to']];
			expect(edgeFor({ from, to }), p).not.toBeNull();
		}
	});

	it.skipIf(!existsSync(REF))('draws every edge of the reference table (summary "Figure 5 edges")', () => {
		const md = readFileSync(REF, 'utf8');
		const section = md.split('## Figure 5 edges')[1].split('\n## ')[0];
		const rows = section
			.split('\n')
			.filter((l) => l.startsWith('| ') && !l.startsWith('| from') && !l.includes('any synchronized'))
			.map((l) => l.split('|').map((c) => c.trim()))
			.map((c) => ({ from: c[1], to: c[3].split(' ')[0] }));
		expect(rows.length).toBeGreaterThan(15);
		for (const r of rows) {
			const e = edgeFor({ from: r.from as StateEvent['from'], to: r.to as StateEvent['to'] });
			expect(e, `${r.from} → ${r.to}`).not.toBeNull();
		}
	});

	it('keeps nodes inside the viewBox and apart from each other, in both layouts', () => {
		for (const kind of ['wide', 'compact'] as const) {
			const l = layoutDiagram(kind);
			for (const n of l.nodes) {
				expect(n.x - l.nodeW / 2).toBeGreaterThanOrEqual(0);
				expect(n.x + l.nodeW / 2).toBeLessThanOrEqual(l.width);
				expect(n.y - l.nodeH / 2).toBeGreaterThanOrEqual(0);
				expect(n.y + l.nodeH / 2).toBeLessThanOrEqual(l.height);
			}
			for (const a of l.nodes)
				for (const b of l.nodes) {
					if (a === b) continue;
					const overlap = Math.abs(a.x - b.x) < l.nodeW && Math.abs(a.y - b.y) < l.nodeH;
					expect(overlap, `${a.id} overlaps ${b.id}`).toBe(false);
				}
		}
	});

	it('starts and ends every edge on the border of its boxes', () => {
		const l = layoutDiagram('wide');
		const byId = new Map(l.nodes.map((n) => [n.id, n]));
		for (const g of l.edges) {
			const a = byId.get(g.edge.from)!;
			const b = byId.get(g.edge.to)!;
			const onBorder = (p: [number, number], n: typeof a, pad: number) =>
				Math.abs(Math.abs(p[0] - n.x) - (l.nodeW / 2 + pad)) < 1e-6 || Math.abs(Math.abs(p[1] - n.y) - (l.nodeH / 2 + pad)) < 1e-6;
			expect(onBorder(g.p0, a, 3), g.edge.id).toBe(true);
			expect(onBorder(g.p1, b, 6), g.edge.id).toBe(true);
			expect(g.d.startsWith('M')).toBe(true);
			expect(pointOnEdge(g, 0)).toEqual(g.p0);
			const end = pointOnEdge(g, 1);
			expect(end[0]).toBeCloseTo(g.p1[0]);
			expect(end[1]).toBeCloseTo(g.p1[1]);
		}
	});

	it('boxExit hits the nearer side', () => {
		expect(boxExit(0, 0, 100, 40, 500, 0, 0)).toEqual([50, 0]);
		expect(boxExit(0, 0, 100, 40, 0, -500, 0)).toEqual([0, -20]);
		const [x, y] = boxExit(0, 0, 100, 40, 100, 100, 0);
		expect(y).toBe(20);
		expect(x).toBe(20);
	});
});

describe('trace queries', () => {
	it('places each socket at its state at time t', () => {
		const at35 = socketMarksAt(trace, 35);
		expect(at35.map((m) => `${m.socket}:${m.node}`)).toEqual(['web:LISTEN', 'c1:ESTABLISHED', 'web.1:SYN-RECEIVED']);
		const at100 = socketMarksAt(trace, 100);
		expect(at100.find((m) => m.socket === 'c1')?.node).toBe('CLOSED-END');
		expect(socketMarksAt(trace, -1)).toEqual([]);
	});

	it('puts CLOSED on the top box for non-synchronized states and the bottom box otherwise', () => {
		expect(nodeFor('SYN-SENT', 'CLOSED')).toBe('CLOSED');
		expect(nodeFor('LISTEN', 'CLOSED')).toBe('CLOSED');
		expect(nodeFor('TIME-WAIT', 'CLOSED')).toBe('CLOSED-END');
		expect(nodeFor('ESTABLISHED', 'CLOSED')).toBe('CLOSED-END');
		expect(nodeFor('FIN-WAIT-2', 'TIME-WAIT')).toBe('TIME-WAIT');
	});

	it('reports every transition at the latest state-change time', () => {
		expect(lastTransitionsAt(trace, 45).map((e) => e.socket)).toEqual(['web.1', 'web']);
		expect(lastTransitionsAt(trace, 30).map((e) => e.socket)).toEqual(['c1']);
		expect(lastTransitionsAt(trace, -5)).toEqual([]);
	});

	it('matches transitions to Figure 5 edges, and none for RST from ESTABLISHED', () => {
		expect(edgeFor({ from: 'SYN-SENT', to: 'ESTABLISHED' })?.id).toBe('synsent-estab');
		expect(edgeFor({ from: 'TIME-WAIT', to: 'CLOSED' })?.id).toBe('timewait-closed');
		expect(edgeFor({ from: 'ESTABLISHED', to: 'CLOSED' })).toBeNull();
		expect(FIGURE5_EDGES.length).toBe(new Set(FIGURE5_EDGES.map((e) => e.id)).size);
	});

	it('describes a socket in words', () => {
		const m = socketMarksAt(trace, 35).find((x) => x.socket === 'c1')!;
		expect(describeMark(m)).toBe('c1 (client) is in ESTABLISHED; last transition SYN-SENT → ESTABLISHED on rcv SYN,ACK');
	});
});
