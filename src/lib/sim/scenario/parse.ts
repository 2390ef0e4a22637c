/**
 * Scenario parser: plain text (the format in docs/scenario-format.md) -> a typed {@link Scenario}.
 *
 * This module is the driver: it splits lines, reads times, and hands each statement to its
 * parser in the statement table (grammar.ts), by place: header keyword, `run`, `TIME KEYWORD`,
 * `TIME HOST VERB`, `TIME SOCKET VERB`.
 *
 * Pure: no engine import, no I/O, never throws on any input string. Every problem becomes a
 * {@link ScenarioError} naming the 1-based line (and column where one token is at fault) and
 * saying what was expected. All errors are collected (up to {@link MAX_ERRORS}).
 *
 * The format follows packetdrill's spirit (google/packetdrill, `gtests/net/tcp/**.pkt`): one
 * behaviour per file, timed socket calls interleaved with injected segments, tcpdump-like flags,
 * and inline expectations.
 */
import { ParseContext, type SocketKind, type SocketRef } from './context';
import { type Action, HEADER_KEYWORDS, HEADER_SPECS, HOST_SPECS, RESERVED_WORDS, RUN_SPEC, type Scenario, SOCKET_SPECS, type Step, TIMED_SPECS, FAMILIES, verbsFor } from './grammar';
import { LineErrors, type Token, isWord, show, tokenize } from './lexer';
import { MAX_ERRORS, MAX_INPUT_CHARS, MAX_LINES, MAX_TIME_MS, type ScenarioError } from './types';
import { parseTimeText, roundMs, timeHint } from './values';


/** The result of {@link parseScenario}. */
export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

/** The names a scenario declares (also when it has errors): what the editor completes. */
export interface DeclaredNames {
	hosts: string[];
	routers: string[];
	sockets: { name: string; kind: SocketKind }[];
}

/** Statements with a (possibly two-word) keyword, e.g. `udp bind`, `drop next`. */
interface Keyed {
	keyword: string;
	syntax: readonly string[];
}

/**
 * The statement among `specs` whose keyword starts `toks`.
 * @returns the statement and the number of keyword tokens, `null` when no keyword's first word
 *   matches, or `'error'` after reporting a first word without a fitting second one.
 */
function matchKeyword<S extends Keyed>(specs: readonly S[], toks: readonly Token[], err: LineErrors, subject: string): { spec: S; used: number } | null | 'error' {
	const first = toks[0];
	const cands = specs.filter((s) => isWord(first, s.keyword.split(' ')[0]));
	if (cands.length === 0) return null;
	for (const spec of cands) {
		const words = spec.keyword.split(' ');
		if (words.every((w, i) => isWord(toks[i], w))) return { spec, used: words.length };
	}
	const forms = cands.map((s) => `"${s.syntax[0].slice(subject.length)}"`).join(' or ');
	err.at(toks[1] ?? first, `expected ${forms}, got ${toks[1] ? show(toks[1]) : 'nothing'} after "${first.text}"`);
	return 'error';
}

/** Short forms of the verbs a statement list offers: `listen, connect, udp bind...`. */
function verbList(specs: readonly Keyed[], subject: string): string {
	return specs.map((s) => s.syntax[0].slice(subject.length).replace(/ \[.*$/, '')).join(', ');
}

const KIND_NAMES: Record<SocketKind, string> = {
	'tcp-bound': 'the unconnected socket',
	'tcp-listener': 'the listening socket',
	'tcp-active': 'the TCP socket',
	'tcp-accepted': 'the TCP socket',
	udp: 'the UDP socket'
};

/** `TIME HOST VERB ...` */
function hostVerb(ctx: ParseContext, host: string, rest: Token[], err: LineErrors, subj: Token): Action | null {
	const verb = rest[0];
	const verbs = HOST_SPECS.map((s) => s.keyword).join(', ');
	if (!verb || verb.quoted) {
		err.at(verb ?? subj, `expected what host "${host}" does: ${verbs}`);
		return null;
	}
	const m = matchKeyword(HOST_SPECS, rest, err, 'HOST ');
	if (m === 'error') return null;
	if (m) return m.spec.parse(ctx, host, rest.slice(m.used), err, rest[m.used - 1]);
	const sockVerb = SOCKET_SPECS.some((s) => s.keyword === verb.text);
	const hint = sockVerb ? `. "${verb.text}" applies to a socket: name one with as= and write "SOCKET ${verb.text}"` : '';
	err.at(verb, `unknown action ${show(verb)} for host "${host}"; expected ${verbs}${hint}`);
	return null;
}

/** `TIME SOCKET VERB ...`: the verb must fit the socket's kind. */
function socketVerb(ctx: ParseContext, sock: SocketRef, rest: Token[], err: LineErrors, subj: Token): Action | null {
	const verb = rest[0];
	const fits = verbsFor(sock.info.kind);
	const verbs = verbList(fits, 'SOCKET ');
	if (!verb || verb.quoted) {
		err.at(verb ?? subj, `expected what socket "${sock.name}" does: ${verbs}`);
		return null;
	}
	const spec = fits.find((s) => s.keyword === verb.text);
	if (spec) return spec.parse(ctx, sock, rest.slice(1), err, verb);
	if (SOCKET_SPECS.some((s) => s.keyword === verb.text)) {
		err.at(verb, `"${verb.text}" does not apply to ${KIND_NAMES[sock.info.kind]} "${sock.name}" (line ${sock.info.line}); expected ${verbs}`);
	} else err.at(verb, `unknown action ${show(verb)} for socket "${sock.name}"; expected ${verbs}`);
	return null;
}

/** The statement after a time: `KEYWORD ...`, `HOST VERB ...` or `SOCKET VERB ...`. */
function timed(ctx: ParseContext, rest: Token[], err: LineErrors, timeTok: Token): Action | null {
	const subj = rest[0];
	if (!subj) {
		err.at(timeTok, `expected a statement after the time ${show(timeTok)}, e.g. "client connect 203.0.113.5:80"`);
		return null;
	}
	const m = matchKeyword(TIMED_SPECS, rest, err, '');
	if (m === 'error') return null;
	if (m) return m.spec.parse(ctx, rest.slice(m.used), err, rest[m.used - 1]);
	if (isWord(subj, RUN_SPEC.keyword)) {
		err.at(subj, '"run" takes no time; write "run until=130s" on its own line at the end');
		return null;
	}
	if (!subj.quoted && HEADER_KEYWORDS.includes(subj.text)) {
		err.at(subj, `"${subj.text}" is a header statement and takes no time; write it without "${timeTok.text}" above the timed lines`);
		return null;
	}
	const node = subj.quoted ? undefined : ctx.nodes.get(subj.text);
	if (node && node.kind !== 'host') {
		err.at(subj, `"${subj.text}" is a router; socket calls, ping and traceroute run on hosts`);
		return null;
	}
	if (node) return hostVerb(ctx, subj.text, rest.slice(1), err, subj);
	const sock = ctx.socketRef(subj, err);
	return sock === null ? null : socketVerb(ctx, sock, rest.slice(1), err, subj);
}

/** A line that starts with neither a keyword nor a time. */
function notAStatement(ctx: ParseContext, head: Token, err: LineErrors): void {
	if (!head.quoted && /^\+?\d/.test(head.text)) {
		err.at(head, `expected a time like 250ms, 1.5s, 2min or +20ms, got ${show(head)}${timeHint(head.text)}`);
	} else if (!head.quoted && (ctx.nodes.has(head.text) || ctx.sockets.has(head.text))) {
		err.at(head, `expected a time before "${head.text}" (e.g. "0ms ${head.text} ..." or "+10ms ${head.text} ...")`);
	} else if (isWord(head, 'expect')) {
		err.at(head, `"expect" needs a time: "+0ms expect ..." checks right after the line before`);
	} else {
		err.at(head, `unknown statement ${show(head)}; expected ${HEADER_KEYWORDS.join(', ')}, run, or a time like 250ms or +20ms`);
	}
}

/** Parse one line into `ctx` (header) or `steps` (timed statements). */
function parseLine(ctx: ParseContext, steps: Step[], src: string, line: number): void {
	const err = new LineErrors(ctx.errors, line);
	const tokens = tokenize(src, err);
	if (!tokens || tokens.length === 0) return;
	const head = tokens[0];
	if (ctx.header.run && !head.quoted) {
		err.at(head, `nothing may follow the "run" statement on line ${ctx.header.run.line}; move "run" to the end`);
		return;
	}
	const header = HEADER_SPECS.find((s) => isWord(head, s.keyword));
	if (header) {
		// After the first timed line this is an error, but it is still parsed so that its names
		// are known and later errors stay meaningful.
		if (ctx.firstTimedLine) err.at(head, `header statement "${head.text}" must come before the first timed statement (line ${ctx.firstTimedLine})`);
		return header.parse(ctx, tokens.slice(1), err, head);
	}
	if (isWord(head, RUN_SPEC.keyword)) return RUN_SPEC.parse(ctx, tokens.slice(1), err, head);
	const time = head.quoted ? null : parseTimeText(head.text);
	if (!time) return notAStatement(ctx, head, err);
	const t = roundMs(time.relative ? ctx.lastTime + time.ms : time.ms);
	if (t > MAX_TIME_MS) return err.at(head, `time ${t} ms is beyond the limit of ${MAX_TIME_MS} ms (one day of virtual time)`);
	if (t < ctx.lastTime) {
		const prev = `line ${ctx.lastTimedLine} is already at ${ctx.lastTime} ms`;
		return err.at(head, `time goes backwards: ${head.text} is ${t} ms, but ${prev}; use a later time or a relative one like +0ms`);
	}
	if (!ctx.firstTimedLine) ctx.firstTimedLine = line;
	ctx.lastTime = t;
	ctx.lastTimedLine = line;
	const action = timed(ctx, tokens.slice(1), err, head);
	if (action) steps.push({ line, t, action });
}

/** Read every line; the context holds the header, the names and the errors. */
function parseAll(text: string): { ctx: ParseContext; steps: Step[] } | ScenarioError[] {
	if (typeof text !== 'string') return [{ line: 1, message: 'scenario text must be a string' }];
	if (text.length > MAX_INPUT_CHARS) {
		return [{ line: 1, message: `scenario is ${Math.ceil(text.length / 1024)} KB; the limit is ${MAX_INPUT_CHARS / 1024} KB` }];
	}
	const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/);
	if (lines.length > MAX_LINES && lines.slice(MAX_LINES).some((l) => l.trim() !== '')) {
		return [{ line: MAX_LINES + 1, message: `scenario has ${lines.length} lines; the limit is ${MAX_LINES}` }];
	}
	const ctx = new ParseContext(RESERVED_WORDS);
	const steps: Step[] = [];
	lines.forEach((l, i) => {
		if (ctx.errors.length <= MAX_ERRORS * 4) parseLine(ctx, steps, l, i + 1);
	});
	for (const f of FAMILIES) f.finish?.(ctx);
	ctx.errors.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
	return { ctx, steps };
}

/** At most {@link MAX_ERRORS}, then one line saying how many more. */
function capErrors(all: ScenarioError[]): ScenarioError[] {
	const errors = all.slice(0, MAX_ERRORS);
	if (all.length > MAX_ERRORS) errors.push({ line: all[MAX_ERRORS].line, message: `... and ${all.length - MAX_ERRORS} more errors` });
	return errors;
}

/** The result of a parse. */
function result(p: { ctx: ParseContext; steps: Step[] } | ScenarioError[]): ParseResult {
	if (Array.isArray(p)) return { ok: false, errors: p };
	const { ctx, steps } = p;
	if (ctx.errors.length) return { ok: false, errors: capErrors(ctx.errors) };
	const h = ctx.header;
	const scenario: Scenario = { seed: h.seed, hosts: h.hosts, routers: h.routers, nats: h.nats, forwards: h.forwards, firewalls: h.firewalls, links: h.links, steps, run: h.run };
	return { ok: true, scenario };
}

/**
 * Parse scenario text.
 *
 * @param text the whole scenario file (any string; `\n`, `\r\n` or `\r` line ends; a leading
 *   byte-order mark is ignored).
 * @returns `{ ok: true, scenario }`, or `{ ok: false, errors }` with every error found, sorted by
 *   line, at most {@link MAX_ERRORS} (+1 line saying how many more). Never throws.
 */
export function parseScenario(text: string): ParseResult {
	return inspectScenario(text).result;
}

/**
 * Parse scenario text and also return the names it declares, whether or not it has errors
 * (the editor completes them while a line is still wrong). Never throws.
 */
export function inspectScenario(text: string): { result: ParseResult; names: DeclaredNames } {
	const none: DeclaredNames = { hosts: [], routers: [], sockets: [] };
	try {
		const p = parseAll(text);
		if (Array.isArray(p)) return { result: result(p), names: none };
		const nodes = [...p.ctx.nodes.entries()];
		const names: DeclaredNames = {
			hosts: nodes.filter(([, n]) => n.kind === 'host').map(([k]) => k),
			routers: nodes.filter(([, n]) => n.kind === 'router').map(([k]) => k),
			sockets: [...p.ctx.sockets.entries()].map(([name, s]) => ({ name, kind: s.kind }))
		};
		return { result: result(p), names };
	} catch (e) {
		// A bug in the parser, not in the scenario: still report, never throw.
		const message = `internal parser error: ${e instanceof Error ? e.message : String(e)}`;
		return { result: { ok: false, errors: [{ line: 1, message }] }, names: none };
	}
}
