/**
 * Capture replay benchmark (part of `npm run bench`; prints figures, asserts nothing).
 *
 * Generates a 1,000,000-packet capture (scripts/capture-gen.ts) in a temporary directory, then
 * times, on that same file in the same run:
 *   - this project's replay: read (pcap), decode every packet, count conversations and replay
 *     every TCP connection through the RFC 9293 inference (what `npm run replay` does, without
 *     printing), best and median of three runs, wall time and CPU time;
 *   - `tshark -r FILE -T fields -e tcp.seq` (Wireshark's dissection with TCP analysis), wall
 *     time and CPU time (its children's CPU time from /proc), or a note when tshark is missing.
 * The file is deleted afterwards.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCapture } from './capture-gen';
import { CaptureReader } from '../src/lib/capture/reader';
import { CaptureAnalysis } from '../src/lib/capture/analysis';

const PACKETS = 1_000_000;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function replayOnce(file: string): Promise<{ wall: number; cpu: number; packets: number; conversations: number }> {
	const t0 = performance.now();
	const c0 = process.cpuUsage();
	const an = new CaptureAnalysis({ storeBudget: 0 });
	const reader = new CaptureReader(
		(rec) => an.packet(rec),
		(i) => an.iface(i)
	);
	for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
		if (!reader.push(chunk as Buffer)) break;
	}
	reader.end();
	an.finish();
	const c = process.cpuUsage(c0);
	return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, packets: reader.packets, conversations: an.conversations.length };
}

function tshark(file: string): { wall: number; cpu: number } | null {
	if (spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status !== 0) return null;
	// The shell waits for tshark, so its cutime/cstime (fields 16 and 17 of /proc/$$/stat) are tshark's CPU time.
	const script = 'tshark -r "$1" -T fields -e tcp.seq > /dev/null 2>&1; cat /proc/$$/stat; getconf CLK_TCK';
	const t0 = performance.now();
	const r = spawnSync('sh', ['-c', script, 'sh', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
	const wall = (performance.now() - t0) / 1000;
	const [stat, tck] = r.stdout.trim().split('\n');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// After the ")" field 3 is index 0, so cutime (16) and cstime (17) are indexes 13 and 14.
	const cpu = (Number(fields[13]) + Number(fields[14])) / Number(tck || 100);
	return { wall, cpu };
}

const dir = mkdtempSync(join(tmpdir(), 'portlab-bench-'));
const file = join(dir, 'bench-1m.pcap');
try {
	const g0 = performance.now();
	const gen = generateCapture(file, { packets: PACKETS, mss: 536, maxResponse: 3000 });
	console.log(`capture: generated ${fmt(gen.packets)} packets (${fmt(gen.bytes / 1e6, 1)} MB, ${fmt(gen.connections)} TCP connections) in ${fmt((performance.now() - g0) / 1000, 1)} s`);
	await replayOnce(file); // warm-up
	const runs = [await replayOnce(file), await replayOnce(file), await replayOnce(file)].sort((a, b) => a.wall - b.wall);
	const best = runs[0];
	const median = runs[1];
	console.log(
		`capture: replay (read, decode, conversations, TCP state inference) ${fmt(best.packets / best.wall)} packets/s (best of 3: ${fmt(best.wall, 2)} s wall, ${fmt(best.cpu, 2)} s CPU; median ${fmt(median.packets / median.wall)} packets/s; ${fmt(best.conversations)} conversations)`
	);
	const ts = tshark(file);
	if (!ts) console.log('capture: tshark is not installed (apt-get install tshark): no comparison');
	else {
		console.log(`capture: tshark -r FILE -T fields -e tcp.seq ${fmt(gen.packets / ts.wall)} packets/s (${fmt(ts.wall, 2)} s wall, ${fmt(ts.cpu, 2)} s CPU)`);
		console.log(`capture: replay / tshark speed = ${fmt(ts.wall / best.wall, 1)}× (wall), ${fmt(ts.cpu / best.cpu, 1)}× (CPU) (goal: at least 1×)`);
	}
} finally {
	rmSync(dir, { recursive: true, force: true });
}
