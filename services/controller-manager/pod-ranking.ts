// Which pods a ReplicaSet deletes first when it scales down: Kubernetes' ActivePodsWithRanks
// order — unscheduled before scheduled, Pending before Unknown before Running, not ready before
// ready, lower controller.kubernetes.io/pod-deletion-cost first, pods doubled up on a node with
// others of the same workload first, ready for less time first, more container restarts first,
// newer first. Times compare in log2 buckets of seconds (the LogarithmicScaleDown rule), so pods
// of about the same age tie and the rest of the order decides.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodReady } from './pod-conditions.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrder(pod: Pod): number {
  return PHASE_ORDER[pod.status?.phase ?? ''] ?? 0;
}

function deletionCost(pod: Pod): number {
  const text = pod.metadata?.annotations?.[POD_DELETION_COST];
  const cost = text === undefined ? 0 : Number(text);
  return Number.isInteger(cost) ? cost : 0;
}

function readySince(pod: Pod): number | undefined {
  const time = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  const ms = time ? Date.parse(time) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function restarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

/** floor(log2(seconds since `since`)): equal buckets tie. */
function logBucket(since: number, nowMs: number): number {
  const seconds = Math.max(0, Math.floor((nowMs - since) / 1000));
  return seconds === 0 ? -1 : Math.floor(Math.log2(seconds));
}

export interface RankedPod {
  pod: Pod;
  /** Pods of the same workload (this controller's and its siblings') on the pod's node. */
  rank: number;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: RankedPod, b: RankedPod, nowMs: number): number {
  const nodeA = a.pod.spec?.nodeName ?? '';
  const nodeB = b.pod.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
  if (phaseOrder(a.pod) !== phaseOrder(b.pod)) return phaseOrder(a.pod) - phaseOrder(b.pod);
  const readyA = isPodReady(a.pod);
  const readyB = isPodReady(b.pod);
  if (readyA !== readyB) return readyA ? 1 : -1;
  if (deletionCost(a.pod) !== deletionCost(b.pod)) return deletionCost(a.pod) - deletionCost(b.pod);
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (readyA && readyB) {
    const sinceA = readySince(a.pod);
    const sinceB = readySince(b.pod);
    if (sinceA !== sinceB) {
      if (sinceA === undefined || sinceB === undefined) return sinceA === undefined ? -1 : 1;
      const bucketA = logBucket(sinceA, nowMs);
      const bucketB = logBucket(sinceB, nowMs);
      if (bucketA !== bucketB) return bucketA - bucketB;
    }
  }
  if (restarts(a.pod) !== restarts(b.pod)) return restarts(b.pod) - restarts(a.pod);
  const createdA = a.pod.metadata?.creationTimestamp ? Date.parse(a.pod.metadata.creationTimestamp) : undefined;
  const createdB = b.pod.metadata?.creationTimestamp ? Date.parse(b.pod.metadata.creationTimestamp) : undefined;
  if (createdA !== createdB) {
    if (createdA === undefined || createdB === undefined) return createdA === undefined ? -1 : 1;
    const bucketA = logBucket(createdA, nowMs);
    const bucketB = logBucket(createdB, nowMs);
    if (bucketA !== bucketB) return bucketA - bucketB;
  }
  return 0;
}

/**
 * The `count` pods of `pods` to delete first; `related` are the pods of the workload as a whole
 * (this controller's and those of ReplicaSets of the same Deployment), ranking doubled-up pods.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number, nowMs: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const pod of related) {
    const node = pod.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: pod.spec?.nodeName ? perNode.get(pod.spec.nodeName) ?? 0 : 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, nowMs));
  return ranked.slice(0, count).map((r) => r.pod);
}
