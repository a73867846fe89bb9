// rudder status: each recorded component with its pid and whether it answers /readyz, and each
// apiserver's Raft role, term and indexes (from its admin API), and each real node with its pod
// CIDR, namespace and whether its Node is Ready, as tables or as JSON (-o json).
import { readFileSync } from 'node:fs';
import type { Node } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import { RestClient } from '../../lib/client/rest-client.js';
import { join, resolve } from 'node:path';
import { adminToken, replicaReport } from '../../lib/client/admin.js';
import { tokenFile } from '../cluster/components.js';
import { isAlive } from '../cluster/process.js';
import { probe } from '../../lib/process/probe.js';
import { readState } from '../cluster/state.js';

const NODES = findResource('', 'v1', 'nodes')!;

export interface ComponentStatus {
  name: string;
  pid: number;
  url: string;
  healthy: boolean;
  restarts: number;
}

export interface ApiserverStatus {
  name: string;
  url: string;
  pid: number;
  /** Raft role; null when the apiserver does not answer. */
  role: 'leader' | 'follower' | 'candidate' | null;
  term: number | null;
  commitIndex: number | null;
  appliedIndex: number | null;
  healthy: boolean;
  /** Replica id in a replicated cluster. */
  replicaId?: number;
}

export interface NodeStatus {
  name: string;
  /** The node's network namespace. */
  namespace: string;
  podCIDR: string;
  /** The Node's Ready condition is True. */
  ready: boolean;
}

export interface StatusReport {
  running: boolean;
  dataDir: string;
  kubeconfig?: string;
  apiservers: ApiserverStatus[];
  components: ComponentStatus[];
  /** The real nodes `rudder up --nodes` made. */
  nodes: NodeStatus[];
}

/** Names of the Nodes whose Ready condition is True, as the apiserver has them (none when it does not answer). */
async function readyNodes(kubeconfig: string): Promise<Set<string>> {
  const client = RestClient.fromKubeconfig(kubeconfig);
  try {
    const nodes = await client.listAll<Node>(NODES);
    return new Set(nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata?.name ?? ''));
  } catch {
    return new Set();
  } finally {
    await client.close();
  }
}

export async function collectStatus(dataDir: string): Promise<StatusReport> {
  const state = readState(dataDir);
  if (!state || !isAlive(state.supervisorPid)) return { running: false, dataDir, apiservers: [], components: [], nodes: [] };
  let caPem: string | undefined;
  try {
    caPem = readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8');
  } catch {
    caPem = undefined;
  }
  const components = await Promise.all(
    state.components.map(async (c) => ({
      name: c.name,
      pid: c.pid,
      url: c.url,
      restarts: c.restarts,
      healthy: isAlive(c.pid) && (await probe(`${c.url}/readyz`, caPem)),
    })),
  );
  const token = (() => {
    try {
      return adminToken(tokenFile(dataDir));
    } catch {
      return undefined;
    }
  })();
  const apiservers = await Promise.all(
    state.components
      .filter((c) => c.name === 'apiserver' || c.name.startsWith('apiserver-'))
      .map(async (c): Promise<ApiserverStatus> => {
        const report = token && caPem && isAlive(c.pid) ? await replicaReport(c.url, caPem, token) : undefined;
        return {
          name: c.name,
          url: c.url,
          pid: c.pid,
          role: report?.role ?? null,
          term: report?.term ?? null,
          commitIndex: report?.commitIndex ?? null,
          appliedIndex: report?.appliedIndex ?? null,
          healthy: components.find((h) => h.name === c.name)?.healthy ?? false,
          ...(c.replica ? { replicaId: c.replica.id } : {}),
        };
      }),
  );
  const layoutNodes = state.layout?.nodes ?? [];
  const ready = layoutNodes.length > 0 ? await readyNodes(state.kubeconfig) : new Set<string>();
  const nodes = layoutNodes.map((n) => ({ name: n.name, namespace: n.netns, podCIDR: n.podCIDR, ready: ready.has(n.name) }));
  return { running: true, dataDir, kubeconfig: state.kubeconfig, apiservers, components, nodes };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]! + 3)).join('').trimEnd()).join('\n') + '\n';
}

export async function status(options: { dataDir: string; output: string }): Promise<number> {
  const report = await collectStatus(resolve(options.dataDir));
  if (options.output === 'json') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.running ? 0 : 1;
  }
  if (!report.running) {
    process.stdout.write(`No Rudder cluster is running from ${report.dataDir}.\n`);
    return 1;
  }
  const rows = [['COMPONENT', 'PID', 'HEALTHY', 'RESTARTS', 'URL'], ...report.components.map((c) => [c.name, String(c.pid), c.healthy ? 'yes' : 'no', String(c.restarts), c.url])];
  process.stdout.write(table(rows));
  const shown = (value: number | string | null): string => (value === null ? '-' : String(value));
  const apiserverRows = [
    ['APISERVER', 'PID', 'ROLE', 'TERM', 'COMMIT', 'APPLIED', 'HEALTHY', 'URL'],
    ...report.apiservers.map((a) => [a.name, String(a.pid), shown(a.role), shown(a.term), shown(a.commitIndex), shown(a.appliedIndex), a.healthy ? 'yes' : 'no', a.url]),
  ];
  process.stdout.write(`\n${table(apiserverRows)}`);
  if (report.nodes.length > 0) {
    const nodeRows = [['NODE', 'READY', 'POD CIDR', 'NETWORK NAMESPACE'], ...report.nodes.map((n) => [n.name, n.ready ? 'yes' : 'no', n.podCIDR, n.namespace])];
    process.stdout.write(`\n${table(nodeRows)}`);
  }
  return report.components.every((c) => c.healthy) ? 0 : 1;
}
