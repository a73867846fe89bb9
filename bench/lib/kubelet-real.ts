// The real-container part of the kubelet benchmark: `rudder up --nodes 2` (two real nodes, each
// its containerd, kubelet and proxy, with the scheduler and controller-manager), then P pods of
// the local busybox image (no pull) created at R pods/s in a namespace whose ServiceAccount and
// kube-root-ca.crt exist, so each pod gets its kube-api-access volume as in Kubernetes. Each pod's
// startup latency runs from its create request to the first watch event showing it Running,
// against Kubernetes' pod startup SLO (p99 <= 5 s), split into create -> bound (apiserver and
// scheduler) and bound -> Running (the kubelet, containerd, runc and CNI, the status write
// included). The CPU seconds of the nodes' kubelets and containerds (their shims and containers
// not counted) and the control plane's are taken over the same window.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { BUSYBOX_IMAGE } from '../../lib/images/local-images.js';
import type { StatusReport } from '../../cli/commands/status.js';
import { processCpuSeconds } from './process-cpu.js';
import { readyNodes } from './ready-nodes.js';
import { detachedUpArgs, rudderCli } from './rudder-cli.js';
import { summarize, type LatencySummary } from './stats.js';

const PODS = findResource('', 'v1', 'pods')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const SERVICE_ACCOUNTS = findResource('', 'v1', 'serviceaccounts')!;
const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;
const NODE_COUNT = 2;
const NAMESPACE = 'bench';

const now = (): number => performance.timeOrigin + performance.now();

export interface RealStartupOptions {
  pods: number;
  podsPerSecond: number;
}

export interface RealStartupResult extends RealStartupOptions {
  nodes: number;
  image: string;
  latency: LatencySummary;
  /** Create to the first watch event showing spec.nodeName. */
  bindLatency: LatencySummary;
  /** That event to the first one showing Running. */
  kubeletLatency: LatencySummary;
  running: number;
  podsPerNode: Record<string, number>;
  /** CPU seconds while the pods were created and started: the nodes' kubelets and containerds summed, and the control plane's components. */
  cpuSeconds: Record<string, number>;
}

function benchPod(i: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: NAMESPACE },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], resources: { requests: { cpu: '10m', memory: '10Mi' } } }],
    },
  };
}

/** The pids of the cluster's processes by role: kubelet and containerd (one per node), apiserver, scheduler, controller-manager. */
async function componentPids(dataDir: string): Promise<Map<string, number[]>> {
  const status = await rudderCli(['status', '--data-dir', dataDir, '-o', 'json']);
  const report = JSON.parse(status.output) as StatusReport;
  const byRole = new Map<string, number[]>();
  const add = (role: string, pid: number) => byRole.set(role, [...(byRole.get(role) ?? []), pid]);
  for (const a of report.apiservers) add('apiserver', a.pid);
  for (const c of report.components) add(c.name.replace(/-rudder-node-\d+$/, ''), c.pid);
  return byRole;
}

function cpuOf(pids: Map<string, number[]>): Map<string, number> {
  return new Map([...pids].map(([role, list]) => [role, list.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0)]));
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!(await check())) {
    if (now() > deadline) throw new Error(`${what} not within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

export async function runRealStartup(options: RealStartupOptions, log: (line: string) => void): Promise<RealStartupResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rudder-bench-kubelet-'));
  try {
    log(`rudder up --nodes ${NODE_COUNT}`);
    const up = await rudderCli(await detachedUpArgs(dataDir, NODE_COUNT));
    if (up.code !== 0) throw new Error(`rudder up failed:\n${up.output}`);
    const kubeconfig = join(dataDir, 'kubeconfig');
    await until(async () => (await readyNodes(kubeconfig)) === NODE_COUNT, `${NODE_COUNT} Ready nodes`, 120_000);
    const client = RestClient.fromKubeconfig(kubeconfig, { qps: 0 });
    try {
      await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
      const exists = (info: typeof CONFIGMAPS, name: string) => async () => (await client.get(info, { namespace: NAMESPACE, name }).then(() => true, () => false));
      await until(exists(SERVICE_ACCOUNTS, 'default'), 'the namespace\'s ServiceAccount', 60_000);
      await until(exists(CONFIGMAPS, 'kube-root-ca.crt'), 'the namespace\'s kube-root-ca.crt', 60_000);

      const pids = await componentPids(dataDir);
      const running = new Map<string, number>();
      const bound = new Map<string, number>();
      const nodeOf = new Map<string, string>();
      const list = await client.list(PODS, { namespace: NAMESPACE, limit: 1 });
      const watch = await client.watch(PODS, { namespace: NAMESPACE, resourceVersion: list.metadata.resourceVersion });
      const watching = (async () => {
        for await (const event of watch) {
          const pod = event.object as unknown as Pod;
          const name = pod.metadata?.name ?? '';
          if (pod.spec?.nodeName && !bound.has(name)) {
            bound.set(name, now());
            nodeOf.set(name, pod.spec.nodeName);
          }
          if (pod.status?.phase === 'Running' && !running.has(name)) running.set(name, now());
        }
      })();

      log(`creating ${options.pods} pods at ${options.podsPerSecond}/s`);
      const cpuBefore = cpuOf(pids);
      const created = new Map<string, number>();
      const first = now();
      const creates: Promise<unknown>[] = [];
      for (let i = 0; i < options.pods; i++) {
        const wait = first + (i * 1000) / options.podsPerSecond - now();
        if (wait > 0) await sleep(wait);
        created.set(`pod-${i}`, now());
        creates.push(client.create(PODS, benchPod(i), { namespace: NAMESPACE }));
      }
      await Promise.all(creates);
      const deadline = now() + 120_000;
      while (running.size < options.pods && now() < deadline) await sleep(100);
      const cpuAfter = cpuOf(pids);
      watch.close();
      await watching.catch(() => undefined);

      const since = (to: Map<string, number>, from: (name: string) => number | undefined) =>
        summarize([...created.keys()].map((name) => (to.get(name) ?? Infinity) - (from(name) ?? Infinity)).filter(Number.isFinite));
      const podsPerNode: Record<string, number> = {};
      for (const node of nodeOf.values()) podsPerNode[node] = (podsPerNode[node] ?? 0) + 1;
      return {
        ...options,
        nodes: NODE_COUNT,
        image: BUSYBOX_IMAGE,
        latency: since(running, (name) => created.get(name)),
        bindLatency: since(bound, (name) => created.get(name)),
        kubeletLatency: since(running, (name) => bound.get(name)),
        running: running.size,
        podsPerNode,
        cpuSeconds: Object.fromEntries([...cpuAfter].map(([role, seconds]) => [role, Math.round((seconds - (cpuBefore.get(role) ?? 0)) * 100) / 100])),
      };
    } finally {
      await client.close();
    }
  } finally {
    const down = await rudderCli(['down', '--data-dir', dataDir]);
    if (down.code !== 0) log(`rudder down failed:\n${down.output}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
