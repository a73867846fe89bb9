// PodTopologySpread on hand-checked cases of kube-scheduler's formulas: skew = matching pods
// in the node's domain + 1 (if the pod matches itself) - the global minimum, the minimum
// being 0 while fewer than minDomains domains exist; scores = count * log(domains + 2) +
// maxSkew - 1, normalised to 100 * (max + min - score) / max.
import t from 'tap';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import type { WorkloadLister } from '../lib/sched/framework/interfaces.js';
import {
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
  defaultSelector,
  topologyNormalizingWeight,
} from '../lib/sched/plugins/pod-topology-spread.js';
import { podInfoFromPod } from '../lib/sched/types.js';
import { feasibleNames, frameworkWith, node, pluginScores, pod, rejections, run, snapshotOf } from './helpers/sched-cluster.js';

const PTS = 'PodTopologySpread';
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

const filterOnly = () => frameworkWith({ preFilter: [PTS], filter: [PTS] });
const scoreOnly = (config: Record<string, unknown> = {}, deps = {}) => frameworkWith({ preScore: [PTS], score: [PTS] }, config, deps);

function spread(topologyKey: string, maxSkew: number, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint {
  return { topologyKey, maxSkew, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'foo', operator: 'Exists' }] }, ...extra };
}

const foo = (name: string) => pod(name, { labels: { foo: '' } });

/** zone1 holds 2 matching pods, zone2 one, zone3 none. */
function threeZones() {
  return snapshotOf(
    [node('a', { [ZONE]: 'zone1' }), node('b', { [ZONE]: 'zone2' }), node('c', { [ZONE]: 'zone3' })],
    [
      ['a', foo('p1')],
      ['a', foo('p2')],
      ['b', foo('p3')],
      ['b', pod('other', { labels: { bar: '' } })],
    ],
  );
}

t.test('zones with 2/1/0 matching pods: maxSkew 1 admits only the empty zone, maxSkew 2 the two smaller', async (t) => {
  const snapshot = threeZones();
  const one = run(filterOnly(), pod('new', { labels: { foo: '' }, spread: [spread(ZONE, 1)] }), snapshot);
  t.same(feasibleNames(one), ['c'], 'skews: a 2+1-0=3, b 1+1-0=2, c 0+1-0=1');
  t.same(rejections(one), {
    a: `Unschedulable: ${ERR_REASON_CONSTRAINTS_NOT_MATCH}`,
    b: `Unschedulable: ${ERR_REASON_CONSTRAINTS_NOT_MATCH}`,
  });
  const two = run(filterOnly(), pod('new', { labels: { foo: '' }, spread: [spread(ZONE, 2)] }), snapshot);
  t.same(feasibleNames(two), ['b', 'c']);
});

t.test('a pod that does not match its own selector does not count itself', async (t) => {
  const r = run(filterOnly(), pod('new', { labels: { x: '' }, spread: [spread(ZONE, 1)] }), threeZones());
  t.same(feasibleNames(r), ['b', 'c'], 'skews: a 2-0=2, b 1, c 0');
});

t.test('a node without the topology key is unresolvable, with its own reason', async (t) => {
  const snapshot = snapshotOf([node('a', { [ZONE]: 'zone1' }), node('nolabel')]);
  const r = run(filterOnly(), pod('new', { labels: { foo: '' }, spread: [spread(ZONE, 1)] }), snapshot);
  t.same(feasibleNames(r), ['a']);
  t.same(rejections(r), { nolabel: `UnschedulableAndUnresolvable: ${ERR_REASON_NODE_LABEL_NOT_MATCH}` });
});

t.test('minDomains: fewer eligible domains than minDomains makes the global minimum 0', async (t) => {
  const snapshot = snapshotOf(
    [node('a', { [ZONE]: 'zone1' }), node('b', { [ZONE]: 'zone2' })],
    [
      ['a', foo('p1')],
      ['b', foo('p2')],
    ],
  );
  const without = run(filterOnly(), pod('new', { labels: { foo: '' }, spread: [spread(ZONE, 1)] }), snapshot);
  t.same(feasibleNames(without), ['a', 'b'], 'minimum 1: skew 1+1-1=1 everywhere');
  const withMin = run(filterOnly(), pod('new', { labels: { foo: '' }, spread: [spread(ZONE, 1, { minDomains: 3 })] }), snapshot);
  t.same(feasibleNames(withMin), [], '2 domains < 3: skew 1+1-0=2 > 1 everywhere');
  t.equal(withMin.diagnosis.nodeToStatus.get('a')?.message(), ERR_REASON_CONSTRAINTS_NOT_MATCH);
  const enough = run(filterOnly(), pod('new', { labels: { foo: '' }, spread: [spread(ZONE, 1, { minDomains: 2 })] }), snapshot);
  t.same(feasibleNames(enough), ['a', 'b'], '2 domains satisfy minDomains 2');
});

t.test('nodeAffinityPolicy Honor (default) leaves nodes the pod cannot use out of the counts; Ignore counts them', async (t) => {
  // zone2 has no matching pod but its only node lacks disk=ssd, which the pod requires.
  const snapshot = snapshotOf([node('a', { [ZONE]: 'zone1', disk: 'ssd' }), node('b', { [ZONE]: 'zone2', disk: 'hdd' })], [['a', foo('p1')]]);
  const honor = run(filterOnly(), pod('new', { labels: { foo: '' }, nodeSelector: { disk: 'ssd' }, spread: [spread(ZONE, 1)] }), snapshot);
  t.ok(feasibleNames(honor).includes('a'), 'only zone1 is a domain: minimum 1, skew 1+1-1=1');
  const ignore = run(
    filterOnly(),
    pod('new', { labels: { foo: '' }, nodeSelector: { disk: 'ssd' }, spread: [spread(ZONE, 1, { nodeAffinityPolicy: 'Ignore' })] }),
    snapshot,
  );
  t.notOk(feasibleNames(ignore).includes('a'), 'zone2 counts: minimum 0, skew 2');
});

t.test('nodeTaintsPolicy Honor leaves tainted nodes out of the counts; the default Ignore counts them', async (t) => {
  const taint = { key: 'dedicated', value: 'x', effect: 'NoSchedule' as const };
  const snapshot = snapshotOf([node('a', { [ZONE]: 'zone1' }), node('b', { [ZONE]: 'zone2' }, { taints: [taint] })], [['a', foo('p1')]]);
  const ignore = run(filterOnly(), pod('new', { labels: { foo: '' }, spread: [spread(ZONE, 1)] }), snapshot);
  t.same(feasibleNames(ignore), ['b'], 'tainted zone2 counts: minimum 0, a has skew 2');
  const honor = run(filterOnly(), pod('new', { labels: { foo: '' }, spread: [spread(ZONE, 1, { nodeTaintsPolicy: 'Honor' })] }), snapshot);
  t.ok(feasibleNames(honor).includes('a'), 'zone2 is no domain: minimum 1, a has skew 1');
});

t.test('matchLabelKeys narrows the selector to pods with the same values', async (t) => {
  const v = (name: string, version: string) => pod(name, { labels: { foo: '', version } });
  const snapshot = snapshotOf(
    [node('a', { [ZONE]: 'zone1' }), node('b', { [ZONE]: 'zone2' })],
    [
      ['a', v('old1', 'v1')],
      ['a', v('old2', 'v1')],
      ['b', v('new1', 'v2')],
    ],
  );
  const plain = run(filterOnly(), pod('n', { labels: { foo: '', version: 'v2' }, spread: [spread(ZONE, 1)] }), snapshot);
  t.same(feasibleNames(plain), ['b'], 'all versions: a has 2, b 1');
  const keyed = run(filterOnly(), pod('n', { labels: { foo: '', version: 'v2' }, spread: [spread(ZONE, 1, { matchLabelKeys: ['version'] })] }), snapshot);
  t.same(feasibleNames(keyed), ['a'], 'only v2 pods: a has 0, b 1');
});

t.test('pods in other namespaces and terminating pods are not counted', async (t) => {
  const gone = foo('gone');
  const terminating = { ...gone, metadata: { ...gone.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
  const snapshot = snapshotOf(
    [node('a', { [ZONE]: 'zone1' }), node('b', { [ZONE]: 'zone2' })],
    [
      ['a', pod('elsewhere', { namespace: 'other', labels: { foo: '' } })],
      ['a', terminating],
      ['b', foo('p1')],
    ],
  );
  const r = run(filterOnly(), pod('n', { labels: { foo: '' }, spread: [spread(ZONE, 1)] }), snapshot);
  t.same(feasibleNames(r), ['a']);
});

t.test('ScheduleAnyway by zone: count * log(domains + 2), fewer pods score higher', async (t) => {
  const snapshot = snapshotOf(
    [node('a', { [ZONE]: 'zone1' }), node('b', { [ZONE]: 'zone1' }), node('x', { [ZONE]: 'zone2' }), node('y', { [ZONE]: 'zone2' })],
    [
      ['a', foo('p1')],
      ['a', foo('p2')],
      ['b', foo('p3')],
      ['y', foo('p4')],
    ],
  );
  // zone1 = 3 pods, zone2 = 1; weight log(2+2) = 1.386: raw 4.16 -> 4 and 1.39 -> 1.
  // normalised: zone1 100*(4+1-4)/4 = 25, zone2 100*(4+1-1)/4 = 100.
  t.equal(Math.round(3 * topologyNormalizingWeight(2)), 4);
  const r = run(scoreOnly(), pod('n', { labels: { foo: '' }, spread: [spread(ZONE, 1, { whenUnsatisfiable: 'ScheduleAnyway' })] }), snapshot);
  t.same(pluginScores(r, PTS), { a: 25, b: 25, x: 100, y: 100 });
});

t.test('ScheduleAnyway by hostname: every candidate node is its own domain', async (t) => {
  const snapshot = snapshotOf(
    [node('a'), node('b'), node('x'), node('y')],
    [
      ['a', foo('p1')],
      ['a', foo('p2')],
      ['b', foo('p3')],
      ['y', foo('p4')],
    ],
  );
  // weight log(4+2) = 1.792: a 3.58 -> 4, b 1.79 -> 2, x 0, y 2; max 4, min 0.
  const r = run(scoreOnly(), pod('n', { labels: { foo: '' }, spread: [spread(HOST, 1, { whenUnsatisfiable: 'ScheduleAnyway' })] }), snapshot);
  t.same(pluginScores(r, PTS), { a: 0, b: 50, x: 100, y: 50 });
});

t.test('scoring: nodes missing a topology key score 0; maxSkew - 1 softens differences', async (t) => {
  const snapshot = snapshotOf([node('a', { [ZONE]: 'zone1' }), node('b', { [ZONE]: 'zone2' }), node('nolabel')], [['a', foo('p1')]]);
  // maxSkew 3: zone1 1*log(4)+2 = 3.39 -> 3, zone2 0+2 = 2; max 3 min 2: a 100*2/3 = 66, b 100.
  const r = run(scoreOnly(), pod('n', { labels: { foo: '' }, spread: [spread(ZONE, 3, { whenUnsatisfiable: 'ScheduleAnyway' })] }), snapshot);
  t.same(pluginScores(r, PTS), { a: 66, b: 100, nolabel: 0 });
});

t.test('Filter ignores ScheduleAnyway constraints', async (t) => {
  const r = run(
    frameworkWith({ preFilter: [PTS], filter: [PTS], preScore: [PTS], score: [PTS] }),
    pod('n', { labels: { foo: '' }, spread: [spread(ZONE, 1, { whenUnsatisfiable: 'ScheduleAnyway' })] }),
    threeZones(),
  );
  t.same(feasibleNames(r), ['a', 'b', 'c'], 'ScheduleAnyway never filters');
});

const web: Service = { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } };
const workloads: WorkloadLister = {
  services: (ns) => (ns === 'default' ? [web] : []),
  replicationController: () => undefined,
  replicaSet: (_ns, name) => (name === 'web-rs' ? { metadata: { name }, spec: { selector: { matchLabels: { tier: 'front' } } } } : undefined),
  statefulSet: () => undefined,
};

t.test('system default constraints spread a Service\'s pods by hostname (maxSkew 3) even without zone labels', async (t) => {
  const w = (name: string) => pod(name, { labels: { app: 'web' } });
  const snapshot = snapshotOf(
    [node('n1'), node('n2'), node('n3')],
    [
      ['n1', w('w1')],
      ['n1', w('w2')],
      ['n3', w('w3')],
    ],
  );
  // hostname weight log(3+2) = 1.609: n1 2*1.609+2 = 5.2 -> 5, n2 2, n3 3.6 -> 4; max 5 min 2.
  // normalised: n1 100*2/5 = 40, n2 100*5/5 = 100, n3 100*3/5 = 60.
  const r = run(scoreOnly({}, { workloads }), pod('new', { labels: { app: 'web' } }), snapshot);
  t.same(pluginScores(r, PTS), { n1: 40, n2: 100, n3: 60 });
  const none = run(scoreOnly(), pod('new', { labels: { app: 'web' } }), snapshot);
  t.same(pluginScores(none, PTS), { n1: 0, n2: 0, n3: 0 }, 'without Services known, no default spreading');
  const list = run(scoreOnly({ PodTopologySpread: { defaultingType: 'List' } }, { workloads }), pod('new', { labels: { app: 'web' } }), snapshot);
  t.same(pluginScores(list, PTS), { n1: 0, n2: 0, n3: 0 }, 'List with no defaultConstraints: nothing');
});

t.test('defaultSelector merges matching Services with the controlling ReplicaSet', async (t) => {
  const p = podInfoFromPod({
    ...pod('w', { labels: { app: 'web', tier: 'front' } }),
    metadata: {
      name: 'w',
      namespace: 'default',
      labels: { app: 'web', tier: 'front' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-rs', uid: 'u', controller: true }],
    },
  });
  t.equal(defaultSelector(p, workloads).toString(), 'app=web,tier=front');
  t.equal(defaultSelector(podInfoFromPod(pod('lonely', { labels: { app: 'db' } })), workloads).toString(), '', 'no Service selects it');
});

t.test('args: System with defaultConstraints is rejected', async (t) => {
  t.throws(
    () => frameworkWith({ preFilter: [PTS] }, { PodTopologySpread: { defaultingType: 'System', defaultConstraints: [spread(ZONE, 1, { labelSelector: undefined })] } }),
    /when .defaultingType is "System", .defaultConstraints must be empty/,
  );
});
