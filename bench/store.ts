// npm run bench -- store: three Rudder replicas against a three-member etcd 3.4 cluster (the
// Debian etcd-server package, started here on loopback), both fsyncing every commit, driven by
// the same closed-loop HTTP load generator in one run, at 1, 16 and 64 clients with 1 KiB values:
//   (a) etcd puts through its JSON gateway (/v3/kv/put), to the leader;
//   (b) Rudder store writes through the thinnest path: plain HTTP to a process that holds a
//       replica of the store and writes each value with one transaction, to the leader;
//   (c) Rudder ConfigMap creates through the replicated apiserver (HTTPS, validation), to the leader.
// Writes bench/results/store.json with writes/s, p50 and p99, and the ratios to etcd.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startReplicaSet } from '../lib/launch/replica-set.js';
import { freePort } from '../lib/process/ports.js';
import { ensurePki } from '../lib/pki/certs.js';
import { runLoad, type LoadRequest, type LoadTarget } from './lib/load.js';
import { printTable, writeResults } from './lib/results.js';
import { ratio, summarize } from './lib/stats.js';

const CONCURRENCY = [1, 16, 64];
const SCALE = Number(process.env.BENCH_STORE_SCALE ?? 1);
const OPS: Record<number, number> = { 1: Math.round(1000 * SCALE), 16: Math.round(8000 * SCALE), 64: Math.round(20000 * SCALE) };
const VALUE = 'v'.repeat(1024);
const ETCD = process.env.ETCD_BINARY ?? '/usr/bin/etcd';

interface Measured {
  clients: number;
  writes: number;
  writesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

async function measure(target: LoadTarget, clients: number, request: (i: number) => LoadRequest): Promise<Measured> {
  // A short warm-up at the same concurrency, not measured.
  await runLoad(target, clients, Math.min(500, OPS[clients]!), request);
  const result = await runLoad(target, clients, OPS[clients]!, request);
  const latency = summarize(result.latenciesMs);
  if (result.failed) process.stderr.write(`  ${result.failed} failed; first: ${result.firstError}\n`);
  return { clients, writes: result.completed, writesPerSecond: Math.round(result.perSecond), p50Ms: latency.p50Ms, p99Ms: latency.p99Ms, failed: result.failed };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

function stopAll(children: ChildProcess[]): Promise<void> {
  return Promise.all(
    children.map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    })),
  ).then(() => undefined);
}

async function benchEtcd(root: string): Promise<{ version: string; results: Measured[] }> {
  const version = spawnSync(ETCD, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? 'unknown';
  const members = await Promise.all([1, 2, 3].map(async (i) => ({ name: `m${i}`, client: await freePort(), peer: await freePort() })));
  const cluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peer}`).join(',');
  const children = members.map((m) =>
    spawn(ETCD, [
      '--name', m.name,
      '--data-dir', join(root, 'etcd', m.name),
      '--listen-client-urls', `http://127.0.0.1:${m.client}`,
      '--advertise-client-urls', `http://127.0.0.1:${m.client}`,
      '--listen-peer-urls', `http://127.0.0.1:${m.peer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${m.peer}`,
      '--initial-cluster', cluster,
      '--initial-cluster-state', 'new',
      '--initial-cluster-token', 'rudder-bench',
      '--log-level', 'error',
    ], { stdio: 'ignore', env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' } }),
  );
  try {
    const leader = await waitFor('an etcd leader', async () => {
      for (const m of members) {
        const status = (await post(`http://127.0.0.1:${m.client}/v3/maintenance/status`, {})) as { leader?: string; header?: { member_id?: string } };
        if (status.leader && status.leader === status.header?.member_id) return m;
      }
      return undefined;
    });
    const target: LoadTarget = { url: `http://127.0.0.1:${leader.client}`, caPem: '' };
    const value = Buffer.from(VALUE).toString('base64');
    const results: Measured[] = [];
    for (const clients of CONCURRENCY) {
      results.push(await measure(target, clients, (i) => ({
        method: 'POST',
        path: '/v3/kv/put',
        body: JSON.stringify({ key: Buffer.from(`/bench/${clients}/${i}`).toString('base64'), value }),
        expect: [200],
      })));
      process.stdout.write(`  etcd, ${clients} clients: ${results.at(-1)!.writesPerSecond}/s\n`);
    }
    return { version, results };
  } finally {
    await stopAll(children);
  }
}

async function benchRudderStore(root: string): Promise<Measured[]> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'store-server.js');
  const replicas = await Promise.all([1, 2, 3].map(async (id) => ({ id, http: await freePort(), peer: await freePort() })));
  const peers = replicas.map((r) => `${r.id}=127.0.0.1:${r.peer}`).join(',');
  // Replicas always talk mutual TLS; each makes its peer certificate from this CA.
  const certDir = join(root, 'pki');
  await ensurePki(certDir);
  const children = replicas.map((r) => spawn(process.execPath, [script, join(root, `store-${r.id}`), String(r.http), String(r.id), peers, certDir], { stdio: ['ignore', 'ignore', 'inherit'] }));
  try {
    const leader = await waitFor('a Rudder store leader', async () => {
      for (const r of replicas) {
        const res = await fetch(`http://127.0.0.1:${r.http}/status`);
        const status = (await res.json()) as { role: string };
        if (status.role === 'leader') return r;
      }
      return undefined;
    });
    const target: LoadTarget = { url: `http://127.0.0.1:${leader.http}`, caPem: '' };
    const results: Measured[] = [];
    for (const clients of CONCURRENCY) {
      results.push(await measure(target, clients, (i) => ({ method: 'POST', path: '/put', body: JSON.stringify({ key: `/bench/${clients}/${i}`, value: VALUE }), expect: [200] })));
      process.stdout.write(`  rudder store, ${clients} clients: ${results.at(-1)!.writesPerSecond}/s\n`);
    }
    return results;
  } finally {
    await stopAll(children);
  }
}

async function benchRudderApiserver(): Promise<Measured[]> {
  const set = await startReplicaSet({ size: 3, requestTimeout: '10s' });
  try {
    const leader = await set.leader();
    const target: LoadTarget = { url: leader.url, caPem: set.caPem, token: set.token };
    const results: Measured[] = [];
    for (const clients of CONCURRENCY) {
      const ns = `bench-${clients}`;
      await runLoad(target, 1, 1, () => ({ method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ metadata: { name: ns } }), expect: [201] }));
      let n = 0;
      results.push(await measure(target, clients, () => ({
        method: 'POST',
        path: `/api/v1/namespaces/${ns}/configmaps`,
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${n++}` }, data: { value: VALUE } }),
        expect: [201],
      })));
      process.stdout.write(`  rudder apiserver, ${clients} clients: ${results.at(-1)!.writesPerSecond}/s\n`);
    }
    return results;
  } finally {
    await set.stop();
  }
}

export async function benchStore(): Promise<void> {
  process.stdout.write(`store: 3 replicas each; 1 KiB values; ${CONCURRENCY.join(', ')} clients\n`);
  const root = mkdtempSync(join(tmpdir(), 'rudder-bench-store-'));
  try {
    const etcd = await benchEtcd(root);
    const store = await benchRudderStore(root);
    const apiserver = await benchRudderApiserver();
    const ratios = CONCURRENCY.map((clients, i) => ({
      clients,
      storeWritesPerSecondVsEtcd: ratio(store[i]!.writesPerSecond, etcd.results[i]!.writesPerSecond),
      storeP99VsEtcd: ratio(store[i]!.p99Ms, etcd.results[i]!.p99Ms),
      apiserverCreatesPerSecondVsEtcd: ratio(apiserver[i]!.writesPerSecond, etcd.results[i]!.writesPerSecond),
      apiserverP99VsEtcd: ratio(apiserver[i]!.p99Ms, etcd.results[i]!.p99Ms),
    }));
    const at64 = ratios.find((r) => r.clients === 64)!;
    const path = writeResults('store', {
      config: { replicas: 3, valueBytes: 1024, clients: CONCURRENCY, writesPerRun: OPS, durability: 'fsync before acknowledging (etcd: default; Rudder: one fdatasync per Raft Ready on every replica)', loadGenerator: 'closed loop over keep-alive HTTP (undici), requests to the leader' },
      etcd: { version: etcd.version, path: 'HTTP JSON gateway POST /v3/kv/put', results: etcd.results },
      rudderStore: { path: 'plain HTTP to a store replica process, one txn per write (bench/lib/store-server.ts)', results: store },
      rudderApiserver: { path: 'HTTPS ConfigMap creates through the replicated apiserver', results: apiserver },
      ratios,
      goal: { storeMatchesEtcdAt64Clients: at64.storeWritesPerSecondVsEtcd >= 1 },
    });
    const rows: (string | number)[][] = [['clients', 'etcd w/s', 'p50', 'p99', 'store w/s', 'p50', 'p99', 'x etcd', 'apiserver w/s', 'p50', 'p99', 'x etcd']];
    CONCURRENCY.forEach((clients, i) => {
      const e = etcd.results[i]!;
      const s = store[i]!;
      const a = apiserver[i]!;
      rows.push([clients, e.writesPerSecond, e.p50Ms, e.p99Ms, s.writesPerSecond, s.p50Ms, s.p99Ms, ratios[i]!.storeWritesPerSecondVsEtcd, a.writesPerSecond, a.p50Ms, a.p99Ms, ratios[i]!.apiserverCreatesPerSecondVsEtcd]);
    });
    printTable(rows);
    process.stdout.write(`→ ${path}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
