/**
 * IPv6 in the engine: address text (RFC 5952), dual-stack listeners and IPV6_V6ONLY per OS,
 * IPv4-mapped peers, ENETUNREACH without an IPv6 address, path-MTU discovery, happy eyeballs,
 * and a property: no two live sockets share a 5-tuple when IPv4 and IPv6 connections mix.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Simulation, type StateEvent } from './index';
import { commonPrefix } from './iface';
import { v6onlyDefault } from './ipv6';
import { happyEyeballs } from './happy-eyeballs';
import { canonicalIp, checkIp } from './wire';

describe('IPv6 addresses', () => {
	it('prints the RFC 5952 form: lower case, no leading zeros, the longest zero run as ::', () => {
		expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
		expect(canonicalIp('2001:0db8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1'); // §4.2.3: first of equal runs
		expect(canonicalIp('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // §4.2.2: one 0 group stays
		expect(canonicalIp('0:0:0:0:0:0:0:0')).toBe('::');
		expect(canonicalIp('::FFFF:192.0.2.1')).toBe('::ffff:192.0.2.1'); // §5: mapped in mixed notation
		expect(canonicalIp('192.0.2.1')).toBe('192.0.2.1');
	});
	it('refuses what is not an address, and zone ids', () => {
		for (const bad of ['2001:db8::1::2', 'fe80::1%eth0', '[::1]', '2001:db8:g::1', '1.2.3', '']) expect(canonicalIp(bad)).toBeNull();
		expect(() => checkIp('2001:DB8::1')).toThrow(/2001:db8::1/);
	});
	it('measures common prefixes within a family only', () => {
		expect(commonPrefix('2001:db8:1::1', '2001:db8:1::10')).toBe(123);
		expect(commonPrefix('2001:db8:1::1', '2001:db8:2::1')).toBe(46);
		expect(commonPrefix('2001:db8::1', '192.0.2.1')).toBe(-1);
	});
});

function pair(os: 'linux' | 'windows' | 'freebsd' | 'macos' = 'linux') {
	const sim = new Simulation({ seed: 3 });
	sim.addHost({ name: 'c', ip: '192.0.2.10', ip6: '2001:db8:1::10' });
	sim.addRouter({ name: 'r', ips: ['192.0.2.1', '203.0.113.1', '2001:db8:1::1', '2001:db8:2::1'] });
	sim.addHost({ name: 's', ip: '203.0.113.5', ip6: '2001:db8:2::5', os, root: true });
	sim.addLink('c', 'r', { latencyMs: 5 });
	sim.addLink('r', 's', { latencyMs: 5 });
	return sim;
}

describe('dual-stack listeners', () => {
	it('IPV6_V6ONLY defaults: off on Linux and macOS, on on Windows and FreeBSD', () => {
		expect([v6onlyDefault('linux'), v6onlyDefault('macos'), v6onlyDefault('windows'), v6onlyDefault('freebsd')]).toEqual([false, false, true, true]);
	});
	it('Linux: one AF_INET6 listener takes IPv4 clients as ::ffff: addresses', () => {
		const sim = pair('linux');
		sim.host('s').tcp('web', { inet6: true }).listen(80);
		sim.host('c').tcp('c4').connect('203.0.113.5', 80);
		sim.run({ until: 200 });
		const child = sim.socket('web.1').snapshot();
		expect(child.state).toBe('ESTABLISHED');
		expect(child.local).toEqual({ ip: '::ffff:203.0.113.5', port: 80 });
		expect(child.remote.ip).toBe('::ffff:192.0.2.10');
		expect(sim.socket('web').snapshot().local).toEqual({ ip: '::', port: 80 });
	});
	it('Linux: an IPv4 listener and a dual-stack one cannot share a port; with IPV6_V6ONLY they can', () => {
		const sim = pair('linux');
		expect(sim.host('s').tcp('a').listen(80)).toBe(true);
		expect(sim.host('s').tcp('b', { inet6: true }).listen(80)).toBe(false);
		expect(sim.trace().events.some((e) => e.kind === 'error' && e.socket === 'b' && e.errno === 'EADDRINUSE')).toBe(true);
		expect(sim.host('s').tcp('d', { inet6: true, v6only: true }).listen(80)).toBe(true);
		expect(sim.host('s').tcp('e', { inet6: true, v6only: true }).listen(80)).toBe(false); // two IPv6 binds still conflict
	});
	it('Windows: the AF_INET6 listener is IPv6-only, so IPv4 clients reach the IPv4 one', () => {
		const sim = pair('windows');
		sim.host('s').tcp('w4').listen(80);
		sim.host('s').tcp('w6', { inet6: true }).listen(80);
		sim.host('c').tcp('a').connect('203.0.113.5', 80);
		sim.host('c').tcp('b').connect('2001:db8:2::5', 80);
		sim.run({ until: 300 });
		expect(sim.socket('w4.1').snapshot().remote.ip).toBe('192.0.2.10');
		expect(sim.socket('w6.1').snapshot().remote.ip).toBe('2001:db8:1::10');
	});
	it('an IPv6-only listener refuses IPv4 with RST', () => {
		const sim = pair('freebsd');
		sim.host('s').tcp('w6', { inet6: true }).listen(80);
		sim.host('c').tcp('a').connect('203.0.113.5', 80);
		sim.run({ until: 300 });
		expect(sim.trace().events.some((e) => e.kind === 'error' && e.socket === 'a' && e.errno === 'ECONNREFUSED')).toBe(true);
	});
});

describe('IPv6 paths', () => {
	it('connect() to IPv6 from an IPv4-only host fails ENETUNREACH', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addHost({ name: 'a', ip: '192.0.2.1' });
		expect(sim.host('a').tcp('x').connect('2001:db8::5', 80)).toBe(false);
		expect(sim.trace().events.find((e) => e.kind === 'error')).toMatchObject({ errno: 'ENETUNREACH' });
	});
	it('Packet Too Big lowers the MSS to MTU - 60 - 12 (timestamps) and every byte arrives', () => {
		const sim = pair();
		sim.addHost({ name: 'far', ip: '198.51.100.9', ip6: '2001:db8:3::9', root: true });
		sim.addRouter({ name: 'r2', ips: ['198.51.100.1', '2001:db8:3::1'] });
		sim.addLink('s', 'r2', { latencyMs: 1 }); // hosts do not forward: far is reached through r2 only
		sim.addLink('r', 'r2', { latencyMs: 5, mtu: 1280 });
		sim.addLink('r2', 'far', { latencyMs: 5 });
		sim.host('far').tcp('web', { inet6: true }).listen(443);
		const c = sim.host('c').tcp('c');
		c.connect('2001:db8:3::9', 443);
		sim.run({ until: 100 });
		c.send(5000);
		sim.run({ until: 5000 });
		const ev = sim.trace().events;
		expect(ev.some((e) => e.kind === 'icmp' && e.icmpv6 === true && e.type === 2 && e.mtu === 1280)).toBe(true);
		expect(c.sndMss).toBe(1280 - 40 - 20 - 12); // tcp_mtu_to_mss: IPv6 and TCP headers, timestamps
		const snap = c.snapshot();
		expect(snap.sndUna).toBe(snap.sndNxt);
		const delivered = ev.filter((e) => e.kind === 'segment' && e.from === 'c' && e.arrivedAt !== null && e.len > 0);
		expect(delivered.every((e) => e.kind === 'segment' && e.len <= 1208)).toBe(true);
	});
	it('happy eyeballs: a working IPv6 path wins and IPv4 is never tried', () => {
		const sim = pair();
		sim.host('s').tcp('web', { inet6: true }).listen(443);
		const he = happyEyeballs(sim.host('c'), 'b', '2001:db8:2::5', '203.0.113.5', 443);
		sim.run({ until: 1000 });
		expect(he.v6.state).toBe('ESTABLISHED');
		expect(he.v4.state).toBe('CLOSED');
		expect(sim.trace().events.some((e) => e.kind === 'segment' && e.src.ip === '192.0.2.10')).toBe(false);
	});
});

describe('UDP and reject rules over IPv6', () => {
	it('UDP: a datagram and its reply travel over IPv6, sent with Hop Limit 64', () => {
		const sim = pair();
		sim.at(0, () => sim.host('s').udp('dns').bind(53));
		sim.at(1, () => sim.host('c').udp('q').sendTo('2001:db8:2::5', 53, 40, 'query'));
		sim.at(50, () => expect(sim.udpSocket('dns').reply(120, 'answer')).toBe(true));
		sim.run();
		const d = sim.trace().events.filter((e) => e.kind === 'datagram');
		expect(d).toHaveLength(2);
		expect(d[0]).toMatchObject({ src: { ip: '2001:db8:1::10' }, dst: { ip: '2001:db8:2::5', port: 53 }, ttl: 64 });
		expect(d[0].arrivedAt).not.toBeNull();
		expect(d[1]).toMatchObject({ src: { ip: '2001:db8:2::5', port: 53 }, dst: d[0].src, len: 120 });
		expect(sim.udpSocket('q').received).toBe(1);
		expect(sim.udpSocket('q').lastSender).toEqual({ ip: '2001:db8:2::5', port: 53 });
	});
	it('UDP to a closed port: ICMPv6 Destination Unreachable 1/4, and a connected socket gets ECONNREFUSED', () => {
		const sim = pair();
		sim.at(0, () => {
			const c = sim.host('c').udp('u');
			expect(c.connect('2001:db8:2::5', 7777)).toBe(true);
			expect(c.send(8)).toBe(true);
		});
		sim.at(100, () => expect(sim.udpSocket('u').send(8)).toBe(false));
		sim.run();
		const ev = sim.trace().events;
		const un = ev.filter((e) => e.kind === 'icmp' && e.icmpv6 === true && e.type === 1);
		expect(un).toHaveLength(1);
		expect(un[0]).toMatchObject({ code: 4, srcIp: '2001:db8:2::5', dstIp: '2001:db8:1::10' });
		expect(ev.filter((e) => e.kind === 'error' && e.socket === 'u').map((e) => e.kind === 'error' && e.errno)).toEqual(['ECONNREFUSED']);
	});
	it('a router reject rule answers an IPv6 packet with ICMPv6 1/4 from its IPv6 interface, an IPv4 one with ICMP 3/3', () => {
		const sim = pair();
		sim.setFirewall('r', { mode: 'stateless', rules: [{ action: 'reject', direction: 'out', proto: 'UDP', dport: 9 }], default: 'allow', inside: ['192.0.2.1', '2001:db8:1::1'] });
		sim.at(0, () => sim.host('c').udp('six').sendTo('2001:db8:2::5', 9, 8));
		sim.at(0, () => sim.host('c').udp('four').sendTo('203.0.113.5', 9, 8));
		sim.run();
		const icmp = sim.trace().events.filter((e) => e.kind === 'icmp');
		expect(icmp.map((e) => e.kind === 'icmp' && [e.srcIp, e.dstIp, e.type, e.code, e.icmpv6 === true])).toEqual(
			expect.arrayContaining([
				['2001:db8:1::1', '2001:db8:1::10', 1, 4, true],
				['192.0.2.1', '192.0.2.10', 3, 3, false]
			])
		);
		expect(sim.trace().events.filter((e) => e.kind === 'datagram').every((e) => e.arrivedAt === null)).toBe(true);
	});
});

describe('property: no two live sockets share a 5-tuple, IPv4 and IPv6 mixed', () => {
	it('holds over random connects and closes from two dual-stack clients', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 2 ** 31 }),
				fc.array(fc.record({ t: fc.integer({ min: 0, max: 2000 }), v6: fc.boolean(), from: fc.integer({ min: 0, max: 1 }), close: fc.integer({ min: -1, max: 9 }) }), { maxLength: 30 }),
				(seed, ops) => {
					const sim = new Simulation({ seed });
					sim.addHost({ name: 'c0', ip: '192.0.2.10', ip6: '2001:db8:1::10', ephemeral: [40000, 40007] });
					sim.addHost({ name: 'c1', ip: '192.0.2.11', ip6: '2001:db8:1::11', os: 'freebsd', ephemeral: [40000, 40007] });
					sim.addRouter({ name: 'r', ips: ['192.0.2.1', '203.0.113.1', '2001:db8:1::1', '2001:db8:2::1'] });
					sim.addHost({ name: 's', ip: '203.0.113.5', ip6: '2001:db8:2::5', root: true });
					sim.addLink('c0', 'r', { latencyMs: 3 });
					sim.addLink('c1', 'r', { latencyMs: 4 });
					sim.addLink('r', 's', { latencyMs: 5 });
					sim.at(0, () => sim.host('s').tcp('web', { inet6: true }).listen(80));
					const ids: string[] = [];
					ops.forEach((o, i) =>
						sim.at(o.t + 1, () => {
							const id = `k${i}`;
							sim.host(`c${o.from}`).tcp(id).connect(o.v6 ? '2001:db8:2::5' : '203.0.113.5', 80);
							ids.push(id);
							if (o.close >= 0 && ids.length > 0) sim.socketOrNull(ids[o.close % ids.length])?.close();
						})
					);
					sim.run({ until: 200_000 });
					// Replay the state events: at every moment, the live sockets' (proto, local, remote) are distinct.
					const live = new Map<string, string>();
					for (const e of sim.trace().events) {
						if (e.kind !== 'state') continue;
						const s = e as StateEvent;
						const key = `${s.host}|${s.local.ip}|${s.local.port}|${s.remote.ip}|${s.remote.port}`;
						// CLOSED, or a half-open child discarded by a RST (SYN-RECEIVED -> LISTEN, RFC 9293 §3.10.7.4).
						if (s.to === 'CLOSED' || s.to === 'LISTEN') {
							if (live.get(key) === s.socket) live.delete(key);
							continue;
						}
						const owner = live.get(key);
						if (owner !== undefined && owner !== s.socket) throw new Error(`5-tuple ${key} held by ${owner} and ${s.socket}`);
						live.set(key, s.socket);
						// Ephemeral ports over IPv6 come from the same per-OS range as IPv4.
						if (s.host !== 's' && s.local.port !== 80) expect(s.local.port >= 40000 && s.local.port <= 40007).toBe(true);
					}
				}
			),
			{ numRuns: 60 }
		);
	});
});
