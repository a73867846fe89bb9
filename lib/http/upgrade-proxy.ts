// Proxies an upgraded connection byte for byte, as Kubernetes' UpgradeAwareHandler does: the
// client's request head goes to the backend with the path and headers given, and from then on the
// two connections are piped both ways untouched (the backend's 101 and every SPDY or WebSocket
// frame after it). Either side closing or failing ends both.
import type { Duplex } from 'node:stream';

export interface UpgradeTarget {
  method: string;
  /** Path and query on the backend. */
  path: string;
  host: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Request headers that describe the client's connection to us, not the one to the backend. */
const HOP_HEADERS = new Set(['host', 'authorization', 'content-length', 'transfer-encoding', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer']);

function requestHead(target: UpgradeTarget): string {
  if (/[\s\0]/.test(target.path)) throw new Error(`not a request target: ${JSON.stringify(target.path)}`);
  const lines = [`${target.method} ${target.path} HTTP/1.1`, `Host: ${target.host}`];
  for (const [name, value] of Object.entries(target.headers)) {
    if (value === undefined || HOP_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('impersonate-')) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v.replace(/[\r\n]/g, '')}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Sends the head (and the client's early bytes) to `backend`, then pipes the two until either closes. */
export function proxyUpgrade(client: Duplex, head: Buffer, backend: Duplex, target: UpgradeTarget): void {
  let requestLines: string;
  try {
    requestLines = requestHead(target);
  } catch (error) {
    client.destroy();
    backend.destroy();
    throw error;
  }
  const end = (): void => {
    client.destroy();
    backend.destroy();
  };
  backend.on('error', end);
  client.on('error', end);
  backend.on('close', () => client.end());
  client.on('close', () => backend.destroy());
  backend.write(requestLines);
  if (head.length > 0) backend.write(head);
  client.pipe(backend);
  backend.pipe(client);
}
