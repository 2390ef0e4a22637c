/**
 * Every committed capture (real loopback captures from fixtures/capture.sh, hand-built ones from
 * fixtures/make-fixtures.ts) read by this reader and by tshark: the same packets, the same
 * addresses, ports, sequence numbers, flags, lengths, ICMP types and timestamps. Then what each
 * file is known to contain: its format, byte order, link types and block types, and the damage
 * of the damaged ones.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTshark, ourRows, tsharkRows } from './tshark.testkit';
import { CaptureAnalysis, endpointText } from './analysis';
import { CaptureReader } from './reader';

const dir = join(import.meta.dirname, 'fixtures');
const files = readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f)).sort();

describe('fixtures as tshark reads them', () => {
	it('tshark is installed (apt-get install tshark; .ci/run installs it)', () => {
		expect(hasTshark()).toBe(true);
	});

	it.each(files)('%s: same packets and fields as tshark', (name) => {
		const file = join(dir, name);
		const ours = ourRows(file, 37);
		// Fragments are compared undissected (tshark would reassemble them into the last fragment).
		const ref = tsharkRows(file, ['-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE']);
		const ip = ref.rows.filter((r) => r['ip.src'] || r['ipv6.src']);
		expect(ours.rows.length, 'IP packets').toBe(ip.length);
		ours.rows.forEach((o, i) => {
			const t = ip[i];
			const where = `${name} packet ${i + 1} (tshark frame ${t['frame.number']})`;
			expect(o.src, where).toBe(t['ip.src'] || t['ipv6.src']);
			expect(o.dst, where).toBe(t['ip.dst'] || t['ipv6.dst']);
			if (o.l4 === 'tcp') {
				expect([o.sport, o.dport, o.seq, o.ack, o.flags, o.len], where).toEqual([
					Number(t['tcp.srcport']),
					Number(t['tcp.dstport']),
					Number(t['tcp.seq_raw']),
					Number(t['tcp.ack_raw']),
					parseInt(t['tcp.flags'], 16) & 0xff,
					Number(t['tcp.len'])
				]);
			} else if (o.l4 === 'udp') {
				expect([o.sport, o.dport], where).toEqual([Number(t['udp.srcport']), Number(t['udp.dstport'])]);
			} else if (o.l4 === 'icmp') {
				expect([o.icmpType, o.icmpCode], where).toEqual([Number(t['icmp.type']), Number(t['icmp.code'])]);
			} else if (o.l4 === 'icmpv6') {
				expect([o.icmpType, o.icmpCode], where).toEqual([Number(t['icmpv6.type']), Number(t['icmpv6.code'])]);
			} else {
				// Not decoded past IP (later fragments, cut headers): tshark has no transport ports either.
				expect(t['tcp.srcport'] && t['tcp.seq_raw'] ? 'tcp' : '', where).toBe('');
			}
			if (o.hasTime && t['frame.time_epoch']) {
				const [s, frac = '0'] = t['frame.time_epoch'].split('.');
				const ns = Number(frac.padEnd(9, '0').slice(0, 9));
				const diff = (o.sec - Number(s)) * 1e9 + (o.nsec - ns);
				expect(Math.abs(diff), `${where} timestamp`).toBeLessThan(1000);
			}
		});
	});
});

describe('what each fixture holds', () => {
	const read = (name: string) => ourRows(join(dir, name), 1 << 16).reader;

	it('real loopback captures: Ethernet pcap (µs), dumpcap pcapng (ns), SLL, SLL2, pcap ns', () => {
		const refused = read('lo-refused.pcap');
		expect(refused.info).toMatchObject({ format: 'pcap', byteOrder: 'little-endian', resolution: 'microseconds', version: '2.4' });
		expect(refused.info!.interfaces.map((i) => i.linkType)).toEqual([1]);
		expect(refused.packets).toBe(4);
		const http = read('lo-http.pcapng');
		expect(http.info).toMatchObject({ format: 'pcapng', byteOrder: 'little-endian', sections: 1 });
		expect(http.info!.interfaces[0]).toMatchObject({ linkType: 1, name: 'lo', unitsPerSec: 1e9 });
		expect(http.info!.skippedBlocks).toBeGreaterThan(0); // dumpcap's Interface Statistics Block
		expect(read('any-http-sll.pcap').info!.interfaces[0].linkType).toBe(113);
		expect(read('any-ping-sll2.pcap').info!.interfaces[0].linkType).toBe(276);
		expect(read('lo-udp-closed-ns.pcap').info!.resolution).toBe('nanoseconds');
		const two = read('two-interfaces.pcapng');
		expect(two.info!.interfaces.map((i) => [i.linkType, i.name])).toEqual([
			[1, 'lo'],
			[113, 'any']
		]);
		for (const r of [refused, http, two]) expect(r.warnings).toEqual([]);
	});

	it('hand-built: both byte orders of pcap, µs and ns; raw IPv4/IPv6, NULL, LOOP, VLAN', () => {
		expect(read('us-be.pcap').info).toMatchObject({ byteOrder: 'big-endian', resolution: 'microseconds' });
		expect(read('ns-be.pcap').info).toMatchObject({ byteOrder: 'big-endian', resolution: 'nanoseconds' });
		expect(read('null-be.pcap').info).toMatchObject({ byteOrder: 'big-endian' });
		expect(read('null-le.pcap').info!.interfaces[0].linkType).toBe(0);
		expect(read('loop.pcap').info!.interfaces[0].linkType).toBe(108);
		expect(read('raw.pcap').info!.interfaces[0].linkType).toBe(101);
		expect(read('ipv4-228.pcap').info!.interfaces[0].linkType).toBe(228);
		expect(read('ipv6-229.pcapng').info!.interfaces[0].linkType).toBe(229);
	});

	it('multi-section pcapng: two sections in opposite byte orders, four interfaces, SPB and PB, skipped blocks', () => {
		const r = read('multi-section.pcapng');
		expect(r.info).toMatchObject({ format: 'pcapng', byteOrder: 'little-endian', sections: 2, skippedBlocks: 4 });
		expect(r.info!.interfaces.map((i) => [i.section, i.id, i.linkType, i.unitsPerSec])).toEqual([
			[0, 0, 1, 1e9],
			[0, 1, 276, 1e6],
			[1, 0, 101, 2 ** 20],
			[1, 1, 276, 1e9]
		]);
		expect(r.info!.interfaces[2].tsOffset).toBe(1709294400);
		expect(r.packets).toBe(8);
		expect(r.warnings).toEqual([]);
		const rows = ourRows(join(dir, 'multi-section.pcapng')).rows;
		expect(rows[4].hasTime).toBe(false); // the Simple Packet Block
	});

	it('damaged files keep the packets before the damage and name the record', () => {
		const cut = read('damaged-truncated.pcap');
		expect(cut.packets).toBe(7);
		expect(cut.damaged).toBe(true);
		expect(cut.warnings).toHaveLength(1);
		expect(cut.warnings[0].record).toBe(8);
		expect(cut.warnings[0].message).toMatch(/cut off/);
		const bad = read('damaged-blocklen.pcapng');
		expect(bad.packets).toBe(5);
		expect(bad.warnings[0].record).toBe(6);
		expect(bad.warnings[0].message).toMatch(/length 1234567.*multiple of 4/);
	});
});

describe("the conversation list, as tshark's -z conv counts it", () => {
	const parse = (out: string) =>
		out
			.split('\n')
			.map((l) => /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+) (\S+)\s+(\d+)\s+(\d+) (\S+)\s+(\d+)\s+(\d+) (\S+)\s+(-?[\d.]+)/.exec(l))
			.filter((m): m is RegExpExecArray => m !== null)
			.map((m) => ({ a: m[1], b: m[2], intoA: Number(m[3]), fromA: Number(m[6]), frames: Number(m[9]), bytes: m[11] === 'bytes' ? Number(m[10]) : null, start: Number(m[12]) }));
	// Not compared: damaged files (tshark stops with an error), and lo-snaplen64.pcap, whose SYN has
	// its 20-byte TCP header but its options cut by the snap length: tshark's dissector gives up on
	// it before its conversation tap counts it, this reader counts it.
	it.each(files.filter((f) => !f.startsWith('damaged') && f !== 'lo-snaplen64.pcap'))('%s: TCP and UDP conversations, packets each way, bytes, start', (name) => {
		const an = new CaptureAnalysis();
		const r = new CaptureReader(
			(rec) => an.packet(rec),
			(i) => an.iface(i)
		);
		r.push(readFileSync(join(dir, name)));
		r.end();
		an.finish();
		for (const proto of ['tcp', 'udp'] as const) {
			const out = execFileSync('tshark', ['-r', join(dir, name), '-n', '-q', '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE', '-z', `conv,${proto}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
			const ref = parse(out);
			const ours = an.conversations.filter((c) => c.proto === proto.toUpperCase());
			expect(ours.length, `${name} ${proto}`).toBe(ref.length);
			for (const c of ours) {
				const [ea, eb] = [endpointText(c.a).replace(/^\[(.*)\]/, '$1'), endpointText(c.b).replace(/^\[(.*)\]/, '$1')];
				const row = ref.find((x) => (x.a === ea && x.b === eb) || (x.a === eb && x.b === ea));
				expect(row, `${name}: ${ea} <-> ${eb}`).toBeDefined();
				const aIsA = row!.a === ea;
				expect([c.packets, aIsA ? c.packetsAB : c.packetsBA, aIsA ? c.packetsBA : c.packetsAB], `${name}: ${ea} <-> ${eb}`).toEqual([row!.frames, row!.fromA, row!.intoA]);
				if (row!.bytes !== null) expect(c.bytes).toBe(row!.bytes);
				// tshark gives a Simple Packet Block time 0 and lets time go backwards across interfaces; this reader does neither.
				if (row!.start >= 0 && !name.startsWith('multi-section')) expect(c.first / 1000).toBeCloseTo(row!.start, 5);
			}
		}
	});
});
