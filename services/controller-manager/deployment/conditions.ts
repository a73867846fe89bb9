// A Deployment's status and its Progressing, Available and ReplicaFailure conditions, with the
// reasons and messages Kubernetes' deployment controller writes (kubectl rollout status reads
// ProgressDeadlineExceeded from them).
import { availableReplicas, maxUnavailable, readyReplicas, specReplicas, statusReplicas } from './rollout-math.js';
import type { DeploymentCondition, DeploymentObject, MutableStatus, ReplicaSetObject } from './types.js';

export const REASON = {
  replicaSetUpdated: 'ReplicaSetUpdated',
  failedRSCreate: 'ReplicaSetCreateError',
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** metav1.Time: seconds precision. */
export function timeText(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function condition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, nowMs: number): DeploymentCondition {
  const now = timeText(nowMs);
  return { type, status, reason, message, lastUpdateTime: now, lastTransitionTime: now };
}

export function getCondition(status: MutableStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Kubernetes' SetDeploymentCondition: same status and reason is no change; same status keeps the transition time. */
export function setCondition(status: MutableStatus, next: DeploymentCondition): void {
  const current = getCondition(status, next.type);
  if (current && current.status === next.status && current.reason === next.reason) return;
  const value = current && current.status === next.status ? { ...next, lastTransitionTime: current.lastTransitionTime } : next;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== next.type), value];
}

export function removeCondition(status: MutableStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

export function hasProgressDeadline(d: DeploymentObject): boolean {
  const deadline = d.spec?.progressDeadlineSeconds;
  return deadline !== undefined && deadline !== null && deadline !== 2147483647;
}

/** Kubernetes' calculateStatus: counts from the ReplicaSets and the Available condition. */
export function calculateStatus(d: DeploymentObject, all: readonly (ReplicaSetObject | undefined)[], newRS: ReplicaSetObject | undefined, nowMs: number): MutableStatus {
  const available = availableReplicas(all);
  const status: MutableStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: statusReplicas(all),
    updatedReplicas: statusReplicas([newRS]),
    readyReplicas: readyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(all) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = structuredClone(d.status.conditions) as DeploymentCondition[];
  const desired = d.spec?.replicas ?? 1;
  if (available >= desired - maxUnavailable(d)) setCondition(status, condition('Available', 'True', REASON.minimumAvailable, 'Deployment has minimum availability.', nowMs));
  else setCondition(status, condition('Available', 'False', REASON.minimumUnavailable, 'Deployment does not have minimum availability.', nowMs));
  return status;
}

/** Every replica updated and available, and this generation observed. */
export function deploymentComplete(d: DeploymentObject, status: MutableStatus | undefined): boolean {
  const desired = d.spec?.replicas ?? 1;
  return (status?.updatedReplicas ?? 0) === desired && (status?.replicas ?? 0) === desired && (status?.availableReplicas ?? 0) === desired && (status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** The new status shows progress over the stored one. */
export function deploymentProgressing(d: DeploymentObject, next: MutableStatus): boolean {
  const old = d.status ?? {};
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    (next.replicas ?? 0) - (next.updatedReplicas ?? 0) < (old.replicas ?? 0) - (old.updatedReplicas ?? 0) ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

export function deploymentTimedOut(d: DeploymentObject, status: MutableStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const progressing = getCondition(status, 'Progressing');
  if (!progressing) return false;
  if (progressing.reason === REASON.newRSAvailable) return false;
  if (progressing.reason === REASON.timedOut) return true;
  const from = Date.parse(progressing.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 < nowMs;
}
