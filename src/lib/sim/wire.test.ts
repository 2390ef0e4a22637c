import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIp } from './wire';

/** The definition parseIp implements: four dot-separated fields of 1–3 decimal digits, each ≤ 255. */
function reference(ip: string): number {
	const parts = ip.split('.');
	if (parts.length !== 4) return -1;
	let v = 0;
	for (const p of parts) {
		if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return -1;
		v = v * 256 + Number(p);
	}
	return v;
}

describe('parseIp', () => {
	it('reads dotted quads and rejects everything else', () => {
		expect(parseIp('10.0.0.1')).toBe(0x0a000001);
		expect(parseIp('255.255.255.255')).toBe(0xffffffff);
		expect(parseIp('0.0.0.0')).toBe(0);
		expect(parseIp('010.001.0.9')).toBe(0x0a010009);
		for (const bad of ['', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '256.0.0.1', '1.2.3.1000', '1.2.3.a', ' 1.2.3.4', '1.2.3.4 ', '-1.2.3.4', '1.2.3.0x1']) {
			expect(parseIp(bad), bad).toBe(-1);
		}
		expect(parseIp(undefined as unknown as string)).toBe(-1);
	});

	it('property: agrees with the split-and-match definition on any string made of digits and dots', () => {
		const ch = fc.constantFrom('0', '1', '2', '5', '9', '.', '.', 'x');
		fc.assert(
			fc.property(fc.array(ch, { maxLength: 18 }), (cs) => {
				const s = cs.join('');
				expect(parseIp(s)).toBe(reference(s));
			}),
			{ numRuns: 3000 }
		);
		fc.assert(
			fc.property(fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)), (q) => {
				const s = q.join('.');
				expect(parseIp(s)).toBe(reference(s));
			})
		);
	});
});
