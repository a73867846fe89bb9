// npm run bench -- kubelet: the simulated-node part ("sim") of bench/results/kubelet.json —
// pod startup latency for 10,000 pods created at 100 pods/s on 1,000 simulated nodes against
// Kubernetes' 5 s SLO, and 5,000 simulated nodes' kubelet CPU and RSS over a few minutes.
// Other parts of the file (the real-container part, "real") are kept as they are.
// BENCH_KUBELET_NODES / _PODS / _RATE shrink the startup part; BENCH_KUBELET_SCALE_NODES /
// _SCALE_SECONDS the scale part (0 nodes skips it).
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runScale, runStartup, POD_STARTUP_SLO_MS } from './lib/kubelet-sim.js';
import { printTable, writeResults } from './lib/results.js';

function previous(name: string): Record<string, unknown> {
  const path = join(process.cwd(), 'bench', 'results', `${name}.json`);
  if (!existsSync(path)) return {};
  try {
    const { benchmark: _b, date: _d, machine: _m, ...rest } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return rest;
  } catch {
    return {};
  }
}

export async function benchKubelet(): Promise<void> {
  const log = (line: string): void => void process.stdout.write(`kubelet sim: ${line}\n`);
  // The machine may be shared: the load average says how much of it the run had.
  const loadAverage1m = (): number => Math.round(loadavg()[0]! * 100) / 100;
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
  const path = writeResults('kubelet', { ...previous('kubelet'), sim: { startup, sloMs: POD_STARTUP_SLO_MS, scale, loadAverage1m: { before: loadBefore, after: loadAverage1m() } } });
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
  process.stdout.write(`results: ${path}\n`);
}
