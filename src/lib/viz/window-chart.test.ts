import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runScenario } from '$lib/sim/scenario';
import type { Trace } from '$lib/sim/trace';
import { chartGeometry, eventAt, sendingSockets, shortBytes } from './window-chart';

function traceOf(file: string): Trace {
	const text = readFileSync(new URL(`../../../content/lessons/02-tcp/03-flow-and-congestion/${file}`, import.meta.url), 'utf8');
	const r = runScenario(text);
	if (!r.ok) throw new Error('scenario does not parse');
	return r.trace;
}

describe('window chart', () => {
	it('follows the slow reader: the sender’s rwnd falls to 0 while nothing is in flight, then opens again', () => {
		const t = traceOf('zero-window.scn');
		const [c1] = sendingSockets(t);
		expect(c1.socket).toBe('c1');
		expect(c1.hasCwnd).toBe(true); // Linux models congestion control: the chart draws cwnd too
		const stalled = eventAt(c1, 1000)!;
		expect(stalled).toMatchObject({ sndWnd: 0, inFlight: 0 });
		expect(stalled.cwnd).toBeGreaterThan(0); // cwnd is open: the receive window alone stops the sender
		expect(eventAt(c1, 3100)!.sndWnd).toBeGreaterThan(0);
		expect(c1.maxInFlight).toBeLessThanOrEqual(8064); // never more than the receiver's buffer allows
	});

	it('draws one path per series up to the playhead, on a shared time axis', () => {
		const t = traceOf('wscale-lfn.scn');
		const socks = sendingSockets(t);
		expect(socks.map((s) => s.socket).sort()).toEqual(['f', 'l']);
		const fast = socks.find((s) => s.socket === 'f')!;
		const legacy = socks.find((s) => s.socket === 'l')!;
		expect(fast.maxInFlight).toBeGreaterThan(65535); // scaling lets more than 64 KiB be in flight
		expect(legacy.maxInFlight).toBeLessThanOrEqual(65535);
		const moments = [0, 500, 1000, 2000, 5000];
		const g = chartGeometry(fast, 600, 200, moments, 1000);
		expect(g.x(1000)).toBeCloseTo(44 + (600 - 54) / 2); // the third of five moments: the middle
		expect(g.paths.map((p) => p.key)).toEqual(['rwnd', 'cwnd', 'inFlight']); // cwnd drawn since the traces carry it
		const noCwnd = { ...fast, hasCwnd: false };
		expect(chartGeometry(noCwnd, 600, 200, moments, 1000).paths.map((p) => p.key)).toEqual(['rwnd', 'inFlight']); // a preset without congestion control: no cwnd line
		for (const p of g.paths) expect(p.d).toMatch(/^M/);
		expect(g.yTicks.at(-1)!.label).toMatch(/M|K/);
		expect(eventAt(fast, 0)).toBeNull();
	});

	it('labels bytes briefly', () => {
		expect([shortBytes(512), shortBytes(65535), shortBytes(1_048_576)]).toEqual(['512', '64K', '1M']);
	});
});
