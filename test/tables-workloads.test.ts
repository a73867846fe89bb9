// Table rows of the workloads, disruption and scheduling kinds, as Kubernetes' printers
// (pkg/printers/internalversion) build them: columns, wide columns and cell formats.
import t from 'tap';
import type { KubeObject } from '../lib/api/object.js';
import { tableColumns } from '../lib/api/tables/index.js';
import { cells, created, info, names } from './helpers/table-rows.js';

const containers = [
  { name: 'app', image: 'busybox:1.36' },
  { name: 'side', image: 'envoy:1.30' },
];

t.test('Jobs: status from conditions, completions, duration', async (t) => {
  const jobs = info('batch', 'v1', 'jobs');
  t.same(names(tableColumns(jobs), false), ['Name', 'Status', 'Completions', 'Duration', 'Age']);
  t.same(names(tableColumns(jobs), true), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
  const job = (spec: object, status: object, meta: object = {}): KubeObject => ({
    metadata: { name: 'pi', ...created, ...meta },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, template: { spec: { containers } }, ...spec },
    status,
  });
  t.same(cells(jobs, job({ completions: 3 }, { succeeded: 1, startTime: '2024-05-01T11:58:00Z' })), [
    'pi',
    'Running',
    '1/3',
    '2m',
    '60m',
    'app,side',
    'busybox:1.36,envoy:1.30',
    'batch.kubernetes.io/controller-uid=u1',
  ]);
  const done = job({ completions: 1 }, { succeeded: 1, startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:00:42Z', conditions: [{ type: 'Complete', status: 'True' }] });
  t.same(cells(jobs, done).slice(1, 4), ['Complete', '1/1', '42s']);
  t.same(cells(jobs, job({ parallelism: 3 }, {})).slice(1, 4), ['Running', '0/1 of 3', ''], 'a work queue job');
  t.same(cells(jobs, job({ completions: 2 }, { conditions: [{ type: 'Failed', status: 'True' }] })).slice(1, 2), ['Failed']);
  t.same(cells(jobs, job({ completions: 2 }, { conditions: [{ type: 'Suspended', status: 'True' }] })).slice(1, 2), ['Suspended']);
  t.same(cells(jobs, job({ completions: 2 }, {}, { deletionTimestamp: '2024-05-01T11:59:00Z' })).slice(1, 2), ['Terminating']);
});

t.test('CronJobs: schedule, time zone, suspend, active and last schedule', async (t) => {
  const cronjobs = info('batch', 'v1', 'cronjobs');
  t.same(names(tableColumns(cronjobs), false), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age']);
  const cronJob: KubeObject = {
    metadata: { name: 'hourly', ...created },
    spec: { schedule: '@hourly', suspend: false, jobTemplate: { spec: { template: { spec: { containers } } } } },
    status: { active: [{ name: 'hourly-1' }], lastScheduleTime: '2024-05-01T11:00:00Z' },
  };
  t.same(cells(cronjobs, cronJob), ['hourly', '@hourly', '<none>', 'False', 1, '60m', '60m', 'app,side', 'busybox:1.36,envoy:1.30', '<none>']);
  t.same(cells(cronjobs, { ...cronJob, spec: { schedule: '0 1 * * *', timeZone: 'Europe/Paris' }, status: {} }).slice(1, 6), ['0 1 * * *', 'Europe/Paris', '<unset>', 0, '<none>']);
});

t.test('StatefulSets, ReplicationControllers, PodTemplates and ControllerRevisions', async (t) => {
  const sts = info('apps', 'v1', 'statefulsets');
  t.same(names(tableColumns(sts), true), ['Name', 'Ready', 'Age', 'Containers', 'Images']);
  t.same(cells(sts, { metadata: { name: 'db', ...created }, spec: { replicas: 3, template: { spec: { containers } } }, status: { readyReplicas: 2 } }), ['db', '2/3', '60m', 'app,side', 'busybox:1.36,envoy:1.30']);

  const rc = info('', 'v1', 'replicationcontrollers');
  t.same(names(tableColumns(rc), false), ['Name', 'Desired', 'Current', 'Ready', 'Age']);
  t.same(cells(rc, { metadata: { name: 'web', ...created }, spec: { replicas: 2, selector: { tier: 'a', app: 'web' }, template: { spec: { containers } } }, status: { replicas: 2, readyReplicas: 1 } }), [
    'web',
    2,
    2,
    1,
    '60m',
    'app,side',
    'busybox:1.36,envoy:1.30',
    'app=web,tier=a',
  ]);

  const podTemplates = info('', 'v1', 'podtemplates');
  t.same(names(tableColumns(podTemplates), false), ['Name', 'Containers', 'Images', 'Pod Labels']);
  t.same(cells(podTemplates, { metadata: { name: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } }), ['web', 'app,side', 'busybox:1.36,envoy:1.30', 'app=web']);

  const revisions = info('apps', 'v1', 'controllerrevisions');
  const owned = { metadata: { name: 'db-5f7c', ...created, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] }, revision: 2 };
  t.same(cells(revisions, owned), ['db-5f7c', 'statefulset.apps/db', 2, '60m']);
  t.same(cells(revisions, { metadata: { name: 'loose', ...created }, revision: 1 }).slice(0, 2), ['loose', '<none>']);
});

t.test('PodDisruptionBudgets and PriorityClasses', async (t) => {
  const pdbs = info('policy', 'v1', 'poddisruptionbudgets');
  t.same(names(tableColumns(pdbs), true), ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
  t.same(cells(pdbs, { metadata: { name: 'web', ...created }, spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }), ['web', '50%', 'N/A', 1, '60m']);
  t.same(cells(pdbs, { metadata: { name: 'db', ...created }, spec: { maxUnavailable: 1 } }), ['db', 'N/A', '1', 0, '60m']);

  const classes = info('scheduling.k8s.io', 'v1', 'priorityclasses');
  t.same(names(tableColumns(classes), false), ['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy'], 'the preemption policy is not a wide column');
  t.same(cells(classes, { metadata: { name: 'high', ...created }, value: 1000, globalDefault: true, preemptionPolicy: 'Never' }), ['high', 1000, true, '60m', 'Never']);
});

t.test('HorizontalPodAutoscalers, from either version', async (t) => {
  const v2 = info('autoscaling', 'v2', 'horizontalpodautoscalers');
  const v1 = info('autoscaling', 'v1', 'horizontalpodautoscalers');
  t.same(names(tableColumns(v2), true), ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age']);
  const hpa: KubeObject = {
    apiVersion: 'autoscaling/v2',
    metadata: { name: 'web', ...created },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      ],
    },
    status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }] },
  };
  t.same(cells(v2, hpa), ['web', 'Deployment/web', 'cpu: 35%/50%, memory: <unknown>/500Mi + 1 more...', '1', 5, 2, '60m']);
  const fromV1: KubeObject = {
    apiVersion: 'autoscaling/v1',
    metadata: { name: 'api', ...created },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, maxReplicas: 3, targetCPUUtilizationPercentage: 80 },
    status: { currentReplicas: 1, desiredReplicas: 1 },
  };
  t.same(cells(v1, fromV1), ['api', 'Deployment/api', 'cpu: <unknown>/80%', '<unset>', 3, 1, '60m']);
});
