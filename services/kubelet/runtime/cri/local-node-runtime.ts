// The CRI runtime of a local node (lib/local-nodes): its containerd socket, pod log directory,
// cgroup root, address and pod CIDR come from the node's plan; the kubelet's files live in
// <node dir>/kubelet.
import { join } from 'node:path';
import { CriClient } from '../../../../lib/cri/client.js';
import type { LocalNodePlan } from '../../../../lib/local-nodes/plan.js';
import { CriRuntime, type CriRuntimeConfig } from './cri-runtime.js';

export type LocalNodeRuntimeOptions = Pick<CriRuntimeConfig, 'clusterDNS' | 'clusterDomain'> & Partial<Pick<CriRuntimeConfig, 'memoryCapacity' | 'milliCpuCapacity' | 'pullCredentials' | 'warn'>>;

export function localNodeRuntime(node: LocalNodePlan, options: LocalNodeRuntimeOptions): CriRuntime {
  return new CriRuntime({
    ...options,
    client: new CriClient(node.containerdSocket),
    nodeName: node.name,
    nodeIP: node.address,
    podLogDir: node.podLogDir,
    podsDir: join(node.dir, 'kubelet', 'pods'),
    cgroupRoot: node.cgroupParent,
    podCIDR: node.podCIDR,
  });
}
