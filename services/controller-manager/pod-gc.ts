// The pod garbage collector (k8s.io/kubernetes/pkg/controller/podgc). Every 20 seconds, as
// Kubernetes: finished pods beyond --terminated-pod-gc-threshold are deleted, oldest first (0
// keeps them all); pods bound to a node that no longer exists are marked Failed with the
// DisruptionTarget condition (DeletionByPodGC) and force-deleted; pods being deleted that were
// never scheduled are force-deleted (no kubelet will confirm them), and so are pods being deleted
// on a node that is not Ready and carries the node.kubernetes.io/out-of-service taint (marked
// Failed first). Kubernetes waits 40 seconds before trusting a node's absence from its cache; here
// a node's absence is confirmed by asking the apiserver, and a node's deletion (or its
// out-of-service taint) wakes the check of its pods at once.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { StatusError } from '../../lib/api/status.js';
import type { Timer } from '../../lib/client/clock.js';
import type { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import type { ControllerContext } from './controller-context.js';
import { timeText } from './deployment/conditions.js';
import { NODES } from './node-lifecycle.js';
import { isPodTerminal } from './pod-conditions.js';
import { PODS, type PodObject } from './pod-control.js';
import { QueueWorkers, controllerQueue } from './queue-workers.js';

export const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

/** Not Ready and tainted out-of-service: its terminating pods will not be confirmed by a kubelet. */
export function isOutOfService(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return !ready && (node.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE_TAINT);
}

/** gcCheckPeriod. */
export const POD_GC_PERIOD_MS = 20_000;

export interface PodGcConfig extends ControllerContext {
  /** --terminated-pod-gc-threshold: finished pods kept (0: no limit). */
  terminatedPodThreshold: number;
}

/** The finished pods to delete so that `threshold` remain, oldest first (gcTerminated). */
export function terminatedPodsOverThreshold<T extends Pod>(pods: readonly T[], threshold: number): T[] {
  if (threshold <= 0) return [];
  const finished = pods.filter((p) => isPodTerminal(p) && !p.metadata?.deletionTimestamp);
  const excess = finished.length - threshold;
  if (excess <= 0) return [];
  const created = (p: Pod): number => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;
  return [...finished].sort((a, b) => created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '')).slice(0, excess);
}

export class PodGcController {
  private readonly pods: Informer<PodObject>;
  private readonly nodes: Informer<Node & KubeObject>;
  /** Node names whose absence is checked on the apiserver (kube-controller-manager's orphaned_pods_nodes queue). */
  private readonly nodeChecks: QueueWorkers;
  private timer: Timer | undefined;
  private stopped = false;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(private readonly config: PodGcConfig) {
    this.pods = config.informers.informerFor<PodObject>(PODS);
    this.nodes = config.informers.informerFor<Node & KubeObject>(NODES);
    this.nodeChecks = controllerQueue(config, 'orphaned_pods_nodes', (node) => this.collectNode(node), 1);
    this.nodes.addEventHandler({
      onUpdate: (_before, node) => {
        if (isOutOfService(node)) this.nodeChecks.queue.add(node.metadata?.name ?? '');
      },
      onDelete: (node) => this.nodeChecks.queue.add(node.metadata?.name ?? ''),
    });
  }

  run(): void {
    this.nodeChecks.run();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.sweeping;
    await this.nodeChecks.stop();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.config.clock.setTimer(() => {
      this.sweeping = this.sweep()
        .catch((error: unknown) => this.config.log.warn({ err: (error as Error).message }, 'pod GC sweep failed'))
        .finally(() => this.schedule(POD_GC_PERIOD_MS));
    }, ms);
  }

  /** One pass of podgc's gc(). */
  async sweep(): Promise<void> {
    const pods = this.pods.indexer.list();
    await Promise.all(terminatedPodsOverThreshold(pods, this.config.terminatedPodThreshold).map((pod) => this.forceDelete(pod, 'PodGC: terminated pod threshold exceeded')));
    const nodes = new Set(this.nodes.indexer.list().map((n) => n.metadata?.name ?? ''));
    for (const pod of pods) {
      const node = pod.spec?.nodeName;
      if (!node) continue;
      if (!nodes.has(node)) this.nodeChecks.queue.add(node);
      else if (pod.metadata?.deletionTimestamp && isOutOfService(this.nodes.indexer.get(node)!)) this.nodeChecks.queue.add(node);
    }
    await Promise.all(pods.filter((p) => p.metadata?.deletionTimestamp && !p.spec?.nodeName).map((pod) => this.forceDelete(pod, 'PodGC: unscheduled terminating pod')));
  }

  /** The pods of a node that is gone (gcOrphaned, once the apiserver confirms it) or out of service (gcTerminating). */
  private async collectNode(name: string): Promise<void> {
    const node = this.nodes.indexer.get(name);
    if (node) {
      if (!isOutOfService(node)) return;
      const terminating = this.pods.indexer.list().filter((p) => p.spec?.nodeName === name && p.metadata?.deletionTimestamp);
      await Promise.all(terminating.map(async (pod) => {
        await this.markFailed(pod);
        await this.forceDelete(pod, `PodGC: node ${name} is out of service`);
      }));
      return;
    }
    try {
      await this.config.client.get(NODES, { name });
      return;
    } catch (error) {
      if (!(error instanceof StatusError && error.status.code === 404)) throw error;
    }
    const orphans = this.pods.indexer.list().filter((p) => p.spec?.nodeName === name);
    await Promise.all(orphans.map(async (pod) => {
      await this.markFailed(pod, 'PodGC: node no longer exists');
      await this.forceDelete(pod, `PodGC: node ${name} no longer exists`);
    }));
  }

  /** Failed (unless already finished), with DisruptionTarget (DeletionByPodGC) when a reason is given (markFailedAndDeletePod[WithCondition]). */
  private async markFailed(pod: PodObject, disruption?: string): Promise<void> {
    const now = timeText(this.config.clock.now());
    const conditions = disruption
      ? [...(pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: disruption, lastTransitionTime: now }]
      : undefined;
    if (isPodTerminal(pod) && !conditions) return;
    const status = { ...(isPodTerminal(pod) ? {} : { phase: 'Failed' }), ...(conditions ? { conditions } : {}) };
    try {
      await this.config.client.patch(PODS, { namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '', subresource: 'status' }, { status }, 'merge');
    } catch (error) {
      if (!(error instanceof StatusError && error.status.code === 404)) throw error;
    }
  }

  private async forceDelete(pod: PodObject, reason: string): Promise<void> {
    try {
      await this.config.client.delete(PODS, { namespace: pod.metadata?.namespace, name: pod.metadata?.name ?? '' }, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } });
      this.config.log.info({ pod: objectKey(pod), node: pod.spec?.nodeName, reason }, 'pod garbage collected');
    } catch (error) {
      if (error instanceof StatusError && (error.status.code === 404 || error.status.code === 409)) return;
      throw error;
    }
  }
}
