// ReplicaSets and ReplicationControllers through the apiserver: exactly the wanted pods however
// many events arrive (expectations), orphans adopted and strays released by selector, availability
// only after minReadySeconds, and the ReplicaFailure condition when pods cannot be created.
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { until } from '../helpers/until.js';

const PODS = findResource('', 'v1', 'pods')!;
const RS = findResource('apps', 'v1', 'replicasets')!;
const RC = findResource('', 'v1', 'replicationcontrollers')!;

function replicaSet(name: string, replicas: number, extra: { minReadySeconds?: number; priorityClassName?: string } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      ...(extra.minReadySeconds ? { minReadySeconds: extra.minReadySeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...(extra.priorityClassName ? { priorityClassName: extra.priorityClassName } : {}) } },
    },
  };
}

t.test('ReplicaSets and ReplicationControllers', async (t) => {
  const cluster = await startControllerCluster(t, { kubelet: { holdBack: (pod) => pod.metadata?.labels?.app === 'slow' } });
  const { client } = cluster;
  const podsOf = async (app: string): Promise<Pod[]> => (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: `app=${app}` })).items;

  await t.test('50 replicas make exactly 50 pods, and the status counts them', async (t) => {
    await client.create(RS, replicaSet('many', 50));
    t.ok(await until(async () => (await client.get<ReplicaSet>(RS, { namespace: 'default', name: 'many' })).status?.readyReplicas === 50, 30_000), '50 ready');
    await sleep(1000);
    t.equal((await podsOf('many')).length, 50, 'no pod created twice');
    const rs = await client.get<ReplicaSet>(RS, { namespace: 'default', name: 'many' });
    t.match(rs.status, { replicas: 50, fullyLabeledReplicas: 50, readyReplicas: 50, availableReplicas: 50, observedGeneration: 1 });
  });

  await t.test('an orphan matching the selector is adopted; a pod relabelled away is released', async (t) => {
    await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const created = await client.create<ReplicaSet>(RS, replicaSet('adopt', 2));
    t.ok(await until(async () => (await podsOf('adopt')).length === 2, 10_000));
    await sleep(500);
    const owned = await podsOf('adopt');
    t.equal(owned.length, 2, 'the orphan counts as one of the two');
    const orphan = await client.get<Pod>(PODS, { namespace: 'default', name: 'orphan' });
    t.match(orphan.metadata?.ownerReferences, [{ kind: 'ReplicaSet', name: 'adopt', uid: created.metadata?.uid, controller: true }]);
    await client.patch(PODS, { namespace: 'default', name: 'orphan' }, { metadata: { labels: { app: 'gone' } } });
    t.ok(await until(async () => !(await client.get<Pod>(PODS, { namespace: 'default', name: 'orphan' })).metadata?.ownerReferences?.length, 10_000), 'released');
    t.ok(await until(async () => (await podsOf('adopt')).length === 2, 10_000), 'and replaced');
  });

  await t.test('available only after minReadySeconds', async (t) => {
    await client.create(RS, replicaSet('patient', 1, { minReadySeconds: 2 }));
    t.ok(await until(async () => (await client.get<ReplicaSet>(RS, { namespace: 'default', name: 'patient' })).status?.readyReplicas === 1, 10_000));
    const early = await client.get<ReplicaSet>(RS, { namespace: 'default', name: 'patient' });
    t.notOk(early.status?.availableReplicas, 'ready but not yet available');
    t.ok(await until(async () => (await client.get<ReplicaSet>(RS, { namespace: 'default', name: 'patient' })).status?.availableReplicas === 1, 10_000), 'available after 2 s');
  });

  await t.test('pods the apiserver refuses: ReplicaFailure with FailedCreate', async (t) => {
    await client.create(RS, replicaSet('refused', 2, { priorityClassName: 'no-such-class' }));
    t.ok(await until(async () => Boolean((await client.get<ReplicaSet>(RS, { namespace: 'default', name: 'refused' })).status?.conditions?.length), 10_000));
    const rs = await client.get<ReplicaSet>(RS, { namespace: 'default', name: 'refused' });
    t.match(rs.status?.conditions, [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: /no-such-class/ }]);
    t.equal((await podsOf('refused')).length, 0);
  });

  await t.test('a ReplicationController keeps its pods as a ReplicaSet does', async (t) => {
    const rc: ReplicationController = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'default' }, spec: { replicas: 3, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    const created = await client.create<ReplicationController>(RC, rc);
    t.ok(await until(async () => (await client.get<ReplicationController>(RC, { namespace: 'default', name: 'legacy' })).status?.readyReplicas === 3, 10_000));
    const pods = await podsOf('legacy');
    t.equal(pods.length, 3);
    t.match(pods[0]?.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: created.metadata?.uid }]);
    t.equal(pods[0]?.metadata?.generateName, 'legacy-');
  });
});
