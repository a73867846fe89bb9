// Where the scheduler puts pods, against a real apiserver, on nodes created through the API with
// different capacity, labels and taints — each placement the one kube-scheduler's default
// profile makes: requests go to the least allocated node, nodeSelector and required node
// affinity restrict, preferred node affinity outweighs free room, a toleration opens a tainted
// node that everything else avoids, pod anti-affinity puts replicas on different nodes and a
// topology spread constraint one per zone.
import t from 'tap';
import { RestClient } from '../../lib/client/rest-client.js';
import { startApiserver } from '../../lib/launch/apiserver-process.js';
import { startScheduler } from '../../lib/launch/scheduler-process.js';
import { boundNode, node, NODES, pod, podEvents, PODS } from '../helpers/sched-api.js';

t.test('pods land where kube-scheduler would put them', async (t) => {
  // 1. four nodes: small and medium in zone a, large in zone b, the biggest (zone c) tainted for GPU work
  const apiserver = await startApiserver();
  t.teardown(() => apiserver.stop());
  const client = RestClient.fromKubeconfig(apiserver.kubeconfig);
  t.teardown(() => client.close());
  await client.create(NODES, node('small-a', { cpu: '2', memory: '4Gi', labels: { zone: 'a', disktype: 'hdd' } }));
  await client.create(NODES, node('medium-a', { cpu: '8', memory: '16Gi', labels: { zone: 'a', disktype: 'ssd' } }));
  await client.create(NODES, node('large-b', { cpu: '16', memory: '32Gi', labels: { zone: 'b', disktype: 'ssd' } }));
  await client.create(NODES, node('gpu-c', { cpu: '32', memory: '64Gi', labels: { zone: 'c', accelerator: 'gpu' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
  const scheduler = await startScheduler(apiserver, ['--leader-elect=false']);
  t.teardown(() => scheduler.kill());

  // 2. a pod with requests goes to the node with the most free room it may use: large-b, not the
  //    tainted gpu-c (bigger, but its NoSchedule taint is not tolerated)
  await client.create(PODS, pod('first', { cpu: '1', memory: '2Gi' }));
  t.equal(await boundNode(client, 'first'), 'large-b', 'least allocated untainted node');

  // 3. once large-b is mostly taken, medium-a has the most free room: the next pod goes there
  await client.create(PODS, pod('filler', { cpu: '12', memory: '24Gi', spec: { nodeName: 'large-b' } }));
  await client.create(PODS, pod('second', { cpu: '1', memory: '2Gi' }));
  t.equal(await boundNode(client, 'second'), 'medium-a', 'free room, not capacity, decides');

  // 4. nodeSelector restricts the pod to matching nodes, even the smallest
  await client.create(PODS, pod('on-hdd', { cpu: '500m', memory: '512Mi', spec: { nodeSelector: { disktype: 'hdd' } } }));
  t.equal(await boundNode(client, 'on-hdd'), 'small-a');

  // 5. required node affinity: zone In [a] and disktype NotIn [hdd] leaves only medium-a
  await client.create(
    PODS,
    pod('zone-a-ssd', {
      cpu: '500m',
      memory: '512Mi',
      spec: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disktype', operator: 'NotIn', values: ['hdd'] }] }],
            },
          },
        },
      },
    }),
  );
  t.equal(await boundNode(client, 'zone-a-ssd'), 'medium-a');

  // 6. preferred node affinity (weight 2 in the default profile) outweighs free room: zone b's
  //    large-b is 80% allocated, medium-a under a fifth, yet the pod preferring zone b goes there
  await client.create(
    PODS,
    pod('prefers-b', {
      cpu: '100m',
      memory: '128Mi',
      spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } }] } } },
    }),
  );
  t.equal(await boundNode(client, 'prefers-b'), 'large-b', 'the preferred zone wins');

  // 7. a pod tolerating the taint may use gpu-c, which is then the least allocated node
  await client.create(PODS, pod('gpu-job', { cpu: '1', memory: '2Gi', spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } }));
  t.equal(await boundNode(client, 'gpu-job'), 'gpu-c', 'tolerated taint');

  // 8. a toleration for another value does not: the pod avoids gpu-c and takes the least
  //    allocated of the others
  await client.create(PODS, pod('ml-job', { cpu: '1', memory: '2Gi', spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoSchedule' }] } }));
  t.equal(await boundNode(client, 'ml-job'), 'medium-a', 'untolerated taint excludes gpu-c');

  // 9. required pod anti-affinity on the hostname: three replicas on three different nodes, a
  //    fourth fits nowhere (gpu-c is still tainted)
  const webSpec = {
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } },
  };
  for (let i = 1; i <= 4; i++) await client.create(PODS, pod(`web-${i}`, { cpu: '100m', memory: '128Mi', labels: { app: 'web' }, spec: webSpec }));
  const webNodes = await Promise.all([1, 2, 3].map((i) => boundNode(client, `web-${i}`)));
  t.same([...webNodes].sort(), ['large-b', 'medium-a', 'small-a'], 'one replica per node');
  const webFailed = await podEvents(client, 'web-4', 'FailedScheduling');
  t.equal(
    webFailed[0]?.message,
    "0/4 nodes are available: 1 node(s) had untolerated taint(s), 3 node(s) didn't match pod anti-affinity rules. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod..",
  );

  // 10. a topology spread constraint (maxSkew 1 over zones): three pods that tolerate the GPU
  //     taint take one zone each, whatever the free room says
  const zoneOf: Record<string, string> = { 'small-a': 'a', 'medium-a': 'a', 'large-b': 'b', 'gpu-c': 'c' };
  const spreadSpec = {
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }],
  };
  const zones: string[] = [];
  for (let i = 1; i <= 3; i++) {
    await client.create(PODS, pod(`spread-${i}`, { cpu: '100m', memory: '128Mi', labels: { app: 'spread' }, spec: spreadSpec }));
    zones.push(zoneOf[(await boundNode(client, `spread-${i}`)) ?? ''] ?? 'none');
  }
  t.same([...zones].sort(), ['a', 'b', 'c'], `one pod per zone (${zones.join(', ')})`);
});
