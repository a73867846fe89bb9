// The last scheduling attempt of recent pods, for `rudder explain pod` and the explanation
// annotation: per node the filter verdict (or the reason it was rejected) and every plugin's
// score. Kept in a bounded LRU; the annotation form is capped in size.
export interface NodeExplanation {
  node: string;
  /** "Feasible", or the rejecting plugin's reasons. */
  verdict: 'Feasible' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Error' | 'NotEvaluated';
  plugin?: string;
  reasons?: string[];
  /** Plugin name → weighted, normalized score. */
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
}

export const EXPLAIN_ANNOTATION = 'scheduler.rudder.dev/explain';
export const EXPLANATION_ANNOTATION = 'scheduler.rudder.dev/explanation';
/** Annotations share 256 KiB per object in Kubernetes; the explanation takes at most this. */
export const MAX_ANNOTATION_BYTES = 64 * 1024;

export class ExplanationStore {
  private readonly entries = new Map<string, Explanation>();

  constructor(private readonly capacity = 2000) {}

  record(explanation: Explanation): void {
    this.entries.delete(explanation.pod);
    this.entries.set(explanation.pod, explanation);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(key: string): Explanation | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The explanation as annotation text, dropping the lowest-ranked nodes until it fits. */
export function annotationText(explanation: Explanation, maxBytes = MAX_ANNOTATION_BYTES): string {
  let nodes = explanation.nodes;
  for (;;) {
    const text = JSON.stringify({ ...explanation, nodes, truncated: nodes.length < explanation.nodes.length ? explanation.nodes.length - nodes.length : undefined });
    if (Buffer.byteLength(text) <= maxBytes || nodes.length === 0) return text;
    nodes = nodes.slice(0, Math.floor(nodes.length / 2));
  }
}
