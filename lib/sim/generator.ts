// The synthetic workload generator: node pools in a fixed mix (general, large, small and a
// tainted GPU pool) and pods arriving as a Poisson process over the span, each running for an
// exponentially distributed time, with sizes, priorities and GPU affinity drawn from fixed
// distributions. The same seed gives the same workload.
import { seededRandom } from '../sched/framework/random.js';
import type { GenerateSpec, NodePool, PodGroup } from './workload.js';

interface Choice<T> {
  value: T;
  weight: number;
}

function chooser<T>(random: () => number, choices: readonly Choice<T>[]): () => T {
  const total = choices.reduce((sum, c) => sum + c.weight, 0);
  return () => {
    let x = random() * total;
    for (const c of choices) {
      x -= c.weight;
      if (x < 0) return c.value;
    }
    return choices[choices.length - 1]!.value;
  };
}

const GPU_TAINT = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
const CPU_MILLIS: readonly Choice<number>[] = [
  { value: 250, weight: 30 },
  { value: 500, weight: 30 },
  { value: 1000, weight: 20 },
  { value: 2000, weight: 15 },
  { value: 4000, weight: 5 },
];
const GIB_PER_CORE: readonly Choice<number>[] = [
  { value: 2, weight: 30 },
  { value: 4, weight: 50 },
  { value: 6, weight: 20 },
];
const APPS = ['web', 'api', 'batch', 'cache', 'worker'];

/** Node pools summing to spec.nodes: 60% general (16 cpu), 29% large (32), 10% small (8), 1% GPU (tainted). */
export function generatedNodePools(spec: GenerateSpec): NodePool[] {
  const gpu = Math.max(spec.nodes >= 20 ? 1 : 0, Math.floor(spec.nodes * 0.01));
  const small = Math.floor(spec.nodes * 0.1);
  const large = Math.floor(spec.nodes * 0.29);
  const general = spec.nodes - gpu - small - large;
  const pool = (name: string, count: number, cores: number, extra: Partial<NodePool> = {}): NodePool => ({
    name,
    count,
    cpu: `${cores}`,
    memory: `${cores * 4}Gi`,
    pods: 110,
    labels: { 'rudder.dev/pool': name },
    taints: [],
    ...extra,
  });
  return [
    pool('general', general, 16),
    pool('large', large, 32),
    pool('small', small, 8),
    pool('gpu', gpu, 32, { labels: { 'rudder.dev/pool': 'gpu', accelerator: 'gpu' }, taints: [GPU_TAINT] }),
  ].filter((p) => p.count > 0);
}

/** One pod group per pod, in arrival order; 2% ask for the GPU pool, 5% have priority 1000. */
export function generatedPods(spec: GenerateSpec, seed: number): PodGroup[] {
  const random = seededRandom(seed);
  const cpu = chooser(random, CPU_MILLIS);
  const gibPerCore = chooser(random, GIB_PER_CORE);
  const arrivals = Array.from({ length: spec.pods }, () => Math.floor(random() * spec.arrivalSpanMs)).sort((a, b) => a - b);
  return arrivals.map((atMs, i): PodGroup => {
    const millis = cpu();
    const app = APPS[Math.floor(random() * APPS.length)]!;
    const wantsGpu = random() < 0.02;
    const durationMs = Math.max(1000, Math.round(-Math.log(1 - random()) * spec.meanDurationMs));
    return {
      name: `pod-${i}`,
      count: 1,
      atMs,
      everyMs: 0,
      durationMs,
      cpu: `${millis}m`,
      memory: `${Math.round((millis / 1000) * gibPerCore() * 1024)}Mi`,
      priority: random() < 0.05 ? 1000 : 0,
      labels: { app },
      nodeSelector: wantsGpu ? { accelerator: 'gpu' } : ({} as Record<string, string>),
      tolerations: wantsGpu ? [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] : [],
      affinity: undefined,
    };
  });
}
