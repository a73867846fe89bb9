// DefaultPreemption (kube-scheduler's defaultpreemption plugin with framework/preemption's
// Evaluator): when no node fits, find nodes where evicting lower-priority pods would make
// room, pick one by kube-scheduler's criteria, evict the victims and nominate the node.
//
// PodDisruptionBudgets (from the handle's lister, read once per dry run) are honoured as
// kube-scheduler does: on each node the victims whose eviction would violate a budget are
// reprieved first, and among candidate nodes the one with fewer violations wins.
import type { CycleState } from '../framework/cycle-state.js';
import type { FrameworkHandle, PostFilterPlugin, PostFilterResult } from '../framework/interfaces.js';
import { Code, Status } from '../framework/status.js';
import { fitErrorMessage } from '../fit-error.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../types.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { argsObject, PluginArgsError } from './helper/args.js';
import { filterPodsWithPDBViolation } from './helper/pdb-violation.js';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';

export const MSG_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const MSG_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const MSG_TERMINATING_ON_NOMINATED = 'not eligible due to a terminating pod on the nominated node.';

/** DefaultPreemptionArgs (kubescheduler.config.k8s.io/v1). */
export interface DefaultPreemptionArgs {
  /** Share of the potential nodes to dry-run at least (0..100, default 10). */
  minCandidateNodesPercentage?: number;
  /** Number of potential nodes to dry-run at least (default 100). */
  minCandidateNodesAbsolute?: number;
}

/** A node where preemption would work and the pods it would evict (highest priority first). */
export interface Candidate {
  readonly nodeName: string;
  readonly victims: readonly PodInfo[];
  readonly numPDBViolations: number;
}

export function validateDefaultPreemptionArgs(args: Required<DefaultPreemptionArgs>): void {
  const { minCandidateNodesPercentage: pct, minCandidateNodesAbsolute: abs } = args;
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) {
    throw new PluginArgsError(`minCandidateNodesPercentage: Invalid value: ${pct}: not in valid range [0, 100]`);
  }
  if (!Number.isInteger(abs) || abs < 0) throw new PluginArgsError(`minCandidateNodesAbsolute: Invalid value: ${abs}: not in valid range [0, inf)`);
  if (pct === 0 && abs === 0) {
    throw new PluginArgsError('minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute');
  }
}

const MAX_INT32_PLUS_ONE = 2147483648;

/** util.GetPodStartTime: status.startTime, or now for pods that have not started. */
function podStartTime(p: PodInfo, now: number): number {
  const t = p.pod.status?.startTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? now : ms;
}

/** util.MoreImportantPod: higher priority first, then the earlier start. */
function moreImportant(a: PodInfo, b: PodInfo, now: number): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return podStartTime(a, now) - podStartTime(b, now);
}

/** util.GetEarliestPodStartTime: the earliest start among the highest-priority victims. */
function earliestStartOfMostImportant(victims: readonly PodInfo[], now: number): number {
  let maxPriority = victims[0]!.priority;
  let earliest = podStartTime(victims[0]!, now);
  for (const v of victims) {
    if (v.priority === maxPriority) earliest = Math.min(earliest, podStartTime(v, now));
    else if (v.priority > maxPriority) {
      maxPriority = v.priority;
      earliest = podStartTime(v, now);
    }
  }
  return earliest;
}

/**
 * pickOneNodeForPreemption: each criterion keeps the candidates with the best value; the
 * first to leave one wins. Fewest PDB violations, lowest highest-victim priority, smallest sum
 * of priorities, fewest victims, latest start of the highest-priority victims, then the first.
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[], now: number): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -c.victims[0]!.priority,
    // Offset so that several negative priorities never beat fewer of the same.
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + MAX_INT32_PLUS_ONE, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfMostImportant(c.victims, now),
  ];
  let remaining = candidates;
  for (const score of criteria) {
    let best = -Infinity;
    let selected: Candidate[] = [];
    for (const c of remaining) {
      const s = score(c);
      if (s > best) {
        best = s;
        selected = [c];
      } else if (s === best) selected.push(c);
    }
    if (selected.length === 1) return selected[0];
    remaining = selected;
  }
  return remaining[0];
}

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = DEFAULT_PREEMPTION;
  readonly args: Required<DefaultPreemptionArgs>;

  constructor(
    args: DefaultPreemptionArgs,
    private readonly handle: FrameworkHandle,
  ) {
    this.args = {
      minCandidateNodesPercentage: args.minCandidateNodesPercentage ?? 10,
      minCandidateNodesAbsolute: args.minCandidateNodesAbsolute ?? 100,
    };
    validateDefaultPreemptionArgs(this.args);
  }

  async postFilter(state: CycleState, podInfo: PodInfo, nodeToStatus: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    const found = this.preempt(state, podInfo, nodeToStatus);
    if ('status' in found) {
      const msg = found.status.message();
      if (found.clearNomination && podInfo.pod.status?.nominatedNodeName) await this.handle.deps.clearNominatedNodeName?.(podInfo);
      return { status: msg ? new Status(found.status.code, [`preemption: ${msg}`], DEFAULT_PREEMPTION) : found.status };
    }
    await this.prepareCandidate(found.candidate, podInfo);
    return { status: new Status(Code.Success, [], DEFAULT_PREEMPTION), nominatedNodeName: found.candidate.nodeName, victims: found.candidate.victims };
  }

  /**
   * The decision without side effects: the chosen candidate, or the status explaining why
   * there is none (its message without the "preemption: " prefix).
   */
  preempt(
    state: CycleState,
    podInfo: PodInfo,
    nodeToStatus: ReadonlyMap<string, Status>,
  ): { candidate: Candidate } | { status: Status; clearNomination?: boolean } {
    const snapshot = this.handle.snapshot();
    const eligible = this.podEligibleToPreemptOthers(podInfo, nodeToStatus, snapshot.get.bind(snapshot));
    if (eligible !== undefined) return { status: new Status(Code.Unschedulable, [eligible]) };

    const allNodes = snapshot.nodes;
    if (allNodes.length === 0) return { status: Status.fromError(new Error('no nodes available')) };
    const statuses = new Map<string, Status>();
    const notHelpful = new Status(Code.UnschedulableAndUnresolvable, [MSG_NOT_HELPFUL]);
    const potential: NodeInfo[] = [];
    for (const n of allNodes) {
      // Nodes without a verdict were never evaluated (a PreFilter narrowed them away).
      const s = nodeToStatus.get(n.name);
      if (s === undefined || s.code === Code.UnschedulableAndUnresolvable) statuses.set(n.name, notHelpful);
      else potential.push(n);
    }
    if (potential.length === 0) return { status: new Status(Code.Unschedulable, [preemptionFitError(statuses)]), clearNomination: true };

    const random = this.handle.deps.random ?? Math.random;
    const offset = Math.floor(random() * potential.length);
    const numCandidates = this.numCandidates(potential.length);
    const { candidates, nodeStatuses, errors } = this.dryRunPreemption(state, podInfo, potential, offset, numCandidates);
    for (const [name, s] of nodeStatuses) statuses.set(name, s);
    if (candidates.length === 0) {
      if (errors.length > 0) return { status: Status.fromError(errors[0]) };
      return { status: new Status(Code.Unschedulable, [preemptionFitError(statuses)]) };
    }
    const best = pickOneNodeForPreemption(candidates, this.handle.clock());
    if (!best) return { status: new Status(Code.Unschedulable, ['no candidate node for preemption']) };
    return { candidate: best };
  }

  /** calculateNumCandidates: a share of the nodes, at least the absolute minimum, at most all. */
  numCandidates(numNodes: number): number {
    let n = Math.trunc((numNodes * this.args.minCandidateNodesPercentage) / 100);
    if (n < this.args.minCandidateNodesAbsolute) n = this.args.minCandidateNodesAbsolute;
    return Math.min(n, numNodes);
  }

  /** undefined when the pod may preempt; otherwise why not. */
  private podEligibleToPreemptOthers(
    podInfo: PodInfo,
    nodeToStatus: ReadonlyMap<string, Status>,
    getNode: (name: string) => NodeInfo | undefined,
  ): string | undefined {
    if (podInfo.pod.spec?.preemptionPolicy === 'Never') return MSG_POLICY_NEVER;
    const nominated = podInfo.pod.status?.nominatedNodeName;
    if (nominated) {
      // A nominated node the filters call unresolvable is worth preempting for elsewhere.
      if (nodeToStatus.get(nominated)?.code === Code.UnschedulableAndUnresolvable) return undefined;
      const info = getNode(nominated);
      if (info) {
        for (const p of info.pods) {
          // Victims of an earlier preemption are still terminating: wait for them instead.
          if (p.priority < podInfo.priority && p.pod.metadata?.deletionTimestamp) return MSG_TERMINATING_ON_NOMINATED;
        }
      }
    }
    return undefined;
  }

  /**
   * DryRunPreemption: nodes from a random offset, each on a copy of its NodeInfo and of the
   * cycle state, until enough candidates are found (at least one without PDB violations).
   */
  private dryRunPreemption(
    state: CycleState,
    podInfo: PodInfo,
    potential: readonly NodeInfo[],
    offset: number,
    numCandidates: number,
  ): { candidates: Candidate[]; nodeStatuses: Map<string, Status>; errors: Error[] } {
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    const nodeStatuses = new Map<string, Status>();
    const errors: Error[] = [];
    const pdbs = this.handle.deps.podDisruptionBudgets?.() ?? [];
    for (let i = 0; i < potential.length; i++) {
      const nodeCopy = potential[(offset + i) % potential.length]!.clone();
      const r = this.selectVictimsOnNode(state.clone(), podInfo, nodeCopy, pdbs);
      if ('victims' in r) {
        if (r.victims.length === 0) {
          const s = Status.fromError(new Error(`expected at least one victim pod on node "${nodeCopy.name}"`));
          errors.push(s.error!);
          nodeStatuses.set(nodeCopy.name, s);
          continue;
        }
        const c: Candidate = { nodeName: nodeCopy.name, victims: r.victims, numPDBViolations: r.numPDBViolations };
        (c.numPDBViolations === 0 ? nonViolating : violating).push(c);
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= numCandidates) break;
        continue;
      }
      if (r.status.isError() && r.status.error) errors.push(r.status.error);
      nodeStatuses.set(nodeCopy.name, r.status);
    }
    return { candidates: [...nonViolating, ...violating], nodeStatuses, errors };
  }

  /**
   * SelectVictimsOnNode: evict every lower-priority pod; if the pod then fits, put victims
   * back one by one from the most important, keeping each that still lets the pod fit —
   * first those whose eviction would violate a PodDisruptionBudget, then the others; the
   * violating ones that stay victims are counted. `nodeInfo` and `state` are this node's
   * private copies.
   */
  selectVictimsOnNode(
    state: CycleState,
    podInfo: PodInfo,
    nodeInfo: NodeInfo,
    pdbs: readonly PodDisruptionBudget[] = [],
  ): { victims: PodInfo[]; numPDBViolations: number } | { status: Status } {
    const fw = this.handle.framework;
    const remove = (p: PodInfo): Status => {
      nodeInfo.removePod(p.key);
      return fw.runPreFilterExtensionRemovePod(state, podInfo, p, nodeInfo);
    };
    const add = (p: PodInfo): Status => {
      nodeInfo.addPod(p);
      return fw.runPreFilterExtensionAddPod(state, podInfo, p, nodeInfo);
    };
    const potentialVictims = nodeInfo.pods.filter((p) => p.priority < podInfo.priority);
    for (const p of potentialVictims) {
      const s = remove(p);
      if (!s.isSuccess()) return { status: s };
    }
    if (potentialVictims.length === 0) return { status: new Status(Code.UnschedulableAndUnresolvable, [MSG_NO_VICTIMS]) };
    // Affinity of the pod to one of the victims is not worked around, as in kube-scheduler.
    const fits = fw.runFilterPluginsWithNominatedPods(state, podInfo, nodeInfo);
    if (!fits.isSuccess()) return { status: fits };
    const now = this.handle.clock();
    potentialVictims.sort((a, b) => moreImportant(a, b, now));
    const { violating, nonViolating } = filterPodsWithPDBViolation(potentialVictims, pdbs);
    const victims: PodInfo[] = [];
    /** Puts `p` back; true when the pod still fits, otherwise `p` is a victim again. */
    const reprieve = (p: PodInfo): { fits: boolean } | { status: Status } => {
      const added = add(p);
      if (!added.isSuccess()) return { status: added };
      if (fw.runFilterPluginsWithNominatedPods(state, podInfo, nodeInfo).isSuccess()) return { fits: true };
      const removed = remove(p);
      if (!removed.isSuccess()) return { status: removed };
      victims.push(p);
      return { fits: false };
    };
    let numPDBViolations = 0;
    for (const p of violating) {
      const r = reprieve(p);
      if ('status' in r) return r;
      if (!r.fits) numPDBViolations++;
    }
    for (const p of nonViolating) {
      const r = reprieve(p);
      if ('status' in r) return r;
    }
    // Victims stay ordered from the most important.
    if (violating.length > 0 && nonViolating.length > 0) victims.sort((a, b) => moreImportant(a, b, now));
    return { victims, numPDBViolations };
  }

  /**
   * prepareCandidate: evict the victims, and take the node away from lower-priority pods
   * nominated to it (they would no longer fit).
   */
  private async prepareCandidate(c: Candidate, podInfo: PodInfo): Promise<void> {
    const deps = this.handle.deps;
    const reason = `Preempted by pod ${podInfo.uid} on node ${c.nodeName}`;
    if (deps.deletePod) await Promise.all(c.victims.map((v) => deps.deletePod!(v, reason, podInfo)));
    const nominator = this.handle.nominator;
    if (!nominator) return;
    for (const p of nominator.nominatedPodsForNode(c.nodeName)) {
      if (p.priority >= podInfo.priority || p.uid === podInfo.uid) continue;
      nominator.deleteNominatedPodIfExists(p.pod);
      await deps.clearNominatedNodeName?.(p);
    }
  }
}

/** "0/N nodes are available: ..." over the preemption verdicts (without the "preemption: " prefix). */
function preemptionFitError(statuses: ReadonlyMap<string, Status>): string {
  return fitErrorMessage(statuses.size, { nodeToStatus: statuses });
}

export function newDefaultPreemption(args: unknown, handle: FrameworkHandle): DefaultPreemption {
  return new DefaultPreemption(argsObject(DEFAULT_PREEMPTION, args) as DefaultPreemptionArgs, handle);
}
