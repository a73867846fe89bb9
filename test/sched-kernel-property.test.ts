// The native kernel against the TypeScript reference plugins: on random clusters (capacity,
// taints, labels, images, existing pods) and random pods, both give every node the same
// filter verdict (plugin, code, reasons) and every feasible node the same final and
// per-plugin scores, while each pod is assumed onto the chosen node so state evolves.
import fc from 'fast-check';
import t from 'tap';
import type { Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { SchedulerCache } from '../lib/sched/cache.js';
import { buildFrameworks, loadSchedulerConfiguration } from '../lib/sched/config/index.js';
import type { FindNodesResult } from '../lib/sched/framework/framework.js';
import type { HandleDeps } from '../lib/sched/framework/interfaces.js';
import { seededRandom } from '../lib/sched/framework/random.js';
import { NativeAccelerator } from '../lib/sched/kernel/index.js';
import { podInfoFromPod } from '../lib/sched/pod-info.js';
import { inTreePluginFactories } from '../lib/sched/plugins/in-tree.js';

const KEYS = ['zone', 'disk', 'gpu', 'cores'];
const VALUES = ['a', 'b', 'ssd', '4', '16', '64'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const IMAGES = ['nginx:1.25', 'redis:latest', 'busybox:latest', 'big:1'];
const MiB = 1024 * 1024;

const taint = fc.record({ key: fc.constantFrom(...KEYS), value: fc.constantFrom(...VALUES), effect: fc.constantFrom(...EFFECTS) }) as fc.Arbitrary<Taint>;
const toleration: fc.Arbitrary<Toleration> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constant('Equal'), value: fc.constantFrom(...VALUES), effect: fc.constantFrom('', ...EFFECTS) }),
  fc.record({ key: fc.constantFrom('', ...KEYS), operator: fc.constant('Exists'), effect: fc.constantFrom('', ...EFFECTS) }),
  fc.constant({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }),
);
const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });

const nodeArb = fc.record({
  cpu: fc.integer({ min: 1, max: 16 }).map((c) => c * 500),
  memory: fc.integer({ min: 1, max: 32 }).map((g) => g * 512),
  pods: fc.integer({ min: 1, max: 8 }),
  gpu: fc.integer({ min: 0, max: 2 }),
  unschedulable: fc.boolean(),
  taints: fc.array(taint, { maxLength: 2 }),
  labels,
  images: fc.subarray(IMAGES),
});

const requirement = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(VALUES, { minLength: 1 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  fc.record({ key: fc.constant('cores'), operator: fc.constantFrom('Gt', 'Lt'), values: fc.constantFrom('8', 'x').map((v) => [v]) }),
);
const term = fc.record({
  matchExpressions: fc.array(requirement, { maxLength: 2 }),
  matchFields: fc.array(fc.record({ key: fc.constant('metadata.name'), operator: fc.constant('NotIn'), values: fc.constantFrom('n0', 'n1').map((v) => [v]) }), { maxLength: 1 }),
});

const podArb = fc.record({
  containers: fc.array(
    fc.record({
      cpu: fc.option(fc.integer({ min: 1, max: 40 }).map((c) => `${c * 100}m`), { nil: undefined }),
      memory: fc.option(fc.integer({ min: 1, max: 40 }).map((m) => `${m * 128}Mi`), { nil: undefined }),
      gpu: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
      image: fc.constantFrom(...IMAGES, 'busybox'),
      hostPort: fc.option(fc.constantFrom(80, 8080), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  tolerations: fc.array(toleration, { maxLength: 3 }),
  nodeSelector: fc.option(fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 1 }), { nil: undefined }),
  required: fc.option(fc.array(term, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  preferred: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), preference: term }), { maxLength: 3 }),
});

const profileArb = fc.record({
  strategy: fc.constantFrom('LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'),
  gpuWeight: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  weights: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 5, maxLength: 5 }),
  balancedScoring: fc.constantFrom('ChangeInBalance', 'BalanceAfter'),
});

type NodeCase = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;
type PodCase = typeof podArb extends fc.Arbitrary<infer T> ? T : never;
type ProfileCase = typeof profileArb extends fc.Arbitrary<infer T> ? T : never;

function node(i: number, c: NodeCase): Node {
  const allocatable: Record<string, string> = { cpu: `${c.cpu}m`, memory: `${c.memory}Mi`, pods: `${c.pods}` };
  if (c.gpu > 0) allocatable['example.com/gpu'] = `${c.gpu}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `n${i}`, labels: { 'kubernetes.io/hostname': `n${i}`, ...c.labels } },
    spec: { taints: c.taints, unschedulable: c.unschedulable },
    status: { allocatable, images: c.images.map((name, j) => ({ names: [name], sizeBytes: (j + 1) * 300 * MiB })) },
  };
}

function pod(name: string, c: PodCase): Pod {
  const affinity =
    c.required || c.preferred.length > 0
      ? {
          nodeAffinity: {
            ...(c.required ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: c.required } } : {}),
            ...(c.preferred.length > 0 ? { preferredDuringSchedulingIgnoredDuringExecution: c.preferred } : {}),
          },
        }
      : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: name },
    spec: {
      containers: c.containers.map((k, i) => {
        const requests: Record<string, string> = {};
        if (k.cpu) requests.cpu = k.cpu;
        if (k.memory) requests.memory = k.memory;
        if (k.gpu) requests['example.com/gpu'] = `${k.gpu}`;
        return { name: `c${i}`, image: k.image, resources: { requests }, ...(k.hostPort ? { ports: [{ containerPort: k.hostPort, hostPort: k.hostPort }] } : {}) };
      }),
      tolerations: c.tolerations,
      ...(c.nodeSelector ? { nodeSelector: c.nodeSelector } : {}),
      ...(affinity ? { affinity } : {}),
    },
  };
}

function schedulerConfig(p: ProfileCase): ReturnType<typeof loadSchedulerConfiguration> {
  const resources = [
    { name: 'cpu', weight: 1 },
    { name: 'memory', weight: 1 },
    ...(p.gpuWeight ? [{ name: 'example.com/gpu', weight: p.gpuWeight }] : []),
  ];
  const scoringStrategy =
    p.strategy === 'RequestedToCapacityRatio'
      ? { type: p.strategy, resources, requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 60, score: 7 }, { utilization: 100, score: 10 }] } }
      : { type: p.strategy, resources };
  const [fit, balanced, taints, affinity, images] = p.weights;
  return loadSchedulerConfiguration({
    profiles: [
      {
        schedulerName: 'default-scheduler',
        plugins: {
          score: {
            enabled: [
              { name: 'NodeResourcesFit', weight: fit! },
              { name: 'NodeResourcesBalancedAllocation', weight: balanced! },
              { name: 'TaintToleration', weight: taints! },
              { name: 'NodeAffinity', weight: affinity! },
              { name: 'ImageLocality', weight: images! },
            ],
          },
        },
        pluginConfig: [
          { name: 'NodeResourcesFit', args: { scoringStrategy } },
          { name: 'NodeResourcesBalancedAllocation', args: { resources, scoring: p.balancedScoring } },
        ],
      },
    ],
  } as Parameters<typeof loadSchedulerConfiguration>[0]);
}

/** A result as comparable data: verdicts with sorted reasons, scores by node. */
function summary(r: FindNodesResult): unknown {
  const verdicts = [...r.diagnosis.nodeToStatus].map(([name, s]) => [name, s.plugin, s.code, [...s.reasons].sort()]).sort();
  const scores = r.feasible.map((f) => [f.name, f.score, (f.pluginScores ?? []).map((p) => `${p.name}=${p.score}`).sort()]).sort();
  return { status: r.status.code, evaluated: r.evaluatedNodes, verdicts, scores };
}

t.test('native kernel and TypeScript plugins agree on random clusters and pods', async (t) => {
  let checked = 0;
  fc.assert(
    fc.property(
      fc.array(nodeArb, { minLength: 1, maxLength: 12 }),
      fc.array(podArb, { minLength: 1, maxLength: 6 }),
      profileArb,
      (nodes, pods, profile) => {
        const cache = new SchedulerCache();
        const accelerator = NativeAccelerator.create(cache);
        const cfg = schedulerConfig(profile);
        const deps = (): HandleDeps => ({ binder: async () => {}, random: seededRandom(7) });
        const reference = buildFrameworks(cfg, inTreePluginFactories(), deps()).get('default-scheduler')!;
        const native = buildFrameworks(cfg, inTreePluginFactories(), deps(), { accelerator }).get('default-scheduler')!;
        nodes.forEach((c, i) => cache.addNode(node(i, c)));
        // An existing pod on the first node, so usage does not start at zero.
        cache.addPod({ ...pod('existing', pods[0]!), spec: { ...pod('existing', pods[0]!).spec!, nodeName: 'n0' } });
        try {
          pods.forEach((c, i) => {
            const info = podInfoFromPod(pod(`p${i}`, c));
            const snapshot = cache.snapshot();
            const options = { wantPluginScores: true, alwaysScore: true };
            const expected = reference.findNodes(info, snapshot, undefined, options);
            const actual = native.findNodes(info, snapshot, undefined, options);
            if (JSON.stringify(summary(actual)) !== JSON.stringify(summary(expected))) {
              throw new Error(`pod p${i} differs:\nreference ${JSON.stringify(summary(expected))}\nnative    ${JSON.stringify(summary(actual))}`);
            }
            checked++;
            const best = expected.feasible[0];
            if (best) cache.assumePod(info, best.name);
          });
        } finally {
          accelerator.close();
        }
      },
    ),
    { numRuns: 150, seed: 20240905 },
  );
  t.ok(checked > 150, `${checked} pods compared`);
});
