// A node's proxy as a cluster component: the proxy process started inside the node's network
// namespace (nsenter, not ip netns exec, which remounts /sys), with the node's name and pod CIDR.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { netnsPath } from '../../lib/local-nodes/plan.js';
import { componentKubeconfigPath, proxyIdentity } from './component-identities.js';
import { busArgs, nodeMaster, type ClusterLayout, type ComponentSpec } from './components.js';

export const PROXY_ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'services', 'proxy', 'main.js');
export const DEFAULT_PROXY_HEALTHZ_PORT = 10256;

export interface ProxyNode {
  /** The Node's name. */
  name: string;
  /** The node's network namespace (a name under /var/run/netns). */
  netns: string;
  /** An address of the node the supervisor can reach its /healthz on. */
  address: string;
  /** The pods' CIDR: traffic from outside it to a Service is masqueraded. */
  clusterCidr: string;
  healthzPort?: number;
}

export function nodeProxy(layout: ClusterLayout, node: ProxyNode): ComponentSpec {
  const port = node.healthzPort ?? DEFAULT_PROXY_HEALTHZ_PORT;
  return {
    name: `proxy-${node.name}`,
    entry: PROXY_ENTRY,
    command: 'nsenter',
    args: [
      `--net=${netnsPath(node.netns)}`,
      process.execPath,
      PROXY_ENTRY,
      '--kubeconfig', componentKubeconfigPath(layout.dataDir, proxyIdentity(node.name).component),
      ...nodeMaster(layout),
      '--hostname-override', node.name,
      '--cluster-cidr', node.clusterCidr,
      '--healthz-bind-address', `0.0.0.0:${port}`,
      '--log-level', layout.logLevel,
      ...busArgs(layout),
    ],
    url: `http://${node.address}:${port}`,
    readyBeforeNext: false,
  };
}
