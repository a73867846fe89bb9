// `rudder up --sim-nodes 3`: the cluster comes up with a kubelet hosting three simulated nodes;
// kubectl shows them Ready, a pod made by kubectl runs on one of them (bound by the scheduler) with
// an address from that node's pod CIDR, the Deployment of examples/web.yaml becomes Available with
// its two pods running and its Service's EndpointSlice listing them, a DaemonSet gets one pod bound
// to each node (`kubectl rollout status` finishes), and `rudder down` stops the kubelet with the rest.
// Every component runs as its own identity: the apiserver's audit log shows the Deployment's pods
// created by the ServiceAccount replicaset-controller and the Nodes by the simulated nodes' kubelet,
// and each identity can do no more than its role allows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readAuditEvents, writeAuditPolicy } from '../helpers/audit-log.js';
import { kubectl } from '../helpers/kubectl.js';
import { ROOT } from '../helpers/paths.js';
import { until } from '../helpers/until.js';
import { rudder, alive, upWithSimNodes } from '../helpers/rudder-cli.js';

t.test('rudder up --sim-nodes 3: Ready nodes in kubectl and a pod that runs', async (t) => {
  // 1. up with three simulated nodes (and an audit log of pod and node creations); status lists their kubelet
  const auditDir = mkdtempSync(join(tmpdir(), 'rudder-sim-audit-'));
  t.teardown(() => rmSync(auditDir, { recursive: true, force: true }));
  const auditLog = join(auditDir, 'audit.log');
  writeAuditPolicy(join(auditDir, 'policy.json'), ['create'], ['pods', 'nodes']);
  const { up, dataDir, kubeconfig } = await upWithSimNodes(t, 3, { ...process.env, RUDDER_AUDIT_POLICY_FILE: join(auditDir, 'policy.json'), RUDDER_AUDIT_LOG_PATH: auditLog });
  t.equal(up.code, 0, up.stderr);
  const status = JSON.parse(rudder(['status', '--data-dir', dataDir, '-o', 'json']).stdout) as { components: { name: string; pid: number; healthy: boolean }[] };
  t.same(status.components.map((c) => [c.name, c.healthy]), [['apiserver', true], ['scheduler', true], ['controller-manager', true], ['dns', true], ['kubelet-sim', true]]);

  // 2. kubectl get nodes: three Ready nodes at the kubelet's version
  const nodes = await kubectl('1.33', kubeconfig, ['get', 'nodes', '--no-headers']);
  t.equal(nodes.code, 0, nodes.stderr);
  const rows = nodes.stdout.trim().split('\n').map((line) => line.split(/\s+/));
  t.same(rows.map((r) => [r[0], r[1]]), [['sim-node-0', 'Ready'], ['sim-node-1', 'Ready'], ['sim-node-2', 'Ready']]);
  t.ok(rows.every((r) => r[4] === 'v1.36.3+rudder'), 'VERSION is the kubelet\'s');

  // 3. a pod made by kubectl is scheduled, runs, and has an address of its node's pod CIDR
  const run = await kubectl('1.33', kubeconfig, ['run', 'hello', '--image=rudder.local/busybox:stable', '--restart=Never', '--', 'sleep', '3600']);
  t.equal(run.code, 0, run.stderr);
  t.ok(await until(async () => (await kubectl('1.33', kubeconfig, ['get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running', 20_000, 200), 'hello is Running');
  const wait = await kubectl('1.33', kubeconfig, ['wait', '--for=condition=Ready', 'pod/hello', '--timeout=20s']);
  t.equal(wait.code, 0, wait.stderr);
  const placed = (await kubectl('1.33', kubeconfig, ['get', 'pod', 'hello', '-o', 'jsonpath={.spec.nodeName} {.status.podIP}'])).stdout.split(' ');
  const cidr = (await kubectl('1.33', kubeconfig, ['get', 'node', placed[0]!, '-o', 'jsonpath={.spec.podCIDR}'])).stdout;
  t.equal(placed[1]?.split('.').slice(0, 3).join('.'), cidr.split('.').slice(0, 3).join('.'), `pod IP ${placed[1]} in ${cidr}`);
  const wide = await kubectl('1.27', kubeconfig, ['get', 'pods', '-o', 'wide', '--no-headers']);
  t.match(wide.stdout, /^hello\s+1\/1\s+Running\s+0\s+/m, 'kubectl 1.27 shows it 1/1 Running');

  // 4. deleting it (grace period 30 s) finishes as soon as the simulated container stopped
  const del = await kubectl('1.33', kubeconfig, ['delete', 'pod', 'hello', '--timeout=20s']);
  t.equal(del.code, 0, del.stderr);

  // 5. a Deployment (kubectl apply, as a user would) becomes Available: the controller-manager makes
  // its ReplicaSet and pods, the scheduler binds them, the kubelet runs them, and the Service's
  // EndpointSlice lists both pods as ready
  const applied = await kubectl('1.33', kubeconfig, ['apply', '-f', join(ROOT, 'examples', 'web.yaml')]);
  t.equal(applied.code, 0, applied.stderr);
  const available = await kubectl('1.33', kubeconfig, ['wait', '--for=condition=Available', 'deployment/web', '--timeout=60s']);
  t.equal(available.code, 0, available.stderr);
  const ready = await kubectl('1.27', kubeconfig, ['get', 'deployment', 'web', '--no-headers']);
  t.match(ready.stdout, /^web\s+2\/2\s+2\s+2\s+/m, 'kubectl 1.27 shows web 2/2');
  t.ok(
    await until(async () => {
      const slice = await kubectl('1.33', kubeconfig, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={range .items[*].endpoints[*]}{.conditions.ready} {end}']);
      return slice.stdout.trim() === 'true true';
    }, 20_000, 250),
    'the Service web has two ready endpoints',
  );

  // 5a. the controllers, the kubelet and the DNS act as themselves: the audit log names the
  // ServiceAccount replicaset-controller as the creator of web's pods and the kubelet's own user as
  // the creator of the Nodes; rudder up wrote kube-system/kube-dns; each identity is confined to its role
  const created = (resource: string, user: string) => readAuditEvents(auditLog).filter((e) => e.stage === 'ResponseComplete' && e.objectRef?.resource === resource && e.user.username === user && e.responseStatus?.code === 201);
  t.ok(await until(() => created('pods', 'system:serviceaccount:kube-system:replicaset-controller').length >= 2, 10_000, 100), "web's pods were created by system:serviceaccount:kube-system:replicaset-controller");
  t.equal(created('nodes', 'system:rudder:kubelet-sim').length, 3, 'the three Nodes were registered by system:rudder:kubelet-sim');
  t.equal((await kubectl('1.33', kubeconfig, ['get', 'service', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.spec.clusterIP}'])).stdout, '10.96.0.10', 'kube-dns is there');
  const canI = async (as: string[], ...args: string[]) => (await kubectl('1.33', kubeconfig, ['auth', 'can-i', ...as.map((a, i) => (i === 0 ? `--as=${a}` : `--as-group=${a}`)), ...args])).stdout.trim();
  const deploymentController = ['system:serviceaccount:kube-system:deployment-controller'];
  const kubeletSim = ['system:rudder:kubelet-sim', 'system:rudder:simulated-nodes'];
  const dns = ['system:rudder:dns'];
  t.same(
    [
      await canI(deploymentController, 'create', 'replicasets.apps'),
      await canI(deploymentController, 'create', 'secrets'),
      await canI(kubeletSim, 'patch', 'nodes/status'),
      await canI(kubeletSim, 'update', 'leases.coordination.k8s.io', '-n', 'kube-node-lease'),
      await canI(kubeletSim, 'update', 'leases.coordination.k8s.io', '-n', 'default'),
      await canI(kubeletSim, 'get', 'secrets', '-A'),
      await canI(dns, 'watch', 'endpointslices.discovery.k8s.io', '-A'),
      await canI(dns, 'update', 'services', '-n', 'kube-system'),
    ],
    ['yes', 'no', 'yes', 'yes', 'no', 'no', 'yes', 'no'],
    'each identity has its role and no more',
  );

  // 5b. a DaemonSet gets one pod on each simulated node, bound there by the scheduler
  const agent = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'rudder.local/busybox:stable', command: ['sleep', '3600'] }] } } } };
  const dsApplied = await kubectl('1.33', kubeconfig, ['apply', '-f', '-'], JSON.stringify(agent));
  t.equal(dsApplied.code, 0, dsApplied.stderr);
  const dsRollout = await kubectl('1.33', kubeconfig, ['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
  t.equal(dsRollout.code, 0, dsRollout.stderr);
  const dsRow = await kubectl('1.33', kubeconfig, ['get', 'ds', 'agent', '--no-headers']);
  t.match(dsRow.stdout, /^agent\s+3\s+3\s+3\s+3\s+3\s/m, 'kubectl get ds: DESIRED 3, CURRENT 3, READY 3');
  const dsNodes = await kubectl('1.33', kubeconfig, ['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={range .items[*]}{.spec.nodeName} {end}']);
  t.equal(new Set(dsNodes.stdout.trim().split(' ')).size, 3, 'one agent pod bound to each node');

  // 6. down stops the kubelet too
  t.equal(rudder(['down', '--data-dir', dataDir]).code, 0);
  t.ok(status.components.every((c) => !alive(c.pid)), 'no component is left running');
});
