// What pods hold on one real local node, counted from the host: the pods' network namespaces
// (containerd keeps them under its state), the veths in the node's namespace, the cgroups under
// the node's cgroup parent (below its QoS classes'), the mounts under the node's directories,
// containerd's containers (CRI's and containerd's own list) and snapshots, the CRI sandboxes, the
// shims, the address leases and cached CNI results of the node's network, the pods' iptables rules
// and the kubelet's pod and log directories. A leak test compares two counts; `leaked` names
// every kind whose count differs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CriClient } from '../../lib/cri/client.js';
import { cgroupDirs } from '../../lib/host/cgroups.js';
import { mountTable } from '../../lib/host/mounts.js';
import { CNI_CACHE } from '../../lib/local-nodes/cleanup.js';
import { inNode } from '../../lib/local-nodes/network.js';
import type { LocalNodePlan } from '../../lib/local-nodes/plan.js';
import { processesWithArgument } from '../../lib/local-nodes/processes.js';
import { runCommand } from '../../lib/process/run.js';

export interface NodeResources {
  networkNamespaces: number;
  veths: number;
  cgroups: number;
  mounts: number;
  containerdContainers: number;
  containerdSnapshots: number;
  criContainers: number;
  criSandboxes: number;
  shims: number;
  addressLeases: number;
  cniResults: number;
  iptablesRules: number;
  podDirectories: number;
  podLogDirectories: number;
}

/** The node's own cgroup and its QoS classes' (kept for the node's life, as the kubelet's QoS cgroups). */
const QOS_LEVEL = /^(\/(burstable|besteffort))?\/?$/;

/** The chains the CNI plugins make per pod (portmap's CNI-DN-<hash>, bridge's CNI-<hash>); their top-level chains stay. */
const POD_CHAIN = /CNI-(DN-)?[0-9a-f]{20,}/;

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function under(path: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

export async function countNodeResources(node: LocalNodePlan, cri: CriClient): Promise<NodeResources> {
  const ctr = (...args: string[]) => runCommand('ctr', ['--address', node.containerdSocket, '--namespace', 'k8s.io', ...args]);
  const [links, containers, sandboxes, containerd, snapshots, rules] = await Promise.all([
    inNode(node, 'ip', ['-o', 'link', 'show', 'type', 'veth']),
    cri.listContainers(),
    cri.listPodSandbox(),
    ctr('containers', 'list', '--quiet'),
    ctr('snapshots', 'list'),
    inNode(node, 'iptables-save', []),
  ]);
  const ipam = join(node.stateDir, 'cni-ipam', node.cniNetwork);
  return {
    networkNamespaces: entries(join(node.stateDir, 'io.containerd.grpc.v1.cri', 'netns')).length,
    veths: links.split('\n').filter(Boolean).length,
    cgroups: cgroupDirs(node.cgroupParent).filter((dir) => !QOS_LEVEL.test(dir.slice(dir.indexOf(node.cgroupParent) + node.cgroupParent.length))).length,
    mounts: mountTable().filter((m) => under(m.mountPoint, [node.dir, node.stateDir])).length,
    containerdContainers: containerd.split('\n').filter(Boolean).length,
    // the images' layers and one per container's writable layer, below a header line
    containerdSnapshots: snapshots.split('\n').filter(Boolean).length - 1,
    criContainers: containers.length,
    criSandboxes: sandboxes.length,
    // containerd itself names its socket too
    shims: processesWithArgument(node.containerdSocket).length - 1,
    // host-local keeps one file per leased address, besides its lock and last_reserved_ip.* files
    addressLeases: entries(ipam).filter((name) => /^\d+\.\d+\.\d+\.\d+$/.test(name)).length,
    // libcni's cached result of each attachment: <network>-<sandbox id>-<interface>
    cniResults: entries(CNI_CACHE).filter((name) => name.startsWith(`${node.cniNetwork}-`)).length,
    iptablesRules: rules.split('\n').filter((line) => POD_CHAIN.test(line)).length,
    podDirectories: entries(join(node.dir, 'kubelet', 'pods')).length,
    podLogDirectories: entries(node.podLogDir).length,
  };
}

/** "cgroups 3 → 5, mounts 10 → 12" for every kind whose count changed; empty when none did. */
export function leaked(before: NodeResources, after: NodeResources): string {
  return (Object.keys(before) as (keyof NodeResources)[])
    .filter((kind) => before[kind] !== after[kind])
    .map((kind) => `${kind} ${before[kind]} → ${after[kind]}`)
    .join(', ');
}
