// The bench's HTML report (a self-contained chart page): the SLO table, the API call latency
// groups, then charts of the API call latency distribution by verb, the pod startup latency
// distribution and scheduling throughput over time, one series per run where there are several.
import { chartPageHtml, escapeHtml, htmlTable, type ChartSpec } from '../observe/chart-page.js';
import type { BenchResults } from './results.js';
import type { ScenarioRun } from './run-scenario.js';
import { bindingsPerSecond } from './slis.js';

const PERCENTILES = Array.from({ length: 101 }, (_, i) => i);

const percentileCurve = (sorted: readonly number[]): (number | null)[] =>
  PERCENTILES.map((q) => (sorted.length === 0 ? null : Math.round(sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))]! * 10) / 10));

export function benchCharts(runs: readonly { scheduler: string; run: ScenarioRun }[]): ChartSpec[] {
  const api: { label: string; values: number[] }[] = [];
  for (const { scheduler, run } of runs) {
    for (const [verb, values] of run.calls.latenciesByVerb()) api.push({ label: runs.length > 1 ? `${scheduler} ${verb}` : verb, values });
  }
  const startup = runs.map(({ run }) => run.timeline.startupLatenciesMs().sort((a, b) => a - b));
  const throughput = runs.map(({ run }) => bindingsPerSecond(run.timeline.bindTimesMs()));
  const longest = Math.max(0, ...throughput.map((t) => t.length));
  const names = runs.map((r) => r.scheduler);
  return [
    { id: 'api-latency', title: 'API call latency by verb (percentiles)', xLabel: 'percentile', yLabel: 'ms', series: api.map((a) => a.label), data: [PERCENTILES, ...api.map((a) => percentileCurve(a.values))] },
    { id: 'pod-startup', title: 'Pod startup latency (percentiles)', xLabel: 'percentile', yLabel: 'ms', series: names, data: [PERCENTILES, ...startup.map(percentileCurve)] },
    {
      id: 'throughput',
      title: 'Pods scheduled per second',
      xLabel: 'seconds since the run started',
      yLabel: 'pods/s',
      series: names,
      data: [Array.from({ length: longest }, (_, i) => i), ...throughput.map((t) => Array.from({ length: longest }, (_, i) => t[i] ?? 0))],
    },
  ];
}

export function benchReportHtml(results: BenchResults, runs: readonly { scheduler: string; run: ScenarioRun }[]): string {
  const slos = [['run', 'SLI', 'value', 'SLO', 'result'], ...results.runs.flatMap((r) => r.slos.map((c) => [r.scheduler, c.sli, `${c.value} ${c.unit}`, `${c.bound === 'max' ? '<=' : '>='} ${c.threshold} ${c.unit}`, c.met ? 'ok' : 'MISSED']))];
  const api = [['run', 'verb', 'resource', 'scope', 'calls', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'], ...results.runs.flatMap((r) => (r.slis.apiCallLatency ?? []).map((g) => [r.scheduler, g.verb, g.resource, g.scope, g.count, g.errors, g.p50Ms, g.p90Ms, g.p99Ms, g.maxMs]))];
  const phases = [['run', 'phase', 'action', 'requests', 'failed', 'seconds', 'wait'], ...results.runs.flatMap((r) => r.phases.map((p) => [r.scheduler, p.name, p.action, p.requests, p.failedRequests, p.seconds, p.timedOut ? 'timed out' : 'ok']))];
  const verdict = results.sloMet ? 'every SLO met' : '<span class="missed">an SLO was missed</span>';
  const comparison = results.comparison
    ? `<p id="comparison">Scheduling throughput: Rudder ${results.comparison.rudderPodsPerSecond} pods/s, kube-scheduler ${results.comparison.kubeSchedulerPodsPerSecond} pods/s, ratio <b>${results.comparison.ratio}</b>.</p>`
    : '';
  return chartPageHtml({
    title: `rudder bench: ${results.scenario}`,
    bodyHtml: `<h1>rudder bench ${escapeHtml(results.scenario)}</h1>
<p>${escapeHtml(results.description)} ${results.nodes} nodes (${results.cluster === 'started' ? 'simulated, in a cluster the bench started' : 'a running cluster'}), ${escapeHtml(results.date)}: ${verdict}.</p>
${comparison}
${htmlTable('slos', slos)}
${htmlTable('phases', phases)}
${htmlTable('api-calls', api)}`,
    charts: benchCharts(runs),
  });
}
