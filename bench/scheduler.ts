// npm run bench -- scheduler: the kernel part (bench/lib/scheduler-kernel.ts) and the end-to-end part (SchedulingBasic/5000Nodes_10000Pods through
// a real apiserver and scheduler process); writes bench/results/scheduler.json as
// {"kernel": {...}, "e2e": {"podsPerSecond", ...}}. The machine is shared and small, so the
// e2e run is repeated (BENCH_SCHED_RUNS, default 3) and the median run is the result; every
// run is kept. BENCH_SCHED_ARGS adds scheduler flags (space separated). BENCH_SCHED_NODES / _INITIAL_PODS / _PODS / _CLIENTS shrink it for a quick run;
// BENCH_SCHED_PROFILE=DIR writes the scheduler's CPU profiles there.
import { loadavg } from 'node:os';
import { runE2eBench, SCHEDULING_BASIC, type E2eBenchResult } from './lib/scheduler-e2e.js';
import { runKernelBench } from './lib/scheduler-kernel.js';
import { printTable, writeResults } from './lib/results.js';

export async function benchScheduler(): Promise<void> {
  const options = {
    nodes: Number(process.env.BENCH_SCHED_NODES ?? SCHEDULING_BASIC.nodes),
    initialPods: Number(process.env.BENCH_SCHED_INITIAL_PODS ?? SCHEDULING_BASIC.initialPods),
    measuredPods: Number(process.env.BENCH_SCHED_PODS ?? SCHEDULING_BASIC.measuredPods),
    clients: Number(process.env.BENCH_SCHED_CLIENTS ?? SCHEDULING_BASIC.clients),
    schedulerArgs: process.env.BENCH_SCHED_ARGS ? process.env.BENCH_SCHED_ARGS.split(' ') : [],
    schedulerNodeArgs: process.env.BENCH_SCHED_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SCHED_PROFILE] : [],
  };
  const kernel = await runKernelBench();
  process.stdout.write(`scheduler kernel: ${kernel.referencePodsPerSecond} pods/s typescript reference, ${kernel.nativePodsPerSecond} native: ${kernel.ratio}x\n`);
  const count = Math.max(1, Number(process.env.BENCH_SCHED_RUNS ?? 3));
  const runs: (E2eBenchResult & { loadAverage1m: number })[] = [];
  for (let i = 1; i <= count; i++) {
    const loadAverage1m = Math.round(loadavg()[0]! * 100) / 100;
    const run = await runE2eBench(options, (line) => process.stdout.write(`scheduler e2e ${i}/${count}: ${line}\n`));
    runs.push({ ...run, loadAverage1m });
  }
  const byRate = [...runs].sort((a, b) => a.podsPerSecond - b.podsPerSecond);
  const median = byRate[Math.floor((byRate.length - 1) / 2)]!;
  const e2e = {
    ...median,
    runs: runs.map((r) => ({ podsPerSecond: r.podsPerSecond, seconds: r.seconds, createSeconds: r.createSeconds, bindLatencyMs: r.bindLatencyMs, cpuSeconds: r.cpuSeconds, attempts: r.attempts, loadAverage1m: r.loadAverage1m })),
  };
  const path = writeResults('scheduler', { kernel, e2e });
  printTable([
    ['run', 'nodes', 'pods', 'pods/s', 'seconds', 'creates s', 'bind p50 ms', 'bind p99 ms', 'cpu s: scheduler', 'apiserver', 'bench client', 'attempts', 'load 1m'],
    ...runs.map((r, i) => [
      r === median ? `${i + 1} (median)` : String(i + 1),
      r.nodes,
      r.measuredPods,
      r.podsPerSecond,
      r.seconds,
      r.createSeconds,
      r.bindLatencyMs.p50,
      r.bindLatencyMs.p99,
      r.cpuSeconds.scheduler ?? '-',
      r.cpuSeconds.apiserver ?? '-',
      r.cpuSeconds.benchClient,
      Object.entries(r.attempts).map(([result, n]) => `${result} ${n}`).join(', '),
      r.loadAverage1m,
    ]),
  ]);
  process.stdout.write(`results: ${path}\n`);
}
