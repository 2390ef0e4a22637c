/**
 * Part of the hosts-and-topology family (topology.ts): what sits on a router, `nat`,
 * `forward`, `static`, `firewall` and `rule`, and the cross-line checks between them (a
 * `forward` or `static` needs a `nat`, `rule` lines need a stateless `firewall`).
 *
 * @module
 */
import ipaddr from 'ipaddr.js';
import type { FirewallRule, Protocol } from '../../index';
import { type LineErrors, type Token, isWord, show, subToken } from '../lexer';
import type { ParseContext } from '../context';
import type { NatDecl, RuleDecl } from '../types';
import { MAX_POOL } from '../../nat';
import type { RejectWith } from '../../router';
import { keyValue, parseDuration, parseIp, parsePort, parseRange, splitArgs, tooMany } from '../values';
import type { HeaderSpec } from './spec';

/** Lines whose checks need the whole file (rules and forwards may come before their router's line). */
interface Pending {
	rules: { node: string; tok: Token; rule: RuleDecl }[];
	forwards: { router: string; tok: Token; line: number }[];
	statics: { router: string; tok: Token; line: number; inside: string; global: string }[];
}
const pending = (ctx: ParseContext): Pending => ctx.local('middleboxes', (): Pending => ({ rules: [], forwards: [], statics: [] }));

/** `pool=FIRST-LAST` of a nat line: the addresses from FIRST to LAST (ipaddr.js arithmetic), at most {@link MAX_POOL}. */
function poolAddresses(tok: Token, err: LineErrors): string[] | null {
	const text = keyValue(tok, 'pool');
	const dash = text.indexOf('-');
	const first = parseIp(subToken(tok, dash < 0 ? text : text.slice(0, dash), 5), 'the first pool address after "pool="', err);
	if (dash < 0) {
		if (first !== null) err.at(tok, `expected pool=FIRST-LAST (e.g. pool=198.51.100.10-198.51.100.14), got ${JSON.stringify(text)}`);
		return null;
	}
	const last = first === null ? null : parseIp(subToken(tok, text.slice(dash + 1), 6 + dash), 'the last pool address after "-"', err);
	if (first === null || last === null) return null;
	const num = (ip: string) => ipaddr.IPv4.parse(ip).toByteArray().reduce((n, b) => n * 256 + b, 0);
	const lo = num(first);
	const n = num(last) - lo + 1;
	if (n < 1) {
		err.at(tok, `pool ${first}-${last} is backwards: FIRST must not come after LAST`);
		return null;
	}
	if (n > MAX_POOL) {
		err.at(tok, `pool ${first}-${last} has ${n} addresses; at most ${MAX_POOL}`);
		return null;
	}
	return Array.from({ length: n }, (_, i) => {
		const v = lo + i;
		return ipaddr.fromByteArray([(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]).toString();
	});
}

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
const NAT_KEYS = ['public', 'mode', 'range', 'mapping', 'filtering', 'hairpin', 'parity', 'overload', 'timeouts', 'pool', 'pool-timeout'];
/** Keys of port translation (PAT) that a dynamic NAT pool, which keeps ports, does not take. */
const PAT_KEYS = ['public', 'mode', 'range', 'mapping', 'filtering', 'hairpin', 'parity', 'overload'];
const NAT_USAGE =
	'nat ROUTER public=IP [mode=remap|preserve] [range=LOW-HIGH] [mapping=BEHAVIOUR] [filtering=BEHAVIOUR] [hairpin=on|off] [parity=on|off] [overload=on|off] [timeouts=linux|rfc|cisco]';
const NAT_POOL_USAGE = 'nat ROUTER pool=FIRST-LAST [pool-timeout=DURATION] [timeouts=linux|rfc|cisco]';

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
	syntax: [NAT_USAGE, NAT_POOL_USAGE],
	doc: 'Address and port translation on a router: inside sources leave as public=IP with a public port; mapping, filtering, hairpinning, parity and overloading as RFC 4787/5382 name them. With pool= instead: dynamic NAT without overload, each inside address gets a pool address of its own and keeps its ports.',
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
		const poolTok = args.keys.get('pool');
		if (poolTok) {
			parsePoolNat(ctx, args.keys, poolTok, router, nodeTok, err);
			return;
		}
		if (args.keys.has('pool-timeout')) err.at(args.keys.get('pool-timeout')!, '"pool-timeout=" belongs to a NAT with pool=');
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

/** The rest of a `nat ROUTER pool=FIRST-LAST` line (dynamic NAT without overload). */
function parsePoolNat(ctx: ParseContext, keys: Map<string, Token>, poolTok: Token, router: string | null, nodeTok: Token, err: LineErrors): void {
	for (const k of PAT_KEYS) {
		const tok = keys.get(k);
		if (tok) err.at(tok, `"${k}=" is for port translation (PAT) with public=; a NAT with pool= translates addresses only and keeps ports (${NAT_POOL_USAGE})`);
	}
	if (PAT_KEYS.some((k) => keys.has(k))) return;
	const pool = poolAddresses(poolTok, err);
	const timeouts = choice(keys.get('timeouts'), 'timeouts', TIMEOUTS, err);
	const holdTok = keys.get('pool-timeout');
	const hold = holdTok ? parseDuration(holdTok, 'pool-timeout', err) : undefined;
	if (router === null || pool === null || timeouts === null || hold === null) return;
	const dup = ctx.header.nats.find((x) => x.router === router);
	if (dup) {
		err.at(nodeTok, `${router} already has a NAT (line ${dup.line})`);
		return;
	}
	const ips = ctx.nodes.get(router)!.ips;
	for (const ip of pool) if (!ips.includes(ip) && !ctx.claimIp(poolTok, ip, router, err)) return;
	const decl: NatDecl = { line: err.line, router, publicIp: pool[0], mode: 'remap', range: null, pool };
	if (hold !== undefined) decl.poolTimeoutMs = hold;
	if (timeouts) decl.timeouts = timeouts;
	ctx.header.nats.push(decl);
}

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

const STATIC_USAGE = '"static ROUTER INSIDE-IP GLOBAL-IP" (e.g. static r1 192.168.1.20 198.51.100.20)';

const staticNat: HeaderSpec = {
	place: 'header',
	keyword: 'static',
	syntax: ['static ROUTER INSIDE-IP GLOBAL-IP'],
	doc: 'Static NAT on a NAT router (Cisco "ip nat inside source static"): INSIDE-IP always leaves as GLOBAL-IP with its ports unchanged, and anything sent to GLOBAL-IP from outside reaches INSIDE-IP.',
	parse(ctx, rest, err, head) {
		const args = splitArgs(rest, { keys: [], flags: [] }, err, 'static');
		const [nodeTok, inTok, globalTok, ...extra] = args.positional;
		if (!nodeTok || !inTok || !globalTok) {
			err.at(nodeTok ?? head, `expected ${STATIC_USAGE}`);
			return;
		}
		const router = ctx.nodeRef(nodeTok, ['router'], err, 'after "static"');
		const inside = parseIp(inTok, 'the inside (local) address', err);
		const global = parseIp(globalTok, 'the global address', err);
		tooMany(extra, 'static', err, 'nothing after GLOBAL-IP');
		if (router === null || inside === null || global === null) return;
		const p = pending(ctx);
		const dup = p.statics.find((x) => x.router === router && (x.inside === inside || x.global === global));
		if (dup) {
			err.at(dup.inside === inside ? inTok : globalTok, `${dup.inside === inside ? inside : global} already has a static entry on ${router} (line ${dup.line})`);
			return;
		}
		if (!ctx.nodes.get(router)!.ips.includes(global) && !ctx.claimIp(globalTok, global, router, err)) return;
		p.statics.push({ router, tok: nodeTok, line: err.line, inside, global });
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

/** nat, forward, static, firewall and rule, in the order the documentation lists them. */
export const MIDDLEBOX_STATEMENTS: readonly HeaderSpec[] = [nat, forward, staticNat, firewall, rule];

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
	for (const st of p.statics) {
		const n = ctx.header.nats.find((x) => x.router === st.router);
		if (!n) at(st.line, st.tok, `"static ${st.router}" needs a line "nat ${st.router} public=IP" or "nat ${st.router} pool=FIRST-LAST" (static NAT is part of NAT)`);
		else if (n.publicIp === st.global || n.pool?.includes(st.global)) at(st.line, st.tok, `static global address ${st.global} is already the public address or in the pool of line ${n.line}`);
		else (n.statics ??= []).push({ line: st.line, inside: st.inside, global: st.global });
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
