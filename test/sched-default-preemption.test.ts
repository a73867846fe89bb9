// DefaultPreemption: which node a high-priority pod preempts on, which pods it evicts (all
// lower-priority pods, then reprieved from the most important while the pod still fits), when
// it refuses (preemptionPolicy Never, only unresolvable nodes) and how the FailedScheduling
// message words it; PodDisruptionBudgets: victims that would violate one are reprieved first,
// and the node with fewer violations wins.
import t from 'tap';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { Framework } from '../lib/sched/framework/framework.js';
import type { PodInfo, Snapshot } from '../lib/sched/types.js';
import { podInfoFromPod } from '../lib/sched/types.js';
import { fitErrorMessage } from '../lib/sched/fit-error.js';
import { type Candidate, pickOneNodeForPreemption } from '../lib/sched/plugins/default-preemption.js';
import { frameworkWith, node, pod, run, snapshotOf } from './helpers/sched-cluster.js';

const FIT = 'NodeResourcesFit';
const DP = 'DefaultPreemption';

interface Deleted {
  key: string;
  reason: string;
}

function preemptionFramework(extraFilters: string[] = [], config: Record<string, unknown> = {}, pdbs: readonly PodDisruptionBudget[] = []) {
  const deleted: Deleted[] = [];
  const framework = frameworkWith(
    { preFilter: extraFilters, filter: [FIT, ...extraFilters], postFilter: [DP] },
    config,
    { deletePod: async (p: PodInfo, reason: string) => void deleted.push({ key: p.key, reason }), podDisruptionBudgets: () => pdbs },
  );
  return { framework, deleted };
}

async function schedule(framework: Framework, p: Pod, snapshot: Snapshot) {
  const info = podInfoFromPod(p);
  const result = run(framework, info, snapshot);
  const post = await framework.runPostFilterPlugins(result.state, info, result.diagnosis.nodeToStatus);
  result.diagnosis.postFilterMsg = post.status.message();
  return { result, post, message: fitErrorMessage(snapshot.nodes.length, result.diagnosis), info };
}

const cpu = (name: string, priority: number, amount: string, extra = {}) => pod(name, { priority, cpu: amount, ...extra });

t.test('preempts on the node whose most important victim has the lowest priority', async (t) => {
  const { framework, deleted } = preemptionFramework();
  const snapshot = snapshotOf(
    [node('n1'), node('n2')],
    [
      ['n1', cpu('mid', 5, '3')],
      ['n2', cpu('low', 1, '3')],
    ],
  );
  const { result, post, info } = await schedule(framework, cpu('urgent', 10, '2'), snapshot);
  t.equal(result.feasible.length, 0, 'nothing fits without preemption');
  t.ok(post.status.isSuccess());
  t.equal(post.nominatedNodeName, 'n2');
  t.same(post.victims?.map((v) => v.key), ['default/low']);
  t.same(deleted, [{ key: 'default/low', reason: `Preempted by pod ${info.uid} on node n2` }]);
});

t.test('evicts all lower-priority pods, then reprieves the most important ones that still leave room', async (t) => {
  const { framework } = preemptionFramework();
  // 4 cpus: a(1), b(2), c(3) and d(20) take one each; the pod (priority 10) needs 2.
  const snapshot = snapshotOf(
    [node('n1')],
    [
      ['n1', cpu('a', 1, '1')],
      ['n1', cpu('b', 2, '1')],
      ['n1', cpu('c', 3, '1')],
      ['n1', cpu('d', 20, '1')],
    ],
  );
  const { post } = await schedule(framework, cpu('urgent', 10, '2'), snapshot);
  t.equal(post.nominatedNodeName, 'n1');
  t.same(post.victims?.map((v) => v.name), ['b', 'a'], 'c is put back first and fits; b and a then do not; d is never a victim');
  t.equal(snapshot.get('n1')!.pods.length, 4, 'the snapshot itself is untouched');
});

function budget(app: string, disruptionsAllowed: number, disruptedPods: Record<string, string> = {}): PodDisruptionBudget {
  return {
    metadata: { name: `pdb-${app}`, namespace: 'default' },
    spec: { minAvailable: 1, selector: { matchLabels: { app } } },
    status: { disruptionsAllowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1, disruptedPods },
  };
}

t.test('a pod protected by a PodDisruptionBudget is reprieved first when another victim makes room', async (t) => {
  // 4 cpus: guarded (priority 5, its budget allows no disruption) and plain (priority 1) take
  // 1.5 each; the pod (priority 10) needs 2, so one victim is enough.
  const snapshot = snapshotOf([node('n1')], [['n1', cpu('guarded', 5, '1500m', { labels: { app: 'db' } })], ['n1', cpu('plain', 1, '1500m', { labels: { app: 'web' } })]]);
  const withBudget = preemptionFramework([], {}, [budget('db', 0)]);
  const { post } = await schedule(withBudget.framework, cpu('urgent', 10, '2'), snapshot);
  t.equal(post.nominatedNodeName, 'n1');
  t.same(post.victims?.map((v) => v.name), ['plain'], 'the budget-protected pod stays');
  // Without a budget the more important pod is reprieved as well: the same victim. With the
  // priorities swapped the budget decides against the priority order.
  const swapped = snapshotOf([node('n1')], [['n1', cpu('guarded', 1, '1500m', { labels: { app: 'db' } })], ['n1', cpu('plain', 5, '1500m', { labels: { app: 'web' } })]]);
  const plain = preemptionFramework();
  t.same((await schedule(plain.framework, cpu('urgent', 10, '2'), swapped)).post.victims?.map((v) => v.name), ['guarded'], 'without a budget the least important pod goes');
  const guarded = preemptionFramework([], {}, [budget('db', 0)]);
  t.same((await schedule(guarded.framework, cpu('urgent', 10, '2'), swapped)).post.victims?.map((v) => v.name), ['plain'], 'with its budget the protected pod stays although less important');
  const allowed = preemptionFramework([], {}, [budget('db', 1)]);
  t.same((await schedule(allowed.framework, cpu('urgent', 10, '2'), swapped)).post.victims?.map((v) => v.name), ['guarded'], 'a budget that allows a disruption protects nothing');
  const counted = preemptionFramework([], {}, [budget('db', 0, { guarded: '2026-01-01T00:00:00Z' })]);
  t.same((await schedule(counted.framework, cpu('urgent', 10, '2'), swapped)).post.victims?.map((v) => v.name), ['guarded'], 'a pod already in disruptedPods spends nothing');
});

t.test('among candidate nodes the one with fewer PodDisruptionBudget violations wins', async (t) => {
  // n1's only victim is protected; n2's victim has a higher priority but no budget.
  const snapshot = snapshotOf(
    [node('n1'), node('n2')],
    [
      ['n1', cpu('guarded', 1, '3', { labels: { app: 'db' } })],
      ['n2', cpu('plain', 5, '3', { labels: { app: 'web' } })],
    ],
  );
  const { framework, deleted } = preemptionFramework([], {}, [budget('db', 0)]);
  const { post } = await schedule(framework, cpu('urgent', 10, '2'), snapshot);
  t.equal(post.nominatedNodeName, 'n2');
  t.same(deleted.map((d) => d.key), ['default/plain']);
  // When every node violates, preemption still happens (a budget is not a guarantee).
  const only = snapshotOf([node('n1')], [['n1', cpu('guarded', 1, '3', { labels: { app: 'db' } })]]);
  const forced = preemptionFramework([], {}, [budget('db', 0)]);
  t.same((await schedule(forced.framework, cpu('urgent', 10, '2'), only)).post.victims?.map((v) => v.name), ['guarded']);
});

t.test('preemptionPolicy Never: no preemption, and the message says why', async (t) => {
  const { framework, deleted } = preemptionFramework();
  const snapshot = snapshotOf([node('n1')], [['n1', cpu('low', 1, '3')]]);
  const { post, message } = await schedule(framework, cpu('polite', 10, '2', { preemptionPolicy: 'Never' }), snapshot);
  t.equal(post.nominatedNodeName, undefined);
  t.equal(post.status.codeName, 'Unschedulable');
  t.equal(post.status.message(), 'preemption: not eligible due to preemptionPolicy=Never.');
  t.equal(message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..');
  t.same(deleted, []);
});

t.test('no candidate when every node is UnschedulableAndUnresolvable', async (t) => {
  const { framework, deleted } = preemptionFramework(['NodeAffinity']);
  const snapshot = snapshotOf(
    [node('n1'), node('n2')],
    [
      ['n1', cpu('low1', 1, '1')],
      ['n2', cpu('low2', 1, '1')],
    ],
  );
  const { post, message } = await schedule(framework, cpu('picky', 10, '1', { nodeSelector: { disk: 'ssd' } }), snapshot);
  t.equal(post.nominatedNodeName, undefined);
  t.equal(post.status.message(), 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
  t.equal(
    message,
    "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..",
  );
  t.same(deleted, []);
});

t.test('nodes without lower-priority pods give "No preemption victims found for incoming pod"', async (t) => {
  const { framework } = preemptionFramework(['NodeAffinity']);
  const snapshot = snapshotOf(
    [node('n1', { disk: 'ssd' }), node('n2'), node('n3', { disk: 'ssd' })],
    [
      ['n1', cpu('boss1', 100, '3')],
      ['n3', cpu('boss3', 100, '3')],
    ],
  );
  const { post, message } = await schedule(framework, cpu('urgent', 10, '2', { nodeSelector: { disk: 'ssd' } }), snapshot);
  t.equal(post.nominatedNodeName, undefined);
  t.equal(
    message,
    "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu. " +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..',
  );
});

t.test('a victim whose eviction would not help is not a candidate: the node fails its filters even when emptied', async (t) => {
  const { framework } = preemptionFramework();
  const snapshot = snapshotOf([node('small', {}, { cpu: '2' })], [['small', cpu('low', 1, '1')], ['small', cpu('high', 20, '1')]]);
  const { post } = await schedule(framework, cpu('huge', 10, '2'), snapshot);
  t.equal(post.status.message(), 'preemption: 0/1 nodes are available: 1 Insufficient cpu.');
});

t.test('a pod larger than the whole node is not helped by preemption (1.36: unresolvable)', async (t) => {
  const { framework } = preemptionFramework();
  const snapshot = snapshotOf([node('small', {}, { cpu: '1' })], [['small', cpu('low', 1, '1')]]);
  const { post } = await schedule(framework, cpu('huge', 10, '2'), snapshot);
  t.equal(post.status.message(), 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
});

t.test('preemption runs the PreFilter extensions: evicting an anti-affine pod makes room', async (t) => {
  const { framework } = preemptionFramework(['InterPodAffinity']);
  const snapshot = snapshotOf([node('n1')], [['n1', pod('web-old', { priority: 0, labels: { app: 'web' } })]]);
  const incoming = pod('web-new', {
    priority: 10,
    labels: { app: 'web' },
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } },
  });
  const { result, post } = await schedule(framework, incoming, snapshot);
  t.equal(result.diagnosis.nodeToStatus.get('n1')?.message(), "node(s) didn't match pod anti-affinity rules");
  t.equal(post.nominatedNodeName, 'n1');
  t.same(post.victims?.map((v) => v.name), ['web-old']);
});

t.test('a pod whose nominated node still has terminating victims waits instead of preempting again', async (t) => {
  const { framework } = preemptionFramework();
  const low = cpu('low', 1, '3');
  const terminating = { ...low, metadata: { ...low.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
  const snapshot = snapshotOf([node('n1'), node('n2')], [['n1', terminating], ['n2', cpu('other', 1, '3')]]);
  const { post } = await schedule(framework, cpu('urgent', 10, '2', { nominatedNodeName: 'n1' }), snapshot);
  t.equal(post.nominatedNodeName, undefined);
  t.equal(post.status.message(), 'preemption: not eligible due to a terminating pod on the nominated node.');
});

t.test('candidate ranking: sum of priorities, then number of victims, then the latest start', async (t) => {
  const v = (name: string, priority: number, startTime?: string) => podInfoFromPod(pod(name, { priority, ...(startTime ? { startTime } : {}) }));
  const c = (nodeName: string, victims: PodInfo[]): Candidate => ({ nodeName, victims, numPDBViolations: 0 });
  const now = Date.parse('2024-01-01T00:00:00Z');
  t.equal(pickOneNodeForPreemption([c('n1', [v('a', 5), v('b', 1)]), c('n2', [v('c', 3)])], now)?.nodeName, 'n2', 'highest victim priority 3 < 5');
  t.equal(pickOneNodeForPreemption([c('n1', [v('a', 3), v('b', 2)]), c('n2', [v('c', 3), v('d', 1)])], now)?.nodeName, 'n2', 'sum 4 < 5');
  t.equal(pickOneNodeForPreemption([c('n1', [v('a', -5), v('b', -5)]), c('n2', [v('c', -5)])], now)?.nodeName, 'n2', 'negative priorities: fewer pods still win');
  t.equal(
    pickOneNodeForPreemption([c('n1', [v('a', 3, '2023-01-01T00:00:00Z')]), c('n2', [v('b', 3, '2023-06-01T00:00:00Z')])], now)?.nodeName,
    'n2',
    'the most recently started victims are cheaper to lose',
  );
  t.equal(pickOneNodeForPreemption([c('n1', [v('a', 3, '2023-01-01T00:00:00Z')]), c('n2', [v('b', 3, '2023-01-01T00:00:00Z')])], now)?.nodeName, 'n1', 'full tie: the first');
  t.equal(
    pickOneNodeForPreemption([{ nodeName: 'n1', victims: [v('a', 1)], numPDBViolations: 1 }, c('n2', [v('b', 9)])], now)?.nodeName,
    'n2',
    'fewer PDB violations come first',
  );
});

t.test('args: minCandidateNodesPercentage and minCandidateNodesAbsolute bound the dry run', async (t) => {
  const { framework } = preemptionFramework([], { DefaultPreemption: { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 2 } });
  const dp = framework.plugins.get(DP) as unknown as { numCandidates(n: number): number };
  t.equal(dp.numCandidates(5), 2, 'absolute minimum');
  t.equal(dp.numCandidates(5000), 500, '10% of 5000');
  t.equal(dp.numCandidates(1), 1, 'never more than the nodes');
  t.throws(() => preemptionFramework([], { DefaultPreemption: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 } }), /cannot be zero/);
});
