// TaintToleration, NodeAffinity, ImageLocality, NodePorts, NodeName, NodeUnschedulable,
// PrioritySort and SchedulingGates on hand-checked Kubernetes cases.
import t from 'tap';
import { CycleState } from '../lib/sched/framework/cycle-state.js';
import { PreFilterResult, type FrameworkHandle, type NodeScore } from '../lib/sched/framework/interfaces.js';
import type { Status } from '../lib/sched/framework/status.js';
import { NodeInfo } from '../lib/sched/node-info.js';
import { podInfoFromPod } from '../lib/sched/pod-info.js';
import { calculatePriority, newImageLocality } from '../lib/sched/plugins/image-locality.js';
import { newNodeAffinity } from '../lib/sched/plugins/node-affinity.js';
import { newNodeName } from '../lib/sched/plugins/node-name.js';
import { newNodePorts } from '../lib/sched/plugins/node-ports.js';
import { newNodeUnschedulable } from '../lib/sched/plugins/node-unschedulable.js';
import { newPrioritySort } from '../lib/sched/plugins/priority-sort.js';
import { newSchedulingGates } from '../lib/sched/plugins/scheduling-gates.js';
import { newTaintToleration } from '../lib/sched/plugins/taint-toleration.js';
import type { Snapshot } from '../lib/sched/types.js';
import { makeNode, makePod } from './helpers/sched-objects.js';

const handle = {} as FrameworkHandle;

t.test('TaintToleration: untolerated NoSchedule rejects with the taint in the reason', async (t) => {
  const plugin = newTaintToleration(undefined, handle);
  const n = new NodeInfo('n', makeNode('n', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }));
  const s = plugin.filter(new CycleState(), podInfoFromPod(makePod('p')), n)!;
  t.equal(s.codeName, 'UnschedulableAndUnresolvable');
  t.same(s.reasons, ['node(s) had untolerated taint(s)']);
  const tolerant = podInfoFromPod(makePod('q', { tolerations: [{ key: 'k', operator: 'Exists' }] }));
  t.equal(plugin.filter(new CycleState(), tolerant, n), null);
});

t.test('TaintToleration score: counts of PreferNoSchedule taints normalised in reverse', async (t) => {
  const plugin = newTaintToleration(undefined, handle);
  const prefer = (key: string) => ({ key, value: 'x', effect: 'PreferNoSchedule' as const });
  const nodes = [
    new NodeInfo('clean', makeNode('clean')),
    new NodeInfo('one', makeNode('one', { taints: [prefer('a')] })),
    new NodeInfo('two', makeNode('two', { taints: [prefer('a'), prefer('b')] })),
    new NodeInfo('tolerated', makeNode('tolerated', { taints: [prefer('c')] })),
  ];
  const pod = podInfoFromPod(makePod('p', { tolerations: [{ key: 'c', operator: 'Equal', value: 'x', effect: 'PreferNoSchedule' }] }));
  const state = new CycleState();
  plugin.preScore(state, pod, nodes);
  const list: NodeScore[] = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) as number }));
  t.same(list.map((s) => s.score), [0, 1, 2, 0]);
  plugin.normalizeScore!(state, pod, list);
  t.same(list.map((s) => s.score), [100, 50, 0, 100]);
  const none: NodeScore[] = [{ name: 'a', score: 0 }];
  plugin.normalizeScore!(state, pod, none);
  t.same(none, [{ name: 'a', score: 100 }], 'all zero → all max in reverse');
});

t.test('NodeAffinity preferred terms: weight sums normalised so the best is 100', async (t) => {
  const plugin = newNodeAffinity(undefined, handle);
  const pod = podInfoFromPod(
    makePod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 2, preference: { matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] } },
            { weight: 4, preference: { matchExpressions: [{ key: 'key', operator: 'In', values: ['value'] }] } },
            { weight: 5, preference: { matchExpressions: [{ key: 'az', operator: 'In', values: ['az1'] }, { key: 'missing', operator: 'Exists' }] } },
          ],
        },
      },
    }),
  );
  const nodes = [
    new NodeInfo('n1', makeNode('n1', { labels: { foo: 'bar' } })),
    new NodeInfo('n2', makeNode('n2', { labels: { foo: 'bar', key: 'value', az: 'az1' } })),
    new NodeInfo('n3', makeNode('n3')),
  ];
  const state = new CycleState();
  t.equal(plugin.preScore(state, pod, nodes), null);
  const list = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) as number }));
  t.same(list.map((s) => s.score), [2, 6, 0]);
  plugin.normalizeScore!(state, pod, list);
  t.same(list.map((s) => s.score), [33, 100, 0]);
  t.equal(plugin.preScore(state, podInfoFromPod(makePod('none')), nodes)?.codeName, 'Skip');
});

t.test('NodeAffinity filter: nodeSelector, required terms (ORed), Gt, matchFields and addedAffinity', async (t) => {
  const plugin = newNodeAffinity(undefined, handle);
  const n = new NodeInfo('n', makeNode('n', { labels: { zone: 'a', cores: '8' } }));
  const f = (pod: ReturnType<typeof makePod>) => plugin.filter(new CycleState(), podInfoFromPod(pod), n);
  t.equal(f(makePod('sel', { nodeSelector: { zone: 'a' } })), null);
  t.same(f(makePod('sel2', { nodeSelector: { zone: 'b' } }))?.reasons, ["node(s) didn't match Pod's node affinity/selector"]);
  const required = (terms: object[]) =>
    makePod('r', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never } } } });
  t.equal(f(required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }])), null);
  t.not(f(required([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }])), null);
  t.not(f(required([{}])), null, 'an empty term matches nothing');
  t.equal(f(required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n'] }] }])), null);
  const pre = plugin.preFilter(new CycleState(), podInfoFromPod(required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n', 'm'] }] }])), [n]);
  t.ok(pre instanceof PreFilterResult && pre.nodeNames.has('m'));

  const enforced = newNodeAffinity(
    { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z'] }] }] } } },
    handle,
  );
  t.same(enforced.filter(new CycleState(), podInfoFromPod(makePod('x')), n)?.reasons, ["node(s) didn't match scheduler-enforced node affinity"]);
});

t.test('ImageLocality: two images spread over two nodes → 7 and 0', async (t) => {
  const mb = 1024 * 1024;
  const n1 = new NodeInfo('n1', makeNode('n1'));
  n1.imageStates = new Map([
    ['gcr.io/40:latest', { size: 40 * mb, numNodes: 1 }],
    ['gcr.io/300:latest', { size: 300 * mb, numNodes: 1 }],
    ['gcr.io/2000:latest', { size: 2000 * mb, numNodes: 1 }],
  ]);
  const n2 = new NodeInfo('n2', makeNode('n2'));
  n2.imageStates = new Map([
    ['gcr.io/250:latest', { size: 250 * mb, numNodes: 1 }],
    ['gcr.io/10:latest', { size: 10 * mb, numNodes: 1 }],
  ]);
  const snapshot = { nodes: [n1, n2] } as unknown as Snapshot;
  const plugin = newImageLocality(undefined, { snapshot: () => snapshot } as FrameworkHandle);
  const pod = podInfoFromPod(makePod('p', { containers: [{ image: 'gcr.io/40' }, { image: 'gcr.io/300' }] }));
  // (40 + 300) MiB × 1/2 = 170 MiB; 100 × (170 − 23) / (2000 − 23) = 7.4 → 7
  t.equal(plugin.score(new CycleState(), pod, n1), 7);
  t.equal(plugin.score(new CycleState(), pod, n2), 0);
  t.equal(calculatePriority(5000 * mb, 1), 100, 'clamped at 1000 MiB per container');
});

t.test('NodePorts: host port conflicts, 0.0.0.0 against any ip', async (t) => {
  const plugin = newNodePorts(undefined, handle);
  const n = new NodeInfo('n', makeNode('n'));
  n.addPod(podInfoFromPod(makePod('a', { nodeName: 'n', containers: [{ hostPort: 8080 }] })));
  const same = podInfoFromPod(makePod('b', { containers: [{ hostPort: 8080 }] }));
  t.same(plugin.filter(new CycleState(), same, n)?.reasons, ["node(s) didn't have free ports for the requested pod ports"]);
  t.equal(plugin.filter(new CycleState(), podInfoFromPod(makePod('c', { containers: [{ hostPort: 8081 }] })), n), null);
  t.equal((plugin.preFilter(new CycleState(), podInfoFromPod(makePod('d')), []) as Status).codeName, 'Skip');
  n.removePod('default/a');
  t.equal(plugin.filter(new CycleState(), same, n), null, 'freed when the pod leaves');
});

t.test('NodeName and NodeUnschedulable', async (t) => {
  const n = new NodeInfo('n', makeNode('n', { unschedulable: true }));
  t.same(newNodeName(undefined, handle).filter(new CycleState(), podInfoFromPod(makePod('p', { nodeName: 'other' })), n)?.reasons, [
    "node(s) didn't match the requested node name",
  ]);
  const unsched = newNodeUnschedulable(undefined, handle);
  t.same(unsched.filter(new CycleState(), podInfoFromPod(makePod('p')), n)?.reasons, ['node(s) were unschedulable']);
  const tolerant = podInfoFromPod(makePod('t', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }));
  t.equal(unsched.filter(new CycleState(), tolerant, n), null);
});

t.test('PrioritySort and SchedulingGates', async (t) => {
  const sort = newPrioritySort(undefined, handle);
  const q = (priority: number, timestamp: number) => ({ podInfo: podInfoFromPod(makePod(`p${priority}-${timestamp}`, { priority })), timestamp, attempts: 0 });
  t.ok(sort.less(q(10, 5), q(1, 1)), 'higher priority first');
  t.ok(sort.less(q(1, 1), q(1, 2)), 'then earlier');
  const gated = makePod('g');
  gated.spec!.schedulingGates = [{ name: 'a' }, { name: 'b' }];
  const s = newSchedulingGates(undefined, handle).preEnqueue(podInfoFromPod(gated))!;
  t.equal(s.codeName, 'UnschedulableAndUnresolvable');
  t.same(s.reasons, ['waiting for scheduling gates: [a b]']);
});
