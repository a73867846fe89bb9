// apps/v1 StatefulSets and ControllerRevisions, and core/v1 ReplicationControllers and PodTemplates:
// Kubernetes 1.36's rules with the field each 422 names, including the StatefulSet spec fields an
// update may not change and the ReplicationController selector defaulted from its template.
import t from 'tap';
import { type Obj, createProblems, edited, get, set, statusProblems, stored, unset, updateProblems } from './validation-fixtures.js';
import { applyDefaults } from '../lib/api/defaults/index.js';
import { info } from './validation-fixtures.js';

function template(labels: Record<string, string> = { app: 'db' }): Obj {
  return { metadata: { labels }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } } as Obj;
}

function statefulSet(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: { serviceName: 'db', replicas: 3, selector: { matchLabels: { app: 'db' } }, template: template() },
  };
}

function replicationController(): Obj {
  return { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 2, template: template({ app: 'web' }) } };
}

const FORBIDDEN_SPEC =
  "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

t.test('StatefulSet defaults as Kubernetes 1.36 sets them', async (t) => {
  const o = statefulSet();
  unset(o, 'spec.replicas');
  set(o, 'spec.volumeClaimTemplates', [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }]);
  applyDefaults(info(o), o);
  t.same(get(o, 'spec.replicas'), 1);
  t.same(get(o, 'spec.podManagementPolicy'), 'OrderedReady');
  t.same(get(o, 'spec.updateStrategy'), { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  t.same(get(o, 'spec.persistentVolumeClaimRetentionPolicy'), { whenDeleted: 'Retain', whenScaled: 'Retain' });
  t.same(get(o, 'spec.revisionHistoryLimit'), 10);
  t.same(get(o, 'spec.volumeClaimTemplates[0].spec.volumeMode'), 'Filesystem');
  t.same(get(o, 'spec.volumeClaimTemplates[0].status'), { phase: 'Pending' });
});

t.test('StatefulSet create', async (t) => {
  t.same(createProblems(statefulSet()), []);
  const cases: [string, (o: Obj) => void, string[]][] = [
    // Pod names repeat the StatefulSet's, so it must be a DNS label.
    ['a name that is not a DNS label', (o) => set(o, 'metadata.name', 'db.primary'), ['metadata.name: Invalid value: "db.primary": must not contain dots']],
    ['unknown pod management policy', (o) => set(o, 'spec.podManagementPolicy', 'Random'), ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]],
    ['negative partition', (o) => set(o, 'spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: -1 } }), ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0']],
    ['OnDelete with rolling-update settings', (o) => set(o, 'spec.updateStrategy', { type: 'OnDelete', rollingUpdate: { partition: 1 } }), [
      "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{...}: only allowed for updateStrategy 'RollingUpdate'",
    ]],
    ['empty selector', (o) => set(o, 'spec.selector', {}), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset']],
    ['selector that misses the template', (o) => set(o, 'spec.selector.matchLabels.app', 'web'), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: `selector` does not match template `labels`']],
    ['pods that do not restart', (o) => set(o, 'spec.template.spec.restartPolicy', 'Never'), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['unknown retention policy', (o) => set(o, 'spec.persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Keep' }), [
      'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
    ]],
    ['negative start ordinal', (o) => set(o, 'spec.ordinals', { start: -1 }), ['spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0']],
    ['a service name that is not a DNS label', (o) => set(o, 'spec.serviceName', 'DB'), [
      "spec.serviceName: Invalid value: \"DB\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]],
  ];
  for (const [name, edit, expected] of cases) t.same(createProblems(edited(statefulSet(), edit)), expected, name);
});

t.test('StatefulSet update: only the listed spec fields may change', async (t) => {
  const old = stored(statefulSet());
  for (const [field, value] of [
    ['spec.replicas', 5],
    ['spec.template.spec.containers[0].image', 'postgres:17'],
    ['spec.updateStrategy', { type: 'OnDelete' }],
    ['spec.minReadySeconds', 10],
    ['spec.revisionHistoryLimit', 3],
    ['spec.ordinals', { start: 1 }],
    ['spec.persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Delete', whenScaled: 'Retain' }],
  ] as const) {
    t.same(updateProblems(edited(old, (o) => set(o, field, value)), old), [], field);
  }
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.serviceName', 'other')), old), [FORBIDDEN_SPEC]);
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.podManagementPolicy', 'Parallel')), old), [FORBIDDEN_SPEC]);
});

t.test('StatefulSet status', async (t) => {
  const old = stored(statefulSet());
  t.same(statusProblems(edited(old, (o) => set(o, 'status', { replicas: 1, readyReplicas: 2, availableReplicas: 2 })), old), [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
});

t.test('ControllerRevision: data is required and immutable, revision is not negative', async (t) => {
  const revision: Obj = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'db-5f7c', namespace: 'default' }, revision: 1, data: { spec: {} } };
  t.same(createProblems(revision), []);
  t.same(createProblems(edited(revision, (o) => unset(o, 'data'))), ['data: Required value: data is mandatory']);
  t.same(createProblems(edited(revision, (o) => set(o, 'revision', -1))), ['revision: Invalid value: -1: must be greater than or equal to 0']);
  const old = stored(revision);
  t.same(updateProblems(edited(old, (o) => set(o, 'revision', 2)), old), [], 'the revision number may change');
  t.same(updateProblems(edited(old, (o) => set(o, 'data', { spec: { x: 1 } })), old), ['data: Invalid value: runtime.RawExtension{...}: field is immutable']);
});

t.test('ReplicationController: selector and labels default from the template', async (t) => {
  const o = replicationController();
  applyDefaults(info(o), o);
  t.same(get(o, 'spec.selector'), { app: 'web' });
  t.same(get(o, 'metadata.labels'), { app: 'web' });
  const own = set(replicationController(), 'spec.selector', { app: 'web' });
  set(own, 'metadata.labels', { team: 'a' });
  applyDefaults(info(own), own);
  t.same(get(own, 'metadata.labels'), { team: 'a' }, 'labels of its own are kept');
});

t.test('ReplicationController create, update and status', async (t) => {
  t.same(createProblems(replicationController()), []);
  t.same(createProblems(edited(replicationController(), (o) => set(o, 'spec.selector', { app: 'api' }))), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ]);
  t.same(createProblems(edited(replicationController(), (o) => unset(o, 'spec.template.metadata.labels'))), ['spec.selector: Required value']);
  t.same(createProblems(edited(replicationController(), (o) => set(o, 'spec.replicas', -1))), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  t.same(createProblems(edited(replicationController(), (o) => set(o, 'spec.template.spec.activeDeadlineSeconds', 5))), [
    'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported',
  ]);
  const old = stored(replicationController());
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.replicas', 4)), old), []);
  t.same(statusProblems(edited(old, (o) => set(o, 'status', { replicas: 1, readyReplicas: 1, availableReplicas: 2 })), old), [
    'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas',
  ]);
});

t.test('PodTemplate: its template is validated as a pod template', async (t) => {
  const podTemplate: Obj = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'web', namespace: 'default' }, template: template({ app: 'web' }) };
  t.same(createProblems(podTemplate), []);
  t.same(createProblems(edited(podTemplate, (o) => unset(o, 'template.spec.containers[0].image'))), ['template.spec.containers[0].image: Required value']);
});
