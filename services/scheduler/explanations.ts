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
  /** Best first. */
  feasible: readonly ScoredNode[];
  rejected: readonly (readonly [string, Status])[];
  /** Nodes evaluated but not kept in `feasible`/`rejected`. */
  omitted: number;
}

export const EXPLAIN_ANNOTATION = 'scheduler.rudder.dev/explain';
export const EXPLANATION_ANNOTATION = 'scheduler.rudder.dev/explanation';
/** Annotations share 256 KiB per object in Kubernetes; the explanation takes at most this. */
export const MAX_ANNOTATION_BYTES = 64 * 1024;

export function explanationOf(attempt: Attempt): Explanation {
  const nodes: NodeExplanation[] = attempt.feasible.map((n) => ({
    node: n.name,
    verdict: 'Feasible',
    ...(n.pluginScores ? { scores: Object.fromEntries(n.pluginScores.map((p) => [p.name, p.score])) } : {}),
    finalScore: n.score,
  }));
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
