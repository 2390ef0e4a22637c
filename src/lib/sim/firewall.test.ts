import { describe, expect, it } from 'vitest';
import { Simulation, SimError, type DatagramEvent, type FirewallRule, type IcmpEvent, type SegmentEvent } from './index';
import { ruleMatches } from './firewall';

/** server (inside, 10.0.0.5) - gw - outside (203.0.113.50). */
function net(cfg: Parameters<Simulation['setFirewall']>[1]) {
	const sim = new Simulation({ seed: 12 });
	sim.addHost({ name: 'server', ip: '10.0.0.5', root: true });
	sim.addRouter({ name: 'gw', ips: ['10.0.0.1', '203.0.113.1'] });
	sim.addHost({ name: 'outside', ip: '203.0.113.50', root: true });
	sim.setFirewall('gw', cfg);
	sim.addLink('server', 'gw', { latencyMs: 2 });
	sim.addLink('gw', 'outside', { latencyMs: 20 });
	sim.at(0, () => sim.host('server').tcp('web').listen(80));
	sim.at(0, () => sim.host('outside').tcp('api').listen(443));
	return sim;
}
const segs = (sim: Simulation) => sim.trace().events.filter((e): e is SegmentEvent => e.kind === 'segment');

describe('stateless firewall', () => {
	const rules: FirewallRule[] = [
		{ action: 'allow', direction: 'in', proto: 'TCP', dport: 80 },
		{ action: 'deny', direction: 'in', proto: 'any' },
		{ action: 'allow', direction: 'out', proto: 'any' }
	];

	it('first match wins: inbound :80 works; the SYN,ACK answering an outbound connection is dropped coming in', () => {
		const sim = net({ mode: 'stateless', rules });
		sim.at(10, () => sim.host('outside').tcp('browser').connect('10.0.0.5', 80));
		sim.at(500, () => sim.host('server').tcp('backend').connect('203.0.113.50', 443));
		sim.run({ until: 5000 });
		expect(sim.socket('browser').state).toBe('ESTABLISHED');
		expect(sim.socket('backend').state).toBe('SYN-SENT');
		const dropped = segs(sim).filter((s) => s.dropped === 'firewall');
		expect(dropped.length).toBeGreaterThanOrEqual(2); // SYN,ACK and its retransmissions
		expect(dropped.every((s) => s.flags.join(',') === 'SYN,ACK' && s.dst.ip === '10.0.0.5')).toBe(true);
		expect(dropped[0].arrivedAt).toBeNull();
	});

	it('a rule opening the ephemeral range lets return traffic in', () => {
		const sim = net({
			mode: 'stateless',
			rules: [{ action: 'allow', direction: 'in', proto: 'TCP', sport: 443, dport: [32768, 60999] }, ...rules]
		});
		sim.at(500, () => sim.host('server').tcp('backend').connect('203.0.113.50', 443));
		sim.run({ until: 5000 });
		expect(sim.socket('backend').state).toBe('ESTABLISHED');
	});

	it('no matching rule: default deny, or allow when configured', () => {
		const only: FirewallRule[] = [{ action: 'allow', direction: 'out', proto: 'TCP', dport: 443 }];
		const a = net({ mode: 'stateless', rules: only });
		a.at(10, () => a.host('server').tcp('c').connect('203.0.113.50', 443));
		a.run({ until: 3000 });
		expect(a.socket('c').state).toBe('SYN-SENT');
		const b = net({ mode: 'stateless', rules: only, default: 'allow' });
		b.at(10, () => b.host('server').tcp('c').connect('203.0.113.50', 443));
		b.run({ until: 3000 });
		expect(b.socket('c').state).toBe('ESTABLISHED');
	});

	it('rule matching: direction, protocol, single ports and ranges; ports never match ICMP', () => {
		const udp = { proto: 'UDP', srcIp: '1.1.1.1', dstIp: '2.2.2.2', ttl: 64, id: 0, sport: 5000, dport: 53, len: 1 } as const;
		const icmp = { proto: 'ICMP', srcIp: '1.1.1.1', dstIp: '2.2.2.2', ttl: 64, id: 0, type: 8, code: 0 } as const;
		expect(ruleMatches({ action: 'allow', direction: 'out', proto: 'UDP', dport: 53 }, { ...udp }, 'out')).toBe(true);
		expect(ruleMatches({ action: 'allow', direction: 'in', proto: 'UDP', dport: 53 }, { ...udp }, 'out')).toBe(false);
		expect(ruleMatches({ action: 'allow', direction: 'out', proto: 'TCP' }, { ...udp }, 'out')).toBe(false);
		expect(ruleMatches({ action: 'allow', direction: 'out', proto: 'any', sport: [4000, 5000] }, { ...udp }, 'out')).toBe(true);
		expect(ruleMatches({ action: 'allow', direction: 'out', proto: 'any', sport: [5001, 6000] }, { ...udp }, 'out')).toBe(false);
		expect(ruleMatches({ action: 'allow', direction: 'out', proto: 'any', dport: 53 }, { ...icmp }, 'out')).toBe(false);
		expect(ruleMatches({ action: 'allow', direction: 'out', proto: 'ICMP' }, { ...icmp }, 'out')).toBe(true);
	});

	it('rejects malformed configurations with clear messages', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addRouter({ name: 'gw', ips: ['10.0.0.1', '203.0.113.1'] });
		expect(() => sim.setFirewall('gw', { mode: 'stateless', rules: [] })).toThrow(/at least one rule/);
		expect(() => sim.setFirewall('gw', { mode: 'stateless', rules: [{ action: 'maybe' as 'allow', direction: 'in', proto: 'any' }] })).toThrow(/rule 1: action/);
		expect(() => sim.setFirewall('gw', { mode: 'stateless', rules: [{ action: 'allow', direction: 'in', proto: 'ICMP', dport: 1 }] })).toThrow(/ICMP has no ports/);
		expect(() => sim.setFirewall('gw', { mode: 'stateless', rules: [{ action: 'allow', direction: 'in', proto: 'TCP', dport: [9, 1] }] })).toThrow(SimError);
		expect(() => sim.setFirewall('gw', { mode: 'open' } as never)).toThrow(/mode/);
		expect(() => sim.setFirewall('gw', { mode: 'stateful', inside: ['10.9.9.9'] })).toThrow(/not one of the router's interfaces/);
		sim.setFirewall('gw', { mode: 'stateful' });
		expect(() => sim.setFirewall('gw', { mode: 'stateful' })).toThrow(/already has a firewall/);
	});
});

describe('stateful firewall', () => {
	it('outbound connections and their replies pass; an unsolicited inbound SYN is dropped', () => {
		const sim = net({ mode: 'stateful' });
		sim.at(10, () => sim.host('server').tcp('backend').connect('203.0.113.50', 443));
		sim.at(110, () => sim.socket('backend').send(300));
		sim.at(500, () => sim.host('outside').tcp('browser').connect('10.0.0.5', 80));
		sim.run({ until: 10_000 });
		expect(sim.socket('backend').state).toBe('ESTABLISHED');
		expect(sim.socket('api.1').bytesReceived).toBe(300);
		expect(sim.socket('browser').state).not.toBe('ESTABLISHED');
		const dropped = segs(sim).filter((s) => s.dropped === 'firewall');
		expect(dropped.length).toBeGreaterThanOrEqual(1);
		expect(dropped.every((s) => s.from === 'outside' && s.flags.join(',') === 'SYN')).toBe(true);
	});

	it('rules can open inbound services; their replies are tracked', () => {
		const sim = net({ mode: 'stateful', rules: [{ action: 'allow', direction: 'in', proto: 'TCP', dport: 80 }] });
		sim.at(10, () => sim.host('outside').tcp('browser').connect('10.0.0.5', 80));
		sim.run({ until: 1000 });
		expect(sim.socket('browser').state).toBe('ESTABLISHED');
	});

	it('UDP replies pass within the timeout; ICMP errors about tracked flows (RELATED) and echo replies pass', () => {
		const sim = net({ mode: 'stateful' });
		sim.at(0, () => sim.host('outside').udp('dns').bind(53));
		sim.at(10, () => sim.host('server').udp('q').sendTo('203.0.113.50', 53, 20));
		sim.at(100, () => sim.udpSocket('dns').reply(40));
		sim.at(200, () => sim.host('server').udp('q2').sendTo('203.0.113.50', 9999, 20)); // closed port
		sim.at(300, () => sim.host('server').ping('203.0.113.50'));
		// A late reply, after the 30 s UDP timeout (unreplied flow... q's flow was replied at 122 ms,
		// but is younger than 2 s then, so it keeps the 30 s timeout).
		sim.at(40_000, () => sim.udpSocket('dns').reply(40));
		sim.run({ until: 60_000 });
		expect(sim.udpSocket('q').received).toBe(1);
		const d = sim.trace().events.filter((e): e is DatagramEvent => e.kind === 'datagram');
		expect(d.at(-1)!.dropped).toBe('firewall');
		const icmp = sim.trace().events.filter((e): e is IcmpEvent => e.kind === 'icmp');
		expect(icmp.find((i) => i.type === 3)!.arrivedAt).not.toBeNull();
		expect(icmp.find((i) => i.type === 0)!.arrivedAt).not.toBeNull();
	});

	it('with NAT on the same router, the filter sees inside addresses and replies still pass', () => {
		const sim = new Simulation({ seed: 3 });
		sim.addHost({ name: 'laptop', ip: '192.168.1.10' });
		sim.addRouter({ name: 'home', ips: ['192.168.1.1', '198.51.100.7'] });
		sim.addHost({ name: 'web', ip: '203.0.113.5', root: true });
		sim.setNat('home', { publicIp: '198.51.100.7', mode: 'remap', range: [1024, 2000] }); // public ports outside the rule's range
		sim.setFirewall('home', { mode: 'stateless', rules: [{ action: 'allow', direction: 'in', proto: 'TCP', sport: 443, dport: [32768, 60999] }, { action: 'allow', direction: 'out', proto: 'any' }] });
		sim.addLink('laptop', 'home', { latencyMs: 2 });
		sim.addLink('home', 'web', { latencyMs: 20 });
		sim.at(0, () => sim.host('web').tcp('s').listen(443));
		sim.at(10, () => sim.host('laptop').tcp('c').connect('203.0.113.5', 443));
		sim.run({ until: 2000 });
		// The rule names the laptop's ephemeral range, not the NAT's public port: it matched after de-NAT.
		expect(sim.socket('c').state).toBe('ESTABLISHED');
	});
});
