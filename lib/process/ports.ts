// Free loopback ports for the components `rudder up`, tests and benchmarks start. They are picked
// below the kernel's ephemeral range: a port from that range, free when checked, can be taken a
// moment later as the local end of any outgoing connection (and tests make many), so servers
// would collide with clients.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 10_000;

/** The first port of the ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range). */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > LOWEST + 1000) return low;
  } catch {
    // not Linux: fall through
  }
  return 32_768;
}

const HIGHEST = ephemeralStart() - 1;

/**
 * Ports this process has handed out. A port is only checked, not held, until its server binds
 * it, so without this two components started together (a replica's HTTPS port and another's
 * Raft port) could be given the same one.
 */
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free loopback ports, none of them in `avoid`. */
export async function freePortRange(count: number, avoid: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const first = randomInt(LOWEST, HIGHEST - count + 1);
    let ok = true;
    for (let port = first; port < first + count && ok; port++) ok = !avoid.includes(port) && !handedOut.has(port) && (await bindable(port));
    if (!ok) continue;
    for (let port = first; port < first + count; port++) handedOut.add(port);
    return first;
  }
  throw new Error(`no ${count} consecutive free ports found between ${LOWEST} and ${HIGHEST}`);
}

export function freePort(): Promise<number> {
  return freePortRange(1);
}
