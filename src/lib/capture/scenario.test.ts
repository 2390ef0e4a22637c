/**
 * "Open in playground": every conversation of every fixture becomes a scenario that parses,
 * runs, and replays the captured packets with their fields and timing.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../sim/scenario/index';
import { decodeShare, encodeShare } from '../present/share';
import { CaptureReader } from './reader';
import { CaptureAnalysis, summaryOf } from './analysis';
import { conversationReplay } from './replay';
import { conversationScenario, MAX_SCENARIO_CHARS } from './scenario';
import { TH_ACK } from './decode';
import { traceFlags } from './replay';

const dir = join(import.meta.dirname, 'fixtures');
const files = readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f) && !f.startsWith('damaged'));

function conversations(name: string) {
	const an = new CaptureAnalysis();
	const r = new CaptureReader(
		(rec) => an.packet(rec),
		(i) => an.iface(i)
	);
	r.push(readFileSync(join(dir, name)));
	r.end();
	an.finish();
	return an.conversations.map((c) => {
		const s = summaryOf(c);
		const packets = an.packetsOf(c);
		return { s, packets, rep: conversationReplay(s, packets) };
	});
}

describe('conversation → scenario', () => {
	it.each(files)('%s: every conversation runs as a scenario with the captured packets', (name) => {
		for (const { s, packets, rep } of conversations(name)) {
			const sc = conversationScenario(s, packets, rep.names, name);
			const own = packets.filter((p) => !p.duplicate && !p.related);
			if (sc === null) {
				// Only flows of ICMP errors have nothing to send.
				expect(s.proto === 'ICMP' || s.proto === 'ICMPv6').toBe(true);
				expect(own.every((p) => p.icmpId < 0)).toBe(true);
				continue;
			}
			expect(sc.text.length).toBeLessThanOrEqual(MAX_SCENARIO_CHARS);
			const run = runScenario(sc.text);
			expect(run.ok, `${name} stream ${s.stream}: ${run.ok ? '' : JSON.stringify(run.errors)}`).toBe(true);
			if (!run.ok) continue;
			// Shareable as a playground link.
			const link = decodeShare(`#${encodeShare({ text: sc.text, seed: null, step: 0 })}`);
			expect(link.ok && link.demo.text).toBe(sc.text);
			const sent = run.trace.events.filter((e) => e.kind === 'segment' || e.kind === 'datagram');
			if (s.proto === 'TCP') {
				expect(sc.included).toBe(own.length);
				expect(
					sent.map((e) => (e.kind === 'segment' ? [Math.round(e.t * 1000) / 1000, e.src.port, e.dst.port, e.flags.join(), e.seq, e.flags.includes('ACK') ? e.ack : 0, e.len, e.wnd] : null))
				).toEqual(own.map((p) => [Math.round((p.t - own[0].t) * 1000) / 1000, p.src.port, p.dst.port, traceFlags(p.flags).join(), p.seq, p.flags & TH_ACK ? p.ack : 0, p.len, p.win]));
			} else if (s.proto === 'UDP') {
				expect(sent.map((e) => (e.kind === 'datagram' ? [e.src.port, e.dst.port, e.len] : null))).toEqual(own.map((p) => [p.src.port, p.dst.port, p.len]));
			} else {
				const requests = run.trace.events.filter((e) => e.kind === 'icmp' && e.type === 8);
				expect(requests.length).toBe(own.filter((p) => p.icmpType === 8 || p.icmpType === 128).length);
			}
		}
	});

	it('a UDP datagram answered by ICMP port unreachable leaves the port unbound, so the scenario answers the same way', () => {
		const conv = conversations('lo-udp-closed-ns.pcap').find((c) => c.s.proto === 'UDP')!;
		const sc = conversationScenario(conv.s, conv.packets, conv.rep.names, 'x')!;
		expect(sc.text).toMatch(/Nothing is bound on server's port 18053/);
		const run = runScenario(sc.text);
		expect(run.ok && run.trace.events.some((e) => e.kind === 'icmp' && e.type === 3 && e.code === 3)).toBe(true);
	});

	it('loopback ends get distinct addresses, IPv6 ends are mapped to IPv4, and the scenario says so', () => {
		const v4 = conversations('lo-http.pcapng')[0];
		expect(conversationScenario(v4.s, v4.packets, v4.rep.names, 'x')!.text).toMatch(/Both ends were 127\.0\.0\.1.*127\.0\.0\.2/);
		const v6 = conversations('lo-refused.pcap')[1];
		expect(conversationScenario(v6.s, v6.packets, v6.rep.names, 'x')!.text).toMatch(/Scenarios are IPv4: ::1 is 10\.0\.0\.1/);
	});
});
