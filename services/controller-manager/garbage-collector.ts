// The garbage collector over the ownerReferences graph (k8s.io/kubernetes/pkg/controller/
// garbagecollector), read from the shared informers of every stored resource:
// - an object all of whose owners are gone is deleted (in the background, or in the foreground
//   when an owner it waited for is itself being deleted in the foreground); one with some owners
//   gone loses the dangling references. An owner missing from the cache is looked up on the
//   apiserver before anything is deleted, so a lagging cache never collects a live object's
//   dependents.
// - an owner deleted with propagationPolicy=Orphan (finalizer "orphan") has its references
//   removed from its dependents, then the finalizer;
// - an owner deleted with propagationPolicy=Foreground (finalizer "foregroundDeletion") has its
//   dependents deleted in the foreground, and keeps the finalizer until none with
//   blockOwnerDeletion is left.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findKind, STORED_RESOURCES, type ResourceInfo } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';
import { OWNER_UID_INDEX, UID_INDEX } from './shared-informers.js';
import type { ControllerContext } from './controller-context.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** Events are never owners and are many: the collector leaves them to their TTL. */
const NOT_COLLECTED = new Set(['events']);

export type GarbageCollectorConfig = ControllerContext;

interface Watched {
  id: string;
  resource: ResourceInfo;
  informer: Informer<KubeObject>;
}

type OwnerState = 'solid' | 'dangling' | 'waiting';

function resourceId(resource: ResourceInfo): string {
  return `${resource.group}/${resource.version}/${resource.resource}`;
}

function ignoreGone(error: unknown): void {
  if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 409)) return;
  throw error;
}

export class GarbageCollector extends QueueController {
  private readonly watched = new Map<string, Watched>();
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: GarbageCollectorConfig) {
    super();
    this.workers = controllerQueue(config, 'garbage_collector_attempt_to_delete', (key) => this.sync(key));
    for (const resource of STORED_RESOURCES) {
      if (NOT_COLLECTED.has(resource.resource)) continue;
      const id = resourceId(resource);
      const informer = config.informers.informerFor(resource);
      const entry = { id, resource, informer };
      this.watched.set(id, entry);
      informer.addEventHandler({
        onAdd: (obj) => this.changed(entry, undefined, obj),
        onUpdate: (before, after) => this.changed(entry, before, after),
        onDelete: (obj) => this.deleted(obj),
      });
    }
  }

  private enqueue(entry: Watched, obj: KubeObject): void {
    this.workers.queue.add(`${entry.id}|${objectKey(obj)}`);
  }

  /** The cached object with this uid, and where it lives. */
  private byUid(uid: string): { entry: Watched; obj: KubeObject } | undefined {
    for (const entry of this.watched.values()) {
      const obj = entry.informer.indexer.byIndex(UID_INDEX, uid)[0];
      if (obj) return { entry, obj };
    }
    return undefined;
  }

  private dependentsOf(uid: string): { entry: Watched; obj: KubeObject }[] {
    const out: { entry: Watched; obj: KubeObject }[] = [];
    for (const entry of this.watched.values()) for (const obj of entry.informer.indexer.byIndex(OWNER_UID_INDEX, uid)) out.push({ entry, obj });
    return out;
  }

  private changed(entry: Watched, before: KubeObject | undefined, obj: KubeObject): void {
    if (before && before.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    const finalizers = obj.metadata?.finalizers ?? [];
    if (obj.metadata?.ownerReferences?.length || (obj.metadata?.deletionTimestamp && (finalizers.includes(ORPHAN_FINALIZER) || finalizers.includes(FOREGROUND_FINALIZER)))) this.enqueue(entry, obj);
    // An owner that lost a dependent's reference may be waiting on it no more.
    for (const ref of before?.metadata?.ownerReferences ?? []) {
      if (obj.metadata?.ownerReferences?.some((r) => r.uid === ref.uid)) continue;
      this.enqueueWaitingOwner(ref.uid);
    }
  }

  private deleted(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (uid) for (const dependent of this.dependentsOf(uid)) this.enqueue(dependent.entry, dependent.obj);
    for (const ref of obj.metadata?.ownerReferences ?? []) this.enqueueWaitingOwner(ref.uid);
  }

  private enqueueWaitingOwner(uid: string): void {
    const owner = this.byUid(uid);
    if (owner?.obj.metadata?.deletionTimestamp && owner.obj.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) this.enqueue(owner.entry, owner.obj);
  }

  async sync(key: string): Promise<void> {
    const bar = key.indexOf('|');
    const entry = this.watched.get(key.slice(0, bar));
    const obj = entry?.informer.indexer.get(key.slice(bar + 1));
    if (!entry || !obj) return;
    const finalizers = obj.metadata?.finalizers ?? [];
    if (obj.metadata?.deletionTimestamp) {
      if (finalizers.includes(ORPHAN_FINALIZER)) {
        await this.orphanDependents(entry, obj);
        return;
      }
      if (finalizers.includes(FOREGROUND_FINALIZER)) {
        await this.deleteDependentsFirst(entry, obj);
        return;
      }
    }
    if (obj.metadata?.ownerReferences?.length) await this.attemptToDelete(entry, obj);
  }

  private async orphanDependents(entry: Watched, owner: KubeObject): Promise<void> {
    const uid = owner.metadata?.uid ?? '';
    await Promise.all(this.dependentsOf(uid).map(({ entry: dep, obj }) => this.removeReferences(dep, obj, [uid])));
    await this.removeFinalizer(entry, owner, ORPHAN_FINALIZER);
  }

  private async deleteDependentsFirst(entry: Watched, owner: KubeObject): Promise<void> {
    const uid = owner.metadata?.uid ?? '';
    const dependents = this.dependentsOf(uid);
    await Promise.all(dependents.filter(({ obj }) => !obj.metadata?.deletionTimestamp).map(({ entry: dep, obj }) => this.deleteObject(dep, obj, 'Foreground')));
    const blocking = dependents.filter(({ obj }) => obj.metadata?.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
    if (blocking.length === 0) await this.removeFinalizer(entry, owner, FOREGROUND_FINALIZER);
  }

  private async attemptToDelete(entry: Watched, obj: KubeObject): Promise<void> {
    const refs = obj.metadata?.ownerReferences ?? [];
    const states = await Promise.all(refs.map((ref) => this.ownerState(obj, ref)));
    const dangling = refs.filter((_, i) => states[i] === 'dangling');
    const waiting = refs.filter((_, i) => states[i] === 'waiting');
    const solid = states.filter((s) => s === 'solid').length;
    if (solid > 0) {
      if (dangling.length > 0) await this.removeReferences(entry, obj, dangling.map((r) => r.uid));
      return;
    }
    if (obj.metadata?.deletionTimestamp) return;
    if (dangling.length === 0 && waiting.length === 0) return;
    const finalizers = obj.metadata?.finalizers ?? [];
    const hasDependents = this.dependentsOf(obj.metadata?.uid ?? '').length > 0;
    let policy: 'Background' | 'Foreground' | 'Orphan' = 'Background';
    if (finalizers.includes(ORPHAN_FINALIZER)) policy = 'Orphan';
    else if (finalizers.includes(FOREGROUND_FINALIZER) || (waiting.length > 0 && hasDependents)) policy = 'Foreground';
    this.config.log.debug?.({ resource: entry.resource.resource, object: objectKey(obj), policy }, 'collecting an object whose owners are gone');
    await this.deleteObject(entry, obj, policy);
  }

  /** solid: the owner exists; waiting: it is being deleted in the foreground; dangling: it is gone. */
  private async ownerState(obj: KubeObject, ref: OwnerReference): Promise<OwnerState> {
    const cached = this.byUid(ref.uid)?.obj;
    const resource = findKind(ref.apiVersion, ref.kind);
    let owner = cached;
    if (!owner) {
      if (!resource) return 'solid';
      // Not cached: the cache may lag behind the owner's creation, so ask the apiserver.
      try {
        owner = await this.config.client.get<KubeObject>(resource, { namespace: resource.namespaced ? obj.metadata?.namespace : undefined, name: ref.name });
      } catch (error) {
        if (error instanceof StatusError && error.status.code === 404) return 'dangling';
        throw error;
      }
      if (owner.metadata?.uid !== ref.uid) return 'dangling';
    }
    if (owner.metadata?.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) return 'waiting';
    return 'solid';
  }

  private async deleteObject(entry: Watched, obj: KubeObject, propagationPolicy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
    const { namespace, name, uid } = obj.metadata ?? {};
    try {
      await this.config.client.delete(entry.resource, { namespace, name: name ?? '' }, { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy, preconditions: { uid } });
    } catch (error) {
      ignoreGone(error);
    }
  }

  private async removeReferences(entry: Watched, obj: KubeObject, uids: string[]): Promise<void> {
    const { namespace, name, uid } = obj.metadata ?? {};
    const patch = { metadata: { ownerReferences: uids.map((u) => ({ $patch: 'delete', uid: u })), uid } };
    try {
      await this.config.client.patch(entry.resource, { namespace, name: name ?? '' }, patch, 'strategic');
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 422) return;
      ignoreGone(error);
    }
  }

  /** Removes one finalizer, compared on the resourceVersion read (a conflict retries the key). */
  private async removeFinalizer(entry: Watched, obj: KubeObject, finalizer: string): Promise<void> {
    const { namespace, name, resourceVersion } = obj.metadata ?? {};
    const finalizers = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      await this.config.client.patch(entry.resource, { namespace, name: name ?? '' }, { metadata: { finalizers: finalizers.length > 0 ? finalizers : null, resourceVersion } }, 'merge');
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 409) throw error;
      ignoreGone(error);
    }
  }
}
