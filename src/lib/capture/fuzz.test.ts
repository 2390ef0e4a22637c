/**
 * Hostile input: random bytes, the committed captures cut at random places, and random bytes
 * flipped in them, fed to the reader, the decoder, the conversation analysis and the replay
 * builders. Nothing may throw past their APIs, reading must end with a result (packets,
 * warnings with record numbers, or one error sentence), and the work must stay bounded.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureReader } from './reader';
import { CaptureAnalysis, summaryOf } from './analysis';
import { conversationReplay } from './replay';
import { conversationScenario } from './scenario';
import { decodePacket, newDecoded } from './decode';
import { PcapngWriter, pcapFile } from './synth';

const dir = join(import.meta.dirname, 'fixtures');
const fixtures = readdirSync(dir)
	.filter((f) => /\.(pcap|pcapng)$/.test(f))
	.map((f) => readFileSync(join(dir, f)));

/** Everything a file goes through on the page, end to end; returns what happened. */
function pipeline(bytes: Uint8Array, chunk: number) {
	const an = new CaptureAnalysis({ storeBudget: 10_000 });
	const reader = new CaptureReader(
		(rec) => an.packet(rec),
		(i) => an.iface(i)
	);
	for (let i = 0; i < bytes.length; i += chunk) if (!reader.push(bytes.subarray(i, i + chunk))) break;
	reader.end();
	an.finish();
	for (const c of an.conversations) {
		const s = summaryOf(c);
		const pk = an.packetsOf(c);
		const rep = conversationReplay(s, pk);
		conversationScenario(s, pk, rep.names);
		// The trace's events are in time order, as the views require.
		for (let k = 1; k < rep.trace.events.length; k++) expect(rep.trace.events[k].t).toBeGreaterThanOrEqual(rep.trace.events[k - 1].t);
	}
	expect(reader.stopped).toBe(true);
	if (reader.error === null) expect(reader.info).not.toBeNull();
	for (const w of reader.warnings) {
		expect(w.message).not.toMatch(/internal error/);
		expect(typeof w.offset).toBe('number');
	}
	return { reader, an };
}

describe('fuzz: the reader never throws past its API', () => {
	it('random bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 1, max: 700 }), (bytes, chunk) => {
				pipeline(bytes, chunk);
			}),
			{ numRuns: 400 }
		);
	});

	it('random bytes after a valid pcap or pcapng header', () => {
		const heads = [pcapFile([], { linkType: 1 }), pcapFile([], { linkType: 1, bigEndian: true, nano: true }), new PcapngWriter().shb().idb(1).result(), new PcapngWriter(false).shb().idb(276).result()];
		fc.assert(
			fc.property(fc.integer({ min: 0, max: heads.length - 1 }), fc.uint8Array({ maxLength: 8192 }), fc.integer({ min: 1, max: 999 }), (h, tail, chunk) => {
				const b = new Uint8Array(heads[h].length + tail.length);
				b.set(heads[h]);
				b.set(tail, heads[h].length);
				pipeline(b, chunk);
			}),
			{ numRuns: 400 }
		);
	});

	it('every committed capture cut at any point keeps the packets before the cut', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: fixtures.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 512 }), (i, at, chunk) => {
				const whole = fixtures[i];
				const cut = whole.subarray(0, Math.floor(whole.length * at));
				const full = pipeline(whole, 4096).reader.packets;
				const { reader } = pipeline(cut, chunk);
				expect(reader.packets).toBeLessThanOrEqual(full);
				if (reader.error === null && cut.length < whole.length && reader.warnings.length) {
					const last = reader.warnings[reader.warnings.length - 1];
					expect(last.record).toBe(reader.packets + 1);
				}
			}),
			{ numRuns: 300 }
		);
	});

	it('every committed capture with random bytes overwritten', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: fixtures.length - 1 }),
				fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 20 }),
				fc.integer({ min: 1, max: 3000 }),
				(i, flips, chunk) => {
					const b = Uint8Array.from(fixtures[i]);
					for (const [at, v] of flips) b[Math.floor(at * b.length)] = v;
					pipeline(b, chunk);
				}
			),
			{ numRuns: 400 }
		);
	});

	it('the packet decoder on random bytes under every link type', () => {
		const d = newDecoded();
		fc.assert(
			fc.property(fc.constantFrom(0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 105, 65535), fc.uint8Array({ maxLength: 200 }), (lt, bytes) => {
				const ok = decodePacket(lt, bytes, d);
				expect(typeof ok).toBe('boolean');
				if (!ok) expect(d.problem.length).toBeGreaterThan(0);
			}),
			{ numRuns: 2000 }
		);
	});
});
