/**
 * Completion for the scenario language, from the statement table (grammar.ts) and the names a
 * scenario declares: what may come next at a given point of a line. Editor-neutral (the
 * playground's CodeMirror editor adapts it): it takes the line up to the cursor and returns
 * where the word being completed starts and the candidates.
 *
 * @module
 */
import { ICMP_MESSAGES } from '../icmp-names';
import { TCP_STATES } from '../trace';
import type { SocketKind } from './context';
import { HEADER_SPECS, HOST_SPECS, RUN_SPEC, STATEMENTS, TIMED_SPECS, verbsFor } from './grammar';
import type { DeclaredNames } from './parse';
import { ERRNOS } from './statements/expect-check';
import { HOST_OS_IDS } from './types';
import { parseTimeText } from './values';

/** One candidate. `type` follows CodeMirror's completion types (it picks the icon). */
export interface Candidate {
	label: string;
	type: 'keyword' | 'variable' | 'property' | 'constant' | 'type';
	/** A short note shown beside it (what the statement does, what the name is). */
	detail?: string;
}

/** Where the completed word starts (0-based column in the line) and the candidates for it. */
export interface Completions {
	from: number;
	options: Candidate[];
}

/** Values of `key=` arguments that have a fixed set. */
const KEY_VALUES: Readonly<Record<string, readonly string[]>> = {
	os: HOST_OS_IDS,
	style: ['unix', 'windows'],
	mode: ['remap', 'preserve'],
	dropped: ['lost', 'firewall', 'nat', 'ttl', 'no-route']
};

const kw = (label: string, detail?: string): Candidate => ({ label, type: 'keyword', ...(detail ? { detail } : {}) });
const constants = (labels: readonly string[]): Candidate[] => labels.map((label) => ({ label, type: 'constant' }));

/** The host and router names, and the sockets (with accepted `LISTENER.1`), as candidates. */
function nodes(n: DeclaredNames, which: 'hosts' | 'nodes'): Candidate[] {
	const hosts = n.hosts.map((label): Candidate => ({ label, type: 'variable', detail: 'host' }));
	if (which === 'hosts') return hosts;
	return [...hosts, ...n.routers.map((label): Candidate => ({ label, type: 'variable', detail: 'router' }))];
}
function sockets(n: DeclaredNames): Candidate[] {
	return n.sockets.flatMap((s): Candidate[] => {
		const own: Candidate = { label: s.name, type: 'variable', detail: `${s.kind.startsWith('tcp') ? 'TCP' : 'UDP'} socket` };
		return s.kind === 'tcp-listener' ? [own, { label: `${s.name}.1`, type: 'variable', detail: 'first accepted connection' }] : [own];
	});
}
function kindOf(n: DeclaredNames, name: string): SocketKind | undefined {
	if (/\.\d+$/.test(name)) return n.sockets.some((s) => s.name === name.replace(/\.\d+$/, '')) ? 'tcp-accepted' : undefined;
	return n.sockets.find((s) => s.name === name)?.kind;
}

/** `key=` arguments and flag words of a statement. */
function argsOf(spec: { keys?: readonly string[]; flags?: readonly string[]; words?: readonly string[] } | undefined): Candidate[] {
	if (!spec) return [];
	return [
		...(spec.keys ?? []).map((k): Candidate => ({ label: `${k}=`, type: 'property' })),
		...(spec.flags ?? []).map((f): Candidate => ({ label: f, type: 'property' })),
		...(spec.words ?? []).map((w) => kw(w))
	];
}

/** What may follow `TIME expect ...`. */
function afterExpect(rest: string[], n: DeclaredNames): Candidate[] {
	const expect = TIMED_SPECS.find((s) => s.keyword === 'expect');
	if (rest.length === 0) return [...(expect?.words ?? []).map((w) => kw(w)), ...sockets(n)];
	const [what, ...more] = rest;
	if (what === 'segment' || what === 'datagram' || what === 'icmp') {
		if (more.length === 0 || (more.length === 1 && more[0] === '>')) return nodes(n, 'nodes');
		const icmpName = what === 'icmp' && (more.length === 1 || (more.length === 3 && more[1] === '>'));
		if (icmpName) return ICMP_MESSAGES.map((m): Candidate => ({ label: m.slug, type: 'constant', detail: m.name }));
		const keys = what === 'segment' ? ['seq', 'ack', 'len', 'win', 'sport', 'dport', 'within', 'dropped'] : ['len', 'sport', 'dport', 'ttl', 'within', 'dropped'];
		return [...keys.map((k): Candidate => ({ label: `${k}=`, type: 'property' })), ...constants(['delivered', 'lost', 'retransmission'])];
	}
	if (what === 'port') return more.length === 0 ? nodes(n, 'hosts') : more.length === 1 ? [] : [kw('in'), kw('use'), kw('free'), kw('tcp'), kw('udp')];
	if (what === 'nothing') return more.length === 0 ? [kw('sent')] : [{ label: 'from=', type: 'property' }, { label: 'for=', type: 'property' }];
	if (more.length === 0) return [kw('state'), kw('error'), kw('local'), kw('remote')];
	if (more[0] === 'state') return constants(TCP_STATES);
	if (more[0] === 'error') return constants(ERRNOS);
	return nodes(n, 'nodes');
}

/** What may follow a time: `KEYWORD ...`, `HOST VERB ...` or `SOCKET VERB ...`. */
function afterTime(rest: string[], n: DeclaredNames): Candidate[] {
	if (rest.length === 0) {
		const timed = TIMED_SPECS.map((s) => kw(s.keyword.split(' ')[0], s.doc));
		return [...timed, ...nodes(n, 'hosts'), ...sockets(n)];
	}
	const [subj, ...more] = rest;
	if (subj === 'expect') return afterExpect(more, n);
	if (subj === 'drop') return more.length === 0 ? [kw('next')] : nodes(n, 'nodes');
	if (subj === 'inject') return [...nodes(n, 'nodes'), ...argsOf(TIMED_SPECS.find((s) => s.keyword === 'inject'))];
	if (n.hosts.includes(subj)) {
		if (more.length === 0) return [...new Map(HOST_SPECS.map((s) => [s.keyword.split(' ')[0], kw(s.keyword.split(' ')[0], s.doc)])).values()];
		if (more[0] === 'udp' && more.length === 1) return HOST_SPECS.filter((s) => s.keyword.startsWith('udp ')).map((s) => kw(s.keyword.slice(4), s.doc));
		const spec = HOST_SPECS.find((s) => s.keyword === more[0] || s.keyword === `${more[0]} ${more[1]}`);
		return [...argsOf(spec), ...nodes(n, 'nodes')];
	}
	const kind = kindOf(n, subj);
	if (kind === undefined) return [];
	const verbs = verbsFor(kind);
	if (more.length === 0) return verbs.map((s) => kw(s.keyword, s.doc));
	return [...argsOf(verbs.find((s) => s.keyword === more[0])), ...nodes(n, 'nodes')];
}

/**
 * The candidates at the end of `before` (the current line up to the cursor).
 *
 * @param before - the line's text before the cursor.
 * @param names - the names the scenario declares ({@link inspectScenario}).
 * @param explicit - the user asked for completion (Ctrl-Space): offer candidates even with no
 *   word typed yet.
 * @returns null inside a comment or a quoted string, or when there is nothing to offer.
 */
export function completeLine(before: string, names: DeclaredNames, explicit = false): Completions | null {
	if (/#/.test(before.replace(/"(\\.|[^"\\])*"/g, '')) || (before.match(/(?<!\\)"/g)?.length ?? 0) % 2 === 1) return null;
	const m = /[^\s]*$/.exec(before)!;
	const word = m[0];
	if (word === '' && !explicit) return null;
	const prior = before.slice(0, m.index).trim().split(/\s+/).filter(Boolean);
	const eq = word.indexOf('=');
	if (eq > 0) {
		const all = KEY_VALUES[word.slice(0, eq)] ?? (word.slice(0, eq) === 'from' ? names.hosts.concat(names.routers) : []);
		const values = all.filter((v) => v.startsWith(word.slice(eq + 1)) && v !== word.slice(eq + 1));
		return values.length ? { from: m.index + eq + 1, options: constants(values) } : null;
	}
	let options: Candidate[];
	if (prior.length === 0) options = [...HEADER_SPECS.map((s) => kw(s.keyword, s.doc)), kw(RUN_SPEC.keyword, RUN_SPEC.doc)];
	else if (prior[0] === RUN_SPEC.keyword) options = argsOf(RUN_SPEC);
	else if (parseTimeText(prior[0])) options = afterTime(prior.slice(1), names);
	else {
		const spec = HEADER_SPECS.find((s) => s.keyword === prior[0]);
		const named = spec && spec.keyword !== 'seed' && (spec.keyword !== 'host' && spec.keyword !== 'router' ? true : prior.length >= 3);
		options = spec ? [...(named ? argsOf(spec) : []), ...(['host', 'router', 'seed'].includes(spec.keyword) ? [] : nodes(names, 'nodes'))] : [];
	}
	const fitting = options.filter((o) => o.label.startsWith(word) && o.label !== word);
	return fitting.length ? { from: m.index, options: fitting } : null;
}

/** Every keyword of the language, for highlighting: statement keywords and their fixed words. */
export const KEYWORDS: ReadonlySet<string> = new Set(
	STATEMENTS.flatMap((s) => [...s.keyword.split(' '), ...(s.words ?? []), ...(s.flags ?? [])]).concat(['state', 'error', 'local', 'remote', 'sent', 'in', 'use', 'free'])
);
