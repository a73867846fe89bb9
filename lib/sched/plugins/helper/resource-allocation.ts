// The resource-allocation scorer shared by NodeResourcesFit's strategies and
// NodeResourcesBalancedAllocation (noderesources/resource_allocation.go): per configured
// resource, the node's allocatable and requested-after-placement amounts, then a scorer.
import type { NodeInfo } from '../../node-info.js';
import { isScalarResourceName } from '../../resources.js';
import type { PodInfo } from '../../types.js';
import { PluginArgsError } from './args.js';

export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** Reads `resources` args: weight defaults to 1 and must be 1..100. */
export function parseResourceSpecs(plugin: string, field: string, value: unknown): ResourceSpec[] {
  if (value === undefined || value === null) return DEFAULT_RESOURCES.slice();
  if (!Array.isArray(value)) throw new PluginArgsError(`${plugin}: ${field} must be a list`);
  if (value.length === 0) return DEFAULT_RESOURCES.slice();
  return value.map((r: unknown, i) => {
    const o = (r ?? {}) as { name?: unknown; weight?: unknown };
    if (typeof o.name !== 'string' || o.name === '') throw new PluginArgsError(`${plugin}: ${field}[${i}].name: Required value`);
    const weight = o.weight === undefined || o.weight === 0 ? 1 : o.weight;
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1 || weight > 100) {
      throw new PluginArgsError(`${plugin}: ${field}[${i}].weight: Invalid value: ${JSON.stringify(o.weight)}: resource weight of ${o.name} should be in range [1, 100]`);
    }
    return { name: o.name, weight };
  });
}

/**
 * The pod's request per resource. Without `useRequested`, cpu and memory use the non-zero
 * defaults (100m / 200Mi for containers that omit them), as LeastAllocated and friends do.
 */
export function podRequestList(podInfo: PodInfo, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  const reqs = useRequested ? podInfo.requests : podInfo.nonZeroRequests;
  return resources.map((r) => {
    switch (r.name) {
      case 'cpu':
        return reqs.milliCpu;
      case 'memory':
        return reqs.memory;
      case 'ephemeral-storage':
        return podInfo.requests.ephemeralStorage;
      default:
        return podInfo.requests.scalar[r.name] ?? 0;
    }
  });
}

/**
 * Fills `allocatable` and `requested` (same length as resources) for one node; a resource the
 * node lacks, or an extended resource the pod does not request, is left at 0/0.
 */
export function fillAllocatableRequested(
  nodeInfo: NodeInfo,
  resources: readonly ResourceSpec[],
  podRequests: readonly number[],
  useRequested: boolean,
  allocatable: Float64Array,
  requested: Float64Array,
): void {
  const base = useRequested ? nodeInfo.requested : nodeInfo.nonZeroRequested;
  for (let i = 0; i < resources.length; i++) {
    const name = resources[i]!.name;
    const podRequest = podRequests[i]!;
    let alloc = 0;
    let req = 0;
    switch (name) {
      case 'cpu':
        alloc = nodeInfo.allocatable.milliCpu;
        req = base.milliCpu + podRequest;
        break;
      case 'memory':
        alloc = nodeInfo.allocatable.memory;
        req = base.memory + podRequest;
        break;
      case 'ephemeral-storage':
        alloc = nodeInfo.allocatable.ephemeralStorage;
        req = nodeInfo.requested.ephemeralStorage + podRequest;
        break;
      default:
        if (podRequest !== 0 || !isScalarResourceName(name)) {
          alloc = nodeInfo.allocatable.scalar[name] ?? 0;
          req = (nodeInfo.requested.scalar[name] ?? 0) + podRequest;
        }
    }
    if (alloc === 0) {
      allocatable[i] = 0;
      requested[i] = 0;
    } else {
      allocatable[i] = alloc;
      requested[i] = req;
    }
  }
}

export type ResourceScorer = (requested: Float64Array, allocatable: Float64Array) => number;

/** LeastAllocated: Σ weight·(capacity − requested)·100/capacity / Σ weight (integer division). */
export function leastAllocatedScorer(resources: readonly ResourceSpec[]): ResourceScorer {
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      const capacity = allocatable[i]!;
      if (capacity === 0) continue;
      const req = requested[i]!;
      const score = req > capacity ? 0 : Math.trunc(((capacity - req) * 100) / capacity);
      nodeScore += score * resources[i]!.weight;
      weightSum += resources[i]!.weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
  };
}

/** MostAllocated: Σ weight·min(requested, capacity)·100/capacity / Σ weight. */
export function mostAllocatedScorer(resources: readonly ResourceSpec[]): ResourceScorer {
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      const capacity = allocatable[i]!;
      if (capacity === 0) continue;
      const req = Math.min(requested[i]!, capacity);
      nodeScore += Math.trunc((req * 100) / capacity) * resources[i]!.weight;
      weightSum += resources[i]!.weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
  };
}

export interface ShapePoint {
  readonly utilization: number;
  /** 0..10 as configured (scaled by 10 to 0..100 here). */
  readonly score: number;
}

/** helper.BuildBrokenLinearFunction with Go's integer division. */
export function brokenLinear(shape: readonly { utilization: number; score: number }[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      if (p <= shape[i]!.utilization) {
        if (i === 0) return shape[0]!.score;
        const a = shape[i - 1]!;
        const b = shape[i]!;
        return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
      }
    }
    return shape[shape.length - 1]!.score;
  };
}

/** RequestedToCapacityRatio: the shape applied to each resource's utilisation, weighted, rounded. */
export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly ShapePoint[]): ResourceScorer {
  const f = brokenLinear(shape.map((p) => ({ utilization: p.utilization, score: p.score * 10 })));
  const resourceScore = (requested: number, capacity: number): number => {
    if (capacity === 0 || requested > capacity) return f(100);
    if (requested <= 0) return f(0);
    return f(Math.trunc((requested * 100) / capacity));
  };
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      if (allocatable[i] === 0) continue;
      const s = resourceScore(requested[i]!, allocatable[i]!);
      if (s > 0) {
        nodeScore += s * resources[i]!.weight;
        weightSum += resources[i]!.weight;
      }
    }
    return weightSum === 0 ? 0 : Math.round(nodeScore / weightSum);
  };
}

/** balancedResourceScore: (1 − standard deviation of the utilisation fractions) · 100, truncated. */
function balance(amounts: Float64Array, allocatable: Float64Array, fractions: Float64Array): number {
  let n = 0;
  let total = 0;
  for (let i = 0; i < amounts.length; i++) {
    if (allocatable[i] === 0) continue;
    const fraction = Math.min(amounts[i]! / allocatable[i]!, 1);
    total += fraction;
    fractions[n++] = fraction;
  }
  let std = 0;
  if (n === 2) std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  else if (n > 2) {
    const mean = total / n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (fractions[i]! - mean) * (fractions[i]! - mean);
    std = Math.sqrt(sum / n);
  }
  return Math.trunc((1 - std) * 100);
}

/** How BalancedAllocation scores: 1.36's change in balance, or the balance after placement (≤ 1.35). */
export type BalanceScoring = 'ChangeInBalance' | 'BalanceAfter';
export const BALANCE_SCORINGS: readonly BalanceScoring[] = ['ChangeInBalance', 'BalanceAfter'];

/**
 * BalancedAllocation as Kubernetes 1.36 scores it (balancedResourceScorer): the change in balance
 * that placing the pod makes, 50 + (50 + with − without) / 2 in Go's integer division, so a pod
 * that keeps a node's balance scores 75, one that improves it more, one that worsens it less.
 */
export function balancedScorer(resources: readonly ResourceSpec[], mode: BalanceScoring = 'ChangeInBalance'): (requested: Float64Array, allocated: Float64Array, allocatable: Float64Array) => number {
  const fractions = new Float64Array(resources.length);
  // Before 1.36 (kept for comparing against older releases): the balance after placing the pod.
  if (mode === 'BalanceAfter') return (requested, _allocated, allocatable) => balance(requested, allocatable, fractions);
  return (requested, allocated, allocatable) => {
    const withPod = balance(requested, allocatable, fractions);
    const withoutPod = balance(allocated, allocatable, fractions);
    return 50 + Math.trunc((50 + withPod - withoutPod) / 2);
  };
}
