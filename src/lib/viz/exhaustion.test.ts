import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyseExhaustion, inUseSeries, portsInUse, validateExhaustion } from './exhaustion';

const linux = { low: 32768, high: 60999, twSeconds: 60 };

describe('exhaustion model', () => {
	it('gives the Linux ceiling 28,232 / 60 s ≈ 470.5 per second', () => {
		const a = analyseExhaustion({ ...linux, rate: 100 });
		expect(a.range).toBe(28232);
		expect(a.ceiling).toBeCloseTo(470.533, 2);
		expect(a.exhaustAt).toBeNull();
		expect(a.steadyInUse).toBe(6000);
		expect(a.failingPerSecond).toBe(0);
	});

	it('exhausts at range ÷ rate when that is shorter than TIME-WAIT', () => {
		const a = analyseExhaustion({ ...linux, rate: 1000 });
		expect(a.exhaustAt).toBeCloseTo(28.232, 6);
		expect(a.steadyInUse).toBe(28232);
		expect(a.failingPerSecond).toBeCloseTo(1000 - 28232 / 60, 6);
		// Exactly at the ceiling the range fills just as the first TIME-WAIT ends: no failure.
		expect(analyseExhaustion({ ...linux, rate: 28232 / 60 }).exhaustAt).toBeNull();
	});

	it('portsInUse rises linearly, then holds', () => {
		expect(portsInUse(100, 28232, 60, 0)).toBe(0);
		expect(portsInUse(100, 28232, 60, 10)).toBe(1000);
		expect(portsInUse(100, 28232, 60, 60)).toBe(6000);
		expect(portsInUse(100, 28232, 60, 600)).toBe(6000);
		expect(portsInUse(1000, 28232, 60, 30)).toBe(28232);
		expect(portsInUse(0, 28232, 60, 30)).toBe(0);
	});

	it('never exceeds the range, never decreases, and reaches the range exactly when exhaustion is predicted', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 65534 }),
				fc.integer({ min: 1, max: 65534 }),
				fc.double({ min: 0.5, max: 600, noNaN: true }),
				fc.double({ min: 0, max: 1e5, noNaN: true }),
				(a, b, tw, rate) => {
					const low = Math.min(a, b);
					const high = Math.max(a, b) + 1;
					const input = { low, high, twSeconds: tw, rate };
					const r = analyseExhaustion(input);
					const s = inUseSeries(input, tw * 2, 20);
					for (let k = 1; k < s.length; k++) expect(s[k].inUse).toBeGreaterThanOrEqual(s[k - 1].inUse);
					for (const p of s) expect(p.inUse).toBeLessThanOrEqual(r.range);
					if (r.exhaustAt !== null) {
						expect(portsInUse(rate, r.range, tw, r.exhaustAt)).toBeCloseTo(r.range, 6);
						expect(r.exhaustAt).toBeLessThan(tw);
						expect(rate).toBeGreaterThan(r.ceiling);
					} else {
						expect(rate).toBeLessThanOrEqual(r.ceiling * (1 + 1e-12));
					}
				}
			)
		);
	});

	it('series include the corners', () => {
		const s = inUseSeries({ ...linux, rate: 1000 }, 120, 10);
		expect(s.some((p) => Math.abs(p.t - 28.232) < 1e-9)).toBe(true);
		expect(s[0]).toEqual({ t: 0, inUse: 0 });
		expect(s[s.length - 1].t).toBe(120);
	});
});

describe('validation', () => {
	it('accepts good input', () => {
		expect(validateExhaustion({ ...linux, rate: 5 })).toEqual([]);
	});
	it('names the field and the problem', () => {
		expect(validateExhaustion({ low: 5000, high: 1000, twSeconds: 60, rate: 1 })).toEqual([{ field: 'low', message: 'low must be below high' }]);
		expect(validateExhaustion({ low: 0, high: 70000, twSeconds: 60, rate: 1 }).map((e) => e.field)).toEqual(['low', 'high']);
		expect(validateExhaustion({ low: 1.5, high: 2000, twSeconds: 0, rate: -1 }).map((e) => e.message)).toEqual([
			'low must be a whole port number',
			'TIME-WAIT must be more than 0 s',
			'the rate cannot be negative'
		]);
		expect(validateExhaustion({ low: NaN, high: 2000, twSeconds: NaN, rate: NaN })).toHaveLength(3);
	});
});
