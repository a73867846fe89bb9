// selectHost: the highest total score wins; among equal top scores one is picked uniformly by
// reservoir sampling (kube-scheduler's selectHost), using the given random source.

export interface Scored {
  readonly name: string;
  readonly score: number;
}

/**
 * Sorts `nodes` best first (stable for equal scores) and moves the chosen one among the
 * top-scored to the front. Returns the chosen node, or undefined for an empty list.
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
