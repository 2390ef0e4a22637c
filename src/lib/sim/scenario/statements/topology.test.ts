/**
 * The hosts-and-topology family: header statements and their errors (line and column).
 */
import { describe, expect, it } from 'vitest';
import { HOST_OS_IDS, MAX_HOSTS } from '../types';
import { OS_PRESET_IDS } from '../../os';
import { BASE, errs, ok, where } from '../test-support';

describe('topology: seed, host, router, nat, firewall, rule, link', () => {
	it('parses seed, hosts, links with defaults', () => {
		const s = ok(BASE + 'link client server2 latency=1ms\n'.replace(/.*\n/, ''));
		expect(s.seed).toBe(42);
		expect(s.hosts).toEqual([
			{ line: 3, name: 'client', ip: '192.168.1.10', os: 'linux', root: false, range: null, scripted: false },
			{ line: 4, name: 'server', ip: '203.0.113.5', os: 'freebsd', root: true, range: null, scripted: false }
		]);
		expect(s.links).toEqual([{ line: 5, a: 'client', b: 'server', latencyMs: 10, loss: 0 }]);
		expect(s.steps).toEqual([]);
		expect(s.run).toBeNull();
	});

	it('parses routers, nat, firewall rules, range overrides and loss as a percentage', () => {
		const s = ok(`host a 10.0.0.2 range=60000-60003
host b 203.0.113.5
router r1 10.0.0.1 203.0.113.1
nat r1 public=198.51.100.7 mode=preserve range=2000-2999
firewall r1 stateless
rule r1 allow in tcp dport=80
rule r1 allow any udp sport=53
rule r1 deny in any
link a r1 latency=1.5ms loss=5%
link r1 b latency=2min loss=0.25
`);
		expect(s.hosts[0].range).toEqual([60000, 60003]);
		expect(s.routers).toEqual([{ line: 3, name: 'r1', ips: ['10.0.0.1', '203.0.113.1'] }]);
		expect(s.nats).toEqual([{ line: 4, router: 'r1', publicIp: '198.51.100.7', mode: 'preserve', range: [2000, 2999] }]);
		expect(s.firewalls).toHaveLength(1);
		expect(s.firewalls[0].rules.map((r) => [r.line, r.action, r.direction, r.proto, r.sport, r.dport])).toEqual([
			[6, 'allow', 'in', 'tcp', null, [80, 80]],
			[7, 'allow', 'any', 'udp', [53, 53], null],
			[8, 'deny', 'in', 'any', null, null]
		]);
		expect(s.links.map((l) => [l.latencyMs, l.loss])).toEqual([
			[1.5, 0.05],
			[120_000, 0.25]
		]);
	});

	it('every OS id it accepts is a real engine preset, and every preset is accepted', () => {
		expect([...HOST_OS_IDS].sort()).toEqual([...OS_PRESET_IDS].sort());
	});
});

describe('topology: errors, with line and column', () => {
	it('rejects an unknown OS preset and lists the valid ones', () => {
		const [e] = errs('host a 10.0.0.1 os=solaris\n');
		expect(e.line).toBe(1);
		expect(e.column).toBe(17);
		expect(e.message).toContain('unknown OS preset "solaris"');
		for (const id of HOST_OS_IDS) expect(e.message).toContain(id);
	});

	it('rejects bad IPs, duplicate names and duplicate IPs', () => {
		const e = errs(`host a 10.0.0.256
host b 10.0.0.01
host c 10.0.0.1
host c 10.0.0.2
host d 10.0.0.1
host e not-an-ip
`);
		expect(e.map((x) => x.line)).toEqual([1, 2, 4, 5, 6]);
		expect(e[0].message).toContain('0-255');
		expect(e[1].message).toContain('leading zero');
		expect(e[2].message).toContain('already used by the host on line 3');
		expect(e[3].message).toContain('10.0.0.1 already belongs to c (line 3)');
		expect(e[4].message).toContain('dotted-quad');
	});

	it('rejects unknown keys, naming the allowed ones', () => {
		const [e] = errs('host a 10.0.0.1 color=red\n');
		expect(e.message).toBe('unknown key "color=" for host; allowed: ip6=, os=, range=, autoreuse=, options=, rcvbuf=, tw_reuse=, synretries=, syncookies=');
		expect(e.column).toBe(17);
	});

	it('rejects keywords as names, rules without a stateless firewall, and an empty stateless firewall', () => {
		const e = errs(`host run 10.0.0.1
router r1 10.0.0.2 10.0.1.1
router r2 10.0.2.1
firewall r1 stateful
rule r1 allow in tcp dport=80
firewall r2 stateless
`);
		expect(e.map((x) => x.line)).toEqual([1, 5, 6]);
		expect(e[0].message).toContain('keyword');
		expect(e[1].message).toContain('only to a stateless firewall');
		expect(e[2].message).toContain('has no rule lines');
	});

	it('rejects links to unknown nodes, self links and duplicate links', () => {
		const e = errs(`host a 10.0.0.1
host b 10.0.0.2
link a c
link a a
link a b
link b a
`);
		expect(e.map((x) => [x.line, x.column])).toEqual([
			[3, 8],
			[4, 8],
			[6, 6]
		]);
		expect(e[0].message).toContain('unknown host or router "c"');
		expect(e[0].message).toContain('declared: a, b');
	});
});


describe('topology: seed, nat and forward errors', () => {
	it('takes one seed, an unsigned 32-bit integer', () => {
		expect(ok('seed 4294967295\n').seed).toBe(4294967295);
		expect(where(errs('seed 4294967296\n'))).toEqual([[1, 6]]);
		const e = errs('seed 1\nseed 2\n');
		expect(e).toEqual([{ line: 2, column: 1, message: 'seed is already set on line 1' }]);
		expect(errs('seed\n')[0].message).toBe('expected an integer 0-4294967295 after "seed", got nothing');
	});

	it('checks nat lines: a router, public=, the mode and the range', () => {
		const head = 'host a 10.0.0.2\nrouter r1 10.0.0.1 203.0.113.1\n';
		const e = errs(head + 'nat a public=1.2.3.4\nnat r1\nnat r1 public=1.2.3.4 mode=fast range=9-1\n');
		expect(where(e)).toEqual([[3, 5], [4, 5], [5, 23], [5, 33]]);
		expect(e[0].message).toContain('"a" is a host (line 1), but after "nat" needs a router');
		expect(e[1].message).toContain('needs public=IP');
		expect(e[2].message).toBe('expected mode=remap or mode=preserve, got "fast"');
		expect(e[3].message).toContain('is backwards');
	});

	it('treats the words of the grammar table as reserved, forward and expect included', () => {
		for (const word of ['forward', 'expect', 'segment', 'nothing', 'next', 'udp']) {
			const [e] = errs(`host ${word} 10.0.0.1\n`);
			expect(e).toMatchObject({ line: 1, column: 6 });
			expect(e.message).toContain('keyword');
		}
	});

	it('bounds the number of hosts and routers, at the name of the first one too many', () => {
		const hosts = (n: number) => Array.from({ length: n }, (_, i) => `host h${i} 10.${i >> 8}.${i & 255}.1\n`).join('');
		expect(ok(hosts(MAX_HOSTS - 1) + 'router r 10.255.0.1\n').hosts).toHaveLength(MAX_HOSTS - 1);
		const e = errs(hosts(MAX_HOSTS) + 'router r 10.255.0.1\nhost extra 10.255.0.2\n');
		expect(where(e)).toEqual([[MAX_HOSTS + 1, 8], [MAX_HOSTS + 2, 6]]);
		expect(e[0].message).toBe(`too many hosts and routers: router "r" is number ${MAX_HOSTS + 1}; a scenario may declare at most ${MAX_HOSTS}`);
	});
});
