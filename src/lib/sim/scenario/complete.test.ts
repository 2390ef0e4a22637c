/**
 * Completion from the statement table and the declared names.
 */
import { describe, expect, it } from 'vitest';
import { completeLine } from './complete';
import { inspectScenario } from './parse';

const { names } = inspectScenario(`host client 192.168.1.10
host server 203.0.113.5 root
router r1 10.0.0.1
link client server
0ms server listen 80 as=web
10ms client connect server:80 as=c1
+0ms client udp bind 53 as=u
`);
const labels = (before: string, explicit = false): string[] => completeLine(before, names, explicit)?.options.map((o) => o.label) ?? [];

describe('completeLine', () => {
	it('offers header keywords and run at the start of a line', () => {
		expect(labels('li')).toEqual(['link']);
		expect(labels('', true)).toEqual(['seed', 'host', 'router', 'nat', 'forward', 'static', 'firewall', 'rule', 'link', 'run']);
		expect(labels('')).toEqual([]);
	});

	it('offers timed keywords, hosts and sockets after a time', () => {
		expect(labels('+10ms ', true)).toEqual(['drop', 'inject', 'synflood', 'expect', 'client', 'server', 'web', 'web.1', 'c1', 'u']);
		expect(labels('20ms cl')).toEqual(['client']);
		expect(labels('20ms we')).toEqual(['web', 'web.1']);
	});

	it('offers the verbs that fit a host or a socket of its kind', () => {
		expect(labels('20ms client ', true)).toEqual(['listen', 'connect', 'bind', 'udp', 'ping', 'ping6', 'traceroute', 'traceroute6']);
		expect(labels('20ms client udp ', true)).toEqual(['bind', 'send']);
		expect(labels('20ms c1 ', true)).toEqual(['send', 'read', 'shutdown', 'keepalive', 'close', 'abort']);
		expect(labels('20ms web ', true)).toEqual(['keepalive', 'close', 'abort', 'accept']);
		expect(labels('20ms u ', true)).toEqual(['close', 'send', 'reply']);
		expect(labels('20ms client listen 8080 ', true)).toEqual(expect.arrayContaining(['as=', 'manualread']));
	});

	it('offers OS ids, states, errors and ICMP messages where they go', () => {
		expect(labels('host x 10.0.0.9 os=win')).toEqual(['windows', 'windows-xp']);
		expect(completeLine('host x 10.0.0.9 os=w', names)!.from).toBe(19);
		expect(labels('+0ms expect c1 state TIME')).toEqual(['TIME-WAIT']);
		expect(labels('+0ms expect c1 error ECONN')).toEqual(['ECONNREFUSED', 'ECONNRESET']);
		expect(labels('+0ms expect icmp server > client port')).toEqual(['port-unreachable']);
		expect(labels('+0ms expect ', true)).toEqual(['segment', 'datagram', 'icmp', 'icmp6', 'port', 'nothing', 'web', 'web.1', 'c1', 'u']);
		expect(labels('+0ms expect c1 ', true)).toEqual(['state', 'error', 'local', 'remote']);
	});

	it('offers nothing inside comments and strings', () => {
		expect(labels('# li')).toEqual([]);
		expect(labels('+0ms c1 send "cl')).toEqual([]);
	});
});
