// rudder bench --peer kube-scheduler=PATH: the same scenario with Rudder's scheduler and with the
// real kube-scheduler (v1.36.3, built by ../shared/kube-peers) on one apiserver and the same
// simulated nodes, once as pods arrive and once on a backlog made with the scheduler stopped;
// both schedule every pod and the results hold both rates and their ratio.
// Skipped when the peer binary is absent. Not part of `npm test` (CI has no peer binaries): run
// it with `npm run test:peers`.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { BenchResults } from '../../lib/bench/results.js';
import { CLI } from '../helpers/rudder-cli.js';

const SCHEDULER = join(process.env.RUDDER_KUBE_PEERS_BIN ?? join(homedir(), '.cache', 'kube-peers', 'bin'), 'kube-scheduler');

t.test('bench --peer runs the scenario with both schedulers and reports the ratio', { skip: !existsSync(SCHEDULER) && `no ${SCHEDULER} (build ../shared/kube-peers)` }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-bench-peer-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'throughput.yaml'),
    `
name: throughput
nodes: 20
concurrency: 16
pod: {cpu: 100m, memory: 500Mi}
phases:
- {name: namespaces, action: createNamespaces}
- {name: pods, action: createPods, count: 200, wait: scheduled, timeout: 120s}
- {name: backlog, action: createPods, count: 200, backlog: true, wait: scheduled, timeout: 120s}
- {name: cleanup, action: deleteNamespaces, wait: deleted, timeout: 120s}
measurements: [schedulingThroughput]
`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'bench', join(dir, 'throughput.yaml'), '--peer', `kube-scheduler=${SCHEDULER}`, '--out', join(dir, 'out')], { timeout: 300_000, maxBuffer: 16 * 2 ** 20 });
  t.match(stdout, /rudder \/ kube-scheduler\s+scheduling throughput ratio/);
  const results = JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')) as BenchResults;
  t.same(results.runs.map((r) => r.scheduler), ['kube-scheduler', 'rudder'], 'the peer first, then Rudder');
  for (const run of results.runs) {
    t.equal(run.slis.schedulingThroughput?.scheduled, 200, `${run.scheduler} bound every pod of a phase`);
    t.ok(run.phases.find((p) => p.name === 'backlog')?.schedulerStartSeconds !== undefined, `${run.scheduler} was started on the backlog`);
    t.same(run.phases.filter((p) => p.timedOut), [], `${run.scheduler}: every wait saw its condition`);
  }
  const c = results.comparison!;
  t.ok(c.rudderPodsPerSecond > 0 && c.kubeSchedulerPodsPerSecond > 0, `both rates measured (${c.rudderPodsPerSecond} and ${c.kubeSchedulerPodsPerSecond} pods/s)`);
  t.equal(c.ratio, Math.round((c.rudderPodsPerSecond / c.kubeSchedulerPodsPerSecond) * 100) / 100);
});
