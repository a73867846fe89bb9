// DaemonSets through the apiserver, the controller-manager doing the work and a kubelet stand-in
// marking pods Ready: one pod on each of three nodes, pinned by node affinity on metadata.name and
// carrying the daemon tolerations and the controller-revision-hash of a ControllerRevision; a new
// node gets its pod, a tainted one none and a deleted one loses its pod; a template change rolls
// the pods without more than maxUnavailable nodes short of an available pod at any observed step
// (with maxSurge, the new pod is up before the old one goes);
// `kubectl rollout status` finishes, `kubectl get ds` counts DESIRED/CURRENT/READY, `rollout
// history` lists the ControllerRevisions and `rollout undo` brings the first template back; OnDelete
// leaves the old pods alone.
import type { ControllerRevision, DaemonSet, DaemonSetUpdateStrategy } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import { existsSync } from 'node:fs';
import t from 'tap';
import { findResource } from '../../lib/api/resources.js';
import { HttpBus } from '../../lib/bus/http-bus.js';
import { Informer } from '../../lib/client/informer.js';
import { startControllerCluster } from '../helpers/controller-cluster.js';
import { kubectlBinary } from '../helpers/paths.js';
import { until } from '../helpers/until.js';

const PODS = findResource('', 'v1', 'pods')!;
const NODES = findResource('', 'v1', 'nodes')!;
const DS = findResource('apps', 'v1', 'daemonsets')!;
const REVISIONS = findResource('apps', 'v1', 'controllerrevisions')!;
const NS = 'default';

function daemonSet(name: string, image: string, strategy: DaemonSetUpdateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: NS },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: strategy,
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    },
  };
}

function node(name: string, taints: Taint[] = []): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: taints.length > 0 ? { taints } : {} };
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function nodeOf(pod: Pod): string | undefined {
  return pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0];
}

t.test('DaemonSets', async (t) => {
  const cluster = await startControllerCluster(t, { controllerManagerArgs: ['--controllers', 'daemonset,garbagecollector'], kubelet: { readyAfterMs: 200 } });
  const { client } = cluster;
  const podsOf = async (app: string): Promise<Pod[]> => (await client.list<Pod>(PODS, { namespace: NS, labelSelector: `app=${app}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const getDs = (name: string): Promise<DaemonSet> => client.get<DaemonSet>(DS, { namespace: NS, name });
  for (const name of ['n1', 'n2', 'n3']) await client.create(NODES, node(name));

  await t.test('one pod on each of 3 nodes, pinned to its node, with the daemon tolerations and the revision hash', async (t) => {
    await client.create(DS, daemonSet('agent', 'nginx:1.27'));
    t.ok(await until(async () => (await getDs('agent')).status?.numberReady === 3, 15_000), '3 ready');
    const pods = await podsOf('agent');
    t.same(pods.map(nodeOf).sort(), ['n1', 'n2', 'n3'], 'one pod per node');
    const revisions = (await client.list<ControllerRevision>(REVISIONS, { namespace: NS })).items.filter((r) => r.metadata?.name?.startsWith('agent-'));
    t.equal(revisions.length, 1, 'one ControllerRevision');
    const hash = revisions[0]!.metadata?.labels?.['controller-revision-hash'];
    t.equal(revisions[0]!.metadata?.name, `agent-${hash}`);
    t.equal(revisions[0]!.revision, 1);
    for (const pod of pods) {
      t.equal(pod.metadata?.labels?.['controller-revision-hash'], hash);
      t.match(pod.metadata?.ownerReferences, [{ kind: 'DaemonSet', name: 'agent', controller: true }]);
      t.match(pod.spec?.tolerations, [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
      ]);
    }
    const settled = (await getDs('agent')).metadata?.resourceVersion;
    await new Promise((r) => setTimeout(r, 700));
    t.equal((await getDs('agent')).metadata?.resourceVersion, settled, 'a settled DaemonSet is not written again');
    t.match((await getDs('agent')).status, { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3, numberMisscheduled: 0, observedGeneration: 1 });
  });

  await t.test('a new node gets its pod, a tainted node none, a deleted node loses its pod', async (t) => {
    await client.create(NODES, node('n4'));
    await client.create(NODES, node('tainted', [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
    t.ok(await until(async () => (await podsOf('agent')).some((p) => nodeOf(p) === 'n4'), 10_000), 'n4 has a pod');
    t.ok(await until(async () => (await getDs('agent')).status?.numberReady === 4, 10_000));
    t.notOk((await podsOf('agent')).some((p) => nodeOf(p) === 'tainted'), 'the tainted node has none');
    t.equal((await getDs('agent')).status?.desiredNumberScheduled, 4);
    await client.delete(NODES, { name: 'n4' });
    t.ok(await until(async () => !(await podsOf('agent')).some((p) => nodeOf(p) === 'n4'), 10_000), 'its pod goes with the node');
    t.ok(await until(async () => (await getDs('agent')).status?.desiredNumberScheduled === 3, 10_000));
  });

  const version = '1.33';
  const haveKubectl = existsSync(kubectlBinary(version));

  await t.test('a template change rolls the pods within maxUnavailable; rollout status finishes; kubectl get ds', { skip: haveKubectl ? false : `kubectl ${version} not installed` }, async (t) => {
    const watcher = new Informer({ client, bus: new HttpBus(client), resource: PODS });
    let least = Infinity;
    const observe = (): void => {
      const nodes = new Set((watcher.indexer.list() as Pod[]).filter((p) => p.metadata?.labels?.app === 'agent' && !p.metadata?.deletionTimestamp && isReady(p)).map(nodeOf));
      least = Math.min(least, nodes.size);
    };
    watcher.addEventHandler({ onAdd: observe, onUpdate: observe, onDelete: observe });
    watcher.start();
    t.teardown(() => watcher.stop());
    t.ok(await watcher.waitForSync(10_000));
    // Counted from here: the first list arrives one pod at a time.
    least = Infinity;
    observe();
    const before = new Set((await podsOf('agent')).map((p) => p.metadata?.name));
    t.equal((await cluster.kubectl(version, ['-n', NS, 'set', 'image', 'ds/agent', 'c=nginx:1.28'])).code, 0);
    const status = await cluster.kubectl(version, ['-n', NS, 'rollout', 'status', 'daemonset/agent', '--timeout=30s']);
    t.equal(status.code, 0, status.stderr);
    t.match(status.stdout, 'daemon set "agent" successfully rolled out');
    const after = await podsOf('agent');
    t.equal(after.length, 3);
    t.ok(after.every((p) => !before.has(p.metadata?.name) && p.spec?.containers[0]?.image === 'nginx:1.28'), 'every pod replaced');
    t.equal(least, 2, `never more than maxUnavailable (1) of 3 nodes without an available pod (least: ${least})`);
    const revisions = (await client.list<ControllerRevision>(REVISIONS, { namespace: NS })).items.filter((r) => r.metadata?.name?.startsWith('agent-'));
    t.same(revisions.map((r) => r.revision).sort(), [1, 2], 'a second ControllerRevision');
    const get = await cluster.kubectl(version, ['-n', NS, 'get', 'ds', 'agent']);
    t.match(get.stdout, /NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE/);
    t.match(get.stdout, /agent\s+3\s+3\s+3\s+3\s+3\s/);
    t.ok(await until(async () => /SuccessfulDelete\s+\S+\s+daemonset-controller\s+Deleted pod: agent-/.test((await cluster.kubectl(version, ['-n', NS, 'describe', 'ds', 'agent'])).stdout), 10_000, 200), 'kubectl describe shows the controller\'s events');
    // The revisions are kubectl's rollout history, and undo brings the first template back as revision 3.
    const history = await cluster.kubectl(version, ['-n', NS, 'rollout', 'history', 'daemonset/agent']);
    t.match(history.stdout, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/, history.stderr);
    const undo = await cluster.kubectl(version, ['-n', NS, 'rollout', 'undo', 'daemonset/agent']);
    t.equal(undo.code, 0, undo.stderr);
    t.equal((await cluster.kubectl(version, ['-n', NS, 'rollout', 'status', 'daemonset/agent', '--timeout=30s'])).code, 0);
    t.ok((await podsOf('agent')).every((p) => p.spec?.containers[0]?.image === 'nginx:1.27'), 'back to the first image');
    const renumbered = (await client.list<ControllerRevision>(REVISIONS, { namespace: NS })).items.filter((r) => r.metadata?.name?.startsWith('agent-'));
    t.same(renumbered.map((r) => r.revision).sort(), [2, 3], 'the first revision renumbered 3');
  });

  await t.test('maxSurge 1, maxUnavailable 0: the new pod is up before the old one goes, one node at a time', async (t) => {
    await client.create(DS, daemonSet('surge', 'nginx:1.27', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }));
    t.ok(await until(async () => (await getDs('surge')).status?.numberAvailable === 3, 10_000));
    const watcher = new Informer({ client, bus: new HttpBus(client), resource: PODS });
    let leastAvailable = Infinity;
    let most = 0;
    const observe = (): void => {
      const live = (watcher.indexer.list() as Pod[]).filter((p) => p.metadata?.labels?.app === 'surge' && !p.metadata?.deletionTimestamp);
      leastAvailable = Math.min(leastAvailable, new Set(live.filter(isReady).map(nodeOf)).size);
      most = Math.max(most, live.length);
    };
    watcher.addEventHandler({ onAdd: observe, onUpdate: observe, onDelete: observe });
    watcher.start();
    t.teardown(() => watcher.stop());
    t.ok(await watcher.waitForSync(10_000));
    leastAvailable = Infinity;
    most = 0;
    observe();
    await client.patch(DS, { namespace: NS, name: 'surge' }, { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } } }, 'strategic');
    t.ok(await until(async () => {
      const ds = await getDs('surge');
      return ds.status?.observedGeneration === 2 && ds.status?.updatedNumberScheduled === 3 && ds.status?.numberAvailable === 3 && (await podsOf('surge')).length === 3;
    }, 15_000), 'rolled out');
    t.ok((await podsOf('surge')).every((p) => p.spec?.containers[0]?.image === 'nginx:1.28'));
    t.equal(leastAvailable, 3, 'every node kept an available pod');
    t.equal(most, 4, 'at most one pod more than nodes');
  });

  await t.test('OnDelete: a template change waits for the user to delete the old pods', async (t) => {
    await client.create(DS, daemonSet('manual', 'nginx:1.27', { type: 'OnDelete' }));
    t.ok(await until(async () => (await getDs('manual')).status?.numberReady === 3, 10_000));
    await client.patch(DS, { namespace: NS, name: 'manual' }, { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } } }, 'strategic');
    t.ok(await until(async () => (await getDs('manual')).status?.observedGeneration === 2, 10_000));
    await new Promise((r) => setTimeout(r, 500));
    const pods = await podsOf('manual');
    t.ok(pods.length === 3 && pods.every((p) => p.spec?.containers[0]?.image === 'nginx:1.27'), 'old pods stay');
    t.equal((await getDs('manual')).status?.updatedNumberScheduled ?? 0, 0);
    await client.delete(PODS, { namespace: NS, name: pods[0]!.metadata?.name ?? '' });
    t.ok(await until(async () => (await podsOf('manual')).filter((p) => p.spec?.containers[0]?.image === 'nginx:1.28').length === 1, 10_000), 'the deleted one comes back new');
    t.ok(await until(async () => (await getDs('manual')).status?.updatedNumberScheduled === 1, 10_000));
  });
});
