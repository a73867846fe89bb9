// `rudder up --sim-nodes 3`, as a user drives it with kubectl: a StatefulSet of 3 starts web-0,
// web-1, web-2 in that order on the simulated nodes (the scheduler binds, the simulated kubelets
// run them), each with its PersistentVolumeClaim from the template; a partitioned update replaces
// only the ordinals at or above the partition. Then a PodDisruptionBudget over the set gets its
// status from the disruption controller, and `kubectl drain` of a node evicts only as far as it
// allows (nothing at minAvailable 3; at 2 the drain finishes while the set makes the evicted pod
// again elsewhere).
import t from 'tap';
import { kubectl } from '../helpers/kubectl.js';
import { upWithSimNodes } from '../helpers/rudder-cli.js';
import { until } from '../helpers/until.js';

const MANIFEST = `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
  serviceName: web
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: rudder.local/nginx:1.27
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

t.test('rudder up --sim-nodes 3: a StatefulSet in order, a partitioned update, a drain under a budget', async (t) => {
  const { up, kubeconfig } = await upWithSimNodes(t, 3);
  t.equal(up.code, 0, up.stderr);
  const k = (args: string[], input?: string) => kubectl('1.33', kubeconfig, args, input);
  const jsonpath = async (args: string[], path: string): Promise<string> => (await k([...args, '-o', `jsonpath=${path}`])).stdout;

  // 1. the set starts 0, 1, 2 in order, each pod with its claim
  const applied = await k(['apply', '-f', '-'], MANIFEST);
  t.equal(applied.code, 0, applied.stderr);
  const status = await k(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
  t.equal(status.code, 0, status.stderr);
  const started = await jsonpath(['get', 'pods', '-l', 'app=web', '--sort-by=.metadata.creationTimestamp'], '{range .items[*]}{.metadata.name} {.status.startTime} {.spec.nodeName}{"\\n"}{end}');
  const rows = started.trim().split('\n').map((line) => line.split(' '));
  t.same(rows.map((r) => r[0]), ['web-0', 'web-1', 'web-2'], 'created in ordinal order');
  t.ok(rows.every((r) => /^sim-node-\d$/.test(r[2] ?? '')), 'on simulated nodes');
  // Each pod is created only after the one before it is Ready: its creation is not before its predecessor's start.
  const times = await jsonpath(['get', 'pods', '-l', 'app=web'], '{range .items[*]}{.metadata.name} {.metadata.creationTimestamp} {.status.conditions[?(@.type=="Ready")].lastTransitionTime}{"\\n"}{end}');
  const byName = new Map(times.trim().split('\n').map((line) => {
    const [name, created, ready] = line.split(' ');
    return [name, { created: Date.parse(created ?? ''), ready: Date.parse(ready ?? '') }];
  }));
  t.ok(byName.get('web-1')!.created >= byName.get('web-0')!.ready, 'web-1 made once web-0 was Ready');
  t.ok(byName.get('web-2')!.created >= byName.get('web-1')!.ready, 'web-2 made once web-1 was Ready');
  const claims = await jsonpath(['get', 'pvc'], '{.items[*].metadata.name}');
  t.same(claims.split(' ').sort(), ['www-web-0', 'www-web-1', 'www-web-2']);
  const shown = await k(['get', 'statefulset', 'web', '--no-headers']);
  t.match(shown.stdout, /^web\s+3\/3\s+/m, 'kubectl shows 3/3 ready');

  // 2. a partitioned update touches only web-1 and web-2
  const uid0 = await jsonpath(['get', 'pod', 'web-0'], '{.metadata.uid}');
  const patched = await k(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}}}']);
  t.equal(patched.code, 0, patched.stderr);
  t.equal((await k(['set', 'image', 'statefulset/web', 'nginx=rudder.local/nginx:1.28'])).code, 0);
  const partitioned = await k(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
  t.equal(partitioned.code, 0, partitioned.stderr);
  t.match(partitioned.stdout, 'partitioned roll out complete: 2 new pods have been updated...');
  const images = await jsonpath(['get', 'pods', '-l', 'app=web'], '{range .items[*]}{.metadata.name}={.spec.containers[0].image} {end}');
  t.same(images.trim().split(' ').sort(), ['web-0=rudder.local/nginx:1.27', 'web-1=rudder.local/nginx:1.28', 'web-2=rudder.local/nginx:1.28']);
  t.equal(await jsonpath(['get', 'pod', 'web-0'], '{.metadata.uid}'), uid0, 'web-0 is the same pod');

  // 3. a budget over the set: at minAvailable 3 a drain of web-0's node evicts nothing, at 2 it finishes
  t.equal((await k(['create', 'pdb', 'web', '--selector=app=web', '--min-available=3'])).code, 0);
  t.ok(await until(async () => (await jsonpath(['get', 'pdb', 'web'], '{.status.currentHealthy}/{.status.desiredHealthy}/{.status.expectedPods}/{.status.disruptionsAllowed}')) === '3/3/3/0', 15_000, 200), 'the budget allows no disruption');
  const node = await jsonpath(['get', 'pod', 'web-0'], '{.spec.nodeName}');
  const web0 = await jsonpath(['get', 'pod', 'web-0'], '{.metadata.uid}');
  const refused = await k(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=8s']);
  t.not(refused.code, 0, 'the drain cannot finish');
  t.match(refused.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
  t.equal(await jsonpath(['get', 'pod', 'web-0'], '{.metadata.uid}'), web0, 'web-0 stays');
  t.equal((await k(['patch', 'pdb', 'web', '-p', '{"spec":{"minAvailable":2}}'])).code, 0);
  t.ok(await until(async () => (await jsonpath(['get', 'pdb', 'web'], '{.status.disruptionsAllowed}')) === '1', 15_000, 200), 'the budget allows one disruption');
  const drained = await k(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=90s']);
  t.equal(drained.code, 0, drained.stderr);
  t.match(drained.stdout, new RegExp(`node/${node} drained`));
  t.ok(await until(async () => (await jsonpath(['get', 'statefulset', 'web'], '{.status.readyReplicas}')) === '3', 60_000, 200), 'the set is whole again');
  const placed = await jsonpath(['get', 'pods', '-l', 'app=web'], '{range .items[*]}{.spec.nodeName} {end}');
  t.notOk(placed.split(' ').includes(node), 'no pod of the set on the drained node');
});
