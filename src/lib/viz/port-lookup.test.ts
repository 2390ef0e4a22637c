import { describe, expect, it } from 'vitest';
import { loadRegistry, parsePort, rangesOf, registryEntries } from './port-lookup';

describe('parsePort', () => {
	it('accepts 0…65535', () => {
		expect(parsePort('80')).toEqual({ ok: true, port: 80 });
		expect(parsePort(' 0 ')).toEqual({ ok: true, port: 0 });
		expect(parsePort('65535')).toEqual({ ok: true, port: 65535 });
		expect(parsePort('')).toEqual({ ok: 'empty' });
	});
	it('explains bad input', () => {
		const r = parsePort('65536');
		expect(r.ok).toBe(false);
		expect(r.ok === false && r.message).toContain('65535');
		expect(parsePort('-1')).toMatchObject({ ok: false, message: expect.stringContaining('negative') });
		expect(parsePort('http')).toMatchObject({ ok: false, message: expect.stringContaining('digits only') });
		expect(parsePort('8.5')).toMatchObject({ ok: false });
	});
});

describe('registry', () => {
	it('finds TCP and UDP entries for well-known ports', async () => {
		const reg = await loadRegistry();
		const e80 = registryEntries(reg, 80);
		expect(e80.map((e) => e.proto)).toEqual(['tcp', 'udp']);
		expect(e80[0].description).toMatch(/HTTP/i);
		expect(registryEntries(reg, 443)[0].name).toBe('https');
		expect(registryEntries(reg, 53).find((e) => e.proto === 'udp')?.name).toBe('domain');
		expect(registryEntries(reg, 60000)).toEqual([]);
		expect(await loadRegistry()).toBe(reg);
	});
});

describe('ranges', () => {
	it('names the IANA range and every OS range containing the port', () => {
		const r = rangesOf(50000);
		expect(r.iana?.id).toBe('dynamic');
		expect(r.ephemeralOf.map((o) => o.os).sort()).toEqual(['freebsd', 'iana', 'linux', 'macos', 'windows']);
		expect(rangesOf(61000).ephemeralOf.map((o) => o.os)).not.toContain('linux');
		expect(rangesOf(3000).ephemeralOf.map((o) => o.os)).toEqual(['windows-xp']);
		expect(rangesOf(22).ephemeralOf).toEqual([]);
		expect(rangesOf(22).iana?.id).toBe('well-known');
	});
});
