/**
 * `npm run replay -- FILE [--json]`, run in-process: the readable log, the JSON trace, and the
 * one-line failures (not a capture, unsupported link type) and warnings (damage) it promises.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from './replay';
import { pcapFile, frame, ipPacket } from '../src/lib/capture/synth';
import { hasTshark, tsharkTcp } from '../src/lib/capture/tshark.testkit';
import type { Trace } from '../src/lib/sim/trace';

const fixtures = join(import.meta.dirname, '../src/lib/capture/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'portlab-replay-'));

async function run(...argv: string[]) {
	let out = '';
	let err = '';
	const code = await main(argv, {
		out: (t) => {
			out += t;
			return true;
		},
		err: (t) => {
			err += t;
		}
	});
	return { code, out, err };
}

describe('npm run replay', () => {
	it('prints the readable log: packets, inferred states, conversations with anomalies', async () => {
		const { code, out, err } = await run(join(fixtures, 'lo-http.pcapng'));
		expect(code).toBe(0);
		expect(err).toBe('');
		expect(out).toMatch(/^# capture .*lo-http\.pcapng: pcapng 1\.0, little-endian/);
		expect(out).toContain('127.0.0.1:52504 > 127.0.0.1:18080  [SYN] seq=1727653859 ack=0 len=0 win=65495');
		expect(out).toContain('127.0.0.1:52504>127.0.0.1:18080 FIN-WAIT-1 -> TIME-WAIT (rcv FIN,ACK: snd ACK)');
		expect(out).toMatch(/# TCP stream 0: 127\.0\.0\.1:52504 <-> 127\.0\.0\.1:18080 {2}12 packets, 1382 bytes {2}A TIME-WAIT \/ B CLOSED/);
		expect(out).toMatch(/frame 10: \[close\] .*holds TIME-WAIT/);
	});

	it('--json: a trace with one host per address, one event per packet in capture order, and both ends\' states', async () => {
		const { code, out } = await run(join(fixtures, 'lo-refused.pcap'), '--json');
		expect(code).toBe(0);
		const trace = JSON.parse(out) as Trace & { capture: { conversations: unknown[] } };
		expect(trace.hosts.map((h) => h.name)).toEqual(['127.0.0.1', '::1']);
		const segs = trace.events.filter((e) => e.kind === 'segment');
		expect(segs.map((e) => (e.kind === 'segment' ? [e.src.port, e.dst.port, e.flags.join(','), e.seq, e.ack, e.len] : null))).toEqual([
			[47200, 18009, 'SYN', 906003842, 0, 0],
			[18009, 47200, 'RST,ACK', 0, 906003843, 0],
			[53502, 18009, 'SYN', 239680062, 0, 0],
			[18009, 53502, 'RST,ACK', 0, 239680063, 0]
		]);
		const states = trace.events.filter((e) => e.kind === 'state');
		expect(states.map((e) => (e.kind === 'state' ? `${e.socket} ${e.from}->${e.to}` : ''))).toEqual([
			'127.0.0.1:47200>127.0.0.1:18009 CLOSED->SYN-SENT',
			'127.0.0.1:47200>127.0.0.1:18009 SYN-SENT->CLOSED',
			'[::1]:53502>[::1]:18009 CLOSED->SYN-SENT',
			'[::1]:53502>[::1]:18009 SYN-SENT->CLOSED'
		]);
		for (let i = 1; i < trace.events.length; i++) expect(trace.events[i].t).toBeGreaterThanOrEqual(trace.events[i - 1].t);
		expect(trace.capture.conversations).toHaveLength(2);
	});

	it('--json on a capture with UDP and ICMP: datagram and icmp events, the ICMP error quoting the datagram', async () => {
		const { out } = await run(join(fixtures, 'lo-udp-closed-ns.pcap'), '--json');
		const trace = JSON.parse(out) as Trace;
		expect(trace.events.map((e) => e.kind)).toEqual(['datagram', 'icmp', 'datagram', 'icmp']);
		const icmp = trace.events[1];
		expect(icmp).toMatchObject({ kind: 'icmp', type: 3, code: 3, quoted: { proto: 'UDP', src: { port: 56139 }, dst: { port: 18053 } } });
		expect(trace.events[3]).toMatchObject({ kind: 'icmp', type: 1, code: 4, icmpv6: true });
	});

	it("--json segments equal tshark's TCP fields for every fixture", async () => {
		expect(hasTshark()).toBe(true);
		for (const name of ['any-http-sll.pcap', 'tcp-anomalies.pcap', 'multi-section.pcapng', 'eth-vlan.pcap']) {
			const { out } = await run(join(fixtures, name), '--json');
			const segs = (JSON.parse(out) as Trace).events.filter((e) => e.kind === 'segment');
			const bits = { SYN: 2, FIN: 1, RST: 4, PSH: 8, ACK: 16 } as const;
			const ours = segs.map((e) => (e.kind === 'segment' ? { sport: e.src.port, dport: e.dst.port, flags: e.flags.reduce((f, n) => f | bits[n], 0), seq: e.seq, ack: e.ack, len: e.len } : null));
			expect(ours, name).toEqual(tsharkTcp(join(fixtures, name)));
		}
	});

	it('a gzip-compressed capture is read as it is', async () => {
		const gz = join(tmp, 'http.pcapng.gz');
		writeFileSync(gz, gzipSync(readFileSync(join(fixtures, 'lo-http.pcapng'))));
		const { code, out } = await run(gz);
		expect(code).toBe(0);
		expect(out).toMatch(/12 packets \(12 TCP/);
	});

	it('damaged gzip: a cut-off member keeps the packets before the cut (exit 0); garbage after the gzip magic is one line (exit 1)', async () => {
		const whole = gzipSync(readFileSync(join(fixtures, 'tcp-anomalies.pcap')));
		const cut = join(tmp, 'cut.pcap.gz');
		writeFileSync(cut, whole.subarray(0, 900));
		const r = await run(cut);
		expect(r.code).toBe(0);
		expect(r.err).toMatch(/record \d+: the file starts like gzip but its compressed data is damaged \(.+\): the file could not be read past here/);
		expect(r.err).toMatch(/kept the \d+ packets before the damage/);
		const bad = join(tmp, 'bad.pcap.gz');
		writeFileSync(bad, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x63]), Buffer.alloc(64, 0x55)]));
		const b = await run(bad);
		expect(b.code).toBe(1);
		expect(b.err.trim().split('\n')).toHaveLength(1);
		expect(b.err).toMatch(/The file starts like gzip but its compressed data is damaged/);
	});

	it('a damaged file keeps the packets before the damage and warns on stderr with the record number (exit 0)', async () => {
		const cut = await run(join(fixtures, 'damaged-truncated.pcap'));
		expect(cut.code).toBe(0);
		expect(cut.err).toMatch(/record 8: the file ends \d+ bytes into the next packet record/);
		expect(cut.out).toMatch(/# 7 packets/);
		const block = await run(join(fixtures, 'damaged-blocklen.pcapng'), '--json');
		expect(block.code).toBe(0);
		expect(block.err).toMatch(/record 6: block at byte \d+ .* has length 1234567/);
		expect((JSON.parse(block.out) as Trace).events.filter((e) => e.kind === 'segment')).toHaveLength(5);
		const snap = await run(join(fixtures, 'lo-snaplen64.pcap'));
		expect(snap.code).toBe(0);
		expect(snap.err).toMatch(/record 3: the snap length \(64\) is shorter than this packet's headers/);
	});

	it('not a capture: exit 1 with one line, no stack trace', async () => {
		const notCap = join(tmp, 'notes.txt');
		writeFileSync(notCap, 'just some text\n');
		const r = await run(notCap);
		expect(r.code).toBe(1);
		expect(r.out).toBe('');
		expect(r.err.trim().split('\n')).toHaveLength(1);
		expect(r.err).toMatch(/Not a pcap or pcapng capture.*looks like text/);
		const missing = await run(join(tmp, 'nope.pcap'));
		expect(missing.code).toBe(1);
		expect(missing.err.trim().split('\n')).toHaveLength(1);
		expect(missing.err).toMatch(/cannot read/);
	});

	it('unsupported link type: exit 1 with one line naming it', async () => {
		const wifi = join(tmp, 'wifi.pcap');
		writeFileSync(wifi, pcapFile([{ sec: 1, nsec: 0, data: new Uint8Array(40) }], { linkType: 105 }));
		const r = await run(wifi);
		expect(r.code).toBe(1);
		expect(r.err.trim().split('\n')).toHaveLength(1);
		expect(r.err).toMatch(/unsupported link type IEEE 802\.11 Wi-Fi \(105\)/);
		// Nothing on stdout: no half JSON document for a program reading it.
		const j = await run(wifi, '--json');
		expect(j.code).toBe(1);
		expect(j.out).toBe('');
	});

	it('a capture larger than one read chunk: the log starts with its header and the JSON parses whole', async () => {
		const big = join(tmp, 'big.pcap');
		const one = (n: number) => frame({ type: 'raw' }, ipPacket({ src: '10.0.0.1', dst: '10.0.0.2', l4: { proto: 'udp', sport: 40000 + (n % 7), dport: 53, payload: new Uint8Array(1000) } }));
		writeFileSync(big, pcapFile(Array.from({ length: 3000 }, (_, n) => ({ sec: 1 + n, nsec: 0, data: one(n) })), { linkType: 101 }));
		const text = await run(big);
		expect(text.code).toBe(0);
		expect(text.out).toMatch(/^# capture .*big\.pcap: pcap 2\.4/);
		expect(text.out.match(/^# capture /gm)).toHaveLength(1);
		expect(text.out).toMatch(/# 3000 packets \(0 TCP, 3000 UDP/);
		const j = await run(big, '--json');
		const trace = JSON.parse(j.out) as Trace;
		expect(trace.events.filter((e) => e.kind === 'datagram')).toHaveLength(3000);
	});

	it('usage errors exit 2', async () => {
		expect((await run()).code).toBe(2);
		expect((await run('--frobnicate', 'x')).code).toBe(2);
		const ok = join(tmp, 'ok.pcap');
		writeFileSync(ok, pcapFile([{ sec: 1, nsec: 0, data: frame({ type: 'raw' }, ipPacket({ src: '10.0.0.1', dst: '10.0.0.2', l4: { proto: 'udp', sport: 1, dport: 2 } })) }], { linkType: 101 }));
		expect((await run(ok, ok)).code).toBe(2);
		expect((await run(ok)).code).toBe(0);
	});
});
