// The arithmetic of the StatefulSet, disruption, pod GC, TTL-after-finished and PVC protection
// controllers, as Kubernetes computes it: ordinals and claim names, the pod and claims of an
// ordinal, a budget's expected and desired counts, which finished pods go, when a Job expires, and
// when a pod holds a claim.
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import t from 'tap';
import { revisionData, templateOfRevision } from '../services/controller-manager/controller-history.js';
import { budgetCounts } from '../services/controller-manager/disruption.js';
import { isOutOfService, terminatedPodsOverThreshold } from '../services/controller-manager/pod-gc.js';
import { claimName, claimOwners, ordinalOf, statefulClaims, statefulPod, type StatefulSetObject } from '../services/controller-manager/stateful-set.js';
import { expiresAt } from '../services/controller-manager/ttl-after-finished.js';
import { podUsesClaim } from '../services/controller-manager/volume-protection.js';

const set: StatefulSetObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'prod', uid: 'u1' },
  spec: {
    serviceName: 'db-headless',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'postgres' }], volumes: [{ name: 'data', emptyDir: {} }, { name: 'scratch', emptyDir: {} }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data', labels: { tier: 'disk' } }, spec: { accessModes: ['ReadWriteOnce'] } }],
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
  },
} as StatefulSet as StatefulSetObject;

t.test('ordinals and claim names', async (t) => {
  t.equal(ordinalOf('db', 'db-0'), 0);
  t.equal(ordinalOf('db', 'db-12'), 12);
  t.equal(ordinalOf('db', 'db-01'), undefined, 'a leading zero is not an ordinal');
  t.equal(ordinalOf('db', 'db-x'), undefined);
  t.equal(ordinalOf('db', 'dbx-1'), undefined);
  t.equal(ordinalOf('db', 'db-web-1'), undefined, 'another set\'s pod');
  t.equal(claimName('data', 'db', 2), 'data-db-2');
});

t.test('the pod of an ordinal: stable name, hostname, subdomain, labels, its claim in place of the template volume', async (t) => {
  const pod = statefulPod(set, set.spec!.template, 'db-abc', 2);
  t.equal(pod.metadata?.name, 'db-2');
  t.equal(pod.spec?.hostname, 'db-2');
  t.equal(pod.spec?.subdomain, 'db-headless');
  t.same(pod.metadata?.labels, { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-2', 'apps.kubernetes.io/pod-index': '2', 'controller-revision-hash': 'db-abc' });
  t.same(pod.spec?.volumes, [{ name: 'scratch', emptyDir: {} }, { name: 'data', persistentVolumeClaim: { claimName: 'data-db-2' } }]);
  t.match(pod.metadata?.ownerReferences, [{ kind: 'StatefulSet', name: 'db', uid: 'u1', controller: true }]);
  t.same(set.spec?.template.spec?.volumes?.length, 2, 'the template is not changed');
});

t.test('the claims of an ordinal, owned by the set when whenDeleted is Delete', async (t) => {
  const [claim] = statefulClaims(set, 1);
  t.equal(claim?.metadata?.name, 'data-db-1');
  t.same(claim?.metadata?.labels, { tier: 'disk', app: 'db' });
  t.match(claim?.metadata?.ownerReferences, [{ kind: 'StatefulSet', name: 'db', uid: 'u1' }]);
  const retained = statefulClaims({ ...set, spec: { ...set.spec!, persistentVolumeClaimRetentionPolicy: undefined } }, 1);
  t.notOk(retained[0]?.metadata?.ownerReferences, 'Retain (the default): no owner');
});

t.test('claim owners follow the retention policy', async (t) => {
  const pod: Pod = { metadata: { name: 'db-3', uid: 'p3' } };
  const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'x1' };
  const policy = (whenDeleted: string, whenScaled: string): StatefulSet => ({ ...set, spec: { ...set.spec!, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } } });
  const claim = (uids: string[]) => ({ metadata: { ownerReferences: uids.map((uid) => (uid === 'x1' ? other : { apiVersion: 'v', kind: 'K', name: 'n', uid })) } });
  const uids = (refs: { uid: string }[] | undefined) => refs?.map((r) => r.uid).sort();
  t.equal(claimOwners(policy('Retain', 'Retain'), claim(['x1']), pod, true), undefined, 'Retain: nothing to change');
  t.same(uids(claimOwners(policy('Retain', 'Retain'), claim(['u1', 'p3', 'x1']), pod, false)), ['x1'], 'Retain drops the set and pod, keeps others');
  t.same(claimOwners(policy('Delete', 'Retain'), claim([]), pod, false), [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u1' }], 'whenDeleted Delete: the set, not as controller');
  t.same(uids(claimOwners(policy('Retain', 'Delete'), claim([]), pod, true)), ['p3'], 'whenScaled Delete: a scaled-down pod owns its claim');
  t.equal(claimOwners(policy('Retain', 'Delete'), claim([]), pod, false), undefined, 'not for a pod in range');
  t.same(uids(claimOwners(policy('Delete', 'Delete'), claim(['u1']), pod, true)), ['p3'], 'both Delete, scaled down: the pod instead of the set');
  t.same(uids(claimOwners(policy('Delete', 'Delete'), claim(['p3']), pod, false)), ['u1'], 'both Delete, back in range: the set instead of the pod');
});

t.test('a revision records the template and gives it back', async (t) => {
  const template = set.spec!.template;
  t.same(templateOfRevision({ revision: 1, data: revisionData(template) }), template);
});

t.test('budget counts: integer minAvailable counts pods; percent and maxUnavailable use the controllers\' scale', async (t) => {
  const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({ spec });
  const scale = (n: number) => async () => n;
  const never = async (): Promise<number> => {
    throw new Error('scale read for an integer minAvailable');
  };
  t.same(await budgetCounts(pdb({ minAvailable: 2 }), 3, never), { expectedPods: 3, desiredHealthy: 2 });
  t.same(await budgetCounts(pdb({ minAvailable: '50%' }), 3, scale(5)), { expectedPods: 5, desiredHealthy: 3 }, 'percent rounded up');
  t.same(await budgetCounts(pdb({ maxUnavailable: 1 }), 3, scale(4)), { expectedPods: 4, desiredHealthy: 3 });
  t.same(await budgetCounts(pdb({ maxUnavailable: '30%' }), 3, scale(4)), { expectedPods: 4, desiredHealthy: 2 }, '30% of 4 rounds up to 2 unavailable');
  t.same(await budgetCounts(pdb({ maxUnavailable: 9 }), 3, scale(4)), { expectedPods: 4, desiredHealthy: 0 }, 'never below zero');
});

t.test('pod GC keeps the newest finished pods up to the threshold', async (t) => {
  const pod = (name: string, phase: string, created: string, deleting = false): Pod => ({ metadata: { name, creationTimestamp: created, ...(deleting ? { deletionTimestamp: created } : {}) }, status: { phase } });
  const pods = [
    pod('new', 'Succeeded', '2026-01-03T00:00:00Z'),
    pod('old', 'Failed', '2026-01-01T00:00:00Z'),
    pod('running', 'Running', '2025-01-01T00:00:00Z'),
    pod('mid', 'Succeeded', '2026-01-02T00:00:00Z'),
    pod('going', 'Succeeded', '2025-01-01T00:00:00Z', true),
  ];
  t.same(terminatedPodsOverThreshold(pods, 1).map((p) => p.metadata?.name), ['old', 'mid']);
  t.same(terminatedPodsOverThreshold(pods, 3), []);
  t.same(terminatedPodsOverThreshold(pods, 0), [], '0 keeps them all');
});

t.test('a node is out of service when not Ready and tainted node.kubernetes.io/out-of-service', async (t) => {
  const taint = { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' };
  const node = (ready: string, taints = [taint]) => ({ spec: { taints }, status: { conditions: [{ type: 'Ready', status: ready }] } });
  t.ok(isOutOfService(node('False')));
  t.ok(isOutOfService(node('Unknown')));
  t.notOk(isOutOfService(node('True')), 'a Ready node still has its kubelet');
  t.notOk(isOutOfService(node('False', [])), 'an untainted node may come back');
});

t.test('a Job expires ttlSecondsAfterFinished after its Complete or Failed condition', async (t) => {
  const finishedAt = '2026-01-01T00:00:00Z';
  t.equal(expiresAt({ spec: { ttlSecondsAfterFinished: 30, template: {} }, status: { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: finishedAt }] } }), Date.parse(finishedAt) + 30_000);
  t.equal(expiresAt({ spec: { ttlSecondsAfterFinished: 0, template: {} }, status: { conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: finishedAt }] } }), Date.parse(finishedAt));
  t.equal(expiresAt({ spec: { ttlSecondsAfterFinished: 30, template: {} }, status: {} }), undefined, 'not finished');
  t.equal(expiresAt({ spec: { template: {} }, status: { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: finishedAt }] } }), undefined, 'no TTL');
});

t.test('a pod holds a claim until it finishes', async (t) => {
  const pod = (phase: string): Pod => ({ metadata: { name: 'p' }, spec: { containers: [], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }, { name: 'e', ephemeral: {} }] }, status: { phase } });
  t.ok(podUsesClaim(pod('Running'), 'data'));
  t.ok(podUsesClaim(pod('Pending'), 'p-e'), 'a generic ephemeral volume\'s claim');
  t.notOk(podUsesClaim(pod('Succeeded'), 'data'));
  t.notOk(podUsesClaim(pod('Running'), 'other'));
});
