import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from './examples';
import { explainListing } from './index';
import { groupRows, peerLabel, sortRows, stateCounts, type SortKey } from './view';

const rows = explainListing(EXAMPLES.find((e) => e.id === 'linux')!.text).rows;

describe('listing table view', () => {
	it('sorts addresses numerically and states in lifecycle order, both ways', () => {
		const byPeer = sortRows(rows, 'peer', 'ascending').filter((r) => r.peer.port !== null);
		const peers = byPeer.map((r) => r.peer.addr);
		expect(peers.indexOf('192.0.2.77')).toBeLessThan(peers.indexOf('192.168.1.30'));
		expect(peers.indexOf('192.168.1.35')).toBeLessThan(peers.indexOf('198.51.100.7'));
		const states = sortRows(rows, 'state', 'ascending').map((r) => r.state);
		expect(states[0]).toBe('LISTEN');
		expect(states.indexOf('SYN-SENT')).toBeLessThan(states.indexOf('ESTABLISHED'));
		expect(states.indexOf('TIME-WAIT')).toBeLessThan(states.indexOf('CLOSE-WAIT'));
		expect(sortRows(rows, 'state', 'descending').map((r) => r.state)[0]).toBe('CLOSE-WAIT');
	});

	it('sorting is a permutation and stable by line for every key', () => {
		fc.assert(
			fc.property(fc.constantFrom<SortKey>('line', 'proto', 'state', 'local', 'peer', 'process'), fc.boolean(), (key, asc) => {
				const s = sortRows(rows, key, asc ? 'ascending' : 'descending');
				expect(s.map((r) => r.line).sort((a, b) => a - b)).toEqual(rows.map((r) => r.line));
			})
		);
	});

	it('groups by remote endpoint, biggest first, and by state in lifecycle order', () => {
		const byPeer = groupRows(rows, 'peer');
		expect(byPeer[0]).toMatchObject({ label: '203.0.113.5:443' });
		expect(byPeer[0].rows).toHaveLength(15);
		expect(byPeer.find((g) => g.label === 'no peer: listening')?.rows).toHaveLength(6);
		expect(byPeer.reduce((n, g) => n + g.rows.length, 0)).toBe(rows.length);
		expect(groupRows(rows, 'state').map((g) => g.key)).toEqual(['LISTEN', 'SYN-SENT', 'ESTABLISHED', 'TIME-WAIT', 'CLOSE-WAIT']);
		expect(stateCounts(rows)).toContainEqual({ state: 'TIME-WAIT', count: 14 });
		expect(peerLabel(rows[0])).toBe('no peer: listening');
	});
});
