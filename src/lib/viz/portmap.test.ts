import { describe, expect, it } from 'vitest';
import {
	GRID,
	IANA_RANGES,
	PORT_COUNT,
	PortChurn,
	PortCode,
	PortTimeline,
	binCodes,
	cellOf,
	codesFrom,
	countCodes,
	ephemeralRange,
	ianaRangeOf,
	rangeOutline,
	focusSpan,
	stripMarks,
	markState,
	placeLabels,
	estimateTextWidth
} from './portmap';
import type { PortEvent, StateEvent, Trace } from '$lib/sim/trace';

/** Is cell (c, r) inside the polygon? (ray casting on cell centres) */
function inside(poly: [number, number][], x: number, y: number) {
	let hit = false;
	for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
		const [xi, yi] = poly[i];
		const [xj, yj] = poly[j];
		if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
	}
	return hit;
}

describe('IANA ranges and the grid', () => {
	it('covers 0…65535 exactly once', () => {
		let next = 0;
		for (const r of IANA_RANGES) {
			expect(r.low).toBe(next);
			next = r.high + 1;
		}
		expect(next).toBe(PORT_COUNT);
		expect(ianaRangeOf(80)?.id).toBe('well-known');
		expect(ianaRangeOf(1024)?.id).toBe('registered');
		expect(ianaRangeOf(49151)?.id).toBe('registered');
		expect(ianaRangeOf(49152)?.id).toBe('dynamic');
		expect(ianaRangeOf(65536)).toBeNull();
		expect(ianaRangeOf(-1)).toBeNull();
	});

	it('gives each OS its ephemeral range', () => {
		expect(ephemeralRange('linux')).toMatchObject({ low: 32768, high: 60999 });
		expect(ephemeralRange('windows-xp')).toMatchObject({ low: 1025, high: 5000 });
		expect(ephemeralRange('linux').about).toContain('28,232');
	});

	it('maps ports row-major', () => {
		expect(cellOf(0)).toEqual({ col: 0, row: 0 });
		expect(cellOf(257)).toEqual({ col: 1, row: 1 });
		expect(cellOf(65535)).toEqual({ col: 255, row: 255 });
	});

	it('outlines exactly the cells of a range', () => {
		const cases: [number, number][] = [
			[0, 1023],
			[1024, 49151],
			[32768, 60999],
			[1025, 5000],
			[10, 20],
			[250, 260],
			[49152, 65535]
		];
		for (const [lo, hi] of cases) {
			const poly = rangeOutline(lo, hi);
			const wrong: number[] = [];
			for (let p = Math.max(0, lo - 600); p <= Math.min(65535, hi + 600); p += 1) {
				const { col, row } = cellOf(p);
				if (inside(poly, col + 0.5, row + 0.5) !== (p >= lo && p <= hi)) wrong.push(p);
			}
			expect(wrong, `${lo}-${hi}`).toEqual([]);
		}
		expect(rangeOutline(5, 4)).toEqual([]);
		expect(GRID * GRID).toBe(PORT_COUNT);
	});
});

describe('codes and bins', () => {
	it('fills codes from a port list and counts them', () => {
		const codes = codesFrom([
			{ port: 80, state: 'bound' },
			{ port: 40000, state: 'connected' },
			{ port: 40002, state: 'time-wait' },
			{ port: 70000, state: 'connected' },
			{ port: 1.5, state: 'connected' }
		]);
		expect(codes[80]).toBe(PortCode.Bound);
		expect(countCodes(codes)).toEqual({ connected: 1, timeWait: 1, bound: 1, freed: 0, shared: 0 });
	});

	it('counts a shared port (connected and TIME-WAIT) in both states, once as a port', () => {
		const codes = codesFrom([{ port: 40000, state: 'connected' }]);
		codes[40001] = PortCode.Shared;
		expect(countCodes(codes)).toEqual({ connected: 2, timeWait: 1, bound: 0, freed: 0, shared: 1 });
		expect(binCodes(codes, 1)[0]).toMatchObject({ connected: 2, timeWait: 1 });
		const [m] = stripMarks(codes, { low: 40001, high: 40001 }, 100);
		expect(m.counts).toEqual({ connected: 1, timeWait: 1, bound: 0, freed: 0 });
	});

	it('bins counts so that they add up', () => {
		const ports = [];
		for (let p = 32768; p < 32768 + 5000; p++) ports.push({ port: p, state: p % 3 === 0 ? ('time-wait' as const) : ('connected' as const) });
		const bins = binCodes(codesFrom(ports), 512);
		expect(bins).toHaveLength(512);
		expect(bins[0]).toMatchObject({ low: 0, high: 127 });
		expect(bins[511].high).toBe(65535);
		const total = bins.reduce((s, b) => s + b.connected + b.timeWait, 0);
		expect(total).toBe(5000);
		expect(bins[256].connected + bins[256].timeWait).toBe(128);
	});
});

describe('PortTimeline', () => {
	const H = 'client';
	const port = (t: number, p: number, action: 'allocate' | 'release', via: PortEvent['via'] = 'connect'): PortEvent => ({ kind: 'port', t, host: H, proto: 'TCP', action, port: p, via, socket: `s${p}` });
	const tw = (t: number, p: number, from: StateEvent['from'], to: StateEvent['to']): StateEvent => ({
		kind: 'state', t, host: H, socket: `s${p}`, local: { ip: '10.0.0.1', port: p }, remote: { ip: '10.0.0.2', port: 80 }, from, to, cause: 'x'
	});
	const trace: Trace = {
		seed: 1,
		hosts: [{ name: H, ip: '10.0.0.1', os: 'linux', role: 'host' }],
		events: [
			port(0, 8080, 'allocate', 'bind'),
			port(10, 40000, 'allocate'),
			port(10, 40002, 'allocate'),
			tw(50, 40000, 'FIN-WAIT-2', 'TIME-WAIT'),
			{ ...port(55, 41000, 'allocate'), host: 'other' },
			tw(60050, 40000, 'TIME-WAIT', 'CLOSED'),
			port(60050, 40000, 'release')
		],
		end: 60050
	};

	it('replays allocations, TIME-WAIT and release, forwards and back', () => {
		const tl = new PortTimeline(trace, H);
		expect(tl.codesAt(5)[8080]).toBe(PortCode.Bound);
		expect(tl.codesAt(5)[40000]).toBe(PortCode.Free);
		expect(tl.codesAt(20)[40000]).toBe(PortCode.Connected);
		const c = tl.codesAt(100);
		expect(c[40000]).toBe(PortCode.TimeWait);
		expect(c[40002]).toBe(PortCode.Connected);
		expect(c[41000]).toBe(PortCode.Free); // another host's port
		expect(tl.codesAt(60050)[40000]).toBe(PortCode.Free);
		expect(tl.codesAt(60050, 1000)[40000]).toBe(PortCode.Freed);
		expect(tl.codesAt(70000, 1000)[40000]).toBe(PortCode.Free);
		// back in time
		expect(tl.codesAt(20)[40000]).toBe(PortCode.Connected);
		expect(tl.codesAt(0)[40000]).toBe(PortCode.Free);
		expect(PortTimeline.hostsWithPorts(trace)).toEqual([H, 'other']);
	});

	it('gives the same answer with checkpoints as a fresh replay', () => {
		const events: PortEvent[] = [];
		for (let i = 0; i < 10_000; i++) {
			events.push(port(i, 30000 + (i % 3000), 'allocate'));
			if (i >= 100) events.push(port(i, 30000 + ((i - 100) % 3000), 'release'));
		}
		const big: Trace = { ...trace, events };
		const scrub = new PortTimeline(big, H);
		for (const t of [9000, 2000, 7777, 100, 9999, 4096]) {
			const fresh = new PortTimeline(big, H).codesAt(t);
			expect(Buffer.from(scrub.codesAt(t)).equals(Buffer.from(fresh)), `t=${t}`).toBe(true);
			expect(countCodes(fresh).connected).toBe(Math.min(t + 1, 100));
		}
	});
});

describe('PortChurn', () => {
	it('keeps the target in use, deterministically, with TIME-WAIT after closes', () => {
		const a = new PortChurn({ target: 5000, perTick: 200, twTicks: 5, seed: 7 });
		const b = new PortChurn({ target: 5000, perTick: 200, twTicks: 5, seed: 7 });
		for (let i = 0; i < 20; i++) {
			a.step();
			b.step();
		}
		const ca = a.codes();
		const counts = countCodes(ca);
		expect(counts.connected + counts.timeWait).toBe(a.table.inUseCount());
		expect(a.table.inUseCount()).toBe(5000);
		expect(counts.timeWait).toBeGreaterThan(0);
		expect(Buffer.from(ca).equals(Buffer.from(b.codes()))).toBe(true);
		expect(ca.subarray(0, 32768).every((v) => v === 0)).toBe(true);
	});
});

describe('PortTimeline on a real simulation', () => {
	it('shows the listener as bound, the client port connected, then in TIME-WAIT, then free', async () => {
		const { Simulation } = await import('$lib/sim');
		const sim = new Simulation({ seed: 42 });
		sim.addHost({ name: 'client', ip: '192.168.1.10' });
		sim.addHost({ name: 'server', ip: '203.0.113.5', root: true });
		sim.addLink('client', 'server', { latencyMs: 10 });
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(10, () => sim.host('client').tcp('c1').connect('203.0.113.5', 80));
		sim.at(1000, () => sim.socket('c1').close());
		sim.at(1000, () => sim.socket('web.1').close());
		const trace = sim.run({ until: 130_000 });
		const alloc = trace.events.find((e): e is PortEvent => e.kind === 'port' && e.host === 'client' && e.action === 'allocate')!;
		const p = alloc.port;
		expect(p).toBeGreaterThanOrEqual(32768);
		const server = new PortTimeline(trace, 'server');
		expect(server.codesAt(500)[80]).toBe(PortCode.Bound);
		const client = new PortTimeline(trace, 'client');
		expect(client.codesAt(500)[p]).toBe(PortCode.Connected);
		const tw = trace.events.find((e): e is StateEvent => e.kind === 'state' && e.host === 'client' && e.to === 'TIME-WAIT')!;
		expect(client.codesAt(tw.t + 1)[p]).toBe(PortCode.TimeWait);
		expect(client.codesAt(tw.t + 60_001)[p]).toBe(PortCode.Free);
		expect(countCodes(client.codesAt(tw.t + 60_001)).connected).toBe(0);
	});
});

describe('PortTimeline on a port shared by a live connection and a TIME-WAIT one', () => {
	it('marks the Windows figure\'s reused ports as both, matching its netstat rows', async () => {
		const { readFileSync } = await import('node:fs');
		const { runScenario } = await import('$lib/sim/scenario');
		const src = readFileSync(new URL('../../../content/lessons/02-tcp/05-port-exhaustion/tiny-range-windows.scn', import.meta.url), 'utf8');
		const r = runScenario(src);
		if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
		const trace = r.trace;
		const codes = new PortTimeline(trace, 'client').codesAt(trace.end);
		// netstat at the end: 50000–50003 each in TIME_WAIT (to api) and ESTABLISHED (to other).
		for (let p = 50000; p <= 50003; p++) expect(codes[p], String(p)).toBe(PortCode.Shared);
		expect(countCodes(codes)).toEqual({ connected: 4, timeWait: 4, bound: 0, freed: 0, shared: 4 });
	});
});

describe('focus plus context strips', () => {
	const codes = (pairs: [number, number][]) => {
		const c = new Uint8Array(PORT_COUNT);
		for (const [p, v] of pairs) c[p] = v;
		return c;
	};

	it('pads the focus span around the host range and clips it to the port space', () => {
		expect(focusSpan({ low: 40000, high: 40003 })).toEqual({ low: 39998, high: 40005 });
		expect(focusSpan({ low: 32768, high: 60999 })).toEqual({ low: 32203, high: 61564 });
		expect(focusSpan({ low: 1, high: 65535 })).toEqual({ low: 0, high: 65535 });
	});

	it('gives every port its own cell when there is room, with exact states', () => {
		const c = codes([
			[40000, PortCode.TimeWait],
			[40001, PortCode.Connected],
			[40002, PortCode.TimeWait],
			[40003, PortCode.TimeWait]
		]);
		const marks = stripMarks(c, { low: 39998, high: 40005 }, 400);
		expect(marks.map((m) => [m.low, m.x0, m.x1, markState(m.counts), m.cell])).toEqual([
			[40000, 100, 150, 'time-wait', true],
			[40001, 150, 200, 'connected', true],
			[40002, 200, 250, 'time-wait', true],
			[40003, 250, 300, 'time-wait', true]
		]);
	});

	it('marks every port in use, however wide the span, without overlaps', () => {
		const used: [number, number][] = [
			[0, PortCode.Bound],
			[443, PortCode.Bound],
			[40000, PortCode.Connected],
			[40001, PortCode.TimeWait],
			[65535, PortCode.Freed]
		];
		const marks = stripMarks(codes(used), { low: 0, high: 65535 }, 700, 3);
		for (const [p] of used) expect(marks.some((m) => m.low <= p && p <= m.high)).toBe(true);
		for (const m of marks) {
			expect(m.x1 - m.x0).toBeGreaterThanOrEqual(3 - 1e-9);
			expect(m.x0).toBeGreaterThanOrEqual(0);
			expect(m.x1).toBeLessThanOrEqual(700);
			expect(m.cell).toBe(false);
		}
		for (let i = 1; i < marks.length; i++) expect(marks[i].x0).toBeGreaterThanOrEqual(marks[i - 1].x1 - 1e-9);
		const both = marks.find((m) => m.low <= 40000 && 40001 <= m.high)!;
		expect(both.counts).toEqual({ connected: 1, timeWait: 1, bound: 0, freed: 0 });
		expect([both.firstUsed, both.lastUsed]).toEqual([40000, 40001]);
		expect(markState(both.counts)).toBe('connected');
		expect(stripMarks(codes([]), { low: 0, high: 65535 }, 700)).toEqual([]);
	});

	it('places labels in rows without overlap and drops what does not fit', () => {
		const placed = placeLabels(
			[
				{ x: 10, w: 30 },
				{ x: 20, w: 30 },
				{ x: 30, w: 30 },
				{ x: 200, w: 30 }
			],
			210
		);
		expect(placed).toEqual([
			{ x: 15, row: 0 },
			{ x: 20, row: 1 },
			{ x: 30, row: -1 },
			{ x: 195, row: 0 }
		]);
	});
});

describe('estimateTextWidth', () => {
	it('gives every monospace character 0.602 em, bold or not', () => {
		expect(estimateTextWidth('65535', 10, { mono: true })).toBeCloseTo(30.1);
		expect(estimateTextWidth('conn', 20, { mono: true, bold: true })).toBeCloseTo(4 * 0.602 * 20);
	});

	it('reads sans-serif widths from the table: narrow letters less than wide ones, digits 0.636 em, bold a tenth wider', () => {
		expect(estimateTextWidth('iii', 10)).toBeCloseTo(8.34);
		expect(estimateTextWidth('WWW', 10)).toBeCloseTo(29.67);
		expect(estimateTextWidth('2024', 10)).toBeCloseTo(25.44);
		expect(estimateTextWidth('Host', 10, { bold: true })).toBeCloseTo(estimateTextWidth('Host', 10) * 1.1);
	});

	it('is at least what Arial measures (a narrower font) for the port map\'s labels', () => {
		// Arial's advances (em): a label laid out with the estimate has room in Arial too.
		const arial: Record<string, number> = { c: 0.5, o: 0.556, n: 0.556, e: 0.556, t: 0.278, d: 0.556, ' ': 0.278, '1': 0.556, '2': 0.556 };
		const text = 'connected 12';
		const real = [...text].reduce((a, ch) => a + arial[ch], 0) * 16;
		expect(estimateTextWidth(text, 16)).toBeGreaterThanOrEqual(real);
	});
});
