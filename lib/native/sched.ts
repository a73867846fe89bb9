// The raw interface of the native scheduling kernel (crates/sched through crates/napi's
// SchedKernel), loaded through lib/native's loader so a missing build fails with one sentence.
import { defaultBinaryPath, loadNative } from './index.js';

export interface KernelResources {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Only meaningful as allocatable ("pods"). */
  allowedPodNumber?: number;
  scalar?: Record<string, number>;
}

export interface KernelTaint {
  key: string;
  value?: string;
  effect: string;
}

/** A node's object; the pods on it arrive with `addPods`. */
export interface KernelNode {
  name: string;
  unschedulable?: boolean;
  allocatable: KernelResources;
  taints?: KernelTaint[];
  labels?: Record<string, string>;
  /** Every name of every image in node.status.images → size in bytes. */
  images?: Record<string, number>;
}

export interface KernelHostPort {
  ip?: string;
  protocol?: string;
  port: number;
}

/** One pod's contribution to its node's usage; `removePods` takes back the same amounts. */
export interface KernelPodUsage {
  node: string;
  requests: KernelResources;
  nonZeroMilliCpu: number;
  nonZeroMemory: number;
  hostPorts?: KernelHostPort[];
}

export interface KernelToleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface KernelRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** ANDed expressions and fields; an empty or invalid term matches no node. */
export interface KernelSelectorTerm {
  matchExpressions?: KernelRequirement[];
  matchFields?: KernelRequirement[];
}

export interface KernelPod {
  requests: KernelResources;
  nonZeroMilliCpu: number;
  nonZeroMemory: number;
  nodeName?: string;
  tolerations?: KernelToleration[];
  nodeSelector?: Record<string, string>;
  /** Required node affinity terms (ORed); absent when the pod has none. */
  requiredTerms?: KernelSelectorTerm[];
  preferredTerms?: { weight: number; preference: KernelSelectorTerm }[];
  hostPorts?: KernelHostPort[];
  /** Normalized images of the init and regular containers. */
  images?: string[];
  /** Number of init and regular containers (ImageLocality's threshold). */
  containers: number;
}

export interface KernelScorePlugin {
  name: 'NodeResourcesFit' | 'NodeResourcesBalancedAllocation' | 'TaintToleration' | 'NodeAffinity' | 'ImageLocality';
  weight: number;
  /** NodeResourcesFit only. */
  strategy?: 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
  resources?: { name: string; weight: number }[];
  /** RequestedToCapacityRatio: utilization 0..100, score 0..10. */
  shape?: { utilization: number; score: number }[];
}

export type KernelFilterName = 'NodeUnschedulable' | 'NodeName' | 'TaintToleration' | 'NodeAffinity' | 'NodePorts' | 'NodeResourcesFit';

export interface KernelProfile {
  /** Filters in the order they run; a node's status comes from the first that rejects it. */
  filters: KernelFilterName[];
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scores: KernelScorePlugin[];
}

export interface KernelScheduleRequest {
  /** A handle from `defineProfile`. */
  profile: number;
  /** Index into the node order where filtering starts (modulo the node count). */
  start: number;
  /** numFeasibleNodesToFind; 0 means every node. */
  feasibleToFind: number;
  /** Default true; false returns the feasible nodes with zero scores. */
  score?: boolean;
  pluginScores?: boolean;
}

export interface KernelScheduleOutcome {
  evaluated: number;
  /** Slots of the feasible nodes, in evaluation order. */
  nodes: Uint32Array;
  scores: Float64Array;
  /** Row per feasible node, column per score plugin of the profile (weighted); empty unless asked. */
  pluginScores: Float64Array;
  failedNodes: Uint32Array;
  /** Index into the profile's `filters` of the filter that rejected each failed node. */
  failedPlugins: Uint8Array;
  /** Failure i's reasons are reasons[reasonIds[k]] for k in reasonOffsets[i] .. reasonOffsets[i+1]. */
  reasonOffsets: Uint32Array;
  reasonIds: Uint32Array;
  reasons: string[];
}

export interface KernelNodeScores {
  scores: Float64Array;
  pluginScores: Float64Array;
}

/**
 * Node state as struct-of-arrays and one filter-and-score call per pod. Every method throws an
 * Error with a string `code` (InvalidArgument, UnknownNode; Internal for a bug) and leaves the
 * state unchanged on bad input.
 */
export interface NativeSchedKernel {
  /** Adds (at the end of the node order) or replaces nodes; returns each one's slot. */
  upsertNodes(nodes: KernelNode[]): Uint32Array;
  removeNodes(names: string[]): void;
  /** A permutation of the known nodes: the order filtering rotates through. */
  setOrder(names: string[]): void;
  addPods(pods: KernelPodUsage[]): void;
  removePods(pods: KernelPodUsage[]): void;
  defineProfile(profile: KernelProfile): number;
  readonly nodeCount: number;
  /** Node names in node order. */
  nodeNames(): string[];
  schedule(pod: KernelPod, request: KernelScheduleRequest): KernelScheduleOutcome;
  scoreNodes(pod: KernelPod, profile: number, nodes: Uint32Array, pluginScores?: boolean | null): KernelNodeScores;
}

interface SchedBinding {
  SchedKernel: new () => NativeSchedKernel;
}

/** A new, empty kernel from the addon at `path`. */
export function newSchedKernel(path: string = defaultBinaryPath): NativeSchedKernel {
  const binding = loadNative(path) as unknown as Partial<SchedBinding>;
  if (typeof binding.SchedKernel !== 'function') {
    throw new Error(`The native addon ${path} has no scheduling kernel; rebuild it with "npm run build:native".`);
  }
  return new binding.SchedKernel();
}
