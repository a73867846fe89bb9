// Owner references the way Kubernetes controllers keep them (ControllerRefManager): an object
// belongs to the controller named by its controller reference; an orphan whose labels match a
// live controller's selector is adopted, and an object that stops matching is released. Writes
// are strategic merge patches of ownerReferences (merged by uid) that name the object's uid, so
// a patch never lands on a namesake created since the cache was read.
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { ResourceInfo } from '../../lib/api/resources.js';
import type { LabelSelector } from '../../lib/api/selectors/label-selector.js';
import { StatusError } from '../../lib/api/status.js';
import type { RestClient } from '../../lib/client/rest-client.js';

/** Anything with object metadata (kubernetes-types' kinds and the cache's objects alike). */
export interface WithMeta {
  metadata?: ObjectMeta;
}

export function controllerRefOf(obj: WithMeta): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** The controller reference a controller puts on what it creates. */
export function controllerRefTo(owner: WithMeta, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

function isBeingDeleted(obj: WithMeta): boolean {
  return Boolean(obj.metadata?.deletionTimestamp);
}

export interface ClaimTarget {
  owner: WithMeta;
  ownerApiVersion: string;
  ownerKind: string;
  selector: LabelSelector;
  /** Where the claimed objects live (pods, replicasets, ...). */
  resource: ResourceInfo;
}

/** Ignores the answer when the object changed or went away meanwhile: the next sync sees it. */
function ignoreGoneOrChanged(error: unknown): void {
  if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 409 || error.status.code === 422)) return;
  throw error;
}

/**
 * The objects of `candidates` that belong to the target after adopting and releasing as its
 * selector says. The returned adopted objects carry the new reference (copies; the cache is not
 * changed).
 */
export async function claimObjects<T extends WithMeta>(client: RestClient, target: ClaimTarget, candidates: readonly T[]): Promise<T[]> {
  const ownerUid = target.owner.metadata?.uid;
  const owned: T[] = [];
  const writes: Promise<void>[] = [];
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = target.selector.matches(obj.metadata?.labels);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches || isBeingDeleted(target.owner)) {
        owned.push(obj);
        continue;
      }
      writes.push(release(client, target, obj));
      continue;
    }
    if (!matches || isBeingDeleted(target.owner) || isBeingDeleted(obj)) continue;
    const ownerRef = controllerRefTo(target.owner, target.ownerApiVersion, target.ownerKind);
    writes.push(adopt(client, target.resource, obj, ownerRef).then((adopted) => {
      if (adopted) owned.push(adopted);
    }));
  }
  await Promise.all(writes);
  return owned;
}

async function adopt<T extends WithMeta>(client: RestClient, resource: ResourceInfo, obj: T, ref: OwnerReference): Promise<T | undefined> {
  const { namespace, name, uid } = obj.metadata ?? {};
  try {
    return await client.patch<T>(resource, { namespace, name: name ?? '' }, { metadata: { ownerReferences: [ref], uid } }, 'strategic');
  } catch (error) {
    ignoreGoneOrChanged(error);
    return undefined;
  }
}

async function release(client: RestClient, target: ClaimTarget, obj: WithMeta): Promise<void> {
  const { namespace, name, uid } = obj.metadata ?? {};
  try {
    await client.patch(target.resource, { namespace, name: name ?? '' }, { metadata: { ownerReferences: [{ $patch: 'delete', uid: target.owner.metadata?.uid }], uid } }, 'strategic');
  } catch (error) {
    ignoreGoneOrChanged(error);
  }
}
