// NodeResourcesFit (Filter, LeastAllocated, MostAllocated, RequestedToCapacityRatio) and
// NodeResourcesBalancedAllocation on the hand-checked cases of kube-scheduler 1.36's own tests.
import t from 'tap';
import { CycleState } from '../lib/sched/framework/cycle-state.js';
import type { FrameworkHandle, ScorePlugin } from '../lib/sched/framework/interfaces.js';
import { NodeInfo } from '../lib/sched/node-info.js';
import { podInfoFromPod } from '../lib/sched/pod-info.js';
import { newNodeResourcesBalancedAllocation } from '../lib/sched/plugins/node-resources-balanced-allocation.js';
import { newNodeResourcesFit } from '../lib/sched/plugins/node-resources-fit.js';
import { makeNode, makePod } from './helpers/sched-objects.js';

const handle = {} as FrameworkHandle;
// cpu in millicores, memory in bytes, as kube-scheduler's tests write them.
const node1 = (): NodeInfo => new NodeInfo('node1', makeNode('node1', { cpu: '4000m', memory: '10000' }));
const node2 = (): NodeInfo => new NodeInfo('node2', makeNode('node2', { cpu: '6000m', memory: '10000' }));
const pod = podInfoFromPod(
  makePod('p', {
    containers: [
      { cpu: '1000m', memory: '2000' },
      { cpu: '2000m', memory: '3000' },
    ],
  }),
);

function scores(plugin: ScorePlugin & { preScore?: (s: CycleState, p: typeof pod, n: NodeInfo[]) => unknown }, nodes: NodeInfo[]): number[] {
  const state = new CycleState();
  plugin.preScore?.(state, pod, nodes);
  return nodes.map((n) => plugin.score(state, pod, n) as number);
}

t.test('LeastAllocated: differently sized nodes score 37 and 50', async (t) => {
  t.same(scores(newNodeResourcesFit(undefined, handle), [node1(), node2()]), [37, 50]);
});

t.test('LeastAllocated: a pod without requests counts 100m/200Mi', async (t) => {
  const plugin = newNodeResourcesFit(undefined, handle);
  const empty = podInfoFromPod(makePod('e'));
  const n = new NodeInfo('n', makeNode('n', { cpu: '1000m', memory: `${400 * 1024 * 1024}` }));
  // cpu (1000-100)*100/1000 = 90, memory (400-200)*100/400 = 50 → 70
  t.equal(plugin.score(new CycleState(), empty, n), 70);
});

t.test('MostAllocated: 62 and 50', async (t) => {
  const plugin = newNodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } }, handle);
  t.same(scores(plugin, [node1(), node2()]), [62, 50]);
});

t.test('RequestedToCapacityRatio with a least-requested shape: 38 and 50', async (t) => {
  const plugin = newNodeResourcesFit(
    {
      scoringStrategy: {
        type: 'RequestedToCapacityRatio',
        requestedToCapacityRatio: {
          shape: [
            { utilization: 0, score: 10 },
            { utilization: 100, score: 0 },
          ],
        },
      },
    },
    handle,
  );
  // cpu 75% → 25, memory 50% → 50, round(37.5) = 38; node2 50%/50% → 50
  t.same(scores(plugin, [node1(), node2()]), [38, 50]);
});

t.test('RequestedToCapacityRatio args are validated', async (t) => {
  t.throws(() => newNodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio' } }, handle), /requestedToCapacityRatio.shape: Required value/);
  t.throws(() => newNodeResourcesFit({ scoringStrategy: { type: 'Nope' } }, handle), /scoringStrategy.type: Unsupported value/);
});

// Kubernetes 1.36 scores the change in balance: 50 + (50 + with − without) / 2.
t.test('BalancedAllocation on empty nodes: 68 where the pod unbalances the node (100 → 87), 75 where it keeps it (100 → 100)', async (t) => {
  t.same(scores(newNodeResourcesBalancedAllocation(undefined, handle), [node1(), node2()]), [68, 75]);
});

function withPods(name: string, capacity: { cpu: string; memory: string }, pods: { cpu?: string; memory?: string }[][]): NodeInfo {
  const n = new NodeInfo(name, makeNode(name, capacity));
  pods.forEach((containers, i) => n.addPod(podInfoFromPod(makePod(`${name}-${i}`, { nodeName: name, containers }))));
  return n;
}

t.test('BalancedAllocation with pods already placed scores the change each node sees', async (t) => {
  const plugin = newNodeResourcesBalancedAllocation(undefined, handle);
  const cpuOnly = [{ cpu: '1000m' }, { cpu: '2000m' }];
  const cpuAndMemory = [
    { cpu: '1000m', memory: '2000' },
    { cpu: '2000m', memory: '3000' },
  ];
  // cpu 30% → 60%, memory 0% → 25%: 85 → 82 → 73; cpu 30% → 60%, memory 25% → 50%: 97 → 95 → 74
  t.same(scores(plugin, [withPods('a', { cpu: '10000m', memory: '20000' }, [cpuOnly]), withPods('b', { cpu: '10000m', memory: '20000' }, [cpuAndMemory])]), [73, 74]);
  // memory 10% → 20% on the larger node: 90 → 80 → 70
  t.same(scores(plugin, [withPods('b', { cpu: '10000m', memory: '50000' }, [cpuAndMemory])]), [70]);
});

t.test('BalancedAllocation with scoring BalanceAfter scores the balance after placement, as releases before 1.36 did', async (t) => {
  const plugin = newNodeResourcesBalancedAllocation({ scoring: 'BalanceAfter' }, handle);
  const cpuOnly = [{ cpu: '1000m' }, { cpu: '2000m' }];
  const cpuAndMemory = [
    { cpu: '1000m', memory: '2000' },
    { cpu: '2000m', memory: '3000' },
  ];
  // the same nodes as above, scored by their balance with the pod: 82 and 95
  t.same(scores(plugin, [withPods('a', { cpu: '10000m', memory: '20000' }, [cpuOnly]), withPods('b', { cpu: '10000m', memory: '20000' }, [cpuAndMemory])]), [82, 95]);
  t.throws(() => newNodeResourcesBalancedAllocation({ scoring: 'Newest' }, handle), /scoring: Unsupported value: "Newest"/);
});

t.test('BalancedAllocation reaches 100 where the pod restores balance and 50 where it breaks it', async (t) => {
  const plugin = newNodeResourcesBalancedAllocation(undefined, handle);
  const memoryPod = podInfoFromPod(makePod('m', { containers: [{ memory: '2000' }, { memory: '3000' }] }));
  const nodes = [withPods('a', { cpu: '3000m', memory: '5000' }, [[{ cpu: '1000m' }, { cpu: '2000m' }]]), withPods('b', { cpu: '3000m', memory: '5000' }, [])];
  const state = new CycleState();
  plugin.preScore(state, memoryPod, nodes);
  t.same(nodes.map((n) => plugin.score(state, memoryPod, n)), [100, 50]);
});

t.test('BalancedAllocation with three resources uses the full standard deviation', async (t) => {
  const plugin = newNodeResourcesBalancedAllocation(
    { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'example.com/gpu' }] },
    handle,
  );
  const p = podInfoFromPod(makePod('g', { containers: [{ cpu: '2000m', memory: '1000', extra: { 'example.com/gpu': '4' } }] }));
  const n = new NodeInfo('n', makeNode('n', { cpu: '4000m', memory: '4000', extra: { 'example.com/gpu': '4' } }));
  // fractions 0.5, 0.25, 1 → mean 0.5833, std 0.3118 → 68 with the pod, 100 without: 50 + (50 + 68 − 100) / 2 = 59
  const state = new CycleState();
  plugin.preScore(state, p, [n]);
  t.equal(plugin.score(state, p, n), 59);
});

t.test('BalancedAllocation skips best-effort pods', async (t) => {
  const plugin = newNodeResourcesBalancedAllocation(undefined, handle);
  const s = plugin.preScore(new CycleState(), podInfoFromPod(makePod('be')), []);
  t.equal(s?.codeName, 'Skip');
});

t.test('Fit filter: reasons in Kubernetes order and wording', async (t) => {
  const plugin = newNodeResourcesFit(undefined, handle);
  const n = new NodeInfo('n', makeNode('n', { cpu: '1', memory: '1Gi', pods: '1' }));
  n.addPod(podInfoFromPod(makePod('existing', { nodeName: 'n', containers: [{ cpu: '500m', memory: '512Mi' }] })));
  const big = podInfoFromPod(makePod('big', { containers: [{ cpu: '600m', memory: '600Mi', extra: { 'example.com/gpu': '1' } }] }));
  const s = plugin.filter(new CycleState(), big, n)!;
  // The node has no GPU at all: preemption cannot help, so 1.36 calls it unresolvable.
  t.equal(s.codeName, 'UnschedulableAndUnresolvable');
  t.same(s.reasons, ['Too many pods', 'Insufficient cpu', 'Insufficient memory', 'Insufficient example.com/gpu']);
  const fitsWhenEmpty = podInfoFromPod(makePod('medium', { containers: [{ cpu: '600m', memory: '600Mi' }] }));
  const busy = plugin.filter(new CycleState(), fitsWhenEmpty, n)!;
  t.equal(busy.codeName, 'Unschedulable', 'a pod the node could hold once emptied is only Unschedulable');
  const small = podInfoFromPod(makePod('small', { containers: [{ cpu: '500m', memory: '512Mi' }] }));
  const roomy = new NodeInfo('r', makeNode('r', { cpu: '1', memory: '1Gi' }));
  roomy.addPod(podInfoFromPod(makePod('existing', { nodeName: 'r', containers: [{ cpu: '500m', memory: '512Mi' }] })));
  t.equal(plugin.filter(new CycleState(), small, roomy), null, 'exactly full fits');
});

t.test('init containers and overhead count as Kubernetes PodRequests does', async (t) => {
  const p = makePod('init', { containers: [{ cpu: '100m' }] });
  p.spec!.initContainers = [{ name: 'i', image: 'x', resources: { requests: { cpu: '500m' } } }];
  p.spec!.overhead = { cpu: '10m' };
  t.equal(podInfoFromPod(p).requests.milliCpu, 510);
});
