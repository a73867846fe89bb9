// npm run bench -- up: seconds from `rudder up --detach --nodes 2` to a cluster whose two real
// nodes are Ready (up returns once every component is ready and the nodes' images are loaded;
// the nodes are then read from the API), cold (a new data directory: certificates, store, node
// namespaces and containerd state made from nothing) and warm (the same directory again after
// `rudder down`). Baseline in the same run: the control plane alone (`--nodes 0`), cold — what
// the nodes add on top of it. The runs alternate (cold, warm, control plane) in rounds. The aim is
// <= 10 s cold (kind needs 12-17 s for one node). Needs root and the packages of "Real nodes".
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { Node } from 'kubernetes-types/core/v1.js';
import { findResource } from '../lib/api/resources.js';
import { loadKubeconfig } from '../lib/client/kubeconfig.js';
import { RestClient } from '../lib/client/rest-client.js';
import { localNodesUnavailable } from '../lib/local-nodes/prerequisites.js';
import { freePort } from '../lib/process/ports.js';
import { printTable, writeResults } from './lib/results.js';

const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');
const ROUNDS = Number(process.env.BENCH_UP_ROUNDS ?? 3);
const NODES = findResource('', 'v1', 'nodes')!;
const AIM_COLD_SECONDS = 10;

function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function readyNodes(kubeconfig: string): Promise<number> {
  const client = new RestClient(loadKubeconfig(kubeconfig));
  try {
    const list = await client.list<Node>(NODES);
    return list.items.filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  } finally {
    await client.close();
  }
}

/** Seconds from `rudder up` to `nodes` Ready nodes (then `rudder down`). */
async function timedUp(dataDir: string, nodes: number): Promise<number> {
  const args = ['up', '--detach', '--data-dir', dataDir, '--port', String(await freePort()), '--scheduler-port', String(await freePort()), '--controller-manager-port', String(await freePort()), '--kubelet-port', String(await freePort()), '--nodes', String(nodes)];
  if (nodes > 0) args.push('--node-subnet', `10.213.${randomInt(1, 250)}.0/24`);
  const started = process.hrtime.bigint();
  const up = await run(args);
  if (up.code !== 0) throw new Error(`rudder up failed:\n${up.output}`);
  const kubeconfig = join(dataDir, 'kubeconfig');
  while ((await readyNodes(kubeconfig)) < nodes) await new Promise((resolve) => setTimeout(resolve, 100));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const down = await run(['down', '--data-dir', dataDir]);
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
    await run(['down', '--data-dir', warmDir]);
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
