// Replays a trace through a full cluster instead of in process: each pod is created in the
// apiserver at its arrival (in real time, or scaled: --time-scale virtual seconds per wall
// second), the cluster's scheduler process binds it and a simulated node runs it; a pod informer
// sees each binding, and the replay deletes the pod once its duration has passed, as the trace
// deletes pods. The outcome has the in-process simulator's fields, so results.json, the CSV files
// and the report are made the same way. What the cluster does not tell the replay is counted
// from what it shows: an attempt is a binding or a PodScheduled=False update, a preemption a pod
// that went away without the replay deleting it. The replay ends once every arrival, deletion
// and run has happened and the cluster has been quiet for a while with every pod still pending
// marked Unschedulable by the scheduler.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { findResource } from '../../api/resources.js';
import { StatusError } from '../../api/status.js';
import { HttpBus } from '../../bus/http-bus.js';
import { Informer } from '../../client/informer.js';
import type { RestClient } from '../../client/rest-client.js';
import { podInfoFromPod } from '../../sched/pod-info.js';
import { resourcesFromList } from '../../sched/resources.js';
import type { PodInfo } from '../../sched/types.js';
import type { SimProfile } from '../profiles.js';
import { emptyOutcome, TYPICAL_MILLI_CPU, type SimOutcome } from '../simulator.js';
import type { SimTrace } from '../trace.js';
import { ClusterUsage } from '../usage.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;

export interface ClusterReplayOptions {
  trace: SimTrace;
  profile: SimProfile;
  client: RestClient;
  /** Virtual seconds per wall-clock second (1: real time). */
  timeScale: number;
  /** The namespace the pods are made in (created if missing). */
  namespace: string;
  /** Wall-clock ms of quiet before the replay ends (default 2,000). */
  settleMs?: number;
  samples?: number;
  onProgress?: (arrived: number, total: number) => void;
}

interface PodState {
  info: PodInfo;
  arrivedMs: number;
  durationMs: number | undefined;
  node?: string;
  deleting: boolean;
  ended: boolean;
  unschedulable: boolean;
}

const ignoreMissing = (error: unknown): void => {
  if (!(error instanceof StatusError && error.code === 404)) throw error;
};

export async function replayOnCluster(o: ClusterReplayOptions): Promise<SimOutcome> {
  const { trace, profile, client, namespace } = o;
  const settleMs = o.settleMs ?? 2000;
  const schedulerName = profile.configuration.profiles[0]?.schedulerName ?? 'default-scheduler';
  const outcome = emptyOutcome(profile.name);
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }).catch((error: unknown) => {
    if (!(error instanceof StatusError && error.code === 409)) throw error;
  });
  const usage = new ClusterUsage();
  for (const node of (await client.listAll<Node>(NODES, { pageSize: 5000 })).items) {
    const allocatable = resourcesFromList(node.status?.allocatable as Record<string, unknown> | undefined);
    usage.addNode(node.metadata!.name!, allocatable.milliCpu, allocatable.memory);
  }

  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const virtualNow = (): number => (performance.now() - started) * o.timeScale;
  const wallDelay = (virtualMs: number): number => Math.max(0, started + virtualMs / o.timeScale - performance.now());
  const pods = new Map<string, PodState>();
  const timers = new Set<NodeJS.Timeout>();
  let lastEventMs = 0;
  let lastChangeWall = performance.now();
  let failure: Error | undefined;
  let finished = false;
  const later = (virtualMs: number, fn: () => Promise<void>): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn().catch((error: unknown) => (failure ??= error as Error));
    }, wallDelay(virtualMs));
    timers.add(timer);
  };
  const deletePod = async (state: PodState): Promise<void> => {
    if (state.ended || state.deleting) return;
    state.deleting = true;
    await client.delete(PODS, { namespace, name: state.info.name }, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 }).catch(ignoreMissing);
  };

  const observe = (pod: Pod): void => {
    const state = pods.get(pod.metadata!.name!);
    if (!state || state.ended) return;
    const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (!state.node && condition?.status === 'False' && !state.unschedulable) {
      state.unschedulable = true;
      outcome.attempts.unschedulable++;
      lastChangeWall = performance.now();
    }
    const nodeName = pod.spec?.nodeName;
    if (state.node || !nodeName) return;
    const now = virtualNow();
    state.node = nodeName;
    state.unschedulable = false;
    usage.place(state.info, nodeName);
    outcome.attempts.scheduled++;
    outcome.placements.push({ pod: state.info.name, node: nodeName, at: Math.round(now) / 1000 });
    outcome.pendingSeconds.push(Math.max(0, now - state.arrivedMs) / 1000);
    lastEventMs = now;
    lastChangeWall = performance.now();
    if (state.durationMs !== undefined) later(now + state.durationMs, () => deletePod(state));
  };
  const gone = (pod: Pod): void => {
    const state = pods.get(pod.metadata!.name!);
    if (!state || state.ended) return;
    state.ended = true;
    if (finished) return;
    lastChangeWall = performance.now();
    if (!state.deleting) outcome.preemptions++;
    else if (!state.node) outcome.podsDeletedWhilePending++;
    if (state.node) {
      usage.remove(state.info, state.node);
      lastEventMs = virtualNow();
    }
  };
  const informer = new Informer({ client, bus: new HttpBus(client), resource: PODS, namespace, pageSize: 5000 });
  informer.addEventHandler({ onAdd: (pod) => observe(pod as Pod), onUpdate: (_before, pod) => observe(pod as Pod), onDelete: (pod) => gone(pod as Pod) });
  informer.start();
  if (!(await informer.waitForSync(60_000))) throw new Error(`the pods of namespace ${namespace} could not be listed`);

  let horizonMs = 0;
  for (const a of trace.arrivals) horizonMs = Math.max(horizonMs, a.atMs + (a.durationMs ?? 0));
  const sampleEveryMs = Math.max(1000, Math.ceil(horizonMs / (o.samples ?? 200) / 1000) * 1000);
  const sample = (): void => {
    let pending = 0;
    for (const s of pods.values()) if (!s.ended && !s.node) pending++;
    outcome.samples.push(usage.sample(Math.round(virtualNow()) / 1000, pending));
    outcome.fragmentation.push(usage.fragmentation(TYPICAL_MILLI_CPU));
  };
  sample();
  const sampler = setInterval(sample, sampleEveryMs / o.timeScale);

  for (const deletion of trace.deletions) {
    later(deletion.atMs, async () => {
      const state = pods.get(deletion.name);
      if (state) await deletePod(state);
    });
  }
  try {
    let arrived = 0;
    for (const arrival of trace.arrivals) {
      const wait = wallDelay(arrival.atMs);
      if (wait > 0) await sleep(wait);
      if (failure) throw failure;
      const { uid: _uid, ...metadata } = arrival.pod.metadata!;
      const pod: Pod = { ...arrival.pod, metadata: { ...metadata, namespace }, spec: { ...arrival.pod.spec!, schedulerName, terminationGracePeriodSeconds: 0 } };
      pods.set(metadata.name!, { info: podInfoFromPod(arrival.pod), arrivedMs: virtualNow(), durationMs: arrival.durationMs, deleting: false, ended: false, unschedulable: false });
      lastChangeWall = performance.now();
      await client.create(PODS, pod, { namespace });
      if (++arrived % 100 === 0) o.onProgress?.(arrived, trace.arrivals.length);
    }
    // Every run and deletion has happened, and the cluster is quiet with the rest Unschedulable.
    for (;;) {
      if (failure) throw failure;
      let settled = timers.size === 0;
      for (const s of pods.values()) if (!s.ended && (s.deleting || (!s.node && !s.unschedulable))) settled = false;
      if (settled && performance.now() - lastChangeWall >= settleMs) break;
      await sleep(50);
    }
  } finally {
    clearInterval(sampler);
    for (const timer of timers) clearTimeout(timer);
  }
  outcome.wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  outcome.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  sample();
  o.onProgress?.(trace.arrivals.length, trace.arrivals.length);
  outcome.podsScheduled = outcome.placements.length;
  for (const s of pods.values()) if (!s.ended && !s.node) outcome.podsUnschedulable++;
  outcome.attempts.total = outcome.attempts.scheduled + outcome.attempts.unschedulable;
  outcome.nodesUsedPeak = usage.nodesUsedPeak;
  outcome.makespanSeconds = lastEventMs / 1000;

  // Leave the nodes empty for the next profile: the namespace's pods go at once.
  finished = true;
  for (const s of pods.values()) if (!s.ended) await deletePod(s);
  const deadline = performance.now() + 120_000;
  while ([...pods.values()].some((s) => !s.ended) && performance.now() < deadline) await sleep(50);
  await informer.stop();
  await client.delete(NAMESPACES, { name: namespace }).catch(ignoreMissing);
  return outcome;
}
