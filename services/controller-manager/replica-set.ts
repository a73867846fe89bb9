// The ReplicaSet controller (k8s.io/kubernetes/pkg/controller/replicaset), which also runs
// ReplicationControllers as Kubernetes' replication manager does: it keeps spec.replicas active
// pods matching the selector, adopting orphans and releasing pods that stop matching; creates in
// slow-start batches (1, 2, 4, ... until one fails) and deletes the pods Kubernetes ranks first;
// reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas (ready for
// minReadySeconds), observedGeneration and the ReplicaFailure condition. Expectations keep a
// lagging pod cache from causing a second round of creations or deletions.
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource, type ResourceInfo } from '../../lib/api/resources.js';
import { labelSelectorFromObject } from '../../lib/api/selectors/label-selector-object.js';
import { labelSelectorFromSet, type LabelSelector } from '../../lib/api/selectors/label-selector.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import { isNamespaceTerminating } from './api-errors.js';
import { claimObjects, controllerRefOf, controllerRefTo } from './controller-ref.js';
import { Expectations } from './expectations.js';
import { OwnedPodEvents } from './owned-pod-events.js';
import { availableAt, isPodActive, isPodAvailable, isPodReady } from './pod-conditions.js';
import { PodControl, PODS, type PodObject } from './pod-control.js';
import { podsToDelete } from './pod-ranking.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';
import { claimCandidates, OWNER_UID_INDEX } from './shared-informers.js';
import { updateStatus } from './status-writer.js';
import type { ControllerContext } from './controller-context.js';

/** client-go's SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH = 1;
/** kube-controller-manager's BurstReplicas: most creations or deletions in one sync. */
export const BURST_REPLICAS = 500;

/** What differs between ReplicaSets and ReplicationControllers. */
export interface ReplicatedKind {
  resource: ResourceInfo;
  apiVersion: string;
  kind: string;
  /** The workqueue's name (kube-controller-manager's). */
  queueName: string;
  /** The source component of its events. */
  component: string;
  selectorOf(obj: ReplicatedObject): LabelSelector;
}

export interface ReplicatedObject extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: unknown; template?: PodTemplateSpec };
  status?: ReplicatedStatus;
}

export interface ReplicatedStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
}

export const REPLICA_SETS: ReplicatedKind = {
  resource: findResource('apps', 'v1', 'replicasets')!,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  queueName: 'replicaset',
  component: 'replicaset-controller',
  selectorOf: (rs) => labelSelectorFromObject(rs.spec?.selector as Parameters<typeof labelSelectorFromObject>[0]),
};

export const REPLICATION_CONTROLLERS: ReplicatedKind = {
  resource: findResource('', 'v1', 'replicationcontrollers')!,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  queueName: 'replicationmanager',
  component: 'replication-controller',
  selectorOf: (rc) => labelSelectorFromSet((rc.spec?.selector ?? {}) as Record<string, string>),
};

export interface ReplicaSetControllerConfig extends ControllerContext {
  kind: ReplicatedKind;
}

export class ReplicaSetController extends QueueController {
  private readonly kind: ReplicatedKind;
  private readonly sets: Informer<ReplicatedObject>;
  private readonly pods: Informer<PodObject>;
  private readonly expectations: Expectations;
  private readonly podEvents: OwnedPodEvents<ReplicatedObject>;
  private readonly podControl: PodControl;
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ReplicaSetControllerConfig) {
    super();
    this.kind = config.kind;
    this.sets = config.informers.informerFor<ReplicatedObject>(config.kind.resource);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.expectations = new Expectations(config.clock);
    this.podControl = new PodControl(config.client);
    this.workers = controllerQueue(config, config.kind.queueName, (key) => this.sync(key));
    this.sets.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_before, after) => this.enqueue(after),
      onDelete: (rs) => {
        this.expectations.delete(objectKey(rs));
        this.enqueue(rs);
      },
    });
    this.podEvents = new OwnedPodEvents({
      owners: this.sets,
      kind: config.kind.kind,
      selectorOf: (rs) => config.kind.selectorOf(rs),
      expectations: this.expectations,
      enqueue: (rs) => this.enqueue(rs),
      enqueueAfter: (rs, ms) => this.workers.queue.addAfter(objectKey(rs), ms),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podEvents.added(pod),
      onUpdate: (before, after) => this.podEvents.updated(before, after),
      onDelete: (pod) => this.podEvents.deleted(pod),
    });
  }

  private enqueue(obj: { metadata?: { namespace?: string; name?: string } }): void {
    this.workers.queue.add(objectKey(obj));
  }

  async sync(key: string): Promise<void> {
    const cached = this.sets.indexer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = structuredClone(cached);
    let selector: LabelSelector;
    try {
      selector = this.kind.selectorOf(rs);
    } catch (error) {
      this.config.log.warn({ controller: this.kind.queueName, key, err: (error as Error).message }, 'invalid selector');
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const active = claimCandidates(this.pods, rs).filter(isPodActive);
    const owned = await claimObjects(this.config.client, { owner: rs, ownerApiVersion: this.kind.apiVersion, ownerKind: this.kind.kind, selector, resource: PODS }, active);
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, rs, owned);
      } catch (error) {
        manageError = error as Error;
      }
    }
    const now = this.config.clock.now();
    const status = calculateStatus(rs, owned, manageError, now);
    const written = await updateStatus(this.config.client, this.kind.resource, rs, status, statusUnchanged);
    const minReady = rs.spec?.minReadySeconds ?? 0;
    if (!manageError && minReady > 0 && (written.status?.readyReplicas ?? 0) === (rs.spec?.replicas ?? 1) && (written.status?.availableReplicas ?? 0) !== (rs.spec?.replicas ?? 1)) {
      const next = Math.min(...owned.map((p) => availableAt(p, minReady) ?? Infinity).filter((t) => t > now));
      this.workers.queue.addAfter(key, Number.isFinite(next) ? next - now + 1 : minReady * 1000);
    }
    if (manageError) throw manageError;
  }

  private async manageReplicas(key: string, rs: ReplicatedObject, owned: Pod[]): Promise<void> {
    const wanted = rs.spec?.replicas ?? 1;
    const diff = owned.length - wanted;
    const namespace = rs.metadata?.namespace ?? '';
    const name = rs.metadata?.name ?? '';
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      const template = rs.spec?.template ?? {};
      const ref = controllerRefTo(rs, this.kind.apiVersion, this.kind.kind);
      // Expect every creation before the first: a pod's add event may arrive before the call returns.
      this.expectations.expectCreations(key, count);
      const { created, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, async () => {
        try {
          const pod = await this.podControl.create(template, namespace, name, ref);
          this.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
        } catch (err) {
          // A terminating namespace refuses new pods: nothing to retry.
          if (isNamespaceTerminating(err)) return;
          this.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
          throw err;
        }
      });
      for (let skipped = count - created; skipped > 0; skipped--) this.expectations.creationObserved(key);
      if (error) throw new ReplicaFailure('FailedCreate', error.message);
      this.config.log.debug?.({ controller: this.kind.queueName, key, created }, 'created pods');
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(owned, this.relatedPods(rs, owned), count, this.config.clock.now());
      const victimKeys = victims.map((p) => objectKey(p));
      this.expectations.expectDeletions(key, victimKeys);
      const results = await Promise.allSettled(victims.map((pod) => this.podControl.delete(namespace, pod.metadata?.name ?? '')));
      let firstError: Error | undefined;
      results.forEach((result, i) => {
        if (result.status === 'rejected') {
          this.expectations.deletionObserved(key, victimKeys[i]!);
          firstError ??= result.reason as Error;
          this.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(result.reason as Error).message}`);
        } else {
          this.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${victims[i]!.metadata?.name}`);
        }
      });
      if (firstError) throw new ReplicaFailure('FailedDelete', firstError.message);
    }
  }

  private event(rs: ReplicatedObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.config.events.record({ apiVersion: this.kind.apiVersion, kind: this.kind.kind, metadata: rs.metadata }, this.kind.component, type, reason, 'Scaling', message);
  }

  /** Pods of this controller and of its siblings (ReplicaSets of the same Deployment). */
  private relatedPods(rs: ReplicatedObject, owned: Pod[]): Pod[] {
    const ref = controllerRefOf(rs);
    if (!ref) return owned;
    const siblings = this.sets.indexer.byIndex(OWNER_UID_INDEX, ref.uid);
    return siblings.flatMap((sibling) => this.pods.indexer.byIndex(OWNER_UID_INDEX, sibling.metadata?.uid ?? '').filter(isPodActive));
  }
}

/** An error of manageReplicas, with the ReplicaFailure condition's reason. */
export class ReplicaFailure extends Error {
  constructor(
    readonly reason: 'FailedCreate' | 'FailedDelete',
    message: string,
  ) {
    super(message);
  }
}

/**
 * client-go's slowStartBatch: calls `fn` `count` times, in batches of 1, 2, 4, ... run at once;
 * stops after the first batch with a failure. Returns how many succeeded and the first error.
 */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ created: number; error?: Error }> {
  let remaining = count;
  let created = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    created += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { created, error: failed.reason as Error };
    remaining -= batch;
  }
  return { created };
}

function calculateStatus(rs: ReplicatedObject, pods: Pod[], manageError: Error | undefined, nowMs: number): ReplicatedStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const labels = pod.metadata?.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  const conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  const failure = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageError) {
    const reason = manageError instanceof ReplicaFailure ? manageError.reason : 'FailedCreate';
    conditions.push(failure ?? { type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'), reason, message: manageError.message });
  }
  const status: ReplicatedStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata?.generation ?? 0,
  };
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

function statusUnchanged(before: ReplicatedStatus | undefined, after: ReplicatedStatus): boolean {
  return (
    (before?.replicas ?? 0) === after.replicas &&
    (before?.fullyLabeledReplicas ?? 0) === after.fullyLabeledReplicas &&
    (before?.readyReplicas ?? 0) === after.readyReplicas &&
    (before?.availableReplicas ?? 0) === after.availableReplicas &&
    (before?.observedGeneration ?? 0) === after.observedGeneration &&
    JSON.stringify(before?.conditions ?? []) === JSON.stringify(after.conditions ?? [])
  );
}
