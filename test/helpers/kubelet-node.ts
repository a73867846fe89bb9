// One real local node (its own containerd and network namespace), an apiserver and that node's
// kubelet, for the kubelet's e2e stories; everything stops at the test's teardown.
import type { Test } from 'tap';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { startKubelet, type KubeletProcess } from '../../lib/launch/kubelet-process.js';
import { kubeletNodeFlags } from '../../lib/local-nodes/containerd-config.js';
import { startTestNodes, type TestNodes } from './local-nodes.js';

export interface KubeletNode {
  nodes: TestNodes;
  node: TestNodes['nodes'][number];
  apiserver: ApiserverProcess;
  client: RestClient;
  kubelet: KubeletProcess;
  /** What the kubelet was started with, to start it again the same way. */
  kubeletFlags: string[];
}

export async function startKubeletNode(t: Test): Promise<KubeletNode> {
  const nodes = await startTestNodes(['node-a']);
  t.teardown(() => nodes.stop());
  const node = nodes.nodes[0]!;
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const kubeletFlags = [...kubeletNodeFlags(node), '--cluster-cidr', nodes.plan.nodes[0]!.podCIDR.replace(/\.\d+\.0\/24$/, '.0.0/16')];
  const kubelet = await startKubelet(apiserver, kubeletFlags);
  t.teardown(() => kubelet.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  return { nodes, node, apiserver, client, kubelet, kubeletFlags };
}
