// npm run bench -- apiserver: 64 concurrent clients create 20,000 ConfigMaps of 1 KiB through the
// real apiserver (HTTPS, token auth, validation, durable group-committed store), then list them
// all. The baseline, in the same run with the same load generator, is a bare HTTPS echo server.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { startApiserver } from '../lib/harness/apiserver-process.js';
import { freePort } from '../lib/process/ports.js';
import { pool, runLoad, type LoadTarget } from './lib/load.js';
import { printTable, writeResults } from './lib/results.js';
import { ratio, summarize } from './lib/stats.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 20_000);
const VALUE_BYTES = 1024;
const NAMESPACE = 'bench';

function configMap(i: number): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { value: 'v'.repeat(VALUE_BYTES) } });
}

async function timedGet(target: LoadTarget, path: string): Promise<{ ms: number; body: string }> {
  const client = pool(target, 1);
  const t0 = process.hrtime.bigint();
  const res = await client.request({ method: 'GET', path, headers: { authorization: `Bearer ${target.token}`, accept: 'application/json' } });
  const body = await res.body.text();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await client.close();
  if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${body.slice(0, 200)}`);
  return { ms, body };
}

async function pagedList(target: LoadTarget, path: string, limit: number): Promise<{ ms: number; items: number; pages: number }> {
  const t0 = process.hrtime.bigint();
  let next = '';
  let items = 0;
  let pages = 0;
  do {
    const page = await timedGet(target, `${path}?limit=${limit}${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
    const list = JSON.parse(page.body) as { items: unknown[]; metadata: { continue?: string } };
    items += list.items.length;
    pages++;
    next = list.metadata.continue ?? '';
  } while (next);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, items, pages };
}

async function echoBaseline(target: LoadTarget, keyPath: string, certPath: string): Promise<ReturnType<typeof summarize> & { perSecond: number }> {
  const port = await freePort();
  const script = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'echo-server.js');
  const child = spawn(process.execPath, [script, keyPath, certPath, String(port)], { stdio: 'inherit' });
  const echo: LoadTarget = { url: `https://127.0.0.1:${port}`, caPem: target.caPem, token: target.token };
  for (let i = 0; i < 100; i++) {
    try {
      const res = await request(`${echo.url}/readyz`, { dispatcher: pool(echo, 1) });
      await res.body.text();
      if (res.statusCode === 200) break;
    } catch {
      await sleep(100);
    }
  }
  const path = `/api/v1/namespaces/${NAMESPACE}/configmaps`;
  await runLoad(echo, CLIENTS, 2000, (i) => ({ method: 'POST', path, body: configMap(i), expect: [201] }));
  const result = await runLoad(echo, CLIENTS, OBJECTS, (i) => ({ method: 'POST', path, body: configMap(i), expect: [201] }));
  child.kill('SIGTERM');
  return { ...summarize(result.latenciesMs), perSecond: Math.round(result.perSecond) };
}

/** The store's commit and proposal counters from /metrics. */
async function storeCounters(target: LoadTarget): Promise<{ commits: number; proposals: number }> {
  const lines = (await timedGet(target, '/metrics')).body.split('\n');
  const value = (name: string): number => Number(lines.find((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))?.split(' ').pop() ?? NaN);
  return { commits: value('rudder_store_commits_total'), proposals: value('rudder_store_proposals_total') };
}

export async function benchApiserver(): Promise<void> {
  process.stdout.write(`apiserver: ${CLIENTS} clients, ${OBJECTS} ConfigMaps of ${VALUE_BYTES} B\n`);
  const server = await startApiserver();
  const target: LoadTarget = { url: server.url, caPem: server.caPem, token: server.token };
  try {
    const ns = await runLoad(target, 1, 1, () => ({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name: NAMESPACE } }), expect: [201] }));
    if (ns.failed) throw new Error(`creating the namespace failed: ${ns.firstError}`);
    // Warm up the JIT on both sides with writes that are not measured.
    await runLoad(target, CLIENTS, 2000, (i) => ({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: configMap(i), expect: [201] }));

    const before = await storeCounters(target);
    const creates = await runLoad(target, CLIENTS, OBJECTS, (i) => ({ method: 'POST', path: `/api/v1/namespaces/${NAMESPACE}/configmaps`, body: configMap(i), expect: [201] }));
    if (creates.failed) throw new Error(`${creates.failed} creates failed; first: ${creates.firstError}`);
    const createLatency = summarize(creates.latenciesMs);
    const after = await storeCounters(target);
    const commits = after.commits - before.commits;

    const full = await timedGet(target, `/api/v1/namespaces/${NAMESPACE}/configmaps`);
    const listed = (JSON.parse(full.body) as { items: unknown[] }).items.length;
    if (listed !== OBJECTS) throw new Error(`the list returned ${listed} of ${OBJECTS} ConfigMaps`);
    const paged = await pagedList(target, `/api/v1/namespaces/${NAMESPACE}/configmaps`, 500);

    const baseline = await echoBaseline(target, join(server.dataDir, 'pki', 'apiserver.key'), join(server.dataDir, 'pki', 'apiserver.crt'));

    const rudder = {
      createsPerSecond: Math.round(creates.perSecond),
      createLatency,
      listAllMs: Math.round(full.ms),
      listAllBytes: full.body.length,
      pagedList500Ms: Math.round(paged.ms),
      pagedListPages: paged.pages,
      // Writes per durable commit (one log fsync) and how long each commit took on average:
      // with 64 clients a create waits for about one and a half of these.
      writesPerCommit: Math.round(((after.proposals - before.proposals) / commits) * 10) / 10,
      msPerCommit: Math.round((creates.seconds * 1000 * 100) / commits) / 100,
    };
    const path = writeResults('apiserver', {
      config: { clients: CLIENTS, objects: OBJECTS, valueBytes: VALUE_BYTES, durability: 'fsync per group commit', transport: 'HTTPS, bearer token' },
      rudder,
      baseline: { name: 'https-echo (Fastify, JSON, no validation, no store)', requestsPerSecond: baseline.perSecond, latency: baseline },
      ratios: { createsPerSecondVsEcho: ratio(rudder.createsPerSecond, baseline.perSecond), p99VsEcho: ratio(createLatency.p99Ms, baseline.p99Ms) },
      slo: { mutatingP99Ms: 1000, met: createLatency.p99Ms <= 1000 },
      goal: { createsPerSecond: 5000, met: rudder.createsPerSecond >= 5000 },
    });
    printTable([
      ['', 'per second', 'p50 ms', 'p99 ms'],
      ['rudder creates', rudder.createsPerSecond, createLatency.p50Ms, createLatency.p99Ms],
      ['https echo (baseline)', baseline.perSecond, baseline.p50Ms, baseline.p99Ms],
    ]);
    process.stdout.write(`${rudder.writesPerCommit} writes per durable commit, one every ${rudder.msPerCommit} ms\n`);
    process.stdout.write(`list of ${OBJECTS}: ${rudder.listAllMs} ms in one request, ${rudder.pagedList500Ms} ms in ${paged.pages} pages of 500\n`);
    process.stdout.write(`creates/s vs echo: ${ratio(rudder.createsPerSecond, baseline.perSecond)}  → ${path}\n`);
  } finally {
    await server.stop();
  }
}
