import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from '$lib/sim/scenario';
import type { CallEvent, Trace, TraceEvent } from '$lib/sim/trace';
import { Narrator, arrivalLine, clipMoment, hopLine, narrateTrace } from './narration';

const CONTENT = fileURLToPath(new URL('../../../content', import.meta.url));

function scenarioFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...scenarioFiles(path));
		else if (name.endsWith('.scn')) out.push(path);
	}
	return out.sort();
}

/** The defects issue 10 found in the narration, each with a pattern that must not match. */
const DEFECTS: [string, RegExp][] = [
	['a drop reason used as an adjective ("It is firewall on the way")', /\bIt is (?!lost\b)\w+ on the way/],
	['raw tool output as call arguments ("calls hop( 3 …")', /\(\s|\s\)|calls (hop|probe|done|recv)\(/],
	['column padding (runs of spaces)', / {2}/],
	['"read(0 bytes)" style call text', /read\(\d/],
	['an empty or unknown value', /\b(undefined|null|NaN|\[object Object\])\b/]
];

const files = scenarioFiles(CONTENT);

describe('the narration of every content scenario', () => {
	it('finds the scenarios', () => {
		expect(files.length).toBeGreaterThanOrEqual(30);
	});

	it.each(files.map((f) => [relative(CONTENT, f), f]))('%s reads as plain English, names its sockets, and reads return bytes', (_, file) => {
		const r = runScenario(readFileSync(file, 'utf8'));
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const trace = r.trace;
		const sockets = new Set<string>();
		for (const e of trace.events) if ('socket' in e && typeof e.socket === 'string') sockets.add(e.socket);
		const lines = narrateTrace(trace);
		// Every event but port allocations is narrated; a window event only when its numbers changed.
		const windowKey = (e: TraceEvent) => (e.kind === 'window' ? `${e.inFlight}|${e.sndWnd}|${e.cwnd}|${e.ssthresh}` : '');
		const last = new Map<string, string>();
		const changed = trace.events.filter((e) => {
			if (e.kind === 'port') return false;
			if (e.kind !== 'window') return true;
			const same = last.get(`${e.host}|${e.socket}`) === windowKey(e);
			last.set(`${e.host}|${e.socket}`, windowKey(e));
			return !same;
		});
		expect(lines.filter((l) => l.event).map((l) => l.event)).toEqual(changed);
		expect(lines.filter((l) => l.arrival).length).toBe(trace.events.filter((e) => 'arrivedAt' in e && e.arrivedAt !== null).length);
		// In time order, each arrival before the events of its moment.
		for (let i = 1; i < lines.length; i++) expect(lines[i].t).toBeGreaterThanOrEqual(lines[i - 1].t);
		for (const { event: e, text, arrival } of lines) {
			for (const [what, re] of DEFECTS) expect(text, `${what}: ${text}`).not.toMatch(re);
			if (arrival) {
				expect(text, text).toMatch(/^\d[\d.,]* (ms|s|min)( \d+ s)?: the [\w, ()-]+ from \S+ arrives at \S+ \([\da-f.:\[\]]+\)\.$/);
				continue;
			}
			if (!e) throw new Error('a line without an event or an arrival');
			expect(text, text).toMatch(/^\d[\d.,]* (ms|s|min)( \d+ s)?: \S.*\.$/);
			// A socket name always appears.
			if (e.kind === 'call' || e.kind === 'error' || e.kind === 'state') expect(text, text).toContain(e.socket);
			// Windows hosts: the WinSock name with its number, as Microsoft documents them.
			if (e.kind === 'error' && e.code !== undefined) expect(text, text).toContain(`${e.errno} (${e.code})`);
			if (e.kind === 'segment' || e.kind === 'datagram' || e.kind === 'icmp') {
				const named = [...sockets].some((s) => text.includes(`${s} on ${e.from}`) || (s.startsWith(`${e.from}#`) && text.includes(s)));
				const noSocket = /^\S+ \S+: (the kernel of \S+ |router \S+ )|\(no socket holds \S+\)|\(a raw packet, not sent by a (TCP|UDP) socket\)/.test(text);
				expect(named || noSocket, `no socket named: ${text}`).toBe(true);
			}
			// "0 bytes" only at end of stream; a read says how many bytes it returned.
			if (/\b0 bytes\b/.test(text)) expect(text, text).toMatch(/returns 0 bytes: end of stream/);
			if (e.kind === 'call' && e.call === 'read') expect(text, text).toMatch(/ reads [1-9][\d,]* bytes? with read\(\)|returns 0 bytes: end of stream/);
		}
	});
});

/** A trace with the given events (and no hosts). */
const traceOf = (...events: TraceEvent[]): Trace => ({ seed: 1, hosts: [{ name: 'r1', ip: '10.0.0.1', os: 'router', role: 'router' }], events, end: 1000 });
const call = (c: Partial<CallEvent>): CallEvent => ({ kind: 'call', t: 5, host: 'client', socket: 'c1', call: 'read', detail: '', ...c });

describe('Narrator', () => {
	it('says what a read returned, and 0 only at end of stream', () => {
		const [a, b, c] = narrateTrace(
			traceOf(
				call({ detail: '300 bytes' }),
				call({ t: 6, detail: '0 bytes (end of stream: peer sent FIN)' }),
				call({ t: 7, detail: '0 bytes' })
			)
		).map((l) => l.text);
		expect(a).toBe('5 ms: c1 on client reads 300 bytes with read().');
		expect(b).toBe('6 ms: c1 on client calls read(), which returns 0 bytes: end of stream, the peer has sent its FIN.');
		const shut = narrateTrace(traceOf(call({ t: 7, detail: '0 bytes (end of stream: SHUT_RD)' })));
		expect(shut.at(-1)?.text).toMatch(/returns 0 bytes: end of stream for this program, which shut down its receiving side with shutdown\(SHUT_RD\)/);
		expect(c).not.toMatch(/0 bytes/);
		expect(c).toMatch(/nothing is waiting/);
	});

	it('turns tool output into sentences', () => {
		const lines = narrateTrace(
			traceOf(
				call({ socket: 'laptop#traceroute1', host: 'laptop', call: 'hop', detail: ' 3  203.0.113.5  40 ms  203.0.113.5  40 ms  203.0.113.5  40 ms' }),
				call({ socket: 'laptop#traceroute1', host: 'laptop', call: 'probe', detail: 'hop 1 (ttl=1) probe 2: 192.168.1.1  4 ms' }),
				call({ socket: 'laptop#ping1', host: 'laptop', call: 'ping', detail: '203.0.113.5 count=3 interval=1000ms' }),
				call({ socket: 's1', host: 'app', call: 'sendto', detail: '203.0.113.5:514 60 bytes "app: started\r\n"' })
			)
		).map((l) => l.text);
		expect(lines).toEqual([
			'5 ms: laptop#traceroute1 prints hop 3: 203.0.113.5 (40 ms, 40 ms, 40 ms).',
			'5 ms: laptop#traceroute1: probe 2 of hop 1 (TTL 1) is answered by 192.168.1.1 after 4 ms.',
			'5 ms: laptop#ping1 pings 203.0.113.5: 3 Echo Requests, 1 s apart.',
			'5 ms: s1 on app sends 60 bytes (“app: started\\r\\n”) to 203.0.113.5:514 with sendto().'
		]);
	});

	it('reads traceroute and tracert hop lines, with timeouts and several routers', () => {
		expect(hopLine(' 2  10.0.0.2  34 ms  *  10.0.0.2  35 ms')).toBe('hop 2: 10.0.0.2 (34 ms, no answer, 35 ms)');
		expect(hopLine('  1     4 ms     4 ms     5 ms  192.168.1.1')).toBe('hop 1: 192.168.1.1 (4 ms, 4 ms, 5 ms)');
		expect(hopLine(' 4  * * *')).toBe('hop 4: no answer (no answer, no answer, no answer)');
		expect(hopLine(' 5  10.0.0.1  3 ms  10.0.0.9  4 ms')).toBe('hop 5: 10.0.0.1 3 ms, 10.0.0.9 4 ms');
		expect(hopLine('garbage   here')).toBe('the line “garbage here”');
	});

	it('names the failed call once, with its arguments, and the drop reason as a sentence', () => {
		const lines = narrateTrace(
			traceOf(
				{ kind: 'error', t: 0, host: 'devbox', socket: 'web80', call: 'bind', errno: 'EACCES', message: 'bind(80): ports below 1024 need root' },
				{ kind: 'error', t: 1, host: 'client', socket: 'c1', call: 'connect', errno: 'ECONNREFUSED', message: 'connect(): connection refused' },
				{
					kind: 'segment',
					t: 2,
					id: 1,
					proto: 'TCP',
					from: 'r1',
					to: null,
					arrivedAt: null,
					dropped: 'firewall',
					src: { ip: '10.0.0.1', port: 80 },
					dst: { ip: '10.0.0.2', port: 5000 },
					flags: ['RST'],
					seq: 0,
					ack: 0,
					len: 0,
					wnd: 0
				}
			)
		).map((l) => l.text);
		expect(lines[0]).toBe('0 ms: web80 on devbox: bind(80) fails with EACCES: ports below 1024 need root.');
		expect(lines[1]).toBe('1 ms: c1 on client: connect() fails with ECONNREFUSED: connection refused.');
		expect(lines[2]).toBe('2 ms: router r1 sends RST seq=0 from 10.0.0.1:80 to 10.0.0.2:5000 (no socket holds 10.0.0.1:80). A firewall on the way drops it.');
	});

	it('says when a packet arrives, where it was delivered (after NAT)', () => {
		const seg = {
			kind: 'segment' as const,
			t: 10,
			id: 3,
			proto: 'TCP' as const,
			from: 'phone',
			to: 'server',
			arrivedAt: 30,
			src: { ip: '192.168.1.10', port: 51234 },
			dst: { ip: '203.0.113.5', port: 443 },
			translated: { src: { ip: '198.51.100.7', port: 8339 }, dst: { ip: '203.0.113.5', port: 443 } },
			flags: ['SYN' as const],
			seq: 1,
			ack: 0,
			len: 0,
			wnd: 65535
		};
		expect(arrivalLine(seg)).toBe('30 ms: the SYN from phone arrives at server (203.0.113.5:443).');
		const lines = narrateTrace(traceOf(seg, call({ t: 30, detail: '0 bytes (end of stream: peer sent FIN)' })));
		expect(lines.map((l) => l.t)).toEqual([10, 30, 30]);
		expect(lines[1].arrival).toBe(seg);
	});

	it('narrates a window event only when its numbers changed since the socket\'s previous one', () => {
		const w = (t: number, socket: string, inFlight: number, cwnd: number | null = 14600) =>
			({ kind: 'window', t, host: 'server', socket, sndWnd: 64256, rcvWnd: 64240, inFlight, cwnd, ssthresh: null }) as TraceEvent;
		const lines = narrateTrace(traceOf(w(1, 'web.1', 0), w(2, 'web.1', 0), w(2, 'web.2', 0), w(3, 'web.1', 1448), w(4, 'web.1', 1448, 7300)));
		expect(lines.map((l) => l.text)).toEqual([
			'1 ms: web.1 on server: nothing in flight, the peer\'s window is 64256 bytes, cwnd 14600 bytes.',
			'2 ms: web.2 on server: nothing in flight, the peer\'s window is 64256 bytes, cwnd 14600 bytes.',
			'3 ms: web.1 on server: 1448 bytes in flight, the peer\'s window is 64256 bytes, cwnd 14600 bytes.',
			'4 ms: web.1 on server: 1448 bytes in flight, the peer\'s window is 64256 bytes, cwnd 7300 bytes.'
		]);
	});

	it('shortens automatic socket ids that already name their host', () => {
		expect(Narrator.socketRef('laptop', 'laptop#ping1')).toBe('laptop#ping1');
		expect(Narrator.socketRef('server', 'web.1')).toBe('web.1 on server');
	});
});

describe('the narration prints the sequence numbers the ladder shows', () => {
	it('counts from each connection’s ISNs when given the relative numbers, and absolute otherwise', async () => {
		const { relativeNumbers } = await import('./seqspace');
		const r = runScenario(readFileSync(join(CONTENT, 'lessons/01-basics/01-why-ports/two-services.scn'), 'utf8'));
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const synAck = r.trace.events.find((e) => e.kind === 'segment' && e.flags.join() === 'SYN,ACK');
		if (!synAck || synAck.kind !== 'segment') throw new Error('no SYN,ACK in the scenario');
		const pick = (lines: { text: string; event: TraceEvent | null }[]) => lines.find((l) => l.event === synAck)!.text;
		expect(pick(narrateTrace(r.trace))).toContain(`seq=${synAck.seq} ack=${synAck.ack}`);
		expect(pick(narrateTrace(r.trace, { relative: relativeNumbers(r.trace).numbers }))).toContain('SYN,ACK seq=0 ack=1');
	});
});

describe('clipMoment', () => {
	it('keeps a short moment whole', () => {
		expect(clipMoment([1, 2, 3], 8)).toEqual({ head: [1, 2, 3], hidden: 0, tail: [] });
		const eight = [1, 2, 3, 4, 5, 6, 7, 8];
		expect(clipMoment(eight, 8)).toEqual({ head: eight, hidden: 0, tail: [] });
	});
	it('shows the first and last sentences of a long moment and counts the rest', () => {
		const many = Array.from({ length: 700 }, (_, i) => i);
		const c = clipMoment(many, 8);
		expect(c.head).toEqual([0, 1, 2, 3]);
		expect(c.tail).toEqual([697, 698, 699]);
		expect(c.hidden).toBe(693);
		expect(c.head.length + c.hidden + c.tail.length).toBe(700);
	});
	it('shows at most max lines counting the summary line', () => {
		for (const n of [9, 10, 50]) {
			const c = clipMoment(Array.from({ length: n }, (_, i) => i), 8);
			expect(c.head.length + c.tail.length + 1).toBe(8);
		}
	});
	it('lets a bulk send in wscale-lfn show a figure-sized moment', () => {
		const text = readFileSync(join(CONTENT, 'lessons/02-tcp/03-flow-and-congestion/wscale-lfn.scn'), 'utf8');
		const r = runScenario(text);
		if (!r.ok) throw new Error('wscale-lfn did not run');
		const lines = narrateTrace(r.trace);
		const byT = new Map<number, number>();
		for (const l of lines) byT.set(l.t, (byT.get(l.t) ?? 0) + 1);
		const busiest = Math.max(...byT.values());
		expect(busiest).toBeGreaterThan(100);
		const c = clipMoment(Array.from({ length: busiest }), 8);
		expect(c.head.length + c.tail.length).toBeLessThan(8);
	});
});
