import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, type EventTarget } from './clock';

describe('EventQueue', () => {
	it('fires in (time, insertion order) for any schedule', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
				const q = new EventQueue();
				const fired: [number, number][] = [];
				const target: EventTarget = { onEvent: (_k, arg, t) => void fired.push([t, arg as number]) };
				times.forEach((t, i) => q.push(t, target, 0, i));
				while (q.step());
				const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
				expect(fired).toEqual(expected);
			})
		);
	});
	it('events scheduled during dispatch at the same time run after earlier ones; past times clamp to now', () => {
		const q = new EventQueue();
		const log: string[] = [];
		const t: EventTarget = {
			onEvent: (_k, arg) => {
				log.push(arg as string);
				if (arg === 'a') {
					q.push(5, t, 0, 'c');
					q.push(1, t, 0, 'd'); // in the past: clamped to 5
				}
			}
		};
		q.push(5, t, 0, 'a');
		q.push(5, t, 0, 'b');
		while (q.step());
		expect(log).toEqual(['a', 'b', 'c', 'd']);
		expect(q.now).toBe(5);
	});
});
