// The components of each real node: every node's containerd (ready once its CRI plugin answers),
// started before the control plane, then every node's kubelet (CRI runtime, the node's pod CIDR)
// and proxy after it, each
// run inside the node's network namespace as a kind node runs them inside its container. They
// reach the apiserver at the host's address on the node bridge, where it listens.
import { containerdCommand, kubeletNodeFlags } from '../../lib/local-nodes/containerd-config.js';
import { netnsPath } from '../../lib/local-nodes/plan.js';
import { componentKubeconfigPath, kubeletIdentity } from './component-identities.js';
import { busArgs, CLUSTER_DNS_ADDRESS, CLUSTER_DOMAIN, DEFAULT_KUBELET_PORT, KUBELET_ENTRY, nodeMaster, pkiDir, podSubnet, type ClusterLayout, type ComponentSpec, type NodeLayout } from './components.js';
import { nodeProxy } from './proxy-component.js';

export function nodeContainerd(node: NodeLayout): ComponentSpec {
  const [command, args] = containerdCommand(node, node.containerdConfig);
  return { name: `containerd-${node.name}`, entry: command, command, args, url: `cri://${node.containerdSocket}`, readyBeforeNext: false };
}

export function nodeKubelet(layout: ClusterLayout, node: NodeLayout): ComponentSpec {
  const port = layout.kubeletPort ?? DEFAULT_KUBELET_PORT;
  return {
    name: `kubelet-${node.name}`,
    entry: KUBELET_ENTRY,
    command: 'nsenter',
    args: [
      `--net=${netnsPath(node.netns)}`,
      process.execPath,
      KUBELET_ENTRY,
      '--kubeconfig', componentKubeconfigPath(layout.dataDir, kubeletIdentity(node.name).component),
      ...nodeMaster(layout),
      '--cert-dir', pkiDir(layout.dataDir),
      '--address', '0.0.0.0',
      '--port', String(port),
      ...kubeletNodeFlags(node),
      '--cluster-cidr', podSubnet(layout),
      '--pod-cidr', node.podCIDR,
      '--cluster-dns', CLUSTER_DNS_ADDRESS,
      '--cluster-domain', CLUSTER_DOMAIN,
      '--log-level', layout.logLevel,
      ...busArgs(layout),
    ],
    url: `https://${node.address}:${port}`,
    readyBeforeNext: false,
  };
}

/** Each node's containerd: started first, as they need nothing of the control plane, and waited for with the apiservers. */
export function nodeRuntimes(layout: ClusterLayout): ComponentSpec[] {
  return (layout.nodes ?? []).map(nodeContainerd);
}

/** Each node's kubelet and proxy, once the control plane is ready; all waited for together. */
export function nodeAgents(layout: ClusterLayout): ComponentSpec[] {
  const specs = (layout.nodes ?? []).flatMap((node) => [nodeKubelet(layout, node), nodeProxy(layout, { name: node.name, netns: node.netns, address: node.address, clusterCidr: podSubnet(layout) })]);
  return specs.map((spec, i) => ({ ...spec, readyBeforeNext: i === specs.length - 1 }));
}
