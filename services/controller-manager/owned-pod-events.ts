// The pod event handlers of a controller that owns pods by controller reference (ReplicaSets,
// ReplicationControllers, DaemonSets), as client-go's controllers write them: a pod's owner is
// enqueued on every change, its creations and deletions are observed for the expectations, an
// orphan wakes every owner whose selector matches it (they may adopt it), a pod handed to another
// owner wakes the old one too, and a pod that became ready wakes its owner again once it has been
// ready for minReadySeconds.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import type { LabelSelector } from '../../lib/api/selectors/label-selector.js';
import type { Logger } from '../../lib/observe/logger.js';
import { labelSelectorFromObject } from '../../lib/api/selectors/label-selector-object.js';
import { NAMESPACE_INDEX } from '../../lib/client/indexer.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import { controllerRefOf, type WithMeta } from './controller-ref.js';
import type { Expectations } from './expectations.js';
import { isPodReady } from './pod-conditions.js';

type Owner = KubeObject & { spec?: { minReadySeconds?: number } };
type OwnerWithSelector = KubeObject & { spec?: { minReadySeconds?: number; selector?: unknown } };

export interface OwnedPodEventsConfig<T extends Owner> {
  /** The owners' informer (indexed by namespace). */
  owners: Informer<T>;
  /** The owner kind a controller reference must name. */
  kind: string;
  selectorOf(owner: T): LabelSelector;
  expectations: Expectations;
  enqueue(owner: T): void;
  enqueueAfter(owner: T, ms: number): void;
}

export class OwnedPodEvents<T extends Owner> {
  constructor(private readonly config: OwnedPodEventsConfig<T>) {}

  /** The owner of `obj` by its controller reference, when it is of this kind and cached. */
  ownerOf(obj: WithMeta): T | undefined {
    const ref = controllerRefOf(obj);
    if (!ref || ref.kind !== this.config.kind) return undefined;
    const owner = this.config.owners.indexer.get(`${obj.metadata?.namespace}/${ref.name}`);
    return owner?.metadata?.uid === ref.uid ? owner : undefined;
  }

  /** Owners whose selector matches an orphan pod (they may adopt it). */
  private matchingOwners(pod: Pod): T[] {
    return this.config.owners.indexer.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '').filter((owner) => {
      try {
        return this.config.selectorOf(owner).matches(pod.metadata?.labels);
      } catch {
        return false;
      }
    });
  }

  added(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) {
      this.deleted(pod);
      return;
    }
    if (controllerRefOf(pod)) {
      const owner = this.ownerOf(pod);
      if (!owner) return;
      this.config.expectations.creationObserved(objectKey(owner));
      this.config.enqueue(owner);
      return;
    }
    for (const owner of this.matchingOwners(pod)) this.config.enqueue(owner);
  }

  updated(before: Pod, after: Pod): void {
    if (before.metadata?.resourceVersion === after.metadata?.resourceVersion) return;
    if (after.metadata?.deletionTimestamp && !before.metadata?.deletionTimestamp) {
      // Marked for deletion: counts as deleted for expectations (the kubelet removes it later).
      this.deleted(after);
      return;
    }
    const oldRef = controllerRefOf(before);
    const newRef = controllerRefOf(after);
    if (oldRef && oldRef.uid !== newRef?.uid) {
      const old = this.ownerOf(before);
      if (old) this.config.enqueue(old);
    }
    const owner = this.ownerOf(after);
    if (owner) {
      this.config.enqueue(owner);
      // A pod that just became ready becomes available minReadySeconds later: look again then.
      const minReady = owner.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(before) && isPodReady(after)) this.config.enqueueAfter(owner, minReady * 1000 + 1);
      return;
    }
    if (!newRef) for (const candidate of this.matchingOwners(after)) this.config.enqueue(candidate);
  }

  deleted(pod: Pod): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    this.config.expectations.deletionObserved(objectKey(owner), objectKey(pod));
    this.config.enqueue(owner);
  }
}

/** Where a controller's keys go. */
export interface KeyQueue {
  add(key: string): void;
  addAfter(key: string, ms: number): void;
}

/**
 * The usual wiring of a controller owning pods by spec.selector: every owner change enqueues the
 * owner (a deleted owner's expectations are dropped) and pod events go through OwnedPodEvents.
 */
export function watchOwnersAndPods<T extends OwnerWithSelector>(owners: Informer<T>, pods: Informer<Pod & KubeObject>, kind: string, expectations: Expectations, queue: KeyQueue): OwnedPodEvents<T> {
  owners.addEventHandler({
    onAdd: (owner) => queue.add(objectKey(owner)),
    onUpdate: (_before, after) => queue.add(objectKey(after)),
    onDelete: (owner) => {
      expectations.delete(objectKey(owner));
      queue.add(objectKey(owner));
    },
  });
  const events = new OwnedPodEvents<T>({
    owners,
    kind,
    selectorOf: (owner) => labelSelectorFromObject(owner.spec?.selector as Parameters<typeof labelSelectorFromObject>[0]),
    expectations,
    enqueue: (owner) => queue.add(objectKey(owner)),
    enqueueAfter: (owner, ms) => queue.addAfter(objectKey(owner), ms),
  });
  pods.addEventHandler({
    onAdd: (pod) => events.added(pod),
    onUpdate: (before, after) => events.updated(before, after),
    onDelete: (pod) => events.deleted(pod),
  });
  return events;
}

/**
 * The start of a sync by key: a copy of the cached owner and its parsed selector, or undefined
 * when the owner is gone (its expectations dropped) or its selector is invalid (logged).
 */
export function ownerToSync<T extends OwnerWithSelector>(owners: Informer<T>, key: string, expectations: Expectations, log: Logger): { owner: T; selector: LabelSelector } | undefined {
  const cached = owners.indexer.get(key);
  if (!cached) {
    expectations.delete(key);
    return undefined;
  }
  const owner = structuredClone(cached);
  try {
    return { owner, selector: labelSelectorFromObject(owner.spec?.selector as Parameters<typeof labelSelectorFromObject>[0]) };
  } catch (error) {
    log.warn({ key, err: (error as Error).message }, 'invalid selector');
    return undefined;
  }
}
