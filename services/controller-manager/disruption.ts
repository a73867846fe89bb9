// The disruption controller (k8s.io/kubernetes/pkg/controller/disruption): the status of every
// PodDisruptionBudget, which the apiserver's pods/eviction spends. expectedPods is the number of
// matching pods for an integer minAvailable, otherwise the sum of the scale of the pods'
// controllers (ReplicaSet or its Deployment, ReplicationController, StatefulSet, or any scale
// subresource; pods without a controller are left out with a warning); desiredHealthy follows minAvailable or expectedPods - maxUnavailable (percentages
// rounded up); currentHealthy counts ready pods not being deleted and not recorded in
// disruptedPods by an eviction the informer has not shown yet (entries expire after two minutes);
// disruptionsAllowed = currentHealthy - desiredHealthy (never negative), with the
// DisruptionAllowed condition (SufficientPods, InsufficientPods, or SyncFailed with the reason,
// when a pod's controller cannot be found: then no disruption is allowed and the rest stays).
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1.js';
import type { Condition, OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findKind, findResource } from '../../lib/api/resources.js';
import { labelSelectorFromObject } from '../../lib/api/selectors/label-selector-object.js';
import type { LabelSelector } from '../../lib/api/selectors/label-selector.js';
import { StatusError } from '../../lib/api/status.js';
import { NAMESPACE_INDEX } from '../../lib/client/indexer.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import type { ControllerContext } from './controller-context.js';
import { controllerRefOf } from './controller-ref.js';
import { timeText } from './deployment/conditions.js';
import { canonicalJson, scaledValue } from './deployment/rollout-math.js';
import { isPodReady } from './pod-conditions.js';
import { PODS, type PodObject } from './pod-control.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';
import { updateStatus } from './status-writer.js';

export const PDBS = findResource('policy', 'v1', 'poddisruptionbudgets')!;
/** An eviction the informer has not confirmed within this long is forgotten (DeletionTimeout). */
export const DISRUPTED_POD_TIMEOUT_MS = 2 * 60 * 1000;

type PdbObject = PodDisruptionBudget & KubeObject;
type Scaled = KubeObject & { spec?: { replicas?: number } };

/** An owner reference's controller and its scale, or undefined when it has none. */
export type ScaleFinder = (namespace: string, ref: OwnerReference) => Promise<{ uid: string; replicas: number } | undefined>;

/** A budget that cannot be computed: the DisruptionAllowed condition says why. */
class SyncFailed extends Error {}

export interface BudgetCounts {
  expectedPods: number;
  desiredHealthy: number;
}

/** expectedPods and desiredHealthy of a budget (getExpectedPodCount); `expectedScale` is called only when needed. */
export async function budgetCounts(pdb: PodDisruptionBudget, podCount: number, expectedScale: () => Promise<number>): Promise<BudgetCounts> {
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const expectedPods = await expectedScale();
    const unavailable = scaledValue(maxUnavailable, '0', expectedPods, true);
    return { expectedPods, desiredHealthy: Math.max(0, expectedPods - unavailable) };
  }
  if (typeof minAvailable === 'number') return { expectedPods: podCount, desiredHealthy: minAvailable };
  if (typeof minAvailable === 'string') {
    const expectedPods = await expectedScale();
    return { expectedPods, desiredHealthy: scaledValue(minAvailable, '0', expectedPods, true) };
  }
  return { expectedPods: podCount, desiredHealthy: 0 };
}

export class DisruptionController extends QueueController {
  private readonly budgets: Informer<PdbObject>;
  private readonly pods: Informer<PodObject>;
  private readonly scaled = new Map<string, Informer<Scaled>>();
  protected readonly workers: QueueWorkers;

  constructor(private readonly config: ControllerContext) {
    super();
    this.budgets = config.informers.informerFor<PdbObject>(PDBS);
    this.pods = config.informers.informerFor<PodObject>(PODS);
    for (const [kind, resource] of [['ReplicaSet', 'replicasets'], ['Deployment', 'deployments'], ['StatefulSet', 'statefulsets']] as const) {
      this.scaled.set(kind, config.informers.informerFor<Scaled>(findResource('apps', 'v1', resource)!));
    }
    this.scaled.set('ReplicationController', config.informers.informerFor<Scaled>(findResource('', 'v1', 'replicationcontrollers')!));
    this.workers = controllerQueue(config, 'disruption', (key) => this.sync(key));
    this.budgets.addEventHandler({
      onAdd: (pdb) => this.workers.queue.add(objectKey(pdb)),
      onUpdate: (_before, after) => this.workers.queue.add(objectKey(after)),
      onDelete: (pdb) => this.workers.queue.add(objectKey(pdb)),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podChanged(pod),
      onUpdate: (_before, after) => this.podChanged(after),
      onDelete: (pod) => this.podChanged(pod),
    });
  }

  /** The budgets whose selector matches the pod (getPdbForPod: all of them, the apiserver refuses more than one at eviction). */
  private podChanged(pod: PodObject): void {
    for (const pdb of this.budgets.indexer.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '')) {
      const selector = this.selectorOf(pdb);
      if (selector?.matches(pod.metadata?.labels)) this.workers.queue.add(objectKey(pdb));
    }
  }

  /** The budget's selector; in policy/v1 an empty selector selects every pod and none none. */
  private selectorOf(pdb: PdbObject): LabelSelector | undefined {
    if (!pdb.spec?.selector) return undefined;
    try {
      return labelSelectorFromObject(pdb.spec.selector as Parameters<typeof labelSelectorFromObject>[0]);
    } catch {
      return undefined;
    }
  }

  async sync(key: string): Promise<void> {
    const cached = this.budgets.indexer.get(key);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const pdb = structuredClone(cached);
    const selector = this.selectorOf(pdb);
    const namespace = pdb.metadata?.namespace ?? '';
    const pods = selector ? this.pods.indexer.byIndex(NAMESPACE_INDEX, namespace).filter((p) => selector.matches(p.metadata?.labels)) : [];
    const now = this.config.clock.now();
    let status: PodDisruptionBudgetStatus;
    try {
      const { expectedPods, desiredHealthy } = await budgetCounts(pdb, pods.length, () => this.expectedScale(pdb, pods));
      const { disruptedPods, nextExpiry } = this.liveDisruptions(pdb, pods, now);
      const currentHealthy = pods.filter((p) => !p.metadata?.deletionTimestamp && !disruptedPods[p.metadata?.name ?? ''] && isPodReady(p)).length;
      const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
      status = {
        observedGeneration: pdb.metadata?.generation ?? 0,
        currentHealthy,
        desiredHealthy,
        expectedPods,
        disruptionsAllowed,
        ...(Object.keys(disruptedPods).length > 0 ? { disruptedPods } : {}),
        conditions: this.conditions(pdb, disruptionsAllowed > 0 ? { status: 'True', reason: 'SufficientPods', message: '' } : { status: 'False', reason: 'InsufficientPods', message: '' }, now),
      };
      if (Number.isFinite(nextExpiry)) this.workers.queue.addAfter(key, Math.max(1, nextExpiry - now + 1));
    } catch (error) {
      if (!(error instanceof SyncFailed)) throw error;
      this.event(pdb, 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${error.message}`);
      // failSafe: no disruption allowed, the rest (observedGeneration too) as it was.
      const previous = pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 };
      status = { ...previous, disruptionsAllowed: 0, conditions: this.conditions(pdb, { status: 'False', reason: 'SyncFailed', message: error.message }, now, previous.observedGeneration ?? 0) };
    }
    await updateStatus(this.config.client, PDBS, pdb, status, (before, after) => canonicalJson(withoutTimes(before)) === canonicalJson(withoutTimes(after)));
  }

  /** disruptedPods entries still awaited: the pod exists, is not being deleted, and the eviction is under two minutes old. */
  private liveDisruptions(pdb: PdbObject, pods: readonly PodObject[], now: number): { disruptedPods: Record<string, string>; nextExpiry: number } {
    const byName = new Map(pods.map((p) => [p.metadata?.name ?? '', p]));
    const disruptedPods: Record<string, string> = {};
    let nextExpiry = Infinity;
    for (const [name, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const pod = byName.get(name);
      const expires = Date.parse(at) + DISRUPTED_POD_TIMEOUT_MS;
      if (!pod || pod.metadata?.deletionTimestamp || !(expires > now)) continue;
      disruptedPods[name] = at;
      nextExpiry = Math.min(nextExpiry, expires);
    }
    return { disruptedPods, nextExpiry };
  }

  private event(pdb: PdbObject, reason: string, message: string): void {
    this.config.events.record({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: pdb.metadata }, 'controllermanager', 'Warning', reason, 'Sync', message);
  }

  private conditions(pdb: PdbObject, want: { status: string; reason: string; message: string }, now: number, observedGeneration = pdb.metadata?.generation ?? 0): Condition[] {
    const previous = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const same = previous?.status === want.status;
    const condition: Condition = {
      type: 'DisruptionAllowed',
      ...want,
      observedGeneration,
      lastTransitionTime: same && previous?.lastTransitionTime ? previous.lastTransitionTime : timeText(now),
    };
    return [...(pdb.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed'), condition];
  }

  /**
   * The summed scale of the pods' controllers, each counted once (getExpectedScale). Pods without a
   * controller are left out with the UnmanagedPods warning; a controller that cannot be found fails the sync.
   */
  private async expectedScale(pdb: PdbObject, pods: readonly PodObject[]): Promise<number> {
    const namespace = pdb.metadata?.namespace ?? '';
    const seen = new Map<string, number>();
    let unmanaged = 0;
    for (const pod of pods) {
      const ref = controllerRefOf(pod);
      if (!ref) {
        unmanaged++;
        continue;
      }
      const found = await this.scaleOf(namespace, ref);
      if (!found) {
        this.event(pdb, 'NoControllers', `found no controllers for pod "${pod.metadata?.name}"`);
        throw new SyncFailed(`found no controllers for pod "${pod.metadata?.name}"`);
      }
      seen.set(found.uid, found.replicas);
    }
    if (unmanaged > 0) {
      this.event(pdb, 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${JSON.stringify(pdb.spec?.selector ?? {})}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`);
    }
    let total = 0;
    for (const replicas of seen.values()) total += replicas;
    return total;
  }

  /** The controller a reference names (a ReplicaSet's Deployment standing in for it) and its replicas. */
  private async scaleOf(namespace: string, ref: OwnerReference): Promise<{ uid: string; replicas: number } | undefined> {
    const informer = this.scaled.get(ref.kind);
    if (informer && (ref.apiVersion === 'apps/v1' || ref.apiVersion === 'v1')) {
      const owner = informer.indexer.get(`${namespace}/${ref.name}`);
      if (!owner || owner.metadata?.uid !== ref.uid) return undefined;
      const parent = ref.kind === 'ReplicaSet' ? controllerRefOf(owner) : undefined;
      if (parent?.kind === 'Deployment') return this.scaleOf(namespace, parent);
      return { uid: ref.uid, replicas: owner.spec?.replicas ?? 1 };
    }
    // Any other controller: its scale subresource.
    const resource = findKind(ref.apiVersion, ref.kind);
    if (!resource) return undefined;
    try {
      const scale = await this.config.client.get<KubeObject & { spec?: { replicas?: number } }>(resource, { namespace, name: ref.name, subresource: 'scale' });
      return scale.metadata?.uid === ref.uid ? { uid: ref.uid, replicas: scale.spec?.replicas ?? 0 } : undefined;
    } catch (error) {
      if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 405)) return undefined;
      throw error;
    }
  }
}

function withoutTimes(status: PodDisruptionBudgetStatus | undefined): unknown {
  return { ...(status ?? {}), conditions: (status?.conditions ?? []).map(({ lastTransitionTime: _t, ...rest }) => rest) };
}
