// The host's own IPv4 address, for a server that listens on every address but must name one.
import { networkInterfaces } from 'node:os';

/** The first non-internal IPv4 address (of `name` when given), or 127.0.0.1. */
export function hostIPv4(name?: string): string {
  for (const [interfaceName, addresses] of Object.entries(networkInterfaces())) {
    if (name !== undefined && interfaceName !== name) continue;
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
