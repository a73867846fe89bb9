// NodeResourcesFit: Filter rejects nodes without room for the pod's requests ("Insufficient
// cpu", "Too many pods", ...); Score ranks by the configured strategy: LeastAllocated
// (default), MostAllocated or RequestedToCapacityRatio, over cpu and memory by default.
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  FrameworkHandle,
  PreScorePlugin,
  ScorePlugin,
} from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../types.js';
import { argsObject, PluginArgsError } from './helper/args.js';
import {
  type ResourceScorer,
  type ResourceSpec,
  type ShapePoint,
  fillAllocatableRequested,
  leastAllocatedScorer,
  mostAllocatedScorer,
  parseResourceSpecs,
  podRequestList,
  requestedToCapacityRatioScorer,
} from './helper/resource-allocation.js';

export const NAME = 'NodeResourcesFit';
const PRE_SCORE_KEY = `PreScore${NAME}`;

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface NodeResourcesFitArgs {
  ignoredResources: string[];
  ignoredResourceGroups: string[];
  scoringStrategy: {
    type: ScoringStrategyType;
    resources: ResourceSpec[];
    requestedToCapacityRatio?: { shape: ShapePoint[] };
  };
}

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The request exceeds the node's whole allocatable: no preemption can help (Kubernetes 1.36). */
  unresolvable?: boolean;
}

/** Defaults and validates NodeResourcesFitArgs (kubescheduler.config.k8s.io/v1). */
export function nodeResourcesFitArgs(raw: unknown): NodeResourcesFitArgs {
  const o = argsObject(NAME, raw);
  const strategy = argsObject(`${NAME}: scoringStrategy`, o.scoringStrategy);
  const type = (strategy.type ?? 'LeastAllocated') as ScoringStrategyType;
  if (!['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'].includes(type)) {
    throw new PluginArgsError(`${NAME}: scoringStrategy.type: Unsupported value: ${JSON.stringify(type)}: supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"`);
  }
  const resources = parseResourceSpecs(NAME, 'scoringStrategy.resources', strategy.resources);
  const args: NodeResourcesFitArgs = {
    ignoredResources: stringList(o.ignoredResources, 'ignoredResources'),
    ignoredResourceGroups: stringList(o.ignoredResourceGroups, 'ignoredResourceGroups'),
    scoringStrategy: { type, resources },
  };
  if (type === 'RequestedToCapacityRatio') {
    const rtcr = argsObject(`${NAME}: scoringStrategy.requestedToCapacityRatio`, strategy.requestedToCapacityRatio);
    const shape = rtcr.shape;
    if (!Array.isArray(shape) || shape.length === 0) throw new PluginArgsError(`${NAME}: scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified`);
    const points: ShapePoint[] = shape.map((p: unknown, i) => {
      const pt = (p ?? {}) as { utilization?: unknown; score?: unknown };
      const u = pt.utilization ?? 0;
      const s = pt.score ?? 0;
      if (typeof u !== 'number' || !Number.isInteger(u) || u < 0 || u > 100) throw new PluginArgsError(`${NAME}: scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization: Invalid value: ${JSON.stringify(u)}: not in valid range [0, 100]`);
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > 10) throw new PluginArgsError(`${NAME}: scoringStrategy.requestedToCapacityRatio.shape[${i}].score: Invalid value: ${JSON.stringify(s)}: not in valid range [0, 10]`);
      if (i > 0 && u <= (shape[i - 1] as { utilization?: number }).utilization!) throw new PluginArgsError(`${NAME}: scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization: Invalid value: ${u}: utilization values must be sorted in increasing order`);
      return { utilization: u, score: s };
    });
    args.scoringStrategy.requestedToCapacityRatio = { shape: points };
  } else if (strategy.requestedToCapacityRatio !== undefined) {
    throw new PluginArgsError(`${NAME}: scoringStrategy.requestedToCapacityRatio: Forbidden: only valid with type RequestedToCapacityRatio`);
  }
  return args;
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new PluginArgsError(`${NAME}: ${field} must be a list of strings`);
  return v as string[];
}

function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.startsWith('kubernetes.io/') || name.includes('.kubernetes.io/')) return false;
  return !name.startsWith('requests.');
}

/** fitsRequest: every resource the pod cannot get on this node, in Kubernetes' order. */
export function fitsRequest(
  podInfo: PodInfo,
  nodeInfo: NodeInfo,
  ignoredResources: ReadonlySet<string> = new Set(),
  ignoredGroups: ReadonlySet<string> = new Set(),
): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  const allowedPods = alloc.allowedPodNumber ?? 0;
  if (nodeInfo.pods.length + 1 > allowedPods) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: nodeInfo.pods.length, capacity: allowedPods });
  }
  const req = podInfo.requests;
  let hasScalar = false;
  for (const _ in req.scalar) {
    hasScalar = true;
    break;
  }
  if (req.milliCpu === 0 && req.memory === 0 && req.ephemeralStorage === 0 && !hasScalar) return out;
  if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) {
    out.push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: req.milliCpu, used: used.milliCpu, capacity: alloc.milliCpu, unresolvable: req.milliCpu > alloc.milliCpu });
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    out.push({ resourceName: 'memory', reason: 'Insufficient memory', requested: req.memory, used: used.memory, capacity: alloc.memory, unresolvable: req.memory > alloc.memory });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push({
      resourceName: 'ephemeral-storage',
      reason: 'Insufficient ephemeral-storage',
      requested: req.ephemeralStorage,
      used: used.ephemeralStorage,
      capacity: alloc.ephemeralStorage,
      unresolvable: req.ephemeralStorage > alloc.ephemeralStorage,
    });
  }
  for (const name in req.scalar) {
    const q = req.scalar[name]!;
    if (q === 0) continue;
    if (isExtendedResourceName(name) && (ignoredResources.has(name) || ignoredGroups.has(name.split('/')[0]!))) continue;
    const a = alloc.scalar[name] ?? 0;
    const u = used.scalar[name] ?? 0;
    if (q > a - u) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used: u, capacity: a, unresolvable: q > a });
  }
  return out;
}

/**
 * Whether a NodeResourcesFit rejection with these reasons is unresolvable on the node: some
 * resource it names is requested beyond the node's whole allocatable (for the native kernel,
 * which reports the reasons only).
 */
export function exceedsAllocatable(podInfo: PodInfo, nodeInfo: NodeInfo, reasons: readonly string[]): boolean {
  const req = podInfo.requests;
  const alloc = nodeInfo.allocatable;
  for (const reason of reasons) {
    const name = reason.startsWith('Insufficient ') ? reason.slice('Insufficient '.length) : '';
    if (name === 'cpu' ? req.milliCpu > alloc.milliCpu : name === 'memory' ? req.memory > alloc.memory : name === 'ephemeral-storage' ? req.ephemeralStorage > alloc.ephemeralStorage : name !== '' && (req.scalar[name] ?? 0) > (alloc.scalar[name] ?? 0)) return true;
  }
  return false;
}

export function newNodeResourcesFit(rawArgs: unknown, _handle: FrameworkHandle): FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const args = nodeResourcesFitArgs(rawArgs);
  const ignored = new Set(args.ignoredResources);
  const ignoredGroups = new Set(args.ignoredResourceGroups);
  const resources = args.scoringStrategy.resources;
  let scorer: ResourceScorer;
  switch (args.scoringStrategy.type) {
    case 'LeastAllocated':
      scorer = leastAllocatedScorer(resources);
      break;
    case 'MostAllocated':
      scorer = mostAllocatedScorer(resources);
      break;
    case 'RequestedToCapacityRatio':
      scorer = requestedToCapacityRatioScorer(resources, args.scoringStrategy.requestedToCapacityRatio!.shape);
      break;
  }
  const allocatable = new Float64Array(resources.length);
  const requested = new Float64Array(resources.length);
  return {
    name: NAME,
    filter(_state, podInfo, nodeInfo) {
      const insufficient = fitsRequest(podInfo, nodeInfo, ignored, ignoredGroups);
      if (insufficient.length === 0) return null;
      const code = insufficient.some((r) => r.unresolvable) ? Code.UnschedulableAndUnresolvable : Code.Unschedulable;
      return new Status(
        code,
        insufficient.map((r) => r.reason),
        NAME,
      );
    },
    preScore(state, podInfo) {
      state.write(PRE_SCORE_KEY, podRequestList(podInfo, resources, false));
      return null;
    },
    score(state, podInfo, nodeInfo) {
      const podRequests = state.read<number[]>(PRE_SCORE_KEY) ?? podRequestList(podInfo, resources, false);
      fillAllocatableRequested(nodeInfo, resources, podRequests, false, allocatable, requested);
      return scorer(requested, allocatable);
    },
    eventsToRegister: (): ClusterEvent[] => [
      { resource: 'Pod', actionType: ['Delete'] },
      { resource: 'Node', actionType: ['Add', 'UpdateNodeAllocatable'] },
    ],
  };
}
