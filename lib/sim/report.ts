// The simulation's HTML report (a self-contained chart page) with the profiles side by side: a
// summary table, then charts of nodes in use, cpu and memory utilisation of the used nodes,
// pending pods over virtual time, and the pending-time distribution.
import { chartPageHtml, escapeHtml, htmlTable, type ChartSpec } from '../observe/chart-page.js';
import { quantile, type SimResults } from './results.js';
import type { SimOutcome } from './simulator.js';

const PERCENTILES = Array.from({ length: 101 }, (_, i) => i);

export function reportCharts(outcomes: readonly SimOutcome[]): ChartSpec[] {
  // Every profile is sampled at the same virtual times; a longer run has more points.
  const longest = outcomes.reduce((a, o) => (o.samples.length > a.samples.length ? o : a), outcomes[0]!);
  const times = longest.samples.map((s) => s.t);
  const series = (pick: (s: SimOutcome['samples'][number]) => number): (number | null)[][] => [
    times,
    ...outcomes.map((o) => times.map((_, i) => (o.samples[i] ? pick(o.samples[i]!) : null))),
  ];
  const profiles = outcomes.map((o) => o.profile);
  const pending = outcomes.map((o) => [...o.pendingSeconds].sort((a, b) => a - b));
  return [
    { id: 'nodes-used', title: 'Nodes in use', xLabel: 'virtual seconds', yLabel: 'nodes', series: profiles, data: series((s) => s.nodesUsed) },
    { id: 'cpu-used', title: 'CPU requested / allocatable on the nodes in use', xLabel: 'virtual seconds', yLabel: 'share', series: profiles, data: series((s) => s.cpuOfUsed) },
    { id: 'memory-used', title: 'Memory requested / allocatable on the nodes in use', xLabel: 'virtual seconds', yLabel: 'share', series: profiles, data: series((s) => s.memoryOfUsed) },
    { id: 'pending', title: 'Pending pods', xLabel: 'virtual seconds', yLabel: 'pods', series: profiles, data: series((s) => s.pendingPods) },
    {
      id: 'pending-time',
      title: 'Pending time by percentile of scheduled pods',
      xLabel: 'percentile',
      yLabel: 'seconds',
      series: profiles,
      data: [PERCENTILES, ...pending.map((p) => PERCENTILES.map((q) => quantile(p, q / 100)))],
    },
  ];
}

function summaryTable(results: SimResults): string {
  const rows: [string, (p: SimResults['profiles'][number]) => string | number][] = [
    ['pods scheduled', (p) => p.podsScheduled],
    ['pods unschedulable', (p) => p.podsUnschedulable],
    ['nodes used at peak', (p) => p.nodesUsedPeak],
    ['cpu utilisation of used nodes', (p) => p.utilisationOfUsedNodes.cpu.toFixed(3)],
    ['memory utilisation of used nodes', (p) => p.utilisationOfUsedNodes.memory.toFixed(3)],
    ['mean pending seconds', (p) => p.meanPendingSeconds.toFixed(3)],
    ['pending seconds p99', (p) => p.pendingSeconds.p99.toFixed(3)],
    ['preemptions', (p) => p.preemptions],
    ['fragmentation', (p) => p.fragmentation.toFixed(3)],
    ['makespan seconds', (p) => p.makespanSeconds],
    ['scheduling attempts', (p) => p.attempts.total],
  ];
  return htmlTable('summary', [['metric', ...results.profiles.map((p) => p.profile)], ...rows.map(([label, pick]) => [label, ...results.profiles.map(pick)])]);
}

export function reportHtml(results: SimResults, outcomes: readonly SimOutcome[]): string {
  return chartPageHtml({
    title: `rudder sim: ${results.workload}`,
    bodyHtml: `<h1>rudder sim</h1>
<p>Workload <b>${escapeHtml(results.workload)}</b>: ${results.nodes} nodes, ${results.pods} pods, seed ${results.seed}. Time is virtual (seconds from the first event).</p>
${summaryTable(results)}`,
    charts: reportCharts(outcomes),
  });
}
