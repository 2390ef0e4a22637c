/**
 * `net.ipv4.tcp_tw_reuse` rests on timestamps (issue 16 item 1): Linux's `tcp_twsk_unique()`
 * (net/ipv4/tcp_ipv4.c) lets connect() take over a TIME-WAIT 4-tuple only when the old
 * connection recorded timestamps (`tw_ts_recent_stamp`) and its TIME-WAIT is at least
 * `tcp_tw_reuse_delay` (1 s) old (Documentation/networking/ip-sysctl.rst). Each case below is a
 * scenario whose `expect` lines assert the outcome; content/lessons/02-tcp/05-port-exhaustion/
 * tw-reuse.scn shows the successful takeover in the lesson.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario';
import type { SegmentEvent } from './trace';

/**
 * A Linux client with a one-port range and tcp_tw_reuse = `reuse` closes a connection first
 * (TIME-WAIT entered at about 140 ms), then calls connect() to the same server again at `at`.
 */
function scenario(opts: { reuse: 0 | 1 | 2; clientOptions?: string; serverOptions?: string; at: string; expect: string }): string {
	return `seed 5
host c 192.168.1.10 os=linux range=40000-40000 tw_reuse=${opts.reuse}${opts.clientOptions ? ` options=${opts.clientOptions}` : ''}
host api 203.0.113.5 os=linux root${opts.serverOptions ? ` options=${opts.serverOptions}` : ''}
link c api latency=5ms

0ms    api listen 443 as=a
10ms   c connect 203.0.113.5:443 as=c1
+100ms c1 close
+30ms  a.1 close
+20ms  expect c1 state TIME-WAIT
${opts.at}  c connect 203.0.113.5:443 as=c2
${opts.expect}
run until=3s
`;
}

/** Runs the scenario; every `expect` line must have been checked and have held. */
function run(text: string) {
	const r = runScenario(text);
	if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
	const lines = text.split('\n').filter((l) => / expect /.test(l)).length;
	expect(r.expectations).toHaveLength(lines);
	for (const x of r.expectations) expect(x.passed, `line ${x.line}: ${x.message}`).toBe(true);
	return r.trace;
}

const synsFrom = (tr: ReturnType<typeof run>, host: string) =>
	tr.events.filter((e): e is SegmentEvent => e.kind === 'segment' && e.from === host && e.flags.includes('SYN'));

describe('tcp_tw_reuse = 1 takes over a TIME-WAIT 4-tuple only when timestamps make it safe', () => {
	it('with timestamps and a TIME-WAIT older than 1 s: the new SYN leaves from the same port, ISS = old SND.NXT + 65537', () => {
		const tr = run(
			scenario({
				reuse: 1,
				at: '1500ms',
				expect: `+0ms   expect c1 state CLOSED
+0ms   expect c2 local 192.168.1.10:40000
+0ms   expect segment c > api SYN seq=c1.iss+65539 opts="mss 1460 ws 7 sack ts"
+20ms  expect c2 state ESTABLISHED`
			})
		);
		expect(synsFrom(tr, 'c')).toHaveLength(2);
	});

	it('without timestamps on the client (options=-ts): no reuse, EADDRNOTAVAIL, the TIME-WAIT stays', () => {
		const tr = run(
			scenario({
				reuse: 1,
				clientOptions: '-ts',
				at: '1500ms',
				expect: `+0ms   expect c2 error EADDRNOTAVAIL
+0ms   expect c1 state TIME-WAIT`
			})
		);
		expect(synsFrom(tr, 'c')).toHaveLength(1);
	});

	it('when the server does not answer with timestamps, they are not in use either: EADDRNOTAVAIL', () => {
		const tr = run(
			scenario({
				reuse: 1,
				serverOptions: '-ts',
				at: '1500ms',
				expect: `+0ms   expect c2 error EADDRNOTAVAIL
+0ms   expect c1 state TIME-WAIT`
			})
		);
		expect(synsFrom(tr, 'c')).toHaveLength(1);
	});

	it('less than tcp_tw_reuse_delay (1 s) after TIME-WAIT began: EADDRNOTAVAIL', () => {
		run(
			scenario({
				reuse: 1,
				at: '900ms',
				expect: `+0ms   expect c2 error EADDRNOTAVAIL
+0ms   expect c1 state TIME-WAIT`
			})
		);
	});

	it('tcp_tw_reuse = 0, and the default 2 towards a non-loopback server: EADDRNOTAVAIL', () => {
		for (const reuse of [0, 2] as const) {
			run(
				scenario({
					reuse,
					at: '1500ms',
					expect: `+0ms   expect c2 error EADDRNOTAVAIL
+0ms   expect c1 state TIME-WAIT`
				})
			);
		}
	});
});
