// Where names outside the cluster go: the addresses given (--upstream host[:port]), else the
// nameservers of the host's resolv.conf (CoreDNS's `forward . /etc/resolv.conf`), never this
// server's own address (that would be a loop).
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { parseResolvConf } from '../../lib/host/resolv-conf.js';

export interface Upstream {
  host: string;
  port: number;
}

/** host, host:port, [v6] or [v6]:port; port 53 when none is given. */
export function parseUpstream(text: string): Upstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2] ?? 53) };
  if (isIPv6(text)) return { host: text, port: 53 };
  const [host, port] = text.split(':');
  const upstream = { host: host ?? '', port: Number(port ?? 53) };
  if (!upstream.host || !Number.isInteger(upstream.port) || upstream.port < 1 || upstream.port > 65535) throw new Error(`--upstream: expected host[:port], not "${text}"`);
  return upstream;
}

export function chooseUpstreams(given: readonly string[], resolvConf: string, self: Upstream): Upstream[] {
  const upstreams = given.length > 0 ? given.map(parseUpstream) : parseResolvConf(readFileSync(resolvConf, 'utf8')).nameservers.map((host) => ({ host, port: 53 }));
  return upstreams.filter((u) => !(u.host === self.host && u.port === self.port));
}
