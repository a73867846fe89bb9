// What differs between kinds in the generic create/update path (Kubernetes' per-kind "strategy"):
// which part a status subresource owns, what a create resets, and who tracks generation.
import type { KubeObject } from '../../../lib/api/object.js';
import { isPlainObject } from '../../../lib/api/object.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';

/** Kinds whose metadata.generation counts spec changes (the workload controllers read it). */
const GENERATION_KINDS = new Set(['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet']);

export function tracksGeneration(info: ResourceInfo): boolean {
  return GENERATION_KINDS.has(info.kind);
}

export function hasStatusSubresource(info: ResourceInfo): boolean {
  return info.subresources.includes('status');
}

/**
 * Resets what a client may not set on create: the status of kinds whose controllers own it
 * (defaulting then writes the initial status, e.g. a Pod's Pending phase and QoS class). Nodes
 * register with their status, so theirs is kept.
 */
export function prepareForCreate(info: ResourceInfo, obj: KubeObject): void {
  if (hasStatusSubresource(info) && info.kind !== 'Node') obj.status = {};
}

/**
 * An update through the main resource keeps the stored status; an update through /status keeps
 * everything but status (labels and annotations included, as Kubernetes does for most kinds).
 */
export function prepareForUpdate(info: ResourceInfo, next: KubeObject, old: KubeObject, subresource: string | undefined): KubeObject {
  if (subresource === 'status') {
    const merged: KubeObject = { ...structuredClone(old), status: next.status };
    if (next.status === undefined) delete merged.status;
    return merged;
  }
  if (hasStatusSubresource(info)) {
    if (old.status === undefined) delete next.status;
    else next.status = structuredClone(old.status);
  }
  if (info.kind === 'Namespace' && isPlainObject(old.spec)) {
    // spec.finalizers changes only through /finalize
    next.spec = { ...(isPlainObject(next.spec) ? next.spec : {}), finalizers: old.spec.finalizers };
    if (old.spec.finalizers === undefined) delete (next.spec as Record<string, unknown>).finalizers;
  }
  return next;
}
