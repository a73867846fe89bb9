// The scheduler's view of the cluster, as kube-scheduler keeps it: nodes into the cache; assigned
// pods into the cache; unassigned pods whose schedulerName is one of the profiles into the queue.
// A pod that gets bound moves from the queue to the cache (confirming an assumed pod). Node and
// pod changes that can make pending pods fit are told to the queue as cluster events.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import type { WatchBus } from '../../lib/bus/bus.js';
import type { Clock } from '../../lib/client/clock.js';
import { Informer } from '../../lib/client/informer.js';
import { objectKey } from '../../lib/client/paths.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { SchedulerCache } from '../../lib/sched/cache.js';
import { ASSIGNED_POD_ADD, ASSIGNED_POD_DELETE, ASSIGNED_POD_UPDATE, NODE_ADD, NODE_DELETE, nodeUpdateEvents } from '../../lib/sched/queue/cluster-events.js';
import type { SchedulingQueue } from '../../lib/sched/queue/scheduling-queue.js';
import { podInfoFromPod, type PodInfo } from '../../lib/sched/types.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;

export interface ClusterInformersDeps {
  client: RestClient;
  bus: WatchBus;
  cache: SchedulerCache;
  queue: SchedulingQueue<PodInfo>;
  schedulerNames: ReadonlySet<string>;
  clock: Clock;
  log: Logger;
}

const assigned = (pod: Pod): boolean => (pod.spec?.nodeName ?? '') !== '';
/** Succeeded and Failed pods hold no resources. */
const terminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class ClusterInformers {
  readonly pods: Informer<KubeObject>;
  readonly nodes: Informer<KubeObject>;

  constructor(private readonly deps: ClusterInformersDeps) {
    const common = { client: deps.client, bus: deps.bus, clock: deps.clock, log: deps.log, pageSize: 2000 };
    this.nodes = new Informer({ ...common, resource: NODES });
    this.pods = new Informer({ ...common, resource: PODS });
    this.nodes.addEventHandler({
      onAdd: (node) => {
        deps.cache.addNode(node as Node);
        deps.queue.onEvent(NODE_ADD);
      },
      onUpdate: (before, after) => {
        deps.cache.updateNode(after as Node);
        for (const event of nodeUpdateEvents(before as Node, after as Node)) deps.queue.onEvent(event);
      },
      onDelete: (node) => {
        deps.cache.removeNode(node.metadata?.name ?? '');
        deps.queue.onEvent(NODE_DELETE);
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod as Pod),
      onUpdate: (before, after) => this.podUpdated(before as Pod, after as Pod),
      onDelete: (pod) => this.podDeleted(pod as Pod),
    });
  }

  start(): void {
    this.nodes.start();
    this.pods.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.pods.stop(), this.nodes.stop()]);
  }

  hasSynced(): boolean {
    return this.nodes.hasSynced() && this.pods.hasSynced();
  }

  async waitForSync(timeoutMs?: number): Promise<boolean> {
    const [nodes, pods] = await Promise.all([this.nodes.waitForSync(timeoutMs), this.pods.waitForSync(timeoutMs)]);
    return nodes && pods;
  }

  private responsible(pod: Pod): boolean {
    return this.deps.schedulerNames.has(pod.spec?.schedulerName ?? 'default-scheduler');
  }

  private podAdded(pod: Pod): void {
    if (assigned(pod)) {
      if (terminal(pod)) return;
      this.deps.cache.addPod(podInfoFromPod(pod));
      this.deps.queue.onEvent(ASSIGNED_POD_ADD);
      return;
    }
    if (this.responsible(pod) && !pod.metadata?.deletionTimestamp && !terminal(pod)) this.deps.queue.add(podInfoFromPod(pod));
  }

  private podUpdated(before: Pod, after: Pod): void {
    const key = objectKey(after);
    if (assigned(after)) {
      if (!assigned(before)) this.deps.queue.delete(key);
      if (terminal(after)) {
        this.deps.cache.removePod(key);
        this.deps.queue.onEvent(ASSIGNED_POD_DELETE);
        return;
      }
      if (assigned(before) && this.deps.cache.podState(key)) this.deps.cache.updatePod(podInfoFromPod(after));
      else this.deps.cache.addPod(podInfoFromPod(after));
      this.deps.queue.onEvent(assigned(before) ? ASSIGNED_POD_UPDATE : ASSIGNED_POD_ADD);
      return;
    }
    if (!this.responsible(after)) return;
    // Our own status and annotation writes on a pod being bound change nothing to schedule.
    if (this.deps.cache.isAssumed(key)) return;
    if (after.metadata?.deletionTimestamp || terminal(after)) {
      this.deps.queue.delete(key);
      return;
    }
    this.deps.queue.update(podInfoFromPod(after));
  }

  private podDeleted(pod: Pod): void {
    const key = objectKey(pod);
    if (assigned(pod)) {
      this.deps.cache.removePod(key);
      this.deps.queue.onEvent(ASSIGNED_POD_DELETE);
      return;
    }
    this.deps.queue.delete(key);
    if (this.deps.cache.isAssumed(key)) this.deps.cache.forgetPod(key);
  }
}
