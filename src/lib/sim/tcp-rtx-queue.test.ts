import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RetransmissionQueue } from './tcp-rtx-queue';
import { F_ACK, F_FIN, F_PSH, F_SYN, seqAdd } from './wire';

describe('RetransmissionQueue', () => {
	it('a cumulative ACK removes what it covers and gives the RTT of the oldest segment it covers', () => {
		const q = new RetransmissionQueue();
		q.push(1000, 0, F_SYN, undefined, 0); // SYN occupies 1000
		q.push(1001, 100, F_ACK | F_PSH, 'hi', 10); // 1001..1100
		q.push(1101, 0, F_FIN | F_ACK, undefined, 20); // FIN occupies 1101
		expect(q.acknowledge(1001, 50)).toBe(50); // SYN acknowledged: sample 50 − 0
		expect(q.length).toBe(2);
		expect(q.acknowledge(1102, 70)).toBe(60); // data and FIN: the oldest gives 70 − 10
		expect(q.isEmpty()).toBe(true);
		expect(q.head()).toBeUndefined();
	});

	it("Karn's rule: a retransmitted segment gives no sample, a later original one does", () => {
		const q = new RetransmissionQueue();
		q.push(1, 10, F_ACK, undefined, 0);
		q.push(11, 10, F_ACK, undefined, 5);
		const head = q.head()!;
		head.retransmitted = true;
		head.sentAt = 1000;
		expect(q.acknowledge(11, 1010)).toBe(-1); // only the retransmitted one
		q.push(21, 10, F_ACK, undefined, 1020);
		expect(q.acknowledge(31, 1100)).toBe(1095); // the segment sent at 5
	});

	it('an ACK inside a segment trims its front, and the SYN bit once the SYN is covered', () => {
		const q = new RetransmissionQueue();
		q.push(500, 100, F_SYN, undefined, 0); // SYN at 500, data 501..600
		expect(q.acknowledge(551, 10)).toBe(-1); // nothing fully acknowledged
		const h = q.head()!;
		expect([h.seq, h.len, h.flags & F_SYN]).toEqual([551, 50, 0]);
	});

	it('sequence numbers wrap modulo 2^32', () => {
		const q = new RetransmissionQueue();
		q.push(0xffffff00, 0x200, F_ACK, undefined, 0); // ends at 0x100 after the wrap
		expect(q.acknowledge(0x80, 1)).toBe(-1);
		expect(q.head()!.seq).toBe(0x80);
		expect(q.head()!.len).toBe(0x80);
		expect(q.acknowledge(0x100, 2)).toBe(2);
		expect(q.isEmpty()).toBe(true);
	});

	it('property: after any ACK, every queued segment starts at or after it and the queue keeps sequence order', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 30 }), fc.nat(), (start, lens, pick) => {
				const q = new RetransmissionQueue();
				let seq = start;
				for (const len of lens) {
					q.push(seq, len, F_ACK, undefined, 0);
					seq = seqAdd(seq, len);
				}
				const total = lens.reduce((a, b) => a + b, 0);
				const ack = seqAdd(start, pick % (total + 1));
				q.acknowledge(ack, 1);
				let remaining = 0;
				let expected = ack;
				while (!q.isEmpty()) {
					const h = q.head()!;
					expect(h.seq).toBe(expected);
					remaining += h.len;
					expected = seqAdd(h.seq, h.len);
					q.acknowledge(expected, 1);
				}
				expect(remaining).toBe((seq - ack) >>> 0);
			})
		);
	});
});
