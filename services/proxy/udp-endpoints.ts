// The UDP endpoints behind each UDP service address, so a sync can flush the conntrack entries of
// endpoints that went away (a UDP flow would otherwise keep going to a removed endpoint).
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';

/** "clusterIP" → endpoint IPs serving a UDP port of it. */
export type UdpEndpoints = Map<string, Set<string>>;

const familyOf = (ip: string): 'IPv4' | 'IPv6' => (ip.includes(':') ? 'IPv6' : 'IPv4');

/** The UDP endpoints of one IP family: the service's cluster IP and the slices of that family. */
export function udpEndpoints(services: Iterable<Service>, slicesByService: Map<string, EndpointSlice[]>, family: 'IPv4' | 'IPv6' = 'IPv4'): UdpEndpoints {
  const out: UdpEndpoints = new Map();
  for (const service of services) {
    const ip = [...(service.spec?.clusterIPs ?? []), service.spec?.clusterIP ?? ''].find((candidate) => candidate !== '' && candidate !== 'None' && familyOf(candidate) === family);
    if (!ip || !(service.spec?.ports ?? []).some((p) => p.protocol === 'UDP')) continue;
    const key = `${service.metadata?.namespace}/${service.metadata?.name}`;
    const ips = new Set<string>();
    for (const slice of slicesByService.get(key) ?? []) {
      if (slice.addressType !== family || !(slice.ports ?? []).some((p) => p.protocol === 'UDP')) continue;
      for (const ep of slice.endpoints ?? []) if (ep.addresses?.[0] && ep.conditions?.serving !== false) ips.add(ep.addresses[0]);
    }
    out.set(ip, ips);
  }
  return out;
}

/** (service IP, endpoint IP) pairs present before and gone now. */
export function removedUdpEndpoints(before: UdpEndpoints, after: UdpEndpoints): [string, string][] {
  const removed: [string, string][] = [];
  for (const [ip, endpoints] of before) {
    const now = after.get(ip);
    for (const endpoint of endpoints) if (!now?.has(endpoint)) removed.push([ip, endpoint]);
  }
  return removed;
}
