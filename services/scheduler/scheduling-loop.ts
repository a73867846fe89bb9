// kube-scheduler's scheduleOne, repeated: pop a pod, find nodes with its profile, assume it in
// the cache on the chosen node (so the next pod sees it), then bind in the background while the
// loop goes on with the next pod. A pod no node fits gets PostFilter (preemption), a
// FailedScheduling event, PodScheduled=False and goes back to the queue; a failed binding is
// undone (Unreserve, forget) and the pod backs off.
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Clock } from '../../lib/client/clock.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import type { Logger } from '../../lib/observe/logger.js';
import type { SchedulerCache } from '../../lib/sched/cache.js';
import type { CycleState, FindNodesResult, Status } from '../../lib/sched/framework/index.js';
import type { SchedulingQueue } from '../../lib/sched/queue/scheduling-queue.js';
import type { QueuedPodInfo } from '../../lib/sched/queue/queued-pod.js';
import type { PodInfo } from '../../lib/sched/types.js';
import type { EventRecorder } from './event-recorder.js';
import { annotationText, explanationOf, EXPLAIN_ANNOTATION, EXPLANATION_ANNOTATION, rankedNodes, type Attempt, type ExplanationStore } from './explanations.js';
import type { SchedulerMetrics } from './metrics.js';
import type { PodStatusWriter } from './pod-status.js';
import type { SchedulingProfile } from '../../lib/sched/framework/scheduling-framework.js';
import type { RequestPool } from '../../lib/client/request-pool.js';

const PODS = findResource('', 'v1', 'pods')!;
/** Give informer events and binding answers a turn at least this often. */
const YIELD_EVERY_MS = 20;
/** Nodes listed in the in-memory explanation of a pod that was not asked to be explained. */
const SUMMARY_NODES = 50;

export interface SchedulingLoopDeps {
  queue: SchedulingQueue<PodInfo>;
  cache: SchedulerCache;
  profiles: ReadonlyMap<string, SchedulingProfile>;
  client: RestClient;
  pool: RequestPool;
  events: EventRecorder;
  status: PodStatusWriter;
  metrics: SchedulerMetrics;
  explanations: ExplanationStore;
  /** Keep each plugin's score per node for every pod, not only for pods that ask. */
  pluginScores: boolean;
  clock: Clock;
  log: Logger;
}

export class SchedulingLoop {
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: SchedulingLoopDeps) {}

  start(): void {
    this.stopped = false;
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Stops after the current pod (close the queue to wake a waiting pop). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    let lastYield = this.deps.clock.now();
    while (!this.stopped) {
      const queued = await this.deps.queue.pop();
      if (!queued || this.stopped) {
        if (queued) this.deps.queue.addUnschedulableIfNotPresent(queued, { unschedulablePlugins: new Set(), error: true });
        break;
      }
      try {
        await this.scheduleOne(queued);
      } catch (error) {
        this.deps.log.error({ pod: queued.podInfo.key, err: (error as Error)?.message }, 'scheduling attempt failed');
        this.deps.queue.addUnschedulableIfNotPresent(queued, { unschedulablePlugins: new Set(), error: true });
      }
      if (this.deps.clock.now() - lastYield >= YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = this.deps.clock.now();
      }
    }
  }

  private async scheduleOne(queued: QueuedPodInfo<PodInfo>): Promise<void> {
    const { queue, cache, clock } = this.deps;
    const podInfo = queued.podInfo;
    const pod = podInfo.pod;
    const schedulerName = pod.spec?.schedulerName ?? 'default-scheduler';
    const profile = this.deps.profiles.get(schedulerName);
    if (!profile || pod.metadata?.deletionTimestamp || cache.isAssumed(podInfo.key)) {
      queue.done(podInfo.key);
      return;
    }
    const started = clock.now();
    const snapshot = cache.snapshot();
    const explain = pod.metadata?.annotations?.[EXPLAIN_ANNOTATION] === 'true';
    const outcome = profile.findNodes(podInfo, snapshot, { pluginScores: explain || this.deps.pluginScores, alwaysScore: explain });

    if (outcome.feasible.length === 0) {
      const postFilter = await profile.postFilter(outcome, podInfo);
      if (postFilter?.nominatedNodeName) queue.nominator.addNominatedPod(podInfo, postFilter.nominatedNodeName);
      const message = profile.fitError(outcome, snapshot.nodes.length, postFilter?.message);
      this.deps.events.failedScheduling(pod, schedulerName, message);
      this.deps.status.unschedulable(pod, message, { nominatedNodeName: postFilter?.nominatedNodeName });
      this.explain(podInfo, schedulerName, outcome, explain, { result: 'Unschedulable', message });
      this.deps.metrics.attempt('unschedulable', schedulerName, (clock.now() - started) / 1000);
      queue.addUnschedulableIfNotPresent(queued, { unschedulablePlugins: outcome.diagnosis.unschedulablePlugins });
      this.deps.log.debug({ pod: podInfo.key, reason: message }, 'unschedulable');
      return;
    }

    const nodeName = outcome.feasible[0]!.name;
    cache.assumePod(podInfo, nodeName);
    const reserveFailure = profile.reserve(outcome.state, podInfo, nodeName);
    if (reserveFailure !== undefined) {
      profile.unreserve(outcome.state, podInfo, nodeName);
      cache.forgetPod(podInfo.key);
      this.failBinding(queued, schedulerName, `running Reserve plugin: ${reserveFailure}`, started);
      return;
    }
    // The nomination ends with the assumption; once bound, the pod's status says so too.
    const nominated = queue.nominator.nominatedNode(podInfo.key) !== undefined || (pod.status?.nominatedNodeName ?? '') !== '';
    queue.nominator.delete(podInfo.key);
    queue.done(podInfo.key);
    this.explain(podInfo, schedulerName, outcome, explain, { result: 'Scheduled', selectedNode: nodeName });
    void this.bindingCycle(queued, profile, outcome.state, nodeName, started, nominated);
  }

  private async bindingCycle(queued: QueuedPodInfo<PodInfo>, profile: SchedulingProfile, state: CycleState, nodeName: string, started: number, nominated: boolean): Promise<void> {
    const podInfo = queued.podInfo;
    const schedulerName = profile.schedulerName;
    try {
      await profile.permitAndBind(state, podInfo, nodeName);
    } catch (error) {
      profile.unreserve(state, podInfo, nodeName);
      this.deps.cache.forgetPod(podInfo.key);
      if (error instanceof StatusError && error.code === 404) {
        this.deps.queue.done(podInfo.key);
        return;
      }
      this.failBinding(queued, schedulerName, `Binding rejected: ${(error as Error)?.message ?? String(error)}`, started);
      return;
    }
    this.deps.cache.finishBinding(podInfo.key);
    if (nominated) this.deps.status.clearNominatedNodeNameLater(podInfo.pod);
    profile.postBind(state, podInfo, nodeName);
    this.deps.events.scheduled(podInfo.pod, schedulerName, nodeName);
    this.deps.metrics.attempt('scheduled', schedulerName, (this.deps.clock.now() - started) / 1000);
  }

  private failBinding(queued: QueuedPodInfo<PodInfo>, schedulerName: string, message: string, started: number): void {
    const pod = queued.podInfo.pod;
    this.deps.log.warn({ pod: queued.podInfo.key, reason: message }, 'binding failed');
    this.deps.events.failedScheduling(pod, schedulerName, message);
    this.deps.status.unschedulable(pod, message, { reason: 'SchedulerError' });
    this.deps.metrics.attempt('error', schedulerName, (this.deps.clock.now() - started) / 1000);
    this.deps.queue.addUnschedulableIfNotPresent(queued, { unschedulablePlugins: new Set(), error: true });
  }

  /** Keeps the attempt for /debug/explain (the best and the first rejected nodes) and, when the pod asks, writes it all to its annotation. */
  private explain(podInfo: PodInfo, profile: string, outcome: FindNodesResult, annotate: boolean, result: Pick<Attempt, 'result' | 'selectedNode' | 'message'>): void {
    const limit = annotate ? Infinity : SUMMARY_NODES;
    const feasible = rankedNodes(outcome.feasible, limit);
    const rejected: (readonly [string, Status])[] = [];
    for (const entry of outcome.diagnosis.nodeToStatus) {
      if (rejected.length >= limit) break;
      rejected.push(entry);
    }
    const attempt: Attempt = {
      pod: podInfo.key,
      uid: podInfo.uid,
      profile,
      time: this.deps.clock.now(),
      ...result,
      evaluatedNodes: outcome.evaluatedNodes,
      feasibleNodes: outcome.feasibleNodes,
      feasible,
      rejected,
      omitted: outcome.feasible.length - feasible.names.length + outcome.diagnosis.nodeToStatus.size - rejected.length,
    };
    this.deps.explanations.record(attempt);
    if (!annotate) return;
    const text = annotationText(explanationOf(attempt));
    if (podInfo.pod.metadata?.annotations?.[EXPLANATION_ANNOTATION] === text) return;
    this.deps.pool
      .run('background', () => this.deps.client.patch(PODS, { namespace: podInfo.namespace, name: podInfo.name }, { metadata: { annotations: { [EXPLANATION_ANNOTATION]: text } } }, 'merge'))
      .catch((error: unknown) => {
        if (!(error instanceof StatusError && error.code === 404)) this.deps.log.warn({ pod: podInfo.key, err: (error as Error)?.message }, 'explanation annotation not written');
      });
  }
}
