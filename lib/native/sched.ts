// The raw interface of the native scheduling kernel (crates/sched through crates/napi's
// SchedKernel), loaded through lib/native's loader so a missing build fails with one sentence.
import type { ExtensionPlugins, KernelNode, KernelPod, KernelPodUsage, KernelProfile as RawProfile, KernelScorePlugin as RawScorePlugin, SchedKernel as RawSchedKernel } from '../../native/index.js';
import { defaultBinaryPath, loadNative, type NativeBinding } from './index.js';

export type {
  KernelHostPort,
  KernelNode,
  KernelPod,
  KernelPodUsage,
  KernelRequirement,
  KernelResources,
  KernelSelectorTerm,
  KernelTaint,
  KernelToleration,
} from '../../native/index.js';

export type KernelBuiltInScore = 'NodeResourcesFit' | 'NodeResourcesBalancedAllocation' | 'TaintToleration' | 'NodeAffinity' | 'ImageLocality';

/** The binding's score plugin, its name narrowed to the built-in plugins (Rust extension plugins stay open). */
export interface KernelScorePlugin extends Omit<RawScorePlugin, 'name'> {
  /** A built-in score plugin, or a Rust extension plugin (`extensionPlugins().scores`). */
  name: KernelBuiltInScore | (string & {});
}

export type KernelFilterName = 'NodeUnschedulable' | 'NodeName' | 'TaintToleration' | 'NodeAffinity' | 'NodePorts' | 'NodeResourcesFit';

/** The binding's profile, its plugin names narrowed to the built-in plugins (Rust extension plugins stay open). */
export interface KernelProfile extends Omit<RawProfile, 'filters' | 'scores'> {
  /**
   * Filters in the order they run; a node's status comes from the first that rejects it.
   * Built-in names or Rust extension plugins (`extensionPlugins().filters`).
   */
  filters: (KernelFilterName | (string & {}))[];
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

/** A pod encoded once (`encodeKernelPod`) and reused for scheduling, scoring and its usage. */
export type EncodedKernelPod = string & { readonly __encodedKernelPod: true };

/** The pod as the kernel reads it: JSON, so it crosses the boundary as one string. */
export function encodeKernelPod(pod: KernelPod): EncodedKernelPod {
  return JSON.stringify(pod) as EncodedKernelPod;
}

/**
 * One schedule call's result. The typed arrays are views into buffers the kernel reuses:
 * they hold this call's result until the kernel's next schedule or scoreNodes call.
 */
export interface KernelScheduleOutcome {
  evaluated: number;
  /** Slots of the feasible nodes, in evaluation order. */
  nodes: Uint32Array;
  scores: Float64Array;
  /** Row per feasible node, column per score plugin of the profile (weighted); empty unless asked. */
  pluginScores: Float64Array;
  failedNodes: Uint32Array;
  /** Index into the profile's `filters` of the filter that rejected each failed node. */
  failedPlugins: Uint32Array;
  /** Failure i's reasons are reasons[reasonIds[k]] for k in reasonOffsets[i] .. reasonOffsets[i+1]. */
  reasonOffsets: Uint32Array;
  reasonIds: Uint32Array;
  reasons: string[];
}

/** Views into reused buffers, like KernelScheduleOutcome's. */
export interface KernelNodeScores {
  scores: Float64Array;
  pluginScores: Float64Array;
}

/**
 * Node state as struct-of-arrays and one filter-and-score call per pod. Every method throws an
 * Error with a string `code` (InvalidArgument, UnknownNode; Internal for a bug) and leaves the
 * state unchanged on bad input. A pod may be passed as an object or encoded once with
 * `encodeKernelPod` (cheaper when the same pod is scheduled and then assumed).
 */
export interface NativeSchedKernel {
  /** Adds (at the end of the node order) or replaces nodes; returns each one's slot. */
  upsertNodes(nodes: KernelNode[]): Uint32Array;
  removeNodes(names: string[]): void;
  /** A permutation of the known nodes: the order filtering rotates through. */
  setOrder(names: string[]): void;
  addPods(pods: KernelPodUsage[]): void;
  removePods(pods: KernelPodUsage[]): void;
  /** Adds the usage of the pod (its requests, non-zero requests and host ports) to the node. */
  addPod(node: string, pod: KernelPod | EncodedKernelPod): void;
  /** Takes back what addPod added for the same pod. */
  removePod(node: string, pod: KernelPod | EncodedKernelPod): void;
  defineProfile(profile: KernelProfile): number;
  /** The Rust extension plugins compiled into the kernel (crates/sched/src/plugins). */
  extensionPlugins(): KernelExtensionPlugins;
  readonly nodeCount: number;
  /** Node names in node order. */
  nodeNames(): string[];
  schedule(pod: KernelPod | EncodedKernelPod, request: KernelScheduleRequest): KernelScheduleOutcome;
  scoreNodes(pod: KernelPod | EncodedKernelPod, profile: number, nodes: Uint32Array, pluginScores?: boolean | null): KernelNodeScores;
}

export type KernelExtensionPlugins = ExtensionPlugins;

const FLAG_SCORE = 1;
const FLAG_PLUGIN_SCORES = 2;
/** ints[0] when the buffers were too small (ints[1], ints[2]: the sizes needed). */
const TOO_SMALL = 0xffffffff;
const MAX_U32 = 0xffffffff;

function invalidArgument(message: string): Error {
  return Object.assign(new Error(message), { code: 'InvalidArgument' });
}

function u32(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) throw invalidArgument(`${name} must be a whole number, got ${value}`);
  return value;
}

function encoded(pod: KernelPod | EncodedKernelPod): string {
  return typeof pod === 'string' ? pod : encodeKernelPod(pod);
}

/** A schedule call's result over the kernel's buffers; each view is made when first read. */
class ScheduleOutcome implements KernelScheduleOutcome {
  readonly evaluated: number;
  private readonly feasible: number;
  private readonly failed: number;
  private viewNodes: Uint32Array | undefined;
  private viewScores: Float64Array | undefined;
  private viewFailed: Uint32Array | undefined;

  constructor(
    private readonly ints: Uint32Array,
    private readonly floats: Float64Array,
    private readonly perPlugin: number,
    readonly reasons: string[],
  ) {
    this.evaluated = ints[0]!;
    this.feasible = ints[1]!;
    this.failed = ints[2]!;
  }

  /** ints = [evaluated, F, R, K, F nodes, R failed nodes, R filters, R+1 offsets, K reason ids]. */
  private slice(from: number, length: number): Uint32Array {
    return this.ints.subarray(from, from + length);
  }
  get nodes(): Uint32Array {
    return (this.viewNodes ??= this.slice(4, this.feasible));
  }
  get failedNodes(): Uint32Array {
    return (this.viewFailed ??= this.slice(4 + this.feasible, this.failed));
  }
  get failedPlugins(): Uint32Array {
    return this.slice(4 + this.feasible + this.failed, this.failed);
  }
  get reasonOffsets(): Uint32Array {
    return this.slice(4 + this.feasible + 2 * this.failed, this.failed + 1);
  }
  get reasonIds(): Uint32Array {
    return this.slice(4 + this.feasible + 3 * this.failed + 1, this.ints[3]!);
  }
  get scores(): Float64Array {
    return (this.viewScores ??= this.floats.subarray(0, this.feasible));
  }
  get pluginScores(): Float64Array {
    return this.floats.subarray(this.feasible, this.feasible + this.feasible * this.perPlugin);
  }
}

/** The addon's kernel with result buffers kept from call to call. */
class SchedKernel implements NativeSchedKernel {
  private ints = new Uint32Array(1024);
  private floats = new Float64Array(1024);
  /** The pod of the last schedule call, as passed: assuming it then passes nothing. */
  private lastScheduled: string | undefined;
  /** Number of score plugins of each defined profile, by handle. */
  private readonly scorePlugins: number[] = [];

  constructor(private readonly raw: RawSchedKernel) {}

  upsertNodes(nodes: KernelNode[]): Uint32Array {
    return this.raw.upsertNodes(nodes);
  }
  removeNodes(names: string[]): void {
    this.raw.removeNodes(names);
  }
  setOrder(names: string[]): void {
    this.raw.setOrder(names);
  }
  addPods(pods: KernelPodUsage[]): void {
    this.raw.addPods(pods);
  }
  removePods(pods: KernelPodUsage[]): void {
    this.raw.removePods(pods);
  }
  addPod(node: string, pod: KernelPod | EncodedKernelPod): void {
    if (typeof pod === 'string' && pod === this.lastScheduled) this.raw.addScheduledPod(node);
    else this.raw.addPodEncoded(node, encoded(pod));
  }
  removePod(node: string, pod: KernelPod | EncodedKernelPod): void {
    this.raw.removePodEncoded(node, encoded(pod));
  }
  defineProfile(profile: KernelProfile): number {
    const handle = this.raw.defineProfile(profile);
    this.scorePlugins[handle] = profile.scores.length;
    return handle;
  }
  extensionPlugins(): KernelExtensionPlugins {
    return this.raw.extensionPlugins();
  }
  get nodeCount(): number {
    return this.raw.nodeCount;
  }
  nodeNames(): string[] {
    return this.raw.nodeNames();
  }

  schedule(pod: KernelPod | EncodedKernelPod, request: KernelScheduleRequest): KernelScheduleOutcome {
    const json = encoded(pod);
    this.lastScheduled = undefined;
    const profile = u32(request.profile, 'profile');
    const start = u32(request.start, 'start');
    const toFind = u32(request.feasibleToFind, 'feasibleToFind');
    const flags = (request.score ?? true ? FLAG_SCORE : 0) | (request.pluginScores ? FLAG_PLUGIN_SCORES : 0);
    let reasons = this.raw.scheduleEncoded(json, profile, start, toFind, flags, this.ints, this.floats);
    if (this.ints[0] === TOO_SMALL) {
      this.grow(this.ints[1]!, this.ints[2]!);
      reasons = this.raw.scheduleEncoded(json, profile, start, toFind, flags, this.ints, this.floats);
    }
    this.lastScheduled = json;
    const perPlugin = flags === (FLAG_SCORE | FLAG_PLUGIN_SCORES) ? this.scorePlugins[profile]! : 0;
    return new ScheduleOutcome(this.ints, this.floats, perPlugin, reasons);
  }

  scoreNodes(pod: KernelPod | EncodedKernelPod, profile: number, nodes: Uint32Array, pluginScores?: boolean | null): KernelNodeScores {
    const json = encoded(pod);
    const handle = u32(profile, 'profile');
    const perPlugin = pluginScores ? nodes.length * (this.scorePlugins[handle] ?? 0) : 0;
    this.grow(0, nodes.length + perPlugin);
    this.raw.scoreNodesEncoded(json, handle, nodes, pluginScores ?? false, this.floats);
    return { scores: this.floats.subarray(0, nodes.length), pluginScores: this.floats.subarray(nodes.length, nodes.length + perPlugin) };
  }

  private grow(ints: number, floats: number): void {
    if (this.ints.length < ints) this.ints = new Uint32Array(Math.max(ints, this.ints.length * 2));
    if (this.floats.length < floats) this.floats = new Float64Array(Math.max(floats, this.floats.length * 2));
  }
}

/** A new, empty kernel from the addon at `path`. */
export function newSchedKernel(path: string = defaultBinaryPath): NativeSchedKernel {
  // An addon built before the kernel existed has no SchedKernel export.
  const binding: Partial<NativeBinding> = loadNative(path);
  if (typeof binding.SchedKernel !== 'function') {
    throw new Error(`The native addon ${path} has no scheduling kernel; rebuild it with "npm run build:native".`);
  }
  return new SchedKernel(new binding.SchedKernel());
}
