// What the scheduling loop needs of one profile's framework: find nodes for a pod, then the
// Reserve → Permit → PreBind → Bind → PostBind sequence, PostFilter (preemption) after a
// failure, and the FailedScheduling message. framework-adapter.ts builds it from lib/sched's
// Framework. The attempt's result is the framework's own (no copies on the hot path).
import type { CycleState, FindNodesResult } from './index.js';
import type { PodInfo, Snapshot } from '../types.js';

export interface PostFilterOutcome {
  /** Set when preemption made room: the node the pod is nominated to. */
  nominatedNodeName?: string;
  message?: string;
}

export interface FindNodesOptions {
  /** Keep every score plugin's score per node. */
  pluginScores: boolean;
  /** Score even a single feasible node (kube-scheduler does not need to). */
  alwaysScore: boolean;
}

export interface SchedulingProfile {
  readonly schedulerName: string;
  /** Feasible nodes best first (the first is the chosen one); throws on a framework error. */
  findNodes(podInfo: PodInfo, snapshot: Snapshot, options: FindNodesOptions): FindNodesResult;
  // The binding cycle gets the attempt's CycleState only: holding the whole result (every
  // feasible node) while a binding is in flight would keep it alive for nothing.
  /** Reserve plugins after the cache assumed the pod; a failure message means undo. */
  reserve(state: CycleState, podInfo: PodInfo, nodeName: string): string | undefined;
  unreserve(state: CycleState, podInfo: PodInfo, nodeName: string): void;
  /** Permit (may wait), PreBind and Bind; rejects with the reason on failure. */
  permitAndBind(state: CycleState, podInfo: PodInfo, nodeName: string): Promise<void>;
  postBind(state: CycleState, podInfo: PodInfo, nodeName: string): void;
  /** PostFilter plugins (DefaultPreemption) when no node fits; undefined when the profile has none. */
  postFilter(attempt: FindNodesResult, podInfo: PodInfo): Promise<PostFilterOutcome | undefined>;
  /** The FailedScheduling message ("0/3 nodes are available: ..."). */
  fitError(attempt: FindNodesResult, numAllNodes: number, postFilterMessage?: string): string;
}
