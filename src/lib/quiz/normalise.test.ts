import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyseAnswer, matchesAny, normaliseAnswer } from './normalise';

describe('normaliseAnswer', () => {
	it('folds case, spaces, underscores and hyphens', () => {
		for (const s of ['TIME-WAIT', 'time wait', ' Time_Wait ', 'time - wait']) expect(normaliseAnswer(s)).toBe('time-wait');
	});
	it('drops a leading "port" and thousands separators', () => {
		expect(normaliseAnswer('Port 443')).toBe('443');
		expect(normaliseAnswer('port:8080')).toBe('8080');
		expect(normaliseAnswer('1,001')).toBe('1001');
		expect(normaliseAnswer('28 232')).toBe('28232');
		expect(normaliseAnswer('SYN, ACK')).toBe('ack,syn');
	});
	it('reads number words up to twenty', () => {
		expect(normaliseAnswer('eight')).toBe('8');
		expect(normaliseAnswer('Sixteen')).toBe('16');
		expect(normaliseAnswer('twenty')).toBe('20');
		expect(normaliseAnswer('zero')).toBe('0');
		// not beyond twenty, and not inside other words
		expect(normaliseAnswer('twenty-one')).toBe('20-1');
		expect(normaliseAnswer('someone')).toBe('someone');
	});
	it('drops protocol words and units only next to a number', () => {
		expect(analyseAnswer('TCP 3389')).toEqual({ key: '3389', proto: 'tcp', unit: null });
		expect(analyseAnswer('3389/tcp')).toEqual({ key: '3389', proto: 'tcp', unit: null });
		expect(analyseAnswer('tcp/3389')).toEqual({ key: '3389', proto: 'tcp', unit: null });
		expect(analyseAnswer('UDP port 33434')).toEqual({ key: '33434', proto: 'udp', unit: null });
		expect(analyseAnswer('16-bit')).toEqual({ key: '16', proto: null, unit: 'bit' });
		expect(analyseAnswer('8 octets')).toEqual({ key: '8', proto: null, unit: 'byte' });
		expect(analyseAnswer('eight bytes')).toEqual({ key: '8', proto: null, unit: 'byte' });
		expect(normaliseAnswer('470 per second')).toBe('470');
		expect(normaliseAnswer('470/s')).toBe('470');
		expect(normaliseAnswer('about 470 connections per second')).toBe('470');
		// words alone stay words
		expect(normaliseAnswer('TCP')).toBe('tcp');
		expect(normaliseAnswer('TCP and UDP')).toBe('tcp-and-udp');
		expect(normaliseAnswer('bytes')).toBe('bytes');
	});
	it('spells TCP states the RFC way whatever tool they come from', () => {
		const cases: [string, string][] = [
			['ESTAB', 'established'],
			['ESTABLISHED', 'established'],
			['TIME_WAIT', 'time-wait'],
			['TIME-WAIT', 'time-wait'],
			['TimeWait', 'time-wait'],
			['SYN_SENT', 'syn-sent'],
			['SYN-SENT', 'syn-sent'],
			['SynSent', 'syn-sent'],
			['SYN-RECV', 'syn-received'],
			['SYN_RCVD', 'syn-received'],
			['SYN_RECEIVED', 'syn-received'],
			['FIN_WAIT1', 'fin-wait-1'],
			['FIN_WAIT_2', 'fin-wait-2'],
			['FinWait1', 'fin-wait-1'],
			['CLOSE_WAIT', 'close-wait'],
			['LAST_ACK', 'last-ack'],
			['LISTENING', 'listen'],
			['UNCONN', 'closed']
		];
		for (const [given, key] of cases) expect(normaliseAnswer(given), given).toBe(key);
		// Linux netstat's CLOSE only where a state is asked
		expect(normaliseAnswer('CLOSE', 'state')).toBe('closed');
		expect(normaliseAnswer('close')).toBe('close');
	});
	it('names socket errors by errno, strerror text or Winsock name', () => {
		expect(normaliseAnswer('Connection refused')).toBe('econnrefused');
		expect(normaliseAnswer('WSAECONNREFUSED')).toBe('econnrefused');
		expect(normaliseAnswer('Cannot assign requested address')).toBe('eaddrnotavail');
	});
	it('reads flags as a set, and tcpdump letters where flags are asked', () => {
		for (const s of ['SYN,ACK', 'SYN ACK', 'syn/ack', 'ACK+SYN', 'SYN and ACK']) expect(normaliseAnswer(s), s).toBe('ack,syn');
		expect(normaliseAnswer('[S.]', 'flags')).toBe('ack,syn');
		expect(normaliseAnswer('[R.]', 'flags')).toBe('ack,rst');
		expect(normaliseAnswer('SYN')).toBe('syn');
	});
	it('reads ICMP type/code and names where ICMP is asked', () => {
		for (const s of ['3/3', 'type 3 code 3', '3,3', 'Port unreachable', 'Destination unreachable (port unreachable)'])
			expect(normaliseAnswer(s, 'icmp'), s).toBe('3/3');
		expect(normaliseAnswer('TTL exceeded in transit', 'icmp')).toBe('11/0');
	});
	it('is idempotent', () => {
		fc.assert(fc.property(fc.string(), (s) => normaliseAnswer(normaliseAnswer(s)) === normaliseAnswer(s)));
		const words = fc.constantFrom(
			'tcp', 'udp', '16', 'bits', 'bytes', 'port', 'eight', '/', '-', ' ', 'per second', 'syn', 'ack', 'estab', 'time', 'wait',
			'3,3', '1,001', '(', ')', 'about', ',', '001', 's', 'pps', 'close', 'type', 'code', '[', ']', '.', 'icmp', 'port unreachable'
		);
		for (const kind of [undefined, 'state', 'errno', 'flags', 'icmp'] as const) {
			for (const sep of ['', ' ']) {
				const answers = fc.array(words, { maxLength: 8 }).map((w) => w.join(sep));
				fc.assert(fc.property(answers, (s) => normaliseAnswer(normaliseAnswer(s, kind), kind) === normaliseAnswer(s, kind)));
			}
		}
	});
});

describe('matchesAny: the answers issue 13 lists', () => {
	// Accepted lists as the banks give them (sock-02, udp-01, rng-04, icmp-07, exh-01).
	const portField = ['16', '16 bits', 'sixteen'];
	const udpHeader = ['8', '8 bytes', 'eight'];
	const rdp = ['3389'];
	const traceroute = ['33434'];
	const rate = ['470'];

	it('accepts the right answers in any of these spellings', () => {
		for (const s of ['16-bit', '16 bit', '16 bits', 'Sixteen bits', '2 bytes', '16']) expect(matchesAny(s, portField), s).toBe(true);
		for (const s of ['8 octets', '8 bytes', 'eight bytes', '64 bits', '8']) expect(matchesAny(s, udpHeader), s).toBe(true);
		for (const s of ['TCP 3389', '3389/tcp', 'tcp port 3389', 'port 3389']) expect(matchesAny(s, rdp), s).toBe(true);
		for (const s of ['UDP 33434', '33434/udp', 'udp:33434']) expect(matchesAny(s, traceroute), s).toBe(true);
		for (const s of ['470 per second', '470/s', '~470', '470 connections/s']) expect(matchesAny(s, rate), s).toBe(true);
	});

	it('still rejects wrong answers', () => {
		for (const s of ['16 bytes', '8 bits', '32-bit', '15']) expect(matchesAny(s, portField), s).toBe(false);
		for (const s of ['8 bits', '16 octets', 'nine']) expect(matchesAny(s, udpHeader), s).toBe(false);
		for (const s of ['TCP 3390', '33890', '3389 3390', 'tcp']) expect(matchesAny(s, rdp), s).toBe(false);
		for (const s of ['TCP 33434', 'UDP 33435']) expect(matchesAny(s, ['UDP 33434']), s).toBe(false);
		for (const s of ['4700 per second', '47/s']) expect(matchesAny(s, rate), s).toBe(false);
		expect(matchesAny('   ', [''])).toBe(false);
		expect(matchesAny('', ['tcp'])).toBe(false);
	});

	it('accepts state spellings and strerror text, but not other states or errors', () => {
		expect(matchesAny('ESTAB', ['ESTABLISHED'], 'state')).toBe(true);
		expect(matchesAny('TimeWait', ['TIME-WAIT'], 'state')).toBe(true);
		expect(matchesAny('SYN_SENT', ['SYN-SENT'], 'state')).toBe(true);
		expect(matchesAny('CLOSE', ['CLOSED'], 'state')).toBe(true);
		expect(matchesAny('SYN_RECV', ['SYN-SENT'], 'state')).toBe(false);
		expect(matchesAny('FIN_WAIT2', ['FIN-WAIT-1'], 'state')).toBe(false);
		expect(matchesAny('CLOSE_WAIT', ['CLOSED'], 'state')).toBe(false);
		expect(matchesAny('Connection refused', ['ECONNREFUSED'], 'errno')).toBe(true);
		expect(matchesAny('Connection reset by peer', ['ECONNREFUSED'], 'errno')).toBe(false);
		expect(matchesAny('refused', ['ECONNREFUSED'], 'errno')).toBe(false);
	});
});
