/**
 * The contract of a statement family: what each module in `statements/` exports so that the
 * parser, the runner, the documentation's grammar summary, the playground's editor
 * (completion) and its builder all read the language from one table (grammar.ts).
 *
 * A statement is written in one of five places:
 *
 * | place | written as | example |
 * |---|---|---|
 * | `header` | `KEYWORD ...` before the first timed line | `host client 192.168.1.10` |
 * | `timed` | `TIME KEYWORD ...` | `+0ms drop next client->server` |
 * | `host` | `TIME HOST KEYWORD ...` | `10ms client connect server:80` |
 * | `socket` | `TIME SOCKET KEYWORD ...` | `+50ms c1 send 100` |
 * | `run` | `run ...`, the last line | `run until=70s` |
 *
 * Types only (no engine code): the editor imports the grammar without the simulator.
 *
 * @module
 */
import type { Simulation, TcpSocket, UdpSocket } from '../../index';
import type { Trace } from '../../trace';
import type { ParseContext, SocketKind, SocketRef } from '../context';
import type { LineErrors, Token } from '../lexer';
import type { ScenarioHeader, SeqRef } from '../types';

/** What every statement declares about itself, whatever its place. */
interface SpecBase {
	/** The word(s) that select it after its subject: `host`, `listen`, `udp bind`, `drop next`. */
	keyword: string;
	/** Its forms as the documentation shows them (`host NAME IP [os=PRESET] ...`). */
	syntax: readonly string[];
	/** One sentence: what it does (documentation and completion details). */
	doc: string;
	/** `key=` arguments it accepts (completion). */
	keys?: readonly string[];
	/** Bare flag words it accepts (completion). */
	flags?: readonly string[];
	/** Fixed words it accepts right after the keyword (completion), e.g. `state`, `error`. */
	words?: readonly string[];
}

/** A header statement: fills in the scenario's header through `ctx.header`. */
export interface HeaderSpec extends SpecBase {
	place: 'header';
	parse(ctx: ParseContext, rest: Token[], err: LineErrors, head: Token): void;
}

/** A timed statement that starts with its keyword (`drop`, `inject`, `expect`). */
export interface TimedSpec<A> extends SpecBase {
	place: 'timed';
	parse(ctx: ParseContext, rest: Token[], err: LineErrors, head: Token): A | null;
}

/** A timed statement whose subject is a host (`listen`, `connect`, `ping`...). */
export interface HostSpec<A> extends SpecBase {
	place: 'host';
	parse(ctx: ParseContext, host: string, rest: Token[], err: LineErrors, verb: Token): A | null;
}

/** A timed statement whose subject is a socket; `appliesTo` lists the socket kinds it fits. */
export interface SocketSpec<A> extends SpecBase {
	place: 'socket';
	appliesTo: readonly SocketKind[];
	parse(ctx: ParseContext, sock: SocketRef, rest: Token[], err: LineErrors, verb: Token): A | null;
}

/** The `run` statement. */
export interface RunSpec extends SpecBase {
	place: 'run';
	parse(ctx: ParseContext, rest: Token[], err: LineErrors, head: Token): void;
}

/** Any statement of a family whose timed statements produce actions of type `A`. */
export type StatementSpec<A> = HeaderSpec | TimedSpec<A> | HostSpec<A> | SocketSpec<A> | RunSpec;

/** The engine seen by a timed statement's runner, with typed socket handles. */
export interface Runtime {
	readonly sim: Simulation;
	/** The TCP socket `name`: one a line created with `as=`, or an accepted one (`web.1`). */
	tcp(name: string): TcpSocket;
	/** The UDP socket `name` (created with `as=`). */
	udp(name: string): UdpSocket;
	/** The socket `name`, TCP or UDP (for verbs both have, like `close`). */
	socket(name: string): TcpSocket | UdpSocket;
	/** Remember a socket a line created under its `as=` name (nothing happens for null). */
	keep(name: string | null, s: TcpSocket | UdpSocket): void;
	/** A sequence number: the number itself, or a {@link SeqRef} read from its socket now. */
	seq(v: number | SeqRef, key: string): number;
}

/** What an expectation is checked against, once the run is over. */
export interface CheckRuntime {
	readonly sim: Simulation;
	readonly trace: Trace;
	readonly header: ScenarioHeader;
	/** The `until` the run stopped at, or null when it ran until nothing was left to happen. */
	readonly stoppedAt: number | null;
	/** Time of the line that created a named socket (`as=`), if one did. */
	createdAt(name: string): number | undefined;
	/** The node owning an address (hosts, routers, NAT public addresses). */
	ownerOf(ip: string): string | undefined;
}

/**
 * How a timed action runs: `at` its time as a socket call or fault, or `after` the run, as a
 * check of the trace that returns a failure message (null when it holds).
 */
export type StepRunner<A> = { at(rt: Runtime, a: A): void } | { after(rt: CheckRuntime, a: A, t: number): string | null };

/** Runners for every action kind of a family. */
export type RunnerMap<A extends { kind: string }> = { [K in A['kind']]: StepRunner<Extract<A, { kind: K }>> };

/**
 * One statement family: its statements (parsers and documentation), the runners of the actions
 * its timed statements produce, and optional hooks before and after.
 */
export interface Family<A extends { kind: string }> {
	/** Short name (`topology`, `sockets`...), also the key of its state in {@link ParseContext.local}. */
	name: string;
	/** Words that are not statements but cannot be names either (e.g. `next`, `tcp`). */
	reserved?: readonly string[];
	statements: readonly StatementSpec<A>[];
	runners: RunnerMap<A>;
	/** After the last line: cross-line checks (e.g. rules need a firewall line). */
	finish?(ctx: ParseContext): void;
	/**
	 * Before the timed statements run: build what the header declares. `guard(line, fn)` runs
	 * `fn` and reports an engine error on that line.
	 */
	setup?(sim: Simulation, header: ScenarioHeader, guard: (line: number, fn: () => void) => boolean): void;
}
