// npm run bench -- cri: pod startup on two real local nodes (containerd + runc, CNI bridge),
// measured below the kubelet's core. Baseline: the bare CRI calls a pod needs (RunPodSandbox,
// CreateContainer, StartContainer) through the CRI client; measured: the same pods through the
// CRI runtime's syncPod (labels, config building, image check, log directory, status read back).
// 30 pods, 15 per node, 5 at a time per node, then deleted; also the nodes' start and cleanup
// times. Writes bench/results/cri.json. Needs root and the packages of "Real nodes" in the README.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { rudderCacheDir } from '../build-tools/go-modules/cache-dirs.js';
import { CriClient } from '../lib/cri/client.js';
import type { PodSandboxConfig } from '../lib/cri/types.js';
import { BUSYBOX_IMAGE } from '../lib/images/local-images.js';
import { startLocalNodes, type LocalNode } from '../lib/local-nodes/local-nodes.js';
import { localNodesUnavailable } from '../lib/local-nodes/prerequisites.js';
import type { CriRuntime } from '../services/kubelet/runtime/cri/cri-runtime.js';
import { localNodeRuntime } from '../services/kubelet/runtime/cri/local-node-runtime.js';
import { printTable, writeResults } from './lib/results.js';
import { ratio, summarize, type LatencySummary } from './lib/stats.js';

const PODS_PER_NODE = Number(process.env.BENCH_PODS_PER_NODE ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 5);
/** Kubernetes' pod startup SLO (create → running, images present): 5 s at the 99th percentile. */
const SLO_MS = 5000;

async function inBatches<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function benchPod(node: LocalNode, index: number, phase: string): Pod {
  const name = `${phase}-${node.name}-${index}`;
  return {
    metadata: { name, namespace: 'bench', uid: `${name}-${process.pid}` },
    spec: { nodeName: node.name, terminationGracePeriodSeconds: 0, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
    status: { qosClass: 'BestEffort' },
  };
}

/** The bare CRI calls; resolves once the container runs, and its removal. */
async function bareStart(client: CriClient, node: LocalNode, pod: Pod): Promise<number> {
  const started = performance.now();
  const uid = pod.metadata!.uid!;
  const sandbox: PodSandboxConfig = {
    metadata: { name: pod.metadata!.name!, namespace: 'bench', uid },
    logDirectory: join(node.podLogDir, `bench_${pod.metadata!.name}_${uid}`),
    linux: { cgroupParent: `${node.cgroupParent}/besteffort/pod${uid}` },
  };
  const id = await client.runPodSandbox(sandbox);
  const container = await client.createContainer(id, { metadata: { name: 'main' }, image: { image: BUSYBOX_IMAGE }, command: ['sleep', '3600'], logPath: 'main/0.log' }, sandbox);
  await client.startContainer(container);
  return performance.now() - started;
}

async function runtimeStart(runtime: CriRuntime, pod: Pod): Promise<number> {
  const started = performance.now();
  const result = await runtime.syncPod(pod, { ensureSandbox: true, kill: [], start: ['main'] });
  if (result.failures.length > 0 || result.observed.containers[0]?.state !== 'running') throw new Error(`pod ${pod.metadata!.name} did not start: ${JSON.stringify(result.failures)}`);
  return performance.now() - started;
}

interface PhaseResult {
  startup: LatencySummary;
  deleteSeconds: number;
}

export async function benchCri(): Promise<void> {
  const unavailable = localNodesUnavailable();
  if (unavailable) {
    process.stderr.write(`bench cri: skipped: ${unavailable}\n`);
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-bench-cri-'));
  const startedNodes = performance.now();
  const nodes = await startLocalNodes({ dataDir, cacheDir: rudderCacheDir(), names: ['bench-a', 'bench-b'], nodeSubnet: '10.213.250.0/24', podSubnet: '10.250.0.0/16' });
  const nodesStartSeconds = (performance.now() - startedNodes) / 1000;
  try {
    const clients = nodes.nodes.map((node) => new CriClient(node.containerdSocket));
    const runtimes = nodes.nodes.map((node) => localNodeRuntime(node, { clusterDNS: [], clusterDomain: 'cluster.local' }));
    // warm-up: the first container of a node unpacks nothing, but its first sandbox sets up the CNI bridge
    await Promise.all(runtimes.map(async (runtime, i) => {
      const pod = benchPod(nodes.nodes[i]!, 0, 'warmup');
      await runtimeStart(runtime, pod);
      await runtime.killPod({ uid: pod.metadata!.uid!, name: pod.metadata!.name!, namespace: 'bench' }, 0);
      await runtime.removePod(pod.metadata!.uid!);
    }));

    const phase = async (name: string, start: (nodeIndex: number, pod: Pod) => Promise<number>, remove: (nodeIndex: number, pod: Pod) => Promise<void>): Promise<PhaseResult> => {
      const samples: number[] = [];
      const pods = nodes.nodes.map((node) => Array.from({ length: PODS_PER_NODE }, (_, i) => benchPod(node, i, name)));
      await Promise.all(pods.map((list, nodeIndex) => inBatches(list, CONCURRENCY, async (pod) => void samples.push(await start(nodeIndex, pod)))));
      const deleting = performance.now();
      await Promise.all(pods.map((list, nodeIndex) => inBatches(list, CONCURRENCY, (pod) => remove(nodeIndex, pod))));
      return { startup: summarize(samples), deleteSeconds: Math.round(performance.now() - deleting) / 1000 };
    };

    const bare = await phase(
      'bare',
      (i, pod) => bareStart(clients[i]!, nodes.nodes[i]!, pod),
      async (i, pod) => {
        const client = clients[i]!;
        for (const sandbox of await client.listPodSandbox()) {
          if (sandbox.metadata.uid !== pod.metadata!.uid) continue;
          await client.stopPodSandbox(sandbox.id);
          await client.removePodSandbox(sandbox.id);
        }
      },
    );
    const runtime = await phase(
      'runtime',
      (i, pod) => runtimeStart(runtimes[i]!, pod),
      async (i, pod) => {
        await runtimes[i]!.killPod({ uid: pod.metadata!.uid!, name: pod.metadata!.name!, namespace: 'bench' }, 0);
        await runtimes[i]!.removePod(pod.metadata!.uid!);
      },
    );
    for (const client of clients) client.close();
    for (const r of runtimes) await r.close();

    const cleaning = performance.now();
    await nodes.stop();
    const cleanupSeconds = Math.round(performance.now() - cleaning) / 1000;
    const result = {
      pods: PODS_PER_NODE * nodes.nodes.length,
      nodes: nodes.nodes.length,
      concurrencyPerNode: CONCURRENCY,
      sloMs: SLO_MS,
      bareCri: bare,
      criRuntime: runtime,
      runtimeOverBareP50: ratio(runtime.startup.p50Ms, bare.startup.p50Ms),
      runtimeOverBareP99: ratio(runtime.startup.p99Ms, bare.startup.p99Ms),
      withinSlo: runtime.startup.p99Ms <= SLO_MS,
      nodesStartSeconds: Math.round(nodesStartSeconds * 1000) / 1000,
      cleanupSeconds,
    };
    const path = writeResults('cri', result);
    printTable([
      ['pod startup (ms)', 'p50', 'p90', 'p99', 'max', 'delete all (s)'],
      ['bare CRI calls', bare.startup.p50Ms, bare.startup.p90Ms, bare.startup.p99Ms, bare.startup.maxMs, bare.deleteSeconds],
      ['CRI runtime syncPod', runtime.startup.p50Ms, runtime.startup.p90Ms, runtime.startup.p99Ms, runtime.startup.maxMs, runtime.deleteSeconds],
      ['runtime / bare', result.runtimeOverBareP50, '', result.runtimeOverBareP99, '', ''],
    ]);
    process.stdout.write(`2 nodes started in ${result.nodesStartSeconds} s, removed in ${cleanupSeconds} s; p99 within the 5 s SLO: ${result.withinSlo}\n${path}\n`);
  } finally {
    await nodes.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
