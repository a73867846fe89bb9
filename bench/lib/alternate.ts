// Loads that alternate in rounds, so drift in a shared machine's speed weighs on each alike.
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadResult } from './load.js';

const SETTLE_MS = 500;

/** Every order of `items` (3 items: 6 orders). */
function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** A load that `alternate` runs in rounds: `count` requests starting at request `offset`. */
export type Side = (offset: number, count: number) => Promise<LoadResult>;

/**
 * Runs `total` requests of every side in `rounds` alternating rounds (A B C, A C B, B A C, ...), so
 * a shared machine that slows down or speeds up during the run weighs on every side alike; each
 * side's rounds are summed into one result.
 */
export async function alternate(total: number, rounds: number, sides: Side[]): Promise<LoadResult[]> {
  const sums: LoadResult[] = sides.map(() => ({ completed: 0, failed: 0, seconds: 0, perSecond: 0, latenciesMs: [] }));
  const orders = permutations(sides.map((_, i) => i));
  for (let round = 0; round < rounds; round++) {
    const offset = Math.floor((total * round) / rounds);
    const count = Math.floor((total * (round + 1)) / rounds) - offset;
    // Each round runs the sides in the next of their orders: whatever a load leaves behind falls
    // on the one after it, and over all the orders every side follows every other equally often.
    for (const i of orders[round % orders.length]!) {
      // The previous load's aftermath (its server's garbage collection, closing its connections)
      // settles before the next starts.
      await sleep(SETTLE_MS);
      const result = await sides[i]!(offset, count);
      const sum = sums[i]!;
      sum.completed += result.completed;
      sum.failed += result.failed;
      sum.seconds += result.seconds;
      sum.latenciesMs.push(...result.latenciesMs);
      sum.firstError ??= result.firstError;
    }
  }
  for (const sum of sums) sum.perSecond = (sum.completed - sum.failed) / sum.seconds;
  return sums;
}

