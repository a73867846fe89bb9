// npm run bench -- controllers: Rudder's controller-manager against the real
// kube-controller-manager v1.36.3 (~/.cache/kube-peers/bin/kube-controller-manager, built by
// ../shared/kube-peers; $KUBE_CONTROLLER_MANAGER for another path) on the same Rudder apiserver,
// with Rudder's scheduler and a kubelet hosting simulated nodes, so pods are bound, run and turn
// Ready as in a cluster. Each contender in turn, alone, runs only the deployment and replicaset
// controllers (all the bench needs): N Deployments of R replicas are created at once; measured
// from watches are the time until every pod exists and until every Deployment is Available with
// all R replicas available, with the CPU seconds of the controller-manager and of the other
// processes. Between contenders the bench removes what the previous one made.
// Writes bench/results/controllers.json. BENCH_CM_DEPLOYMENTS (default 1000), BENCH_CM_REPLICAS
// (default 10), BENCH_CM_NODES (default 500), BENCH_CM_RUNS (default 1; the median run is the
// result), after an unrecorded warm-up round of at most 50 Deployments. BENCH_CM_CPU_PROF=DIR
// writes a CPU profile of Rudder's controller-manager there.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../lib/api/object.js';
import { findResource } from '../lib/api/resources.js';
import { HttpBus } from '../lib/bus/http-bus.js';
import { Informer } from '../lib/client/informer.js';
import { resourcePath } from '../lib/client/paths.js';
import { RestClient } from '../lib/client/rest-client.js';
import { startApiserver, type ApiserverProcess } from '../lib/launch/apiserver-process.js';
import { startControllerManager } from '../lib/launch/controller-manager-process.js';
import { startKubelet } from '../lib/launch/kubelet-process.js';
import { startScheduler } from '../lib/launch/scheduler-process.js';
import { captureOutput, signalAndWait } from '../lib/process/child.js';
import { clusterCidr } from './lib/kubelet-sim.js';
import { processCpuSeconds } from './lib/process-cpu.js';
import { printTable, writeResults } from './lib/results.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const REPLICA_SETS = findResource('apps', 'v1', 'replicasets')!;
const PODS = findResource('', 'v1', 'pods')!;

/** Both contenders' settings: kube-controller-manager's default worker counts, a client limit that is not the bottleneck. */
const COMMON_FLAGS = ['--controllers=deployment,replicaset', '--leader-elect=false', '--kube-api-qps=1000', '--kube-api-burst=2000', '--concurrent-deployment-syncs=5', '--concurrent-replicaset-syncs=5'];

interface Contender {
  name: string;
  start(apiserver: ApiserverProcess): Promise<{ pid: number | undefined; stop(): Promise<void> }>;
}

interface Cluster {
  apiserver: ApiserverProcess;
  client: RestClient;
  pids: { scheduler: number | undefined; kubelet: number | undefined };
}

interface RunResult {
  contender: string;
  deployments: number;
  replicas: number;
  nodes: number;
  /** Until every pod exists. */
  podsSeconds: number;
  podsPerSecond: number;
  /** Until every Deployment is Available with all its replicas available. */
  availableSeconds: number;
  cpuSeconds: { controllerManager?: number; apiserver?: number; scheduler?: number; kubelet?: number };
  /** Requests the apiserver served meanwhile (all clients), by "VERB resource[/subresource]". */
  apiserverRequests: Record<string, number>;
  loadAverage1m: number;
}

const rudder: Contender = {
  name: 'rudder',
  async start(apiserver) {
    const profileDir = process.env.BENCH_CM_CPU_PROF;
    const manager = await startControllerManager(apiserver, COMMON_FLAGS, { nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
    return { pid: manager.child.pid, stop: () => manager.stop() };
  },
};

function kubeControllerManagerBinary(): string {
  return process.env.KUBE_CONTROLLER_MANAGER ?? join(homedir(), '.cache', 'kube-peers', 'bin', 'kube-controller-manager');
}

const kube: Contender = {
  name: 'kube-controller-manager',
  async start(apiserver) {
    let output = '';
    const child = spawn(kubeControllerManagerBinary(), [`--kubeconfig=${apiserver.kubeconfig}`, '--secure-port=0', '--v=1', ...COMMON_FLAGS], { stdio: ['ignore', 'pipe', 'pipe'] });
    captureOutput(child, (text) => (output = (output + text).slice(-20_000)));
    await new Promise((r) => setTimeout(r, 3000));
    if (child.exitCode !== null) throw new Error(`kube-controller-manager exited with ${child.exitCode}:\n${output}`);
    return { pid: child.pid, stop: () => signalAndWait(child, 'SIGTERM') };
  },
};

function deployment(namespace: string, i: number, replicas: number): object {
  const name = `app-${i}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '10m', memory: '10Mi' } } }] } },
    },
  };
}

/** Every replica available and the Available condition True, for the current generation. */
function fullyAvailable(d: Deployment): boolean {
  const wanted = d.spec?.replicas ?? 1;
  const status = d.status;
  return (
    (status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    status?.availableReplicas === wanted &&
    status?.updatedReplicas === wanted &&
    (status?.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True')
  );
}

/** Resolves with the time (ms since epoch) at which `done(informer)` holds, checked on every event, or undefined after `timeoutMs`. */
function reached<T extends KubeObject>(informer: Informer<T>, done: (obj: T) => boolean, count: number, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const satisfied = new Set<string>();
    const check = (obj?: T): void => {
      if (obj && done(obj)) satisfied.add(obj.metadata?.name ?? '');
      if (satisfied.size >= count) finish(Date.now());
    };
    const finish = (at: number | undefined): void => {
      clearTimeout(timer);
      stop();
      resolve(at);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const stop = informer.addEventHandler({ onAdd: (obj) => check(obj), onUpdate: (_before, after) => check(after) });
    for (const obj of informer.indexer.list()) check(obj);
    check();
  });
}

/** apiserver_request_total summed by verb and resource (over groups, versions, scopes and codes). */
async function requestCounts(client: RestClient): Promise<Map<string, number>> {
  const text = await client.request<string>({ method: 'GET', path: '/metrics' });
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^apiserver_request_total\{([^}]*)\} ([\d.e+]+)$/gm)) {
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const key = `${labels.verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(match[2]));
  }
  return counts;
}

function countsSince(after: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const entries = [...after].map(([key, n]) => [key, n - (before.get(key) ?? 0)] as const).filter(([, n]) => n > 0);
  return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]));
}

/** Removes a run's objects: its Deployments, ReplicaSets and pods (at once: no controller is left to wait for). */
async function cleanUp(client: RestClient, namespace: string, pods: Informer<KubeObject>): Promise<void> {
  const all = { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 };
  for (const resource of [DEPLOYMENTS, REPLICA_SETS, PODS]) await client.request({ method: 'DELETE', path: resourcePath(resource, { namespace }), body: all });
  const deadline = Date.now() + 120_000;
  while (pods.indexer.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

async function run(cluster: Cluster, contender: Contender, namespace: string, deployments: number, replicas: number, nodes: number): Promise<RunResult> {
  const { apiserver, client } = cluster;
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const bus = new HttpBus(client);
  const deploymentInformer = new Informer<Deployment & KubeObject>({ client, bus, resource: DEPLOYMENTS, namespace });
  const pods = new Informer<KubeObject>({ client, bus, resource: PODS, namespace });
  deploymentInformer.start();
  pods.start();
  await Promise.all([deploymentInformer.waitForSync(), pods.waitForSync()]);
  const manager = await contender.start(apiserver);
  const pids = { controllerManager: manager.pid, apiserver: apiserver.child.pid, ...cluster.pids };
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuSeconds(pid)]));
  const requestsBefore = await requestCounts(client);
  const loadAverage1m = Math.round(loadavg()[0]! * 100) / 100;
  const timeoutMs = 600_000;
  const podsDone = reached(pods, () => true, deployments * replicas, timeoutMs);
  const availableDone = reached(deploymentInformer, fullyAvailable, deployments, timeoutMs);
  const started = Date.now();
  const queue = Array.from({ length: deployments }, (_, i) => i);
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) await client.create(DEPLOYMENTS, deployment(namespace, i, replicas));
  }));
  const [podsAt, availableAt] = await Promise.all([podsDone, availableDone]);
  const cpuSeconds = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, round(diff(processCpuSeconds(pid), cpuBefore[k]))])) as RunResult['cpuSeconds'];
  const apiserverRequests = countsSince(await requestCounts(client), requestsBefore);
  await manager.stop();
  const available = deploymentInformer.indexer.list().filter(fullyAvailable).length;
  try {
    await cleanUp(client, namespace, pods);
  } catch (error) {
    process.stdout.write(`controller-manager: ${namespace} not cleaned up (${(error as Error).message}); going on\n`);
  }
  await Promise.all([deploymentInformer.stop(), pods.stop()]);
  if (podsAt === undefined || availableAt === undefined) throw new Error(`${contender.name}: not every pod existed or Deployment was Available after ${timeoutMs / 1000} s (${pods.indexer.size} pods, ${available} Deployments Available)`);
  const podsSeconds = (podsAt - started) / 1000;
  return {
    contender: contender.name,
    deployments,
    replicas,
    nodes,
    podsSeconds: round(podsSeconds),
    podsPerSecond: Math.round((deployments * replicas) / podsSeconds),
    availableSeconds: round((availableAt - started) / 1000),
    cpuSeconds,
    apiserverRequests,
    loadAverage1m,
  };
}

function diff(after: number | undefined, before: number | undefined): number | undefined {
  return after === undefined || before === undefined ? undefined : after - before;
}

function round(value: number): number;
function round(value: number | undefined): number | undefined;
function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 100) / 100;
}

function median(results: RunResult[]): RunResult {
  const sorted = [...results].sort((a, b) => a.availableSeconds - b.availableSeconds);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function benchControllers(): Promise<void> {
  const deployments = Number(process.env.BENCH_CM_DEPLOYMENTS ?? 1000);
  const replicas = Number(process.env.BENCH_CM_REPLICAS ?? 10);
  const nodes = Number(process.env.BENCH_CM_NODES ?? 500);
  const runs = Math.max(1, Number(process.env.BENCH_CM_RUNS ?? 1));
  const contenders = [rudder];
  const kubeBinary = kubeControllerManagerBinary();
  if (existsSync(kubeBinary)) contenders.push(kube);
  else process.stdout.write(`controller-manager: ${kubeBinary} not found (build it with ../shared/kube-peers/build.sh); measuring Rudder alone\n`);
  const apiserver = await startApiserver({ readyTimeoutMs: 60_000, extraArgs: ['--max-requests-inflight=2000', '--max-mutating-requests-inflight=1000'] });
  // Removing 10,000 pods in one request takes a while on a loaded machine.
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig, { encoding: 'msgpack', qps: 0, connections: 64, timeoutMs: 600_000 });
  const results: RunResult[] = [];
  try {
    const scheduler = await startScheduler(apiserver, ['--leader-elect=false']);
    try {
      process.stdout.write(`controller-manager: starting a kubelet with ${nodes} simulated nodes\n`);
      const kubelet = await startKubelet(apiserver, ['--sim-nodes', String(nodes), ...clusterCidr(nodes)], { readyTimeoutMs: 300_000 });
      try {
        const cluster: Cluster = { apiserver, client, pids: { scheduler: scheduler.child.pid, kubelet: kubelet.child.pid } };
        // A first, unrecorded round warms the apiserver, scheduler and kubelet up (code paths,
        // store), so neither contender meets them cold.
        await run(cluster, rudder, 'bench-warm-up', Math.min(deployments, 50), replicas, nodes);
        for (let i = 1; i <= runs; i++) {
          // Alternate who goes first, so neither always meets a fresher apiserver.
          const order = i % 2 === 1 ? contenders : [...contenders].reverse();
          for (const contender of order) {
            const result = await run(cluster, contender, `bench-${contender.name}-${i}`, deployments, replicas, nodes);
            process.stdout.write(`controller-manager ${i}/${runs} ${contender.name}: ${result.podsSeconds} s to ${deployments * replicas} pods, ${result.availableSeconds} s to ${deployments} Deployments Available\n`);
            results.push(result);
          }
        }
      } finally {
        await kubelet.stop();
      }
    } finally {
      await scheduler.stop();
    }
  } finally {
    await client.close();
    await apiserver.stop();
  }
  const byContender = Object.fromEntries(contenders.map((c) => [c.name, median(results.filter((r) => r.contender === c.name))]));
  const ours = byContender.rudder!;
  const theirs = byContender['kube-controller-manager'];
  const ratio = theirs
    ? {
        podsSeconds: round(theirs.podsSeconds / ours.podsSeconds),
        availableSeconds: round(theirs.availableSeconds / ours.availableSeconds),
        cpuSeconds: ours.cpuSeconds.controllerManager && theirs.cpuSeconds.controllerManager ? round(theirs.cpuSeconds.controllerManager / ours.cpuSeconds.controllerManager) : undefined,
      }
    : undefined;
  const path = writeResults('controllers', {
    description:
      'N Deployments of R replicas created at once on S simulated nodes (Rudder apiserver, scheduler and kubelet; each controller-manager runs only the deployment and replicaset controllers, 5 workers each, client qps 1000/burst 2000): time until every pod exists and until every Deployment is Available with all replicas available; CPU seconds spent meanwhile. ratio = kube-controller-manager / Rudder (above 1: Rudder faster or cheaper)',
    deployments,
    replicas,
    nodes,
    median: byContender,
    ratio,
    runs: results,
  });
  printTable([
    ['run', 'controller-manager', 'deployments', 'pods', 'nodes', 'pods s', 'pods/s', 'Available s', 'cpu s: controller-manager', 'apiserver', 'scheduler', 'kubelet', 'load 1m'],
    ...results.map((r, i) => [
      String(Math.floor(i / contenders.length) + 1),
      r.contender,
      r.deployments,
      r.deployments * r.replicas,
      r.nodes,
      r.podsSeconds,
      r.podsPerSecond,
      r.availableSeconds,
      r.cpuSeconds.controllerManager ?? '-',
      r.cpuSeconds.apiserver ?? '-',
      r.cpuSeconds.scheduler ?? '-',
      r.cpuSeconds.kubelet ?? '-',
      r.loadAverage1m,
    ]),
  ]);
  if (ratio) process.stdout.write(`kube-controller-manager / Rudder: ${ratio.podsSeconds}x the time to pods, ${ratio.availableSeconds}x the time to Available, ${ratio.cpuSeconds ?? '-'}x the CPU\n`);
  process.stdout.write(`results: ${path}\n`);
}
