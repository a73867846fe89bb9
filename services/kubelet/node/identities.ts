// The nodes a kubelet process hosts, from its options: one node named after the host (or
// --hostname-override), or N simulated nodes <prefix><i> with InternalIPs in order from
// --sim-node-cidr. Capacity comes from --node-capacity, else the host (or, simulated, KWOK's
// 32 cpu / 256Gi); allocatable subtracts kube-reserved, system-reserved and the hard eviction
// threshold of memory.
import { hostname } from 'node:os';
import { formatIp, parseCidr } from '../network/cidr.js';
import { goArch, hostCpuMillis, hostFacts, hostIPv4, hostMemoryBytes, simulatedHostFacts } from './host-facts.js';
import { parseLabels, parseTaints, type NodeIdentity } from './node-object.js';
import { allocatableOf, evictionReserve, parseResourceFlags, toResourceList, type Amounts } from './resource-list.js';

export interface IdentityOptions {
  simulated: boolean;
  simNodes: number;
  simNodePrefix: string;
  simNodeCidr: string;
  hostnameOverride: string;
  nodeIp: string;
  nodeLabels: string[];
  registerWithTaints: string[];
  nodeCapacity: string[];
  maxPods: number;
  kubeReserved: string[];
  systemReserved: string[];
  evictionHard: string[];
  kubeletPort: number;
}

const GiB = 1024 ** 3;

export function nodeIdentities(options: IdentityOptions): NodeIdentity[] {
  if (!Number.isInteger(options.simNodes) || options.simNodes < 1) throw new Error(`--sim-nodes must be a positive integer, got ${options.simNodes}`);
  const count = options.simulated ? options.simNodes : 1;
  const host = hostFacts();
  const capacity: Amounts = options.simulated ? new Map([['cpu', 32_000], ['memory', 256 * GiB], ['ephemeral-storage', 1024 * GiB]]) : new Map([['cpu', hostCpuMillis()], ['memory', hostMemoryBytes()]]);
  for (const [name, amount] of parseResourceFlags(options.nodeCapacity, 'node-capacity')) capacity.set(name, amount);
  capacity.set('pods', options.maxPods);
  const allocatable = allocatableOf(capacity, parseResourceFlags(options.kubeReserved, 'kube-reserved'), parseResourceFlags(options.systemReserved, 'system-reserved'), evictionReserve(options.evictionHard));
  const extraLabels = parseLabels(options.nodeLabels);
  const taints = parseTaints(options.registerWithTaints);
  const ipRange = options.simulated ? parseCidr(options.simNodeCidr) : undefined;
  if (ipRange && 2 ** (32 - ipRange.prefix) - 2 < count) throw new Error(`--sim-node-cidr ${options.simNodeCidr} has too few addresses for ${count} nodes`);
  const identities: NodeIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const name = options.simulated && (count > 1 || !options.hostnameOverride) ? `${options.simNodePrefix}${i}` : (options.hostnameOverride || hostname()).toLowerCase();
    const labels: Record<string, string> = {
      'beta.kubernetes.io/arch': goArch(),
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': goArch(),
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      ...(options.simulated ? { 'node.rudder.dev/simulated': 'true' } : {}),
      ...extraLabels,
    };
    identities.push({
      name,
      internalIP: ipRange ? formatIp((ipRange.base + 1 + i) >>> 0) : options.nodeIp || hostIPv4(),
      hostname: name,
      labels,
      taints,
      capacity: toResourceList(capacity),
      allocatable: toResourceList(allocatable),
      kubeletPort: options.kubeletPort,
      host: options.simulated ? simulatedHostFacts(host, name) : host,
    });
  }
  return identities;
}
