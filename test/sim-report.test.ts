// The HTML report of rudder sim as a person opens it: headless Chromium (Debian's chromium,
// driven by playwright-core) draws every chart with no console error; a screenshot is kept in
// test-artifacts/sim-report.png.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { chromiumMissing, openReport } from './helpers/chromium-report.js';
import { rudder } from './helpers/rudder-cli.js';

t.test('the report draws every chart in Chromium without console errors', { skip: chromiumMissing }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-sim-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'w.yaml'), 'generate: {nodes: 100, pods: 1500, arrivalSpan: 300s, meanDuration: 200s}\n');
  const run = rudder(['sim', '--workload', join(dir, 'w.yaml'), '--profiles', 'least-allocated,most-allocated', '--seed', '7', '--out', join(dir, 'out')]);
  t.equal(run.code, 0, run.stderr);

  const report = await openReport(t, join(dir, 'out', 'report.html'), 'sim-report.png');
  t.same(report.charts.map((c) => c.id), ['nodes-used', 'cpu-used', 'memory-used', 'pending', 'pending-time']);
  for (const c of report.charts) t.ok(c.width > 0 && c.painted > 1000, `${c.id} drew on its canvas (${c.painted} painted pixels)`);
  t.match(await report.textOf('#summary'), /nodes used at peak/);
  t.same(report.problems, [], 'no console errors');
  t.same(report.fetched, [], 'nothing fetched: the report is self-contained');
});
