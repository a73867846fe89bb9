// The built SchedKernel binding: one schedule call returns Kubernetes' verdicts and scores,
// and bad input comes back as a typed Error (code) with the kernel's state unchanged.
import t from 'tap';
import { encodeKernelPod, newSchedKernel, type KernelPod } from '../lib/native/sched.js';

const pod: KernelPod = { requests: { milliCpu: 1000, memory: 2 ** 30, ephemeralStorage: 0 }, nonZeroMilliCpu: 1000, nonZeroMemory: 2 ** 30, containers: 1 };

function kernel(): ReturnType<typeof newSchedKernel> {
  const k = newSchedKernel();
  k.upsertNodes([
    { name: 'small', allocatable: { milliCpu: 500, memory: 2 ** 30, ephemeralStorage: 0, allowedPodNumber: 10 } },
    { name: 'big', allocatable: { milliCpu: 4000, memory: 4 * 2 ** 30, ephemeralStorage: 0, allowedPodNumber: 10 }, taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] },
  ]);
  return k;
}

t.test('one call filters and scores every node', async (t) => {
  const k = kernel();
  const profile = k.defineProfile({ filters: ['NodeResourcesFit'], scores: [{ name: 'NodeResourcesFit', weight: 1 }] });
  const out = k.schedule(pod, { profile, start: 0, feasibleToFind: 0, pluginScores: true });
  t.equal(out.evaluated, 2);
  t.same(k.nodeNames(), ['small', 'big']);
  t.same([...out.nodes].map((s) => k.nodeNames()[s]), ['big']);
  // (4000-1000)*100/4000 = 75, (4-1)*100/4 = 75.
  t.same([...out.scores], [75]);
  t.same([...out.pluginScores], [75]);
  t.same(Array.from(out.reasonIds.subarray(out.reasonOffsets[0]!, out.reasonOffsets[1]!), (i) => out.reasons[i]), ['Insufficient cpu']);
});

t.test('a pod assumed after its schedule call, or any other, adds its own usage', async (t) => {
  const k = kernel();
  const profile = k.defineProfile({ filters: ['NodeResourcesFit'], scores: [{ name: 'NodeResourcesFit', weight: 1 }] });
  const heavy = encodeKernelPod({ ...pod, requests: { ...pod.requests, milliCpu: 3000 }, nonZeroMilliCpu: 3000 });
  const light = encodeKernelPod(pod);
  // 1. The pod just scheduled is assumed: big has 1000m left, so the light pod still fits there.
  k.schedule(heavy, { profile, start: 0, feasibleToFind: 0 });
  k.addPod('big', heavy);
  t.same([...k.schedule(light, { profile, start: 0, feasibleToFind: 0 }).nodes].map((s) => k.nodeNames()[s]), ['big']);
  // 2. A pod other than the last scheduled one is assumed with its own usage: big is full.
  k.schedule(heavy, { profile, start: 0, feasibleToFind: 0 });
  k.addPod('big', light);
  t.equal(k.schedule(light, { profile, start: 0, feasibleToFind: 0 }).nodes.length, 0);
  // 3. Taking both back leaves big as it was: cpu (4000-3000)/4000 = 25, memory (4-1)/4 = 75.
  k.removePod('big', heavy);
  k.removePod('big', light);
  t.same([...k.schedule(heavy, { profile, start: 0, feasibleToFind: 0 }).scores], [50]);
});

t.test('bad input throws typed errors and changes nothing', async (t) => {
  const k = kernel();
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (e) {
      return (e as { code?: string }).code;
    }
    return undefined;
  };
  t.equal(code(() => k.addPods([{ node: 'nowhere', requests: { milliCpu: 1, memory: 1, ephemeralStorage: 0 }, nonZeroMilliCpu: 1, nonZeroMemory: 1 }])), 'UnknownNode');
  t.equal(code(() => k.removeNodes(['big', 'nowhere'])), 'UnknownNode');
  t.equal(k.nodeCount, 2, 'a failed removal removes nothing');
  t.equal(code(() => k.upsertNodes([{ name: 'neg', allocatable: { milliCpu: -1, memory: 0, ephemeralStorage: 0 } }])), 'InvalidArgument');
  t.equal(code(() => k.upsertNodes([{ name: '', allocatable: { milliCpu: 1, memory: 0, ephemeralStorage: 0 } }])), 'InvalidArgument');
  t.equal(code(() => k.defineProfile({ filters: ['NoSuchFilter' as 'NodeName'], scores: [] })), 'InvalidArgument');
  t.equal(code(() => k.defineProfile({ filters: [], scores: [{ name: 'NodeResourcesFit', weight: 1, strategy: 'RequestedToCapacityRatio' }] })), 'InvalidArgument');
  t.equal(code(() => k.schedule(pod, { profile: 7, start: 0, feasibleToFind: 0 })), 'InvalidArgument');
  t.equal(code(() => k.schedule({ ...pod, nonZeroMilliCpu: 1.5 }, { profile: 0, start: 0, feasibleToFind: 0 })), 'InvalidArgument');
  t.equal(code(() => k.schedule(pod, { profile: 0, start: -1, feasibleToFind: 0 })), 'InvalidArgument');
  t.equal(code(() => k.setOrder(['big'])), 'InvalidArgument');
  t.equal(code(() => k.scoreNodes(pod, 0, Uint32Array.of(99))), 'InvalidArgument');
  t.throws(() => k.schedule({} as KernelPod, { profile: 0, start: 0, feasibleToFind: 0 }), 'a malformed object is refused');
  t.equal(k.nodeCount, 2);
});
