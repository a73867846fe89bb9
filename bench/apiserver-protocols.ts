// npm run bench -- apiserver-protocols: one real apiserver, and its clients over HTTP/1.1 (one
// connection per client) and over HTTP/2 (every client multiplexed on one connection, as client-go
// does), each speaking JSON or protobuf (request bodies and answers), side by side:
//   - creates: 64 clients create 20,000 ConfigMaps of 1 KiB per variant;
//   - lists: the variant's 20,000 ConfigMaps in one request, again and again;
//   - watch events: 32 watches per variant (32 connections over HTTP/1.1, 32 streams on one
//     connection over HTTP/2) each receive every ConfigMap created in the variant's namespace.
// What each costs the apiserver is its CPU from /proc (all its threads, and its main JavaScript
// thread apart) over the measured window, per create, per list and per delivered event (the CPU of
// the writes that made the events, measured in the same rounds with nobody watching, taken off).
// The variants take turns in rounds (bench/lib/rounds.ts), so drift in a shared machine's speed
// hits all alike. Writes bench/results/apiserver-protocols.json.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { encodeProtobufObject } from '../lib/api/protobuf/encode.js';
import { PROTOBUF_MEDIA_TYPE, PROTOBUF_WATCH_MEDIA_TYPE } from '../lib/api/protobuf/envelope.js';
import { startApiserver } from '../lib/launch/apiserver-process.js';
import { Http2Sender } from './lib/http2-sender.js';
import { pool, runLoad, type LoadRequest, type LoadResult, type LoadTarget } from './lib/load.js';
import { processCpuSeconds, threadCpuSeconds } from './lib/process-cpu.js';
import { printTable, writeResults } from './lib/results.js';
import { roundOrders } from './lib/rounds.js';
import { ratio, summarize, type LatencySummary } from './lib/stats.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const LISTS = Number(process.env.BENCH_LISTS ?? 8);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 32);
const WATCH_EVENTS = Number(process.env.BENCH_WATCH_EVENTS ?? 4000);
const WARM_UP = 2000;
const VALUE_BYTES = 1024;
const WRITERS = 16;
const SETTLE_MS = 300;

interface Variant {
  name: string;
  slug: string;
  http2: boolean;
  protobuf: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'HTTP/1.1 JSON', slug: 'h1-json', http2: false, protobuf: false },
  { name: 'HTTP/1.1 protobuf', slug: 'h1-protobuf', http2: false, protobuf: true },
  { name: 'HTTP/2 JSON', slug: 'h2-json', http2: true, protobuf: false },
  { name: 'HTTP/2 protobuf', slug: 'h2-protobuf', http2: true, protobuf: true },
];

/** The apiserver's CPU seconds so far: all threads, and its main (JavaScript) thread. */
interface Cpu {
  total: number;
  main: number;
}

function cpuOf(pid: number): Cpu {
  return { total: processCpuSeconds(pid) ?? NaN, main: threadCpuSeconds(pid).main ?? NaN };
}

async function measured<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpu: Cpu }> {
  const before = cpuOf(pid);
  const result = await work();
  const after = cpuOf(pid);
  return { result, cpu: { total: after.total - before.total, main: after.main - before.main } };
}

function configMap(name: string): { apiVersion: string; kind: string; metadata: { name: string }; data: { value: string } } {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value: 'v'.repeat(VALUE_BYTES) } };
}

function mediaType(variant: Variant): string {
  return variant.protobuf ? PROTOBUF_MEDIA_TYPE : 'application/json';
}

function createRequest(variant: Variant, namespace: string, name: string): LoadRequest {
  const object = configMap(name);
  return {
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    body: variant.protobuf ? encodeProtobufObject(object) : JSON.stringify(object),
    contentType: mediaType(variant),
    accept: mediaType(variant),
    expect: [201],
  };
}

/** Counts the events of a watch stream: newline-delimited JSON, or protobuf frames behind a 4-byte length. */
class EventCounter {
  count = 0;
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly protobuf: boolean) {}

  take(chunk: Buffer): void {
    if (!this.protobuf) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.count++;
      return;
    }
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = 0;
    while (this.pending.length - offset >= 4) {
      const length = this.pending.readUInt32BE(offset);
      if (this.pending.length - offset - 4 < length) break;
      offset += 4 + length;
      this.count++;
    }
    this.pending = this.pending.subarray(offset);
  }
}

interface OpenWatches {
  counters: EventCounter[];
  close(): Promise<void>;
}

async function openWatches(target: LoadTarget, variant: Variant, namespace: string): Promise<OpenWatches> {
  const client = variant.http2 ? new Http2Sender(target.url, target.caPem) : pool(target, WATCHERS);
  const counters: EventCounter[] = [];
  const path = `/api/v1/namespaces/${namespace}/configmaps?watch=true&timeoutSeconds=3600`;
  const headers = { authorization: `Bearer ${target.token}`, accept: variant.protobuf ? PROTOBUF_WATCH_MEDIA_TYPE : 'application/json' };
  await Promise.all(
    Array.from({ length: WATCHERS }, async () => {
      const counter = new EventCounter(variant.protobuf);
      counters.push(counter);
      let status: number;
      if (client instanceof Http2Sender) {
        status = await client.stream(path, headers, (chunk) => counter.take(chunk));
      } else {
        const res = await client.request({ method: 'GET', path, headers });
        res.body.on('data', (chunk: Buffer) => counter.take(chunk));
        res.body.on('error', () => undefined);
        status = res.statusCode;
      }
      if (status !== 200) throw new Error(`watch ${variant.name}: ${status}`);
    }),
  );
  return { counters, close: async () => void (client instanceof Http2Sender ? client.close() : await client.destroy()) };
}

/** One full list: how long it took and its bytes. */
async function list(client: Pool | Http2Sender, variant: Variant, token: string): Promise<{ ms: number; bytes: number }> {
  const path = `/api/v1/namespaces/${variant.slug}/configmaps`;
  const headers = { authorization: `Bearer ${token}`, accept: mediaType(variant) };
  const t0 = process.hrtime.bigint();
  let answer: { statusCode: number; contentType: string; body: Buffer };
  if (client instanceof Http2Sender) {
    const res = await client.request('GET', path, headers);
    answer = { statusCode: res.statusCode, contentType: String(res.headers['content-type']), body: res.body };
  } else {
    const res = await client.request({ method: 'GET', path, headers });
    answer = { statusCode: res.statusCode, contentType: String(res.headers['content-type']), body: Buffer.from(await res.body.arrayBuffer()) };
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (answer.statusCode !== 200) throw new Error(`${variant.name} list: ${answer.statusCode} ${answer.body.subarray(0, 200).toString()}`);
  if (answer.contentType.split(';')[0] !== mediaType(variant)) throw new Error(`${variant.name} list answered ${answer.contentType}`);
  if (!variant.protobuf && (JSON.parse(answer.body.toString()) as { items: unknown[] }).items.length !== OBJECTS) throw new Error(`${variant.name} list is not of ${OBJECTS}`);
  return { ms, bytes: answer.body.length };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(5);
  return condition();
}

interface CreatesResult {
  perSecond: number;
  latency: LatencySummary;
  cpuUsPerCreate: number;
  mainThreadUsPerCreate: number;
}

interface ListsResult {
  lists: number;
  msPerList: LatencySummary;
  bytes: number;
  cpuMsPerList: number;
  mainThreadMsPerList: number;
}

interface WatchResult {
  watchers: number;
  eventsDelivered: number;
  /** Apiserver CPU per event delivered to one watcher, the writes' own CPU taken off. */
  cpuUsPerEvent: number;
  mainThreadUsPerEvent: number;
  /** From the first write of a round to every watcher holding every event of it. */
  deliveryMsPerRound: LatencySummary;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

export async function benchApiserverProtocols(): Promise<void> {
  process.stdout.write(`apiserver-protocols: ${VARIANTS.map((v) => v.name).join(', ')}; ${CLIENTS} clients, ${OBJECTS} ConfigMaps of ${VALUE_BYTES} B each, ${WATCHERS} watches each\n`);
  const server = await startApiserver();
  const pid = server.child.pid!;
  const target: LoadTarget = { url: server.url, caPem: server.caPem, token: server.token };
  try {
    const namespaces = VARIANTS.flatMap((v) => [v.slug, `warm-${v.slug}`, `watch-${v.slug}`]).concat(['watch-nobody']);
    for (const name of namespaces) {
      const made = await runLoad(target, 1, 1, () => ({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name } }), expect: [201] }));
      if (made.failed) throw new Error(`creating namespace ${name}: ${made.firstError}`);
    }

    // 1. creates: a warm-up round, then ROUNDS measured ones
    const creates = (variant: Variant, namespace: string, offset: number, count: number): Promise<LoadResult> =>
      runLoad({ ...target, http2: variant.http2 }, CLIENTS, count, (i) => createRequest(variant, namespace, `cm-${offset + i}`));
    for (const i of roundOrders(VARIANTS.length, 1)[0]!) {
      const warm = await creates(VARIANTS[i]!, `warm-${VARIANTS[i]!.slug}`, 0, WARM_UP);
      if (warm.failed) throw new Error(`${VARIANTS[i]!.name} warm-up: ${warm.failed} failed; first: ${warm.firstError}`);
    }
    const createSums = VARIANTS.map(() => ({ completed: 0, seconds: 0, latenciesMs: [] as number[], cpu: { total: 0, main: 0 } }));
    for (const [round, order] of roundOrders(VARIANTS.length, ROUNDS).entries()) {
      const offset = Math.floor((OBJECTS * round) / ROUNDS);
      const count = Math.floor((OBJECTS * (round + 1)) / ROUNDS) - offset;
      for (const i of order) {
        await sleep(SETTLE_MS);
        const variant = VARIANTS[i]!;
        const { result, cpu } = await measured(pid, () => creates(variant, variant.slug, offset, count));
        if (result.failed) throw new Error(`${variant.name} creates: ${result.failed} failed; first: ${result.firstError}`);
        const sum = createSums[i]!;
        sum.completed += result.completed;
        sum.seconds += result.seconds;
        sum.latenciesMs.push(...result.latenciesMs);
        sum.cpu.total += cpu.total;
        sum.cpu.main += cpu.main;
      }
    }
    const createResults: CreatesResult[] = createSums.map((sum) => ({
      perSecond: Math.round(sum.completed / sum.seconds),
      latency: summarize(sum.latenciesMs),
      cpuUsPerCreate: round1((sum.cpu.total / sum.completed) * 1e6),
      mainThreadUsPerCreate: round1((sum.cpu.main / sum.completed) * 1e6),
    }));

    // 2. lists of each variant's ConfigMaps
    const listSums = VARIANTS.map(() => ({ ms: [] as number[], bytes: 0, cpu: { total: 0, main: 0 } }));
    const listClients = VARIANTS.map((v) => (v.http2 ? new Http2Sender(target.url, target.caPem) : pool(target, 1)));
    try {
      for (const order of roundOrders(VARIANTS.length, LISTS)) {
        for (const i of order) {
          await sleep(SETTLE_MS);
          const { result, cpu } = await measured(pid, () => list(listClients[i]!, VARIANTS[i]!, target.token!));
          const sum = listSums[i]!;
          sum.ms.push(result.ms);
          sum.bytes = result.bytes;
          sum.cpu.total += cpu.total;
          sum.cpu.main += cpu.main;
        }
      }
    } finally {
      await Promise.all(listClients.map((c) => c.close()));
    }
    const listResults: ListsResult[] = listSums.map((sum) => ({
      lists: sum.ms.length,
      msPerList: summarize(sum.ms),
      bytes: sum.bytes,
      cpuMsPerList: round1((sum.cpu.total / sum.ms.length) * 1e3),
      mainThreadMsPerList: round1((sum.cpu.main / sum.ms.length) * 1e3),
    }));

    // 3. watch events: each variant's watches, and the same writes with nobody watching
    const watches = await Promise.all(VARIANTS.map((v) => openWatches(target, v, `watch-${v.slug}`)));
    const writer: LoadTarget = { ...target, http2: false };
    const watchSides = [...VARIANTS.map((v) => `watch-${v.slug}`), 'watch-nobody'];
    const watchSums = watchSides.map(() => ({ writes: 0, delivered: 0, deliveryMs: [] as number[], cpu: { total: 0, main: 0 } }));
    try {
      const watchRounds = Math.max(2, ROUNDS);
      for (const [round, order] of roundOrders(watchSides.length, watchRounds).entries()) {
        const offset = Math.floor((WATCH_EVENTS * round) / watchRounds);
        const count = Math.floor((WATCH_EVENTS * (round + 1)) / watchRounds) - offset;
        for (const i of order) {
          await sleep(SETTLE_MS);
          const counters = watches[i]?.counters ?? [];
          const expected = counters.map((c) => c.count + count);
          const { result, cpu } = await measured(pid, async () => {
            const t0 = process.hrtime.bigint();
            const written = await runLoad(writer, WRITERS, count, (n) => createRequest(VARIANTS[0]!, watchSides[i]!, `cm-${offset + n}`));
            if (written.failed) throw new Error(`writes for ${watchSides[i]}: ${written.failed} failed; first: ${written.firstError}`);
            if (!(await until(() => counters.every((c, w) => c.count >= expected[w]!), 60_000))) throw new Error(`the watches of ${watchSides[i]} did not receive every event`);
            return Number(process.hrtime.bigint() - t0) / 1e6;
          });
          const sum = watchSums[i]!;
          sum.writes += count;
          sum.delivered += count * counters.length;
          sum.deliveryMs.push(result);
          sum.cpu.total += cpu.total;
          sum.cpu.main += cpu.main;
        }
      }
    } finally {
      await Promise.all(watches.map((w) => w.close()));
    }
    const writesAlone = watchSums[VARIANTS.length]!;
    const writeCpu = { total: writesAlone.cpu.total / writesAlone.writes, main: writesAlone.cpu.main / writesAlone.writes };
    const watchResults: WatchResult[] = VARIANTS.map((_, i) => {
      const sum = watchSums[i]!;
      return {
        watchers: WATCHERS,
        eventsDelivered: sum.delivered,
        cpuUsPerEvent: round1(((sum.cpu.total - writeCpu.total * sum.writes) / sum.delivered) * 1e6),
        mainThreadUsPerEvent: round1(((sum.cpu.main - writeCpu.main * sum.writes) / sum.delivered) * 1e6),
        deliveryMsPerRound: summarize(sum.deliveryMs),
      };
    });

    const variants = Object.fromEntries(VARIANTS.map((v, i) => [v.name, { creates: createResults[i]!, lists: listResults[i]!, watch: watchResults[i]! }]));
    const base = VARIANTS.map((_, i) => i).find((i) => !VARIANTS[i]!.http2 && !VARIANTS[i]!.protobuf)!;
    const vsHttp1Json = Object.fromEntries(
      VARIANTS.map((v, i) => [
        v.name,
        {
          createsPerSecond: ratio(createResults[i]!.perSecond, createResults[base]!.perSecond),
          cpuPerCreate: ratio(createResults[i]!.cpuUsPerCreate, createResults[base]!.cpuUsPerCreate),
          listMs: ratio(listResults[i]!.msPerList.p50Ms, listResults[base]!.msPerList.p50Ms),
          cpuPerList: ratio(listResults[i]!.cpuMsPerList, listResults[base]!.cpuMsPerList),
          cpuPerWatchEvent: ratio(watchResults[i]!.cpuUsPerEvent, watchResults[base]!.cpuUsPerEvent),
        },
      ]),
    );
    const path = writeResults('apiserver-protocols', {
      config: { clients: CLIENTS, objects: OBJECTS, valueBytes: VALUE_BYTES, rounds: ROUNDS, lists: LISTS, watchers: WATCHERS, watchEvents: WATCH_EVENTS, writers: WRITERS, cpu: 'apiserver process from /proc/PID/stat (all threads) and /proc/PID/task/PID/stat (main thread)' },
      variants,
      writesAlone: { creates: writesAlone.writes, cpuUsPerCreate: round1(writeCpu.total * 1e6), mainThreadUsPerCreate: round1(writeCpu.main * 1e6) },
      vsHttp1Json,
    });
    printTable([
      ['', 'creates/s', 'p99 ms', 'µs CPU/create (main)', 'list ms', 'MB', 'ms CPU/list', 'µs CPU/watch event (main)'],
      ...VARIANTS.map((v, i) => [
        v.name,
        createResults[i]!.perSecond,
        createResults[i]!.latency.p99Ms,
        `${createResults[i]!.cpuUsPerCreate} (${createResults[i]!.mainThreadUsPerCreate})`,
        listResults[i]!.msPerList.p50Ms,
        round1(listResults[i]!.bytes / 1e6),
        listResults[i]!.cpuMsPerList,
        `${watchResults[i]!.cpuUsPerEvent} (${watchResults[i]!.mainThreadUsPerEvent})`,
      ]),
    ]);
    process.stdout.write(`→ ${path}\n`);
  } finally {
    await server.stop();
  }
}
