// The workloads, disruption and scheduling kinds through the real kubectl (1.27 and 1.33) against a
// real apiserver, table-driven: each kind is created from a manifest and, where kubectl has one,
// by its `kubectl create` command; listed wide and by label; watched while it changes; replaced;
// patched with each patch type; deleted; explained; and listed by `kubectl api-resources` as
// Kubernetes lists it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { kubectl } from '../helpers/kubectl.js';
import { type KindCase, kindStory } from '../helpers/kubectl-kind-story.js';
import { KUBECTL_VERSIONS } from '../helpers/paths.js';


const container = `{name: app, image: 'busybox:1.36', command: [sleep, '3600']}`;

const CASES: KindCase[] = [
  {
    resource: 'jobs',
    printed: 'job.batch',
    namespaced: true,
    manifest: (name) => `
apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  template:
    spec: {restartPolicy: Never, containers: [${container}]}
`,
    create: (name) => ['create', 'job', name, '--image=busybox:1.36', '--', 'echo', 'hi'],
    wideHeader: /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m,
    apiResource: /^jobs\s+batch\/v1\s+true\s+Job$/m,
    explainKind: 'Job',
  },
  {
    resource: 'cronjobs',
    printed: 'cronjob.batch',
    namespaced: true,
    manifest: (name) => `
apiVersion: batch/v1
kind: CronJob
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  schedule: '*/10 * * * *'
  timeZone: Europe/Paris
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: OnFailure, containers: [${container}]}
`,
    create: (name) => ['create', 'cronjob', name, '--image=busybox:1.36', '--schedule=@hourly'],
    wideHeader: /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m,
    apiResource: /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m,
    explainKind: 'CronJob',
  },
  {
    resource: 'statefulsets',
    printed: 'statefulset.apps',
    namespaced: true,
    manifest: (name) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  serviceName: ${name}
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [${container}]}
`,
    wideHeader: /^NAME\s+READY\s+AGE\s+CONTAINERS\s+IMAGES$/m,
    apiResource: /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m,
    explainKind: 'StatefulSet',
  },
  {
    resource: 'controllerrevisions',
    printed: 'controllerrevision.apps',
    namespaced: true,
    manifest: (name) => `
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: ${name}, labels: {tier: e2e}}
revision: 1
data: {spec: {template: {metadata: {labels: {app: web}}}}}
`,
    wideHeader: /^NAME\s+CONTROLLER\s+REVISION\s+AGE$/m,
    apiResource: /^controllerrevisions\s+apps\/v1\s+true\s+ControllerRevision$/m,
    explainKind: 'ControllerRevision',
  },
  {
    resource: 'replicationcontrollers',
    printed: 'replicationcontroller',
    namespaced: true,
    manifest: (name) => `
apiVersion: v1
kind: ReplicationController
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [${container}]}
`,
    wideHeader: /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m,
    apiResource: /^replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController$/m,
    explainKind: 'ReplicationController',
  },
  {
    resource: 'podtemplates',
    printed: 'podtemplate',
    namespaced: true,
    manifest: (name) => `
apiVersion: v1
kind: PodTemplate
metadata: {name: ${name}, labels: {tier: e2e}}
template:
  metadata: {labels: {app: ${name}}}
  spec: {containers: [${container}]}
`,
    wideHeader: /^NAME\s+CONTAINERS\s+IMAGES\s+POD LABELS$/m,
    apiResource: /^podtemplates\s+v1\s+true\s+PodTemplate$/m,
    explainKind: 'PodTemplate',
  },
  {
    resource: 'poddisruptionbudgets',
    printed: 'poddisruptionbudget.policy',
    namespaced: true,
    manifest: (name) => `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ${name}, labels: {tier: e2e}}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: ${name}}}}
`,
    create: (name) => ['create', 'pdb', name, '--selector=app=web', '--max-unavailable=25%'],
    wideHeader: /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/m,
    apiResource: /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m,
    explainKind: 'PodDisruptionBudget',
  },
  {
    resource: 'priorityclasses',
    printed: 'priorityclass.scheduling.k8s.io',
    namespaced: false,
    manifest: (name) => `
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: ${name}, labels: {tier: e2e}}
value: 1000
description: e2e
`,
    create: (name) => ['create', 'priorityclass', name, '--value=500', '--description=made by kubectl'],
    wideHeader: /^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY$/m,
    apiResource: /^priorityclasses\s+pc\s+scheduling\.k8s\.io\/v1\s+false\s+PriorityClass$/m,
    explainKind: 'PriorityClass',
  },
  {
    resource: 'horizontalpodautoscalers',
    printed: 'horizontalpodautoscaler.autoscaling',
    namespaced: true,
    manifest: (name) => `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ${name}, labels: {tier: e2e}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  maxReplicas: 4
  metrics: [{type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}}]
`,
    before: (name) => ['create', 'deployment', name, '--image=nginx:1.25'],
    create: (name) => ['autoscale', 'deployment', name, '--min', '1', '--max', '3', '--cpu-percent', '50'],
    createdWord: 'autoscaled',
    wideHeader: /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m,
    apiResource: /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
    explainKind: 'HorizontalPodAutoscaler',
  },
];

let server: ApiserverProcess;
let dir: string;

t.before(async () => {
  server = await startApiserver();
  dir = mkdtempSync(join(tmpdir(), 'rudder-kubectl-workloads-'));
});

t.teardown(async () => {
  await server.stop();
});

for (const version of KUBECTL_VERSIONS) {
  const tag = version.replace('.', '');
  const ns = `workloads-${tag}`;
  const run = (...args: string[]) => kubectl(version, server.kubeconfig, args);

  t.test(`kubectl ${version}: api-resources lists the kinds as Kubernetes does`, async (t) => {
    const resources = await run('api-resources');
    t.equal(resources.code, 0, resources.stderr);
    for (const c of CASES) t.match(resources.stdout, c.apiResource, c.resource);
    const all = await run('api-resources', '--categories=all', '-o', 'name');
    for (const name of ['jobs.batch', 'cronjobs.batch', 'statefulsets.apps', 'replicationcontrollers', 'horizontalpodautoscalers.autoscaling']) t.match(all.stdout, new RegExp(`^${name.replace(/\./g, '\\.')}$`, 'm'));
    t.equal((await run('create', 'namespace', ns)).code, 0);
  });

  for (const c of CASES) {
    t.test(`kubectl ${version}: ${c.resource}`, async (t) => kindStory(t, c, { version, kubeconfig: server.kubeconfig, namespace: ns, dir, tag }));
  }
}
