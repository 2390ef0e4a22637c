/**
 * One test per tool and layout. The listings are built by hand in each tool's exact layout (from
 * iproute2 ss.c, net-tools netstat.c, FreeBSD inet.c and sockstat.c, Apple network_cmds inet.c,
 * the lsof manual and Microsoft's netstat / Get-NetTCPConnection documentation).
 */
import { describe, expect, it } from 'vitest';
import { explainListing, serviceResolverFrom } from './index';
import { parseListing } from './parse';
import { EXAMPLES } from './examples';
import type { ListingRow } from './types';

const rowAt = (rows: ListingRow[], line: number) => {
	const r = rows.find((x) => x.line === line);
	if (!r) throw new Error(`no row on line ${line}`);
	return r;
};

describe('ss', () => {
	it('reads ss -tan of an older iproute2 (no Process column, *:22 and :::22 wildcards)', () => {
		const text = [
			'State      Recv-Q Send-Q        Local Address:Port          Peer Address:Port',
			'LISTEN     0      128                       *:22                       *:*',
			'LISTEN     0      128                      :::22                      :::*',
			'ESTAB      0      36             10.0.2.15:22               10.0.2.2:50324',
			'TIME-WAIT  0      0              10.0.2.15:43210          93.184.216.34:80',
			'SYN-RECV   0      0              10.0.2.15:22             198.51.100.4:40001',
			'FIN-WAIT-2 0      0              10.0.2.15:43300          93.184.216.34:80'
		].join('\n');
		const r = parseListing(text);
		expect(r.format).toBe('ss');
		expect(r.os).toBe('linux');
		expect(r.rows.map((x) => x.state)).toEqual(['LISTEN', 'LISTEN', 'ESTABLISHED', 'TIME-WAIT', 'SYN-RECEIVED', 'FIN-WAIT-2']);
		expect(r.rows[0].local).toEqual({ addr: '*', port: 22 });
		expect(r.rows[0].peer).toEqual({ addr: '*', port: null });
		expect(r.rows[1].local).toEqual({ addr: '::', port: 22 });
		expect(r.rows[1].peer).toEqual({ addr: '::', port: null });
		expect(r.rows[2]).toMatchObject({ stateRaw: 'ESTAB', recvQ: 0, sendQ: 36, peer: { addr: '10.0.2.2', port: 50324 } });
		expect(r.skipped).toEqual([]);
	});

	it('reads ss -tanp: users with spaces, commas and brackets in quoted names, and forked listeners', () => {
		const text = [
			'State  Recv-Q Send-Q   Local Address:Port    Peer Address:Port Process',
			'LISTEN 0      511            0.0.0.0:80           0.0.0.0:*     users:(("nginx",pid=813,fd=6),("nginx",pid=812,fd=6))',
			'ESTAB  0      0         192.168.1.10:51234    203.0.113.5:443   users:(("Web Content",pid=123,fd=4))',
			'ESTAB  0      0         192.168.1.10:51236    203.0.113.5:443   users:(("odd, (name)",pid=124,fd=5))',
			'ESTAB  0      0    [::ffff:192.168.1.10]:22 [::ffff:198.51.100.7]:60412 users:(("sshd",pid=3301,fd=4)) timer:(keepalive,119min,0)'
		].join('\n');
		const r = parseListing(text);
		expect(r.rows[0]).toMatchObject({ pid: 813, process: 'nginx', otherPids: [812] });
		expect(r.rows[1]).toMatchObject({ pid: 123, process: 'Web Content', local: { addr: '192.168.1.10', port: 51234 } });
		expect(r.rows[2]).toMatchObject({ pid: 124, process: 'odd, (name)' });
		expect(r.rows[3]).toMatchObject({ local: { addr: '::ffff:192.168.1.10', port: 22 }, ipVersion: 6, process: 'sshd' });
	});

	it('reads ss -tulpen with Netid, UDP UNCONN, -e fields, zone ids, and -i detail lines (CRLF)', () => {
		const text = [
			'Netid State  Recv-Q Send-Q      Local Address:Port  Peer Address:PortProcess',
			'udp   UNCONN 0      0       127.0.0.53%lo:53          0.0.0.0:*    users:(("systemd-resolve",pid=650,fd=13)) uid:101 ino:20324 sk:1 cgroup:/system.slice/systemd-resolved.service <->',
			'udp   UNCONN 0      0    [fe80::5054:ff:fe12:3456]%enp1s0:546 [::]:* users:(("NetworkManager",pid=700,fd=25)) ino:23001 sk:5 <->',
			'tcp   LISTEN 0      128            0.0.0.0:22          0.0.0.0:*    users:(("sshd",pid=900,fd=3)) ino:23456 sk:3 cgroup:/system.slice/ssh.service <->',
			'tcp   ESTAB  0      0           10.0.0.5:22         10.0.0.9:51515 users:(("sshd",pid=1200,fd=4)) timer:(keepalive,89min,0) ino:3333 sk:9 <->',
			'\t cubic wscale:7,7 rto:204 rtt:0.5/0.25 ato:40 mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:10 bytes_sent:5000',
			'tcp   LISTEN 0      128               [::]:22             [::]:*    users:(("sshd",pid=900,fd=4)) ino:23458 sk:4 v6only:1 <->'
		].join('\r\n');
		const r = parseListing(text);
		expect(r.format).toBe('ss');
		expect(r.rows).toHaveLength(5);
		expect(r.rows[0]).toMatchObject({ proto: 'udp', state: 'UNCONN', local: { addr: '127.0.0.53', port: 53, zone: 'lo' }, pid: 650, process: 'systemd-resolve' });
		expect(r.rows[1]).toMatchObject({ proto: 'udp', local: { addr: 'fe80::5054:ff:fe12:3456', port: 546 } });
		expect(r.rows[3]).toMatchObject({ proto: 'tcp', state: 'ESTABLISHED', pid: 1200 });
		expect(r.rows[4].line).toBe(7);
		expect(r.skipped).toEqual([]);
	});

	it('takes the state of an ss state filter from the pasted command line, and says so when the command is missing', () => {
		const rows = ['Recv-Q Send-Q   Local Address:Port    Peer Address:Port', '1      0        203.0.113.5:8080    192.168.1.10:51234', '0      0        203.0.113.5:8080    192.168.1.10:51236'];
		const withCmd = parseListing(['$ ss -tan state close-wait', ...rows].join('\n'));
		expect(withCmd.command).toBe('ss -tan state close-wait');
		expect(withCmd.rows.map((r) => r.state)).toEqual(['CLOSE-WAIT', 'CLOSE-WAIT']);
		expect(withCmd.rows[0].stateRaw).toBe('');
		const without = parseListing(rows.join('\n'));
		expect(without.format).toBe('ss');
		expect(without.rows.map((r) => r.state)).toEqual(['UNKNOWN', 'UNKNOWN']);
		expect(without.notes.join(' ')).toMatch(/State column is missing/);
	});

	it('reads the ss -s summary', () => {
		const text = [
			'Total: 1512',
			'TCP:   31562 (estab 120, closed 31300, orphaned 4, timewait 31290)',
			'',
			'Transport Total     IP        IPv6',
			'RAW\t  1         0         1',
			'UDP\t  10        7         3',
			'TCP\t  262       250       12',
			'INET\t  273       257       16',
			'FRAG\t  0         0         0'
		].join('\n');
		const r = explainListing(text);
		expect(r.format).toBe('ss-summary');
		expect(r.summary).toMatchObject({ total: 1512, tcp: 31562, estab: 120, orphaned: 4, timewait: 31290 });
		expect(r.rows).toEqual([]);
		expect(r.skipped).toEqual([]);
		expect(r.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['time-wait-pileup', 'orphaned-sockets']));
	});
});

describe('net-tools netstat (Linux)', () => {
	it('reads netstat -an and stops at the UNIX-domain socket table', () => {
		const text = [
			'Active Internet connections (servers and established)',
			'Proto Recv-Q Send-Q Local Address           Foreign Address         State      ',
			'tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     ',
			'tcp        0      0 192.168.1.10:22         192.168.1.2:51234       ESTABLISHED',
			'tcp        0      0 192.168.1.10:40000      203.0.113.5:443         TIME_WAIT  ',
			'tcp        0      0 192.168.1.10:40002      203.0.113.5:443         FIN_WAIT2  ',
			'tcp        0      0 192.168.1.10:40004      203.0.113.5:443         SYN_RECV   ',
			'tcp6       0      0 :::22                   :::*                    LISTEN     ',
			'udp        0      0 0.0.0.0:68              0.0.0.0:*                          ',
			'udp6       0      0 fe80::1:2:3:4:546       :::*                               ',
			'raw6       0      0 :::58                   :::*                    7          ',
			'Active UNIX domain sockets (servers and established)',
			'Proto RefCnt Flags       Type       State         I-Node   Path',
			'unix  2      [ ACC ]     STREAM     LISTENING     12345    /run/systemd/private',
			'unix  3      [ ]         STREAM     CONNECTED     23456    '
		].join('\n');
		const r = parseListing(text);
		expect(r.format).toBe('netstat-linux');
		expect(r.rows.map((x) => x.state)).toEqual(['LISTEN', 'ESTABLISHED', 'TIME-WAIT', 'FIN-WAIT-2', 'SYN-RECEIVED', 'LISTEN', 'UNCONN', 'UNCONN', 'UNCONN']);
		expect(r.rows[5]).toMatchObject({ proto: 'tcp', ipVersion: 6, local: { addr: '::', port: 22 } });
		expect(r.rows[7]).toMatchObject({ proto: 'udp', local: { addr: 'fe80::1:2:3:4', port: 546 } });
		expect(r.rows[8]).toMatchObject({ proto: 'raw', local: { addr: '::', port: 58 } });
		expect(r.skipped).toEqual([{ line: 12, reason: expect.stringMatching(/^Active UNIX domain sockets .*lines 12–15/) }]);
	});

	it('reads netstat -anp and -tulpn: PID/Program name with spaces, "-" for other users, -o timers', () => {
		const text = [
			'(Not all processes could be identified, non-owned process info',
			' will not be shown, you would have to be root to see it all.)',
			'Active Internet connections (only servers)',
			'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
			'tcp        0      0 127.0.0.1:631           0.0.0.0:*               LISTEN      1033/cupsd          ',
			'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      812/nginx: master p ',
			'tcp        0      0 192.168.1.10:51234      203.0.113.5:443         ESTABLISHED 4321/Web Content     off (0.00/0/0)',
			'tcp6       0      0 :::3306                 :::*                    LISTEN      -                   ',
			'udp        0      0 0.0.0.0:5353            0.0.0.0:*                           888/avahi-daemon: r '
		].join('\n');
		const r = parseListing(text);
		expect(r.format).toBe('netstat-linux');
		expect(r.rows).toHaveLength(5);
		expect(r.rows[0]).toMatchObject({ pid: 1033, process: 'cupsd' });
		expect(r.rows[1]).toMatchObject({ pid: 812, process: 'nginx: master p' });
		expect(r.rows[2]).toMatchObject({ pid: 4321, process: 'Web Content' });
		expect(r.rows[3].pid).toBeUndefined();
		expect(r.rows[4]).toMatchObject({ proto: 'udp', pid: 888, process: 'avahi-daemon: r' });
		expect(r.skipped.map((s) => s.line)).toEqual([1, 2]);
	});

	it('flags an IPv6 address net-tools cut to fit 23 characters, and keeps the port', () => {
		const text = [
			'Proto Recv-Q Send-Q Local Address           Foreign Address         State',
			'tcp6       0      0 2001:db8:85a3:8d3:1:443 2001:db8:aaaa:bb::51234 ESTABLISHED',
			'tcp        0      0 10.0.0.1:22             10.0.0.2:50000          ESTABLISHED'
		].join('\n');
		const r = parseListing(text);
		expect(r.rows[0]).toMatchObject({ truncated: true, truncatedParts: ['local.addr', 'peer.addr'], local: { port: 443 }, peer: { port: 51234 } });
		expect(r.rows[1].truncated).toBeUndefined();
	});
});

describe('Windows netstat', () => {
	it('reads netstat -an with CRLF line ends, IPv6 in brackets with zone ids, and UDP *:*', () => {
		const text = [
			'',
			'Active Connections',
			'',
			'  Proto  Local Address          Foreign Address        State',
			'  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING',
			'  TCP    192.168.1.11:50312     203.0.113.5:443        ESTABLISHED',
			'  TCP    192.168.1.11:50298     203.0.113.5:443        TIME_WAIT',
			'  TCP    192.168.1.11:50299     203.0.113.5:443        SYN_RECEIVED',
			'  TCP    [::]:135               [::]:0                 LISTENING',
			'  TCP    [fe80::1c2d:3e4f:5a6b:7c8d%9]:49670  [fe80::aa:bbff:fecc:ddee%9]:445  ESTABLISHED',
			'  UDP    0.0.0.0:500            *:*                    ',
			'  UDP    [::1]:1900             *:*                    '
		].join('\r\n');
		const r = parseListing(text);
		expect(r.format).toBe('netstat-windows');
		expect(r.os).toBe('windows');
		expect(r.rows.map((x) => x.state)).toEqual(['LISTEN', 'ESTABLISHED', 'TIME-WAIT', 'SYN-RECEIVED', 'LISTEN', 'ESTABLISHED', 'UNCONN', 'UNCONN']);
		expect(r.rows[0]).toMatchObject({ stateRaw: 'LISTENING', peer: { addr: '0.0.0.0', port: null } });
		expect(r.rows[4]).toMatchObject({ local: { addr: '::', port: 135 }, peer: { addr: '::', port: null } });
		expect(r.rows[5]).toMatchObject({ local: { addr: 'fe80::1c2d:3e4f:5a6b:7c8d', zone: '9', port: 49670 }, peer: { zone: '9', port: 445 } });
		expect(r.rows[6]).toMatchObject({ proto: 'udp', peer: { addr: '*', port: null } });
		expect(r.skipped).toEqual([]);
	});

	it('reads netstat -ano without its header, and -anob owner and component lines', () => {
		const ano = ['  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4', '  TCP    10.1.1.5:49800         10.1.1.9:443           CLOSE_WAIT      7712'].join('\n');
		const r1 = parseListing(ano);
		expect(r1.format).toBe('netstat-windows');
		expect(r1.rows.map((x) => x.pid)).toEqual([4, 7712]);
		const r2 = parseListing(EXAMPLES.find((e) => e.id === 'windows')!.text);
		expect(r2.command).toBe('netstat -anob');
		expect(rowAt(r2.rows, 6)).toMatchObject({ pid: 1064, process: 'svchost.exe', component: 'RpcSs' });
		expect(rowAt(r2.rows, 9)).toMatchObject({ pid: 4 });
		expect(rowAt(r2.rows, 9).process).toBeUndefined();
		expect(rowAt(r2.rows, 20)).toMatchObject({ state: 'CLOSE-WAIT', process: 'Code Helper.exe', pid: 5120 });
		expect(rowAt(r2.rows, 31)).toMatchObject({ proto: 'udp', component: 'IKEEXT', process: 'svchost.exe' });
		expect(r2.skipped).toEqual([{ line: 1, reason: 'command line' }]);
	});

	it('reads localised state names (German)', () => {
		const text = ['  Proto  Lokale Adresse         Remoteadresse          Status', '  TCP    0.0.0.0:135            0.0.0.0:0              ABHÖREN', '  TCP    10.0.0.4:50123         10.0.0.9:443           HERGESTELLT', '  TCP    10.0.0.4:50124         10.0.0.9:443           WARTEND'].join('\n');
		expect(parseListing(text).rows.map((r) => r.state)).toEqual(['LISTEN', 'ESTABLISHED', 'TIME-WAIT']);
	});
});

describe('PowerShell Get-NetTCPConnection', () => {
	it('reads the default table by the dashes line, with an empty AppliedSetting cell', () => {
		const text = [
			'',
			'LocalAddress                        LocalPort RemoteAddress                       RemotePort State       AppliedSetting OwningProcess',
			'------------                        --------- -------------                       ---------- -----       -------------- -------------',
			'::                                  49669     ::                                  0          Listen                     3012',
			'fe80::1c2d:3e4f:5a6b:7c8d%9         49670     fe80::aa:bbff:fecc:ddee%9           445        Established Internet       4',
			'192.168.1.11                        50312     203.0.113.5                         443        Established Internet       8812',
			'192.168.1.11                        50298     203.0.113.5                         443        TimeWait                   0',
			'0.0.0.0                             135       0.0.0.0                             0          Listen                     1064',
			'192.168.1.11                        50400     198.51.100.20                       8080       CloseWait   Internet       5120'
		].join('\r\n');
		const r = parseListing(text);
		expect(r.format).toBe('powershell');
		expect(r.os).toBe('windows');
		expect(r.rows.map((x) => x.state)).toEqual(['LISTEN', 'ESTABLISHED', 'ESTABLISHED', 'TIME-WAIT', 'LISTEN', 'CLOSE-WAIT']);
		expect(r.rows[0]).toMatchObject({ local: { addr: '::', port: 49669 }, peer: { addr: '::', port: null }, pid: 3012, stateRaw: 'Listen' });
		expect(r.rows[1]).toMatchObject({ local: { addr: 'fe80::1c2d:3e4f:5a6b:7c8d', zone: '9', port: 49670 }, pid: 4 });
		expect(r.rows[3]).toMatchObject({ pid: 0, stateRaw: 'TimeWait' });
		expect(r.skipped).toEqual([]);
	});

	it('reads Format-Table -AutoSize with extra columns, marks cells cut with "...", and reads rows without a header', () => {
		// Column starts: LocalAddress 0, LocalPort 16, RemoteAddress 26, RemotePort 42, State 53, OwningProcess 65, ProcessName 79.
		const cols = (...cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd([16, 10, 16, 11, 12, 14][i]) : c)).join('');
		const text = [
			cols('LocalAddress', 'LocalPort', 'RemoteAddress', 'RemotePort', 'State', 'OwningProcess', 'ProcessName'),
			cols('------------', '---------', '-------------', '----------', '-----', '-------------', '-----------'),
			cols('10.0.0.7', '    51000', '203.0.113.5', '       443', 'Established', '         9000', 'Microsoft.Sh...'),
			cols('2001:db8:1:...', '    51001', '2001:db8::443', '       443', 'SynSent', '         9001', 'curl')
		].join('\n');
		const r = parseListing(text);
		expect(r.rows[0]).toMatchObject({ local: { addr: '10.0.0.7', port: 51000 }, pid: 9000, process: 'Microsoft.Sh', truncatedParts: ['process'] });
		expect(r.rows[1]).toMatchObject({ state: 'SYN-SENT', truncated: true, truncatedParts: ['local.addr'], local: { port: 51001 } });
		const bare = parseListing('192.168.1.11   50312   203.0.113.5   443   Established   Internet   8812\n0.0.0.0 135 0.0.0.0 0 Listen 1064');
		expect(bare.format).toBe('powershell');
		expect(bare.rows.map((x) => [x.state, x.pid])).toEqual([
			['ESTABLISHED', 8812],
			['LISTEN', 1064]
		]);
	});
});

describe('BSD netstat (macOS and FreeBSD)', () => {
	it('reads macOS netstat -an: tcp46, *.*, ::1.631, zone ids, UDP without state, and stops at the UNIX table', () => {
		const text = [
			'Active Internet connections (including servers)',
			'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)    ',
			'tcp4       0      0  192.168.1.20.52110     17.57.146.10.5223      ESTABLISHED',
			'tcp6       0      0  ::1.631                *.*                    LISTEN     ',
			'tcp46      0      0  *.5000                 *.*                    LISTEN     ',
			'tcp6       0      0  fe80::1%lo0.5000       fe80::2%lo0.61000      ESTABLISHED',
			'tcp4       0      0  10.0.0.1.443           10.0.0.2.51000         SYN_RCVD   ',
			'tcp4       0      0  10.0.0.1.51002         10.0.0.3.443           FIN_WAIT_1 ',
			'udp4       0      0  *.5353                 *.*                               ',
			'udp46      0      0  *.*                    *.*                               ',
			'Active LOCAL (UNIX) domain sockets',
			'Address          Type   Recv-Q Send-Q            Inode             Conn             Refs          Nextref Addr',
			'ae5c1f2d6b3a1b8f stream      0      0                0 ae5c1f2d6b3a1c57                0                0'
		].join('\n');
		const r = parseListing(text);
		expect(r.format).toBe('netstat-bsd');
		expect(r.os).toBe('macos');
		expect(r.rows.map((x) => x.state)).toEqual(['ESTABLISHED', 'LISTEN', 'LISTEN', 'ESTABLISHED', 'SYN-RECEIVED', 'FIN-WAIT-1', 'UNCONN', 'UNCONN']);
		expect(r.rows[0]).toMatchObject({ local: { addr: '192.168.1.20', port: 52110 }, peer: { addr: '17.57.146.10', port: 5223 } });
		expect(r.rows[1]).toMatchObject({ local: { addr: '::1', port: 631 }, peer: { addr: '*', port: null } });
		expect(r.rows[2]).toMatchObject({ ipVersion: 46, local: { addr: '*', port: 5000 } });
		expect(r.rows[3]).toMatchObject({ local: { addr: 'fe80::1', zone: 'lo0', port: 5000 } });
		expect(r.rows[7]).toMatchObject({ local: { addr: '*', port: null } });
		expect(r.skipped).toEqual([{ line: 11, reason: expect.stringMatching(/^Active LOCAL \(UNIX\) domain sockets/) }]);
	});

	it('flags addresses macOS cut at 16 characters; never reports a port cut from an 18-wide (-A) field', () => {
		const cut = [
			'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)',
			'tcp6       0      0  2a02:8109:9a40:3.49761 2a00:1450:4001:8.443   ESTABLISHED',
			'tcp4       0      0  192.168.1.20.52110     17.57.146.10.5223      ESTABLISHED'
		].join('\n');
		const r = parseListing(cut);
		expect(r.rows[0]).toMatchObject({ truncated: true, truncatedParts: ['local.addr', 'peer.addr'], local: { addr: '2a02:8109:9a40:3', port: 49761 }, peer: { port: 443 } });
		expect(r.rows[1].truncated).toBeUndefined();
		const withA = [
			'Socket           Flowhash Proto Recv-Q Send-Q  Local Address      Foreign Address    (state)',
			'ae5c1f2d6b3a1b8f 8a7c1d2e tcp6       0      0  2a02:8109:9a40:3.4 2a00:1450:4001:8.4 ESTABLISHED',
			'ae5c1f2d6b3a1c57 8a7c1d2f tcp4       0      0  10.0.0.1.22        10.0.0.2.50000     ESTABLISHED'
		].join('\n');
		const a = parseListing(withA);
		expect(a.rows[0]).toMatchObject({ truncated: true, local: { port: null }, peer: { port: null } });
		expect(a.rows[0].truncatedParts).toEqual(expect.arrayContaining(['local.port', 'peer.port', 'local.addr', 'peer.addr']));
		expect(a.rows[1]).toMatchObject({ local: { port: 22 }, peer: { port: 50000 } });
		expect(a.rows[1].truncated).toBeUndefined();
	});

	it('does not flag anything in wide output (netstat -anW)', () => {
		const text = [
			'Proto Recv-Q Send-Q  Local Address                                 Foreign Address                               (state)',
			'tcp6       0      0  2a02:8109:9a40:3c00:1234:5678:9abc:def0.49761 2a00:1450:4001:812::200e.443                  ESTABLISHED',
			'tcp6       0      0  2a02:8109:9a40:3.50000                        2a00:1450:4001:8.443                          ESTABLISHED'
		].join('\n');
		const r = parseListing(text);
		expect(r.rows[0]).toMatchObject({ local: { addr: '2a02:8109:9a40:3c00:1234:5678:9abc:def0', port: 49761 } });
		expect(r.rows.every((x) => !x.truncated)).toBe(true);
	});

	it('reads the newest macOS -anv layout: process:pid with spaces and parentheses', () => {
		const r = parseListing(EXAMPLES.find((e) => e.id === 'macos')!.text);
		expect(r.format).toBe('netstat-bsd');
		expect(r.os).toBe('macos');
		expect(rowAt(r.rows, 4)).toMatchObject({ pid: 372, process: 'apsd' });
		expect(rowAt(r.rows, 5)).toMatchObject({ state: 'CLOSE-WAIT', stateRaw: 'CLOSE_WAIT', pid: 66713, process: 'Google Chrome H' });
		expect(rowAt(r.rows, 9)).toMatchObject({ pid: 56664, process: 'Codex (Service)' });
		expect(rowAt(r.rows, 11)).toMatchObject({ pid: 598, process: 'ControlCenter', ipVersion: 46 });
		expect(r.skipped.map((s) => s.line)).toEqual([1, 15]);
	});

	it('reads the older macOS -anv layout (rhiwat shiwat pid epid …)', () => {
		const text = [
			'Active Internet connections (including servers)',
			'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)     rhiwat shiwat    pid   epid  state    options',
			'tcp4       0      0  192.168.1.5.49482      17.248.146.77.443      ESTABLISHED 131072 131768    375      0 0x0102 0x00000008',
			'udp4       0      0  *.137                  *.*                                786896   9216    212      0 0x0100 0x00000000'
		].join('\n');
		const r = parseListing(text);
		expect(r.rows.map((x) => x.pid)).toEqual([375, 212]);
		expect(r.os).toBe('macos');
	});

	it('reads FreeBSD netstat -an (one space after Send-Q) as FreeBSD', () => {
		const text = [
			'Active Internet connections (including servers)',
			'Proto Recv-Q Send-Q Local Address          Foreign Address        (state)',
			'tcp4       0      0 192.168.1.10.22        192.168.1.2.51234      ESTABLISHED',
			'tcp4       0      0 *.22                   *.*                    LISTEN',
			'tcp6       0      0 *.22                   *.*                    LISTEN',
			'tcp4       0      0 192.168.1.10.22        192.168.1.3.51000      CLOSE_WAIT',
			'udp4       0      0 *.514                  *.*                    ',
			'Active UNIX domain sockets',
			'Address          Type   Recv-Q Send-Q            Inode             Conn             Refs          Nextref Addr',
			'fffff80003a4b000 stream      0      0 fffff80003b9d1e0                0                0                0 /var/run/devd.pipe'
		].join('\n');
		const r = parseListing(text);
		expect(r.format).toBe('netstat-bsd');
		expect(r.os).toBe('freebsd');
		expect(r.rows.map((x) => x.state)).toEqual(['ESTABLISHED', 'LISTEN', 'LISTEN', 'CLOSE-WAIT', 'UNCONN']);
		expect(r.skipped).toHaveLength(1);
	});
});

describe('lsof -i', () => {
	it('reads lsof -i -n -P with IPv6 in brackets, zone ids, \\x20 in COMMAND, and UDP without state', () => {
		const text = [
			'COMMAND     PID   USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME',
			'rapportd    742  alice    4u  IPv4 0x1a2b3c4d5e6f7a81      0t0  TCP *:49152 (LISTEN)',
			'rapportd    742  alice    5u  IPv6 0x1a2b3c4d5e6f7a82      0t0  TCP [fe80::1%lo0]:49152->[fe80::2%lo0]:61000 (ESTABLISHED)',
			'Google\\x20 66713 alice   45u  IPv4 0x1a2b3c4d5e6f7a83      0t0  TCP 192.168.1.20:52344->203.0.113.5:443 (CLOSE_WAIT)',
			'mDNSRespo   300 _mdnsresponder 8u IPv4 0x1a2b3c4d5e6f7a84 0t0  UDP *:5353',
			'ssh        7001  alice    3u  IPv4 0x1a2b3c4d5e6f7a85      0t0  TCP 192.168.1.20:51990->192.0.2.9:22 (SYN_SENT)'
		].join('\n');
		const r = parseListing(text);
		expect(r.format).toBe('lsof');
		expect(r.os).toBe('macos');
		expect(r.rows.map((x) => x.state)).toEqual(['LISTEN', 'ESTABLISHED', 'CLOSE-WAIT', 'UNCONN', 'SYN-SENT']);
		expect(r.rows[0]).toMatchObject({ pid: 742, process: 'rapportd', local: { addr: '*', port: 49152 }, peer: { addr: '*', port: null } });
		expect(r.rows[1]).toMatchObject({ ipVersion: 6, local: { addr: 'fe80::1', zone: 'lo0', port: 49152 } });
		expect(r.rows[2]).toMatchObject({ process: 'Google', pid: 66713, truncatedParts: ['process'] });
		expect(r.rows[3]).toMatchObject({ proto: 'udp', process: 'mDNSRespo', truncatedParts: ['process'] });
	});

	it('reads name-resolved lsof -i (Linux), mapping service names through the registry', () => {
		const text = [
			'COMMAND   PID  USER   FD   TYPE DEVICE SIZE/OFF NODE NAME',
			'node    23411  dev    21u  IPv4 381922      0t0  TCP localhost:http-alt (LISTEN)',
			'curl    23500  dev     5u  IPv4 381990      0t0  TCP laptop.lan:52110->example.com:https (ESTABLISHED)',
			'x       23501  dev     5u  IPv4 381991      0t0  TCP laptop.lan:52111->example.com:no-such-svc (ESTABLISHED)'
		].join('\n');
		const services = serviceResolverFrom({ '8080/tcp': ['http-alt', 'HTTP Alternate'], '443/tcp': ['https', 'http protocol over TLS/SSL'] });
		const r = parseListing(text, { services });
		expect(r.os).toBe('linux');
		expect(r.rows[0]).toMatchObject({ local: { addr: 'localhost', port: 8080, portName: 'http-alt' } });
		expect(r.rows[1]).toMatchObject({ local: { addr: 'laptop.lan', port: 52110 }, peer: { addr: 'example.com', port: 443, portName: 'https' } });
		expect(r.rows[2].peer).toEqual({ addr: 'example.com', port: null, portName: 'no-such-svc' });
	});
});

describe('sockstat (FreeBSD)', () => {
	it('reads sockstat -4 -6 -l -c -s: states, ? for no owner, UNIX rows skipped, 10-character command names', () => {
		const text = [
			'USER     COMMAND    PID   FD  PROTO  LOCAL ADDRESS         FOREIGN ADDRESS       PATH STATE   CONN STATE',
			'root     sshd        1030 4   tcp6   *:22                  *:*                                LISTEN',
			'root     sshd        1030 5   tcp4   *:22                  *:*                                LISTEN',
			'www      nginx        900 6   tcp4   192.168.1.10:80       192.168.1.20:51234                 CLOSE_WAIT',
			'root     ntpd         990 22  udp6   fe80::1%lo0:123       *:*',
			'root     ntpd         990 23  udp6   ::1:123               *:*',
			'alice    firefox-bi  4444 60  tcp4   192.168.1.10:51000    203.0.113.5:443                    ESTABLISHED',
			'?        ?          ?     ?   tcp4   192.168.1.10:22       192.168.1.30:60000                 FIN_WAIT_2',
			'root     syslogd      778 7   dgram  /var/run/log'
		].join('\n');
		const r = parseListing(text);
		expect(r.format).toBe('sockstat');
		expect(r.os).toBe('freebsd');
		expect(r.rows.map((x) => x.state)).toEqual(['LISTEN', 'LISTEN', 'CLOSE-WAIT', 'UNCONN', 'UNCONN', 'ESTABLISHED', 'FIN-WAIT-2']);
		expect(r.rows[0]).toMatchObject({ pid: 1030, process: 'sshd', ipVersion: 6, local: { addr: '*', port: 22 } });
		expect(r.rows[3]).toMatchObject({ local: { addr: 'fe80::1', zone: 'lo0', port: 123 } });
		expect(r.rows[4]).toMatchObject({ local: { addr: '::1', port: 123 } });
		expect(r.rows[5]).toMatchObject({ process: 'firefox-bi', truncatedParts: ['process'] });
		expect(r.rows[6].pid).toBeUndefined();
		expect(r.rows[6].process).toBeUndefined();
		expect(r.skipped).toEqual([{ line: 9, reason: expect.stringMatching(/UNIX-domain/) }]);
	});

	it('infers LISTEN for a TCP socket with no peer when sockstat shows no state column', () => {
		const r = parseListing('USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS\nroot     sshd       1030  4  tcp4   *:22                  *:*\nroot     sshd       1200  5  tcp4   10.0.0.1:22           10.0.0.2:5000');
		expect(r.rows[0]).toMatchObject({ state: 'LISTEN', stateInferred: true });
		expect(r.rows[1].state).toBe('UNKNOWN');
	});
});

describe('what real pastes contain', () => {
	it('ignores a BOM, blank lines and trailing spaces; lists lines of no tool as skipped', () => {
		const text = '\ufeffhello there\n\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000   \n';
		const r = parseListing(text);
		expect(r.rows).toHaveLength(1);
		expect(r.skipped).toEqual([{ line: 1, reason: expect.stringMatching(/not an ss row/) }]);
	});

	it('reads two tools in one paste', () => {
		const text = ['$ ss -tan', 'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000', '$ netstat -an', 'tcp        0      0 10.0.0.1:22             10.0.0.3:5001           ESTABLISHED'].join('\n');
		const r = parseListing(text);
		expect(r.rows.map((x) => x.peer.addr)).toEqual(['10.0.0.2', '10.0.0.3']);
	});

	it('refuses input over the limits with a message that says the limit', () => {
		const r = explainListing('x'.repeat(50), { limits: { maxChars: 10 } });
		expect(r.error).toMatch(/reads at most 1 KB/);
		expect(r.rows).toEqual([]);
		const lines = explainListing('a\n'.repeat(20), { limits: { maxLines: 5 } });
		expect(lines.error).toMatch(/21 lines; the explainer reads at most 5/);
		const long = explainListing('ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n' + 'y'.repeat(100), { limits: { maxLineLength: 50 } });
		expect(long.skipped).toEqual([{ line: 2, reason: 'line longer than 50 characters, not read' }]);
	});

	it('says unknown for text that is no listing', () => {
		const r = explainListing('The quick brown fox\njumps over the lazy dog');
		expect(r.format).toBe('unknown');
		expect(r.rows).toEqual([]);
		expect(r.skipped).toHaveLength(2);
	});
});

describe('headerless rows', () => {
	it('reads net-tools rows without their header as netstat, not as ss with a missing State column', () => {
		const r = parseListing('tcp        0      0 10.0.0.2:22             10.0.0.9:50000          ESTABLISHED\ntcp6       0      0 :::80                   :::*                    LISTEN\n');
		expect(r.format).toBe('netstat-linux');
		expect(r.rows.map((x) => x.state)).toEqual(['ESTABLISHED', 'LISTEN']);
	});
});
