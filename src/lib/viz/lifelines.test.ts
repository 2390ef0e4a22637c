import { describe, expect, it } from 'vitest';
import type { PacketEvent } from '$lib/sim/trace';
import { pathOrder, dropSite, initiators, pathBetween, packetsOf } from './lifelines';
import { lessonTraces } from './test-traces';

const lessons = lessonTraces();
const names = (file: string) => pathOrder(lessons.get(file)!).map((h) => h.name);

describe('lifelines in path order', () => {
	it('traceroute: laptop, r1, r2, server (declared server first)', () => {
		expect(names('traceroute-unix.scn')).toEqual(['laptop', 'r1', 'r2', 'server']);
		expect(names('tracert-windows.scn')).toEqual(['pc', 'r1', 'r2', 'server']);
	});
	it('clients first, routers in the middle, servers last', () => {
		expect(names('three-oses.scn')).toEqual(['linux', 'win', 'xp', 'r1', 'web', 'api']);
		expect(names('two-devices.scn')).toEqual(['phone', 'laptop', 'r1', 'web']);
		expect(names('stateful.scn')).toEqual(['laptop', 'fw', 'web']);
		expect(names('tiny-range.scn')).toEqual(['client', 'r1', 'api', 'other']);
	});
	it('two peers that send to each other: from one peer to the other, the server where its hops put it', () => {
		expect(names('stun-cone.scn')).toEqual(['alice', 'natA', 'stun', 'net', 'natB', 'bob']);
		expect(names('stun-symmetric.scn')).toEqual(['alice', 'natA', 'stun', 'net', 'natB', 'bob']);
	});
	it('a datagram refused by the NAT it is addressed to dies at that NAT, not at the sender\'s', () => {
		const t = lessons.get('stun-cone.scn')!;
		const dropped = packetsOf(t).filter((p) => p.dropped === 'nat');
		expect(dropped.map((p) => [p.from, p.to])).toEqual([['alice', 'natB']]);
		expect(dropSite(t, dropped[0])).toEqual({ node: 'natB', t: dropped[0].t + 22 });
	});
	it('a client is a host that sends before it receives', () => {
		expect([...initiators(lessons.get('stateful.scn')!)]).toEqual(['laptop']);
		expect([...initiators(lessons.get('unprivileged.scn')!)]).toEqual(['laptop']);
		expect(names('unprivileged.scn')).toEqual(['laptop', 'devbox']);
	});
	it('finds the shortest path over links', () => {
		expect(pathBetween(lessons.get('ping.scn')!, 'laptop', 'server')).toEqual(['laptop', 'r1', 'r2', 'server']);
		expect(pathBetween(lessons.get('ping.scn')!, 'server', 'server')).toEqual(['server']);
	});
});

describe('where a dropped packet died', () => {
	it('a traceroute probe dies at the router whose Time Exceeded quotes it', () => {
		for (const file of ['traceroute-unix.scn', 'tracert-windows.scn']) {
			const t = lessons.get(file)!;
			const probes = packetsOf(t).filter((p) => p.from === t.hosts[0].name && p.dropped === 'ttl');
			expect(probes.length).toBe(6);
			const sites = probes.map((p) => dropSite(t, p)!.node);
			expect(sites).toEqual(['r1', 'r1', 'r1', 'r2', 'r2', 'r2']);
			// …when that router sent its Time Exceeded, after the probe left.
			for (const p of probes) expect(dropSite(t, p)!.t).toBeGreaterThan(p.t);
			// The TTL-3 probes passed both routers and reached the server.
			const last = packetsOf(t).filter((p) => p.from === t.hosts[0].name && !p.dropped);
			expect(last.length).toBeGreaterThan(0);
			for (const p of last) expect(p.to).toBe('server');
		}
	});
	it('a firewall drop happens at the one router between the hosts', () => {
		const t = lessons.get('stateless-broken.scn')!;
		const dropped = packetsOf(t).filter((p): p is PacketEvent => p.dropped === 'firewall');
		expect(dropped.length).toBeGreaterThan(0);
		for (const p of dropped) expect(dropSite(t, p)).toEqual({ node: 'fw', t: p.t + 20 });
	});
	it('a packet lost on a link has no known site', () => {
		const t = lessons.get('lost-segment.scn')!;
		const lost = packetsOf(t).filter((p) => p.dropped === 'lost');
		expect(lost.length).toBe(1);
		expect(dropSite(t, lost[0])).toBeNull();
	});
});
