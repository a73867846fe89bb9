// InterPodAffinity (kube-scheduler's interpodaffinity plugin). PreFilter counts, per topology
// pair (key, value), the existing pods matching the incoming pod's required (anti-)affinity
// terms and the existing pods whose required anti-affinity matches the incoming pod; Filter
// only looks the node's pairs up. PreScore sums preferred-term weights (both directions, and
// existing pods' required affinity at hardPodAffinityWeight) per pair the same way.
import type { CycleState, StateData } from '../framework/cycle-state.js';
import {
  type ClusterEvent,
  type EnqueueExtensions,
  type FilterPlugin,
  type FrameworkHandle,
  type NodeScore,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  MAX_NODE_SCORE,
} from '../framework/interfaces.js';
import { Status, type MaybeStatus } from '../framework/status.js';
import { argsObject, PluginArgsError } from './helper/args.js';
import type { NodeInfo } from '../node-info.js';
import type { AffinityTerm, Labels, PodInfo, WeightedAffinityTerm } from '../types.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';

export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

/** InterPodAffinityArgs (kubescheduler.config.k8s.io/v1). */
export interface InterPodAffinityArgs {
  /** Score weight of existing pods' required affinity terms the incoming pod matches (0..100, default 1). */
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

const PRE_FILTER_KEY = `PreFilter${INTER_POD_AFFINITY}`;
const PRE_SCORE_KEY = `PreScore${INTER_POD_AFFINITY}`;
const NO_LABELS: Labels = Object.freeze({});

/** A topology pair as one map key; NUL never occurs in label keys or values. */
function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** Topology pair → count; entries that drop to zero are removed. */
type PairCounts = Map<string, number>;

function addToPair(m: PairCounts, key: string, value: number): void {
  const n = (m.get(key) ?? 0) + value;
  if (n === 0) m.delete(key);
  else m.set(key, n);
}

/**
 * Whether `term` (of some pod) selects `pod`: the pod's namespace is named by the term or its
 * labels (`nsLabels`) match the term's namespaceSelector, and the pod's labels match.
 */
function termMatches(term: AffinityTerm, pod: PodInfo, nsLabels: Labels): boolean {
  if (!term.namespaces.has(pod.namespace) && !term.namespaceSelector.matches(nsLabels)) return false;
  return term.selector.matches(pod.labels);
}

/**
 * The incoming pod's terms are matched against pods of any namespace, so their
 * namespaceSelector is evaluated on each namespace's labels (memoised for the cycle), as
 * kube-scheduler resolves it to namespace names in PreFilter/PreScore.
 */
class NamespaceMatcher {
  private readonly memo = new Map<AffinityTerm, Map<string, boolean>>();

  constructor(private readonly namespaceLabels: ((namespace: string) => Labels | undefined) | undefined) {}

  matches(term: AffinityTerm, pod: PodInfo): boolean {
    if (!term.namespaces.has(pod.namespace) && !this.selectorMatches(term, pod.namespace)) return false;
    return term.selector.matches(pod.labels);
  }

  private selectorMatches(term: AffinityTerm, namespace: string): boolean {
    const selector = term.namespaceSelector;
    if (selector.matchesNothing()) return false;
    if (selector.isEmpty()) return true;
    let byNs = this.memo.get(term);
    if (!byNs) this.memo.set(term, (byNs = new Map()));
    let r = byNs.get(namespace);
    if (r === undefined) {
      // A namespace the scheduler does not know is not listed, so it cannot be selected.
      const labels = this.namespaceLabels?.(namespace);
      r = labels !== undefined && selector.matches(labels);
      byNs.set(namespace, r);
    }
    return r;
  }

  /** True only for a non-empty list of terms all of which select the pod. */
  matchesAll(terms: readonly AffinityTerm[], pod: PodInfo): boolean {
    if (terms.length === 0) return false;
    for (const t of terms) if (!this.matches(t, pod)) return false;
    return true;
  }
}

class PreFilterState implements StateData {
  constructor(
    readonly podInfo: PodInfo,
    /** The incoming pod's namespace labels (for existing pods' namespaceSelectors). */
    readonly namespaceLabels: Labels,
    readonly namespaces: NamespaceMatcher,
    /** Pairs with existing pods whose required anti-affinity selects the incoming pod. */
    readonly existingAntiAffinityCounts: PairCounts,
    /** Pairs with existing pods matching all the incoming pod's required affinity terms. */
    readonly affinityCounts: PairCounts,
    /** Pairs with existing pods matching one of the incoming pod's required anti-affinity terms. */
    readonly antiAffinityCounts: PairCounts,
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(
      this.podInfo,
      this.namespaceLabels,
      this.namespaces,
      new Map(this.existingAntiAffinityCounts),
      new Map(this.affinityCounts),
      new Map(this.antiAffinityCounts),
    );
  }

  /** Counts `other` (on `node`) in (multiplier 1) or out (-1): AddPod/RemovePod. */
  updateWithPod(other: PodInfo, nodeLabels: Labels, multiplier: number): void {
    for (const t of other.requiredAntiAffinityTerms) {
      const value = nodeLabels[t.topologyKey];
      if (value !== undefined && termMatches(t, this.podInfo, this.namespaceLabels)) {
        addToPair(this.existingAntiAffinityCounts, pairKey(t.topologyKey, value), multiplier);
      }
    }
    countAffinity(this.affinityCounts, this.namespaces, this.podInfo.requiredAffinityTerms, other, nodeLabels, multiplier);
    countAntiAffinity(this.antiAffinityCounts, this.namespaces, this.podInfo.requiredAntiAffinityTerms, other, nodeLabels, multiplier);
  }
}

/** updateWithAffinityTerms: a pod matching ALL the terms counts once per term's pair. */
function countAffinity(m: PairCounts, ns: NamespaceMatcher, terms: readonly AffinityTerm[], pod: PodInfo, nodeLabels: Labels, value: number): void {
  if (!ns.matchesAll(terms, pod)) return;
  for (const t of terms) {
    const v = nodeLabels[t.topologyKey];
    if (v !== undefined) addToPair(m, pairKey(t.topologyKey, v), value);
  }
}

/** updateWithAntiAffinityTerms: each term the pod matches counts for its pair. */
function countAntiAffinity(m: PairCounts, ns: NamespaceMatcher, terms: readonly AffinityTerm[], pod: PodInfo, nodeLabels: Labels, value: number): void {
  for (const t of terms) {
    const v = nodeLabels[t.topologyKey];
    if (v !== undefined && ns.matches(t, pod)) addToPair(m, pairKey(t.topologyKey, v), value);
  }
}

/** Topology key → value → summed weight. */
type ScoreMap = Map<string, Map<string, number>>;

function addScore(m: ScoreMap, key: string, value: string, weight: number): void {
  let byValue = m.get(key);
  if (!byValue) m.set(key, (byValue = new Map()));
  byValue.set(value, (byValue.get(value) ?? 0) + weight);
}

class PreScoreState {
  constructor(readonly topologyScore: ScoreMap) {}
}

export function validateInterPodAffinityArgs(args: InterPodAffinityArgs): void {
  const w = args.hardPodAffinityWeight;
  if (w !== undefined && (!Number.isInteger(w) || w < 0 || w > 100)) {
    throw new PluginArgsError(`hardPodAffinityWeight: Invalid value: ${w}: not in valid range [0, 100]`);
  }
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions, PreFilterExtensions {
  readonly name = INTER_POD_AFFINITY;
  readonly hardPodAffinityWeight: number;
  readonly ignorePreferredTermsOfExistingPods: boolean;
  private readonly rejectAffinity = Status.unresolvable(INTER_POD_AFFINITY, ERR_REASON_AFFINITY_RULES_NOT_MATCH);
  private readonly rejectAntiAffinity = Status.unschedulable(INTER_POD_AFFINITY, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
  private readonly rejectExisting = Status.unschedulable(INTER_POD_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);

  constructor(
    args: InterPodAffinityArgs | undefined,
    private readonly handle: FrameworkHandle,
  ) {
    const a = args ?? {};
    validateInterPodAffinityArgs(a);
    this.hardPodAffinityWeight = a.hardPodAffinityWeight ?? 1;
    this.ignorePreferredTermsOfExistingPods = a.ignorePreferredTermsOfExistingPods ?? false;
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: 'Pod', actionType: ['All'] },
      { resource: 'Node', actionType: ['Add', 'UpdateNodeLabel'] },
    ];
  }

  private namespaceLabelsOf(namespace: string): Labels {
    return this.handle.deps.namespaceLabels?.(namespace) ?? NO_LABELS;
  }

  // ------------------------------------------------------------------ filtering

  preFilter(state: CycleState, podInfo: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    // The usual pod: no terms of its own and no existing pod with anti-affinity (skip before allocating).
    if (podInfo.requiredAffinityTerms.length === 0 && podInfo.requiredAntiAffinityTerms.length === 0 && this.handle.snapshot().havePodsWithRequiredAntiAffinity.length === 0) {
      return Status.skip(INTER_POD_AFFINITY);
    }
    const nsLabels = this.namespaceLabelsOf(podInfo.namespace);
    const namespaces = new NamespaceMatcher(this.handle.deps.namespaceLabels);
    const existing: PairCounts = new Map();
    for (const nodeInfo of this.handle.snapshot().havePodsWithRequiredAntiAffinity) {
      const labels = nodeInfo.labels;
      for (const other of nodeInfo.podsWithRequiredAntiAffinity) {
        for (const t of other.requiredAntiAffinityTerms) {
          const value = labels[t.topologyKey];
          if (value !== undefined && termMatches(t, podInfo, nsLabels)) addToPair(existing, pairKey(t.topologyKey, value), 1);
        }
      }
    }
    const affinity: PairCounts = new Map();
    const antiAffinity: PairCounts = new Map();
    const required = podInfo.requiredAffinityTerms;
    const requiredAnti = podInfo.requiredAntiAffinityTerms;
    if (required.length > 0 || requiredAnti.length > 0) {
      for (const nodeInfo of nodes) {
        const labels = nodeInfo.labels;
        for (const other of nodeInfo.pods) {
          if (required.length > 0) countAffinity(affinity, namespaces, required, other, labels, 1);
          if (requiredAnti.length > 0) countAntiAffinity(antiAffinity, namespaces, requiredAnti, other, labels, 1);
        }
      }
    }
    if (existing.size === 0 && required.length === 0 && requiredAnti.length === 0) return Status.skip(INTER_POD_AFFINITY);
    state.write(PRE_FILTER_KEY, new PreFilterState(podInfo, nsLabels, namespaces, existing, affinity, antiAffinity));
    return null;
  }

  preFilterExtensions(): PreFilterExtensions {
    return this;
  }

  addPod(state: CycleState, _podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    return this.update(state, podToAdd, nodeInfo, 1);
  }

  removePod(state: CycleState, _podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    return this.update(state, podToRemove, nodeInfo, -1);
  }

  private update(state: CycleState, other: PodInfo, nodeInfo: NodeInfo, multiplier: number): MaybeStatus {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return Status.fromError(new Error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`), INTER_POD_AFFINITY);
    s.updateWithPod(other, nodeInfo.labels, multiplier);
    return null;
  }

  filter(state: CycleState, _podInfo: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return Status.fromError(new Error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`), INTER_POD_AFFINITY);
    if (!this.satisfyPodAffinity(s, nodeInfo.labels)) return this.rejectAffinity;
    if (!satisfyPodAntiAffinity(s, nodeInfo.labels)) return this.rejectAntiAffinity;
    if (!satisfyExistingPodsAntiAffinity(s, nodeInfo.labels)) return this.rejectExisting;
    return null;
  }

  /**
   * Every required affinity term's pair on this node must hold a matching pod. The node must
   * carry every term's topology key. The exception: when no pod anywhere matches and the pod
   * matches its own terms, it is the first of its group and may go anywhere.
   */
  private satisfyPodAffinity(s: PreFilterState, labels: Labels): boolean {
    let podsExist = true;
    for (const t of s.podInfo.requiredAffinityTerms) {
      const value = labels[t.topologyKey];
      if (value === undefined) return false;
      if ((s.affinityCounts.get(pairKey(t.topologyKey, value)) ?? 0) <= 0) podsExist = false;
    }
    if (podsExist) return true;
    return s.affinityCounts.size === 0 && s.namespaces.matchesAll(s.podInfo.requiredAffinityTerms, s.podInfo);
  }

  // ------------------------------------------------------------------ scoring

  preScore(state: CycleState, podInfo: PodInfo, nodes: readonly NodeInfo[]): MaybeStatus {
    if (nodes.length === 0) return Status.skip(INTER_POD_AFFINITY);
    const hasConstraints = podInfo.preferredAffinityTerms.length > 0 || podInfo.preferredAntiAffinityTerms.length > 0;
    if (this.ignorePreferredTermsOfExistingPods && !hasConstraints) return Status.skip(INTER_POD_AFFINITY);
    const snapshot = this.handle.snapshot();
    // Without preferred terms of its own, only pods with affinity can contribute.
    const allNodes = hasConstraints ? snapshot.nodes : snapshot.havePodsWithAffinity;
    const nsLabels = this.namespaceLabelsOf(podInfo.namespace);
    const namespaces = new NamespaceMatcher(this.handle.deps.namespaceLabels);
    const scores: ScoreMap = new Map();
    const processTerms = (terms: readonly WeightedAffinityTerm[], match: (t: AffinityTerm) => boolean, labels: Labels, multiplier: number): void => {
      for (const t of terms) {
        const value = labels[t.topologyKey];
        if (value !== undefined && match(t)) addScore(scores, t.topologyKey, value, t.weight * multiplier);
      }
    };
    for (const nodeInfo of allNodes) {
      const labels = nodeInfo.labels;
      if (Object.keys(labels).length === 0) continue;
      const pods = hasConstraints ? nodeInfo.pods : nodeInfo.podsWithAffinity;
      for (const other of pods) {
        const otherMatches = (t: AffinityTerm): boolean => namespaces.matches(t, other);
        const incomingMatches = (t: AffinityTerm): boolean => termMatches(t, podInfo, nsLabels);
        processTerms(podInfo.preferredAffinityTerms, otherMatches, labels, 1);
        processTerms(podInfo.preferredAntiAffinityTerms, otherMatches, labels, -1);
        if (this.hardPodAffinityWeight > 0) {
          for (const t of other.requiredAffinityTerms) {
            const value = labels[t.topologyKey];
            if (value !== undefined && incomingMatches(t)) addScore(scores, t.topologyKey, value, this.hardPodAffinityWeight);
          }
        }
        if (!this.ignorePreferredTermsOfExistingPods) {
          processTerms(other.preferredAffinityTerms, incomingMatches, labels, 1);
          processTerms(other.preferredAntiAffinityTerms, incomingMatches, labels, -1);
        }
      }
    }
    if (scores.size === 0) return Status.skip(INTER_POD_AFFINITY);
    state.write(PRE_SCORE_KEY, new PreScoreState(scores));
    return null;
  }

  /** The summed weights of the node's topology pairs: positive for affinity, negative for anti-affinity. */
  score(state: CycleState, _podInfo: PodInfo, nodeInfo: NodeInfo): number | Status {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return Status.fromError(new Error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`), INTER_POD_AFFINITY);
    let score = 0;
    for (const [key, byValue] of s.topologyScore) {
      const value = nodeInfo.labels[key];
      if (value !== undefined) score += byValue.get(value) ?? 0;
    }
    return score;
  }

  /** (score - min) * 100 / (max - min), truncated; all 0 when every node scored the same. */
  normalizeScore(state: CycleState, _podInfo: PodInfo, scores: NodeScore[]): MaybeStatus {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s || s.topologyScore.size === 0) return null;
    let min = Infinity;
    let max = -Infinity;
    for (const sc of scores) {
      if (sc.score > max) max = sc.score;
      if (sc.score < min) min = sc.score;
    }
    const diff = max - min;
    for (const sc of scores) sc.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((sc.score - min) / diff)) : 0;
    return null;
  }
}

/** No existing pod matching one of the incoming pod's required anti-affinity terms shares the term's pair. */
function satisfyPodAntiAffinity(s: PreFilterState, labels: Labels): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.podInfo.requiredAntiAffinityTerms) {
    const value = labels[t.topologyKey];
    if (value !== undefined && (s.antiAffinityCounts.get(pairKey(t.topologyKey, value)) ?? 0) > 0) return false;
  }
  return true;
}

/** No existing pod whose required anti-affinity selects the incoming pod shares any of the node's pairs. */
function satisfyExistingPodsAntiAffinity(s: PreFilterState, labels: Labels): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const key in labels) {
    if ((s.existingAntiAffinityCounts.get(pairKey(key, labels[key]!)) ?? 0) > 0) return false;
  }
  return true;
}

export function newInterPodAffinity(args: unknown, handle: FrameworkHandle): InterPodAffinity {
  return new InterPodAffinity(argsObject(INTER_POD_AFFINITY, args) as InterPodAffinityArgs, handle);
}
