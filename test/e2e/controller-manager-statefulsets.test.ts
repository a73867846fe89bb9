// StatefulSets through the apiserver, the controller-manager doing the work and a kubelet stand-in
// marking pods Ready: a set of 3 makes web-0, web-1, web-2 strictly in order (each only once the
// one before is Ready), each with its PersistentVolumeClaim www-web-N from the
// volumeClaimTemplate, its hostname and subdomain; a ControllerRevision records the template and
// status counts the pods; a template change with partition 1 replaces only web-2 and web-1,
// highest first, and leaves web-0 at the old revision until the partition drops; scaling down
// removes the highest ordinal; `kubectl rollout status|history|undo` work; Parallel makes every pod at once; whenScaled: Delete removes a
// condemned pod's claim; whenDeleted: Delete removes the claims with the set, Retain keeps them.
import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { existsSync } from 'node:fs';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import { Informer } from '../../lib/client/informer.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { kubectlBinary } from '../helpers/paths.js';
import { until } from '../helpers/until.js';

const PODS = findResource('', 'v1', 'pods')!;
const PVCS = findResource('', 'v1', 'persistentvolumeclaims')!;
const STS = findResource('apps', 'v1', 'statefulsets')!;
const REVISIONS = findResource('apps', 'v1', 'controllerrevisions')!;
const NS = 'default';

function statefulSet(name: string, replicas: number, extra: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...extra,
    },
  };
}

t.test('StatefulSets', async (t) => {
  const cluster = await startControllerCluster(t, { controllerManagerArgs: ['--controllers', 'statefulset,garbagecollector,pvc-protection'], kubelet: { readyAfterMs: 300 } });
  const { client } = cluster;
  const getSts = (name: string): Promise<StatefulSet> => client.get<StatefulSet>(STS, { namespace: NS, name });
  const podsOf = async (app: string): Promise<Pod[]> => (await client.list<Pod>(PODS, { namespace: NS, labelSelector: `app=${app}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const claimNames = async (): Promise<string[]> => (await client.list<PersistentVolumeClaim>(PVCS, { namespace: NS })).items.filter((c) => !c.metadata?.deletionTimestamp).map((c) => c.metadata?.name ?? '').sort();

  // A timeline of pod creations and of Ready transitions, from a watch.
  const watcher = new Informer({ client, bus: new HttpBus(client), resource: PODS });
  const timeline: string[] = [];
  const ready = new Set<string>();
  watcher.addEventHandler({
    onAdd: (pod) => timeline.push(`created ${pod.metadata?.name}`),
    onUpdate: (_before, pod) => {
      const name = pod.metadata?.name ?? '';
      const isReady = (pod as Pod).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      if (isReady && !ready.has(name)) {
        ready.add(name);
        timeline.push(`ready ${name}`);
      }
    },
    onDelete: (pod) => {
      ready.delete(pod.metadata?.name ?? '');
      timeline.push(`deleted ${pod.metadata?.name}`);
    },
  });
  watcher.start();
  t.teardown(() => watcher.stop());
  t.ok(await watcher.waitForSync(10_000));

  await t.test('3 replicas start in order 0, 1, 2, each with its claim, hostname and subdomain', async (t) => {
    await client.create(STS, statefulSet('web', 3));
    t.ok(await until(async () => (await getSts('web')).status?.readyReplicas === 3, 20_000), '3 ready');
    const web = timeline.filter((e) => / web-\d$/.test(e));
    t.same(web, ['created web-0', 'ready web-0', 'created web-1', 'ready web-1', 'created web-2', 'ready web-2'], 'each pod is made only once the one before is Ready');
    t.same(await claimNames(), ['www-web-0', 'www-web-1', 'www-web-2'], 'one claim per ordinal from the volumeClaimTemplate');
    const claim = await client.get<PersistentVolumeClaim>(PVCS, { namespace: NS, name: 'www-web-1' });
    t.match(claim.metadata?.labels, { app: 'web' });
    t.same(claim.spec?.resources?.requests, { storage: '1Gi' });
    t.notOk(claim.metadata?.ownerReferences, 'Retain: the claim outlives the set');
    const pods = await podsOf('web');
    for (const pod of pods) {
      const name = pod.metadata?.name ?? '';
      t.equal(pod.spec?.hostname, name);
      t.equal(pod.spec?.subdomain, 'web');
      t.equal(pod.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], name);
      t.equal(pod.metadata?.labels?.['apps.kubernetes.io/pod-index'], name.slice('web-'.length));
      t.match(pod.spec?.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: `www-${name}` } }]);
      t.match(pod.metadata?.ownerReferences, [{ kind: 'StatefulSet', name: 'web', controller: true }]);
    }
    const revisions = (await client.list<ControllerRevision>(REVISIONS, { namespace: NS })).items.filter((r) => r.metadata?.name?.startsWith('web-'));
    t.equal(revisions.length, 1, 'one ControllerRevision');
    const revision = revisions[0]!.metadata?.name;
    t.ok(pods.every((p) => p.metadata?.labels?.['controller-revision-hash'] === revision), 'pods carry the revision name');
    t.match((await getSts('web')).status, { replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: revision, updateRevision: revision, observedGeneration: 1 });
  });

  await t.test('a partitioned update replaces only ordinals at or above the partition, highest first', async (t) => {
    const before = await getSts('web');
    const oldRevision = before.status?.currentRevision;
    const uids = new Map((await podsOf('web')).map((p) => [p.metadata?.name, p.metadata?.uid]));
    const mark = timeline.length;
    await client.patch(STS, { namespace: NS, name: 'web' }, {
      spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, template: { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } },
    }, 'strategic');
    t.ok(await until(async () => {
      const s = (await getSts('web')).status;
      return s?.updatedReplicas === 2 && s.readyReplicas === 3 && s.observedGeneration === 2;
    }, 20_000), 'two pods updated');
    const status = (await getSts('web')).status!;
    t.not(status.updateRevision, oldRevision, 'a new update revision');
    t.equal(status.currentRevision, oldRevision, 'the partition keeps the current revision');
    t.equal(status.currentReplicas, 1);
    const pods = new Map((await podsOf('web')).map((p) => [p.metadata?.name, p]));
    t.equal(pods.get('web-0')?.metadata?.uid, uids.get('web-0'), 'web-0, below the partition, is untouched');
    t.equal(pods.get('web-0')?.spec?.containers[0]?.image, 'nginx:1.27');
    for (const name of ['web-1', 'web-2']) {
      t.not(pods.get(name)?.metadata?.uid, uids.get(name), `${name} was replaced`);
      t.equal(pods.get(name)?.spec?.containers[0]?.image, 'nginx:1.28');
      t.equal(pods.get(name)?.metadata?.labels?.['controller-revision-hash'], status.updateRevision);
    }
    const deletions = timeline.slice(mark).filter((e) => e.startsWith('deleted web-'));
    t.same(deletions, ['deleted web-2', 'deleted web-1'], 'highest ordinal first');
    t.notOk(timeline.slice(mark).includes('deleted web-0'));

    // dropping the partition finishes the rollout and makes the update revision current
    await client.patch(STS, { namespace: NS, name: 'web' }, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, 'strategic');
    t.ok(await until(async () => {
      const s = (await getSts('web')).status;
      return s?.updatedReplicas === 3 && s.readyReplicas === 3 && s.currentRevision === s.updateRevision;
    }, 20_000), 'rolled out');
    t.equal((await podsOf('web')).find((p) => p.metadata?.name === 'web-0')?.spec?.containers[0]?.image, 'nginx:1.28');
  });

  const version = '1.33';
  await t.test('kubectl rollout status, history and undo; scale down from the highest ordinal', { skip: existsSync(kubectlBinary(version)) ? false : `kubectl ${version} not installed` }, async (t) => {
    const status = await cluster.kubectl(version, ['-n', NS, 'rollout', 'status', 'statefulset/web', '--timeout=30s']);
    t.equal(status.code, 0, status.stderr);
    // partition is set (to 0), so kubectl reports a partitioned rollout, as on Kubernetes
    t.match(status.stdout, 'partitioned roll out complete: 3 new pods have been updated...');
    const history = await cluster.kubectl(version, ['-n', NS, 'rollout', 'history', 'statefulset/web']);
    t.equal(history.code, 0, history.stderr);
    t.match(history.stdout, /^1\s+<none>$/m);
    t.match(history.stdout, /^2\s+<none>$/m);
    const undo = await cluster.kubectl(version, ['-n', NS, 'rollout', 'undo', 'statefulset/web']);
    t.equal(undo.code, 0, undo.stderr);
    t.match(undo.stdout, 'statefulset.apps/web rolled back');
    const undone = await cluster.kubectl(version, ['-n', NS, 'rollout', 'status', 'statefulset/web', '--timeout=30s']);
    t.equal(undone.code, 0, undone.stderr);
    t.same((await podsOf('web')).map((p) => p.spec?.containers[0]?.image), ['nginx:1.27', 'nginx:1.27', 'nginx:1.27'], 'the first template is back');
    const revisions = (await client.list<ControllerRevision>(REVISIONS, { namespace: NS })).items.filter((r) => r.metadata?.name?.startsWith('web-'));
    t.same(revisions.map((r) => r.revision).sort(), [2, 3], 'the first revision is renumbered to the newest');
    const mark = timeline.length;
    const scaled = await cluster.kubectl(version, ['-n', NS, 'scale', 'statefulset/web', '--replicas=1']);
    t.equal(scaled.code, 0, scaled.stderr);
    t.ok(await until(async () => (await podsOf('web')).length === 1 && (await getSts('web')).status?.replicas === 1, 20_000), 'one pod left');
    t.same(timeline.slice(mark).filter((e) => e.startsWith('deleted web-')), ['deleted web-2', 'deleted web-1'], 'highest first');
    t.same(await claimNames(), ['www-web-0', 'www-web-1', 'www-web-2'], 'claims are retained');
  });

  await t.test('Parallel makes every pod at once; whenScaled Delete removes a condemned pod\'s claim', async (t) => {
    await client.create(STS, statefulSet('db', 3, { podManagementPolicy: 'Parallel', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }));
    t.ok(await until(async () => (await podsOf('db')).length === 3, 15_000), 'three pods');
    t.ok(await until(async () => (await getSts('db')).status?.readyReplicas === 3, 15_000));
    const db = timeline.filter((e) => / db-\d$/.test(e));
    t.same(db.slice(0, 3).map((e) => e.split(' ')[0]), ['created', 'created', 'created'], 'all three made before any is Ready');
    await client.patch(STS, { namespace: NS, name: 'db' }, { spec: { replicas: 2 } }, 'merge');
    t.ok(await until(async () => !(await claimNames()).includes('www-db-2'), 20_000), 'the claim of db-2 goes with it');
    t.ok((await claimNames()).includes('www-db-1'), 'the others stay');
    t.same((await podsOf('db')).map((p) => p.metadata?.name).sort(), ['db-0', 'db-1']);
  });

  await t.test('whenDeleted Delete: the claims go with the set; Retain keeps them', async (t) => {
    await client.create(STS, statefulSet('cache', 2, { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
    t.ok(await until(async () => (await getSts('cache')).status?.readyReplicas === 2, 15_000));
    const claim = await client.get<PersistentVolumeClaim>(PVCS, { namespace: NS, name: 'www-cache-0' });
    t.match(claim.metadata?.ownerReferences, [{ kind: 'StatefulSet', name: 'cache' }]);
    // db's policy changes to whenDeleted Delete: its existing claims get the set as owner
    await client.patch(STS, { namespace: NS, name: 'db' }, { spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' } } }, 'merge');
    t.ok(await until(async () => ((await client.get<PersistentVolumeClaim>(PVCS, { namespace: NS, name: 'www-db-0' })).metadata?.ownerReferences ?? []).some((r) => r.kind === 'StatefulSet'), 10_000), 'existing claims follow a policy change');
    await client.delete(STS, { namespace: NS, name: 'cache' });
    await client.delete(STS, { namespace: NS, name: 'web' });
    t.ok(await until(async () => !(await claimNames()).some((n) => n.startsWith('www-cache-')), 20_000), 'cache\'s claims are gone');
    t.ok(await until(async () => (await podsOf('web')).length === 0, 20_000), 'web\'s pods are gone');
    t.same((await claimNames()).filter((n) => n.startsWith('www-web-')), ['www-web-0', 'www-web-1', 'www-web-2'], 'web\'s claims are retained');
  });
});
