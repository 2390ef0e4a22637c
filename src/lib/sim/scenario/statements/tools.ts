/**
 * ICMP tools run from a host: `ping` and `traceroute` (Unix UDP probes or Windows ICMP echo).
 * Each starts the engine's tool at the statement's time (icmp.ts).
 *
 * @module
 */
import type { LineErrors, Token } from '../lexer';
import type { ParseContext } from '../context';
import { keyValue, parseDuration, parseIntKey, splitArgs, tooMany } from '../values';
import { MAX_TIME_MS } from '../types';
import type { Family, HostSpec } from './spec';

/** What the ICMP tool statements do. */
export type ToolAction =
	/** `HOST ping IP [count=N] [interval=DURATION]` */
	| { kind: 'ping'; host: string; ip: string; count: number; intervalMs: number }
	/** `HOST traceroute IP [style=unix|windows] [maxhops=N]` */
	| { kind: 'traceroute'; host: string; ip: string; style: 'unix' | 'windows'; maxHops: number | null };

/**
 * The target address of ping or traceroute (an IP address or a node name). `ping6` and
 * `traceroute6` resolve a node name to its IPv6 address, as the tools' names say.
 */
function target(ctx: ParseContext, positional: Token[], verb: Token, err: LineErrors, tool: string, more: string): string | null | undefined {
	const [dstTok, ...extra] = positional;
	if (!dstTok) {
		err.at(verb, `expected an address after "${tool}" (an IP address or a host name)`);
		return undefined;
	}
	const six = tool.endsWith('6');
	const ip = ctx.address(dstTok.text, dstTok, err, tool, six);
	if (six && ip !== null && !ip.includes(':')) {
		err.at(dstTok, `${tool} needs an IPv6 address, got ${ip}`);
		tooMany(extra, tool, err, more);
		return null;
	}
	tooMany(extra, tool, err, more);
	return ip;
}

const pingSpec = (keyword: 'ping' | 'ping6'): HostSpec<ToolAction> => ({
	place: 'host',
	keyword,
	syntax: [`HOST ${keyword} IP [count=N] [interval=DURATION]`],
	doc:
		keyword === 'ping'
			? 'Send count (1-100, default 1) ICMP Echo Requests, interval apart (default 1s); an IPv6 address sends ICMPv6 ones.'
			: 'ping over IPv6: ICMPv6 Echo Requests (type 128) to the address, or to a host name\'s ip6= address.',
	keys: ['count', 'interval'],
	parse(ctx, host, toks, err, verb) {
		const args = splitArgs(toks, { keys: ['count', 'interval'], flags: [] }, err, keyword);
		const ip = target(ctx, args.positional, verb, err, keyword, 'count= or interval=');
		if (ip === undefined) return null;
		const cTok = args.keys.get('count');
		const count = cTok ? parseIntKey(cTok, 'count', err, 1, 100, 'a count') : 1;
		const iTok = args.keys.get('interval');
		const intervalMs = iTok ? parseDuration(iTok, 'interval', err) : 1000;
		if (iTok && intervalMs === 0) err.at(iTok, 'interval= must be more than 0 ms');
		if (ip === null || count === null || intervalMs === null || intervalMs === 0) return null;
		// The last request goes out (count - 1) intervals after the statement's time.
		const last = ctx.lastTime + (count - 1) * intervalMs;
		if (last > MAX_TIME_MS) {
			err.at(iTok ?? cTok, `ping sends its last request at ${last} ms (count=${count}, ${intervalMs} ms apart), beyond the limit of ${MAX_TIME_MS} ms (one day of virtual time)`);
			return null;
		}
		return { kind: 'ping', host, ip, count, intervalMs };
	}
});

const tracerouteSpec = (keyword: 'traceroute' | 'traceroute6'): HostSpec<ToolAction> => ({
	place: 'host',
	keyword,
	syntax: [`HOST ${keyword} IP [style=unix|windows] [maxhops=N]`],
	doc:
		keyword === 'traceroute'
			? 'Probe the path with TTL 1, 2, 3...: UDP to 33434+ (style=unix) or ICMP echo (style=windows).'
			: 'traceroute over IPv6: Hop Limit 1, 2, 3..., answered by ICMPv6 Time Exceeded and, at the end, Port Unreachable.',
	keys: ['style', 'maxhops'],
	parse(ctx, host, toks, err, verb) {
		const args = splitArgs(toks, { keys: ['style', 'maxhops'], flags: [] }, err, keyword);
		const ip = target(ctx, args.positional, verb, err, keyword, 'style= or maxhops=');
		if (ip === undefined) return null;
		const sTok = args.keys.get('style');
		const v = sTok ? keyValue(sTok, 'style') : 'unix';
		if (v !== 'unix' && v !== 'windows') {
			err.at(sTok, `expected style=unix (UDP probes) or style=windows (ICMP echo), got ${JSON.stringify(v)}`);
			return null;
		}
		const mTok = args.keys.get('maxhops');
		const maxHops = mTok ? parseIntKey(mTok, 'maxhops', err, 1, 64, 'a hop count') : null;
		if (ip === null || (mTok && maxHops === null)) return null;
		return { kind: 'traceroute', host, ip, style: v, maxHops };
	}
});

/** The ICMP tools family. */
export const tools: Family<ToolAction> = {
	name: 'tools',
	statements: [pingSpec('ping'), pingSpec('ping6'), tracerouteSpec('traceroute'), tracerouteSpec('traceroute6')],
	runners: {
		ping: { at: (rt, a) => void rt.sim.host(a.host).ping(a.ip, { count: a.count, intervalMs: a.intervalMs }) },
		traceroute: {
			at(rt, a) {
				rt.sim.host(a.host).traceroute(a.ip, a.maxHops === null ? { style: a.style } : { style: a.style, maxHops: a.maxHops });
			}
		}
	}
};
