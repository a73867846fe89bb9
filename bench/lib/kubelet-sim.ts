// The simulated-node parts of the kubelet benchmark, against a real apiserver, scheduler and
// kubelet process:
// - startup: N simulated nodes, P pods created at R pods/s (bound by the scheduler), each pod's
//   startup latency from its create request to the first watch event that shows it Running,
//   against Kubernetes' pod startup SLO (p99 <= 5 s);
// - scale: M simulated nodes hosted by one kubelet for S seconds: the kubelet's CPU (cores) and
//   RSS, how long until every node was Ready, and whether every Lease stayed fresh.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { findResource } from '../../lib/api/resources.js';
import { adminCall } from '../../lib/client/admin.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startKubelet } from '../../lib/launch/kubelet-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { processCpuSeconds } from './process-cpu.js';
import { summarize, type LatencySummary } from './stats.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;
/** Kubernetes' pod startup SLO: p99 of stateless pods' startup within 5 s. */
export const POD_STARTUP_SLO_MS = 5000;

const now = (): number => performance.timeOrigin + performance.now();

function rssBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface StartupOptions {
  nodes: number;
  pods: number;
  podsPerSecond: number;
}

export interface StartupResult extends StartupOptions {
  latency: LatencySummary;
  /** Create to the first watch event showing spec.nodeName (the apiserver's and scheduler's share). */
  bindLatency: LatencySummary;
  /** That event to the first one showing Running (the kubelet's share, its watch and status write included). */
  kubeletLatency: LatencySummary;
  /** CPU seconds of each process while the pods were created and started. */
  cpuSeconds: { kubelet?: number; apiserver?: number; scheduler?: number };
  /** p99 / SLO: below 1 meets it. */
  p99OverSlo: number;
  running: number;
  createSeconds: number;
  kubeletRssMiB: number | undefined;
}

function benchPod(i: number): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: 'bench' }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m', memory: '10Mi' } } }] } };
}

/** The kubelet's --cluster-cidr for `nodes` simulated nodes: its default /16 holds 256 node /24s. */
export function clusterCidr(nodes: number): string[] {
  return nodes <= 256 ? [] : ['--cluster-cidr', '100.64.0.0/10'];
}

export async function runStartup(options: StartupOptions, log: (line: string) => void): Promise<StartupResult> {
  const apiserver = await startApiserver({ readyTimeoutMs: 60_000 });
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig, { encoding: 'msgpack', qps: 0, connections: 64 });
  const scheduler = await startScheduler(apiserver, ['--leader-elect=false']);
  try {
    log(`starting a kubelet with ${options.nodes} simulated nodes`);
    const kubelet = await startKubelet(apiserver, ['--sim-nodes', String(options.nodes), ...clusterCidr(options.nodes)], { readyTimeoutMs: 300_000 });
    try {
      await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
      const running = new Map<string, number>();
      const bound = new Map<string, number>();
      const list = await client.list(PODS, { namespace: 'bench', limit: 1 });
      const watch = await client.watch(PODS, { namespace: 'bench', resourceVersion: list.metadata.resourceVersion });
      const watching = (async () => {
        for await (const event of watch) {
          const pod = event.object as unknown as Pod;
          const name = pod.metadata?.name ?? '';
          if (pod.spec?.nodeName && !bound.has(name)) bound.set(name, now());
          if (pod.status?.phase === 'Running' && !running.has(name)) running.set(name, now());
        }
      })();
      log(`creating ${options.pods} pods at ${options.podsPerSecond}/s`);
      const created = new Map<string, number>();
      const cpuBefore = processCpuSeconds(kubelet.child.pid);
      const apiCpuBefore = processCpuSeconds(apiserver.child.pid);
      const schedCpuBefore = processCpuSeconds(scheduler.child.pid);
      const first = now();
      const inFlight: Promise<unknown>[] = [];
      for (let i = 0; i < options.pods; i++) {
        const due = first + (i * 1000) / options.podsPerSecond;
        const wait = due - now();
        if (wait > 0) await sleep(wait);
        created.set(`pod-${i}`, now());
        inFlight.push(client.create(PODS, benchPod(i), { namespace: 'bench' }));
        if (inFlight.length >= 200) await Promise.all(inFlight.splice(0));
      }
      await Promise.all(inFlight);
      const createSeconds = Math.round((now() - first) / 10) / 100;
      const deadline = now() + 120_000;
      while (running.size < options.pods && now() < deadline) await sleep(200);
      const rss = rssBytes(kubelet.child.pid);
      watch.close();
      await watching.catch(() => undefined);
      const latencies = [...created].map(([name, at]) => (running.get(name) ?? Infinity) - at);
      const latency = summarize(latencies.filter(Number.isFinite));
      const bindLatency = summarize([...created].map(([name, at]) => (bound.get(name) ?? Infinity) - at).filter(Number.isFinite));
      const kubeletLatency = summarize([...created.keys()].map((name) => (running.get(name) ?? Infinity) - (bound.get(name) ?? Infinity)).filter(Number.isFinite));
      const spent = (pid: number | undefined, before: number | undefined): number | undefined => {
        const after = processCpuSeconds(pid);
        return after === undefined || before === undefined ? undefined : Math.round((after - before) * 100) / 100;
      };
      return {
        ...options,
        latency,
        bindLatency,
        kubeletLatency,
        cpuSeconds: { kubelet: spent(kubelet.child.pid, cpuBefore), apiserver: spent(apiserver.child.pid, apiCpuBefore), scheduler: spent(scheduler.child.pid, schedCpuBefore) },
        p99OverSlo: Math.round((latency.p99Ms / POD_STARTUP_SLO_MS) * 1000) / 1000,
        running: running.size,
        createSeconds,
        kubeletRssMiB: rss === undefined ? undefined : Math.round(rss / 2 ** 20),
      };
    } finally {
      await kubelet.stop();
    }
  } finally {
    await scheduler.stop();
    await client.close();
    await apiserver.stop();
  }
}

export interface ScaleOptions {
  nodes: number;
  seconds: number;
}

export interface ScaleResult extends ScaleOptions {
  secondsToReady: number;
  /** Mean cores over the measured window (after every node was Ready). */
  kubeletCores: number;
  kubeletPeakRssMiB: number;
  kubeletEndRssMiB: number;
  readyNodesAtEnd: number;
  /** Leases renewed within their 40 s duration at the end. */
  freshLeasesAtEnd: number;
  /** The oldest renewTime at the end, in seconds (renewals are due every 10 s). */
  oldestLeaseSeconds: number;
  /** Lease renewals written per second in the window (5,000 nodes every 10 s: 500). */
  leaseRenewalsPerSecond: number;
  apiserverCores: number;
}

export async function runScale(options: ScaleOptions, log: (line: string) => void): Promise<ScaleResult> {
  const apiserver = await startApiserver({ readyTimeoutMs: 60_000 });
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig, { encoding: 'msgpack', qps: 0 });
  try {
    log(`starting a kubelet with ${options.nodes} simulated nodes`);
    const began = now();
    const kubelet = await startKubelet(apiserver, ['--sim-nodes', String(options.nodes), ...clusterCidr(options.nodes)], { readyTimeoutMs: 600_000 });
    try {
      const secondsToReady = Math.round((now() - began) / 100) / 10;
      log(`all ${options.nodes} nodes registered in ${secondsToReady}s; measuring for ${options.seconds}s`);
      const pid = kubelet.child.pid;
      const renewals = async (): Promise<number> => {
        const body = (await adminCall(kubelet.url, apiserver.caPem, apiserver.token, 'GET', '/metrics')).body;
        return Number(/^rudder_kubelet_node_lease_renewals_total\{result="ok"[^}]*\} (\d+)/m.exec(body)?.[1] ?? 0);
      };
      const renewals0 = await renewals();
      const cpu0 = processCpuSeconds(pid) ?? 0;
      const api0 = processCpuSeconds(apiserver.child.pid) ?? 0;
      const t0 = now();
      let peak = 0;
      while (now() - t0 < options.seconds * 1000) {
        await sleep(1000);
        peak = Math.max(peak, rssBytes(pid) ?? 0);
      }
      const elapsed = (now() - t0) / 1000;
      const renewed = (await renewals()) - renewals0;
      const cores = ((processCpuSeconds(pid) ?? 0) - cpu0) / elapsed;
      const apiCores = ((processCpuSeconds(apiserver.child.pid) ?? 0) - api0) / elapsed;
      const nodes = (await client.listAll<Node>(NODES, { pageSize: 5000 })).items;
      const leases = (await client.listAll<Lease>(LEASES, { namespace: 'kube-node-lease', pageSize: 5000 })).items;
      const at = Date.now();
      return {
        ...options,
        secondsToReady,
        kubeletCores: Math.round(cores * 1000) / 1000,
        kubeletPeakRssMiB: Math.round(peak / 2 ** 20),
        kubeletEndRssMiB: Math.round((rssBytes(pid) ?? 0) / 2 ** 20),
        readyNodesAtEnd: nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length,
        freshLeasesAtEnd: leases.filter((l) => at - Date.parse(l.spec?.renewTime ?? '') < (l.spec?.leaseDurationSeconds ?? 40) * 1000).length,
        oldestLeaseSeconds: Math.round(Math.max(...leases.map((l) => at - Date.parse(l.spec?.renewTime ?? ''))) / 100) / 10,
        leaseRenewalsPerSecond: Math.round(renewed / elapsed),
        apiserverCores: Math.round(apiCores * 1000) / 1000,
      };
    } finally {
      await kubelet.stop();
    }
  } finally {
    await client.close();
    await apiserver.stop();
  }
}
