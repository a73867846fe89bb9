// The kubelet's options for real nodes (--runtime cri), named after Kubernetes' kubelet flags, and
// the runtime they make for the one node the process hosts. Spread into the kubelet's options.
import { join } from 'node:path';
import { option, type OptionValues } from '../../../../lib/config/options.js';
import { CriClient } from '../../../../lib/cri/client.js';
import type { Logger } from '../../../../lib/observe/logger.js';
import { CriRuntime } from './cri-runtime.js';

export const criRuntimeOptions = {
  containerRuntimeEndpoint: option.string('unix:///run/containerd/containerd.sock', 'with --runtime cri: the node\'s container runtime (a unix socket speaking CRI v1)'),
  podLogsDir: option.string('/var/log/pods', 'with --runtime cri: where container logs go (<namespace>_<name>_<uid>/<container>/<restart>.log)'),
  cgroupRoot: option.string('/kubepods', 'with --runtime cri: the cgroup pods get theirs under (<qos class>/pod<uid>)'),
  clusterDns: option.list([], 'with --runtime cri: DNS server addresses for ClusterFirst pods (empty: pods resolve as the node does)'),
  clusterDomain: option.string('cluster.local', 'the cluster\'s DNS domain, searched by ClusterFirst pods'),
};

export type CriRuntimeOptionValues = OptionValues<typeof criRuntimeOptions>;

export interface CriNode {
  name: string;
  internalIP: string;
  /** The node's pod CIDR when its CNI network is configured with one (a local node's). */
  podCIDR?: string;
}

/** The runtime of `node` from the options; `rootDir` is the kubelet's state directory (default /var/lib/kubelet). */
export function criRuntimeFromOptions(options: CriRuntimeOptionValues, node: CriNode, rootDir: string, log: Logger): CriRuntime {
  const endpoint = options.containerRuntimeEndpoint;
  if (!endpoint.startsWith('unix://') && !endpoint.startsWith('/')) throw new Error(`--container-runtime-endpoint must be a unix socket (unix:///path), got ${endpoint}`);
  return new CriRuntime({
    client: new CriClient(endpoint.replace(/^unix:\/\//, '')),
    nodeName: node.name,
    nodeIP: node.internalIP,
    podLogDir: options.podLogsDir,
    podsDir: join(rootDir || '/var/lib/kubelet', 'pods'),
    cgroupRoot: options.cgroupRoot,
    clusterDNS: options.clusterDns,
    clusterDomain: options.clusterDomain,
    ...(node.podCIDR ? { podCIDR: node.podCIDR } : {}),
    warn: (message, fields) => log.warn({ node: node.name, ...fields }, message),
  });
}
