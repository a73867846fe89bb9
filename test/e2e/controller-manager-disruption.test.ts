// PodDisruptionBudgets kept by the disruption controller, through the apiserver with the
// ReplicaSet controller and a kubelet stand-in: the status follows minAvailable and maxUnavailable,
// integer and percent (the percent against the scale of the pods' ReplicaSet), with the
// DisruptionAllowed condition; pods without a controller are left out of a percent budget's
// expected count, and one whose controller is missing fails its sync as Kubernetes says. Then
// `kubectl drain` of the node holding three pods of a ReplicaSet under minAvailable 2: the pods
// are evicted only as the budget allows — the others are refused until their replacements (made
// on another node) are Ready — so no fewer than two pods are ever Ready, and the drain finishes.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { existsSync } from 'node:fs';
import t from 'tap';
import type { KubeObject } from '../../lib/api/object.js';
import { findResource } from '../../lib/api/resources.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { kubectlBinary } from '../helpers/paths.js';
import { until } from '../helpers/until.js';
import { watchFloor } from '../helpers/watch-floor.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;
const RS = findResource('apps', 'v1', 'replicasets')!;
const PDBS = findResource('policy', 'v1', 'poddisruptionbudgets')!;
const NS = 'default';

function replicaSet(name: string, replicas: number, node: string): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }] } } },
  };
}

function budget(name: string, app: string, spec: { minAvailable?: number | string; maxUnavailable?: number | string }): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: NS }, spec: { selector: { matchLabels: { app } }, ...spec } };
}

function isReady(pod: Pod): boolean {
  return !pod.metadata?.deletionTimestamp && (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

t.test('the disruption controller', async (t) => {
  const cluster = await startControllerCluster(t, { controllerManagerArgs: ['--controllers', 'disruption,replicaset'], kubelet: { readyAfterMs: 500 } });
  const { client } = cluster;
  const getPdb = (name: string): Promise<PodDisruptionBudget> => client.get<PodDisruptionBudget>(PDBS, { namespace: NS, name });
  for (const name of ['n1', 'n2']) await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });

  await t.test('status for minAvailable and maxUnavailable, integer and percent', async (t) => {
    await client.create(RS, replicaSet('api', 4, 'n2'));
    await client.create(PDBS, budget('api', 'api', { maxUnavailable: '25%' }));
    t.ok(await until(async () => (await getPdb('api')).status?.currentHealthy === 4, 15_000), 'four healthy pods');
    const status = (await getPdb('api')).status;
    t.match(status, { expectedPods: 4, desiredHealthy: 3, disruptionsAllowed: 1, observedGeneration: 1 }, 'maxUnavailable 25% of the ReplicaSet\'s 4');
    t.match(status?.conditions, [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }]);

    await client.patch(PDBS, { namespace: NS, name: 'api' }, { spec: { maxUnavailable: null, minAvailable: '50%' } }, 'merge');
    t.ok(await until(async () => (await getPdb('api')).status?.observedGeneration === 2, 10_000));
    t.match((await getPdb('api')).status, { expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2, currentHealthy: 4 }, 'minAvailable 50%');

    await client.patch(PDBS, { namespace: NS, name: 'api' }, { spec: { minAvailable: 5 } }, 'merge');
    t.ok(await until(async () => (await getPdb('api')).status?.observedGeneration === 3, 10_000));
    const short = (await getPdb('api')).status;
    t.match(short, { expectedPods: 4, desiredHealthy: 5, disruptionsAllowed: 0, currentHealthy: 4 }, 'minAvailable 5 of 4');
    t.match(short?.conditions, [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }]);
    await client.delete(PDBS, { namespace: NS, name: 'api' });
  });

  await t.test('a percent budget leaves out pods without a controller and fails when a controller cannot be found', async (t) => {
    // (labelled apart from the ReplicaSet's, which would adopt it)
    await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lonely', namespace: NS, labels: { app: 'lonely' } }, spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'nginx' }] } });
    const both = { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'lonely'] }] };
    await client.create(PDBS, { ...budget('api-pct', 'api', { maxUnavailable: '50%' }), spec: { selector: both, maxUnavailable: '50%' } });
    t.ok(await until(async () => (await getPdb('api-pct')).status?.currentHealthy === 5, 10_000), 'the lone pod counts as healthy');
    t.match((await getPdb('api-pct')).status, { expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 3 }, 'but not in the expected count');
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: '00000000-0000-0000-0000-000000000001', controller: true };
    await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: NS, labels: { app: 'lonely' }, ownerReferences: [owner] }, spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'nginx' }] } });
    t.ok(await until(async () => (await getPdb('api-pct')).status?.conditions?.some((c) => c.reason === 'SyncFailed') ?? false, 10_000));
    const status = (await getPdb('api-pct')).status;
    t.equal(status?.disruptionsAllowed, 0, 'no disruption while the budget cannot be computed');
    t.match(status?.conditions, [{ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "stray"' }]);
    for (const name of ['lonely', 'stray']) await client.delete(PODS, { namespace: NS, name });
    await client.delete(PDBS, { namespace: NS, name: 'api-pct' });
  });

  const version = '1.33';
  await t.test('kubectl drain evicts only as far as the budget allows', { skip: existsSync(kubectlBinary(version)) ? false : `kubectl ${version} not installed` }, async (t) => {
    // 1. three ready pods on n1 that the ReplicaSet web adopts; its replacements go to n2
    for (const name of ['web-a', 'web-b', 'web-c']) {
      await client.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } });
    }
    await client.create(RS, replicaSet('web', 3, 'n2'));
    const made = await cluster.kubectl(version, ['-n', NS, 'create', 'pdb', 'web', '--selector=app=web', '--min-available=2']);
    t.equal(made.code, 0, made.stderr);
    t.ok(await until(async () => (await getPdb('web')).status?.disruptionsAllowed === 1, 15_000), 'the budget allows one disruption');
    t.match((await getPdb('web')).status, { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
    const table = await cluster.kubectl(version, ['-n', NS, 'get', 'pdb', 'web']);
    t.match(table.stdout, /^web\s+2\s+N\/A\s+1\s+\d+s$/m);

    // 2. watch the Ready pods of web while the node drains
    const ready = await watchFloor<Pod & KubeObject>(t, client, PODS, (pods) => pods.filter((p) => p.metadata?.labels?.app === 'web' && isReady(p)).length);
    // Counted from here: the first list arrives one pod at a time.
    ready.reset();
    t.equal(ready.least(), 3);

    const drained = await cluster.kubectl(version, ['drain', 'n1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s']);
    t.equal(drained.code, 0, drained.stderr);
    t.match(drained.stdout, /node\/n1 cordoned/);
    t.match(drained.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./, 'some evictions were refused');
    for (const name of ['web-a', 'web-b', 'web-c']) t.match(drained.stdout, `pod/${name} evicted`);
    t.match(drained.stdout, /node\/n1 drained/);

    // 3. never fewer than minAvailable Ready pods; all three now on n2
    t.ok(ready.least() >= 2, `at least 2 Ready pods throughout (least seen: ${ready.least()})`);
    const pods = (await client.list<Pod>(PODS, { namespace: NS, labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp);
    t.same(pods.map((p) => p.spec?.nodeName), ['n2', 'n2', 'n2']);
    t.ok(await until(async () => (await getPdb('web')).status?.disruptionsAllowed === 1, 10_000), 'the budget recovers');
  });
});
