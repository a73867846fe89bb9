// rudder sim: replays a workload (node pools and timed pod arrivals and deletions) against one
// or more scheduler profiles in process, on virtual time, and writes the comparison to --out.
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { compareResults, readResults } from '../../lib/sim/compare.js';
import { table } from '../text-table.js';
import { startClusterEngine, type ClusterEngine } from '../../lib/sim/cluster/cluster-engine.js';
import { importTrace, isTraceFormat, TRACE_FORMATS, withTrace } from '../../lib/sim/import/index.js';
import { EXAMPLE_WORKLOAD, parseWorkload, resolveProfile, runSimulation, WorkloadError, type SimProfile, type Workload } from '../../lib/sim/index.js';

export interface SimOptions {
  compare?: string[];
  workload?: string;
  trace?: string;
  traceFormat?: string;
  example: boolean;
  profiles: string;
  seed: number;
  out?: string;
  pluginModule: string[];
  nativeKernel: boolean;
  cluster: boolean;
  timeScale: number;
}

function progressBar(): (profile: string, arrived: number, total: number) => void {
  if (!process.stderr.isTTY) return () => {};
  return (profile, arrived, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((arrived / total) * width);
    process.stderr.write(`\r${profile.padEnd(20)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${arrived}/${total} pods arrived`);
    if (arrived === total) process.stderr.write('\n');
  };
}

function compare(dirs: string[]): number {
  if (dirs.length !== 2) {
    process.stderr.write(`rudder sim: --compare takes two result directories, not ${dirs.length}\n`);
    return 2;
  }
  try {
    process.stdout.write(`A: ${dirs[0]}\nB: ${dirs[1]}\n${table(compareResults(readResults(dirs[0]!), readResults(dirs[1]!)))}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`rudder sim: ${(error as Error).message}\n`);
    return 2;
  }
}

export async function sim(o: SimOptions): Promise<number> {
  if (o.compare) return compare(o.compare);
  if (Boolean(o.workload) === o.example) {
    process.stderr.write('rudder sim: give a workload file (--workload FILE) or --example\n');
    return 2;
  }
  let workload: Workload;
  let profiles: SimProfile[];
  try {
    workload = o.workload ? parseWorkload(readFileSync(o.workload, 'utf8')) : EXAMPLE_WORKLOAD;
    if (o.trace) {
      const format = o.traceFormat ?? (extname(o.trace) === '.json' ? 'json' : 'csv');
      if (!isTraceFormat(format)) throw new Error(`--trace-format ${format}: use ${TRACE_FORMATS.join(', ')}`);
      workload = withTrace(workload, importTrace(readFileSync(o.trace, 'utf8'), format, workload));
    } else if (o.traceFormat) throw new Error('--trace-format needs --trace FILE');
    if (o.timeScale !== 1 && !o.cluster) throw new Error('--time-scale needs --cluster (in process, time is virtual)');
    const names = o.profiles.split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (names.length === 0) throw new Error('--profiles names no profile');
    profiles = await Promise.all(names.map(resolveProfile));
    const seen = new Set<string>();
    for (const p of profiles) {
      if (seen.has(p.name)) throw new Error(`two profiles are named ${p.name}`);
      seen.add(p.name);
    }
  } catch (error) {
    const message = error instanceof WorkloadError ? error.problems.join('\n  ') : (error as Error).message;
    process.stderr.write(`rudder sim: ${message}\n`);
    return 2;
  }
  const workloadName = o.trace ? basename(o.trace, extname(o.trace)) : o.workload ? basename(o.workload, extname(o.workload)) : 'example';
  let run;
  let cluster: ClusterEngine | undefined;
  try {
    if (o.cluster) {
      const say = (line: string): void => void process.stderr.write(`rudder sim: ${line}\n`);
      say('starting a cluster: apiserver, controller-manager, a kubelet of simulated nodes per node pool');
      cluster = await startClusterEngine({ workload, timeScale: o.timeScale, pluginModules: o.pluginModule, nativeKernel: o.nativeKernel, log: say });
    }
    run = await runSimulation({
      workload,
      workloadName,
      profiles,
      seed: o.seed,
      pluginModules: o.pluginModule,
      nativeKernel: o.nativeKernel,
      ...(o.out ? { out: o.out } : {}),
      onProgress: progressBar(),
      ...(cluster ? { engine: cluster.engine } : {}),
    });
  } catch (error) {
    if (error instanceof WorkloadError) {
      process.stderr.write(`rudder sim: ${error.problems.join('\n  ')}\n`);
      return 2;
    }
    process.stderr.write(`rudder sim: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await cluster?.stop();
  }
  const { results, timings } = run;
  const rows: (string | number)[][] = [
    ['PROFILE', 'SCHEDULED', 'UNSCHEDULABLE', 'NODES USED (PEAK)', 'CPU OF USED', 'MEMORY OF USED', 'MEAN PENDING S', 'PREEMPTIONS', 'ATTEMPTS', 'ATTEMPTS/S'],
    ...results.profiles.map((p, i) => [
      p.profile,
      p.podsScheduled,
      p.podsUnschedulable,
      p.nodesUsedPeak,
      p.utilisationOfUsedNodes.cpu.toFixed(3),
      p.utilisationOfUsedNodes.memory.toFixed(3),
      p.meanPendingSeconds.toFixed(3),
      p.preemptions,
      p.attempts.total,
      timings.profiles[i]!.attemptsPerSecond,
    ]),
  ];
  process.stdout.write(`${results.nodes} nodes, ${results.pods} pods, seed ${results.seed}\n${table(rows)}\n`);
  if (o.out) process.stdout.write(`results: ${join(o.out, 'results.json')}, report: ${join(o.out, 'report.html')}\n`);
  return 0;
}
