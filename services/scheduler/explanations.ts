// The last scheduling attempt of recent pods, for `rudder explain pod` and the explanation
// annotation: per node the filter verdict (or the reason it was rejected) and every plugin's
// score. Attempts are kept as the framework produced them (a bounded LRU, nothing copied on the
// scheduling path) and turned into an Explanation when someone asks.
import { codeName, type ScoredNode, type Status } from '../../lib/sched/framework/index.js';

export interface NodeExplanation {
  node: string;
  /** "Feasible", or the code of the rejecting plugin's status. */
  verdict: 'Feasible' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error';
  plugin?: string;
  reasons?: string[];
  /** Score plugin name → its weighted, normalized score. */
  scores?: Record<string, number>;
  finalScore?: number;
}

export interface Explanation {
  pod: string;
  uid?: string;
  profile: string;
  /** ISO time of the attempt. */
  time: string;
  result: 'Scheduled' | 'Unschedulable' | 'Error';
  selectedNode?: string;
  message?: string;
  evaluatedNodes: number;
  feasibleNodes: number;
  nodes: NodeExplanation[];
  /** Nodes left out of `nodes` (the lowest ranked feasible ones, then rejected ones). */
  truncated?: number;
}

/** One attempt as the scheduling loop records it. */
export interface Attempt {
  pod: string;
  uid: string;
  profile: string;
  /** Milliseconds since the epoch. */
  time: number;
  result: Explanation['result'];
  selectedNode?: string;
  message?: string;
  evaluatedNodes: number;
  feasibleNodes: number;
  /** The best feasible nodes, best first. */
  feasible: RankedNodes;
  rejected: readonly (readonly [string, Status])[];
  /** Nodes evaluated but not kept in `feasible`/`rejected`. */
  omitted: number;
}

/**
 * The best nodes of an attempt, kept compactly (a few arrays instead of an object per node and
 * plugin, since thousands of attempts are kept): node names, final scores, and each plugin's
 * weighted score per node.
 */
export interface RankedNodes {
  names: string[];
  finalScores: Float64Array;
  plugins: string[];
  /** scores[node * plugins.length + plugin]; NaN where the plugin did not score the node. */
  scores: Float64Array;
}

export function rankedNodes(feasible: readonly ScoredNode[], limit: number): RankedNodes {
  const count = Math.min(limit, feasible.length);
  const names = new Array<string>(count);
  const finalScores = new Float64Array(count);
  const plugins: string[] = [];
  for (const p of feasible[0]?.pluginScores ?? []) plugins.push(p.name);
  const scores = new Float64Array(count * plugins.length).fill(NaN);
  for (let i = 0; i < count; i++) {
    const node = feasible[i]!;
    names[i] = node.name;
    finalScores[i] = node.score;
    const perPlugin = node.pluginScores;
    if (!perPlugin) continue;
    for (let j = 0; j < perPlugin.length; j++) {
      // Plugins come in the same order for every node of one attempt.
      const at = plugins[j] === perPlugin[j]!.name ? j : plugins.indexOf(perPlugin[j]!.name);
      if (at >= 0) scores[i * plugins.length + at] = perPlugin[j]!.score;
    }
  }
  return { names, finalScores, plugins, scores };
}

export const EXPLAIN_ANNOTATION = 'scheduler.rudder.dev/explain';
export const EXPLANATION_ANNOTATION = 'scheduler.rudder.dev/explanation';
/** Annotations share 256 KiB per object in Kubernetes; the explanation takes at most this. */
export const MAX_ANNOTATION_BYTES = 64 * 1024;

export function explanationOf(attempt: Attempt): Explanation {
  const { names, finalScores, plugins, scores } = attempt.feasible;
  const nodes: NodeExplanation[] = names.map((node, i) => {
    const perPlugin: Record<string, number> = {};
    plugins.forEach((plugin, j) => {
      const score = scores[i * plugins.length + j]!;
      if (!Number.isNaN(score)) perPlugin[plugin] = score;
    });
    return { node, verdict: 'Feasible', ...(Object.keys(perPlugin).length > 0 ? { scores: perPlugin } : {}), finalScore: finalScores[i]! };
  });
  for (const [node, status] of attempt.rejected) {
    nodes.push({ node, verdict: codeName(status.code) as NodeExplanation['verdict'], ...(status.plugin ? { plugin: status.plugin } : {}), reasons: [...status.reasons] });
  }
  return {
    pod: attempt.pod,
    uid: attempt.uid,
    profile: attempt.profile,
    time: new Date(attempt.time).toISOString(),
    result: attempt.result,
    ...(attempt.selectedNode !== undefined ? { selectedNode: attempt.selectedNode } : {}),
    ...(attempt.message !== undefined ? { message: attempt.message } : {}),
    evaluatedNodes: attempt.evaluatedNodes,
    feasibleNodes: attempt.feasibleNodes,
    nodes,
    ...(attempt.omitted > 0 ? { truncated: attempt.omitted } : {}),
  };
}

export class ExplanationStore {
  private readonly entries = new Map<string, Attempt>();

  constructor(private readonly capacity = 2000) {}

  record(attempt: Attempt): void {
    this.entries.delete(attempt.pod);
    this.entries.set(attempt.pod, attempt);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(key: string): Explanation | undefined {
    const attempt = this.entries.get(key);
    return attempt ? explanationOf(attempt) : undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The explanation as annotation text, dropping the lowest-ranked nodes until it fits. */
export function annotationText(explanation: Explanation, maxBytes = MAX_ANNOTATION_BYTES): string {
  let nodes = explanation.nodes;
  for (;;) {
    const left = explanation.nodes.length - nodes.length + (explanation.truncated ?? 0);
    const text = JSON.stringify({ ...explanation, nodes, truncated: left > 0 ? left : undefined });
    if (Buffer.byteLength(text) <= maxBytes || nodes.length === 0) return text;
    nodes = nodes.slice(0, Math.floor(nodes.length / 2));
  }
}
