// The node network, as kind's docker network: a bridge on the host holding the host's address,
// and per node a network namespace joined to it by a veth (eth0 inside), with loopback up,
// forwarding on, a route to every other node's podCIDR through that node and one for the Service
// range. No default route: nothing in a node reaches past the host's address.
import { commandInstalled } from '../process/installed.js';
import { runCommand } from '../process/run.js';
import type { LocalNodePlan, LocalNodesPlan } from './plan.js';
import { netnsPath, SERVICE_SUBNET } from './plan.js';
import type { MadeRecord } from './record.js';

function ip(...args: string[]): Promise<string> {
  return runCommand('ip', args);
}

/** Runs `command` in the node's network namespace (only: mounts, /sys and cgroups stay the host's). */
export function inNode(node: Pick<LocalNodePlan, 'netns'>, command: string, args: readonly string[]): Promise<string> {
  return runCommand('nsenter', [`--net=${netnsPath(node.netns)}`, command, ...args]);
}

/** The argv that starts `command` in the node's network namespace (nsenter execs it: same pid); a node without one (a node container) runs it as it is. */
export function nodeCommand(node: Pick<LocalNodePlan, 'netns'>, command: string, args: readonly string[]): [string, string[]] {
  if (node.netns === '') return [command, [...args]];
  return ['nsenter', [`--net=${netnsPath(node.netns)}`, command, ...args]];
}

export async function createBridge(plan: LocalNodesPlan, record: MadeRecord): Promise<void> {
  // a second bridge with the same address would split the host's routes between two node networks
  const holder = (await ip('-o', '-4', 'addr', 'show', 'to', `${plan.hostAddress}/32`)).trim().split(/\s+/)[1];
  if (holder) throw new Error(`the node network ${plan.nodeSubnet} is in use: ${holder} already has ${plan.hostAddress} (another cluster with nodes?); choose another node subnet`);
  record.add({ kind: 'bridge', name: plan.bridge });
  await ip('link', 'add', plan.bridge, 'type', 'bridge');
  await ip('addr', 'add', `${plan.hostAddress}/${plan.prefixLength}`, 'dev', plan.bridge);
  await ip('link', 'set', plan.bridge, 'up');
}

export async function createNodeNamespace(plan: LocalNodesPlan, node: LocalNodePlan, record: MadeRecord): Promise<void> {
  record.add({ kind: 'netns', name: node.netns });
  await ip('netns', 'add', node.netns);
  record.add({ kind: 'veth', name: node.hostVeth });
  await ip('link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns);
  await ip('link', 'set', node.hostVeth, 'master', plan.bridge, 'up');
  const netns = ['-n', node.netns];
  await ip(...netns, 'link', 'set', 'lo', 'up');
  await ip(...netns, 'addr', 'add', `${node.address}/${plan.prefixLength}`, 'dev', 'eth0');
  await ip(...netns, 'link', 'set', 'eth0', 'up');
  for (const other of plan.nodes) {
    if (other !== node) await ip(...netns, 'route', 'add', other.podCIDR, 'via', other.address, 'dev', 'eth0');
  }
  // The node's own processes (host-network pods, ClusterFirstWithHostNet DNS) reach ClusterIPs: a
  // local packet is routed before the proxy's DNAT, so the Service range needs a route to exist.
  await ip(...netns, 'route', 'add', SERVICE_SUBNET, 'via', plan.hostAddress, 'dev', 'eth0');
  // /proc/sys/net shows the namespace of the process that opened it: write it from inside.
  await inNode(node, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
  await masqueradeToHost(plan, node);
}

/**
 * Pods reach the host's address (the apiserver, the cluster DNS behind kube-dns) from the node's
 * address, as kind's nodes masquerade traffic that leaves the cluster: the host has no routes to
 * the pods' CIDRs (clusters side by side use the same ones), so it could not answer a pod's own
 * address. The rule lives in the node's namespace and goes with it; it is written with the
 * iptables backend the node's proxy then picks (legacy where installed, as its auto choice).
 */
async function masqueradeToHost(plan: LocalNodesPlan, node: LocalNodePlan): Promise<void> {
  const iptables = commandInstalled('iptables-legacy', '--version') ? 'iptables-legacy' : 'iptables-nft';
  await inNode(node, iptables, ['-w', '-t', 'nat', '-A', 'POSTROUTING', '-s', node.podCIDR, '-d', `${plan.hostAddress}/32`, '-m', 'comment', '--comment', 'rudder: pods to the host', '-j', 'MASQUERADE']);
}

