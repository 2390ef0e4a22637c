/**
 * One test per row of RFC 9293's transition table (rfc9293-transitions.json): drive a socket on
 * host "server" into the row's `from` state against a scripted peer (a host with no stack;
 * segments are injected), apply the event, and assert the resulting state and the segment sent.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type SegmentEvent, type StateEvent, type TcpState, type ErrorEvent, type CallEvent } from './index';
import { DEVIATIONS } from './deviations';
import table from './rfc9293-transitions.json';

const SRV = '10.0.0.1';
const PEER = '10.0.0.2';
const PISS = 1000; // the scripted peer's ISN
const PPORT = 5000;

interface Ctx {
	sim: Simulation;
	id: string;
	sPort: number;
	mark: number;
}
interface Snap {
	state: TcpState;
	rcvNxt: number;
	sndNxt: number;
	sndUna: number;
	iss: number;
	irs: number;
}

function snap(c: Ctx): Snap {
	const s = c.sim.sockets().find((x) => x.id === c.id);
	if (!s) throw new Error(`socket ${c.id} gone`);
	return { state: s.state, rcvNxt: s.rcvNxt ?? 0, sndNxt: s.sndNxt ?? 0, sndUna: s.sndUna ?? 0, iss: s.iss ?? 0, irs: s.irs ?? 0 };
}
const settle = (c: Ctx, ms = 5) => c.sim.run({ until: c.sim.now + ms });
function inj(c: Ctx, flags: string[], o: { seq?: number; ack?: number; len?: number } = {}) {
	const s = c.sim.sockets().find((x) => x.id === c.id);
	c.sim.inject({
		from: 'peer',
		proto: 'TCP',
		src: { ip: PEER, port: PPORT },
		dst: { ip: SRV, port: c.sPort },
		flags: flags as never,
		seq: (o.seq ?? s?.rcvNxt ?? PISS) >>> 0,
		ack: (o.ack ?? s?.sndNxt ?? 0) >>> 0,
		len: o.len ?? 0
	});
	settle(c);
}
function sent(c: Ctx): SegmentEvent[] {
	return c.sim
		.trace()
		.events.slice(c.mark)
		.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === 'server');
}
function finalState(c: Ctx, id = c.id, fallback?: TcpState): TcpState {
	const evs = c.sim.trace().events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === id);
	return evs.length ? evs[evs.length - 1].to : (fallback ?? 'CLOSED');
}
const errs = (c: Ctx) => c.sim.trace().events.slice(c.mark).filter((e): e is ErrorEvent => e.kind === 'error');

type From = TcpState;
/** Drive socket into `state`. passive: via a listener on :80 (socket L.1); else active connect. */
function driveTo(state: From, passive = false, os: 'linux' | 'freebsd' | 'rfc9293' = 'linux', halfClose = false): Ctx {
	const sim = new Simulation({ seed: 1 });
	sim.addHost({ name: 'server', ip: SRV, root: true, os });
	sim.addHost({ name: 'peer', ip: PEER, scripted: true });
	sim.addLink('server', 'peer', { latencyMs: 1 });
	const c: Ctx = { sim, id: 's', sPort: 0, mark: 0 };
	const h = sim.host('server');
	if (state === 'CLOSED') {
		h.tcp('s');
	} else if (passive || state === 'LISTEN') {
		h.tcp('L').listen(80);
		c.sPort = 80;
		c.id = 'L';
		if (state !== 'LISTEN') {
			inj(c, ['SYN'], { seq: PISS });
			c.id = 'L.1';
			if (state !== 'SYN-RECEIVED') inj(c, ['ACK']);
		}
	} else {
		h.tcp('s').connect(PEER, PPORT);
		settle(c);
		c.sPort = sim.socket('s').localPort;
		if (state === 'SYN-RECEIVED') inj(c, ['SYN'], { seq: PISS });
		else if (state !== 'SYN-SENT') inj(c, ['SYN', 'ACK'], { seq: PISS, ack: snap(c).iss + 1 });
	}
	const sock = () => sim.socket(c.id);
	// halfClose: the program calls shutdown(SHUT_WR) instead of close() and keeps reading.
	const closeIt = () => (halfClose ? sock().shutdown('SHUT_WR') : sock().close());
	switch (state) {
		case 'FIN-WAIT-1':
			closeIt();
			settle(c);
			break;
		case 'FIN-WAIT-2':
			closeIt();
			settle(c);
			inj(c, ['ACK']);
			break;
		case 'CLOSE-WAIT':
			inj(c, ['FIN', 'ACK']);
			break;
		case 'CLOSING':
			sock().close();
			settle(c);
			inj(c, ['FIN', 'ACK'], { ack: snap(c).sndNxt - 1 });
			break;
		case 'LAST-ACK':
			inj(c, ['FIN', 'ACK']);
			sock().close();
			settle(c);
			break;
		case 'TIME-WAIT':
			sock().close();
			settle(c);
			inj(c, ['ACK']);
			inj(c, ['FIN', 'ACK']);
			break;
		default:
	}
	expect(finalState(c, c.id, state === 'CLOSED' ? 'CLOSED' : undefined)).toBe(state);
	c.mark = sim.trace().events.length;
	return c;
}

interface Spec {
	flags: string;
	seq?: number;
	ack?: number;
	len?: number;
}
interface Row {
	passive?: boolean;
	/** Reach the state with shutdown(SHUT_WR) instead of close() (the program still reads). */
	halfClose?: boolean;
	os?: 'linux' | 'freebsd' | 'rfc9293';
	/** Perform the event; may return the id of the socket whose state to check. */
	act: (c: Ctx, pre: Snap) => string | void;
	/** Segments the server must send (in order); [] = nothing. */
	send: (pre: Snap, c: Ctx) => Spec[];
	check?: (c: Ctx, pre: Snap) => void;
}

const NOTHING = () => [];
const ACK_NOW = (p: Snap): Spec[] => [{ flags: 'ACK', seq: p.sndNxt, ack: p.rcvNxt }];
const FAR = 200_000; // beyond the 65535-byte receive window

function preSnap(c: Ctx): Snap {
	const s = c.sim.sockets().find((x) => x.id === c.id);
	return s
		? { state: s.state, rcvNxt: s.rcvNxt ?? 0, sndNxt: s.sndNxt ?? 0, sndUna: s.sndUna ?? 0, iss: s.iss ?? 0, irs: s.irs ?? 0 }
		: { state: 'CLOSED', rcvNxt: 0, sndNxt: 0, sndUna: 0, iss: 0, irs: 0 };
}

/** Rows shared by the seven synchronized states (first/second/fourth/fifth steps, ABORT). */
const syncGeneric = {
	unacceptable: { act: (c: Ctx, p: Snap) => void inj(c, ['ACK'], { seq: p.rcvNxt + FAR }), send: ACK_NOW } as Row,
	rstOutside: { act: (c: Ctx, p: Snap) => void inj(c, ['RST'], { seq: p.rcvNxt + FAR }), send: NOTHING } as Row,
	rstChallenge: { act: (c: Ctx, p: Snap) => void inj(c, ['RST'], { seq: p.rcvNxt + 10 }), send: ACK_NOW } as Row,
	synChallenge: { act: (c: Ctx, p: Snap) => void inj(c, ['SYN'], { seq: p.rcvNxt }), send: ACK_NOW } as Row,
	noAck: { act: (c: Ctx) => void inj(c, []), send: NOTHING } as Row
};

const rstExact = (errno?: string): Row => ({
	act: (c) => void inj(c, ['RST']),
	send: NOTHING,
	check: (c) => expect(errs(c).map((e) => e.errno)).toEqual(errno ? [errno] : [])
});
// The RFC's own answer (an ACK); Linux drops such a segment silently (tcp_ack(), see ack-loop.test.ts).
const ackBeyond: Row = { os: 'rfc9293', act: (c, p) => void inj(c, ['ACK'], { ack: p.sndNxt + 100 }), send: ACK_NOW };
const abortRst: Row = { act: (c) => void c.sim.socket(c.id).abort(), send: (p) => [{ flags: 'RST', seq: p.sndNxt, ack: 0 }] };
const abortSilent: Row = { act: (c) => void c.sim.socket(c.id).abort(), send: NOTHING };
const userError = (call: 'close' | 'send' | 'read' | 'abort', errno = 'ENOTCONN'): Row => ({
	act: (c) => {
		const s = c.sim.socket(c.id);
		const r = call === 'send' ? s.send(10) : s[call]();
		expect(r).toBe(false);
	},
	send: NOTHING,
	check: (c) => expect(errs(c).map((e) => e.errno)).toEqual([errno])
});
const retxTimeout = (flags: string): Row => ({
	// until just past the retransmission timer's deadline (the RTO depends on the OS preset and
	// on the RTT measured so far: Linux's is about RTT + 200 ms), so exactly one expiry happens
	act: (c) => void settle(c, c.sim.socket(c.id).rexmtDeadline - c.sim.now + 1),
	send: (p) => [{ flags, seq: flags.startsWith('SYN') ? p.iss : p.sndNxt - 1 }],
	check: (c) => expect(sent(c)[0].retransmission).toBe(true)
});

const ROWS: Record<number, Row> = {
	1: { act: (c) => void c.sim.socket('s').listen(8080), send: NOTHING },
	2: {
		act: (c) => void c.sim.socket('s').connect(PEER, PPORT),
		send: (_p, c) => [{ flags: 'SYN', seq: snap(c).iss }],
		check: (c) => {
			const s = snap(c);
			expect(s.sndNxt).toBe((s.iss + 1) >>> 0);
			expect(s.sndUna).toBe(s.iss);
		}
	},
	3: { act: (c) => void c.sim.socket('s').connect('0.0.0.0', 0), send: NOTHING, check: (c) => expect(errs(c)[0].errno).toBe('EINVAL') },
	4: { act: (c) => void ((c.sPort = 7777), inj(c, ['RST'], { seq: 5 })), send: NOTHING },
	5: {
		act: (c) => void ((c.sPort = 7777), inj(c, ['SYN'], { seq: 4242, len: 0 })),
		send: () => [{ flags: 'RST,ACK', seq: 0, ack: 4243 }]
	},
	6: {
		act: (c) => void ((c.sPort = 7777), inj(c, ['ACK'], { seq: 4242, ack: 99999, len: 10 })),
		send: () => [{ flags: 'RST', seq: 99999, ack: 0 }]
	},
	7: userError('send'),
	8: userError('read'),
	10: userError('abort'),
	11: { act: (c) => void inj(c, ['RST'], { seq: 1 }), send: NOTHING },
	12: { act: (c) => void inj(c, ['SYN', 'ACK'], { seq: 1, ack: 777 }), send: () => [{ flags: 'RST', seq: 777, ack: 0 }] },
	13: {
		act: (c) => {
			inj(c, ['SYN'], { seq: PISS });
			expect(finalState(c, 'L')).toBe('LISTEN');
			return 'L.1';
		},
		send: (_p, c) => {
			c.id = 'L.1';
			return [{ flags: 'SYN,ACK', seq: snap(c).iss, ack: PISS + 1 }];
		}
	},
	15: { act: (c) => void inj(c, ['FIN'], { seq: 1 }), send: NOTHING },
	18: userError('send'),
	19: { act: (c) => void c.sim.socket('L').close(), send: NOTHING, check: (c) => expect(c.sim.host('server').portsInUse()).toEqual([]) },
	20: { act: (c) => void c.sim.socket('L').abort(), send: NOTHING },
	21: { act: (c, p) => void inj(c, ['ACK'], { seq: 1, ack: p.iss }), send: (p) => [{ flags: 'RST', seq: p.iss }] },
	22: { act: (c, p) => void inj(c, ['RST', 'ACK'], { seq: 1, ack: p.iss }), send: NOTHING },
	23: {
		act: (c, p) => void inj(c, ['RST', 'ACK'], { seq: 0, ack: p.iss + 1 }),
		send: NOTHING,
		check: (c) => expect(errs(c).map((e) => e.errno)).toEqual(['ECONNREFUSED'])
	},
	24: { act: (c) => void inj(c, ['RST'], { seq: 0 }), send: NOTHING },
	26: {
		act: (c, p) => void inj(c, ['SYN', 'ACK'], { seq: PISS, ack: p.iss + 1 }),
		send: (p) => [{ flags: 'ACK', seq: p.iss + 1, ack: PISS + 1 }]
	},
	27: {
		act: (c) => void inj(c, ['SYN'], { seq: PISS }),
		send: (p) => [{ flags: 'SYN,ACK', seq: p.iss, ack: PISS + 1 }]
	},
	28: { act: (c, p) => void inj(c, ['ACK'], { seq: PISS, ack: p.iss + 1 }), send: NOTHING },
	29: { act: (c) => void expect(c.sim.socket(c.id).send(100)).toBe(true), send: NOTHING },
	30: { act: (c) => void c.sim.socket(c.id).close(), send: NOTHING },
	31: { act: (c) => void c.sim.socket(c.id).abort(), send: NOTHING },
	32: retxTimeout('SYN'),
	33: syncGeneric.unacceptable,
	34: { act: (c, p) => void inj(c, ['RST'], { seq: p.rcvNxt + FAR }), send: NOTHING },
	35: { passive: true, ...rstExact() },
	36: { ...rstExact('ECONNREFUSED') },
	37: syncGeneric.rstChallenge,
	38: syncGeneric.rstOutside,
	40: { passive: true, act: (c, p) => void inj(c, ['SYN'], { seq: p.rcvNxt }), send: NOTHING },
	41: syncGeneric.synChallenge,
	42: { act: (c, p) => void inj(c, [], { seq: p.rcvNxt, len: 10 }), send: NOTHING },
	43: { passive: true, act: (c, p) => void inj(c, ['ACK'], { ack: p.iss + 1 }), send: NOTHING },
	44: { passive: true, act: (c, p) => void inj(c, ['ACK'], { ack: p.iss + 50 }), send: (p) => [{ flags: 'RST', seq: p.iss + 50 }] },
	45: {
		passive: true,
		act: (c, p) => void inj(c, ['FIN', 'ACK'], { ack: p.iss + 1 }),
		send: (p) => [{ flags: 'ACK', seq: p.iss + 1, ack: p.rcvNxt + 1 }]
	},
	46: { passive: true, act: (c) => void c.sim.socket(c.id).close(), send: (p) => [{ flags: 'FIN,ACK', seq: p.sndNxt, ack: p.rcvNxt }] },
	47: {
		act: (c) => {
			c.sim.socket(c.id).send(100);
			c.sim.socket(c.id).close();
			settle(c);
		},
		send: NOTHING
	},
	48: { passive: true, ...abortRst },
	49: { passive: true, act: (c) => void expect(c.sim.socket(c.id).send(10)).toBe(true), send: NOTHING },
	50: { passive: true, ...retxTimeout('SYN,ACK') },
	100: rstExact('ECONNRESET'),
	101: ackBeyond,
	102: abortRst,
	103: rstExact('ECONNRESET'),
	104: ackBeyond,
	105: abortRst,
	106: rstExact('ECONNRESET'),
	107: ackBeyond,
	108: abortRst,
	109: rstExact('ECONNRESET'),
	110: ackBeyond,
	111: abortRst,
	112: rstExact(),
	113: abortSilent,
	// A second close() or a send() after close(): the descriptor is gone (EBADF), not the RFC's
	// "connection closing" (there is no sockets call that reaches the TCB any more).
	114: userError('close', 'EBADF'),
	115: userError('send', 'EBADF'),
	116: rstExact(),
	117: abortSilent,
	118: userError('close', 'EBADF'),
	119: userError('send', 'EBADF'),
	120: { ...rstExact(), check: (c) => expect(c.sim.host('server').portsInUse()).toEqual([]) },
	121: abortSilent,
	122: userError('close', 'EBADF'),
	123: userError('send', 'EBADF'),
	124: { act: (c) => void c.sim.socket(c.id).close(), send: (p) => [{ flags: 'FIN,ACK', seq: p.sndNxt, ack: p.rcvNxt }] },
	125: { act: (c) => void inj(c, ['FIN', 'ACK']), send: (p) => [{ flags: 'ACK', seq: p.sndNxt, ack: p.rcvNxt + 1 }] },
	126: {
		act: (c) => {
			c.sim.socket(c.id).send(100);
			settle(c);
			inj(c, ['ACK']);
			c.mark = c.sim.trace().events.length;
		},
		send: NOTHING,
		check: (c) => expect(snap(c).sndUna).toBe(snap(c).sndNxt)
	},
	127: { act: (c, p) => void inj(c, ['ACK'], { ack: p.sndUna }), send: NOTHING },
	128: { act: (c) => void inj(c, ['PSH', 'ACK'], { len: 300 }), send: (p) => [{ flags: 'ACK', seq: p.sndNxt, ack: p.rcvNxt + 300 }] },
	129: { act: (c) => void c.sim.socket(c.id).send(300), send: (p) => [{ flags: 'PSH,ACK', seq: p.sndNxt, ack: p.rcvNxt, len: 300 }] },
	130: { act: (c) => void inj(c, ['ACK']), send: NOTHING },
	131: {
		act: (c) => {
			// FIN-WAIT-1 with data still unacknowledged ahead of the FIN
			inj(c, ['ACK'], { ack: snap(c).sndNxt - 1 });
		},
		send: NOTHING
	},
	132: {
		act: (c, p) => void inj(c, ['FIN', 'ACK'], { ack: p.sndNxt - 1 }),
		send: (p) => [{ flags: 'ACK', seq: p.sndNxt, ack: p.rcvNxt + 1 }]
	},
	133: { act: (c) => void inj(c, ['FIN', 'ACK']), send: (p) => [{ flags: 'ACK', seq: p.sndNxt, ack: p.rcvNxt + 1 }] },
	// "deliver text": to a program that still reads, i.e. after shutdown(SHUT_WR). After close()
	// the same data is answered with RST (RFC 9293 3.6.1 SHLD-3; see 'data after close' below).
	134: { halfClose: true, act: (c, p) => void inj(c, ['ACK'], { ack: p.sndNxt - 1, len: 50 }), send: (p) => [{ flags: 'ACK', seq: p.sndNxt, ack: p.rcvNxt + 50 }] },
	135: userError('close', 'EBADF'),
	136: userError('send', 'EBADF'),
	137: retxTimeout('FIN,ACK'),
	138: { act: (c) => void inj(c, ['FIN', 'ACK']), send: (p) => [{ flags: 'ACK', seq: p.sndNxt, ack: p.rcvNxt + 1 }] },
	139: { act: (c) => void inj(c, ['ACK']), send: NOTHING },
	140: { halfClose: true, act: (c) => void inj(c, ['ACK'], { len: 70 }), send: (p) => [{ flags: 'ACK', seq: p.sndNxt, ack: p.rcvNxt + 70 }] },
	141: userError('close', 'EBADF'),
	142: userError('send', 'EBADF'),
	143: {
		act: (c) => void settle(c, 60_000),
		send: NOTHING,
		check: (c) => {
			const ev = c.sim.trace().events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === c.id);
			const fw2 = ev.find((e) => e.to === 'FIN-WAIT-2') as StateEvent;
			expect(ev[ev.length - 1].t - fw2.t).toBe(60_000);
		}
	},
	144: { act: (c) => void c.sim.socket(c.id).close(), send: (p) => [{ flags: 'FIN,ACK', seq: p.sndNxt, ack: p.rcvNxt }] },
	145: { act: (c, p) => void inj(c, ['FIN', 'ACK'], { seq: p.rcvNxt - 1 }), send: ACK_NOW },
	146: { act: (c) => void inj(c, ['ACK']), send: NOTHING },
	147: { act: (c) => void c.sim.socket(c.id).send(20), send: (p) => [{ flags: 'PSH,ACK', seq: p.sndNxt, len: 20 }] },
	148: {
		act: (c) => void expect(c.sim.socket(c.id).read()).toBe(true),
		send: NOTHING,
		check: (c) => {
			const call = c.sim.trace().events.slice(c.mark).find((e): e is CallEvent => e.kind === 'call' && e.call === 'read');
			expect(call?.detail).toMatch(/^0 bytes \(end of stream/);
		}
	},
	149: { act: (c) => void inj(c, ['ACK']), send: NOTHING },
	150: { act: (c, p) => void inj(c, ['ACK'], { ack: p.sndNxt - 1 }), send: NOTHING },
	151: { act: (c, p) => void inj(c, ['FIN', 'ACK'], { seq: p.rcvNxt - 1, ack: p.sndNxt - 1 }), send: ACK_NOW },
	152: { act: (c, p) => void inj(c, ['FIN', 'ACK'], { seq: p.rcvNxt - 1 }), send: ACK_NOW },
	153: retxTimeout('FIN,ACK'),
	154: { act: (c) => void inj(c, ['ACK']), send: NOTHING, check: (c) => expect(c.sim.host('server').portsInUse()).toEqual([]) },
	155: { act: (c, p) => void inj(c, ['FIN', 'ACK'], { seq: p.rcvNxt - 1, ack: p.sndNxt - 1 }), send: ACK_NOW },
	156: retxTimeout('FIN,ACK'),
	157: {
		act: (c) => void settle(c, 60_000),
		send: NOTHING,
		check: (c) => {
			const ev = c.sim.trace().events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === c.id);
			expect(ev[ev.length - 1].t - ev[ev.length - 2].t).toBe(60_000);
			expect(c.sim.host('server').portsInUse()).toEqual([]);
		}
	},
	158: {
		act: (c, p) => {
			settle(c, 30_000);
			inj(c, ['FIN', 'ACK'], { seq: p.rcvNxt - 1 });
			c.sim.run({ until: c.sim.now + 59_000 });
			expect(snap(c).state).toBe('TIME-WAIT'); // timer restarted: would have expired at 60 s
		},
		send: ACK_NOW,
		check: (c) => {
			c.sim.run({ until: c.sim.now + 2_000 });
			expect(finalState(c)).toBe('CLOSED');
		}
	},
	159: {
		passive: true,
		act: (c, p) => {
			inj(c, ['SYN'], { seq: p.rcvNxt + 100_000 });
			return 'L.2';
		},
		send: (p) => [{ flags: 'SYN,ACK', seq: (p.sndNxt + 65537) >>> 0, ack: p.rcvNxt + 100_001 }],
		check: (c) => expect(finalState(c, 'L.1')).toBe('CLOSED')
	},
	160: { act: (c) => void c.sim.socket(c.id).connect(PEER, PPORT), send: NOTHING, check: (c) => expect(errs(c)[0].errno).toBe('EINVAL') }
};
// Synchronized-state generic rows (same checks in every state).
for (const [ids, r] of [
	[[51, 58, 65, 72, 79, 86, 93], syncGeneric.unacceptable],
	[[52, 59, 66, 73, 80, 87, 94], syncGeneric.rstOutside],
	[[53, 60, 67, 74, 81, 88, 95], syncGeneric.rstChallenge],
	[[54, 61, 68, 75, 82, 89, 96], syncGeneric.synChallenge],
	[[57, 64, 71, 78, 85, 92, 99], syncGeneric.noAck]
] as const) {
	for (const id of ids) ROWS[id] = r;
}
// Passive variants where needed for the TIME-WAIT reopen row.
ROWS[159].passive = true;
// FIN-WAIT-1 with data outstanding (row 131) needs the FIN queued behind data.
const row131 = ROWS[131];

interface TableRow {
	id: number;
	from: string;
	event: string;
	condition?: string;
	to: string;
}
const rows = table as TableRow[];

function fromState(r: TableRow): TcpState {
	return r.from as TcpState;
}

describe('RFC 9293 transition table', () => {
	it('every row id is either tested here or listed in deviations.ts (and not both)', () => {
		const dev = new Set(DEVIATIONS.map((d) => d.id));
		expect(rows).toHaveLength(161);
		for (const r of rows) {
			const tested = r.id in ROWS;
			expect(tested !== dev.has(r.id), `row ${r.id}: tested=${tested} deviation=${dev.has(r.id)}`).toBe(true);
		}
	});

	for (const r of rows) {
		const row = ROWS[r.id];
		if (!row) continue;
		it(`T${r.id}: ${r.from} — ${r.event}${r.condition ? ` [${r.condition}]` : ''} → ${r.to}`, () => {
			let c: Ctx;
			if (r.id === 131) {
				c = driveTo('ESTABLISHED');
				c.sim.socket(c.id).send(100);
				c.sim.socket(c.id).close();
				settle(c);
				c.mark = c.sim.trace().events.length;
			} else {
				c = driveTo(fromState(r), row.passive ?? false, row.os ?? 'linux', row.halfClose ?? false);
			}
			const pre = preSnap(c);
			const checkId = (r.id === 131 ? row131 : row).act(c, pre) ?? c.id;
			const specs = row.send(pre, c);
			const out = sent(c);
			expect(out.map((s) => s.flags.join(','))).toEqual(specs.map((s) => s.flags));
			specs.forEach((s, i) => {
				if (s.seq !== undefined) expect(out[i].seq, `SEG.SEQ of ${s.flags}`).toBe(s.seq >>> 0);
				if (s.ack !== undefined) expect(out[i].ack, `SEG.ACK of ${s.flags}`).toBe(s.ack >>> 0);
				if (s.len !== undefined) expect(out[i].len).toBe(s.len);
			});
			expect(finalState(c, checkId, fromState(r))).toBe(r.to);
			row.check?.(c, pre);
		});
	}
});

describe('RFC 9293 Figure 7: simultaneous open between two real stacks', () => {
	it('both sides go SYN-SENT → SYN-RECEIVED → ESTABLISHED, SYN,ACK reuses the ISS', () => {
		const sim = new Simulation({ seed: 3 });
		sim.addHost({ name: 'a', ip: '10.0.0.1' });
		sim.addHost({ name: 'b', ip: '10.0.0.2' });
		sim.addLink('a', 'b', { latencyMs: 10 });
		sim.at(0, () => {
			sim.host('a').tcp('A').bind(40000);
			sim.host('b').tcp('B').bind(40001);
			sim.socket('A').connect('10.0.0.2', 40001);
			sim.socket('B').connect('10.0.0.1', 40000);
		});
		const tr = sim.run({ until: 1000 });
		for (const id of ['A', 'B']) {
			const ev = tr.events.filter((e): e is StateEvent => e.kind === 'state' && e.socket === id).map((e) => e.to);
			expect(ev).toEqual(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
		}
		const segsA = tr.events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === 'a');
		expect(segsA.map((s) => s.flags.join(','))).toEqual(['SYN', 'SYN,ACK']);
		expect(segsA[1].seq).toBe(segsA[0].seq);
		const a = sim.sockets().find((s) => s.id === 'A')!;
		const b = sim.sockets().find((s) => s.id === 'B')!;
		expect(a.sndNxt).toBe(b.rcvNxt);
		expect(b.sndNxt).toBe(a.rcvNxt);
	});
});
