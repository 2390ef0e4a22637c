/**
 * Every spelling of a TCP state the supported tools print, mapped to RFC 9293's.
 *
 * Sources: iproute2 `misc/ss.c` (`sstate_name`: ESTAB, SYN-SENT, SYN-RECV, UNCONN …); net-tools
 * `netstat.c` (`tcp_state`: SYN_RECV, FIN_WAIT1, CLOSE …); FreeBSD/Apple `tcp_fsm.h` `tcpstates[]`
 * (SYN_RCVD, FIN_WAIT_1 …) used by `netstat` and `sockstat`; Microsoft's `netstat` documentation
 * (LISTENING, SYN_RECEIVED, DELETE_TCB, BOUND) and the `MSFT_NetTCPConnection` State enum
 * (Listen, SynReceived, TimeWait, DeleteTCB, Bound); lsof (`IDLE` for TCPS_CLOSED on BSD).
 *
 * @module
 */
import type { SocketState } from './types';

/** Keys are upper case with `-`, `_` and spaces removed. */
const SPELLINGS: Record<string, SocketState> = {
	LISTEN: 'LISTEN',
	LISTENING: 'LISTEN',
	SYNSENT: 'SYN-SENT',
	SYNRECV: 'SYN-RECEIVED',
	SYNRCVD: 'SYN-RECEIVED',
	SYNRECEIVED: 'SYN-RECEIVED',
	NEWSYNRECV: 'SYN-RECEIVED',
	ESTAB: 'ESTABLISHED',
	ESTABLISHED: 'ESTABLISHED',
	FINWAIT1: 'FIN-WAIT-1',
	FINWAIT2: 'FIN-WAIT-2',
	CLOSEWAIT: 'CLOSE-WAIT',
	CLOSING: 'CLOSING',
	LASTACK: 'LAST-ACK',
	TIMEWAIT: 'TIME-WAIT',
	CLOSED: 'CLOSED',
	CLOSE: 'CLOSED', // net-tools prints TCP_CLOSE as "CLOSE"
	IDLE: 'CLOSED', // lsof on BSD: TCPS_CLOSED
	UNCONN: 'UNCONN',
	BOUND: 'BOUND',
	DELETETCB: 'DELETE-TCB',
	// Localised Windows netstat (German, French, Spanish), as far as they differ from English.
	ABHÖREN: 'LISTEN',
	ABHOREN: 'LISTEN',
	HERGESTELLT: 'ESTABLISHED',
	WARTEND: 'TIME-WAIT',
	SCHLIESSENWARTEN: 'CLOSE-WAIT',
	ÉCOUTE: 'LISTEN',
	ECOUTE: 'LISTEN',
	ÉTABLI: 'ESTABLISHED',
	ETABLI: 'ESTABLISHED',
	ESCUCHANDO: 'LISTEN',
	ESTABLECIDO: 'ESTABLISHED'
};

/**
 * The RFC 9293 spelling of a state as any supported tool prints it, or `null` when the word is not
 * a state. Case-insensitive; `-`, `_` and spaces are ignored (`TIME_WAIT`, `TimeWait`, `time-wait`).
 */
export function normaliseState(raw: string): SocketState | null {
	if (raw.length === 0 || raw.length > 24) return null;
	const key = raw.toUpperCase().replace(/[-_ ]/g, '');
	return Object.prototype.hasOwnProperty.call(SPELLINGS, key) ? SPELLINGS[key] : null;
}

/** The state names `ss` accepts after `state` (iproute2 `ss.c` `sstate_namel`), mapped to RFC 9293. */
export const SS_FILTER_STATES: Record<string, SocketState> = {
	established: 'ESTABLISHED',
	'syn-sent': 'SYN-SENT',
	'syn-recv': 'SYN-RECEIVED',
	'fin-wait-1': 'FIN-WAIT-1',
	'fin-wait-2': 'FIN-WAIT-2',
	'time-wait': 'TIME-WAIT',
	closed: 'CLOSED',
	'close-wait': 'CLOSE-WAIT',
	'last-ack': 'LAST-ACK',
	listening: 'LISTEN',
	closing: 'CLOSING'
};
