// Registers the nodes a kubelet process hosts, in bulk: one list of every Node, then a create for
// each missing one (with its labels, taints and pod CIDR) and a spec.podCIDR for each existing one
// that has none. Pod CIDRs are the first subnets of the cluster CIDR no other node holds, as the
// controller-manager's range allocator would hand them out when it is not running, or the one
// --pod-cidr names for a node whose network already uses it.
import type { Node, NodeStatus } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../../lib/api/resources.js';
import { StatusError } from '../../../lib/api/status.js';
import type { RequestPool } from '../../../lib/client/request-pool.js';
import type { RestClient } from '../../../lib/client/rest-client.js';
import { formatCidr, nthSubnet, parseCidr, subnetCount } from '../network/cidr.js';
import { nodeForRegistration, type NodeIdentity } from './node-object.js';

const NODES = findResource('', 'v1', 'nodes')!;

export interface RegistrationConfig {
  client: RestClient;
  pool: RequestPool;
  clusterCidr: string;
  nodeCidrMaskSize: number;
  /** Given to a node without a pod CIDR instead of the first free subnet (a process hosting one node whose network uses it). */
  podCidr?: string;
}

function cidrAllocator(clusterCidr: string, maskSize: number, taken: Set<string>): () => string {
  const cluster = parseCidr(clusterCidr);
  const count = subnetCount(cluster, maskSize);
  let next = 0;
  return () => {
    for (; next < count; next++) {
      const cidr = formatCidr(nthSubnet(cluster, maskSize, next));
      if (!taken.has(cidr)) {
        taken.add(cidr);
        next++;
        return cidr;
      }
    }
    throw new Error(`the cluster CIDR ${clusterCidr} has no free /${maskSize} left for another node (widen --cluster-cidr or raise --node-cidr-mask-size)`);
  };
}

/** Makes sure every node exists with a pod CIDR; returns the Node objects as stored. */
export async function registerNodes(config: RegistrationConfig, identities: readonly NodeIdentity[], statusOf: (identity: NodeIdentity) => NodeStatus): Promise<Map<string, Node>> {
  const { client, pool } = config;
  const existing = new Map<string, Node>();
  for (const node of (await client.listAll<Node>(NODES, { pageSize: 5000 })).items) existing.set(node.metadata?.name ?? '', node);
  const taken = new Set<string>();
  for (const node of existing.values()) for (const cidr of node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : [])) taken.add(cidr);
  const allocate = cidrAllocator(config.clusterCidr, config.nodeCidrMaskSize, taken);
  const registered = new Map<string, Node>();
  await Promise.all(
    identities.map((identity) => {
      const current = existing.get(identity.name);
      const needsCidr = !current?.spec?.podCIDR;
      const cidr = needsCidr ? (config.podCidr ?? allocate()) : undefined;
      return pool.run('urgent', async () => {
        if (!current) {
          try {
            registered.set(identity.name, await client.create<Node>(NODES, nodeForRegistration(identity, cidr, statusOf(identity))));
            return;
          } catch (error) {
            if (!(error instanceof StatusError && error.code === 409)) throw error;
          }
        }
        const node = current ?? (await client.get<Node>(NODES, { name: identity.name }));
        registered.set(identity.name, node.spec?.podCIDR || !cidr ? node : await client.patch<Node>(NODES, { name: identity.name }, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }));
      });
    }),
  );
  return registered;
}
