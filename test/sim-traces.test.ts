// rudder sim --trace: pods imported from Alibaba's cluster-trace-v2018, the Google cluster trace
// 2019 and Rudder's own CSV and JSON traces, with normalised requests scaled to the cluster's
// largest node, and a simulation replaying an imported trace.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { expandWorkload, parseWorkload, resolveProfile, runSimulation, type SimResults } from '../lib/sim/index.js';
import { importTrace, withTrace, type TraceFormat } from '../lib/sim/import/index.js';
import { ROOT } from './helpers/paths.js';
import { rudder } from './helpers/rudder-cli.js';

const DIR = join(ROOT, 'test', 'fixtures', 'sim', 'traces');
const CLUSTER = parseWorkload(readFileSync(join(DIR, 'cluster.yaml'), 'utf8'));

interface Seen {
  name: string;
  atS: number;
  durationS: number | undefined;
  cpu: string | undefined;
  memory: string | undefined;
  priority: number | undefined;
  labels?: Record<string, string>;
}

/** The pods the simulator would replay from a trace file, in arrival order. */
function pods(file: string, format: TraceFormat, withLabels = false): Seen[] {
  const workload = withTrace(CLUSTER, importTrace(readFileSync(join(DIR, file), 'utf8'), format, CLUSTER));
  return expandWorkload(workload, 1).arrivals.map((a) => ({
    name: a.pod.metadata!.name!,
    atS: a.atMs / 1000,
    durationS: a.durationMs === undefined ? undefined : a.durationMs / 1000,
    cpu: a.pod.spec!.containers[0]!.resources!.requests!.cpu,
    memory: a.pod.spec!.containers[0]!.resources!.requests!.memory,
    priority: a.pod.spec!.priority,
    ...(withLabels ? { labels: a.pod.metadata!.labels ?? {} } : {}),
  }));
}

t.test('alibaba-2018 batch_task.csv: instance_num pods per task, plan_cpu 100 per core, plan_mem a share of the largest node', async (t) => {
  const mem1 = `${(100 * 1024 * 1024) / 100}Ki`; // 1% of 100Gi
  t.same(pods('batch_task.csv', 'alibaba-2018'), [
    { name: 'j-1-m1-0', atS: 0, durationS: 60, cpu: '1000m', memory: mem1, priority: 0 },
    { name: 'j-1-m1-1', atS: 0, durationS: 60, cpu: '1000m', memory: mem1, priority: 0 },
    { name: 'j-2-m1-0', atS: 30, durationS: undefined, cpu: '2000m', memory: '2097152Ki', priority: 0 },
    { name: 'j-2-m1-1', atS: 30, durationS: undefined, cpu: '2000m', memory: '2097152Ki', priority: 0 },
    { name: 'j-2-m1-2', atS: 30, durationS: undefined, cpu: '2000m', memory: '2097152Ki', priority: 0 },
    { name: 'j-1-r2-1', atS: 70, durationS: 30, cpu: '500m', memory: '524288Ki', priority: 0 },
  ], 'the waiting task without a start time or plan is skipped; a running one (end 0) runs to the end');
});

t.test('alibaba-2018 container_meta.csv: a container (its first row) is a long-running online pod', async (t) => {
  t.same(pods('container_meta.csv', 'alibaba-2018', true), [
    { name: 'c-1', atS: 0, durationS: undefined, cpu: '4000m', memory: '1048576Ki', priority: 1000, labels: { 'app-du': 'app-1' } },
    { name: 'c-2', atS: 30, durationS: undefined, cpu: '8000m', memory: '3145728Ki', priority: 1000, labels: { 'app-du': 'app-2' } },
  ]);
});

t.test('google-2019 instance_events and collection_events rows: submit, schedule to finish, shares of the largest node', async (t) => {
  t.same(pods('instance_events.json', 'google-2019'), [
    { name: '280-0', atS: 0, durationS: 60, cpu: '2000m', memory: '1048576Ki', priority: 200 },
    { name: '281-3', atS: 630, durationS: undefined, cpu: '4000m', memory: '5242880Ki', priority: 25 },
  ], 'the alloc set (collection_type 1) is skipped; 281-3 takes its collection event\'s priority');
});

t.test('csv and json: pod groups with arrival, duration, requests, priority, labels, selectors and tolerations', async (t) => {
  t.same(pods('pods.csv', 'csv', true), [
    { name: 'web-0', atS: 0, durationS: 90, cpu: '500m', memory: '1Gi', priority: 100, labels: { app: 'web', tier: 'front' } },
    { name: 'web-1', atS: 0, durationS: 90, cpu: '500m', memory: '1Gi', priority: 100, labels: { app: 'web', tier: 'front' } },
    { name: 'batch-0', atS: 10, durationS: 30, cpu: '2', memory: '4Gi', priority: 0, labels: { app: 'batch' } },
    { name: 'batch-1', atS: 10, durationS: 30, cpu: '2', memory: '4Gi', priority: 0, labels: { app: 'batch' } },
    { name: 'batch-2', atS: 10, durationS: 30, cpu: '2', memory: '4Gi', priority: 0, labels: { app: 'batch' } },
  ]);
  const workload = withTrace(CLUSTER, importTrace(readFileSync(join(DIR, 'pods.json'), 'utf8'), 'json', CLUSTER));
  const gpu = expandWorkload(workload, 1).arrivals.find((a) => a.pod.metadata!.name === 'gpu-job')!;
  t.equal(gpu.atMs, 60_000);
  t.same(gpu.pod.spec!.nodeSelector, { pool: 'gpu' });
  t.same(gpu.pod.spec!.tolerations, [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  t.throws(() => importTrace('name,when\nx,1\n', 'csv', CLUSTER), /unknown columns when/);
  t.throws(() => importTrace('a,b,c\n', 'alibaba-2018', CLUSTER), /9 columns \(batch_task.csv\) or 8/);
});

t.test('a simulation replays an imported trace; rudder sim --trace writes its results', async (t) => {
  const workload = withTrace(CLUSTER, importTrace(readFileSync(join(DIR, 'batch_task.csv'), 'utf8'), 'alibaba-2018', CLUSTER));
  const run = await runSimulation({ workload, workloadName: 'batch_task', profiles: [await resolveProfile('most-allocated')], seed: 1 });
  t.equal(run.results.pods, 6);
  t.equal(run.results.profiles[0]!.podsScheduled, 6);
  t.equal(run.results.profiles[0]!.nodesUsedPeak, 1, 'most-allocated packs the 6 small pods on one node');
  t.equal(run.results.profiles[0]!.makespanSeconds, 100, 'the last timed pod (j-1-r2-1) ends at 70 s + 30 s');

  const out = mkdtempSync(join(tmpdir(), 'rudder-sim-trace-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const cli = rudder(['sim', '--workload', join(DIR, 'cluster.yaml'), '--trace', join(DIR, 'instance_events.json'), '--trace-format', 'google-2019', '--out', out]);
  t.equal(cli.code, 0, cli.stderr);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SimResults;
  t.equal(results.workload, 'instance_events');
  t.equal(results.pods, 2);
  t.equal(results.profiles[0]!.podsScheduled, 2);
  const bad = rudder(['sim', '--workload', join(DIR, 'cluster.yaml'), '--trace', join(DIR, 'pods.csv'), '--trace-format', 'borg']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--trace-format borg: use alibaba-2018, google-2019, csv, json/);
});
