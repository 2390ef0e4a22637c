import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchesAny, normaliseAnswer } from './normalise';

describe('normaliseAnswer', () => {
	it('folds case, spaces, underscores and hyphens', () => {
		for (const s of ['TIME-WAIT', 'time wait', ' Time_Wait ', 'time - wait']) expect(normaliseAnswer(s)).toBe('time-wait');
	});
	it('drops a leading "port" and thousands separators', () => {
		expect(normaliseAnswer('Port 443')).toBe('443');
		expect(normaliseAnswer('port:8080')).toBe('8080');
		expect(normaliseAnswer('1,001')).toBe('1001');
		expect(normaliseAnswer('SYN, ACK')).toBe('syn,ack');
	});
	it('matches accepted alternatives but never an empty answer', () => {
		expect(matchesAny('ssh', ['22', 'SSH'])).toBe(true);
		expect(matchesAny('   ', [''])).toBe(false);
		expect(matchesAny('23', ['22'])).toBe(false);
	});
	it('is idempotent', () => {
		fc.assert(fc.property(fc.string(), (s) => normaliseAnswer(normaliseAnswer(s)) === normaliseAnswer(s)));
	});
});
