// ResourceQuota admission (plugin/pkg/admission/resourcequota), with the bookkeeping Kubernetes'
// quota controller does folded in: a quota's status.hard is its spec.hard and its status.used is
// counted when the quota is written; every later write in the namespace moves status.used by what
// it adds or frees, in the same transaction (compared on the quota's revision, so two writes never
// both spend the last unit). A write that would take a quota over its hard limit is refused with
// Kubernetes' 403 "exceeded quota" message; a pod that does not state a compute resource a quota
// limits is refused with "must specify".
import { canonicalForm } from '../../../lib/api/canonical-form.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { findResource, type ResourceInfo, STORED_RESOURCES, storageKey, storagePrefix } from '../../../lib/api/resources.js';
import { errors } from '../../../lib/api/status.js';
import { addQuantities, compareQuantities, formatQuantity, parseQuantity, tryParseQuantity } from '../../../lib/api/validation/quantity.js';
import type { Store } from '../../../lib/native/store.js';
import type { WriteExtras } from '../registry/write-hooks.js';
import type { AdmissionAttributes, AdmissionPlugin } from './plugin.js';
import { followPrefix } from './follow-prefix.js';
import { type Usage, countName, isBestEffort, rec, resourceList, usageDelta, usageOf } from './resource-usage.js';

const QUOTAS = findResource('', 'v1', 'resourcequotas')!;
const PODS = findResource('', 'v1', 'pods')!;
const SERVICES = findResource('', 'v1', 'services')!;
const CLAIMS = findResource('', 'v1', 'persistentvolumeclaims')!;
const LEGACY = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims']);
/** Compute resources every container must state once a quota limits them (the pod evaluator's Constraints). */
const MUST_SPECIFY = ['cpu', 'limits.cpu', 'limits.memory', 'memory', 'requests.cpu', 'requests.memory'];

type Rec = Record<string, unknown>;

function text(usage: Usage): Record<string, string> {
  return Object.fromEntries([...usage].map(([name, q]) => [name, formatQuantity(q)]));
}

/** quota.prettyPrint: "name=value" pairs sorted by name. */
function prettyPrint(usage: Usage, names: readonly string[]): string {
  return [...names]
    .sort()
    .map((name) => `${name}=${formatQuantity(usage.get(name) ?? parseQuantity(0))}`)
    .join(',');
}

/** The resource whose objects a quota resource name counts. */
function sourceOf(name: string): ResourceInfo | undefined {
  if (name.startsWith('count/')) return STORED_RESOURCES.find((info) => info.namespaced && countName(info) === name);
  if (LEGACY.has(name)) return findResource('', 'v1', name);
  if (name.startsWith('services.')) return SERVICES;
  if (name === 'requests.storage' || name.includes('.storageclass.storage.k8s.io/')) return CLAIMS;
  return PODS;
}

// --- scopes ---

function scopeMatches(scope: string, operator: string, values: readonly string[], pod: KubeObject): boolean {
  const spec = rec(pod.spec);
  switch (scope) {
    case 'Terminating':
      return typeof spec.activeDeadlineSeconds === 'number';
    case 'NotTerminating':
      return typeof spec.activeDeadlineSeconds !== 'number';
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const name = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
      if (operator === 'In') return values.includes(name);
      if (operator === 'NotIn') return !values.includes(name);
      if (operator === 'DoesNotExist') return name === '';
      return name !== '';
    }
    case 'CrossNamespacePodAffinity': {
      const affinity = rec(spec.affinity);
      const terms = [rec(affinity.podAffinity), rec(affinity.podAntiAffinity)].flatMap((a) => [
        ...(Array.isArray(a.requiredDuringSchedulingIgnoredDuringExecution) ? a.requiredDuringSchedulingIgnoredDuringExecution : []),
        ...(Array.isArray(a.preferredDuringSchedulingIgnoredDuringExecution) ? a.preferredDuringSchedulingIgnoredDuringExecution.map((w) => rec(w).podAffinityTerm) : []),
      ]);
      return terms.some((t) => Array.isArray(rec(t).namespaces) || rec(t).namespaceSelector !== undefined);
    }
    default:
      return false;
  }
}

/** Whether a quota counts an object: a scoped quota counts only the pods its scopes select. */
function quotaCounts(quota: KubeObject, info: ResourceInfo, obj: KubeObject): boolean {
  const spec = rec(quota.spec);
  const scopes = Array.isArray(spec.scopes) ? spec.scopes.filter((s): s is string => typeof s === 'string') : [];
  const expressions = Array.isArray(rec(spec.scopeSelector).matchExpressions) ? (rec(spec.scopeSelector).matchExpressions as unknown[]).map(rec) : [];
  if (scopes.length === 0 && expressions.length === 0) return true;
  if (info !== PODS) return false;
  if (!scopes.every((scope) => scopeMatches(scope, 'Exists', [], obj))) return false;
  return expressions.every((e) =>
    scopeMatches(String(e.scopeName ?? ''), String(e.operator ?? ''), Array.isArray(e.values) ? e.values.map(String) : [], obj),
  );
}

// --- the plugin ---

export class QuotaBook {
  /** Each namespace's quotas with their revisions, by name, as of the last commit delivered. */
  private readonly byNamespace = new Map<string, Map<string, { quota: KubeObject; revision: number }>>();

  constructor(private readonly store: Store) {
    const prefix = storagePrefix(QUOTAS);
    const split = (key: string): [string, string] => {
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      return [rest.slice(0, slash), rest.slice(slash + 1)];
    };
    followPrefix(store, prefix, {
      clear: () => this.byNamespace.clear(),
      put: (key, quota, revision) => {
        const [namespace, name] = split(key);
        let quotas = this.byNamespace.get(namespace);
        if (!quotas) this.byNamespace.set(namespace, (quotas = new Map()));
        quotas.set(name, { quota, revision });
      },
      remove: (key) => {
        const [namespace, name] = split(key);
        const quotas = this.byNamespace.get(namespace);
        if (quotas?.delete(name) && quotas.size === 0) this.byNamespace.delete(namespace);
      },
    });
  }

  /** Whether the namespace has any quota (after a linearizable read, as of every acknowledged write). */
  limits(namespace: string): boolean {
    return this.byNamespace.has(namespace);
  }

  /**
   * The namespace's quotas with their revisions, by name. A quota whose latest write has not been
   * delivered yet carries an older revision: the write that spends it fails its compare and plans again.
   */
  quotas(namespace: string): { quota: KubeObject; revision: number }[] {
    return [...(this.byNamespace.get(namespace)?.values() ?? [])].sort((a, b) => (a.quota.metadata?.name ?? '').localeCompare(b.quota.metadata?.name ?? ''));
  }

  /** What the namespace uses of each of `names`, counting the objects `quota` selects. */
  used(namespace: string, names: readonly string[], quota: KubeObject, including?: { info: ResourceInfo; object: KubeObject }): Usage {
    const totals: Usage = new Map(names.map((name) => [name, parseQuantity(0)]));
    const sources = new Set(names.map(sourceOf).filter((info): info is ResourceInfo => info !== undefined));
    const add = (info: ResourceInfo, object: KubeObject): void => {
      if (!quotaCounts(quota, info, object)) return;
      for (const [name, q] of usageOf(info, object)) {
        const total = totals.get(name);
        if (total) totals.set(name, addQuantities(total, q));
      }
    };
    for (const info of sources) {
      for (const kv of this.store.range<KubeObject>(storagePrefix(info, namespace)).kvs) {
        if (including?.info === info && kv.value.metadata?.name === including.object.metadata?.name) continue;
        add(info, kv.value);
      }
    }
    if (including && sources.has(including.info)) add(including.info, including.object);
    return totals;
  }
}

/** The quota's status as the quota controller would write it: hard from the spec, used counted. */
async function refreshStatus(book: QuotaBook, store: Store, attributes: AdmissionAttributes, quota: KubeObject): Promise<void> {
  const hard = rec(rec(quota.spec).hard);
  const names = Object.keys(hard).filter((name) => typeof tryParseQuantity(hard[name]) !== 'string');
  await store.linearizableRead();
  const used = book.used(attributes.namespace ?? '', names, quota, { info: QUOTAS, object: quota });
  const status: Rec = { ...rec(quota.status), hard: { ...hard }, used: text(used) };
  if (names.length === 0) delete status.used;
  quota.status = status;
}

function missingComputeResources(pod: KubeObject, restricted: readonly string[]): string | undefined {
  const required = MUST_SPECIFY.filter((name) => restricted.includes(name));
  if (required.length === 0) return undefined;
  const spec = rec(pod.spec);
  const missing = new Map<string, string[]>();
  for (const container of [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])].map(rec)) {
    const resources = rec(container.resources);
    const requests = Object.keys(rec(resources.requests));
    const limits = Object.keys(rec(resources.limits));
    const has = new Set<string>();
    for (const r of ['cpu', 'memory']) {
      if (requests.includes(r)) has.add(r).add(`requests.${r}`);
      if (limits.includes(r)) has.add(`limits.${r}`);
    }
    for (const name of required) if (!has.has(name)) missing.set(name, [...(missing.get(name) ?? []), String(container.name ?? '')]);
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...new Set(missing.get(name))].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

export function resourceQuotaAdmission(store: Store): AdmissionPlugin {
  const book = new QuotaBook(store);
  return {
    name: 'ResourceQuota',
    async admit(attributes) {
      const { info, subresource, object, operation } = attributes;
      if (info !== QUOTAS || subresource !== undefined || !object || (operation !== 'CREATE' && operation !== 'UPDATE')) return;
      await refreshStatus(book, store, attributes, object);
    },
    async validate(attributes): Promise<WriteExtras | undefined> {
      const { info, namespace, operation, object, oldObject, name } = attributes;
      if (!info.namespaced || namespace === undefined) return undefined;
      if (operation === 'DELETE' && oldObject?.metadata?.deletionTimestamp) return undefined;
      // Reads after a linearizable read see every quota acknowledged before this request.
      await store.linearizableRead();
      if (!book.limits(namespace)) return undefined;
      const next = operation === 'DELETE' ? null : object;
      const previous = operation === 'CREATE' ? null : oldObject;
      const delta = usageDelta(usageOf(info, next), usageOf(info, previous));
      if (delta.size === 0) return undefined;
      const extras: WriteExtras = { compare: [], ops: [] };
      const ref = { group: info.group, resource: info.resource };
      for (const { quota, revision } of book.quotas(namespace)) {
        const quotaName = quota.metadata?.name ?? '';
        if (info === QUOTAS && quotaName === name) continue;
        const hard = resourceList(rec(quota.status).hard);
        const subject = next ?? previous!;
        if (!quotaCounts(quota, info, subject)) continue;
        const restricted = [...delta.keys()].filter((r) => hard.has(r));
        const required = info === PODS && next && operation === 'CREATE' ? missingComputeResources(next, [...hard.keys()].filter((r) => MUST_SPECIFY.includes(r))) : undefined;
        if (required) throw errors.forbidden(ref, name, `failed quota: ${quotaName}: ${required}`);
        if (restricted.length === 0) continue;
        const used = resourceList(rec(quota.status).used);
        const exceeded: string[] = [];
        const nextUsed: Usage = new Map(used);
        for (const r of restricted) {
          const change = delta.get(r)!;
          const current = used.get(r);
          let total = current ? addQuantities(current, change) : change;
          if (total.unscaled < 0n) total = { ...total, unscaled: 0n };
          nextUsed.set(r, total);
          if (change.unscaled > 0n && compareQuantities(total, hard.get(r)!) > 0) exceeded.push(r);
        }
        if (exceeded.length > 0) {
          throw errors.forbidden(
            ref,
            name,
            `exceeded quota: ${quotaName}, requested: ${prettyPrint(delta, exceeded)}, used: ${prettyPrint(used, exceeded)}, limited: ${prettyPrint(hard, exceeded)}`,
          );
        }
        const key = storageKey(QUOTAS, namespace, quotaName);
        const updated: KubeObject = { ...quota, status: { ...rec(quota.status), used: text(nextUsed) } };
        extras.compare.push({ key, target: 'mod', op: '=', value: revision });
        extras.ops.push({ type: 'put', key, value: canonicalForm(updated) });
      }
      return extras;
    },
  };
}

