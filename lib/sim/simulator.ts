// Replays a trace against one scheduler configuration in process, on virtual time: the real
// scheduling queue, cache, framework (with the native kernel, or TypeScript plugins only) and any
// researcher plugins, as the scheduler's own loop uses them (find nodes, assume, Reserve, Permit,
// PreBind, Bind, PostBind; PostFilter preemption when nothing fits). Binding is instant and a
// pod runs for its duration from then. Scheduling takes no virtual time, so a run depends only
// on the trace, the configuration and the seed.
import { buildFrameworks, DEFAULT_SCHEDULER_NAME } from '../sched/config/index.js';
import { SchedulerCache } from '../sched/cache.js';
import { FrameworkSchedulingProfile } from '../sched/framework/framework-adapter.js';
import type { Framework, HandleDeps, PluginFactories } from '../sched/framework/index.js';
import { seededRandom } from '../sched/framework/random.js';
import { registerPluginModules } from '../sched/framework/plugin-modules.js';
import { NativeAccelerator } from '../sched/kernel/index.js';
import { podInfoFromPod } from '../sched/pod-info.js';
import { inTreePluginFactories } from '../sched/plugins/in-tree.js';
import { ASSIGNED_POD_ADD, ASSIGNED_POD_DELETE } from '../sched/queue/cluster-events.js';
import { Nominator } from '../sched/queue/nominator.js';
import { queueConfigOf, queueSettings } from '../sched/queue/queue-settings.js';
import type { QueuedPodInfo } from '../sched/queue/queued-pod.js';
import { SchedulingQueue } from '../sched/queue/scheduling-queue.js';
import type { PodInfo } from '../sched/types.js';
import type { SimProfile } from './profiles.js';
import { NAMESPACE, type SimTrace } from './trace.js';
import { ClusterUsage, type UsageSample } from './usage.js';
import { VirtualClock } from './virtual-clock.js';

export interface SimulateOptions {
  trace: SimTrace;
  profile: SimProfile;
  /** Seeds the framework's tie-breaking. */
  seed: number;
  /** ES modules exporting researcher plugins (see the scheduler README). */
  pluginModules?: readonly string[];
  /** Run the plugins the Rust kernel supports natively (default); false: TypeScript plugins only. */
  nativeKernel?: boolean;
  /** Points on the timeline (default 200). */
  samples?: number;
  /** Called now and then with the arrivals replayed so far. */
  onProgress?: (arrived: number, total: number) => void;
}

export interface Placement {
  pod: string;
  node: string;
  /** Virtual seconds at which it was bound. */
  at: number;
}

export interface SimOutcome {
  profile: string;
  placements: Placement[];
  podsScheduled: number;
  /** Pods never placed (still pending at the end). */
  podsUnschedulable: number;
  /** Pods deleted by the trace before they were placed. */
  podsDeletedWhilePending: number;
  preemptions: number;
  attempts: { total: number; scheduled: number; unschedulable: number; error: number };
  nodesUsedPeak: number;
  /** Virtual seconds from each scheduled pod's arrival to its binding. */
  pendingSeconds: number[];
  /** Virtual seconds until the last scheduled pod finished (or was placed, if some run on). */
  makespanSeconds: number;
  fragmentation: number[];
  samples: UsageSample[];
  /** Wall-clock seconds of the replay (not part of the results: it varies run to run). */
  wallSeconds: number;
  /** CPU seconds of this process during the replay (on a shared machine, steadier than wall time). */
  cpuSeconds: number;
}

interface PodState {
  info: PodInfo;
  arrivedMs: number;
  durationMs: number | undefined;
  node?: string;
  finish?: { cancel(): void };
  ended: boolean;
}

/** The request a typical pod makes, for the fragmentation measure. */
export const TYPICAL_MILLI_CPU = 1000;

/** An outcome with nothing counted yet. */
export function emptyOutcome(profile: string): SimOutcome {
  return {
    profile,
    placements: [],
    podsScheduled: 0,
    podsUnschedulable: 0,
    podsDeletedWhilePending: 0,
    preemptions: 0,
    attempts: { total: 0, scheduled: 0, unschedulable: 0, error: 0 },
    nodesUsedPeak: 0,
    pendingSeconds: [],
    makespanSeconds: 0,
    fragmentation: [],
    samples: [],
    wallSeconds: 0,
    cpuSeconds: 0,
  };
}

export async function simulate(options: SimulateOptions): Promise<SimOutcome> {
  const { trace, profile } = options;
  const clock = new VirtualClock();
  const cache = new SchedulerCache();
  const usage = new ClusterUsage();
  const accelerator = options.nativeKernel === false ? undefined : NativeAccelerator.create(cache);
  const nominator = new Nominator<PodInfo>();
  const pods = new Map<string, PodState>();
  const outcome = emptyOutcome(profile.name);
  let lastEventMs = 0;

  const remove = (state: PodState): void => {
    state.ended = true;
    state.finish?.cancel();
    if (state.node === undefined) return;
    cache.removePod(state.info.key);
    usage.remove(state.info, state.node);
    lastEventMs = clock.now();
    queue.onEvent(ASSIGNED_POD_DELETE);
  };

  const registry: PluginFactories = accelerator ? inTreePluginFactories().merge(accelerator.extensionPluginFactories()) : inTreePluginFactories();
  await registerPluginModules(registry, options.pluginModules ?? []);
  const handleDeps: HandleDeps = {
    binder: async () => {},
    nominator,
    deletePod: async (victim) => {
      const state = pods.get(victim.key);
      if (!state || state.ended) return;
      outcome.preemptions++;
      remove(state);
    },
    clearNominatedNodeName: async () => {},
    clock: () => clock.now(),
    random: seededRandom(options.seed),
  };
  // Every pod goes to the configuration's first profile.
  const configuration = { ...profile.configuration, profiles: profile.configuration.profiles.slice(0, 1) };
  const framework = [...buildFrameworks(configuration, registry, handleDeps, accelerator ? { accelerator } : {}).values()][0]!;
  if (framework.bindPlugins.length === 0) throw new Error(`profile ${profile.name}: at least one bind plugin is needed`);
  const scheduling = new FrameworkSchedulingProfile(framework);
  const settings = queueSettings(new Map<string, Framework>([[DEFAULT_SCHEDULER_NAME, framework]]), configuration);
  const queue = new SchedulingQueue<PodInfo>({ clock, nominator, ...queueConfigOf(settings) });

  for (const node of trace.nodes) {
    cache.addNode(node);
    const name = node.metadata!.name!;
    const info = cache.nodeInfo(name)!;
    usage.addNode(name, info.allocatable.milliCpu, info.allocatable.memory);
  }

  // The workload's events, and a timeline sampled at a fixed virtual interval.
  let horizonMs = 0;
  trace.arrivals.forEach((arrival, i) => {
    horizonMs = Math.max(horizonMs, arrival.atMs + (arrival.durationMs ?? 0));
    clock.at(arrival.atMs, () => {
      const info = podInfoFromPod(arrival.pod);
      pods.set(info.key, { info, arrivedMs: clock.now(), durationMs: arrival.durationMs, ended: false });
      lastEventMs = clock.now();
      queue.add(info);
      if (i % 1000 === 999) options.onProgress?.(i + 1, trace.arrivals.length);
    });
  });
  for (const deletion of trace.deletions) {
    horizonMs = Math.max(horizonMs, deletion.atMs);
    clock.at(deletion.atMs, () => {
      const state = pods.get(`${NAMESPACE}/${deletion.name}`);
      if (!state || state.ended) return;
      if (state.node === undefined) {
        outcome.podsDeletedWhilePending++;
        queue.delete(state.info.key);
        state.ended = true;
        return;
      }
      remove(state);
    });
  }
  const sampleEveryMs = Math.max(1000, Math.ceil(horizonMs / (options.samples ?? 200) / 1000) * 1000);
  const sample = (): void => {
    const counts = queue.counts();
    outcome.samples.push(usage.sample(clock.now() / 1000, counts.active + counts.backoff + counts.unschedulable + counts.gated));
    outcome.fragmentation.push(usage.fragmentation(TYPICAL_MILLI_CPU));
  };
  const tick = (): void => {
    sample();
    clock.setTimer(tick, sampleEveryMs);
  };
  clock.setTimer(tick, 0);
  queue.run();

  const attempt = async (queued: QueuedPodInfo<PodInfo>): Promise<void> => {
    const podInfo = queued.podInfo;
    const state = pods.get(podInfo.key);
    if (!state || state.ended) {
      queue.done(podInfo.key);
      return;
    }
    outcome.attempts.total++;
    let result;
    try {
      result = scheduling.findNodes(podInfo, cache.snapshot(), { pluginScores: false, alwaysScore: false });
    } catch {
      outcome.attempts.error++;
      queue.addUnschedulableIfNotPresent(queued, { unschedulablePlugins: new Set(), error: true });
      return;
    }
    if (result.feasible.length === 0) {
      outcome.attempts.unschedulable++;
      const post = await scheduling.postFilter(result, podInfo);
      if (post?.nominatedNodeName) nominator.addNominatedPod(podInfo, post.nominatedNodeName);
      queue.addUnschedulableIfNotPresent(queued, { unschedulablePlugins: result.diagnosis.unschedulablePlugins });
      return;
    }
    const nodeName = result.feasible[0]!.name;
    cache.assumePod(podInfo, nodeName);
    let failure = scheduling.reserve(result.state, podInfo, nodeName);
    if (failure === undefined) {
      try {
        await scheduling.permitAndBind(result.state, podInfo, nodeName);
      } catch (error) {
        failure = (error as Error).message;
      }
    }
    if (failure !== undefined) {
      scheduling.unreserve(result.state, podInfo, nodeName);
      cache.forgetPod(podInfo.key);
      outcome.attempts.error++;
      queue.addUnschedulableIfNotPresent(queued, { unschedulablePlugins: new Set(), error: true });
      return;
    }
    cache.finishBinding(podInfo.key);
    nominator.delete(podInfo.key);
    queue.done(podInfo.key);
    scheduling.postBind(result.state, podInfo, nodeName);
    outcome.attempts.scheduled++;
    const now = clock.now();
    state.node = nodeName;
    usage.place(podInfo, nodeName);
    lastEventMs = now;
    outcome.placements.push({ pod: podInfo.name, node: nodeName, at: now / 1000 });
    outcome.pendingSeconds.push((now - state.arrivedMs) / 1000);
    if (state.durationMs !== undefined) state.finish = clock.at(now + state.durationMs, () => remove(state));
    queue.onEvent(ASSIGNED_POD_ADD);
  };

  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  for (;;) {
    while (queue.counts().active > 0) {
      const queued = await queue.pop();
      if (queued) await attempt(queued);
    }
    if (clock.workloadEvents === 0 && queue.counts().backoff === 0) break;
    if (!clock.fireNext()) break;
  }
  outcome.wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuAtStart);
  outcome.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  sample();
  queue.close();
  accelerator?.close();
  options.onProgress?.(trace.arrivals.length, trace.arrivals.length);

  outcome.podsScheduled = outcome.placements.length;
  for (const state of pods.values()) if (!state.ended && state.node === undefined) outcome.podsUnschedulable++;
  outcome.nodesUsedPeak = usage.nodesUsedPeak;
  outcome.makespanSeconds = lastEventMs / 1000;
  return outcome;
}
