// Deployments, ReplicaSets and DaemonSets: selectors, templates, strategies, status, and the
// apps/v1 rule that selectors do not change.
import t from 'tap';
import {
  type Obj,
  createProblems,
  daemonSet,
  deployment,
  edited,
  replicaSet,
  set,
  statusProblems,
  stored,
  unset,
  updateProblems,
} from './validation-fixtures.js';

function broken(make: () => Obj, edit: (o: Obj) => void): Obj {
  const o = make();
  edit(o);
  return o;
}

t.test('valid workloads pass once defaulted', async (t) => {
  for (const make of [deployment, replicaSet, daemonSet]) t.same(createProblems(make()), [], String(make().kind));
});

const TEMPLATE_MISMATCH = 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`';

const deploymentCases: [string, (o: Obj) => void, string[]][] = [
  ['no selector', (o) => unset(o, 'spec.selector'), ['spec.selector: Required value', TEMPLATE_MISMATCH]],
  ['selector that misses the template', (o) => set(o, 'spec.selector.matchLabels.app', 'api'), [TEMPLATE_MISMATCH]],
  [
    'empty selector',
    (o) => set(o, 'spec.selector', {}),
    ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
  ],
  [
    'selector expression without values',
    (o) => set(o, 'spec.selector', { matchExpressions: [{ key: 'app', operator: 'In' }] }),
    [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
    ],
  ],
  ['negative replicas', (o) => set(o, 'spec.replicas', -1), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
  [
    'pods that do not restart',
    (o) => set(o, 'spec.template.spec.restartPolicy', 'Never'),
    ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
  ],
  [
    'pods with a deadline',
    (o) => set(o, 'spec.template.spec.activeDeadlineSeconds', 60),
    ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
  ],
  ['template container without image', (o) => unset(o, 'spec.template.spec.containers[0].image'), ['spec.template.spec.containers[0].image: Required value']],
  [
    'template label value (reported without "metadata")',
    (o) => {
      set(o, 'spec.template.metadata.labels.tier', 'front end');
    },
    [
      "spec.template.labels: Invalid value: \"front end\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
  ],
  [
    'unknown strategy',
    (o) => set(o, 'spec.strategy', { type: 'BlueGreen' }),
    ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'],
  ],
  [
    'Recreate with rolling-update settings',
    (o) => set(o, 'spec.strategy', { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }),
    ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  ],
  [
    'maxUnavailable that is not a percentage',
    (o) => set(o, 'spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 'half' } }),
    [
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"half\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ],
  ],
  [
    'maxUnavailable over 100%',
    (o) => set(o, 'spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } }),
    ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%'],
  ],
  [
    'no surge and no unavailability',
    (o) => set(o, 'spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } }),
    ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
  ],
  [
    'negative maxSurge',
    (o) => set(o, 'spec.strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: -1 } }),
    ['spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0'],
  ],
  [
    'progress deadline within minReadySeconds',
    (o) => set(set(o, 'spec.minReadySeconds', 30), 'spec.progressDeadlineSeconds', 30),
    ['spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds'],
  ],
  ['negative history limit', (o) => set(o, 'spec.revisionHistoryLimit', -1), ['spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
];

for (const [name, edit, expected] of deploymentCases) {
  t.test(`Deployment: ${name}`, async (t) => {
    t.same(createProblems(broken(deployment, edit)), expected);
  });
}

t.test('ReplicaSet rules', async (t) => {
  t.same(createProblems(broken(replicaSet, (o) => unset(o, 'spec.selector'))), ['spec.selector: Required value', TEMPLATE_MISMATCH]);
  t.same(createProblems(broken(replicaSet, (o) => set(o, 'spec.minReadySeconds', -5))), ['spec.minReadySeconds: Invalid value: -5: must be greater than or equal to 0']);
  // Kubernetes names deployments in this ReplicaSet message too.
  t.same(createProblems(broken(replicaSet, (o) => set(o, 'spec.selector', { matchLabels: {} }))), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

t.test('DaemonSet rules', async (t) => {
  t.same(createProblems(broken(daemonSet, (o) => set(o, 'spec.selector.matchLabels.app', 'db'))), [TEMPLATE_MISMATCH]);
  t.same(createProblems(broken(daemonSet, (o) => set(o, 'spec.updateStrategy', { type: 'Rolling' }))), [
    'spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Rolling", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"',
  ]);
  t.same(createProblems(broken(daemonSet, (o) => set(o, 'spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }))), [
    'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
  ]);
  t.same(createProblems(broken(daemonSet, (o) => set(o, 'spec.updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }))), [
    'spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
  ]);
  t.same(createProblems(broken(daemonSet, (o) => set(o, 'spec.updateStrategy', { type: 'OnDelete' }))), []);
});

t.test('apps/v1 selectors are immutable; replicas and template are not', async (t) => {
  for (const make of [deployment, replicaSet, daemonSet]) {
    const old = stored(make());
    t.same(
      updateProblems(
        edited(old, (o) => {
          set(o, 'spec.template.spec.containers[0].image', 'nginx:1.26');
          if (make !== daemonSet) set(o, 'spec.replicas', 5);
        }),
        old,
      ),
      [],
      `${String(make().kind)} scale and rollout`,
    );
    t.same(
      updateProblems(
        edited(old, (o) => {
          set(o, 'spec.selector.matchLabels.app', 'web2');
          set(o, 'spec.template.metadata.labels.app', 'web2');
        }),
        old,
      ),
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'],
      `${String(make().kind)} selector`,
    );
  }
});

t.test('status updates: counts are non-negative and consistent', async (t) => {
  const old = stored(deployment());
  const ok = edited(old, (o) => set(o, 'status', { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 }));
  t.same(statusProblems(ok, old), []);
  t.same(statusProblems(edited(ok, (o) => set(o, 'status.readyReplicas', 3)), old), [
    'status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas',
  ]);
  t.same(statusProblems(edited(ok, (o) => set(o, 'status.availableReplicas', -1)), old), [
    'status.availableReplicas: Invalid value: -1: must be greater than or equal to 0',
  ]);
  const collided = edited(old, (o) => set(o, 'status.collisionCount', 2));
  t.same(statusProblems(edited(collided, (o) => set(o, 'status.collisionCount', 1)), collided), [
    'status.collisionCount: Invalid value: 1: cannot be decremented',
  ]);
  const rs = stored(replicaSet());
  t.same(statusProblems(edited(rs, (o) => set(o, 'status', { replicas: 1, fullyLabeledReplicas: 2 })), rs), [
    'status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas',
  ]);
  const ds = stored(daemonSet());
  t.same(statusProblems(edited(ds, (o) => set(o, 'status', { desiredNumberScheduled: -1 })), ds), [
    'status.desiredNumberScheduled: Invalid value: -1: must be greater than or equal to 0',
  ]);
});
