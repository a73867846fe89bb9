// The FilterScoreAccelerator over the native kernel: node state mirrored from the scheduler
// cache as it changes, one native call per pod for the supported filters and scores. Results
// stay in the kernel's typed arrays; names and per-plugin scores are looked up on demand.
import { newSchedKernel, type NativeSchedKernel } from '../../native/sched.js';
import type {
  AcceleratedNodes,
  AcceleratedPlugin,
  AcceleratorFindRequest,
  AcceleratorFindResult,
  AcceleratorScoreRequest,
  FilterScoreAccelerator,
  PluginScore,
} from '../framework/accelerator.js';
import type { PluginFactories } from '../framework/plugin-factories.js';
import { Code, Status } from '../framework/status.js';
import type { SchedulerCache } from '../cache.js';
import { encodedKernelPod } from './convert.js';
import { extensionPluginFactories } from './extension-plugins.js';
import { NodeMirror } from './node-mirror.js';
import { nodeAffinityPreFilter } from './pre-filter.js';
import { exceedsAllocatable } from '../plugins/node-resources-fit.js';
import { kernelProfile, kernelSupports } from './kernel-plugins.js';
import { skippedScores } from './skipped.js';

/** Built-in filters whose rejection preemption cannot resolve; the others (NodePorts, NodeResourcesFit, Rust extension filters) are Unschedulable. */
const UNRESOLVABLE: ReadonlySet<string> = new Set(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity']);
const FIT = 'NodeResourcesFit';
const NO_FILTERS: readonly AcceleratedPlugin[] = [];
const NO_NODES: AcceleratedNodes = { length: 0, name: () => '', position: () => -1, scores: [], pluginScores: () => undefined };

/** Feasible nodes as the kernel returned them: slots, totals and a row of plugin scores each. */
class KernelNodes implements AcceleratedNodes {
  constructor(
    private readonly names: readonly string[],
    private readonly positions: Int32Array,
    private readonly slots: Uint32Array,
    readonly scores: Float64Array,
    private readonly perPlugin: Float64Array,
    /** The score plugins when per-plugin scores were asked for. */
    private readonly plugins: readonly AcceleratedPlugin[] | undefined,
    private readonly skipped: ReadonlySet<string> | undefined,
  ) {}

  get length(): number {
    return this.slots.length;
  }

  name(i: number): string {
    return this.names[this.slots[i]!]!;
  }

  position(i: number): number {
    return this.positions[this.slots[i]!] ?? -1;
  }

  pluginScores(i: number): PluginScore[] | undefined {
    const plugins = this.plugins;
    if (!plugins) return undefined;
    const row = i * plugins.length;
    const out: PluginScore[] = [];
    for (let j = 0; j < plugins.length; j++) {
      const name = plugins[j]!.name;
      if (!this.skipped?.has(name)) out.push({ name, score: this.perPlugin[row + j]! });
    }
    return out;
  }
}

export class NativeAccelerator implements FilterScoreAccelerator {
  private readonly mirror: NodeMirror;
  private readonly unsubscribe: () => void;
  private readonly profiles = new WeakMap<readonly AcceleratedPlugin[], WeakMap<readonly AcceleratedPlugin[], number>>();
  /** Names of the Rust extension plugins the kernel was built with. */
  private readonly extensions: ReadonlySet<string>;

  constructor(
    private readonly kernel: NativeSchedKernel,
    cache: SchedulerCache,
  ) {
    const plugins = kernel.extensionPlugins();
    this.extensions = new Set([...plugins.filters, ...plugins.scores]);
    this.mirror = new NodeMirror(kernel);
    this.unsubscribe = cache.onNodeChange(this.mirror.onNodeChange);
  }

  /** A kernel from the addon at `path` (lib/native's default) mirroring `cache`. */
  static create(cache: SchedulerCache, path?: string): NativeAccelerator {
    return new NativeAccelerator(newSchedKernel(path), cache);
  }

  close(): void {
    this.unsubscribe();
  }

  /** The built-in plugins with args they run identically, and every Rust extension plugin. */
  supports(pluginName: string, args: unknown): boolean {
    return kernelSupports(pluginName, args) || this.extensions.has(pluginName);
  }

  /** The kernel's Rust extension plugins as TypeScript registry entries (see extension-plugins.ts). */
  extensionPluginFactories(): PluginFactories {
    return extensionPluginFactories(this.kernel.extensionPlugins());
  }

  /** The kernel profile for these plugin lists (the framework passes the same arrays every cycle). */
  private profile(filters: readonly AcceleratedPlugin[], scores: readonly AcceleratedPlugin[]): number {
    let byScores = this.profiles.get(filters);
    if (!byScores) this.profiles.set(filters, (byScores = new WeakMap()));
    let handle = byScores.get(scores);
    if (handle === undefined) {
      handle = this.kernel.defineProfile(kernelProfile(filters, scores));
      byScores.set(scores, handle);
    }
    return handle;
  }

  findNodes(request: AcceleratorFindRequest): AcceleratorFindResult {
    const { snapshot, filters, scores } = request;
    if (filters.some((f) => f.name === 'NodeAffinity')) {
      const rejected = nodeAffinityPreFilter(request.podInfo);
      if (rejected) return { preFilterStatus: rejected, feasible: NO_NODES, rejectedBy: [], processedNodes: 0 };
    }
    this.mirror.syncOrder(snapshot);
    const wanted = request.score && request.wantPluginScores;
    const out = this.kernel.schedule(encodedKernelPod(request.podInfo), {
      profile: this.profile(filters, scores),
      start: request.startIndex,
      feasibleToFind: request.numNodesToFind,
      score: request.score,
      pluginScores: wanted,
    });
    const names = this.mirror.names;
    const feasible = new KernelNodes(names, this.mirror.positions, out.nodes, out.scores, out.pluginScores, wanted ? scores : undefined, wanted ? skippedScores(request.podInfo, scores) : undefined);
    const nodeToStatus = request.nodeToStatus;
    // One Status per distinct (filter, reasons) of the call, shared by the nodes it rejected;
    // keyed by number for the usual single reason.
    const statuses = new Map<number | string, Status>();
    const rejectedBy: string[] = [];
    const { failedNodes, failedPlugins, reasonOffsets, reasonIds } = out;
    for (let i = 0; i < failedNodes.length; i++) {
      const from = reasonOffsets[i]!;
      const to = reasonOffsets[i + 1]!;
      let key: number | string;
      if (to - from === 1) key = failedPlugins[i]! * 0x100000 + reasonIds[from]!;
      else {
        key = `${failedPlugins[i]!}`;
        for (let k = from; k < to; k++) key += `,${reasonIds[k]!}`;
      }
      const plugin = filters[failedPlugins[i]!]!.name;
      const reasons: string[] = [];
      let unresolvable = UNRESOLVABLE.has(plugin);
      if (plugin === FIT) {
        // Kubernetes 1.36: a request beyond the node's allocatable cannot be preempted away.
        for (let k = from; k < to; k++) reasons.push(out.reasons[reasonIds[k]!]!);
        const info = snapshot.get(names[failedNodes[i]!]!);
        if (info && exceedsAllocatable(request.podInfo, info, reasons)) {
          unresolvable = true;
          key = typeof key === 'number' ? -key - 1 : `u${key}`;
        }
      }
      let status = statuses.get(key);
      if (!status) {
        const code = unresolvable ? Code.UnschedulableAndUnresolvable : Code.Unschedulable;
        if (reasons.length === 0) for (let k = from; k < to; k++) reasons.push(out.reasons[reasonIds[k]!]!);
        status = new Status(code, reasons, plugin);
        statuses.set(key, status);
        if (!rejectedBy.includes(plugin)) rejectedBy.push(plugin);
      }
      nodeToStatus.set(names[failedNodes[i]!]!, status);
    }
    return { feasible, rejectedBy, processedNodes: out.evaluated };
  }

  scoreNodes(request: AcceleratorScoreRequest): AcceleratedNodes {
    this.mirror.syncOrder(request.snapshot);
    const slots = Uint32Array.from(request.nodes, (name) => {
      const slot = this.mirror.slot(name);
      if (slot === undefined) throw new Error(`node ${name} is not known to the native kernel`);
      return slot;
    });
    const wanted = request.wantPluginScores;
    const out = this.kernel.scoreNodes(encodedKernelPod(request.podInfo), this.profile(NO_FILTERS, request.scores), slots, wanted);
    return new KernelNodes(this.mirror.names, this.mirror.positions, slots, out.scores, out.pluginScores, wanted ? request.scores : undefined, wanted ? skippedScores(request.podInfo, request.scores) : undefined);
  }
}
