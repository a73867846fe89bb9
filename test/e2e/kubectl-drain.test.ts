// `kubectl drain` (1.27 and 1.33) against a real apiserver: the node is cordoned, its pods are
// evicted through pods/eviction as far as their PodDisruptionBudget allows, and the rest are
// reported as Kubernetes reports them. There is no kubelet here: the test plays its part, deleting
// each evicted (terminating) pod with grace period 0 as a kubelet does once its containers stopped.
// Nothing computes PDB status either: the test writes it through /status as the disruption
// controller would.
import t from 'tap';
import { startApiserver, type ApiserverProcess } from '../../lib/launch/apiserver-process.js';
import { kubectl } from '../helpers/kubectl.js';
import { KUBECTL_VERSIONS } from '../helpers/paths.js';
import { rest } from '../helpers/rest.js';

let server: ApiserverProcess;

t.before(async () => {
  server = await startApiserver();
});

t.teardown(async () => {
  await server.stop();
});

interface PodItem {
  metadata: { name: string; namespace: string; deletionTimestamp?: string };
}

/** The kubelet's last step for pods being deleted on its node: remove them (grace period 0). */
function playKubelet(node: string): () => void {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const list = await rest(server, 'GET', `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`);
      for (const pod of list.json<{ items: PodItem[] }>().items ?? []) {
        if (!pod.metadata.deletionTimestamp) continue;
        await rest(server, 'DELETE', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}?gracePeriodSeconds=0`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return () => {
    stopped = true;
    void loop;
  };
}

for (const version of KUBECTL_VERSIONS) {
  const ns = `drain-${version.replace('.', '')}`;
  const node = `node-${version.replace('.', '')}`;

  t.test(`kubectl ${version} drains a node as far as the disruption budget allows`, async (t) => {
    const run = (...args: string[]) => kubectl(version, server.kubeconfig, args);
    t.equal((await run('create', 'namespace', ns)).code, 0);
    const created = await rest(server, 'POST', '/api/v1/nodes', { metadata: { name: node }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    t.equal(created.status, 201, 'the node');

    // 1. three running, ready pods of a ReplicaSet on the node, and a budget that lets one go
    const rs = await rest(server, 'POST', `/apis/apps/v1/namespaces/${ns}/replicasets`, {
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    t.equal(rs.status, 201, 'the replica set');
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.json<{ metadata: { uid: string } }>().metadata.uid, controller: true };
    for (const name of ['web-a', 'web-b', 'web-c']) {
      const pod = await rest(server, 'POST', `/api/v1/namespaces/${ns}/pods`, {
        metadata: { name, labels: { app: 'web' }, ownerReferences: [owner] },
        spec: { nodeName: node, containers: [{ name: 'web', image: 'nginx' }], volumes: [{ name: 'scratch', emptyDir: {} }] },
      });
      t.equal(pod.status, 201, name);
      const status = await rest(
        server,
        'PATCH',
        `/api/v1/namespaces/${ns}/pods/${name}/status`,
        { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
        { 'content-type': 'application/merge-patch+json' },
      );
      t.equal(status.status, 200, `${name} runs`);
    }
    const pdb = await run('-n', ns, 'create', 'pdb', 'web', '--selector=app=web', '--min-available=2');
    t.equal(pdb.stdout.trim(), 'poddisruptionbudget.policy/web created', pdb.stderr);
    const budget = await rest(
      server,
      'PATCH',
      `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/web/status`,
      { status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    t.equal(budget.status, 200, 'the budget status');

    // 2. drain: one pod is evicted, the others are refused with Kubernetes' message until the timeout
    const stopKubelet = playKubelet(node);
    t.teardown(stopKubelet);
    const drained = await run('drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=8s');
    t.not(drained.code, 0, 'the budget keeps two pods, so the drain cannot finish');
    t.match(drained.stdout, new RegExp(`node/${node} cordoned`));
    t.match(drained.stderr + drained.stdout, /evicting pod drain-\d+\/web-[abc]/);
    t.match(
      drained.stderr,
      new RegExp(`error when evicting pods/"web-[abc]" -n "${ns}" \\(will retry after 5s\\): Cannot evict pod as it would violate the pod's disruption budget\\.`),
    );
    t.match(drained.stdout, /pod\/web-[abc] evicted/);

    // 3. what is left: two pods, the node cordoned, the budget spent and the evicted pod recorded
    const left = await run('-n', ns, 'get', 'pods', '-o', 'name');
    t.equal(left.stdout.trim().split('\n').length, 2, left.stdout);
    const cordoned = await run('get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}');
    t.equal(cordoned.stdout, 'true');
    const spent = await rest(server, 'GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/web`);
    const status = spent.json<{ status: { disruptionsAllowed: number; disruptedPods: Record<string, string> } }>().status;
    t.equal(status.disruptionsAllowed, 0);
    t.equal(Object.keys(status.disruptedPods).length, 1);
    const table = await run('-n', ns, 'get', 'pdb');
    t.match(table.stdout, /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/m);
    t.match(table.stdout, /^web\s+2\s+N\/A\s+0\s+\d+s$/m);
  });
}
