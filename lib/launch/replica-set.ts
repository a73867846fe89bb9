// Starts a replicated apiserver cluster for tests and benchmarks: N real apiserver processes on
// free loopback ports, each with its own data directory, sharing one cluster CA, serving
// certificate and token file, talking Raft (mutual TLS, each replica with its own peer
// certificate, made by the apiserver in the shared cert dir) to each other on their own free ports. Each replica
// can be killed, stopped, paused, restarted, wiped, or cut off through the admin API's fault hook.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminCall, replicaReport, type ReplicaReport } from '../client/admin.js';
import { writeKubeconfig } from '../client/kubeconfig.js';
import { defaultServingHosts, ensurePki } from '../pki/certs.js';
import { ensureTokenFile } from '../pki/tokens.js';
import { startApiserver, type ApiserverProcess } from './apiserver-process.js';
import { freePort } from '../process/ports.js';

export type { ReplicaReport };

export interface ReplicaSetOptions {
  size: number;
  /** Raft election timeout (default 1s). */
  electionTimeout?: string;
  /** Writes and quorum reads fail with 503 after this (default 2s). */
  requestTimeout?: string;
  /** Compact the log after this many writes (default: the apiserver's). */
  snapshotWrites?: number;
  extraArgs?: string[];
  /** Shared token file (default: one made with an admin token); it must hold a system:masters token. */
  tokenFile?: string;
}

export interface Replica {
  id: number;
  url: string;
  peerAddress: string;
  dataDir: string;
  /** The running process; replaced by restart. */
  process: ApiserverProcess;
}

export interface ReplicaSet {
  replicas: Replica[];
  caPem: string;
  /** The shared cert dir: the cluster CA (with its key), the serving certificate, raft-peer-<id>.crt|key. */
  certDir: string;
  token: string;
  /** A kubeconfig for each replica, by id. */
  kubeconfig(id: number): string;
  replica(id: number): Replica;
  /** GET /admin/replica of one replica (undefined when it does not answer). */
  report(id: number): Promise<ReplicaReport | undefined>;
  /** Waits until exactly one of the given replicas says it leads, and returns it. */
  leader(timeoutMs?: number, among?: number[]): Promise<Replica>;
  /** Drops Raft traffic between `id` and the others (the admin fault hook on every replica). */
  isolate(id: number): Promise<void>;
  heal(): Promise<void>;
  /** Starts a new empty replica that joins the running cluster through POST /admin/replicas. */
  add(via: number): Promise<Replica>;
  /** Removes a replica from the cluster (through `via`) and stops its process. */
  remove(id: number, via: number): Promise<void>;
  /**
   * A replica loses its data: it is removed from the cluster (through `via`), its data directory
   * is wiped, and it is started empty and added back under its id, as one replaces an etcd member.
   */
  wipeAndRejoin(id: number, via: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const root = mkdtempSync(join(tmpdir(), 'rudder-replicas-'));
  const certDir = join(root, 'pki');
  const tokenFile = options.tokenFile ?? join(root, 'tokens.csv');
  await ensurePki(certDir, defaultServingHosts());
  const token = ensureTokenFile(tokenFile);
  const timing = [
    '--election-timeout', options.electionTimeout ?? '1s',
    '--store-request-timeout', options.requestTimeout ?? '2s',
    ...(options.snapshotWrites !== undefined ? ['--snapshot-writes', String(options.snapshotWrites)] : []),
    ...(options.extraArgs ?? []),
  ];
  const ids = Array.from({ length: options.size }, (_, i) => i + 1);
  const peerAddresses = new Map<number, string>();
  for (const id of ids) peerAddresses.set(id, `127.0.0.1:${await freePort()}`);
  const peers = ids.map((id) => `${id}=${peerAddresses.get(id)}`).join(',');

  const launch = async (id: number, peerAddress: string, args: string[], port?: number): Promise<Replica> => {
    const dataDir = join(root, `apiserver-${id}`);
    mkdirSync(dataDir, { recursive: true });
    const server = await startApiserver({
      dataDir,
      port,
      certDir,
      tokenFile,
      readyTimeoutMs: 60_000,
      extraArgs: ['--replica-id', String(id), '--peer-address', peerAddress, ...timing, ...args],
    });
    return { id, url: server.url, peerAddress, dataDir, process: server };
  };
  const launched = await Promise.allSettled(ids.map((id) => launch(id, peerAddresses.get(id)!, ['--peers', peers])));
  const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Leave nothing running behind a failed start (the survivors would wait for the missing peer).
    await Promise.all(launched.map((r) => (r.status === 'fulfilled' ? r.value.process.stop() : undefined)));
    rmSync(root, { recursive: true, force: true });
    throw failed.reason;
  }
  const replicas = launched.map((r) => (r as PromiseFulfilledResult<Replica>).value);
  const caPem = replicas[0]!.process.caPem;

  const set: ReplicaSet = {
    replicas,
    caPem,
    certDir,
    token,
    kubeconfig(id) {
      const replica = set.replica(id);
      const path = join(replica.dataDir, 'kubeconfig');
      writeKubeconfig(path, { name: 'rudder', server: replica.url, caPem, token });
      return path;
    },
    replica(id) {
      const replica = replicas.find((r) => r.id === id);
      if (!replica) throw new Error(`no replica ${id}`);
      return replica;
    },
    report: (id) => replicaReport(set.replica(id).url, caPem, token),
    async leader(timeoutMs = 10_000, among = replicas.map((r) => r.id)) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const reports = await Promise.all(among.map((id) => set.report(id)));
        const leaders = reports.filter((r): r is ReplicaReport => r?.role === 'leader');
        const top = leaders.sort((a, b) => b.term - a.term)[0];
        // Followers agree with it, so a stale leader on a minority side is not taken.
        if (top && reports.filter((r) => r?.leader === top.id && r.term === top.term).length * 2 > among.length) return set.replica(top.id);
        await sleep(50);
      }
      throw new Error(`no leader among replicas ${among.join(', ')} within ${timeoutMs} ms`);
    },
    async isolate(id) {
      const others = replicas.map((r) => r.id).filter((other) => other !== id);
      await Promise.all([
        adminCall(set.replica(id).url, caPem, token, 'PUT', '/admin/replica/fault', { blockedPeers: others }),
        ...others.map((other) => adminCall(set.replica(other).url, caPem, token, 'PUT', '/admin/replica/fault', { blockedPeers: [id] })),
      ]);
    },
    async heal() {
      await Promise.all(replicas.map((r) => adminCall(r.url, caPem, token, 'PUT', '/admin/replica/fault', { blockedPeers: [] }).catch(() => undefined)));
    },
    async add(via) {
      const id = Math.max(...replicas.map((r) => r.id)) + 1;
      const peerAddress = `127.0.0.1:${await freePort()}`;
      const added = adminCall(set.replica(via).url, caPem, token, 'POST', '/admin/replicas', { id, address: peerAddress }, 30_000);
      const replica = await launch(id, peerAddress, ['--join']);
      const res = await added;
      if (res.status !== 201) {
        await replica.process.stop();
        throw new Error(`adding replica ${id} failed: ${res.status} ${res.body}`);
      }
      replicas.push(replica);
      return replica;
    },
    async remove(id, via) {
      const res = await adminCall(set.replica(via).url, caPem, token, 'DELETE', `/admin/replicas/${id}`, undefined, 30_000);
      if (res.status !== 200) throw new Error(`removing replica ${id} failed: ${res.status} ${res.body}`);
      const replica = set.replica(id);
      await replica.process.kill('SIGTERM');
      replicas.splice(replicas.indexOf(replica), 1);
    },
    async wipeAndRejoin(id, via) {
      const replica = set.replica(id);
      const removed = await adminCall(set.replica(via).url, caPem, token, 'DELETE', `/admin/replicas/${id}`, undefined, 30_000);
      if (removed.status !== 200) throw new Error(`removing replica ${id} failed: ${removed.status} ${removed.body}`);
      await replica.process.kill('SIGKILL');
      rmSync(replica.dataDir, { recursive: true, force: true });
      const added = adminCall(set.replica(via).url, caPem, token, 'POST', '/admin/replicas', { id, address: replica.peerAddress }, 30_000);
      const fresh = await launch(id, replica.peerAddress, ['--join'], replica.process.port);
      const res = await added;
      if (res.status !== 201) throw new Error(`adding replica ${id} back failed: ${res.status} ${res.body}`);
      replicas.splice(replicas.indexOf(replica), 1, fresh);
    },
    async stop() {
      await Promise.all(replicas.map(async (r) => {
        // A paused replica would never see SIGTERM.
        r.process.child.kill('SIGCONT');
        await r.process.kill('SIGKILL');
      }));
      rmSync(root, { recursive: true, force: true });
    },
  };
  return set;
}
