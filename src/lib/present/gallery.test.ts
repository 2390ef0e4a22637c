import { describe, it, expect } from 'vitest';
import { runScenario } from '$lib/sim/scenario';
import { GALLERY } from './gallery';
import { encodeShare, decodeShare } from './share';

describe('the demo gallery', () => {
	it('has the demos the issue asks for, with unique ids', () => {
		const ids = GALLERY.map((d) => d.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const id of ['two-tabs', 'simultaneous-close', 'rst-closed-port', 'port-exhaustion', 'nat-remap', 'traceroute-unix', 'traceroute-windows', 'udp-closed-port']) {
			expect(ids).toContain(id);
		}
	});

	for (const demo of GALLERY) {
		it(`${demo.id} runs and puts packets on the wire, and fits in a link`, () => {
			const r = runScenario(demo.text);
			if (!r.ok) throw new Error(`${demo.id}: ${r.errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
			expect(r.trace.events.some((e) => e.kind === 'segment' || e.kind === 'datagram' || e.kind === 'icmp')).toBe(true);
			const back = decodeShare(encodeShare({ text: demo.text, seed: null, step: 0 }));
			expect(back).toEqual({ ok: true, demo: { text: demo.text, seed: null, step: 0 } });
		});
	}

	it('shows what each demo promises', () => {
		const run = (id: string) => {
			const r = runScenario(GALLERY.find((d) => d.id === id)!.text);
			if (!r.ok) throw new Error(id);
			return r.trace.events;
		};
		expect(run('port-exhaustion').some((e) => e.kind === 'error' && e.errno === 'EADDRNOTAVAIL')).toBe(true);
		expect(run('rst-closed-port').some((e) => e.kind === 'segment' && e.flags.includes('RST'))).toBe(true);
		expect(run('udp-closed-port').some((e) => e.kind === 'icmp' && e.type === 3 && e.code === 3)).toBe(true);
		expect(run('traceroute-windows').some((e) => e.kind === 'icmp' && e.type === 0)).toBe(true);
		expect(run('nat-remap').some((e) => e.kind === 'nat')).toBe(true);
		const close = run('simultaneous-close').filter((e) => e.kind === 'state' && e.to === 'CLOSING');
		expect(close.length).toBe(2);
	});
});
