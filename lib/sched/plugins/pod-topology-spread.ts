// PodTopologySpread (kube-scheduler's podtopologyspread plugin): DoNotSchedule constraints
// filter, ScheduleAnyway constraints score. Matching pods are counted per topology domain
// once per cycle (PreFilter / PreScore); Filter and Score only look the node's domain up.
import type { Taint, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { labelSelectorFromObject } from '../../api/selectors/label-selector-object.js';
import { type LabelSelector, labelSelectorFromSet, labelSelectorOf } from '../../api/selectors/label-selector.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import {
  type FrameworkHandle,
  type NodeScore,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type FilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type EnqueueExtensions,
  type ClusterEvent,
  type WorkloadLister,
  MAX_NODE_SCORE,
} from '../framework/interfaces.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import { argsObject, PluginArgsError } from './helper/args.js';
import type { NodeInfo } from '../node-info.js';
import { findUntoleratedTaint } from '../taints.js';
import type { Labels, PodInfo } from '../types.js';
import { podMatchesNodeSelectorAndAffinity } from './node-affinity.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** Spreading applied to pods without constraints of their own when defaultingType is System. */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_TOPOLOGY_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

/** PodTopologySpreadArgs (kubescheduler.config.k8s.io/v1). */
export interface PodTopologySpreadArgs {
  defaultConstraints?: TopologySpreadConstraint[];
  /** System (the default) or List. */
  defaultingType?: 'System' | 'List';
}

type Action = 'DoNotSchedule' | 'ScheduleAnyway';
type InclusionPolicy = 'Honor' | 'Ignore';

/** A TopologySpreadConstraint with its selector parsed and its defaults filled in. */
export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: LabelSelector;
  readonly minDomains: number;
  readonly nodeAffinityPolicy: InclusionPolicy;
  readonly nodeTaintsPolicy: InclusionPolicy;
}

const PRE_FILTER_KEY = `PreFilter${POD_TOPOLOGY_SPREAD}`;
const PRE_SCORE_KEY = `PreScore${POD_TOPOLOGY_SPREAD}`;
const MAX_INT32 = 2147483647;

interface CriticalPath {
  value: string;
  num: number;
}

/**
 * The two domains with the fewest matching pods: [0] always holds the minimum, [1] is at
 * least as large but not necessarily the second minimum (criticalPaths in kube-scheduler; the
 * approximation is safe because preemption changes one node at a time).
 */
class CriticalPaths {
  readonly paths: [CriticalPath, CriticalPath] = [
    { value: '', num: MAX_INT32 },
    { value: '', num: MAX_INT32 },
  ];

  update(value: string, num: number): void {
    const p = this.paths;
    const i = value === p[0].value ? 0 : value === p[1].value ? 1 : undefined;
    if (i !== undefined) {
      p[i].num = num;
      if (p[0].num > p[1].num) [p[0], p[1]] = [p[1], p[0]];
    } else if (num < p[0].num) {
      p[1] = p[0];
      p[0] = { value, num };
    } else if (num < p[1].num) {
      p[1] = { value, num };
    }
  }

  clone(): CriticalPaths {
    const c = new CriticalPaths();
    c.paths[0] = { ...this.paths[0] };
    c.paths[1] = { ...this.paths[1] };
    return c;
  }
}

class PreFilterState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    /** Per constraint: topology value → number of matching pods. */
    readonly tpValueToMatchNum: Map<string, number>[],
    readonly criticalPaths: CriticalPaths[],
  ) {}

  /** The global minimum for the skew, 0 while fewer than minDomains domains are eligible. */
  minMatchNum(i: number): number {
    if (this.tpValueToMatchNum[i]!.size < this.constraints[i]!.minDomains) return 0;
    return this.criticalPaths[i]!.paths[0].num;
  }

  clone(): PreFilterState {
    return new PreFilterState(
      this.constraints,
      this.tpValueToMatchNum.map((m) => new Map(m)),
      this.criticalPaths.map((p) => p.clone()),
    );
  }
}

/** Read-only after PreScore, so cycle-state clones share it. */
class PreScoreState {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    /** Nodes missing one of the constraints' topology keys: scored 0. */
    readonly ignoredNodes: ReadonlySet<string>,
    /** Per constraint: topology value → matching pods (empty for hostname, counted in Score). */
    readonly topologyValueToPodCounts: Map<string, number>[],
    readonly topologyNormalizingWeight: readonly number[],
  ) {}
}

/** The weight of a topology with `size` domains: log(size + 2), so small topologies are not watered down. */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

/** A domain's raw score: matching pods times the topology weight, plus maxSkew - 1 to tolerate skew. */
export function scoreForCount(count: number, maxSkew: number, weight: number): number {
  return count * weight + (maxSkew - 1);
}

/** True when the node carries every constraint's topology key. */
function nodeHasAllTopologyKeys(labels: Labels, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Pods in `namespace`, not terminating, matching the selector (an empty selector counts none). */
function countPodsMatchSelector(pods: readonly PodInfo[], selector: LabelSelector, namespace: string): number {
  if (selector.isEmpty()) return 0;
  let count = 0;
  for (const p of pods) {
    if (p.namespace !== namespace || p.pod.metadata?.deletionTimestamp) continue;
    if (selector.matches(p.labels)) count++;
  }
  return count;
}

const doNotScheduleTaint = (t: Taint): boolean => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** Whether the node counts for the constraint under its nodeAffinityPolicy and nodeTaintsPolicy. */
function matchNodeInclusionPolicies(c: SpreadConstraint, podInfo: PodInfo, nodeInfo: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !podMatchesNodeSelectorAndAffinity(podInfo, nodeInfo)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(nodeInfo.taints, podInfo.tolerations, doNotScheduleTaint)) return false;
  return true;
}

/** The pod's constraints with the given action, parsed; matchLabelKeys adds the pod's values to the selector. */
export function filterTopologySpreadConstraints(
  constraints: readonly TopologySpreadConstraint[],
  podLabels: Labels,
  action: Action,
): SpreadConstraint[] {
  const result: SpreadConstraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = labelSelectorFromObject(c.labelSelector);
    if (c.matchLabelKeys && c.matchLabelKeys.length > 0 && !selector.matchesNothing()) {
      const matchLabels: Record<string, string> = {};
      let any = false;
      for (const key of c.matchLabelKeys) {
        const value = podLabels[key];
        if (value !== undefined) {
          matchLabels[key] = value;
          any = true;
        }
      }
      if (any) selector = labelSelectorOf([...labelSelectorFromSet(matchLabels).requirements, ...selector.requirements]);
    }
    result.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: (c.nodeAffinityPolicy as InclusionPolicy | undefined) ?? 'Honor',
      nodeTaintsPolicy: (c.nodeTaintsPolicy as InclusionPolicy | undefined) ?? 'Ignore',
    });
  }
  return result;
}

/**
 * helper.DefaultSelector: the union of the selectors of the Services selecting the pod and of
 * its controlling ReplicationController, ReplicaSet or StatefulSet.
 */
export function defaultSelector(podInfo: PodInfo, workloads: WorkloadLister | undefined): LabelSelector {
  if (!workloads) return labelSelectorFromSet({});
  let labelSet: Record<string, string> = {};
  for (const service of workloads.services(podInfo.namespace)) {
    const sel = service.spec?.selector;
    // A Service without a selector selects nothing, not everything.
    if (sel === undefined || sel === null) continue;
    if (labelSelectorFromSet(sel).matches(podInfo.labels)) labelSet = { ...labelSet, ...sel };
  }
  let selector = labelSelectorFromSet(labelSet);
  const owner = podInfo.pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!owner) return selector;
  const addRequirements = (object: Parameters<typeof labelSelectorFromObject>[0]): void => {
    let other: LabelSelector;
    try {
      other = labelSelectorFromObject(object);
    } catch {
      return;
    }
    if (!other.matchesNothing()) selector = labelSelectorOf([...selector.requirements, ...other.requirements]);
  };
  const kind = `${owner.apiVersion}/${owner.kind}`;
  if (kind === 'v1/ReplicationController') {
    const rc = workloads.replicationController(podInfo.namespace, owner.name);
    if (rc) selector = labelSelectorFromSet({ ...labelSet, ...(rc.spec?.selector ?? {}) });
  } else if (kind === 'apps/v1/ReplicaSet') {
    const rs = workloads.replicaSet(podInfo.namespace, owner.name);
    if (rs) addRequirements(rs.spec?.selector);
  } else if (kind === 'apps/v1/StatefulSet') {
    const ss = workloads.statefulSet(podInfo.namespace, owner.name);
    if (ss) addRequirements(ss.spec?.selector);
  }
  return selector;
}

export function validatePodTopologySpreadArgs(args: PodTopologySpreadArgs): void {
  const type = args.defaultingType ?? 'System';
  if (type !== 'System' && type !== 'List') {
    throw new PluginArgsError(`defaultingType: Unsupported value: "${String(type)}": supported values: "List", "System"`);
  }
  const defaults = args.defaultConstraints ?? [];
  if (type === 'System' && defaults.length > 0) {
    throw new PluginArgsError('defaultConstraints: Invalid value: "": when .defaultingType is "System", .defaultConstraints must be empty');
  }
  const seen = new Set<string>();
  defaults.forEach((c, i) => {
    const path = `defaultConstraints[${i}]`;
    if (!Number.isInteger(c.maxSkew) || c.maxSkew <= 0) throw new PluginArgsError(`${path}.maxSkew: Invalid value: ${c.maxSkew}: must be greater than zero`);
    if (!c.topologyKey) throw new PluginArgsError(`${path}.topologyKey: Required value: can not be empty`);
    if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
      throw new PluginArgsError(`${path}.whenUnsatisfiable: Unsupported value: "${c.whenUnsatisfiable}": supported values: "DoNotSchedule", "ScheduleAnyway"`);
    }
    if (c.labelSelector) throw new PluginArgsError(`${path}.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`);
    const pair = `${c.topologyKey}/${c.whenUnsatisfiable}`;
    if (seen.has(pair)) throw new PluginArgsError(`${path}: Duplicate value: {"${c.topologyKey}", "${c.whenUnsatisfiable}"}`);
    seen.add(pair);
  });
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions, PreFilterExtensions {
  readonly name = POD_TOPOLOGY_SPREAD;
  private readonly defaultConstraints: readonly TopologySpreadConstraint[];
  private readonly systemDefaulted: boolean;
  private readonly rejectNotMatch = Status.unschedulable(POD_TOPOLOGY_SPREAD, ERR_REASON_CONSTRAINTS_NOT_MATCH);
  private readonly rejectMissingLabel = Status.unresolvable(POD_TOPOLOGY_SPREAD, ERR_REASON_NODE_LABEL_NOT_MATCH);

  constructor(
    args: PodTopologySpreadArgs | undefined,
    private readonly handle: FrameworkHandle,
  ) {
    const a = args ?? {};
    validatePodTopologySpreadArgs(a);
    this.systemDefaulted = (a.defaultingType ?? 'System') === 'System';
    this.defaultConstraints = this.systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (a.defaultConstraints ?? []);
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: 'Pod', actionType: ['All'] },
      { resource: 'Node', actionType: ['Add', 'Delete', 'UpdateNodeLabel', 'UpdateNodeTaint'] },
    ];
  }

  /** The pod's own constraints with this action, or the default ones with the pod's workload selector. */
  private constraintsFor(podInfo: PodInfo, action: Action): SpreadConstraint[] {
    if (podInfo.topologySpreadConstraints.length > 0) {
      return filterTopologySpreadConstraints(podInfo.topologySpreadConstraints, podInfo.labels, action);
    }
    // Without workload listers the default constraints have no selector, so none applies.
    if (!this.handle.deps.workloads) return [];
    const constraints = filterTopologySpreadConstraints(this.defaultConstraints, podInfo.labels, action);
    if (constraints.length === 0) return constraints;
    const selector = defaultSelector(podInfo, this.handle.deps.workloads);
    if (selector.isEmpty()) return [];
    return constraints.map((c) => ({ ...c, selector }));
  }

  // ------------------------------------------------------------------ filtering

  preFilter(state: CycleState, podInfo: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    const constraints = this.constraintsFor(podInfo, 'DoNotSchedule');
    if (constraints.length === 0) return Status.skip(POD_TOPOLOGY_SPREAD);
    const counts = constraints.map(() => new Map<string, number>());
    for (const nodeInfo of nodes) {
      if (!nodeHasAllTopologyKeys(nodeInfo.labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (!matchNodeInclusionPolicies(c, podInfo, nodeInfo)) continue;
        const value = nodeInfo.labels[c.topologyKey]!;
        const m = counts[i]!;
        m.set(value, (m.get(value) ?? 0) + countPodsMatchSelector(nodeInfo.pods, c.selector, podInfo.namespace));
      }
    }
    const paths = counts.map((m) => {
      const p = new CriticalPaths();
      for (const [value, num] of m) p.update(value, num);
      return p;
    });
    state.write(PRE_FILTER_KEY, new PreFilterState(constraints, counts, paths));
    return null;
  }

  preFilterExtensions(): PreFilterExtensions {
    return this;
  }

  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    return this.updateWithPod(state, podToAdd, podToSchedule, nodeInfo, 1);
  }

  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    return this.updateWithPod(state, podToRemove, podToSchedule, nodeInfo, -1);
  }

  private updateWithPod(state: CycleState, updated: PodInfo, preemptor: PodInfo, nodeInfo: NodeInfo, delta: number): MaybeStatus {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return Status.fromError(new Error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`), POD_TOPOLOGY_SPREAD);
    if (updated.namespace !== preemptor.namespace || !nodeInfo.present) return null;
    if (!nodeHasAllTopologyKeys(nodeInfo.labels, s.constraints)) return null;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      if (!c.selector.matches(updated.labels)) continue;
      if (!matchNodeInclusionPolicies(c, preemptor, nodeInfo)) continue;
      const value = nodeInfo.labels[c.topologyKey]!;
      const m = s.tpValueToMatchNum[i]!;
      const num = (m.get(value) ?? 0) + delta;
      m.set(value, num);
      s.criticalPaths[i]!.update(value, num);
    }
    return null;
  }

  filter(state: CycleState, podInfo: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return Status.fromError(new Error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`), POD_TOPOLOGY_SPREAD);
    const labels = nodeInfo.labels;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = labels[c.topologyKey];
      if (value === undefined) return this.rejectMissingLabel;
      // existing matching pods + this pod if it matches itself - global minimum <= maxSkew
      const selfMatch = c.selector.matches(podInfo.labels) ? 1 : 0;
      const skew = (s.tpValueToMatchNum[i]!.get(value) ?? 0) + selfMatch - s.minMatchNum(i);
      if (skew > c.maxSkew) return this.rejectNotMatch;
    }
    return null;
  }

  // ------------------------------------------------------------------ scoring

  preScore(state: CycleState, podInfo: PodInfo, filteredNodes: readonly NodeInfo[]): MaybeStatus {
    const allNodes = this.handle.snapshot().nodes;
    if (allNodes.length === 0) return Status.skip(POD_TOPOLOGY_SPREAD);
    const constraints = this.constraintsFor(podInfo, 'ScheduleAnyway');
    if (constraints.length === 0) return Status.skip(POD_TOPOLOGY_SPREAD);
    // System defaults spread by hostname even on nodes without a zone label.
    const requireAllTopologies = podInfo.topologySpreadConstraints.length > 0 || !this.systemDefaulted;
    const ignored = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    const topoSize = constraints.map(() => 0);
    for (const nodeInfo of filteredNodes) {
      if (requireAllTopologies && !nodeHasAllTopologyKeys(nodeInfo.labels, constraints)) {
        ignored.add(nodeInfo.name);
        continue;
      }
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (c.topologyKey === LABEL_HOSTNAME) continue;
        const value = nodeInfo.labels[c.topologyKey] ?? '';
        if (!counts[i]!.has(value)) {
          counts[i]!.set(value, 0);
          topoSize[i]!++;
        }
      }
    }
    const weights = constraints.map((c, i) =>
      topologyNormalizingWeight(c.topologyKey === LABEL_HOSTNAME ? filteredNodes.length - ignored.size : topoSize[i]!),
    );
    for (const nodeInfo of allNodes) {
      if (requireAllTopologies && !nodeHasAllTopologyKeys(nodeInfo.labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        const m = counts[i]!;
        // Hostname domains hold one node each: Score counts them on the spot.
        if (m.size === 0) continue;
        const value = nodeInfo.labels[c.topologyKey] ?? '';
        const current = m.get(value);
        if (current === undefined) continue;
        if (!matchNodeInclusionPolicies(c, podInfo, nodeInfo)) continue;
        m.set(value, current + countPodsMatchSelector(nodeInfo.pods, c.selector, podInfo.namespace));
      }
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(constraints, ignored, counts, weights));
    return null;
  }

  score(state: CycleState, podInfo: PodInfo, nodeInfo: NodeInfo): number | Status {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return Status.fromError(new Error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`), POD_TOPOLOGY_SPREAD);
    if (s.ignoredNodes.has(nodeInfo.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = nodeInfo.labels[c.topologyKey];
      if (value === undefined) continue;
      const count =
        c.topologyKey === LABEL_HOSTNAME
          ? countPodsMatchSelector(nodeInfo.pods, c.selector, podInfo.namespace)
          : (s.topologyValueToPodCounts[i]!.get(value) ?? 0);
      score += scoreForCount(count, c.maxSkew, s.topologyNormalizingWeight[i]!);
    }
    return Math.round(score);
  }

  /** Fewer matching pods is better: 100 * (max + min - score) / max, ignored nodes 0. */
  normalizeScore(state: CycleState, _podInfo: PodInfo, scores: NodeScore[]): MaybeStatus {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return null;
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (const sc of scores) {
      if (s.ignoredNodes.has(sc.name)) continue;
      if (sc.score < min) min = sc.score;
      if (sc.score > max) max = sc.score;
    }
    for (const sc of scores) {
      if (s.ignoredNodes.has(sc.name)) sc.score = 0;
      else if (max === 0) sc.score = MAX_NODE_SCORE;
      else sc.score = Math.trunc((MAX_NODE_SCORE * (max + min - sc.score)) / max);
    }
    return null;
  }
}

export function newPodTopologySpread(args: unknown, handle: FrameworkHandle): PodTopologySpread {
  return new PodTopologySpread(argsObject(POD_TOPOLOGY_SPREAD, args) as PodTopologySpreadArgs, handle);
}
