/** Conversation replays for the views: names, timeline, windows of a long conversation, notes. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { momentsOf } from '../viz/timeline';
import { CaptureReader } from './reader';
import { CaptureAnalysis, summaryOf } from './analysis';
import { conversationReplay, REPLAY_WINDOW } from './replay';
import { frame, ipPacket, pcapFile } from './synth';
import { TH_ACK, TH_FIN, TH_SYN } from './decode';

function analyse(bytes: Uint8Array) {
	const an = new CaptureAnalysis();
	const r = new CaptureReader(
		(rec) => an.packet(rec),
		(i) => an.iface(i)
	);
	r.push(bytes);
	r.end();
	an.finish();
	return an;
}
const fixture = (n: string) => readFileSync(join(import.meta.dirname, 'fixtures', n));

describe('conversationReplay', () => {
	it('names the ends client and server, starts at 0 ms, keeps time order, places a FIN receipt where it happened', () => {
		const an = analyse(fixture('lo-http.pcapng'));
		const c = an.conversations[0];
		const rep = conversationReplay(summaryOf(c), an.packetsOf(c));
		expect(rep.names).toEqual(['client', 'server']);
		expect(rep.trace.hosts.map((h) => [h.name, h.ip])).toEqual([
			['client', '127.0.0.1'],
			['server', '127.0.0.1']
		]);
		const ev = rep.trace.events;
		expect(ev[0]).toMatchObject({ kind: 'segment', t: 0, from: 'client', to: 'server', flags: ['SYN'] });
		for (let i = 1; i < ev.length; i++) expect(ev[i].t).toBeGreaterThanOrEqual(ev[i - 1].t);
		// The server took the client's FIN in when it arrived (frame 10), shown by its FIN,ACK later.
		const closeWait = ev.find((e) => e.kind === 'state' && e.to === 'CLOSE-WAIT')!;
		const finFromClient = ev.find((e) => e.kind === 'segment' && e.flags.includes('FIN') && e.from === 'client')!;
		expect(closeWait.t).toBe(finFromClient.t);
		// Every event falls on a moment of the player's timeline.
		expect(momentsOf(rep.trace).length).toBeGreaterThan(5);
		expect(rep.anomalies.map((a) => a.kind)).toEqual(['close']);
	});

	it('a conversation with a missing handshake says it started before the capture and that the roles are a guess', () => {
		const an = analyse(fixture('tcp-anomalies.pcap'));
		const c = an.conversations[3];
		const rep = conversationReplay(summaryOf(c), an.packetsOf(c));
		expect(rep.midConnection).toBe(true);
		expect(rep.names).toEqual(['client?', 'server?']);
		expect(rep.notes.join(' ')).toMatch(/middle of this connection/);
		expect(rep.trace.events[1]).toMatchObject({ kind: 'state', from: 'ESTABLISHED', to: 'ESTABLISHED' });
	});

	it('ICMP errors about a UDP flow are shown with it, from the host that sent them', () => {
		const an = analyse(fixture('ip-features.pcap'));
		const probe = an.conversations.find((c) => c.proto === 'UDP' && c.b.port === 33434)!;
		const rep = conversationReplay(summaryOf(probe), an.packetsOf(probe));
		expect(rep.trace.events.map((e) => [e.kind, 'from' in e ? e.from : ''])).toEqual([
			['datagram', 'client'],
			['icmp', '10.0.0.254']
		]);
		expect(rep.trace.hosts.map((h) => h.name)).toEqual(['client', 'server', '10.0.0.254']);
	});

	it('a long conversation is shown in windows; a window after the first starts with both ends\' states', () => {
		const c: [string, number] = ['10.0.0.1', 40000];
		const s: [string, number] = ['10.0.0.2', 80];
		const seg = (i: number, from: [string, number], to: [string, number], flags: number, seq: number, ack: number, len = 0) => ({
			sec: 1000 + Math.floor(i / 1000),
			nsec: (i % 1000) * 1e6,
			data: frame({ type: 'ethernet' }, ipPacket({ src: from[0], dst: to[0], l4: { proto: 'tcp', sport: from[1], dport: to[1], seq, ack, flags, window: 1000, payload: new Uint8Array(len) } }))
		});
		const list = [seg(0, c, s, TH_SYN, 0, 0), seg(1, s, c, TH_SYN | TH_ACK, 0, 1), seg(2, c, s, TH_ACK, 1, 1)];
		for (let i = 0; i < 1000; i++) list.push(seg(3 + i, c, s, TH_ACK, 1 + i * 10, 1, 10));
		list.push(seg(2000, c, s, TH_FIN | TH_ACK, 10001, 1));
		const an = analyse(pcapFile(list, { linkType: 1 }));
		const conv = an.conversations[0];
		const first = conversationReplay(summaryOf(conv), an.packetsOf(conv), 0);
		expect(first.window).toMatchObject({ index: 0, start: 0, end: REPLAY_WINDOW, total: 1004, count: 3 });
		expect(first.notes.join(' ')).toMatch(/1,004 packets; the views show 400 at a time \(window 1 of 3\)/);
		const last = conversationReplay(summaryOf(conv), an.packetsOf(conv), 99);
		expect(last.window).toMatchObject({ index: 2, start: 800, end: 1004 });
		expect(last.trace.events.slice(0, 2)).toMatchObject([
			{ kind: 'state', host: 'client', from: 'ESTABLISHED', to: 'ESTABLISHED' },
			{ kind: 'state', host: 'server', from: 'ESTABLISHED', to: 'ESTABLISHED' }
		]);
		expect(last.trace.events.filter((e) => e.kind === 'segment')).toHaveLength(204);
	});

	it('the page\'s sample captures are the committed fixtures', () => {
		const samples = join(import.meta.dirname, '../../../static/captures');
		for (const f of readdirSync(samples)) expect(readFileSync(join(samples, f)).equals(fixture(f)), f).toBe(true);
	});
});
