// LimitRanger admission (plugin/pkg/admission/limitranger): a new pod's containers get the default
// requests and limits of the namespace's LimitRanges (noted in the kubernetes.io/limit-ranger
// annotation), then pods and claims are held to each range's min, max and maxLimitRequestRatio,
// refused with Kubernetes' 403 messages ("maximum cpu usage per Container is 2, but limit is 3").
import type { KubeObject } from '../../../lib/api/object.js';
import { findResource, storagePrefix } from '../../../lib/api/resources.js';
import { errors } from '../../../lib/api/status.js';
import { type Quantity, addQuantities, compareQuantities, formatQuantity, quantityMilliValue, quantityValue } from '../../../lib/api/validation/quantity.js';
import type { Store } from '../../../lib/native/store.js';
import type { AdmissionAttributes, AdmissionPlugin } from './plugin.js';
import { list, rec, resourceList } from './resource-usage.js';

const LIMIT_RANGES = findResource('', 'v1', 'limitranges')!;
const PODS = findResource('', 'v1', 'pods')!;
const CLAIMS = findResource('', 'v1', 'persistentvolumeclaims')!;
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';
/** resource.MaxMilliValue: above it Kubernetes compares whole units instead of milli-units. */
const MAX_MILLI_VALUE = 9223372036854775807n / 1000n;

type Rec = Record<string, unknown>;
type ResourceList = Map<string, Quantity>;

function sortedEntries(value: unknown): [string, Quantity][] {
  return [...resourceList(value)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// --- defaults ---

/** mergeContainerResources: fills what the container does not state, and says what it filled. */
function mergeContainerResources(container: Rec, limits: ResourceList, requests: ResourceList, prefix: string, notes: string[]): void {
  const resources = rec(container.resources);
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  const own = { limits: { ...rec(resources.limits) }, requests: { ...rec(resources.requests) } };
  for (const [name, q] of limits) {
    if (!(name in own.limits)) {
      own.limits[name] = formatQuantity(q);
      setLimits.push(name);
    }
  }
  for (const [name, q] of requests) {
    if (!(name in own.requests)) {
      own.requests[name] = formatQuantity(q);
      setRequests.push(name);
    }
  }
  if (setLimits.length === 0 && setRequests.length === 0) return;
  const next: Rec = { ...resources };
  if (Object.keys(own.limits).length > 0) next.limits = own.limits;
  if (Object.keys(own.requests).length > 0) next.requests = own.requests;
  container.resources = next;
  if (setRequests.length > 0) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${String(container.name ?? '')}`);
  if (setLimits.length > 0) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${String(container.name ?? '')}`);
}

function defaultPod(pod: KubeObject, ranges: readonly KubeObject[]): void {
  const spec = rec(pod.spec);
  const limits: ResourceList = new Map();
  const requests: ResourceList = new Map();
  // defaultContainerResourceRequirements: the first range stating a default wins for each resource.
  for (const range of ranges) {
    for (const item of list(rec(range.spec).limits)) {
      if (item.type !== 'Container') continue;
      for (const [name, q] of resourceList(item.default)) if (!limits.has(name)) limits.set(name, q);
      for (const [name, q] of resourceList(item.defaultRequest)) if (!requests.has(name)) requests.set(name, q);
    }
  }
  if (limits.size === 0 && requests.size === 0) return;
  const notes: string[] = [];
  for (const container of list(spec.containers)) mergeContainerResources(container, limits, requests, 'container', notes);
  for (const container of list(spec.initContainers)) mergeContainerResources(container, limits, requests, 'init container', notes);
  if (notes.length === 0) return;
  pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` } };
}

// --- constraints ---

/** requestLimitEnforcedValues: milli-units, unless a value is too large for them. */
function observed(...values: (Quantity | undefined)[]): bigint[] {
  const small = values.every((q) => !q || quantityValue(q) <= MAX_MILLI_VALUE);
  return values.map((q) => (q ? (small ? quantityMilliValue(q) : quantityValue(q)) : 0n));
}

function minConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const request = requests.get(name);
  const limit = limits.get(name);
  const [req, lim, enf] = observed(request, limit, enforced);
  if (!request) return `minimum ${name} usage per ${type} is ${formatQuantity(enforced)}.  No request is specified`;
  if (req! < enf!) return `minimum ${name} usage per ${type} is ${formatQuantity(enforced)}, but request is ${formatQuantity(request)}`;
  if (limit && lim! < enf!) return `minimum ${name} usage per ${type} is ${formatQuantity(enforced)}, but limit is ${formatQuantity(limit)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const request = requests.get(name);
  const limit = limits.get(name);
  const [req, lim, enf] = observed(request, limit, enforced);
  if (!limit) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}.  No limit is specified`;
  if (lim! > enf!) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}, but limit is ${formatQuantity(limit)}`;
  if (request && req! > enf!) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}, but request is ${formatQuantity(request)}`;
  return undefined;
}

function maxRequestConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList): string | undefined {
  const request = requests.get(name);
  const [req, enf] = observed(request, enforced);
  if (!request) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}.  No request is specified`;
  if (req! > enf!) return `maximum ${name} usage per ${type} is ${formatQuantity(enforced)}, but request is ${formatQuantity(request)}`;
  return undefined;
}

/** Go's %f. */
function goFloat(value: number): string {
  return value.toFixed(6);
}

function ratioConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const request = requests.get(name);
  const limit = limits.get(name);
  const [req, lim] = observed(request, limit, enforced);
  const shown = formatQuantity(enforced);
  if (!request || req === 0n) return `${name} max limit to request ratio per ${type} is ${shown}, but no request is specified or request is 0`;
  if (!limit || lim === 0n) return `${name} max limit to request ratio per ${type} is ${shown}, but no limit is specified or limit is 0`;
  const ratio = Number(lim) / Number(req);
  const inMilli = quantityValue(enforced) <= MAX_MILLI_VALUE;
  const max = Number(inMilli ? quantityMilliValue(enforced) : quantityValue(enforced));
  if ((inMilli ? ratio * 1000 : ratio) > max) return `${name} max limit to request ratio per ${type} is ${shown}, but provided ratio is ${goFloat(ratio)}`;
  return undefined;
}

function containerChecks(item: Rec, type: string, requests: ResourceList, limits: ResourceList, problems: string[]): void {
  const push = (problem: string | undefined): void => {
    if (problem) problems.push(problem);
  };
  for (const [name, q] of sortedEntries(item.min)) push(minConstraint(type, name, q, requests, limits));
  for (const [name, q] of sortedEntries(item.max)) push(maxConstraint(type, name, q, requests, limits));
  for (const [name, q] of sortedEntries(item.maxLimitRequestRatio)) push(ratioConstraint(type, name, q, requests, limits));
}

function containerResources(container: Rec): { requests: ResourceList; limits: ResourceList } {
  const resources = rec(container.resources);
  return { requests: resourceList(resources.requests), limits: resourceList(resources.limits) };
}

/** The pod's requests or limits: containers summed, then each init container as a floor. */
function podTotal(spec: Rec, which: 'requests' | 'limits'): ResourceList {
  const total: ResourceList = new Map();
  for (const container of list(spec.containers)) {
    for (const [name, q] of containerResources(container)[which]) total.set(name, total.has(name) ? addQuantities(total.get(name)!, q) : q);
  }
  for (const container of list(spec.initContainers)) {
    for (const [name, q] of containerResources(container)[which]) {
      const current = total.get(name);
      if (!current || compareQuantities(q, current) > 0) total.set(name, q);
    }
  }
  return total;
}

function podProblems(pod: KubeObject, ranges: readonly KubeObject[]): string[] {
  const spec = rec(pod.spec);
  const problems: string[] = [];
  for (const range of ranges) {
    for (const item of list(rec(range.spec).limits)) {
      if (item.type === 'Container') {
        for (const container of [...list(spec.containers), ...list(spec.initContainers)]) {
          const { requests, limits } = containerResources(container);
          containerChecks(item, 'Container', requests, limits, problems);
        }
      } else if (item.type === 'Pod') {
        containerChecks(item, 'Pod', podTotal(spec, 'requests'), podTotal(spec, 'limits'), problems);
      }
    }
  }
  return problems;
}

function claimProblems(claim: KubeObject, ranges: readonly KubeObject[]): string[] {
  const requests = resourceList(rec(rec(claim.spec).resources).requests);
  const problems: string[] = [];
  for (const range of ranges) {
    for (const item of list(rec(range.spec).limits)) {
      if (item.type !== 'PersistentVolumeClaim') continue;
      for (const [name, q] of sortedEntries(item.min)) {
        const problem = minConstraint('PersistentVolumeClaim', name, q, requests, new Map());
        if (problem) problems.push(problem);
      }
      for (const [name, q] of sortedEntries(item.max)) {
        const problem = maxRequestConstraint('PersistentVolumeClaim', name, q, requests);
        if (problem) problems.push(problem);
      }
    }
  }
  return problems;
}

/** utilerrors.NewAggregate(...).Error(): one message as it is, several in brackets, each once. */
function aggregate(problems: readonly string[]): string {
  const distinct = [...new Set(problems)];
  return distinct.length === 1 ? distinct[0]! : `[${distinct.join(', ')}]`;
}

/** DefaultLimitRangerActions.SupportsAttributes: pods on create, claims on create and update. */
function applies({ info, subresource, operation, object }: AdmissionAttributes): boolean {
  if (subresource !== undefined || !object) return false;
  if (info === PODS) return operation === 'CREATE';
  return info === CLAIMS && (operation === 'CREATE' || operation === 'UPDATE');
}

export function limitRanger(store: Store): AdmissionPlugin {
  const rangesIn = async (namespace: string): Promise<KubeObject[]> => {
    await store.linearizableRead();
    return store
      .range<KubeObject>(storagePrefix(LIMIT_RANGES, namespace))
      .kvs.map((kv) => kv.value);
  };
  return {
    name: 'LimitRanger',
    async admit(attributes) {
      if (!applies(attributes) || attributes.info !== PODS || attributes.namespace === undefined) return;
      const ranges = await rangesIn(attributes.namespace);
      if (ranges.length > 0) defaultPod(attributes.object!, ranges);
    },
    async validate(attributes) {
      if (!applies(attributes) || attributes.namespace === undefined) return;
      const ranges = await rangesIn(attributes.namespace);
      if (ranges.length === 0) return;
      const problems = attributes.info === PODS ? podProblems(attributes.object!, ranges) : claimProblems(attributes.object!, ranges);
      if (problems.length > 0) throw errors.forbidden({ group: '', resource: attributes.info.resource }, attributes.name, aggregate(problems));
    },
  };
}
