// The Service pods' resolv.conf names: kube-system/kube-dns at the cluster DNS address (the 10th
// of the service range, as kubeadm gives CoreDNS), with no selector and one EndpointSlice of our
// own pointing at where the DNS server listens, so each node's proxy takes the ClusterIP there.
// `rudder up` writes them with the admin identity at every start (kubeadm's addon phase), since the
// address or port may have changed; the DNS server writes them itself only when asked to
// (--register-service, for clusters started without `rudder up`, such as docker-compose.yml).
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { findResource } from '../api/resources.js';
import { StatusError } from '../api/status.js';
import { nthAddress, parsePrefix } from '../local-nodes/ipv4.js';
import type { RestClient } from '../client/rest-client.js';
import type { Logger } from '../observe/logger.js';

export const KUBE_DNS = { namespace: 'kube-system', name: 'kube-dns' } as const;
const SLICE_NAME = 'kube-dns-rudder';
const MANAGED_BY = 'rudder-dns';

/** The cluster DNS address: the 10th address of the (first IPv4) service range, 10.96.0.10 for 10.96.0.0/12. */
export function clusterDnsAddress(serviceClusterIpRange: string): string {
  const v4 = serviceClusterIpRange.split(',').map((c) => c.trim()).find((c) => !c.includes(':'));
  if (!v4) throw new Error(`the service range ${serviceClusterIpRange} has no IPv4 CIDR`);
  return nthAddress(parsePrefix(v4), 10);
}

export function kubeDnsService(clusterIP: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...KUBE_DNS, labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      clusterIP,
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
      ],
    },
  };
}

export function kubeDnsSlice(address: string, port: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: KUBE_DNS.namespace, name: SLICE_NAME, labels: { 'kubernetes.io/service-name': KUBE_DNS.name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY, 'k8s-app': 'kube-dns' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true, serving: true, terminating: false } }],
    ports: [
      { name: 'dns', protocol: 'UDP', port },
      { name: 'dns-tcp', protocol: 'TCP', port },
    ],
  };
}

/** Creates the object, or replaces what the existing one says with `wanted` (keeping its metadata). */
async function apply<T extends { metadata?: { namespace?: string; name?: string; resourceVersion?: string } }>(client: RestClient, group: string, resource: string, wanted: T, same: (existing: T) => boolean): Promise<void> {
  const info = findResource(group, 'v1', resource)!;
  const ref = { namespace: wanted.metadata!.namespace!, name: wanted.metadata!.name! };
  let existing: T;
  try {
    existing = await client.get<T>(info, ref);
  } catch (error) {
    if (!(error instanceof StatusError && error.code === 404)) throw error;
    await client.create(info, wanted, { namespace: ref.namespace });
    return;
  }
  if (same(existing)) return;
  await client.update(info, { ...existing, ...wanted, metadata: { ...existing.metadata, ...wanted.metadata, resourceVersion: existing.metadata?.resourceVersion } });
}

/** Whether pods could never reach the address (an EndpointSlice refuses loopback addresses too). */
export function unreachableFromPods(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '0.0.0.0' || address === '::';
}

/** Makes kube-dns and its slice say: ClusterIP `clusterIP`, served at address:port (no slice for an address pods cannot reach). */
export async function ensureKubeDnsService(client: RestClient, clusterIP: string, address: string, port: number): Promise<void> {
  const service = kubeDnsService(clusterIP);
  await apply<Service>(client, '', 'services', service, (existing) => existing.spec?.clusterIP === clusterIP && JSON.stringify(existing.spec?.ports?.map((p) => [p.name, p.protocol, p.port])) === JSON.stringify(service.spec!.ports!.map((p) => [p.name, p.protocol, p.port])));
  if (unreachableFromPods(address)) return;
  const slice = kubeDnsSlice(address, port);
  await apply<EndpointSlice>(client, 'discovery.k8s.io', 'endpointslices', slice, (existing) => JSON.stringify(existing.endpoints?.map((e) => e.addresses)) === JSON.stringify(slice.endpoints.map((e) => e.addresses)) && existing.ports?.[0]?.port === port);
}

/** Points kube-system/kube-dns at address:port, trying again while the apiserver cannot take it yet (starting, unreachable); a refusal is logged. */
export async function registerKubeDns(client: RestClient, target: { clusterIP: string; address: string; port: number; log: Logger }): Promise<void> {
  const { clusterIP, address, port, log } = target;
  if (unreachableFromPods(address)) log.warn({ address }, 'kube-dns gets no endpoint: pods cannot reach this address (give --advertise-address)');
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureKubeDnsService(client, clusterIP, address, port);
      log.info({ clusterIP, address, port }, 'kube-system/kube-dns points here');
      return;
    } catch (error) {
      const code = error instanceof StatusError ? error.code : 0;
      if (code >= 400 && code < 500 && code !== 404 && code !== 409 && code !== 429) {
        log.error({ err: error }, 'kube-system/kube-dns was refused');
        return;
      }
      log.warn({ err: error, attempt }, 'kube-system/kube-dns not made yet; trying again');
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 2000)));
    }
  }
}
