// The controllers that clean up, through the apiserver: pod GC force-deletes the pods of a node
// that was deleted (marking them Failed with DisruptionTarget DeletionByPodGC first), terminating
// pods on a node out of service, and the oldest finished pods beyond --terminated-pod-gc-threshold; the TTL-after-finished controller
// deletes a finished Job ttlSecondsAfterFinished after it finished (in the foreground, the garbage
// collector finishing the deletion); PVC protection lets a deleted
// claim go once no pod uses it, and PV protection a deleted volume that is not Bound.
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { StatusError } from '../../lib/api/status.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import { Informer } from '../../lib/client/informer.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { until } from '../helpers/until.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;
const JOBS = findResource('batch', 'v1', 'jobs')!;
const PVCS = findResource('', 'v1', 'persistentvolumeclaims')!;
const PVS = findResource('', 'v1', 'persistentvolumes')!;
const NS = 'default';

function pod(name: string, node: string | undefined, extra: { labels?: Record<string, string>; claim?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      ...(node ? { nodeName: node } : {}),
      containers: [{ name: 'c', image: 'busybox' }],
      ...(extra.claim ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: extra.claim } }] } : {}),
    },
  };
}

async function gone(client: RestClient, resource: typeof PODS, name: string, namespace?: string): Promise<boolean> {
  try {
    await client.get(resource, { namespace, name });
    return false;
  } catch (error) {
    if (error instanceof StatusError && error.status.code === 404) return true;
    throw error;
  }
}

t.test('cleanup controllers', async (t) => {
  const cluster = await startControllerCluster(t, {
    controllerManagerArgs: ['--controllers', 'podgc,ttl-after-finished,pvc-protection,pv-protection,garbagecollector', '--terminated-pod-gc-threshold=2'],
    // Pods labelled finished stay Pending for the test to finish them; terminating pods stay for pod GC.
    kubelet: { holdBack: (p) => p.metadata?.labels?.finished === 'yes', keepTerminating: true },
  });
  const { client } = cluster;

  await t.test('pods of a deleted node are marked Failed and removed', async (t) => {
    await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'doomed' } });
    await client.create(PODS, pod('orphan-a', 'doomed'));
    await client.create(PODS, pod('orphan-b', 'doomed'));
    await client.create(PODS, pod('stays', undefined));
    const watcher = new Informer({ client, bus: new HttpBus(client), resource: PODS });
    const lastSeen = new Map<string, Pod>();
    watcher.addEventHandler({ onUpdate: (_b, p) => lastSeen.set(p.metadata?.name ?? '', p as Pod) });
    watcher.start();
    t.teardown(() => watcher.stop());
    t.ok(await watcher.waitForSync(10_000));
    t.ok(await until(async () => (await client.get<Pod>(PODS, { namespace: NS, name: 'orphan-a' })).status?.phase === 'Running', 10_000), 'running');

    await client.delete(NODES, { name: 'doomed' });
    t.ok(await until(async () => (await gone(client, PODS, 'orphan-a', NS)) && (await gone(client, PODS, 'orphan-b', NS)), 10_000), 'both pods removed');
    // The watch delivers the update before the deletion, but it may trail the GETs above.
    t.ok(await until(() => lastSeen.get('orphan-a')?.status?.phase === 'Failed', 10_000), 'marked Failed first');
    const last = lastSeen.get('orphan-a');
    t.match(last?.status?.conditions?.find((c) => c.type === 'DisruptionTarget'), { status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    t.notOk(await gone(client, PODS, 'stays', NS), 'an unscheduled pod is not an orphan');
  });

  await t.test('a terminating pod on a node out of service is marked Failed and removed', async (t) => {
    await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'broken' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    await client.create(PODS, pod('stuck', 'broken'));
    t.ok(await until(async () => (await client.get<Pod>(PODS, { namespace: NS, name: 'stuck' })).status?.phase === 'Running', 10_000), 'running');
    await client.delete(PODS, { namespace: NS, name: 'stuck' });
    await new Promise((r) => setTimeout(r, 500));
    t.notOk(await gone(client, PODS, 'stuck', NS), 'a Ready node\'s terminating pod waits for its kubelet');
    await client.patch(NODES, { name: 'broken', subresource: 'status' }, { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] } }, 'strategic');
    await client.patch(NODES, { name: 'broken' }, { spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } }, 'merge');
    t.ok(await until(() => gone(client, PODS, 'stuck', NS), 10_000), 'force-deleted');
  });

  await t.test('finished pods beyond the threshold go, oldest first', async (t) => {
    for (const name of ['done-1', 'done-2', 'done-3', 'done-4']) {
      await client.create(PODS, pod(name, undefined, { labels: { finished: 'yes' } }));
      await client.patch(PODS, { namespace: NS, name, subresource: 'status' }, { status: { phase: 'Succeeded' } }, 'merge');
      await new Promise((r) => setTimeout(r, 1100)); // creationTimestamp has a resolution of one second
    }
    // The sweep runs every 20 seconds.
    t.ok(await until(async () => (await gone(client, PODS, 'done-1', NS)) && (await gone(client, PODS, 'done-2', NS)), 30_000, 200), 'the two oldest are deleted');
    t.notOk(await gone(client, PODS, 'done-3', NS));
    t.notOk(await gone(client, PODS, 'done-4', NS));
    t.notOk(await gone(client, PODS, 'stays', NS), 'a pod that has not finished is kept');
  });

  await t.test('a finished Job goes ttlSecondsAfterFinished after it finished', async (t) => {
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once', namespace: NS },
      spec: { ttlSecondsAfterFinished: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    await client.create(JOBS, job);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const finished = Date.now();
    await client.patch(JOBS, { namespace: NS, name: 'once', subresource: 'status' }, {
      status: {
        startTime: now,
        completionTime: now,
        succeeded: 1,
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: now, lastProbeTime: now },
          { type: 'Complete', status: 'True', lastTransitionTime: now, lastProbeTime: now },
        ],
      },
    }, 'merge');
    await new Promise((r) => setTimeout(r, 500));
    t.notOk(await gone(client, JOBS, 'once', NS), 'kept before its TTL');
    t.ok(await until(() => gone(client, JOBS, 'once', NS), 10_000), 'deleted after it');
    t.ok(Date.now() - finished >= 1000, 'not before the TTL (one-second timestamps)');
  });

  await t.test('a deleted claim goes once no pod uses it; an unbound volume goes', async (t) => {
    await client.create(PVCS, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: NS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    await client.create(PODS, pod('user', 'n-any', { claim: 'data' }));
    await client.delete(PVCS, { namespace: NS, name: 'data' });
    await new Promise((r) => setTimeout(r, 700));
    const held = await client.get<PersistentVolumeClaim>(PVCS, { namespace: NS, name: 'data' });
    t.ok(held.metadata?.deletionTimestamp, 'being deleted');
    t.same(held.metadata?.finalizers, ['kubernetes.io/pvc-protection'], 'held while a pod uses it');
    await client.delete(PODS, { namespace: NS, name: 'user' }, { gracePeriodSeconds: 0 });
    t.ok(await until(() => gone(client, PVCS, 'data', NS), 10_000), 'gone once the pod is');

    await client.create(PVS, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'vol' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/vol' } } });
    await client.delete(PVS, { name: 'vol' });
    t.ok(await until(() => gone(client, PVS, 'vol'), 10_000), 'an unbound volume goes');
  });
});
