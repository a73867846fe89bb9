// How many Nodes of a cluster are Ready, read with its kubeconfig: what the benchmarks on real
// nodes wait for after `rudder up`.
import type { Node } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import { loadKubeconfig } from '../../lib/client/kubeconfig.js';
import { RestClient } from '../../lib/client/rest-client.js';

const NODES = findResource('', 'v1', 'nodes')!;

export async function readyNodes(kubeconfig: string): Promise<number> {
  const client = new RestClient(loadKubeconfig(kubeconfig));
  try {
    const list = await client.list<Node>(NODES);
    return list.items.filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  } finally {
    await client.close();
  }
}
