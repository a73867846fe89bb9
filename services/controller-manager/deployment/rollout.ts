// One sync of a Deployment (k8s.io/kubernetes/pkg/controller/deployment: sync.go, rolling.go,
// recreate.go, progress.go): find or create the new ReplicaSet, scale the new one up and the old
// ones down within maxSurge and maxUnavailable (or all old ones to zero first, for Recreate),
// scale proportionally when the Deployment is resized mid-rollout, prune history beyond
// revisionHistoryLimit, and report status and conditions. Every write uses the object returned by
// the previous one, so one sync never acts on its own stale reads.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../../lib/api/resources.js';
import { labelSelectorFromObject } from '../../../lib/api/selectors/label-selector-object.js';
import { StatusError } from '../../../lib/api/status.js';
import type { Clock } from '../../../lib/client/clock.js';
import type { EventRecorder } from '../../../lib/client/event-recorder.js';
import type { RestClient } from '../../../lib/client/rest-client.js';
import type { Logger } from '../../../lib/observe/logger.js';
import { controllerRefOf, controllerRefTo } from '../controller-ref.js';
import { desiredReplicasOf, maxReplicasOf, maxRevision, REVISION, replicasAnnotationsNeedUpdate, revisionOf, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import { calculateStatus, condition, deploymentComplete, deploymentProgressing, deploymentTimedOut, getCondition, hasProgressDeadline, REASON, removeCondition, setCondition } from './conditions.js';
import { activeSets, availableReplicas, byCreation, canonicalJson, equalIgnoreHash, isRollingUpdate, maxSurge, maxUnavailable, newReplicaSetReplicas, POD_TEMPLATE_HASH, specReplicas, statusReplicas, templateHash } from './rollout-math.js';
import type { DeploymentObject, MutableStatus, ReplicaSetObject } from './types.js';

export const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
export const REPLICA_SETS = findResource('apps', 'v1', 'replicasets')!;

export interface RolloutDeps {
  client: RestClient;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  /** Looks at the Deployment again after `ms` (a progress deadline or minReadySeconds to wait out). */
  requeueAfter(d: DeploymentObject, ms: number): void;
}

interface Sets {
  newRS: ReplicaSetObject | undefined;
  oldRSs: ReplicaSetObject[];
}

export class Rollout {
  /** Deployments (a sync's copy) with a revision or condition set but not yet written. */
  private readonly unwritten = new WeakSet<DeploymentObject>();

  constructor(private readonly deps: RolloutDeps) {}

  private now(): number {
    return this.deps.clock.now();
  }

  /** The sync: `sets` are the ReplicaSets the Deployment owns, `pods` their pods (for Recreate). */
  async sync(d: DeploymentObject, sets: ReplicaSetObject[], pods: Map<string, Pod[]>): Promise<void> {
    if (d.metadata?.deletionTimestamp) {
      await this.syncStatusOnly(d, sets);
      return;
    }
    d = await this.checkPausedConditions(d);
    if (d.spec?.paused) {
      await this.scaleOnly(d, sets);
      return;
    }
    if (await this.isScalingEvent(d, sets)) {
      await this.scaleOnly(d, sets);
      return;
    }
    if (isRollingUpdate(d)) await this.rolloutRolling(d, sets);
    else await this.rolloutRecreate(d, sets, pods);
  }

  private async syncStatusOnly(d: DeploymentObject, sets: ReplicaSetObject[]): Promise<void> {
    const { newRS, oldRSs } = await this.allReplicaSets(d, sets, false);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  private async checkPausedConditions(d: DeploymentObject): Promise<DeploymentObject> {
    if (!hasProgressDeadline(d)) return d;
    const progressing = getCondition(d.status as MutableStatus, 'Progressing');
    if (progressing?.reason === REASON.timedOut) return d;
    const pausedShown = progressing?.reason === REASON.paused;
    const status = structuredClone(d.status ?? {}) as MutableStatus;
    if (d.spec?.paused && !pausedShown) setCondition(status, condition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', this.now()));
    else if (!d.spec?.paused && pausedShown) setCondition(status, condition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', this.now()));
    else return d;
    return this.writeStatus(d, status);
  }

  private async isScalingEvent(d: DeploymentObject, sets: ReplicaSetObject[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.allReplicaSets(d, sets, false);
    for (const rs of activeSets([...oldRSs, newRS])) {
      const desired = desiredReplicasOf(rs);
      if (desired !== undefined && desired !== (d.spec?.replicas ?? 1)) return true;
    }
    return false;
  }

  /** Kubernetes' sync(): scaling (and history) without rolling anything out. */
  private async scaleOnly(d: DeploymentObject, sets: ReplicaSetObject[]): Promise<void> {
    const found = await this.allReplicaSets(d, sets, false);
    const { newRS, oldRSs } = await this.scale(d, found);
    if (d.spec?.paused) await this.cleanup(d, oldRSs);
    await this.syncDeploymentStatus([...oldRSs, newRS], newRS, d);
  }

  // --- finding and creating the new ReplicaSet -------------------------------------------------

  private async allReplicaSets(d: DeploymentObject, sets: ReplicaSetObject[], create: boolean): Promise<Sets> {
    const sorted = [...sets].sort(byCreation);
    const existing = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
    const oldRSs = sorted.filter((rs) => rs !== existing);
    const newRS = await this.newReplicaSet(d, existing, oldRSs, create);
    return { newRS, oldRSs };
  }

  private async newReplicaSet(d: DeploymentObject, existing: ReplicaSetObject | undefined, oldRSs: ReplicaSetObject[], create: boolean): Promise<ReplicaSetObject | undefined> {
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = structuredClone(existing);
      const annotated = setNewReplicaSetAnnotations(d, copy, newRevision, true, maxSurge(d));
      const minReadyChanged = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotated || minReadyChanged) {
        (copy.spec as { minReadySeconds?: number }).minReadySeconds = d.spec?.minReadySeconds ?? 0;
        return this.deps.client.update<ReplicaSetObject>(REPLICA_SETS, copy);
      }
      this.setDeploymentRevision(d, copy.metadata?.annotations?.[REVISION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status as MutableStatus, 'Progressing')) {
        this.setPendingCondition(d, condition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${copy.metadata?.name}"`, this.now()));
      }
      return copy;
    }
    if (!create) return undefined;
    const hash = templateHash(d.spec?.template, d.status?.collisionCount);
    const template = structuredClone(d.spec?.template ?? {}) as { metadata?: { labels?: Record<string, string> } };
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(d.spec?.selector ?? {}) as { matchLabels?: Record<string, string> };
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const name = `${d.metadata?.name}-${hash}`;
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata?.namespace,
        labels: template.metadata.labels,
        ownerReferences: [controllerRefTo(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    } as ReplicaSetObject;
    (rs.spec as { replicas?: number }).replicas = newReplicaSetReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false, maxSurge(d));
    let created: ReplicaSetObject;
    let alreadyExisted = false;
    try {
      created = await this.deps.client.create<ReplicaSetObject>(REPLICA_SETS, rs);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      if (error.status.code === 409 && error.status.reason === 'AlreadyExists') {
        const found = await this.deps.client.get<ReplicaSetObject>(REPLICA_SETS, { namespace: d.metadata?.namespace, name });
        if (controllerRefOf(found)?.uid === d.metadata?.uid && equalIgnoreHash(found.spec?.template, d.spec?.template)) {
          created = found;
          alreadyExisted = true;
        } else {
          // A hash collision: count it, so the next sync computes another name.
          const status = structuredClone(d.status ?? {}) as MutableStatus;
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.writeStatus(d, status);
          throw error;
        }
      } else {
        if (hasProgressDeadline(d)) {
          const status = structuredClone(d.status ?? {}) as MutableStatus;
          setCondition(status, condition('Progressing', 'False', REASON.failedRSCreate, `Failed to create new replica set "${name}": ${error.message}`, this.now()));
          await this.writeStatus(d, status);
        }
        throw error;
      }
    }
    const replicas = created.spec?.replicas ?? 0;
    if (!alreadyExisted && replicas > 0) this.scaled(d, name, 0, replicas);
    this.setDeploymentRevision(d, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) this.setPendingCondition(d, condition('Progressing', 'True', REASON.newRSCreated, `Created new replica set "${name}"`, this.now()));
    return created;
  }

  /**
   * The Deployment carries its current revision (Kubernetes' SetDeploymentRevision). Like the
   * conditions below, it is set on the sync's copy and goes out with the status the sync ends with
   * (every sync ends writing one), saving the write Kubernetes makes for it alone.
   */
  private setDeploymentRevision(d: DeploymentObject, revision: string): void {
    if (revision === '' || d.metadata?.annotations?.[REVISION] === revision) return;
    d.metadata = { ...(d.metadata ?? {}), annotations: { ...(d.metadata?.annotations ?? {}), [REVISION]: revision } };
    this.unwritten.add(d);
  }

  private setPendingCondition(d: DeploymentObject, next: ReturnType<typeof condition>): void {
    const status = structuredClone(d.status ?? {}) as MutableStatus;
    setCondition(status, next);
    (d as { status?: MutableStatus }).status = status;
    this.unwritten.add(d);
  }

  // --- scaling ----------------------------------------------------------------------------------

  /** Sets a ReplicaSet's size and replica annotations; returns the ReplicaSet as written. */
  private async scaleReplicaSet(rs: ReplicaSetObject, size: number, d: DeploymentObject): Promise<ReplicaSetObject> {
    const desired = d.spec?.replicas ?? 1;
    const max = desired + maxSurge(d);
    if ((rs.spec?.replicas ?? 0) === size && !replicasAnnotationsNeedUpdate(rs, desired, max)) return rs;
    const copy = structuredClone(rs);
    const from = copy.spec?.replicas ?? 0;
    (copy.spec as { replicas?: number }).replicas = size;
    setReplicasAnnotations(copy, desired, max);
    const written = await this.deps.client.update<ReplicaSetObject>(REPLICA_SETS, copy);
    if (from !== size) this.scaled(d, rs.metadata?.name ?? '', from, size);
    return written;
  }

  /** Kubernetes' ScalingReplicaSet event (kubectl describe deployment shows it). */
  private scaled(d: DeploymentObject, replicaSet: string, from: number, to: number): void {
    const direction = from < to ? 'up' : 'down';
    this.deps.events.record({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: d.metadata }, 'deployment-controller', 'Normal', 'ScalingReplicaSet', 'Scaling', `Scaled ${direction} replica set ${replicaSet} from ${from} to ${to}`);
    this.deps.log.debug?.({ deployment: d.metadata?.name, replicaSet, from, to }, `scaled ${direction} replica set`);
  }

  /** Kubernetes' scale(): resizes for a changed spec.replicas, proportionally during a rollout. */
  private async scale(d: DeploymentObject, sets: Sets): Promise<Sets> {
    let { newRS, oldRSs } = sets;
    const desired = d.spec?.replicas ?? 1;
    const replace = (before: ReplicaSetObject, after: ReplicaSetObject): void => {
      if (newRS === before) newRS = after;
      oldRSs = oldRSs.map((rs) => (rs === before ? after : rs));
    };
    const activeOrLatest = this.activeOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if ((activeOrLatest.spec?.replicas ?? 0) !== desired) replace(activeOrLatest, await this.scaleReplicaSet(activeOrLatest, desired, d));
      return { newRS, oldRSs };
    }
    if (newRS && desiredReplicasOf(newRS) === desired && (newRS.status?.availableReplicas ?? 0) === desired && (newRS.spec?.replicas ?? 0) === desired) {
      for (const old of activeSets(oldRSs)) replace(old, await this.scaleReplicaSet(old, 0, d));
      return { newRS, oldRSs };
    }
    if (!isRollingUpdate(d)) return { newRS, oldRSs };
    const all = activeSets([...oldRSs, newRS]);
    const allowed = desired > 0 ? desired + maxSurge(d) : 0;
    const toAdd = allowed - specReplicas(all);
    if (toAdd === 0) {
      for (const rs of all) replace(rs, await this.scaleReplicaSet(rs, rs.spec?.replicas ?? 0, d));
      return { newRS, oldRSs };
    }
    // Larger first; among equals newer first when growing, older first when shrinking.
    all.sort((a, b) => (b.spec?.replicas ?? 0) - (a.spec?.replicas ?? 0) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
    const sizes = new Map<ReplicaSetObject, number>();
    let added = 0;
    for (const rs of all) {
      const proportion = this.proportion(rs, d, toAdd, added);
      sizes.set(rs, (rs.spec?.replicas ?? 0) + proportion);
      added += proportion;
    }
    for (const [i, rs] of all.entries()) {
      let size = sizes.get(rs)!;
      if (i === 0) size = Math.max(0, size + toAdd - added);
      replace(rs, await this.scaleReplicaSet(rs, size, d));
    }
    return { newRS, oldRSs };
  }

  /** Kubernetes' getProportion: this ReplicaSet's share of the replicas to add (or remove). */
  private proportion(rs: ReplicaSetObject, d: DeploymentObject, toAdd: number, added: number): number {
    const replicas = rs.spec?.replicas ?? 0;
    if (replicas === 0 || toAdd === 0 || toAdd === added) return 0;
    const desired = d.spec?.replicas ?? 1;
    let fraction: number;
    if (desired === 0) fraction = -replicas;
    else {
      const annotated = maxReplicasOf(rs) ?? d.status?.replicas ?? 0;
      fraction = annotated === 0 ? 0 : Math.round((replicas * (desired + maxSurge(d))) / annotated) - replicas;
    }
    const allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  /** The only ReplicaSet with replicas, or the newest when none has any; undefined when several have. */
  private activeOrLatest(newRS: ReplicaSetObject | undefined, oldRSs: ReplicaSetObject[]): ReplicaSetObject | undefined {
    if (!newRS && oldRSs.length === 0) return undefined;
    const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
    const active = activeSets([...newestFirst, newRS]);
    if (active.length === 0) return newRS ?? newestFirst[0];
    if (active.length === 1) return active[0];
    return undefined;
  }

  // --- strategies -------------------------------------------------------------------------------

  private async rolloutRolling(d: DeploymentObject, sets: ReplicaSetObject[]): Promise<void> {
    let { newRS, oldRSs } = await this.allReplicaSets(d, sets, true);
    const desired = d.spec?.replicas ?? 1;
    if (newRS && (newRS.spec?.replicas ?? 0) !== desired) {
      const size = (newRS.spec?.replicas ?? 0) > desired ? desired : newReplicaSetReplicas(d, [...oldRSs, newRS], newRS);
      const scaled = await this.scaleReplicaSet(newRS, size, d);
      if ((scaled.spec?.replicas ?? 0) !== (newRS.spec?.replicas ?? 0)) {
        await this.syncRolloutStatus([...oldRSs, scaled], scaled, d);
        return;
      }
      newRS = scaled;
    }
    const reconciled = await this.reconcileOldReplicaSets(d, oldRSs, newRS);
    oldRSs = reconciled.oldRSs;
    if (reconciled.scaled) {
      await this.syncRolloutStatus([...oldRSs, newRS], newRS, d);
      return;
    }
    if (deploymentComplete(d, d.status as MutableStatus)) await this.cleanup(d, oldRSs);
    await this.syncRolloutStatus([...oldRSs, newRS], newRS, d);
  }

  /** Kubernetes' reconcileOldReplicaSets: old pods go only as far as maxUnavailable allows. */
  private async reconcileOldReplicaSets(d: DeploymentObject, oldRSs: ReplicaSetObject[], newRS: ReplicaSetObject | undefined): Promise<{ oldRSs: ReplicaSetObject[]; scaled: boolean }> {
    const active = activeSets(oldRSs);
    if (specReplicas(active) === 0) return { oldRSs, scaled: false };
    const desired = d.spec?.replicas ?? 1;
    const minAvailable = desired - maxUnavailable(d);
    const newUnavailable = (newRS?.spec?.replicas ?? 0) - (newRS?.status?.availableReplicas ?? 0);
    const maxScaledDown = specReplicas([...oldRSs, newRS]) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return { oldRSs, scaled: false };
    const written = new Map<ReplicaSetObject, ReplicaSetObject>();
    // First the old pods that are not available anyway.
    let cleaned = 0;
    for (const rs of [...active].sort(byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const replicas = rs.spec?.replicas ?? 0;
      const unhealthy = replicas - (rs.status?.availableReplicas ?? 0);
      if (replicas === 0 || unhealthy <= 0) continue;
      const count = Math.min(maxScaledDown - cleaned, unhealthy);
      written.set(rs, await this.scaleReplicaSet(rs, replicas - count, d));
      cleaned += count;
    }
    const current = (rs: ReplicaSetObject): ReplicaSetObject => written.get(rs) ?? rs;
    // Then available old pods, down to minAvailable overall.
    const available = availableReplicas([...oldRSs.map(current), newRS]);
    let scaledDown = 0;
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const rs of [...active].map(current).sort(byCreation)) {
        if (scaledDown >= total) break;
        const replicas = rs.spec?.replicas ?? 0;
        if (replicas === 0) continue;
        const count = Math.min(replicas, total - scaledDown);
        const original = active.find((a) => current(a) === rs) ?? rs;
        written.set(original, await this.scaleReplicaSet(rs, replicas - count, d));
        scaledDown += count;
      }
    }
    return { oldRSs: oldRSs.map(current), scaled: cleaned + scaledDown > 0 };
  }

  private async rolloutRecreate(d: DeploymentObject, sets: ReplicaSetObject[], pods: Map<string, Pod[]>): Promise<void> {
    let { newRS, oldRSs } = await this.allReplicaSets(d, sets, false);
    let scaledDown = false;
    const scaledOld: ReplicaSetObject[] = [];
    for (const rs of oldRSs) {
      if ((rs.spec?.replicas ?? 0) === 0) {
        scaledOld.push(rs);
        continue;
      }
      scaledOld.push(await this.scaleReplicaSet(rs, 0, d));
      scaledDown = true;
    }
    oldRSs = scaledOld;
    if (scaledDown || this.oldPodsRunning(newRS, oldRSs, pods)) {
      await this.syncRolloutStatus([...oldRSs, newRS], newRS, d);
      return;
    }
    if (!newRS) ({ newRS, oldRSs } = await this.allReplicaSets(d, sets, true));
    newRS = await this.scaleReplicaSet(newRS!, d.spec?.replicas ?? 1, d);
    if (deploymentComplete(d, d.status as MutableStatus)) await this.cleanup(d, oldRSs);
    await this.syncRolloutStatus([...oldRSs, newRS], newRS, d);
  }

  /** Recreate waits until no pod of an old ReplicaSet is left that has not finished. */
  private oldPodsRunning(newRS: ReplicaSetObject | undefined, oldRSs: ReplicaSetObject[], pods: Map<string, Pod[]>): boolean {
    if (statusReplicas(oldRSs) > 0) return true;
    for (const [uid, list] of pods) {
      if (newRS && newRS.metadata?.uid === uid) continue;
      if (list.some((pod) => pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded')) return true;
    }
    return false;
  }

  // --- history and status -----------------------------------------------------------------------

  /** Deletes the oldest unused ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(d: DeploymentObject, oldRSs: ReplicaSetObject[]): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
    const excess = cleanable.length - limit;
    if (excess <= 0) return;
    cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, excess)) {
      if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.deps.client.delete(REPLICA_SETS, { namespace: rs.metadata?.namespace, name: rs.metadata?.name ?? '' }, { preconditions: { uid: rs.metadata?.uid } });
      } catch (error) {
        if (!(error instanceof StatusError && (error.status.code === 404 || error.status.code === 409))) throw error;
      }
    }
  }

  private async syncDeploymentStatus(all: (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject | undefined, d: DeploymentObject): Promise<void> {
    await this.writeStatus(d, calculateStatus(d, all, newRS, this.now()));
  }

  /** Kubernetes' syncRolloutStatus: status plus the Progressing and ReplicaFailure conditions. */
  private async syncRolloutStatus(all: (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject | undefined, d: DeploymentObject): Promise<void> {
    const now = this.now();
    const status = calculateStatus(d, all, newRS, now);
    if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
    const current = getCondition(status, 'Progressing');
    const complete = status.replicas === status.updatedReplicas && current?.reason === REASON.newRSAvailable;
    if (hasProgressDeadline(d) && !complete) {
      const rsName = newRS?.metadata?.name;
      if (deploymentComplete(d, status)) {
        const message = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata?.name}" has successfully progressed.`;
        setCondition(status, condition('Progressing', 'True', REASON.newRSAvailable, message, now));
      } else if (deploymentProgressing(d, status)) {
        const message = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata?.name}" is progressing.`;
        const next = condition('Progressing', 'True', REASON.replicaSetUpdated, message, now);
        // Progress moves lastUpdateTime (the deadline counts from it) but not the transition time.
        if (current?.status === 'True') next.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
        setCondition(status, next);
      } else if (deploymentTimedOut(d, status, now)) {
        const message = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata?.name}" has timed out progressing.`;
        setCondition(status, condition('Progressing', 'False', REASON.timedOut, message, now));
      }
    }
    const failure = all.flatMap((rs) => (rs?.status?.conditions ?? []).filter((c) => c.type === 'ReplicaFailure' && c.status === 'True'))[0];
    if (failure) setCondition(status, { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message, lastUpdateTime: failure.lastTransitionTime, lastTransitionTime: failure.lastTransitionTime });
    else removeCondition(status, 'ReplicaFailure');
    const written = await this.writeStatus(d, status);
    this.requeueStuck(written, status);
  }

  /** A Deployment still progressing is looked at again when its deadline would pass. */
  private requeueStuck(d: DeploymentObject, status: MutableStatus): void {
    const progressing = getCondition(status, 'Progressing');
    if (!hasProgressDeadline(d) || !progressing || progressing.reason === REASON.newRSAvailable || progressing.reason === REASON.timedOut || deploymentComplete(d, status)) return;
    const from = Date.parse(progressing.lastUpdateTime ?? '');
    if (!Number.isFinite(from)) return;
    const after = from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 - this.now();
    this.deps.requeueAfter(d, Math.max(1000, after + 1000));
  }

  /** Writes the status when it (or what the sync set on its copy) changed; returns the Deployment as stored. */
  private async writeStatus(d: DeploymentObject, status: MutableStatus): Promise<DeploymentObject> {
    if (!this.unwritten.has(d) && canonicalJson(d.status ?? {}) === canonicalJson(status)) return d;
    const written = await this.deps.client.update<DeploymentObject>(DEPLOYMENTS, { ...d, status }, 'status');
    d.metadata = written.metadata;
    (d as { status?: MutableStatus }).status = written.status as MutableStatus;
    this.unwritten.delete(d);
    return d;
  }
}

export function selectorOf(d: DeploymentObject): ReturnType<typeof labelSelectorFromObject> {
  return labelSelectorFromObject(d.spec?.selector);
}
