// npm run bench -- kubelet: bench/results/kubelet.json, in two parts, each against Kubernetes'
// pod startup SLO (p99 <= 5 s from create to Running seen by a watch):
// - "real": 30 pods created at 5 pods/s on 2 real nodes (`rudder up --nodes 2`: containerd,
//   runc, CNI), BENCH_KUBELET_REAL_PODS / _REAL_RATE to change; needs root and the packages of
//   "Real nodes" (without them the part is not run and its last numbers are kept);
// - "sim": 10,000 pods created at 100 pods/s on 1,000 simulated nodes, and 5,000 simulated
//   nodes' kubelet CPU and RSS over a few minutes; BENCH_KUBELET_NODES / _PODS / _RATE shrink the
//   startup part, BENCH_KUBELET_SCALE_NODES / _SCALE_SECONDS the scale part (0 nodes skips it).
// BENCH_KUBELET_PARTS (default "real,sim") picks the parts to run; the others keep their last
// numbers. Each part notes the machine's load average before and after it (the machine may be
// shared).
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { localNodesUnavailable } from '../lib/local-nodes/prerequisites.js';
import { runRealStartup } from './lib/kubelet-real.js';
import { runScale, runStartup, POD_STARTUP_SLO_MS } from './lib/kubelet-sim.js';
import { printTable, writeResults } from './lib/results.js';
import { ratio } from './lib/stats.js';

/** The parts of the last results file (each noting when it was measured), to keep those not run now. */
function previous(name: string): Record<string, unknown> {
  const path = join(process.cwd(), 'bench', 'results', `${name}.json`);
  if (!existsSync(path)) return {};
  try {
    const { benchmark: _b, date, machine: _m, ...rest } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    for (const [part, value] of Object.entries(rest)) {
      if (value && typeof value === 'object' && !('date' in value)) rest[part] = { date, ...value };
    }
    return rest;
  } catch {
    return {};
  }
}

const loadAverage1m = (): number => Math.round(loadavg()[0]! * 100) / 100;

async function realPart(): Promise<Record<string, unknown> | undefined> {
  const log = (line: string): void => void process.stdout.write(`kubelet real: ${line}\n`);
  const unavailable = localNodesUnavailable();
  if (unavailable) {
    log(`not run: ${unavailable}`);
    return undefined;
  }
  const loadBefore = loadAverage1m();
  const startup = await runRealStartup({ pods: Number(process.env.BENCH_KUBELET_REAL_PODS ?? 30), podsPerSecond: Number(process.env.BENCH_KUBELET_REAL_RATE ?? 5) }, log);
  printTable([
    ['real nodes', 'pods', 'rate/s', 'running', 'p50 ms', 'p99 ms', 'p99/SLO', 'bound p50/p99 ms', 'bound->Running p50/p99 ms', 'pods per node', 'cpu s: kubelets', 'containerds'],
    [
      startup.nodes,
      startup.pods,
      startup.podsPerSecond,
      startup.running,
      startup.latency.p50Ms,
      startup.latency.p99Ms,
      ratio(startup.latency.p99Ms, POD_STARTUP_SLO_MS),
      `${startup.bindLatency.p50Ms}/${startup.bindLatency.p99Ms}`,
      `${startup.kubeletLatency.p50Ms}/${startup.kubeletLatency.p99Ms}`,
      Object.values(startup.podsPerNode).join('/'),
      startup.cpuSeconds.kubelet ?? '-',
      startup.cpuSeconds.containerd ?? '-',
    ],
  ]);
  return { startup, sloMs: POD_STARTUP_SLO_MS, p99OverSlo: ratio(startup.latency.p99Ms, POD_STARTUP_SLO_MS), loadAverage1m: { before: loadBefore, after: loadAverage1m() } };
}

async function simPart(): Promise<Record<string, unknown>> {
  const log = (line: string): void => void process.stdout.write(`kubelet sim: ${line}\n`);
  const loadBefore = loadAverage1m();
  const startup = await runStartup(
    {
      nodes: Number(process.env.BENCH_KUBELET_NODES ?? 1000),
      pods: Number(process.env.BENCH_KUBELET_PODS ?? 10_000),
      podsPerSecond: Number(process.env.BENCH_KUBELET_RATE ?? 100),
    },
    log,
  );
  const scaleNodes = Number(process.env.BENCH_KUBELET_SCALE_NODES ?? 5000);
  const scale = scaleNodes > 0 ? await runScale({ nodes: scaleNodes, seconds: Number(process.env.BENCH_KUBELET_SCALE_SECONDS ?? 180) }, log) : undefined;
  printTable([
    ['nodes', 'pods', 'rate/s', 'creates s', 'running', 'p50 ms', 'p99 ms', 'p99/SLO', 'bound p50/p99 ms', 'bound->Running p50/p99 ms', 'cpu s: kubelet', 'apiserver', 'scheduler', 'kubelet RSS MiB'],
    [
      startup.nodes,
      startup.pods,
      startup.podsPerSecond,
      startup.createSeconds,
      startup.running,
      startup.latency.p50Ms,
      startup.latency.p99Ms,
      startup.p99OverSlo,
      `${startup.bindLatency.p50Ms}/${startup.bindLatency.p99Ms}`,
      `${startup.kubeletLatency.p50Ms}/${startup.kubeletLatency.p99Ms}`,
      startup.cpuSeconds.kubelet ?? '-',
      startup.cpuSeconds.apiserver ?? '-',
      startup.cpuSeconds.scheduler ?? '-',
      startup.kubeletRssMiB ?? '-',
    ],
  ]);
  if (scale) {
    printTable([
      ['sim nodes', 'ready s', 'window s', 'kubelet cores', 'peak RSS MiB', 'end RSS MiB', 'Ready at end', 'fresh Leases', 'oldest Lease s', 'renewals/s', 'apiserver cores'],
      [scale.nodes, scale.secondsToReady, scale.seconds, scale.kubeletCores, scale.kubeletPeakRssMiB, scale.kubeletEndRssMiB, scale.readyNodesAtEnd, scale.freshLeasesAtEnd, scale.oldestLeaseSeconds, scale.leaseRenewalsPerSecond, scale.apiserverCores],
    ]);
  }
  return { startup, sloMs: POD_STARTUP_SLO_MS, scale, loadAverage1m: { before: loadBefore, after: loadAverage1m() } };
}

const PARTS: Record<string, () => Promise<Record<string, unknown> | undefined>> = { real: realPart, sim: simPart };

export async function benchKubelet(): Promise<void> {
  const parts = (process.env.BENCH_KUBELET_PARTS ?? 'real,sim').split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = parts.filter((p) => !PARTS[p]);
  if (unknown.length > 0) throw new Error(`unknown kubelet bench parts ${unknown.join(', ')}; known: ${Object.keys(PARTS).join(', ')}`);
  const results = previous('kubelet');
  for (const part of parts) {
    const result = await PARTS[part]!();
    if (result) results[part] = { date: new Date().toISOString(), ...result };
  }
  const { real, sim, ...rest } = results;
  const path = writeResults('kubelet', { ...(real ? { real } : {}), ...(sim ? { sim } : {}), ...rest });
  process.stdout.write(`results: ${path}\n`);
}
