import { describe, expect, it } from 'vitest';
import { OS_PRESETS, OS_PRESET_IDS, getPreset, presetPortOptions } from './os';
import { PORT_ALGORITHMS } from './ports';
import { SimError } from './errors';

describe('OS_PRESETS', () => {
	it('has the documented ranges (facts 18, allocators.md §3-§5)', () => {
		expect(OS_PRESETS.linux.ephemeral).toEqual([32768, 60999]);
		expect(OS_PRESETS.freebsd.ephemeral).toEqual([10000, 65535]);
		expect(OS_PRESETS.macos.ephemeral).toEqual([49152, 65535]);
		expect(OS_PRESETS.windows.ephemeral).toEqual([49152, 65535]);
		expect(OS_PRESETS['windows-xp'].ephemeral).toEqual([1025, 5000]);
		expect(OS_PRESETS.rfc9293.ephemeral).toEqual([49152, 65535]);
		expect(OS_PRESETS.iana.ephemeral).toEqual([49152, 65535]);
		expect(OS_PRESETS.nat.ephemeral).toEqual([1024, 65535]);
	});

	it('has the documented TIME-WAIT lengths (fact 13, allocators.md §6)', () => {
		expect(OS_PRESETS.linux.timeWaitMs).toBe(60_000);
		expect(OS_PRESETS.freebsd.timeWaitMs).toBe(60_000);
		expect(OS_PRESETS.macos.timeWaitMs).toBe(30_000);
		expect(OS_PRESETS.windows.timeWaitMs).toBe(120_000);
		expect(OS_PRESETS['windows-xp'].timeWaitMs).toBe(240_000);
		expect(OS_PRESETS.rfc9293.timeWaitMs).toBe(240_000);
	});

	it('RST in TIME-WAIT: FreeBSD ignores it (RFC 1337), the others close (fact 11)', () => {
		expect(OS_PRESETS.freebsd.rstInTimeWait).toBe('ignore');
		for (const id of OS_PRESET_IDS.filter((i) => i !== 'freebsd')) expect(OS_PRESETS[id].rstInTimeWait).toBe('close');
	});

	it('every preset is consistent', () => {
		expect(OS_PRESET_IDS).toHaveLength(8);
		for (const id of OS_PRESET_IDS) {
			const p = OS_PRESETS[id];
			expect(p.id).toBe(id);
			expect(p.mslMs * 2).toBe(p.timeWaitMs);
			const [low, high] = p.ephemeral;
			expect(Number.isInteger(low) && Number.isInteger(high) && low >= 1 && low <= high && high <= 65535).toBe(true);
			expect(PORT_ALGORITHMS).toContain(p.algorithm);
			expect(p.label.length).toBeGreaterThan(0);
			expect(p.notes.length).toBeGreaterThan(0);
			expect(p.source.length).toBeGreaterThan(0);
		}
		expect(OS_PRESETS.linux.algorithm).toBe('linux');
	});

	it('documents the Windows 120 s vs 240 s conflict and Linux TCP_TIMEWAIT_LEN', () => {
		expect(OS_PRESETS.windows.notes).toMatch(/120 s/);
		expect(OS_PRESETS.windows.notes).toMatch(/240 s/);
		expect(OS_PRESETS.linux.notes).toMatch(/TCP_TIMEWAIT_LEN/);
	});

	it('one ephemeral port for several destinations: Linux and FreeBSD yes, macOS and Windows no', () => {
		const shared = OS_PRESET_IDS.filter((id) => OS_PRESETS[id].sharePorts);
		expect(shared).toEqual(['linux', 'freebsd', 'rfc9293', 'iana', 'nat']);
		expect(OS_PRESETS.windows.notes).toMatch(/SO_REUSE_UNICASTPORT/);
	});

	it('Windows presets use WinSock error names, reuse TIME-WAIT ports and report UDP resets, each with its source', () => {
		const winsock = OS_PRESET_IDS.filter((id) => OS_PRESETS[id].errnoNames === 'winsock');
		expect(winsock).toEqual(['windows', 'windows-xp']);
		expect(OS_PRESET_IDS.filter((id) => OS_PRESETS[id].udpConnReset)).toEqual(['windows', 'windows-xp']);
		expect(OS_PRESETS.windows.timeWaitReuse).toBe('when-exhausted');
		expect(OS_PRESETS['windows-xp'].timeWaitReuse).toBe('always');
		expect(OS_PRESETS.macos.timeWaitReuse).toBe('never');
		for (const cite of ['KB929851', 'Event 4227', 'Event 4231', 'SIO_UDP_CONNRESET', 'KB263823', 'SO_REUSE_UNICASTPORT', 'KB3149157', 'https://learn.microsoft.com/']) {
			expect(OS_PRESETS.windows.source).toContain(cite);
		}
		// What Microsoft leaves open is said to be an assumption.
		expect(OS_PRESETS.windows.notes.match(/assumption/g)?.length).toBeGreaterThanOrEqual(3);
		expect(OS_PRESETS['windows-xp'].source).toMatch(/Smart TCP port allocation/);
	});

	it('presetPortOptions passes the Windows rules to a PortTable', () => {
		expect(presetPortOptions(OS_PRESETS.windows)).toEqual({
			range: [49152, 65535],
			algorithm: 'sequential',
			sharePorts: false,
			timeWaitReuse: 'when-exhausted',
			errors: 'windows',
			unprivilegedStart: 0
		});
		expect(presetPortOptions(OS_PRESETS.linux, undefined).errors).toBe('posix');
		expect(presetPortOptions(OS_PRESETS.windows, [50000, 50099]).autoReuse).toEqual([50000, 50099]);
	});

	it('is frozen', () => {
		expect(Object.isFrozen(OS_PRESETS.linux)).toBe(true);
		expect(Object.isFrozen(OS_PRESETS.linux.ephemeral)).toBe(true);
	});
});

describe('getPreset', () => {
	it('returns a preset by id', () => {
		expect(getPreset('macos')).toBe(OS_PRESETS.macos);
	});

	it('throws a SimError listing valid ids', () => {
		expect(() => getPreset('solaris')).toThrow(SimError);
		expect(() => getPreset('solaris')).toThrow(
			'Unknown OS preset "solaris"; valid ids: linux, freebsd, macos, windows, windows-xp, rfc9293, iana, nat'
		);
		expect(() => getPreset('toString')).toThrow(/Unknown OS preset/);
	});
});
