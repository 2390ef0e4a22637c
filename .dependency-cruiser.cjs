/**
 * Import rules for the simulation core, checked by `npm run check` (`npm run check:deps`).
 *
 * The engine's modules form layers, bottom to top (docs/engine-api.md, "Modules"):
 *   wire, trace, errors, clock, prng, os, ports, iface    packets and plain building blocks
 *   core, node                                            interfaces between the layers
 *   router, routing, nat, firewall                        the network
 *   tcb, tcp-*, udp, icmp                                 the protocols (they see a host through
 *                                                         TcpHost / HostContext, never host.ts)
 *   host, simulation, index                               assembly and the public API
 * Type-only imports count: a cycle made of `import type` lines is still a cycle here.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: 'no-cycles-in-sim',
			severity: 'error',
			comment: 'No import cycles in the engine (src/lib/sim outside scenario/), type-only imports included (issue 11 item 6).',
			from: { path: '^src/lib/sim/', pathNot: '^src/lib/sim/scenario/' },
			to: { circular: true }
		},
		{
			name: 'no-runtime-cycles-in-scenario',
			severity: 'error',
			comment:
				'No import cycle in the scenario language (src/lib/sim/scenario) that runs at load time; a cycle closed only by `import type` lines (statements/expect.ts <-> expect-check.ts) is allowed there for now.',
			from: { path: '^src/lib/sim/scenario/' },
			to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } }
		},
		{
			name: 'protocols-do-not-import-hosts',
			severity: 'error',
			comment:
				'Protocols, the network and the interfaces below them reach a host, the topology or the simulation only through the interfaces of core.ts, node.ts and tcb.ts (TcpHost), never by importing the classes at the top.',
			from: { path: '^src/lib/sim/(wire|trace|errors|clock|prng|os|ports|iface|core|node|router|routing|nat|firewall|tcb|tcp-[a-z-]+|udp|icmp)\\.ts$' },
			to: { path: '^src/lib/sim/(host|simulation|index)\\.ts$' }
		},
		{
			name: 'wire-is-the-bottom',
			severity: 'error',
			comment: 'wire.ts (packets, flags, sequence arithmetic) knows nothing of sockets, hosts or routing.',
			from: { path: '^src/lib/sim/wire\\.ts$' },
			to: { path: '^src/lib/sim/', pathNot: '^src/lib/sim/(errors|trace)\\.ts$' }
		},
		{
			name: 'sim-is-pure',
			severity: 'error',
			comment: 'The simulation core is pure TypeScript for Node and the browser: no Svelte, D3, views or app code (STYLE.md).',
			from: { path: '^src/lib/sim/' },
			to: { path: '(^src/lib/(viz|quiz|present|ui|content|progress)/|^src/routes/|node_modules/(svelte|d3|@sveltejs)/)' }
		}
	],
	options: {
		// Follow `import type` too, so type-only cycles are found.
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		doNotFollow: { path: 'node_modules' },
		exclude: { path: '__golden__' }
	}
};
