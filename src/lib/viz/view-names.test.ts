import { describe, expect, it } from 'vitest';
import { DRAWN_VIEWS, VIEW_NAMES, VIEW_TITLES, isViewName, parseViews, tryParseViews, ViewListError } from './view-names';

describe('parseViews', () => {
	it('keeps the order, trims names and skips empty items', () => {
		expect(parseViews('ports, sockets,,terminal ')).toEqual(['ports', 'sockets', 'terminal']);
	});
	it('throws on unknown, repeated or missing names, listing the valid ones', () => {
		expect(() => parseViews('ladder,Ladder')).toThrowError(ViewListError);
		expect(() => parseViews('ladder,Ladder')).toThrowError('unknown view "Ladder" (the views are ladder, sockets, header, state, ports, topology, nat, terminal, window)');
		expect(() => parseViews('state,state')).toThrowError('view "state" is listed twice');
		expect(() => parseViews(' , ')).toThrowError(/no view listed/);
	});
	it('tryParseViews returns the error instead of throwing', () => {
		expect(tryParseViews('ladder')).toEqual({ views: ['ladder'], error: null });
		expect(tryParseViews('graph')).toEqual({ views: [], error: expect.stringContaining('unknown view "graph"') });
	});
	it('every name has a title, and the drawn views are views', () => {
		for (const v of VIEW_NAMES) expect(VIEW_TITLES[v]).toMatch(/^[a-z]/i);
		for (const v of DRAWN_VIEWS) expect(isViewName(v)).toBe(true);
		expect(isViewName('toString')).toBe(false);
	});
});
