import { describe, expect, it } from 'vitest';
import type { SegmentEvent } from '$lib/sim/trace';
import { optionList, windowView } from './tcp-header';
import { packetsOf } from './lifelines';
import { lessonTraces } from './test-traces';

describe('header inspector: window and options', () => {
	const t = lessonTraces().get('handshake.scn')!;
	const packets = packetsOf(t);
	const segs = packets.filter((p): p is SegmentEvent => p.kind === 'segment');

	it('a SYN shows its window unscaled and lists its options', () => {
		const syn = segs[0];
		expect(windowView(packets, syn)).toEqual({ field: syn.wnd, shift: 0, bytes: syn.wnd });
		expect(optionList(syn.options).map((o) => o.name)).toEqual(['MSS', 'Window scale', 'SACK permitted', 'Timestamps']);
	});

	it('after two SYNs with Window Scale, the field is the window shifted right by the sender’s shift', () => {
		const ack = segs.find((s) => !s.flags.includes('SYN') && s.from === segs[0].from)!;
		const v = windowView(packets, ack);
		expect(v.shift).toBe(7); // Linux offers 7 (os.ts)
		expect(v.field).toBe(Math.floor(ack.wnd / 128));
		expect(v.field * 128).toBe(ack.wnd); // Linux rounds the window up to the scale unit
	});
});
