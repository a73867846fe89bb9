// What `rudder bench` writes to results.json: per run (one per scheduler) its phases, SLIs and
// SLO checks; with --peer, both schedulers' throughput and their ratio.
import type { PhaseRecord, ScenarioRun } from './run-scenario.js';
import type { Scenario } from './scenario.js';
import { checkSlos, computeSlis, type BenchSlis, type SloCheck } from './slis.js';

export interface BenchRunResult {
  /** The scheduler that ran: "rudder", "kube-scheduler", or "cluster" (a running cluster's own). */
  scheduler: string;
  runId: string;
  durationSeconds: number;
  phases: (Omit<PhaseRecord, 'startMs' | 'endMs' | 'schedulerStartMs'> & { startSeconds: number; seconds: number; schedulerStartSeconds: number | undefined })[];
  slis: BenchSlis;
  slos: SloCheck[];
  sloMet: boolean;
}

export interface SchedulerComparison {
  rudderPodsPerSecond: number;
  kubeSchedulerPodsPerSecond: number;
  /** Rudder's pods/s over kube-scheduler's. */
  ratio: number;
}

export interface BenchResults {
  scenario: string;
  description: string;
  /** "started": a cluster bench started with simulated nodes; "kubeconfig": a running one. */
  cluster: 'started' | 'kubeconfig';
  nodes: number;
  date: string;
  runs: BenchRunResult[];
  comparison: SchedulerComparison | undefined;
  sloMet: boolean;
  /** The machine's 1-minute load average before and after (it may be shared). */
  loadAverage1m: { before: number; after: number };
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

export function runResult(scheduler: string, run: ScenarioRun, scenario: Scenario): BenchRunResult {
  const slis = computeSlis(run, scenario.measurements);
  const slos = checkSlos(slis, scenario.slo);
  const phasesOk = run.phases.every((p) => !p.timedOut);
  return {
    scheduler,
    runId: run.runId,
    durationSeconds: seconds(run.durationMs),
    phases: run.phases.map(({ startMs, endMs, schedulerStartMs, ...p }) => ({ ...p, startSeconds: seconds(startMs), seconds: seconds(endMs - startMs), schedulerStartSeconds: schedulerStartMs === undefined ? undefined : seconds(schedulerStartMs) })),
    slis,
    slos,
    sloMet: phasesOk && slos.every((c) => c.met),
  };
}

export function benchResults(scenario: Scenario, cluster: BenchResults['cluster'], nodes: number, runs: BenchRunResult[], loadAverage1m: BenchResults['loadAverage1m']): BenchResults {
  const rudder = runs.find((r) => r.scheduler === 'rudder');
  const peer = runs.find((r) => r.scheduler === 'kube-scheduler');
  const rate = (r: BenchRunResult | undefined): number => r?.slis.schedulingThroughput?.podsPerSecond ?? 0;
  const comparison = rudder && peer ? { rudderPodsPerSecond: rate(rudder), kubeSchedulerPodsPerSecond: rate(peer), ratio: rate(peer) === 0 ? 0 : Math.round((rate(rudder) / rate(peer)) * 100) / 100 } : undefined;
  return { scenario: scenario.name, description: scenario.description, cluster, nodes, date: new Date().toISOString(), runs, comparison, sloMet: runs.every((r) => r.sloMet), loadAverage1m };
}

/** The summary table: one row per SLO check and run, then the comparison. */
export function summaryRows(results: BenchResults): string[][] {
  const rows: string[][] = [['RUN', 'SLI', 'VALUE', 'SLO', 'RESULT']];
  for (const run of results.runs) {
    for (const c of run.slos) rows.push([run.scheduler, c.sli, `${c.value} ${c.unit}`, `${c.bound === 'max' ? '<=' : '>='} ${c.threshold} ${c.unit}`, c.met ? 'ok' : 'MISSED']);
    for (const p of run.phases.filter((p) => p.timedOut)) rows.push([run.scheduler, `phase ${p.name}`, `${p.seconds} s`, 'its wait condition', 'TIMED OUT']);
  }
  if (results.comparison) {
    const c = results.comparison;
    rows.push(['rudder / kube-scheduler', 'scheduling throughput ratio', `${c.rudderPodsPerSecond} / ${c.kubeSchedulerPodsPerSecond} pods/s`, '', `${c.ratio}x`]);
  }
  return rows;
}
