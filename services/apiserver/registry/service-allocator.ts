// Cluster IPs from the service CIDR and node ports from their range, reserved by keys written in
// the same transaction as the Service (create-if-absent), so two apiservers can never hand out the
// same address and a deleted Service frees its reservations atomically. Each reserved cluster IP is
// also a networking.k8s.io/v1 IPAddress object naming its Service, as kube-apiserver 1.36's
// allocator keeps them (`kubectl get ipaddress`), written and removed in the same transaction.
import { randomInt } from 'node:crypto';
import { fieldErrors, type FieldError } from '../../../lib/api/field-errors.js';
import type { KubeObject, StoredObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import { canonicalForm } from '../../../lib/api/canonical-form.js';
import { findResource, storageKey } from '../../../lib/api/resources.js';
import { errors } from '../../../lib/api/status.js';
import type { Store } from '../../../lib/native/store.js';
import { formatTime, newUid } from './object-meta.js';
import type { WriteExtras, WriteHooks } from './write-hooks.js';

const IP_PREFIX = '/registry/core/_allocations/clusterips/';
const PORT_PREFIX = '/registry/core/_allocations/nodeports/';
const IP_ADDRESSES = findResource('networking.k8s.io', 'v1', 'ipaddresses')!;

/** The IPAddress object kube-apiserver's allocator writes for a Service's cluster IP. */
function ipAddressObject(ip: string, owner: { namespace: string | undefined; name: string | undefined }, now: Date): KubeObject {
  return canonicalForm({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IPAddress',
    metadata: {
      name: ip,
      uid: newUid(),
      creationTimestamp: formatTime(now),
      labels: { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' },
    },
    spec: { parentRef: { group: '', resource: 'services', namespace: owner.namespace ?? '', name: owner.name ?? '' } },
  });
}

export interface Ipv4Range {
  cidr: string;
  base: number;
  size: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function parseCidr(cidr: string): Ipv4Range {
  const [address, bits] = cidr.split('/');
  const base = parseIpv4(address ?? '');
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) {
    throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}: expected an IPv4 CIDR with a prefix between /8 and /30`);
  }
  const size = 2 ** (32 - prefix);
  return { cidr, base: base - (base % size), size };
}

export function parsePortRange(text: string): { min: number; max: number } {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1 || max > 65535 || min > max) throw new Error(`invalid node port range ${JSON.stringify(text)}: expected MIN-MAX, e.g. 30000-32767`);
  return { min, max };
}

interface ServiceView {
  type: string;
  clusterIP: string | undefined;
  ports: { index: number; port: unknown; protocol: string; nodePort: number | undefined }[];
}

function view(obj: KubeObject | null): ServiceView | null {
  if (!obj) return null;
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  return {
    type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
    clusterIP: typeof spec.clusterIP === 'string' && spec.clusterIP !== '' ? spec.clusterIP : undefined,
    ports: ports.flatMap((p, index) =>
      isPlainObject(p)
        ? [{ index, port: p.port, protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP', nodePort: typeof p.nodePort === 'number' && p.nodePort !== 0 ? p.nodePort : undefined }]
        : [],
    ),
  };
}

function needsClusterIP(service: ServiceView): boolean {
  return service.type !== 'ExternalName' && service.clusterIP !== 'None';
}

function needsNodePorts(service: ServiceView): boolean {
  return service.type === 'NodePort' || service.type === 'LoadBalancer';
}

export class ServiceAllocator implements WriteHooks {
  private readonly range: Ipv4Range;
  private readonly ports: { min: number; max: number };

  constructor(
    private readonly store: Store,
    /** The range cluster IPs come from, as configured (--service-cluster-ip-range). */
    readonly serviceCidr: string,
    nodePortRange: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.range = parseCidr(serviceCidr);
    this.ports = parsePortRange(nodePortRange);
  }

  /** The first usable address: Kubernetes gives it to the "kubernetes" Service. */
  firstAddress(): string {
    return formatIpv4(this.range.base + 1);
  }

  private ipKey(ip: string): string {
    return `${IP_PREFIX}${ip}`;
  }

  private portKey(port: number): string {
    return `${PORT_PREFIX}${port}`;
  }

  private isFree(key: string): boolean {
    return this.store.get(key) === null;
  }

  /** An address is free when neither a reservation nor an IPAddress object holds it. */
  private ipFree(ip: string): boolean {
    return this.isFree(this.ipKey(ip)) && this.isFree(storageKey(IP_ADDRESSES, undefined, ip));
  }

  private pickIp(): string | undefined {
    for (let tries = 0; tries < 64; tries++) {
      const ip = formatIpv4(this.range.base + 1 + randomInt(this.range.size - 2));
      if (this.ipFree(ip)) return ip;
    }
    for (let offset = 1; offset < this.range.size - 1; offset++) {
      const ip = formatIpv4(this.range.base + offset);
      if (this.ipFree(ip)) return ip;
    }
    return undefined;
  }

  private pickPort(taken: Set<number>): number | undefined {
    const span = this.ports.max - this.ports.min + 1;
    for (let tries = 0; tries < 64; tries++) {
      const port = this.ports.min + randomInt(span);
      if (!taken.has(port) && this.isFree(this.portKey(port))) return port;
    }
    for (let port = this.ports.min; port <= this.ports.max; port++) {
      if (!taken.has(port) && this.isFree(this.portKey(port))) return port;
    }
    return undefined;
  }

  async beforeWrite(namespace: string | undefined, old: StoredObject | null, next: KubeObject | null): Promise<WriteExtras> {
    const extras: WriteExtras = { compare: [], ops: [] };
    const before = view(old);
    const owner = { namespace, name: (next ?? old)?.metadata?.name };
    const problems: FieldError[] = [];
    const keepIp = before && needsClusterIP(before) ? before.clusterIP : undefined;
    const keepPorts = new Set(before && needsNodePorts(before) ? before.ports.flatMap((p) => (p.nodePort === undefined ? [] : [p.nodePort])) : []);

    let nextIp: string | undefined;
    const nextPorts = new Set<number>();
    if (next && isPlainObject(next.spec)) {
      const spec = next.spec;
      const service = view(next) as ServiceView;
      if (needsClusterIP(service)) {
        if (service.clusterIP === undefined) {
          const ip = this.pickIp();
          if (!ip) throw errors.internal(`failed to allocate a serviceIP: range is full (${this.range.cidr})`);
          nextIp = ip;
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        } else {
          nextIp = service.clusterIP;
          const value = parseIpv4(nextIp);
          if (value === undefined || value <= this.range.base || value >= this.range.base + this.range.size - 1) {
            problems.push(
              fieldErrors.invalid('spec.clusterIPs', [nextIp], `failed to allocate IP ${nextIp}: the provided IP (${nextIp}) is not in the valid range. The range of valid IPs is ${this.range.cidr}`),
            );
          } else if (nextIp !== keepIp && !this.ipFree(nextIp)) {
            problems.push(fieldErrors.invalid('spec.clusterIPs', [nextIp], `failed to allocate IP ${nextIp}: provided IP is already allocated`));
          }
          if (spec.clusterIPs === undefined) spec.clusterIPs = [nextIp];
        }
      }
      if (needsNodePorts(service)) {
        const ports = Array.isArray(spec.ports) ? spec.ports : [];
        for (const p of service.ports) {
          if (p.nodePort === undefined) continue;
          const field = `spec.ports[${p.index}].nodePort`;
          if (p.nodePort < this.ports.min || p.nodePort > this.ports.max) {
            problems.push(fieldErrors.invalid(field, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${this.ports.min}-${this.ports.max}`));
          } else if (nextPorts.has(p.nodePort)) {
            problems.push(fieldErrors.duplicate(field, String(p.nodePort)));
          } else if (!keepPorts.has(p.nodePort) && !this.isFree(this.portKey(p.nodePort))) {
            problems.push(fieldErrors.invalid(field, p.nodePort, 'provided port is already allocated'));
          }
          nextPorts.add(p.nodePort);
        }
        for (const p of service.ports) {
          if (p.nodePort !== undefined) continue;
          const port = this.pickPort(nextPorts);
          if (port === undefined) throw errors.internal(`failed to allocate a nodePort: range is full (${this.ports.min}-${this.ports.max})`);
          nextPorts.add(port);
          (ports[p.index] as Record<string, unknown>).nodePort = port;
        }
      }
    }
    if (problems.length > 0) throw errors.invalid('Service', '', owner.name ?? '', problems);

    if (nextIp !== undefined && nextIp !== keepIp) {
      const addressKey = storageKey(IP_ADDRESSES, undefined, nextIp);
      extras.compare.push({ key: this.ipKey(nextIp), target: 'create', op: '=', value: 0 }, { key: addressKey, target: 'create', op: '=', value: 0 });
      extras.ops.push({ type: 'put', key: this.ipKey(nextIp), value: owner }, { type: 'put', key: addressKey, value: ipAddressObject(nextIp, owner, this.clock()) });
    }
    if (keepIp !== undefined && keepIp !== nextIp) {
      extras.ops.push({ type: 'delete', key: this.ipKey(keepIp) }, { type: 'delete', key: storageKey(IP_ADDRESSES, undefined, keepIp) });
    }
    for (const port of nextPorts) {
      if (keepPorts.has(port)) continue;
      extras.compare.push({ key: this.portKey(port), target: 'create', op: '=', value: 0 });
      extras.ops.push({ type: 'put', key: this.portKey(port), value: owner });
    }
    for (const port of keepPorts) if (!nextPorts.has(port)) extras.ops.push({ type: 'delete', key: this.portKey(port) });
    return extras;
  }
}
