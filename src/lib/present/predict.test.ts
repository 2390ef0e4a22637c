import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { runScenario } from '$lib/sim/scenario';
import { momentsOf } from '$lib/viz/timeline';
import { forward, back, restart, follow, setEnabled, question, sendMoments, packetsSentAt, offered, sendsAfter, type PredictModel, type PredictState } from './predict';

const handshake = `seed 42
host client 192.168.1.10 os=linux
host server 203.0.113.5 os=linux root
link client server latency=10ms
0ms    server listen 80 as=web
10ms   client connect 203.0.113.5:80 as=c1
run until=1s
`;

function model(enabled: boolean) {
	const r = runScenario(handshake);
	if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
	const moments = momentsOf(r.trace);
	return { trace: r.trace, moments, m: { sends: sendMoments(r.trace, moments), enabled } satisfies PredictModel };
}

describe('sendMoments / packetsSentAt on a real handshake', () => {
	it('marks the SYN, SYN,ACK and ACK moments and names their senders', () => {
		const { trace, moments, m } = model(true);
		const sending = moments.filter((_, i) => m.sends[i]);
		const packets = sending.map((t) => packetsSentAt(trace, t));
		expect(packets.map((ps) => ps.map((p) => p.from))).toEqual([['client'], ['server'], ['client']]);
		expect(question(packets[1])).toBe('What does server send next?');
		// listen at 0 ms sends nothing
		expect(m.sends[0]).toBe(false);
	});
});

describe('the predict-then-reveal machine', () => {
	it('walks the handshake: prompt, reveal, move on', () => {
		const { m } = model(true);
		let s: PredictState = restart(m);
		expect(s).toEqual({ step: 0, pending: false });
		const seen: string[] = [];
		while (!(s.step === m.sends.length - 1 && !s.pending)) {
			s = forward(s, m);
			seen.push(`${s.step}${s.pending ? '?' : ''}`);
		}
		// Every sending moment is visited twice (pending, then revealed); others once.
		const sendingSteps = m.sends.flatMap((v, i) => (v ? [i] : []));
		for (const i of sendingSteps) expect(seen.filter((x) => x === `${i}?`).length + seen.filter((x) => x === `${i}`).length).toBe(2);
		expect(seen.length).toBe(m.sends.length - 1 + sendingSteps.length);
	});

	it('with prediction off, forward is a plain step', () => {
		const { m } = model(false);
		let s = restart(m);
		for (let i = 1; i < m.sends.length; i++) {
			s = forward(s, m);
			expect(s).toEqual({ step: i, pending: false });
		}
		expect(forward(s, m)).toEqual({ step: m.sends.length - 1, pending: false });
	});

	it('back from a pending moment goes to the previous step; forward again prompts again', () => {
		const m: PredictModel = { sends: [false, true, false], enabled: true };
		const p = forward({ step: 0, pending: false }, m);
		expect(p).toEqual({ step: 1, pending: true });
		const b = back(p, m);
		expect(b).toEqual({ step: 0, pending: false });
		expect(forward(b, m)).toEqual({ step: 1, pending: true });
		expect(forward(forward(b, m), m)).toEqual({ step: 1, pending: false });
		expect(back({ step: 0, pending: false }, m)).toEqual({ step: 0, pending: false });
	});

	it('restart prompts when the first moment already sends (ping at 0 ms)', () => {
		expect(restart({ sends: [true, false], enabled: true })).toEqual({ step: 0, pending: true });
		expect(restart({ sends: [true, false], enabled: false })).toEqual({ step: 0, pending: false });
	});

	it('follows the player: pending only while playing forward onto a send', () => {
		const m: PredictModel = { sends: [false, false, true, false], enabled: true };
		const s = { step: 0, pending: false };
		expect(follow(s, 2, m, true)).toEqual({ step: 2, pending: true });
		expect(follow(s, 2, m, false)).toEqual({ step: 2, pending: false });
		expect(follow({ step: 3, pending: false }, 2, m, true)).toEqual({ step: 2, pending: false });
		const same = { step: 2, pending: true };
		expect(follow(same, 2, m, false)).toBe(same);
	});

	it('switching prediction off reveals', () => {
		expect(setEnabled({ step: 4, pending: true }, false)).toEqual({ step: 4, pending: false });
		expect(setEnabled({ step: 4, pending: true }, true)).toEqual({ step: 4, pending: true });
	});

	it('invariants hold for any key sequence (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
				fc.boolean(),
				fc.array(fc.constantFrom('f', 'b', 'h'), { maxLength: 80 }),
				(sends, enabled, keys) => {
					const m: PredictModel = { sends, enabled };
					let s = restart(m);
					for (const k of keys) {
						const prev = s;
						s = k === 'f' ? forward(s, m) : k === 'b' ? back(s, m) : restart(m);
						expect(s.step).toBeGreaterThanOrEqual(0);
						expect(s.step).toBeLessThan(sends.length);
						// Pending only on a sending moment, and only with prediction on.
						if (s.pending) expect(enabled && sends[s.step]).toBe(true);
						// Forward never goes back, and moves at most one step.
						if (k === 'f') expect(s.step - prev.step === 0 || s.step - prev.step === 1).toBe(true);
						// A reveal does not move the playhead.
						if (k === 'f' && prev.pending) expect(s).toEqual({ step: prev.step, pending: false });
					}
				}
			)
		);
	});
});

describe('question', () => {
	it('names one, two or three senders', () => {
		const p = (from: string) => ({ from }) as Parameters<typeof question>[0][number];
		expect(question([])).toBe('What happens next?');
		expect(question([p('server'), p('server')])).toBe('What does server send next?');
		expect(question([p('client'), p('server')])).toBe('What do client and server send next?');
		expect(question([p('a'), p('b'), p('r1')])).toBe('What do a, b and r1 send next?');
	});
});

describe('where Predict is offered', () => {
	it('only on figures with a ladder and packets to ask about', () => {
		const { m } = model(true);
		expect(offered(['ladder', 'sockets'], m.sends)).toBe(true);
		expect(offered(['ports', 'sockets', 'terminal'], m.sends)).toBe(false);
		expect(offered(['ladder'], m.sends.map(() => false))).toBe(false);
	});
	it('only while a later step still sends something', () => {
		const { m } = model(true);
		const lastSend = m.sends.lastIndexOf(true);
		expect(sendsAfter(m.sends, lastSend - 1)).toBe(true);
		expect(sendsAfter(m.sends, lastSend)).toBe(false);
	});
});
