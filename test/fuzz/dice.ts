// Seeded choices for the parts of a fuzz case that depend on what the server holds at run time
// (the paths of the object being patched, the bytes of an encoding): fast-check draws the seed,
// so a printed seed replays them too.
import { seededRandom } from '../../lib/sched/framework/random.js';

export interface Dice {
  /** A float in [0, 1). */
  next(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function dice(seed: number): Dice {
  const next = seededRandom(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    chance: (p) => next() < p,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('dice: nothing to pick from');
      return items[int(0, items.length - 1)]!;
    },
  };
}
