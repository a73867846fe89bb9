// npm run bench -- sim: the in-process simulator's speed. The same generated workload (5,000
// nodes; BENCH_SIM_PODS pods, default 20,000) is replayed with the default profile through the
// framework with the Rust kernel, then through the TypeScript plugins only; each reports
// scheduling attempts per wall-clock second (and per CPU second of the process, as the machine
// is shared) and the ratio between them. As a baseline in the same run, the bare kernel (one
// native call per pod, no queue, framework or deletions; bench/lib/scheduler-kernel.ts) places
// the same pods on the same nodes. Writes bench/results/sim.json.
import { loadavg } from 'node:os';
import { expandWorkload, resolveProfile, simulate, type SimOutcome, type SimTrace } from '../lib/sim/index.js';
import { podInfoFromPod } from '../lib/sched/pod-info.js';
import { printTable, writeResults } from './lib/results.js';
import { runKernel } from './lib/scheduler-kernel.js';

interface PathResult {
  attempts: number;
  wallSeconds: number;
  attemptsPerSecond: number;
  cpuSeconds: number;
  attemptsPerCpuSecond: number;
  podsScheduled: number;
  nodesUsedPeak: number;
}

async function measure(trace: SimTrace, nativeKernel: boolean): Promise<{ result: PathResult; outcome: SimOutcome }> {
  const profile = await resolveProfile('default');
  const outcome = await simulate({ trace, profile, seed: 1, nativeKernel });
  const cpuSeconds = outcome.cpuSeconds;
  const attempts = outcome.attempts.total;
  return {
    outcome,
    result: {
      attempts,
      wallSeconds: Math.round(outcome.wallSeconds * 1000) / 1000,
      attemptsPerSecond: Math.round(attempts / outcome.wallSeconds),
      cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
      attemptsPerCpuSecond: Math.round(attempts / cpuSeconds),
      podsScheduled: outcome.podsScheduled,
      nodesUsedPeak: outcome.nodesUsedPeak,
    },
  };
}

export async function benchSim(): Promise<void> {
  const nodes = 5000;
  const pods = Number(process.env.BENCH_SIM_PODS ?? 20_000);
  const generate = { nodes, pods, arrivalSpanMs: 600_000, meanDurationMs: 600_000 };
  const trace = expandWorkload({ nodePools: [], pods: [], deletions: [], generate }, 1);
  const warmup = expandWorkload({ nodePools: [], pods: [], deletions: [], generate: { ...generate, nodes: 500, pods: 2000 } }, 2);
  await measure(warmup, true);
  await measure(warmup, false);
  const loadAverage = Math.round(loadavg()[0]! * 100) / 100;
  const kernel = await measure(trace, true);
  const typescript = await measure(trace, false);
  const podInfos = trace.arrivals.map((a) => podInfoFromPod(a.pod));
  const bareCpu = process.cpuUsage();
  const bare = runKernel(trace.nodes, podInfos);
  const bareCpuUsed = process.cpuUsage(bareCpu);
  const bareCpuSeconds = (bareCpuUsed.user + bareCpuUsed.system) / 1e6;
  const bareKernelPodsPerSecond = Math.round(pods / bare.seconds);
  const bareKernelPodsPerCpuSecond = Math.round(pods / bareCpuSeconds);
  const samePlacements = kernel.outcome.placements.filter((p, i) => typescript.outcome.placements[i]?.node === p.node).length;
  const ratio = Math.round((kernel.result.attemptsPerSecond / typescript.result.attemptsPerSecond) * 10) / 10;
  const path = writeResults('sim', {
    nodes,
    pods,
    profile: 'default',
    kernel: kernel.result,
    typescript: typescript.result,
    ratio,
    samePlacements,
    bareKernel: { podsPerSecond: bareKernelPodsPerSecond, seconds: Math.round(bare.seconds * 1000) / 1000, podsPerCpuSecond: bareKernelPodsPerCpuSecond },
    // The simulator's rate as a share of the bare kernel's, measured in the same run (wall and CPU time).
    kernelShare: Math.round((kernel.result.attemptsPerSecond / bareKernelPodsPerSecond) * 100) / 100,
    kernelShareCpu: Math.round((kernel.result.attemptsPerCpuSecond / bareKernelPodsPerCpuSecond) * 100) / 100,
    loadAverage,
  });
  printTable([
    ['path', 'attempts', 'wall s', 'attempts/s', 'cpu s', 'attempts/cpu s', 'nodes used peak'],
    ['framework + Rust kernel', kernel.result.attempts, kernel.result.wallSeconds, kernel.result.attemptsPerSecond, kernel.result.cpuSeconds, kernel.result.attemptsPerCpuSecond, kernel.result.nodesUsedPeak],
    ['TypeScript plugins only', typescript.result.attempts, typescript.result.wallSeconds, typescript.result.attemptsPerSecond, typescript.result.cpuSeconds, typescript.result.attemptsPerCpuSecond, typescript.result.nodesUsedPeak],
  ]);
  process.stdout.write(`bare kernel (same pods, no queue or framework): ${bareKernelPodsPerSecond} pods/s, ${bareKernelPodsPerCpuSecond} pods/cpu s\n`);
  process.stdout.write(`ratio ${ratio}x; same node for ${samePlacements}/${kernel.outcome.placements.length} pods; load average ${loadAverage}; written to ${path}\n`);
}
