// One `rudder sim` run: the workload expanded with the seed, every profile replayed on it in
// turn, and the results written to the output directory (results.json, timings.json, CSV files
// and report.html).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimProfile } from './profiles.js';
import { reportHtml } from './report.js';
import { simResults, simTimings, writeResultFiles, type SimResults, type SimTimings } from './results.js';
import { simulate, type SimOutcome, type SimulateOptions } from './simulator.js';
import { expandWorkload } from './trace.js';
import type { Workload } from './workload.js';

export interface SimRunOptions {
  workload: Workload;
  /** How results name the workload ("example" or the file's name). */
  workloadName: string;
  profiles: readonly SimProfile[];
  seed: number;
  pluginModules?: readonly string[];
  nativeKernel?: boolean;
  /** Where to write; nothing is written without it. */
  out?: string;
  onProgress?: (profile: string, arrived: number, total: number) => void;
  /** What replays the trace against a profile: the in-process simulator (default), or a cluster. */
  engine?: (options: SimulateOptions) => Promise<SimOutcome>;
}

export interface SimRun {
  results: SimResults;
  timings: SimTimings;
  outcomes: SimOutcome[];
}

export async function runSimulation(options: SimRunOptions): Promise<SimRun> {
  const trace = expandWorkload(options.workload, options.seed);
  const outcomes: SimOutcome[] = [];
  for (const profile of options.profiles) {
    outcomes.push(
      await (options.engine ?? simulate)({
        trace,
        profile,
        seed: options.seed,
        pluginModules: options.pluginModules ?? [],
        nativeKernel: options.nativeKernel ?? true,
        onProgress: (arrived, total) => options.onProgress?.(profile.name, arrived, total),
      }),
    );
  }
  const results = simResults(options.seed, options.workloadName, trace.nodes.length, trace.arrivals.length, outcomes);
  const timings = simTimings(options.nativeKernel ?? true, outcomes);
  if (options.out) {
    writeResultFiles(options.out, results, timings, outcomes);
    writeFileSync(join(options.out, 'report.html'), reportHtml(results, outcomes));
  }
  return { results, timings, outcomes };
}
