// What the cluster publishes in DNS, kept from the Service and EndpointSlice informers: each
// Service's ClusterIPs, ports and type, and the ready endpoints of its slices. Readers ask by
// Service key; the reverse index (address → names) is rebuilt on the first PTR question after a
// change. `generation` grows with every change, so cached answers can tell they are stale.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { canonicalIPv6 } from './reverse-names.js';

export interface NamedPort {
  name: string;
  /** tcp, udp or sctp, lower case as in SRV names. */
  protocol: string;
  port: number;
}

export interface ServiceRecord {
  name: string;
  namespace: string;
  /** Empty for a headless Service (clusterIP None) and an ExternalName Service. */
  clusterIPs: string[];
  headless: boolean;
  externalName?: string;
  ports: NamedPort[];
}

export interface EndpointRecord {
  address: string;
  /** The endpoint's hostname (a StatefulSet pod's), or its address with dashes. */
  hostname: string;
}

interface SliceRecord {
  serviceKey: string;
  endpoints: EndpointRecord[];
  ports: NamedPort[];
}

/** The label a slice names its Service by (kubernetes.io/service-name). */
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** 10.244.1.5 → 10-244-1-5; fd00::1 → fd00--1: the label CoreDNS gives an address. */
export function dashedAddress(address: string): string {
  return address.replace(/[.:]/g, '-');
}

function portsOf(ports: readonly { name?: string; protocol?: string; port?: number }[] | undefined): NamedPort[] {
  return (ports ?? []).filter((p) => p.port !== undefined).map((p) => ({ name: p.name ?? '', protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port! }));
}

export class ClusterRecords {
  private readonly services = new Map<string, ServiceRecord>();
  private readonly slices = new Map<string, SliceRecord>();
  /** Service key → keys of its slices. */
  private readonly slicesOf = new Map<string, Set<string>>();
  private readonly namespaces = new Map<string, number>();
  private reverse: Map<string, string[]> | undefined;
  generation = 0;

  private changed(): void {
    this.generation += 1;
    this.reverse = undefined;
  }

  setService(key: string, service: Service | undefined): void {
    const before = this.services.get(key);
    if (before) this.countNamespace(before.namespace, -1);
    if (!service) {
      this.services.delete(key);
      this.changed();
      return;
    }
    const spec = service.spec ?? {};
    const headless = spec.clusterIP === 'None';
    const record: ServiceRecord = {
      name: service.metadata?.name ?? '',
      namespace: service.metadata?.namespace ?? 'default',
      clusterIPs: headless || spec.type === 'ExternalName' ? [] : (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip && ip !== 'None'),
      headless,
      ports: portsOf(spec.ports),
      ...(spec.type === 'ExternalName' && spec.externalName ? { externalName: spec.externalName.replace(/\.$/, '') } : {}),
    };
    this.services.set(key, record);
    this.countNamespace(record.namespace, 1);
    this.changed();
  }

  setSlice(key: string, slice: EndpointSlice | undefined): void {
    const before = this.slices.get(key);
    if (before) this.slicesOf.get(before.serviceKey)?.delete(key);
    const serviceName = slice?.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!slice || !serviceName) {
      this.slices.delete(key);
      this.changed();
      return;
    }
    const serviceKey = `${slice.metadata?.namespace ?? 'default'}/${serviceName}`;
    const endpoints: EndpointRecord[] = [];
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses ?? []) endpoints.push({ address, hostname: endpoint.hostname || dashedAddress(address) });
    }
    this.slices.set(key, { serviceKey, endpoints, ports: portsOf(slice.ports as { name?: string; protocol?: string; port?: number }[] | undefined) });
    let keys = this.slicesOf.get(serviceKey);
    if (!keys) this.slicesOf.set(serviceKey, (keys = new Set()));
    keys.add(key);
    this.changed();
  }

  private countNamespace(namespace: string, delta: number): void {
    const count = (this.namespaces.get(namespace) ?? 0) + delta;
    if (count > 0) this.namespaces.set(namespace, count);
    else this.namespaces.delete(namespace);
  }

  service(namespace: string, name: string): ServiceRecord | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /** Whether any Service lives in the namespace (its name under svc. is then an empty non-terminal). */
  hasNamespace(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  /** The Service's ready endpoints (each address once) and its slices' ports. */
  endpoints(service: ServiceRecord): { endpoints: EndpointRecord[]; ports: NamedPort[] } {
    const seen = new Map<string, EndpointRecord>();
    const ports = new Map<string, NamedPort>();
    for (const key of this.slicesOf.get(`${service.namespace}/${service.name}`) ?? []) {
      const slice = this.slices.get(key)!;
      for (const endpoint of slice.endpoints) if (!seen.has(endpoint.address)) seen.set(endpoint.address, endpoint);
      for (const port of slice.ports) ports.set(`${port.name}/${port.protocol}/${port.port}`, port);
    }
    return { endpoints: [...seen.values()], ports: [...ports.values()] };
  }

  /** Names (relative to the cluster domain) whose address is `address`: a ClusterIP's Service, a headless endpoint's name. */
  namesOf(address: string): string[] {
    if (!this.reverse) {
      const reverse = new Map<string, string[]>();
      const add = (address: string, name: string) => {
        const ip = address.includes(':') ? (canonicalIPv6(address) ?? address) : address;
        const names = reverse.get(ip);
        if (names) names.push(name);
        else reverse.set(ip, [name]);
      };
      for (const service of this.services.values()) {
        const name = `${service.name}.${service.namespace}.svc`;
        for (const ip of service.clusterIPs) add(ip, name);
        if (service.headless) for (const endpoint of this.endpoints(service).endpoints) add(endpoint.address, `${endpoint.hostname}.${name}`);
      }
      this.reverse = reverse;
    }
    return this.reverse.get(address) ?? [];
  }
}
