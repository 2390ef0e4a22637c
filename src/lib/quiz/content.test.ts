/**
 * The real question banks in `content/`, checked as the build checks them (buildCatalog: every bank
 * validates, link anchors exist among the lessons' headings, every simulation question's answer is
 * derived by running its scenario, and no bank has a test-taking cue), plus the coverage the
 * practice exams need: at least 250 questions, every objective listed in objectives.yaml asked by at
 * least three exam questions, the N10-009 port table (content/exam/port-table.yaml), and the topics
 * of issue 13's coverage list.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runScenario } from '../sim/scenario';
import { extractToc } from '../content/lessons';
import { buildCatalog } from './catalog-core';
import { KEY_LENGTH_MAX_SHARE, keyLengthStats } from './cues';
import type { Question } from './types';
import type { RunResult } from './simulation';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Files under `content/lessons` matching `test`, keyed as import.meta.glob keys them (`/content/...`). */
function collect(dir: string, test: (name: string) => boolean, out: Record<string, string> = {}): Record<string, string> {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) collect(path, test, out);
		else if (test(name)) out['/' + relative(ROOT, path).split('\\').join('/')] = readFileSync(path, 'utf8');
	}
	return out;
}

const banks = collect(join(ROOT, 'content/lessons'), (n) => n === 'quiz.yaml');
const scenarios = collect(join(ROOT, 'content/lessons'), (n) => n.endsWith('.scn'));
const lessonFiles = collect(join(ROOT, 'content/lessons'), (n) => n === 'index.md');
const objectives = readFileSync(join(ROOT, 'content/exam/objectives.yaml'), 'utf8');
const headings = new Map(
	Object.entries(lessonFiles).map(([path, text]) => [/\/([^/]+)\/index\.md$/.exec(path)![1].replace(/^\d+-/, ''), new Set(extractToc(text).map((h) => h.id))])
);

/** All the text a learner reads for a question: stem, options, items, pairs and typed answers. */
function textOf(q: Question): string {
	const parts = [q.prompt];
	if (q.type === 'single' || q.type === 'multi') parts.push(...q.options.map((o) => o.text));
	if (q.type === 'ordering') parts.push(...q.items.map((o) => o.text));
	if (q.type === 'matching') parts.push(...q.pairs.map((p) => `${p.left} ${q.choices.find((c) => c.id === p.right)?.text ?? ''}`));
	if (q.type === 'short') parts.push(...q.answer);
	if (q.type === 'simulation') parts.push(...(q.options ?? []).map((o) => o.text));
	return parts.join('\n');
}

describe('content question banks', () => {
	const cat = buildCatalog({ banks, scenarios, objectives, headings, run: (text) => runScenario(text) as RunResult });
	const byId = new Map(cat.questions.map((q) => [q.id, q]));

	it('pass every build-time check: structure, heading anchors, derived simulation answers, no cues', () => {
		expect(cat.errors).toEqual([]);
		expect(Object.keys(banks).length).toBe(18); // one bank per lesson, flow-and-congestion and ipv6 included
		expect(cat.questions.length).toBeGreaterThanOrEqual(250);
		const sims = cat.questions.filter((q) => q.type === 'simulation');
		expect(sims.length).toBeGreaterThanOrEqual(25);
		for (const q of sims) expect(q.answer?.length, q.id).toBeGreaterThan(0);
		// The cue checks ran on these banks: no bank exceeds the cap, so the whole set cannot either.
		const s = keyLengthStats(cat.questions, ['single']);
		expect(s.strictlyLongest / s.items).toBeLessThanOrEqual(KEY_LENGTH_MAX_SHARE);
	});

	it('derive the answers the explanations give for the UDP, ICMP, firewall, NAT, FTP and SNMP questions', () => {
		const answer = (id: string): string[] | undefined => {
			const q = byId.get(id);
			if (q?.type !== 'simulation') return undefined;
			// a choice question's answer is option ids; compare the option texts
			return q.options ? q.answer?.map((a) => q.options?.find((o) => o.id === a)?.text ?? a) : q.answer;
		};
		// a closed UDP port → Port Unreachable; traceroute's TTL-1 probe → Time Exceeded;
		// the stateless filter's first drop is the returning SYN,ACK; the stateful one drops the SYN to 22
		expect(answer('udp-11')).toEqual(['3/3']);
		expect(answer('icmp-12')).toEqual(['11/0']);
		expect(answer('fw-11')).toEqual(['SYN,ACK']);
		expect(answer('fw-19')).toEqual(['22']);
		// the laptop's flow cannot keep 51234 on the public address: the server replies to the remapped port
		expect(answer('nat-11')).toEqual(['8339']);
		// Windows: with every port of its pool held by a live connection, connect() fails WSAENOBUFS (Event 4231)
		expect(answer('exh-11')).toEqual(['WSAENOBUFS']);
		// passive FTP: 227 (…,195,80) → data port 195 × 256 + 80; an SNMP trap goes to the manager's 162
		expect(answer('svc-03')).toEqual(['50000']);
		expect(answer('mgmt-14')).toEqual(['162']);
		expect(answer('mgmt-15')).toEqual(['32768–60999']);
		// CLOSE_WAIT and CloseWait already normalise to the derived CLOSE-WAIT, so they are not repeated
		expect(answer('cls-02')).toEqual(['CLOSE-WAIT']);
	});

	it('derive cwnd after the loss in bulk-loss as CUBIC’s cut: 70 % of cwnd just before it (flc-14)', () => {
		const q = byId.get('flc-14');
		if (q?.type !== 'simulation') throw new Error('flc-14 is not a simulation question');
		const r = runScenario(scenarios['/content/lessons/02-tcp/03-flow-and-congestion/bulk-loss.scn']);
		if (!r.ok) throw new Error('bulk-loss.scn does not run');
		const ev = r.trace.events;
		const retx = ev.findIndex((e) => e.kind === 'segment' && e.from === 'client' && e.retransmission === true);
		const before = ev.slice(0, retx).flatMap((e) => (e.kind === 'window' && e.socket === 'c1' && e.ssthresh === null && e.cwnd !== null ? [e.cwnd] : []));
		const cwndAtLoss = before.at(-1) ?? NaN;
		expect(cwndAtLoss).toBeGreaterThan(10 * 1448); // slow start grew it past IW10
		expect(q.answer).toEqual([String(Math.floor((cwndAtLoss * 7) / 10))]); // RFC 9438 §4.6, β = 0.7
	});

	it('ask every objective listed in objectives.yaml with at least three exam questions, and every domain', () => {
		const short: string[] = [];
		for (const exam of cat.objectives.exams) {
			for (const domain of exam.domains) {
				const inDomain = cat.questions.filter((q) => q.objectives[exam.id].some((o) => o.startsWith(`${domain.id}.`)));
				expect(inDomain.length, `${exam.id} domain ${domain.id}`).toBeGreaterThanOrEqual(3);
				for (const o of domain.objectives) {
					const n = cat.questions.filter((q) => q.exam !== false && q.objectives[exam.id].includes(o.id)).length;
					if (n < 3) short.push(`${exam.id} ${o.id}: ${n}`);
				}
			}
		}
		expect(short).toEqual([]);
	});

	it('keep course-only questions out of every exam domain', () => {
		const courseOnly = cat.questions.filter((q) => q.exam === false);
		expect(courseOnly.length).toBeGreaterThan(0);
		for (const q of courseOnly) expect(q.objectives, q.id).toEqual({ netplus: [], ccna: [] });
	});

	it('ask every service of the N10-009 port table together with its port', () => {
		type Row = { service: string; ports: number[]; names: string[]; questions: string[] };
		const table = (parseYaml(readFileSync(join(ROOT, 'content/exam/port-table.yaml'), 'utf8')) as { services: Row[] }).services;
		expect(table.map((r) => r.service)).toEqual([
			'FTP', 'SSH', 'SFTP', 'Telnet', 'SMTP', 'DNS', 'DHCP', 'TFTP', 'HTTP', 'NTP',
			'SNMP', 'LDAP', 'HTTPS', 'SMB', 'Syslog', 'SMTPS', 'LDAPS', 'SQL Server', 'RDP', 'SIP'
		]);
		const names = (row: Row, text: string) => row.names.some((n) => text.toLowerCase().includes(n.toLowerCase()));
		const port = (p: number, text: string) => new RegExp(`(^|[^0-9])${p}([^0-9]|$)`).test(text);
		for (const row of table) {
			expect(row.questions.length, row.service).toBeGreaterThan(0);
			for (const id of row.questions) {
				const q = byId.get(id);
				expect(q, `${row.service}: ${id} exists`).toBeDefined();
				if (!q) continue;
				expect(q.exam, `${id} is an exam question`).not.toBe(false);
				for (const p of row.ports) {
					// a matching question must pair the service with the port; others must name both
					const together =
						q.type === 'matching'
							? q.pairs.some((pair) => {
									const t = `${pair.left} ${q.choices.find((c) => c.id === pair.right)?.text ?? ''}`;
									return names(row, t) && port(p, t);
								})
							: names(row, textOf(q)) && port(p, textOf(q));
					expect(together, `${id} asks ${row.service} with port ${p}`).toBe(true);
				}
			}
		}
	});

	it('cover every topic of the coverage list with lesson teaching and at least two exam questions', () => {
		const topics: Record<string, string[]> = {
			'GRE, ESP, AH and IKE': ['/lessons/services-and-ports#protocols-without-ports-gre-esp-ah-and-ike'],
			'unicast, multicast, anycast and broadcast': ['/lessons/udp#unicast-broadcast-multicast-and-anycast'],
			'TCP windowing': ['/lessons/reliable-delivery#flow-control-the-window'],
			'NAT inside/outside local/global': ['/lessons/nat#inside-and-outside-local-and-global', '/lessons/nat#configuring-nat-on-cisco-ios'],
			'ACL wildcard masks': ['/lessons/firewalls#router-access-lists-and-wildcard-masks'],
			'syslog severities 0–7': ['/lessons/managing-devices#syslog-severities-and-facilities'],
			'SNMP versions and traps': ['/lessons/managing-devices#snmp-polling-on-161-traps-on-162'],
			'DHCP DORA': ['/lessons/services-and-ports#names-and-addresses-dns-and-dhcp'],
			'TFTP versus FTP': ['/lessons/services-and-ports#moving-files-ftp-sftp-and-tftp'],
			'tcpdump and Wireshark': ['/lessons/ports-in-practice#watching-packets-tcpdump-and-wireshark'],
			'nslookup, dig and arp': ['/lessons/ports-in-practice#names-addresses-and-neighbours']
		};
		for (const [topic, links] of Object.entries(topics)) {
			const qs = cat.questions.filter((q) => q.exam !== false && links.includes(q.link));
			expect(qs.length, topic).toBeGreaterThanOrEqual(2);
		}
		// the words themselves are asked, not only linked
		const all = cat.questions.filter((q) => q.exam !== false).map(textOf).join('\n').toLowerCase();
		for (const word of ['GRE', 'ESP', 'AH', 'IKE', 'anycast', 'multicast', 'broadcast', 'window', 'inside global', 'wildcard', 'Emergency', 'Debug', 'SNMPv3', 'trap', 'Discover', 'TFTP', 'tcpdump', 'Wireshark', 'nslookup', 'dig', 'arp -a']) {
			expect(all, word).toContain(word.toLowerCase());
		}
	});
});
