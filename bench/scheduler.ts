// npm run bench -- scheduler: the end-to-end part (SchedulingBasic/5000Nodes_10000Pods through
// a real apiserver and scheduler process); writes bench/results/scheduler.json as
// {"kernel": {...}, "e2e": {"podsPerSecond", ...}}. BENCH_SCHED_NODES / _INITIAL_PODS / _PODS /
// _CLIENTS shrink it for a quick run; BENCH_SCHED_PROFILE=DIR writes the scheduler's CPU profile there.
import { runE2eBench, SCHEDULING_BASIC } from './lib/scheduler-e2e.js';
import { printTable, writeResults } from './lib/results.js';

export async function benchScheduler(): Promise<void> {
  const options = {
    nodes: Number(process.env.BENCH_SCHED_NODES ?? SCHEDULING_BASIC.nodes),
    initialPods: Number(process.env.BENCH_SCHED_INITIAL_PODS ?? SCHEDULING_BASIC.initialPods),
    measuredPods: Number(process.env.BENCH_SCHED_PODS ?? SCHEDULING_BASIC.measuredPods),
    clients: Number(process.env.BENCH_SCHED_CLIENTS ?? SCHEDULING_BASIC.clients),
    schedulerNodeArgs: process.env.BENCH_SCHED_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SCHED_PROFILE] : [],
  };
  const e2e = await runE2eBench(options, (line) => process.stdout.write(`scheduler e2e: ${line}\n`));
  const path = writeResults('scheduler', { e2e });
  printTable([
    ['part', 'nodes', 'pods', 'pods/s', 'seconds', 'bind p50 ms', 'bind p99 ms', 'cpu s: scheduler', 'apiserver', 'bench client'],
    ['e2e', e2e.nodes, e2e.measuredPods, e2e.podsPerSecond, e2e.seconds, e2e.bindLatencyMs.p50, e2e.bindLatencyMs.p99, e2e.cpuSeconds.scheduler ?? '-', e2e.cpuSeconds.apiserver ?? '-', e2e.cpuSeconds.benchClient],
  ]);
  process.stdout.write(`results: ${path}\n`);
}
