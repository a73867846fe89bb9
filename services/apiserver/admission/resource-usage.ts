// What one object counts against a ResourceQuota, as Kubernetes' quota evaluators count it
// (pkg/quota/v1/evaluator/core): every object is one "count/<resource>[.<group>]"; pods, services,
// secrets, configmaps, replication controllers, quotas and claims also count under their legacy
// names; a pod counts its requests and limits (containers summed, init containers as the largest,
// plus overhead); a claim its requested storage, also per storage class; a service its node ports
// and load balancer. An object being deleted, and a pod that has finished, count nothing.
import { isPlainObject, type KubeObject } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import { type Quantity, addQuantities, compareQuantities, parseQuantity, tryParseQuantity } from '../../../lib/api/validation/quantity.js';

export type Usage = Map<string, Quantity>;

const LEGACY_COUNTED = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims']);
/** Pod resources whose requests count as "requests.<name>" and under the bare name. */
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

type Rec = Record<string, unknown>;

/** The object at a field of a request body, or an empty one when something else is there. */
export function rec(value: unknown): Rec {
  return isPlainObject(value) ? value : {};
}

/** The objects of a list field, skipping what is not an object. */
export function list(value: unknown): Rec[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

function one(): Quantity {
  return parseQuantity(1);
}

export function countName(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return info.group === '' ? `count/${info.resource}` : `count/${info.resource}.${info.group}`;
}

/** A ResourceList's parsable quantities. */
export function resourceList(value: unknown): Usage {
  const out: Usage = new Map();
  for (const [name, raw] of Object.entries(rec(value))) {
    const q = tryParseQuantity(raw);
    if (typeof q !== 'string') out.set(name, q);
  }
  return out;
}

function addInto(target: Usage, name: string, q: Quantity): void {
  const current = target.get(name);
  target.set(name, current ? addQuantities(current, q) : q);
}

function maxInto(target: Usage, source: Usage): void {
  for (const [name, q] of source) {
    const current = target.get(name);
    if (!current || compareQuantities(q, current) > 0) target.set(name, q);
  }
}

/** resourcehelper.PodRequests / PodLimits: containers and sidecars summed, other init containers as the largest. */
function podResources(spec: Rec, which: 'requests' | 'limits'): Usage {
  const total: Usage = new Map();
  for (const c of list(spec.containers)) for (const [name, q] of resourceList(rec(c.resources)[which])) addInto(total, name, q);
  const sidecars: Usage = new Map();
  const initMax: Usage = new Map();
  for (const c of list(spec.initContainers)) {
    const own = resourceList(rec(c.resources)[which]);
    if (c.restartPolicy === 'Always') {
      for (const [name, q] of own) addInto(sidecars, name, q);
      continue;
    }
    // A regular init container runs beside the sidecars started before it.
    const withSidecars: Usage = new Map(sidecars);
    for (const [name, q] of own) addInto(withSidecars, name, q);
    maxInto(initMax, withSidecars);
  }
  for (const [name, q] of sidecars) addInto(total, name, q);
  maxInto(total, initMax);
  for (const [name, q] of resourceList(spec.overhead)) addInto(total, name, q);
  return total;
}

/** A pod that no longer holds resources: finished, as the quota evaluator's QuotaV1Pod says. */
function podFinished(pod: KubeObject): boolean {
  const phase = rec(pod.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function podUsage(pod: KubeObject, usage: Usage): void {
  if (podFinished(pod)) {
    usage.clear();
    return;
  }
  const spec = rec(pod.spec);
  const requests = podResources(spec, 'requests');
  const limits = podResources(spec, 'limits');
  for (const name of COMPUTE) {
    const request = requests.get(name);
    if (request) {
      usage.set(`requests.${name}`, request);
      usage.set(name, request);
    }
    const limit = limits.get(name);
    if (limit) usage.set(`limits.${name}`, limit);
  }
  for (const [name, q] of requests) {
    if (COMPUTE.includes(name)) continue;
    if (name.startsWith('hugepages-')) usage.set(`requests.${name}`, q);
    else if (name.includes('/')) usage.set(`requests.${name}`, q);
  }
}

function claimUsage(claim: KubeObject, usage: Usage): void {
  const spec = rec(claim.spec);
  const storage = tryParseQuantity(rec(rec(spec.resources).requests).storage);
  const className = typeof spec.storageClassName === 'string' && spec.storageClassName !== '' ? spec.storageClassName : undefined;
  if (className) usage.set(`${className}.storageclass.storage.k8s.io/persistentvolumeclaims`, one());
  if (typeof storage === 'string') return;
  usage.set('requests.storage', storage);
  if (className) usage.set(`${className}.storageclass.storage.k8s.io/requests.storage`, storage);
}

function serviceUsage(service: KubeObject, usage: Usage): void {
  const spec = rec(service.spec);
  const type = spec.type;
  if (type === 'NodePort' || type === 'LoadBalancer') {
    const ports = list(spec.ports).length;
    if (ports > 0) usage.set('services.nodeports', parseQuantity(ports));
  }
  if (type === 'LoadBalancer') usage.set('services.loadbalancers', one());
}

/** The usage of one object of `info`'s resource. */
export function usageOf(info: ResourceInfo, obj: KubeObject | null | undefined): Usage {
  const usage: Usage = new Map();
  if (!obj || obj.metadata?.deletionTimestamp) return usage;
  usage.set(countName(info), one());
  if (info.group === '' && LEGACY_COUNTED.has(info.resource)) usage.set(info.resource, one());
  if (info.group === '' && info.resource === 'pods') {
    podUsage(obj, usage);
    if (usage.size === 0) return usage;
  }
  if (info.group === '' && info.resource === 'persistentvolumeclaims') claimUsage(obj, usage);
  if (info.group === '' && info.resource === 'services') serviceUsage(obj, usage);
  return usage;
}

/** next − previous, keeping only resources whose usage changed. */
export function usageDelta(next: Usage, previous: Usage): Usage {
  const delta: Usage = new Map();
  for (const name of new Set([...next.keys(), ...previous.keys()])) {
    const n = next.get(name) ?? parseQuantity(0);
    const p = previous.get(name);
    const d = p ? addQuantities(n, { ...p, unscaled: -p.unscaled }) : n;
    if (d.unscaled !== 0n) delta.set(name, d);
  }
  return delta;
}

/** Whether a pod asks for no cpu or memory at all (the BestEffort scope). */
export function isBestEffort(pod: KubeObject): boolean {
  const spec = rec(pod.spec);
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) {
    const resources = rec(c.resources);
    for (const which of ['requests', 'limits']) {
      const names = Object.keys(rec(resources[which]));
      if (names.includes('cpu') || names.includes('memory')) return false;
    }
  }
  return true;
}
