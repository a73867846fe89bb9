// npm run bench -- controllers: Rudder's controller-manager against the real
// kube-controller-manager v1.36.3 (~/.cache/kube-peers/bin/kube-controller-manager, built by
// ../shared/kube-peers; $KUBE_CONTROLLER_MANAGER for another path) on the same Rudder apiserver.
// Each in turn, alone, with only the deployment and replicaset controllers: N Deployments of R
// replicas are created at once, and the time until every ReplicaSet and every pod exists is
// measured from a watch, with the CPU seconds the controller-manager and the apiserver spent.
// Writes bench/results/controllers.json. BENCH_CM_DEPLOYMENTS (default 100),
// BENCH_CM_REPLICAS (default 10), BENCH_CM_RUNS (default 3; the median run is the result), after
// an unrecorded warm-up round.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../lib/api/object.js';
import { findResource } from '../lib/api/resources.js';
import { HttpBus } from '../lib/bus/http-bus.js';
import { Informer } from '../lib/client/informer.js';
import { RestClient } from '../lib/client/rest-client.js';
import { startApiserver, type ApiserverProcess } from '../lib/harness/apiserver-process.js';
import { startControllerManager } from '../lib/harness/controller-manager-process.js';
import { captureOutput, signalAndWait } from '../lib/process/child.js';
import { processCpuSeconds } from './lib/process-cpu.js';
import { printTable, writeResults } from './lib/results.js';

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const REPLICA_SETS = findResource('apps', 'v1', 'replicasets')!;
const PODS = findResource('', 'v1', 'pods')!;

interface Contender {
  name: string;
  start(apiserver: ApiserverProcess): Promise<{ pid: number | undefined; stop(): Promise<void> }>;
}

interface RunResult {
  contender: string;
  deployments: number;
  replicas: number;
  replicaSetsSeconds: number;
  podsSeconds: number;
  podsPerSecond: number;
  cpuSeconds: { controllerManager?: number; apiserver?: number };
  loadAverage1m: number;
}

const rudder: Contender = {
  name: 'rudder',
  async start(apiserver) {
    const process = await startControllerManager(apiserver, ['--leader-elect=false', '--controllers=deployment,replicaset', '--concurrent-deployment-syncs=5', '--concurrent-replicaset-syncs=5']);
    return { pid: process.child.pid, stop: () => process.stop() };
  },
};

function kubeControllerManagerBinary(): string {
  return process.env.KUBE_CONTROLLER_MANAGER ?? join(homedir(), '.cache', 'kube-peers', 'bin', 'kube-controller-manager');
}

const kube: Contender = {
  name: 'kube-controller-manager',
  async start(apiserver) {
    let output = '';
    const child = spawn(
      kubeControllerManagerBinary(),
      [
        `--kubeconfig=${apiserver.kubeconfig}`, '--controllers=deployment,replicaset', '--leader-elect=false', '--secure-port=0',
        '--kube-api-qps=1000', '--kube-api-burst=2000', '--concurrent-deployment-syncs=5', '--concurrent-replicaset-syncs=5', '--v=1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
}

/** Resolves with the time (ms since epoch) at which `informer` holds `count` objects, or undefined after `timeoutMs`. */
function reached(informer: Informer<KubeObject>, count: number, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (informer.indexer.size >= count) {
        clearTimeout(timer);
        stop();
        resolve(Date.now());
      }
    };
    const timer = setTimeout(() => {
      stop();
      resolve(undefined);
    }, timeoutMs);
    const stop = informer.addEventHandler({ onAdd: check });
    check();
  });
}

async function run(apiserver: ApiserverProcess, client: RestClient, contender: Contender, namespace: string, deployments: number, replicas: number): Promise<RunResult> {
  await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const bus = new HttpBus(client);
  const sets = new Informer<KubeObject>({ client, bus, resource: REPLICA_SETS, namespace });
  const pods = new Informer<KubeObject>({ client, bus, resource: PODS, namespace });
  sets.start();
  pods.start();
  await Promise.all([sets.waitForSync(), pods.waitForSync()]);
  const manager = await contender.start(apiserver);
  const cpuBefore = { controllerManager: processCpuSeconds(manager.pid), apiserver: processCpuSeconds(apiserver.child.pid) };
  const loadAverage1m = Math.round(loadavg()[0]! * 100) / 100;
  const timeoutMs = 300_000;
  const setsDone = reached(sets, deployments, timeoutMs);
  const podsDone = reached(pods, deployments * replicas, timeoutMs);
  const started = Date.now();
  const queue = Array.from({ length: deployments }, (_, i) => i);
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) await client.create(DEPLOYMENTS, deployment(namespace, i, replicas));
  }));
  const [setsAt, podsAt] = await Promise.all([setsDone, podsDone]);
  const cpu = {
    controllerManager: round(diff(processCpuSeconds(manager.pid), cpuBefore.controllerManager)),
    apiserver: round(diff(processCpuSeconds(apiserver.child.pid), cpuBefore.apiserver)),
  };
  await manager.stop();
  await Promise.all([sets.stop(), pods.stop()]);
  if (setsAt === undefined || podsAt === undefined) throw new Error(`${contender.name}: not every ReplicaSet and pod existed after ${timeoutMs / 1000} s (${sets.indexer.size} ReplicaSets, ${pods.indexer.size} pods)`);
  const podsSeconds = (podsAt - started) / 1000;
  return {
    contender: contender.name,
    deployments,
    replicas,
    replicaSetsSeconds: round((setsAt - started) / 1000),
    podsSeconds: round(podsSeconds),
    podsPerSecond: Math.round((deployments * replicas) / podsSeconds),
    cpuSeconds: cpu,
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
  const sorted = [...results].sort((a, b) => a.podsSeconds - b.podsSeconds);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export async function benchControllers(): Promise<void> {
  const deployments = Number(process.env.BENCH_CM_DEPLOYMENTS ?? 100);
  const replicas = Number(process.env.BENCH_CM_REPLICAS ?? 10);
  const runs = Math.max(1, Number(process.env.BENCH_CM_RUNS ?? 3));
  const contenders = [rudder];
  const kubeBinary = kubeControllerManagerBinary();
  if (existsSync(kubeBinary)) contenders.push(kube);
  else process.stdout.write(`controller-manager: ${kubeBinary} not found (build it with ../shared/kube-peers/build.sh); measuring Rudder alone\n`);
  const apiserver = await startApiserver({ extraArgs: ['--max-requests-inflight=2000', '--max-mutating-requests-inflight=1000'] });
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig, { encoding: 'msgpack', qps: 0 });
  const results: RunResult[] = [];
  try {
    // A first, unrecorded round warms the apiserver up (its code paths, its store), so neither
    // contender meets it cold.
    await run(apiserver, client, rudder, 'bench-warm-up', Math.min(deployments, 20), replicas);
    for (let i = 1; i <= runs; i++) {
      // Alternate who goes first, so neither always meets a fresher apiserver.
      const order = i % 2 === 1 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        const result = await run(apiserver, client, contender, `bench-${contender.name}-${i}`, deployments, replicas);
        process.stdout.write(`controller-manager ${i}/${runs} ${contender.name}: ${result.podsSeconds} s to ${deployments * replicas} pods\n`);
        results.push(result);
      }
    }
  } finally {
    await client.close();
    await apiserver.stop();
  }
  const byContender = Object.fromEntries(contenders.map((c) => [c.name, median(results.filter((r) => r.contender === c.name))]));
  const ours = byContender.rudder!;
  const theirs = byContender['kube-controller-manager'];
  const ratio = theirs ? { podsSeconds: round(theirs.podsSeconds / ours.podsSeconds), cpuSeconds: ours.cpuSeconds.controllerManager && theirs.cpuSeconds.controllerManager ? round(theirs.cpuSeconds.controllerManager / ours.cpuSeconds.controllerManager) : undefined } : undefined;
  const path = writeResults('controllers', {
    description: 'time from creating N Deployments at once until every ReplicaSet and pod exists (deployment and replicaset controllers only, same Rudder apiserver); ratio = kube-controller-manager / Rudder (above 1: Rudder faster or cheaper)',
    deployments,
    replicas,
    median: byContender,
    ratio,
    runs: results,
  });
  printTable([
    ['run', 'controller-manager', 'deployments', 'pods', 'ReplicaSets s', 'pods s', 'pods/s', 'cpu s: controller-manager', 'apiserver', 'load 1m'],
    ...results.map((r, i) => [String(Math.floor(i / contenders.length) + 1), r.contender, r.deployments, r.deployments * r.replicas, r.replicaSetsSeconds, r.podsSeconds, r.podsPerSecond, r.cpuSeconds.controllerManager ?? '-', r.cpuSeconds.apiserver ?? '-', r.loadAverage1m]),
  ]);
  if (ratio) process.stdout.write(`kube-controller-manager / Rudder: ${ratio.podsSeconds}x the time, ${ratio.cpuSeconds ?? '-'}x the CPU\n`);
  process.stdout.write(`results: ${path}\n`);
}
