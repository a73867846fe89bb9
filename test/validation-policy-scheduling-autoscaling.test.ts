// policy/v1 PodDisruptionBudgets, scheduling.k8s.io/v1 PriorityClasses and autoscaling
// HorizontalPodAutoscalers (both versions; v1 objects are validated as the v2 objects they are
// stored as, so their errors name v2 fields): Kubernetes 1.36's rules with the field each 422 names.
import t from 'tap';
import { hpaV1ToV2, hpaV2ToV1 } from '../lib/api/conversion/hpa.js';
import { type Obj, createProblems, edited, set, statusProblems, stored, unset, updateProblems } from './validation-fixtures.js';

function pdb(): Obj {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } };
}

function priorityClass(): Obj {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 };
}

function hpa(): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
  };
}

function hpaV1(): Obj {
  return { ...hpa(), apiVersion: 'autoscaling/v1', spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } };
}

t.test('PodDisruptionBudget', async (t) => {
  t.same(createProblems(pdb()), []);
  t.same(createProblems(edited(pdb(), (o) => set(o, 'spec.maxUnavailable', '10%'))), [
    'spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:&intstr.IntOrString{Type:0, IntVal:2, StrVal:""}, Selector:&v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}, MaxUnavailable:&intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}, UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set',
  ]);
  t.same(createProblems(edited(pdb(), (o) => set(o, 'spec.minAvailable', '120%'))), ['spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%']);
  t.same(createProblems(edited(pdb(), (o) => set(o, 'spec.minAvailable', -1))), ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']);
  t.same(createProblems(edited(pdb(), (o) => set(o, 'spec.unhealthyPodEvictionPolicy', 'Never'))), [
    'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
  ]);
  t.same(createProblems(edited(pdb(), (o) => set(o, 'spec.selector', { matchExpressions: [{ key: 'app', operator: 'Near' }] }))), [
    'spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
  ]);
  const old = stored(pdb());
  t.same(updateProblems(edited(old, (o) => set(o, 'spec.minAvailable', 1)), old), [], 'the spec may change');
  t.same(statusProblems(edited(old, (o) => set(o, 'status', { disruptionsAllowed: -1 })), old), ['status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0']);
});

t.test('PriorityClass', async (t) => {
  t.same(createProblems(priorityClass()), []);
  t.same(createProblems(edited(priorityClass(), (o) => set(o, 'value', 1_000_000_001))), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  t.same(createProblems(edited(priorityClass(), (o) => set(o, 'metadata.name', 'system-mine'))), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
  ]);
  t.same(createProblems(edited(priorityClass(), (o) => set(o, 'metadata.name', 'system-node-critical'))), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000",
  ]);
  t.same(createProblems({ ...priorityClass(), metadata: { name: 'system-cluster-critical' }, value: 2000000000 }), [], 'the built-in classes');
  t.same(createProblems(edited(priorityClass(), (o) => set(o, 'preemptionPolicy', 'Sometimes'))), [
    'preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"',
  ]);
  const old = stored(priorityClass());
  t.same(updateProblems(edited(old, (o) => set(o, 'description', 'now described')), old), []);
  t.same(updateProblems(edited(old, (o) => set(o, 'value', 2000)), old), ['value: Forbidden: may not be changed in an update.']);
  t.same(updateProblems(edited(old, (o) => set(o, 'preemptionPolicy', 'Never')), old), ['preemptionPolicy: Invalid value: "Never": field is immutable']);
});

t.test('HorizontalPodAutoscaler v2', async (t) => {
  t.same(createProblems(hpa()), []);
  const cases: [string, (o: Obj) => void, string[]][] = [
    [
      'no maxReplicas (below the defaulted minReplicas too)',
      (o) => unset(o, 'spec.maxReplicas'),
      ['spec.maxReplicas: Required value: must be set and greater than 0', 'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`'],
    ],
    ['minReplicas above maxReplicas', (o) => set(o, 'spec.minReplicas', 6), ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`']],
    [
      'minReplicas 0 (scaling to zero is off)',
      (o) => set(o, 'spec.minReplicas', 0),
      ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1', 'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas'],
    ],
    ['a target without kind', (o) => unset(o, 'spec.scaleTargetRef.kind'), ['spec.scaleTargetRef.kind: Required value']],
    ['a bad apiVersion', (o) => set(o, 'spec.scaleTargetRef.apiVersion', 'apps/v1/x'), ['spec.scaleTargetRef.apiVersion: Invalid value: "apps/v1/x": unexpected GroupVersion string: apps/v1/x']],
    [
      'a utilization of 0',
      (o) => set(o, 'spec.metrics', [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }]),
      ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0'],
    ],
    [
      'a metric of the wrong source',
      (o) => set(o, 'spec.metrics', [{ type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]),
      ['spec.metrics[0].pods: Required value: must populate information for the given metric source'],
    ],
    [
      'two metric sources',
      (o) =>
        set(o, 'spec.metrics', [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } }, pods: { metric: { name: 'x' }, target: { type: 'AverageValue', averageValue: '1' } } },
        ]),
      ['spec.metrics[0].pods: Forbidden: must populate the given metric source only'],
    ],
    [
      'a scaling policy without policies',
      (o) => set(o, 'spec.behavior', { scaleUp: { policies: [] } }),
      ['spec.behavior.scaleUp.policies: Required value: must specify at least one Policy'],
    ],
    [
      'a stabilization window above an hour',
      (o) => set(o, 'spec.behavior', { scaleDown: { stabilizationWindowSeconds: 3601 } }),
      ['spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600'],
    ],
  ];
  for (const [name, edit, expected] of cases) t.same(createProblems(edited(hpa(), edit)), expected, name);
  const old = stored(hpa());
  t.same(statusProblems(edited(old, (o) => set(o, 'status', { currentReplicas: -1, desiredReplicas: 0 })), old), ['status.currentReplicas: Invalid value: -1: must be greater than or equal to 0']);
});

t.test('HorizontalPodAutoscaler v1 is validated as the v2 object it is stored as', async (t) => {
  t.same(createProblems(hpaV1()), []);
  t.same(createProblems(edited(hpaV1(), (o) => set(o, 'spec.targetCPUUtilizationPercentage', 0))), [
    'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
  ]);
  t.same(createProblems(edited(hpaV1(), (o) => set(o, 'spec.maxReplicas', 0))), [
    'spec.maxReplicas: Required value: must be set and greater than 0',
    'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`',
  ]);
});

t.test('v1 <-> v2: the CPU target is a Resource metric; what v1 cannot say travels in annotations', async (t) => {
  const v2 = hpaV1ToV2(hpaV1());
  t.same((v2.spec as { metrics: unknown }).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
  const withoutTarget = hpaV1ToV2(edited(hpaV1(), (o) => unset(o, 'spec.targetCPUUtilizationPercentage')));
  t.same((withoutTarget.spec as { metrics: unknown }).metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }], 'the default CPU target');

  const rich: Obj = edited(hpa(), (o) => {
    set(o, 'spec.metrics', [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Pods', pods: { metric: { name: 'requests' }, target: { type: 'AverageValue', averageValue: '10' } } },
    ]);
    set(o, 'spec.behavior', { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] } });
    set(o, 'status', {
      currentReplicas: 2,
      desiredReplicas: 2,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '200m', averageUtilization: 40 } } }],
      conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z', reason: 'ReadyForNewScale', message: 'ok' }],
    });
  });
  const v1 = hpaV2ToV1(rich);
  const annotations = (v1.metadata?.annotations ?? {}) as Record<string, string>;
  t.equal((v1.spec as { targetCPUUtilizationPercentage: number }).targetCPUUtilizationPercentage, 60);
  t.equal((v1.status as { currentCPUUtilizationPercentage: number }).currentCPUUtilizationPercentage, 40);
  t.same(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/metrics']!), [{ type: 'Pods', pods: { metricName: 'requests', targetAverageValue: '10' } }]);
  t.same(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/behavior']!), {
    ScaleDown: { StabilizationWindowSeconds: 60, SelectPolicy: 'Min', Policies: [{ Type: 'Pods', Value: 1, PeriodSeconds: 30 }] },
  });
  t.ok(annotations['autoscaling.alpha.kubernetes.io/conditions']);
  t.ok(annotations['autoscaling.alpha.kubernetes.io/current-metrics']);
  const back = hpaV1ToV2(v1);
  t.same(back.spec, {
    scaleTargetRef: (rich.spec as { scaleTargetRef: unknown }).scaleTargetRef,
    maxReplicas: 5,
    metrics: [
      { type: 'Pods', pods: { metric: { name: 'requests' }, target: { type: 'AverageValue', averageValue: '10' } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
    ],
    behavior: (rich.spec as { behavior: unknown }).behavior,
  }, 'a round trip keeps every metric (the CPU one last, as Kubernetes orders them) and the behavior');
  t.same((back.status as { conditions: unknown }).conditions, (rich.status as { conditions: unknown }).conditions);
  t.notOk(back.metadata?.annotations, 'the round-trip annotations are not stored');
});
