// A real node (its own containerd and network namespace) after 100 pods were created and
// deleted, twenty at a time: each pod with a Memory emptyDir and a hostPort, half of them deleted
// gracefully and half with grace 0 (whose successors, on the same host ports, are admitted while
// the kubelet still removes them, as in Kubernetes). While the first batch runs every kind of
// node resource is counted above its start; once all are gone, the pods' network namespaces,
// veths, cgroups, mounts, containerd containers and snapshots, CRI containers and sandboxes,
// shims, address leases, cached CNI results, iptables rules and pod directories are back at
// their start counts.
import type { Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { CriClient } from '../../lib/cri/client.js';
import { BUSYBOX_IMAGE } from '../../lib/images/local-images.js';
import { startKubeletNode } from '../helpers/kubelet-node.js';
import { localNodesSkip } from '../helpers/local-nodes.js';
import { countNodeResources, leaked, type NodeResources } from '../helpers/node-resources.js';
import { PODS } from '../helpers/sched-api.js';
import { until } from '../helpers/until.js';

const BATCHES = 5;
const BATCH_SIZE = 20;

function cyclePod(nodeName: string, batch: number, index: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `cycle-${batch}-${index}`, namespace: 'default', labels: { batch: String(batch) } },
    spec: {
      nodeName,
      terminationGracePeriodSeconds: 5,
      volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }],
      containers: [
        {
          name: 'main',
          image: BUSYBOX_IMAGE,
          // ends at SIGTERM (pid 1 has no default action for it)
          command: ['sh', '-c', 'trap "exit 0" TERM; echo up > /scratch/state; sleep 3600 & wait'],
          ports: [{ containerPort: 8080, hostPort: 31000 + index }],
          volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
        },
      ],
    },
  };
}

t.test('100 pods created and deleted on a real node leave nothing behind', { skip: localNodesSkip() }, async (t) => {
  // 1. a local node, an apiserver and the node's kubelet; what the node holds before any pod
  const { node, client } = await startKubeletNode(t);
  const cri = new CriClient(node.containerdSocket);
  t.teardown(() => cri.close());
  const before = await countNodeResources(node, cri);

  // 2. five batches of twenty pods: created, running, deleted (even ones gracefully, odd ones with grace 0)
  const batchPods = (batch: number) => client.list<Pod>(PODS, { namespace: 'default', labelSelector: `batch=${batch}` });
  let whileRunning: NodeResources | undefined;
  for (let batch = 0; batch < BATCHES; batch++) {
    const names = Array.from({ length: BATCH_SIZE }, (_, index) => `cycle-${batch}-${index}`);
    await Promise.all(names.map((_, index) => client.create(PODS, cyclePod(node.name, batch, index), { namespace: 'default' })));
    let phases = '';
    const running = await until(async () => {
      const pods = (await batchPods(batch)).items;
      phases = pods.map((p) => `${p.metadata?.name}=${p.status?.phase}`).join(' ');
      return pods.length === BATCH_SIZE && pods.every((p) => p.status?.phase === 'Running');
    }, 60_000, 200);
    if (!t.ok(running, `batch ${batch}: its pods run (${phases})`)) return;
    if (batch === 0) whileRunning = await countNodeResources(node, cri);
    await Promise.all(names.map((name, index) => client.delete(PODS, { namespace: 'default', name }, index % 2 === 0 ? {} : { gracePeriodSeconds: 0 })));
    if (!t.ok(await until(async () => (await batchPods(batch)).items.length === 0, 60_000, 200), `batch ${batch}: its pods are gone from the API`)) return;
  }

  // 3. every kind was counted while pods ran (a count that never moves would prove nothing)
  const unmoved = (Object.keys(before) as (keyof NodeResources)[]).filter((kind) => !(whileRunning![kind] > before[kind]));
  t.same(unmoved, [], `each kind of resource grew while the first batch ran: ${leaked(before, whileRunning!)}`);

  // 4. once the kubelet has removed the last pods, every count is back at its start
  let after = await countNodeResources(node, cri);
  await until(async () => leaked(before, (after = await countNodeResources(node, cri))) === '', 60_000, 500);
  t.equal(leaked(before, after), '', 'nothing leaked');
  t.same(after, before, 'the node holds what it held before the first pod');
});
