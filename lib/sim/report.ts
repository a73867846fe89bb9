// The simulation's HTML report: one self-contained file (uPlot, its stylesheet and the data
// inlined; nothing fetched) with the profiles side by side: a summary table, then charts of
// nodes in use, cpu and memory utilisation of the used nodes, pending pods over virtual time,
// and the pending-time distribution. Each chart marks its container data-drawn="true" once
// uPlot has drawn it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { quantile, type SimResults } from './results.js';
import type { SimOutcome } from './simulator.js';

const require = createRequire(import.meta.url);

function asset(path: string): string {
  return readFileSync(require.resolve(path), 'utf8');
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** x values, then one series per profile. */
  data: number[][];
}

const PERCENTILES = Array.from({ length: 101 }, (_, i) => i);

export function reportCharts(outcomes: readonly SimOutcome[]): ChartSpec[] {
  // Every profile is sampled at the same virtual times; a longer run has more points.
  const longest = outcomes.reduce((a, o) => (o.samples.length > a.samples.length ? o : a), outcomes[0]!);
  const times = longest.samples.map((s) => s.t);
  const series = (pick: (s: SimOutcome['samples'][number]) => number): number[][] => [
    times,
    ...outcomes.map((o) => times.map((_, i) => (o.samples[i] ? pick(o.samples[i]!) : (null as unknown as number)))),
  ];
  const pending = outcomes.map((o) => [...o.pendingSeconds].sort((a, b) => a - b));
  return [
    { id: 'nodes-used', title: 'Nodes in use', xLabel: 'virtual seconds', yLabel: 'nodes', data: series((s) => s.nodesUsed) },
    { id: 'cpu-used', title: 'CPU requested / allocatable on the nodes in use', xLabel: 'virtual seconds', yLabel: 'share', data: series((s) => s.cpuOfUsed) },
    { id: 'memory-used', title: 'Memory requested / allocatable on the nodes in use', xLabel: 'virtual seconds', yLabel: 'share', data: series((s) => s.memoryOfUsed) },
    { id: 'pending', title: 'Pending pods', xLabel: 'virtual seconds', yLabel: 'pods', data: series((s) => s.pendingPods) },
    {
      id: 'pending-time',
      title: 'Pending time by percentile of scheduled pods',
      xLabel: 'percentile',
      yLabel: 'seconds',
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
  const head = `<tr><th>metric</th>${results.profiles.map((p) => `<th>${escapeHtml(p.profile)}</th>`).join('')}</tr>`;
  const body = rows.map(([label, pick]) => `<tr><td>${label}</td>${results.profiles.map((p) => `<td>${escapeHtml(String(pick(p)))}</td>`).join('')}</tr>`).join('\n');
  return `<table id="summary">${head}\n${body}</table>`;
}

const DRAW = `
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const report = JSON.parse(document.getElementById('report-data').textContent);
for (const chart of report.charts) {
  const el = document.getElementById(chart.id);
  const opts = {
    title: chart.title,
    width: Math.min(900, document.body.clientWidth - 40),
    height: 280,
    scales: { x: { time: false } },
    axes: [{ label: chart.xLabel }, { label: chart.yLabel }],
    series: [{ label: chart.xLabel }, ...report.profiles.map((name, i) => ({ label: name, stroke: COLORS[i % COLORS.length], width: 2 }))],
    hooks: { draw: [() => el.setAttribute('data-drawn', 'true')] },
  };
  new uPlot(opts, chart.data, el);
}
`;

export function reportHtml(results: SimResults, outcomes: readonly SimOutcome[]): string {
  const charts = reportCharts(outcomes);
  const data = { profiles: outcomes.map((o) => o.profile), charts };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rudder sim: ${escapeHtml(results.workload)}</title>
<style>${asset('uplot/dist/uPlot.min.css')}</style>
<style>
body { font-family: sans-serif; margin: 20px; color: #222; }
table { border-collapse: collapse; margin-bottom: 24px; }
td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.chart { margin-bottom: 28px; }
</style>
</head>
<body>
<h1>rudder sim</h1>
<p>Workload <b>${escapeHtml(results.workload)}</b>: ${results.nodes} nodes, ${results.pods} pods, seed ${results.seed}. Time is virtual (seconds from the first event).</p>
${summaryTable(results)}
${charts.map((c) => `<div class="chart" id="${c.id}"></div>`).join('\n')}
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${asset('uplot/dist/uPlot.iife.min.js').replace(/<\/script/gi, '<\\/script')}</script>
<script>${DRAW}</script>
</body>
</html>
`;
}
