import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScenario } from './run';
import type { SegmentEvent } from '../trace';

const HEAD = `seed 5
host client 192.168.1.10
host server 203.0.113.5 root
link client server latency=10ms
0ms server listen 80 as=web
10ms client connect server:80 as=c1
`;

describe('runScenario', () => {
	it('returns the trace and the parsed scenario', () => {
		const r = runScenario(HEAD + 'run until=1s\n');
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.trace.seed).toBe(5);
		expect(r.trace.end).toBe(1000);
		expect(r.trace.hosts.map((h) => h.name)).toEqual(['client', 'server']);
		expect(r.scenario.steps).toHaveLength(2);
	});

	it('returns parse errors without running', () => {
		const r = runScenario(HEAD + '20ms c2 close\n');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors[0]).toMatchObject({ line: 7 });
	});

	it('maps engine errors to the line that made the call and keeps going', () => {
		// Only one connection is ever accepted: web.2 does not exist when line 7 runs.
		const r = runScenario(HEAD + '1s web.2 close\n+0ms web.1 close\nrun until=2s\n');
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toEqual([{ line: 7, message: 'Unknown socket "web.2".' }]);
	});

	it('records network failures (EACCES) as trace events, not as scenario errors', () => {
		const r = runScenario(HEAD + '20ms client bind 80 as=b\n+0ms b listen\n');
		// Binding port 80 without root is a network error (EACCES in the trace), not a SimError:
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.trace.events.some((e) => e.kind === 'error' && e.socket === 'b' && e.errno === 'EACCES')).toBe(true);
	});
});

describe('runScenario: options, sequence references and robustness', () => {
	it('lets options override the seed and the end time', () => {
		const a = runScenario(HEAD, { seed: 1, until: 500 });
		const b = runScenario(HEAD, { seed: 2, until: 500 });
		if (!a.ok || !b.ok) throw new Error('run failed');
		expect(a.trace.seed).toBe(1);
		expect(a.trace.end).toBe(500);
		const isn = (t: typeof a.trace) => (t.events.find((e) => e.kind === 'segment') as SegmentEvent).seq;
		expect(isn(a.trace)).not.toBe(isn(b.trace));
		const bad = runScenario(HEAD, { seed: -1 });
		expect(bad.ok).toBe(false);
	});

	it('holds the until option to the one-day limit (issue 12: --until 99999999999999)', () => {
		const far = runScenario(HEAD, { until: 99_999_999_999_999 });
		expect(far).toEqual({ ok: false, errors: [{ line: 1, message: 'until option must be a number of ms 0-86400000 (one day of virtual time), got 99999999999999' }] });
		expect(runScenario(HEAD, { until: 86_400_000 }).ok).toBe(true);
	});

	it('resolves SOCKET.field sequence numbers when the inject line runs', () => {
		const r = runScenario(
			HEAD.replace('10ms client connect server:80 as=c1', '10ms client bind 40000 as=c1\n+0ms c1 connect server:80') +
				'1s inject server->client 80>40000 R seq=c1.rcvnxt\nrun until=2s\n'
		);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const segs = r.trace.events.filter((e): e is SegmentEvent => e.kind === 'segment');
		const synAck = segs.find((s) => s.flags.join() === 'SYN,ACK')!;
		const rst = segs.find((s) => s.flags.join() === 'RST')!;
		expect(rst.seq).toBe((synAck.seq + 1) >>> 0);
		expect(r.trace.events.some((e) => e.kind === 'state' && e.socket === 'c1' && e.from === 'ESTABLISHED' && e.to === 'CLOSED')).toBe(true);
	});

	it('reports a SOCKET.field that has no value yet on its line', () => {
		const r = runScenario(HEAD + '0ms inject server->client 80>40000 R seq=web.rcvnxt\n'.replace('0ms', '20ms'));
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors[0].line).toBe(7);
		expect(r.errors[0].message).toContain('has no rcvnxt yet (state LISTEN)');
	});

	it('never throws on mutated scenarios (fast-check)', () => {
		const lines = (HEAD + '+50ms c1 send 100 "x"\n+10ms web.1 send 50\n+10ms c1 close\n+0ms web.1 abort\nrun until=3s\n').split('\n');
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (swaps, seed) => {
				const ls = [...lines];
				for (const [i, j] of swaps) {
					const a = i % ls.length;
					const b = j % ls.length;
					[ls[a], ls[b]] = [ls[b], ls[a]];
				}
				const r = runScenario(ls.join('\n'), { seed });
				if (!r.ok) for (const e of r.errors) expect(e.message).not.toMatch(/internal (engine|parser) error/);
			}),
			{ numRuns: 200 }
		);
	});
});
