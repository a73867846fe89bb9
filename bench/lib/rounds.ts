// The order in which a benchmark's variants take turns, round after round: a balanced Latin square
// (Williams' design), so over every n rounds (n variants) each variant runs once in every position
// and, for even n, follows every other variant exactly once. A shared machine that slows down or
// speeds up during the run, and whatever one load leaves behind, then weigh on all variants alike.

/** The variants' order (indices 0..n-1) in each of `rounds` rounds. */
export function roundOrders(n: number, rounds: number): number[][] {
  // First row 0, 1, n-1, 2, n-2, ...; row r adds r to each (mod n).
  const first: number[] = [];
  for (let i = 0, low = 1, high = n - 1; i < n; i++) first.push(i === 0 ? 0 : i % 2 === 1 ? low++ : high--);
  return Array.from({ length: rounds }, (_, r) => first.map((v) => (v + r) % n));
}
