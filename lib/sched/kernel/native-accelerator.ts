// The FilterScoreAccelerator over the native kernel: node state mirrored from the scheduler
// cache as it changes, one native call per pod for the supported filters and scores.
import { newSchedKernel, type NativeSchedKernel } from '../../native/sched.js';
import type {
  AcceleratedNode,
  AcceleratedPlugin,
  AcceleratorFindRequest,
  AcceleratorFindResult,
  AcceleratorScoreRequest,
  FilterScoreAccelerator,
} from '../framework/accelerator.js';
import { Code, Status } from '../framework/status.js';
import type { SchedulerCache } from '../cache.js';
import { kernelPod } from './convert.js';
import { NodeMirror } from './node-mirror.js';
import { nodeAffinityPreFilter } from './pre-filter.js';
import { kernelProfile, kernelSupports } from './profile.js';
import { skippedScores } from './skipped.js';

/** Filters whose rejection preemption may resolve; the others are UnschedulableAndUnresolvable. */
const RESOLVABLE: ReadonlySet<string> = new Set(['NodePorts', 'NodeResourcesFit']);
const NO_FILTERS: readonly AcceleratedPlugin[] = [];

export class NativeAccelerator implements FilterScoreAccelerator {
  private readonly mirror: NodeMirror;
  private readonly unsubscribe: () => void;
  private readonly profiles = new WeakMap<readonly AcceleratedPlugin[], WeakMap<readonly AcceleratedPlugin[], number>>();

  constructor(
    private readonly kernel: NativeSchedKernel,
    cache: SchedulerCache,
  ) {
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

  supports(pluginName: string, args: unknown): boolean {
    return kernelSupports(pluginName, args);
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
      if (rejected) return { preFilterStatus: rejected, feasible: [], nodeToStatus: new Map(), processedNodes: 0 };
    }
    this.mirror.syncOrder(snapshot);
    const out = this.kernel.schedule(kernelPod(request.podInfo), {
      profile: this.profile(filters, scores),
      start: request.startIndex,
      feasibleToFind: request.numNodesToFind,
      score: request.score,
      pluginScores: request.score && request.wantPluginScores,
    });
    const names = this.mirror.names;
    const wanted = request.score && request.wantPluginScores;
    const feasible = this.accelerated(out.nodes, out.scores, out.pluginScores, wanted ? scores : undefined, wanted ? skippedScores(request.podInfo, scores) : undefined);
    const nodeToStatus = new Map<string, Status>();
    const statuses = new Map<string, Status>();
    for (let i = 0; i < out.failedNodes.length; i++) {
      const plugin = filters[out.failedPlugins[i]!]!.name;
      const ids = out.reasonIds.subarray(out.reasonOffsets[i]!, out.reasonOffsets[i + 1]!);
      const key = `${plugin}|${ids.join(',')}`;
      let status = statuses.get(key);
      if (!status) {
        const code = RESOLVABLE.has(plugin) ? Code.Unschedulable : Code.UnschedulableAndUnresolvable;
        status = new Status(code, Array.from(ids, (id) => out.reasons[id]!), plugin);
        statuses.set(key, status);
      }
      nodeToStatus.set(names[out.failedNodes[i]!]!, status);
    }
    return { feasible, nodeToStatus, processedNodes: out.evaluated };
  }

  scoreNodes(request: AcceleratorScoreRequest): readonly AcceleratedNode[] {
    this.mirror.syncOrder(request.snapshot);
    const slots = Uint32Array.from(request.nodes, (name) => {
      const slot = this.mirror.slot(name);
      if (slot === undefined) throw new Error(`node ${name} is not known to the native kernel`);
      return slot;
    });
    const out = this.kernel.scoreNodes(kernelPod(request.podInfo), this.profile(NO_FILTERS, request.scores), slots, request.wantPluginScores);
    const wanted = request.wantPluginScores;
    return this.accelerated(slots, out.scores, out.pluginScores, wanted ? request.scores : undefined, wanted ? skippedScores(request.podInfo, request.scores) : undefined);
  }

  private accelerated(
    slots: Uint32Array,
    totals: Float64Array,
    perPlugin: Float64Array,
    scores: readonly AcceleratedPlugin[] | undefined,
    skipped: ReadonlySet<string> | undefined,
  ): AcceleratedNode[] {
    const names = this.mirror.names;
    const nodes: AcceleratedNode[] = new Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const name = names[slots[i]!]!;
      if (scores) {
        const row = i * scores.length;
        const pluginScores = [];
        for (let j = 0; j < scores.length; j++) if (!skipped?.has(scores[j]!.name)) pluginScores.push({ name: scores[j]!.name, score: perPlugin[row + j]! });
        nodes[i] = { name, score: totals[i]!, pluginScores };
      } else {
        nodes[i] = { name, score: totals[i]! };
      }
    }
    return nodes;
  }
}
