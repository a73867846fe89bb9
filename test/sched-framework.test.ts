// The scheduling algorithm: filter short-circuit and reasons, score weights, selectHost ties,
// numFeasibleNodesToFind and the rotating start index; and the cache's assume/forget/confirm.
import t from 'tap';
import { SchedulerCache } from '../lib/sched/cache.js';
import { Framework } from '../lib/sched/framework/framework.js';
import type { FilterPlugin, HandleDeps, ScorePlugin } from '../lib/sched/framework/interfaces.js';
import { numFeasibleNodesToFind } from '../lib/sched/framework/num-feasible.js';
import { emptyPlugins } from '../lib/sched/framework/extension-points.js';
import { seededRandom } from '../lib/sched/framework/random.js';
import { PluginFactories } from '../lib/sched/framework/plugin-factories.js';
import { selectHost } from '../lib/sched/framework/select-host.js';
import { Code, Status } from '../lib/sched/framework/status.js';
import { fitErrorMessage } from '../lib/sched/fit-error.js';
import { podInfoFromPod } from '../lib/sched/pod-info.js';
import { buildFrameworks, loadSchedulerConfiguration } from '../lib/sched/config/index.js';
import { inTreePluginFactories } from '../lib/sched/plugins/in-tree.js';
import { makeNode, makePod } from './helpers/sched-objects.js';

const deps: HandleDeps = { binder: async () => {}, random: seededRandom(1) };

function cacheWith(n: number, spec: (i: number) => Parameters<typeof makeNode>[1] = () => ({})): SchedulerCache {
  const cache = new SchedulerCache();
  for (let i = 0; i < n; i++) cache.addNode(makeNode(`n${i}`, spec(i)));
  return cache;
}

t.test('numFeasibleNodesToFind follows kube-scheduler', async (t) => {
  t.equal(numFeasibleNodesToFind(0, 50), 50, 'under 100 nodes: all');
  t.equal(numFeasibleNodesToFind(0, 200), 100, 'never fewer than 100');
  t.equal(numFeasibleNodesToFind(0, 1000), 420, '50 - 1000/125 = 42%');
  t.equal(numFeasibleNodesToFind(0, 5000), 500, '50 - 5000/125 = 10%');
  t.equal(numFeasibleNodesToFind(0, 10000), 500, 'floor of 5%');
  t.equal(numFeasibleNodesToFind(30, 1000), 300, 'configured percentage');
  t.equal(numFeasibleNodesToFind(100, 5000), 5000);
});

t.test('filters stop at the first failure; reasons become the FitError message', async (t) => {
  const calls: string[] = [];
  const reject = (name: string, when: (node: string) => boolean, reason: string): FilterPlugin => ({
    name,
    filter(_s, _p, n) {
      calls.push(`${name}:${n.name}`);
      return when(n.name) ? new Status(Code.Unschedulable, [reason]) : null;
    },
  });
  const registry = new PluginFactories([
    ['A', () => reject('A', (n) => n !== 'n0', 'A says no')],
    ['B', () => reject('B', () => true, 'B says no')],
  ]);
  const plugins = emptyPlugins();
  plugins.filter.push({ name: 'A' }, { name: 'B' });
  const fw = new Framework({ schedulerName: 's', plugins, pluginConfig: {} }, registry, deps);
  const r = fw.findNodes(podInfoFromPod(makePod('p')), cacheWith(3).snapshot());
  t.equal(r.feasible.length, 0);
  t.equal(r.diagnosis.nodeToStatus.get('n1')!.plugin, 'A');
  t.equal(r.diagnosis.nodeToStatus.get('n0')!.plugin, 'B');
  t.notOk(calls.includes('B:n1'), 'B never ran where A rejected');
  t.same([...r.diagnosis.unschedulablePlugins].sort(), ['A', 'B']);
  t.equal(fitErrorMessage(r.numAllNodes, r.diagnosis), '0/3 nodes are available: 1 B says no, 2 A says no.');
});

t.test('weighted scores add up and the best node comes first', async (t) => {
  const byName = (table: Record<string, number>): ScorePlugin => ({ name: '', score: (_s, _p, n) => table[n.name] ?? 0 });
  const registry = new PluginFactories([
    ['X', () => ({ ...byName({ n0: 10, n1: 50, n2: 0 }), name: 'X' })],
    ['Y', () => ({ ...byName({ n0: 40, n1: 0, n2: 30 }), name: 'Y' })],
  ]);
  const plugins = emptyPlugins();
  plugins.score.push({ name: 'X', weight: 1 }, { name: 'Y', weight: 2 });
  const fw = new Framework({ schedulerName: 's', plugins, pluginConfig: {} }, registry, deps);
  const r = fw.findNodes(podInfoFromPod(makePod('p')), cacheWith(3).snapshot(), undefined, { wantPluginScores: true });
  t.same(
    r.feasible.map((f) => [f.name, f.score]),
    [
      ['n0', 90],
      ['n2', 60],
      ['n1', 50],
    ],
  );
  t.same(r.feasible[0]!.pluginScores, [
    { name: 'X', score: 10 },
    { name: 'Y', score: 80 },
  ]);
});

t.test('selectHost picks among ties uniformly and repeatably with a seed', async (t) => {
  const pick = (seed: number) => {
    const random = seededRandom(seed);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) {
      const list = [
        { name: 'a', score: 5 },
        { name: 'b', score: 5 },
        { name: 'd', score: 1 },
        { name: 'c', score: 5 },
      ];
      counts[selectHost(list, random)!.name]!++;
    }
    return counts;
  };
  const counts = pick(7);
  t.same(pick(7), counts, 'same seed, same choices');
  for (const k of ['a', 'b', 'c']) t.ok(counts[k]! > 850 && counts[k]! < 1150, `${k} chosen about a third of the time (${counts[k]})`);
});

t.test('the start index rotates by the nodes processed', async (t) => {
  const fw = new Framework({ schedulerName: 's', plugins: { ...emptyPlugins(), filter: [{ name: 'NodeName' }] }, pluginConfig: {} }, inTreePluginFactories(), deps);
  const snapshot = cacheWith(200).snapshot();
  const first = fw.findNodes(podInfoFromPod(makePod('p')), snapshot);
  t.equal(first.feasibleNodes, 100, '200 nodes: find 100');
  t.equal(fw.nextStartNodeIndex, 100);
  const second = fw.findNodes(podInfoFromPod(makePod('q')), snapshot);
  t.ok(second.feasible.every((f) => Number(f.name.slice(1)) >= 100), 'second pass starts at node 100');
  t.equal(fw.nextStartNodeIndex, 0);
});

t.test('the default profile places a pod where Kubernetes would', async (t) => {
  const cfg = loadSchedulerConfiguration({});
  const fw = buildFrameworks(cfg, inTreePluginFactories(), deps).get('default-scheduler')!;
  const cache = new SchedulerCache();
  cache.addNode(makeNode('small', { cpu: '2', memory: '4Gi' }));
  cache.addNode(makeNode('big', { cpu: '8', memory: '16Gi' }));
  cache.addNode(makeNode('tainted', { cpu: '16', memory: '32Gi', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }));
  const pod = podInfoFromPod(makePod('p', { containers: [{ cpu: '1', memory: '1Gi' }] }));
  const r = fw.findNodes(pod, cache.snapshot());
  t.equal(r.feasible[0]!.name, 'big');
  const huge = podInfoFromPod(makePod('h', { containers: [{ cpu: '10', memory: '1Gi' }] }));
  const none = fw.findNodes(huge, cache.snapshot());
  t.equal(fitErrorMessage(none.numAllNodes, none.diagnosis), '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu.');
});

t.test('cache: assume → snapshot sees the pod; forget rolls back; finishBinding then the informer confirms', async (t) => {
  const cache = cacheWith(2, () => ({ cpu: '2', memory: '4Gi' }));
  const changes: string[] = [];
  cache.onNodeChange((name, info) => changes.push(`${name}:${info ? info.pods.length : 'gone'}`));
  const before = cache.snapshot();
  const untouched = before.get('n1');
  const pod = podInfoFromPod(makePod('p', { containers: [{ cpu: '1500m', memory: '1Gi' }] }));

  // 1. assume: the next snapshot sees the reservation, only the changed node is copied
  cache.assumePod(pod, 'n0');
  let snap = cache.snapshot();
  t.equal(snap.get('n0')!.requested.milliCpu, 1500);
  t.equal(snap.get('n1'), untouched, 'unchanged node is not copied');
  t.ok(cache.isAssumed('default/p'));
  t.throws(() => cache.assumePod(pod, 'n1'), /already|in the cache/);

  // 2. forget: rolled back
  cache.forgetPod('default/p');
  snap = cache.snapshot();
  t.equal(snap.get('n0')!.requested.milliCpu, 0);
  t.equal(snap.get('n0')!.pods.length, 0);

  // 3. assume again, finish binding, then the informer's add confirms it once
  cache.assumePod(pod, 'n0');
  cache.finishBinding('default/p');
  t.ok(cache.podState('default/p')!.bindingFinished);
  cache.addPod(makePod('p', { nodeName: 'n0', containers: [{ cpu: '1500m', memory: '1Gi' }] }));
  t.notOk(cache.isAssumed('default/p'));
  snap = cache.snapshot();
  t.equal(snap.get('n0')!.pods.length, 1);
  t.equal(snap.get('n0')!.requested.milliCpu, 1500);

  // 4. node removal drops it from the snapshot and tells listeners
  cache.removePod('default/p');
  cache.removeNode('n1');
  snap = cache.snapshot();
  t.same(
    snap.nodes.map((n) => n.name),
    ['n0'],
  );
  t.same(changes, ['n0:1', 'n0:0', 'n0:1', 'n0:1', 'n0:0', 'n1:gone']);
});

t.test('cache: image states count the nodes that have each image', async (t) => {
  const cache = new SchedulerCache();
  const images = [{ names: ['img:1'], sizeBytes: 100 }];
  cache.addNode(makeNode('a', { images }));
  cache.addNode(makeNode('b', { images }));
  t.equal(cache.snapshot().get('a')!.imageStates.get('img:1')!.numNodes, 2);
  cache.removeNode('b');
  t.equal(cache.snapshot().get('a')!.imageStates.get('img:1')!.numNodes, 1);
});
