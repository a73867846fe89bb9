// npm run bench -- up: seconds from `rudder up --detach --nodes 2` to a cluster whose two real
// nodes are Ready (up returns once every component is ready and the nodes' images are loaded;
// the nodes are then read from the API), cold (a new data directory: certificates, store, node
// namespaces and containerd state made from nothing) and warm (the same directory again after
// `rudder down`). Baseline in the same run: the control plane alone (`--nodes 0`), cold — what
// the nodes add on top of it. The runs alternate (cold, warm, control plane) in rounds. The aim is
// <= 10 s cold (kind needs 12-17 s for one node). Needs root and the packages of "Real nodes".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localNodesUnavailable } from '../lib/local-nodes/prerequisites.js';
import { printTable, writeResults } from './lib/results.js';
import { readyNodes } from './lib/ready-nodes.js';
import { detachedUpArgs, rudderCli } from './lib/rudder-cli.js';

const ROUNDS = Number(process.env.BENCH_UP_ROUNDS ?? 3);
const AIM_COLD_SECONDS = 10;

/** Seconds from `rudder up` to `nodes` Ready nodes (then `rudder down`). */
async function timedUp(dataDir: string, nodes: number): Promise<number> {
  const args = await detachedUpArgs(dataDir, nodes);
  const started = process.hrtime.bigint();
  const up = await rudderCli(args);
  if (up.code !== 0) throw new Error(`rudder up failed:\n${up.output}`);
  const kubeconfig = join(dataDir, 'kubeconfig');
  while ((await readyNodes(kubeconfig)) < nodes) await new Promise((resolve) => setTimeout(resolve, 100));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const down = await rudderCli(['down', '--data-dir', dataDir]);
  if (down.code !== 0) throw new Error(`rudder down failed:\n${down.output}`);
  return Math.round(seconds * 100) / 100;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchUp(): Promise<void> {
  const unavailable = localNodesUnavailable();
  if (unavailable) {
    process.stdout.write(`up: not run: ${unavailable}\n`);
    return;
  }
  const warmDir = mkdtempSync(join(tmpdir(), 'rudder-bench-up-warm-'));
  const cold: number[] = [];
  const warm: number[] = [];
  const controlPlane: number[] = [];
  try {
    // The warm directory's first start is a cold one, not counted.
    await timedUp(warmDir, 2);
    for (let round = 0; round < ROUNDS; round++) {
      const coldDir = mkdtempSync(join(tmpdir(), 'rudder-bench-up-cold-'));
      const planeDir = mkdtempSync(join(tmpdir(), 'rudder-bench-up-plane-'));
      try {
        cold.push(await timedUp(coldDir, 2));
        warm.push(await timedUp(warmDir, 2));
        controlPlane.push(await timedUp(planeDir, 0));
      } finally {
        rmSync(coldDir, { recursive: true, force: true });
        rmSync(planeDir, { recursive: true, force: true });
      }
      process.stdout.write(`up: round ${round + 1}: cold ${cold.at(-1)} s, warm ${warm.at(-1)} s, control plane ${controlPlane.at(-1)} s\n`);
    }
  } finally {
    await rudderCli(['down', '--data-dir', warmDir]);
    rmSync(warmDir, { recursive: true, force: true });
  }
  const result = {
    nodes: 2,
    rounds: ROUNDS,
    coldSeconds: { median: median(cold), runs: cold },
    warmSeconds: { median: median(warm), runs: warm },
    baseline: { name: 'control plane alone (--nodes 0), cold', seconds: { median: median(controlPlane), runs: controlPlane } },
    nodesAddSeconds: Math.round((median(cold) - median(controlPlane)) * 100) / 100,
    aim: { coldSeconds: AIM_COLD_SECONDS, met: median(cold) <= AIM_COLD_SECONDS },
  };
  const path = writeResults('up', result);
  printTable([
    ['', 'median s', 'runs'],
    ['rudder up --nodes 2, cold', median(cold), cold.join(' ')],
    ['rudder up --nodes 2, warm', median(warm), warm.join(' ')],
    ['control plane alone, cold', median(controlPlane), controlPlane.join(' ')],
  ]);
  process.stdout.write(`aim <= ${AIM_COLD_SECONDS} s cold: ${result.aim.met ? 'met' : 'not met'}  → ${path}\n`);
}
