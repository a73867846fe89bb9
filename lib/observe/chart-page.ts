// A self-contained HTML report page: uPlot, its stylesheet and the data inlined (nothing is
// fetched), summary tables first, then one line chart per ChartSpec. Each chart marks its
// container data-drawn="true" once uPlot has drawn it, so a browser test can wait for it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function asset(path: string): string {
  return readFileSync(require.resolve(path), 'utf8');
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** The label of each series after x. */
  series: string[];
  /** x values, then one array per series (null where a series has no value). */
  data: (number | null)[][];
}

/** An HTML table: the first row is the header. */
export function htmlTable(id: string, rows: readonly (readonly (string | number)[])[]): string {
  const [head, ...body] = rows;
  const cells = (row: readonly (string | number)[], tag: string): string => `<tr>${row.map((c) => `<${tag}>${escapeHtml(String(c))}</${tag}>`).join('')}</tr>`;
  return `<table id="${id}">${head ? cells(head, 'th') : ''}\n${body.map((r) => cells(r, 'td')).join('\n')}</table>`;
}

const DRAW = `
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];
const charts = JSON.parse(document.getElementById('report-data').textContent);
for (const chart of charts) {
  const el = document.getElementById(chart.id);
  const opts = {
    title: chart.title,
    width: Math.min(900, document.body.clientWidth - 40),
    height: 280,
    scales: { x: { time: false } },
    axes: [{ label: chart.xLabel }, { label: chart.yLabel }],
    series: [{ label: chart.xLabel }, ...chart.series.map((name, i) => ({ label: name, stroke: COLORS[i % COLORS.length], width: 2 }))],
    hooks: { draw: [() => el.setAttribute('data-drawn', 'true')] },
  };
  new uPlot(opts, chart.data, el);
}
`;

export interface ChartPage {
  title: string;
  /** HTML placed before the charts (headings, paragraphs, tables); the caller escapes it. */
  bodyHtml: string;
  charts: readonly ChartSpec[];
}

export function chartPageHtml(page: ChartPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.title)}</title>
<style>${asset('uplot/dist/uPlot.min.css')}</style>
<style>
body { font-family: sans-serif; margin: 20px; color: #222; }
table { border-collapse: collapse; margin-bottom: 24px; }
td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.chart { margin-bottom: 28px; }
.missed { color: #b00; font-weight: bold; }
</style>
</head>
<body>
${page.bodyHtml}
${page.charts.map((c) => `<div class="chart" id="${c.id}"></div>`).join('\n')}
<script type="application/json" id="report-data">${scriptJson(page.charts)}</script>
<script>${asset('uplot/dist/uPlot.iife.min.js').replace(/<\/script/gi, '<\\/script')}</script>
<script>${DRAW}</script>
</body>
</html>
`;
}
