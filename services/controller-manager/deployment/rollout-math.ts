// The arithmetic of a rollout, as Kubernetes' deployment util computes it: maxSurge and
// maxUnavailable resolved against the replica count (surge rounded up, unavailability rounded
// down, never both zero), how far the new ReplicaSet may grow, and replica counts over sets.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { DeploymentObject, ReplicaSetObject } from './types.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** An int-or-string such as 1 or "25%" scaled against `total`. */
export function scaledValue(value: number | string | undefined, fallback: string, total: number, roundUp: boolean): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const match = /^(\d+)%$/.exec(v);
  if (!match) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g. '5%')`);
  }
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

export function isRollingUpdate(d: DeploymentObject): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** Kubernetes' ResolveFenceposts: [maxSurge, maxUnavailable] for the desired count. */
export function resolveFenceposts(d: DeploymentObject): [number, number] {
  const desired = d.spec?.replicas ?? 1;
  const rolling = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValue(rolling?.maxSurge, '25%', desired, true);
  let unavailable = scaledValue(rolling?.maxUnavailable, '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: DeploymentObject): number {
  return isRollingUpdate(d) ? resolveFenceposts(d)[0] : 0;
}

export function maxUnavailable(d: DeploymentObject): number {
  const desired = d.spec?.replicas ?? 1;
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d)[1], desired);
}

export function specReplicas(sets: readonly (ReplicaSetObject | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs?.spec?.replicas ?? 0), 0);
}

export function statusReplicas(sets: readonly (ReplicaSetObject | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs?.status?.replicas ?? 0), 0);
}

export function readyReplicas(sets: readonly (ReplicaSetObject | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs?.status?.readyReplicas ?? 0), 0);
}

export function availableReplicas(sets: readonly (ReplicaSetObject | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs?.status?.availableReplicas ?? 0), 0);
}

/** ReplicaSets that want or still have pods. */
export function activeSets(sets: readonly (ReplicaSetObject | undefined)[]): ReplicaSetObject[] {
  return sets.filter((rs): rs is ReplicaSetObject => rs !== undefined && (rs.spec?.replicas ?? 0) > 0);
}

function created(rs: ReplicaSetObject): number {
  const ms = Date.parse(rs.metadata?.creationTimestamp ?? '');
  return Number.isFinite(ms) ? ms : 0;
}

/** Oldest first; ties by name. */
export function byCreation(a: ReplicaSetObject, b: ReplicaSetObject): number {
  return created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** Kubernetes' NewRSNewReplicas: the new ReplicaSet's size for this step of the rollout. */
export function newReplicaSetReplicas(d: DeploymentObject, all: readonly (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject): number {
  const desired = d.spec?.replicas ?? 1;
  if (!isRollingUpdate(d)) return desired;
  const current = specReplicas(all);
  const maxTotal = desired + maxSurge(d);
  const newReplicas = newRS.spec?.replicas ?? 0;
  if (current >= maxTotal) return newReplicas;
  return newReplicas + Math.max(0, Math.min(maxTotal - current, desired - newReplicas));
}

/** JSON with sorted keys: equal objects print alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, as the comparison it replaces did.
    const keys = Object.keys(obj).sort();
    let out = '{';
    for (const key of keys) {
      const v = obj[key];
      if (v === undefined) continue;
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}

function withoutHash(template: PodTemplateSpec | undefined): unknown {
  const copy = structuredClone(template ?? {}) as { metadata?: { labels?: Record<string, string> } };
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  if (copy.metadata && Object.keys(copy.metadata).length === 0) delete copy.metadata;
  return copy;
}

/**
 * The canonical JSON of a template without its pod-template-hash label, remembered per template
 * object: a sync compares the Deployment's template with every ReplicaSet's, more than once.
 * Templates are not changed in place once read (controllers change copies).
 */
const templateTexts = new WeakMap<object, string>();
function templateText(template: PodTemplateSpec | undefined): string {
  if (!template) return canonicalJson(withoutHash(template));
  let text = templateTexts.get(template);
  if (text === undefined) templateTexts.set(template, (text = canonicalJson(withoutHash(template))));
  return text;
}

/** Kubernetes' EqualIgnoreHash: the templates agree but for the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return templateText(a) === templateText(b);
}

/** Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alike characters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The pod-template-hash of a template (and the Deployment's collisionCount, when set). */
export function templateHash(template: PodTemplateSpec | undefined, collisionCount: number | undefined): string {
  let text = templateText(template);
  if (collisionCount !== undefined && collisionCount !== null) text += `#${collisionCount}`;
  const digits = String(fnv32a(text));
  return [...digits].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}
