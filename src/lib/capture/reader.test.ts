import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CaptureReader, MAX_INTERFACES, MAX_PACKET, splitTimestamp, type PacketRecord } from './reader';
import { frame, ipPacket, pcapFile, PcapngWriter } from './synth';
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from './link';
import { TH_SYN } from './decode';

/** Read bytes in chunks of `chunk`; returns copies of the records and the reader. */
function read(bytes: Uint8Array, chunk = bytes.length || 1) {
	const recs: Array<Omit<PacketRecord, 'data' | 'iface'> & { data: number[]; iface: number; linkType: number }> = [];
	const r = new CaptureReader((rec) =>
		recs.push({ ...rec, data: [...rec.data], iface: rec.iface.index, linkType: rec.iface.linkType })
	);
	for (let i = 0; i < bytes.length; i += chunk) if (!r.push(bytes.subarray(i, i + chunk))) break;
	r.end();
	return { recs, r };
}

const syn = (n: number) => frame({ type: 'ethernet' }, ipPacket({ src: '10.0.0.1', dst: '10.0.0.2', l4: { proto: 'tcp', sport: 40000 + n, dport: 80, seq: n, ack: 0, flags: TH_SYN, window: 1000 } }));
const packets = [0, 1, 2, 3, 4].map((n) => ({ sec: 1_700_000_000 + n, nsec: n * 1000 + 7000, data: syn(n) }));

describe('pcap (draft-ietf-opsawg-pcap §4, §5)', () => {
	it.each([
		['little-endian µs', { nano: false, bigEndian: false }],
		['big-endian µs', { nano: false, bigEndian: true }],
		['little-endian ns', { nano: true, bigEndian: false }],
		['big-endian ns', { nano: true, bigEndian: true }]
	])('%s: every record, its timestamp and bytes', (_, o) => {
		const { recs, r } = read(pcapFile(packets, { linkType: LINKTYPE_ETHERNET, ...o }));
		expect(r.error).toBeNull();
		expect(r.info).toMatchObject({ format: 'pcap', byteOrder: o.bigEndian ? 'big-endian' : 'little-endian', resolution: o.nano ? 'nanoseconds' : 'microseconds' });
		expect(recs.map((x) => [x.frame, x.sec, x.nsec, x.data.length])).toEqual(packets.map((p, i) => [i + 1, p.sec, p.nsec, p.data.length]));
		expect(recs[3].data).toEqual([...packets[3].data]);
	});

	it('the modified pcap format (magic 0xa1b2cd34, 24-byte records) reads the same packets', () => {
		const { recs } = read(pcapFile(packets, { linkType: LINKTYPE_ETHERNET, modified: true }));
		expect(recs.map((x) => x.data)).toEqual(packets.map((p) => [...p.data]));
	});

	it('a snap length shorter than the packet: captured bytes cut, original length kept', () => {
		const { recs } = read(pcapFile(packets, { linkType: LINKTYPE_ETHERNET, snapLen: 40 }));
		expect(recs[0].data.length).toBe(40);
		expect(recs[0].origLen).toBe(packets[0].data.length);
	});

	it('a record cut off by the end of the file: earlier records kept, warning names the record', () => {
		const whole = pcapFile(packets, { linkType: LINKTYPE_ETHERNET });
		const { recs, r } = read(whole.subarray(0, whole.length - 5), 7);
		expect(recs).toHaveLength(4);
		expect(r.damaged).toBe(true);
		expect(r.warnings).toEqual([expect.objectContaining({ record: 5, message: expect.stringMatching(/ends \d+ bytes into the next packet record \(record 5\)/) })]);
	});

	it('a record claiming more bytes than any capture holds stops reading there', () => {
		const bytes = pcapFile(packets, { linkType: LINKTYPE_ETHERNET });
		const second = 24 + 16 + packets[0].data.length;
		new DataView(bytes.buffer).setUint32(second + 8, MAX_PACKET + 1, true);
		const { recs, r } = read(bytes);
		expect(recs).toHaveLength(1);
		expect(r.warnings[0]).toMatchObject({ record: 2 });
		expect(r.warnings[0].message).toMatch(/claims 262145 captured bytes/);
	});

	it('files that are not captures say what they look like', () => {
		expect(read(new TextEncoder().encode('hello, this is text\n')).r.error).toMatch(/Not a pcap or pcapng capture.*looks like text/);
		expect(read(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0])).r.error).toMatch(/gzip/);
		expect(read(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0])).r.error).toMatch(/ZIP/);
		expect(read(new Uint8Array(0)).r.error).toBe('The file is empty.');
		expect(read(pcapFile([], { linkType: 1 }).subarray(0, 10)).r.error).toMatch(/starts like pcap but ends after 10 bytes/);
	});

	it('version other than 2 is refused with a reason', () => {
		const bytes = pcapFile(packets, { linkType: 1 });
		new DataView(bytes.buffer).setUint16(4, 3, true);
		expect(read(bytes).r.error).toMatch(/version 3\.4/);
	});
});

describe('pcapng (draft-ietf-opsawg-pcapng §3, §4)', () => {
	it('SHB, IDBs with if_tsresol and if_tsoffset, EPB, SPB, PB; other blocks skipped; two sections in both byte orders', () => {
		const data = syn(1);
		const w = new PcapngWriter(true)
			.shb()
			.idb(LINKTYPE_ETHERNET, { tsresol: 9, name: 'eth0' })
			.other(4, new Uint8Array(8))
			.epb(0, 1_700_000_000_123_456_789n, data)
			.spb(data)
			.other(0x80000abc, new Uint8Array(16))
			.shb({ littleEndian: false })
			.idb(LINKTYPE_RAW, { tsresol: 0x80 | 10, tsoffset: 1_000_000 })
			.epb(0, 1024 * 5 + 512, data.subarray(14))
			.pb(0, 1024 * 6, data.subarray(14));
		const { recs, r } = read(w.result(), 13);
		expect(r.warnings).toEqual([]);
		expect(r.info).toMatchObject({ format: 'pcapng', sections: 2, skippedBlocks: 2 });
		expect(r.info!.interfaces.map((i) => [i.section, i.linkType, i.unitsPerSec, i.tsOffset, i.name])).toEqual([
			[0, 1, 1e9, 0, 'eth0'],
			[1, 101, 1024, 1_000_000, null]
		]);
		expect(recs.map((x) => [x.frame, x.iface, x.hasTime])).toEqual([
			[1, 0, true],
			[2, 0, false],
			[3, 1, true],
			[4, 1, true]
		]);
		// Nanoseconds past 2^53 are split exactly.
		expect([recs[0].sec, recs[0].nsec]).toEqual([1_700_000_000, 123_456_789]);
		// 2^-10 s units with an offset: 5.5 s and 6 s after 1 000 000 s.
		expect([recs[2].sec, recs[2].nsec]).toEqual([1_000_005, 500_000_000]);
		expect([recs[3].sec, recs[3].nsec]).toEqual([1_000_006, 0]);
		expect(recs[1].data).toEqual([...data]);
	});

	it('an EPB naming an interface the section does not describe is skipped with a warning', () => {
		const w = new PcapngWriter().shb().idb(LINKTYPE_ETHERNET).epb(3, 0, syn(0)).epb(0, 0, syn(1));
		const { recs, r } = read(w.result());
		expect(recs.map((x) => x.frame)).toEqual([2]);
		expect(r.warnings[0]).toMatchObject({ record: 1, message: expect.stringMatching(/interface 3/) });
	});

	it('a flood of Interface Description Blocks stops at MAX_INTERFACES, keeping the packets before; long names are cut', () => {
		const w = new PcapngWriter().shb().idb(LINKTYPE_ETHERNET, { name: 'x'.repeat(5000) }).epb(0, 0, syn(0));
		for (let i = 1; i < MAX_INTERFACES + 5; i++) w.idb(LINKTYPE_ETHERNET);
		w.epb(0, 0, syn(1));
		const { recs, r } = read(w.result(), 65536);
		expect(recs.map((x) => x.frame)).toEqual([1]);
		expect(r.info!.interfaces).toHaveLength(MAX_INTERFACES);
		expect(r.info!.interfaces[0].name).toHaveLength(256);
		expect(r.damaged).toBe(true);
		expect(r.warnings.at(-1)).toMatchObject({ record: 2, message: expect.stringMatching(/interface number 10001.*damaged or hostile/) });
	});

	it('bad block lengths stop reading with the record number: not a multiple of 4, below 12, trailer mismatch', () => {
		const build = () => new PcapngWriter().shb().idb(LINKTYPE_ETHERNET).epb(0, 0, syn(0)).epb(0, 1, syn(1)).epb(0, 2, syn(2)).result();
		const epbStart = (b: Uint8Array, n: number) => {
			const dv = new DataView(b.buffer);
			let off = 0;
			for (let i = 0; i < 2 + n; i++) off += dv.getUint32(off + 4, true);
			return off;
		};
		for (const [what, mutate, re] of [
			['odd length', (b: Uint8Array) => new DataView(b.buffer).setUint32(epbStart(b, 1) + 4, 1001, true), /length 1001/],
			['tiny length', (b: Uint8Array) => new DataView(b.buffer).setUint32(epbStart(b, 1) + 4, 8, true), /length 8/],
			[
				'trailer',
				(b: Uint8Array) => {
					const s = epbStart(b, 1);
					const len = new DataView(b.buffer).getUint32(s + 4, true);
					new DataView(b.buffer).setUint32(s + len - 4, len + 4, true);
				},
				/trailing length/
			]
		] as const) {
			const b = build();
			mutate(b);
			const { recs, r } = read(b, 11);
			expect(recs.map((x) => x.frame), what).toEqual([1]);
			expect(r.warnings[0].record, what).toBe(2);
			expect(r.warnings[0].message, what).toMatch(re);
		}
	});

	it('a file that starts like pcapng with a wrong byte-order magic is not a capture', () => {
		const b = new PcapngWriter().shb().result();
		b[8] = 0;
		expect(read(b).r.error).toMatch(/byte-order magic/);
	});

	it('an SPB captured length is the smaller of its original length and the snap length', () => {
		const data = syn(0);
		const w = new PcapngWriter().shb().idb(LINKTYPE_ETHERNET, { snapLen: 30 }).spb(data.subarray(0, 30), data.length);
		const { recs } = read(w.result());
		expect([recs[0].data.length, recs[0].origLen]).toEqual([30, data.length]);
	});
});

describe('streaming', () => {
	it('any chunking of a file gives the same records (property)', () => {
		const files = [
			pcapFile(packets, { linkType: LINKTYPE_ETHERNET, nano: true, bigEndian: true }),
			new PcapngWriter(false).shb().idb(LINKTYPE_ETHERNET, { tsresol: 9 }).epb(0, 12345, syn(0)).spb(syn(1)).epb(0, 99999, syn(2)).result()
		];
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 200 }), (which, chunk) => {
				const whole = read(files[which]).recs;
				expect(read(files[which], chunk).recs).toEqual(whole);
			})
		);
	});

	it('a caller that reuses one buffer for every chunk (a BYOB read) gets the same records (property)', () => {
		const files = [
			pcapFile(packets, { linkType: LINKTYPE_ETHERNET, nano: true, bigEndian: true }),
			new PcapngWriter(false).shb().idb(LINKTYPE_ETHERNET, { tsresol: 9 }).epb(0, 12345, syn(0)).spb(syn(1)).epb(0, 99999, syn(2)).result()
		];
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 200 }), (which, chunk) => {
				const bytes = files[which];
				const whole = read(bytes).recs;
				const recs: number[][] = [];
				const r = new CaptureReader((rec) => recs.push([rec.frame, rec.sec, rec.nsec, ...rec.data]));
				const shared = new Uint8Array(chunk);
				for (let i = 0; i < bytes.length; i += chunk) {
					const n = Math.min(chunk, bytes.length - i);
					shared.set(bytes.subarray(i, i + n));
					r.push(shared.subarray(0, n));
					shared.fill(0xee); // The caller writes the next chunk over this one.
				}
				r.end();
				expect(r.warnings).toEqual([]);
				expect(recs).toEqual(whole.map((x) => [x.frame, x.sec, x.nsec, ...x.data]));
			})
		);
	});

	it('splitTimestamp divides 64-bit unit counts exactly (long division past 2^53)', () => {
		const out = { sec: 0, nsec: 0 };
		// 2^63 - 1 nanoseconds = 9223372036.854775807 s.
		splitTimestamp(0x7fffffff, 0xffffffff, 1e9, 0, out);
		expect(out).toEqual({ sec: 9_223_372_036, nsec: 854_775_807 });
		splitTimestamp(0, 1_500_000, 1e6, 10, out);
		expect(out).toEqual({ sec: 11, nsec: 500_000_000 });
	});
});
