// Framework: one profile's plugins wired to kube-scheduler's extension points, and the
// scheduling algorithm of schedulePod (PreFilter, Filter from a rotating start index until
// numFeasibleNodesToFind feasible nodes, PreScore, Score, NormalizeScore, weights,
// selectHost), plus the runners for the binding cycle.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo, Snapshot } from '../types.js';
import type { AcceleratedPlugin, AcceleratorFindResult, FilterScoreAccelerator } from './accelerator.js';
import { CycleState } from './cycle-state.js';
import {
  type BindPlugin,
  type FilterPlugin,
  type FrameworkHandle,
  type FrameworkRunner,
  type HandleDeps,
  type NodeScore,
  type PermitPlugin,
  type Plugin,
  type PostBindPlugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreBindPlugin,
  type PreEnqueuePlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type QueueSortPlugin,
  type QueuedPodInfo,
  type ReservePlugin,
  type ScorePlugin,
  type WaitingPod,
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  PreFilterResult,
  isBind,
  isFilter,
  isPermit,
  isPostBind,
  isPostFilter,
  isPreBind,
  isPreEnqueue,
  isPreFilter,
  isPreScore,
  isQueueSort,
  isReserve,
  isScore,
} from './interfaces.js';
import { numFeasibleNodesToFind } from './num-feasible.js';
import { expandProfile, type EnabledPlugin, type ExtensionPoint, type FrameworkProfile } from './extension-points.js';
import type { PluginFactories } from './plugin-factories.js';
import { pickHost, selectHost } from './select-host.js';
import { Code, Status, isSuccess, type MaybeStatus } from './status.js';

export interface ScoredNode {
  readonly name: string;
  /** Sum of weighted, normalised plugin scores. */
  score: number;
  /** Per score plugin, weighted (only when asked for). */
  pluginScores?: { name: string; score: number }[];
}

export interface Diagnosis {
  /** Rejected nodes and the first failing filter's status. */
  readonly nodeToStatus: Map<string, Status>;
  /** Plugins that rejected the pod somewhere (for queueing hints). */
  readonly unschedulablePlugins: Set<string>;
  /** The PreFilter rejection message, when PreFilter rejected the pod. */
  preFilterMsg: string;
  /** The PostFilter (preemption) message, set by the caller after runPostFilterPlugins. */
  postFilterMsg: string;
}

export interface FindNodesResult {
  /** Success with feasible nodes; Unschedulable/UnschedulableAndUnresolvable with none; Error. */
  readonly status: Status;
  /**
   * feasible[0] is the selected host (ties broken at random). With `wantPluginScores` (an
   * explanation) every feasible node follows, best first; otherwise the list holds only the
   * selected host, so a cycle neither sorts nor materialises the others (`feasibleNodes`
   * counts them).
   */
  readonly feasible: ScoredNode[];
  readonly diagnosis: Diagnosis;
  /** Feasible plus rejected nodes looked at. */
  readonly evaluatedNodes: number;
  readonly feasibleNodes: number;
  readonly numAllNodes: number;
  readonly state: CycleState;
}

/** The scored list as FindNodesResult hands it out: all best first for explanations, else the choice. */
function chooseHost(scored: ScoredNode[], random: () => number, explain: boolean): ScoredNode[] {
  if (explain) {
    selectHost(scored, random);
    return scored;
  }
  const scores = new Float64Array(scored.length);
  for (let i = 0; i < scored.length; i++) scores[i] = scored[i]!.score;
  return [scored[pickHost(scores, random)!]!];
}

export interface FindNodesOptions {
  /** Score even a single feasible node (kube-scheduler skips it); for explanations. */
  alwaysScore?: boolean;
  /** Report each plugin's weighted score per node. */
  wantPluginScores?: boolean;
}

export interface FrameworkOptions {
  accelerator?: FilterScoreAccelerator;
}

interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

const ERR_NO_NODES = 'no nodes available to schedule pods';

class WaitingPodImpl implements WaitingPod {
  private pending: Set<string>;
  private settle!: (s: Status) => void;
  readonly done: Promise<Status>;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    readonly podInfo: PodInfo,
    timeouts: Map<string, number>,
    private readonly onDone: () => void,
  ) {
    this.pending = new Set(timeouts.keys());
    this.done = new Promise((resolve) => (this.settle = resolve));
    for (const [plugin, ms] of timeouts) {
      const t = setTimeout(() => this.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`), ms);
      t.unref();
      this.timers.push(t);
    }
  }

  allow(plugin: string): void {
    this.pending.delete(plugin);
    if (this.pending.size === 0) this.finish(Status.SUCCESS);
  }

  reject(plugin: string, message: string): void {
    this.finish(new Status(Code.Unschedulable, [message], plugin));
  }

  private finish(s: Status): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.onDone();
    this.settle(s);
  }
}

export class Framework implements FrameworkRunner {
  readonly profileName: string;
  readonly profile: FrameworkProfile;
  readonly handle: FrameworkHandle;
  readonly plugins = new Map<string, Plugin>();
  readonly preEnqueuePlugins: PreEnqueuePlugin[] = [];
  readonly queueSortPlugin: QueueSortPlugin | undefined;
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly postFilterPlugins: PostFilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: WeightedScorePlugin[] = [];
  readonly reservePlugins: ReservePlugin[] = [];
  readonly permitPlugins: PermitPlugin[] = [];
  readonly preBindPlugins: PreBindPlugin[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  readonly postBindPlugins: PostBindPlugin[] = [];
  /** The plugins at each extension point after multiPoint expansion, with score weights. */
  readonly enabled: Readonly<Record<ExtensionPoint, readonly EnabledPlugin[]>>;
  /** Where the next Filter pass starts (kube-scheduler's nextStartNodeIndex). */
  nextStartNodeIndex = 0;
  accelerator: FilterScoreAccelerator | undefined;

  private readonly random: () => number;
  private currentSnapshot: Snapshot | undefined;
  private readonly waitingPods = new Map<string, WaitingPodImpl>();
  private nodeIndex = new Map<string, number>();
  private nodeIndexGeneration = -1;

  constructor(profile: FrameworkProfile, registry: PluginFactories, deps: HandleDeps, options: FrameworkOptions = {}) {
    this.profile = profile;
    this.profileName = profile.schedulerName;
    this.random = deps.random ?? Math.random;
    this.accelerator = options.accelerator;
    const self = this;
    this.handle = {
      snapshot(): Snapshot {
        if (!self.currentSnapshot) throw new Error('no snapshot: the framework has not run a scheduling cycle yet');
        return self.currentSnapshot;
      },
      binder: deps.binder,
      nominator: deps.nominator,
      deps,
      clock: deps.clock ?? Date.now,
      framework: self,
      getWaitingPod: (uid) => self.waitingPods.get(uid),
    };
    const instantiate = (name: string): Plugin => {
      let plugin = this.plugins.get(name);
      if (plugin) return plugin;
      const factory = registry.get(name);
      if (!factory) throw new Error(`plugin ${JSON.stringify(name)} does not exist (profile ${profile.schedulerName})`);
      plugin = factory(profile.pluginConfig[name], this.handle);
      this.plugins.set(name, plugin);
      return plugin;
    };
    const guards: Record<ExtensionPoint, (p: Plugin) => boolean> = {
      preEnqueue: isPreEnqueue,
      queueSort: isQueueSort,
      preFilter: isPreFilter,
      filter: isFilter,
      postFilter: isPostFilter,
      preScore: isPreScore,
      score: isScore,
      reserve: isReserve,
      permit: isPermit,
      preBind: isPreBind,
      bind: isBind,
      postBind: isPostBind,
    };
    const expanded = expandProfile(profile, (name, point) => guards[point](instantiate(name)));
    this.enabled = expanded;
    const at = <T extends Plugin>(point: ExtensionPoint, guard: (p: Plugin) => p is T): T[] =>
      expanded[point].map((e) => {
        const p = instantiate(e.name);
        if (!guard(p)) throw new Error(`plugin ${JSON.stringify(e.name)} does not extend ${point} plugin (profile ${profile.schedulerName})`);
        return p;
      });
    this.preEnqueuePlugins = at('preEnqueue', isPreEnqueue);
    const queueSort = at('queueSort', isQueueSort);
    if (queueSort.length > 1) throw new Error(`only one queueSort plugin can be enabled (profile ${profile.schedulerName})`);
    this.queueSortPlugin = queueSort[0];
    this.preFilterPlugins = at('preFilter', isPreFilter);
    this.filterPlugins = at('filter', isFilter);
    this.postFilterPlugins = at('postFilter', isPostFilter);
    this.preScorePlugins = at('preScore', isPreScore);
    const scores = at('score', isScore);
    this.scorePlugins = scores.map((plugin, i) => ({ plugin, weight: expanded.score[i]!.weight ?? 1 }));
    this.reservePlugins = at('reserve', isReserve);
    this.permitPlugins = at('permit', isPermit);
    this.preBindPlugins = at('preBind', isPreBind);
    this.bindPlugins = at('bind', isBind);
    this.postBindPlugins = at('postBind', isPostBind);
  }

  get percentageOfNodesToScore(): number | undefined {
    return this.profile.percentageOfNodesToScore;
  }

  hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }
  hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }
  hasPostFilterPlugins(): boolean {
    return this.postFilterPlugins.length > 0;
  }

  /** Sets the snapshot plugins see through the handle (findNodes does it; preemption callers may too). */
  setSnapshot(snapshot: Snapshot): void {
    this.currentSnapshot = snapshot;
  }

  // ------------------------------------------------------------------ queueing

  runPreEnqueuePlugins(podInfo: PodInfo): Status {
    for (const p of this.preEnqueuePlugins) {
      const s = p.preEnqueue(podInfo);
      if (!isSuccess(s)) return s!.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  queueSortLess(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    if (this.queueSortPlugin) return this.queueSortPlugin.less(a, b);
    return a.timestamp < b.timestamp;
  }

  // ------------------------------------------------------------------ filtering

  runPreFilterPlugins(
    state: CycleState,
    podInfo: PodInfo,
    nodes: readonly NodeInfo[],
    plugins: readonly PreFilterPlugin[] = this.preFilterPlugins,
  ): { status: Status; nodeNames?: ReadonlySet<string> } {
    let nodeNames: Set<string> | undefined;
    const withNodes: string[] = [];
    const skip = new Set<string>();
    for (const p of plugins) {
      let r: ReturnType<PreFilterPlugin['preFilter']>;
      try {
        r = p.preFilter(state, podInfo, nodes);
      } catch (e) {
        return { status: Status.fromError(e, p.name) };
      }
      if (r instanceof PreFilterResult) {
        withNodes.push(p.name);
        nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => r.nodeNames.has(n))) : new Set(r.nodeNames);
        if (nodeNames.size === 0) {
          const msg = withNodes.length === 1 ? `node(s) didn't satisfy plugin ${withNodes[0]}` : `node(s) didn't satisfy plugin(s) [${withNodes.join(' ')}] simultaneously`;
          return { status: new Status(Code.UnschedulableAndUnresolvable, [msg]) };
        }
        continue;
      }
      if (r && r.isSkip()) {
        skip.add(p.name);
        continue;
      }
      if (!isSuccess(r)) {
        const s = r as Status;
        if (s.isRejected()) return { status: s.withPlugin(p.name) };
        return { status: new Status(Code.Error, [`running PreFilter plugin "${p.name}": ${s.message()}`], p.name, s.error) };
      }
    }
    state.skipFilterPlugins = skip;
    return nodeNames ? { status: Status.SUCCESS, nodeNames } : { status: Status.SUCCESS };
  }

  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status {
    for (const p of this.preFilterPlugins) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const ext = p.preFilterExtensions?.();
      if (!ext) continue;
      const s = ext.addPod(state, podToSchedule, podToAdd, nodeInfo);
      if (!isSuccess(s)) return new Status(Code.Error, [`running AddPod on PreFilter plugin "${p.name}": ${s!.message()}`], p.name);
    }
    return Status.SUCCESS;
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status {
    for (const p of this.preFilterPlugins) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const ext = p.preFilterExtensions?.();
      if (!ext) continue;
      const s = ext.removePod(state, podToSchedule, podToRemove, nodeInfo);
      if (!isSuccess(s)) return new Status(Code.Error, [`running RemovePod on PreFilter plugin "${p.name}": ${s!.message()}`], p.name);
    }
    return Status.SUCCESS;
  }

  /** The first failing filter's status (plugin name set), or success. */
  runFilterPlugins(state: CycleState, podInfo: PodInfo, nodeInfo: NodeInfo, plugins: readonly FilterPlugin[] = this.filterPlugins): Status {
    const skip = state.skipFilterPlugins;
    for (let i = 0; i < plugins.length; i++) {
      const p = plugins[i]!;
      if (skip.size > 0 && skip.has(p.name)) continue;
      let s: MaybeStatus;
      try {
        s = p.filter(state, podInfo, nodeInfo);
      } catch (e) {
        return Status.fromError(e, p.name);
      }
      if (s && s.code !== Code.Success) {
        if (!s.isRejected()) return new Status(Code.Error, [`running "${p.name}" filter plugin: ${s.message()}`], p.name, s.error);
        return s.withPlugin(p.name);
      }
    }
    return Status.SUCCESS;
  }

  /**
   * Filters twice when pods with at least this pod's priority are nominated to the node: once
   * with them added (they must fit together), once without (kube-scheduler's
   * RunFilterPluginsWithNominatedPods).
   */
  runFilterPluginsWithNominatedPods(
    state: CycleState,
    podInfo: PodInfo,
    nodeInfo: NodeInfo,
    plugins: readonly FilterPlugin[] = this.filterPlugins,
  ): Status {
    const nominator = this.handle.nominator;
    if (!nominator || !nominator.hasNominatedPods()) return this.runFilterPlugins(state, podInfo, nodeInfo, plugins);
    const nominated = nominator.nominatedPodsForNode(nodeInfo.name);
    let withNominated: NodeInfo | undefined;
    let stateWith: CycleState | undefined;
    for (const pi of nominated) {
      if (pi.priority < podInfo.priority || pi.uid === podInfo.uid) continue;
      if (!withNominated) {
        withNominated = nodeInfo.clone();
        stateWith = state.clone();
      }
      withNominated.addPod(pi);
      const s = this.runPreFilterExtensionAddPod(stateWith!, podInfo, pi, withNominated);
      if (!s.isSuccess()) return s;
    }
    if (!withNominated) return this.runFilterPlugins(state, podInfo, nodeInfo, plugins);
    const first = this.runFilterPlugins(stateWith!, podInfo, withNominated, plugins);
    if (!first.isSuccess()) return first;
    return this.runFilterPlugins(state, podInfo, nodeInfo, plugins);
  }

  async runPostFilterPlugins(state: CycleState, podInfo: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    const reasons: string[] = [];
    let rejectorPlugin = '';
    for (const p of this.postFilterPlugins) {
      let r: PostFilterResult;
      try {
        r = await p.postFilter(state, podInfo, nodeToStatus);
      } catch (e) {
        return { status: Status.fromError(e, p.name) };
      }
      if (r.status.isSuccess()) return { ...r, status: r.status.withPlugin(p.name) };
      if (r.status.code === Code.UnschedulableAndUnresolvable) return { ...r, status: r.status.withPlugin(p.name) };
      if (!r.status.isRejected()) return { status: r.status.withPlugin(p.name) };
      reasons.push(...r.status.reasons);
      if (!rejectorPlugin) rejectorPlugin = p.name;
      if (r.nominatedNodeName !== undefined) return { status: new Status(Code.Unschedulable, reasons, rejectorPlugin), nominatedNodeName: r.nominatedNodeName };
    }
    return { status: new Status(Code.Unschedulable, reasons, rejectorPlugin) };
  }

  // ------------------------------------------------------------------ scoring

  runPreScorePlugins(state: CycleState, podInfo: PodInfo, nodes: readonly NodeInfo[], plugins: readonly PreScorePlugin[] = this.preScorePlugins): Status {
    const skip = new Set<string>();
    for (const p of plugins) {
      let s: MaybeStatus;
      try {
        s = p.preScore(state, podInfo, nodes);
      } catch (e) {
        return Status.fromError(e, p.name);
      }
      if (s?.isSkip()) {
        skip.add(p.name);
        continue;
      }
      if (!isSuccess(s)) return new Status(Code.Error, [`running PreScore plugin "${p.name}": ${s!.message()}`], p.name);
    }
    state.skipScorePlugins = skip;
    return Status.SUCCESS;
  }

  /** Adds each plugin's weighted normalised score into `scored` (same order as `nodes`). */
  runScorePlugins(
    state: CycleState,
    podInfo: PodInfo,
    nodes: readonly NodeInfo[],
    scored: ScoredNode[],
    wantPluginScores: boolean,
    plugins: readonly WeightedScorePlugin[] = this.scorePlugins,
  ): Status {
    for (const { plugin, weight } of plugins) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const list: NodeScore[] = new Array(nodes.length);
      for (let i = 0; i < nodes.length; i++) {
        let r: number | Status;
        try {
          r = plugin.score(state, podInfo, nodes[i]!);
        } catch (e) {
          return Status.fromError(e, plugin.name);
        }
        if (typeof r !== 'number') {
          if (r.isSuccess()) r = 0;
          else return new Status(Code.Error, [`running Score plugin "${plugin.name}": ${r.message()}`], plugin.name);
        }
        list[i] = { name: nodes[i]!.name, score: r };
      }
      if (plugin.normalizeScore) {
        const s = plugin.normalizeScore(state, podInfo, list);
        if (!isSuccess(s)) return new Status(Code.Error, [`running Normalize on Score plugin "${plugin.name}": ${s!.message()}`], plugin.name);
      }
      for (let i = 0; i < list.length; i++) {
        const v = list[i]!.score;
        if (v > MAX_NODE_SCORE || v < MIN_NODE_SCORE) {
          return new Status(
            Code.Error,
            [`plugin "${plugin.name}" returns an invalid score ${v}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`],
            plugin.name,
          );
        }
        const weighted = v * weight;
        const target = scored[i]!;
        target.score += weighted;
        if (wantPluginScores) (target.pluginScores ??= []).push({ name: plugin.name, score: weighted });
      }
    }
    return Status.SUCCESS;
  }

  // ------------------------------------------------------------------ the scheduling algorithm

  /** kube-scheduler's schedulePod without the binding: feasible nodes ranked best first. */
  findNodes(podInfo: PodInfo, snapshot: Snapshot, state: CycleState = new CycleState(), options: FindNodesOptions = {}): FindNodesResult {
    this.currentSnapshot = snapshot;
    const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
    const allNodes = snapshot.nodes;
    const result = (status: Status, feasible: ScoredNode[], feasibleNodes = feasible.length): FindNodesResult => ({
      status,
      feasible,
      diagnosis,
      evaluatedNodes: feasibleNodes + diagnosis.nodeToStatus.size,
      feasibleNodes,
      numAllNodes: allNodes.length,
      state,
    });
    if (allNodes.length === 0) return result(new Status(Code.Error, [ERR_NO_NODES]), []);

    const accel = this.accelerator;
    const nominatedName = podInfo.pod.status?.nominatedNodeName ?? '';
    const nominator = this.handle.nominator;
    const useAccel = accel !== undefined && nominatedName === '' && !(nominator?.hasNominatedPods() ?? false);
    const split = useAccel ? this.splitForAccelerator(accel) : undefined;

    const pre = this.runPreFilterPlugins(state, podInfo, allNodes, split ? split.tsPreFilters : this.preFilterPlugins);
    if (!pre.status.isSuccess()) {
      if (!pre.status.isRejected()) return result(pre.status, []);
      for (const n of allNodes) diagnosis.nodeToStatus.set(n.name, pre.status);
      diagnosis.preFilterMsg = pre.status.message();
      if (pre.status.plugin) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return result(pre.status, []);
    }

    if (nominatedName !== '') {
      const info = snapshot.get(nominatedName);
      if (info) {
        const s = this.runFilterPluginsWithNominatedPods(state, podInfo, info);
        if (s.isSuccess()) return this.rank(state, podInfo, [info], options, result);
        if (s.isError()) return result(s, []);
      }
    }

    let nodes = allNodes;
    if (pre.nodeNames) nodes = allNodes.filter((n) => pre.nodeNames!.has(n.name));

    if (split && !pre.nodeNames) return this.findNodesAccelerated(accel!, split, state, podInfo, snapshot, diagnosis, options, result);

    const numToFind = numFeasibleNodesToFind(this.profile.percentageOfNodesToScore, nodes.length);
    const feasible: NodeInfo[] = [];
    const n = nodes.length;
    const start = this.nextStartNodeIndex % n;
    if (!this.hasFilterPlugins()) {
      for (let i = 0; i < numToFind; i++) feasible.push(nodes[(start + i) % n]!);
    } else {
      for (let i = 0; i < n && feasible.length < numToFind; i++) {
        const info = nodes[(start + i) % n]!;
        const s = this.runFilterPluginsWithNominatedPods(state, podInfo, info);
        if (s.code === Code.Success) {
          feasible.push(info);
        } else if (s.isRejected()) {
          diagnosis.nodeToStatus.set(info.name, s);
          if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
        } else {
          this.nextStartNodeIndex = (start + feasible.length + diagnosis.nodeToStatus.size) % n;
          return result(s, []);
        }
      }
    }
    this.nextStartNodeIndex = (start + feasible.length + diagnosis.nodeToStatus.size) % n;
    if (feasible.length === 0) return result(this.noFit(diagnosis), []);
    return this.rank(state, podInfo, feasible, options, result);
  }

  private noFit(diagnosis: Diagnosis): Status {
    for (const s of diagnosis.nodeToStatus.values()) if (s.code === Code.Unschedulable) return new Status(Code.Unschedulable, [], '');
    return new Status(Code.UnschedulableAndUnresolvable, [], '');
  }

  private rank(
    state: CycleState,
    podInfo: PodInfo,
    feasible: readonly NodeInfo[],
    options: FindNodesOptions,
    result: (status: Status, feasible: ScoredNode[], feasibleNodes?: number) => FindNodesResult,
  ): FindNodesResult {
    const scored: ScoredNode[] = feasible.map((n) => ({ name: n.name, score: 0 }));
    if (feasible.length === 1 && !options.alwaysScore) return result(Status.SUCCESS, scored);
    if (!this.hasScorePlugins()) {
      for (const s of scored) s.score = 1;
    } else {
      const pre = this.runPreScorePlugins(state, podInfo, feasible);
      if (!pre.isSuccess()) return result(pre, []);
      const s = this.runScorePlugins(state, podInfo, feasible, scored, options.wantPluginScores ?? false);
      if (!s.isSuccess()) return result(s, []);
    }
    return result(Status.SUCCESS, chooseHost(scored, this.random, options.wantPluginScores ?? false), scored.length);
  }

  // ------------------------------------------------------------------ accelerated path

  private splitCache: { accel: FilterScoreAccelerator; split: AcceleratorSplit } | undefined;

  private splitForAccelerator(accel: FilterScoreAccelerator): AcceleratorSplit {
    if (this.splitCache?.accel === accel) return this.splitCache.split;
    const args = (name: string): unknown => this.profile.pluginConfig[name];
    const native = (name: string): boolean => accel.supports(name, args(name));
    const split: AcceleratorSplit = {
      nativeFilters: this.filterPlugins.filter((p) => native(p.name)).map((p) => ({ name: p.name, weight: 0, args: args(p.name) })),
      tsFilters: this.filterPlugins.filter((p) => !native(p.name)),
      nativeScores: this.scorePlugins.filter((s) => native(s.plugin.name)).map((s) => ({ name: s.plugin.name, weight: s.weight, args: args(s.plugin.name) })),
      tsScores: this.scorePlugins.filter((s) => !native(s.plugin.name)),
      // PreFilter/PreScore state of native plugins is the kernel's business.
      tsPreFilters: this.preFilterPlugins.filter((p) => !native(p.name)),
      tsPreScores: this.preScorePlugins.filter((p) => !native(p.name)),
    };
    this.splitCache = { accel, split };
    return split;
  }

  private indexOfNode(snapshot: Snapshot, name: string): number {
    if (this.nodeIndexGeneration !== snapshot.nodeListGeneration) {
      this.nodeIndex = new Map(snapshot.nodes.map((n, i) => [n.name, i]));
      this.nodeIndexGeneration = snapshot.nodeListGeneration;
    }
    return this.nodeIndex.get(name) ?? -1;
  }

  private findNodesAccelerated(
    accel: FilterScoreAccelerator,
    split: AcceleratorSplit,
    state: CycleState,
    podInfo: PodInfo,
    snapshot: Snapshot,
    diagnosis: Diagnosis,
    options: FindNodesOptions,
    result: (status: Status, feasible: ScoredNode[], feasibleNodes?: number) => FindNodesResult,
  ): FindNodesResult {
    const nodes = snapshot.nodes;
    const n = nodes.length;
    const numToFind = numFeasibleNodesToFind(this.profile.percentageOfNodesToScore, n);
    const start = this.nextStartNodeIndex % n;
    const wantPluginScores = options.wantPluginScores ?? false;
    // TypeScript filters whose PreFilter said Skip (e.g. PodTopologySpread for a pod without
    // constraints) would pass every node: the kernel's verdicts then stand alone.
    const skip = state.skipFilterPlugins;
    const tsFilters = skip.size === 0 ? split.tsFilters : split.tsFilters.filter((p) => !skip.has(p.name));
    const onlyNative = tsFilters.length === 0;
    // With only native filters every verdict stands; otherwise only those before the stop.
    const rejected = onlyNative ? diagnosis.nodeToStatus : new Map<string, Status>();
    let found: AcceleratorFindResult;
    try {
      found = accel.findNodes({
        podInfo,
        snapshot,
        filters: split.nativeFilters,
        scores: split.nativeScores,
        startIndex: start,
        numNodesToFind: onlyNative ? numToFind : n,
        score: onlyNative,
        wantPluginScores,
        nodeToStatus: rejected,
      });
    } catch (e) {
      // e.g. a Rust plugin refusing its args when the kernel first sees the profile.
      return result(Status.fromError(e), []);
    }
    if (found.preFilterStatus) {
      const s = found.preFilterStatus;
      for (const node of nodes) diagnosis.nodeToStatus.set(node.name, s);
      diagnosis.preFilterMsg = s.message();
      if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
      return result(s, []);
    }
    let scored: ScoredNode[];
    if (onlyNative) {
      for (const plugin of found.rejectedBy) diagnosis.unschedulablePlugins.add(plugin);
      this.nextStartNodeIndex = (start + found.processedNodes) % n;
      const feasible = found.feasible;
      const count = feasible.length;
      if (count === 0) return result(this.noFit(diagnosis), []);
      const scoredInTs = this.hasScorePlugins() && (split.tsScores.length > 0 || split.tsPreScores.length > 0);
      if (count === 1 && !options.alwaysScore) return result(Status.SUCCESS, [{ name: feasible.name(0), score: feasible.scores[0]! }]);
      if (!wantPluginScores && !scoredInTs) {
        // The usual cycle: pick from the kernel's scores, materialise only the chosen node.
        if (!this.hasScorePlugins()) return result(Status.SUCCESS, [{ name: feasible.name(pickHost(new Float64Array(count).fill(1), this.random)!), score: 1 }], count);
        const chosen = pickHost(feasible.scores, this.random)!;
        return result(Status.SUCCESS, [{ name: feasible.name(chosen), score: feasible.scores[chosen]! }], count);
      }
      if (!wantPluginScores) {
        // TypeScript PreScore first (on the NodeInfos by position, no lookups by name): when it
        // skips every TypeScript score plugin (PodTopologySpread, InterPodAffinity for a pod
        // without constraints), the kernel's scores decide alone.
        const infos = new Array<NodeInfo>(count);
        for (let i = 0; i < count; i++) infos[i] = nodes[feasible.position(i)] ?? snapshot.get(feasible.name(i))!;
        const pre = this.runPreScorePlugins(state, podInfo, infos, split.tsPreScores);
        if (!pre.isSuccess()) return result(pre, []);
        const skipped = state.skipScorePlugins;
        if (split.tsScores.every((s) => skipped.has(s.plugin.name))) {
          const chosen = pickHost(feasible.scores, this.random)!;
          return result(Status.SUCCESS, [{ name: feasible.name(chosen), score: feasible.scores[chosen]! }], count);
        }
        const withTs = new Array<ScoredNode>(count);
        for (let i = 0; i < count; i++) withTs[i] = { name: infos[i]!.name, score: feasible.scores[i]! };
        const scoredTs = this.runScorePlugins(state, podInfo, infos, withTs, false, split.tsScores);
        if (!scoredTs.isSuccess()) return result(scoredTs, []);
        return result(Status.SUCCESS, chooseHost(withTs, this.random, false), count);
      }
      scored = new Array<ScoredNode>(count);
      for (let i = 0; i < count; i++) {
        const pluginScores = feasible.pluginScores(i);
        scored[i] = pluginScores ? { name: feasible.name(i), score: feasible.scores[i]!, pluginScores } : { name: feasible.name(i), score: feasible.scores[i]! };
      }
    } else {
      // Walk the native verdicts in evaluation order, apply TypeScript filters, stop at numToFind.
      const offset = (name: string): number => (this.indexOfNode(snapshot, name) - start + n) % n;
      const kept: NodeInfo[] = [];
      let stopAt = n;
      const feasible = found.feasible;
      for (let i = 0; i < feasible.length; i++) {
        const name = feasible.name(i);
        const info = snapshot.get(name)!;
        const s = this.runFilterPlugins(state, podInfo, info, tsFilters);
        if (s.isSuccess()) kept.push(info);
        else if (s.isRejected()) {
          diagnosis.nodeToStatus.set(name, s);
          if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
        } else return result(s, []);
        if (kept.length >= numToFind) {
          stopAt = offset(name) + 1;
          break;
        }
      }
      for (const [name, s] of rejected) {
        if (offset(name) >= stopAt) continue;
        diagnosis.nodeToStatus.set(name, s);
        if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
      }
      this.nextStartNodeIndex = (start + kept.length + diagnosis.nodeToStatus.size) % n;
      scored = kept.map((k) => ({ name: k.name, score: 0 }));
      if (kept.length > 1 || options.alwaysScore) {
        if (split.nativeScores.length > 0) {
          const native = accel.scoreNodes({ podInfo, snapshot, nodes: kept.map((k) => k.name), scores: split.nativeScores, wantPluginScores });
          for (let i = 0; i < native.length; i++) {
            scored[i]!.score = native.scores[i]!;
            const pluginScores = native.pluginScores(i);
            if (pluginScores) scored[i]!.pluginScores = pluginScores;
          }
        }
      }
    }
    if (scored.length === 0) return result(this.noFit(diagnosis), []);
    if (scored.length === 1 && !options.alwaysScore) return result(Status.SUCCESS, scored);
    if (!this.hasScorePlugins()) {
      for (const s of scored) s.score = 1;
    } else if (split.tsScores.length > 0 || split.tsPreScores.length > 0) {
      const infos = scored.map((s) => snapshot.get(s.name)!);
      const pre = this.runPreScorePlugins(state, podInfo, infos, split.tsPreScores);
      if (!pre.isSuccess()) return result(pre, []);
      const s = this.runScorePlugins(state, podInfo, infos, scored, wantPluginScores, split.tsScores);
      if (!s.isSuccess()) return result(s, []);
    }
    return result(Status.SUCCESS, chooseHost(scored, this.random, wantPluginScores), scored.length);
  }

  // ------------------------------------------------------------------ binding cycle

  runReservePluginsReserve(state: CycleState, podInfo: PodInfo, nodeName: string): Status {
    for (const p of this.reservePlugins) {
      let s: MaybeStatus;
      try {
        s = p.reserve(state, podInfo, nodeName);
      } catch (e) {
        return Status.fromError(e, p.name);
      }
      if (!isSuccess(s)) {
        if (s!.isRejected()) return s!.withPlugin(p.name);
        return new Status(Code.Error, [`running Reserve plugin "${p.name}": ${s!.message()}`], p.name);
      }
    }
    return Status.SUCCESS;
  }

  /** Unreserve in reverse order, as kube-scheduler does. */
  runReservePluginsUnreserve(state: CycleState, podInfo: PodInfo, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) {
      try {
        this.reservePlugins[i]!.unreserve(state, podInfo, nodeName);
      } catch {
        // Unreserve must not fail; a throwing plugin cannot stop the others from cleaning up.
      }
    }
  }

  /** Success, a rejection, or Wait (the pod is then waiting; call waitOnPermit). */
  runPermitPlugins(state: CycleState, podInfo: PodInfo, nodeName: string): Status {
    const waits = new Map<string, number>();
    for (const p of this.permitPlugins) {
      let r;
      try {
        r = p.permit(state, podInfo, nodeName);
      } catch (e) {
        return Status.fromError(e, p.name);
      }
      const s = r.status;
      if (isSuccess(s)) continue;
      if (s!.isRejected()) return s!.withPlugin(p.name);
      if (s!.isWait()) {
        waits.set(p.name, Math.min(r.timeoutMs ?? 15 * 60_000, 15 * 60_000));
        continue;
      }
      return new Status(Code.Error, [`running Permit plugin "${p.name}": ${s!.message()}`], p.name);
    }
    if (waits.size > 0) {
      const uid = podInfo.uid;
      this.waitingPods.set(uid, new WaitingPodImpl(podInfo, waits, () => this.waitingPods.delete(uid)));
      return new Status(Code.Wait, [`one or more plugins asked to wait and no plugin rejected pod "${podInfo.name}"`]);
    }
    return Status.SUCCESS;
  }

  /** Resolves when every waiting Permit plugin allowed the pod, or one rejected it (or timed out). */
  async waitOnPermit(podInfo: PodInfo): Promise<Status> {
    const w = this.waitingPods.get(podInfo.uid);
    if (!w) return Status.SUCCESS;
    return w.done;
  }

  async runPreBindPlugins(state: CycleState, podInfo: PodInfo, nodeName: string): Promise<Status> {
    for (const p of this.preBindPlugins) {
      let s: MaybeStatus;
      try {
        s = await p.preBind(state, podInfo, nodeName);
      } catch (e) {
        return Status.fromError(e, p.name);
      }
      if (!isSuccess(s)) {
        if (s!.isRejected()) return s!.withPlugin(p.name);
        return new Status(Code.Error, [`running PreBind plugin "${p.name}": ${s!.message()}`], p.name);
      }
    }
    return Status.SUCCESS;
  }

  /** The first bind plugin that does not Skip binds; Skip from all is an error-free Skip. */
  async runBindPlugins(state: CycleState, podInfo: PodInfo, nodeName: string): Promise<Status> {
    if (this.bindPlugins.length === 0) return Status.skip();
    for (const p of this.bindPlugins) {
      let s: MaybeStatus;
      try {
        s = await p.bind(state, podInfo, nodeName);
      } catch (e) {
        return Status.fromError(e, p.name);
      }
      if (s?.isSkip()) continue;
      if (!isSuccess(s)) {
        if (s!.isRejected()) return s!.withPlugin(p.name);
        return new Status(Code.Error, [`running Bind plugin "${p.name}": ${s!.message()}`], p.name);
      }
      return Status.SUCCESS;
    }
    return Status.skip();
  }

  runPostBindPlugins(state: CycleState, podInfo: PodInfo, nodeName: string): void {
    for (const p of this.postBindPlugins) {
      try {
        p.postBind(state, podInfo, nodeName);
      } catch {
        // PostBind is informational; kube-scheduler ignores its outcome too.
      }
    }
  }
}

interface AcceleratorSplit {
  nativeFilters: AcceleratedPlugin[];
  tsFilters: FilterPlugin[];
  nativeScores: AcceleratedPlugin[];
  tsScores: WeightedScorePlugin[];
  tsPreFilters: PreFilterPlugin[];
  tsPreScores: PreScorePlugin[];
}
