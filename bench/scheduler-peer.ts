// npm run bench -- scheduler-peer: `rudder bench scheduler-throughput --peer kube-scheduler=PATH`
// (5,000 simulated nodes, 10,000 pods) — Rudder's scheduler and the real kube-scheduler against
// the same Rudder apiserver and nodes — into bench/results/scheduler-peer.json with both pods/s
// and their ratio. The peer binary comes from shared/kube-peers/build.sh
// (RUDDER_KUBE_PEERS_BIN, default ~/.cache/kube-peers/bin); BENCH_PEER_NODES shrinks the cluster.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench } from '../cli/commands/bench.js';
import type { BenchResults } from '../lib/bench/results.js';
import { printTable, writeResults } from './lib/results.js';

const PEER = join(process.env.RUDDER_KUBE_PEERS_BIN ?? join(homedir(), '.cache', 'kube-peers', 'bin'), 'kube-scheduler');

export async function benchSchedulerPeer(): Promise<void> {
  if (!existsSync(PEER)) {
    process.stdout.write(`scheduler-peer: skipped, no ${PEER} (build it with shared/kube-peers/build.sh)\n`);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'rudder-bench-peer-'));
  try {
    const nodes = process.env.BENCH_PEER_NODES ? Number(process.env.BENCH_PEER_NODES) : undefined;
    const code = await bench({ scenario: 'scheduler-throughput', peer: `kube-scheduler=${PEER}`, out, ...(nodes ? { nodes } : {}) });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    const throughput = (scheduler: string) => results.runs.find((r) => r.scheduler === scheduler)?.slis.schedulingThroughput;
    const path = writeResults('scheduler-peer', {
      command: `rudder bench scheduler-throughput --peer kube-scheduler=${PEER}`,
      exitCode: code,
      nodes: results.nodes,
      pods: throughput('rudder')?.scheduled,
      rudderPodsPerSecond: results.comparison?.rudderPodsPerSecond,
      kubeSchedulerPodsPerSecond: results.comparison?.kubeSchedulerPodsPerSecond,
      ratio: results.comparison?.ratio,
      kubeSchedulerClientConnection: { qps: 5000, burst: 10_000 },
      loadAverage1m: results.loadAverage1m,
      runs: results.runs,
    });
    printTable([
      ['nodes', 'pods', 'rudder pods/s', 'kube-scheduler pods/s', 'ratio'],
      [results.nodes, throughput('rudder')?.scheduled ?? '-', results.comparison?.rudderPodsPerSecond ?? '-', results.comparison?.kubeSchedulerPodsPerSecond ?? '-', results.comparison?.ratio ?? '-'],
    ]);
    process.stdout.write(`results: ${path}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
