import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Trace } from '$lib/sim/trace';
import { momentsOf } from './timeline';
import { layoutLadder, monoMeasure, SIZES, nowY, arrowAt, breakText, type LadderLayout, type LadderSizes } from './ladder-layout';
import { overlap, type Box } from './collide';
import { lessonTraces, traceOf } from './test-traces';
import { MAX_FIGURE_EVENTS } from '$lib/worker/protocol';

const lessons = lessonTraces({ ladderOnly: true });

function layout(trace: Trace, width: number, sizes: LadderSizes, relative = true, short = false): LadderLayout {
	return layoutLadder({ trace, moments: momentsOf(trace), width, relative, short, sizes, measure: monoMeasure(sizes) });
}

/** Every pair of labels, pills, loss markers and break labels that overlap, as text. */
function collisions(l: LadderLayout): string[] {
	const items: { what: string; box: Box }[] = [
		...l.arrows.map((a) => ({ what: `label ${a.label.lines.join(' / ')}`, box: a.label.box })),
		...l.arrows.filter((a) => a.cross).map((a) => ({ what: `✕ of ${a.p.id}`, box: a.cross! })),
		...l.pills.map((p) => ({ what: `pill ${p.text}`, box: p.box })),
		...l.breaks.map((b) => ({ what: `break ${b.text}`, box: b.box }))
	];
	const out: string[] = [];
	for (let i = 0; i < items.length; i++)
		for (let j = i + 1; j < items.length; j++) {
			const o = overlap(items[i].box, items[j].box);
			if (o > 0.01) out.push(`${items[i].what} × ${items[j].what} (${o.toFixed(1)} px)`);
		}
	return out;
}

const cases: [string, number, LadderSizes, boolean][] = [
	['lesson page', 780, SIZES.normal, false],
	['phone', 340, SIZES.narrow, true],
	['presentation', 1100, SIZES.projector, false]
];

describe('ladder layout of every lesson figure', () => {
	for (const [where, width, sizes, short] of cases) {
		it(`never overlaps (${where}, ${width} px, relative and absolute numbers)`, () => {
			for (const [name, trace] of lessons) {
				for (const relative of [true, false]) {
					const l = layout(trace, width, sizes, relative, short);
					expect(l.failed, `${name} (${where}, relative=${relative})`).toBe(0);
					expect(l.crossings, `${name}: labels avoid the lines (within CROSSING_BUDGET)`).toBe(true);
					expect(collisions(l), `${name} (${where}, relative=${relative})`).toEqual([]);
					for (const a of l.arrows) {
						const b = a.label.box;
						expect(b.cx - b.w / 2, `${name}: label inside the figure`).toBeGreaterThan(-b.w); // sanity
					}
				}
			}
		});
	}

	it('every TCP and UDP label starts with its ports, on phones too', () => {
		for (const [name, trace] of lessons) {
			for (const [, width, sizes, short] of cases) {
				for (const a of layout(trace, width, sizes, true, short).arrows) {
					if (a.p.kind === 'icmp') continue;
					expect(a.label.lines[0], name).toMatch(new RegExp(`^${a.p.src.port} → ${a.p.dst.port}\\b`));
				}
			}
		}
	});

	it('relative labels show no absolute sequence number', () => {
		for (const [name, trace] of lessons) {
			for (const a of layout(trace, 780, SIZES.normal, true).arrows) {
				for (const m of a.label.lines.join(' ').matchAll(/\b(?:seq|ack)=(\d+)/g)) expect(Number(m[1]), name).toBeLessThan(1 << 20);
			}
		}
	});

	it('events at one instant get their own rows: two sends at once, two arrows apart', () => {
		const trace = lessons.get('two-services.scn')!;
		const l = layout(trace, 780, SIZES.normal);
		const data = l.arrows.filter((a) => a.p.kind === 'segment' && a.p.len > 0);
		expect(data).toHaveLength(2);
		expect(data[0].p.t).toBe(data[1].p.t);
		expect(Math.abs(data[0].y0 - data[1].y0)).toBeGreaterThanOrEqual(l.row);
		expect(Math.abs(data[0].y1 - data[1].y1)).toBeGreaterThanOrEqual(l.row);
	});

	it('two listeners opened together share one pill: "LISTEN · sshd, nginx"', () => {
		const l = layout(lessons.get('two-services.scn')!, 780, SIZES.normal);
		expect(l.pills.filter((p) => p.state === 'LISTEN').map((p) => p.text)).toEqual(['LISTEN · sshd, nginx']);
	});

	it('lifelines follow the path; a traceroute probe dies at the router that dropped it', () => {
		const trace = lessons.get('traceroute-unix.scn')!;
		const l = layout(trace, 780, SIZES.normal);
		expect(l.columns.map((c) => c.name)).toEqual(['laptop', 'r1', 'r2', 'server']);
		const x = new Map(l.columns.map((c) => [c.name, c.x]));
		const probes = l.arrows.filter((a) => a.p.kind === 'datagram');
		for (const a of probes) {
			if (a.lost) {
				expect(a.cross).not.toBeNull();
				expect(a.x1).toBe(x.get(a.dropAt!));
			} else expect(a.x1).toBe(x.get('server'));
		}
		// Ordered left to right, a probe that reached the server crosses both routers' lifelines.
		expect(x.get('laptop')! < x.get('r1')! && x.get('r1')! < x.get('r2')! && x.get('r2')! < x.get('server')!).toBe(true);
	});

	it('a lost segment keeps its ✕, clear of the segment that got through', () => {
		const l = layout(lessons.get('lost-segment.scn')!, 780, SIZES.normal);
		const lost = l.arrows.filter((a) => a.lost);
		expect(lost).toHaveLength(1);
		const cross = lost[0].cross!;
		for (const a of l.arrows) if (a !== lost[0]) expect(overlap(cross, a.label.box)).toBeLessThanOrEqual(0);
	});

	it('compresses long idle stretches into a labelled break', () => {
		const l = layout(lessons.get('handshake.scn')!, 780, SIZES.normal);
		expect(l.breaks.map((b) => b.text)).toContain('+60 s');
		expect(l.height).toBeLessThan(1500);
		expect(breakText(60_000)).toBe('+60 s');
		expect(breakText(1500)).toBe('+1.5 s');
		expect(breakText(125_000)).toBe('+2 min 5 s');
	});

	it('draws a packet part-way while in flight and the now line between moments', () => {
		const trace = lessons.get('handshake.scn')!;
		const l = layout(trace, 780, SIZES.normal);
		const syn = l.arrows[0];
		expect(arrowAt(syn, syn.depart - 1)).toBeNull();
		const half = arrowAt(syn, (syn.depart + syn.end) / 2)!;
		expect(half.done).toBe(false);
		expect(half.x1).toBeCloseTo((syn.x0 + syn.x1) / 2);
		expect(arrowAt(syn, syn.end)!.done).toBe(true);
		expect(nowY(l, 1.5)).toBeGreaterThan(nowY(l, 1));
		expect(nowY(l, 1.5)).toBeLessThan(nowY(l, 2));
	});

	it('never overlaps at any width (property)', () => {
		const names = [...lessons.keys()];
		fc.assert(
			fc.property(fc.constantFrom(...names), fc.integer({ min: 300, max: 1400 }), fc.boolean(), (name, width, relative) => {
				const sizes = width < 520 ? SIZES.narrow : SIZES.normal;
				const l = layout(lessons.get(name)!, width, sizes, relative, width < 520);
				expect(l.failed).toBe(0);
				expect(collisions(l)).toEqual([]);
			}),
			{ numRuns: 40, seed: 10 }
		);
	});

	it('a shared link that draws 620 arrows, hundreds of rows long, is past the crossing budget: its labels still keep clear of each other, the pills and the markers', () => {
		// hostile.spec.ts: 190 lines of 100 pings 1 ms apart, cut to the first 1,000 events as the
		// worker cuts a run for the page (worker/handle.ts).
		let text = 'host client 192.168.1.10\nhost server 203.0.113.5 root\nlink client server latency=10ms\n';
		while (text.length < 9_950) text += '+0ms client ping 203.0.113.5 count=100 interval=1ms\n';
		const full = traceOf(text);
		const events = full.events.slice(0, MAX_FIGURE_EVENTS);
		const trace: Trace = { ...full, events, end: events[events.length - 1].t };
		for (const [where, width, sizes, short] of cases) {
			const l = layout(trace, width, sizes, true, short);
			expect(l.arrows.length).toBeGreaterThan(600);
			expect(l.crossings, where).toBe(false);
			expect(l.failed, where).toBe(0);
			expect(collisions(l), where).toEqual([]);
		}
	});

	it('lays out a trace with one host and no packets', () => {
		const l = layout(traceOf('host a 10.0.0.1\n0ms a listen 8080 as=w\nrun until=1s\n'), 400, SIZES.normal);
		expect(l.columns.map((c) => c.name)).toEqual(['a']);
		expect(l.pills.map((p) => p.text)).toEqual(['LISTEN']);
	});
});
