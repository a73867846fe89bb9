// rudder bench SCENARIO: runs a clusterloader2-like scenario (a built-in name or a YAML file)
// against a running cluster (--kubeconfig) or against one it starts with simulated nodes,
// measures the SLIs, checks them against the SLOs and writes results.json and report.html to
// --out. With --peer kube-scheduler=PATH the scenario runs on the same apiserver and nodes once
// unrecorded at a tenth of its scale (warm-up), then with the real kube-scheduler, then with
// Rudder's. Exit codes: 0 every SLO met, 1 an SLO missed (or a phase timed out), 2 bad input,
// 3 the run failed.
import { SingleBar, Presets } from 'cli-progress';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findResource } from '../../lib/api/resources.js';
import { startBenchCluster, rudderScheduler } from '../../lib/bench/bench-cluster.js';
import type { ComponentProcess } from '../../lib/launch/component-process.js';
import { BUILT_IN_SCENARIOS, builtInScenario } from '../../lib/bench/builtins.js';
import { startKubeScheduler } from '../../lib/bench/peer-scheduler.js';
import { benchReportHtml } from '../../lib/bench/report.js';
import { benchResults, runResult, summaryRows, type BenchRunResult } from '../../lib/bench/results.js';
import { runScenario, type RunHooks, type ScenarioRun, type SchedulerControl } from '../../lib/bench/run-scenario.js';
import { parseScenario, ScenarioError, type Scenario } from '../../lib/bench/scenario.js';
import { RestClient, type Encoding } from '../../lib/client/rest-client.js';
import { table } from '../text-table.js';

const NODES = findResource('', 'v1', 'nodes')!;

export interface BenchOptions {
  scenario: string;
  kubeconfig?: string;
  nodes?: number;
  peer?: string;
  out: string;
}

function loadScenario(name: string): Scenario {
  const builtIn = builtInScenario(name);
  if (builtIn) return builtIn;
  if (!existsSync(name)) throw new ScenarioError([`no built-in scenario "${name}" (${Object.keys(BUILT_IN_SCENARIOS).join(', ')}) and no such file`]);
  return parseScenario(readFileSync(name, 'utf8'));
}

/** The scenario at a tenth of its pods and churn, for a warm-up pass. */
function tenth(scenario: Scenario): Scenario {
  const part = (n: number): number => Math.max(1, Math.ceil(n / 10));
  return {
    ...scenario,
    phases: scenario.phases.map((p) => (p.action === 'createNamespaces' ? p : { ...p, count: part(p.count), durationMs: p.durationMs / 10, ...(p.podsPerNode === undefined ? {} : { podsPerNode: part(p.podsPerNode) }) })),
  };
}

/** --peer kube-scheduler=PATH: the binary. */
function peerBinary(peer: string): string {
  const match = /^kube-scheduler=(.+)$/.exec(peer);
  if (!match) throw new ScenarioError([`--peer: expected kube-scheduler=PATH, not "${peer}"`]);
  const path = resolve(match[1]!);
  if (!existsSync(path)) throw new ScenarioError([`--peer: no kube-scheduler at ${path} (build it with shared/kube-peers/build.sh)`]);
  return path;
}

/** A progress bar per phase on stderr (when it is a terminal). */
function progress(label: string): RunHooks & { stop(): void } {
  const bar = new SingleBar({ format: `${label} {phase} [{bar}] {value}/{total} {detail}`, hideCursor: true, clearOnComplete: false, stream: process.stderr }, Presets.legacy);
  let active = false;
  const stop = (): void => {
    if (active) bar.stop();
    active = false;
  };
  return {
    onPhase(phase, total) {
      stop();
      bar.start(total, 0, { phase: phase.name.padEnd(12), detail: '' });
      active = true;
    },
    onStep(done, counts) {
      bar.update(done, { detail: `| pods ${counts.running} running of ${counts.live}` });
    },
    onWait(phase, counts, expected) {
      if (phase.wait !== 'none') bar.update({ detail: `| waiting: ${phase.wait}, pods ${counts.bound} bound, ${counts.running} running of ${counts.live} (want ${expected})` });
    },
    stop,
  };
}

/** The machine may be shared: the load average says how much of it the run had. */
const loadAverage1m = (): number => Math.round(loadavg()[0]! * 100) / 100;

const say = (line: string): void => void process.stderr.write(`rudder bench: ${line}\n`);

/** Rudder's own apiserver speaks msgpack, which costs the bench's client less; any other speaks JSON. */
async function runOnce(label: string, scenario: Scenario, kubeconfig: string, nodes: number, encoding: Encoding, scheduler?: SchedulerControl): Promise<ScenarioRun> {
  const client = RestClient.fromKubeconfig(kubeconfig, { encoding, qps: 0, connections: scenario.concurrency + 8 });
  const hooks = progress(label);
  try {
    return await runScenario({ scenario, client, nodes, hooks, ...(scheduler ? { scheduler } : {}) });
  } finally {
    hooks.stop();
    await client.close();
  }
}

async function countNodes(kubeconfig: string): Promise<number> {
  const client = RestClient.fromKubeconfig(kubeconfig, { encoding: 'json', qps: 0 });
  try {
    return (await client.listAll(NODES, { pageSize: 5000 })).items.length;
  } finally {
    await client.close();
  }
}

export async function bench(o: BenchOptions): Promise<number> {
  let scenario: Scenario;
  let peer: string | undefined;
  try {
    scenario = loadScenario(o.scenario);
    peer = o.peer === undefined ? undefined : peerBinary(o.peer);
    if (peer && o.kubeconfig) throw new ScenarioError(['--peer needs a cluster the bench starts itself (it swaps the scheduler): leave out --kubeconfig']);
    if (o.kubeconfig && scenario.phases.some((p) => p.backlog)) throw new ScenarioError(['a backlog phase needs a cluster the bench starts (it stops and starts the scheduler): leave out --kubeconfig']);
    if (o.kubeconfig && !existsSync(o.kubeconfig)) throw new ScenarioError([`--kubeconfig: no such file ${o.kubeconfig}`]);
  } catch (error) {
    say(error instanceof ScenarioError ? error.problems.join('\n  ') : (error as Error).message);
    return 2;
  }

  const runs: { scheduler: string; run: ScenarioRun }[] = [];
  const loadBefore = loadAverage1m();
  let nodes = o.nodes ?? scenario.nodes;
  try {
    if (o.kubeconfig) {
      nodes = await countNodes(o.kubeconfig);
      runs.push({ scheduler: 'cluster', run: await runOnce('', scenario, o.kubeconfig, nodes, 'json') });
    } else {
      const cluster = await startBenchCluster(nodes, say);
      const scratch = mkdtempSync(join(tmpdir(), 'rudder-bench-'));
      try {
        const rudder = rudderScheduler(cluster.apiserver);
        const control = (start: () => Promise<ComponentProcess>): SchedulerControl => ({ stop: () => cluster.replaceScheduler(undefined), start: () => cluster.replaceScheduler(start) });
        await cluster.replaceScheduler(rudder);
        if (peer) {
          // A pass at a tenth of the scale warms the apiserver (its JIT, caches) so neither scheduler meets it cold.
          say(`warming up: ${scenario.name} once, unrecorded`);
          await runOnce('warm-up', tenth(scenario), cluster.kubeconfig, nodes, 'msgpack', control(rudder));
          // The peer goes first: pods a scenario leaves in place then weigh on Rudder's run, not on its.
          say(`running ${scenario.name} on ${nodes} simulated nodes with kube-scheduler (${peer})`);
          const kubeScheduler = (): Promise<ComponentProcess> => startKubeScheduler(peer, cluster.kubeconfig, scratch);
          await cluster.replaceScheduler(kubeScheduler);
          runs.push({ scheduler: 'kube-scheduler', run: await runOnce('kube-scheduler', scenario, cluster.kubeconfig, nodes, 'msgpack', control(kubeScheduler)) });
          await cluster.replaceScheduler(rudder);
        }
        say(`running ${scenario.name} on ${nodes} simulated nodes with Rudder's scheduler`);
        runs.push({ scheduler: 'rudder', run: await runOnce(peer ? 'rudder' : '', scenario, cluster.kubeconfig, nodes, 'msgpack', control(rudder)) });
      } finally {
        await cluster.replaceScheduler(undefined);
        await cluster.stop();
        rmSync(scratch, { recursive: true, force: true });
      }
    }
  } catch (error) {
    say(`the run failed: ${(error as Error).message}`);
    return 3;
  }

  const perRun: BenchRunResult[] = runs.map(({ scheduler, run }) => runResult(scheduler, run, scenario));
  const results = benchResults(scenario, o.kubeconfig ? 'kubeconfig' : 'started', nodes, perRun, { before: loadBefore, after: loadAverage1m() });
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(o.out, 'report.html'), benchReportHtml(results, runs));
  process.stdout.write(`${scenario.name} on ${nodes} nodes\n${table(summaryRows(results))}\n`);
  process.stdout.write(`results: ${join(o.out, 'results.json')}, report: ${join(o.out, 'report.html')}\n`);
  if (!results.sloMet) {
    say('an SLO was missed');
    return 1;
  }
  return 0;
}
