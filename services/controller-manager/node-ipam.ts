// Node IPAM (k8s.io/kubernetes/pkg/controller/nodeipam, the RangeAllocator): with
// --allocate-node-cidrs, every node without spec.podCIDRs gets the next free subnet of
// --cluster-cidr (--node-cidr-mask-size wide); CIDRs of existing nodes are taken first, and a
// deleted node's goes back. Kubelets build their pod network (CNI host-local) over it.
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import type { Informer } from '../../lib/client/informer.js';
import { CidrSet } from './cidr-set.js';
import type { ControllerContext } from './controller-context.js';
import { QueueController, QueueWorkers, controllerQueue } from './queue-workers.js';

export const NODES = findResource('', 'v1', 'nodes')!;

type NodeObject = Node & KubeObject;

export interface NodeIpamConfig extends ControllerContext {
  cidrs: CidrSet;
}

export class NodeIpamController extends QueueController {
  private readonly nodes: Informer<NodeObject>;
  protected readonly workers: QueueWorkers;
  /** Subnets handed out whose node the cache has not shown with them yet. */
  private readonly pending = new Map<string, string>();

  constructor(private readonly config: NodeIpamConfig) {
    super();
    this.nodes = config.informers.informerFor<NodeObject>(NODES);
    this.workers = controllerQueue(config, 'node_ipam', (name) => this.sync(name));
    this.nodes.addEventHandler({
      onAdd: (node) => this.seen(node),
      onUpdate: (_b, node) => this.seen(node),
      onDelete: (node) => {
        for (const cidr of node.spec?.podCIDRs ?? []) config.cidrs.release(cidr);
        const name = node.metadata?.name ?? '';
        const pending = this.pending.get(name);
        if (pending) config.cidrs.release(pending);
        this.pending.delete(name);
      },
    });
  }

  private seen(node: NodeObject): void {
    const name = node.metadata?.name ?? '';
    const cidrs = node.spec?.podCIDRs ?? [];
    if (cidrs.length > 0) {
      for (const cidr of cidrs) this.config.cidrs.occupy(cidr);
      this.pending.delete(name);
      return;
    }
    this.workers.queue.add(name);
  }

  async sync(name: string): Promise<void> {
    const node = this.nodes.indexer.get(name);
    if (!node || (node.spec?.podCIDRs ?? []).length > 0) return;
    let cidr = this.pending.get(name);
    if (!cidr) {
      cidr = this.config.cidrs.allocateNext();
      if (!cidr) {
        this.config.log.warn({ node: name, clusterCidr: this.config.cidrs.clusterCidr }, 'CIDRNotAvailable: no free pod CIDR left for the node');
        return;
      }
      this.pending.set(name, cidr);
    }
    try {
      await this.config.client.patch(NODES, { name }, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'strategic');
      this.config.log.info({ node: name, podCIDR: cidr }, 'pod CIDR allocated');
    } catch (error) {
      if (error instanceof StatusError && error.status.code === 404) {
        this.config.cidrs.release(cidr);
        this.pending.delete(name);
        return;
      }
      throw error;
    }
  }
}
