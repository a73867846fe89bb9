// What the scheduling loop needs of one profile's framework, in the loop's own terms: find nodes
// for a pod, then the Reserve → Permit → PreBind → Bind → PostBind sequence, PostFilter
// (preemption) after a failure, and the FailedScheduling message. framework-profile.ts builds it
// from lib/sched's Framework; tests may build one by hand.
import type { PodInfo, Snapshot } from '../../lib/sched/types.js';

export interface PluginVerdict {
  code: 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'Skip' | 'Wait';
  reasons: string[];
  plugin?: string;
}

export interface RankedNode {
  name: string;
  score: number;
  pluginScores?: Record<string, number>;
}

export interface FindNodesOutcome {
  /** Best first; the first is the chosen node (ties already broken at random). */
  feasible: RankedNode[];
  nodeToStatus: Map<string, PluginVerdict>;
  unschedulablePlugins: Set<string>;
  evaluatedNodes: number;
  feasibleNodes: number;
  /** The profile's per-attempt state, handed back to the later extension points. */
  cycle: unknown;
}

export interface PostFilterOutcome {
  /** Set when preemption made room: the node the pod is nominated to. */
  nominatedNodeName?: string;
  message?: string;
}

export interface SchedulingProfile {
  readonly schedulerName: string;
  findNodes(podInfo: PodInfo, snapshot: Snapshot, options: { explain: boolean }): FindNodesOutcome;
  /** Reserve plugins after the cache assumed the pod; a failure message means undo. */
  reserve(cycle: unknown, podInfo: PodInfo, nodeName: string): string | undefined;
  unreserve(cycle: unknown, podInfo: PodInfo, nodeName: string): void;
  /** Permit (may wait), PreBind and Bind; rejects with the reason on failure. */
  permitAndBind(cycle: unknown, podInfo: PodInfo, nodeName: string): Promise<void>;
  postBind(cycle: unknown, podInfo: PodInfo, nodeName: string): void;
  /** PostFilter plugins (DefaultPreemption) when no node fits; undefined when the profile has none. */
  postFilter(cycle: unknown, podInfo: PodInfo, snapshot: Snapshot, outcome: FindNodesOutcome): Promise<PostFilterOutcome | undefined>;
  /** The FailedScheduling message ("0/3 nodes are available: ..."). */
  fitError(podInfo: PodInfo, numAllNodes: number, outcome: FindNodesOutcome, postFilterMessage?: string): string;
}
