import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '$lib/sim/scenario';
import type { Trace } from '$lib/sim';
import { listenQueuesAt } from './listen-queues';

function trace(file: string): Trace {
	const r = runScenario(readFileSync(file, 'utf8'));
	if (!r.ok) throw new Error('scenario failed');
	return r.trace;
}

describe('listenQueuesAt: ss -ltn Recv-Q (accept queue) and Send-Q (backlog) of a listener', () => {
	const tr = trace('content/lessons/02-tcp/06-server-overload/accept-queue.scn');
	const at = (t: number) => listenQueuesAt(tr, t).get('web');

	it('follows the accept queue of the lesson figure: 1, 2 (= backlog + 1), 1 after accept(), 2, then 0', () => {
		expect(at(0)).toEqual({ recvQ: 0, sendQ: 1 });
		expect(at(70)?.recvQ).toBe(1);
		expect(at(160)?.recvQ).toBe(2);
		expect(at(1499)?.recvQ).toBe(2);
		expect(at(1500)?.recvQ).toBe(1);
		expect(at(3165)?.recvQ).toBe(2);
		expect(at(3500)?.recvQ).toBe(0);
	});

	it('clamps Send-Q to somaxconn and leaves out listeners without an explicit backlog', () => {
		const r = runScenario(
			'seed 1\nhost s 10.0.0.1 root\nhost c 10.0.0.2\nlink s c\n0ms s listen 80 as=big backlog=65535\n0ms s listen 81 as=plain\nrun until=1s\n'
		);
		if (!r.ok) throw new Error('scenario failed');
		const q = listenQueuesAt(r.trace, 10);
		expect(q.get('big')).toEqual({ recvQ: 0, sendQ: 4096 });
		expect(q.has('plain')).toBe(false);
	});
});
