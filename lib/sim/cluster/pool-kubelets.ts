// A workload's node pools as the kubelets of a full cluster: one kubelet process per pool hosting
// its simulated nodes with the pool's capacity (and nothing reserved, so allocatable is what the
// in-process simulator gives the nodes), labels and taints. A pool of one node is named as the
// pool; a larger pool's nodes are <pool>-0 ... <pool>-(count-1), as in process. Pool k takes its
// nodes' addresses from 10.k.0.0/16 and their pod CIDRs (/26 each) from 100.(64+k).0.0/16,
// so pools never share one: at most 64 pools of at most 1,024 nodes each.
import type { SimulatedKubelet } from '../../bench/bench-cluster.js';
import { WorkloadError, type NodePool } from '../workload.js';

const MAX_POOLS = 64;
const MAX_NODES_PER_POOL = 1024;

export function poolKubelets(pools: readonly NodePool[]): SimulatedKubelet[] {
  if (pools.length > MAX_POOLS) throw new WorkloadError([`--cluster: at most ${MAX_POOLS} node pools, not ${pools.length}`]);
  return pools.map((pool, k) => {
    if (pool.count > MAX_NODES_PER_POOL) throw new WorkloadError([`--cluster: node pool ${pool.name} has ${pool.count} nodes; at most ${MAX_NODES_PER_POOL} per pool`]);
    const labels = Object.entries(pool.labels).map(([key, value]) => `${key}=${value}`);
    const taints = pool.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
    return {
      nodes: pool.count,
      args: [
        '--sim-nodes', String(pool.count),
        ...(pool.count === 1 ? ['--hostname-override', pool.name] : ['--sim-node-prefix', `${pool.name}-`]),
        '--node-capacity', `cpu=${pool.cpu},memory=${pool.memory}`,
        '--max-pods', String(pool.pods),
        '--eviction-hard=',
        '--sim-node-cidr', `10.${k}.0.0/16`,
        '--cluster-cidr', `100.${64 + k}.0.0/16`,
        '--node-cidr-mask-size', '26',
        ...(labels.length > 0 ? ['--node-labels', labels.join(',')] : []),
        ...(taints.length > 0 ? ['--register-with-taints', taints.join(',')] : []),
      ],
    };
  });
}
