// What the scheduling queue holds for a pod: the pod's computed info plus its queueing history
// (kube-scheduler's QueuedPodInfo).
import type { Pod } from 'kubernetes-types/core/v1.js';

/** The least the queue needs of a pod (lib/sched/types.ts's PodInfo fits). */
export interface QueueablePod {
  /** "namespace/name" */
  key: string;
  priority: number;
  pod: Pod;
}

export interface QueuedPodInfo<P extends QueueablePod = QueueablePod> {
  podInfo: P;
  /** When it last entered the queue (arrival order for PrioritySort; backoff counts from it). */
  timestamp: number;
  /** When it was first popped for scheduling. */
  initialAttemptTimestamp?: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected it in its last attempt. */
  unschedulablePlugins: Set<string>;
  /** The PreEnqueue plugin keeping it out of activeQ, when gated. */
  gatingPlugin?: string;
  gatingMessage?: string;
}

/** kube-scheduler's PrioritySort: higher spec.priority first, then earlier arrival. */
export function prioritySort<P extends QueueablePod>(a: QueuedPodInfo<P>, b: QueuedPodInfo<P>): boolean {
  if (a.podInfo.priority !== b.podInfo.priority) return a.podInfo.priority > b.podInfo.priority;
  return a.timestamp < b.timestamp;
}

/** A PreEnqueue check: undefined lets the pod in, a message keeps it out (gated). */
export interface PreEnqueueCheck<P extends QueueablePod = QueueablePod> {
  name: string;
  check(podInfo: P): string | undefined;
}

/** kube-scheduler's SchedulingGates plugin: a pod with spec.schedulingGates waits outside activeQ. */
export const schedulingGatesCheck: PreEnqueueCheck = {
  name: 'SchedulingGates',
  check(podInfo) {
    const gates = podInfo.pod.spec?.schedulingGates ?? [];
    if (gates.length === 0) return undefined;
    return `waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`;
  },
};
