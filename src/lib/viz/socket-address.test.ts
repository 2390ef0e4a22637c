import { describe, expect, it } from 'vitest';
import { socketAddress } from './labels';

describe('socket table addresses as ss and netstat print them', () => {
	it('ss: IPv6 in brackets, dual-stack :: as *, IPv6-only :: as [::], port 0 as *', () => {
		expect(socketAddress({ ip: '2001:db8::5', port: 443 }, {})).toEqual({ ip: '[2001:db8::5]', port: 443 });
		expect(socketAddress({ ip: '::', port: 80 }, { v6only: false })).toEqual({ ip: '*', port: 80 });
		expect(socketAddress({ ip: '::', port: 0 }, { v6only: false })).toEqual({ ip: '*', port: '*' });
		expect(socketAddress({ ip: '::', port: 22 }, { v6only: true })).toEqual({ ip: '[::]', port: 22 });
		expect(socketAddress({ ip: '::ffff:192.0.2.10', port: 40000 }, { v6only: false })).toEqual({ ip: '[::ffff:192.0.2.10]', port: 40000 });
		expect(socketAddress({ ip: '0.0.0.0', port: 0 }, {})).toEqual({ ip: '0.0.0.0', port: '*' });
	});
	it('netstat: brackets for IPv6, port 0 stays 0', () => {
		expect(socketAddress({ ip: '::', port: 0 }, { v6only: true, windows: true })).toEqual({ ip: '[::]', port: 0 });
		expect(socketAddress({ ip: '::', port: 80 }, { v6only: false, windows: true })).toEqual({ ip: '[::]', port: 80 });
	});
});
