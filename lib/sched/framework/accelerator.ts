// The seam where a native kernel takes over Filter and Score for the plugins it implements.
// The framework keeps the cycle's shape (PreFilter of TypeScript-only plugins, the rotating
// start index, numFeasibleNodesToFind, TypeScript-only filters and scores on top, selectHost)
// and asks the accelerator for the parts it supports. Node order is `snapshot.nodes`; an
// accelerator that mirrors nodes re-syncs its order when `snapshot.nodeListGeneration` moves.
import type { PodInfo, Snapshot } from '../types.js';
import type { Status } from './status.js';

export interface AcceleratedPlugin {
  readonly name: string;
  readonly weight: number;
  /** The plugin's args after defaulting (from pluginConfig). */
  readonly args: unknown;
}

export interface PluginScore {
  readonly name: string;
  readonly score: number;
}

/**
 * Nodes with their scores as columns, so a cycle creates no object per node: the framework
 * materialises only what it hands out (the chosen node, or every node for an explanation).
 * Valid until the accelerator's next call.
 */
export interface AcceleratedNodes {
  readonly length: number;
  /** Node i's name. */
  name(i: number): string;
  /** Node i's index in the request's snapshot.nodes (so the framework reaches its NodeInfo without a lookup by name). */
  position(i: number): number;
  /** Weighted sum of the accelerated plugins' normalised scores (0 when not scored), by node. */
  readonly scores: ArrayLike<number>;
  /** Node i's per-plugin weighted scores, when they were asked for. */
  pluginScores(i: number): PluginScore[] | undefined;
}

export interface AcceleratorFindRequest {
  readonly podInfo: PodInfo;
  readonly snapshot: Snapshot;
  /** Filter plugins to run (all supported), in profile order. */
  readonly filters: readonly AcceleratedPlugin[];
  /** Score plugins to run (all supported); ignored when `score` is false. */
  readonly scores: readonly AcceleratedPlugin[];
  /** Index into snapshot.nodes to start from; evaluation wraps around. */
  readonly startIndex: number;
  /** Stop after this many feasible nodes (may equal the node count). */
  readonly numNodesToFind: number;
  /** False when TypeScript filters must run before scoring: return feasible nodes unscored. */
  readonly score: boolean;
  readonly wantPluginScores: boolean;
  /** Where rejected nodes go, each with the first failing filter's status (plugin name set). */
  readonly nodeToStatus: Map<string, Status>;
}

export interface AcceleratorFindResult {
  /** A PreFilter rejection (all nodes rejected with it), as kube-scheduler's PreFilterMsg. */
  readonly preFilterStatus?: Status;
  /** Feasible nodes in evaluation order from startIndex. */
  readonly feasible: AcceleratedNodes;
  /** The filters that rejected some node (each once). */
  readonly rejectedBy: readonly string[];
  /** Feasible plus rejected nodes looked at (advances the start index). */
  readonly processedNodes: number;
}

export interface AcceleratorScoreRequest {
  readonly podInfo: PodInfo;
  readonly snapshot: Snapshot;
  /** The final feasible nodes, by name. */
  readonly nodes: readonly string[];
  readonly scores: readonly AcceleratedPlugin[];
  readonly wantPluginScores: boolean;
}

export interface FilterScoreAccelerator {
  /** Whether this plugin (with these args) runs natively with identical results. */
  supports(pluginName: string, args: unknown): boolean;
  findNodes(request: AcceleratorFindRequest): AcceleratorFindResult;
  /** Scores a given feasible list (used after TypeScript-only filters); same order as request.nodes. */
  scoreNodes(request: AcceleratorScoreRequest): AcceleratedNodes;
}
