import { describe, expect, it } from 'vitest';
import { Simulation, type SegmentEvent, SimError } from './index';

function topo(loss = 0) {
	const sim = new Simulation({ seed: 9 });
	sim.addHost({ name: 'client', ip: '192.168.1.10' });
	sim.addRouter({ name: 'r1', ips: ['192.168.1.1', '10.0.0.1'] });
	sim.addRouter({ name: 'r2', ips: ['10.0.0.2', '203.0.113.1'] });
	sim.addHost({ name: 'server', ip: '203.0.113.5', root: true });
	sim.addLink('client', 'r1', { latencyMs: 5 });
	sim.addLink('r1', 'r2', { latencyMs: 20, loss });
	sim.addLink('r2', 'server', { latencyMs: 5 });
	return sim;
}
const segs = (sim: Simulation) => sim.trace().events.filter((e): e is SegmentEvent => e.kind === 'segment');

describe('network', () => {
	it('routes through routers; arrivedAt = send time + sum of link latencies', () => {
		const sim = topo();
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(0, () => sim.host('client').tcp('c').connect('203.0.113.5', 80));
		sim.run({ until: 1000 });
		const s = segs(sim);
		expect(s[0].arrivedAt).toBe(30);
		expect(s[1].t).toBe(30);
		expect(s[1].arrivedAt).toBe(60);
		expect(sim.socket('c').state).toBe('ESTABLISHED');
	});

	it('routers decrement TTL and drop at 0 (dropped: ttl) with a hook call', () => {
		const sim = topo();
		const expired: string[] = [];
		sim.router('r1').onTtlExceeded = (p) => expired.push(p.srcIp);
		sim.at(0, () =>
			sim.inject({ from: 'client', proto: 'TCP', src: { ip: '192.168.1.10', port: 1234 }, dst: { ip: '203.0.113.5', port: 80 }, flags: ['SYN'], seq: 1, ttl: 1 })
		);
		sim.at(1, () =>
			sim.inject({ from: 'client', proto: 'TCP', src: { ip: '192.168.1.10', port: 1234 }, dst: { ip: '203.0.113.5', port: 81 }, flags: ['SYN'], seq: 1, ttl: 3 })
		);
		sim.run();
		const s = segs(sim);
		expect(s[0].arrivedAt).toBeNull();
		expect(s[0].dropped).toBe('ttl');
		expect(expired).toEqual(['192.168.1.10']);
		expect(s[1].arrivedAt).toBe(31);
		expect(s[2].flags).toEqual(['RST', 'ACK']); // closed port answers RST
	});

	it('firewall and NAT hook slots are consulted by routers', () => {
		const sim = topo();
		sim.router('r2').firewall = { filter: (p) => !(p.proto === 'TCP' && p.dport === 22) };
		sim.router('r1').nat = {
			translate: (p) => {
				if (p.proto === 'TCP' && p.srcIp === '192.168.1.10') p.srcIp = '10.0.0.1';
				return p;
			}
		};
		sim.at(0, () => sim.host('client').tcp('a').connect('203.0.113.5', 22));
		sim.run({ until: 100 });
		expect(segs(sim)[0].dropped).toBe('firewall');
	});

	it('lossy links lose packets deterministically per seed; retransmission recovers', () => {
		const run = () => {
			const sim = topo(0.5);
			sim.at(0, () => sim.host('server').tcp('web').listen(80));
			sim.at(0, () => sim.host('client').tcp('c').connect('203.0.113.5', 80));
			sim.run({ until: 200_000 });
			return JSON.stringify(sim.trace());
		};
		const a = run();
		expect(a).toBe(run());
		expect(a).toContain('"dropped":"lost"');
	});

	it('no route: dropped no-route; bad topology throws SimError', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addHost({ name: 'a', ip: '10.0.0.1' });
		sim.addHost({ name: 'b', ip: '10.0.0.2' });
		sim.at(0, () => sim.host('a').tcp('x').connect('10.0.0.2', 80));
		sim.run({ until: 10 });
		expect(segs(sim)[0].dropped).toBe('no-route');
		expect(() => sim.addLink('a', 'a')).toThrow(SimError);
		expect(() => sim.addLink('a', 'zz')).toThrow(/Unknown/);
		expect(() => sim.addLink('a', 'b', { loss: 2 })).toThrow(/probability/);
	});

	it('hosts do not forward packets (only routers do)', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addHost({ name: 'a', ip: '10.0.0.1' });
		sim.addHost({ name: 'm', ip: '10.0.0.2' });
		sim.addHost({ name: 'b', ip: '10.0.0.3' });
		sim.addLink('a', 'm');
		sim.addLink('m', 'b');
		sim.at(0, () => sim.host('a').tcp('x').connect('10.0.0.3', 80));
		sim.run({ until: 10 });
		expect(segs(sim)[0].dropped).toBe('no-route');
	});
});
