// rudder apiserver add|remove: grows or shrinks a running replicated cluster. `add` starts a new
// replica (empty, waiting to join) under the supervisor and adds it through the admin API of a
// healthy replica; it catches up from the leader (a snapshot once the log was compacted).
// `remove` takes a replica out of the cluster through another one, then stops it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { adminCall, adminToken, replicaReport } from '../../lib/client/admin.js';
import { apiserverReplica, tokenFile, type ClusterLayout } from '../cluster/components.js';
import { startComponent, stopComponent } from '../cluster/control.js';
import { portFree } from '../cluster/port.js';
import { isAlive } from '../cluster/process.js';
import { readState, type ClusterState, type ComponentState } from '../cluster/state.js';

interface Cluster {
  dataDir: string;
  state: ClusterState;
  layout: NonNullable<ClusterState['layout']>;
  replicas: (ComponentState & { replica: { id: number; peerAddress: string } })[];
  caPem: string;
  token: string;
}

function fail(message: string): number {
  process.stderr.write(`rudder: ${message}\n`);
  return 1;
}

function openCluster(dataDirOption: string): Cluster | string {
  const dataDir = resolve(dataDirOption);
  const state = readState(dataDir);
  if (!state || !isAlive(state.supervisorPid)) return `no Rudder cluster is running from ${dataDir}`;
  const replicas = state.components.filter((c): c is Cluster['replicas'][number] => c.replica !== undefined);
  if (!state.layout || replicas.length === 0) {
    return 'this cluster runs one apiserver with a local store; start it with "rudder up --apiservers 3" to run replicas';
  }
  const token = adminToken(tokenFile(dataDir));
  if (!token) return `no admin token in ${tokenFile(dataDir)}`;
  return { dataDir, state, layout: state.layout, replicas, caPem: readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'), token };
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

/** A replica that answers and knows a leader, other than `except`. */
async function healthyReplica(cluster: Cluster, except?: number): Promise<Cluster['replicas'][number] | undefined> {
  for (const replica of cluster.replicas) {
    if (replica.replica.id === except) continue;
    const report = await replicaReport(replica.url, cluster.caPem, cluster.token);
    if (report && report.leader !== 0 && !report.removed) return replica;
  }
  return undefined;
}

export async function addApiserver(options: { dataDir: string }): Promise<number> {
  const cluster = openCluster(options.dataDir);
  if (typeof cluster === 'string') return fail(cluster);
  const via = await healthyReplica(cluster);
  if (!via) return fail('no replica has a leader right now; try again when "rudder status" shows one');
  const id = Math.max(...cluster.replicas.map((r) => r.replica.id)) + 1;
  const port = Math.max(...cluster.replicas.map((r) => portOf(r.url))) + 1;
  const peerPort = Math.max(...cluster.replicas.map((r) => portOf(r.replica.peerAddress))) + 1;
  const host = cluster.layout.bindAddress === '0.0.0.0' ? '0.0.0.0' : cluster.layout.bindAddress;
  for (const free of [port, peerPort]) {
    if (!(await portFree(host, free))) return fail(`port ${free} is in use; free it to add replica ${id}`);
  }
  const layout: ClusterLayout = { dataDir: cluster.dataDir, ...cluster.layout };
  const spec = apiserverReplica(layout, id, port, peerPort, 'join');
  const started = startComponent(cluster.dataDir, spec);
  const added = await adminCall(via.url, cluster.caPem, cluster.token, 'POST', '/admin/replicas', { id, address: spec.replica!.peerAddress }, 30_000);
  if (added.status !== 201) {
    await stopComponent(cluster.dataDir, spec.name).catch(() => false);
    return fail(`adding replica ${id} failed (${added.status}): ${added.body}`);
  }
  if (!(await started)) return fail(`replica ${id} was added but did not become ready; see ${join(cluster.dataDir, 'logs', `${spec.name}.log`)}`);
  process.stdout.write(`Added apiserver replica ${id} (${spec.name}) at ${spec.url}; it talks Raft on ${spec.replica!.peerAddress}.\n`);
  return 0;
}

export async function removeApiserver(options: { dataDir: string; id: number }): Promise<number> {
  const cluster = openCluster(options.dataDir);
  if (typeof cluster === 'string') return fail(cluster);
  const target = cluster.replicas.find((r) => r.replica.id === options.id);
  if (!target) return fail(`no apiserver replica ${options.id}; replicas: ${cluster.replicas.map((r) => r.replica.id).join(', ')}`);
  const via = await healthyReplica(cluster, options.id);
  if (!via) return fail('no other replica has a leader right now; try again when "rudder status" shows one');
  const removed = await adminCall(via.url, cluster.caPem, cluster.token, 'DELETE', `/admin/replicas/${options.id}`, undefined, 30_000);
  if (removed.status !== 200) return fail(`removing replica ${options.id} failed (${removed.status}): ${removed.body}`);
  await stopComponent(cluster.dataDir, target.name);
  process.stdout.write(`Removed apiserver replica ${options.id} (${target.name}); its data is left in ${join(cluster.dataDir, target.name)}.\n`);
  return 0;
}
