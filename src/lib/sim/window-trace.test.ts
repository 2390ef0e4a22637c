/**
 * `traceWindow` (tcp-output.ts): a `window` event records SND.WND, RCV.WND, bytes in flight,
 * cwnd and ssthresh, and only when one of them changed since the socket's last record.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type WindowEvent } from './index';
import { traceWindow } from './tcp-output';
import type { Tcb } from './tcb';

describe('traceWindow', () => {
	it('records the window variables once per change', () => {
		const sim = new Simulation({ seed: 3 });
		sim.addHost({ name: 'client', ip: '192.168.1.10', os: 'linux' });
		sim.addHost({ name: 'server', ip: '203.0.113.5', os: 'linux', root: true });
		sim.addLink('client', 'server', { latencyMs: 10 });
		sim.at(0, () => sim.host('server').tcp('web').listen(80));
		sim.at(1, () => sim.host('client').tcp('c1').connect('203.0.113.5', 80));
		const windows = (): WindowEvent[] => sim.events.filter((e): e is WindowEvent => e.kind === 'window');
		sim.at(100, () => {
			const t = sim.socket('c1') as Tcb;
			// the engine already recorded c1's window when the handshake completed …
			expect(windows().some((e) => e.socket === 'c1')).toBe(true);
			const before = windows().length;
			// … so nothing changed since, and nothing more is recorded
			traceWindow(t);
			expect(windows().length).toBe(before); // nothing changed since the last record
			t.cwnd = 20000;
			traceWindow(t);
			traceWindow(t);
			expect(windows().length).toBe(before + 1);
			const last = windows().at(-1)!;
			expect(last).toMatchObject({ socket: 'c1', host: 'client', cwnd: 20000, ssthresh: null, inFlight: 0, t: 100 });
			expect(last.sndWnd).toBe(t.snd.wnd);
		});
		sim.run({ until: 200 });
		expect(windows().length).toBeGreaterThanOrEqual(2);
	});
});
