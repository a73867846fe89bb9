// The kubelet with the CRI runtime against a real apiserver and a real local node (its own
// containerd and network namespace): the node registers Ready with containerd's version and the
// node's pod CIDR; a pod made with kubectl runs with an address from that CIDR and the status
// Kubernetes reports (containerd:// id, imageID, running state); a container that exits is
// restarted with its last state; deleting the pods removes their sandboxes from the node.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { CriClient } from '../../lib/cri/client.js';
import { NODE_IMAGE, BUSYBOX_IMAGE } from '../../lib/images/local-images.js';
import { parsePrefix } from '../../lib/local-nodes/ipv4.js';
import { kubectl } from '../helpers/kubectl.js';
import { startKubeletNode } from '../helpers/kubelet-node.js';
import { localNodesSkip } from '../helpers/local-nodes.js';
import { NODES, PODS } from '../helpers/sched-api.js';
import { until } from '../helpers/until.js';

function inPrefix(ip: string, cidr: string): boolean {
  const prefix = parsePrefix(cidr);
  return parsePrefix(`${ip}/${prefix.length}`).base === prefix.base;
}

t.test('a kubelet runs pods on a real node through CRI', { skip: localNodesSkip() }, async (t) => {
  // 1. a local node, an apiserver and the node's kubelet
  const { node, apiserver, client } = await startKubeletNode(t);

  // 2. the node is Ready, with containerd's version and the node's pod CIDR
  let registered: Node | undefined;
  t.ok(await until(async () => {
    registered = await client.get<Node>(NODES, { name: node.name });
    return registered.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  }, 20_000, 200), 'the node is Ready');
  t.match(registered?.status?.nodeInfo?.containerRuntimeVersion, /^containerd:\/\/1\./);
  t.equal(registered?.spec?.podCIDR, node.podCIDR, 'the pod CIDR its CNI network uses');
  t.same(registered?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, node.address);

  // 3. kubectl makes a pod bound to the node; it runs with an address from the node's CIDR
  const kube = (...args: string[]) => kubectl('1.33', apiserver.kubeconfig, args);
  const run = await kube('run', 'web', `--image=${NODE_IMAGE}`, '--overrides', JSON.stringify({ spec: { nodeName: node.name, terminationGracePeriodSeconds: 1 } }), '--command', '--', 'node', '-e', "require('http').createServer((q, s) => s.end('hi')).listen(8080)");
  t.equal(run.code, 0, run.stderr);
  let pod: Pod | undefined;
  t.ok(await until(async () => {
    pod = await client.get<Pod>(PODS, { namespace: 'default', name: 'web' });
    return pod.status?.phase === 'Running';
  }, 30_000, 200), 'the pod runs');
  t.ok(inPrefix(pod?.status?.podIP ?? '', node.podCIDR), `its IP ${pod?.status?.podIP} is in ${node.podCIDR}`);
  const status = pod?.status?.containerStatuses?.[0];
  t.match(status?.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
  t.match(status?.imageID, /^sha256:[0-9a-f]{64}$/);
  t.equal(status?.image, NODE_IMAGE);
  t.ok(status?.state?.running?.startedAt, 'running, with its start');

  // 4. a container that exits is restarted by the pod's restartPolicy, as a new attempt
  const crashing: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'crashing', namespace: 'default' },
    spec: { nodeName: node.name, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo bye; exit 2'] }] },
  };
  await client.create(PODS, crashing, { namespace: 'default' });
  let crashed: Pod | undefined;
  t.ok(await until(async () => {
    crashed = await client.get<Pod>(PODS, { namespace: 'default', name: 'crashing' });
    return (crashed.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1;
  }, 30_000, 250), 'the exited container is started again');
  t.equal(crashed?.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 2, 'its last state has the exit code');
  t.equal(crashed?.status?.containerStatuses?.[0]?.lastState?.terminated?.reason, 'Error');

  // 5. deleting the pods removes their sandboxes from the node
  const deleted = await kube('delete', 'pod', 'web', 'crashing', '--wait=true', '--timeout=60s');
  t.equal(deleted.code, 0, deleted.stderr);
  const cri = new CriClient(node.containerdSocket);
  t.teardown(() => cri.close());
  t.ok(await until(async () => (await cri.listPodSandbox()).length === 0, 30_000, 200), 'no sandbox is left on the node');
});
