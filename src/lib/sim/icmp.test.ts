import { describe, expect, it } from 'vitest';
import { Simulation, SimError, type CallEvent, type DatagramEvent, type IcmpEvent, type PortEvent } from './index';

/** laptop - r1 - r2 - server, latencies 2, 15, 8 ms (one way 25 ms). */
function path(os: 'linux' | 'windows' = 'linux') {
	const sim = new Simulation({ seed: 6 });
	sim.addHost({ name: 'laptop', ip: '192.168.1.10', os });
	sim.addRouter({ name: 'r1', ips: ['192.168.1.1', '10.0.0.1'] });
	sim.addRouter({ name: 'r2', ips: ['10.0.0.2', '203.0.113.1'] });
	sim.addHost({ name: 'server', ip: '203.0.113.5' });
	sim.addLink('laptop', 'r1', { latencyMs: 2 });
	sim.addLink('r1', 'r2', { latencyMs: 15 });
	sim.addLink('r2', 'server', { latencyMs: 8 });
	return sim;
}
const icmps = (sim: Simulation) => sim.trace().events.filter((e): e is IcmpEvent => e.kind === 'icmp');
const dgrams = (sim: Simulation) => sim.trace().events.filter((e): e is DatagramEvent => e.kind === 'datagram');
const calls = (sim: Simulation, socket: string, call?: string) =>
	sim.trace().events.filter((e): e is CallEvent => e.kind === 'call' && e.socket === socket && (call === undefined || e.call === call));

describe('ICMP echo (ping)', () => {
	it('count requests interval apart; replies repeat identifier and sequence; RTT = 2 x path latency; TTL lowered by routers', () => {
		const sim = path();
		sim.at(100, () => {
			const p = sim.host('laptop').ping('203.0.113.5', { count: 3, intervalMs: 1000 });
			expect(p.identifier).toBe(1); // ping_get_port: rover starts at 1, never 0
		});
		sim.run();
		const req = icmps(sim).filter((i) => i.type === 8);
		const rep = icmps(sim).filter((i) => i.type === 0);
		expect(req.map((r) => r.t)).toEqual([100, 1100, 2100]);
		expect(req.map((r) => r.sequence)).toEqual([1, 2, 3]);
		expect(rep).toHaveLength(3);
		for (let k = 0; k < 3; k++) {
			expect(rep[k]).toMatchObject({ identifier: req[k].identifier, sequence: req[k].sequence, srcIp: '203.0.113.5', dstIp: '192.168.1.10', code: 0 });
			expect(rep[k].arrivedAt! - req[k].t).toBe(50);
		}
		const lines = calls(sim, 'laptop#ping1', 'recv').map((c) => c.detail);
		expect(lines[0]).toBe('64 bytes from 203.0.113.5: icmp_seq=1 ttl=62 time=50 ms');
		// The identifier is held like a port while ping runs, then released.
		const pe = sim.trace().events.filter((e): e is PortEvent => e.kind === 'port' && e.proto === 'ICMP');
		expect(pe.map((e) => e.action)).toEqual(['allocate', 'release']);
		expect(pe[1].t).toBe(rep[2].arrivedAt);
	});

	it('two pings at once get different identifiers; a router answers pings to its own address', () => {
		const sim = path();
		sim.at(0, () => {
			sim.host('laptop').ping('203.0.113.5');
			sim.host('laptop').ping('10.0.0.2');
		});
		sim.run();
		const req = icmps(sim).filter((i) => i.type === 8);
		expect(new Set(req.map((r) => r.identifier)).size).toBe(2);
		const fromR2 = icmps(sim).find((i) => i.type === 0 && i.srcIp === '10.0.0.2')!;
		expect(fromR2.from).toBe('r2');
		expect(fromR2.arrivedAt).toBe(34);
	});

	it('validates its arguments', () => {
		const sim = path();
		expect(() => sim.host('laptop').ping('300.1.1.1')).toThrow(SimError);
		expect(() => sim.host('laptop').ping('10.0.0.2', { count: 0 })).toThrow(/count/);
		expect(() => sim.host('laptop').ping('10.0.0.2', { intervalMs: 0 })).toThrow(/intervalMs/);
	});
});

describe('Time Exceeded', () => {
	it('a router answers TTL expiry from its ingress interface address, quoting the dropped packet', () => {
		const sim = path();
		sim.at(0, () => {
			const u = sim.host('laptop').udp('u');
			u.bind(40000);
			u.ttl = 2; // internal knob, as traceroute uses it
			u.sendTo('203.0.113.5', 9, 1);
		});
		sim.run();
		const [d] = dgrams(sim);
		expect(d.dropped).toBe('ttl');
		const te = icmps(sim).filter((i) => i.type === 11);
		expect(te).toHaveLength(1);
		expect(te[0]).toMatchObject({ from: 'r2', srcIp: '10.0.0.2', dstIp: '192.168.1.10', code: 0, t: 17, arrivedAt: 34 });
		expect(te[0].quoted).toEqual({ proto: 'UDP', src: { ip: '192.168.1.10', port: 40000 }, dst: { ip: '203.0.113.5', port: 9 } });
	});

	it('no ICMP error is sent about an ICMP error (RFC 1122 3.2.2)', () => {
		const sim = new Simulation({ seed: 1 });
		sim.addHost({ name: 'a', ip: '10.0.0.10' });
		sim.addRouter({ name: 'r', ips: ['10.0.0.1', '10.0.1.1'] });
		sim.addRouter({ name: 'far', ips: ['10.0.1.2', '10.0.2.1'] });
		sim.addHost({ name: 'b', ip: '10.0.2.10' });
		sim.addLink('a', 'r');
		sim.addLink('r', 'far');
		sim.addLink('far', 'b');
		// b's Port Unreachable goes back with TTL 64: fine. Force an error to expire: none is generated about it.
		const r = sim.router('r');
		const orig = r.onTtlExceeded!;
		let calls = 0;
		r.onTtlExceeded = (p, t, f) => {
			calls++;
			orig(p, t, f);
		};
		sim.at(0, () => {
			const u = sim.host('a').udp('u');
			u.ttl = 1;
			u.sendTo('10.0.2.10', 9, 1);
		});
		sim.run();
		expect(calls).toBe(1);
		expect(icmps(sim).filter((i) => i.type === 11)).toHaveLength(1);
	});
});

describe('traceroute', () => {
	it('unix: UDP probes 33434 + n from one ephemeral port, 3 per hop with TTL 1, 2, 3; stops at Port Unreachable', () => {
		const sim = path();
		sim.at(0, () => sim.host('laptop').traceroute('203.0.113.5', { style: 'unix' }));
		sim.run();
		const probes = dgrams(sim);
		expect(probes).toHaveLength(9);
		expect(probes.map((p) => p.ttl)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
		expect(probes.map((p) => p.dst.port)).toEqual([33434, 33435, 33436, 33437, 33438, 33439, 33440, 33441, 33442]);
		expect(new Set(probes.map((p) => p.src.port)).size).toBe(1);
		expect(probes.slice(0, 6).every((p) => p.dropped === 'ttl')).toBe(true);
		const answers = icmps(sim);
		expect(answers.map((a) => `${a.type}/${a.code} ${a.srcIp}`)).toEqual([
			...Array(3).fill('11/0 192.168.1.1'),
			...Array(3).fill('11/0 10.0.0.2'),
			...Array(3).fill('3/3 203.0.113.5')
		]);
		// Each probe leaves when the previous answer arrives: RTT 4, 34, 50 ms.
		expect(calls(sim, 'laptop#traceroute1', 'hop').map((c) => c.detail)).toEqual([
			' 1  192.168.1.1  4 ms  192.168.1.1  4 ms  192.168.1.1  4 ms',
			' 2  10.0.0.2  34 ms  10.0.0.2  34 ms  10.0.0.2  34 ms',
			' 3  203.0.113.5  50 ms  203.0.113.5  50 ms  203.0.113.5  50 ms'
		]);
		expect(sim.host('laptop').portsInUse('UDP')).toEqual([]);
	});

	it('windows: ICMP echo probes with rising TTL, Echo Reply ends it; no UDP', () => {
		const sim = path('windows');
		sim.at(0, () => sim.host('laptop').traceroute('203.0.113.5', { style: 'windows' }));
		sim.run();
		const probes = icmps(sim).filter((i) => i.type === 8);
		expect(probes.map((p) => p.ttl)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
		expect(new Set(probes.map((p) => p.identifier)).size).toBe(1);
		expect(probes.map((p) => p.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(dgrams(sim)).toHaveLength(0);
		const te = icmps(sim).filter((i) => i.type === 11);
		expect(te[0].quoted).toMatchObject({ proto: 'ICMP', identifier: probes[0].identifier, sequence: 1 });
		expect(icmps(sim).filter((i) => i.type === 0 && i.srcIp === '203.0.113.5')).toHaveLength(3);
	});

	it('a silent hop shows * after the timeout, and maxHops bounds the run', () => {
		const sim = path();
		sim.addHost({ name: 'sink', ip: '203.0.113.99', scripted: true }); // never answers
		sim.addLink('r2', 'sink', { latencyMs: 1 });
		sim.at(0, () => sim.host('laptop').traceroute('203.0.113.99', { maxHops: 4, probes: 1 }));
		sim.run();
		const hops = calls(sim, 'laptop#traceroute1', 'hop').map((c) => c.detail.trim());
		expect(hops).toEqual(['1  192.168.1.1  4 ms', '2  10.0.0.2  34 ms', '3  *', '4  *']);
		const probes = dgrams(sim);
		expect(probes[3].t - probes[2].t).toBe(5000); // unix wait time
		expect(calls(sim, 'laptop#traceroute1', 'done')[0].detail).toMatch(/gave up after 4 hops/);
	});

	it('rejects bad options', () => {
		const sim = path();
		expect(() => sim.host('laptop').traceroute('203.0.113.5', { style: 'mac' as 'unix' })).toThrow(SimError);
		expect(() => sim.host('laptop').traceroute('203.0.113.5', { maxHops: 0 })).toThrow(/maxHops/);
	});
});
