// The end-to-end scheduler benchmark, like scheduler_perf's SchedulingBasic/5000Nodes_10000Pods:
// an apiserver and a scheduler process; 5,000 nodes and 1,000 initial pods created through the
// API (the initial pods scheduled first); then 10,000 pods created by many concurrent clients,
// timed from the first create to the last binding seen on a pod watch.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import { adminCall } from '../../lib/client/admin.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { processCpuSeconds } from './process-cpu.js';

const NODES = findResource('', 'v1', 'nodes')!;
const PODS = findResource('', 'v1', 'pods')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const now = (): number => performance.timeOrigin + performance.now();

export interface E2eBenchOptions {
  nodes: number;
  initialPods: number;
  measuredPods: number;
  /** Concurrent creating clients. */
  clients: number;
  /** Node flags for the scheduler process (e.g. --cpu-prof --cpu-prof-dir DIR). */
  schedulerNodeArgs?: string[];
  /** More scheduler flags. */
  schedulerArgs?: string[];
}

export interface E2eBenchResult extends E2eBenchOptions {
  podsPerSecond: number;
  seconds: number;
  /** From the first create to the last create's answer: how fast the apiserver took the pods in. */
  createSeconds: number;
  /** Milliseconds from each measured pod's create request to its binding on the watch. */
  bindLatencyMs: { p50: number; p99: number; max: number };
  /** CPU seconds each process used from the first measured create to the last binding. */
  cpuSeconds: { scheduler?: number; apiserver?: number; benchClient: number };
  /** The scheduler's scheduler_schedule_attempts_total by result, over the whole run. */
  attempts: Record<string, number>;
}

/** Sums scheduler_schedule_attempts_total by its result label from a /metrics text. */
function attemptsByResult(metrics: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const match of metrics.matchAll(/^scheduler_schedule_attempts_total\{[^}]*result="([^"]+)"[^}]*\} ([\d.e+]+)$/gm)) {
    out[match[1]!] = (out[match[1]!] ?? 0) + Number(match[2]);
  }
  return out;
}

export const SCHEDULING_BASIC: E2eBenchOptions = { nodes: 5000, initialPods: 1000, measuredPods: 10_000, clients: 64 };

function benchNode(i: number): object {
  const capacity = { cpu: '32', memory: '256Gi', pods: '110' };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` } }, status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] } };
}

function benchPod(name: string): object {
  // scheduler_perf's pod-default.yaml: one container with small requests.
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'bench' }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } }] } };
}

async function createAll(client: RestClient, count: number, clients: number, make: (i: number) => [object, string | undefined], started?: Map<string, number>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < count; i = next++) {
        const [object, namespace] = make(i);
        const name = (object as { metadata: { name: string } }).metadata.name;
        started?.set(name, now());
        await client.create(namespace === undefined ? NODES : PODS, object, { namespace });
      }
    }),
  );
}

export async function runE2eBench(options: E2eBenchOptions = SCHEDULING_BASIC, log: (line: string) => void = () => undefined): Promise<E2eBenchResult> {
  const apiserver = await startApiserver({ readyTimeoutMs: 60_000 });
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig, { encoding: 'msgpack', qps: 0, connections: options.clients });
  const scheduler = await startScheduler(apiserver, ['--leader-elect=false', ...(options.schedulerArgs ?? [])], { nodeArgs: options.schedulerNodeArgs ?? [] });
  try {
    await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    log(`creating ${options.nodes} nodes`);
    await createAll(client, options.nodes, options.clients, (i) => [benchNode(i), undefined]);

    const bound = new Map<string, number>();
    let wanted = 0;
    let wake: (() => void) | undefined;
    const list = await client.list(PODS, { namespace: 'bench', limit: 1 });
    const watch = await client.watch(PODS, { namespace: 'bench', resourceVersion: list.metadata.resourceVersion });
    const watching = (async () => {
      for await (const event of watch) {
        const pod = event.object as unknown as Pod;
        if (pod.spec?.nodeName && !bound.has(pod.metadata?.name ?? '')) {
          bound.set(pod.metadata?.name ?? '', now());
          if (bound.size >= wanted) wake?.();
        }
      }
    })();
    const allBound = (count: number): Promise<void> =>
      bound.size >= count ? Promise.resolve() : new Promise((resolve) => {
        wanted = count;
        wake = resolve;
      });

    log(`creating ${options.initialPods} initial pods`);
    await createAll(client, options.initialPods, options.clients, (i) => [benchPod(`initial-${i}`), 'bench']);
    await allBound(options.initialPods);

    log(`creating ${options.measuredPods} measured pods`);
    const created = new Map<string, number>();
    const first = now();
    const cpuBefore = { scheduler: processCpuSeconds(scheduler.child.pid), apiserver: processCpuSeconds(apiserver.child.pid), bench: process.cpuUsage() };
    await createAll(client, options.measuredPods, options.clients, (i) => [benchPod(`pod-${i}`), 'bench'], created);
    const createSeconds = Math.round((now() - first) / 10) / 100;
    await allBound(options.initialPods + options.measuredPods);
    const used = (pid: number | undefined, before: number | undefined): number | undefined => {
      const after = processCpuSeconds(pid);
      return after === undefined || before === undefined ? undefined : Math.round((after - before) * 100) / 100;
    };
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const cpuSeconds = {
      scheduler: used(scheduler.child.pid, cpuBefore.scheduler),
      apiserver: used(apiserver.child.pid, cpuBefore.apiserver),
      benchClient: Math.round((benchCpu.user + benchCpu.system) / 1e4) / 100,
    };
    const attempts = attemptsByResult((await adminCall(scheduler.url, apiserver.caPem, apiserver.token, 'GET', '/metrics')).body);
    const last = Math.max(...[...created.keys()].map((name) => bound.get(name) ?? 0));
    watch.close();
    await watching.catch(() => undefined);

    const latencies = [...created].map(([name, at]) => (bound.get(name) ?? at) - at).sort((a, b) => a - b);
    const pick = (q: number): number => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
    const seconds = (last - first) / 1000;
    return { ...options, podsPerSecond: Math.round(options.measuredPods / seconds), seconds: Math.round(seconds * 100) / 100, createSeconds, bindLatencyMs: { p50: pick(0.5), p99: pick(0.99), max: pick(1) }, cpuSeconds, attempts };
  } finally {
    await scheduler.stop();
    await client.close();
    await apiserver.stop();
  }
}
