import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SegmentEvent, Trace } from '$lib/sim/trace';
import { relativeNumbers, hasTcp, seqDiff } from './seqspace';
import { lessonTraces, traceOf } from './test-traces';

const segments = (t: Trace) => t.events.filter((e): e is SegmentEvent => e.kind === 'segment');
const lessons = lessonTraces();

/** Largest relative number any lesson figure can reach (they move a few kB at most). */
const SMALL = 1 << 20;

describe('relative sequence numbers', () => {
	it('count every lesson connection from its own ISNs, in both directions', () => {
		for (const [name, trace] of lessons) {
			const { numbers } = relativeNumbers(trace);
			for (const s of segments(trace)) {
				const r = numbers.get(s.id)!;
				expect(r.seq, `${name} segment ${s.id} seq`).toBeLessThan(SMALL);
				expect(r.ack, `${name} segment ${s.id} ack`).toBeLessThan(SMALL);
				// A SYN opens its side's space at 0; whatever acknowledges a SYN says 1 (or more).
				if (s.flags.includes('SYN')) expect(r.seq, `${name} SYN ${s.id}`).toBe(0);
			}
		}
	});

	it('a handshake reads seq=0, seq=0 ack=1, seq=1 ack=1', () => {
		const t = lessons.get('handshake.scn')!;
		const { numbers } = relativeNumbers(t);
		const [syn, synAck, ack] = segments(t).map((s) => numbers.get(s.id));
		expect(syn).toEqual({ seq: 0, ack: 0 });
		expect(synAck).toEqual({ seq: 0, ack: 1 });
		expect(ack).toEqual({ seq: 1, ack: 1 });
	});

	it("a listener's second accepted connection counts from its own ISN, not the first one's", () => {
		const t = lessons.get('two-tabs.scn')!;
		const { numbers, connection } = relativeNumbers(t);
		const synAcks = segments(t).filter((s) => s.flags.join() === 'SYN,ACK');
		expect(synAcks).toHaveLength(2);
		expect(synAcks[0].seq).not.toBe(synAcks[1].seq);
		for (const s of synAcks) expect(numbers.get(s.id)).toEqual({ seq: 0, ack: 1 });
		expect(new Set(synAcks.map((s) => connection.get(s.id))).size).toBe(2);
		// The server's 600-byte responses: seq=1 on both connections.
		const data = segments(t).filter((s) => s.src.port === 443 && s.len === 600);
		expect(data.map((s) => numbers.get(s.id)!.seq)).toEqual([1, 1]);
	});

	it('joins both sides of a NAT: the server and the inside host count from the same ISNs', () => {
		const t = lessons.get('two-devices.scn')!;
		const { numbers, connection } = relativeNumbers(t);
		const segs = segments(t);
		expect(segs.some((s) => s.translated)).toBe(true);
		// Two connections (phone, laptop), each seen from both sides of the translation.
		expect(new Set(segs.map((s) => connection.get(s.id))).size).toBe(2);
		const laptopReply = segs.find((s) => s.flags.join() === 'SYN,ACK' && s.translated?.dst.ip === '192.168.1.11')!;
		expect(laptopReply.dst.port).not.toBe(laptopReply.translated!.dst.port); // the NAT remapped 51234
		expect(numbers.get(laptopReply.id)).toEqual({ seq: 0, ack: 1 });
		const requests = segs.filter((s) => s.len === 90);
		for (const r of requests) expect(numbers.get(r.id)).toEqual({ seq: 1, ack: 1 });
		const acks = segs.filter((s) => s.src.port === 443 && s.len === 0 && s.flags.join() === 'ACK');
		for (const a of acks) expect(numbers.get(a.id)).toEqual({ seq: 1, ack: 91 });
	});

	it('a connect() that reuses a 4-tuple after TIME-WAIT starts a new connection', () => {
		const t = lessons.get('tiny-range.scn')!;
		const { numbers, connection } = relativeNumbers(t);
		const syns = segments(t).filter((s) => s.flags.join() === 'SYN');
		const tuple = (s: SegmentEvent) => `${s.src.port}>${s.dst.ip}:${s.dst.port}`;
		const reused = syns.filter((s) => syns.filter((o) => tuple(o) === tuple(s)).length > 1);
		expect(reused.length).toBeGreaterThanOrEqual(2);
		expect(connection.get(reused[0].id)).not.toBe(connection.get(reused[1].id));
		for (const s of reused) expect(numbers.get(s.id)!.seq).toBe(0);
	});

	it("a scanner's raw SYN, the SYN-ACK and the RST that answers it share one space", () => {
		const t = lessons.get('scans.scn')!;
		const { numbers } = relativeNumbers(t);
		const raw = segments(t).filter((s) => s.src.port === 40000 || s.dst.port === 40000);
		const text = raw.map((s) => `${s.flags.join()} ${numbers.get(s.id)!.seq}/${numbers.get(s.id)!.ack}`);
		// SYN to 22, SYN to 23, SYN-ACK from 22, RST,ACK from closed 23 (its seq is really 0), RST.
		expect(text).toEqual(['SYN 0/0', 'SYN 0/0', 'SYN,ACK 0/1', 'RST,ACK 0/1', 'RST 1/0']);
	});

	it('retransmissions keep their connection and their numbers', () => {
		const t = lessons.get('lost-segment.scn')!;
		const { numbers } = relativeNumbers(t);
		const segs = segments(t);
		const rtx = segs.filter((s) => s.retransmission);
		expect(rtx.length).toBeGreaterThan(0);
		for (const r of rtx) {
			const first = segs.find((s) => !s.retransmission && s.seq === r.seq && s.len === r.len && s.src.port === r.src.port)!;
			expect(numbers.get(r.id)!.seq).toBe(numbers.get(first.id)!.seq);
		}
	});

	it('reliable-delivery: the figure shows the numbers the prose quotes (seq=1001 lost, ack=1001 again, ack=3001)', () => {
		// The Linux figure (SACK + RACK), the third in index.md: "A (seq=1001) is lost; the duplicate
		// ACK carries SACK 2001-3001 … resends A … at 372.5 ms … one ACK (ack=3001) then covers both".
		const t = lessons.get('lost-segment.scn')!;
		const { numbers } = relativeNumbers(t);
		const rel = (s: SegmentEvent) => numbers.get(s.id)!;
		const segs = segments(t);
		const lost = segs.find((s) => s.arrivedAt === null)!;
		expect(rel(lost).seq).toBe(1001);
		const b = segs.find((s) => s.len === 1000 && rel(s).seq === 2001);
		expect(b?.arrivedAt).not.toBeNull();
		const read = t.events.find((e) => e.kind === 'call' && e.call === 'read')!;
		const serverAcks = segs.filter((s) => s.src.port === 80 && s.len === 0 && s.flags.join() === 'ACK');
		// Before the program reads: the ACK of the first block, the duplicate, and the one that covers A and B.
		expect(serverAcks.filter((s) => s.t < read.t).map((s) => rel(s).ack)).toEqual([1001, 1001, 3001]);
		// The read frees the buffer: a window update (same ack, the window opens), nothing new acknowledged.
		const after = serverAcks.filter((s) => s.t >= read.t);
		expect(after.map((s) => rel(s).ack)).toEqual([3001]);
		expect(after[0].wnd).toBeGreaterThan(serverAcks.filter((s) => s.t < read.t).at(-1)!.wnd);
		const dup = serverAcks[1];
		const iss = lost.seq - 1001; // relative numbers count from the ISN
		expect(dup.options?.sack?.map((r) => [seqDiff(r.left, iss), seqDiff(r.right, iss)])).toEqual([[2001, 3001]]);
		const resent = segs.find((s) => s.retransmission)!;
		expect(rel(resent).seq).toBe(1001);
		expect(resent.t).toBe(372.5);
	});

	it('reliable-delivery: the RFC 6298 and fast-retransmit figures show the numbers their prose quotes', () => {
		// "the client's first data segment (seq=1) is lost at 210 ms … repeats ack=1 once … resends seq=1 at 1,210 ms, and one ack=2001 then covers both."
		{
			const t = lessons.get('lost-segment-rfc6298.scn')!;
			const { numbers } = relativeNumbers(t);
			const rel = (s: SegmentEvent) => numbers.get(s.id)!;
			const segs = segments(t);
			const lost = segs.find((s) => s.arrivedAt === null)!;
			expect([rel(lost).seq, lost.t]).toEqual([1, 210]);
			const acks = segs.filter((s) => s.src.port === 80 && s.len === 0 && s.flags.join() === 'ACK' && s.t < 1700).map((s) => rel(s).ack);
			expect(acks).toEqual([1, 2001]);
			const resent = segs.find((s) => s.retransmission)!;
			expect([rel(resent).seq, resent.t]).toEqual([1, 1210]);
		}
		// "B, C and D each make the server repeat ack=1001, and the third duplicate makes the client resend A 50 ms after the original … one ACK (ack=5001) then covers everything."
		{
			const t = lessons.get('fast-retransmit-rfc9293.scn')!;
			const { numbers } = relativeNumbers(t);
			const rel = (s: SegmentEvent) => numbers.get(s.id)!;
			const segs = segments(t);
			const lost = segs.find((s) => s.arrivedAt === null)!;
			expect(rel(lost).seq).toBe(1001);
			const acks = segs.filter((s) => s.src.port === 80 && s.len === 0 && s.flags.join() === 'ACK' && s.t < 1800).map((s) => rel(s).ack);
			expect(acks).toEqual([1001, 1001, 1001, 1001, 5001]); // the first block's ACK, then three duplicates
			const resent = segs.filter((s) => s.retransmission);
			expect(resent.map((s) => rel(s).seq)).toEqual([1001]);
			expect(resent[0].t - lost.t).toBe(50);
		}
	});

	it('wraps modulo 2^32', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 100000 }), (isn, k) => {
				expect(seqDiff((isn + k) % 2 ** 32, isn)).toBe(k);
			})
		);
	});

	it('hasTcp tells TCP figures from UDP and ICMP ones', () => {
		expect(hasTcp(lessons.get('handshake.scn')!)).toBe(true);
		expect(hasTcp(lessons.get('syslog.scn')!)).toBe(false);
		expect(hasTcp(lessons.get('ping.scn')!)).toBe(false);
		expect(hasTcp(traceOf('host a 10.0.0.1\nrun until=1s\n'))).toBe(false);
	});
});
