// Deployments as a user drives them with kubectl 1.27 and 1.33, the controller-manager doing the
// work and a kubelet stand-in marking pods Ready: apply creates a ReplicaSet and pods with owner
// references and pod-template-hash; a deleted pod is replaced; scaling down deletes the pods
// Kubernetes ranks first; a rolling update stays within maxSurge and maxUnavailable at every
// observed step; rollout status, history, undo, pause, resume and restart behave as on Kubernetes; Recreate
// never runs old and new pods together; a stuck rollout exceeds its progress deadline.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { join } from 'node:path';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import { Informer } from '../../lib/client/informer.js';
import type { RestClient } from '../../lib/client/rest-client.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { KUBECTL_VERSIONS, ROOT } from '../helpers/paths.js';
import { until } from '../helpers/until.js';

const PODS = findResource('', 'v1', 'pods')!;
const RS = findResource('apps', 'v1', 'replicasets')!;
const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;

async function pods(client: RestClient, namespace: string, selector: string): Promise<Pod[]> {
  return (await client.list<Pod>(PODS, { namespace, labelSelector: selector })).items;
}

async function replicaSets(client: RestClient, namespace: string): Promise<ReplicaSet[]> {
  return (await client.list<ReplicaSet>(RS, { namespace })).items;
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

t.test('kubectl apply, replace a deleted pod, scale down by rank, roll out within the surge, undo, pause and resume', async (t) => {
  // Pods labelled hold=yes never turn Ready (a stuck rollout); the others after 150 ms.
  const cluster = await startControllerCluster(t, { kubelet: { readyAfterMs: 150, holdBack: (pod) => pod.metadata?.labels?.hold === 'yes' } });
  const { client } = cluster;

  for (const version of KUBECTL_VERSIONS) {
    const ns = `web-${version.replace('.', '-')}`;
    const kc = (...args: string[]): ReturnType<typeof cluster.kubectl> => cluster.kubectl(version, ['-n', ns, ...args]);
    await t.test(`kubectl ${version}`, async (t) => {
      // 1. apply the example: one ReplicaSet owned by the Deployment, two pods owned by it, one hash
      t.equal((await cluster.kubectl(version, ['create', 'namespace', ns])).code, 0);
      const applied = await kc('apply', '-f', join(ROOT, 'examples', 'web.yaml'));
      t.equal(applied.code, 0, applied.stderr);
      const status = await kc('rollout', 'status', 'deployment/web', '--timeout=30s');
      t.equal(status.code, 0, status.stderr);
      t.match(status.stdout, 'deployment "web" successfully rolled out');
      const deployment = await client.get<Deployment>(DEPLOYMENTS, { namespace: ns, name: 'web' });
      const [rs, ...more] = await replicaSets(client, ns);
      t.equal(more.length, 0, 'one ReplicaSet');
      const hash = rs!.metadata?.labels?.['pod-template-hash'];
      t.ok(hash, 'the ReplicaSet has a pod-template-hash');
      t.equal(rs!.metadata?.name, `web-${hash}`);
      t.same(rs!.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deployment.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
      t.equal(rs!.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
      t.equal(deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
      t.match(deployment.status?.conditions, [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }]);
      const first = await pods(client, ns, 'app=web');
      t.equal(first.length, 2);
      for (const pod of first) {
        t.equal(pod.metadata?.labels?.['pod-template-hash'], hash);
        t.same(pod.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs!.metadata?.name, uid: rs!.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
      }

      // 1b. kubectl describe shows the controllers' events
      t.ok(await until(async () => /ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ from 0 to 2/.test((await kc('describe', 'deployment', 'web')).stdout), 10_000), 'ScalingReplicaSet on the Deployment');
      t.ok(await until(async () => /SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-\w+-\w+/.test((await kc('describe', 'replicaset', rs!.metadata!.name!)).stdout), 10_000), 'SuccessfulCreate on the ReplicaSet');

      // 2. a deleted pod is replaced
      const victim = first[0]!.metadata!.name!;
      t.equal((await kc('delete', 'pod', victim, '--wait=false')).code, 0);
      t.ok(await until(async () => {
        const now = await pods(client, ns, 'app=web');
        return now.length === 2 && !now.some((p) => p.metadata?.name === victim) && now.every(isReady);
      }, 20_000), 'a new pod replaces the deleted one');

      // 3. scale to 4, then down to 2: the not-ready pod goes first, then the cheapest to delete
      t.equal((await kc('scale', 'deployment/web', '--replicas=4')).code, 0);
      t.ok(await until(async () => (await pods(client, ns, 'app=web')).filter(isReady).length === 4, 20_000), '4 ready pods');
      const four = await pods(client, ns, 'app=web');
      const notReady = four[0]!.metadata!.name!;
      const cheap = four[1]!.metadata!.name!;
      await client.patch(PODS, { namespace: ns, name: notReady, subresource: 'status' }, { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, 'strategic');
      t.equal((await kc('annotate', 'pod', cheap, 'controller.kubernetes.io/pod-deletion-cost=-100')).code, 0);
      await until(async () => !isReady(await client.get<Pod>(PODS, { namespace: ns, name: notReady })), 5000);
      t.equal((await kc('scale', 'deployment/web', '--replicas=2')).code, 0);
      t.ok(await until(async () => (await pods(client, ns, 'app=web')).length === 2, 20_000), 'scaled down to 2');
      const left = (await pods(client, ns, 'app=web')).map((p) => p.metadata?.name);
      t.notOk(left.includes(notReady), 'the not-ready pod was deleted');
      t.notOk(left.includes(cheap), 'the pod with the lowest deletion cost was deleted');

      // 4. a rolling update of 3 replicas with maxSurge=1, maxUnavailable=0, watched pod by pod
      t.equal((await kc('patch', 'deployment/web', '-p', '{"spec":{"replicas":3,"strategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}}}')).code, 0);
      t.equal((await kc('rollout', 'status', 'deployment/web', '--timeout=30s')).code, 0);
      const timeline = new Informer<Pod & { [k: string]: unknown }>({ client, bus: new HttpBus(client), resource: PODS, namespace: ns, labelSelector: 'app=web' });
      let maxPods = 0;
      let minReady = Infinity;
      const observe = (): void => {
        const live = timeline.indexer.list().filter((p) => !p.metadata?.deletionTimestamp);
        maxPods = Math.max(maxPods, live.length);
        minReady = Math.min(minReady, live.filter(isReady).length);
      };
      timeline.addEventHandler({ onAdd: observe, onUpdate: observe, onDelete: observe });
      timeline.start();
      t.ok(await timeline.waitForSync(10_000));
      t.equal((await kc('set', 'image', 'deployment/web', 'web=nginx:1.28')).code, 0);
      const rolled = await kc('rollout', 'status', 'deployment/web', '--timeout=60s');
      t.equal(rolled.code, 0, rolled.stderr);
      t.match(rolled.stdout, 'successfully rolled out');
      await until(async () => (await pods(client, ns, 'app=web')).every((p) => p.spec?.containers[0]?.image === 'nginx:1.28'), 10_000);
      await timeline.stop();
      t.ok(maxPods <= 4, `never more than replicas + maxSurge pods (at most ${maxPods})`);
      t.equal(minReady, 3, 'never fewer ready pods than replicas (maxUnavailable=0)');
      t.equal((await replicaSets(client, ns)).length, 2, 'the old ReplicaSet is kept as history, scaled to 0');

      // 5. history and undo go back to the first template, as revision 3
      const history = await kc('rollout', 'history', 'deployment/web');
      t.match(history.stdout, /^1\s+<none>\s*$/m);
      t.match(history.stdout, /^2\s+<none>\s*$/m);
      const undo = await kc('rollout', 'undo', 'deployment/web');
      t.equal(undo.code, 0, undo.stderr);
      t.equal((await kc('rollout', 'status', 'deployment/web', '--timeout=60s')).code, 0);
      const back = await client.get<Deployment>(DEPLOYMENTS, { namespace: ns, name: 'web' });
      t.equal(back.spec?.template.spec?.containers[0]?.image, 'nginx:1.27');
      const original = (await replicaSets(client, ns)).find((r) => r.metadata?.name === rs!.metadata?.name)!;
      t.equal(original.metadata?.annotations?.['deployment.kubernetes.io/revision'], '3', 'the first ReplicaSet is revision 3 now');
      t.equal(original.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1');
      t.equal(original.spec?.replicas, 3);

      // 6. paused: a template change waits; resumed: it rolls out
      t.equal((await kc('rollout', 'pause', 'deployment/web')).code, 0);
      t.equal((await kc('set', 'image', 'deployment/web', 'web=nginx:1.29')).code, 0);
      t.ok(await until(async () => (await client.get<Deployment>(DEPLOYMENTS, { namespace: ns, name: 'web' })).status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused') ?? false, 10_000), 'Progressing says DeploymentPaused');
      t.equal((await replicaSets(client, ns)).length, 2, 'no new ReplicaSet while paused');
      t.equal((await kc('rollout', 'resume', 'deployment/web')).code, 0);
      t.equal((await kc('rollout', 'status', 'deployment/web', '--timeout=60s')).code, 0);
      t.ok((await pods(client, ns, 'app=web')).every((p) => p.spec?.containers[0]?.image === 'nginx:1.29'));

      // 7. restart: a new ReplicaSet with the same image replaces every pod
      const before = new Set((await pods(client, ns, 'app=web')).map((p) => p.metadata?.name));
      t.equal((await kc('rollout', 'restart', 'deployment/web')).code, 0);
      t.equal((await kc('rollout', 'status', 'deployment/web', '--timeout=60s')).code, 0);
      t.ok(await until(async () => (await pods(client, ns, 'app=web')).every((p) => !before.has(p.metadata?.name)), 10_000), 'every pod replaced');
      t.equal((await replicaSets(client, ns)).length, 4, 'revisions 1 (now 3), 2, 4 and the restart');
    });
  }

  await t.test('Recreate stops every old pod before starting new ones', async (t) => {
    const ns = 'recreate';
    await cluster.kubectl('1.33', ['create', 'namespace', ns]);
    t.equal((await cluster.kubectl('1.33', ['-n', ns, 'create', 'deployment', 'app', '--image=nginx:1.27', '--replicas=3'])).code, 0);
    t.equal((await cluster.kubectl('1.33', ['-n', ns, 'patch', 'deployment/app', '-p', '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'])).code, 0);
    t.equal((await cluster.kubectl('1.33', ['-n', ns, 'rollout', 'status', 'deployment/app', '--timeout=30s'])).code, 0);
    const timeline = new Informer<Pod & { [k: string]: unknown }>({ client, bus: new HttpBus(client), resource: PODS, namespace: ns });
    let mixed = false;
    const observe = (): void => {
      const images = new Set(timeline.indexer.list().map((p) => p.spec?.containers[0]?.image));
      if (images.size > 1) mixed = true;
    };
    timeline.addEventHandler({ onAdd: observe, onUpdate: observe, onDelete: observe });
    timeline.start();
    await timeline.waitForSync(10_000);
    t.equal((await cluster.kubectl('1.33', ['-n', ns, 'set', 'image', 'deployment/app', 'nginx=nginx:1.28'])).code, 0);
    t.equal((await cluster.kubectl('1.33', ['-n', ns, 'rollout', 'status', 'deployment/app', '--timeout=30s'])).code, 0);
    await timeline.stop();
    t.notOk(mixed, 'old and new pods never existed together');
    t.equal((await pods(client, ns, 'app=app')).length, 3);
  });

  await t.test('a rollout that makes no progress exceeds its deadline', async (t) => {
    const ns = 'stuck';
    await cluster.kubectl('1.33', ['create', 'namespace', ns]);
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'stuck', namespace: ns },
      spec: { replicas: 1, progressDeadlineSeconds: 2, selector: { matchLabels: { app: 'stuck' } }, template: { metadata: { labels: { app: 'stuck', hold: 'yes' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    t.equal((await cluster.kubectl('1.33', ['apply', '-f', '-'], JSON.stringify(manifest))).code, 0);
    const status = await cluster.kubectl('1.33', ['-n', ns, 'rollout', 'status', 'deployment/stuck', '--timeout=30s']);
    t.not(status.code, 0);
    t.match(status.stderr, 'error: deployment "stuck" exceeded its progress deadline');
    const d = await client.get<Deployment>(DEPLOYMENTS, { namespace: ns, name: 'stuck' });
    t.match(d.status?.conditions?.find((c) => c.type === 'Progressing'), { status: 'False', reason: 'ProgressDeadlineExceeded', message: /^ReplicaSet "stuck-\w+" has timed out progressing\.$/ });
    t.match(d.status?.conditions?.find((c) => c.type === 'Available'), { status: 'False', reason: 'MinimumReplicasUnavailable' });
  });
});
