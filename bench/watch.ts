// npm run bench -- watch: one apiserver, 5,000 watchers each selecting one node's pods
// (spec.nodeName, as kubelets do), 1,000 pod updates a second for 60 s. Measures delivery latency
// (writer's stamp in the pod → watcher holding the event) and the apiserver's CPU, on the http bus
// (the apiserver's own watch streams, msgpack framing, selectors on the server) and on the redis
// bus (the apiserver publishes to Redis Streams; each watcher reads its node's stream), side by
// side in one run. Writes bench/results/watch.json.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { findResource } from '../lib/api/resources.js';
import { RestClient } from '../lib/client/rest-client.js';
import { startApiserver, type ApiserverProcess } from '../lib/launch/apiserver-process.js';
import { startRedis, type RedisProcess } from '../lib/launch/redis-process.js';
import type { FromWorker, ToWorker, WorkerConfig } from './lib/watch-worker.js';
import { printTable, writeResults } from './lib/results.js';
import { ratio, summarize, type LatencySummary } from './lib/stats.js';

const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 5000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PODS_PER_NODE = Number(process.env.BENCH_PODS_PER_NODE ?? 2);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const NAMESPACE = 'bench';
const PODS = findResource('', 'v1', 'pods')!;
const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'watch-worker.js');
const now = (): number => performance.timeOrigin + performance.now();

interface BusResult {
  /** Writer's send → watcher has the event. */
  delivery: LatencySummary;
  /** Writer's answer → watcher has the event (negative: the watcher knew first): the bus's own delay. */
  deliveryAfterAck: LatencySummary;
  updatesSent: number;
  updatesFailed: number;
  updatesPerSecond: number;
  eventsDelivered: number;
  /** Events delivered per successful update (1 means every update reached its node's watcher once). */
  deliveredPerUpdate: number;
  writeLatency: LatencySummary;
  apiserverCpuCores: number;
  redisCpuCores?: number;
  /** The watcher processes together, and the writer, for where the machine's CPU went. */
  watchersCpuCores: number;
  writerCpuCores: number;
  watchFailures: number;
  firstWatchFailure?: string;
}

class Worker {
  private readonly waiting = new Map<string, (message: FromWorker) => void>();
  readonly child: ChildProcess;

  constructor() {
    this.child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: FromWorker) => {
      const resolve = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      resolve?.(message);
    });
  }

  ask<T extends FromWorker['type']>(message: ToWorker, answer: T): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve) => {
      this.waiting.set(answer, resolve as (message: FromWorker) => void);
      this.child.send(message);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'stop' } satisfies ToWorker);
    });
  }
}

async function cpuSeconds(client: RestClient): Promise<number> {
  const text = await client.request<string>({ method: 'GET', path: '/metrics' });
  const match = /^process_cpu_seconds_total(?:\{[^}]*\})? ([\d.e+-]+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

async function redisCpuSeconds(url: string): Promise<number> {
  const redis = new Redis(url);
  const info = await redis.info('cpu');
  redis.disconnect();
  const field = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

/** Every watcher is registered: with the apiserver (http) or blocked reading its stream (redis). */
async function waitForWatches(bus: 'http' | 'redis', client: RestClient, redis: RedisProcess | undefined): Promise<void> {
  const deadline = now() + 300_000;
  while (now() < deadline) {
    let registered = 0;
    if (bus === 'http') {
      const text = await client.request<string>({ method: 'GET', path: '/metrics' });
      registered = Number(/^apiserver_registered_watchers\{[^}]*kind="Pod"[^}]*\} (\d+)$/m.exec(text)?.[1] ?? 0);
    } else {
      const connection = new Redis(redis!.url);
      registered = Number(/blocked_clients:(\d+)/.exec(await connection.info('clients'))?.[1] ?? 0);
      connection.disconnect();
    }
    // Blocked readers re-issue their read every few seconds, so a few may be between reads.
    if (registered >= WATCHERS * (bus === 'http' ? 1 : 0.98)) return;
    await sleep(500);
  }
  throw new Error(`the ${WATCHERS} watches did not all start within 300 s`);
}

async function createPods(client: RestClient, nodes: string[]): Promise<void> {
  const names = nodes.flatMap((node) => Array.from({ length: PODS_PER_NODE }, (_, i) => ({ node, name: `${node}-pod-${i}` })));
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < names.length) {
        const { node, name } = names[next++]!;
        await client.create(PODS, { metadata: { name, namespace: NAMESPACE }, spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] } });
      }
    }),
  );
}

/** Open-loop writer: `rate` merge patches a second, each stamped with its send time. */
async function writeUpdates(
  client: RestClient,
  pods: string[],
  rate: number,
  seconds: number,
  phase: string,
): Promise<{ sent: number; failed: number; latenciesMs: number[]; acks: Map<number, number>; seconds: number }> {
  const latenciesMs: number[] = [];
  const acks = new Map<number, number>();
  let sent = 0;
  let failed = 0;
  let inFlight = 0;
  const started = now();
  const total = Math.round(rate * seconds);
  const pending: Promise<void>[] = [];
  for (let tick = 0; sent < total; tick++) {
    const due = Math.min(total, Math.round(((now() - started) / 1000) * rate));
    while (sent < due) {
      if (inFlight >= 1000) break;
      const name = pods[sent % pods.length]!;
      sent++;
      inFlight++;
      const stamp = now();
      pending.push(
        client
          .patch(PODS, { namespace: NAMESPACE, name }, { metadata: { annotations: { 'bench/sent': String(stamp), 'bench/phase': phase } } })
          .then(
            () => {
              const answered = now();
              latenciesMs.push(answered - stamp);
              acks.set(stamp, answered);
            },
            () => void failed++,
          )
          .finally(() => void inFlight--),
      );
    }
    await sleep(5);
  }
  await Promise.all(pending);
  return { sent, failed, latenciesMs, acks, seconds: (now() - started) / 1000 };
}

async function runBus(bus: 'http' | 'redis'): Promise<BusResult> {
  let redis: RedisProcess | undefined;
  let api: ApiserverProcess | undefined;
  const workers: Worker[] = [];
  try {
    if (bus === 'redis') redis = await startRedis();
    api = await startApiserver({
      extraArgs: ['--history-revisions', '200000', '--compaction-interval', '0', ...(redis ? ['--bus', 'redis', '--redis-url', redis.url] : [])],
    });
    // A pool of connections like a busy controller's, not one TLS connection per request in flight.
    const writer = new RestClient({ server: api.url, caPem: api.caPem, token: api.token, qps: 0, encoding: 'msgpack', connections: 32 });
    const nodes = Array.from({ length: WATCHERS }, (_, i) => `node-${i}`);
    const pods = nodes.flatMap((node) => Array.from({ length: PODS_PER_NODE }, (_, i) => `${node}-pod-${i}`));
    // Update pods round robin across nodes, so consecutive updates go to different watchers.
    const order = Array.from({ length: PODS_PER_NODE }, (_, i) => nodes.map((node) => `${node}-pod-${i}`)).flat();

    await writer.create(NAMESPACES, { metadata: { name: NAMESPACE } });
    const t0 = now();
    await createPods(writer, nodes);
    process.stdout.write(`  ${bus}: ${pods.length} pods created in ${((now() - t0) / 1000).toFixed(1)} s\n`);
    const resourceVersion = (await writer.list(PODS, { namespace: NAMESPACE, limit: 1 })).metadata.resourceVersion ?? '0';

    // 1. the watchers, spread over worker processes
    const t1 = now();
    for (let w = 0; w < WORKERS; w++) workers.push(new Worker());
    const config = (w: number): WorkerConfig => ({
      bus,
      server: api!.url,
      caPem: api!.caPem,
      token: api!.token,
      redisUrl: redis?.url ?? '',
      namespace: NAMESPACE,
      nodes: nodes.filter((_, i) => i % WORKERS === w),
      resourceVersion,
    });
    await Promise.all(workers.map((worker, w) => worker.ask({ type: 'start', config: config(w) }, 'opened')));

    // 2. wait until every watch is registered: watches started late would replay history
    await waitForWatches(bus, writer, redis);
    process.stdout.write(`  ${bus}: ${WATCHERS} watches live in ${((now() - t1) / 1000).toFixed(1)} s\n`);

    // 3. the measured run
    const cpuBefore = await cpuSeconds(writer);
    const redisBefore = redis ? await redisCpuSeconds(redis.url) : 0;
    await Promise.all(workers.map((w) => w.ask({ type: 'mark' }, 'marked')));
    const writerCpu = process.cpuUsage();
    const run = await writeUpdates(writer, order, RATE, SECONDS, 'measure');
    const writerUsed = process.cpuUsage(writerCpu);
    const cpuAfter = await cpuSeconds(writer);
    const redisAfter = redis ? await redisCpuSeconds(redis.url) : 0;
    await sleep(2000);
    const reports = await Promise.all(workers.map((w) => w.ask({ type: 'report' }, 'report')));
    const cores = (seconds: number): number => Math.round((seconds / run.seconds) * 1000) / 1000;
    const deliveries = reports.flatMap((r) => r.deliveries);
    const latencies = deliveries.map(([sent, received]) => received - sent);
    const afterAck = deliveries.filter(([sent]) => run.acks.has(sent)).map(([sent, received]) => received - run.acks.get(sent)!);
    const delivered = latencies.length;
    const succeeded = run.sent - run.failed;
    await writer.close();
    const result: BusResult = {
      delivery: summarize(latencies),
      deliveryAfterAck: summarize(afterAck),
      updatesSent: run.sent,
      updatesFailed: run.failed,
      updatesPerSecond: Math.round(succeeded / run.seconds),
      eventsDelivered: delivered,
      deliveredPerUpdate: ratio(delivered, succeeded),
      writeLatency: summarize(run.latenciesMs),
      apiserverCpuCores: cores(cpuAfter - cpuBefore),
      // Watcher CPU is counted to the report, 2 s after the last update.
      watchersCpuCores: cores(reports.reduce((a, r) => a + r.cpuSeconds, 0)),
      writerCpuCores: cores((writerUsed.user + writerUsed.system) / 1e6),
      watchFailures: reports.reduce((a, r) => a + r.failures, 0),
    };
    if (redis) result.redisCpuCores = cores(redisAfter - redisBefore);
    const firstFailure = reports.find((r) => r.firstFailure)?.firstFailure;
    if (firstFailure) result.firstWatchFailure = firstFailure;
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await api?.stop();
    await redis?.stop();
  }
}

export async function benchWatch(): Promise<void> {
  process.stdout.write(`watch: ${WATCHERS} watchers (one node's pods each, ${PODS_PER_NODE} pods per node), ${RATE} pod updates/s for ${SECONDS} s, ${WORKERS} watcher processes\n`);
  const loadBefore = loadavg()[0]!;
  const only = process.env.BENCH_BUS;
  const http = only === 'redis' ? await runBus('redis') : await runBus('http');
  const redis = only === 'http' ? http : await runBus('redis');
  const goalP99Ms = 50;
  const path = writeResults('watch', {
    config: { watchers: WATCHERS, podsPerNode: PODS_PER_NODE, updatesPerSecond: RATE, seconds: SECONDS, watcherProcesses: WORKERS, latency: 'delivery: writer send stamp → watcher has the event; afterAck: writer got its answer → watcher has the event', transport: 'HTTPS + msgpack (http bus); Redis Streams, one connection per watcher (redis bus)' },
    http,
    redis,
    ratios: { p99RedisVsHttp: ratio(redis.delivery.p99Ms, http.delivery.p99Ms), apiserverCpuRedisVsHttp: ratio(redis.apiserverCpuCores, http.apiserverCpuCores) },
    goal: { p99Ms: goalP99Ms, httpMet: http.delivery.p99Ms <= goalP99Ms, redisMet: redis.delivery.p99Ms <= goalP99Ms },
    // Other work on the machine competes with the benchmark's processes: read the numbers with it.
    loadAverage1m: { before: Math.round(loadBefore * 100) / 100, after: Math.round(loadavg()[0]! * 100) / 100 },
  });
  printTable([
    ['bus', 'updates/s', 'delivered/update', 'delivery p50 ms', 'p99 ms', 'write p50 ms', 'p99 ms', 'after ack p50 ms', 'p99 ms', 'apiserver cores', 'redis cores', 'watchers cores', 'writer cores'],
    ...([['http', http], ['redis', redis]] as const).map(([name, r]) => [
      name, r.updatesPerSecond, r.deliveredPerUpdate, r.delivery.p50Ms, r.delivery.p99Ms, r.writeLatency.p50Ms, r.writeLatency.p99Ms, r.deliveryAfterAck.p50Ms, r.deliveryAfterAck.p99Ms,
      r.apiserverCpuCores, r.redisCpuCores ?? '-', r.watchersCpuCores, r.writerCpuCores,
    ]),
  ]);
  process.stdout.write(`→ ${path}\n`);
}
