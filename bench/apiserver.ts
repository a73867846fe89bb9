// npm run bench -- apiserver: 64 concurrent clients create 20,000 ConfigMaps of 1 KiB through the
// real apiserver (HTTPS, token auth, validation, durable group-committed store), then list them
// all. The baseline, in the same run with the same load generator, is a bare HTTPS echo server.
// The same creates run again as a user outside system:masters whom RBAC allows through the edit
// role (a RoleBinding in another namespace): rbacRatio is their creates/s over the admin's. The
// three loads alternate in rounds, so drift in a shared machine's speed hits all three alike.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startApiserver } from '../lib/launch/apiserver-process.js';
import { addToken, ensureTokenFile } from '../lib/pki/tokens.js';
import { freePort } from '../lib/process/ports.js';
import { alternate, type Side } from './lib/alternate.js';
import { pool, runLoad, type LoadResult, type LoadTarget } from './lib/load.js';
import { printTable, writeResults } from './lib/results.js';
import { ratio, summarize } from './lib/stats.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 64);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 20_000);
const VALUE_BYTES = 1024;
/** The admin's creates, the RBAC user's and the echo's alternate in this many rounds each (6: every order once). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const NAMESPACE = 'bench';
const RBAC_NAMESPACE = 'bench-rbac';
const RBAC_USER = 'bench-user';
/** Unmeasured creates (and echo requests) per load before the measured rounds. */
const WARM_UP = 3000;

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

/** Starts the echo server with the apiserver's serving certificate; returns its target and a stop. */
async function startEcho(target: LoadTarget, keyPath: string, certPath: string): Promise<{ echo: LoadTarget; stop(): void }> {
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
  return { echo, stop: () => child.kill('SIGTERM') };
}

/** The store's commit and proposal counters from /metrics. */
async function storeCounters(target: LoadTarget): Promise<{ commits: number; proposals: number }> {
  const lines = (await timedGet(target, '/metrics')).body.split('\n');
  const value = (name: string): number => Number(lines.find((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))?.split(' ').pop() ?? NaN);
  return { commits: value('rudder_store_commits_total'), proposals: value('rudder_store_proposals_total') };
}

/** A user RBAC lets create in RBAC_NAMESPACE through a RoleBinding to edit (not system:masters). */
async function bindRbacUser(admin: LoadTarget): Promise<void> {
  const setup = [
    { path: '/api/v1/namespaces', body: { metadata: { name: RBAC_NAMESPACE } } },
    {
      path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${RBAC_NAMESPACE}/rolebindings`,
      body: { metadata: { name: RBAC_USER }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: RBAC_USER }] },
    },
  ];
  for (const { path, body } of setup) {
    const made = await runLoad(admin, 1, 1, () => ({ method: 'POST', path, body: JSON.stringify(body), expect: [201] }));
    if (made.failed) throw new Error(`POST ${path} failed: ${made.firstError}`);
  }
}

export async function benchApiserver(): Promise<void> {
  process.stdout.write(`apiserver: ${CLIENTS} clients, ${OBJECTS} ConfigMaps of ${VALUE_BYTES} B\n`);
  const tokenDir = mkdtempSync(join(tmpdir(), 'rudder-bench-tokens-'));
  const tokenFile = join(tokenDir, 'tokens.csv');
  ensureTokenFile(tokenFile);
  const userToken = addToken(tokenFile, { name: RBAC_USER, uid: RBAC_USER, groups: [] });
  const server = await startApiserver({ tokenFile });
  const target: LoadTarget = { url: server.url, caPem: server.caPem, token: server.token };
  try {
    const ns = await runLoad(target, 1, 1, () => ({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name: NAMESPACE } }), expect: [201] }));
    if (ns.failed) throw new Error(`creating the namespace failed: ${ns.firstError}`);
    await bindRbacUser(target);
    const user: LoadTarget = { ...target, token: userToken };
    const { echo, stop: stopEcho } = await startEcho(target, join(server.dataDir, 'pki', 'apiserver.key'), join(server.dataDir, 'pki', 'apiserver.crt'));
    // Objects from `first` on (the warm-up's in a namespace the measured creates also use start past them).
    const creates =
      (to: LoadTarget, path: string, first = 0): Side =>
      (offset, count) =>
        runLoad(to, CLIENTS, count, (i) => ({ method: 'POST', path, body: configMap(first + offset + i), expect: [201] }));
    let results: LoadResult[];
    let before: { commits: number; proposals: number };
    let after: typeof before;
    try {
      // Warm up every load the same way, in the same alternation, with writes that are not measured.
      const warmUp = await alternate(WARM_UP, ROUNDS, [
        creates(target, '/api/v1/namespaces/default/configmaps'),
        creates(user, `/api/v1/namespaces/${RBAC_NAMESPACE}/configmaps`, OBJECTS),
        creates(echo, '/api/v1/namespaces/default/configmaps'),
      ]);
      const failed = warmUp.find((result) => result.failed > 0);
      if (failed) throw new Error(`the warm-up failed: ${failed.firstError}`);
      before = await storeCounters(target);
      results = await alternate(OBJECTS, ROUNDS, [
        creates(target, `/api/v1/namespaces/${NAMESPACE}/configmaps`),
        creates(user, `/api/v1/namespaces/${RBAC_NAMESPACE}/configmaps`),
        creates(echo, `/api/v1/namespaces/${NAMESPACE}/configmaps`),
      ]);
      after = await storeCounters(target);
    } finally {
      stopEcho();
    }
    const [admin, asUser, echoed] = results as [LoadResult, LoadResult, LoadResult];
    for (const [who, result] of [['creates', admin], [`creates as ${RBAC_USER}`, asUser], ['echo requests', echoed]] as const) {
      if (result.failed) throw new Error(`${result.failed} ${who} failed; first: ${result.firstError}`);
    }
    const createLatency = summarize(admin.latenciesMs);
    const userLatency = summarize(asUser.latenciesMs);
    const baseline = { ...summarize(echoed.latenciesMs), perSecond: Math.round(echoed.perSecond) };
    const commits = after.commits - before.commits;

    const full = await timedGet(target, `/api/v1/namespaces/${NAMESPACE}/configmaps`);
    const listed = (JSON.parse(full.body) as { items: unknown[] }).items.length;
    if (listed !== OBJECTS) throw new Error(`the list returned ${listed} of ${OBJECTS} ConfigMaps`);
    const paged = await pagedList(target, `/api/v1/namespaces/${NAMESPACE}/configmaps`, 500);

    const rudder = {
      createsPerSecond: Math.round(admin.perSecond),
      createLatency,
      listAllMs: Math.round(full.ms),
      listAllBytes: full.body.length,
      pagedList500Ms: Math.round(paged.ms),
      pagedListPages: paged.pages,
      // Writes per durable commit (one log fsync) and how long each commit took on average:
      // with 64 clients a create waits for about one and a half of these.
      writesPerCommit: Math.round(((after.proposals - before.proposals) / commits) * 10) / 10,
      msPerCommit: Math.round(((admin.seconds + asUser.seconds) * 1000 * 100) / commits) / 100,
    };
    const path = writeResults('apiserver', {
      config: { clients: CLIENTS, objects: OBJECTS, rounds: ROUNDS, valueBytes: VALUE_BYTES, durability: 'fsync per group commit', transport: 'HTTPS, bearer token' },
      rudder,
      baseline: { name: 'https-echo (Fastify, JSON, no validation, no store)', requestsPerSecond: baseline.perSecond, latency: baseline },
      ratios: { createsPerSecondVsEcho: ratio(rudder.createsPerSecond, baseline.perSecond), p99VsEcho: ratio(createLatency.p99Ms, baseline.p99Ms) },
      rbac: { user: `${RBAC_USER} (edit through a RoleBinding)`, createsPerSecond: Math.round(asUser.perSecond), createLatency: userLatency },
      rbacRatio: ratio(Math.round(asUser.perSecond), rudder.createsPerSecond),
      slo: { mutatingP99Ms: 1000, met: createLatency.p99Ms <= 1000 },
      goal: { createsPerSecond: 5000, met: rudder.createsPerSecond >= 5000 },
    });
    printTable([
      ['', 'per second', 'p50 ms', 'p99 ms'],
      ['rudder creates', rudder.createsPerSecond, createLatency.p50Ms, createLatency.p99Ms],
      [`rudder creates as ${RBAC_USER} (RBAC)`, Math.round(asUser.perSecond), userLatency.p50Ms, userLatency.p99Ms],
      ['https echo (baseline)', baseline.perSecond, baseline.p50Ms, baseline.p99Ms],
    ]);
    process.stdout.write(`${rudder.writesPerCommit} writes per durable commit, one every ${rudder.msPerCommit} ms\n`);
    process.stdout.write(`list of ${OBJECTS}: ${rudder.listAllMs} ms in one request, ${rudder.pagedList500Ms} ms in ${paged.pages} pages of 500\n`);
    process.stdout.write(`creates/s vs echo: ${ratio(rudder.createsPerSecond, baseline.perSecond)}; as ${RBAC_USER} vs system:masters (rbacRatio): ${ratio(Math.round(asUser.perSecond), rudder.createsPerSecond)}  → ${path}\n`);
  } finally {
    await server.stop();
    rmSync(tokenDir, { recursive: true, force: true });
  }
}
