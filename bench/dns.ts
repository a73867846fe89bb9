// npm run bench -- dns: Rudder's cluster DNS answering cached Service names (1,000 Services,
// svc-N.bench.svc.cluster.local, A questions in turn) from a UDP load generator on this machine,
// against a baseline in the same run: a trivial fixed-answer responder made with the same
// wire-format library (decode, encode one A record; no lookup, no cache). Each server is its own
// process (so one core at most); the two are loaded in alternating rounds so machine drift weighs
// on both. Reported: answered queries/s and latency percentiles, and queries per CPU second of the
// server process (what one core sustains). `ratio` is the cluster DNS's queries/s over the baseline's.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/process/ports.js';
import { BENCH_SERVICES } from './lib/dns-servers.js';
import { encodeQuestions, runDnsLoad, type LoadResult } from './lib/dns-load.js';
import { processCpuSeconds } from './lib/process-cpu.js';
import { printTable, writeResults } from './lib/results.js';
import { ratio } from './lib/stats.js';

const ROUNDS = Number(process.env.RUDDER_BENCH_DNS_ROUNDS ?? 3);
const SECONDS = Number(process.env.RUDDER_BENCH_DNS_SECONDS ?? 4);
const INFLIGHT = Number(process.env.RUDDER_BENCH_DNS_INFLIGHT ?? 64);
const AIM_QPS = 20_000;

interface Server {
  child: ChildProcess;
  port: number;
}

async function startServer(kind: 'cluster' | 'baseline'): Promise<Server> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./lib/dns-servers.js', import.meta.url));
  const child = spawn(process.execPath, [script, kind, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the ${kind} DNS server exited (${code})`)));
  });
  return { child, port };
}

interface Measured extends LoadResult {
  serverCpuSeconds: number;
  queriesPerCpuSecond: number;
}

async function measure(server: Server, questions: Buffer[], seconds: number): Promise<Measured> {
  const cpuBefore = processCpuSeconds(server.child.pid) ?? 0;
  const load = await runDnsLoad(server.port, questions, seconds, INFLIGHT);
  const cpu = (processCpuSeconds(server.child.pid) ?? 0) - cpuBefore;
  return { ...load, serverCpuSeconds: Math.round(cpu * 100) / 100, queriesPerCpuSecond: cpu > 0 ? Math.round(load.answered / cpu) : 0 };
}

function median(results: Measured[], pick: (r: Measured) => number): number {
  const sorted = results.map(pick).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function summary(results: Measured[]) {
  return {
    queriesPerSecond: median(results, (r) => r.queriesPerSecond),
    queriesPerCpuSecond: median(results, (r) => r.queriesPerCpuSecond),
    p50Ms: median(results, (r) => r.p50Ms),
    p99Ms: median(results, (r) => r.p99Ms),
    lost: results.reduce((sum, r) => sum + r.lost, 0),
    rounds: results,
  };
}

export async function benchDns(): Promise<void> {
  const questions = encodeQuestions(Array.from({ length: BENCH_SERVICES }, (_, i) => `svc-${i}.bench.svc.cluster.local`));
  const cluster = await startServer('cluster');
  const baseline = await startServer('baseline');
  try {
    // warm-up: fills the cluster server's cache and lets both JIT
    await runDnsLoad(cluster.port, questions, 1, INFLIGHT);
    await runDnsLoad(baseline.port, questions, 1, INFLIGHT);
    const clusterRounds: Measured[] = [];
    const baselineRounds: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['cluster', 'baseline'] as const) : (['baseline', 'cluster'] as const);
      for (const which of order) {
        if (which === 'cluster') clusterRounds.push(await measure(cluster, questions, SECONDS));
        else baselineRounds.push(await measure(baseline, questions, SECONDS));
      }
    }
    const rudder = summary(clusterRounds);
    const fixed = summary(baselineRounds);
    const result = {
      services: BENCH_SERVICES,
      inflight: INFLIGHT,
      secondsPerRound: SECONDS,
      aimQueriesPerSecond: AIM_QPS,
      clusterDns: rudder,
      baseline: fixed,
      ratio: ratio(rudder.queriesPerSecond, fixed.queriesPerSecond),
      cpuRatio: ratio(rudder.queriesPerCpuSecond, fixed.queriesPerCpuSecond),
      meetsAim: rudder.queriesPerSecond >= AIM_QPS,
    };
    const path = writeResults('dns', result);
    printTable([
      ['server', 'queries/s', 'queries/CPU s', 'p50 ms', 'p99 ms', 'lost'],
      ['rudder dns (cached Service names)', rudder.queriesPerSecond, rudder.queriesPerCpuSecond, rudder.p50Ms, rudder.p99Ms, rudder.lost],
      ['fixed-answer baseline', fixed.queriesPerSecond, fixed.queriesPerCpuSecond, fixed.p50Ms, fixed.p99Ms, fixed.lost],
    ]);
    process.stdout.write(`ratio ${result.ratio} (queries/s), ${result.cpuRatio} (per CPU second); aim ${AIM_QPS} queries/s: ${result.meetsAim ? 'met' : 'not met'}\nwrote ${path}\n`);
  } finally {
    cluster.child.kill('SIGTERM');
    baseline.child.kill('SIGTERM');
  }
}
