// rudder sim --cluster as a researcher runs it: a tiny trace (a CSV trace on a small workload's
// node pools) replayed in process and through a full cluster the command starts (apiserver,
// controller-manager, the scheduler process, a kubelet of simulated nodes per pool) places the
// same pods, leaves the same one unschedulable, and both runs write results.json.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { SimResults } from '../../lib/sim/index.js';
import { CLI } from '../helpers/rudder-cli.js';

const run = promisify(execFile);

async function sim(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'sim', ...args], { timeout: 150_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const CLUSTER = `
nodePools:
  - {name: big, count: 2, cpu: "4", memory: 8Gi}
  - {name: small, count: 1, cpu: "2", memory: 4Gi}
`;

// Ten pods that fit (web runs 20 virtual seconds, batch to the end) and one that fits no node.
const TRACE = `name,count,arrival,duration,cpu,memory,priority
web,6,0,20,1,1Gi,0
batch,4,4,,500m,512Mi,0
huge,1,6,,16,1Gi,0
`;

t.test('an in-process and a --cluster run of a tiny trace place the same pods and both write results.json', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rudder-sim-cluster-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'cluster.yaml'), CLUSTER);
  writeFileSync(join(dir, 'tiny.csv'), TRACE);
  const common = ['--workload', join(dir, 'cluster.yaml'), '--trace', join(dir, 'tiny.csv'), '--profiles', 'most-allocated'];
  const inProcess = await sim([...common, '--out', join(dir, 'in-process')]);
  t.equal(inProcess.code, 0, inProcess.stderr);
  // 10 virtual seconds per wall second: the trace's 26 virtual seconds take under 3 s of replay.
  const cluster = await sim([...common, '--cluster', '--time-scale', '10', '--out', join(dir, 'cluster')]);
  t.equal(cluster.code, 0, cluster.stderr);
  t.match(cluster.stderr, /starting a kubelet with 2 simulated nodes/);
  const read = (name: string): SimResults => JSON.parse(readFileSync(join(dir, name, 'results.json'), 'utf8')) as SimResults;
  const [a, b] = [read('in-process'), read('cluster')];
  t.same([a.nodes, a.pods], [3, 11]);
  t.same([b.nodes, b.pods], [3, 11]);
  t.equal(a.profiles[0]!.podsScheduled, 10);
  t.equal(b.profiles[0]!.podsScheduled, a.profiles[0]!.podsScheduled, 'the cluster placed as many pods');
  t.equal(b.profiles[0]!.podsUnschedulable, 1, 'the scheduler process left huge Unschedulable');
  t.equal(a.profiles[0]!.podsUnschedulable, 1);
  const nodes = (name: string): string[] => [...new Set(readFileSync(join(dir, name, 'placements-most-allocated.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]!))].sort();
  t.same(nodes('cluster').every((n) => ['big-0', 'big-1', 'small'].includes(n)), true, `the cluster's nodes carry the pools' names: ${nodes('cluster').join(' ')}`);
});
