/**
 * State inference from captures: against the simulator itself (every scenario of the course,
 * exported as pcapng, must be inferred with the states the engine went through), and against
 * captures with known anomalies.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../sim/scenario/index';
import { OS_PRESETS, type OsPresetId } from '../sim/os';
import { tracePcapng } from './export';
import { CaptureReader } from './reader';
import { CaptureAnalysis, summaryOf, type Conversation } from './analysis';
import type { InferredState } from './infer';

const root = join(import.meta.dirname, '../../..');
function scenarioFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? scenarioFiles(join(dir, e.name)) : e.name.endsWith('.scn') ? [join(dir, e.name)] : []));
}
const scenarios = [...scenarioFiles(join(root, 'content/scenarios')), ...scenarioFiles(join(root, 'content/lessons'))];

function analyse(bytes: Uint8Array, onState?: (e: InferredState, c: Conversation) => void) {
	const an = new CaptureAnalysis({ onState });
	const reader = new CaptureReader(
		(rec) => an.packet(rec),
		(i) => an.iface(i)
	);
	reader.push(bytes);
	reader.end();
	an.finish();
	return an;
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; other addresses unchanged. */
const unmap = (ip: string) => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');

describe('inference agrees with the simulator', () => {
	it.each(scenarios.map((f) => [f.slice(root.length + 1), f]))('%s', (_, file) => {
		const run = runScenario(readFileSync(file, 'utf8'));
		expect(run.ok).toBe(true);
		if (!run.ok) return;
		const trace = run.trace;
		// A capture sees packets, not what a NAT or a loss did to them further on, not a listener's
		// queues (a SYN flood's spoofed SYNs, SYN cookies: queue events), and not a tcp_tw_reuse
		// takeover (the TIME-WAIT socket ends with no packet of its own): those runs are checked
		// for readability only.
		const exact = !trace.events.some(
			(e) =>
				e.kind === 'nat' ||
				e.kind === 'queue' ||
				(e.kind === 'state' && e.from === 'TIME-WAIT' && e.cause.includes('tcp_tw_reuse')) ||
				('arrivedAt' in e && e.arrivedAt === null) ||
				('translated' in e && e.translated)
		);
		const inferred = new Map<string, string[]>();
		const an = analyse(tracePcapng(trace), (e, c) => {
			if (e.from === e.to) return;
			const local = e.side === 0 ? c.a : c.b;
			const remote = e.side === 0 ? c.b : c.a;
			const k = `${local.ip}:${local.port}>${remote.ip}:${remote.port}`;
			inferred.set(k, [...(inferred.get(k) ?? []), e.to]);
		});
		expect(an.stats.packets).toBe(trace.events.filter((e) => e.kind === 'segment' || e.kind === 'datagram' || e.kind === 'icmp').length);
		if (!exact) return;
		const osOf = new Map(trace.hosts.map((h) => [h.name, h.os]));
		let compared = 0;
		const sim = new Map<string, { host: string; states: string[] }>();
		for (const e of trace.events) {
			if (e.kind !== 'state' || e.remote.port === 0) continue;
			// A timer's expiry (TIME-WAIT's 2×MSL) leaves no packet: a capture cannot show it.
			if (e.to === 'CLOSED' && /timeout|MSL/i.test(e.cause)) continue;
			// A dual-stack listener's IPv4 child shows IPv4-mapped addresses (::ffff:a.b.c.d) to its
			// program (RFC 3493 §3.7); on the wire, and in a capture, they are plain IPv4.
			const k = `${unmap(e.local.ip)}:${e.local.port}>${unmap(e.remote.ip)}:${e.remote.port}`;
			const s = sim.get(k) ?? { host: e.host, states: [] };
			s.states.push(e.to);
			sim.set(k, s);
		}
		for (const [k, s] of sim) {
			let got = inferred.get(k) ?? [];
			// A RST in TIME-WAIT: FreeBSD ignores it (RFC 1337), Linux closes; the capture shows only the RST.
			const preset = OS_PRESETS[osOf.get(s.host) as OsPresetId];
			if (preset?.rstInTimeWait === 'ignore' && got.at(-1) === 'CLOSED' && got.at(-2) === 'TIME-WAIT' && s.states.at(-1) === 'TIME-WAIT') got = got.slice(0, -1);
			expect(got, `${file}: ${k}`).toEqual(s.states);
			compared++;
		}
		expect(compared).toBe(sim.size);
	});
});

describe('known captures', () => {
	const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name));

	it('the loopback HTTP exchange: handshake, data, the client closes first and holds TIME-WAIT', () => {
		const seen: string[] = [];
		const an = analyse(fixture('lo-http.pcapng'), (e) => seen.push(`${e.side === 0 ? 'client' : 'server'} ${e.from}->${e.to}`));
		expect(seen).toEqual([
			'client CLOSED->SYN-SENT',
			'server LISTEN->SYN-RECEIVED',
			'client SYN-SENT->ESTABLISHED',
			'server SYN-RECEIVED->ESTABLISHED',
			'client ESTABLISHED->FIN-WAIT-1',
			'server ESTABLISHED->CLOSE-WAIT',
			'server CLOSE-WAIT->LAST-ACK',
			'client FIN-WAIT-1->TIME-WAIT',
			'server LAST-ACK->CLOSED'
		]);
		const s = summaryOf(an.conversations[0]);
		expect(s.states).toEqual(['TIME-WAIT', 'CLOSED']);
		expect(s.firstCloser).toBe(0);
		expect(an.conversations[0].anomalies.map((a) => a.kind)).toEqual(['close']);
		expect(an.conversations[0].anomalies[0].message).toMatch(/52504 closed first.*holds TIME-WAIT/);
	});

	it('a refused connection: RST,ACK answers the SYN, the client gets ECONNREFUSED', () => {
		const an = analyse(fixture('lo-refused.pcap'));
		expect(an.conversations).toHaveLength(2);
		for (const c of an.conversations) {
			expect(summaryOf(c).states).toEqual(['CLOSED', null]);
			expect(c.anomalies.map((a) => [a.kind, a.frame])).toEqual([['rst', c.firstFrame + 1]]);
			expect(c.anomalies[0].message).toMatch(/nothing listens on port 18009.*ECONNREFUSED/);
		}
	});

	it('two interfaces capturing the same packets: the copies are counted but replayed once', () => {
		const an = analyse(fixture('two-interfaces.pcapng'));
		const c = an.conversations[0];
		expect([c.packets, c.duplicates]).toEqual([4, 2]);
		expect(c.anomalies.map((a) => a.kind)).toEqual(['rst']);
	});

	it('tcp-anomalies.pcap: each conversation shows its anomaly and its final states', () => {
		const an = analyse(fixture('tcp-anomalies.pcap'));
		const kinds = an.conversations.map((c) => [...new Set(c.anomalies.map((a) => a.kind))]);
		const states = an.conversations.map((c) => summaryOf(c).states);
		expect(kinds[0]).toEqual(['retransmission', 'dup-ack', 'fast-retransmission', 'close']);
		expect(states[0]).toEqual(['TIME-WAIT', 'CLOSED']);
		expect(kinds[1]).toEqual(['not-captured', 'out-of-order', 'zero-window', 'zero-window-probe', 'out-of-window']);
		expect(kinds[2]).toEqual(['retransmission', 'syn-unanswered']);
		expect(states[2]).toEqual(['SYN-SENT', null]);
		expect(an.conversations[2].anomalies.find((a) => a.kind === 'syn-unanswered')!.message).toMatch(/sent 3 times over 3\.0 s.*ETIMEDOUT/);
		expect(kinds[3]).toEqual(['mid-connection', 'rst']);
		expect(an.conversations[3].anomalies[1].message).toMatch(/aborted/);
		expect(summaryOf(an.conversations[3]).midConnection).toBe(true);
		expect(kinds[4]).toEqual(['mid-connection', 'half-open', 'rst']);
		expect(kinds[5]).toEqual(['close']);
		expect(states[5]).toEqual(['CLOSE-WAIT', 'FIN-WAIT-2']);
		expect(an.conversations[5].anomalies[0].message).toMatch(/CLOSE-WAIT: a leak/);
		expect(kinds[6]).toEqual(['rst']);
		expect(an.conversations[6].anomalies[0].message).toMatch(/ECONNREFUSED/);
		expect(kinds[7]).toEqual(['out-of-window']);
		expect(kinds[8]).toEqual(['close']);
		expect(states[8]).toEqual(['TIME-WAIT', 'TIME-WAIT']);
		expect(an.conversations[8].anomalies[0].message).toMatch(/Simultaneous close/);
	});

	it('a capture starting mid-connection does not check windows (the scale is unknown)', () => {
		const an = analyse(fixture('tcp-anomalies.pcap'));
		expect(an.conversations[3].inference!.scaleKnown).toBe(false);
		expect(an.conversations[1].inference!.scaleKnown).toBe(true);
	});
});
