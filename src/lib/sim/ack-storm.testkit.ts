/**
 * Test kit: issue 12's 9-line ACK-storm scenario, shared by the engine test (ack-loop.test.ts),
 * the CLI test (scripts/simulate.test.ts) and the share-link test (tests/hostile.spec.ts). One
 * forged in-window data segment from the client's port makes the server ACK data the client never
 * sent; without the per-OS throttle on ACKs to invalid segments the two ends ACK each other
 * forever. It has no `run until`, so only the engine can end it.
 * @param client - the client's OS preset (`os=`).
 * @param server - the server's OS preset.
 * @returns the scenario text.
 */
export const ackStorm = (client: string, server: string): string => `host client 192.168.1.10 os=${client}
host server 203.0.113.5 os=${server} root
link client server latency=10ms
0ms    server listen 80 as=web
10ms   client bind 40000 as=c1
+0ms   c1 connect 203.0.113.5:80
100ms  inject client->server 40000>80 P. seq=web.1.rcvnxt ack=web.1.sndnxt len=10
+0ms   expect c1 state ESTABLISHED
+1s    expect web.1 state ESTABLISHED
`;
