/**
 * Part of the hosts-and-topology family (topology.ts): what sits on a router, `nat`,
 * `forward`, `firewall` and `rule`, and the cross-line checks between them (a `forward` needs
 * a `nat`, `rule` lines need a stateless `firewall`).
 *
 * @module
 */
import type { FirewallRule, Protocol } from '../../index';
import { type LineErrors, type Token, isWord, show, subToken } from '../lexer';
import type { ParseContext } from '../context';
import type { NatDecl, RuleDecl } from '../types';
import type { RejectWith } from '../../router';
import { keyValue, parseDuration, parseIp, parsePort, parseRange, splitArgs, tooMany } from '../values';
import type { HeaderSpec } from './spec';

/** Lines whose checks need the whole file (rules and forwards may come before their router's line). */
interface Pending {
	rules: { node: string; tok: Token; rule: RuleDecl }[];
	forwards: { router: string; tok: Token; line: number }[];
}
const pending = (ctx: ParseContext): Pending => ctx.local('middleboxes', (): Pending => ({ rules: [], forwards: [] }));

/** `public=IP` of a nat line. */
function publicAddress(tok: Token | undefined, nodeTok: Token, err: LineErrors): string | null {
	if (!tok) {
		err.at(nodeTok, `"nat ${nodeTok.text}" needs public=IP (the address the NAT shows to the outside)`);
		return null;
	}
	return parseIp(subToken(tok, keyValue(tok, 'public')), 'the public address after "public="', err);
}

const BEHAVIOURS = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'] as const;
const TIMEOUTS = ['linux', 'rfc', 'cisco'] as const;
const NAT_KEYS = ['public', 'mode', 'range', 'mapping', 'filtering', 'hairpin', 'parity', 'overload', 'timeouts'];
const NAT_USAGE =
	'nat ROUTER public=IP [mode=remap|preserve] [range=LOW-HIGH] [mapping=BEHAVIOUR] [filtering=BEHAVIOUR] [hairpin=on|off] [parity=on|off] [overload=on|off] [timeouts=linux|rfc|cisco]';

/** `key=WORD` where WORD is one of `allowed`; null (after an error) or undefined when absent. */
function choice<T extends string>(tok: Token | undefined, key: string, allowed: readonly T[], err: LineErrors): T | null | undefined {
	if (!tok) return undefined;
	const v = keyValue(tok, key);
	if ((allowed as readonly string[]).includes(v)) return v as T;
	err.at(tok, `expected ${key}=${allowed.join(' or ')}, got ${JSON.stringify(v)}`);
	return null;
}

const onOff = (tok: Token | undefined, key: string, err: LineErrors): boolean | null | undefined => {
	const v = choice(tok, key, ['on', 'off'] as const, err);
	return v === undefined || v === null ? v : v === 'on';
};

const nat: HeaderSpec = {
	place: 'header',
	keyword: 'nat',
	syntax: [NAT_USAGE],
	doc: 'Address and port translation on a router: inside sources leave as public=IP with a public port; mapping, filtering, hairpinning, parity and overloading as RFC 4787/5382 name them.',
	keys: NAT_KEYS,
	parse(ctx, rest, err, head) {
		const args = splitArgs(rest, { keys: NAT_KEYS, flags: [] }, err, 'nat');
		const [nodeTok, ...extra] = args.positional;
		if (!nodeTok) {
			err.at(head, `expected "${NAT_USAGE}"`);
			return;
		}
		const router = ctx.nodeRef(nodeTok, ['router'], err, 'after "nat"');
		tooMany(extra, 'nat', err, NAT_KEYS.map((k) => `${k}=`).join(', '));
		const pubTok = args.keys.get('public');
		const publicIp = publicAddress(pubTok, nodeTok, err);
		let mode: 'remap' | 'preserve' = 'remap';
		const modeTok = args.keys.get('mode');
		if (modeTok) {
			const v = keyValue(modeTok, 'mode');
			if (v === 'remap' || v === 'preserve') mode = v;
			else err.at(modeTok, `expected mode=remap or mode=preserve, got ${JSON.stringify(v)}`);
		}
		const rangeTok = args.keys.get('range');
		const range = rangeTok ? parseRange(rangeTok, 'range=', err, 1, false) : null;
		const mapping = choice(args.keys.get('mapping'), 'mapping', BEHAVIOURS, err);
		const filtering = choice(args.keys.get('filtering'), 'filtering', BEHAVIOURS, err);
		const timeouts = choice(args.keys.get('timeouts'), 'timeouts', TIMEOUTS, err);
		const hairpin = onOff(args.keys.get('hairpin'), 'hairpin', err);
		const parity = onOff(args.keys.get('parity'), 'parity', err);
		const overload = onOff(args.keys.get('overload'), 'overload', err);
		if (overload === true) {
			for (const [key, v] of [['mapping', mapping], ['filtering', filtering]] as const) {
				if (v && v !== 'address-and-port-dependent') {
					err.at(args.keys.get(key)!, `overload=on needs ${key}=address-and-port-dependent: a shared public port tells its flows apart only by the remote address and port`);
					return;
				}
			}
		}
		if (router === null || publicIp === null || !pubTok || mapping === null || filtering === null || timeouts === null || hairpin === null || parity === null || overload === null) return;
		const dup = ctx.header.nats.find((x) => x.router === router);
		if (dup) {
			err.at(nodeTok, `${router} already has a NAT (line ${dup.line})`);
			return;
		}
		if (!ctx.nodes.get(router)!.ips.includes(publicIp)) ctx.claimIp(pubTok, publicIp, router, err);
		const decl: NatDecl = { line: err.line, router, publicIp, mode, range };
		if (mapping) decl.mapping = mapping;
		if (filtering) decl.filtering = filtering;
		if (hairpin !== undefined) decl.hairpin = hairpin;
		if (parity !== undefined) decl.parity = parity;
		if (overload !== undefined) decl.overload = overload;
		if (timeouts) decl.timeouts = timeouts;
		ctx.header.nats.push(decl);
	}
};

const FORWARD_USAGE = '"forward ROUTER tcp|udp PUBLICPORT IP:PORT" (e.g. forward r1 tcp 8080 192.168.1.20:80)';

/** The public port of a forward line (1-65535). */
function forwardPort(portTok: Token | undefined, after: string, anchor: Token, err: LineErrors): number | null {
	if (!portTok) {
		err.at(anchor, `expected the public port after "${after}"; usage: ${FORWARD_USAGE}`);
		return null;
	}
	const port = parsePort(portTok, `after "${after}"`, err);
	if (port === 0) err.at(portTok, 'the public port must be 1-65535');
	return port === 0 ? null : port;
}

const forward: HeaderSpec = {
	place: 'header',
	keyword: 'forward',
	syntax: ['forward ROUTER tcp|udp PUBLICPORT IP:PORT'],
	doc: 'Port forwarding on a NAT router: PUBLICPORT on the public address reaches IP:PORT inside.',
	words: ['tcp', 'udp'],
	parse(ctx, rest, err, head) {
		const args = splitArgs(rest, { keys: [], flags: [] }, err, 'forward');
		const [nodeTok, protoTok, portTok, dstTok, ...extra] = args.positional;
		if (!nodeTok) {
			err.at(head, `expected ${FORWARD_USAGE}`);
			return;
		}
		const router = ctx.nodeRef(nodeTok, ['router'], err, 'after "forward"');
		const proto = isWord(protoTok, 'tcp') ? 'tcp' : isWord(protoTok, 'udp') ? 'udp' : null;
		if (proto === null) {
			err.at(protoTok ?? nodeTok, `expected "tcp" or "udp" after "forward ${nodeTok.text}", got ${protoTok ? show(protoTok) : 'nothing'}; usage: ${FORWARD_USAGE}`);
		}
		const after = `forward ${nodeTok.text} ${proto}`;
		const publicPort = proto !== null ? forwardPort(portTok, after, protoTok!, err) : null;
		const to = proto !== null && portTok ? ctx.endpoint(dstTok, err, `${after} ${portTok.text}`, portTok) : null;
		tooMany(extra, 'forward', err, 'nothing after IP:PORT');
		if (router === null || proto === null || publicPort === null || to === null) return;
		const dup = ctx.header.forwards.find((f) => f.router === router && f.proto === proto && f.publicPort === publicPort);
		if (dup) {
			err.at(portTok!, `${proto} port ${publicPort} of ${router} is already forwarded (line ${dup.line})`);
			return;
		}
		ctx.header.forwards.push({ line: err.line, router, proto, publicPort, to });
		pending(ctx).forwards.push({ router, tok: nodeTok, line: err.line });
	}
};

const firewall: HeaderSpec = {
	place: 'header',
	keyword: 'firewall',
	syntax: ['firewall ROUTER stateful [idle=DURATION]', 'firewall ROUTER stateless'],
	doc: 'A packet filter on a router: stateful (tracks connections; idle= forgets an established TCP connection after that long without a packet) or stateless (judges each packet by its rule lines).',
	words: ['stateful', 'stateless'],
	keys: ['idle'],
	parse(ctx, rest, err, head) {
		const args = splitArgs(rest, { keys: ['idle'], flags: [] }, err, 'firewall');
		const [nodeTok, modeTok, ...extra] = args.positional;
		if (!nodeTok) {
			err.at(head, 'expected "firewall ROUTER stateful" or "firewall ROUTER stateless" (then rule lines)');
			return;
		}
		const node = ctx.nodeRef(nodeTok, ['router'], err, 'after "firewall"');
		const mode = modeTok && (modeTok.text === 'stateful' || modeTok.text === 'stateless') ? modeTok.text : null;
		if (mode === null) {
			err.at(modeTok ?? nodeTok, `expected "stateful" or "stateless" after "firewall ${nodeTok.text}", got ${modeTok ? show(modeTok) : 'nothing'}`);
		}
		tooMany(extra, 'firewall', err, 'nothing after the mode but idle=');
		const idleTok = args.keys.get('idle');
		const idleMs = idleTok ? parseDuration(idleTok, 'idle', err) : null;
		if (idleTok && mode === 'stateless') err.at(idleTok, 'idle= needs a stateful firewall (a stateless one tracks no connections)');
		if (node === null || mode === null || (idleTok && idleMs === null)) return;
		const dup = ctx.header.firewalls.find((f) => f.node === node);
		if (dup) {
			err.at(nodeTok, `${node} already has a firewall (line ${dup.line})`);
			return;
		}
		ctx.header.firewalls.push({ line: err.line, node, mode, rules: [], ...(idleMs !== null && idleMs > 0 ? { idleMs } : {}) });
	}
};

const RULE_USAGE = '"rule ROUTER allow|deny|reject in|out|any [tcp|udp|icmp|any] [sport=PORTS] [dport=PORTS] [with=ANSWER]"';
/** `with=` of a reject rule (iptables REJECT `--reject-with`, without its `icmp-` prefix). */
const REJECT_ANSWERS: readonly RejectWith[] = ['port-unreachable', 'host-unreachable', 'net-unreachable', 'host-prohibited', 'net-prohibited', 'admin-prohibited', 'tcp-reset'];
const RULE_PROTOS: readonly RuleDecl['proto'][] = ['tcp', 'udp', 'icmp', 'any'];

/** The action, direction and protocol words of a rule line; null parts after their errors. */
function ruleWords(
	nodeTok: Token,
	actTok: Token,
	dirTok: Token,
	protoTok: Token | undefined,
	err: LineErrors
): { action: RuleDecl['action'] | null; direction: RuleDecl['direction'] | null; proto: RuleDecl['proto'] | null } {
	const action = actTok.text === 'allow' ? 'allow' : actTok.text === 'deny' ? 'deny' : actTok.text === 'reject' ? 'reject' : null;
	if (action === null) err.at(actTok, `expected "allow", "deny" or "reject" after "rule ${nodeTok.text}", got ${show(actTok)}`);
	const direction = (['in', 'out', 'any'] as const).find((d) => d === dirTok.text) ?? null;
	if (direction === null) err.at(dirTok, `expected a direction "in", "out" or "any", got ${show(dirTok)}`);
	const proto = protoTok ? (RULE_PROTOS.find((p) => isWord(protoTok, p)) ?? null) : 'any';
	if (proto === null) err.at(protoTok, `expected a protocol "tcp", "udp", "icmp" or "any", got ${show(protoTok!)}`);
	return { action, direction, proto };
}

const rule: HeaderSpec = {
	place: 'header',
	keyword: 'rule',
	syntax: ['rule ROUTER allow|deny|reject in|out|any [tcp|udp|icmp|any] [sport=PORTS] [dport=PORTS] [with=ANSWER]'],
	doc: "One rule of a router's stateless firewall, checked in file order: the first that matches decides. deny drops silently; reject answers (with=port-unreachable (default), host-unreachable, net-unreachable, host-prohibited, net-prohibited, admin-prohibited or tcp-reset).",
	keys: ['sport', 'dport', 'with'],
	words: ['allow', 'deny', 'reject'],
	parse(ctx, rest, err, head) {
		const args = splitArgs(rest, { keys: ['sport', 'dport', 'with'], flags: [] }, err, 'rule');
		const [nodeTok, actTok, dirTok, protoTok, ...extra] = args.positional;
		if (!nodeTok || !actTok || !dirTok) {
			err.at(head, `expected ${RULE_USAGE}`);
			return;
		}
		const node = ctx.nodeRef(nodeTok, ['router'], err, 'after "rule"');
		const { action, direction, proto } = ruleWords(nodeTok, actTok, dirTok, protoTok, err);
		tooMany(extra, 'rule', err, 'sport=, dport= or with=');
		let ok = node !== null && action !== null && direction !== null && proto !== null;
		const withTok = args.keys.get('with');
		let rejectWith: RejectWith | undefined;
		if (withTok) {
			const v = keyValue(withTok, 'with');
			rejectWith = REJECT_ANSWERS.find((a) => a === v);
			if (action !== 'reject') {
				err.at(withTok, '"with=" belongs to a reject rule');
				ok = false;
			} else if (rejectWith === undefined) {
				err.at(withTok, `expected one of ${REJECT_ANSWERS.join(', ')} after "with=", got ${JSON.stringify(v)}`);
				ok = false;
			} else if (rejectWith === 'tcp-reset' && proto !== 'tcp') {
				err.at(withTok, '"with=tcp-reset" needs protocol tcp');
				ok = false;
			}
		}
		const portKey = (key: 'sport' | 'dport'): [number, number] | null => {
			const tok = args.keys.get(key);
			if (!tok || proto === null) return null;
			if (proto !== 'tcp' && proto !== 'udp') {
				err.at(tok, `"${key}=" needs protocol tcp or udp (ICMP has no ports)`);
				ok = false;
				return null;
			}
			const r = parseRange(tok, `${key}=`, err, 0, true);
			if (r === null) ok = false;
			return r;
		};
		const sport = portKey('sport');
		const dport = portKey('dport');
		if (!ok || node === null || action === null || direction === null || proto === null) return;
		pending(ctx).rules.push({ node, tok: nodeTok, rule: { line: err.line, action, direction, proto, sport, dport, ...(rejectWith ? { rejectWith } : {}) } });
	}
};

/** nat, forward, firewall and rule, in the order the documentation lists them. */
export const MIDDLEBOX_STATEMENTS: readonly HeaderSpec[] = [nat, forward, firewall, rule];

/** After the last line: forwards need a NAT; rules attach to their stateless firewall. */
export function finishMiddleboxes(ctx: ParseContext): void {
	const p = pending(ctx);
	const at = (line: number, tok: Token | undefined, message: string) =>
		ctx.errors.push(tok ? { line, column: tok.col, message } : { line, message });
	for (const f of p.forwards) {
		if (!ctx.header.nats.some((n) => n.router === f.router)) {
			at(f.line, f.tok, `"forward ${f.router}" needs a line "nat ${f.router} public=IP" (port forwarding is part of NAT)`);
		}
	}
	// Rules may be written before or after their firewall line.
	for (const { node, tok, rule } of p.rules) {
		const fw = ctx.header.firewalls.find((f) => f.node === node);
		if (!fw) at(rule.line, tok, `"rule ${node}" needs a line "firewall ${node} stateless"`);
		else if (fw.mode !== 'stateless') at(rule.line, tok, `"rule ${node}" applies only to a stateless firewall; line ${fw.line} makes ${node} stateful`);
		else fw.rules.push(rule);
	}
	for (const fw of ctx.header.firewalls) {
		if (fw.mode === 'stateless' && fw.rules.length === 0) {
			at(fw.line, undefined, `stateless firewall on ${fw.node} has no rule lines; add e.g. "rule ${fw.node} allow in tcp dport=80"`);
		}
	}
}

/** Engine FirewallRule(s) for one `rule` line (`any` direction expands to `in` then `out`). */
export function toEngineRules(r: RuleDecl): FirewallRule[] {
	const proto: FirewallRule['proto'] = r.proto === 'any' ? 'any' : (r.proto.toUpperCase() as Protocol);
	const dirs: ('in' | 'out')[] = r.direction === 'any' ? ['in', 'out'] : [r.direction];
	return dirs.map((direction) => {
		const rule: FirewallRule = { action: r.action, direction, proto };
		if (r.rejectWith) rule.rejectWith = r.rejectWith;
		if (r.sport) rule.sport = r.sport[0] === r.sport[1] ? r.sport[0] : r.sport;
		if (r.dport) rule.dport = r.dport[0] === r.dport[1] ? r.dport[0] : r.dport;
		return rule;
	});
}
