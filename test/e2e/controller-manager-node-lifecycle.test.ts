// Self-healing when a node goes silent: the test plays the node's kubelet (Ready status and Lease
// renewals), then stops. After the grace period the node is Ready=Unknown and tainted
// node.kubernetes.io/unreachable (NoSchedule and NoExecute); pods tolerating it for 0 seconds are
// evicted at once, those tolerating it for N seconds after N seconds (pods without a toleration get
// 300 s from the DefaultTolerationSeconds admission), those tolerating it forever stay; a
// Deployment's evicted pod is replaced. When the kubelet posts Ready again the
// taints go.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { until } from '../helpers/until.js';

const NODES = findResource('', 'v1', 'nodes')!;
const PODS = findResource('', 'v1', 'pods')!;
const LEASES = findResource('coordination.k8s.io', 'v1', 'leases')!;

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

t.test('a silent node is marked Unknown and tainted, its pods evicted by their tolerations, and untainted when back', async (t) => {
  const cluster = await startControllerCluster(t, { controllerManagerArgs: ['--node-monitor-grace-period', '3s', '--node-monitor-period', '500ms'] });
  const { client } = cluster;

  // 1. the node registers, posts Ready and renews its Lease every 500 ms
  await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  const postReady = async (): Promise<void> => {
    await client.patch(NODES, { name: 'n1', subresource: 'status' }, { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now(), lastTransitionTime: now() }] } }, 'strategic');
  };
  await postReady();
  await client.create(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') } });
  let beating = true;
  const heartbeat = setInterval(() => {
    if (beating) void client.patch(LEASES, { namespace: 'kube-node-lease', name: 'n1' }, { spec: { renewTime: new Date().toISOString().replace('Z', '000Z') } }).catch(() => undefined);
  }, 500);
  t.teardown(() => clearInterval(heartbeat));

  // 2. pods bound to it tolerating unreachable for 0 s, 2 s and forever; and a Deployment's (1 s)
  const pod = (name: string, tolerationSeconds?: number | 'forever'): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c', image: 'nginx' }],
      tolerations: tolerationSeconds === undefined ? [] : [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds === 'forever' ? {} : { tolerationSeconds }) }],
    },
  });
  await client.create(PODS, pod('intolerant', 0));
  await client.create(PODS, pod('patient', 2));
  await client.create(PODS, pod('stubborn', 'forever'));
  const web = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }], tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }] } } },
  };
  t.equal((await cluster.kubectl('1.33', ['apply', '-f', '-'], JSON.stringify(web))).code, 0);
  t.ok(await until(async () => (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items.length === 1, 10_000));
  const [webPod] = (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items;
  await client.create(PODS, { apiVersion: 'v1', kind: 'Binding', metadata: { name: webPod!.metadata!.name! }, target: { kind: 'Node', name: 'n1' } }, { namespace: 'default', name: webPod!.metadata!.name!, subresource: 'binding' });
  await new Promise((r) => setTimeout(r, 4000));
  const healthy = await client.get<Node>(NODES, { name: 'n1' });
  t.equal(healthy.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', 'the Lease keeps a node healthy past the grace period');
  t.notOk(healthy.spec?.taints?.length, 'no taint while it is heard from');

  // 3. the kubelet goes silent: Unknown and tainted after the grace period
  beating = false;
  const silentAt = Date.now();
  t.ok(await until(async () => (await client.get<Node>(NODES, { name: 'n1' })).spec?.taints?.some((x) => x.effect === 'NoExecute') ?? false, 10_000), 'tainted');
  const tainted = await client.get<Node>(NODES, { name: 'n1' });
  t.match(tainted.status?.conditions?.find((c) => c.type === 'Ready'), { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
  t.match(tainted.spec?.taints?.map((x) => [x.key, x.effect]).sort(), [['node.kubernetes.io/unreachable', 'NoExecute'], ['node.kubernetes.io/unreachable', 'NoSchedule']]);
  t.ok(Date.now() - silentAt >= 2500, 'not before the grace period');

  // 4. evictions by toleration
  const exists = async (name: string): Promise<boolean> => client.get<Pod>(PODS, { namespace: 'default', name }).then(() => true, () => false);
  t.ok(await until(async () => !(await exists('intolerant')), 3000), 'the pod tolerating 0 s goes at once');
  t.ok(await exists('patient'), 'the patient pod is still there');
  t.ok(await until(async () => !(await exists('patient')), 5000), 'and goes after its 2 s');
  t.ok(await exists('stubborn'), 'a pod tolerating forever stays');
  t.ok(await until(async () => !(await exists(webPod!.metadata!.name!)), 5000), "the Deployment's pod is evicted");
  t.ok(await until(async () => (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items.some((p) => p.metadata?.name !== webPod!.metadata!.name), 10_000), 'and replaced');

  // 5. back: Ready again, the taints go
  beating = true;
  await postReady();
  t.ok(await until(async () => !(await client.get<Node>(NODES, { name: 'n1' })).spec?.taints?.length, 10_000), 'untainted once Ready');
});
