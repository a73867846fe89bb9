// The deployment controller's annotations on ReplicaSets (and on the Deployment itself):
// revisions, the revisions a ReplicaSet held before a rollback brought it back, and the replica
// counts the proportional scaler reads.
import type { DeploymentObject, ReplicaSetObject } from './types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
/** Kubernetes keeps at most this many characters of revision history. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

const NOT_COPIED = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);

type Annotated = { metadata?: { annotations?: Record<string, string> } };

function annotationsOf(obj: Annotated): Record<string, string> {
  const meta = (obj.metadata ??= {});
  return (meta.annotations ??= {});
}

export function revisionOf(obj: Annotated): number {
  const text = obj.metadata?.annotations?.[REVISION];
  const value = text === undefined ? NaN : Number(text);
  return Number.isInteger(value) ? value : 0;
}

export function maxRevision(sets: readonly ReplicaSetObject[]): number {
  return Math.max(0, ...sets.map(revisionOf));
}

/** Copies the Deployment's own annotations to the ReplicaSet; true when any changed. */
function copyDeploymentAnnotations(d: DeploymentObject, rs: ReplicaSetObject): boolean {
  let changed = false;
  const target = annotationsOf(rs);
  for (const [key, value] of Object.entries(d.metadata?.annotations ?? {})) {
    if (NOT_COPIED.has(key) || target[key] === value) continue;
    target[key] = value;
    changed = true;
  }
  return changed;
}

/** Sets desired-replicas and max-replicas; true when either changed. */
export function setReplicasAnnotations(rs: ReplicaSetObject, desired: number, max: number): boolean {
  const annotations = annotationsOf(rs);
  const changed = annotations[DESIRED_REPLICAS] !== String(desired) || annotations[MAX_REPLICAS] !== String(max);
  annotations[DESIRED_REPLICAS] = String(desired);
  annotations[MAX_REPLICAS] = String(max);
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSetObject, desired: number, max: number): boolean {
  const annotations = rs.metadata?.annotations ?? {};
  return annotations[DESIRED_REPLICAS] !== String(desired) || annotations[MAX_REPLICAS] !== String(max);
}

export function desiredReplicasOf(rs: ReplicaSetObject): number | undefined {
  const text = rs.metadata?.annotations?.[DESIRED_REPLICAS];
  const value = text === undefined ? NaN : Number(text);
  return Number.isInteger(value) ? value : undefined;
}

export function maxReplicasOf(rs: ReplicaSetObject): number | undefined {
  const text = rs.metadata?.annotations?.[MAX_REPLICAS];
  const value = text === undefined ? NaN : Number(text);
  return Number.isInteger(value) ? value : undefined;
}

/**
 * Kubernetes' SetNewReplicaSetAnnotations: the Deployment's annotations, the new revision (a
 * ReplicaSet brought back by a rollback keeps its former revisions in revision-history), and for
 * a ReplicaSet about to be created the replica annotations. True when anything changed.
 */
export function setNewReplicaSetAnnotations(d: DeploymentObject, rs: ReplicaSetObject, newRevision: number, exists: boolean, maxSurge: number): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const annotations = annotationsOf(rs);
  const oldText = annotations[REVISION];
  const oldRevision = revisionOf(rs);
  if (oldRevision < newRevision) {
    annotations[REVISION] = String(newRevision);
    changed = true;
    if (oldText !== undefined && oldText !== '') {
      const history = annotations[REVISION_HISTORY];
      let revisions = history ? [...history.split(','), oldText] : [oldText];
      while (revisions.join(',').length > MAX_REVISION_HISTORY_CHARS && revisions.length > 1) revisions = revisions.slice(1);
      annotations[REVISION_HISTORY] = revisions.join(',');
    }
  }
  const replicas = d.spec?.replicas ?? 1;
  if (!exists && setReplicasAnnotations(rs, replicas, replicas + maxSurge)) changed = true;
  return changed;
}
