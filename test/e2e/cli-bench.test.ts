// rudder bench as a user runs it: a small scenario on a cluster the bench starts with simulated
// nodes meets its SLOs (exit 0) and writes results.json and a report that Chromium draws;
// the same kind of scenario against a running cluster (--kubeconfig) with an SLO it cannot meet
// exits 1 and says which; a bad scenario exits 2 naming the field.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { BenchResults } from '../../lib/bench/results.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startKubelet } from '../../lib/launch/kubelet-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { chromiumMissing, openReport } from '../helpers/chromium-report.js';
import { CLI } from '../helpers/rudder-cli.js';

const run = promisify(execFile);

/** The CLI in a child process, without blocking this one (it may host the cluster's processes). */
async function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'bench', ...args], { timeout: 150_000, maxBuffer: 16 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const SMALL = `
name: small
description: Deployments, pods, a short churn, scaling and deletion on a few simulated nodes.
nodes: 4
concurrency: 8
phases:
- {name: namespaces, action: createNamespaces, count: 2}
- {name: deployments, action: createDeployments, count: 1, replicas: 3, qps: 20, wait: running, timeout: 60s}
- {name: pods, action: createPods, count: 5, qps: 20, wait: running, timeout: 60s}
- {name: churn, action: churnPods, duration: 2s, qps: 10, wait: running, timeout: 60s}
- {name: scale, action: scaleDeployments, replicas: 4, wait: running, timeout: 60s}
- {name: cleanup, action: deleteNamespaces, wait: deleted, timeout: 90s}
# Ceilings no machine misses, loaded or slow, so the exit code shows the machinery, not the machine.
slo: {mutatingP99: 60s, getP99: 60s, listNamespaceP99: 60s, listClusterP99: 60s, podStartupP99: 60s}
`;

t.test('a small scenario on simulated nodes meets its SLOs and its report draws in Chromium', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-bench-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'small.yaml'), SMALL);

  // 1. the bench starts its cluster, runs every phase and stops the cluster
  const out = join(dir, 'out');
  const result = await bench([join(dir, 'small.yaml'), '--out', out]);
  t.equal(result.code, 0, `exit 0 when every SLO is met\n${result.stdout}\n${result.stderr}`);
  t.match(result.stdout, /pod startup latency p99 .* ok/, 'the summary table lists each SLO');

  // 2. results.json: the SLIs of the run
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
  t.match(results, { scenario: 'small', cluster: 'started', nodes: 4, sloMet: true });
  const [only] = results.runs;
  t.equal(only?.scheduler, 'rudder');
  t.same(only?.phases.filter((p) => p.timedOut), [], 'every wait saw its condition');
  const verbs = new Set(only?.slis.apiCallLatency?.map((g) => `${g.verb} ${g.resource}`));
  for (const call of ['POST pods', 'DELETE pods', 'POST deployments', 'PATCH deployments', 'LIST pods', 'GET namespaces', 'DELETE namespaces']) t.ok(verbs.has(call), `API call latency of ${call}`);
  // 3 + 5 pods, 20 churned, 2 scaled up: every one seen Running
  t.ok((only?.slis.podStartupLatency?.count ?? 0) >= 30, `pod startup latency over every pod (${only?.slis.podStartupLatency?.count})`);
  t.ok((only?.slis.schedulingThroughput?.podsPerSecond ?? 0) > 0, 'a scheduling throughput');

  // 3. the report, as a person opens it
  await t.test('the report draws every chart in Chromium', { skip: chromiumMissing }, async (t) => {
    const report = await openReport(t, join(out, 'report.html'), 'bench-report.png');
    t.same(report.charts.map((c) => c.id), ['api-latency', 'pod-startup', 'throughput']);
    for (const c of report.charts) t.ok(c.width > 0 && c.painted > 1000, `${c.id} drew on its canvas (${c.painted} painted pixels)`);
    t.match(await report.textOf('#slos'), /pod startup latency p99/);
    t.same(report.problems, [], 'no console errors');
    t.same(report.fetched, [], 'nothing fetched: the report is self-contained');
  });
});

t.test('against a running cluster, a missed SLO exits 1 and says which', async (t) => {
  // 1. a running cluster: apiserver, scheduler and two simulated nodes
  const apiserver = await startApiserver({ readyTimeoutMs: 60_000 });
  t.teardown(() => apiserver.stop());
  const scheduler = await startScheduler(apiserver, ['--leader-elect=false'], { readyTimeoutMs: 60_000 });
  t.teardown(() => scheduler.stop());
  const kubelet = await startKubelet(apiserver, ['--sim-nodes', '2'], { readyTimeoutMs: 60_000 });
  t.teardown(() => kubelet.stop());

  // 2. a scenario whose pod startup SLO no cluster meets
  const dir = mkdtempSync(join(tmpdir(), 'rudder-bench-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'strict.yaml'), `
name: strict
phases:
- {name: namespaces, action: createNamespaces}
- {name: pods, action: createPods, count: 5, wait: running, timeout: 60s}
measurements: [podStartupLatency]
slo: {podStartupP99: 1us}
`);
  const result = await bench([join(dir, 'strict.yaml'), '--kubeconfig', apiserver.kubeconfig, '--out', join(dir, 'out')]);
  t.equal(result.code, 1, `exit 1 when an SLO is missed\n${result.stdout}\n${result.stderr}`);
  t.match(result.stdout, /pod startup latency p99 .*<= 0\.001 ms\s+MISSED/);
  t.match(result.stderr, /an SLO was missed/);
  const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as BenchResults;
  t.match(results, { cluster: 'kubeconfig', nodes: 2, sloMet: false, runs: [{ scheduler: 'cluster', slis: { podStartupLatency: { count: 5 } } }] });
});

t.test('a bad scenario exits 2 and names the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-bench-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bad.yaml'), 'name: bad\nphases:\n- {name: ns, action: createNamespaces, qps: fast}\n');
  const result = await bench([join(dir, 'bad.yaml')]);
  t.equal(result.code, 2);
  t.match(result.stderr, /phases\[0\]\.qps: Invalid value/);
  writeFileSync(join(dir, 'backlog.yaml'), 'name: backlog\nphases:\n- {name: ns, action: createNamespaces}\n- {name: p, action: createPods, backlog: true}\n');
  const backlog = await bench([join(dir, 'backlog.yaml'), '--kubeconfig', join(dir, 'backlog.yaml')]);
  t.equal(backlog.code, 2, 'a backlog (which stops the scheduler) needs a cluster the bench starts');
  t.match(backlog.stderr, /a backlog phase needs a cluster the bench starts/);
  const unknown = await bench(['no-such-scenario']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /no built-in scenario "no-such-scenario" \(density, scheduler-throughput, churn\)/);
});
