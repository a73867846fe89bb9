// Where everything of a set of local nodes lives: names of the bridge, namespaces and veths, the
// node network's addresses, each node's podCIDR, and the directories of its containerd. A pure
// function of the options, so a cleanup can be checked against it; the creation record (see
// record.ts) is what a cleanup actually follows.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { formatPrefix, nthAddress, nthSubnet, parsePrefix } from './ipv4.js';

/** The node network on the host bridge when none is given. */
export const DEFAULT_NODE_SUBNET = '10.213.0.0/24';

export interface LocalNodesOptions {
  /** Where node state is kept (`<dataDir>/nodes/...`), and the creation record. */
  dataDir: string;
  /** Node names (also their hostnames). */
  names: readonly string[];
  /** The node network on the host bridge; the host takes its first address (default 10.213.0.0/24). */
  nodeSubnet?: string;
  /** Cut into one /24 podCIDR per node, in order (default 10.244.0.0/16). */
  podSubnet?: string;
  /** Length of each node's podCIDR (default 24). */
  podCidrLength?: number;
  /** Short id in every name made on the host (default: random); at most 6 characters. */
  id?: string;
}

export interface LocalNodePlan {
  name: string;
  /** The network namespace: /var/run/netns/<netns>. */
  netns: string;
  /** The host end of the node's veth (the node end is eth0 in its namespace). */
  hostVeth: string;
  /** The node's address on the node network (its InternalIP). */
  address: string;
  podCIDR: string;
  /** Directory of the node's persistent state: containerd's root, configs, logs. */
  dir: string;
  /** Directory of the node's volatile state: containerd's state, runc's root, sockets. */
  stateDir: string;
  containerdSocket: string;
  /** cgroup (v1 hierarchies, or the v2 tree) under which the node's pods get their cgroups. */
  cgroupParent: string;
  /** Name of the node's CNI network (also its conflist). */
  cniNetwork: string;
  /** Where the kubelet keeps pod logs (/var/log/pods of a real node). */
  podLogDir: string;
}

export interface LocalNodesPlan {
  id: string;
  bridge: string;
  /** The host's address on the bridge: how node processes reach servers on the host. */
  hostAddress: string;
  prefixLength: number;
  nodeSubnet: string;
  /** Cgroup every node's cgroup parent lives under. */
  cgroupRoot: string;
  /** Directory of every node's volatile state. */
  stateRoot: string;
  nodes: LocalNodePlan[];
}

/** The Service range ClusterIPs come from (the apiserver's default --service-cluster-ip-range). */
export const SERVICE_SUBNET = '10.96.0.0/12';

const NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;

/** Parent of every set of nodes' volatile state (short: unix socket paths hold at most 108 bytes). */
export const STATE_PARENT = '/run/rudder';

export function netnsPath(netns: string): string {
  return `/var/run/netns/${netns}`;
}

export function planLocalNodes(options: LocalNodesOptions): LocalNodesPlan {
  const id = options.id ?? randomBytes(3).toString('hex');
  if (!/^[a-z0-9]{1,6}$/.test(id)) throw new Error(`local node id ${JSON.stringify(id)} must be 1 to 6 lower-case letters or digits`);
  if (options.names.length === 0) throw new Error('at least one node is needed');
  for (const name of options.names) if (!NAME.test(name)) throw new Error(`node name ${JSON.stringify(name)} must be a DNS label of at most 32 characters`);
  if (new Set(options.names).size !== options.names.length) throw new Error('node names must differ');

  const nodeSubnet = parsePrefix(options.nodeSubnet ?? DEFAULT_NODE_SUBNET);
  if (2 ** (32 - nodeSubnet.length) < options.names.length + 3) throw new Error(`node subnet ${formatPrefix(nodeSubnet)} is too small for ${options.names.length} nodes`);
  const podSubnet = parsePrefix(options.podSubnet ?? '10.244.0.0/16');
  const podCidrLength = options.podCidrLength ?? 24;

  const stateRoot = `${STATE_PARENT}/${id}`;
  return {
    id,
    bridge: `rd${id}-br`,
    hostAddress: nthAddress(nodeSubnet, 1),
    prefixLength: nodeSubnet.length,
    nodeSubnet: formatPrefix(nodeSubnet),
    cgroupRoot: `/rudder-${id}`,
    stateRoot,
    nodes: options.names.map((name, index) => {
      const dir = join(options.dataDir, 'nodes', name);
      const stateDir = `${stateRoot}/${index}`;
      return {
        name,
        netns: `rudder-${id}-${name}`,
        hostVeth: `rd${id}-${index}`,
        address: nthAddress(nodeSubnet, index + 2),
        podCIDR: formatPrefix(nthSubnet(podSubnet, podCidrLength, index)),
        dir,
        stateDir,
        containerdSocket: `${stateDir}/containerd.sock`,
        cgroupParent: `/rudder-${id}/${name}`,
        cniNetwork: `rudder-${id}-${name}`,
        podLogDir: join(dir, 'pods'),
      };
    }),
  };
}
