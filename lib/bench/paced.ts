// Runs count tasks at most qps per second (0: no limit) with at most `concurrency` in flight,
// the way clusterloader2's tuning sets pace its actions. A failed task is counted, not fatal:
// the run goes on and the failure shows in the API call errors.
import { setTimeout as sleep } from 'node:timers/promises';

export async function paced(count: number, qps: number, concurrency: number, now: () => number, task: (i: number) => Promise<void>): Promise<number> {
  const start = now();
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) {
        if (qps > 0) {
          const wait = start + (i * 1000) / qps - now();
          if (wait > 0) await sleep(wait);
        }
        await task(i).catch(() => failed++);
      }
    }),
  );
  return failed;
}
