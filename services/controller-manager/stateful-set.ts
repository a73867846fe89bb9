// The StatefulSet controller (k8s.io/kubernetes/pkg/controller/statefulset): pods with stable
// identities NAME-ORDINAL (hostname the pod's name, subdomain the set's serviceName, labels
// statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index) and stable storage: one
// PersistentVolumeClaim CLAIM-NAME-ORDINAL per volumeClaimTemplate, made before the pod and kept
// or removed as persistentVolumeClaimRetentionPolicy says (claims get the set or a condemned pod
// as owner, and the garbage collector removes them after it). OrderedReady creates ordinals in ascending order, each
// once its predecessors run and are ready, and removes surplus ordinals from the highest, one at a
// time; Parallel does both at once. Each template is a ControllerRevision whose name labels the
// pods controller-revision-hash; RollingUpdate replaces pods whose revision is not the update
// revision from the highest ordinal down to the partition, at most maxUnavailable (1) at a time
// and only while the others are healthy; OnDelete waits for the user. Status: replicas,
// readyReplicas, availableReplicas, currentReplicas, updatedReplicas, currentRevision,
// updateRevision, observedGeneration.
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, Volume } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import { isNamespaceTerminating } from './api-errors.js';
import type { ControllerContext } from './controller-context.js';
import { CONTROLLER_REVISIONS, ControllerHistory, REVISION_HASH_LABEL, type RevisionObject, templateOfRevision } from './controller-history.js';
import { claimObjects, controllerRefTo } from './controller-ref.js';
import { scaledValue } from './deployment/rollout-math.js';
import { Expectations } from './expectations.js';
import { type OwnedPodEvents, ownerToSync, watchOwnersAndPods } from './owned-pod-events.js';
import { availableAt, isPodAvailable, isPodReady, isPodTerminal, isPodTerminating } from './pod-conditions.js';
import { PODS, type PodObject } from './pod-control.js';
import { CacheBehindError, QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';
import { claimCandidates } from './shared-informers.js';
import { updateStatus } from './status-writer.js';

export const STATEFUL_SETS = findResource('apps', 'v1', 'statefulsets')!;
export const PVCS = findResource('', 'v1', 'persistentvolumeclaims')!;
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const COMPONENT = 'statefulset-controller';

export type StatefulSetObject = StatefulSet & KubeObject;
type ClaimObject = PersistentVolumeClaim & KubeObject;

/** The ordinal of a pod named PARENT-ORDINAL, or undefined for another name. */
export function ordinalOf(setName: string, podName: string | undefined): number | undefined {
  if (!podName?.startsWith(`${setName}-`)) return undefined;
  const rest = podName.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/** The claim of a volumeClaimTemplate for an ordinal (getPersistentVolumeClaimName). */
export function claimName(templateName: string, setName: string, ordinal: number): string {
  return `${templateName}-${setName}-${ordinal}`;
}

/** Running and Ready, and not going (isRunningAndReady). */
function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod) && !isPodTerminating(pod);
}

function revisionOf(pod: Pod): string {
  return pod.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
}

/** The pod of `ordinal` made from `template` at `revision` (newVersionedStatefulSetPod). */
export function statefulPod(set: StatefulSetObject, template: PodTemplateSpec, revision: string, ordinal: number): Pod {
  const setName = set.metadata?.name ?? '';
  const name = `${setName}-${ordinal}`;
  const meta = template.metadata ?? {};
  const spec = structuredClone(template.spec ?? { containers: [] });
  const claimVolumes: Volume[] = (set.spec?.volumeClaimTemplates ?? []).map((t) => ({ name: t.metadata?.name ?? '', persistentVolumeClaim: { claimName: claimName(t.metadata?.name ?? '', setName, ordinal) } }));
  spec.volumes = [...(spec.volumes ?? []).filter((v) => !claimVolumes.some((c) => c.name === v.name)), ...claimVolumes];
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata?.namespace,
      labels: { ...(meta.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_HASH_LABEL]: revision },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRefTo(set, 'apps/v1', 'StatefulSet')],
    },
    spec,
  };
}

/** A plain (not controller) owner reference, as the StatefulSet controller puts on claims (setOwnerRef). */
function ownerRef(apiVersion: string, kind: string, owner: { metadata?: { name?: string; uid?: string } }): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '' };
}

/**
 * A claim's owner references under the set's persistentVolumeClaimRetentionPolicy
 * (updateClaimOwnerRefForSetAndPod): whenDeleted Delete makes the set an owner, whenScaled Delete
 * makes the pod of a scaled-down ordinal the owner instead; Retain removes the reference. Other
 * owners are kept. Undefined when nothing changes.
 */
export function claimOwners(set: StatefulSet, claim: PersistentVolumeClaim, pod: Pod, scaledDown: boolean): OwnerReference[] | undefined {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
  const whenDeleted = policy?.whenDeleted === 'Delete';
  const whenScaled = policy?.whenScaled === 'Delete';
  const wantPod = whenScaled && scaledDown;
  const wantSet = whenDeleted && !wantPod;
  const setUid = set.metadata?.uid;
  const podUid = pod.metadata?.uid;
  const refs = claim.metadata?.ownerReferences ?? [];
  const others = refs.filter((r) => r.uid !== setUid && r.uid !== podUid);
  const next = [...others];
  if (wantSet) next.push(refs.find((r) => r.uid === setUid) ?? ownerRef('apps/v1', 'StatefulSet', set));
  if (wantPod) next.push(refs.find((r) => r.uid === podUid) ?? ownerRef('v1', 'Pod', pod));
  const same = next.length === refs.length && next.every((r) => refs.some((x) => x.uid === r.uid));
  return same ? undefined : next;
}

/** The claims an ordinal's pod needs, as the set's volumeClaimTemplates and retention policy make them. */
export function statefulClaims(set: StatefulSetObject, ordinal: number): PersistentVolumeClaim[] {
  const setName = set.metadata?.name ?? '';
  const deleteWithSet = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(t.metadata?.name ?? '', setName, ordinal),
      namespace: set.metadata?.namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      // Made for an ordinal in range: owned by the set when whenDeleted is Delete.
      ...(deleteWithSet ? { ownerReferences: [ownerRef('apps/v1', 'StatefulSet', set)] } : {}),
    },
    spec: structuredClone(t.spec ?? {}),
  }));
}

export class StatefulSetController extends QueueController {
  private readonly sets: Informer<StatefulSetObject>;
  private readonly pods: Informer<PodObject>;
  private readonly claims: Informer<ClaimObject>;
  private readonly history: ControllerHistory;
  private readonly expectations: Expectations;
  private readonly podEvents: OwnedPodEvents<StatefulSetObject>;
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    super();
    this.sets = config.informers.informerFor<StatefulSetObject>(STATEFUL_SETS);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.claims = config.informers.informerFor<ClaimObject>(PVCS);
    const revisions = config.informers.informerFor<RevisionObject>(CONTROLLER_REVISIONS);
    this.history = new ControllerHistory(config.client, revisions);
    this.expectations = new Expectations(config.clock);
    this.workers = controllerQueue(config, 'statefulset', (key) => this.sync(key));
    this.podEvents = watchOwnersAndPods(this.sets, this.pods, 'StatefulSet', this.expectations, this.workers.queue);
    revisions.addEventHandler({
      onAdd: (rev) => this.enqueueOwner(rev),
      onDelete: (rev) => this.enqueueOwner(rev),
    });
  }

  private enqueue(obj: KubeObject): void {
    this.workers.queue.add(objectKey(obj));
  }

  private enqueueOwner(obj: KubeObject): void {
    const owner = this.podEvents.ownerOf(obj);
    if (owner) this.enqueue(owner);
  }

  async sync(key: string): Promise<void> {
    const found = ownerToSync(this.sets, key, this.expectations, this.config.log);
    if (!found) return;
    const { owner: set, selector } = found;
    const setName = set.metadata?.name ?? '';
    // Only pods named after the set are its members (isMemberOf).
    const candidates = claimCandidates(this.pods, set).filter((p) => ordinalOf(setName, p.metadata?.name) !== undefined);
    const pods = await claimObjects(this.config.client, { owner: set, ownerApiVersion: 'apps/v1', ownerKind: 'StatefulSet', selector, resource: PODS }, candidates);
    if (set.metadata?.deletionTimestamp) return;
    const target = { owner: set, kind: 'StatefulSet', resource: STATEFUL_SETS, selector };
    const revisions = await this.history.claim(target);
    const update = await this.history.currentRevision(target, revisions);
    const updateRevision = update.metadata?.name ?? '';
    const recorded = set.status?.currentRevision;
    const current = revisions.find((r) => r.metadata?.name === recorded) ?? update;
    const currentRevision = current.metadata?.name ?? '';
    if (this.expectations.satisfied(key)) {
      await this.syncClaimOwners(set, pods);
      await this.managePods(key, set, pods, { current: templateOfRevision(current), currentRevision, update: set.spec?.template ?? {}, updateRevision });
    }
    const status = this.status(set, pods, currentRevision, updateRevision);
    const live = new Set([currentRevision, updateRevision, ...pods.map(revisionOf)]);
    await this.history.truncate(set, revisions, new Set([...live, ...(status.currentRevision ? [status.currentRevision] : [])]), new Set());
    await updateStatus(this.config.client, STATEFUL_SETS, set, status, statusUnchanged);
  }

  /** Creates, replaces and removes pods toward spec.replicas, in order unless the policy is Parallel (updateStatefulSet). */
  private async managePods(key: string, set: StatefulSetObject, pods: readonly PodObject[], templates: { current: PodTemplateSpec; currentRevision: string; update: PodTemplateSpec; updateRevision: string }): Promise<void> {
    const setName = set.metadata?.name ?? '';
    const replicas = set.spec?.replicas ?? 1;
    const start = set.spec?.ordinals?.start ?? 0;
    const ordered = (set.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const minReady = set.spec?.minReadySeconds ?? 0;
    const now = this.config.clock.now();
    const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = rolling ? set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0 : 0;
    const slots = new Map<number, PodObject>();
    const condemned: PodObject[] = [];
    for (const pod of pods) {
      const ordinal = ordinalOf(setName, pod.metadata?.name)!;
      if (ordinal >= start && ordinal < start + replicas) slots.set(ordinal, pod);
      else condemned.push(pod);
    }
    condemned.sort((a, b) => ordinalOf(setName, b.metadata?.name)! - ordinalOf(setName, a.metadata?.name)!);

    // 1. missing and finished pods of the wanted ordinals (made at the update revision, below a RollingUpdate partition at the current one)
    const creates: Pod[] = [];
    const deletes: PodObject[] = [];
    let blocked = false;
    for (let ordinal = start; ordinal < start + replicas && !blocked; ordinal++) {
      const pod = slots.get(ordinal);
      if (!pod) {
        // Below the partition a pod is made again at the current revision, as it was (newVersionedStatefulSetPod).
        const useCurrent = rolling && templates.currentRevision !== templates.updateRevision && ordinal < start + partition;
        creates.push(useCurrent ? statefulPod(set, templates.current, templates.currentRevision, ordinal) : statefulPod(set, templates.update, templates.updateRevision, ordinal));
        if (ordered) blocked = true;
        continue;
      }
      if (isPodTerminal(pod) && !isPodTerminating(pod)) {
        deletes.push(pod);
        if (ordered) blocked = true;
        continue;
      }
      // OrderedReady waits for each pod to run, be ready and be available before the next.
      if (ordered && (isPodTerminating(pod) || !isRunningAndReady(pod) || !isPodAvailable(pod, minReady, now))) blocked = true;
    }
    if (creates.length > 0 || deletes.length > 0) {
      await this.apply(key, set, creates, deletes);
      return;
    }
    if (blocked) return;

    // 2. surplus ordinals, highest first (one at a time, and only while every other pod is healthy, unless Parallel)
    if (condemned.length > 0) {
      if (ordered) {
        if (pods.some((p) => isPodTerminating(p))) return;
        const unhealthy = pods.some((p) => !isRunningAndReady(p));
        const first = condemned[0]!;
        if (unhealthy && isRunningAndReady(first)) return;
        await this.apply(key, set, [], [first]);
      } else {
        await this.apply(key, set, [], condemned.filter((p) => !isPodTerminating(p)));
      }
      return;
    }

    // 3. RollingUpdate: from the highest ordinal down to the partition, within maxUnavailable
    if (!rolling) return;
    let maxUnavailable = 1;
    try {
      maxUnavailable = Math.max(1, scaledValue(set.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, '1', replicas, false));
    } catch {
      maxUnavailable = 1;
    }
    const inRange = [...slots.entries()].sort(([a], [b]) => b - a);
    let unavailable = inRange.filter(([, p]) => isPodTerminating(p) || !isPodAvailable(p, minReady, now)).length;
    const replace: PodObject[] = [];
    for (const [ordinal, pod] of inRange) {
      if (ordinal < start + partition) break;
      if (revisionOf(pod) === templates.updateRevision || isPodTerminating(pod)) continue;
      const podUnavailable = !isPodAvailable(pod, minReady, now);
      if (!podUnavailable && unavailable >= maxUnavailable) break;
      replace.push(pod);
      if (!podUnavailable) unavailable++;
      if (ordered && maxUnavailable === 1) break;
    }
    if (replace.length > 0) await this.apply(key, set, [], replace);
  }

  /** Makes the claims and pods and deletes the pods, expecting to see them in the cache. */
  private async apply(key: string, set: StatefulSetObject, creates: readonly Pod[], deletes: readonly PodObject[]): Promise<void> {
    const namespace = set.metadata?.namespace ?? '';
    this.expectations.expect(key, creates.length, deletes.map((p) => objectKey(p)));
    const results = await Promise.allSettled([
      ...creates.map(async (pod) => {
        try {
          await this.ensureClaims(set, ordinalOf(set.metadata?.name ?? '', pod.metadata?.name)!);
          await this.config.client.create(PODS, pod);
          this.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
        } catch (error) {
          this.expectations.creationObserved(key);
          if (isNamespaceTerminating(error)) return;
          // A namesake the cache has not shown yet: look again once it has.
          if (error instanceof StatusError && error.status.code === 409) throw new CacheBehindError(`pod ${pod.metadata?.name} exists`);
          this.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${(error as Error).message}`);
          throw error;
        }
      }),
      ...deletes.map(async (pod) => {
        try {
          await this.config.client.delete(PODS, { namespace, name: pod.metadata?.name ?? '' }, { preconditions: { uid: pod.metadata?.uid } });
          this.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
        } catch (error) {
          this.expectations.deletionObserved(key, objectKey(pod));
          if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 409)) return;
          this.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${(error as Error).message}`);
          throw error;
        }
      }),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The claims of an ordinal that do not exist yet (createPersistentVolumeClaims). */
  private async ensureClaims(set: StatefulSetObject, ordinal: number): Promise<void> {
    for (const claim of statefulClaims(set, ordinal)) {
      const name = claim.metadata?.name ?? '';
      const existing = this.claims.indexer.get(`${set.metadata?.namespace}/${name}`);
      // A claim on its way out is not the pod's storage: wait until it is gone and make it again.
      if (existing?.metadata?.deletionTimestamp) throw new Error(`pvc ${name} is being deleted`);
      if (existing) continue;
      try {
        await this.config.client.create(PVCS, claim);
        this.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${set.metadata?.name}-${ordinal} in StatefulSet ${set.metadata?.name} success`);
      } catch (error) {
        if (error instanceof StatusError && error.status.code === 409) continue;
        this.event(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${set.metadata?.name}-${ordinal} in StatefulSet ${set.metadata?.name} failed error: ${(error as Error).message}`);
        throw error;
      }
    }
  }

  /** Brings the owners of the pods' claims in line with the retention policy (a condemned pod's claims before it is deleted). */
  private async syncClaimOwners(set: StatefulSetObject, pods: readonly PodObject[]): Promise<void> {
    const setName = set.metadata?.name ?? '';
    const namespace = set.metadata?.namespace ?? '';
    const start = set.spec?.ordinals?.start ?? 0;
    const replicas = set.spec?.replicas ?? 1;
    const writes: Promise<unknown>[] = [];
    for (const pod of pods) {
      if (isPodTerminating(pod)) continue;
      const ordinal = ordinalOf(setName, pod.metadata?.name)!;
      const scaledDown = ordinal < start || ordinal >= start + replicas;
      for (const template of set.spec?.volumeClaimTemplates ?? []) {
        const name = claimName(template.metadata?.name ?? '', setName, ordinal);
        const claim = this.claims.indexer.get(`${namespace}/${name}`);
        if (!claim || claim.metadata?.deletionTimestamp) continue;
        const owners = claimOwners(set, claim, pod, scaledDown);
        if (!owners) continue;
        // an update at the cached resourceVersion, as Kubernetes' controller writes claims (its role allows update, not patch)
        const updated = { ...structuredClone(claim), metadata: { ...structuredClone(claim.metadata), ownerReferences: owners } };
        writes.push(this.config.client.update(PVCS, updated).catch((error: unknown) => {
          if (!(error instanceof StatusError && (error.status.code === 404 || error.status.code === 409))) throw error;
        }));
      }
    }
    await Promise.all(writes);
  }

  /** The set's status from its pods (computeReplicaStatus, completeRollingUpdate). */
  private status(set: StatefulSetObject, pods: readonly PodObject[], currentRevision: string, updateRevision: string): StatefulSetStatus {
    const minReady = set.spec?.minReadySeconds ?? 0;
    const now = this.config.clock.now();
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let current = 0;
    let updated = 0;
    let nextAvailable = Infinity;
    for (const pod of pods) {
      if (pod.status?.phase) replicas++;
      if (isRunningAndReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
        else nextAvailable = Math.min(nextAvailable, availableAt(pod, minReady) ?? Infinity);
      }
      if (pod.status?.phase && !isPodTerminating(pod)) {
        if (revisionOf(pod) === currentRevision) current++;
        if (revisionOf(pod) === updateRevision) updated++;
      }
    }
    if (Number.isFinite(nextAvailable)) this.workers.queue.addAfter(objectKey(set), Math.max(1, nextAvailable - now + 1));
    let status: StatefulSetStatus = {
      observedGeneration: set.metadata?.generation ?? 0,
      replicas,
      readyReplicas: ready,
      availableReplicas: available,
      currentReplicas: current,
      updatedReplicas: updated,
      currentRevision,
      updateRevision,
      ...(set.status?.collisionCount !== undefined ? { collisionCount: set.status.collisionCount } : {}),
      ...(set.status?.conditions ? { conditions: set.status.conditions } : {}),
    };
    // A finished rolling update makes the update revision current (completeRollingUpdate).
    if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && updated === replicas && ready === replicas) {
      status = { ...status, currentReplicas: updated, currentRevision: updateRevision };
    }
    return status;
  }

  private event(set: StatefulSetObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.config.events.record({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: set.metadata }, COMPONENT, type, reason, 'Scaling', message);
  }
}

const STATUS_FIELDS = ['observedGeneration', 'replicas', 'readyReplicas', 'availableReplicas', 'currentReplicas', 'updatedReplicas', 'collisionCount', 'currentRevision', 'updateRevision'] as const;

/** Equal fields, one the apiserver left out being zero or empty. */
function statusUnchanged(before: StatefulSetStatus | undefined, after: StatefulSetStatus): boolean {
  return STATUS_FIELDS.every((field) => (before?.[field] ?? (typeof after[field] === 'string' ? '' : 0)) === (after[field] ?? (typeof before?.[field] === 'string' ? '' : 0)));
}
