// Runs a scenario's phases against a cluster: every object it makes carries the label
// rudder-bench-run=<run id> in namespaces it made; a pod informer over that label feeds the pod
// timeline, every API call goes through the recorder, and once a second a few reads (a namespace,
// a namespace's pods, the cluster's nodes) sample read latency as clusterloader2's probes do.
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { findResource } from '../api/resources.js';
import { HttpBus } from '../bus/http-bus.js';
import { Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest-client.js';
import { ApiCallRecorder } from './api-calls.js';
import { paced } from './paced.js';
import { PodTimeline, type PodCounts } from './pod-timeline.js';
import type { Phase, Scenario } from './scenario.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
export const RUN_LABEL = 'rudder-bench-run';
/** Churned pods live this many churn ticks before the churn deletes them. */
const CHURN_WINDOW = 10;

export interface PhaseRecord {
  name: string;
  action: Phase['action'];
  startMs: number;
  endMs: number;
  requests: number;
  failedRequests: number;
  /** The wait did not see its condition before the phase's timeout. */
  timedOut: boolean;
  /** A backlog phase: when the scheduler was started on the pods it made. */
  schedulerStartMs: number | undefined;
}

export interface ScenarioRun {
  runId: string;
  nodes: number;
  phases: PhaseRecord[];
  calls: ApiCallRecorder;
  timeline: PodTimeline;
  durationMs: number;
}

export interface RunHooks {
  /** A phase starts; `total` is how many steps its progress counts (requests, or churn ticks). */
  onPhase?(phase: Phase, total: number): void;
  onStep?(done: number, counts: PodCounts): void;
  /** The phase waits for its condition. */
  onWait?(phase: Phase, counts: PodCounts, expected: number): void;
}

/** Stops and starts the cluster's scheduler, for backlog phases. */
export interface SchedulerControl {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface RunOptions {
  scenario: Scenario;
  /** A client the run may use freely (its own rate limits off). */
  client: RestClient;
  /** Nodes of the cluster (for podsPerNode). */
  nodes: number;
  /** Names this run's namespaces (default: a random id). */
  runId?: string;
  hooks?: RunHooks;
  /** Only a cluster the bench started has one; a backlog phase needs it. */
  scheduler?: SchedulerControl;
}

const now = (): number => performance.now();

function podObject(scenario: Scenario, runId: string, namespace: string, name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { [RUN_LABEL]: runId } },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: scenario.pod.cpu, memory: scenario.pod.memory } } }] },
  };
}

function deploymentObject(scenario: Scenario, runId: string, namespace: string, name: string, replicas: number): Deployment {
  const labels = { [RUN_LABEL]: runId, app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podObject(scenario, runId, namespace, name).spec! } },
  };
}

class Run {
  readonly calls: ApiCallRecorder;
  readonly timeline: PodTimeline;
  readonly namespaces: string[] = [];
  readonly deployments = new Map<string, { namespace: string; name: string; replicas: number }>();
  readonly barePods = new Set<string>();
  private readonly t0 = now();
  private step = 0;

  constructor(
    readonly o: RunOptions,
    readonly runId: string,
  ) {
    this.calls = new ApiCallRecorder(() => this.elapsed());
    this.timeline = new PodTimeline(() => this.elapsed());
  }

  elapsed(): number {
    return now() - this.t0;
  }

  expectedPods(): number {
    let total = this.barePods.size;
    for (const d of this.deployments.values()) total += d.replicas;
    return total;
  }

  stepDone(): void {
    this.o.hooks?.onStep?.(++this.step, this.timeline.counts());
  }

  startPhase(phase: Phase, total: number): void {
    this.step = 0;
    this.o.hooks?.onPhase?.(phase, total);
  }

  /** Pods a phase makes in each namespace: podsPerNode × nodes spread over the namespaces, or `count` objects of `podsPerObject`. */
  podsPerNamespace(phase: Phase, podsPerObject: number): number {
    if (phase.podsPerNode === undefined) return phase.count * podsPerObject;
    return Math.max(1, Math.ceil((phase.podsPerNode * this.o.nodes) / Math.max(1, this.namespaces.length)));
  }

  async createPod(namespace: string, name: string): Promise<void> {
    this.timeline.noteCreateRequest(namespace, name);
    await this.calls.timed('POST', 'pods', 'namespace', () => this.o.client.create(PODS, podObject(this.o.scenario, this.runId, namespace, name), { namespace }));
    this.barePods.add(`${namespace}/${name}`);
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    this.barePods.delete(`${namespace}/${name}`);
    await this.calls.timed('DELETE', 'pods', 'resource', () => this.o.client.delete(PODS, { namespace, name }));
  }

  /** The phase's action; returns [requests, failed requests]. */
  async act(phase: Phase): Promise<[number, number]> {
    const { client, scenario } = this.o;
    const concurrency = scenario.concurrency;
    const pace = async (count: number, task: (i: number) => Promise<void>): Promise<[number, number]> => {
      this.startPhase(phase, count);
      const failed = await paced(count, phase.qps, concurrency, now, async (i) => {
        try {
          await task(i);
        } finally {
          this.stepDone();
        }
      });
      return [count, failed];
    };
    switch (phase.action) {
      case 'createNamespaces': {
        const first = this.namespaces.length;
        return pace(phase.count, async (i) => {
          const name = `${scenario.name}-${this.runId}-${first + i}`;
          await this.calls.timed('POST', 'namespaces', 'cluster', () => client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [RUN_LABEL]: this.runId } } }));
          this.namespaces.push(name);
        });
      }
      case 'createDeployments': {
        // The last Deployment of a namespace takes the remainder, so podsPerNode makes that many pods.
        const pods = this.podsPerNamespace(phase, phase.replicas);
        const replicas = Math.max(1, phase.replicas);
        const per = Math.max(1, Math.ceil(pods / replicas));
        const first = this.deployments.size;
        return pace(per * this.namespaces.length, async (i) => {
          const namespace = this.namespaces[i % this.namespaces.length]!;
          const index = Math.floor(i / this.namespaces.length);
          const size = phase.podsPerNode === undefined ? phase.replicas : Math.min(replicas, pods - index * replicas);
          const name = `${phase.name.replace(/[^a-z0-9-]/g, '-')}-${first + i}`;
          await this.calls.timed('POST', 'deployments', 'namespace', () => client.create(DEPLOYMENTS, deploymentObject(scenario, this.runId, namespace, name, size), { namespace }));
          this.deployments.set(`${namespace}/${name}`, { namespace, name, replicas: size });
        });
      }
      case 'createPods': {
        const per = this.podsPerNamespace(phase, 1);
        const prefix = phase.name.replace(/[^a-z0-9-]/g, '-');
        return pace(per * this.namespaces.length, (i) => this.createPod(this.namespaces[i % this.namespaces.length]!, `${prefix}-${i}`));
      }
      case 'scaleDeployments': {
        const all = [...this.deployments.values()];
        return pace(all.length, async (i) => {
          const d = all[i]!;
          await this.calls.timed('PATCH', 'deployments', 'resource', () => client.patch(DEPLOYMENTS, { namespace: d.namespace, name: d.name }, { spec: { replicas: phase.replicas } }));
          d.replicas = phase.replicas;
        });
      }
      case 'churnPods': {
        const ticks = Math.max(1, Math.round((phase.durationMs / 1000) * Math.max(1, phase.qps)));
        const prefix = phase.name.replace(/[^a-z0-9-]/g, '-');
        const at = (i: number): [string, string] => [this.namespaces[i % this.namespaces.length]!, `${prefix}-${i}`];
        const [, failed] = await pace(ticks, async (i) => {
          await this.createPod(...at(i));
          if (i >= CHURN_WINDOW) await this.deletePod(...at(i - CHURN_WINDOW));
        });
        return [ticks * 2 - Math.min(ticks, CHURN_WINDOW), failed];
      }
      case 'deleteNamespaces': {
        const names = this.namespaces.splice(0);
        this.deployments.clear();
        this.barePods.clear();
        // The namespace first (it stops new pods), then its pods at once without grace, as a
        // benchmark's cleanup may: the simulated kubelet forgets them, and the next run starts
        // on empty nodes instead of behind thousands of graceful deletions.
        return pace(names.length, async (i) => {
          const namespace = names[i]!;
          await this.calls.timed('DELETE', 'namespaces', 'resource', () => client.delete(NAMESPACES, { name: namespace }));
          await this.calls.timed('DELETECOLLECTION', 'pods', 'namespace', () =>
            client.request({ method: 'DELETE', path: `/api/v1/namespaces/${namespace}/pods`, query: { labelSelector: `${RUN_LABEL}=${this.runId}` }, body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 } }),
          );
        });
      }
    }
  }

  /** Whether the phase's wait condition holds. */
  async settled(phase: Phase): Promise<boolean> {
    const counts = this.timeline.counts();
    const expected = this.expectedPods();
    this.o.hooks?.onWait?.(phase, counts, expected);
    switch (phase.wait) {
      case 'none':
        return true;
      case 'scheduled':
        return counts.live === expected && counts.bound === expected;
      case 'running':
        return counts.live === expected && counts.running === expected;
      case 'deleted': {
        if (counts.live > 0) return false;
        const left = await this.calls.timed('LIST', 'namespaces', 'cluster', () => this.o.client.list(NAMESPACES, { labelSelector: `${RUN_LABEL}=${this.runId}`, limit: 1 }));
        return left.items.length === 0;
      }
    }
  }

  async waitFor(phase: Phase, condition: () => boolean | Promise<boolean> = () => this.settled(phase)): Promise<boolean> {
    const deadline = now() + phase.timeoutMs;
    while (!(await condition())) {
      if (now() > deadline) return false;
      await sleep(200);
    }
    return true;
  }

  /** Read latency samples once a second until stopped. */
  async probe(signal: AbortSignal): Promise<void> {
    const { client } = this.o;
    while (!signal.aborted) {
      const namespace = this.namespaces[0];
      const reads: Promise<unknown>[] = [this.calls.timed('LIST', 'nodes', 'cluster', () => client.list(NODES, { limit: 500 }))];
      if (namespace) {
        reads.push(this.calls.timed('GET', 'namespaces', 'resource', () => client.get(NAMESPACES, { name: namespace })));
        reads.push(this.calls.timed('LIST', 'pods', 'namespace', () => client.list(PODS, { namespace, limit: 500 })));
      }
      await Promise.allSettled(reads);
      await sleep(1000, undefined, { signal }).catch(() => undefined);
    }
  }
}

export async function runScenario(o: RunOptions): Promise<ScenarioRun> {
  const runId = o.runId ?? randomBytes(3).toString('hex');
  const run = new Run(o, runId);
  const informer = new Informer({ client: o.client, bus: new HttpBus(o.client), resource: PODS, labelSelector: `${RUN_LABEL}=${runId}`, pageSize: 5000 });
  informer.addEventHandler({
    onAdd: (pod) => run.timeline.observe(pod as Pod, false),
    onUpdate: (_before, pod) => run.timeline.observe(pod as Pod, false),
    onDelete: (pod) => run.timeline.observe(pod as Pod, true),
  });
  informer.start();
  const probing = new AbortController();
  try {
    if (!(await informer.waitForSync(60_000))) throw new Error('the pod watch did not sync within 60 s');
    const probe = run.probe(probing.signal);
    const phases: PhaseRecord[] = [];
    for (const phase of o.scenario.phases) {
      const startMs = run.elapsed();
      if (phase.backlog) {
        if (!o.scheduler) throw new Error(`phase ${phase.name}: a backlog needs a cluster the bench starts (it stops and starts the scheduler)`);
        await o.scheduler.stop();
      }
      const [requests, failedRequests] = await run.act(phase);
      let schedulerStartMs: number | undefined;
      if (phase.backlog) {
        // every pod of the backlog seen on the watch, then the scheduler
        await run.waitFor({ ...phase, wait: 'none' }, () => run.timeline.counts().live >= run.expectedPods());
        schedulerStartMs = run.elapsed();
        await o.scheduler!.start();
      }
      const timedOut = !(await run.waitFor(phase));
      phases.push({ name: phase.name, action: phase.action, startMs, endMs: run.elapsed(), requests, failedRequests, timedOut, schedulerStartMs });
    }
    probing.abort();
    await probe;
    return { runId, nodes: o.nodes, phases, calls: run.calls, timeline: run.timeline, durationMs: run.elapsed() };
  } finally {
    probing.abort();
    await informer.stop();
  }
}
