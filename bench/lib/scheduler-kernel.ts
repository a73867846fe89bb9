// The scheduler's kernel benchmark: 5,000 nodes and 10,000 pods, each pod filtered, scored,
// given a host (selectHost's tie-breaking, same seeded random) and assumed onto it so state
// evolves: by the TypeScript reference framework, by the native kernel alone (one call per
// pod, usage added natively), and by the framework with the kernel as its accelerator.
// Reports pods/s, the kernel/reference ratio, and whether all chose the same nodes.
import { loadavg } from 'node:os';
import type { Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { SchedulerCache } from '../../lib/sched/cache.js';
import { Framework } from '../../lib/sched/framework/framework.js';
import { emptyPlugins, type FrameworkProfile } from '../../lib/sched/framework/extension-points.js';
import { seededRandom } from '../../lib/sched/framework/random.js';
import { pickHost } from '../../lib/sched/framework/select-host.js';
import { newSchedKernel } from '../../lib/native/sched.js';
import { encodedKernelPod, kernelNode } from '../../lib/sched/kernel/convert.js';
import { NativeAccelerator } from '../../lib/sched/kernel/index.js';
import { kernelProfile } from '../../lib/sched/kernel/kernel-plugins.js';
import { numFeasibleNodesToFind } from '../../lib/sched/framework/num-feasible.js';
import { podInfoFromPod } from '../../lib/sched/pod-info.js';
import { inTreePluginFactories } from '../../lib/sched/plugins/in-tree.js';
import type { PodInfo } from '../../lib/sched/types.js';

export interface KernelResult {
  nodes: number;
  pods: number;
  /** nativePodsPerSecond / referencePodsPerSecond. */
  ratio: number;
  /** The whole framework cycle with the kernel as its accelerator (cache, snapshot, selectHost in TypeScript). */
  acceleratedFrameworkPodsPerSecond: number;
  acceleratedFrameworkRatio: number;
  nativePodsPerSecond: number;
  referencePodsPerSecond: number;
  nativeSeconds: number;
  referenceSeconds: number;
  /** Pods for which both chose the same node (ties are broken by the same seeded random). */
  sameChoices: number;
  unschedulable: number;
  plugins: string[];
  /** The machine's 1-minute load average when the run started (it is shared). */
  loadAverage: number;
}

const PLUGINS: { name: string; weight?: number }[] = [
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
];

const ZONES = ['zone-a', 'zone-b', 'zone-c'];
const IMAGES = Array.from({ length: 10 }, (_, i) => `registry.example/app-${i}:v1`);

function cluster(n: number, random: () => number): Node[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const cores = pick([4, 8, 16, 32, 64]);
    const taints: Taint[] = [];
    if (random() < 0.1) taints.push({ key: 'dedicated', value: pick(['gpu', 'db']), effect: 'NoSchedule' });
    if (random() < 0.2) taints.push({ key: 'spot', value: 'true', effect: 'PreferNoSchedule' });
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}`, 'topology.kubernetes.io/zone': pick(ZONES), disktype: pick(['ssd', 'hdd']) } },
      spec: { taints, ...(random() < 0.01 ? { unschedulable: true } : {}) },
      status: {
        allocatable: { cpu: `${cores}`, memory: `${cores * 4}Gi`, pods: '110', 'ephemeral-storage': '100Gi' },
        images: IMAGES.filter(() => random() < 0.2).map((name, j) => ({ names: [name], sizeBytes: (j + 1) * 100 * 2 ** 20 })),
      },
    };
  });
}

function pods(n: number, random: () => number): Pod[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const tolerations: Toleration[] = random() < 0.3 ? [{ key: 'spot', operator: 'Exists' }] : [];
    if (random() < 0.05) tolerations.push({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' });
    const preferred = random() < 0.3 ? [{ weight: 50, preference: { matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] } }] : [];
    const required = random() < 0.1 ? { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [pick(ZONES)] }] }] } : undefined;
    const affinity = preferred.length > 0 || required ? { nodeAffinity: { ...(required ? { requiredDuringSchedulingIgnoredDuringExecution: required } : {}), ...(preferred.length > 0 ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}) } } : undefined;
    const bestEffort = random() < 0.1;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: 'bench', uid: `uid-${i}` },
      spec: {
        containers: [
          {
            name: 'app',
            image: pick(IMAGES),
            resources: bestEffort ? {} : { requests: { cpu: `${pick([100, 250, 500, 1000, 2000])}m`, memory: `${pick([128, 256, 512, 1024, 4096])}Mi` } },
          },
        ],
        tolerations,
        ...(affinity ? { affinity } : {}),
      },
    };
  });
}

export interface Run {
  seconds: number;
  choices: (string | undefined)[];
}

function run(nodes: readonly Node[], podInfos: readonly PodInfo[], native: boolean): Run {
  const cache = new SchedulerCache();
  const accelerator = native ? NativeAccelerator.create(cache) : undefined;
  for (const node of nodes) cache.addNode(node);
  const profile: FrameworkProfile = { schedulerName: 'bench', plugins: emptyPlugins(), multiPoint: PLUGINS, pluginConfig: {} };
  const framework = new Framework(profile, inTreePluginFactories(), { binder: async () => {}, random: seededRandom(42) }, accelerator ? { accelerator } : {});
  const choices: (string | undefined)[] = [];
  const started = process.hrtime.bigint();
  for (const info of podInfos) {
    const result = framework.findNodes(info, cache.snapshot());
    const chosen = result.feasible[0]?.name;
    choices.push(chosen);
    if (chosen) cache.assumePod(info, chosen);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  accelerator?.close();
  return { seconds, choices };
}

/** The kernel alone: one native call per pod (encoded once), the host picked as selectHost picks it, the same encoded pod assumed natively. */
export function runKernel(nodes: readonly Node[], podInfos: readonly PodInfo[]): Run {
  const cache = new SchedulerCache();
  for (const node of nodes) cache.addNode(node);
  const snapshot = cache.snapshot();
  const kernel = newSchedKernel();
  const names: string[] = [];
  const slots = kernel.upsertNodes(snapshot.nodes.map(kernelNode));
  snapshot.nodes.forEach((info, i) => (names[slots[i]!] = info.name));
  kernel.setOrder(snapshot.nodes.map((n) => n.name));
  const filters = ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit'].map((name) => ({ name, weight: 0, args: {} }));
  const scores = PLUGINS.filter((p) => p.weight !== undefined).map((p) => ({ name: p.name, weight: p.weight!, args: {} }));
  const profile = kernel.defineProfile(kernelProfile(filters, scores));
  const random = seededRandom(42);
  const n = snapshot.nodes.length;
  const feasibleToFind = numFeasibleNodesToFind(undefined, n);
  let start = 0;
  const choices: (string | undefined)[] = [];
  const started = process.hrtime.bigint();
  for (const info of podInfos) {
    const pod = encodedKernelPod(info);
    const out = kernel.schedule(pod, { profile, start, feasibleToFind });
    start = (start + out.evaluated) % n;
    const chosen = pickHost(out.scores, random);
    const name = chosen === undefined ? undefined : names[out.nodes[chosen]!];
    choices.push(name);
    if (name) kernel.addPod(name, pod);
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, choices };
}

export async function runKernelBench(nodeCount = 5000, podCount = 10000): Promise<KernelResult> {
  const loadAverage = Math.round(loadavg()[0]! * 100) / 100;
  const random = seededRandom(2024);
  const nodes = cluster(nodeCount, random);
  const podInfos = pods(podCount, random).map(podInfoFromPod);
  // A short warm-up of both paths so neither pays the JIT's first compilations in the timing.
  run(nodes.slice(0, 200), podInfos.slice(0, 200), false);
  run(nodes.slice(0, 200), podInfos.slice(0, 200), true);
  runKernel(nodes.slice(0, 200), podInfos.slice(0, 200));
  const reference = run(nodes, podInfos, false);
  const native = runKernel(nodes, podInfos);
  const accelerated = run(nodes, podInfos, true);
  const sameChoices = reference.choices.filter((c, i) => c === native.choices[i] && c === accelerated.choices[i]).length;
  const referencePodsPerSecond = podCount / reference.seconds;
  const nativePodsPerSecond = podCount / native.seconds;
  const acceleratedPodsPerSecond = podCount / accelerated.seconds;
  return {
    nodes: nodeCount,
    pods: podCount,
    ratio: Math.round((nativePodsPerSecond / referencePodsPerSecond) * 10) / 10,
    acceleratedFrameworkPodsPerSecond: Math.round(acceleratedPodsPerSecond),
    acceleratedFrameworkRatio: Math.round((acceleratedPodsPerSecond / referencePodsPerSecond) * 10) / 10,
    nativePodsPerSecond: Math.round(nativePodsPerSecond),
    referencePodsPerSecond: Math.round(referencePodsPerSecond),
    nativeSeconds: Math.round(native.seconds * 1000) / 1000,
    referenceSeconds: Math.round(reference.seconds * 1000) / 1000,
    sameChoices,
    unschedulable: native.choices.filter((c) => c === undefined).length,
    plugins: PLUGINS.map((p) => p.name),
    loadAverage,
  };
}
