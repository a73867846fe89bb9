// rudder sim: a workload replayed in process on virtual time against scheduler profiles, as a
// researcher compares them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { parseWorkload, resolveProfile, runSimulation, type SimResults } from '../lib/sim/index.js';
import { DIST, ROOT } from './helpers/paths.js';
import { rudder } from './helpers/rudder-cli.js';

const SMALL = `
generate:
  nodes: 300
  pods: 6000
  arrivalSpan: 600s
  meanDuration: 300s
`;

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-sim-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function results(dir: string): SimResults {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as SimResults;
}

t.test('MostAllocated packs tighter than LeastAllocated: fewer nodes at peak, higher utilisation of the used ones', async (t) => {
  const run = await runSimulation({
    workload: parseWorkload(SMALL),
    workloadName: 'small',
    profiles: await Promise.all(['least-allocated', 'most-allocated'].map(resolveProfile)),
    seed: 7,
  });
  const [least, most] = run.results.profiles;
  t.equal(least!.podsScheduled, 6000);
  t.equal(most!.podsScheduled, 6000);
  t.ok(most!.nodesUsedPeak < least!.nodesUsedPeak * 0.8, `nodes used at peak: most-allocated ${most!.nodesUsedPeak}, least-allocated ${least!.nodesUsedPeak}`);
  t.ok(most!.utilisationOfUsedNodes.cpu > least!.utilisationOfUsedNodes.cpu, `cpu of used nodes: ${most!.utilisationOfUsedNodes.cpu} > ${least!.utilisationOfUsedNodes.cpu}`);
  t.ok(most!.utilisationOfUsedNodes.memory > least!.utilisationOfUsedNodes.memory);
});

t.test('two runs with the same seed write byte-identical results.json; another seed does not', async (t) => {
  const dir = tempDir(t);
  const workload = join(dir, 'small.yaml');
  writeFileSync(workload, SMALL.replace('6000', '2000'));
  const runs = [7, 7, 8].map((seed, i) => {
    const out = join(dir, `out-${i}`);
    const run = rudder(['sim', '--workload', workload, '--profiles', 'least-allocated,most-allocated', '--seed', String(seed), '--out', out]);
    t.equal(run.code, 0, run.stderr);
    return readFileSync(join(out, 'results.json'));
  });
  t.ok(runs[0]!.equals(runs[1]!), 'seed 7 twice: the same bytes');
  t.notOk(runs[0]!.equals(runs[2]!), 'seed 8 draws another workload');
  const compared = rudder(['sim', '--compare', join(dir, 'out-0'), join(dir, 'out-2')]);
  t.equal(compared.code, 0, compared.stderr);
  t.match(compared.stdout, /PROFILE\s+METRIC\s+A\s+B\s+B - A/);
  t.match(compared.stdout, /most-allocated\s+nodesUsedPeak\s+\d+\s+\d+\s+-?\d+/, 'metric by metric, with the difference');
  const out = join(dir, 'out-0');
  t.match(readFileSync(join(out, 'timings.json'), 'utf8'), /"attemptsPerSecond": \d+/, 'wall-clock rates go to timings.json');
  t.match(readFileSync(join(out, 'placements-most-allocated.csv'), 'utf8'), /^pod,node,seconds\npod-0,/);
  t.match(readFileSync(join(out, 'report.html'), 'utf8'), /<div class="chart" id="nodes-used">/);
});

t.test('a researcher plugin (a TypeScript module) changes where pods go', async (t) => {
  const dir = tempDir(t);
  const workload = join(dir, 'small.yaml');
  writeFileSync(workload, SMALL.replace('6000', '2000'));
  const out = join(dir, 'out');
  const run = rudder([
    'sim',
    '--workload',
    workload,
    '--profiles',
    `default,${join(ROOT, 'test', 'fixtures', 'sim', 'most-pods.yaml')}`,
    '--plugin-module',
    join(DIST, 'test', 'fixtures', 'sim', 'most-pods.js'),
    '--seed',
    '3',
    '--out',
    out,
  ]);
  t.equal(run.code, 0, run.stderr);
  const [plain, plugin] = results(out).profiles;
  t.equal(plugin!.profile, 'most-pods');
  t.not(plugin!.placements.sha256, plain!.placements.sha256, 'other placements');
  t.ok(plugin!.nodesUsedPeak < plain!.nodesUsedPeak, `MostPods packs: ${plugin!.nodesUsedPeak} nodes at peak against ${plain!.nodesUsedPeak}`);
});

t.test('a Rust extension plugin of the kernel (NodeLabelScore) changes where pods go', async (t) => {
  const workload = parseWorkload(`
nodePools:
- {name: low, count: 20, cpu: "8", memory: 32Gi, labels: {tier: "1"}}
- {name: high, count: 20, cpu: "8", memory: 32Gi, labels: {tier: "9"}}
pods:
- {name: app, count: 40, every: 1s, cpu: "1", memory: 1Gi}
`);
  const run = await runSimulation({
    workload,
    workloadName: 'tiers',
    profiles: [await resolveProfile('default'), await resolveProfile(join(ROOT, 'test', 'fixtures', 'sim', 'prefer-tier.yaml'))],
    seed: 5,
  });
  const onHigh = (i: number): number => run.outcomes[i]!.placements.filter((p) => p.node.startsWith('high-')).length;
  t.equal(onHigh(1), 40, 'every pod on a tier 9 node');
  t.ok(onHigh(0) < 30, `the default profile spreads over both pools (${onHigh(0)} of 40 on tier 9)`);
});

t.test('virtual time: a pod waits for room, runs its duration, and a deletion removes a pending pod', async (t) => {
  const run = await runSimulation({
    workload: parseWorkload(`
nodePools:
- {name: only, count: 1, cpu: "2", memory: 4Gi}
pods:
- {name: first, at: 0s, duration: 10s, cpu: "2", memory: 1Gi}
- {name: second, at: 1s, duration: 5s, cpu: "2", memory: 1Gi}
- {name: third, at: 2s, cpu: "2", memory: 1Gi}
deletions:
- {name: third, at: 12s}
`),
    workloadName: 'tiny',
    profiles: [await resolveProfile('default')],
    seed: 1,
  });
  const [result] = run.results.profiles;
  const placements = run.outcomes[0]!.placements;
  t.same(placements, [
    { pod: 'first', node: 'only', at: 0 },
    { pod: 'second', node: 'only', at: 10 },
  ], 'second is bound when first finishes at 10 s');
  t.equal(result!.podsDeletedWhilePending, 1, 'third was deleted while second still ran');
  t.equal(result!.podsUnschedulable, 0);
  t.equal(result!.meanPendingSeconds, 4.5);
  t.equal(result!.makespanSeconds, 15, 'second ends at 15 s');
  t.equal(result!.nodesUsedPeak, 1);
});

t.test('bad input is refused with the field that is wrong', async (t) => {
  const dir = tempDir(t);
  const workload = join(dir, 'bad.yaml');
  writeFileSync(workload, 'nodePools:\n- {name: Bad_Name, count: 0, cpu: lots, memory: 1Gi}\npods: []\n');
  const bad = rudder(['sim', '--workload', workload]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /nodePools\[0\]\.name: Invalid value: "Bad_Name"/);
  t.match(bad.stderr, /nodePools\[0\]\.count: Invalid value: 0/);
  t.match(bad.stderr, /nodePools\[0\]\.cpu: Invalid value: "lots"/);
  const unknown = rudder(['sim', '--example', '--profiles', 'fastest']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown profile "fastest": use default, least-allocated, most-allocated, balanced/);
  writeFileSync(workload, 'nodePools:\n- {name: general, count: 2, cpu: "4", memory: 8Gi}\ngenerate: {nodes: 10, pods: 10}\n');
  const clash = rudder(['sim', '--workload', workload]);
  t.equal(clash.code, 2);
  t.match(clash.stderr, /two nodes are named general-0/);
  const neither = rudder(['sim']);
  t.equal(neither.code, 2);
  t.match(neither.stderr, /--workload FILE\) or --example/);
});
