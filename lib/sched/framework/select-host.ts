// selectHost: the highest total score wins; among equal top scores one is picked uniformly by
// reservoir sampling in list order (kube-scheduler's selectHost), using the given random source.

export interface Scored {
  readonly name: string;
  readonly score: number;
}

/**
 * The index of the chosen node among `scores` (undefined for none), in two passes over the
 * list and without allocating: the top score, then reservoir sampling among the nodes that
 * have it. The random source is drawn once per tie after the first.
 */
export function pickHost(scores: ArrayLike<number>, random: () => number): number | undefined {
  const n = scores.length;
  if (n === 0) return undefined;
  let top = scores[0]!;
  for (let i = 1; i < n; i++) if (scores[i]! > top) top = scores[i]!;
  let selected = -1;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (scores[i] !== top) continue;
    count++;
    if (count === 1 || Math.floor(random() * count) === 0) selected = i;
  }
  return selected;
}

/**
 * Sorts `nodes` best first (stable for equal scores) and moves the chosen one among the
 * top-scored to the front; the same choice as `pickHost` on the unsorted list. For
 * explanations: a scheduling cycle that needs only the choice uses `pickHost`.
 * Returns the chosen node, or undefined for an empty list.
 */
export function selectHost<T extends Scored>(nodes: T[], random: () => number): T | undefined {
  if (nodes.length === 0) return undefined;
  nodes.sort((a, b) => b.score - a.score);
  const top = nodes[0]!.score;
  let selected = 0;
  let count = 1;
  for (let i = 1; i < nodes.length && nodes[i]!.score === top; i++) {
    count++;
    if (Math.floor(random() * count) === 0) selected = i;
  }
  if (selected !== 0) {
    const chosen = nodes[selected]!;
    nodes[selected] = nodes[0]!;
    nodes[0] = chosen;
  }
  return nodes[0];
}
