// The SLIs of a finished run and their SLO checks: API call latency (p50/p90/p99 by verb,
// resource and scope), pod startup latency, scheduling throughput. The thresholds are
// Kubernetes' SLOs unless the scenario sets its own.
import { summarize, type LatencySummary } from '../observe/latency-summary.js';
import { isMutating, type ApiCallGroup } from './api-calls.js';
import type { ScenarioRun } from './run-scenario.js';
import type { Measurement, Scenario } from './scenario.js';

export interface SloCheck {
  sli: string;
  /** Measured value (milliseconds for latencies, pods/s for throughput). */
  value: number;
  threshold: number;
  unit: 'ms' | 'pods/s';
  /** "max": the value must not exceed the threshold; "min": must reach it. */
  bound: 'max' | 'min';
  met: boolean;
}

export interface SchedulingThroughput {
  /** Pods scheduled per second in the phase that scheduled most, from its start (a backlog: its first binding) to its last binding. */
  podsPerSecond: number;
  phase: string | undefined;
  scheduled: number;
  /** Bindings per one-second bucket over the busy span: percentiles and the peak. */
  perSecond: { p50: number; p90: number; p99: number; max: number };
}

export interface BenchSlis {
  apiCallLatency: ApiCallGroup[] | undefined;
  podStartupLatency: LatencySummary | undefined;
  schedulingThroughput: SchedulingThroughput | undefined;
}

/** Bindings per whole second since the run started. */
export function bindingsPerSecond(bindTimesMs: readonly number[]): number[] {
  if (bindTimesMs.length === 0) return [];
  const buckets = new Array<number>(Math.floor(bindTimesMs[bindTimesMs.length - 1]! / 1000) + 1).fill(0);
  for (const t of bindTimesMs) buckets[Math.floor(t / 1000)]!++;
  return buckets;
}

function schedulingThroughput(run: ScenarioRun): SchedulingThroughput {
  let best: { phase: string; scheduled: number; podsPerSecond: number } | undefined;
  const records = run.timeline.records();
  for (const phase of run.phases) {
    if (!['createPods', 'createDeployments', 'scaleDeployments'].includes(phase.action)) continue;
    const binds = records.filter((p) => p.createdMs >= phase.startMs && p.createdMs <= phase.endMs && p.boundMs !== undefined).map((p) => p.boundMs!);
    if (binds.length === 0) continue;
    // A backlog is timed from its first binding to its last; other phases from their start.
    const from = phase.schedulerStartMs === undefined ? phase.startMs : Math.min(...binds);
    const seconds = Math.max(0.001, (Math.max(...binds) - from) / 1000);
    const podsPerSecond = Math.round(binds.length / seconds);
    if (!best || binds.length > best.scheduled) best = { phase: phase.name, scheduled: binds.length, podsPerSecond };
  }
  const buckets = bindingsPerSecond(run.timeline.bindTimesMs());
  const first = buckets.findIndex((n) => n > 0);
  const busy = first < 0 ? [] : buckets.slice(first).sort((a, b) => a - b);
  const at = (q: number): number => busy[Math.min(busy.length - 1, Math.floor(q * busy.length))] ?? 0;
  return { podsPerSecond: best?.podsPerSecond ?? 0, phase: best?.phase, scheduled: best?.scheduled ?? 0, perSecond: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: busy[busy.length - 1] ?? 0 } };
}

export function computeSlis(run: ScenarioRun, measurements: readonly Measurement[]): BenchSlis {
  return {
    apiCallLatency: measurements.includes('apiCallLatency') ? run.calls.summary() : undefined,
    podStartupLatency: measurements.includes('podStartupLatency') ? summarize(run.timeline.startupLatenciesMs()) : undefined,
    schedulingThroughput: measurements.includes('schedulingThroughput') ? schedulingThroughput(run) : undefined,
  };
}

function apiThreshold(group: ApiCallGroup, slo: Scenario['slo']): number {
  if (isMutating(group.verb)) return slo.mutatingP99Ms;
  if (group.verb === 'GET') return slo.getP99Ms;
  return group.scope === 'cluster' ? slo.listClusterP99Ms : slo.listNamespaceP99Ms;
}

export function checkSlos(slis: BenchSlis, slo: Scenario['slo']): SloCheck[] {
  const checks: SloCheck[] = [];
  // Kubernetes' SLO covers single-object writes, gets and lists: a collection delete is reported, not checked.
  for (const group of (slis.apiCallLatency ?? []).filter((g) => g.verb !== 'DELETECOLLECTION')) {
    const threshold = apiThreshold(group, slo);
    checks.push({ sli: `API call latency p99 ${group.verb} ${group.resource} (${group.scope})`, value: group.p99Ms, threshold, unit: 'ms', bound: 'max', met: group.p99Ms <= threshold });
  }
  if (slis.podStartupLatency) {
    const s = slis.podStartupLatency;
    // A run in which no pod started has not met the SLO.
    checks.push({ sli: 'pod startup latency p99', value: s.p99Ms, threshold: slo.podStartupP99Ms, unit: 'ms', bound: 'max', met: s.count > 0 && s.p99Ms <= slo.podStartupP99Ms });
  }
  if (slis.schedulingThroughput) {
    const v = slis.schedulingThroughput.podsPerSecond;
    checks.push({ sli: 'scheduling throughput', value: v, threshold: slo.schedulingThroughputMin, unit: 'pods/s', bound: 'min', met: v >= slo.schedulingThroughputMin });
  }
  return checks;
}
