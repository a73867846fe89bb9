// The pod workers: every pod bound to a hosted node is a key (its uid) in one work queue, so a pod
// is never synced twice at once; a sync takes the pod from the informer's latest copy and the
// runtime's observation and moves one toward the other:
//   new pod          -> admission (or a Failed status with the rejection)
//   admitted pod     -> the plan (init containers, containers, restarts) carried out, status written
//   deletionTimestamp-> containers stopped within the grace period, final status, deleted with grace 0
//   gone from the API-> whatever the runtime still holds of it killed and removed
import type { ContainerState, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../../lib/client/clock.js';
import type { EventRecorder } from '../../../lib/client/event-recorder.js';
import { RateLimitingQueue } from '../../../lib/client/workqueue/rate-limiting-queue.js';
import type { Logger } from '../../../lib/observe/logger.js';
import type { HostedNode } from '../hosted-node.js';
import type { KubeletMetrics } from '../metrics.js';
import type { PodKillTarget, PodObservation, PodRuntime } from '../runtime/pod-runtime.js';
import type { ProbeManager } from '../probes/probe-manager.js';
import { admitPod } from './admission.js';
import { generatePodStatus, rejectedPodStatus, terminatedState } from './api-status.js';
import { CrashBackoff } from './crash-backoff.js';
import { recordPodEvent } from './pod-events.js';
import type { StatusWriter } from './status-writer.js';
import { computePlan, type Waiting } from './sync-plan.js';

interface PodEntry {
  uid: string;
  nodeName: string;
  pod: Pod;
  /** The API object is gone (deleted, or moved off this node). */
  gone: boolean;
  admitted: boolean;
  firstSeen: number;
  startTime: number;
  lastTerminated: Map<string, ContainerState>;
  /** Counted in kubelet_pod_start_duration_seconds. */
  started: boolean;
  /** The CrashLoopBackOff message each waiting container's BackOff event was recorded for. */
  backOffNoted: Map<string, string>;
  /** Finished, and its sandboxes stopped by this kubelet. */
  released: boolean;
}

export interface PodWorkersConfig {
  nodes: ReadonlyMap<string, HostedNode>;
  statusWriter: StatusWriter;
  clock: Clock;
  log: Logger;
  metrics: KubeletMetrics;
  workers: number;
  /** Runs the pods' probes (real nodes); without it a container is started and ready while it runs. */
  probes?: ProbeManager;
  /** Where the BackOff events of crash-looping containers go. */
  events?: EventRecorder;
}

const terminalPhase = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

function seedLastTerminated(pod: Pod): Map<string, ContainerState> {
  const map = new Map<string, ContainerState>();
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) if (s.lastState?.terminated) map.set(s.name, s.lastState);
  return map;
}

export class PodWorkers {
  private readonly entries = new Map<string, PodEntry>();
  private readonly queue: RateLimitingQueue<string>;
  private readonly backoff = new CrashBackoff();
  private running: Promise<void>[] = [];

  constructor(private readonly config: PodWorkersConfig) {
    this.queue = new RateLimitingQueue<string>({ clock: config.clock });
  }

  /** The informer saw `pod` (added or changed). */
  upsert(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const nodeName = pod.spec?.nodeName ?? '';
    if (!uid || !this.config.nodes.has(nodeName)) return;
    let entry = this.entries.get(uid);
    if (!entry) {
      const now = this.config.clock.now();
      const started = pod.status?.startTime ? Date.parse(pod.status.startTime) : now;
      entry = { uid, nodeName, pod, gone: false, admitted: false, firstSeen: now, startTime: started, lastTerminated: seedLastTerminated(pod), started: pod.status?.phase === 'Running', backOffNoted: new Map(), released: false };
      this.entries.set(uid, entry);
    }
    entry.pod = pod;
    this.queue.add(uid);
  }

  /**
   * The informer saw `pod` deleted. As in Kubernetes (whose admission counts only the pods its pod
   * manager still holds), a pod gone from the API stops counting against the node at once, while
   * its containers are still being killed: its replacement is admitted.
   */
  remove(pod: Pod): void {
    const entry = this.entries.get(pod.metadata?.uid ?? '');
    if (!entry) return;
    entry.gone = true;
    this.config.nodes.get(entry.nodeName)?.admitted.delete(entry.uid);
    this.queue.add(entry.uid);
  }

  /** The runtime reports a change of the pod (PLEG). */
  enqueue(uid: string): void {
    if (this.entries.has(uid)) this.queue.add(uid);
  }

  knows(uid: string): boolean {
    return this.entries.has(uid);
  }

  /** After a restart: pods the runtime still runs were admitted before; they are adopted, not re-admitted. */
  adopt(nodeName: string, observations: readonly PodObservation[]): void {
    const hosted = this.config.nodes.get(nodeName);
    for (const o of observations) {
      const entry = this.entries.get(o.uid);
      if (!entry || !hosted || entry.nodeName !== nodeName) continue;
      entry.admitted = true;
      if (!terminalPhase(entry.pod)) hosted.admitted.add(o.uid);
    }
  }

  /** Pods known per node, for metrics. */
  count(): number {
    return this.entries.size;
  }

  start(): void {
    for (let i = 0; i < this.config.workers; i++) this.running.push(this.work());
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.running);
  }

  private async work(): Promise<void> {
    for (;;) {
      const uid = await this.queue.get();
      if (uid === undefined) return;
      const began = this.config.clock.now();
      try {
        await this.sync(uid);
        this.queue.forget(uid);
      } catch (error) {
        const entry = this.entries.get(uid);
        this.config.log.warn({ pod: entry ? `${entry.pod.metadata?.namespace}/${entry.pod.metadata?.name}` : uid, err: (error as Error).message }, 'pod sync failed; retrying');
        this.queue.addRateLimited(uid);
      } finally {
        this.config.metrics.podWorkerDuration.observe({ operation: 'sync' }, (this.config.clock.now() - began) / 1000);
        this.queue.done(uid);
      }
    }
  }

  private async sync(uid: string): Promise<void> {
    const entry = this.entries.get(uid);
    if (!entry) return;
    const hosted = this.config.nodes.get(entry.nodeName);
    if (!hosted) return;
    const runtime = hosted.runtime;
    const pod = entry.pod;
    const target = { uid, name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', pod };

    if (entry.gone || pod.metadata?.deletionTimestamp || terminalPhase(pod)) this.config.probes?.removePod(uid);
    if (entry.gone) {
      await runtime.killPod(target, 0);
      await runtime.removePod(uid);
      hosted.admitted.delete(uid);
      this.backoff.forgetPod(uid);
      this.entries.delete(uid);
      return;
    }
    if (pod.metadata?.deletionTimestamp) return this.terminate(entry, hosted);
    if (terminalPhase(pod)) {
      // Finished (or refused): nothing may run any more; its sandbox and address go back.
      hosted.admitted.delete(uid);
      await this.release(entry, runtime, target, await runtime.podStatus(uid));
      return;
    }
    if (!entry.admitted) {
      const others = [...hosted.admitted].map((u) => this.entries.get(u)?.pod).filter((p): p is Pod => p !== undefined);
      const verdict = admitPod(pod, hosted.node, others);
      if (!verdict.admit) {
        this.config.metrics.admissionRejections.inc({ reason: verdict.reason ?? '' });
        this.config.log.info({ pod: `${target.namespace}/${target.name}`, node: entry.nodeName, reason: verdict.reason }, 'pod rejected at admission');
        await this.config.statusWriter.write(pod, rejectedPodStatus(pod, verdict.reason ?? '', verdict.message ?? ''));
        return;
      }
      entry.admitted = true;
      hosted.admitted.add(uid);
    }

    const now = this.config.clock.now();
    let observed = await runtime.podStatus(uid);
    const probes = this.config.probes;
    const unhealthy = probes?.apply(pod, runtime, observed, hosted.identity.internalIP) ?? [];
    const decision = computePlan({ pod, observed, backoff: this.backoff, now, unhealthy });
    const waiting = new Map<string, Waiting>(decision.waiting);
    this.noteBackOffs(entry, decision.waiting);
    for (const name of decision.plan.start) {
      const previous = observed?.containers.find((c) => c.name === name);
      if (previous?.state === 'exited') entry.lastTerminated.set(name, terminatedState(previous));
    }
    if (decision.terminal) {
      observed = await this.release(entry, runtime, target, observed);
      hosted.admitted.delete(uid);
    } else if (decision.plan.ensureSandbox || decision.plan.kill.length > 0 || decision.plan.start.length > 0) {
      const result = await runtime.syncPod(pod, decision.plan);
      observed = result.observed;
      this.config.metrics.startedContainers.inc(decision.plan.start.length);
      for (const failure of result.failures) {
        if (failure.container) waiting.set(failure.container, { reason: failure.reason, message: failure.message });
        this.config.log.warn({ pod: `${target.namespace}/${target.name}`, node: entry.nodeName, container: failure.container, reason: failure.reason }, failure.message);
        if (failure.reason === 'PostStartHookError') {
          // as Kubernetes: the hook's output stays out of the event (it may hold secrets)
          recordPodEvent(this.config.events, pod, 'Warning', 'FailedPostStartHook', 'StartContainer', 'PostStartHook failed');
          recordPodEvent(this.config.events, pod, 'Normal', 'Killing', 'Killing', 'FailedPostStartHook');
        }
      }
      if (result.failures.length > 0) this.queue.addAfter(uid, 1000);
      if (decision.plan.kill.length > 0) this.queue.add(uid);
    }
    if (decision.terminal) probes?.removePod(uid);
    else probes?.apply(pod, runtime, observed, hosted.identity.internalIP);
    const status = generatePodStatus({ pod, observed, waiting, lastTerminated: entry.lastTerminated, terminal: decision.terminal, stopped: false, hostIP: hosted.identity.internalIP, startTime: entry.startTime, now: this.config.clock.now() });
    const stored = await this.config.statusWriter.write(pod, status);
    if (stored) entry.pod = stored;
    if (!entry.started && status.phase === 'Running' && status.containerStatuses?.every((c) => c.state?.running)) {
      entry.started = true;
      const seconds = (this.config.clock.now() - entry.firstSeen) / 1000;
      this.config.metrics.podStartDuration.observe(seconds);
      this.config.metrics.podStartSliDuration.observe(seconds);
      this.config.metrics.startedPods.inc();
    }
    if (decision.retryInMs !== undefined) this.queue.addAfter(uid, decision.retryInMs);
  }

  /**
   * A finished pod: whatever still runs is stopped, and every sandbox of it, ready or not, so that
   * its network (namespace, veth, address) goes back — also that of a sandbox the runtime lost (a
   * node whose processes were all killed), which Kubernetes' killPod stops too. Once per kubelet
   * life for a pod where nothing runs; returns the runtime's view afterwards.
   */
  private async release(entry: PodEntry, runtime: PodRuntime, target: PodKillTarget, observed: PodObservation | undefined): Promise<PodObservation | undefined> {
    const running = observed?.sandbox?.ready || observed?.containers.some((c) => c.state === 'running');
    if (!running && (entry.released || !observed?.sandbox)) return observed;
    await runtime.killPod(target, 0);
    entry.released = true;
    return runtime.podStatus(entry.uid);
  }

  /** A BackOff event per back-off step of a crash-looping container, as Kubernetes words it. */
  private noteBackOffs(entry: PodEntry, waiting: ReadonlyMap<string, Waiting>): void {
    const pod = entry.pod;
    for (const [name, wait] of waiting) {
      if (wait.reason !== 'CrashLoopBackOff' || entry.backOffNoted.get(name) === wait.message) continue;
      entry.backOffNoted.set(name, wait.message ?? '');
      recordPodEvent(this.config.events, pod, 'Warning', 'BackOff', 'StartContainer', `Back-off restarting failed container ${name} in pod ${pod.metadata?.name}_${pod.metadata?.namespace}(${entry.uid})`);
    }
  }

  /** Graceful deletion: stop everything within the grace period, report, then delete with grace 0. */
  private async terminate(entry: PodEntry, hosted: HostedNode): Promise<void> {
    const pod = entry.pod;
    const runtime = hosted.runtime;
    const target = { uid: entry.uid, name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', pod };
    if (entry.admitted) {
      const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      if (this.config.events) {
        const running = (await runtime.podStatus(entry.uid))?.containers.filter((c) => c.state === 'running') ?? [];
        for (const c of running) recordPodEvent(this.config.events, pod, 'Normal', 'Killing', 'Killing', `Stopping container ${c.name}`);
      }
      await runtime.killPod(target, grace);
      const observed = await runtime.podStatus(entry.uid);
      if (observed && observed.containers.length > 0) {
        const status = generatePodStatus({ pod, observed, waiting: new Map(), lastTerminated: entry.lastTerminated, stopped: true, hostIP: hosted.identity.internalIP, startTime: entry.startTime, now: this.config.clock.now() });
        const stored = await this.config.statusWriter.write(pod, status);
        if (stored) entry.pod = stored;
      }
    }
    hosted.admitted.delete(entry.uid);
    await this.config.statusWriter.finishDeletion(entry.pod);
    await runtime.removePod(entry.uid);
  }
}
