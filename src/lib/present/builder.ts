/**
 * Text edits behind the playground's "build with controls" form: each control produces one
 * scenario statement (docs/scenario-format.md) and inserts it where the format wants it:
 * header statements (`host`, `link`) after the last header line, timed statements before the
 * `run` line. The result is ordinary scenario text, checked by the same parser as typed text.
 *
 * The keywords, reserved words, name rule, OS ids and value checks all come from the scenario
 * language's statement table and value parsers (src/lib/sim/scenario/grammar.ts, values.ts),
 * so the form accepts exactly what the parser accepts.
 *
 * Pure string functions (tested in builder.test.ts).
 *
 * @module
 */
import type { Scenario } from '$lib/sim/scenario';
import { HEADER_KEYWORDS, RESERVED_WORDS, RUN_SPEC } from '$lib/sim/scenario/grammar';
import { NAME_RE } from '$lib/sim/scenario/context';
import { HOST_OS_IDS } from '$lib/sim/scenario/types';
import { ipv4Problem, parseTimeText } from '$lib/sim/scenario/values';
import type { Trace } from '$lib/sim/trace';

/** What a line of scenario text is, as far as placement is concerned. */
export type LineKind = 'blank' | 'header' | 'timed' | 'run' | 'other';

const HEADER = new Set(HEADER_KEYWORDS);

/**
 * The OS presets the form offers for a host (`os=`): every preset the language accepts except
 * `nat`, the profile of a NAT gateway's port pool, which a learner's host does not run.
 */
export const OS_CHOICES: readonly string[] = HOST_OS_IDS.filter((id) => id !== 'nat');

/** Remove a `#` comment (not one inside a quoted string). */
function stripComment(line: string): string {
	let inQuote = false;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i];
		if (inQuote && ch === '\\') i++;
		else if (ch === '"') inQuote = !inQuote;
		else if (ch === '#' && !inQuote) return line.slice(0, i);
	}
	return line;
}

/** Classify one line by its first word. */
export function classifyLine(line: string): LineKind {
	const body = stripComment(line).trim();
	if (body === '') return 'blank';
	const first = body.split(/[ \t]+/)[0];
	if (HEADER.has(first)) return 'header';
	if (first === RUN_SPEC.keyword) return 'run';
	if (/^\+?\d/.test(first)) return 'timed';
	return 'other';
}

function splitLines(text: string): string[] {
	const lines = text.replace(/\r\n?/g, '\n').split('\n');
	if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
	return lines;
}

function join(lines: string[]): string {
	return lines.join('\n') + '\n';
}

/** Insert header statements after the last header line (or before the first timed line, or at the end). */
export function insertHeaderLines(text: string, add: readonly string[]): string {
	const lines = text.trim() === '' ? [] : splitLines(text);
	const kinds = lines.map(classifyLine);
	let at = kinds.lastIndexOf('header') + 1;
	if (at === 0) {
		const first = kinds.findIndex((k) => k === 'timed' || k === 'run');
		at = first >= 0 ? first : lines.length;
		// Keep a blank line between the header and the timed part.
		if (first >= 0) return join([...lines.slice(0, at), ...add, '', ...lines.slice(at)]);
	}
	return join([...lines.slice(0, at), ...add, ...lines.slice(at)]);
}

/** Insert timed statements before the `run` line, or at the end when there is none. */
export function insertTimedLines(text: string, add: readonly string[]): string {
	const lines = text.trim() === '' ? [] : splitLines(text);
	const kinds = lines.map(classifyLine);
	const run = kinds.lastIndexOf('run');
	if (run >= 0) return join([...lines.slice(0, run), ...add, ...lines.slice(run)]);
	let end = lines.length;
	while (end > 0 && kinds[end - 1] === 'blank') end--;
	const needGap = end > 0 && kinds.lastIndexOf('timed') < 0;
	return join([...lines.slice(0, end), ...(needGap ? [''] : []), ...add]);
}

/** Names a scenario defines, for the form's pickers. */
export interface ScenarioNames {
	hosts: { name: string; ip: string }[];
	routers: string[];
	/** TCP sockets that `send`, `close` and `abort` can name, in order of appearance. */
	sockets: string[];
	/** The listening sockets among `sockets`: they can be closed but carry no data, so `send` must not pick them. */
	listeners?: string[];
}

/**
 * The hosts, routers and TCP socket names of a parsed scenario. Accepted sockets (`web.1`)
 * come from the trace of its last run when given (only those that were really accepted);
 * without a trace, one `LISTENER.1` per named listener is offered.
 */
export function namesOf(scenario: Scenario, trace?: Trace): ScenarioNames {
	const sockets: string[] = [];
	const add = (s: string | null) => {
		if (s && !sockets.includes(s)) sockets.push(s);
	};
	const listeners: string[] = [];
	/** Sockets that listen (`HOST listen`, or `SOCKET listen` after a bind). */
	const listening: string[] = [];
	for (const st of scenario.steps) {
		const a = st.action;
		if (a.kind === 'tcp-listen' || a.kind === 'tcp-connect' || a.kind === 'tcp-bind') add(a.as);
		if (a.kind === 'tcp-listen' && a.as) listeners.push(a.as);
		if (a.kind === 'tcp-bind' && a.as) listeners.push(a.as);
		if (a.kind === 'tcp-listen' && a.as) listening.push(a.as);
		if (a.kind === 'socket-listen') listening.push(a.socket);
	}
	if (trace) {
		for (const e of trace.events) {
			if (e.kind === 'state' && listeners.some((l) => e.socket.startsWith(`${l}.`)) && /\.\d+$/.test(e.socket)) add(e.socket);
		}
	} else {
		for (const l of listeners) add(`${l}.1`);
	}
	return {
		hosts: scenario.hosts.map((h) => ({ name: h.name, ip: h.ip })),
		routers: scenario.routers.map((r) => r.name),
		sockets,
		listeners: sockets.filter((s) => listening.includes(s))
	};
}

/** Is `name` usable as a host, router or socket name (and not taken)? Returns a problem, or null. */
export function nameProblem(name: string, taken: Iterable<string>): string | null {
	if (!NAME_RE.test(name)) return `"${name}" is not a name: start with a letter, then letters, digits, _ or -.`;
	if (RESERVED_WORDS.has(name)) return `"${name}" is a keyword of the scenario format; pick another name.`;
	for (const t of taken) if (t === name) return `The name "${name}" is already used.`;
	return null;
}

/** `base`, or `base2`, `base3`, … (for names ending in a digit: `c1`, `c2`, …), the first not in `taken`. */
export function nextFreeName(base: string, taken: Iterable<string>): string {
	const used = new Set(taken);
	const m = /^(.*?)(\d+)$/.exec(base);
	if (m) {
		for (let n = Number(m[2]); ; n++) if (!used.has(`${m[1]}${n}`)) return `${m[1]}${n}`;
	}
	if (!used.has(base)) return base;
	for (let n = 2; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

/** A free address for a new host: 192.168.1.10, then 203.0.113.5, then 192.168.1.11, 12, … */
export function suggestIp(taken: Iterable<string>): string {
	const used = new Set(taken);
	for (const ip of ['192.168.1.10', '203.0.113.5']) if (!used.has(ip)) return ip;
	for (let n = 11; n < 255; n++) if (!used.has(`192.168.1.${n}`)) return `192.168.1.${n}`;
	for (let n = 6; n < 255; n++) if (!used.has(`203.0.113.${n}`)) return `203.0.113.${n}`;
	return '10.0.0.1';
}

/** A quoted scenario string with `\`, `"`, CR, LF and tab escaped. */
export function quote(text: string): string {
	return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** `host NAME IP [os=OS] [root]` (os= left out for the default, linux). */
export function hostStatement(h: { name: string; ip: string; os: string; root: boolean }): string {
	return ['host', h.name, h.ip, ...(h.os && h.os !== 'linux' ? [`os=${h.os}`] : []), ...(h.root ? ['root'] : [])].join(' ');
}

/** `link A B latency=Nms`. */
export function linkStatement(a: string, b: string, latencyMs = 10): string {
	return `link ${a} ${b} latency=${latencyMs}ms`;
}

/** One timed action the form can add. */
export type StepSpec =
	| { kind: 'listen'; host: string; port: number; as: string }
	| { kind: 'connect'; host: string; target: string; port: number; as: string }
	| { kind: 'send'; socket: string; bytes: number | null; text: string }
	| { kind: 'close'; socket: string }
	| { kind: 'abort'; socket: string }
	| { kind: 'drop'; from: string; to: string };

/** Is `t` a time the format accepts at the start of a timed line (`250ms`, `+20ms`, `1.5s`, `2min`)? */
export function timeProblem(t: string): string | null {
	return parseTimeText(t) ? null : `"${t}" is not a time: write e.g. 250ms, 1.5s, or +20ms (after the line before).`;
}

/** Is `ip` an IPv4 address the format accepts (the language's own check)? Returns a problem, or null. */
export function ipProblem(ip: string): string | null {
	const p = ipv4Problem(ip);
	if (p === null) return null;
	if (p.kind === 'zero') return `"${ip}" has a leading zero in "${p.part}"; write it without (10.0.0.1, not 10.0.0.01).`;
	if (p.kind === 'range') return `"${ip}" is not an IPv4 address: each part must be 0-255, not ${p.part}.`;
	return `"${ip}" is not an IPv4 address like 192.168.1.10.`;
}

/** The statement for a step, padded like the hand-written examples (`+50ms  c1 send 100`). */
export function stepStatement(time: string, s: StepSpec): string {
	const t = time.padEnd(6);
	switch (s.kind) {
		case 'listen':
			return `${t} ${s.host} listen ${s.port} as=${s.as}`;
		case 'connect':
			return `${t} ${s.host} connect ${s.target}:${s.port} as=${s.as}`;
		case 'send': {
			const text = s.text === '' ? '' : ` ${quote(s.text)}`;
			const bytes = s.bytes === null ? '' : ` ${s.bytes}`;
			return `${t} ${s.socket} send${bytes || (text ? '' : ' 100')}${text}`;
		}
		case 'close':
			return `${t} ${s.socket} close`;
		case 'abort':
			return `${t} ${s.socket} abort`;
		case 'drop':
			return `${t} drop next ${s.from}->${s.to}`;
	}
}

/** The text of an empty playground scenario. */
export const EMPTY_SCENARIO = `# My scenario: add hosts and steps with the controls, or type statements here.
seed 1
`;
