// InterPodAffinity on hand-checked cases: required affinity and anti-affinity of the incoming
// pod, existing pods' required anti-affinity (the symmetric rule), the first pod of a group,
// namespaces and namespaceSelector, and preferred terms scored per topology pair and
// normalised to (score - min) * 100 / (max - min).
import t from 'tap';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
} from '../lib/sched/plugins/inter-pod-affinity.js';
import { feasibleNames, frameworkWith, node, pluginScores, pod, rejections, run, snapshotOf } from './helpers/sched-cluster.js';

const IPA = 'InterPodAffinity';
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

const filterOnly = (deps = {}) => frameworkWith({ preFilter: [IPA], filter: [IPA] }, {}, deps);
const scoreOnly = (config: Record<string, unknown> = {}) => frameworkWith({ preScore: [IPA], score: [IPA] }, config);

function term(app: string, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm {
  return { labelSelector: { matchLabels: { app } }, topologyKey, ...extra };
}

const nodes = () => [node('a', { [ZONE]: 'zone1' }), node('b', { [ZONE]: 'zone1' }), node('c', { [ZONE]: 'zone2' })];
const app = (name: string, value: string, namespace = 'default') => pod(name, { labels: { app: value }, namespace });

t.test('required affinity: only nodes in a zone holding a matching pod pass', async (t) => {
  const snapshot = snapshotOf(nodes(), [['a', app('db', 'db')]]);
  const r = run(filterOnly(), pod('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE)] } } }), snapshot);
  t.same(feasibleNames(r), ['a', 'b']);
  t.same(rejections(r), { c: `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}` });
});

t.test('required affinity: a node without the topology key never passes', async (t) => {
  const snapshot = snapshotOf([...nodes(), node('bare')], [['a', app('db', 'db')]]);
  const r = run(filterOnly(), pod('web', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE)] } } }), snapshot);
  t.same(feasibleNames(r), ['a', 'b']);
  t.equal(rejections(r)['bare'], `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}`);
});

t.test('the first pod of a group matching its own affinity may go anywhere; a pod not matching itself may not', async (t) => {
  const snapshot = snapshotOf(nodes(), [['a', app('other', 'cache')]]);
  const affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE)] } };
  const first = run(filterOnly(), pod('db-0', { labels: { app: 'db' }, affinity }), snapshot);
  t.same(feasibleNames(first), ['a', 'b', 'c']);
  const stranger = run(filterOnly(), pod('web', { labels: { app: 'web' }, affinity }), snapshot);
  t.same(feasibleNames(stranger), []);
});

t.test('required anti-affinity by hostname and by zone', async (t) => {
  const snapshot = snapshotOf(nodes(), [['a', app('web-0', 'web')]]);
  const byHost = run(filterOnly(), pod('web-1', { labels: { app: 'web' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', HOST)] } } }), snapshot);
  t.same(feasibleNames(byHost), ['b', 'c']);
  t.same(rejections(byHost), { a: `Unschedulable: ${ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH}` });
  const byZone = run(filterOnly(), pod('web-1', { labels: { app: 'web' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', ZONE)] } } }), snapshot);
  t.same(feasibleNames(byZone), ['c']);
});

t.test("existing pods' anti-affinity is symmetric: a pod without affinity keeps out of their zone", async (t) => {
  const guard = pod('guard', { labels: { app: 'guard' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', ZONE)] } } });
  const snapshot = snapshotOf(nodes(), [['a', guard]]);
  const r = run(filterOnly(), app('web', 'web'), snapshot);
  t.same(feasibleNames(r), ['c']);
  t.same(rejections(r), {
    a: `Unschedulable: ${ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH}`,
    b: `Unschedulable: ${ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH}`,
  });
  const unrelated = run(filterOnly(), app('db', 'db'), snapshot);
  t.same(feasibleNames(unrelated), ['a', 'b', 'c'], 'the rule selects app=web only');
  const elsewhere = run(filterOnly(), app('web', 'web', 'other'), snapshot);
  t.same(feasibleNames(elsewhere), ['a', 'b', 'c'], "the rule covers the guard's own namespace only");
});

t.test('namespaces and namespaceSelector decide whose pods a term sees', async (t) => {
  const snapshot = snapshotOf(nodes(), [['a', app('db', 'db', 'data')]]);
  const withTerm = (extra: Partial<PodAffinityTerm>) =>
    pod('web', { labels: { app: 'web' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', ZONE, extra)] } } });
  t.same(feasibleNames(run(filterOnly(), withTerm({}), snapshot)), [], 'own namespace only: no db pod there');
  t.same(feasibleNames(run(filterOnly(), withTerm({ namespaces: ['data'] }), snapshot)), ['a', 'b']);
  const namespaceLabels = (ns: string) => (ns === 'data' ? { team: 'storage' } : ns === 'default' ? {} : undefined);
  t.same(feasibleNames(run(filterOnly({ namespaceLabels }), withTerm({ namespaceSelector: { matchLabels: { team: 'storage' } } }), snapshot)), ['a', 'b']);
  t.same(feasibleNames(run(filterOnly({ namespaceLabels }), withTerm({ namespaceSelector: { matchLabels: { team: 'web' } } }), snapshot)), []);
  t.same(feasibleNames(run(filterOnly(), withTerm({ namespaceSelector: {} }), snapshot)), ['a', 'b'], 'an empty namespaceSelector selects every namespace');
});

t.test('preferred affinity and anti-affinity of the incoming pod, normalised over min..max', async (t) => {
  const snapshot = snapshotOf([...nodes(), node('d', { [ZONE]: 'zone3' })], [
    ['a', app('db', 'db')],
    ['c', app('cache', 'cache')],
  ]);
  const incoming = pod('web', {
    affinity: {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db', ZONE) }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('cache', ZONE) }] },
    },
  });
  // raw: zone1 +10 (a, b), zone2 -5 (c), zone3 0 (d); min -5, max 10: d = 100 * 5/15 = 33.
  t.same(pluginScores(run(scoreOnly(), incoming, snapshot), IPA), { a: 100, b: 100, c: 0, d: 33 });
});

t.test("existing pods' required affinity counts at hardPodAffinityWeight, their preferred terms by weight", async (t) => {
  const holder = pod('holder', { labels: { app: 'x' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', ZONE)] } } });
  const fan = pod('fan', { labels: { app: 'y' }, affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 4, podAffinityTerm: term('web', HOST) }] } } });
  const snapshot = snapshotOf([...nodes(), node('d', { [ZONE]: 'zone3' })], [
    ['a', holder],
    ['c', fan],
  ]);
  const web = app('web', 'web');
  // raw: zone1 +1 (a, b), host c +4, d 0: a = b = 25, c = 100, d = 0.
  t.same(pluginScores(run(scoreOnly(), web, snapshot), IPA), { a: 25, b: 25, c: 100, d: 0 });
  t.same(pluginScores(run(scoreOnly({ InterPodAffinity: { hardPodAffinityWeight: 5 } }), web, snapshot), IPA), { a: 100, b: 100, c: 80, d: 0 }, 'weight 5: zone1 5, c 4');
  t.same(pluginScores(run(scoreOnly({ InterPodAffinity: { hardPodAffinityWeight: 0 } }), web, snapshot), IPA), { a: 0, b: 0, c: 100, d: 0 });
  t.same(
    pluginScores(run(scoreOnly({ InterPodAffinity: { ignorePreferredTermsOfExistingPods: true } }), web, snapshot), IPA),
    { a: 0, b: 0, c: 0, d: 0 },
    'ignored when the incoming pod has no preferred terms',
  );
});

t.test('preferred anti-affinity of existing pods pushes the incoming pod away', async (t) => {
  const loner = pod('loner', { labels: { app: 'z' }, affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 7, podAffinityTerm: term('web', ZONE) }] } } });
  const snapshot = snapshotOf(nodes(), [['c', loner]]);
  // raw: zone2 -7 (c), others 0: a = b = 100, c = 0.
  t.same(pluginScores(run(scoreOnly(), app('web', 'web'), snapshot), IPA), { a: 100, b: 100, c: 0 });
});

t.test('args: hardPodAffinityWeight outside 0..100 is rejected', async (t) => {
  t.throws(() => scoreOnly({ InterPodAffinity: { hardPodAffinityWeight: 101 } }), /hardPodAffinityWeight: Invalid value: 101: not in valid range \[0, 100\]/);
});
