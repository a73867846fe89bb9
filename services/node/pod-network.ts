// The node container's pod network, as kind's kindnet makes it: the CNI bridge over the pod CIDR
// the node's Node object gets, forwarding on, pods' traffic that leaves the cluster CIDR (to the
// apiserver, the DNS, the host) masqueraded behind the node's address, and a route to every other
// node's pod CIDR through that node's InternalIP on the shared (compose) network.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'kubernetes-types/core/v1.js';
import { findResource } from '../../lib/api/resources.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import { cniConfDir, cniConfList } from '../../lib/local-nodes/containerd-config.js';
import type { LocalNodePlan } from '../../lib/local-nodes/plan.js';
import { commandInstalled } from '../../lib/process/installed.js';
import { runCommand } from '../../lib/process/run.js';

const NODES = findResource('', 'v1', 'nodes')!;

export function nodePodCidr(node: Node | undefined): string | undefined {
  return node?.spec?.podCIDRs?.[0] ?? node?.spec?.podCIDR ?? undefined;
}

export function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** The Node's pod CIDR once it has one (the kubelet or the controller-manager gives it). */
export async function waitForPodCidr(client: RestClient, name: string, signal: AbortSignal): Promise<string> {
  for (;;) {
    signal.throwIfAborted();
    const node = await client.get<Node>(NODES, { name }).catch(() => undefined);
    const cidr = nodePodCidr(node);
    if (cidr) return cidr;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Forwarding, the masquerade rule and the CNI network of `node` (its podCIDR set). */
export async function setUpPodNetwork(node: LocalNodePlan, clusterCidr: string): Promise<void> {
  writeFileSync('/proc/sys/net/ipv4/ip_forward', '1');
  const iptables = commandInstalled('iptables-legacy', '--version') ? 'iptables-legacy' : 'iptables';
  const rule = ['-t', 'nat', 'POSTROUTING', '-s', node.podCIDR, '!', '-d', clusterCidr, '-m', 'comment', '--comment', 'rudder: pods leaving the cluster', '-j', 'MASQUERADE'];
  const present = await runCommand(iptables, ['-w', rule[0]!, rule[1]!, '-C', ...rule.slice(2)]).then(() => true, () => false);
  if (!present) await runCommand(iptables, ['-w', rule[0]!, rule[1]!, '-A', ...rule.slice(2)]);
  writeFileSync(join(cniConfDir(node), '10-rudder.conflist'), cniConfList(node));
}

/** Routes every other node's pod CIDR through its InternalIP; returns the routes it set. */
export async function syncRoutes(client: RestClient, self: string): Promise<string[]> {
  const nodes = await client.list<Node>(NODES);
  const routes: string[] = [];
  for (const node of nodes.items) {
    const cidr = nodePodCidr(node);
    const via = internalIP(node);
    if (node.metadata?.name === self || !cidr || !via) continue;
    await runCommand('ip', ['route', 'replace', cidr, 'via', via]);
    routes.push(`${cidr} via ${via}`);
  }
  return routes;
}
