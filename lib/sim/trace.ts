// A workload expanded into what the simulator replays: Node objects, pod arrivals in time order
// (each a Pod object and how long it runs once scheduled) and deletions. The generator's part is
// drawn with the seed; everything else is as written.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { generatedNodePools, generatedPods } from './generator.js';
import { WorkloadError, type NodePool, type PodDeletion, type PodGroup, type Workload } from './workload.js';

export interface Arrival {
  atMs: number;
  pod: Pod;
  /** How long it runs once scheduled; undefined: until deleted or the end. */
  durationMs: number | undefined;
}

export interface SimTrace {
  nodes: Node[];
  /** By arrival time; pods arriving together keep the workload's order. */
  arrivals: Arrival[];
  deletions: PodDeletion[];
}

export const NAMESPACE = 'default';

function nodesOf(pool: NodePool): Node[] {
  return Array.from({ length: pool.count }, (_, i) => {
    const name = pool.count === 1 ? pool.name : `${pool.name}-${i}`;
    const allocatable = { cpu: pool.cpu, memory: pool.memory, pods: String(pool.pods) };
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...pool.labels } },
      spec: pool.taints.length > 0 ? { taints: pool.taints } : {},
      status: { capacity: allocatable, allocatable },
    };
  });
}

function podsOf(group: PodGroup, uids: { next: number }): Arrival[] {
  const requests: Record<string, string> = {};
  if (group.cpu !== undefined) requests.cpu = group.cpu;
  if (group.memory !== undefined) requests.memory = group.memory;
  return Array.from({ length: group.count }, (_, i) => {
    const name = group.count === 1 ? group.name : `${group.name}-${i}`;
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NAMESPACE, uid: `sim-${uids.next++}`, labels: group.labels },
      spec: {
        priority: group.priority,
        containers: [{ name: 'main', image: 'sim', resources: { requests } }],
        ...(Object.keys(group.nodeSelector).length > 0 ? { nodeSelector: group.nodeSelector } : {}),
        ...(group.tolerations.length > 0 ? { tolerations: group.tolerations } : {}),
        ...(group.affinity ? { affinity: group.affinity } : {}),
      },
    };
    return { atMs: group.atMs + i * group.everyMs, pod, durationMs: group.durationMs };
  });
}

/** Throws WorkloadError when two nodes or two pods would have the same name. */
export function expandWorkload(workload: Workload, seed: number): SimTrace {
  const pools = [...workload.nodePools, ...(workload.generate ? generatedNodePools(workload.generate) : [])];
  const groups = [...workload.pods, ...(workload.generate ? generatedPods(workload.generate, seed) : [])];
  const nodes = pools.flatMap(nodesOf);
  const seen = new Set<string>();
  for (const node of nodes) {
    const name = node.metadata!.name!;
    if (seen.has(name)) throw new WorkloadError([`nodePools: two nodes are named ${name} (generated pools are general, large, small and gpu): rename a node pool`]);
    seen.add(name);
  }
  const uids = { next: 0 };
  const arrivals = groups.flatMap((g) => podsOf(g, uids));
  const names = new Set<string>();
  for (const a of arrivals) {
    const name = a.pod.metadata!.name!;
    if (names.has(name)) throw new WorkloadError([`pods: two pods are named ${name} (generated pods are pod-0, pod-1, ...): rename a pod group`]);
    names.add(name);
  }
  // A stable sort: arrivals at the same time keep the workload's order.
  arrivals.sort((a, b) => a.atMs - b.atMs);
  return { nodes, arrivals, deletions: [...workload.deletions].sort((a, b) => a.atMs - b.atMs) };
}
