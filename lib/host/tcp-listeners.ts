// Whether something on this host already listens on a TCP port where a new listener on `address`
// would collide: on that address or on a wildcard one. Read from /proc/net/tcp and tcp6 (this
// network namespace), so it also answers for an address no interface has yet (the nodes' bridge
// address before the bridge is made), which a trial bind cannot.
import { endianness } from 'node:os';
import { readFileSync } from 'node:fs';

const LISTEN = '0A';
const WILDCARDS = new Set(['0.0.0.0', '::']);

function rows(path: string): string[][] {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/));
  } catch {
    return [];
  }
}

/** An address as /proc/net/tcp* prints it: 32-bit words in host byte order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = Buffer.concat(words.map((word) => {
    const b = Buffer.from(word, 'hex');
    return endianness() === 'LE' ? b.reverse() : b;
  }));
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.subarray(0, 12).equals(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]))) return [...bytes.subarray(12)].join('.');
  return bytes.every((b) => b === 0) ? '::' : bytes.toString('hex');
}

/** The addresses with a listener on `port` (undefined where /proc/net/tcp is not there). */
export function tcpListenerAddresses(port: number): string[] | undefined {
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].map(rows);
  if (tables.every((table) => table.length === 0)) return undefined;
  const out: string[] = [];
  for (const row of tables.flat()) {
    const [local, , state] = [row[1], row[2], row[3]];
    if (state !== LISTEN || !local) continue;
    const [hex, portHex] = local.split(':');
    if (hex && portHex && parseInt(portHex, 16) === port) out.push(decodeAddress(hex));
  }
  return out;
}

/** Whether a listener on `address`:`port` would collide with one that exists; undefined when this cannot be told here. */
export function tcpPortTaken(address: string, port: number): boolean | undefined {
  const listeners = tcpListenerAddresses(port);
  if (listeners === undefined) return undefined;
  return listeners.some((listener) => WILDCARDS.has(address) || WILDCARDS.has(listener) || listener === address);
}
