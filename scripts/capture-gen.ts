/**
 * Writes a large synthetic capture for the benchmarks (generated at bench time, never
 * committed): pcap, Ethernet, microsecond timestamps, a deterministic mix of traffic.
 *
 * - TCP connections (most packets): handshake, a request, a response in MSS-sized segments with
 *   an ACK every second segment, then the client's close; about 1 % of data segments are sent
 *   twice (retransmissions) and 0.5 % of connections end with a RST;
 * - DNS-like UDP query/response pairs and ICMP echo pairs in between.
 *
 * `payload` sets the size of data segments, so the same packet count can be a 200 MB file or a
 * 1 GB one.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createRng } from '../src/lib/sim/prng';
import { TH_ACK, TH_FIN, TH_PSH, TH_RST, TH_SYN } from '../src/lib/capture/decode';
import { frame, ipPacket, type L4Spec } from '../src/lib/capture/synth';

export interface GenOptions {
	/** Stop after this many packets (default 1 000 000). */
	packets?: number;
	/** Stop once the file reaches this many bytes (default: no limit). */
	bytes?: number;
	/** Largest TCP data segment, bytes (default 1448). */
	mss?: number;
	/** Largest response, bytes (default 6000). */
	maxResponse?: number;
	seed?: number;
}

/** Generate the capture at `path`. Returns its packet count and size in bytes. */
export function generateCapture(path: string, opts: GenOptions = {}): { packets: number; bytes: number; connections: number } {
	const maxPackets = opts.packets ?? 1_000_000;
	const maxBytes = opts.bytes ?? Infinity;
	const mss = opts.mss ?? 1448;
	const maxResponse = opts.maxResponse ?? 6000;
	const rng = createRng(opts.seed ?? 7);
	const fd = openSync(path, 'w');
	const CHUNK = 4 << 20;
	let buf = Buffer.alloc(CHUNK);
	let used = 0;
	let total = 0;
	let count = 0;
	let connections = 0;
	// Virtual clock, µs since 2024-03-01 12:00:00 UTC.
	let now = 1709294400 * 1e6;
	const flush = () => {
		writeSync(fd, buf, 0, used);
		used = 0;
	};
	const put = (bytes: Uint8Array) => {
		const need = 16 + bytes.length;
		if (used + need > buf.length) flush();
		if (need > buf.length) buf = Buffer.alloc(need * 2);
		const sec = Math.floor(now / 1e6);
		buf.writeUInt32LE(sec, used);
		buf.writeUInt32LE(now - sec * 1e6, used + 4);
		buf.writeUInt32LE(bytes.length, used + 8);
		buf.writeUInt32LE(bytes.length, used + 12);
		buf.set(bytes, used + 16);
		used += need;
		total += need;
		count++;
	};
	// File header (draft-ietf-opsawg-pcap §4): little-endian, µs, Ethernet.
	const head = Buffer.alloc(24);
	head.writeUInt32LE(0xa1b2c3d4, 0);
	head.writeUInt16LE(2, 4);
	head.writeUInt16LE(4, 6);
	head.writeUInt32LE(262144, 16);
	head.writeUInt32LE(1, 20);
	buf.set(head, 0);
	used = 24;
	total = 24;
	const payloads = new Map<number, Uint8Array>();
	const payload = (n: number) => {
		let p = payloads.get(n);
		if (!p) payloads.set(n, (p = new Uint8Array(n).fill(0x61)));
		return p;
	};
	const done = () => count >= maxPackets || total >= maxBytes;
	const send = (src: string, dst: string, l4: L4Spec, gapUs: number) => {
		now += gapUs;
		put(frame({ type: 'ethernet' }, ipPacket({ src, dst, ttl: 64, df: l4.proto === 'tcp', l4 })));
	};
	let port = 32768;
	while (!done()) {
		const kind = rng.int(100);
		const client = `10.${rng.int(4)}.${rng.int(250)}.${1 + rng.int(250)}`;
		const server = `192.0.2.${1 + rng.int(50)}`;
		if (kind < 8) {
			// A DNS-like exchange over UDP.
			const sport = 1024 + rng.int(60000);
			send(client, server, { proto: 'udp', sport, dport: 53, payload: payload(32 + rng.int(40)) }, 50 + rng.int(500));
			if (!done()) send(server, client, { proto: 'udp', sport: 53, dport: sport, payload: payload(60 + rng.int(200)) }, 300 + rng.int(3000));
			continue;
		}
		if (kind < 10) {
			const id = rng.int(65536);
			const rest = (seq: number) => new Uint8Array([id >> 8, id & 0xff, seq >> 8, seq & 0xff]);
			send(client, server, { proto: 'icmp', type: 8, code: 0, rest: rest(1), payload: payload(56) }, 100 + rng.int(1000));
			if (!done()) send(server, client, { proto: 'icmp', type: 0, code: 0, rest: rest(1), payload: payload(56) }, 200 + rng.int(2000));
			continue;
		}
		connections++;
		port = port >= 60999 ? 32768 : port + 1;
		const cp = port;
		const sp = rng.int(4) === 0 ? 443 : 80;
		let cs = rng.u32();
		let ss = rng.u32();
		const tcp = (from: 'c' | 's', flags: number, len: number, gap: number) => {
			if (done()) return;
			const [src, dst, sport, dport, seq, ack] = from === 'c' ? [client, server, cp, sp, cs, ss] : [server, client, sp, cp, ss, cs];
			send(src, dst, { proto: 'tcp', sport, dport, seq: seq >>> 0, ack: flags & TH_ACK ? ack >>> 0 : 0, flags, window: 502, payload: len ? payload(len) : undefined }, gap);
			const adv = len + (flags & (TH_SYN | TH_FIN) ? 1 : 0);
			if (from === 'c') cs = (cs + adv) >>> 0;
			else ss = (ss + adv) >>> 0;
		};
		tcp('c', TH_SYN, 0, 20 + rng.int(300));
		tcp('s', TH_SYN | TH_ACK, 0, 200 + rng.int(2000));
		tcp('c', TH_ACK, 0, 200 + rng.int(2000));
		tcp('c', TH_PSH | TH_ACK, 80 + rng.int(300), 10 + rng.int(100));
		let left = 200 + rng.int(maxResponse);
		let n = 0;
		while (left > 0 && !done()) {
			const len = Math.min(mss, left);
			tcp('s', TH_ACK | (left <= mss ? TH_PSH : 0), len, 20 + rng.int(200));
			if (rng.int(100) === 0) {
				// The same segment again: a retransmission.
				ss = (ss - len) >>> 0;
				tcp('s', TH_ACK, len, 200_000);
			}
			left -= len;
			if (++n % 2 === 0 || left <= 0) tcp('c', TH_ACK, 0, 10 + rng.int(100));
		}
		if (rng.int(200) === 0) {
			tcp('c', TH_RST | TH_ACK, 0, 100 + rng.int(1000));
			continue;
		}
		tcp('c', TH_FIN | TH_ACK, 0, 100 + rng.int(1000));
		tcp('s', TH_FIN | TH_ACK, 0, 200 + rng.int(2000));
		tcp('c', TH_ACK, 0, 200 + rng.int(2000));
	}
	flush();
	closeSync(fd);
	return { packets: count, bytes: total, connections };
}
